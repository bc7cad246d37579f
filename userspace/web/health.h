/* SPDX-License-Identifier: GPL-2.0-only */
/* health.h - is the agent doing its job: the event loop turns, nothing is stuck, the outputs deliver. */
#ifndef SHRIKE_HEALTH_H
#define SHRIKE_HEALTH_H

#include <stddef.h>
#include <stdint.h>

struct metrics;

struct health_config {
	uint64_t stall_ns;		/* the event loop made no pass for this long */
	uint64_t output_fail_ns;	/* an output has failed for this long */
};

/*
 * Healthy (1) when, at CLOCK_MONOTONIC @now_ns:
 *  - the event loop made a pass within stall_ns: its heartbeat, stamped at
 *    each pass over the rings (at least every 100 ms when nothing comes, so
 *    an idle host is healthy) or, replaying, every 100 ms of records;
 *  - the user and container resolvers still have a worker that is not
 *    stuck (busy with one read for METRICS_STUCK_MS or longer): when all of
 *    them are, no container file can be read any more;
 *  - no output has been failing, without a success since, for longer than
 *    output_fail_ns (the file cannot be written, the HTTP collector is away).
 * Otherwise 0, and @why (at least 1 byte) says which, in a sentence.
 */
int health_check(struct metrics *m, const struct health_config *hc, uint64_t now_ns, char *why, size_t len);

#endif /* SHRIKE_HEALTH_H */
