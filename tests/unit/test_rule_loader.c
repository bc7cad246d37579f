/* SPDX-License-Identifier: GPL-2.0-only */
/* test_rule_loader.c: the rules loader, outputs and alerts, from the .yaml files of tests/rules with #! expectations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "rules/rule_engine.h"

#include "../rules/fake_fields.h"
#include "../rules/rule_tests_dir.h"

#define ALERT_TIME 1764324000123456789ULL	/* 2025-11-28T10:00:00.123456789Z */

static char *rules_dir;

struct yfile {
	char *path;
	const char *base;
};

struct ctx {
	const struct yfile *f;
	int line;		/* of the directive being checked */
	struct rule_engine *e;
	struct rule_diag d;
	char *dt;		/* all diagnostics, for failure messages */
};

static void fail_at(const struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail_at(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	fail_msg("%s:%d: %s", c->f->base, c->line, msg ? msg : fmt);
}

#define FAIL(c, ...) fail_at((c), __VA_ARGS__)

static void load_one(struct ctx *c, const char *name, int *ok)
{
	char *path;

	if (asprintf(&path, "%s/%s", rules_dir, name) < 0)
		abort();
	if (rule_engine_load_file(c->e, path, &c->d))
		*ok = 0;
	free(path);
}

/* "[file.yaml:]L:C: text" */
static void check_diag(struct ctx *c, int is_error, const char *arg)
{
	char file[128] = "";
	const char *colon = strchr(arg, ':'), *text;
	unsigned line, col;

	if (colon && colon - arg > 5 && !strncmp(colon - 5, ".yaml", 5) && colon - arg < (long)sizeof(file)) {
		memcpy(file, arg, (size_t)(colon - arg));
		file[colon - arg] = '\0';
		arg = colon + 1;
	}
	text = split_pos(arg, &line, &col);
	if (!diag_has(&c->d, is_error, file[0] ? file : (line ? c->f->base : NULL), line, col, text))
		FAIL(c, "no %s '%s' at %s:%u:%u; got:%s", is_error ? "error" : "warning", text,
		     file[0] ? file : c->f->base, line, col, c->dt);
}

/* "k=v ... => A; B" */
static void check_event(struct ctx *c, const char *arg)
{
	const char *arrow = strstr(arg, "=>");
	struct matches m = { "" };
	struct fevent ev;
	char *evs;
	const char *want;

	if (!arrow)
		FAIL(c, "event directive without '=>'");
	evs = strndup(arg, (size_t)(arrow - arg));
	if (fe_parse(evs, &ev))
		FAIL(c, "bad event '%s'", evs);
	rule_engine_match(c->e, &ev, on_match, &m);
	want = arrow + 2;
	while (*want == ' ')
		want++;
	if (strcmp(m.buf, strcmp(want, "none") ? want : ""))
		FAIL(c, "event '%s': matched '%s', expected '%s'", evs, m.buf, want);
	fe_free(&ev);
	free(evs);
}

/* "RULE | k=v ... => expected" for render and json */
static void check_output(struct ctx *c, const char *arg, int json)
{
	const char *bar = strstr(arg, " | "), *arrow = strstr(arg, " => ");
	char *name, *evs, *got;
	const struct rule *r;
	struct fevent ev;

	if (!bar || !arrow || arrow < bar)
		FAIL(c, "expected 'RULE | event => output'");
	name = strndup(arg, (size_t)(bar - arg));
	evs = strndup(bar + 3, (size_t)(arrow - bar - 3));
	r = rule_engine_find_rule(c->e, name);
	if (!r)
		FAIL(c, "no rule '%s'", name);
	if (fe_parse(evs, &ev))
		FAIL(c, "bad event '%s'", evs);
	if (!json) {
		got = rule_render_output(c->e, r, &ev, NULL);
		if (strcmp(got, arrow + 4))
			FAIL(c, "rendered\n  '%s'\nexpected\n  '%s'", got, arrow + 4);
	} else if (json == 2) {
		/* a substring of the printed alert, for exact numbers */
		got = rule_alert_json_string(c->e, r, &ev, ALERT_TIME, "host1");
		if (!strstr(got, arrow + 4))
			FAIL(c, "alert\n  %s\ndoes not contain\n  %s", got, arrow + 4);
	} else {
		cJSON *want = cJSON_Parse(arrow + 4), *obj = rule_alert_json(c->e, r, &ev, ALERT_TIME, "host1");
		cJSON *have;
		char *once;

		if (!want)
			FAIL(c, "expected JSON does not parse");
		/* compare as printed (big integers are raw numbers in the object) */
		got = cJSON_PrintUnformatted(obj);
		have = cJSON_Parse(got);
		if (!have || !cJSON_Compare(want, have, 1))
			FAIL(c, "alert\n  %s\nexpected\n  %s", got, arrow + 4);
		once = rule_alert_json_string(c->e, r, &ev, ALERT_TIME, "host1");
		if (strcmp(once, got))
			FAIL(c, "rule_alert_json_string differs: %s", once);
		free(once);
		cJSON_Delete(obj);
		cJSON_Delete(want);
		cJSON_Delete(have);
	}
	free(got);
	fe_free(&ev);
	free(name);
	free(evs);
}

/* "NAME => key=value ..." */
static void check_info(struct ctx *c, const char *arg)
{
	const char *arrow = strstr(arg, " => ");
	char *name, *kv, *tok, *save;
	const struct rule *r;
	struct rule_info info;

	if (!arrow)
		FAIL(c, "expected 'NAME => key=value ...'");
	name = strndup(arg, (size_t)(arrow - arg));
	r = rule_engine_find_rule(c->e, name);
	if (!r)
		FAIL(c, "no rule '%s'", name);
	rule_get_info(r, &info);
	kv = strdup(arrow + 4);
	for (tok = strtok_r(kv, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *v = strchr(tok, '='), got[1024] = "";
		size_t i;

		if (!v)
			FAIL(c, "bad info item '%s'", tok);
		*v++ = '\0';
		if (!strcmp(tok, "priority"))
			snprintf(got, sizeof(got), "%s", rule_priority_name(info.priority));
		else if (!strcmp(tok, "enabled"))
			snprintf(got, sizeof(got), "%d", info.enabled);
		else if (!strcmp(tok, "active"))
			snprintf(got, sizeof(got), "%d", info.active);
		else if (!strcmp(tok, "source"))
			snprintf(got, sizeof(got), "%s", info.source);
		else if (!strcmp(tok, "desc"))
			snprintf(got, sizeof(got), "%s", info.desc);
		else if (!strcmp(tok, "tags"))
			for (i = 0; i < info.ntags; i++)
				snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? "," : "",
					 info.tags[i]);
		else
			FAIL(c, "unknown info key '%s'", tok);
		/* '_' stands for a blank in expected descriptions */
		for (i = 0; v[i]; i++)
			if (v[i] == '_' && !strcmp(tok, "desc"))
				v[i] = ' ';
		if (strcmp(got, v))
			FAIL(c, "rule '%s': %s is '%s', expected '%s'", name, tok, got, v);
	}
	free(kv);
	free(name);
}

static int count_active(struct rule_engine *e)
{
	struct rule_info info;
	size_t i;
	int n = 0;

	for (i = 0; i < rule_engine_rule_count(e); i++) {
		rule_get_info(rule_engine_rule_at(e, i), &info);
		n += info.active;
	}
	return n;
}

static void check_plugin(struct ctx *c, const char *arg)
{
	const char *name, *ver;
	char want[256];
	size_t i;

	for (i = 0; i < rule_engine_plugin_req_count(c->e); i++) {
		rule_engine_plugin_req(c->e, i, &name, &ver);
		snprintf(want, sizeof(want), "%s %s", name, ver);
		if (!strcmp(want, arg))
			return;
	}
	FAIL(c, "no plugin requirement '%s'", arg);
}

static void directive(struct ctx *c, const char *key, const char *arg)
{
	enum rule_priority p;
	char what[256];
	int on;

	if (!strcmp(key, "error") || !strcmp(key, "warning")) {
		check_diag(c, key[0] == 'e', arg);
	} else if (!strcmp(key, "warnings")) {
		if ((size_t)atoi(arg) != c->d.warnings)
			FAIL(c, "%zu warnings, expected %s:%s", c->d.warnings, arg, c->dt);
	} else if (!strcmp(key, "active")) {
		if (count_active(c->e) != atoi(arg))
			FAIL(c, "%d active rules, expected %s", count_active(c->e), arg);
	} else if (!strcmp(key, "info")) {
		check_info(c, arg);
	} else if (!strcmp(key, "min-priority")) {
		if (rule_priority_parse(arg, &p))
			FAIL(c, "bad priority '%s'", arg);
		rule_engine_set_min_priority(c->e, p);
	} else if (!strcmp(key, "enable-rule") || !strcmp(key, "enable-tag")) {
		if (sscanf(arg, "%255s", what) != 1)
			FAIL(c, "bad directive");
		on = strstr(arg + strlen(what), "on") != NULL;
		if ((key[7] == 'r' ? rule_engine_enable_rules(c->e, what, on)
				   : rule_engine_enable_tag(c->e, what, on)) <= 0)
			FAIL(c, "'%s' selected no rule", what);
	} else if (!strcmp(key, "event")) {
		check_event(c, arg);
	} else if (!strcmp(key, "render") || !strcmp(key, "json") || !strcmp(key, "json-has")) {
		check_output(c, arg, key[0] != 'j' ? 0 : key[4] ? 2 : 1);
	} else if (!strcmp(key, "plugin")) {
		check_plugin(c, arg);
	} else if (!strcmp(key, "required-version")) {
		const char *v = rule_engine_required_version(c->e);

		if (!v || strcmp(v, arg))
			FAIL(c, "required version '%s', expected '%s'", v ? v : "(none)", arg);
	} else if (strcmp(key, "before") && strcmp(key, "after")) {
		FAIL(c, "unknown directive '%s'", key);
	}
}

/* Calls fn(key, arg, line) for every "#! key: arg" line of text. */
static void each_directive(const char *orig, void (*fn)(void *, const char *, const char *, int), void *arg)
{
	char *text = strdup(orig), *line, *save = text;
	int lineno = 0;

	while ((line = strsep(&save, "\n")) != NULL) {
		char *colon;

		lineno++;
		if (strncmp(line, "#! ", 3) || !(colon = strchr(line + 3, ':')))
			continue;
		*colon = '\0';
		fn(arg, line + 3, colon + 1 + (colon[1] == ' '), lineno);
	}
	free(text);
}

static void pre_load(void *arg, const char *key, const char *val, int line)
{
	struct ctx *c = arg;
	int ok = 1;

	(void)line;
	if (!strcmp(key, "before"))
		load_one(c, val, &ok);
}

static void post_load(void *arg, const char *key, const char *val, int line)
{
	struct ctx *c = arg;
	int ok = 1;

	(void)line;
	if (!strcmp(key, "after"))
		load_one(c, val, &ok);
}

static void check(void *arg, const char *key, const char *val, int line)
{
	struct ctx *c = arg;

	c->line = line;
	directive(c, key, val);
}

static void want_error(void *arg, const char *key, const char *val, int line)
{
	(void)val;
	(void)line;
	*(int *)arg |= !strcmp(key, "error");
}

static void run_yaml(void **state)
{
	const struct yfile *f = *state;
	char *text = read_text(f->path);
	struct ctx c = { f, 0, rule_engine_new(&fake_ops), { 0 }, NULL };
	int ok = 1, errors = 0;

	assert_non_null(text);
	rule_diag_init(&c.d);
	each_directive(text, want_error, &errors);
	each_directive(text, pre_load, &c);
	if (rule_engine_load_file(c.e, f->path, &c.d))
		ok = 0;
	each_directive(text, post_load, &c);
	if (ok && rule_engine_compile(c.e, &c.d))
		ok = 0;
	c.dt = diag_text(&c.d);
	if (ok && errors)
		FAIL(&c, "loaded, errors were expected:%s", c.dt);
	if (!ok && !errors)
		FAIL(&c, "failed to load:%s", c.dt);
	if (ok != (c.d.errors == 0))
		FAIL(&c, "result and error count disagree:%s", c.dt);
	each_directive(text, check, &c);
	free(c.dt);
	free(text);
	rule_diag_free(&c.d);
	rule_engine_free(c.e);
}

int main(int argc, char **argv)
{
	struct CMUnitTest *t = NULL;
	struct dirent **ents;
	size_t nt = 0;
	int n, i;

	setenv("TZ", "UTC", 1);
	tzset();
	rules_dir = rule_tests_dir(argc, argv, &ents, &n);
	if (!rules_dir)
		return 1;
	for (i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		size_t len = strlen(nm);
		struct yfile *f;

		/* *.inc.yaml are only loaded by other cases */
		if (len < 6 || strcmp(nm + len - 5, ".yaml") || (len > 9 && !strcmp(nm + len - 9, ".inc.yaml")))
			continue;
		f = calloc(1, sizeof(*f));
		if (asprintf(&f->path, "%s/%s", rules_dir, nm) < 0)
			return 1;
		f->base = strdup(nm);
		t = realloc(t, (nt + 1) * sizeof(*t));
		memset(&t[nt], 0, sizeof(*t));
		t[nt].name = f->base;
		t[nt].test_func = run_yaml;
		t[nt].initial_state = f;
		nt++;
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return _cmocka_run_group_tests("rule_loader", t, nt, NULL, NULL) ? 1 : 0;
}
