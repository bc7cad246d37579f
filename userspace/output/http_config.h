/* SPDX-License-Identifier: GPL-2.0-only */
/* http_config.h - the HTTP output's settings: copied, compared, freed and checked as one (output_http.c's). */
#ifndef SHRIKE_HTTP_CONFIG_H
#define SHRIKE_HTTP_CONFIG_H

#include "output/output_http.h"

/* Do @a and @b ask for the same sender (every setting equal)? */
int http_config_same(const struct http_config *a, const struct http_config *b);
/* A copy of @src whose strings are its own ("" for NULL); -1 when out of memory. */
int http_config_copy(struct http_config *dst, const struct http_config *src);
/* The strings of a copy made by http_config_copy(). */
void http_config_free(struct http_config *c);
/*
 * The URL is http:// or https://, mtls names a certificate and key, and
 * every file or directory a setting names is readable now, not at the first
 * alert. 0, or -1 after logging which setting is wrong.
 */
int http_config_check(const struct http_config *cfg);

#endif /* SHRIKE_HTTP_CONFIG_H */
