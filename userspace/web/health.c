/* SPDX-License-Identifier: GPL-2.0-only */
/* health.c - is the agent doing its job: the event loop turns, nothing is stuck, the outputs deliver. */
#include <stdio.h>
#include <stdlib.h>
#include "output/output.h"
#include "web/health.h"
#include "web/metrics.h"

static double seconds(uint64_t ns)
{
	return (double)ns / 1e9;
}

static int all_stuck(const struct resolver_stats *st)
{
	return st->max && st->stuck >= st->max;
}

int health_check(struct metrics *m, const struct health_config *hc, uint64_t now_ns, char *why, size_t len)
{
	uint64_t beat = metrics_get(&m->heartbeat_ns);
	struct output_counts oc[OUTPUT_KINDS];
	struct metrics_sample s;
	int k;

	if (now_ns > beat && now_ns - beat > hc->stall_ns) {
		snprintf(why, len, "event loop stalled: no pass for %.1f s", seconds(now_ns - beat));
		return 0;
	}
	/* the resolvers' part only: the per-CPU copy is not needed here */
	metrics_sample_get(m, &s, NULL);
	if (all_stuck(&s.users.resolver)) {
		snprintf(why, len, "user name resolver: all %u workers stuck for %u s or more",
			 s.users.resolver.max, METRICS_STUCK_MS / 1000);
		return 0;
	}
	if (all_stuck(&s.containers.resolver)) {
		snprintf(why, len, "container resolver: all %u workers stuck for %u s or more",
			 s.containers.resolver.max, METRICS_STUCK_MS / 1000);
		return 0;
	}
	outputs_counts(oc);
	for (k = 0; k < OUTPUT_KINDS; k++) {
		uint64_t since = oc[k].failing_since_ns;

		if (oc[k].used && since && now_ns > since && now_ns - since > hc->output_fail_ns) {
			snprintf(why, len, "output %s failing for %.0f s", output_kind_name((enum output_kind)k),
				 seconds(now_ns - since));
			return 0;
		}
	}
	snprintf(why, len, "ok");
	return 1;
}
