/* SPDX-License-Identifier: GPL-2.0-only */
/* pending.h - records waiting for their syscall's exit, per thread. */
#ifndef SHRIKE_PENDING_H
#define SHRIKE_PENDING_H

#include <stddef.h>
#include <stdint.h>
#include "shrike.h"

enum pending_slot {
	PENDING_ENTER,		/* the enter record of the syscall in progress */
	PENDING_MODLOAD,	/* a module_load record, for [f]init_module's exit */
	PENDING_NSLOTS
};

struct pending_thread;

struct pending {
	struct pending_thread **buckets;
	size_t nbuckets;
	size_t count;
	size_t max;		/* threads tracked at most; more are refused (counted) */
	uint64_t refused;
};

int pending_init(struct pending *pd, size_t max);
void pending_free(struct pending *pd);
/* Keep a copy of rec for tid in slot, replacing what was there. */
void pending_put(struct pending *pd, uint32_t tid, enum pending_slot slot,
		 const struct shrike_evt_hdr *rec);
/*
 * The record kept for tid in slot, or NULL; it is removed from the slot but
 * its bytes stay valid until the next pending_put or pending_forget for tid.
 */
const struct shrike_evt_hdr *pending_take(struct pending *pd, uint32_t tid, enum pending_slot slot);
/* The thread exited: drop everything kept for it. */
void pending_forget(struct pending *pd, uint32_t tid);

#endif /* SHRIKE_PENDING_H */
