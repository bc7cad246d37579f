/* SPDX-License-Identifier: GPL-2.0-only */
/* metrics_feed.h - the daemon's counters and gauges handed to the metrics, on the event thread. */
#ifndef SHRIKE_METRICS_FEED_H
#define SHRIKE_METRICS_FEED_H

#include <signal.h>
#include <stdint.h>

struct daemon;
struct source;

/*
 * A pass of the event loop at CLOCK_MONOTONIC @now_ns: the heartbeat, and,
 * at most every METRICS_SAMPLE_NS, a sample of the pipeline, the caches,
 * the resolvers and (live, @r not NULL) each CPU's ring; with
 * metrics.output_rule, the periodic snapshot alert. Nothing without
 * d->metrics. Never waits for the web server.
 */
void metrics_feed_tick(struct daemon *d, struct source *r, uint64_t now_ns);

/*
 * After a replay, with -M and the web server: go on answering, with the
 * replay's final counters, until @until_ns (CLOCK_MONOTONIC) or *@stop
 * (SIGINT, SIGTERM), the heartbeat ticking as an idle loop's would.
 */
void metrics_feed_linger(struct daemon *d, uint64_t until_ns, volatile sig_atomic_t *stop);

#endif /* SHRIKE_METRICS_FEED_H */
