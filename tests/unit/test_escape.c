/* SPDX-License-Identifier: GPL-2.0-only */
/* test_escape.c - text lines without control characters or invalid UTF-8, JSON strings as valid UTF-8. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/escape.h"

typedef size_t (*escape_fn)(char *dst, const char *src, size_t n);

/*
 * fn (esc_text or esc_utf8) on n bytes, into a buffer of exactly the size
 * its header promises is enough (ASan sees an overrun); checks the length.
 */
static char *run(escape_fn fn, size_t size, const char *s, size_t n)
{
	char *d = malloc(size);
	size_t len;

	assert_non_null(d);
	len = fn(d, s, n);
	assert_int_equal(len, strlen(d));
	assert_true(len < size);
	return d;
}

static char *text(const char *s, size_t n)
{
	return run(esc_text, ESC_TEXT_SIZE(n), s, n);
}

static char *utf8(const char *s, size_t n)
{
	return run(esc_utf8, ESC_UTF8_SIZE(n), s, n);
}

/* fn of a string literal (NULs inside count) is want */
#define ESCAPES_TO(fn, in, want)					\
	do {								\
		char *got_ = fn((in), sizeof(in) - 1);			\
		assert_string_equal(got_, (want));			\
		free(got_);						\
	} while (0)
#define TEXT_IS(in, want) ESCAPES_TO(text, in, want)
#define UTF8_IS(in, want) ESCAPES_TO(utf8, in, want)

/* Every ASCII byte: printable ones stay, the controls get names or \xNN, backslash doubles. */
static void test_every_ascii_byte(void **state)
{
	int c;

	(void)state;
	for (c = 0; c < 0x80; c++) {
		char in = (char)c, want[8], *got = text(&in, 1);

		if (c == '\\')
			strcpy(want, "\\\\");
		else if (c == '\n')
			strcpy(want, "\\n");
		else if (c == '\r')
			strcpy(want, "\\r");
		else if (c == '\t')
			strcpy(want, "\\t");
		else if (c < 0x20 || c == 0x7f)
			snprintf(want, sizeof(want), "\\x%02x", c);
		else
			snprintf(want, sizeof(want), "%c", c);
		if (strcmp(got, want))
			fail_msg("byte 0x%02x: got '%s', want '%s'", c, got, want);
		free(got);
	}
}

/* What an attacker puts in a command line to rewrite a terminal or forge a log line. */
static void test_terminal_and_log_injection(void **state)
{
	(void)state;
	TEXT_IS("sh -c id\x1b[2J\x1b[H", "sh -c id\\x1b[2J\\x1b[H");
	TEXT_IS("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	TEXT_IS("\x1b]0;owned\x07", "\\x1b]0;owned\\x07");			/* OSC: window title */
	TEXT_IS("\x1b]8;;http://x\x1b\\link", "\\x1b]8;;http://x\\x1b\\\\link");	/* hyperlink, ST */
	TEXT_IS("\x1bP+q\x1b\\", "\\x1bP+q\\x1b\\\\");				/* DCS */
	TEXT_IS("a\nshrike: 12:00:00.000000000: Critical fake", "a\\nshrike: 12:00:00.000000000: Critical fake");
	TEXT_IS("a\r\nb", "a\\r\\nb");
	TEXT_IS("over\rwrite", "over\\rwrite");
	TEXT_IS("bs\b\b\bx", "bs\\x08\\x08\\x08x");
	TEXT_IS("del\x7f", "del\\x7f");
	TEXT_IS("a\0b", "a\\x00b");						/* NUL: not the end */
	TEXT_IS("<13>Jan  1 00:00:00 host fake[1]: x\n", "<13>Jan  1 00:00:00 host fake[1]: x\\n");
}

/* The C1 controls are well-formed UTF-8, and U+009B is CSI to some terminals. */
static void test_c1_controls(void **state)
{
	unsigned cp;

	(void)state;
	for (cp = 0x80; cp <= 0x9f; cp++) {
		char in[2] = { (char)(0xc0 | cp >> 6), (char)(0x80 | (cp & 0x3f)) }, want[16];
		char *got = text(in, 2);

		snprintf(want, sizeof(want), "\\x%02x\\x%02x", 0xc0 | cp >> 6, 0x80 | (cp & 0x3f));
		if (strcmp(got, want))
			fail_msg("U+%04X: got '%s', want '%s'", cp, got, want);
		free(got);
	}
	TEXT_IS("\xc2\x9b" "31m", "\\xc2\\x9b31m");
	TEXT_IS("\xc2\xa0", "\xc2\xa0");	/* U+00A0, the first after them, stays */
}

/* Characters that break a line or reorder it in a viewer, by code point. */
static void test_line_and_bidi_characters(void **state)
{
	(void)state;
	TEXT_IS("\xe2\x80\xa8", "\\xe2\\x80\\xa8");	/* U+2028 LINE SEPARATOR */
	TEXT_IS("\xe2\x80\xa9", "\\xe2\\x80\\xa9");	/* U+2029 PARAGRAPH SEPARATOR */
	TEXT_IS("\xe2\x80\xae" "txt.exe", "\\xe2\\x80\\xaetxt.exe");	/* U+202E RLO */
	TEXT_IS("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad",
		"\\xe2\\x80\\xaa\\xe2\\x80\\xab\\xe2\\x80\\xac\\xe2\\x80\\xad");
	TEXT_IS("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9",
		"\\xe2\\x81\\xa6\\xe2\\x81\\xa7\\xe2\\x81\\xa8\\xe2\\x81\\xa9");	/* U+2066..U+2069 */
	TEXT_IS("\xe2\x80\x8e\xe2\x80\x8f", "\\xe2\\x80\\x8e\\xe2\\x80\\x8f");	/* LRM, RLM */
	TEXT_IS("\xd8\x9c", "\\xd8\\x9c");				/* U+061C ARABIC LETTER MARK */
	/* their neighbours are ordinary */
	TEXT_IS("\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa", "\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa");
	TEXT_IS("\xe2\x80\x8d\xe2\x80\x90", "\xe2\x80\x8d\xe2\x80\x90");
}

/* Well-formed UTF-8 of every length passes as it is. */
static void test_valid_multibyte_kept(void **state)
{
	(void)state;
	TEXT_IS("caf\xc3\xa9", "caf\xc3\xa9");				/* é */
	TEXT_IS("\xd0\xbf\xd1\x80\xd0\xbe\xd0\xb1\xd0\xb0", "\xd0\xbf\xd1\x80\xd0\xbe\xd0\xb1\xd0\xb0");
	TEXT_IS("\xe2\x82\xac 5", "\xe2\x82\xac 5");			/* € */
	TEXT_IS("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac");	/* CJK */
	TEXT_IS("\xef\xbf\xbd", "\xef\xbf\xbd");			/* U+FFFD itself */
	TEXT_IS("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");		/* U+1F600 */
	TEXT_IS("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");		/* U+10FFFF, the last */
	TEXT_IS("\xe0\xa0\x80", "\xe0\xa0\x80");			/* U+0800, the first of three bytes */
	TEXT_IS("\xf0\x90\x80\x80", "\xf0\x90\x80\x80");		/* U+10000, the first of four */
	TEXT_IS("\xed\x9f\xbf\xee\x80\x80", "\xed\x9f\xbf\xee\x80\x80");	/* around the surrogates */
}

/* Invalid UTF-8: each byte that is not part of a well-formed sequence becomes \xNN. */
static void test_invalid_utf8(void **state)
{
	(void)state;
	/* lone continuation bytes */
	TEXT_IS("\x80", "\\x80");
	TEXT_IS("a\xbf" "b", "a\\xbfb");
	TEXT_IS("\x80\x80\x80", "\\x80\\x80\\x80");
	/* overlong forms: '/' in two, three and four bytes; NUL as C0 80 */
	TEXT_IS("\xc0\xaf", "\\xc0\\xaf");
	TEXT_IS("\xc1\xbf", "\\xc1\\xbf");
	TEXT_IS("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
	TEXT_IS("\xe0\x9f\xbf", "\\xe0\\x9f\\xbf");
	TEXT_IS("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf");
	TEXT_IS("\xf0\x8f\xbf\xbf", "\\xf0\\x8f\\xbf\\xbf");
	TEXT_IS("\xc0\x80", "\\xc0\\x80");
	/* UTF-16 surrogates, alone and paired (CESU-8) */
	TEXT_IS("\xed\xa0\x80", "\\xed\\xa0\\x80");
	TEXT_IS("\xed\xbf\xbf", "\\xed\\xbf\\xbf");
	TEXT_IS("\xed\xa0\xbd\xed\xb8\x80", "\\xed\\xa0\\xbd\\xed\\xb8\\x80");
	/* past U+10FFFF, and bytes that never occur */
	TEXT_IS("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	TEXT_IS("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");
	TEXT_IS("\xf8\x88\x80\x80\x80", "\\xf8\\x88\\x80\\x80\\x80");
	TEXT_IS("\xfe\xff", "\\xfe\\xff");
	/* truncated: at the end, and before an ASCII byte or another lead */
	TEXT_IS("\xe2\x82", "\\xe2\\x82");
	TEXT_IS("\xe2\x82" "A", "\\xe2\\x82A");
	TEXT_IS("\xf0\x9f\x98", "\\xf0\\x9f\\x98");
	TEXT_IS("\xf0\x9f\x98\xc3\xa9", "\\xf0\\x9f\\x98\xc3\xa9");
	TEXT_IS("\xc3", "\\xc3");
	TEXT_IS("\xc3\xc3\xa9", "\\xc3\xc3\xa9");
	/* Latin-1 text: each high byte escaped, the ASCII between kept */
	TEXT_IS("caf\xe9 cr\xe8me", "caf\\xe9 cr\\xe8me");
}

/* A backslash is always doubled, so that "\x41" in a value cannot pass for an escape. */
static void test_backslash(void **state)
{
	(void)state;
	TEXT_IS("\\", "\\\\");
	TEXT_IS("a\\x41\\n", "a\\\\x41\\\\n");
	TEXT_IS("C:\\dir\\\\x", "C:\\\\dir\\\\\\\\x");
}

/* Undo esc_text; -1 if s is not something it could have written. */
static long unescape(const char *s, char *out)
{
	long n = 0;

	while (*s) {
		unsigned v;

		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		switch (s[1]) {
		case '\\': out[n++] = '\\'; s += 2; break;
		case 'n': out[n++] = '\n'; s += 2; break;
		case 'r': out[n++] = '\r'; s += 2; break;
		case 't': out[n++] = '\t'; s += 2; break;
		case 'x':
			if (sscanf(s + 2, "%2x", &v) != 1 || !s[2] || !s[3])
				return -1;
			out[n++] = (char)v;
			s += 4;
			break;
		default:
			return -1;
		}
	}
	return n;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 32);
}

/*
 * Random bytes (biased towards the interesting ones): the line holds no
 * control byte and no hazardous character, is valid UTF-8, and unescapes
 * to the input exactly.
 */
static void test_random_round_trip(void **state)
{
	static const unsigned char pick[] = { 0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x5c, 0x7f, 0x80, 0x9b, 0xbf, 0xc0,
					      0xc2, 0xc3, 0xd8, 0xe0, 0xe2, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff };
	char in[64], back[64 * 4 + 1];
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		size_t n = rnd() % sizeof(in), i;
		char *out;
		long m;

		for (i = 0; i < n; i++)
			in[i] = (char)(rnd() % 2 ? pick[rnd() % sizeof(pick)] : rnd() % 256);
		out = text(in, n);
		for (i = 0; out[i]; i++)
			if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
				fail_msg("round %d: control byte 0x%02x in the output", round, (unsigned char)out[i]);
		assert_true(esc_utf8_valid(out, strlen(out)));
		for (i = 0; out[i]; i += esc_utf8_len((const unsigned char *)out + i, strlen(out + i)))
			if ((unsigned char)out[i] == 0xc2 && (unsigned char)out[i + 1] < 0xa0)
				fail_msg("round %d: a C1 control in the output", round);
		m = unescape(out, back);
		assert_int_equal(m, (long)n);
		assert_memory_equal(back, in, n);
		free(out);
	}
}

static void test_dup(void **state)
{
	char *d = esc_text_dup("x\ny", 3);

	(void)state;
	assert_non_null(d);
	assert_string_equal(d, "x\\ny");
	free(d);
	d = esc_text_dup("", 0);
	assert_non_null(d);
	assert_string_equal(d, "");
	free(d);
}

static void test_utf8_len(void **state)
{
	static const struct {
		const char *s;
		size_t n, want;
	} cases[] = {
		{ "A", 1, 1 }, { "\0", 1, 1 }, { "\xc3\xa9", 2, 2 }, { "\xe2\x82\xac", 3, 3 },
		{ "\xf0\x9f\x98\x80", 4, 4 }, { "\xc3\xa9", 1, 0 }, { "\xf0\x9f\x98\x80", 3, 0 },
		{ "\x80", 1, 0 }, { "\xc0\xaf", 2, 0 }, { "\xe0\x80\xaf", 3, 0 }, { "\xed\xa0\x80", 3, 0 },
		{ "\xf4\x90\x80\x80", 4, 0 }, { "\xff", 1, 0 }, { "\xe2\x28\xa1", 3, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (esc_utf8_len((const unsigned char *)cases[i].s, cases[i].n) != cases[i].want)
			fail_msg("case %zu: got %zu, want %zu", i,
				 esc_utf8_len((const unsigned char *)cases[i].s, cases[i].n), cases[i].want);
}

/* For JSON: valid input unchanged (so alerts stay byte for byte), the rest U+FFFD per byte. */
static void test_json_utf8(void **state)
{
	(void)state;
	UTF8_IS("plain ascii \\ \" \x1b", "plain ascii \\ \" \x1b");	/* cJSON escapes these */
	UTF8_IS("caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xae", "caf\xc3\xa9 \xf0\x9f\x98\x80 \xe2\x80\xae");
	UTF8_IS("caf\xe9", "caf\xef\xbf\xbd");
	UTF8_IS("\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd");
	UTF8_IS("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");
	UTF8_IS("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	UTF8_IS("\xe2\x82" "A", "\xef\xbf\xbd\xef\xbf\xbd" "A");
	UTF8_IS("a\0b", "a\xef\xbf\xbd" "b");
	assert_true(esc_utf8_valid("caf\xc3\xa9", 5));
	assert_true(esc_utf8_valid("", 0));
	assert_false(esc_utf8_valid("caf\xe9", 4));
	assert_false(esc_utf8_valid("a\0b", 3));
	assert_false(esc_utf8_valid("\xf0\x9f\x98", 3));
}

/* Random bytes made valid stay valid, and valid input comes back unchanged. */
static void test_json_random(void **state)
{
	char in[48];
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		size_t n = rnd() % sizeof(in), i;
		char *out, *again;

		for (i = 0; i < n; i++)
			in[i] = (char)(rnd() % 256);
		out = utf8(in, n);
		assert_true(esc_utf8_valid(out, strlen(out)));
		if (esc_utf8_valid(in, n))
			assert_memory_equal(out, in, n);
		again = utf8(out, strlen(out));
		assert_string_equal(again, out);
		free(again);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_ascii_byte),
		cmocka_unit_test(test_terminal_and_log_injection),
		cmocka_unit_test(test_c1_controls),
		cmocka_unit_test(test_line_and_bidi_characters),
		cmocka_unit_test(test_valid_multibyte_kept),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_backslash),
		cmocka_unit_test(test_random_round_trip),
		cmocka_unit_test(test_dup),
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_json_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
