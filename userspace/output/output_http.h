/* SPDX-License-Identifier: GPL-2.0-only */
/* output_http.h - POST each alert as JSON to an HTTP endpoint, from a delivery thread. */
#ifndef SHRIKE_OUTPUT_HTTP_H
#define SHRIKE_OUTPUT_HTTP_H

#include <stddef.h>
#include <stdint.h>

struct http_sender;

/* Counters over the daemon's lifetime, summed over every sender. */
struct http_stats {
	uint64_t sent;		/* answered with a 2xx status */
	uint64_t failed;	/* given up after 1 + max_retries attempts */
	uint64_t dropped;	/* not attempted: queue full, or still queued at shutdown */
};

/*
 * A sender for url: a bounded queue of queue_size alerts and a thread that
 * POSTs them in order, each tried at most 1 + max_retries times. A sender
 * with the same settings that is still in use is shared (SIGHUP reloads keep
 * their queue). NULL with a message on stderr on failure.
 */
struct http_sender *http_sender_get(const char *url, size_t queue_size, unsigned max_retries);
/*
 * Drop one reference. The last one retires the sender: its thread goes on
 * delivering what is queued, in the background, until http_senders_shutdown.
 */
void http_sender_put(struct http_sender *s);
/*
 * Queue one alert (copied). Never blocks on the network: when the queue is
 * full the alert is dropped and counted. 0 queued, -1 dropped.
 */
int http_sender_post(struct http_sender *s, const char *json);
/*
 * At exit: let every retired sender deliver for at most `seconds` more, then
 * count what is left as dropped, stop the threads and free them.
 */
void http_senders_shutdown(double seconds);
void http_stats_get(struct http_stats *st);

#endif /* SHRIKE_OUTPUT_HTTP_H */
