/* SPDX-License-Identifier: GPL-2.0-only */
/* web.c - the embedded web server (libmicrohttpd): the health check and the Prometheus metrics. */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include "lib/clock.h"
#include "web/metrics_text.h"
#include "web/prom.h"
#include "web/web.h"

/* Scrapers and probes make short requests: a slow client must not hold a thread for long. */
#define WEB_CONN_LIMIT		64
#define WEB_CONN_TIMEOUT_S	10

struct web {
	struct MHD_Daemon *mhd;
	int fd;				/* listening; MHD's once it started */
	struct web_config cfg;
	char *healthz_path;
	struct metrics *m;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned int status, const char *type, char *body,
			     size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (!body) {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		type = "text/plain; charset=utf-8";
		body = strdup("out of memory\n");
		len = body ? strlen(body) : 0;
	}
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *conn, unsigned int status, const char *msg)
{
	char *body = strdup(msg);

	return reply(conn, status, "text/plain; charset=utf-8", body, body ? strlen(body) : 0);
}

/* {"status":"ok"}, or 503 and {"status":"unhealthy","reason":"..."} */
static enum MHD_Result healthz(struct web *w, struct MHD_Connection *conn)
{
	char why[256];
	int ok = health_check(w->m, &w->cfg.health, mono_ns(), why, sizeof(why));
	cJSON *o = cJSON_CreateObject();
	char *body;

	cJSON_AddStringToObject(o, "status", ok ? "ok" : "unhealthy");
	if (!ok)
		cJSON_AddStringToObject(o, "reason", why);
	body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return reply(conn, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, "application/json", body,
		     body ? strlen(body) : 0);
}

static enum MHD_Result metrics_page(struct web *w, struct MHD_Connection *conn)
{
	size_t len = 0;
	char *body = metrics_text(w->m, mono_ns(), &len);

	return reply(conn, MHD_HTTP_OK, PROM_CONTENT_TYPE, body, len);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_len, void **state)
{
	struct web *w = cls;

	(void)version;
	(void)upload;
	(void)state;
	if (*upload_len)
		return MHD_NO;		/* nothing here takes a body */
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (!strcmp(url, w->healthz_path))
		return healthz(w, conn);
	if (w->cfg.metrics && !strcmp(url, "/metrics"))
		return metrics_page(w, conn);
	return text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
}

/*
 * The socket is ours, not libmicrohttpd's: so that "address in use" or a
 * bad address is told as such (MHD_start_daemon only says it failed).
 */
static int listen_on(const struct web_config *cfg, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai;
	char port[8];
	int fd, one = 1, rc;

	snprintf(port, sizeof(port), "%u", cfg->port);
	rc = getaddrinfo(cfg->address, port, &hints, &ai);
	if (rc) {
		snprintf(err, errlen, "webserver.listen_address '%s': %s (a numeric IPv4 or IPv6 address)",
			 cfg->address, gai_strerror(rc));
		return -1;
	}
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 32) < 0) {
		snprintf(err, errlen, "webserver: cannot listen on %s%s%s:%u: %s",
			 ai->ai_family == AF_INET6 ? "[" : "", cfg->address, ai->ai_family == AF_INET6 ? "]" : "",
			 cfg->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

struct web *web_start(const struct web_config *cfg, struct metrics *m, char *err, size_t errlen)
{
	struct web *w = calloc(1, sizeof(*w));
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	sigset_t all, old;

	if (!w || !(w->healthz_path = strdup(cfg->healthz_path))) {
		snprintf(err, errlen, "webserver: out of memory");
		free(w);
		return NULL;
	}
	w->cfg = *cfg;
	w->cfg.healthz_path = w->healthz_path;
	w->m = m;
	w->fd = listen_on(cfg, err, errlen);
	if (w->fd < 0)
		goto out_free;
	/* signals belong to the event loop: the server's threads start with all blocked */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	w->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, w,
				  MHD_OPTION_LISTEN_SOCKET, w->fd,
				  MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(cfg->threads > 1 ? cfg->threads : 1),
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned int)WEB_CONN_LIMIT,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)WEB_CONN_TIMEOUT_S,
				  MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!w->mhd) {
		snprintf(err, errlen, "webserver: cannot start the server on %s:%u", cfg->address, cfg->port);
		close(w->fd);
		goto out_free;
	}
	return w;

out_free:
	free(w->healthz_path);
	free(w);
	return NULL;
}

void web_stop(struct web *w)
{
	if (!w)
		return;
	MHD_stop_daemon(w->mhd);	/* closes the listening socket it was given too */
	free(w->healthz_path);
	free(w);
}
