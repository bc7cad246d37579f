/* SPDX-License-Identifier: GPL-2.0-only */
/* test_output_program.c: alerts reach a program's stdin, one long-lived or one per alert; a program that exits is started again; one that never reads costs drops, never a wait. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "output/output_program.h"
#include "fixture.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/shrike-program-XXXXXX");
	assert_non_null(mkdtemp(dir));
	log_quiet = 1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_tree(dir);
	return 0;
}

static int count_lines(const char *rel)
{
	char *p = at(dir, rel);
	FILE *f = fopen(p, "r");
	int n = 0, c;

	free(p);
	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Post n alerts; then retire the sender and let it finish (at most 5 s). */
static void run(const char *program, int keep_alive, size_t queue, int n, struct program_stats *delta)
{
	struct program_config cfg = { program, keep_alive, queue };
	struct program_stats before, after;
	struct program_sender *s;
	char line[64];
	int i;

	program_stats_get(&before);
	s = program_sender_get(&cfg);
	assert_non_null(s);
	for (i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "{\"alert\":%d}", i);
		program_sender_post(s, line);
		if (!keep_alive || strstr(program, "head"))
			usleep(2000);
	}
	program_sender_put(s);
	program_senders_shutdown(5.0);
	program_stats_get(&after);
	delta->sent = after.sent - before.sent;
	delta->failed = after.failed - before.failed;
	delta->dropped = after.dropped - before.dropped;
	delta->restarts = after.restarts - before.restarts;
}

static void test_keep_alive_cat(void **state)
{
	struct program_stats st;
	char *prog;

	(void)state;
	assert_true(asprintf(&prog, "cat > %s/out", dir) > 0);
	run(prog, 1, 1024, 200, &st);
	assert_int_equal(st.sent, 200);
	assert_int_equal(st.dropped, 0);
	/* the sender waited for cat to end after closing its stdin: all is in the file */
	assert_int_equal(count_lines("out"), 200);
	free(prog);
}

/* one process per alert: each appends its own line; $$ differs */
static void test_one_per_alert(void **state)
{
	struct program_stats st;
	char *prog, *p;
	FILE *f;
	char a[32], b[32];

	(void)state;
	assert_true(asprintf(&prog, "read l; echo $$ >> %s/pids; echo \"$l\" >> %s/out", dir, dir) > 0);
	run(prog, 0, 1024, 5, &st);
	assert_int_equal(st.sent, 5);
	assert_int_equal(count_lines("out"), 5);
	assert_int_equal(count_lines("pids"), 5);
	p = at(dir, "pids");
	f = fopen(p, "r");
	assert_non_null(f);
	assert_non_null(fgets(a, sizeof(a), f));
	assert_non_null(fgets(b, sizeof(b), f));
	assert_string_not_equal(a, b);
	fclose(f);
	free(p);
	free(prog);
}

/* Wait up to 5 s for rel to have n lines. */
static void wait_lines(const char *rel, int n)
{
	int i;

	for (i = 0; i < 500 && count_lines(rel) < n; i++)
		usleep(10 * 1000);
	assert_int_equal(count_lines(rel), n);
}

/*
 * keep_alive with a program that takes one line and exits: the next alert
 * finds it gone (EPIPE, no signal) and goes to the program started again.
 */
static void test_program_that_exits(void **state)
{
	struct program_config cfg = { NULL, 1, 16 };
	struct program_stats before, after;
	struct program_sender *s;
	char *prog;

	(void)state;
	assert_true(asprintf(&prog, "read l; echo \"$l\" >> %s/out", dir) > 0);
	cfg.program = prog;
	program_stats_get(&before);
	s = program_sender_get(&cfg);
	assert_non_null(s);
	program_sender_post(s, "one");
	wait_lines("out", 1);
	usleep(50 * 1000);	/* it has exited after its echo */
	program_sender_post(s, "two");
	wait_lines("out", 2);
	usleep(50 * 1000);
	program_sender_post(s, "three");
	wait_lines("out", 3);
	program_sender_put(s);
	program_senders_shutdown(5.0);
	program_stats_get(&after);
	assert_int_equal(after.restarts - before.restarts, 2);
	assert_int_equal(after.sent - before.sent, 3);
	assert_int_equal(after.failed - before.failed, 0);
	free(prog);
}

/* A program that never reads: posting never waits, the queue's excess is dropped and counted. */
static void test_never_reads(void **state)
{
	struct program_config cfg = { "sleep 30", 1, 8 };
	struct program_stats before, after;
	struct program_sender *s;
	char big[4096];
	uint64_t t0, worst = 0;
	int i;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	program_stats_get(&before);
	s = program_sender_get(&cfg);
	assert_non_null(s);
	for (i = 0; i < 200; i++) {	/* 800 KB: far past a pipe's 64 KB */
		t0 = mono_ns();
		program_sender_post(s, big);
		if (mono_ns() - t0 > worst)
			worst = mono_ns() - t0;
	}
	assert_true(worst < 50 * 1000000ull);	/* a copy into the queue, no write */
	program_sender_put(s);
	t0 = mono_ns();
	program_senders_shutdown(1.0);	/* killed at the deadline */
	assert_true(mono_ns() - t0 < 4000 * 1000000ull);
	program_stats_get(&after);
	assert_true(after.dropped - before.dropped >= 200 - 8 - 16);	/* at most the queue and the pipe's 16 pages */
	assert_true(after.sent - before.sent < 24);
}

/*
 * Retired by a reload that changed the settings: the program that ignores
 * the end of its input is killed after its grace, while the new sender
 * goes on.
 */
static void test_retired_program_killed(void **state)
{
	struct program_config a = { NULL, 1, 8 }, b = { NULL, 1, 8 };
	struct program_sender *sa, *sb;
	char *pa, *pb, *pidf = at(dir, "pid");
	FILE *f;
	long pid = 0;
	int i;

	(void)state;
	assert_true(asprintf(&pa, "echo $$ > %s; exec sleep 600", pidf) > 0);
	assert_true(asprintf(&pb, "cat > %s/b", dir) > 0);
	a.program = pa;
	b.program = pb;
	sa = program_sender_get(&a);
	assert_non_null(sa);
	program_sender_post(sa, "x");
	for (i = 0; i < 500 && count_lines("pid") < 1; i++)
		usleep(10 * 1000);
	f = fopen(pidf, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	sb = program_sender_get(&b);	/* the reload's outputs first, then the old ones closed */
	assert_ptr_not_equal(sa, sb);
	program_sender_put(sa);
	assert_int_equal(kill((pid_t)pid, 0), 0);	/* still within its grace */
	for (i = 0; i < 800 && kill((pid_t)pid, 0) == 0; i++)
		usleep(10 * 1000);
	assert_int_not_equal(kill((pid_t)pid, 0), 0);
	assert_true(i >= 400);	/* not before about 5 s */
	program_sender_post(sb, "y");
	program_sender_put(sb);
	program_senders_shutdown(5.0);
	assert_int_equal(count_lines("b"), 1);
	free(pa);
	free(pb);
	free(pidf);
}

static void test_empty_program(void **state)
{
	struct program_config cfg = { "", 1, 8 };

	(void)state;
	assert_null(program_sender_get(&cfg));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keep_alive_cat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_per_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program_that_exits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_never_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retired_program_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_program, setup, teardown),
	};

	signal(SIGPIPE, SIG_DFL);	/* a SIGPIPE would kill the test: the sender must not raise one here */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
