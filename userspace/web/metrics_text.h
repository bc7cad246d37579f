/* SPDX-License-Identifier: GPL-2.0-only */
/* metrics_text.h - the /metrics page: every shrike_ metric, from the event thread's counters and sample. */
#ifndef SHRIKE_METRICS_TEXT_H
#define SHRIKE_METRICS_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct metrics;

/* The page in the text exposition format (prom.h), malloc'd, *len bytes; NULL when out of memory. */
char *metrics_text(struct metrics *m, uint64_t now_ns, size_t *len);

#endif /* SHRIKE_METRICS_TEXT_H */
