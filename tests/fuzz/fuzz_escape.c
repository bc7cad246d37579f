/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz_escape.c: libFuzzer target for the text and JSON escaping of untrusted bytes */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Undo esc_text into out; asserts that every escape is one it writes. */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		switch (s[1]) {
		case '\\': out[n++] = '\\'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'x':
			assert(hexval(s[2]) >= 0 && hexval(s[3]) >= 0);
			out[n++] = (char)(hexval(s[2]) << 4 | hexval(s[3]));
			s += 2;
			break;
		default:
			assert(!"an escape esc_text does not write");
		}
		s += 2;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	char *text = malloc(ESC_TEXT_SIZE(size)), *json = malloc(ESC_UTF8_SIZE(size));
	char *back = malloc(size + 1);
	size_t n, i;

	assert(text && json && back);
	/* text: no control byte, valid UTF-8, no C1, and it gives the input back */
	n = esc_text(text, in, size);
	assert(n == strlen(text) && n < ESC_TEXT_SIZE(size));
	for (i = 0; i < n; i++)
		assert((unsigned char)text[i] >= 0x20 && text[i] != 0x7f);
	assert(esc_utf8_valid(text, n));
	for (i = 0; i + 1 < n; i++)
		assert(!((unsigned char)text[i] == 0xc2 && (unsigned char)text[i + 1] < 0xa0));
	assert(unescape(text, back) == size && !memcmp(back, in, size));
	/* JSON: valid UTF-8 without NUL, the input itself when it already was */
	n = esc_utf8(json, in, size);
	assert(n == strlen(json) && esc_utf8_valid(json, n));
	if (esc_utf8_valid(in, size))
		assert(n == size && !memcmp(json, in, size));
	free(back);
	free(json);
	free(text);
	return 0;
}
