/* SPDX-License-Identifier: GPL-2.0-only */
/* output.h - where alerts go: stdout, a file, syslog, HTTP, a program (configurable together). */
#ifndef SHRIKE_OUTPUT_H
#define SHRIKE_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include "output/output_http.h"
#include "output/output_program.h"

struct outputs;

/* Which outputs to open and how: the daemon fills it from its configuration. */
struct output_config {
	int json_output;		/* 0: the readable text line */
	int stdout_enabled;
	int file_enabled;
	const char *file_name;
	int file_keep_alive;
	int syslog_enabled;
	int http_enabled;
	struct http_config http;
	int program_enabled;
	struct program_config program;
};

/* NULL with a message on stderr if a configured output cannot be opened. */
struct outputs *outputs_open(const struct output_config *cfg);
/*
 * One alert: json is the Falco JSON object as text, text the readable line
 * ("HH:MM:SS.nnnnnnnnn: Priority output"), raw; syslog_prio a LOG_* level.
 * stdout, the file and syslog get json or text as json_output says, the
 * text escaped (lib/escape.h: one line, no control characters, valid
 * UTF-8); the HTTP output always gets json, queued (never waits for the
 * network); the program output the same line as stdout, queued too.
 */
void outputs_alert(struct outputs *o, const char *json, const char *text, int syslog_prio);
/* SIGHUP: reopen the file output (logrotate). */
void outputs_reopen(struct outputs *o);
/* Close; alerts still queued for HTTP or a program go on being delivered until outputs_shutdown. */
void outputs_close(struct outputs *o);
/*
 * At exit, after the last outputs_close: give queued HTTP and program
 * alerts at most OUTPUTS_FLUSH_SECONDS each to be delivered (what is left
 * goes to the spool, if there is one) and the program that long to end,
 * then print their counters on stderr.
 */
#define OUTPUTS_FLUSH_SECONDS 5.0
void outputs_shutdown(void);
/*
 * " http_sent=N http_failed=N http_dropped=N" for the stats line, with
 * " http_spooled=N http_in_spool=N" when a spool is used; "" without HTTP;
 * then " program_sent=N program_failed=N program_dropped=N program_restarts=N"
 * when a program output was used.
 */
void outputs_stats(char *buf, size_t len);

/* Each output's counters over the daemon's lifetime, for the metrics. */
enum output_kind { OUTPUT_STDOUT, OUTPUT_FILE, OUTPUT_SYSLOG, OUTPUT_HTTP, OUTPUT_PROGRAM, OUTPUT_KINDS };

struct output_counts {
	int used;			/* enabled at some point */
	uint64_t delivered;		/* written (stdout, file, syslog), or answered with 2xx (HTTP) */
	uint64_t failed;		/* a write or an open failed; HTTP: refused by the collector */
	uint64_t dropped;		/* HTTP: never delivered (queue or spool full, or at exit) */
	uint64_t queued;		/* HTTP: waiting in memory, and in the spool, now */
	uint64_t failing_since_ns;	/* CLOCK_MONOTONIC of the first failure since the last success; 0: none */
};

const char *output_kind_name(enum output_kind k);
/* Never waits for the event thread: relaxed atomic loads (and the HTTP output's own). */
void outputs_counts(struct output_counts out[OUTPUT_KINDS]);

#endif /* SHRIKE_OUTPUT_H */
