/* SPDX-License-Identifier: GPL-2.0-only */
/* test_reorder.c - the eBPF driver's reorder queue: stamp order, limits, budget, release. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "input/reorder.h"

/* A record of len bytes (a multiple of 8) stamped ts, its tid telling it apart. */
static const struct shrike_evt_hdr *mk(uint32_t len, uint64_t ts, uint32_t tid)
{
	static _Alignas(8) char buf[256];
	struct shrike_evt_hdr h = { .len = len, .type = SHRIKE_EVT_PROCEXIT, .ts = ts,
				    .tid = tid, .pid = tid };

	memset(buf, 0xa5, sizeof(buf));
	memcpy(buf, &h, sizeof(h));
	return (const struct shrike_evt_hdr *)buf;
}

static void test_hands_out_in_stamp_order(void **state)
{
	struct reorder q;
	uint32_t cpu = 99;
	const struct shrike_evt_hdr *h;

	(void)state;
	reorder_init(&q, 1 << 20);
	/* ring order: copied in as 30, 10, 20 (CPUs crossing) */
	assert_int_equal(reorder_push(&q, mk(32, 30, 3), 1), 0);
	assert_int_equal(reorder_push(&q, mk(32, 10, 1), 0), 0);
	assert_int_equal(reorder_push(&q, mk(40, 20, 2), 1), 0);
	assert_int_equal(reorder_oldest(&q), 10);
	h = reorder_next(&q, UINT64_MAX, &cpu);
	assert_non_null(h);
	assert_int_equal(h->ts, 10);
	assert_int_equal(h->tid, 1);
	assert_int_equal(cpu, 0);
	h = reorder_next(&q, UINT64_MAX, &cpu);
	assert_int_equal(h->ts, 20);
	assert_int_equal(h->len, 40);
	assert_int_equal(cpu, 1);
	assert_int_equal(reorder_next(&q, UINT64_MAX, &cpu)->ts, 30);
	assert_null(reorder_next(&q, UINT64_MAX, &cpu));
	assert_int_equal(reorder_oldest(&q), UINT64_MAX);
	assert_int_equal(q.late, 0);
	reorder_free(&q);
}

static void test_limit_holds_younger_records(void **state)
{
	struct reorder q;
	uint32_t cpu;

	(void)state;
	reorder_init(&q, 1 << 20);
	reorder_push(&q, mk(32, 50, 5), 0);
	reorder_push(&q, mk(32, 40, 4), 0);
	assert_int_equal(reorder_next(&q, 45, &cpu)->ts, 40);
	assert_null(reorder_next(&q, 45, &cpu));
	reorder_release(&q);
	/* an older record arriving now still goes before the waiting one */
	reorder_push(&q, mk(32, 45, 6), 1);
	assert_int_equal(reorder_next(&q, 100, &cpu)->ts, 45);
	assert_int_equal(reorder_next(&q, 100, &cpu)->ts, 50);
	assert_int_equal(q.late, 0);
	reorder_free(&q);
}

static void test_equal_stamps_keep_arrival_order(void **state)
{
	struct reorder q;
	uint32_t cpu;

	(void)state;
	reorder_init(&q, 1 << 20);
	reorder_push(&q, mk(32, 7, 1), 0);
	reorder_push(&q, mk(32, 7, 2), 1);
	reorder_push(&q, mk(32, 7, 3), 0);
	assert_int_equal(reorder_next(&q, 7, &cpu)->tid, 1);
	assert_int_equal(reorder_next(&q, 7, &cpu)->tid, 2);
	assert_int_equal(reorder_next(&q, 7, &cpu)->tid, 3);
	reorder_free(&q);
}

/* A record older than one already handed out cannot be put back in order: counted. */
static void test_late_record_is_counted(void **state)
{
	struct reorder q;
	uint32_t cpu;

	(void)state;
	reorder_init(&q, 1 << 20);
	reorder_push(&q, mk(32, 100, 1), 0);
	assert_int_equal(reorder_next(&q, 200, &cpu)->ts, 100);
	reorder_release(&q);
	reorder_push(&q, mk(32, 90, 2), 1);
	assert_int_equal(q.late, 1);
	assert_int_equal(reorder_next(&q, 200, &cpu)->ts, 90);
	reorder_free(&q);
}

static void test_budget_refuses_and_release_frees(void **state)
{
	struct reorder q;
	uint32_t cpu;

	(void)state;
	reorder_init(&q, 96);
	assert_int_equal(reorder_push(&q, mk(32, 1, 1), 0), 0);
	assert_int_equal(reorder_push(&q, mk(32, 2, 2), 0), 0);
	assert_int_equal(reorder_push(&q, mk(32, 3, 3), 0), 0);
	assert_false(reorder_room(&q, 8));
	assert_int_equal(reorder_push(&q, mk(32, 4, 4), 0), -1);
	assert_int_equal(reorder_next(&q, 2, &cpu)->ts, 1);
	assert_int_equal(reorder_next(&q, 2, &cpu)->ts, 2);
	/* two handed out, one waiting: compacted, its bytes intact */
	reorder_release(&q);
	assert_int_equal(q.used, 32);
	assert_int_equal(reorder_push(&q, mk(32, 4, 4), 0), 0);
	{
		const struct shrike_evt_hdr *h = reorder_next(&q, 10, &cpu);
		const unsigned char *p = (const unsigned char *)h;

		assert_int_equal(h->ts, 3);
		assert_int_equal(h->tid, 3);
		assert_int_equal(p[sizeof(*h)], 0xa5);
	}
	assert_int_equal(reorder_next(&q, 10, &cpu)->ts, 4);
	reorder_release(&q);
	assert_int_equal(q.used, 0);
	assert_int_equal(reorder_oldest(&q), UINT64_MAX);
	reorder_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hands_out_in_stamp_order),
		cmocka_unit_test(test_limit_holds_younger_records),
		cmocka_unit_test(test_equal_stamps_keep_arrival_order),
		cmocka_unit_test(test_late_record_is_counted),
		cmocka_unit_test(test_budget_refuses_and_release_frees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
