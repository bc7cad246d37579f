/* SPDX-License-Identifier: GPL-2.0-only */
/* output_http.c - alerts POSTed as JSON by a delivery thread, behind a bounded queue and an optional spool. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "output/http_config.h"
#include "output/http_spool.h"
#include "output/output_http.h"
#include "output/sender.h"

/*
 * The event loop only ever copies an alert into the queue (a short critical
 * section, no I/O); the thread does the network and the disk. A full queue
 * drops the new alert rather than wait: a slow or dead collector must never
 * stall event processing, which would overflow the kernel's rings and lose
 * events for every rule. Drops are counted and shown in the stats line.
 *
 * Timeouts are short because the collector is expected to be near (a
 * falcosidekick on the host or the LAN): a request that takes longer than
 * REQUEST_TIMEOUT_MS is a failed attempt. An alert gets 1 + max_retries
 * attempts, BACKOFF_MIN_MS apart and doubling up to BACKOFF_MAX_MS, which
 * rides out a blip. Then the answer decides:
 *
 *  - no answer (cannot connect, TLS, timeout), or one that means "not now"
 *    (408, 429, 502, 503, 504): the collector is away. The alert keeps its
 *    place at the head of the line and the sender backs off: no attempt for
 *    DOWN_MIN_MS, then a single attempt (a probe) whenever the wait is
 *    over, the wait doubling up to DOWN_MAX_MS; a success resets it. So
 *    an outage costs one retry cycle, not one per alert. Meanwhile alerts
 *    go to the spool if there is one (the memory queue never fills), else
 *    they wait in the queue, and those that do not fit are dropped.
 *  - any other error status: the collector is there but refuses this
 *    alert. It is counted as failed and the next one goes.
 *
 * Order: the spool only ever holds alerts older than those in the queue.
 * The thread delivers from the spool first and, while the spool is not
 * empty, moves the queue's alerts behind them instead of sending them. So
 * alerts reach the collector in the order they were raised, across outages
 * and restarts. Delivery is at least once: an attempt cut short (a timeout,
 * the exit) may have arrived, and is made again.
 */
#define CONNECT_TIMEOUT_MS	2000L
#define REQUEST_TIMEOUT_MS	5000L
#define BACKOFF_MIN_MS		200ull
#define BACKOFF_MAX_MS		5000ull
#define DOWN_MIN_MS		1000ull
#define DOWN_MAX_MS		30000ull
/* a sender waiting for its spool's lock tries this often, and says so after LOCK_WARN_MS */
#define LOCK_RETRY_MS		100ull
#define LOCK_WARN_MS		10000ull
#define MS			1000000ull

struct http_sender {
	struct sender base;		/* queue, thread, lock (output/sender.h) */
	struct http_config cfg;		/* its strings are the sender's own copies */
	struct spool *spool;		/* NULL: none; the thread's alone once it runs */
};

/* The delivery thread's own state. */
struct link {
	CURL *c;
	struct curl_slist *hdrs;
	int down;			/* the collector is away: backing off */
	uint64_t wait_ms;		/* the current back-off */
	uint64_t retry_ns;		/* CLOCK_MONOTONIC of the next probe */
	int refusing;			/* warned that the collector refuses alerts */
	int spool_trouble;		/* warned that the spool takes no more */
	char *held;			/* no spool: the alert that found the collector away */
};

enum outcome { SENT, REFUSED, AWAY, CUT };	/* CUT: the deadline came first */
enum source { NONE, STOP, HELD, SPOOL, QUEUE };

static _Atomic uint64_t n_sent, n_failed, n_dropped, n_spooled, n_in_spool;
/* alerts in the memory queues; since when a collector has been away (0: none is) */
static _Atomic uint64_t n_queued, down_since_ns;
static _Atomic int spool_used;
static void sender_free(struct sender *base);
/* Main thread only: the sender in use, and the retired ones still delivering. */
static struct sender_pool pool = { .free = sender_free, .what = "http output" };
static int curl_ready;

/* Milliseconds left before the deadline (at least 1), or -1 when past it. */
static long ms_left(struct http_sender *s, long cap)
{
	uint64_t deadline, now;

	pthread_mutex_lock(&s->base.lock);
	deadline = s->base.deadline_ns;
	pthread_mutex_unlock(&s->base.lock);
	if (!deadline)
		return cap;
	now = mono_ns();
	if (now >= deadline)
		return -1;
	if ((deadline - now) / MS < (uint64_t)cap)
		return (long)((deadline - now) / MS) + 1;
	return cap;
}

static struct timespec mono_ts(uint64_t ns)
{
	return (struct timespec){ .tv_sec = (time_t)(ns / 1000000000ull), .tv_nsec = (long)(ns % 1000000000ull) };
}

/* Sleep ms, or until the deadline if one comes sooner; -1 if the deadline is past. */
static int pause_ms(struct http_sender *s, uint64_t ms)
{
	uint64_t until = mono_ns() + ms * MS;
	int ret = 0;

	pthread_mutex_lock(&s->base.lock);
	for (;;) {
		uint64_t end = s->base.deadline_ns && s->base.deadline_ns < until ? s->base.deadline_ns : until;
		struct timespec ts = mono_ts(end);

		if (mono_ns() >= end)
			break;
		/* woken early: a deadline was set, look again */
		pthread_cond_timedwait(&s->base.wake, &s->base.lock, &ts);
	}
	if (s->base.deadline_ns && mono_ns() >= s->base.deadline_ns)
		ret = -1;
	pthread_mutex_unlock(&s->base.lock);
	return ret;
}

/*
 * Sleep until `until` (CLOCK_MONOTONIC) or the deadline, whichever comes
 * first, or until woken (retired, a deadline set, an alert queued); with
 * queued_too, not at all while alerts are queued.
 */
static void wait_until(struct http_sender *s, uint64_t until, int queued_too)
{
	struct timespec ts;

	pthread_mutex_lock(&s->base.lock);
	if (s->base.deadline_ns && s->base.deadline_ns < until)
		until = s->base.deadline_ns;
	ts = mono_ts(until);
	if (mono_ns() < until && !(queued_too && s->base.queue.count))
		pthread_cond_timedwait(&s->base.wake, &s->base.lock, &ts);
	pthread_mutex_unlock(&s->base.lock);
}

static int past_deadline(struct http_sender *s)
{
	return ms_left(s, 1) < 0;
}

static size_t discard_body(char *ptr, size_t size, size_t n, void *arg)
{
	(void)ptr;
	(void)arg;
	return size * n;
}

/* One attempt; the reason of anything but SENT in why. */
static enum outcome post_once(CURL *c, const char *body, long timeout_ms, char *why, size_t whylen)
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
		return AWAY;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status <= 299)
		return SENT;
	snprintf(why, whylen, "HTTP status %ld", status);
	return status == 408 || status == 429 || status == 502 || status == 503 || status == 504 ? AWAY : REFUSED;
}

/* Up to `attempts` attempts at one alert, BACKOFF_MIN_MS apart, doubling. */
static enum outcome attempt(struct http_sender *s, struct link *l, const char *body, unsigned attempts,
			    char *why, size_t whylen)
{
	uint64_t wait = BACKOFF_MIN_MS;
	enum outcome out = CUT;
	unsigned i;

	for (i = 0; i < attempts; i++) {
		long timeout;

		if (i) {
			if (pause_ms(s, wait) < 0)
				return CUT;
			wait = wait * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : wait * 2;
		}
		timeout = ms_left(s, REQUEST_TIMEOUT_MS);
		if (timeout < 0)
			return CUT;
		out = post_once(l->c, body, timeout, why, whylen);
		if (out == SENT)
			break;
	}
	return out;
}

static void count_in_spool(struct http_sender *s)
{
	atomic_store(&n_in_spool, spool_count(s->spool));
}

/* Append one alert to the spool, or count it as dropped. */
static void store(struct http_sender *s, struct link *l, const char *body)
{
	int r = spool_append(s->spool, body, strlen(body));

	if (r == 0) {
		atomic_fetch_add(&n_spooled, 1);
		count_in_spool(s);
		l->spool_trouble = 0;
		return;
	}
	atomic_fetch_add(&n_dropped, 1);
	if (!l->spool_trouble)
		log_warn("http output: the spool '%s' takes no more alerts: %s; new alerts are dropped",
			 spool_dir(s->spool), r == -ENOSPC ? "full (http_output.spool_max_bytes)" : strerror(-r));
	l->spool_trouble = 1;
}

/* The queue's alerts, oldest first, behind those in the spool (or dropped without one). */
static void queue_to_spool(struct http_sender *s, struct link *l)
{
	for (;;) {
		char *body;

		pthread_mutex_lock(&s->base.lock);
		body = strqueue_pop(&s->base.queue);
		pthread_mutex_unlock(&s->base.lock);
		if (!body)
			return;
		atomic_fetch_sub(&n_queued, 1);
		if (s->spool)
			store(s, l, body);
		else
			atomic_fetch_add(&n_dropped, 1);
		free(body);
	}
}

/* The oldest alert: the held one, the spool's, or the queue's (waiting for one when idle). */
static enum source next_alert(struct http_sender *s, struct link *l, char **body)
{
	enum source from;
	size_t len;
	int r;

	if (l->held) {
		*body = l->held;
		return HELD;
	}
	if (s->spool && spool_count(s->spool)) {
		r = spool_peek(s->spool, body, &len);
		if (r == 0)
			return SPOOL;
		if (r != -ENOENT) {
			log_warn("http output: dropping an alert the spool '%s' cannot read back: %s",
				 spool_dir(s->spool), strerror(-r));
			spool_pop(s->spool);
			count_in_spool(s);
			atomic_fetch_add(&n_dropped, 1);
			return NONE;
		}
	}
	pthread_mutex_lock(&s->base.lock);
	if (!s->base.queue.count && !s->base.retired)
		pthread_cond_wait(&s->base.wake, &s->base.lock);
	if ((*body = strqueue_pop(&s->base.queue))) {
		atomic_fetch_sub(&n_queued, 1);
		from = QUEUE;
	} else {
		from = s->base.retired ? STOP : NONE;
	}
	pthread_mutex_unlock(&s->base.lock);
	return from;
}

/* Delivered, or refused for good: the alert leaves the line. */
static void consume(struct http_sender *s, struct link *l, enum source from, char *body)
{
	if (from == SPOOL) {
		spool_pop(s->spool);
		count_in_spool(s);
	}
	if (from == HELD)
		l->held = NULL;
	free(body);
}

/* Not delivered: the alert keeps its place at the head of the line. */
static void keep(struct http_sender *s, struct link *l, enum source from, char *body)
{
	if (from == QUEUE && !s->spool) {
		l->held = body;
		return;
	}
	if (from == QUEUE)
		store(s, l, body);	/* the spool was empty: it is the oldest */
	if (from != HELD)
		free(body);
}

static void collector_back(struct http_sender *s, struct link *l)
{
	if (l->down) {
		log_info("http output: delivering to '%s' again", s->cfg.url);
		atomic_store(&down_since_ns, 0);
	}
	l->down = 0;
	l->wait_ms = 0;
}

static void collector_away(struct http_sender *s, struct link *l, const char *why)
{
	l->wait_ms = !l->down ? DOWN_MIN_MS : l->wait_ms * 2 > DOWN_MAX_MS ? DOWN_MAX_MS : l->wait_ms * 2;
	l->retry_ns = mono_ns() + l->wait_ms * MS;
	if (!l->down) {
		atomic_store(&down_since_ns, mono_ns());
		log_warn("http output: cannot deliver to '%s': %s (backing off: one try at %llu s, then at doubling intervals up to %llu s; alerts %s meanwhile)",
			 s->cfg.url, why, DOWN_MIN_MS / 1000, DOWN_MAX_MS / 1000,
			 s->spool ? "go to the spool" : "wait in the queue");
	}
	l->down = 1;
}

/* One step of the delivery loop; 0 when the thread is to stop. */
static int step(struct http_sender *s, struct link *l)
{
	char why[CURL_ERROR_SIZE + 32] = "";
	enum source from;
	enum outcome out;
	char *body = NULL;

	if (past_deadline(s))
		return 0;
	if (s->spool && spool_count(s->spool))
		queue_to_spool(s, l);
	if (l->down && mono_ns() < l->retry_ns) {
		uint64_t deadline;
		int retired;

		if (s->spool)
			queue_to_spool(s, l);
		pthread_mutex_lock(&s->base.lock);
		retired = s->base.retired;
		deadline = s->base.deadline_ns;
		pthread_mutex_unlock(&s->base.lock);
		/*
		 * Retired with no probe left before the exit; or by a SIGHUP
		 * while the collector is away: the spool keeps it all for
		 * the next sender.
		 */
		if (retired && (deadline ? deadline <= l->retry_ns : s->spool != NULL))
			return 0;
		wait_until(s, l->retry_ns, s->spool != NULL);
		return 1;
	}
	from = next_alert(s, l, &body);
	if (from == STOP)
		return 0;
	if (from == NONE)
		return 1;
	out = attempt(s, l, body, l->down ? 1 : 1 + s->cfg.max_retries, why, sizeof(why));
	switch (out) {
	case SENT:
		atomic_fetch_add(&n_sent, 1);
		collector_back(s, l);
		l->refusing = 0;
		consume(s, l, from, body);
		break;
	case REFUSED:
		atomic_fetch_add(&n_failed, 1);
		collector_back(s, l);
		if (!l->refusing)
			log_warn("http output: '%s' refuses alerts: %s (counted as failed)", s->cfg.url, why);
		l->refusing = 1;
		consume(s, l, from, body);
		break;
	case AWAY:
		collector_away(s, l, why);
		keep(s, l, from, body);
		break;
	case CUT:
		keep(s, l, from, body);
		break;
	}
	return 1;
}

/* Wait for the spool's lock (another sender hands it over); -1: go on without the spool. */
static int take_spool(struct http_sender *s)
{
	uint64_t start = mono_ns();
	int warned = 0, r;

	for (;;) {
		r = spool_acquire(s->spool);
		if (r == 0) {
			count_in_spool(s);
			if (spool_count(s->spool))
				log_info("http output: %llu alerts in the spool '%s' go first",
					 (unsigned long long)spool_count(s->spool), spool_dir(s->spool));
			return 0;
		}
		if (r != -EWOULDBLOCK) {
			log_error("http output: cannot lock the spool '%s': %s; going on without it",
				  spool_dir(s->spool), strerror(-r));
			return -1;
		}
		if (!warned && mono_ns() - start > LOCK_WARN_MS * MS) {
			log_warn("http output: the spool '%s' is in use (by another shrike?); waiting for it",
				 spool_dir(s->spool));
			warned = 1;
		}
		if (past_deadline(s))
			return -1;
		wait_until(s, mono_ns() + LOCK_RETRY_MS * MS, 0);
	}
}

static void link_open(struct http_sender *s, struct link *l)
{
	const struct http_config *cfg = &s->cfg;
	CURL *c = curl_easy_init();

	if (!c) {
		log_error("http output: cannot create a curl handle; alerts will not be delivered");
		l->down = 1;
		l->retry_ns = UINT64_MAX;
		return;
	}
	l->hdrs = curl_slist_append(l->hdrs, "Content-Type: application/json");
	/* no "Expect: 100-continue" round trip for bodies over 1 KiB */
	l->hdrs = curl_slist_append(l->hdrs, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, cfg->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, l->hdrs);
	curl_easy_setopt(c, CURLOPT_USERAGENT, *cfg->user_agent ? cfg->user_agent : "shrike/" SHRIKE_VERSION);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard_body);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (cfg->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	/* as Falco: ca_cert first, else ca_bundle; ca_path as well */
	if (*cfg->ca_cert || *cfg->ca_bundle)
		curl_easy_setopt(c, CURLOPT_CAINFO, *cfg->ca_cert ? cfg->ca_cert : cfg->ca_bundle);
	if (*cfg->ca_path)
		curl_easy_setopt(c, CURLOPT_CAPATH, cfg->ca_path);
	if (cfg->mtls) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, cfg->client_cert);
		curl_easy_setopt(c, CURLOPT_SSLKEY, cfg->client_key);
	}
	l->c = c;
}

/* At the end: what is still in line goes to the spool, or is dropped without one. */
static void finish(struct http_sender *s, struct link *l)
{
	if (l->held) {
		atomic_fetch_add(&n_dropped, 1);
		free(l->held);
		l->held = NULL;
	}
	queue_to_spool(s, l);
	if (s->spool) {
		count_in_spool(s);
		spool_close(s->spool);	/* the lock, for the next sender */
		s->spool = NULL;
	}
	curl_slist_free_all(l->hdrs);
	if (l->c)
		curl_easy_cleanup(l->c);
}

static void *sender_main(void *arg)
{
	struct http_sender *s = arg;
	struct link l = { 0 };

	link_open(s, &l);
	if (s->spool && take_spool(s) < 0) {
		spool_close(s->spool);
		s->spool = NULL;
	}
	while (step(s, &l))
		;
	finish(s, &l);
	sender_finished(&s->base);
	return NULL;
}

static void sender_free(struct sender *base)
{
	struct http_sender *s = (struct http_sender *)base;

	atomic_fetch_sub(&n_queued, s->base.queue.count);
	sender_destroy(&s->base);
	spool_close(s->spool);
	http_config_free(&s->cfg);
	free(s);
}

static struct http_sender *sender_new(const struct http_config *cfg)
{
	struct http_sender *s = calloc(1, sizeof(*s));

	if (!s || sender_init(&s->base, cfg->queue_size) < 0) {
		free(s);
		log_error("out of memory");
		return NULL;
	}
	if (http_config_copy(&s->cfg, cfg) < 0) {
		log_error("out of memory");
		sender_free(&s->base);
		return NULL;
	}
	if (*s->cfg.spool_dir) {
		s->spool = spool_open(s->cfg.spool_dir, s->cfg.spool_max_bytes);
		if (!s->spool) {
			sender_free(&s->base);
			return NULL;
		}
		atomic_store(&spool_used, 1);
	}
	return s;
}

struct http_sender *http_sender_get(const struct http_config *cfg)
{
	struct http_sender *s, *cur = (struct http_sender *)pool.current;
	struct http_config norm;

	sender_reap(&pool);
	if (http_config_copy(&norm, cfg) < 0) {
		log_error("out of memory");
		return NULL;
	}
	if (cur && http_config_same(&cur->cfg, &norm)) {
		http_config_free(&norm);
		cur->base.refs++;
		return cur;
	}
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			log_error("http output: cannot initialise libcurl");
			http_config_free(&norm);
			return NULL;
		}
		curl_ready = 1;
	}
	s = http_config_check(&norm) < 0 ? NULL : sender_new(&norm);
	http_config_free(&norm);
	if (s && sender_start(&pool, &s->base, sender_main) < 0) {
		sender_free(&s->base);
		return NULL;
	}
	return s;
}

void http_sender_put(struct http_sender *s)
{
	if (s)
		sender_put(&pool, &s->base);
}

int http_sender_post(struct http_sender *s, const char *json)
{
	/* counted before the worker can take it, so that the gauge never wraps */
	atomic_fetch_add(&n_queued, 1);
	if (sender_post(&s->base, strdup(json)) == 0)
		return 0;
	atomic_fetch_sub(&n_queued, 1);
	atomic_fetch_add(&n_dropped, 1);
	return -1;
}

void http_senders_shutdown(double seconds)
{
	sender_shutdown(&pool, seconds);
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
	st->spooled = atomic_load(&n_spooled);
	st->in_spool = atomic_load(&n_in_spool);
	st->spool = atomic_load(&spool_used);
	st->queued = atomic_load(&n_queued);
	st->down_since_ns = atomic_load(&down_since_ns);
}
