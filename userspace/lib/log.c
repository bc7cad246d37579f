/* SPDX-License-Identifier: GPL-2.0-only */
/* log.c - diagnostics on stderr; stdout belongs to events and alerts. */
#include <stdarg.h>
#include <stdio.h>
#include "lib/log.h"

int log_quiet;

/* One line at a time: the reload and HTTP threads log too. */
static void vlog(const char *level, const char *fmt, va_list ap)
{
	flockfile(stderr);
	fprintf(stderr, "shrike: %s", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_quiet)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}
