/* SPDX-License-Identifier: GPL-2.0-only */
/* web.h - the embedded web server (libmicrohttpd): the health check and the Prometheus metrics. */
#ifndef SHRIKE_WEB_H
#define SHRIKE_WEB_H

#include <stddef.h>
#include "web/health.h"

struct metrics;

/* Falco's webserver keys, as the configuration has them. */
struct web_config {
	const char *address;		/* numeric IPv4 or IPv6 */
	unsigned int port;
	const char *healthz_path;	/* e.g. "/healthz" */
	int metrics;			/* serve /metrics */
	unsigned int threads;		/* 0 or 1: one */
	struct health_config health;
};

struct web;

/*
 * Listen on address:port and answer GET (and HEAD) of healthz_path and, if
 * asked, /metrics, from threads of its own that never touch the event
 * thread's data but through @m (metrics.h). NULL with a message in @err
 * ("cannot listen on 127.0.0.1:8765: Address already in use") when it
 * cannot. @m must outlive the server.
 */
struct web *web_start(const struct web_config *cfg, struct metrics *m, char *err, size_t errlen);
/* Stop answering, join the threads, close the socket. */
void web_stop(struct web *w);

#endif /* SHRIKE_WEB_H */
