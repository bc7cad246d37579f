/* SPDX-License-Identifier: GPL-2.0-only */
/* http_config.c - the HTTP output's settings: copied, compared, freed and checked as one. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <curl/curl.h>
#include "lib/log.h"
#include "output/http_config.h"

/* The string settings, for copying and comparing them as one. */
static const size_t cfg_strings[] = {
	offsetof(struct http_config, url), offsetof(struct http_config, user_agent),
	offsetof(struct http_config, ca_cert), offsetof(struct http_config, ca_bundle),
	offsetof(struct http_config, ca_path), offsetof(struct http_config, client_cert),
	offsetof(struct http_config, client_key), offsetof(struct http_config, spool_dir),
};
#define N_CFG_STRINGS (sizeof(cfg_strings) / sizeof(cfg_strings[0]))

static const char **cfg_str(const struct http_config *c, size_t i)
{
	return (const char **)((char *)c + cfg_strings[i]);
}

int http_config_same(const struct http_config *a, const struct http_config *b)
{
	size_t i;

	for (i = 0; i < N_CFG_STRINGS; i++)
		if (strcmp(*cfg_str(a, i), *cfg_str(b, i)))
			return 0;
	return a->insecure == b->insecure && a->mtls == b->mtls && a->queue_size == b->queue_size &&
	       a->max_retries == b->max_retries && a->spool_max_bytes == b->spool_max_bytes;
}

void http_config_free(struct http_config *c)
{
	size_t i;

	for (i = 0; i < N_CFG_STRINGS; i++)
		free((char *)*cfg_str(c, i));
}

int http_config_copy(struct http_config *dst, const struct http_config *src)
{
	size_t i;
	int bad = 0;

	*dst = *src;
	for (i = 0; i < N_CFG_STRINGS; i++) {
		const char *v = *cfg_str(src, i);

		*cfg_str(dst, i) = strdup(v ? v : "");
		bad |= !*cfg_str(dst, i);
	}
	if (bad)
		http_config_free(dst);
	return bad ? -1 : 0;
}

static int check_url(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL;
	int ok;

	ok = u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	     curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	     (!strcmp(scheme, "http") || !strcmp(scheme, "https"));
	curl_free(scheme);
	curl_url_cleanup(u);
	return ok ? 0 : -1;
}

/* A file or directory a setting names must be readable now, not at the first alert. */
static int check_readable(const char *key, const char *path)
{
	if (!*path || access(path, R_OK) == 0)
		return 0;
	log_error("http_output.%s: cannot read '%s': %s", key, path, strerror(errno));
	return -1;
}

int http_config_check(const struct http_config *cfg)
{
	if (check_url(cfg->url) < 0) {
		log_error("http_output.url: '%s' is not an http:// or https:// URL", cfg->url);
		return -1;
	}
	if (cfg->mtls && (!*cfg->client_cert || !*cfg->client_key)) {
		log_error("http_output.mtls: client_cert and client_key must name the client's certificate and key");
		return -1;
	}
	if (check_readable("ca_cert", cfg->ca_cert) || check_readable("ca_bundle", cfg->ca_bundle) ||
	    check_readable("ca_path", cfg->ca_path))
		return -1;
	if (cfg->mtls && (check_readable("client_cert", cfg->client_cert) ||
			  check_readable("client_key", cfg->client_key)))
		return -1;
	return 0;
}
