/* SPDX-License-Identifier: GPL-2.0-only */
/* output_http.c - alerts POSTed as JSON by a delivery thread, behind a bounded queue. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "output/output_http.h"

/*
 * The event loop only ever copies an alert into the queue (a short critical
 * section, no I/O); the thread does the network. A full queue drops the new
 * alert rather than wait: a slow or dead collector must never stall event
 * processing, which would overflow the kernel's rings and lose events for
 * every rule. Drops are counted and shown in the stats line.
 *
 * Timeouts are short because the collector is expected to be near (a
 * falcosidekick on the host or the LAN): a request that takes longer than
 * REQUEST_TIMEOUT_MS is a failed attempt. Retries back off from
 * BACKOFF_MIN_MS, doubling up to BACKOFF_MAX_MS.
 */
#define CONNECT_TIMEOUT_MS	2000L
#define REQUEST_TIMEOUT_MS	5000L
#define BACKOFF_MIN_MS		200ull
#define BACKOFF_MAX_MS		5000ull

struct http_sender {
	char *url;
	size_t queue_size;
	unsigned max_retries;
	int refs;			/* owned by the main thread */
	pthread_t thread;
	struct http_sender *next;	/* in the list of retired senders */

	pthread_mutex_t lock;		/* protects everything below */
	pthread_cond_t wake;		/* an alert queued, retired, or a deadline set */
	char **queue;			/* ring of queue_size copies */
	size_t head, count;
	int retired;			/* no more alerts come; exit when empty */
	uint64_t deadline_ns;		/* CLOCK_MONOTONIC; 0: none. Past it, give up */
	int done;			/* the thread has returned */
};

static _Atomic uint64_t n_sent, n_failed, n_dropped;
/* Main thread only: the sender in use, and the retired ones still delivering. */
static struct http_sender *current;
static struct http_sender *retired_list;
static int curl_ready;

/* Milliseconds left before the deadline (at least 1), or -1 when past it. */
static long ms_left(struct http_sender *s, long cap)
{
	uint64_t deadline, now;

	pthread_mutex_lock(&s->lock);
	deadline = s->deadline_ns;
	pthread_mutex_unlock(&s->lock);
	if (!deadline)
		return cap;
	now = mono_ns();
	if (now >= deadline)
		return -1;
	if ((deadline - now) / 1000000 < (uint64_t)cap)
		return (long)((deadline - now) / 1000000) + 1;
	return cap;
}

/* Sleep ms, or until the deadline if one comes sooner; -1 if the deadline is past. */
static int backoff(struct http_sender *s, uint64_t ms)
{
	uint64_t until = mono_ns() + ms * 1000000ull;
	int ret = 0;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		uint64_t end = s->deadline_ns && s->deadline_ns < until ? s->deadline_ns : until;
		struct timespec ts = { .tv_sec = (time_t)(end / 1000000000ull),
				       .tv_nsec = (long)(end % 1000000000ull) };

		if (mono_ns() >= end)
			break;
		/* woken early: a deadline was set, look again */
		pthread_cond_timedwait(&s->wake, &s->lock, &ts);
	}
	if (s->deadline_ns && mono_ns() >= s->deadline_ns)
		ret = -1;
	pthread_mutex_unlock(&s->lock);
	return ret;
}

static size_t discard_body(char *ptr, size_t size, size_t n, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * n;
}

/* One attempt: 0 on a 2xx answer, else -1 with the reason in why. */
static int post_once(CURL *c, const char *body, long timeout_ms, char *why, size_t whylen)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;

	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		snprintf(why, whylen, "HTTP status %ld", status);
		return -1;
	}
	return 0;
}

/* Deliver one alert with retries; counts the outcome. */
static void deliver(struct http_sender *s, CURL *c, const char *body, int *failing)
{
	char why[CURL_ERROR_SIZE + 32] = "";
	unsigned attempt;
	uint64_t wait = BACKOFF_MIN_MS;

	for (attempt = 0; attempt <= s->max_retries; attempt++) {
		long timeout = ms_left(s, REQUEST_TIMEOUT_MS);

		if (attempt && (backoff(s, wait) < 0 || (timeout = ms_left(s, REQUEST_TIMEOUT_MS)) < 0))
			break;
		if (timeout < 0)
			break;
		if (attempt)
			wait = wait * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : wait * 2;
		if (post_once(c, body, timeout, why, sizeof(why)) == 0) {
			atomic_fetch_add(&n_sent, 1);
			if (*failing)
				log_info("http output: delivering to '%s' again", s->url);
			*failing = 0;
			return;
		}
	}
	/* Past the shutdown deadline before the first attempt: never tried. */
	if (attempt == 0) {
		atomic_fetch_add(&n_dropped, 1);
		return;
	}
	atomic_fetch_add(&n_failed, 1);
	if (!*failing)
		log_warn("http output: cannot deliver to '%s': %s (alerts are counted as failed until it answers)",
			 s->url, why);
	*failing = 1;
}

static void *sender_main(void *arg)
{
	struct http_sender *s = arg;
	struct curl_slist *hdrs = NULL;
	CURL *c = curl_easy_init();
	int failing = 0;

	if (c) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		/* no "Expect: 100-continue" round trip for bodies over 1 KiB */
		hdrs = curl_slist_append(hdrs, "Expect:");
		curl_easy_setopt(c, CURLOPT_URL, s->url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "shrike/" SHRIKE_VERSION);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	} else {
		log_error("http output: cannot create a curl handle; alerts will be dropped");
	}
	for (;;) {
		char *body;

		pthread_mutex_lock(&s->lock);
		while (!s->count && !s->retired)
			pthread_cond_wait(&s->wake, &s->lock);
		if (!s->count) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		body = s->queue[s->head];
		s->queue[s->head] = NULL;
		s->head = (s->head + 1) % s->queue_size;
		s->count--;
		pthread_mutex_unlock(&s->lock);
		if (c)
			deliver(s, c, body, &failing);
		else
			atomic_fetch_add(&n_dropped, 1);
		free(body);
	}
	curl_slist_free_all(hdrs);
	if (c)
		curl_easy_cleanup(c);
	pthread_mutex_lock(&s->lock);
	s->done = 1;
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static void sender_free(struct http_sender *s)
{
	size_t i;

	for (i = 0; i < s->queue_size; i++)
		free(s->queue[i]);
	free(s->queue);
	free(s->url);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Join and free the retired senders whose queue has run dry. */
static void reap(void)
{
	struct http_sender **pp = &retired_list;

	while (*pp) {
		struct http_sender *s = *pp;
		int done;

		pthread_mutex_lock(&s->lock);
		done = s->done;
		pthread_mutex_unlock(&s->lock);
		if (!done) {
			pp = &s->next;
			continue;
		}
		*pp = s->next;
		pthread_join(s->thread, NULL);
		sender_free(s);
	}
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

struct http_sender *http_sender_get(const char *url, size_t queue_size, unsigned max_retries)
{
	struct http_sender *s;
	pthread_condattr_t ca;
	sigset_t all, old;
	int err;

	reap();
	if (current && !strcmp(current->url, url) && current->queue_size == queue_size &&
	    current->max_retries == max_retries) {
		current->refs++;
		return current;
	}
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			log_error("http output: cannot initialise libcurl");
			return NULL;
		}
		curl_ready = 1;
	}
	if (check_url(url) < 0) {
		log_error("http_output.url: '%s' is not an http:// or https:// URL", url);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s || !(s->url = strdup(url)) || !(s->queue = calloc(queue_size, sizeof(char *)))) {
		log_error("out of memory");
		if (s)
			free(s->url);
		free(s);
		return NULL;
	}
	s->queue_size = queue_size;
	s->max_retries = max_retries;
	s->refs = 1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	/* signals belong to the event loop: the thread starts with all blocked */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&s->thread, NULL, sender_main, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		log_error("http output: cannot start the delivery thread: %s", strerror(err));
		sender_free(s);
		return NULL;
	}
	current = s;
	return s;
}

static void retire(struct http_sender *s)
{
	if (current == s)
		current = NULL;
	pthread_mutex_lock(&s->lock);
	s->retired = 1;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	s->next = retired_list;
	retired_list = s;
}

void http_sender_put(struct http_sender *s)
{
	if (!s || --s->refs > 0)
		return;
	retire(s);
	reap();
}

int http_sender_post(struct http_sender *s, const char *json)
{
	char *copy = strdup(json);
	int ret = -1;

	pthread_mutex_lock(&s->lock);
	if (copy && s->count < s->queue_size && !s->retired) {
		s->queue[(s->head + s->count) % s->queue_size] = copy;
		s->count++;
		copy = NULL;
		ret = 0;
		pthread_cond_signal(&s->wake);
	}
	pthread_mutex_unlock(&s->lock);
	if (ret < 0) {
		free(copy);
		atomic_fetch_add(&n_dropped, 1);
	}
	return ret;
}

void http_senders_shutdown(double seconds)
{
	uint64_t deadline = mono_ns() + (uint64_t)(seconds * 1e9) + 1;
	struct http_sender *s;

	if (current) {
		current->refs = 0;
		retire(current);
	}
	for (s = retired_list; s; s = s->next) {
		pthread_mutex_lock(&s->lock);
		s->deadline_ns = deadline;
		pthread_cond_broadcast(&s->wake);
		pthread_mutex_unlock(&s->lock);
	}
	while (retired_list) {
		s = retired_list;
		retired_list = s->next;
		pthread_join(s->thread, NULL);
		sender_free(s);
	}
	if (curl_ready) {
		curl_global_cleanup();
		curl_ready = 0;
	}
}

void http_stats_get(struct http_stats *st)
{
	st->sent = atomic_load(&n_sent);
	st->failed = atomic_load(&n_failed);
	st->dropped = atomic_load(&n_dropped);
}
