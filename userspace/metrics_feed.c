/* SPDX-License-Identifier: GPL-2.0-only */
/* metrics_feed.c - the daemon's counters and gauges handed to the metrics, on the event thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "daemon.h"
#include "input/source.h"
#include "lib/clock.h"
#include "metrics_feed.h"
#include "web/metrics.h"

static void sample_rings(struct metrics *m, struct source *r, struct metrics_sample *s)
{
	struct source_cpu_stats *st;
	struct shrike_counters c;
	uint32_t i;

	s->ncpus = r->ncpus < m->max_cpus ? r->ncpus : m->max_cpus;
	st = calloc(s->ncpus ? s->ncpus : 1, sizeof(*st));
	if (st)
		source_cpu_stats(r, st, s->ncpus);
	for (i = 0; i < s->ncpus; i++) {
		struct metrics_cpu *mc = &s->cpus[i];

		memset(mc, 0, sizeof(*mc));
		if (!st || !st[i].has_ring)
			continue;	/* a CPU without a ring (yet) */
		mc->has_ring = 1;
		mc->seen = st[i].seen;
		mc->drop_full = st[i].drop_full;
		mc->fault = st[i].fault;
		mc->drop_nested = st[i].drop_nested;
		mc->size_bytes = st[i].size_bytes;
		mc->used_bytes = st[i].used_bytes;
	}
	free(st);
	if (source_counters(r, &c) == 0)
		s->drop_noring = c.n_drop_noring;
}

/*
 * metrics.output_rule: Falco's "Falco internal: metrics snapshot" alert, to
 * every output, every metrics.interval seconds, with the counters an
 * operator without a Prometheus server wants (shrike's names where the
 * figure is shrike's own, Falco's scap.* for the kernel's).
 */
static void snapshot_alert(struct daemon *d, const struct metrics_sample *s, uint64_t now_ns)
{
	struct metrics *m = d->metrics;
	cJSON *f = cJSON_CreateObject();
	uint64_t seen = 0, full = 0, nested = 0, rss;
	double cpu;
	uint32_t i;

	for (i = 0; i < s->ncpus; i++) {
		seen += s->cpus[i].seen;
		full += s->cpus[i].drop_full;
		nested += s->cpus[i].drop_nested;
	}
	metrics_self_usage(&cpu, &rss);
	cJSON_AddStringToObject(f, "evt.source", "syscall");
	cJSON_AddStringToObject(f, "shrike.version", SHRIKE_VERSION);
	cJSON_AddStringToObject(f, "shrike.driver", m->driver);
	cJSON_AddNumberToObject(f, "shrike.start_ts", (double)m->start_unix);
	cJSON_AddNumberToObject(f, "shrike.duration_sec", (double)((uint64_t)time(NULL) - m->start_unix));
	cJSON_AddNumberToObject(f, "shrike.cpu_seconds", cpu);
	cJSON_AddNumberToObject(f, "shrike.memory_rss_bytes", (double)rss);
	cJSON_AddNumberToObject(f, "shrike.num_records", (double)d->pl.st.records);
	cJSON_AddNumberToObject(f, "shrike.num_evts", (double)d->pl.st.events);
	cJSON_AddNumberToObject(f, "shrike.num_alerts", (double)d->alerts);
	cJSON_AddNumberToObject(f, "shrike.n_procs", (double)s->procs);
	cJSON_AddNumberToObject(f, "scap.n_evts", (double)seen);
	cJSON_AddNumberToObject(f, "scap.n_drops", (double)(full + nested + s->drop_noring));
	cJSON_AddNumberToObject(f, "scap.n_drops_buffer_total", (double)full);
	cJSON_AddNumberToObject(f, "scap.n_drops_nested_total", (double)nested);
	cJSON_AddNumberToObject(f, "scap.n_drops_noring_total", (double)s->drop_noring);
	daemon_internal_alert(d, "Falco internal: metrics snapshot", RULE_PRIO_INFORMATIONAL, "Falco metrics snapshot",
			      f, "metrics");
	m->snapshot_ns = now_ns;
}

void metrics_feed_tick(struct daemon *d, struct source *r, uint64_t now_ns)
{
	struct metrics *m = d->metrics;
	const struct pipeline_stats *st = &d->pl.st;
	struct metrics_sample *s;

	if (!m)
		return;
	metrics_set(&m->heartbeat_ns, now_ns);
	metrics_set(&m->records, st->records);
	metrics_set(&m->events, st->events);
	if (!metrics_due(m, now_ns))
		return;
	s = &m->staging;
	s->bad_records = st->bad_records + (r ? source_corrupt(r) : 0);
	s->enter_missing = st->enter_missing;
	s->paths_deferred = st->paths_deferred;
	s->paths_lost = st->paths_lost;
	s->pids_reused = d->pl.procs.pids_reused;
	s->argv_dropped = d->pl.procs.args_dropped;
	s->procs = d->pl.procs.count;
	s->procs_bytes = d->pl.procs.bytes;
	container_stats(d->pl.enrich.containers, METRICS_STUCK_MS, &s->containers);
	identity_stats(d->pl.enrich.identity, METRICS_STUCK_MS, &s->users);
	if (r)
		sample_rings(m, r, s);
	metrics_publish(m, now_ns);
	if (d->cfg.metrics_enabled && d->cfg.metrics_output_rule) {
		if (!m->snapshot_ns)
			m->snapshot_ns = now_ns;	/* the first one an interval after the start */
		else if (now_ns - m->snapshot_ns >= d->cfg.metrics_interval * 1000000000ull)
			snapshot_alert(d, s, now_ns);
	}
}

void metrics_feed_linger(struct daemon *d, uint64_t until_ns, volatile sig_atomic_t *stop)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	uint64_t now;

	if (!d->metrics)
		return;
	/* the last sample, whenever the one before was taken */
	d->metrics->staged_ns = 0;
	while (!*stop && (now = mono_ns()) < until_ns) {
		metrics_feed_tick(d, NULL, now);
		fflush(stdout);		/* a snapshot alert */
		nanosleep(&tick, NULL);	/* EINTR: a signal to look at */
	}
}
