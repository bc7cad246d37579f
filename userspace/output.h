/* output.h - where alerts go: stdout, a file, syslog, HTTP (configurable together). */
#ifndef SHRIKE_OUTPUT_H
#define SHRIKE_OUTPUT_H

#include "config.h"

struct outputs;

/* NULL with a message on stderr if a configured output cannot be opened. */
struct outputs *outputs_open(const struct config *cfg);
/*
 * One alert: json is the Falco JSON object as text, text the readable line
 * ("HH:MM:SS.nnnnnnnnn: Priority output"); syslog_prio a LOG_* level.
 */
void outputs_alert(struct outputs *o, const char *json, const char *text, int syslog_prio);
/* SIGHUP: reopen the file output (logrotate). */
void outputs_reopen(struct outputs *o);
void outputs_close(struct outputs *o);

#endif /* SHRIKE_OUTPUT_H */
