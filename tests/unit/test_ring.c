/* SPDX-License-Identifier: GPL-2.0-only */
/* test_ring.c - the reader's ring validation and time merge, on hand-made rings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "input/ring.h"

#define SIZE 256

struct fake {
	struct shrike_ring_ctrl ctrl;
	char data[SIZE];
	struct ring_view v;
};

static void fake_init(struct fake *f, uint32_t cpu)
{
	memset(f, 0, sizeof(*f));
	f->v.ctrl = &f->ctrl;
	f->v.data = f->data;
	f->v.size = SIZE;
	f->v.cpu = cpu;
}

/* Append a record of len bytes with timestamp ts, wrapping like the kernel. */
static void put(struct fake *f, uint32_t len, uint64_t ts)
{
	uint64_t off = f->ctrl.head & (SIZE - 1);
	struct shrike_evt_hdr h = { .len = len, .type = SHRIKE_EVT_PROCEXIT, .ts = ts };

	if (len > SIZE - off) {
		struct shrike_evt_hdr pad = { .len = (uint32_t)(SIZE - off), .type = SHRIKE_EVT_PAD };

		memcpy(f->data + off, &pad, 8);
		f->ctrl.head += SIZE - off;
		off = 0;
	}
	memcpy(f->data + off, &h, sizeof(h));
	f->ctrl.head += len;
}

static void consume_all(struct fake *f)
{
	f->v.pos = f->ctrl.head;
	f->ctrl.tail = f->ctrl.head;
}

static void test_reads_records_in_order(void **state)
{
	struct fake f;
	const struct shrike_evt_hdr *h;
	const char *why = NULL;

	(void)state;
	fake_init(&f, 0);
	assert_int_equal(ring_view_refresh(&f.v, &why), RING_EMPTY);
	put(&f, 32, 1);
	put(&f, 40, 2);
	assert_int_equal(ring_view_refresh(&f.v, &why), RING_OK);
	assert_int_equal(ring_view_peek(&f.v, &h, &why), RING_OK);
	assert_int_equal(h->ts, 1);
	ring_view_advance(&f.v);
	assert_int_equal(ring_view_peek(&f.v, &h, &why), RING_OK);
	assert_int_equal(h->ts, 2);
	assert_int_equal(h->len, 40);
	ring_view_advance(&f.v);
	assert_int_equal(ring_view_peek(&f.v, &h, &why), RING_EMPTY);
}

static void test_skips_pad_at_wrap(void **state)
{
	struct fake f;
	const struct shrike_evt_hdr *h;
	const char *why = NULL;

	(void)state;
	fake_init(&f, 0);
	put(&f, 200, 1);
	consume_all(&f);
	put(&f, 96, 2);	/* does not fit in the last 56 bytes: pad, then wrap */
	assert_int_equal(ring_view_refresh(&f.v, &why), RING_OK);
	assert_int_equal(ring_view_peek(&f.v, &h, &why), RING_OK);
	assert_int_equal(h->ts, 2);
	assert_ptr_equal(h, (const void *)f.data);
}

static void test_head_running_away_is_corrupt(void **state)
{
	struct fake f;
	const char *why = NULL;

	(void)state;
	fake_init(&f, 0);
	f.ctrl.head = SIZE + 8;	/* more than a ring ahead of our position */
	assert_int_equal(ring_view_refresh(&f.v, &why), RING_CORRUPT);
	assert_non_null(why);
	f.ctrl.head = 0;
	why = NULL;
	assert_int_equal(ring_view_refresh(&f.v, &why), RING_CORRUPT);	/* stays broken */
}

static void test_head_going_back_is_corrupt(void **state)
{
	struct fake f;
	const char *why = NULL;

	(void)state;
	fake_init(&f, 0);
	f.v.pos = 64;
	f.ctrl.head = 32;
	assert_int_equal(ring_view_refresh(&f.v, &why), RING_CORRUPT);
}

static void test_bad_lengths_are_corrupt(void **state)
{
	static const uint32_t bad[] = { 0, 4, 12, 16, 72 /* > head */, 1u << 31 };
	const struct shrike_evt_hdr *h;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fake f;
		const char *why = NULL;
		struct shrike_evt_hdr rec = { .len = bad[i], .type = SHRIKE_EVT_PROCEXIT };

		fake_init(&f, 0);
		memcpy(f.data, &rec, sizeof(rec));
		f.ctrl.head = 64;
		assert_int_equal(ring_view_refresh(&f.v, &why), RING_OK);
		assert_int_equal(ring_view_peek(&f.v, &h, &why), RING_CORRUPT);
		assert_non_null(why);
	}
}

static void test_pad_not_to_end_is_corrupt(void **state)
{
	struct fake f;
	const struct shrike_evt_hdr *h;
	const char *why = NULL;
	struct shrike_evt_hdr pad = { .len = 32, .type = SHRIKE_EVT_PAD };

	(void)state;
	fake_init(&f, 0);
	memcpy(f.data, &pad, 8);
	f.ctrl.head = 64;
	ring_view_refresh(&f.v, &why);
	assert_int_equal(ring_view_peek(&f.v, &h, &why), RING_CORRUPT);
}

static void test_record_crossing_end_is_corrupt(void **state)
{
	struct fake f;
	const struct shrike_evt_hdr *h;
	const char *why = NULL;
	struct shrike_evt_hdr rec = { .len = 64, .type = SHRIKE_EVT_PROCEXIT };

	(void)state;
	fake_init(&f, 0);
	f.v.pos = f.ctrl.tail = SIZE - 32;
	memcpy(f.data + SIZE - 32, &rec, sizeof(rec));
	f.ctrl.head = SIZE - 32 + 64;
	assert_int_equal(ring_view_refresh(&f.v, &why), RING_OK);
	assert_int_equal(ring_view_peek(&f.v, &h, &why), RING_CORRUPT);
}

static void test_merge_picks_oldest_within_limit(void **state)
{
	struct fake f[2];
	struct ring_view views[2];
	const struct shrike_evt_hdr *h = NULL;
	uint64_t corrupt = 0;
	const char *why;
	uint64_t order[4];
	int i, k;

	(void)state;
	fake_init(&f[0], 0);
	fake_init(&f[1], 1);
	put(&f[0], 32, 10);
	put(&f[0], 32, 30);
	put(&f[1], 32, 20);
	put(&f[1], 32, 40);
	for (i = 0; i < 2; i++) {
		ring_view_refresh(&f[i].v, &why);
		views[i] = f[i].v;
		views[i].ctrl = &f[i].ctrl;
		views[i].data = f[i].data;
	}
	/* limit 35: the event at 40 must wait for the merge delay */
	for (k = 0; k < 4; k++) {
		i = ring_views_pick(views, 2, 35, &h, &corrupt);
		if (i < 0)
			break;
		order[k] = h->ts;
		ring_view_advance(&views[i]);
	}
	assert_int_equal(k, 3);
	assert_int_equal(order[0], 10);
	assert_int_equal(order[1], 20);
	assert_int_equal(order[2], 30);
	i = ring_views_pick(views, 2, UINT64_MAX, &h, &corrupt);
	assert_int_equal(i, 1);
	assert_int_equal(h->ts, 40);
	assert_int_equal(corrupt, 0);
}

static void test_merge_counts_and_skips_corrupt_ring(void **state)
{
	struct fake f[2];
	struct ring_view views[2];
	const struct shrike_evt_hdr *h = NULL;
	struct shrike_evt_hdr bad = { .len = 4 };
	uint64_t corrupt = 0;
	const char *why;
	int i;

	(void)state;
	fake_init(&f[0], 0);
	fake_init(&f[1], 1);
	memcpy(f[0].data, &bad, 8);
	f[0].ctrl.head = 32;
	put(&f[1], 32, 5);
	for (i = 0; i < 2; i++) {
		ring_view_refresh(&f[i].v, &why);
		views[i] = f[i].v;
		views[i].ctrl = &f[i].ctrl;
		views[i].data = f[i].data;
	}
	i = ring_views_pick(views, 2, UINT64_MAX, &h, &corrupt);
	assert_int_equal(i, 1);
	assert_int_equal(corrupt, 1);
	assert_true(views[0].broken);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_records_in_order),
		cmocka_unit_test(test_skips_pad_at_wrap),
		cmocka_unit_test(test_head_running_away_is_corrupt),
		cmocka_unit_test(test_head_going_back_is_corrupt),
		cmocka_unit_test(test_bad_lengths_are_corrupt),
		cmocka_unit_test(test_pad_not_to_end_is_corrupt),
		cmocka_unit_test(test_record_crossing_end_is_corrupt),
		cmocka_unit_test(test_merge_picks_oldest_within_limit),
		cmocka_unit_test(test_merge_counts_and_skips_corrupt_ring),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
