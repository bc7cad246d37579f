/* SPDX-License-Identifier: GPL-2.0-only */
/* metrics_text.c - the /metrics page: every shrike_ metric, from the event thread's counters and sample. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include "output/output.h"
#include "rules/rule_engine.h"
#include "shrike.h"
#include "web/metrics.h"
#include "web/metrics_text.h"
#include "web/prom.h"

#define C "counter"
#define G "gauge"

/* Seconds from @then to @now (CLOCK_MONOTONIC ns); 0 when @then is not before. */
static double age(uint64_t now, uint64_t then)
{
	return now > then ? (double)(now - then) / 1e9 : 0;
}

static void build(FILE *f, const struct metrics *m)
{
	char abi[16];

	snprintf(abi, sizeof(abi), "%d", SHRIKE_ABI_VERSION);
	prom_family(f, "shrike_build_info", G, "Version of the daemon, the driver it reads and its ABI; always 1");
	prom_sample(f, "shrike_build_info", (const char *[]){ "version", SHRIKE_VERSION, "driver", m->driver,
							       "abi", abi, NULL }, 1);
	prom_one_u64(f, "shrike_start_time_seconds", G, "When the daemon started, seconds since the epoch",
		     m->start_unix);
}

static void self(FILE *f)
{
	double cpu;
	uint64_t rss;

	metrics_self_usage(&cpu, &rss);
	prom_one(f, "shrike_process_cpu_seconds_total", C, "User and system CPU time of the daemon, in seconds", cpu);
	prom_one_u64(f, "shrike_process_resident_memory_bytes", G, "Resident memory of the daemon, in bytes", rss);
}

static void flow(FILE *f, struct metrics *m, const struct metrics_sample *s)
{
	prom_one_u64(f, "shrike_records_total", C, "Records read from the rings or the capture file",
		     metrics_get(&m->records));
	prom_one_u64(f, "shrike_events_total", C, "Events decoded, enriched and matched against the rules",
		     metrics_get(&m->events));
	prom_one_u64(f, "shrike_records_invalid_total", C, "Records that failed validation and were skipped",
		     s->bad_records);
	prom_one_u64(f, "shrike_exits_without_enter_total", C,
		     "Syscall exits whose enter record was lost (after a drop)", s->enter_missing);
	prom_one_u64(f, "shrike_paths_deferred_total", C, "Paths resolved on the way back to user space and joined",
		     s->paths_deferred);
	prom_one_u64(f, "shrike_paths_lost_total", C, "Deferred paths that never came, reported unknown",
		     s->paths_lost);
}

static void per_cpu(FILE *f, const char *name, const char *type, const char *help,
		    const struct metrics_sample *s, size_t field, const char *reason)
{
	uint32_t i;

	if (!s->ncpus)
		return;		/* replaying: there are no rings */
	if (help)
		prom_family(f, name, type, help);
	for (i = 0; i < s->ncpus; i++) {
		const struct metrics_cpu *c = &s->cpus[i];
		char cpu[16];

		if (!c->has_ring)
			continue;
		snprintf(cpu, sizeof(cpu), "%u", i);
		prom_sample_u64(f, name, (const char *[]){ "cpu", cpu, reason ? "reason" : NULL, reason, NULL },
				*(const uint64_t *)((const char *)c + field));
	}
}

#define CPU_FIELD(x) offsetof(struct metrics_cpu, x)

static void rings(FILE *f, const struct metrics_sample *s)
{
	per_cpu(f, "shrike_kernel_events_total", C, "Events the module's probes tried to record, per CPU", s,
		CPU_FIELD(seen), NULL);
	per_cpu(f, "shrike_kernel_events_dropped_total", C,
		"Events the module dropped, per CPU and reason: full (the ring was full), nested (a probe "
		"interrupted another)", s, CPU_FIELD(drop_full), "full");
	per_cpu(f, "shrike_kernel_events_dropped_total", C, NULL, s, CPU_FIELD(drop_nested), "nested");
	per_cpu(f, "shrike_kernel_args_unreadable_total", C,
		"Arguments the module could not read from user memory (the event is kept), per CPU", s,
		CPU_FIELD(fault), NULL);
	per_cpu(f, "shrike_ring_used_bytes", G, "Bytes written to the ring and not yet consumed, per CPU", s,
		CPU_FIELD(used_bytes), NULL);
	per_cpu(f, "shrike_ring_size_bytes", G, "Size of the ring's data area, per CPU", s, CPU_FIELD(size_bytes),
		NULL);
	if (s->ncpus)
		prom_one_u64(f, "shrike_kernel_events_dropped_noring_total", C,
			     "Events on CPUs that have no ring (maxmem had no room for it)", s->drop_noring);
}

static void alerts(FILE *f, struct metrics *m)
{
	struct metrics_rules *t = metrics_rules_get(m);
	size_t i;
	int p;

	prom_family(f, "shrike_alerts_total", C, "Alerts raised, per priority (rules and internal alerts)");
	for (p = 0; p < METRICS_PRIORITIES; p++)
		prom_sample_u64(f, "shrike_alerts_total",
				(const char *[]){ "priority", rule_priority_name((enum rule_priority)p), NULL },
				metrics_get(&m->by_priority[p]));
	prom_one_u64(f, "shrike_drop_alerts_total", C, "Drop alerts raised (Falco internal: syscall event drop)",
		     metrics_get(&m->drop_alerts));
	prom_family(f, "shrike_rule_matches_total", C,
		    "Alerts per loaded rule (kept across reloads for the rules a reload keeps)");
	for (i = 0; t && i < t->n; i++)
		prom_sample_u64(f, "shrike_rule_matches_total",
				(const char *[]){ "rule", t->v[i].name, "priority",
						  rule_priority_name((enum rule_priority)t->v[i].priority), NULL },
				atomic_load_explicit(&t->v[i].matches, memory_order_relaxed));
	prom_one_u64(f, "shrike_rules_loaded", G, "Rules loaded (enabled or not)", t ? t->n : 0);
	metrics_rules_put(m, t);
}

static void outputs(FILE *f)
{
	static const struct {
		const char *name, *help;
		size_t off;
		int http_only;
	} fams[] = {
		{ "shrike_output_deliveries_total", "Alerts delivered, per output",
		  offsetof(struct output_counts, delivered), 0 },
		{ "shrike_output_failures_total",
		  "Alerts an output failed to deliver (a write or open error; HTTP: refused by the collector)",
		  offsetof(struct output_counts, failed), 0 },
		{ "shrike_output_dropped_total", "Alerts never delivered: queue or spool full, or at exit (HTTP)",
		  offsetof(struct output_counts, dropped), 1 },
		{ "shrike_output_queue_alerts", "Alerts waiting for delivery now, in memory and in the spool (HTTP)",
		  offsetof(struct output_counts, queued), 1 },
	};
	struct output_counts oc[OUTPUT_KINDS];
	size_t i;
	int k;

	outputs_counts(oc);
	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		if (fams[i].http_only && !oc[OUTPUT_HTTP].used)
			continue;
		prom_family(f, fams[i].name, i == 3 ? G : C, fams[i].help);
		for (k = 0; k < OUTPUT_KINDS; k++)
			if (oc[k].used && (!fams[i].http_only || k == OUTPUT_HTTP))
				prom_sample_u64(f, fams[i].name,
						(const char *[]){ "output", output_kind_name((enum output_kind)k), NULL },
						*(const uint64_t *)((const char *)&oc[k] + fams[i].off));
	}
}

static void lookups(FILE *f, const char *name, const char *help, uint64_t hits, uint64_t misses)
{
	prom_family(f, name, C, help);
	prom_sample_u64(f, name, (const char *[]){ "result", "hit", NULL }, hits);
	prom_sample_u64(f, name, (const char *[]){ "result", "miss", NULL }, misses);
}

/* One family per resolver figure, with a sample for each resolver (samples of a family stay together). */
static void resolvers(FILE *f, const struct resolver_stats *users, const struct resolver_stats *containers)
{
	static const struct {
		const char *name, *help;
		size_t off;
	} fams[] = {
		{ "shrike_resolver_workers", "Worker threads started, per resolver",
		  offsetof(struct resolver_stats, workers) },
		{ "shrike_resolver_workers_busy", "Workers in a read now, per resolver",
		  offsetof(struct resolver_stats, busy) },
		{ "shrike_resolver_workers_stuck", "Workers in one read for 5 s or more, per resolver",
		  offsetof(struct resolver_stats, stuck) },
		{ "shrike_resolver_workers_max", "Workers a resolver may start",
		  offsetof(struct resolver_stats, max) },
		{ "shrike_resolver_backlog_jobs", "Reads waiting for a worker, per resolver",
		  offsetof(struct resolver_stats, queued) },
	};
	size_t i;

	for (i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		prom_family(f, fams[i].name, G, fams[i].help);
		prom_sample_u64(f, fams[i].name, (const char *[]){ "resolver", "users", NULL },
				*(const unsigned int *)((const char *)users + fams[i].off));
		prom_sample_u64(f, fams[i].name, (const char *[]){ "resolver", "containers", NULL },
				*(const unsigned int *)((const char *)containers + fams[i].off));
	}
}

static void enrichment(FILE *f, const struct metrics_sample *s)
{
	prom_one_u64(f, "shrike_processes", G, "Processes in the process table", s->procs);
	prom_one_u64(f, "shrike_process_table_bytes", G, "Bytes the process table's entries and strings take",
		     s->procs_bytes);
	prom_one_u64(f, "shrike_pids_reused_total", C, "Entries found to be a dead process's (pid reused)",
		     s->pids_reused);
	prom_one_u64(f, "shrike_cmdlines_dropped_total", C, "Command lines not kept: the table's strings were full",
		     s->argv_dropped);
	prom_one_u64(f, "shrike_container_cache_entries", G, "Containers remembered by name", s->containers.names);
	lookups(f, "shrike_container_cache_lookups_total",
		"Container lookups: hit (the process's remembered answer) or miss (placed afresh)",
		s->containers.hits, s->containers.misses);
	prom_one_u64(f, "shrike_user_cache_namespaces", G, "Mount namespaces whose passwd and group are followed",
		     s->users.namespaces);
	lookups(f, "shrike_user_cache_lookups_total",
		"User name lookups: hit (answered from cached tables) or miss (none cached yet, or unreadable)",
		s->users.hits, s->users.misses);
	resolvers(f, &s->users.resolver, &s->containers.resolver);
}

static void reloads(FILE *f, struct metrics *m)
{
	prom_family(f, "shrike_reloads_total", C, "SIGHUP reloads, per result");
	prom_sample_u64(f, "shrike_reloads_total", (const char *[]){ "result", "success", NULL },
			metrics_get(&m->reloads_ok));
	prom_sample_u64(f, "shrike_reloads_total", (const char *[]){ "result", "failure", NULL },
			metrics_get(&m->reloads_failed));
	prom_one_u64(f, "shrike_reload_last_success_timestamp_seconds", G,
		     "When a reload last succeeded, seconds since the epoch (0: never)",
		     metrics_get(&m->last_reload_ok_unix));
	prom_one(f, "shrike_reload_last_result", G, "The last reload: 1 succeeded, 0 failed, -1 none yet",
		 atomic_load_explicit(&m->last_reload_ok, memory_order_relaxed));
}

char *metrics_text(struct metrics *m, uint64_t now_ns, size_t *len)
{
	struct metrics_cpu *cpus = calloc(m->max_cpus, sizeof(*cpus));
	struct metrics_sample s;
	char *buf = NULL;
	FILE *f;

	if (!cpus)
		return NULL;
	f = open_memstream(&buf, len);
	if (!f) {
		free(cpus);
		return NULL;
	}
	metrics_sample_get(m, &s, cpus);
	build(f, m);
	self(f);
	flow(f, m, &s);
	rings(f, &s);
	alerts(f, m);
	outputs(f);
	enrichment(f, &s);
	reloads(f, m);
	prom_one(f, "shrike_event_loop_heartbeat_age_seconds", G,
		 "Seconds since the event loop's last pass (healthz fails past healthz_stall_seconds)",
		 age(now_ns, metrics_get(&m->heartbeat_ns)));
	prom_one(f, "shrike_sample_age_seconds", G, "Seconds since the event thread last sampled its gauges",
		 s.taken_ns ? age(now_ns, s.taken_ns) : -1);
	free(cpus);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
