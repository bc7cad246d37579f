/* SPDX-License-Identifier: GPL-2.0-only */
/* output.c - delivering alerts to stdout, a file, syslog and an HTTP endpoint. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include "lib/escape.h"
#include "lib/log.h"
#include "output/output.h"
#include "output/output_http.h"

struct outputs {
	int json;
	int to_stdout;
	FILE *file;
	char *file_name;
	int keep_alive;
	int to_syslog;
	struct http_sender *http;
};

/*
 * A SIGHUP opens the new outputs before it closes the old ones, so syslog
 * is opened once and closed with its last user (closelog would otherwise
 * cut the new set's connection and forget its ident).
 */
static int syslog_users;
static int http_used;

static FILE *open_file(const char *name)
{
	FILE *f = fopen(name, "a");

	if (!f)
		log_error("cannot open alert file '%s': %s", name, strerror(errno));
	else
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

struct outputs *outputs_open(const struct output_config *cfg)
{
	struct outputs *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->json = cfg->json_output;
	o->to_stdout = cfg->stdout_enabled;
	o->keep_alive = cfg->file_keep_alive;
	if (cfg->file_enabled) {
		o->file_name = strdup(cfg->file_name);
		if (!o->file_name || (o->keep_alive && !(o->file = open_file(o->file_name))))
			goto out_free;
	}
	if (cfg->http_enabled) {
		o->http = http_sender_get(&cfg->http);
		if (!o->http)
			goto out_free;
		http_used = 1;
	}
	if (cfg->syslog_enabled) {
		if (syslog_users++ == 0)
			openlog("shrike", LOG_PID, LOG_DAEMON);
		o->to_syslog = 1;
	}
	return o;

out_free:
	if (o->file)
		fclose(o->file);
	free(o->file_name);
	free(o);
	return NULL;
}

void outputs_alert(struct outputs *o, const char *json, const char *text, int syslog_prio)
{
	/*
	 * The text line carries command lines, paths, user and container
	 * names: bytes a process or a container chose. Escaped once here for
	 * every text output, so that none can hold a terminal escape or
	 * start a line of its own (lib/escape.h). JSON escapes its own.
	 */
	char *safe = o->json ? NULL : esc_text_dup(text, strlen(text));
	const char *line = o->json ? json : safe ? safe : "shrike: out of memory escaping an alert";

	if (o->to_stdout) {
		fputs(line, stdout);
		fputc('\n', stdout);
	}
	if (o->file_name) {
		FILE *f = o->keep_alive ? o->file : open_file(o->file_name);

		if (f) {
			fputs(line, f);
			fputc('\n', f);
			if (!o->keep_alive)
				fclose(f);
		}
	}
	if (o->to_syslog)
		syslog(syslog_prio, "%s", line);
	free(safe);
	/* a collector parses JSON whatever json_output says */
	if (o->http && *json)
		http_sender_post(o->http, json);
}

void outputs_reopen(struct outputs *o)
{
	if (!o || !o->file_name || !o->keep_alive)
		return;
	if (o->file)
		fclose(o->file);
	o->file = open_file(o->file_name);
}

void outputs_close(struct outputs *o)
{
	if (!o)
		return;
	if (o->file)
		fclose(o->file);
	if (o->to_syslog && --syslog_users == 0)
		closelog();
	http_sender_put(o->http);
	free(o->file_name);
	free(o);
}

void outputs_shutdown(void)
{
	struct http_stats st;

	if (!http_used)
		return;
	http_senders_shutdown(OUTPUTS_FLUSH_SECONDS);
	http_stats_get(&st);
	fprintf(stderr, "shrike: http output: sent=%" PRIu64 " failed=%" PRIu64 " dropped=%" PRIu64,
		st.sent, st.failed, st.dropped);
	if (st.spool)
		fprintf(stderr, " spooled=%" PRIu64 " in_spool=%" PRIu64, st.spooled, st.in_spool);
	fputc('\n', stderr);
}

void outputs_stats(char *buf, size_t len)
{
	struct http_stats st;

	if (!http_used) {
		if (len)
			*buf = '\0';
		return;
	}
	http_stats_get(&st);
	if (st.spool)
		snprintf(buf, len, " http_sent=%" PRIu64 " http_failed=%" PRIu64 " http_dropped=%" PRIu64
			 " http_spooled=%" PRIu64 " http_in_spool=%" PRIu64,
			 st.sent, st.failed, st.dropped, st.spooled, st.in_spool);
	else
		snprintf(buf, len, " http_sent=%" PRIu64 " http_failed=%" PRIu64 " http_dropped=%" PRIu64,
			 st.sent, st.failed, st.dropped);
}
