/* SPDX-License-Identifier: GPL-2.0-only */
/* output.c - delivering alerts to stdout, a file, syslog, an HTTP endpoint and a program. */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include "lib/clock.h"
#include "lib/escape.h"
#include "lib/log.h"
#include "output/output.h"
#include "output/output_http.h"
#include "output/output_program.h"

struct outputs {
	int json;
	int to_stdout;
	FILE *file;
	char *file_name;
	int keep_alive;
	int to_syslog;
	struct http_sender *http;
	struct program_sender *program;
};

/*
 * A SIGHUP opens the new outputs before it closes the old ones, so syslog
 * is opened once and closed with its last user (closelog would otherwise
 * cut the new set's connection and forget its ident).
 */
static int syslog_users;
static int http_used, program_used;

/*
 * Counters for the metrics. Only the event thread writes them (alerts are
 * written there), so a relaxed load and store is enough and costs what a
 * plain increment does; the web server's thread loads them.
 */
struct kind_counts {
	atomic_int used;
	_Atomic uint64_t delivered, failed, failing_since_ns;
};
static struct kind_counts counts[OUTPUT_KINDS];

static void bump(_Atomic uint64_t *c)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1, memory_order_relaxed);
}

/* One delivery to @k, @ok or not: failing_since_ns marks the start of a run of failures. */
static void count(enum output_kind k, int ok)
{
	struct kind_counts *c = &counts[k];

	bump(ok ? &c->delivered : &c->failed);
	if (ok)
		atomic_store_explicit(&c->failing_since_ns, 0, memory_order_relaxed);
	else if (!atomic_load_explicit(&c->failing_since_ns, memory_order_relaxed))
		atomic_store_explicit(&c->failing_since_ns, mono_ns(), memory_order_relaxed);
}

static int write_line(FILE *f, const char *line)
{
	return fputs(line, f) >= 0 && fputc('\n', f) != EOF;
}

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
	if (o->to_stdout)
		atomic_store(&counts[OUTPUT_STDOUT].used, 1);
	if (cfg->file_enabled)
		atomic_store(&counts[OUTPUT_FILE].used, 1);
	if (cfg->syslog_enabled)
		atomic_store(&counts[OUTPUT_SYSLOG].used, 1);
	if (cfg->http_enabled)
		atomic_store(&counts[OUTPUT_HTTP].used, 1);
	if (cfg->program_enabled)
		atomic_store(&counts[OUTPUT_PROGRAM].used, 1);
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
	if (cfg->program_enabled) {
		o->program = program_sender_get(&cfg->program);
		if (!o->program)
			goto out_free;
		program_used = 1;
	}
	if (cfg->syslog_enabled) {
		if (syslog_users++ == 0)
			openlog("shrike", LOG_PID, LOG_DAEMON);
		o->to_syslog = 1;
	}
	return o;

out_free:
	http_sender_put(o->http);
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

	if (o->to_stdout)
		count(OUTPUT_STDOUT, write_line(stdout, line));
	if (o->file_name) {
		FILE *f = o->keep_alive ? o->file : open_file(o->file_name);
		int ok = f && write_line(f, line);

		if (f && !o->keep_alive)
			ok = fclose(f) == 0 && ok;
		count(OUTPUT_FILE, ok);
	}
	if (o->to_syslog) {
		syslog(syslog_prio, "%s", line);
		count(OUTPUT_SYSLOG, 1);	/* syslog(3) says nothing of a failure */
	}
	if (o->program)
		program_sender_post(o->program, line);
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
	program_sender_put(o->program);
	free(o->file_name);
	free(o);
}

static void program_shutdown(void)
{
	struct program_stats st;

	if (!program_used)
		return;
	program_senders_shutdown(OUTPUTS_FLUSH_SECONDS);
	program_stats_get(&st);
	fprintf(stderr, "shrike: program output: sent=%" PRIu64 " failed=%" PRIu64 " dropped=%" PRIu64
		" restarts=%" PRIu64 "\n", st.sent, st.failed, st.dropped, st.restarts);
}

void outputs_shutdown(void)
{
	struct http_stats st;

	program_shutdown();
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

/* " program_sent=N ..." after what buf holds, when a program output was used */
static void program_stats_append(char *buf, size_t len)
{
	struct program_stats st;
	size_t used = strlen(buf);

	if (!program_used || used >= len)
		return;
	program_stats_get(&st);
	snprintf(buf + used, len - used, " program_sent=%" PRIu64 " program_failed=%" PRIu64
		 " program_dropped=%" PRIu64 " program_restarts=%" PRIu64,
		 st.sent, st.failed, st.dropped, st.restarts);
}

void outputs_stats(char *buf, size_t len)
{
	struct http_stats st;

	if (len)
		*buf = '\0';
	if (!http_used) {
		program_stats_append(buf, len);
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
	program_stats_append(buf, len);
}

const char *output_kind_name(enum output_kind k)
{
	static const char *const names[OUTPUT_KINDS] = { "stdout", "file", "syslog", "http", "program" };

	return k < OUTPUT_KINDS ? names[k] : "?";
}

void outputs_counts(struct output_counts out[OUTPUT_KINDS])
{
	struct program_stats ps;
	struct http_stats st;
	int k;

	for (k = 0; k < OUTPUT_KINDS; k++) {
		out[k] = (struct output_counts){
			.used = atomic_load(&counts[k].used),
			.delivered = atomic_load_explicit(&counts[k].delivered, memory_order_relaxed),
			.failed = atomic_load_explicit(&counts[k].failed, memory_order_relaxed),
			.failing_since_ns = atomic_load_explicit(&counts[k].failing_since_ns, memory_order_relaxed),
		};
	}
	/* the HTTP output counts in its own thread */
	http_stats_get(&st);
	out[OUTPUT_HTTP].delivered = st.sent;
	out[OUTPUT_HTTP].failed = st.failed;
	out[OUTPUT_HTTP].dropped = st.dropped;
	out[OUTPUT_HTTP].queued = st.queued + st.in_spool;
	out[OUTPUT_HTTP].failing_since_ns = st.down_since_ns;
	/* so does the program output */
	program_stats_get(&ps);
	out[OUTPUT_PROGRAM].delivered = ps.sent;
	out[OUTPUT_PROGRAM].failed = ps.failed;
	out[OUTPUT_PROGRAM].dropped = ps.dropped;
}
