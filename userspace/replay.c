/* SPDX-License-Identifier: GPL-2.0-only */
/* replay.c - a capture file through the same pipeline, with no module and no /proc. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "capture/capture.h"
#include "daemon.h"
#include "fields/fields.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "enrich/proctab.h"
#include "live.h"
#include "metrics_feed.h"
#include "reload.h"
#include "replay.h"
#include "fields/side.h"

/* Records between two looks at the clock for the metrics, replaying. */
#define METRICS_TICK_RECORDS	256

/*
 * SHRIKE_REPLAY_PACE_US: sleep this long before each record, so that a test
 * can change the rules while a replay runs (docs/TESTING.md). Unset: 0.
 */
static struct timespec pace;

static void on_record(void *ctx, const struct shrike_evt_hdr *rec, size_t len, uint32_t cpu)
{
	struct daemon *d = ctx;

	if (pace.tv_sec || pace.tv_nsec)
		nanosleep(&pace, NULL);
	/* SIGHUP and watch_config_files, as in the live loop: swapped in between records */
	reload_tick(ctx, &live_hup);
	daemon_feed(ctx, rec, len, cpu);
	/* a replay has no loop of its own: its records are the heartbeat */
	if (d->metrics && d->pl.st.records % METRICS_TICK_RECORDS == 0)
		metrics_feed_tick(d, NULL, mono_ns());
}

static void set_pace(void)
{
	const char *v = getenv("SHRIKE_REPLAY_PACE_US");
	unsigned long us = v ? strtoul(v, NULL, 10) : 0;

	pace.tv_sec = (time_t)(us / 1000000);
	pace.tv_nsec = (long)(us % 1000000) * 1000;
}

static void on_proc(void *ctx, struct proc *p)
{
	struct daemon *d = ctx;

	proctab_insert(&d->pl.procs, p);
}

static void on_side(void *ctx, uint32_t pid, const char *const *values, uint32_t n)
{
	(void)ctx;
	side_replay_set(pid, values, n);
}

int replay_run(struct daemon *d, const char *path)
{
	struct capture_sink sink = { on_record, on_proc, on_side, d };
	struct capture_reader r;
	uint64_t t0, t1;
	char err[512];
	int ret;

	if (capture_open_read(&r, path, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	/* the capturing host's clock and name, so that the output is the same */
	d->pl.enrich.boot_offset_ns = r.hdr.boot_offset_ns;
	if (!*d->cfg.hostname)
		snprintf(d->hostname, sizeof(d->hostname), "%s", r.hdr.hostname);
	set_pace();
	d->pl.enrich.replaying = 1;
	d->pl.procs.no_procfs = 1;
	t0 = mono_ns();
	ret = capture_replay(&r, &sink, err, sizeof(err));
	pipeline_flush(&d->pl);
	t1 = mono_ns();
	fflush(stdout);
	if (ret < 0)
		log_error("%s", err);
	{
		double s = (double)(t1 - t0) / 1e9;
		const struct pipeline_stats *st = &d->pl.st;

		fprintf(stderr, "shrike: replay: records=%" PRIu64 " events=%" PRIu64 " alerts=%" PRIu64
			" bad_records=%" PRIu64 " seconds=%.3f records_per_s=%.0f\n", st->records,
			st->events, d->alerts, st->bad_records, s, s > 0 ? (double)st->records / s : 0);
	}
	capture_close_read(&r);
	side_replay_free();
	return ret < 0 ? 1 : 0;
}
