/* SPDX-License-Identifier: GPL-2.0-only */
/* metrics.h - what the event thread tells the web server: counters, a periodic sample, the rules' matches. */
#ifndef SHRIKE_METRICS_H
#define SHRIKE_METRICS_H

/*
 * The event thread must never wait for the web server, and must not slow
 * down for it. So it writes three kinds of things the web server reads:
 *
 * - counters it alone writes, as relaxed atomics (a relaxed load and store
 *   of a 64-bit word is a plain mov on x86-64): records, events, alerts per
 *   priority, the matches of each rule, the loop's heartbeat;
 * - a sample of the rest (per-CPU ring counters, cache sizes, the
 *   resolvers), filled on the event thread at most every METRICS_SAMPLE_NS
 *   and copied into the shared one under a lock that it only ever
 *   try-locks: when the web server is copying it out, this sample is
 *   skipped, the next one goes;
 * - the table of rules, made when the rules are loaded or swapped in (never
 *   per event), published under a lock held for a pointer swap, and
 *   reference-counted so that a scrape rendering the old table never sees
 *   it freed.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include "enrich/container.h"
#include "enrich/identity.h"

#define METRICS_SAMPLE_NS	(100 * 1000 * 1000ULL)
#define METRICS_PRIORITIES	8	/* Emergency .. Debug (rule_engine.h) */
/* A resolver job running this long is stuck (identity.h's warning uses the same). */
#define METRICS_STUCK_MS	IDENTITY_STUCK_MS

struct rule_engine;
struct rule;

/* One CPU's ring, read from its control page (live only). */
struct metrics_cpu {
	int has_ring;
	uint64_t seen, drop_full, fault, drop_nested;
	uint64_t used_bytes, size_bytes;
};

/* What the event thread samples; the wiring fills it (metrics_feed.c). */
struct metrics_sample {
	uint64_t taken_ns;		/* CLOCK_MONOTONIC */
	uint64_t bad_records, enter_missing, paths_deferred, paths_lost;
	uint64_t pids_reused, argv_dropped;
	uint64_t procs, procs_bytes;
	uint64_t drop_noring;		/* the module's, all CPUs */
	struct container_stats containers;
	struct identity_stats users;
	uint32_t ncpus;			/* entries of cpus used (live), at most metrics' max_cpus */
	struct metrics_cpu *cpus;
};

/* The loaded rules and how often each matched; see above. */
struct metrics_rule {
	const struct rule *key;		/* the engine's, only compared: never followed */
	char *name;
	int priority;
	_Atomic uint64_t matches;
};

struct metrics_rules {
	size_t n;
	struct metrics_rule *v;
	uint32_t *by_key, *by_name;	/* open addressing: index + 1, 0 empty */
	uint32_t mask;
	int refs;			/* under metrics.rules_lock */
};

struct metrics {
	const char *driver;		/* "kmod", "bpf" or "replay"; set once the driver is open */
	uint64_t start_unix;		/* seconds */
	/* written by the event thread only */
	_Atomic uint64_t heartbeat_ns;	/* CLOCK_MONOTONIC of the loop's last pass */
	_Atomic uint64_t records, events, alerts;
	_Atomic uint64_t by_priority[METRICS_PRIORITIES];
	_Atomic uint64_t drop_alerts;
	_Atomic uint64_t reloads_ok, reloads_failed, last_reload_ok_unix;
	_Atomic int last_reload_ok;	/* -1: none yet */
	uint64_t staged_ns;		/* the event thread's: when it last sampled */
	uint64_t snapshot_ns;		/* the event thread's: the last metrics.output_rule alert */
	struct metrics_sample staging;	/* the event thread's */
	/* the web server's copy */
	pthread_mutex_t sample_lock;
	struct metrics_sample sample;
	uint32_t max_cpus;
	pthread_mutex_t rules_lock;
	struct metrics_rules *rules;
};

/* NULL when out of memory. @driver is a string constant. */
struct metrics *metrics_new(const char *driver);
void metrics_free(struct metrics *m);

static inline void metrics_bump(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n, memory_order_relaxed);
}

static inline void metrics_set(_Atomic uint64_t *c, uint64_t v)
{
	atomic_store_explicit(c, v, memory_order_relaxed);
}

static inline uint64_t metrics_get(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* ---- the event thread ---- */

/* An alert of rule @r (NULL: an internal one, like the drop alert: drop_alerts is its caller's) at @priority. */
void metrics_alert(struct metrics *m, const struct rule *r, int priority);
/* The rules now matched are @eng's (at start, and after a reload swapped them in). */
void metrics_rules_set(struct metrics *m, const struct rule_engine *eng);
/* A SIGHUP reload ended: swapped in (@ok) or not. */
void metrics_reload(struct metrics *m, int ok);
/* Is a sample due at @now_ns? Then fill metrics_staging() and call metrics_publish(). */
int metrics_due(const struct metrics *m, uint64_t now_ns);
void metrics_publish(struct metrics *m, uint64_t now_ns);

/* CPU time (user + system, seconds) and resident memory (bytes) of the daemon; 0 when unknown. */
void metrics_self_usage(double *cpu_seconds, uint64_t *rss_bytes);

/* ---- the web server ---- */

/* A copy of the last sample; its cpus array is @cpus (max_cpus entries; NULL: not wanted). */
void metrics_sample_get(struct metrics *m, struct metrics_sample *out, struct metrics_cpu *cpus);
/* The rules table, held until metrics_rules_put(); NULL when none was set. */
struct metrics_rules *metrics_rules_get(struct metrics *m);
void metrics_rules_put(struct metrics *m, struct metrics_rules *t);

#endif /* SHRIKE_METRICS_H */
