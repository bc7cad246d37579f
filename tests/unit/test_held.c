/* SPDX-License-Identifier: GPL-2.0-only */
/* test_held.c - events with deferred paths wait for their SHRIKE_EVT_PATH records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pipeline.h"
#include "rec.h"

#define OPENAT_DIRPATH	1	/* enter parameters: name, dirpath */
#define OPENAT_OPENED	5	/* exit: res, dirfd, flags, mode, name_exit, opened */

/* What the sink saw, copied: the event's strings do not outlive the call. */
struct seen {
	int n;
	uint16_t type[8];
	uint32_t tid[8];
	char dirpath[8][64], opened[8][64];
};

static struct seen seen;

static void copy_param(const struct sevent *ev, const char *name, char *dst)
{
	int i = schema_param_index(ev->schema, name);
	const char *s = i < 0 ? NULL : sparam_str(&ev->params[i]);

	snprintf(dst, 64, "%s", s ? s : "(null)");
}

static void sink(struct pipeline *pl, struct sevent *ev)
{
	(void)pl;
	if (seen.n == 8)
		return;
	seen.type[seen.n] = ev->type;
	seen.tid[seen.n] = ev->tid;
	copy_param(ev, "dirpath", seen.dirpath[seen.n]);
	copy_param(ev, "opened", seen.opened[seen.n]);
	seen.n++;
}

static void feed(struct pipeline *pl, struct rec *r)
{
	rec_finish(r);
	pipeline_feed(pl, (const struct shrike_evt_hdr *)r->buf, r->len, 0);
}

/* openat(AT_FDCWD, "a.txt") with its dirpath and opened deferred, as on PREEMPT_RT */
static void openat_deferred(struct pipeline *pl, uint32_t tid)
{
	struct rec r;

	rec_start(&r, SHRIKE_EVT_OPENAT | SHRIKE_EVT_ENTER, 2, tid);
	rec_str(&r, "a.txt");
	rec_param_flags(&r, "", 0, SHRIKE_PARAM_DEFER);
	feed(pl, &r);
	rec_start(&r, SHRIKE_EVT_OPENAT, 6, tid);
	rec_u64(&r, 3);
	rec_u64(&r, (uint64_t)-100);
	rec_u64(&r, 0);
	rec_u64(&r, 0);
	rec_str(&r, "a.txt");
	rec_param_flags(&r, "", 0, SHRIKE_PARAM_DEFER);
	feed(pl, &r);
}

static void path(struct pipeline *pl, uint32_t tid, uint16_t of, uint64_t param, const char *p)
{
	struct rec r;

	rec_start(&r, SHRIKE_EVT_PATH, SHRIKE_P_PATH_NPARAMS, tid);
	rec_u64(&r, of);
	rec_u64(&r, param);
	if (p)
		rec_str(&r, p);
	else
		rec_param_flags(&r, "", 0, SHRIKE_PARAM_FAULT);
	feed(pl, &r);
}

static void close_exit(struct pipeline *pl, uint32_t tid)
{
	struct rec r;

	rec_start(&r, SHRIKE_EVT_CLOSE, 2, tid);
	rec_u64(&r, 0);
	rec_u64(&r, 3);
	feed(pl, &r);
}

static int setup(void **state)
{
	static struct pipeline pl;

	memset(&seen, 0, sizeof(seen));
	assert_int_equal(pipeline_init(&pl, sink, NULL), 0);
	pl.procs.no_procfs = 1;
	*state = &pl;
	return 0;
}

static int teardown(void **state)
{
	pipeline_free(*state);
	return 0;
}

/* Held until both paths came, in any order; then reported with them. */
static void test_paths_fill_in(void **state)
{
	struct pipeline *pl = *state;

	openat_deferred(pl, 7);
	assert_int_equal(seen.n, 0);
	path(pl, 7, SHRIKE_EVT_OPENAT, OPENAT_OPENED, "/work/a.txt");
	assert_int_equal(seen.n, 0);
	path(pl, 7, SHRIKE_EVT_OPENAT | SHRIKE_EVT_ENTER, OPENAT_DIRPATH, "/work");
	assert_int_equal(seen.n, 1);
	assert_int_equal(seen.type[0], SHRIKE_EVT_OPENAT);
	assert_string_equal(seen.dirpath[0], "/work");
	assert_string_equal(seen.opened[0], "/work/a.txt");
	assert_int_equal(pl->st.events, 1);
	assert_int_equal(pl->st.paths_deferred, 2);
	assert_int_equal(pl->st.paths_lost, 0);
}

/* The thread went on without them (a fatal signal): reported first, the paths unknown. */
static void test_thread_goes_on(void **state)
{
	struct pipeline *pl = *state;

	openat_deferred(pl, 8);
	path(pl, 8, SHRIKE_EVT_OPENAT | SHRIKE_EVT_ENTER, OPENAT_DIRPATH, "/work");
	close_exit(pl, 8);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.type[0], SHRIKE_EVT_OPENAT);
	assert_string_equal(seen.dirpath[0], "/work");
	assert_string_equal(seen.opened[0], "(null)");
	assert_int_equal(seen.type[1], SHRIKE_EVT_CLOSE);
	assert_int_equal(pl->st.paths_deferred, 1);
	assert_int_equal(pl->st.paths_lost, 1);
}

/*
 * Other threads' events wait behind it, so that the stream stays in merge
 * order; it leaves when its paths came, when too old, or at the end.
 */
static void test_others_wait_expire_flush(void **state)
{
	struct pipeline *pl = *state;

	openat_deferred(pl, 9);
	close_exit(pl, 10);
	assert_int_equal(seen.n, 0);
	pipeline_expire(pl, 1000 + 9 + 1000);	/* 1 us later: still waits */
	assert_int_equal(seen.n, 0);
	pipeline_expire(pl, 1000 + 9 + 1000ull * 1000 * 1000);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.tid[0], 9);
	assert_string_equal(seen.dirpath[0], "(null)");
	assert_int_equal(seen.tid[1], 10);
	openat_deferred(pl, 11);
	pipeline_flush(pl);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.tid[2], 11);
}

/* Two threads wait at once; the second one's paths come first: still reported in order. */
static void test_order_kept(void **state)
{
	struct pipeline *pl = *state;

	openat_deferred(pl, 20);
	close_exit(pl, 21);
	openat_deferred(pl, 22);
	path(pl, 22, SHRIKE_EVT_OPENAT, OPENAT_OPENED, "/b/a.txt");
	path(pl, 22, SHRIKE_EVT_OPENAT | SHRIKE_EVT_ENTER, OPENAT_DIRPATH, "/b");
	assert_int_equal(seen.n, 0);
	path(pl, 20, SHRIKE_EVT_OPENAT, OPENAT_OPENED, "/a/a.txt");
	path(pl, 20, SHRIKE_EVT_OPENAT | SHRIKE_EVT_ENTER, OPENAT_DIRPATH, "/a");
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.tid[0], 20);
	assert_string_equal(seen.opened[0], "/a/a.txt");
	assert_int_equal(seen.tid[1], 21);
	assert_int_equal(seen.tid[2], 22);
	assert_string_equal(seen.opened[2], "/b/a.txt");
	assert_int_equal(pl->st.paths_lost, 0);
	/* the queue is empty again: a plain event goes straight through */
	close_exit(pl, 23);
	assert_int_equal(seen.n, 4);
}

/* A path record that matches nothing is ignored: wrong type, index, a filled one, no event. */
static void test_stray_paths(void **state)
{
	struct pipeline *pl = *state;

	path(pl, 12, SHRIKE_EVT_OPENAT, OPENAT_OPENED, "/nothing/held");
	openat_deferred(pl, 12);
	path(pl, 12, SHRIKE_EVT_OPEN, OPENAT_OPENED, "/other/type");
	path(pl, 12, SHRIKE_EVT_OPENAT, 0, "/not/deferred");
	path(pl, 12, SHRIKE_EVT_OPENAT, 99, "/out/of/range");
	path(pl, 12, SHRIKE_EVT_OPENAT | SHRIKE_EVT_ENTER, 7, "/out/of/range");
	assert_int_equal(seen.n, 0);
	path(pl, 12, SHRIKE_EVT_OPENAT, OPENAT_OPENED, NULL);	/* could not be resolved */
	path(pl, 12, SHRIKE_EVT_OPENAT, OPENAT_OPENED, "/twice");
	assert_int_equal(seen.n, 0);
	path(pl, 12, SHRIKE_EVT_OPENAT | SHRIKE_EVT_ENTER, OPENAT_DIRPATH, "/d");
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.opened[0], "(null)");
	assert_string_equal(seen.dirpath[0], "/d");
	assert_int_equal(pl->st.bad_records, 0);
}

/* More held than fit: the oldest is reported, nothing is lost. */
static void test_full(void **state)
{
	struct pipeline *pl = *state;
	uint32_t t;

	for (t = 0; t < HELD_MAX + 3; t++)
		openat_deferred(pl, 100 + t);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.tid[0], 100);
	pipeline_flush(pl);
	assert_int_equal(pl->st.events, HELD_MAX + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paths_fill_in, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_goes_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_others_wait_expire_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_order_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stray_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
