/* SPDX-License-Identifier: GPL-2.0-only */
/* test_ia32.c - records of 32-bit syscalls: decoded like native ones, marked, captured and replayed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "capture/capture.h"
#include "input/event.h"
#include "output/evt_json.h"
#include "fields/fields.h"
#include "pipeline.h"
#include "rec.h"

/*
 * connect(fd 3, 10.1.2.3:4444) as the module records it: the address at
 * entry, the result, fd and socket tuple at exit. flags go on both records.
 */
static void build_connect(struct rec *enter, struct rec *exit_, uint16_t enter_flags,
			  uint16_t exit_flags, uint32_t tid)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(4444) };
	struct shrike_tuple t = { .family = AF_INET, .sport = 40000, .dport = 4444,
				  .proto = IPPROTO_TCP };
	int64_t res = 0, fd = 3;

	sa.sin_addr.s_addr = htonl(0x0a010203);
	memcpy(t.daddr, &sa.sin_addr, 4);
	rec_start(enter, SHRIKE_EVT_CONNECT | SHRIKE_EVT_ENTER | enter_flags, 1, tid);
	rec_param(enter, &sa, sizeof(sa));
	rec_finish(enter);
	rec_start(exit_, SHRIKE_EVT_CONNECT | exit_flags, 3, tid);
	rec_param(exit_, &res, 8);
	rec_param(exit_, &fd, 8);
	rec_param(exit_, &t, sizeof(t));
	rec_finish(exit_);
}

static void test_flags_decoded_type_kept(void **state)
{
	struct rec en, ex;
	struct sevent ev;
	const char *why = NULL;
	uint32_t tid = 0;

	(void)state;
	build_connect(&en, &ex, SHRIKE_EVT_COMPAT, SHRIKE_EVT_COMPAT, 21);
	assert_int_equal(event_is_enter(en.buf, en.len, &tid), 1);
	assert_int_equal(tid, 21);
	assert_int_equal(event_decode(ex.buf, ex.len, &ev, &why), 0);
	assert_int_equal(ev.type, SHRIKE_EVT_CONNECT);
	assert_string_equal(ev.schema->name, "connect");
	assert_int_equal(ev.flags, SHRIKE_EVT_COMPAT);
	assert_int_equal(event_merge_enter(en.buf, en.len, &ev, &why), 0);
	assert_int_equal(ev.params[schema_param_index(ev.schema, "addr")].len,
			 sizeof(struct sockaddr_in));
	assert_int_equal(sparam_s64(&ev.params[schema_param_index(ev.schema, "fd")]), 3);

	build_connect(&en, &ex, SHRIKE_EVT_COMPAT | SHRIKE_EVT_TASK32,
		      SHRIKE_EVT_COMPAT | SHRIKE_EVT_TASK32, 22);
	assert_int_equal(event_decode(ex.buf, ex.len, &ev, &why), 0);
	assert_int_equal(ev.flags, SHRIKE_EVT_COMPAT | SHRIKE_EVT_TASK32);
	assert_int_equal(event_merge_enter(en.buf, en.len, &ev, &why), 0);

	build_connect(&en, &ex, 0, 0, 23);
	assert_int_equal(event_decode(ex.buf, ex.len, &ev, &why), 0);
	assert_int_equal(ev.flags, 0);
}

/* One syscall goes through one ABI: an enter record of the other one is not its own. */
static void test_enter_of_other_abi_not_joined(void **state)
{
	struct rec en, ex;
	struct sevent ev;
	const char *why = NULL;

	(void)state;
	build_connect(&en, &ex, 0, SHRIKE_EVT_COMPAT, 31);
	assert_int_equal(event_decode(ex.buf, ex.len, &ev, &why), 0);
	assert_int_equal(event_merge_enter(en.buf, en.len, &ev, &why), -1);
	assert_non_null(strstr(why, "another event"));
	assert_null(sparam_str(&ev.params[schema_param_index(ev.schema, "addr")]));
	build_connect(&en, &ex, SHRIKE_EVT_COMPAT, 0, 32);
	assert_int_equal(event_decode(ex.buf, ex.len, &ev, &why), 0);
	assert_int_equal(event_merge_enter(en.buf, en.len, &ev, &why), -1);
}

static void test_unknown_type_bit_rejected(void **state)
{
	struct rec en, ex;
	struct sevent ev;
	const char *why = NULL;
	uint32_t tid;

	(void)state;
	build_connect(&en, &ex, 0x1000, 0x1000, 41);
	assert_int_equal(event_decode(ex.buf, ex.len, &ev, &why), -1);
	assert_string_equal(why, "unknown event type");
	assert_int_equal(event_is_enter(en.buf, en.len, &tid), 0);
}

static void bool_field(const struct sevent *ev, const char *name, int want)
{
	struct rf_ref ref = { .id = fields_find(name), .index = -1 };
	struct rf_value v;

	assert_true(ref.id >= 0);
	fields_extract(ev, &ref, &v);
	assert_int_equal(v.known, 1);
	assert_int_equal(v.type, RF_BOOL);
	assert_int_equal(v.i, want);
}

struct out {
	FILE *f;
	int n;
};

static void sink(struct pipeline *pl, struct sevent *ev)
{
	struct out *o = pl->sink_ctx;

	/* the fields say it for every event, true or false */
	bool_field(ev, "evt.is_compat", (ev->flags & SHRIKE_EVT_COMPAT) != 0);
	bool_field(ev, "proc.is_32bit", (ev->flags & SHRIKE_EVT_TASK32) != 0);
	assert_int_equal(evt_json_print(o->f, ev, 1), 0);
	o->n++;
}

/*
 * A full ring drops records whole: a thread's enter may stay pending while
 * its exit was dropped, and the next exit that comes is another syscall's
 * (whose own enter was dropped). That is a loss the drop counters report,
 * not a bad record: the exit is delivered without entry parameters.
 */
static void test_stale_enter_not_bad(void **state)
{
	struct pipeline pl;
	struct out o = { 0 };
	struct rec en, ex;
	uint16_t bind = SHRIKE_EVT_BIND;
	char *text = NULL;
	size_t len = 0;

	(void)state;
	o.f = open_memstream(&text, &len);
	assert_non_null(o.f);
	assert_int_equal(pipeline_init(&pl, sink, &o), 0);
	build_connect(&en, &ex, 0, 0, 61);
	/* bind's exit has connect's layout: res, fd, tuple */
	memcpy(ex.buf + offsetof(struct shrike_evt_hdr, type), &bind, sizeof(bind));
	pipeline_feed(&pl, (void *)en.buf, en.len, 0);
	pipeline_feed(&pl, (void *)ex.buf, ex.len, 0);
	fclose(o.f);
	assert_int_equal(o.n, 1);
	assert_int_equal(pl.st.bad_records, 0);
	assert_int_equal(pl.st.enter_missing, 1);
	assert_non_null(strstr(text, "\"evt.type\":\"bind\""));
	pipeline_free(&pl);
	free(text);
}

/* Line n of text, in buf (which the caller frees). */
static char *line_of(const char *text, int n, char **buf)
{
	char *save = NULL, *l;

	*buf = strdup(text);
	assert_non_null(*buf);
	l = strtok_r(*buf, "\n", &save);
	while (l && n--)
		l = strtok_r(NULL, "\n", &save);
	assert_non_null(l);
	return l;
}

/*
 * The -A stream prints the markers only where they are true: native events
 * (and every capture made before the markers existed) print exactly as before.
 */
static void test_json_marks_only_compat(void **state)
{
	struct pipeline pl;
	struct out o = { 0 };
	struct rec en, ex;
	char *text = NULL, *buf, *l;
	size_t len = 0;

	(void)state;
	o.f = open_memstream(&text, &len);
	assert_non_null(o.f);
	assert_int_equal(pipeline_init(&pl, sink, &o), 0);
	build_connect(&en, &ex, SHRIKE_EVT_COMPAT, SHRIKE_EVT_COMPAT, 51);
	pipeline_feed(&pl, (void *)en.buf, en.len, 0);
	pipeline_feed(&pl, (void *)ex.buf, ex.len, 0);
	build_connect(&en, &ex, 0, 0, 52);
	pipeline_feed(&pl, (void *)en.buf, en.len, 0);
	pipeline_feed(&pl, (void *)ex.buf, ex.len, 0);
	build_connect(&en, &ex, SHRIKE_EVT_COMPAT | SHRIKE_EVT_TASK32,
		      SHRIKE_EVT_COMPAT | SHRIKE_EVT_TASK32, 53);
	pipeline_feed(&pl, (void *)en.buf, en.len, 0);
	pipeline_feed(&pl, (void *)ex.buf, ex.len, 0);
	fclose(o.f);
	assert_int_equal(o.n, 3);
	assert_int_equal(pl.st.bad_records, 0);
	assert_int_equal(pl.st.enter_missing, 0);

	l = line_of(text, 0, &buf);
	assert_non_null(strstr(l, "\"evt.type\":\"connect\""));
	assert_non_null(strstr(l, "\"evt.is_compat\":true"));
	assert_null(strstr(l, "proc.is_32bit"));
	assert_non_null(strstr(l, "\"fd.rip\":\"10.1.2.3\""));
	assert_non_null(strstr(l, "\"fd.rport\":4444"));
	/* the socket as Falco prints a descriptor; the number in evt.rawarg */
	assert_non_null(strstr(l, "\"evt.arg.fd\":\"<4t>0.0.0.0:40000->10.1.2.3:4444\""));
	assert_non_null(strstr(l, "\"evt.rawarg.fd\":3"));
	free(buf);
	l = line_of(text, 1, &buf);
	assert_non_null(strstr(l, "\"evt.type\":\"connect\""));
	assert_null(strstr(l, "is_compat"));
	assert_null(strstr(l, "is_32bit"));
	assert_non_null(strstr(l, "\"fd.rip\":\"10.1.2.3\""));
	free(buf);
	l = line_of(text, 2, &buf);
	assert_non_null(strstr(l, "\"evt.is_compat\":true"));
	assert_non_null(strstr(l, "\"proc.is_32bit\":true"));
	free(buf);
	pipeline_free(&pl);
	free(text);
}

struct seen {
	int n;
	uint16_t flags[4];
};

static void on_record(void *ctx, const struct shrike_evt_hdr *rec, size_t len, uint32_t cpu)
{
	struct seen *s = ctx;
	struct sevent ev;
	const char *why;

	(void)cpu;
	if (event_decode(rec, len, &ev, &why) == 0 && s->n < 4)
		s->flags[s->n++] = ev.flags;
}

static void replay_file(const char *path, struct seen *s, int want_ok)
{
	struct capture_sink cs = { .record = on_record, .ctx = s };
	struct capture_reader r;
	char err[256] = "";

	memset(s, 0, sizeof(*s));
	if (!want_ok) {
		assert_int_equal(capture_open_read(&r, path, err, sizeof(err)), -1);
		char want[32];

		snprintf(want, sizeof(want), "abi %d to %d", SHRIKE_RECORD_ABI_MIN, SHRIKE_ABI_VERSION);
		assert_non_null(strstr(err, want));
		return;
	}
	assert_int_equal(capture_open_read(&r, path, err, sizeof(err)), 0);
	assert_int_equal(capture_replay(&r, &cs, err, sizeof(err)), 0);
	capture_close_read(&r);
}

static void set_abi(const char *path, uint32_t abi)
{
	FILE *f = fopen(path, "r+b");

	assert_non_null(f);
	assert_int_equal(fseek(f, offsetof(struct capture_header, abi_version), SEEK_SET), 0);
	assert_int_equal(fwrite(&abi, sizeof(abi), 1, f), 1);
	fclose(f);
}

/* -w writes the records as the module wrote them, so -e sees the same markers. */
static void test_capture_carries_markers(void **state)
{
	char path[] = "/tmp/shrike-test-ia32-XXXXXX";
	struct capture_writer w;
	struct rec en, ex;
	struct seen s;
	char err[256];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(capture_open_write(&w, path, 0, 1, 4096, err, sizeof(err)), 0);
	build_connect(&en, &ex, SHRIKE_EVT_COMPAT, SHRIKE_EVT_COMPAT, 61);
	capture_write_record(&w, (void *)ex.buf, 0);
	build_connect(&en, &ex, 0, 0, 62);
	capture_write_record(&w, (void *)ex.buf, 0);
	build_connect(&en, &ex, 0, SHRIKE_EVT_COMPAT | SHRIKE_EVT_TASK32, 63);
	capture_write_record(&w, (void *)ex.buf, 1);
	assert_int_equal(capture_close_write(&w), 0);

	replay_file(path, &s, 1);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.flags[0], SHRIKE_EVT_COMPAT);
	assert_int_equal(s.flags[1], 0);
	assert_int_equal(s.flags[2], SHRIKE_EVT_COMPAT | SHRIKE_EVT_TASK32);
	/* captures of ABI 1 (no markers yet) still replay; a newer ABI is refused */
	set_abi(path, 1);
	replay_file(path, &s, 1);
	assert_int_equal(s.n, 3);
	set_abi(path, SHRIKE_ABI_VERSION + 1);
	replay_file(path, &s, 0);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_decoded_type_kept),
		cmocka_unit_test(test_enter_of_other_abi_not_joined),
		cmocka_unit_test(test_unknown_type_bit_rejected),
		cmocka_unit_test(test_json_marks_only_compat),
		cmocka_unit_test(test_stale_enter_not_bad),
		cmocka_unit_test(test_capture_carries_markers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
