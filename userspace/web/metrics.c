/* SPDX-License-Identifier: GPL-2.0-only */
/* metrics.c - what the event thread tells the web server: counters, a periodic sample, the rules' matches. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/readfile.h"
#include "rules/rule_engine.h"
#include "web/metrics.h"

struct metrics *metrics_new(const char *driver)
{
	struct metrics *m = calloc(1, sizeof(*m));
	int n = get_nprocs_conf();

	if (!m)
		return NULL;
	m->driver = driver;
	m->start_unix = (uint64_t)time(NULL);
	atomic_init(&m->last_reload_ok, -1);
	/* the start (the /proc scan) has healthz_stall_seconds before the first pass */
	atomic_init(&m->heartbeat_ns, mono_ns());
	m->max_cpus = n > 0 ? (uint32_t)n : 1;
	m->staging.cpus = calloc(m->max_cpus, sizeof(struct metrics_cpu));
	m->sample.cpus = calloc(m->max_cpus, sizeof(struct metrics_cpu));
	if (!m->staging.cpus || !m->sample.cpus) {
		metrics_free(m);
		return NULL;
	}
	pthread_mutex_init(&m->sample_lock, NULL);
	pthread_mutex_init(&m->rules_lock, NULL);
	return m;
}

static void rules_free(struct metrics_rules *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t->by_key);
	free(t->by_name);
	free(t);
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	if (m->staging.cpus && m->sample.cpus) {
		pthread_mutex_destroy(&m->sample_lock);
		pthread_mutex_destroy(&m->rules_lock);
	}
	rules_free(m->rules);
	free(m->staging.cpus);
	free(m->sample.cpus);
	free(m);
}

/* ---- the rules table ---- */

static uint32_t hash_ptr(const void *p)
{
	uint64_t x = (uint64_t)(uintptr_t)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct metrics_rule *find_key(const struct metrics_rules *t, const struct rule *key)
{
	uint32_t i, s;

	if (!t)
		return NULL;
	for (i = hash_ptr(key) & t->mask; (s = t->by_key[i]); i = (i + 1) & t->mask)
		if (t->v[s - 1].key == key)
			return &t->v[s - 1];
	return NULL;
}

static struct metrics_rule *find_name(const struct metrics_rules *t, const char *name)
{
	uint32_t i, s;

	if (!t)
		return NULL;
	for (i = hash_str(name) & t->mask; (s = t->by_name[i]); i = (i + 1) & t->mask)
		if (!strcmp(t->v[s - 1].name, name))
			return &t->v[s - 1];
	return NULL;
}

static void index_rule(struct metrics_rules *t, uint32_t k)
{
	uint32_t i;

	for (i = hash_ptr(t->v[k].key) & t->mask; t->by_key[i]; i = (i + 1) & t->mask)
		;
	t->by_key[i] = k + 1;
	/* a name loaded twice keeps its first entry */
	if (find_name(t, t->v[k].name))
		return;
	for (i = hash_str(t->v[k].name) & t->mask; t->by_name[i]; i = (i + 1) & t->mask)
		;
	t->by_name[i] = k + 1;
}

/*
 * A table of @eng's rules. A rule that was in @old keeps its count, so that
 * a reload does not reset the counters of the rules it kept.
 */
static struct metrics_rules *rules_new(const struct rule_engine *eng, const struct metrics_rules *old)
{
	struct metrics_rules *t = calloc(1, sizeof(*t));
	size_t n = eng ? rule_engine_rule_count(eng) : 0, cap = 16, i;

	if (!t)
		return NULL;
	while (cap < 2 * n)
		cap *= 2;
	t->mask = (uint32_t)cap - 1;
	t->v = calloc(n ? n : 1, sizeof(*t->v));
	t->by_key = calloc(cap, sizeof(*t->by_key));
	t->by_name = calloc(cap, sizeof(*t->by_name));
	if (!t->v || !t->by_key || !t->by_name)
		goto out_free;
	for (i = 0; i < n; i++) {
		const struct rule *r = rule_engine_rule_at(eng, i);
		const struct metrics_rule *was;
		struct metrics_rule *e = &t->v[i];

		e->key = r;
		e->priority = (int)rule_get_priority(r);
		e->name = strdup(rule_name(r));
		if (!e->name)
			goto out_free;
		t->n = i + 1;
		was = find_name(old, e->name);
		atomic_init(&e->matches, was ? atomic_load_explicit(&((struct metrics_rule *)was)->matches,
								    memory_order_relaxed) : 0);
		index_rule(t, (uint32_t)i);
	}
	t->refs = 1;	/* the metrics' own */
	return t;

out_free:
	rules_free(t);
	return NULL;
}

void metrics_rules_set(struct metrics *m, const struct rule_engine *eng)
{
	struct metrics_rules *t = rules_new(eng, m->rules), *old;

	if (!t)
		return;		/* out of memory: the old names stay; matches of new rules go uncounted */
	pthread_mutex_lock(&m->rules_lock);
	old = m->rules;
	m->rules = t;
	if (old && --old->refs == 0)
		rules_free(old);
	pthread_mutex_unlock(&m->rules_lock);
}

struct metrics_rules *metrics_rules_get(struct metrics *m)
{
	struct metrics_rules *t;

	pthread_mutex_lock(&m->rules_lock);
	t = m->rules;
	if (t)
		t->refs++;
	pthread_mutex_unlock(&m->rules_lock);
	return t;
}

void metrics_rules_put(struct metrics *m, struct metrics_rules *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&m->rules_lock);
	if (--t->refs == 0)
		rules_free(t);
	pthread_mutex_unlock(&m->rules_lock);
}

/* ---- the event thread's counters ---- */

void metrics_alert(struct metrics *m, const struct rule *r, int priority)
{
	struct metrics_rule *e;

	metrics_bump(&m->alerts, 1);
	if (priority >= 0 && priority < METRICS_PRIORITIES)
		metrics_bump(&m->by_priority[priority], 1);
	if (!r)
		return;		/* an internal alert: its caller counts its kind */
	/* only this thread replaces m->rules: no lock to read it here */
	e = find_key(m->rules, r);
	if (e)
		metrics_bump(&e->matches, 1);
}

void metrics_reload(struct metrics *m, int ok)
{
	if (ok) {
		metrics_bump(&m->reloads_ok, 1);
		metrics_set(&m->last_reload_ok_unix, (uint64_t)time(NULL));
	} else {
		metrics_bump(&m->reloads_failed, 1);
	}
	atomic_store_explicit(&m->last_reload_ok, ok, memory_order_relaxed);
}

/* ---- the sample ---- */

int metrics_due(const struct metrics *m, uint64_t now_ns)
{
	return now_ns - m->staged_ns >= METRICS_SAMPLE_NS;
}

static void sample_copy(struct metrics_sample *dst, const struct metrics_sample *src, uint32_t max_cpus)
{
	struct metrics_cpu *cpus = dst->cpus;

	*dst = *src;
	dst->cpus = cpus;
	if (dst->ncpus > max_cpus)
		dst->ncpus = max_cpus;
	if (!cpus)
		dst->ncpus = 0;		/* not asked for */
	else
		memcpy(cpus, src->cpus, dst->ncpus * sizeof(*cpus));
}

void metrics_publish(struct metrics *m, uint64_t now_ns)
{
	m->staged_ns = now_ns;
	m->staging.taken_ns = now_ns;
	/* never wait: the web server holds it for a copy; the next sample goes */
	if (pthread_mutex_trylock(&m->sample_lock))
		return;
	sample_copy(&m->sample, &m->staging, m->max_cpus);
	pthread_mutex_unlock(&m->sample_lock);
}

void metrics_sample_get(struct metrics *m, struct metrics_sample *out, struct metrics_cpu *cpus)
{
	out->cpus = cpus;
	pthread_mutex_lock(&m->sample_lock);
	sample_copy(out, &m->sample, m->max_cpus);
	pthread_mutex_unlock(&m->sample_lock);
}

void metrics_self_usage(double *cpu_seconds, uint64_t *rss_bytes)
{
	unsigned long long pages = 0, rss = 0;
	struct rusage ru;
	char *statm;
	size_t len;
	int fd;

	*cpu_seconds = 0;
	*rss_bytes = 0;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		*cpu_seconds = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
			       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
	fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (read_whole_fd(fd, 128, 4096, &statm, &len) == 0) {
		if (sscanf(statm, "%llu %llu", &pages, &rss) == 2)
			*rss_bytes = rss * (uint64_t)sysconf(_SC_PAGESIZE);
		free(statm);
	}
	close(fd);
}
