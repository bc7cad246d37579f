/* SPDX-License-Identifier: GPL-2.0-only */
/* escape.h - untrusted bytes made safe: one line of text for people and logs, valid UTF-8 for JSON. */
#ifndef SHRIKE_ESCAPE_H
#define SHRIKE_ESCAPE_H

#include <stddef.h>

/*
 * Length of the well-formed UTF-8 sequence at p (1 to 4 bytes, none past
 * p + n; n >= 1), or 0 when none starts there: a stray continuation byte,
 * a lead byte without its continuations, an overlong form, a surrogate or
 * a code point past U+10FFFF (RFC 3629).
 */
size_t esc_utf8_len(const unsigned char *p, size_t n);

/* Bytes esc_text may write for n bytes of input, the NUL included. */
#define ESC_TEXT_SIZE(n) (4 * (size_t)(n) + 1)

/*
 * src[0..n) as one line of text for a terminal, a file or syslog, into dst
 * (ESC_TEXT_SIZE(n) bytes), NUL-terminated; returns its length.
 * Well-formed UTF-8 stays as it is, except:
 *   backslash                          \\
 *   newline, carriage return, tab      \n \r \t
 *   each byte of any other control character (C0, DEL, the C1 controls
 *   U+0080..U+009F), of a character that breaks or reorders lines in a
 *   viewer (U+2028, U+2029, the bidirectional controls U+061C, U+200E,
 *   U+200F, U+202A..U+202E, U+2066..U+2069), and each byte that is not
 *   part of well-formed UTF-8 (NUL too)         \xNN (lowercase hex)
 * So the line holds no control character, is valid UTF-8, and unescaping
 * it gives back src exactly.
 */
size_t esc_text(char *dst, const char *src, size_t n);
/* The same into a malloc'd string; NULL when out of memory. */
char *esc_text_dup(const char *src, size_t n);

/* Bytes esc_utf8 may write for n bytes of input, the NUL included. */
#define ESC_UTF8_SIZE(n) (3 * (size_t)(n) + 1)

/* 1 if src[0..n) is well-formed UTF-8 without NUL, else 0. */
int esc_utf8_valid(const char *src, size_t n);
/*
 * src[0..n) as well-formed UTF-8 for a JSON string, into dst
 * (ESC_UTF8_SIZE(n) bytes), NUL-terminated; returns its length. Each byte
 * that is not part of a well-formed sequence, and each NUL (JSON strings
 * are C strings here), becomes U+FFFD; the rest is copied.
 */
size_t esc_utf8(char *dst, const char *src, size_t n);

#endif /* SHRIKE_ESCAPE_H */
