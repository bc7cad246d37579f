/* SPDX-License-Identifier: GPL-2.0-only */
/* test_http_spool.c - the HTTP output's spool: order, bounds, restarts, one user at a time, damage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "output/http_spool.h"

struct fx {
	char root[64];
	char *dir;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->root, "/tmp/shrike-spool-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	f->dir = at(f->root, "spool");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	rm_tree(f->root);
	free(f->dir);
	free(f);
	return 0;
}

static struct spool *open_locked(const char *dir, uint64_t max)
{
	struct spool *sp = spool_open(dir, max);

	assert_non_null(sp);
	assert_int_equal(spool_acquire(sp), 0);
	return sp;
}

static void append(struct spool *sp, const char *body)
{
	assert_int_equal(spool_append(sp, body, strlen(body)), 0);
}

/* The oldest alert is body; it goes. */
static void expect_pop(struct spool *sp, const char *body)
{
	char *got = NULL;
	size_t len = 0;

	assert_int_equal(spool_peek(sp, &got, &len), 0);
	assert_string_equal(got, body);
	assert_int_equal(len, strlen(body));
	free(got);
	spool_pop(sp);
}

static void expect_empty(struct spool *sp)
{
	char *got = NULL;
	size_t len;

	assert_int_equal(spool_count(sp), 0);
	assert_int_equal(spool_peek(sp, &got, &len), -ENOENT);
	assert_null(got);
}

/* Created 0700; alerts come back oldest first, and go when popped. */
static void test_order(void **state)
{
	struct fx *f = *state;
	struct spool *sp = open_locked(f->dir, 1 << 20);
	struct stat st;

	assert_int_equal(stat(f->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	expect_empty(sp);
	append(sp, "{\"n\":1}");
	append(sp, "{\"n\":2}");
	append(sp, "{\"n\":3}");
	assert_int_equal(spool_count(sp), 3);
	expect_pop(sp, "{\"n\":1}");
	append(sp, "{\"n\":4}");
	expect_pop(sp, "{\"n\":2}");
	expect_pop(sp, "{\"n\":3}");
	expect_pop(sp, "{\"n\":4}");
	expect_empty(sp);
	spool_close(sp);
}

/* What one run leaves, the next delivers first, and new alerts go behind it. */
static void test_survives_restart(void **state)
{
	struct fx *f = *state;
	struct spool *sp = open_locked(f->dir, 1 << 20);
	char *p;
	struct stat st;

	append(sp, "a");
	append(sp, "b");
	expect_pop(sp, "a");
	append(sp, "c");
	spool_close(sp);

	sp = open_locked(f->dir, 1 << 20);
	assert_int_equal(spool_count(sp), 2);
	append(sp, "d");
	expect_pop(sp, "b");
	expect_pop(sp, "c");
	expect_pop(sp, "d");
	expect_empty(sp);
	spool_close(sp);
	/* one file per alert, mode 0600: alerts are sensitive */
	sp = open_locked(f->dir, 1 << 20);
	append(sp, "e");
	spool_close(sp);
	p = at(f->dir, "0000000000000001.json");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 1);
	free(p);
}

/* Bounded by bytes: a full spool refuses the newest and keeps the oldest. */
static void test_bounded(void **state)
{
	struct fx *f = *state;
	struct spool *sp = open_locked(f->dir, 100);
	char big[61];

	memset(big, 'x', 60);
	big[60] = '\0';
	append(sp, big);
	assert_int_equal(spool_append(sp, "0123456789012345678901234567890123456789x", 41), -ENOSPC);
	assert_int_equal(spool_count(sp), 1);
	append(sp, "0123456789012345678901234567890123456789");	/* 60 + 40 = 100: fits */
	assert_int_equal(spool_append(sp, "y", 1), -ENOSPC);
	expect_pop(sp, big);
	append(sp, "y");
	assert_int_equal(spool_count(sp), 2);
	spool_close(sp);
	/* the bound holds across a restart: the bytes are counted from the files */
	sp = open_locked(f->dir, 100);
	assert_int_equal(spool_append(sp, big, 60), -ENOSPC);
	spool_close(sp);
	/* one alert larger than an alert can be */
	sp = open_locked(f->dir, 1ull << 30);
	{
		size_t n = (1u << 20) + 1;
		char *huge = calloc(1, n);

		assert_non_null(huge);
		assert_int_equal(spool_append(sp, huge, n), -EFBIG);
		free(huge);
	}
	spool_close(sp);
}

/* One user at a time: the second waits for the first to close (a SIGHUP's hand-over). */
static void test_one_user(void **state)
{
	struct fx *f = *state;
	struct spool *a = open_locked(f->dir, 1 << 20);
	struct spool *b = spool_open(f->dir, 1 << 20);

	assert_non_null(b);
	append(a, "from a");
	assert_int_equal(spool_acquire(b), -EWOULDBLOCK);
	spool_close(a);
	assert_int_equal(spool_acquire(b), 0);
	assert_int_equal(spool_count(b), 1);
	expect_pop(b, "from a");
	spool_close(b);
}

/* A crash's leftover temporary file goes; files that are not alerts stay and are ignored. */
static void test_leftovers_and_strangers(void **state)
{
	struct fx *f = *state;
	struct spool *sp = open_locked(f->dir, 1 << 20);
	char *tmp;

	append(sp, "kept");
	spool_close(sp);
	put(f->dir, ".0000000000000002.tmp", "half an al");
	put(f->dir, "README", "not an alert");
	put(f->dir, "0000000000000001.json.bak", "not an alert");
	put(f->dir, "000000000000000g.json", "not an alert");
	put(f->dir, "ffffffffffffffff.json", "not an alert");
	mkdirs(f->dir, "0000000000000009.json");
	sp = open_locked(f->dir, 1 << 20);
	tmp = at(f->dir, ".0000000000000002.tmp");
	assert_int_equal(access(tmp, F_OK), -1);
	free(tmp);
	assert_int_equal(spool_count(sp), 1);
	expect_pop(sp, "kept");
	expect_empty(sp);
	append(sp, "next");
	expect_pop(sp, "next");
	spool_close(sp);
	tmp = at(f->dir, "README");
	assert_int_equal(access(tmp, F_OK), 0);
	free(tmp);
}

/* Gaps (files removed by hand) are skipped, in order; numbering goes on after the highest. */
static void test_gaps(void **state)
{
	struct fx *f = *state;
	struct spool *sp;

	mkdirs(f->root, "spool");
	put(f->dir, "0000000000000007.json", "seven");
	put(f->dir, "0000000000000003.json", "three");
	put(f->dir, "000000000000000b.json", "eleven");
	sp = open_locked(f->dir, 1 << 20);
	assert_int_equal(spool_count(sp), 3);
	append(sp, "twelve");
	expect_pop(sp, "three");
	expect_pop(sp, "seven");
	/* one removed behind the spool's back while it runs */
	{
		char *p = at(f->dir, "000000000000000b.json");

		assert_int_equal(unlink(p), 0);
		free(p);
	}
	expect_pop(sp, "twelve");
	expect_empty(sp);
	spool_close(sp);
}

/*
 * A symlink in the directory is no alert; a file larger than an alert can
 * be cannot be read back: an error the caller pops past.
 */
static void test_damage(void **state)
{
	struct fx *f = *state;
	char *p, *t, *body = NULL;
	struct spool *sp;
	size_t len;
	FILE *fp;

	mkdirs(f->root, "spool");
	p = at(f->dir, "0000000000000001.json");
	t = at(f->root, "elsewhere");
	put(f->root, "elsewhere", "outside");
	assert_int_equal(symlink(t, p), 0);
	free(p);
	free(t);
	p = at(f->dir, "0000000000000002.json");
	fp = fopen(p, "w");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 2 << 20, SEEK_SET), 0);
	fputc('}', fp);
	fclose(fp);
	free(p);
	put(f->dir, "0000000000000003.json", "fine");
	sp = open_locked(f->dir, 1ull << 30);
	assert_int_equal(spool_count(sp), 2);
	assert_int_equal(spool_peek(sp, &body, &len), -EFBIG);
	assert_null(body);
	spool_pop(sp);
	expect_pop(sp, "fine");
	expect_empty(sp);
	spool_close(sp);
}

/* A directory that cannot be made is an error naming it. */
static void test_open_errors(void **state)
{
	struct fx *f = *state;
	char *p = at(f->root, "no/such/parent");

	assert_null(spool_open(p, 1 << 20));
	free(p);
	put(f->root, "file", "x");
	p = at(f->root, "file");
	assert_null(spool_open(p, 1 << 20));
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_survives_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leftovers_and_strangers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gaps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
