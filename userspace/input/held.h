/* SPDX-License-Identifier: GPL-2.0-only */
/* held.h - events waiting for the paths the kernel resolves after the probe. */
#ifndef SHRIKE_HELD_H
#define SHRIKE_HELD_H

#include <stddef.h>
#include <stdint.h>
#include "input/event.h"

/*
 * On PREEMPT_RT (or with defer_paths=1) a probe does not resolve paths: it
 * marks the parameter SHRIKE_PARAM_DEFER and the thread writes a
 * SHRIKE_EVT_PATH record on its way back to user space (docs/ABI.md
 * "Deferred paths"). An event with such parameters is held here, a deep
 * copy, until its paths came, its thread wrote anything else, or it is older
 * than the caller lets it wait.
 */
#define HELD_MAX	256	/* events held at once; more release the oldest */

struct held_event {
	struct sevent ev;	/* its parameters point into bytes */
	uint32_t cpu;
	int waiting;		/* deferred parameters not yet filled */
	char *bytes;		/* the parameters' bytes, then the paths as they come */
	size_t len, cap;
};

struct held {
	struct held_event ev[HELD_MAX];
	size_t n;		/* ev[0..n) in arrival order */
};

/* Parameters of ev that wait for a SHRIKE_EVT_PATH record. */
int held_waiting(const struct sevent *ev);
/* Keep a copy of ev (from ring cpu); -1 when out of memory (ev is then released as is). */
int held_put(struct held *h, const struct sevent *ev, uint32_t cpu);
/*
 * Fill the parameter that the SHRIKE_EVT_PATH record path names in the event
 * its thread holds. The index of that event when it waits for nothing more,
 * else -1 (also when none matches: a path whose event was lost). Counts
 * each parameter it fills in *filled.
 */
int held_fill(struct held *h, const struct sevent *path, uint64_t *filled);
/* The index of the event tid holds, or -1. */
int held_find(const struct held *h, uint32_t tid);
/*
 * Take event i out: *out is the event, with every parameter still deferred
 * marked FAULT (never resolved); its bytes stay valid until held_done().
 */
void held_take(struct held *h, size_t i, struct held_event *out);
void held_done(struct held_event *e);
void held_free(struct held *h);

#endif /* SHRIKE_HELD_H */
