/* SPDX-License-Identifier: GPL-2.0-only */
/* main.c - the shrike daemon: options, then configure → load rules → open → scan → loop → report. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "enrich/container.h"
#include "daemon.h"
#include "fields/fields.h"
#include "enrich/identity.h"
#include "live.h"
#include "lib/log.h"
#include "output/output.h"
#include "reload.h"
#include "replay.h"
#include "input/ring.h"
#include "rules/rule_engine.h"
#include "input/schema.h"

struct env {
	const char *device;
	const char *replay_file;	/* -e */
	const char *capture_file;	/* -w */
	const char *validate[CONFIG_MAX_RULES_FILES];	/* -V */
	size_t n_validate;
	const char *rules[CONFIG_MAX_RULES_FILES];	/* -r */
	size_t n_rules;
	int list_rules;			/* -L */
	int list_fields;		/* --list */
	int list_events;		/* --list-events */
	double max_seconds;		/* -M */
};

static void on_stop(int sig)
{
	(void)sig;
	live_stop = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	live_hup = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: shrike [options]\n"
		"\n"
		"Runtime security monitor for LXC hosts: reads syscall events from the shrike\n"
		"kernel module (or a capture file), enriches them with the process, its LXC\n"
		"container and its container-local user, evaluates Falco-style rules and\n"
		"prints JSON alerts on stdout.\n"
		"\n"
		"  -r FILE         load a rules file (repeatable; default: the shipped rules)\n"
		"  -c FILE         configuration YAML (default " CONFIG_DEFAULT_FILE " if present)\n"
		"  -o KEY=VALUE    override one configuration key (see below)\n"
		"  -e FILE         read events from a capture file instead of the kernel module\n"
		"  -w FILE         also write every captured raw event to a capture file\n"
		"  -A              print every enriched event as JSON (alerts too)\n"
		"  -M SECONDS      stop after this many seconds\n"
		"  -V FILE         validate a rules file and exit (repeatable)\n"
		"  -L              list the loaded rules and exit\n"
		"      --list      list every supported field and exit\n"
		"      --list-events  list every event type and its parameters (markdown) and exit\n"
		"  -D DEVICE       read from DEVICE instead of " SHRIKE_DEVICE "\n"
		"  -h, --help      show this help\n"
		"      --version   show the version\n"
		"\n"
		"Exit status: 0 success, 1 runtime failure, 2 bad usage, configuration or rules.\n"
		"Signals: SIGINT/SIGTERM stop (stats on stderr), SIGHUP reloads rules and configuration.\n"
		"\n"
		"Configuration keys:\n");
	config_describe(out);
}

static int add_arg(const char **list, size_t *n, const char *v, const char *opt)
{
	if (*n == CONFIG_MAX_RULES_FILES) {
		log_error("too many %s options", opt);
		return -1;
	}
	list[(*n)++] = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct env *env, struct daemon *d)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ "list", no_argument, NULL, 'l' },
		{ "list-events", no_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	env->device = SHRIKE_DEVICE;
	while ((c = getopt_long(argc, argv, "r:c:o:e:w:AM:V:LD:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (add_arg(env->rules, &env->n_rules, optarg, "-r"))
				return 2;
			break;
		case 'c':
			d->config_path = optarg;
			break;
		case 'o':
			d->overrides = realloc(d->overrides, (d->n_overrides + 1) * sizeof(char *));
			if (!d->overrides)
				return 1;
			d->overrides[d->n_overrides++] = optarg;
			break;
		case 'e':
			env->replay_file = optarg;
			break;
		case 'w':
			env->capture_file = optarg;
			break;
		case 'A':
			d->all_events = 1;
			break;
		case 'M':
			errno = 0;
			env->max_seconds = strtod(optarg, &end);
			if (errno || *end || env->max_seconds < 0) {
				log_error("invalid -M value '%s': expected seconds", optarg);
				return 2;
			}
			break;
		case 'V':
			if (add_arg(env->validate, &env->n_validate, optarg, "-V"))
				return 2;
			break;
		case 'L':
			env->list_rules = 1;
			break;
		case 'l':
			env->list_fields = 1;
			break;
		case 'E':
			env->list_events = 1;
			break;
		case 'D':
			env->device = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'v':
			printf("shrike %s (abi %d, rules engine %s)\n", SHRIKE_VERSION, SHRIKE_ABI_VERSION,
			       RULE_ENGINE_VERSION);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		return 2;
	}
	return 0;
}

static void list_fields(void)
{
	static const char *const type_names[] = { "string", "int64", "uint64", "bool", "ipaddr",
						  "port", "abstime", "reltime" };
	size_t n, i;
	const struct field_def *t = fields_table(&n);

	for (i = 0; i < n; i++) {
		char name[64];

		if (t[i].flags & FIELD_F_KEY)
			snprintf(name, sizeof(name), "%s.NAME, %s[N]", t[i].name, t[i].name);
		else if (t[i].flags & FIELD_F_INDEX)
			snprintf(name, sizeof(name), "%s[N]", t[i].name);
		else
			snprintf(name, sizeof(name), "%s", t[i].name);
		printf("%-28s %-8s %s\n", name, type_names[t[i].type], t[i].desc);
	}
}

/* The event table as markdown, for docs/ABI.md. */
static void list_events(void)
{
	static const char *const kinds[] = { "s64", "u64", "str", "strlist", "sockaddr", "tuple", "ctx" };
	static const char *const srcs[] = {
		"result", "argument", "string argument", "directory of a relative path", "sockaddr",
		"socket tuple", "path of an fd", "open_how.flags", "open_how.mode", "open_how.resolve",
		"caller identity", "module_load tracepoint", "msghdr.msg_name", "dedicated filler",
	};
	int t;

	printf("| type | evt.type | syscall | parameters (name: kind, from, read at) |\n|---|---|---|---|\n");
	for (t = 1; t < SHRIKE_EVT_MAX; t++) {
		const struct event_schema *sc = schema_of((uint16_t)t);
		int i;

		if (!sc)
			continue;
		printf("| %d | `%s` | %s |", t, sc->name, sc->nr >= 0 ? "yes" : "no");
		for (i = 0; i < sc->nparams; i++) {
			const struct param_schema *p = &sc->params[i];

			printf("%s`%s`: %s, %s, %s", i ? "; " : " ", p->name, kinds[p->kind],
			       p->src < sizeof(srcs) / sizeof(srcs[0]) ? srcs[p->src] : "?",
			       p->phase == SHRIKE_AT_ENTER ? "entry" : "exit");
		}
		printf(" |\n");
	}
}

static void list_rules(struct rule_engine *eng)
{
	size_t i, k;

	for (i = 0; i < rule_engine_rule_count(eng); i++) {
		struct rule_info ri;

		rule_get_info(rule_engine_rule_at(eng, i), &ri);
		printf("%s\t%s\t%s%s%s\t[", ri.name, rule_priority_name(ri.priority),
		       ri.active ? "active" : ri.enabled ? "inactive" : "disabled",
		       ri.skip_reason ? ": " : "", ri.skip_reason ? ri.skip_reason : "");
		for (k = 0; k < ri.ntags; k++)
			printf("%s%s", k ? "," : "", ri.tags[k]);
		printf("]\n");
	}
	for (i = 0; i < rule_engine_plugin_req_count(eng); i++) {
		const char *name, *version;

		if (rule_engine_plugin_req(eng, i, &name, &version) == 0)
			printf("# required plugin %s %s (plugins are not supported; accepted)\n", name, version);
	}
}

/* -V: load each file on its own, print every diagnostic; 0 or 2. */
static int validate(const struct env *env)
{
	int bad = 0;
	size_t i;

	for (i = 0; i < env->n_validate; i++) {
		struct rule_engine *eng = rule_engine_new(&fields_rule_ops);
		struct rule_diag diag;
		size_t k, active = 0;
		int err;

		rule_diag_init(&diag);
		err = rule_engine_load_file(eng, env->validate[i], &diag) < 0 ||
		      rule_engine_compile(eng, &diag) < 0;
		rule_diag_print(&diag, stderr);
		for (k = 0; k < rule_engine_rule_count(eng); k++) {
			struct rule_info ri;

			rule_get_info(rule_engine_rule_at(eng, k), &ri);
			active += ri.active != 0;
		}
		printf("%s: %s (%zu rules, %zu active, %zu errors, %zu warnings)\n", env->validate[i],
		       err ? "invalid" : "ok", rule_engine_rule_count(eng), active, diag.errors, diag.warnings);
		bad |= err;
		rule_diag_free(&diag);
		rule_engine_free(eng);
	}
	return bad ? 2 : 0;
}

static void write_snapshot(void *arg, struct proc *p)
{
	capture_write_proc(arg, p);
}

static int run_live(struct daemon *d, const struct env *env)
{
	struct ring_reader reader = { .fd = -1 };
	char err[256];
	int n, ret = 1;

	/* Rings first, then the /proc scan: a process born in between shows up
	 * in both, and the event wins; none falls in a gap.
	 */
	if (ring_reader_open(&reader, env->device, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	if (env->capture_file) {
		if (capture_open_write(&d->cap, env->capture_file, fields_boot_offset_ns,
				       reader.info.ncpus, reader.info.snaplen, err, sizeof(err)) < 0) {
			log_error("%s", err);
			goto out_close;
		}
		d->capturing = 1;
	}
	if (pipeline_enrich_host(&d->pl) < 0) {
		log_error("out of memory");
		goto out_close;
	}
	n = proctab_scan(&d->pl.procs, "/proc");
	/* place the scanned processes while they are still alive */
	container_scan(d->pl.enrich.containers, &d->pl.procs);
	identity_scan(d->pl.enrich.identity, &d->pl.procs);
	if (d->capturing) {
		proctab_foreach(&d->pl.procs, write_snapshot, &d->cap);
		d->pl.procs.from_procfs = write_snapshot;
		d->pl.procs.from_procfs_arg = &d->cap;
	}
	log_info("running: %u cpus, %d processes found in /proc", reader.info.ncpus, n);
	if (live_run(d, &reader, env->max_seconds) == 0)
		ret = 0;
	live_report_stats(d, &reader, "stats");
out_close:
	if (d->capturing && capture_close_write(&d->cap) < 0)
		ret = 1;
	ring_reader_close(&reader);
	return ret;
}

int main(int argc, char **argv)
{
	struct daemon d = { 0 };
	struct env env = { 0 };
	struct sigaction stop = { .sa_handler = on_stop }, hup = { .sa_handler = on_hup };
	struct output_config oc;
	struct timespec rt, bt;
	int ret, have_pipeline = 0;

	ret = parse_args(argc, argv, &env, &d);
	if (ret)
		goto out;
	if (env.list_fields) {
		list_fields();
		goto out;
	}
	if (env.list_events) {
		list_events();
		goto out;
	}
	if (env.n_validate) {
		ret = validate(&env);
		goto out;
	}
	if (!d.config_path && access(CONFIG_DEFAULT_FILE, F_OK) == 0)
		d.config_path = CONFIG_DEFAULT_FILE;
	d.cli_rules = env.rules;
	d.n_cli_rules = env.n_rules;
	ret = 2;
	if (daemon_load_config(&d) < 0)
		goto out;
	if (d.cfg.n_rules_files && !(d.rules = daemon_load_rules(&d.cfg, 0)))
		goto out;
	ret = 0;
	if (env.list_rules) {
		if (d.rules)
			list_rules(d.rules);
		goto out;
	}
	ret = 1;
	oc = config_outputs(&d.cfg);
	d.out = outputs_open(&oc);
	if (!d.out || pipeline_init(&d.pl, daemon_on_event, &d) < 0)
		goto out;
	have_pipeline = 1;
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGHUP, &hup, NULL);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	fields_boot_offset_ns = ((int64_t)rt.tv_sec - bt.tv_sec) * 1000000000ll + (rt.tv_nsec - bt.tv_nsec);

	if (env.replay_file)
		ret = replay_run(&d, env.replay_file);
	else
		ret = run_live(&d, &env);
out:
	/* everything freed, so that leak checkers see only real leaks */
	reload_stop(&d);
	if (have_pipeline)
		pipeline_free(&d.pl);
	outputs_close(d.out);
	outputs_shutdown();	/* queued HTTP alerts: a bounded last chance */
	rule_engine_free(d.rules);
	config_free(&d.cfg);
	free(d.overrides);
	return ret;
}
