/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_engine.h - Falco-compatible rules engine: load YAML rules, compile them, match events, render alerts. */
#ifndef SHRIKE_RULE_ENGINE_H
#define SHRIKE_RULE_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "rules/rule_fields.h"

/*
 * The version of the rules language we implement, compared with a rules
 * file's required_engine_version (a number N means "0.N.0"). It is the Falco
 * engine version whose rules files we read unchanged.
 */
#define RULE_ENGINE_VERSION "0.57.0"

enum rule_priority {
	RULE_PRIO_EMERGENCY,
	RULE_PRIO_ALERT,
	RULE_PRIO_CRITICAL,
	RULE_PRIO_ERROR,
	RULE_PRIO_WARNING,
	RULE_PRIO_NOTICE,
	RULE_PRIO_INFORMATIONAL,
	RULE_PRIO_DEBUG,
};

/* Case-insensitive, as Falco: "emergency" ... "debug", "info" for informational. 0 or -1. */
int rule_priority_parse(const char *s, enum rule_priority *out);
/* Falco's capitalised name: "Emergency" ... "Informational", "Debug". */
const char *rule_priority_name(enum rule_priority p);

/*
 * Diagnostics from loading and compiling: each one is a line
 * "file:line:col: error: message" or "file:line:col: warning: message".
 */
struct rule_diag_msg {
	int is_error;
	char *file;		/* as given to load_file / load_string */
	unsigned line, col;	/* 1-based; 0 when not known */
	char *msg;		/* lowercase, no trailing period */
	char *text;		/* the whole line, without newline */
};

struct rule_diag {
	struct rule_diag_msg *msgs;
	size_t n, cap;
	size_t errors, warnings;
};

void rule_diag_init(struct rule_diag *d);
void rule_diag_free(struct rule_diag *d);
/* One line per message. */
void rule_diag_print(const struct rule_diag *d, FILE *f);

struct rule_engine;
struct rule;
struct cJSON;

/* ops is copied; NULL resolve/extract make every field unknown. */
struct rule_engine *rule_engine_new(const struct rule_field_ops *ops);
void rule_engine_free(struct rule_engine *eng);

/*
 * Load one rules file (files are loaded in order; later items see and may
 * override earlier ones). diag may be NULL. Returns 0, or -1 after adding
 * an error to diag (the file stops loading at its first error, as Falco).
 * Loading drops the compiled state: nothing matches until the next
 * rule_engine_compile(). To reload (SIGHUP), build a new engine and swap it
 * in once it compiles.
 */
int rule_engine_load_file(struct rule_engine *eng, const char *path, struct rule_diag *diag);
/* The same from memory; name is used in messages. */
int rule_engine_load_string(struct rule_engine *eng, const char *name, const char *text, size_t len,
			    struct rule_diag *diag);

/*
 * What a rules file may make the engine build, so that no file takes
 * seconds or gigabytes to load (docs/RULES.md, "Limits"). A macro is
 * compiled once however often it is used, so these grow with the size of
 * the files, not with how their macros nest:
 * - RULE_MAX_NODES: the nodes of every compiled condition plus the list
 *   items expanded into them and into lists;
 * - RULE_MAX_INDEX: the steps of the per-event-type programs (a rule is laid
 *   out once for each event type it can match) and the nodes folded for them.
 * The shipped rules and Falco's three files together need under 1% of
 * either (6,457 nodes, 4,572 in the index).
 */
#define RULE_MAX_NODES	1000000
#define RULE_MAX_INDEX	2000000

/*
 * Expand macros and lists, resolve every field once, build the event-type
 * index and pre-parse outputs. A rule naming a field that resolve() does not
 * know is skipped with one warning. Returns 0, or -1 if any error was added
 * to diag (no rule is then evaluated; past a limit above, the error names
 * the rule at which it was reached and compiling stops there). May be
 * called again after more loads.
 */
int rule_engine_compile(struct rule_engine *eng, struct rule_diag *diag);

/* The size of what the last rule_engine_compile() built (see the limits above). */
struct rule_engine_stats {
	size_t nodes;		/* counted against RULE_MAX_NODES */
	size_t index;		/* counted against RULE_MAX_INDEX */
	size_t steps;		/* of which steps of the per-event-type programs */
	size_t calls;		/* shared conditions those programs call */
};

void rule_engine_get_stats(const struct rule_engine *eng, struct rule_engine_stats *st);

/*
 * Evaluate the event against every enabled, compiled rule that can match its
 * type, in load order; fn (may be NULL) is called for each rule that matches.
 * Returns the number of matches. Does not allocate (the scratch buffers of
 * glob and transformers grow once, to the longest value seen). Not
 * thread-safe: one thread matches at a time (values are cached per event in
 * the engine; a new call is a new event).
 */
typedef void (*rule_match_fn)(void *arg, const struct rule *rule, const void *event);
int rule_engine_match(struct rule_engine *eng, const void *event, rule_match_fn fn, void *arg);

/*
 * The event types the enabled, compiled rules (at the current minimum
 * priority) can match, as a bitmap of evt_type_id() values; tells the kernel
 * side which syscalls to capture. Returns how many of those rules accept every
 * event type (then every event is needed); 0 when none does.
 */
int rule_engine_event_types(const struct rule_engine *eng, uint64_t types[RULE_MAX_EVT_TYPES / 64]);

/* ---- listing (-L) ---- */

struct rule_info {
	const char *name, *desc, *source, *output;
	enum rule_priority priority;
	int enabled;		/* as loaded, then changed by rule_engine_enable_* */
	int active;		/* compiled and enabled (the minimum priority applies on top) */
	const char *skip_reason; /* why a loaded rule is not active, or NULL */
	const char *const *tags;
	size_t ntags;
};

size_t rule_engine_rule_count(const struct rule_engine *eng);
const struct rule *rule_engine_rule_at(const struct rule_engine *eng, size_t i);
const struct rule *rule_engine_find_rule(const struct rule_engine *eng, const char *name);
void rule_get_info(const struct rule *r, struct rule_info *out);
const char *rule_name(const struct rule *r);
enum rule_priority rule_get_priority(const struct rule *r);

/* required_plugin_versions entries, in load order (alternatives included). */
size_t rule_engine_plugin_req_count(const struct rule_engine *eng);
int rule_engine_plugin_req(const struct rule_engine *eng, size_t i, const char **name, const char **version);
/* The highest required_engine_version seen, or NULL. */
const char *rule_engine_required_version(const struct rule_engine *eng);

/* ---- selecting rules (take effect at once, also after compile) ---- */

/* Rules less severe than p are not evaluated (Falco's "priority" setting). */
void rule_engine_set_min_priority(struct rule_engine *eng, enum rule_priority p);
/* Enable/disable rules whose name equals pattern or matches it as a glob; returns how many. */
int rule_engine_enable_rules(struct rule_engine *eng, const char *pattern, int enabled);
/* Enable/disable every rule carrying the tag, or a tag matching it as a glob; returns how many. */
int rule_engine_enable_tag(struct rule_engine *eng, const char *tag, int enabled);

/* ---- alerts ---- */

/*
 * Render the rule's output for the event: %field, %field[arg] and %(field)
 * become the value (numbers in decimal, <NA> when it cannot be known).
 * Returns a malloc'd NUL-terminated string (length in *len if not NULL).
 */
char *rule_render_output(struct rule_engine *eng, const struct rule *r, const void *event, size_t *len);

/*
 * Falco's JSON alert: time (time_ns since the epoch as ISO-8601 UTC with
 * nanoseconds), rule, priority, source, hostname, output ("HH:MM:SS.nnnnnnnnn:
 * Priority message" with the time in local time, as Falco prints it),
 * output_fields (every field the output names, null when unknown, plus
 * evt.time in ns as Falco adds) and tags. Returns a new cJSON object.
 */
struct cJSON *rule_alert_json(struct rule_engine *eng, const struct rule *r, const void *event,
			      uint64_t time_ns, const char *hostname);
/* The same, printed unformatted on one line (malloc'd). */
char *rule_alert_json_string(struct rule_engine *eng, const struct rule *r, const void *event,
			     uint64_t time_ns, const char *hostname);

#endif /* SHRIKE_RULE_ENGINE_H */
