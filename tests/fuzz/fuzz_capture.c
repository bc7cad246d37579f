/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_capture.c - arbitrary bytes as a capture file: header checks, every
 * block kind, process snapshots and side values, then the records through
 * the pipeline. A bad file must end in an error message, never a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "capture/capture.h"
#include "output/evt_json.h"
#include "pipeline.h"
#include "enrich/proctab.h"
#include "fields/side.h"

static FILE *devnull;

static void sink(struct pipeline *pl, struct sevent *ev)
{
	(void)pl;
	evt_json_print(devnull, ev, 1);
}

static void on_record(void *ctx, const struct shrike_evt_hdr *rec, size_t len, uint32_t cpu)
{
	pipeline_feed(ctx, rec, len, cpu);
}

static void on_proc(void *ctx, struct proc *p)
{
	struct pipeline *pl = ctx;

	proctab_insert(&pl->procs, p);
}

static void on_side(void *ctx, uint32_t pid, const char *const *values, uint32_t n)
{
	(void)ctx;
	side_replay_set(pid, values, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pipeline pl;
	struct capture_reader r;
	struct capture_sink s = { on_record, on_proc, on_side, &pl };
	char err[512];
	/* mapped files are 8-aligned: so is this copy */
	void *buf = aligned_alloc(8, (size + 7) & ~(size_t)7);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (pipeline_init(&pl, sink, NULL) == 0) {
		pl.enrich.replaying = 1;
		pl.procs.no_procfs = 1;
		if (capture_open_buffer(&r, buf, size, "fuzz", err, sizeof(err)) == 0) {
			capture_replay(&r, &s, err, sizeof(err));
			capture_close_read(&r);
		}
		pipeline_free(&pl);
	}
	side_replay_free();
	free(buf);
	return 0;
}
