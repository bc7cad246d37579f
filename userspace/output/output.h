/* SPDX-License-Identifier: GPL-2.0-only */
/* output.h - where alerts go: stdout, a file, syslog, HTTP (configurable together). */
#ifndef SHRIKE_OUTPUT_H
#define SHRIKE_OUTPUT_H

#include <stddef.h>
#include "output/output_http.h"

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
};

/* NULL with a message on stderr if a configured output cannot be opened. */
struct outputs *outputs_open(const struct output_config *cfg);
/*
 * One alert: json is the Falco JSON object as text, text the readable line
 * ("HH:MM:SS.nnnnnnnnn: Priority output"), raw; syslog_prio a LOG_* level.
 * stdout, the file and syslog get json or text as json_output says, the
 * text escaped (lib/escape.h: one line, no control characters, valid
 * UTF-8); the HTTP output always gets json, queued (never waits for the
 * network).
 */
void outputs_alert(struct outputs *o, const char *json, const char *text, int syslog_prio);
/* SIGHUP: reopen the file output (logrotate). */
void outputs_reopen(struct outputs *o);
/* Close; alerts still queued for HTTP go on being delivered until outputs_shutdown. */
void outputs_close(struct outputs *o);
/*
 * At exit, after the last outputs_close: give queued HTTP alerts at most
 * OUTPUTS_FLUSH_SECONDS to be delivered (what is left goes to the spool, if
 * there is one), then print the HTTP counters on stderr.
 */
#define OUTPUTS_FLUSH_SECONDS 5.0
void outputs_shutdown(void);
/*
 * " http_sent=N http_failed=N http_dropped=N" for the stats line, with
 * " http_spooled=N http_in_spool=N" when a spool is used; "" without HTTP.
 */
void outputs_stats(char *buf, size_t len);

#endif /* SHRIKE_OUTPUT_H */
