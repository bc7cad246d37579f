/* SPDX-License-Identifier: GPL-2.0-only */
/* live.h - reading the driver (kernel module or eBPF) until stopped. */
#ifndef SHRIKE_LIVE_H
#define SHRIKE_LIVE_H

#include <signal.h>
#include "input/source.h"

struct daemon;

extern volatile sig_atomic_t live_stop, live_hup;

/* Returns 0 when stopped (SIGINT/SIGTERM or max_seconds), -1 on a failure. */
int live_run(struct daemon *d, struct source *r, double max_seconds);
void live_report_stats(struct daemon *d, struct source *r, const char *what);

#endif /* SHRIKE_LIVE_H */
