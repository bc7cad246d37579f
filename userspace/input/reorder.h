/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reorder.h - records copied out of a shared ring and handed out in time
 * order: the eBPF driver's ring is ordered by when a record was copied in,
 * not by its stamp, so records wait here until the merge releases them.
 */
#ifndef SHRIKE_REORDER_H
#define SHRIKE_REORDER_H

#include <stddef.h>
#include <stdint.h>
#include "shrike.h"

struct reorder_ent {
	uint64_t ts;
	uint64_t seq;		/* arrival order: equal stamps keep it */
	size_t off;		/* in the arena */
	uint32_t cpu;
};

struct reorder {
	char *arena;		/* copied records, in arrival order */
	size_t used, cap;
	size_t budget;		/* arena bytes at most (reorder_push refuses beyond) */
	struct reorder_ent *ents;
	size_t n, ncap;
	size_t head;		/* ents[0..head) handed out, [head..n) waiting */
	size_t sorted;		/* ents[head..sorted) are in (ts, seq) order */
	uint64_t seq;
	uint64_t handed_ts;	/* stamp of the last record handed out */
	uint64_t late;		/* records that came in older than one already handed out */
};

void reorder_init(struct reorder *q, size_t budget);
void reorder_free(struct reorder *q);
/* Copies a record in; -1 when the budget is spent or memory is short. */
int reorder_push(struct reorder *q, const struct shrike_evt_hdr *rec, uint32_t cpu);
/* Is there room for len more bytes? */
int reorder_room(const struct reorder *q, size_t len);
/*
 * The oldest waiting record with ts <= limit, or NULL. Valid until
 * reorder_release() (reorder_push may move the arena: never push between
 * reorder_next and reorder_release).
 */
const struct shrike_evt_hdr *reorder_next(struct reorder *q, uint64_t limit, uint32_t *cpu);
/* Stamp of the oldest waiting record, UINT64_MAX if none. */
uint64_t reorder_oldest(struct reorder *q);
/* Forgets the records handed out; their space is reused. */
void reorder_release(struct reorder *q);

#endif /* SHRIKE_REORDER_H */
