/* SPDX-License-Identifier: GPL-2.0-only */
/* kernel_x32.h - does the running kernel have the x32 syscall ABI? */
#ifndef SHRIKE_KERNEL_X32_H
#define SHRIKE_KERNEL_X32_H

#define KERNEL_X32_KALLSYMS	"/proc/kallsyms"

/*
 * 1 when the kernel was built with CONFIG_X86_X32_ABI, as the symbols in
 * kallsyms (a path, normally KERNEL_X32_KALLSYMS) tell; 0 when it was not
 * or the file cannot be read.
 */
int kernel_has_x32(const char *kallsyms);

#endif
