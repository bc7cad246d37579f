/* SPDX-License-Identifier: GPL-2.0-only */
/* output_http.h - POST each alert as JSON to an HTTP endpoint, from a delivery thread. */
#ifndef SHRIKE_OUTPUT_HTTP_H
#define SHRIKE_OUTPUT_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct http_sender;

/* Where and how to deliver (Falco's http_output keys); "" is unset. */
struct http_config {
	const char *url;
	const char *user_agent;		/* "": shrike/VERSION */
	int insecure;			/* do not verify the server's certificate */
	const char *ca_cert;		/* CA file to verify the server with ("": libcurl's default) */
	const char *ca_bundle;		/* the same, when ca_cert is unset */
	const char *ca_path;		/* a directory of CA certificates (c_rehash'd) */
	int mtls;			/* present client_cert and client_key to the server */
	const char *client_cert;
	const char *client_key;
	size_t queue_size;		/* alerts waiting in memory at most */
	unsigned max_retries;		/* attempts after the first, per alert */
	const char *spool_dir;		/* "": no spool */
	uint64_t spool_max_bytes;
};

/* Counters over the daemon's lifetime, summed over every sender. */
struct http_stats {
	uint64_t sent;		/* answered with a 2xx status */
	uint64_t failed;	/* refused by the collector (an error status) 1 + max_retries times */
	uint64_t dropped;	/* never delivered: memory queue or spool full, or still waiting at exit without a spool */
	uint64_t spooled;	/* written to the spool (each once) */
	uint64_t in_spool;	/* waiting in the spool now */
	int spool;		/* a sender has a spool */
	uint64_t queued;	/* waiting in the memory queues now */
	uint64_t down_since_ns;	/* CLOCK_MONOTONIC since when the collector is away; 0: it is not */
};

/*
 * A sender for cfg: a bounded memory queue of cfg->queue_size alerts, an
 * optional spool on disk, and a thread that POSTs them in order. A sender
 * with the same settings that is still in use is shared (SIGHUP reloads keep
 * their queue). NULL with a message on stderr when a setting is wrong (URL,
 * an unreadable certificate or key, a spool directory that cannot be made).
 */
struct http_sender *http_sender_get(const struct http_config *cfg);
/*
 * Drop one reference. The last one retires the sender: its thread goes on
 * delivering what is queued, in the background, until http_senders_shutdown,
 * or, with a spool, hands what it holds to the spool for the next sender.
 */
void http_sender_put(struct http_sender *s);
/*
 * Queue one alert (copied). Never blocks on the network or the disk: when
 * the queue is full the alert is dropped and counted. 0 queued, -1 dropped.
 */
int http_sender_post(struct http_sender *s, const char *json);
/*
 * At exit: let every retired sender deliver for at most `seconds` more;
 * then what is left goes to the spool, or is counted as dropped without one.
 * Stops the threads and frees them.
 */
void http_senders_shutdown(double seconds);
void http_stats_get(struct http_stats *st);

#endif /* SHRIKE_OUTPUT_HTTP_H */
