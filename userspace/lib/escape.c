/* SPDX-License-Identifier: GPL-2.0-only */
/* escape.c - untrusted bytes made safe: one line of text for people and logs, valid UTF-8 for JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/escape.h"

/* The sequence at p as in esc_utf8_len, with its code point in *cp. */
static size_t decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
	} else {
		return 0;	/* a continuation byte, an overlong lead (C0, C1) or past U+10FFFF */
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return len;
}

size_t esc_utf8_len(const unsigned char *p, size_t n)
{
	uint32_t cp;

	return decode(p, n, &cp);
}

/*
 * Well-formed, but not to be shown raw: controls a terminal acts on, and
 * characters with which a viewer breaks a line or reorders its text, so
 * that a value could pass for another line or hide what follows it.
 */
static int hazardous(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
	       cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t esc_text(char *dst, const char *src, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0, len, end;
	uint32_t cp = 0;

	while (i < n) {
		len = decode(s + i, n - i, &cp);
		if (len && !hazardous(cp) && cp != '\\') {
			memcpy(dst + o, s + i, len);
			o += len;
			i += len;
			continue;
		}
		if (len == 1 && (cp == '\\' || cp == '\n' || cp == '\r' || cp == '\t')) {
			dst[o++] = '\\';
			dst[o++] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : cp == '\t' ? 't' : '\\';
			i++;
			continue;
		}
		/* every byte of a hazardous character, or the one invalid byte */
		for (end = i + (len ? len : 1); i < end; i++) {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[s[i] >> 4];
			dst[o++] = hex[s[i] & 0xf];
		}
	}
	dst[o] = '\0';
	return o;
}

char *esc_text_dup(const char *src, size_t n)
{
	char *d = n < ((size_t)-1 - 1) / 4 ? malloc(ESC_TEXT_SIZE(n)) : NULL;

	if (d)
		esc_text(d, src, n);
	return d;
}

int esc_utf8_valid(const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, len;
	uint32_t cp;

	while (i < n) {
		len = decode(s + i, n - i, &cp);
		if (!len || !cp)
			return 0;
		i += len;
	}
	return 1;
}

size_t esc_utf8(char *dst, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0, len;
	uint32_t cp = 0;

	while (i < n) {
		len = decode(s + i, n - i, &cp);
		if (len && cp) {
			memcpy(dst + o, s + i, len);
			o += len;
			i += len;
			continue;
		}
		memcpy(dst + o, "\xef\xbf\xbd", 3);
		o += 3;
		i++;
	}
	dst[o] = '\0';
	return o;
}
