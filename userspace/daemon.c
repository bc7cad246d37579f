/* SPDX-License-Identifier: GPL-2.0-only */
/* daemon.c - per event: rules, alerts, the -A stream and the capture file. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "daemon.h"
#include "output/evt_json.h"
#include "fields/fields.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "output/output.h"
#include "rules/rule_engine.h"
#include "rules_files.h"
#include "rules_select.h"
#include "shrike_events.h"
#include "input/source.h"
#include "fields/side.h"
#include "web/metrics.h"

/* The shipped rules: installed, or next to the binary in a build tree. */
static char *default_rules(void)
{
	static const char *const fixed[] = { "/etc/shrike/shrike_rules.yaml",
					     "/usr/share/shrike/shrike_rules.yaml" };
	char exe[4096], *p = NULL;
	ssize_t n;
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (access(fixed[i], R_OK) == 0)
			return strdup(fixed[i]);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (asprintf(&p, "%s/../rules/shrike_rules.yaml", dirname(exe)) < 0)
		return NULL;
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}

/* -r files replace the configured ones; with neither, the shipped rules. */
static void choose_rules(const struct daemon *d, struct config *c)
{
	size_t i;

	if (d->n_cli_rules) {
		for (i = 0; i < c->n_rules_files; i++)
			free(c->rules_files[i]);
		c->n_rules_files = 0;
		for (i = 0; i < d->n_cli_rules && i < CONFIG_MAX_RULES_FILES; i++)
			c->rules_files[c->n_rules_files++] = strdup(d->cli_rules[i]);
	} else if (c->n_rules_files == 0) {
		char *def = default_rules();

		if (def)
			c->rules_files[c->n_rules_files++] = def;
		else
			log_warn("no rules file found; only -A output will be produced");
	}
}

int daemon_read_config(const struct daemon *d, struct config *c, char *hostname, size_t hostlen)
{
	enum source_driver drv;
	char err[512];
	size_t i;

	config_free(c);
	config_defaults(c);
	if (d->config_path && config_load_file(c, d->config_path, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return -1;
	}
	for (i = 0; i < d->n_overrides; i++) {
		if (config_set(c, d->overrides[i], err, sizeof(err)) < 0) {
			log_error("%s", err);
			return -1;
		}
	}
	if (source_driver_parse(c->driver, &drv) < 0) {
		log_error("driver must be kmod, bpf or auto, not '%s'", c->driver);
		return -1;
	}
	if (c->buffer_size & (c->buffer_size - 1)) {
		log_error("buffer_size must be a power of two, not %llu", (unsigned long long)c->buffer_size);
		return -1;
	}
	choose_rules(d, c);
	if (*c->hostname)
		snprintf(hostname, hostlen, "%s", c->hostname);
	else if (gethostname(hostname, hostlen - 1) < 0)
		snprintf(hostname, hostlen, "unknown");
	return 0;
}

int daemon_load_config(struct daemon *d)
{
	return daemon_read_config(d, &d->cfg, d->hostname, sizeof(d->hostname));
}

struct rule_engine *daemon_load_rules(const struct config *cfg, int verbose)
{
	return daemon_load_rules_ops(cfg, verbose, &fields_rule_ops);
}

struct rule_engine *daemon_load_rules_ops(const struct config *cfg, int verbose,
					  const struct rule_field_ops *ops)
{
	struct rule_engine *eng;
	enum rule_priority prio;
	struct rules_files files;
	struct rule_diag diag;
	size_t i;
	int bad = 0;

	if (rules_files_expand((const char *const *)cfg->rules_files, cfg->n_rules_files, &files) < 0)
		return NULL;
	eng = rule_engine_new(ops);
	if (!eng) {
		rules_files_free(&files);
		log_error("out of memory");
		return NULL;
	}
	rule_diag_init(&diag);
	for (i = 0; i < files.n && !bad; i++)
		bad = rule_engine_load_file(eng, files.v[i], &diag) < 0;
	rules_files_free(&files);
	if (!bad)
		bad = rule_engine_compile(eng, &diag) < 0;
	if (!bad)
		rules_select_apply(eng, &cfg->rules_select);
	if (bad || verbose)
		rule_diag_print(&diag, stderr);
	else if (diag.warnings)
		log_warn("%zu warnings while loading rules (run with -V FILE to see them)", diag.warnings);
	rule_diag_free(&diag);
	if (rule_priority_parse(cfg->priority, &prio) < 0) {
		log_error("unknown priority '%s'", cfg->priority);
		bad = 1;
	} else {
		rule_engine_set_min_priority(eng, prio);
	}
	if (bad) {
		rule_engine_free(eng);
		return NULL;
	}
	return eng;
}

static void set_bit(struct shrike_syscall_mask *m, int nr)
{
	if (nr >= 0 && nr < SHRIKE_MAX_SYSCALLS)
		m->bits[nr / 64] |= 1ull << (nr % 64);
}

void daemon_syscall_mask(struct daemon *d, struct shrike_syscall_mask *m)
{
	static const int bookkeeping[] = {
		SHRIKE_EVT_EXECVE, SHRIKE_EVT_EXECVEAT, SHRIKE_EVT_CLONE, SHRIKE_EVT_CLONE3,
		SHRIKE_EVT_FORK, SHRIKE_EVT_VFORK, SHRIKE_EVT_CHDIR, SHRIKE_EVT_FCHDIR,
		SHRIKE_EVT_SETUID, SHRIKE_EVT_SETGID, SHRIKE_EVT_SETREUID, SHRIKE_EVT_SETREGID,
		SHRIKE_EVT_SETRESUID, SHRIKE_EVT_SETRESGID,
	};
	uint64_t types[RULE_MAX_EVT_TYPES / 64];
	int all = d->all_events || d->capturing;
	size_t i, k;

	memset(m, 0, sizeof(*m));
	if (!all && d->rules)
		all = rule_engine_event_types(d->rules, types) > 0;
	for (i = 0; i < SHRIKE_N_EVENT_SPECS; i++) {
		const struct shrike_event_spec *sp = &shrike_event_specs[i];
		int want = all;

		for (k = 0; k < sizeof(bookkeeping) / sizeof(bookkeeping[0]) && !want; k++)
			want = sp->type == bookkeeping[k];
		if (!want && d->rules && !all)
			want = (types[sp->type / 64] >> (sp->type % 64)) & 1;
		if (want)
			set_bit(m, sp->nr);
	}
}

static int syslog_level(enum rule_priority p)
{
	/* the priorities are syslog's levels, in the same order */
	return LOG_EMERG + (int)p;
}

static uint64_t event_time_ns(const struct sevent *ev)
{
	return ev->ts + (uint64_t)(ev->enrich ? ev->enrich->boot_offset_ns : 0);
}

/* Falco's text line: "HH:MM:SS.nnnnnnnnn: Priority output", local time. */
static char *alert_text(struct daemon *d, const struct rule *r, const struct sevent *ev)
{
	uint64_t t = event_time_ns(ev);
	time_t sec = (time_t)(t / 1000000000ull);
	char *msg = rule_render_output(d->rules, r, ev, NULL);
	char *line = NULL;
	struct tm tm;
	char hms[16];

	localtime_r(&sec, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	if (asprintf(&line, "%s.%09llu: %s %s", hms, (unsigned long long)(t % 1000000000ull),
		     rule_priority_name(rule_get_priority(r)), msg ? msg : "") < 0)
		line = NULL;
	free(msg);
	return line;
}

void daemon_alert(void *arg, const struct rule *r, const void *event)
{
	struct daemon *d = arg;
	const struct sevent *ev = event;
	char *json = rule_alert_json_string(d->rules, r, ev, event_time_ns(ev), d->hostname);
	char *text = d->cfg.json_output ? NULL : alert_text(d, r, ev);

	d->alerts++;
	if (d->metrics)
		metrics_alert(d->metrics, r, (int)rule_get_priority(r));
	if (json || text)
		outputs_alert(d->out, json ? json : "", text ? text : "", syslog_level(rule_get_priority(r)));
	free(json);
	free(text);
}

void daemon_on_event(struct pipeline *pl, struct sevent *ev)
{
	struct daemon *d = pl->sink_ctx;

	if (d->capturing)
		side_capture(&d->cap, ev);
	if (d->all_events)
		evt_json_print(stdout, ev, d->cfg.json_output);
	if (d->rules)
		rule_engine_match(d->rules, ev, daemon_alert, d);
}

void daemon_feed(struct daemon *d, const struct shrike_evt_hdr *rec, size_t avail, uint32_t cpu)
{
	pipeline_feed(&d->pl, rec, avail, cpu);
	/* after the event, so that side values it produced come first in the file */
	if (d->capturing)
		capture_write_record(&d->cap, rec, cpu);
}

void daemon_internal_alert(struct daemon *d, const char *rule, enum rule_priority prio, const char *output,
			   struct cJSON *fields, const char *tag)
{
	cJSON *o = cJSON_CreateObject();
	struct timespec ts;
	char when[64], *json, *text = NULL;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%09ldZ", ts.tv_nsec);
	cJSON_AddStringToObject(o, "time", when);
	cJSON_AddStringToObject(o, "rule", rule);
	cJSON_AddStringToObject(o, "priority", rule_priority_name(prio));
	cJSON_AddStringToObject(o, "source", "syscall");
	cJSON_AddStringToObject(o, "hostname", d->hostname);
	cJSON_AddStringToObject(o, "output", output);
	cJSON_AddItemToObject(o, "output_fields", fields);
	cJSON_AddItemToObject(o, "tags", cJSON_CreateStringArray((const char *[]){ "shrike", tag }, 2));
	json = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (asprintf(&text, "%s: %s %s", when, rule_priority_name(prio), output) < 0)
		text = NULL;
	outputs_alert(d->out, json ? json : "", text ? text : output, syslog_level(prio));
	d->alerts++;
	if (d->metrics)
		metrics_alert(d->metrics, NULL, (int)prio);
	free(json);
	free(text);
}

void daemon_drop_alert(struct daemon *d, uint64_t drops, uint64_t seen, const struct shrike_counters *c,
		       double seconds)
{
	cJSON *f = cJSON_CreateObject();
	char msg[256];

	snprintf(msg, sizeof(msg), "Falco internal: syscall event drop. %llu system calls dropped in last %.0f second%s.",
		 (unsigned long long)drops, seconds, seconds == 1 ? "" : "s");
	cJSON_AddNumberToObject(f, "n_drops", (double)drops);
	cJSON_AddNumberToObject(f, "n_evts", (double)seen);
	cJSON_AddNumberToObject(f, "n_drops_buffer_total", (double)c->n_drop_full);
	cJSON_AddNumberToObject(f, "n_drops_nested_total", (double)c->n_drop_nested);
	cJSON_AddNumberToObject(f, "n_drops_noring_total", (double)c->n_drop_noring);
	if (d->metrics)
		metrics_bump(&d->metrics->drop_alerts, 1);
	daemon_internal_alert(d, "Falco internal: syscall event drop", RULE_PRIO_CRITICAL, msg, f, "drops");
}
