/* SPDX-License-Identifier: GPL-2.0-only */
/* test_reload.c: SIGHUP reloads compile in a thread of their own, are swapped in between events, and a failed one keeps the old rules. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "daemon.h"
#include "lib/log.h"
#include "output/output.h"
#include "reload.h"
#include "rules/rule_engine.h"
#include "fixture.h"

#define RULE(name) \
	"- rule: " name "\n  desc: d\n  condition: evt.type = execve and proc.name = " name "\n" \
	"  output: o\n  priority: WARNING\n"

/* A list of 2^21 items from a file of a few lines: past RULE_MAX_NODES. */
static const char too_large[] =
	"- list: l0\n  items: [a, b]\n"
	"- list: l1\n  items: [l0, l0]\n- list: l2\n  items: [l1, l1]\n- list: l3\n  items: [l2, l2]\n"
	"- list: l4\n  items: [l3, l3]\n- list: l5\n  items: [l4, l4]\n- list: l6\n  items: [l5, l5]\n"
	"- list: l7\n  items: [l6, l6]\n- list: l8\n  items: [l7, l7]\n- list: l9\n  items: [l8, l8]\n"
	"- list: l10\n  items: [l9, l9]\n- list: l11\n  items: [l10, l10]\n- list: l12\n  items: [l11, l11]\n"
	"- list: l13\n  items: [l12, l12]\n- list: l14\n  items: [l13, l13]\n- list: l15\n  items: [l14, l14]\n"
	"- list: l16\n  items: [l15, l15]\n- list: l17\n  items: [l16, l16]\n- list: l18\n  items: [l17, l17]\n"
	"- list: l19\n  items: [l18, l18]\n- list: l20\n  items: [l19, l19]\n"
	"- rule: big\n  desc: d\n  condition: evt.type = execve and proc.name in (l20)\n"
	"  output: o\n  priority: WARNING\n";

struct env {
	char dir[64];
	char *rules;		/* the one rules file, given as -r */
	const char *cli[1];
	struct daemon d;
};

static int setup(void **state)
{
	struct env *v = calloc(1, sizeof(*v));
	struct output_config oc;

	assert_non_null(v);
	strcpy(v->dir, "/tmp/shrike-reload-XXXXXX");
	assert_non_null(mkdtemp(v->dir));
	put(v->dir, "rules.yaml", RULE("a"));
	v->rules = at(v->dir, "rules.yaml");
	v->cli[0] = v->rules;
	v->d.cli_rules = v->cli;
	v->d.n_cli_rules = 1;
	log_quiet = 1;
	assert_int_equal(daemon_load_config(&v->d), 0);
	v->d.rules = daemon_load_rules(&v->d.cfg, 0);
	assert_non_null(v->d.rules);
	oc = config_outputs(&v->d.cfg);
	v->d.out = outputs_open(&oc);
	assert_non_null(v->d.out);
	*state = v;
	return 0;
}

static int teardown(void **state)
{
	struct env *v = *state;

	reload_stop(&v->d);
	outputs_close(v->d.out);
	rule_engine_free(v->d.rules);
	config_free(&v->d.cfg);
	rm_tree(v->dir);
	free(v->rules);
	free(v);
	return 0;
}

/*
 * Poll as the event loop does, until the reload is over (its thread has
 * freed what it was handed back, and is joined); whether a poll swapped
 * new rules in.
 */
static int poll_until_done(struct daemon *d)
{
	int i, swapped = 0;

	for (i = 0; i < 20000 && d->reload; i++) {
		swapped |= reload_poll(d);
		usleep(500);
	}
	if (d->reload)
		fail_msg("the reload did not finish in 10 s");
	return swapped;
}

static int has_rule(struct daemon *d, const char *name)
{
	return rule_engine_find_rule(d->rules, name) != NULL;
}

/* The rules file becomes a FIFO: the reload thread blocks reading it until feed(). */
static void make_fifo(struct env *v)
{
	assert_int_equal(unlink(v->rules), 0);
	assert_int_equal(mkfifo(v->rules, 0600), 0);
}

static void feed(struct env *v, const char *text)
{
	int fd = open(v->rules, O_WRONLY);	/* waits for the reload thread to open it */

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* stderr into a file while fn runs; its text. */
static char *stderr_of(struct env *v, int (*fn)(struct daemon *), int *ret)
{
	char *path = at(v->dir, "stderr"), *text;
	int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FILE *f;
	long n;

	assert_true(saved >= 0 && fd >= 0);
	fflush(stderr);
	dup2(fd, 2);
	close(fd);
	*ret = fn(&v->d);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	free(path);
	return text;
}

static void test_reload_swaps_rules(void **state)
{
	struct env *v = *state;

	assert_true(has_rule(&v->d, "a"));
	put(v->dir, "rules.yaml", RULE("b"));
	reload_request(&v->d);
	assert_int_equal(poll_until_done(&v->d), 1);
	assert_true(has_rule(&v->d, "b"));
	assert_false(has_rule(&v->d, "a"));
	assert_null(v->d.reload);
}

/*
 * While the reload thread is still reading the rules (blocked on a FIFO:
 * no timing involved), the event thread goes on: the request returned,
 * every poll says "nothing yet" at once, and the old rules are in place.
 */
static void test_reload_does_not_wait(void **state)
{
	struct env *v = *state;
	struct rule_engine *old = v->d.rules;
	int i;

	make_fifo(v);
	reload_request(&v->d);
	assert_non_null(v->d.reload);
	for (i = 0; i < 50; i++) {
		assert_int_equal(reload_poll(&v->d), 0);
		assert_ptr_equal(v->d.rules, old);
		assert_true(has_rule(&v->d, "a"));
		usleep(1000);
	}
	assert_non_null(v->d.reload);
	feed(v, RULE("b"));
	assert_int_equal(poll_until_done(&v->d), 1);
	assert_true(has_rule(&v->d, "b"));
}

static int reload_once(struct daemon *d)
{
	reload_request(d);
	return poll_until_done(d);
}

/* Rules that do not load, or pass the engine's limits: the old ones stay, the error is logged. */
static void test_reload_failure_keeps_rules(void **state)
{
	struct env *v = *state;
	struct rule_engine *old = v->d.rules;
	char *err;
	int ret;

	put(v->dir, "rules.yaml", too_large);
	err = stderr_of(v, reload_once, &ret);
	assert_int_equal(ret, 0);
	assert_ptr_equal(v->d.rules, old);
	assert_true(has_rule(&v->d, "a"));
	assert_non_null(strstr(err, "rules.yaml:43:3: error: rule 'big': condition too large after expansion"));
	assert_non_null(strstr(err, "limit 1000000 for all rules) in list 'l20'"));
	assert_non_null(strstr(err, "shrike: reload failed; keeping the previous configuration and rules"));
	free(err);

	put(v->dir, "rules.yaml", "- rule: broken\n  condition: proc.name =\n");
	err = stderr_of(v, reload_once, &ret);
	assert_int_equal(ret, 0);
	assert_ptr_equal(v->d.rules, old);
	assert_non_null(strstr(err, "reload failed"));
	free(err);

	/* and the next good file is taken */
	put(v->dir, "rules.yaml", RULE("c"));
	assert_int_equal(reload_once(&v->d), 1);
	assert_true(has_rule(&v->d, "c"));
}

/* A SIGHUP during a reload: one more reload after it, which sees the newer file. */
static void test_reload_during_reload(void **state)
{
	struct env *v = *state;
	int i, swapped = 0;

	make_fifo(v);
	reload_request(&v->d);
	reload_request(&v->d);
	assert_int_equal(v->d.reload_again, 1);
	feed(v, RULE("b"));
	/* the first is swapped in; once its thread is gone, the poll starts the second */
	for (i = 0; i < 20000 && v->d.reload_again; i++) {
		swapped |= reload_poll(&v->d);
		usleep(500);
	}
	assert_int_equal(swapped, 1);
	assert_true(has_rule(&v->d, "b"));
	assert_non_null(v->d.reload);
	assert_int_equal(v->d.reload_again, 0);
	feed(v, RULE("c"));
	assert_int_equal(poll_until_done(&v->d), 1);
	assert_true(has_rule(&v->d, "c"));
	assert_null(v->d.reload);
}

/* Stopping with a reload under way: it is waited for and dropped, the rules in use stay. */
static void test_reload_stop(void **state)
{
	struct env *v = *state;
	struct rule_engine *old = v->d.rules;

	put(v->dir, "rules.yaml", RULE("b"));
	reload_request(&v->d);
	reload_stop(&v->d);
	assert_null(v->d.reload);
	assert_ptr_equal(v->d.rules, old);
	assert_true(has_rule(&v->d, "a"));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reload_swaps_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_does_not_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_failure_keeps_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_during_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_stop, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
