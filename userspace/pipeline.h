/* SPDX-License-Identifier: GPL-2.0-only */
/* pipeline.h - from a raw record to a reported event: decode, join, enrich, output. */
#ifndef SHRIKE_PIPELINE_H
#define SHRIKE_PIPELINE_H

#include <stdint.h>
#include <stdio.h>
#include "input/event.h"
#include "input/held.h"
#include "input/pending.h"
#include "enrich/enrich.h"
#include "enrich/proctab.h"

struct pipeline_stats {
	uint64_t records;	/* records fed in */
	uint64_t events;	/* events reported (evt.num) */
	uint64_t bad_records;	/* failed validation, skipped */
	uint64_t enter_missing;	/* exit without its enter record */
	uint64_t paths_deferred; /* deferred paths filled in by their SHRIKE_EVT_PATH record */
	uint64_t paths_lost;	/* deferred paths whose record never came (reported unknown) */
};

struct pipeline;
struct cgroupfs;
/* Called for each complete event; ev and its strings live until it returns. */
typedef void (*pipeline_sink)(struct pipeline *pl, struct sevent *ev);

struct pipeline {
	struct proctab procs;
	struct enrich_ctx enrich;	/* procs, and the host's containers and users when live */
	struct cgroupfs *cgroupfs;	/* the containers' own, made by pipeline_enrich_host() */
	struct pending pending;
	struct held held;	/* events waiting for deferred paths, and those behind them */
	struct pipeline_stats st;
	pipeline_sink sink;
	void *sink_ctx;
};

int pipeline_init(struct pipeline *pl, pipeline_sink sink, void *sink_ctx);
void pipeline_free(struct pipeline *pl);
/*
 * Look up container and user names on this host (the real /proc, a cgroupfs
 * of its mount table, each container's own passwd): what live events need.
 * A replay has none, its names come from the capture. 0 or -ENOMEM; freed
 * by pipeline_free().
 */
int pipeline_enrich_host(struct pipeline *pl);
/* One record from CPU cpu; avail is how many bytes may be read at rec. */
void pipeline_feed(struct pipeline *pl, const struct shrike_evt_hdr *rec, size_t avail,
		   uint32_t cpu);
/*
 * Report the held events, oldest first, that wait for nothing more or for
 * longer than they may at record time now_ts (CLOCK_BOOTTIME ns), the
 * latter without their missing paths.
 */
void pipeline_expire(struct pipeline *pl, uint64_t now_ts);
/* Report every held event: the stream ended. */
void pipeline_flush(struct pipeline *pl);

#endif /* SHRIKE_PIPELINE_H */
