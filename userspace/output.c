/* output.c - delivering alerts to stdout, a file and syslog. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include "log.h"
#include "output.h"

struct outputs {
	int json;
	int to_stdout;
	FILE *file;
	char *file_name;
	int keep_alive;
	int to_syslog;
};

static FILE *open_file(const char *name)
{
	FILE *f = fopen(name, "a");

	if (!f)
		log_error("cannot open alert file '%s': %s", name, strerror(errno));
	else
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

struct outputs *outputs_open(const struct config *cfg)
{
	struct outputs *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->json = cfg->json_output;
	o->to_stdout = cfg->stdout_enabled;
	o->keep_alive = cfg->file_keep_alive;
	if (cfg->file_enabled) {
		o->file_name = strdup(cfg->file_name);
		if (o->keep_alive && !(o->file = open_file(o->file_name))) {
			free(o->file_name);
			free(o);
			return NULL;
		}
	}
	if (cfg->syslog_enabled) {
		openlog("shrike", LOG_PID, LOG_DAEMON);
		o->to_syslog = 1;
	}
	return o;
}

void outputs_alert(struct outputs *o, const char *json, const char *text, int syslog_prio)
{
	const char *line = o->json ? json : text;

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
}

void outputs_reopen(struct outputs *o)
{
	if (!o->file_name || !o->keep_alive)
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
	if (o->to_syslog)
		closelog();
	free(o->file_name);
	free(o);
}
