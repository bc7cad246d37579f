/* SPDX-License-Identifier: GPL-2.0-only */
/* daemon.h - what the daemon does with each complete event: rules, alerts, the -A stream, capture. */
#ifndef SHRIKE_DAEMON_H
#define SHRIKE_DAEMON_H

#include <stdint.h>
#include "capture/capture.h"
#include "config.h"
#include "pipeline.h"
#include "rules/rule_engine.h"
#include "shrike.h"

struct rule_engine;
struct rule_field_ops;
struct outputs;
struct reload;
struct metrics;
struct cJSON;
struct watch;

struct daemon {
	struct config cfg;
	const char *config_path;	/* NULL: built-in defaults */
	char **overrides;		/* -o KEY=VALUE, re-applied on SIGHUP */
	size_t n_overrides;
	const char *const *cli_rules;	/* -r FILE..., re-applied on SIGHUP */
	size_t n_cli_rules;
	int all_events;			/* -A */
	struct pipeline pl;
	struct rule_engine *rules;
	struct reload *reload;		/* a SIGHUP's, under way (reload.c) */
	int reload_again;		/* another SIGHUP came meanwhile */
	struct watch *watch;		/* watch_config_files (watch.c), or NULL */
	struct capture_writer cap;	/* -w */
	int capturing;
	char hostname[256];
	uint64_t alerts;
	struct outputs *out;
	struct metrics *metrics;	/* NULL: no web server, no metrics (web/metrics.h) */
};

/*
 * Read configuration (file, -o overrides, then -r files or the shipped
 * rules) into c, and the alerts' host name; 0 or -1 with a message on
 * stderr. Reads only the options of d, so that the reload thread can.
 */
int daemon_read_config(const struct daemon *d, struct config *c, char *hostname, size_t hostlen);
/* The same into d->cfg and d->hostname. */
int daemon_load_config(struct daemon *d);
/*
 * Load the rules files of cfg (directories expanded, rules_files.h) into a
 * new engine, compile them and apply the rules: selection; NULL on error
 * (printed).
 */
struct rule_engine *daemon_load_rules(const struct config *cfg, int verbose);
/* The same with other field operations than the daemon's (a profiler's). */
struct rule_engine *daemon_load_rules_ops(const struct config *cfg, int verbose,
					  const struct rule_field_ops *ops);
/* The syscalls the loaded rules and the process table need. */
void daemon_syscall_mask(struct daemon *d, struct shrike_syscall_mask *m);
/* Pipeline sink: match rules, print alerts and, with -A, the event. */
void daemon_on_event(struct pipeline *pl, struct sevent *ev);
/* A rule matched the event (a rule_match_fn, arg the daemon): the alert, out. */
void daemon_alert(void *arg, const struct rule *r, const void *event);
/* A record as it arrives (live or replay): feed it, and capture it if asked. */
void daemon_feed(struct daemon *d, const struct shrike_evt_hdr *rec, size_t avail, uint32_t cpu);
/*
 * An internal alert, as Falco's "Falco internal: ..." rules have them, to
 * every output: @fields (taken) is its output_fields, @tag its tag after
 * "shrike". Counted with the alerts.
 */
void daemon_internal_alert(struct daemon *d, const char *rule, enum rule_priority prio, const char *output,
			   struct cJSON *fields, const char *tag);
/* The drop alert, Falco's "Falco internal: syscall event drop". */
void daemon_drop_alert(struct daemon *d, uint64_t drops, uint64_t seen, const struct shrike_counters *c,
		       double seconds);

#endif /* SHRIKE_DAEMON_H */
