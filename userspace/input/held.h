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
 * than the caller lets it wait. Every event read after it is held behind it
 * too, so that the stream leaves in the order the rings were merged in.
 */
#define HELD_MAX	4096	/* events held at once; more release the oldest */

struct held_event {
	struct sevent ev;	/* its parameters point into bytes */
	uint32_t cpu;
	int waiting;		/* deferred parameters not yet filled */
	int closed;		/* its thread went on: the rest of its paths never come */
	char *bytes;		/* the parameters' bytes, then the paths as they come */
	size_t len, cap;
};

struct held {
	struct held_event *ring;	/* HELD_MAX slots, allocated at the first put */
	uint64_t first;			/* the sequence number of the oldest */
	size_t n;
	uint64_t open[HELD_MAX];	/* sequence numbers of those still waiting */
	size_t n_open;
};

/* Parameters of ev that wait for a SHRIKE_EVT_PATH record. */
int held_waiting(const struct sevent *ev);
/* Keep a copy of ev (from ring cpu) as the newest; -1 when full or out of memory. */
int held_put(struct held *h, const struct sevent *ev, uint32_t cpu);
/*
 * Fill the parameter that the SHRIKE_EVT_PATH record path names in the event
 * its thread holds open. 0 when that event now waits for nothing more, else
 * -1 (also when none matches: a path whose event was lost). Counts each
 * parameter it fills in *filled.
 */
int held_fill(struct held *h, const struct sevent *path, uint64_t *filled);
/* Thread tid wrote another record: its open event gets no more paths. 1 if it had one. */
int held_close(struct held *h, uint32_t tid);
/* The oldest event may leave: it waits for nothing more (or in vain). */
int held_ready(const struct held *h);
/* The oldest event's record time; the caller checks h->n first. */
uint64_t held_oldest_ts(const struct held *h);
/*
 * Take the oldest out: *out is the event, with every parameter still
 * deferred marked FAULT (never resolved; out->waiting counts them); its
 * bytes stay valid until held_done(). The caller checks h->n first.
 */
void held_take(struct held *h, struct held_event *out);
void held_done(struct held_event *e);
void held_free(struct held *h);

#endif /* SHRIKE_HELD_H */
