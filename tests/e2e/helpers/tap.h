/* SPDX-License-Identifier: GPL-2.0-only */
/* tap.h - the VM helpers' TAP output: one line per check, numbered. */
#ifndef SHRIKE_TAP_H
#define SHRIKE_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;	/* checks so far; non-zero once one failed: the exit status */

/* Flushed per line: a helper that the kernel or a test kills keeps what it printed. */
static void __attribute__((format(printf, 2, 3))) check(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	tap_failed |= !ok;
}

#endif /* SHRIKE_TAP_H */
