/* SPDX-License-Identifier: GPL-2.0-only */
/* log.h - diagnostics on stderr, git-style: "shrike: message". */
#ifndef SHRIKE_LOG_H
#define SHRIKE_LOG_H

__attribute__((format(printf, 1, 2))) void log_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_warn(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void log_info(const char *fmt, ...);
extern int log_quiet;

#endif /* SHRIKE_LOG_H */
