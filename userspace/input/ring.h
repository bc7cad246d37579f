/* SPDX-License-Identifier: GPL-2.0-only */
/* ring.h - reading the module's per-CPU rings: validation and time merge. */
#ifndef SHRIKE_RING_H
#define SHRIKE_RING_H

#include <stdint.h>
#include <stddef.h>
#include "shrike.h"

/*
 * One CPU's ring as the reader sees it. Separate from the device so that
 * unit tests can feed hand-made rings through the same validation.
 */
struct ring_view {
	const struct shrike_ring_ctrl *ctrl;
	const char *data;
	uint64_t size;		/* data area bytes, power of two */
	uint64_t pos;		/* next byte to read (our private tail) */
	uint64_t head;		/* snapshot of ctrl->head */
	uint32_t cpu;
	int broken;		/* a nonsense position or record was seen */
	const struct shrike_evt_hdr *peeked;	/* the record at pos, already checked */
};

enum ring_status {
	RING_OK,		/* *rec points at a valid record */
	RING_EMPTY,		/* nothing more in the snapshot */
	RING_CORRUPT,		/* positions or a record make no sense; stop reading this ring */
};

/* Take a new snapshot of head; CORRUPT if head ran away from our position. */
enum ring_status ring_view_refresh(struct ring_view *v, const char **why);
/* Next record (skipping pads) without consuming it; validates its length. */
enum ring_status ring_view_peek(struct ring_view *v, const struct shrike_evt_hdr **rec,
				const char **why);
/* Step past the record returned by the last peek. */
void ring_view_advance(struct ring_view *v);

/* The device: the rings of every CPU that has one, merged by timestamp. */
struct ring_reader {
	int fd;
	struct shrike_info info;
	struct ring_view *views;
	void **maps;		/* NULL for a CPU without a ring (yet) */
	uint32_t nmapped;
	uint64_t ring_gen;	/* shrike_counters.ring_gen when the rings were last mapped */
	uint64_t corrupt;	/* records or positions rejected */
	uint64_t oldest_pending;	/* at the last refresh: oldest stamp being written */
};

int ring_reader_open(struct ring_reader *r, const char *dev, char *err, size_t errlen);
void ring_reader_close(struct ring_reader *r);
/* Map the rings of CPUs that got one since (ENODEV: none yet); -1 on error. */
int ring_reader_map_new(struct ring_reader *r);
/* Snapshot every ring; returns total bytes pending. */
uint64_t ring_reader_refresh(struct ring_reader *r);
/*
 * Oldest pending record across CPUs with ts <= limit, or NULL. The record
 * stays valid until ring_reader_release() hands space back to the kernel.
 */
const struct shrike_evt_hdr *ring_reader_next(struct ring_reader *r, uint64_t limit,
					      uint32_t *cpu);
/* Stamp of the oldest record left unread in the snapshot, UINT64_MAX if none. */
uint64_t ring_reader_oldest(struct ring_reader *r);
/* Give consumed bytes back to the producers (one ioctl per CPU that moved). */
int ring_reader_release(struct ring_reader *r);
int ring_reader_counters(struct ring_reader *r, struct shrike_counters *c);
int ring_reader_set_mask(struct ring_reader *r, const struct shrike_syscall_mask *m);

/* The pure merge step, shared with tests: index of the view to read next. */
int ring_views_pick(struct ring_view *views, size_t n, uint64_t limit,
		    const struct shrike_evt_hdr **rec, uint64_t *corrupt);

#endif /* SHRIKE_RING_H */
