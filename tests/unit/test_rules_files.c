/* SPDX-License-Identifier: GPL-2.0-only */
/* test_rules_files.c: rules directories become their files in byte order; hidden, backup and non-regular entries are left out; the rules: selection steps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "daemon.h"
#include "lib/log.h"
#include "rules/rule_engine.h"
#include "rules_files.h"
#include "fixture.h"

#define RULE(name, tags) \
	"- rule: " name "\n  desc: d\n  condition: evt.type = execve and proc.name = x\n" \
	"  output: o\n  priority: WARNING\n  tags: [" tags "]\n"

static int setup(void **state)
{
	char *dir = strdup("/tmp/shrike-rulesfiles-XXXXXX");

	assert_non_null(mkdtemp(dir));
	log_quiet = 1;
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	rm_tree(*state);
	free(*state);
	return 0;
}

static const char *base(const char *p)
{
	return strrchr(p, '/') + 1;
}

static void test_directory_in_byte_order(void **state)
{
	const char *dir = *state;
	char *d = at(dir, "rules.d"), *link;
	const char *paths[3];
	struct rules_files f;

	mkdirs(dir, "rules.d/sub");
	put(dir, "rules.d/b.yaml", "");
	put(dir, "rules.d/B.yaml", "");	/* 'B' < 'a' < 'b' in bytes, whatever the locale */
	put(dir, "rules.d/a.yaml", "");
	put(dir, "rules.d/10-local", "");	/* any name, as Falco: not only .yaml */
	put(dir, "rules.d/.a.yaml.swp", "");	/* an editor's swap file */
	put(dir, "rules.d/a.yaml~", "");	/* a backup */
	put(dir, "rules.d/sub/inner.yaml", "");	/* not recursive */
	put(dir, "target.yaml", "");
	link = at(dir, "rules.d/c.yaml");
	assert_int_equal(symlink("../target.yaml", link), 0);	/* a link to a file counts */
	free(link);
	link = at(dir, "rules.d/dangling.yaml");
	assert_int_equal(symlink("../none.yaml", link), 0);	/* not a regular file */
	free(link);

	paths[0] = "first.yaml";
	paths[1] = d;
	paths[2] = "/nonexistent/last.yaml";	/* kept: the loader names it */
	assert_int_equal(rules_files_expand(paths, 3, &f), 0);
	assert_int_equal(f.n, 7);
	assert_string_equal(f.v[0], "first.yaml");
	assert_string_equal(base(f.v[1]), "10-local");
	assert_string_equal(base(f.v[2]), "B.yaml");
	assert_string_equal(base(f.v[3]), "a.yaml");
	assert_string_equal(base(f.v[4]), "b.yaml");
	assert_string_equal(base(f.v[5]), "c.yaml");
	assert_string_equal(f.v[6], "/nonexistent/last.yaml");
	assert_true(!strncmp(f.v[3], d, strlen(d)) && f.v[3][strlen(d)] == '/');
	rules_files_free(&f);
	free(d);
}

static void test_trailing_slash_and_empty(void **state)
{
	const char *dir = *state;
	char *d = at(dir, "empty/"), *full;
	const char *paths[2];
	struct rules_files f;

	mkdirs(dir, "empty");
	mkdirs(dir, "one");
	put(dir, "one/r.yaml", "");
	full = at(dir, "one/");
	paths[0] = d;
	paths[1] = full;
	assert_int_equal(rules_files_expand(paths, 2, &f), 0);
	assert_int_equal(f.n, 1);	/* the empty directory adds nothing (a warning) */
	assert_string_equal(base(f.v[0]), "r.yaml");
	assert_null(strstr(f.v[0], "//"));
	rules_files_free(&f);
	free(d);
	free(full);
}

/* The rules: steps in order over the loaded rules, from the file and then -o. */
static void test_select_steps(void **state)
{
	const char *dir = *state;
	char *cfgpath = at(dir, "shrike.yaml"), *rules = at(dir, "rules.d"), err[512];
	struct daemon d = { 0 };
	struct rule_engine *eng;
	struct rule_info ri;
	const char *cli[1] = { rules };
	char *ov[] = { "rules[].enable.rule=Net*", "rules[].disable.tag=noisy" };

	mkdirs(dir, "rules.d");
	put(dir, "rules.d/10.yaml", RULE("Netcat Remote Code Execution in Container", "network, noisy")
				    RULE("Network Tool", "network") RULE("Shell", "container, shell"));
	put(dir, "rules.d/20.yaml", RULE("Write below etc", "filesystem")
				    "- rule: Off\n  desc: d\n  condition: evt.type = open\n  output: o\n"
				    "  priority: INFO\n  enabled: false\n  tags: [container]\n");
	put(dir, "shrike.yaml", "rules:\n  - disable:\n      rule: \"*\"\n  - enable:\n      tag: contain?r\n");
	d.config_path = cfgpath;
	d.cli_rules = cli;
	d.n_cli_rules = 1;
	d.overrides = ov;
	d.n_overrides = 2;
	assert_int_equal(daemon_load_config(&d), 0);
	assert_int_equal(d.cfg.rules_select.n, 4);
	eng = daemon_load_rules(&d.cfg, 0);
	assert_non_null(eng);
	assert_int_equal(rule_engine_rule_count(eng), 5);
#define ENABLED(name) (rule_get_info(rule_engine_find_rule(eng, name), &ri), ri.enabled)
	assert_false(ENABLED("Netcat Remote Code Execution in Container"));	/* enabled, then its tag disabled */
	assert_true(ENABLED("Network Tool"));
	assert_true(ENABLED("Shell"));
	assert_false(ENABLED("Write below etc"));
	assert_true(ENABLED("Off"));	/* enabled: false in the file, overridden */
	rule_engine_free(eng);
	config_free(&d.cfg);

	/* errors name the file, line and column */
	put(dir, "shrike.yaml", "json_output: true\nrules:\n  - enable:\n      name: x\n");
	config_defaults(&d.cfg);
	assert_int_equal(config_load_file(&d.cfg, cfgpath, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "shrike.yaml:4:7: rules: enable: expected rule or tag, not 'name'"));
	put(dir, "shrike.yaml", "rules:\n  - allow:\n      rule: x\n");
	assert_int_equal(config_load_file(&d.cfg, cfgpath, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "shrike.yaml:3:7: rules: expected enable or disable, not 'allow'"));
	put(dir, "shrike.yaml", "rules:\n  disable: x\n");
	assert_int_equal(config_load_file(&d.cfg, cfgpath, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "shrike.yaml:2:3: rules: expected a list"));
	assert_int_equal(config_set(&d.cfg, "rules[].drop.rule=x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected enable or disable"));
	assert_int_equal(config_set(&d.cfg, "rules=x", err, sizeof(err)), -1);
	/* both names of the rules files key; [] appends */
	assert_int_equal(config_set(&d.cfg, "rules_files[]=a.yaml", err, sizeof(err)), 0);
	assert_int_equal(config_set(&d.cfg, "rules_file=b.yaml", err, sizeof(err)), 0);
	assert_int_equal(d.cfg.n_rules_files, 2);
	assert_string_equal(d.cfg.rules_files[1], "b.yaml");
	config_free(&d.cfg);
	free(cfgpath);
	free(rules);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_directory_in_byte_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trailing_slash_and_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_select_steps, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
