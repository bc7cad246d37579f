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
#include "fields/argsyms.h"
#include "fields/fields.h"
#include "enrich/identity.h"
#include "live.h"
#include "lib/clock.h"
#include "metrics_feed.h"
#include "lib/log.h"
#include "output/output.h"
#include "reload.h"
#include "watch.h"
#include "replay.h"
#include "input/source.h"
#include "rules/rule_engine.h"
#include "input/schema.h"
#include "web/metrics.h"
#include "web/web.h"

struct env {
	const char *device;
	int device_given;		/* -D: the module's device, named */
	const char *driver;		/* --driver, over the key driver */
	const char *replay_file;	/* -e */
	const char *capture_file;	/* -w */
	const char *validate[CONFIG_MAX_RULES_FILES];	/* -V */
	size_t n_validate;
	const char *rules[CONFIG_MAX_RULES_FILES];	/* -r */
	size_t n_rules;
	int list_rules;			/* -L */
	int list_fields;		/* --list */
	int list_events;		/* --list-events */
	int list_args;			/* --list-args */
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
		"      --list-args    list the parameters evt.arg renders by name (markdown) and exit\n"
		"  -D DEVICE       read from DEVICE instead of " SHRIKE_DEVICE " (the module's)\n"
		"      --driver kmod|bpf|auto\n"
		"                  the kernel side: the module, the eBPF driver, or auto (default,\n"
		"                  key driver): the module if present or loadable, else eBPF\n"
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
		{ "list-args", no_argument, NULL, 'Y' },
		{ "driver", required_argument, NULL, 'P' },
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
		case 'Y':
			env->list_args = 1;
			break;
		case 'D':
			env->device = optarg;
			env->device_given = 1;
			break;
		case 'P': {
			enum source_driver drv;

			if (source_driver_parse(optarg, &drv) < 0) {
				log_error("invalid --driver '%s': expected kmod, bpf or auto", optarg);
				return 2;
			}
			env->driver = optarg;
			break;
		}
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

/* What a family shows beyond the number, for --list-args: the kinds that are not names from a table. */
static void list_args_meaning(const struct argsym_family *f)
{
	switch (f->kind) {
	case ARGSYM_USER:
		printf(" the user's name in the caller's own passwd; `<NA>` when it has none, "
		       "`<NONE>` for -1");
		return;
	case ARGSYM_GROUP:
		printf(" the group's name in the caller's own group file; `<NA>` when it has none, "
		       "`<NONE>` for -1");
		return;
	case ARGSYM_FD:
		if (f->fd_type)
			printf(" `<%c>` and the path its `from` parameter gives", f->fd_type);
		else
			printf(" `<4t>`, `<6u>`, `<u>`... and the fd.name of its `from` socket");
		printf("; a negative one `AT_FDCWD` (-100), else its errno name (-9: `EBADF`)");
		return;
	default:
		return;
	}
}

/*
 * The parameters evt.arg renders as Falco does, one row per family, from the
 * table the renderer uses (fields/argsyms.c), for docs/FIELDS.md.
 */
static void list_args(void)
{
	static const char *const kinds[] = {
		"flags", "enum", "number", "user name", "group name", "descriptor"
	};
	static const char *const bases[] = { "decimal", "octal", "hex" };
	const struct argsym_use *u;
	size_t n = argsym_uses(&u), i, k, j;

	printf("| parameters | renders as | names, in Falco's order |\n|---|---|---|\n");
	for (i = 0; i < n; i++) {
		const struct argsym_family *f = u[i].family;
		const char *sep = "|";

		for (k = 0; k < i && u[k].family != f; k++)
			;
		if (k < i)
			continue;	/* listed with its first use */
		for (k = i; k < n; k++) {
			if (u[k].family != f)
				continue;
			printf("%s `%s.%s`", sep, u[k].event, u[k].param);
			if (u[k].via)
				printf(" from `%s`", u[k].via);
			sep = ",";
		}
		printf(" | %s: %s, number in %s |", f->id, kinds[f->kind], bases[f->base]);
		list_args_meaning(f);
		if (f->kind == ARGSYM_NUMBER)
			printf(" none");
		for (j = 0; f->kind != ARGSYM_FD && j < f->nsyms; j++)
			printf(" `%s`", f->syms[j].name);
		if (f->unknown)
			printf(", else `%s`", f->unknown);
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

/*
 * The metrics, if the web server or the metrics snapshot alert wants them,
 * and the web server, if the configuration asks for one: it starts before the
 * events flow, so that a port in use is an error at start (exit 1), and it
 * keeps its settings until exit (a SIGHUP does not move it).
 */
static int start_web(struct daemon *d, const struct env *env, struct web **web)
{
	const struct config *c = &d->cfg;
	struct web_config wc = {
		.address = c->web_address,
		.port = (unsigned int)c->web_port,
		.healthz_path = c->web_healthz,
		.metrics = c->web_metrics,
		.threads = (unsigned int)c->web_threads,
		.health = { c->web_stall_s * 1000000000ull, c->web_output_fail_s * 1000000000ull },
	};
	char err[256];

	if (!c->web_enabled && !(c->metrics_enabled && c->metrics_output_rule))
		return 0;
	if (c->web_healthz[0] != '/') {
		log_error("webserver.healthz_endpoint must start with '/', not '%s'", c->web_healthz);
		return -1;
	}
	d->metrics = metrics_new(env->replay_file ? "replay" : "kmod");
	if (!d->metrics) {
		log_error("out of memory");
		return -1;
	}
	metrics_rules_set(d->metrics, d->rules);
	if (!c->web_enabled)
		return 0;
	*web = web_start(&wc, d->metrics, err, sizeof(err));
	if (!*web) {
		log_error("%s", err);
		return -1;
	}
	log_info("webserver: listening on %s%s%s:%u (%s%s)", strchr(c->web_address, ':') ? "[" : "",
		 c->web_address, strchr(c->web_address, ':') ? "]" : "", wc.port, c->web_healthz,
		 c->web_metrics ? ", /metrics" : "");
	return 0;
}

static void write_snapshot(void *arg, struct proc *p)
{
	capture_write_proc(arg, p);
}

static int run_live(struct daemon *d, const struct env *env)
{
	struct source_params sp = {
		.device = env->device,
		.device_given = env->device_given,
		.buffer_size = d->cfg.buffer_size,
	};
	struct source reader;
	char err[1536];
	int n, ret = 1;

	/* --driver wins over the key; both were checked when read */
	source_driver_parse(env->driver ? env->driver : d->cfg.driver, &sp.driver);
	/* Rings first, then the /proc scan: a process born in between shows up
	 * in both, and the event wins; none falls in a gap.
	 */
	if (source_open(&reader, &sp, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	if (d->metrics)
		__atomic_store_n(&d->metrics->driver, source_name(&reader), __ATOMIC_RELEASE);
	if (env->capture_file) {
		if (capture_open_write(&d->cap, env->capture_file, d->pl.enrich.boot_offset_ns,
				       reader.ncpus, reader.snaplen, err, sizeof(err)) < 0) {
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
	log_info("running: %u cpus, %d processes found in /proc", reader.ncpus, n);
	if (live_run(d, &reader, env->max_seconds) == 0)
		ret = 0;
	live_report_stats(d, &reader, "stats");
out_close:
	if (d->capturing && capture_close_write(&d->cap) < 0)
		ret = 1;
	source_close(&reader);
	return ret;
}

int main(int argc, char **argv)
{
	struct daemon d = { 0 };
	struct env env = { 0 };
	struct sigaction stop = { .sa_handler = on_stop }, hup = { .sa_handler = on_hup };
	struct output_config oc;
	struct web *web = NULL;
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
	if (env.list_args) {
		list_args();
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
	if (start_web(&d, &env, &web) < 0)
		goto out;
	reload_follow(&d);	/* watch_config_files */
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGHUP, &hup, NULL);
	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_BOOTTIME, &bt);
	d.pl.enrich.boot_offset_ns = ((int64_t)rt.tv_sec - bt.tv_sec) * 1000000000ll + (rt.tv_nsec - bt.tv_nsec);

	if (env.replay_file) {
		uint64_t t0 = mono_ns();

		ret = replay_run(&d, env.replay_file);
		if (env.max_seconds > 0)
			metrics_feed_linger(&d, t0 + (uint64_t)(env.max_seconds * 1e9), &live_stop);
	} else
		ret = run_live(&d, &env);
out:
	/* everything freed, so that leak checkers see only real leaks */
	reload_stop(&d);
	web_stop(web);		/* no request reads the metrics any more */
	metrics_free(d.metrics);
	watch_stop(d.watch);
	if (have_pipeline)
		pipeline_free(&d.pl);
	outputs_close(d.out);
	outputs_shutdown();	/* queued HTTP alerts: a bounded last chance */
	rule_engine_free(d.rules);
	config_free(&d.cfg);
	free(d.overrides);
	return ret;
}
