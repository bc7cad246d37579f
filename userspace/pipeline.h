/* pipeline.h - from a raw record to a reported event: decode, join, enrich, output. */
#ifndef SHRIKE_PIPELINE_H
#define SHRIKE_PIPELINE_H

#include <stdint.h>
#include <stdio.h>
#include "input/event.h"
#include "input/pending.h"
#include "enrich/proctab.h"

struct pipeline_stats {
	uint64_t records;	/* records fed in */
	uint64_t events;	/* events reported (evt.num) */
	uint64_t bad_records;	/* failed validation, skipped */
	uint64_t enter_missing;	/* exit without its enter record */
};

struct pipeline;
/* Called for each complete event; ev and its strings live until it returns. */
typedef void (*pipeline_sink)(struct pipeline *pl, struct sevent *ev);

struct pipeline {
	struct proctab procs;
	struct pending pending;
	struct pipeline_stats st;
	pipeline_sink sink;
	void *sink_ctx;
};

int pipeline_init(struct pipeline *pl, pipeline_sink sink, void *sink_ctx);
void pipeline_free(struct pipeline *pl);
/* One record from CPU cpu; avail is how many bytes may be read at rec. */
void pipeline_feed(struct pipeline *pl, const struct shrike_evt_hdr *rec, size_t avail,
		   uint32_t cpu);

#endif /* SHRIKE_PIPELINE_H */
