/* SPDX-License-Identifier: GPL-2.0-only */
/* test_metrics.c: the exposition format's escaping, the rules' match counters across a reload, the health check, the resolver's stuck workers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "enrich/resolver.h"
#include "fields/fields.h"
#include "lib/clock.h"
#include "rules/rule_engine.h"
#include "web/health.h"
#include "web/metrics.h"
#include "web/metrics_text.h"
#include "web/prom.h"

static char *render(void (*fn)(FILE *f))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f);
	fclose(f);
	return buf;
}

static void write_labels(FILE *f)
{
	prom_sample_u64(f, "shrike_x_total",
			(const char *[]){ "rule", "say \"hi\" \\ there\nnow", "bad", "a\xff" "b", NULL }, 7);
	prom_sample(f, "shrike_y", NULL, 0.5);
	prom_sample_u64(f, "shrike_z_total", (const char *[]){ NULL }, 18446744073709551615ull);
}

static void test_label_escaping(void **state)
{
	char *out = render(write_labels);

	(void)state;
	assert_string_equal(out,
			    "shrike_x_total{rule=\"say \\\"hi\\\" \\\\ there\\nnow\",bad=\"a\xef\xbf\xbd" "b\"} 7\n"
			    "shrike_y 0.5\n"
			    "shrike_z_total 18446744073709551615\n");
	free(out);
}

static struct rule_engine *engine(const char *text)
{
	struct rule_engine *eng = rule_engine_new(&fields_rule_ops);
	struct rule_diag diag;

	rule_diag_init(&diag);
	assert_int_equal(rule_engine_load_string(eng, "t.yaml", text, strlen(text), &diag), 0);
	assert_int_equal(rule_engine_compile(eng, &diag), 0);
	rule_diag_free(&diag);
	return eng;
}

#define RULE(name, prio) \
	"- rule: " name "\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: " prio "\n"

static uint64_t matches(struct metrics *m, const char *name)
{
	struct metrics_rules *t = metrics_rules_get(m);
	uint64_t n = UINT64_MAX;
	size_t i;

	for (i = 0; t && i < t->n; i++)
		if (!strcmp(t->v[i].name, name))
			n = atomic_load(&t->v[i].matches);
	metrics_rules_put(m, t);
	return n;
}

/* A reload keeps the counts of the rules it keeps; a scrape holding the old table still reads it. */
static void test_rule_counts_across_reload(void **state)
{
	struct rule_engine *a = engine(RULE("one", "WARNING") RULE("'two \"q\"'", "CRITICAL"));
	struct rule_engine *b = engine(RULE("'two \"q\"'", "CRITICAL") RULE("three", "NOTICE"));
	struct metrics *m = metrics_new("replay");
	struct metrics_rules *held;

	(void)state;
	assert_non_null(m);
	metrics_rules_set(m, a);
	metrics_alert(m, rule_engine_find_rule(a, "one"), RULE_PRIO_WARNING);
	metrics_alert(m, rule_engine_find_rule(a, "two \"q\""), RULE_PRIO_CRITICAL);
	metrics_alert(m, rule_engine_find_rule(a, "two \"q\""), RULE_PRIO_CRITICAL);
	metrics_alert(m, NULL, RULE_PRIO_CRITICAL);	/* an internal alert */
	assert_int_equal(matches(m, "one"), 1);
	assert_int_equal(matches(m, "two \"q\""), 2);
	held = metrics_rules_get(m);		/* a scrape under way */
	metrics_rules_set(m, b);
	assert_int_equal(held->n, 2);		/* still readable */
	assert_string_equal(held->v[0].name, "one");
	metrics_rules_put(m, held);
	assert_int_equal(matches(m, "one"), UINT64_MAX);	/* gone with the reload */
	assert_int_equal(matches(m, "two \"q\""), 2);		/* kept */
	assert_int_equal(matches(m, "three"), 0);
	metrics_alert(m, rule_engine_find_rule(b, "three"), RULE_PRIO_NOTICE);
	assert_int_equal(matches(m, "three"), 1);
	assert_int_equal(metrics_get(&m->alerts), 5);
	assert_int_equal(metrics_get(&m->by_priority[RULE_PRIO_CRITICAL]), 3);
	metrics_free(m);
	rule_engine_free(a);
	rule_engine_free(b);
}

static void test_health(void **state)
{
	struct health_config hc = { 2000000000ull, 60000000000ull };
	struct metrics *m = metrics_new("kmod");
	uint64_t now = mono_ns();
	char why[256];

	(void)state;
	metrics_set(&m->heartbeat_ns, now);
	assert_int_equal(health_check(m, &hc, now + 1000000000ull, why, sizeof(why)), 1);
	assert_string_equal(why, "ok");
	assert_int_equal(health_check(m, &hc, now + 3000000000ull, why, sizeof(why)), 0);
	assert_string_equal(why, "event loop stalled: no pass for 3.0 s");
	/* every worker of the users' resolver stuck */
	m->staging.users.resolver = (struct resolver_stats){ .max = 4, .workers = 4, .busy = 4, .stuck = 4 };
	metrics_publish(m, now);
	assert_int_equal(health_check(m, &hc, now, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "user name resolver: all 4 workers stuck"));
	m->staging.users.resolver.stuck = 3;	/* one still answers */
	metrics_publish(m, now + METRICS_SAMPLE_NS);
	assert_int_equal(health_check(m, &hc, now, why, sizeof(why)), 1);
	metrics_free(m);
}

static void test_metrics_page(void **state)
{
	struct metrics *m = metrics_new("replay");
	size_t len = 0;
	char *page;

	(void)state;
	metrics_set(&m->records, 12);
	metrics_set(&m->heartbeat_ns, mono_ns());
	page = metrics_text(m, mono_ns(), &len);
	assert_non_null(page);
	assert_int_equal(strlen(page), len);
	assert_non_null(strstr(page, "# TYPE shrike_records_total counter\nshrike_records_total 12\n"));
	/* no rings in replay: no per-CPU family at all */
	assert_null(strstr(page, "shrike_ring_used_bytes"));
	free(page);
	metrics_free(m);
}

struct sleepy {
	struct resolver_job job;
	unsigned int ms;
};

static void sleepy_run(struct resolver_job *j)
{
	usleep(((struct sleepy *)j)->ms * 1000);
}

static void sleepy_release(struct resolver_job *j)
{
	free(j);
}

/* resolver_stats: busy, queued behind busy workers, and stuck past the limit */
static void test_resolver_stats(void **state)
{
	struct resolver *r = resolver_new(1);
	struct resolver_stats st;
	struct sleepy *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

	(void)state;
	a->job = (struct resolver_job){ .run = sleepy_run, .release = sleepy_release };
	b->job = a->job;
	a->ms = 300;
	b->ms = 1;
	assert_int_equal(resolver_submit(r, &a->job), 1);
	assert_int_equal(resolver_submit(r, &b->job), 0);	/* waits behind a */
	usleep(150 * 1000);
	resolver_stats(r, 100, &st);
	assert_int_equal(st.max, 1);
	assert_int_equal(st.workers, 1);
	assert_int_equal(st.busy, 1);
	assert_int_equal(st.queued, 1);
	assert_int_equal(st.stuck, 1);			/* 150 ms in a read, limit 100 */
	resolver_abandon(r, &b->job);			/* taken out of the queue */
	resolver_stats(r, 1000, &st);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.stuck, 0);
	assert_int_equal(resolver_wait(r, &a->job, 2000), 1);
	resolver_stats(r, 100, &st);
	assert_int_equal(st.busy, 0);
	assert_int_equal(st.stuck, 0);
	resolver_abandon(r, &a->job);
	resolver_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_label_escaping),
		cmocka_unit_test(test_rule_counts_across_reload),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_metrics_page),
		cmocka_unit_test(test_resolver_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
