/* SPDX-License-Identifier: GPL-2.0-only */
/* test_watch.c: watch_config_files sees in-place writes, rename-replaces and new files in a rules directory, settles bursts into one reload, and a reload it starts swaps the rules in (or keeps them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon.h"
#include "lib/log.h"
#include "output/output.h"
#include "reload.h"
#include "rules/rule_engine.h"
#include "watch.h"
#include "fixture.h"

#define RULE(name) \
	"- rule: " name "\n  desc: d\n  condition: evt.type = execve and proc.name = " name "\n" \
	"  output: o\n  priority: WARNING\n"

struct env {
	char dir[64];
	char *cfg, *rulesd;
	struct watch *w;
};

static int setup(void **state)
{
	struct env *v = calloc(1, sizeof(*v));
	const char *rules[1];

	assert_non_null(v);
	strcpy(v->dir, "/tmp/shrike-watch-XXXXXX");
	assert_non_null(mkdtemp(v->dir));
	mkdirs(v->dir, "rules.d");
	put(v->dir, "shrike.yaml", "json_output: true\n");
	put(v->dir, "rules.d/10.yaml", RULE("a"));
	v->cfg = at(v->dir, "shrike.yaml");
	v->rulesd = at(v->dir, "rules.d");
	rules[0] = v->rulesd;
	log_quiet = 1;
	v->w = watch_start(v->cfg, rules, 1);
	assert_non_null(v->w);
	usleep(100 * 1000);	/* the thread has set its watches up */
	*state = v;
	return 0;
}

static int teardown(void **state)
{
	struct env *v = *state;

	watch_stop(v->w);
	rm_tree(v->dir);
	free(v->cfg);
	free(v->rulesd);
	free(v);
	return 0;
}

/* How many settled changes within ms. */
static int changes_within(struct watch *w, int ms)
{
	int n = 0, i;

	for (i = 0; i < ms / 10; i++) {
		n += watch_changed(w);
		usleep(10 * 1000);
	}
	return n;
}

static void test_in_place_write(void **state)
{
	struct env *v = *state;

	assert_int_equal(changes_within(v->w, 200), 0);
	put(v->dir, "shrike.yaml", "json_output: false\n");
	assert_int_equal(changes_within(v->w, 2 * WATCH_SETTLE_MS + 500), 1);
}

/* vim, Ansible: a new file renamed over the old one */
static void test_rename_over(void **state)
{
	struct env *v = *state;

	put_replace(v->dir, "rules.d/10.yaml", RULE("b"));
	assert_int_equal(changes_within(v->w, 2 * WATCH_SETTLE_MS + 500), 1);
	/* and the watch still works on the new inode */
	put(v->dir, "rules.d/10.yaml", RULE("c"));
	assert_int_equal(changes_within(v->w, 2 * WATCH_SETTLE_MS + 500), 1);
}

static void test_new_file_in_directory(void **state)
{
	struct env *v = *state;

	put(v->dir, "rules.d/.10.yaml.swp", "x");	/* not loaded, so not a change */
	put(v->dir, "rules.d/10.yaml~", "x");
	put(v->dir, "unrelated.txt", "x");	/* next to the configuration */
	assert_int_equal(changes_within(v->w, WATCH_SETTLE_MS + 400), 0);
	put(v->dir, "rules.d/20.yaml", RULE("d"));
	assert_int_equal(changes_within(v->w, 2 * WATCH_SETTLE_MS + 500), 1);
}

/* A burst of writes closer together than the settle time is one reload. */
static void test_burst_is_one(void **state)
{
	struct env *v = *state;
	int i;

	for (i = 0; i < 10; i++) {
		put(v->dir, "rules.d/10.yaml", i % 2 ? RULE("e") : RULE("f"));
		usleep(WATCH_SETTLE_MS * 1000 / 4);
	}
	assert_int_equal(changes_within(v->w, 2 * WATCH_SETTLE_MS + 500), 1);
}

/* The rules directory removed and made again: still watched. */
static void test_directory_replaced(void **state)
{
	struct env *v = *state;

	assert_int_equal(rm_tree(v->rulesd), 0);
	assert_int_equal(changes_within(v->w, 2 * WATCH_SETTLE_MS + 500), 1);
	mkdirs(v->dir, "rules.d");
	assert_int_equal(changes_within(v->w, 2 * WATCH_SETTLE_MS + 500), 1);
	put(v->dir, "rules.d/30.yaml", RULE("g"));
	assert_int_equal(changes_within(v->w, 2 * WATCH_SETTLE_MS + 500), 1);
}

/* A change right after the paths are updated (a reload swapped in) is not lost between two sets of watches. */
static void test_change_during_update(void **state)
{
	struct env *v = *state;
	const char *rules[1] = { v->rulesd };
	int i;

	for (i = 0; i < 5; i++) {
		watch_update(v->w, v->cfg, rules, 1);
		put(v->dir, "rules.d/10.yaml", i % 2 ? RULE("a") : RULE("b"));
		assert_int_equal(changes_within(v->w, 2 * WATCH_SETTLE_MS + 500), 1);
	}
}

/* The daemon's side: a change starts a reload; good rules are swapped in, broken ones are not. */
static void test_reload_follows(void **state)
{
	struct env *v = *state;
	const char *cli[1] = { v->rulesd };
	struct daemon d = { 0 };
	volatile sig_atomic_t hup = 0;
	struct output_config oc;
	int i, swapped = 0;

	d.config_path = v->cfg;
	d.cli_rules = cli;
	d.n_cli_rules = 1;
	assert_int_equal(daemon_load_config(&d), 0);
	d.rules = daemon_load_rules(&d.cfg, 0);
	assert_non_null(d.rules);
	oc = config_outputs(&d.cfg);
	d.out = outputs_open(&oc);
	reload_follow(&d);
	assert_non_null(d.watch);
	usleep(100 * 1000);

	put_replace(v->dir, "rules.d/10.yaml", RULE("b"));
	for (i = 0; i < 400 && !swapped; i++) {
		swapped = reload_tick(&d, &hup);
		usleep(10 * 1000);
	}
	assert_int_equal(swapped, 1);
	assert_non_null(rule_engine_find_rule(d.rules, "b"));
	assert_null(rule_engine_find_rule(d.rules, "a"));

	put(v->dir, "rules.d/20.yaml", "- rule: broken\n  condition: proc.name =\n");
	swapped = 0;
	for (i = 0; i < 150; i++) {
		swapped |= reload_tick(&d, &hup);
		usleep(10 * 1000);
	}
	assert_int_equal(swapped, 0);
	assert_non_null(rule_engine_find_rule(d.rules, "b"));

	/* watch_config_files: false after a reload stops the watcher */
	put(v->dir, "rules.d/20.yaml", RULE("h"));
	put(v->dir, "shrike.yaml", "watch_config_files: false\n");
	swapped = 0;
	for (i = 0; i < 400 && !swapped; i++) {
		swapped = reload_tick(&d, &hup);
		usleep(10 * 1000);
	}
	assert_int_equal(swapped, 1);
	assert_non_null(rule_engine_find_rule(d.rules, "h"));
	assert_null(d.watch);

	reload_stop(&d);
	watch_stop(d.watch);
	outputs_close(d.out);
	rule_engine_free(d.rules);
	config_free(&d.cfg);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_place_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_file_in_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_burst_is_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_during_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_follows, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
