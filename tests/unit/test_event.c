/* SPDX-License-Identifier: GPL-2.0-only */
/* test_event.c - the decoder accepts well-formed records and rejects every malformed one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "input/event.h"

/* A record builder the way the kernel lays records out. */
struct rec {
	_Alignas(8) char buf[1024];
	uint32_t len;
	uint16_t n, idx;
};

static void rec_start(struct rec *r, uint16_t type, uint16_t nparams)
{
	struct shrike_evt_hdr h = { .type = type, .nparams = nparams, .ts = 77, .tid = 11, .pid = 10 };

	memset(r, 0, sizeof(*r));
	memcpy(r->buf, &h, sizeof(h));
	r->n = nparams;
	r->len = (uint32_t)((sizeof(h) + nparams * 2 + 7) & ~7u);
}

static void rec_param(struct rec *r, const void *p, uint16_t len, uint16_t flags)
{
	uint16_t plen = len | flags;

	memcpy(r->buf + sizeof(struct shrike_evt_hdr) + 2 * r->idx++, &plen, 2);
	memcpy(r->buf + r->len, p, len);
	r->len += len;
}

static void rec_finish(struct rec *r)
{
	r->len = (r->len + 7) & ~7u;
	memcpy(r->buf, &r->len, 4);
}

static void build_exec(struct rec *r)
{
	int64_t res = 0;
	struct shrike_proc_ctx ctx = { .pid = 10, .tid = 11, .uid = 1000, .host_uid = 101000 };
	static const char argv[] = "sh\0-c\0id";

	strcpy(ctx.comm, "sh");
	rec_start(r, SHRIKE_EVT_EXECVE, SHRIKE_P_EXEC_NPARAMS);
	rec_param(r, &res, 8, 0);
	rec_param(r, "/bin/sh", 8, 0);
	rec_param(r, argv, sizeof(argv), 0);
	rec_param(r, "/bin/busybox", 13, 0);
	rec_param(r, &ctx, sizeof(ctx), 0);
	rec_finish(r);
}

static void test_decodes_exec(void **state)
{
	struct rec r;
	struct sevent ev;
	const char *why = NULL;

	(void)state;
	build_exec(&r);
	assert_int_equal(event_decode(r.buf, r.len, &ev, &why), 0);
	assert_int_equal(ev.type, SHRIKE_EVT_EXECVE);
	assert_int_equal(ev.ts, 77);
	assert_int_equal(ev.tid, 11);
	assert_int_equal(ev.pid, 10);
	assert_string_equal(ev.schema->name, "execve");
	assert_int_equal(sparam_s64(&ev.params[SHRIKE_P_EXEC_RES]), 0);
	assert_string_equal(sparam_str(&ev.params[SHRIKE_P_EXEC_FILENAME]), "/bin/sh");
	assert_int_equal(ev.params[SHRIKE_P_EXEC_ARGV].len, 9);
	assert_string_equal(sparam_str(&ev.params[SHRIKE_P_EXEC_EXEPATH]), "/bin/busybox");
	assert_true(ev.has_ctx);
	assert_int_equal(ev.ctx.host_uid, 101000);
	assert_string_equal(ev.ctx.comm, "sh");
}

static void test_fault_flag_means_unreadable(void **state)
{
	struct rec r;
	struct sevent ev;
	const char *why = NULL;
	int64_t res = -14;
	struct shrike_proc_ctx ctx = { 0 };

	(void)state;
	rec_start(&r, SHRIKE_EVT_EXECVE, SHRIKE_P_EXEC_NPARAMS);
	rec_param(&r, &res, 8, 0);
	rec_param(&r, "", 0, SHRIKE_PARAM_FAULT);
	rec_param(&r, "a", 2, SHRIKE_PARAM_TRUNC);
	rec_param(&r, "", 0, 0);
	rec_param(&r, &ctx, sizeof(ctx), 0);
	rec_finish(&r);
	assert_int_equal(event_decode(r.buf, r.len, &ev, &why), 0);
	assert_null(sparam_str(&ev.params[SHRIKE_P_EXEC_FILENAME]));
	assert_int_equal(ev.params[SHRIKE_P_EXEC_ARGV].flags, SHRIKE_PARAM_TRUNC);
	assert_string_equal(sparam_str(&ev.params[SHRIKE_P_EXEC_EXEPATH]), "");
}

static void expect_reject(struct rec *r, size_t avail, const char *reason_part)
{
	struct sevent ev;
	const char *why = NULL;

	assert_int_equal(event_decode(r->buf, avail, &ev, &why), -1);
	assert_non_null(why);
	assert_non_null(strstr(why, reason_part));
}

static void test_rejects_short_or_long_records(void **state)
{
	struct rec r;
	uint32_t len;

	(void)state;
	build_exec(&r);
	expect_reject(&r, 8, "shorter than its header");
	expect_reject(&r, r.len - 8, "length out of range");	/* claims more than available */
	len = 12;
	memcpy(r.buf, &len, 4);
	expect_reject(&r, sizeof(r.buf), "length out of range");
	len = 1u << 30;
	memcpy(r.buf, &len, 4);
	expect_reject(&r, sizeof(r.buf), "length out of range");
}

static void test_rejects_unknown_type_and_wrong_count(void **state)
{
	struct rec r;
	uint16_t v;

	(void)state;
	build_exec(&r);
	v = 999;
	memcpy(r.buf + offsetof(struct shrike_evt_hdr, type), &v, 2);
	expect_reject(&r, r.len, "unknown event type");
	/* more than the schema has (fewer is a record of an older ABI, which
	 * tests/replay decodes from a capture of ABI 1)
	 */
	build_exec(&r);
	v = SHRIKE_P_EXEC_NPARAMS + 1;
	memcpy(r.buf + offsetof(struct shrike_evt_hdr, nparams), &v, 2);
	expect_reject(&r, r.len, "wrong number of parameters");
	build_exec(&r);
	v = SHRIKE_EVT_PAD;
	memcpy(r.buf + offsetof(struct shrike_evt_hdr, type), &v, 2);
	expect_reject(&r, r.len, "unknown event type");
}

static void test_rejects_param_overrun(void **state)
{
	struct rec r;
	uint16_t big = 1000;

	(void)state;
	build_exec(&r);
	memcpy(r.buf + sizeof(struct shrike_evt_hdr) + 2 * SHRIKE_P_EXEC_FILENAME, &big, 2);
	expect_reject(&r, r.len, "overruns the record");
}

static void test_rejects_unterminated_string(void **state)
{
	struct rec r;
	int64_t res = 0;
	struct shrike_proc_ctx ctx = { 0 };

	(void)state;
	rec_start(&r, SHRIKE_EVT_EXECVE, SHRIKE_P_EXEC_NPARAMS);
	rec_param(&r, &res, 8, 0);
	rec_param(&r, "abc", 3, 0);	/* no NUL */
	rec_param(&r, "", 0, 0);
	rec_param(&r, "", 0, 0);
	rec_param(&r, &ctx, sizeof(ctx), 0);
	rec_finish(&r);
	expect_reject(&r, r.len, "not terminated");
}

static void test_rejects_wrong_int_and_ctx_sizes(void **state)
{
	struct rec r;
	int32_t small = 0;
	int64_t res = 0;
	struct shrike_proc_ctx ctx = { 0 };

	(void)state;
	rec_start(&r, SHRIKE_EVT_EXECVE, SHRIKE_P_EXEC_NPARAMS);
	rec_param(&r, &small, 4, 0);
	rec_param(&r, "", 0, 0);
	rec_param(&r, "", 0, 0);
	rec_param(&r, "", 0, 0);
	rec_param(&r, &ctx, sizeof(ctx), 0);
	rec_finish(&r);
	expect_reject(&r, r.len, "wrong size");

	rec_start(&r, SHRIKE_EVT_EXECVE, SHRIKE_P_EXEC_NPARAMS);
	rec_param(&r, &res, 8, 0);
	rec_param(&r, "", 0, 0);
	rec_param(&r, "", 0, 0);
	rec_param(&r, "", 0, 0);
	rec_param(&r, &ctx, sizeof(ctx) - 8, 0);
	rec_finish(&r);
	expect_reject(&r, r.len, "wrong size");
}

static void test_rejects_fault_with_length(void **state)
{
	struct rec r;
	int64_t res = 0;
	struct shrike_proc_ctx ctx = { 0 };

	(void)state;
	rec_start(&r, SHRIKE_EVT_EXECVE, SHRIKE_P_EXEC_NPARAMS);
	rec_param(&r, &res, 8, 0);
	rec_param(&r, "ab", 3, SHRIKE_PARAM_FAULT);
	rec_param(&r, "", 0, 0);
	rec_param(&r, "", 0, 0);
	rec_param(&r, &ctx, sizeof(ctx), 0);
	rec_finish(&r);
	expect_reject(&r, r.len, "unreadable parameter with a length");
}

/* An openat's enter record: event_is_enter takes its header on trust, the merge checks the rest. */
static void build_openat(struct rec *enter, struct rec *exit_, const char *name, uint16_t name_len)
{
	int64_t res = 3, dirfd = -100;
	uint64_t flags = 0, mode = 0;

	rec_start(enter, SHRIKE_EVT_OPENAT | SHRIKE_EVT_ENTER, 2);
	rec_param(enter, name, name_len, 0);
	rec_param(enter, "", 0, 0);
	rec_finish(enter);
	rec_start(exit_, SHRIKE_EVT_OPENAT, 4);
	rec_param(exit_, &res, 8, 0);
	rec_param(exit_, &dirfd, 8, 0);
	rec_param(exit_, &flags, 8, 0);
	rec_param(exit_, &mode, 8, 0);
	rec_finish(exit_);
}

static void test_enter_checked_when_merged(void **state)
{
	struct rec enter, ex;
	struct sevent ev;
	const char *why = NULL;
	uint32_t tid = 0;
	int i;

	(void)state;
	build_openat(&enter, &ex, "/etc/passwd", 12);
	assert_int_equal(event_is_enter(enter.buf, enter.len, &tid), 1);
	assert_int_equal(tid, 11);
	assert_int_equal(event_is_enter(ex.buf, ex.len, &tid), 0);
	assert_int_equal(event_decode(ex.buf, ex.len, &ev, &why), 0);
	assert_int_equal(event_merge_enter(enter.buf, enter.len, &ev, &why), 0);
	i = schema_param_index(ev.schema, "name");
	assert_string_equal(sparam_str(&ev.params[i]), "/etc/passwd");

	/* a name without its NUL: the merge fails and leaves no enter parameter behind */
	build_openat(&enter, &ex, "/etc/passwd", 11);
	assert_int_equal(event_is_enter(enter.buf, enter.len, &tid), 1);
	assert_int_equal(event_decode(ex.buf, ex.len, &ev, &why), 0);
	assert_int_equal(event_merge_enter(enter.buf, enter.len, &ev, &why), -1);
	assert_non_null(strstr(why, "not terminated"));
	assert_null(sparam_str(&ev.params[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decodes_exec),
		cmocka_unit_test(test_fault_flag_means_unreadable),
		cmocka_unit_test(test_rejects_short_or_long_records),
		cmocka_unit_test(test_rejects_unknown_type_and_wrong_count),
		cmocka_unit_test(test_rejects_param_overrun),
		cmocka_unit_test(test_rejects_unterminated_string),
		cmocka_unit_test(test_rejects_wrong_int_and_ctx_sizes),
		cmocka_unit_test(test_rejects_fault_with_length),
		cmocka_unit_test(test_enter_checked_when_merged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
