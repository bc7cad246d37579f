/* SPDX-License-Identifier: GPL-2.0-only */
/* test_rule_engine.c: rule conditions from the .test files of tests/rules, and API checks of the rules engine. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "rules/rule_engine.h"

#include "../rules/fake_fields.h"
#include "../rules/rule_tests_dir.h"

static char *rules_dir;

/* Memory the condition blocks point into, freed after the run. */
static void **owned;
static size_t nowned;

static void own(void *p)
{
	owned = realloc(owned, (nowned + 1) * sizeof(*owned));
	owned[nowned++] = p;
}

/* ---- the .test files of tests/rules: one cmocka test per condition block ---- */

struct cblock {
	char name[200];
	const char *file;
	int line;
	const char *defs;	/* YAML loaded before the rule (shared) */
	char *cond;
	char **lines;		/* events and expectations */
	int *lineno;
	int nlines;
};

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void run_block(void **state)
{
	struct cblock *b = *state;
	struct rule_engine *e = rule_engine_new(&fake_ops);
	struct rule_diag d;
	size_t len = strlen(b->defs) + strlen(b->cond) + 256;
	char *yaml = malloc(len), *dt;
	int base = count_lines(b->defs) + 3, ok, i, want_error = 0;
	const struct rule *r;
	struct rule_info info;

	rule_diag_init(&d);
	snprintf(yaml, len, "%s- rule: t\n  desc: t\n  condition: |-\n    %s\n  output: t\n  priority: INFO\n",
		 b->defs, b->cond);
	ok = rule_engine_load_string(e, "t.yaml", yaml, strlen(yaml), &d) == 0;
	if (ok)
		ok = rule_engine_compile(e, &d) == 0;
	dt = diag_text(&d);
	for (i = 0; i < b->nlines; i++)
		want_error |= !strncmp(b->lines[i], "error:", 6);
	if (!want_error && !ok)
		fail_msg("%s:%d: condition failed to load:%s", b->file, b->line, dt);
	if (want_error && ok)
		fail_msg("%s:%d: condition loaded, an error was expected:%s", b->file, b->line, dt);
	for (i = 0; i < b->nlines; i++) {
		const char *l = b->lines[i], *text;
		unsigned line, col;
		struct fevent ev;
		struct matches m = { "" };
		int n;

		if (!strncmp(l, "error:", 6) || !strncmp(l, "skip:", 5)) {
			int err = l[0] == 'e';

			text = split_pos(l + (err ? 6 : 5), &line, &col);
			if (line) {
				line += (unsigned)base;
				col += 4;
			}
			if (!diag_has(&d, err, NULL, line, col, text))
				fail_msg("%s:%d: no %s '%s' at %u:%u; got:%s", b->file, b->lineno[i],
					 err ? "error" : "warning", text, line, col, dt);
			if (!err) {
				r = rule_engine_find_rule(e, "t");
				assert_non_null(r);
				rule_get_info(r, &info);
				if (info.active || d.warnings != 1)
					fail_msg("%s:%d: rule should be skipped with one warning:%s", b->file,
						 b->lineno[i], dt);
			}
			continue;
		}
		if (fe_parse(l, &ev))
			fail_msg("%s:%d: bad event line", b->file, b->lineno[i]);
		if (i + 1 >= b->nlines)
			fail_msg("%s:%d: event without expectation", b->file, b->lineno[i]);
		n = rule_engine_match(e, &ev, on_match, &m);
		fe_free(&ev);
		i++;
		if (!strcmp(b->lines[i], "match") ? n != 1 : !strcmp(b->lines[i], "nomatch") ? n != 0 : 1)
			fail_msg("%s:%d: expected %s for '%s' on '%s', got %d matches", b->file, b->lineno[i],
				 b->lines[i], b->cond, l, n);
	}
	free(dt);
	free(yaml);
	rule_diag_free(&d);
	rule_engine_free(e);
}

static int add_test(struct CMUnitTest **t, size_t *n, const char *name, CMUnitTestFunction fn,
		    void *state)
{
	*t = realloc(*t, (*n + 1) * sizeof(**t));
	memset(&(*t)[*n], 0, sizeof(**t));
	(*t)[*n].name = name;
	(*t)[*n].test_func = fn;
	(*t)[*n].initial_state = state;
	(*n)++;
	return 0;
}

static void load_test_file(const char *path, struct CMUnitTest **t, size_t *nt)
{
	char *text = read_text(path), *line, *save = NULL, *defs = strdup("");
	struct cblock *b = NULL;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int lineno = 0, in_defs = 0;

	if (!text) {
		fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
		exit(1);
	}
	own(text);
	own((void *)path);
	/* strsep keeps empty lines, which end blocks */
	for (save = text; (line = strsep(&save, "\n")) != NULL;) {
		lineno++;
		if (line[0] == '#')
			continue;
		if (!line[0]) {
			b = NULL;
			in_defs = 0;
			continue;
		}
		if (in_defs) {
			size_t n = strlen(defs) + strlen(line) + 2;

			defs = realloc(defs, n);
			strcat(defs, line);
			strcat(defs, "\n");
			continue;
		}
		if (!b && !strcmp(line, "%defs")) {
			if (!defs[0])
				free(defs);	/* no block can point to an empty prelude... */
			else
				own(defs);
			defs = strdup("");	/* ...a non-empty one stays owned by its blocks */
			in_defs = 1;
			continue;
		}
		if (!b) {
			b = calloc(1, sizeof(*b));
			b->file = base;
			b->line = lineno;
			b->defs = defs[0] ? defs : "";
			b->cond = line;
			snprintf(b->name, sizeof(b->name), "%s:%d: %.150s", base, lineno, line);
			add_test(t, nt, b->name, run_block, b);
			continue;
		}
		b->lines = realloc(b->lines, (size_t)(b->nlines + 1) * sizeof(*b->lines));
		b->lineno = realloc(b->lineno, (size_t)(b->nlines + 1) * sizeof(*b->lineno));
		b->lines[b->nlines] = line;
		b->lineno[b->nlines++] = lineno;
	}
	if (!defs[0])
		free(defs);
	else
		own(defs);
}

/* ---- API checks ---- */

static struct rule_engine *engine_with(const char *yaml, struct rule_diag *d)
{
	struct rule_engine *e = rule_engine_new(&fake_ops);

	rule_diag_init(d);
	assert_int_equal(rule_engine_load_string(e, "api.yaml", yaml, strlen(yaml), d), 0);
	assert_int_equal(rule_engine_compile(e, d), 0);
	return e;
}

/* Match the event described by text; m gets the names of the rules that matched. */
static int match_text(struct rule_engine *e, const char *text, struct matches *m)
{
	struct fevent ev;
	int n;

	assert_int_equal(fe_parse(text, &ev), 0);
	m->buf[0] = '\0';
	n = rule_engine_match(e, &ev, on_match, m);
	fe_free(&ev);
	return n;
}

static const char busy_rules[] =
	"- list: shells\n  items: [bash, sh, zsh, dash]\n"
	"- macro: spawned\n  condition: evt.type in (execve, execveat)\n"
	"- rule: a\n  desc: a\n  priority: notice\n  output: '%proc.name %fd.name'\n"
	"  condition: spawned and proc.name in (shells) and proc.aname = sshd\n"
	"- rule: b\n  desc: b\n  priority: notice\n  output: b\n"
	"  condition: evt.type=openat and (fd.name glob '/etc/*' or fd.name pmatch (/usr/lib))\n"
	"- rule: c\n  desc: c\n  priority: notice\n  output: c\n"
	"  condition: spawned and proc.cmdline regex '.*-e.*' and tolower(proc.name) icontains NC\n"
	"- rule: d\n  desc: d\n  priority: notice\n  output: d\n"
	"  condition: fd.net in (\"10.0.0.0/8\") or fd.num >= 3 or proc.name = val(proc.pname)\n";

/* After warm-up, matching allocates nothing (glob/transformer buffers have grown once). */
static void test_match_does_not_allocate(void **state)
{
	struct rule_diag d;
	struct rule_engine *e = engine_with(busy_rules, &d);
	struct fevent ev1, ev2, ev3;
	struct mallinfo2 before, after;
	int i, n = 0;

	(void)state;
	assert_int_equal(fe_parse("evt.type=execve proc.name=NC proc.aname[1]=bash proc.aname[2]=sshd "
				  "proc.cmdline=\"nc -e sh\" fd.num=1 proc.pname=x", &ev1), 0);
	assert_int_equal(fe_parse("evt.type=openat fd.name=/etc/passwd fd.net=10.1.1.1", &ev2), 0);
	assert_int_equal(fe_parse("evt.type=openat fd.name=/usr/lib/x fd.num=7", &ev3), 0);
	for (i = 0; i < 3; i++)
		n += rule_engine_match(e, &ev1, NULL, NULL) + rule_engine_match(e, &ev2, NULL, NULL) +
		     rule_engine_match(e, &ev3, NULL, NULL);
	assert_int_equal(n, 3 * 5);	/* ev1: c; ev2: b, d; ev3: b, d */
	before = mallinfo2();
	for (i = 0; i < 10000; i++) {
		rule_engine_match(e, &ev1, NULL, NULL);
		rule_engine_match(e, &ev2, NULL, NULL);
		rule_engine_match(e, &ev3, NULL, NULL);
	}
	after = mallinfo2();
	assert_int_equal(before.uordblks, after.uordblks);
	assert_int_equal(before.hblks, after.hblks);
	fe_free(&ev1);
	fe_free(&ev2);
	fe_free(&ev3);
	rule_diag_free(&d);
	rule_engine_free(e);
}

/* A field named many times is extracted once per event. */
static void test_value_cache(void **state)
{
	struct rule_diag d;
	struct rule_engine *e = engine_with(
		"- rule: r\n  desc: r\n  priority: info\n  output: r\n"
		"  condition: proc.name=a or proc.name=b or proc.name startswith c or proc.name=d\n"
		"- rule: s\n  desc: s\n  priority: info\n  output: s\n  condition: proc.name=e\n", &d);
	struct fevent ev;
	unsigned long before;

	(void)state;
	assert_int_equal(fe_parse("proc.name=x", &ev), 0);
	before = extract_calls;
	assert_int_equal(rule_engine_match(e, &ev, NULL, NULL), 0);
	assert_int_equal(extract_calls - before, 1);
	before = extract_calls;
	assert_int_equal(rule_engine_match(e, &ev, NULL, NULL), 0);
	assert_int_equal(extract_calls - before, 1);	/* a new event: asked again */
	fe_free(&ev);
	rule_diag_free(&d);
	rule_engine_free(e);
}

/* A volatile field is asked again every time a check needs it. */
static void test_volatile_not_cached(void **state)
{
	struct rule_diag d;
	struct rule_engine *e = engine_with(
		"- rule: r\n  desc: r\n  priority: info\n  output: r\n"
		"  condition: proc.cwd=a or proc.cwd=b or proc.cwd=c\n", &d);
	struct fevent ev;
	unsigned long before;

	(void)state;
	assert_int_equal(fe_parse("proc.cwd=c", &ev), 0);
	before = extract_calls;
	assert_int_equal(rule_engine_match(e, &ev, NULL, NULL), 1);
	assert_int_equal(extract_calls - before, 3);
	fe_free(&ev);
	rule_diag_free(&d);
	rule_engine_free(e);
}

/*
 * A check written in several rules is one check, evaluated once per event
 * (proc.cwd is volatile: each evaluation asks for it). A rule whose copy is
 * folded away at compile time (evt.type = execve inside an openat rule)
 * leaves it to the rules compiled after it.
 */
static void test_shared_checks(void **state)
{
	struct rule_diag d;
	struct rule_engine *e = engine_with(
		"- rule: r1\n  desc: x\n  priority: info\n  output: x\n"
		"  condition: evt.type=openat and proc.cwd=a and proc.name=x\n"
		"- rule: r2\n  desc: x\n  priority: info\n  output: x\n"
		"  condition: evt.type=openat and (proc.cwd=a or proc.name=y)\n"
		"- rule: r3\n  desc: x\n  priority: info\n  output: x\n"
		"  condition: evt.type=openat and not proc.cwd=a\n"
		"- rule: folded\n  desc: x\n  priority: info\n  output: x\n"
		"  condition: evt.type=openat and ((evt.type=execve and proc.cwd=b) or proc.name=z)\n"
		"- rule: later\n  desc: x\n  priority: info\n  output: x\n"
		"  condition: evt.type=execve and proc.cwd=b\n", &d);
	struct matches m = { "" };
	unsigned long before;

	(void)state;
	assert_int_equal(d.errors, 0);
	before = extract_calls;
	assert_int_equal(match_text(e, "evt.type=openat proc.name=x proc.cwd=a", &m), 2);
	assert_string_equal(m.buf, "r1; r2");
	assert_int_equal(extract_calls - before, 2);	/* proc.cwd once, proc.name once */
	assert_int_equal(match_text(e, "evt.type=openat proc.name=z proc.cwd=c", &m), 2);
	assert_string_equal(m.buf, "r3; folded");
	assert_int_equal(match_text(e, "evt.type=execve proc.cwd=b", &m), 1);
	assert_string_equal(m.buf, "later");
	rule_diag_free(&d);
	rule_engine_free(e);
}

/* Rules are only evaluated for the event types their condition allows. */
static void test_type_index(void **state)
{
	struct rule_diag d;
	struct rule_engine *e = engine_with(
		"- rule: exec\n  desc: x\n  priority: info\n  output: x\n"
		"  condition: evt.type=execve and proc.name=x\n"
		"- rule: notexec\n  desc: x\n  priority: info\n  output: x\n"
		"  condition: not evt.type in (execve, execveat) and proc.name=x\n"
		"  warn_evttypes: false\n"
		"- rule: any\n  desc: x\n  priority: info\n  output: x\n  condition: proc.name=x\n"
		"  warn_evttypes: false\n", &d);
	struct matches m = { "" };
	unsigned long before;

	(void)state;
	assert_int_equal(d.warnings, 0);
	before = extract_calls;
	assert_int_equal(match_text(e, "evt.type=openat proc.name=x", &m), 2);
	assert_string_equal(m.buf, "notexec; any");
	assert_int_equal(extract_calls - before, 1);
	/* a type the daemon does not know: only rules that allow any type */
	assert_int_equal(match_text(e, "evt.type=weird proc.name=x", &m), 2);
	assert_string_equal(m.buf, "notexec; any");
	before = extract_calls;
	assert_int_equal(match_text(e, "evt.type=execve proc.name=y", &m), 0);
	assert_int_equal(extract_calls - before, 1);	/* exec and any ask proc.name once */
	rule_diag_free(&d);
	rule_engine_free(e);
}

/* The event types the loaded rules need, for the kernel's syscall selection. */
static void test_event_types(void **state)
{
	struct rule_diag d;
	struct rule_engine *e = engine_with(
		"- rule: exec\n  desc: x\n  priority: info\n  output: x\n"
		"  condition: evt.type in (execve, execveat) and proc.name=x\n"
		"- rule: conn\n  desc: x\n  priority: debug\n  output: x\n"
		"  condition: (evt.type=connect or evt.type=socket) and not proc.name=x\n"
		"- rule: any\n  desc: x\n  priority: info\n  output: x\n  condition: proc.name=x\n"
		"  enabled: false\n", &d);
	uint64_t t[RULE_MAX_EVT_TYPES / 64];

	(void)state;
	assert_int_equal(rule_engine_event_types(e, t), 0);
	assert_int_equal(t[0], (1ULL << 0) | (1ULL << 1) | (1ULL << 5) | (1ULL << 7));
	assert_int_equal(t[1] | t[7], 0);
	rule_engine_set_min_priority(e, RULE_PRIO_INFORMATIONAL);
	assert_int_equal(rule_engine_event_types(e, t), 0);
	assert_int_equal(t[0], (1ULL << 0) | (1ULL << 1));
	rule_engine_enable_rules(e, "any", 1);
	assert_int_equal(rule_engine_event_types(e, t), 1);
	assert_int_equal(t[0], UINT64_MAX);
	assert_int_equal(t[7], UINT64_MAX);
	rule_diag_free(&d);
	rule_engine_free(e);
}

static void test_priority_names(void **state)
{
	static const char *const in[] = { "EMERGENCY", "alert", "Critical", "error", "warning",
					  "NOTICE", "info", "informational", "debug" };
	static const enum rule_priority out[] = { RULE_PRIO_EMERGENCY, RULE_PRIO_ALERT,
						  RULE_PRIO_CRITICAL, RULE_PRIO_ERROR,
						  RULE_PRIO_WARNING, RULE_PRIO_NOTICE,
						  RULE_PRIO_INFORMATIONAL, RULE_PRIO_INFORMATIONAL,
						  RULE_PRIO_DEBUG };
	enum rule_priority p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		assert_int_equal(rule_priority_parse(in[i], &p), 0);
		assert_int_equal(p, out[i]);
	}
	assert_int_equal(rule_priority_parse("warn", &p), -1);
	assert_int_equal(rule_priority_parse("", &p), -1);
	assert_string_equal(rule_priority_name(RULE_PRIO_INFORMATIONAL), "Informational");
	assert_string_equal(rule_priority_name(RULE_PRIO_EMERGENCY), "Emergency");
	assert_string_equal(rule_priority_name(RULE_PRIO_DEBUG), "Debug");
}

static void test_missing_file(void **state)
{
	struct rule_engine *e = rule_engine_new(&fake_ops);
	struct rule_diag d;

	(void)state;
	rule_diag_init(&d);
	assert_int_equal(rule_engine_load_file(e, "/nonexistent/x.yaml", &d), -1);
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.msgs[0].text, "/nonexistent/x.yaml: error: cannot open rules file "
			    "'/nonexistent/x.yaml': No such file or directory");
	rule_diag_free(&d);
	rule_engine_free(e);
}

/* No field operations at all: every rule is skipped with a warning, nothing crashes. */
static void test_null_ops(void **state)
{
	struct rule_engine *e = rule_engine_new(NULL);
	struct rule_diag d;
	const char *y = "- rule: r\n  desc: r\n  priority: info\n  output: r\n  condition: proc.name=x\n";

	(void)state;
	rule_diag_init(&d);
	assert_int_equal(rule_engine_load_string(e, "n.yaml", y, strlen(y), &d), 0);
	assert_int_equal(rule_engine_compile(e, &d), 0);
	assert_int_equal(d.warnings, 1);
	assert_string_equal(d.msgs[0].text, "n.yaml:1:3: warning: rule 'r' skipped: unknown field 'proc.name'");
	assert_int_equal(rule_engine_match(e, "x", NULL, NULL), 0);
	rule_diag_free(&d);
	rule_engine_free(e);
}

/* Loading more after a compile, then compiling again, sees the new items. */
static void test_recompile(void **state)
{
	struct rule_diag d;
	struct rule_engine *e = engine_with(
		"- list: l\n  items: [a]\n- rule: r\n  desc: r\n  priority: info\n  output: r\n"
		"  condition: proc.name in (l)\n", &d);
	const char *more = "- list: l\n  items: [b]\n  override:\n    items: append\n";
	struct fevent ev;

	(void)state;
	assert_int_equal(fe_parse("proc.name=b", &ev), 0);
	assert_int_equal(rule_engine_match(e, &ev, NULL, NULL), 0);
	assert_int_equal(rule_engine_load_string(e, "more.yaml", more, strlen(more), &d), 0);
	assert_int_equal(rule_engine_match(e, &ev, NULL, NULL), 0);	/* not compiled yet */
	assert_int_equal(rule_engine_compile(e, &d), 0);
	assert_int_equal(rule_engine_match(e, &ev, NULL, NULL), 1);
	fe_free(&ev);
	rule_diag_free(&d);
	rule_engine_free(e);
}

static void test_listing(void **state)
{
	struct rule_diag d;
	struct rule_engine *e = engine_with(
		"- required_engine_version: 0.30.0\n- required_engine_version: 12\n"
		"- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n"
		"    alternatives:\n    - name: k8smeta\n      version: 0.1.0\n"
		"- rule: r\n  desc: the desc\n  priority: ERROR\n  output: out %proc.name\n"
		"  condition: proc.name=x\n  tags: [zeta, alpha, zeta]\n  enabled: false\n"
		"- rule: k\n  desc: k\n  priority: info\n  output: k\n  source: k8s_audit\n"
		"  condition: ka.verb=create\n", &d);
	const struct rule *r = rule_engine_find_rule(e, "r");
	struct rule_info info;
	const char *name, *ver;

	(void)state;
	assert_int_equal(rule_engine_rule_count(e), 2);
	assert_non_null(r);
	rule_get_info(r, &info);
	assert_string_equal(info.name, "r");
	assert_string_equal(info.desc, "the desc");
	assert_string_equal(info.source, "syscall");
	assert_string_equal(info.output, "out %proc.name");
	assert_int_equal(info.priority, RULE_PRIO_ERROR);
	assert_int_equal(info.enabled, 0);
	assert_int_equal(info.active, 0);
	assert_int_equal(info.ntags, 2);
	assert_string_equal(info.tags[0], "alpha");
	assert_string_equal(info.tags[1], "zeta");
	rule_get_info(rule_engine_rule_at(e, 1), &info);
	assert_string_equal(info.source, "k8s_audit");
	assert_int_equal(info.active, 0);
	assert_non_null(info.skip_reason);
	assert_true(diag_has(&d, 0, NULL, 0, 0, "source 'k8s_audit' is not evaluated"));
	assert_string_equal(rule_engine_required_version(e), "0.30.0");
	assert_int_equal(rule_engine_plugin_req_count(e), 2);
	assert_int_equal(rule_engine_plugin_req(e, 1, &name, &ver), 0);
	assert_string_equal(name, "k8smeta");
	assert_string_equal(ver, "0.1.0");
	assert_int_equal(rule_engine_plugin_req(e, 2, &name, &ver), -1);
	assert_int_equal(rule_engine_enable_rules(e, "r", 1), 1);
	rule_get_info(r, &info);
	assert_int_equal(info.active, 1);
	rule_diag_free(&d);
	rule_engine_free(e);
}

/* A chain of n macros, each using the one before twice (tests/rules/load_macro_chain.yaml). */
static char *macro_chain(int n)
{
	size_t cap = 256 + (size_t)n * 128, len;
	char *y = malloc(cap);
	int i;

	len = (size_t)snprintf(y, cap, "- macro: m0\n  condition: evt.type in (execve, execveat) and proc.name = x\n");
	for (i = 1; i <= n; i++)
		len += (size_t)snprintf(y + len, cap - len,
					"- macro: m%d\n  condition: (m%d and fd.num > 0) or (not m%d and fd.num < 0)\n",
					i, i - 1, i - 1);
	snprintf(y + len, cap - len, "- rule: chain\n  desc: d\n  priority: info\n  output: o\n"
		 "  condition: evt.type in (execve, openat) and m%d\n", n);
	return y;
}

static void chain_stats(int n, struct rule_engine_stats *st)
{
	struct rule_diag d;
	char *y = macro_chain(n);
	struct rule_engine *e = engine_with(y, &d);

	assert_int_equal(d.errors + d.warnings, 0);
	rule_engine_get_stats(e, st);
	rule_diag_free(&d);
	rule_engine_free(e);
	free(y);
}

/*
 * A macro is compiled once, however often it is used: the compiled size of
 * a chain of macros each used twice grows by the same few nodes per level,
 * not twice per level. Its programs too, once a level expands to more checks
 * than are copied into each use (INLINE_LEAVES): the larger levels are
 * called, each laid out once per event type. Evaluating it asks each field
 * once (the calls' results are kept for the event).
 */
static void test_macro_chain_linear(void **state)
{
	struct rule_engine_stats s5, s10, s20, s30, s40;
	struct rule_diag d;
	char *y = macro_chain(40);
	struct rule_engine *e = engine_with(y, &d);
	struct matches m = { "" };
	unsigned long before;

	(void)state;
	chain_stats(5, &s5);
	chain_stats(10, &s10);
	chain_stats(20, &s20);
	chain_stats(30, &s30);
	chain_stats(40, &s40);
	assert_true(s10.nodes > 0 && s10.nodes < 10 * 10);
	assert_int_equal(s20.nodes - s10.nodes, s30.nodes - s20.nodes);
	assert_int_equal(s40.nodes - s30.nodes, s30.nodes - s20.nodes);
	assert_int_equal(s5.calls, 0);		/* 126 checks: copied into each use */
	assert_true(s20.calls > 0);
	assert_int_equal(s40.steps - s30.steps, s30.steps - s20.steps);
	assert_int_equal(s40.calls - s30.calls, s30.calls - s20.calls);
	assert_true(s40.index < 20000);
	before = extract_calls;
	assert_int_equal(match_text(e, "evt.type=execve proc.name=x fd.num=-1", &m), 1);
	assert_int_equal(extract_calls - before, 2);	/* fd.num and proc.name, once each */
	assert_int_equal(match_text(e, "evt.type=execve proc.name=y fd.num=-1", &m), 0);
	assert_int_equal(match_text(e, "evt.type=openat proc.name=x fd.num=2", &m), 0);
	rule_diag_free(&d);
	rule_engine_free(e);
	free(y);
}

/*
 * A macro of 1024 checks, small enough to be copied into each use, used
 * 2500 times: 2.5 million steps, past RULE_MAX_INDEX. The rule fails
 * with the steps it took, and nothing is evaluated.
 */
static void test_index_limit(void **state)
{
	size_t cap = 1 << 20, len;
	char *y = malloc(cap);
	struct rule_engine *e = rule_engine_new(&fake_ops);
	struct rule_diag d;
	int i;

	(void)state;
	len = (size_t)snprintf(y, cap, "- macro: big\n  condition: proc.name = v0");
	for (i = 1; i < 1024; i++)
		len += (size_t)snprintf(y + len, cap - len, " or proc.name = v%d", i);
	len += (size_t)snprintf(y + len, cap - len, "\n- rule: small\n  desc: d\n  priority: info\n"
				"  output: o\n  condition: evt.type = execve and proc.name = a\n"
				"- rule: r\n  desc: d\n  priority: info\n  output: o\n"
				"  condition: evt.type = execve and (big");
	for (i = 1; i < 2500; i++)
		len += (size_t)snprintf(y + len, cap - len, " or big");
	len += (size_t)snprintf(y + len, cap - len, ")\n");
	rule_diag_init(&d);
	assert_int_equal(rule_engine_load_string(e, "idx.yaml", y, len, &d), 0);
	assert_int_equal(rule_engine_compile(e, &d), -1);
	assert_int_equal(d.errors, 1);
	if (strncmp(d.msgs[0].text, "idx.yaml:8:3: error: rule 'r': condition too large after expansion (", 68) ||
	    !strstr(d.msgs[0].text, " steps for its event types, limit 2000000 for all rules)"))
		fail_msg("got '%s'", d.msgs[0].text);
	assert_int_equal(match_text(e, "evt.type=execve proc.name=a", &(struct matches){ "" }), 0);
	free(y);
	rule_diag_free(&d);
	rule_engine_free(e);
}

int main(int argc, char **argv)
{
	static const struct CMUnitTest api[] = {
		cmocka_unit_test(test_match_does_not_allocate),
		cmocka_unit_test(test_value_cache),
		cmocka_unit_test(test_volatile_not_cached),
		cmocka_unit_test(test_shared_checks),
		cmocka_unit_test(test_type_index),
		cmocka_unit_test(test_event_types),
		cmocka_unit_test(test_priority_names),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_null_ops),
		cmocka_unit_test(test_recompile),
		cmocka_unit_test(test_listing),
		cmocka_unit_test(test_macro_chain_linear),
		cmocka_unit_test(test_index_limit),
	};
	struct CMUnitTest *t = NULL, *all;
	size_t nt = 0;
	struct dirent **ents;
	int n, i, fails;

	rules_dir = rule_tests_dir(argc, argv, &ents, &n);
	if (!rules_dir)
		return 1;
	for (i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name);
		char *path;

		if (len > 5 && !strcmp(ents[i]->d_name + len - 5, ".test") &&
		    asprintf(&path, "%s/%s", rules_dir, ents[i]->d_name) > 0)
			load_test_file(path, &t, &nt);
		free(ents[i]);
	}
	free(ents);
	/* one group, so the TAP stream has one plan */
	all = calloc(nt + sizeof(api) / sizeof(api[0]), sizeof(*all));
	memcpy(all, api, sizeof(api));
	if (nt)
		memcpy(all + sizeof(api) / sizeof(api[0]), t, nt * sizeof(*t));
	fails = _cmocka_run_group_tests("rule_engine", all, nt + sizeof(api) / sizeof(api[0]), NULL, NULL);
	free(all);
	for (i = 0; i < (int)nt; i++) {
		struct cblock *b = t[i].initial_state;

		free(b->lines);
		free(b->lineno);
		free(b);
	}
	free(t);
	while (nowned)
		free(owned[--nowned]);
	free(owned);
	return fails ? 1 : 0;
}
