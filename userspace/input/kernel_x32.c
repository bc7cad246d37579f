/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel_x32.c - whether the kernel has the x32 syscall ABI, for the eBPF
 * driver: the module knows it at build time (CONFIG_X86_X32_ABI), the
 * programs are built once for every kernel. Without the ABI an x32 number
 * is an ENOSYS that did nothing, and neither driver reports it.
 *
 * kallsyms tells, as tests/e2e/25-ia32.sh reads it: the x32 table
 * (x32_sys_call_table up to 6.8, the x32_sys_call dispatcher from 6.9 on)
 * and the x32 compat entry points (__x64_compat_sys_*) exist only with the
 * ABI. Their names are listed even where kptr_restrict hides the
 * addresses. The kernel's config would say it too, but it is not on every
 * host (/proc/config.gz needs CONFIG_IKCONFIG_PROC, /boot may be absent).
 */
#include <stdio.h>
#include <string.h>
#include "input/kernel_x32.h"

/* Is name (one kallsyms symbol, without its module suffix) an x32 one? */
static int x32_symbol(const char *name)
{
	return !strcmp(name, "x32_sys_call") || !strcmp(name, "x32_sys_call_table") ||
	       !strncmp(name, "__x64_compat_sys_", 17);
}

int kernel_has_x32(const char *kallsyms)
{
	char line[512], name[256];
	FILE *f = fopen(kallsyms, "re");
	int found = 0;

	if (!f)
		return 0;
	/* "ADDRESS TYPE NAME [MODULE]": only the kernel's own symbols count */
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %255s", name) == 1 && !strchr(line, '['))
			found = x32_symbol(name);
	fclose(f);
	return found;
}
