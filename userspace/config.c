/* SPDX-License-Identifier: GPL-2.0-only */
/* config.c - typed configuration keys, loaded from YAML with line and column in errors. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "config.h"
#include "rules_select.h"

enum ctype { CT_BOOL, CT_UINT, CT_DOUBLE, CT_STR, CT_STRLIST, CT_RULESEL };

struct ckey {
	const char *name;	/* dotted path */
	enum ctype type;
	size_t off;
	double min, max;	/* numbers only */
	const char *desc;
};

#define K(n, t, m, lo, hi, d) { n, t, offsetof(struct config, m), lo, hi, d }

static const struct ckey keys[] = {
	K("rules_files", CT_STRLIST, rules_files, 0, 0,
	  "rules files and directories (their files in name order), loaded in order"),
	K("rules_file", CT_STRLIST, rules_files, 0, 0, "the same (Falco's older name)"),
	K("rules", CT_RULESEL, rules_select, 0, 0,
	  "enable/disable rules by name or tag (globs), in order, after loading"),
	K("watch_config_files", CT_BOOL, watch_config_files, 0, 0,
	  "reload when the configuration or a rules file or directory changes"),
	K("json_output", CT_BOOL, json_output, 0, 0, "JSON (true) or one text line per event/alert"),
	K("json_include_output_property", CT_BOOL, json_include_output_property, 0, 0,
	  "include the rendered output line in JSON alerts"),
	K("priority", CT_STR, priority, 0, 0, "minimum priority of alerts printed"),
	K("driver", CT_STR, driver, 0, 0,
	  "kmod, bpf or auto (the module if present or loadable, else eBPF); read at start"),
	K("buffer_size", CT_UINT, buffer_size, 262144, 1 << 30, "ring bytes per CPU (power of two)"),
	K("snaplen", CT_UINT, snaplen, 64, 16383, "bytes kept of a path, argv or buffer"),
	K("syscall_event_drops.threshold", CT_DOUBLE, drop_threshold, 0, 1,
	  "fraction of events dropped in an interval that raises the drop alert"),
	K("syscall_event_drops.interval", CT_UINT, drop_interval, 1, 3600, "seconds between drop checks"),
	K("stats_interval", CT_UINT, stats_interval, 0, 86400, "seconds between stats lines on stderr, 0: at exit only"),
	K("stdout_output.enabled", CT_BOOL, stdout_enabled, 0, 0, "print alerts on stdout"),
	K("file_output.enabled", CT_BOOL, file_enabled, 0, 0, "append alerts to a file"),
	K("file_output.filename", CT_STR, file_name, 0, 0, "the file (reopened on SIGHUP)"),
	K("file_output.keep_alive", CT_BOOL, file_keep_alive, 0, 0, "keep the file open between alerts"),
	K("syslog_output.enabled", CT_BOOL, syslog_enabled, 0, 0, "send alerts to syslog"),
	K("http_output.enabled", CT_BOOL, http_enabled, 0, 0, "POST each alert as JSON"),
	K("http_output.url", CT_STR, http_url, 0, 0, "where to POST (falcosidekick-compatible)"),
	K("http_output.user_agent", CT_STR, http_user_agent, 0, 0, "User-Agent header (empty: shrike/VERSION)"),
	K("http_output.insecure", CT_BOOL, http_insecure, 0, 0, "https: do not verify the collector's certificate"),
	K("http_output.ca_cert", CT_STR, http_ca_cert, 0, 0, "https: CA file to verify the collector (empty: the system's)"),
	K("http_output.ca_bundle", CT_STR, http_ca_bundle, 0, 0, "https: CA bundle file, when ca_cert is empty"),
	K("http_output.ca_path", CT_STR, http_ca_path, 0, 0, "https: directory of CA certificates"),
	K("http_output.mtls", CT_BOOL, http_mtls, 0, 0, "https: authenticate with client_cert and client_key"),
	K("http_output.client_cert", CT_STR, http_client_cert, 0, 0, "mtls: the client certificate (PEM)"),
	K("http_output.client_key", CT_STR, http_client_key, 0, 0, "mtls: its private key (PEM)"),
	K("http_output.queue_size", CT_UINT, http_queue, 1, 1 << 20, "alerts waiting for delivery in memory at most"),
	K("http_output.max_retries", CT_UINT, http_retries, 0, 100, "attempts per alert after the first"),
	K("http_output.spool_dir", CT_STR, http_spool_dir, 0, 0,
	  "keep alerts here while the collector is away (empty: no spool)"),
	K("http_output.spool_max_bytes", CT_UINT, http_spool_max_bytes, 65536, 1ull << 40,
	  "the spool's size at most; when full, new alerts are dropped"),
	K("program_output.enabled", CT_BOOL, program_enabled, 0, 0, "write alerts to a program's stdin"),
	K("program_output.keep_alive", CT_BOOL, program_keep_alive, 0, 0,
	  "one long-lived program (else one per alert)"),
	K("program_output.program", CT_STR, program, 0, 0, "the program, run with sh -c"),
	K("program_output.queue_size", CT_UINT, program_queue, 1, 1 << 20,
	  "alerts waiting for the program at most; beyond, dropped"),
	K("hostname", CT_STR, hostname, 0, 0, "hostname in alerts (empty: the system's)"),
	/* the web server (web/): read at start, a SIGHUP does not move it */
	K("webserver.enabled", CT_BOOL, web_enabled, 0, 0, "serve /healthz and /metrics over HTTP"),
	K("webserver.listen_address", CT_STR, web_address, 0, 0, "numeric address to listen on (default 127.0.0.1)"),
	K("webserver.listen_port", CT_UINT, web_port, 1, 65535, "TCP port to listen on"),
	K("webserver.healthz_endpoint", CT_STR, web_healthz, 0, 0, "path of the health check"),
	K("webserver.prometheus_metrics_enabled", CT_BOOL, web_metrics, 0, 0,
	  "serve Prometheus metrics at /metrics"),
	K("webserver.threadiness", CT_UINT, web_threads, 0, 16, "threads answering requests (0: one)"),
	K("webserver.healthz_stall_seconds", CT_UINT, web_stall_s, 1, 3600,
	  "unhealthy when the event loop made no pass for this long"),
	K("webserver.healthz_output_failing_seconds", CT_UINT, web_output_fail_s, 1, 86400,
	  "unhealthy when an output has failed for this long"),
	K("metrics.enabled", CT_BOOL, metrics_enabled, 0, 0, "emit a metrics snapshot every interval"),
	K("metrics.interval", CT_UINT, metrics_interval, 1, 86400, "seconds between metrics snapshots"),
	K("metrics.output_rule", CT_BOOL, metrics_output_rule, 0, 0,
	  "send the snapshot as the internal alert 'Falco internal: metrics snapshot'"),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fprintf(stderr, "shrike: out of memory\n");
		exit(1);
	}
	return d;
}

static void set_string(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->json_output = 1;
	c->json_include_output_property = 1;
	c->priority = xstrdup("debug");
	c->driver = xstrdup("auto");
	c->buffer_size = 8u << 20;
	c->snaplen = 4096;
	c->drop_threshold = 0.1;
	c->drop_interval = 1;
	c->stdout_enabled = 1;
	c->file_name = xstrdup("/var/log/shrike/events.json");
	c->file_keep_alive = 1;
	c->http_url = xstrdup("http://127.0.0.1:2801/");
	c->http_user_agent = xstrdup("");
	c->http_ca_cert = xstrdup("");
	c->http_ca_bundle = xstrdup("");
	c->http_ca_path = xstrdup("");
	c->http_client_cert = xstrdup("");
	c->http_client_key = xstrdup("");
	c->http_queue = 1024;
	c->http_retries = 3;
	c->http_spool_dir = xstrdup("");
	c->http_spool_max_bytes = 64u << 20;
	c->hostname = xstrdup("");
	c->web_address = xstrdup("127.0.0.1");
	c->web_port = 8765;
	c->web_healthz = xstrdup("/healthz");
	c->web_stall_s = 10;
	c->web_output_fail_s = 60;
	c->metrics_interval = 900;
	c->metrics_output_rule = 1;
	c->watch_config_files = 1;
	c->program = xstrdup("");
	c->program_queue = 1024;
}

static void clear_rules(struct config *c)
{
	size_t i;

	for (i = 0; i < c->n_rules_files; i++)
		free(c->rules_files[i]);
	c->n_rules_files = 0;
}

void config_free(struct config *c)
{
	size_t i;

	clear_rules(c);
	rules_select_free(&c->rules_select);
	for (i = 0; i < NKEYS; i++)
		if (keys[i].type == CT_STR)
			free(*(char **)((char *)c + keys[i].off));
	memset(c, 0, sizeof(*c));
}

static const struct ckey *find_key(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (!strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* Set a scalar key from text; msg says why not. */
static int set_scalar(struct config *c, const struct ckey *k, const char *v, const char **msg)
{
	char *slot = (char *)c + k->off;
	char *end;

	switch (k->type) {
	case CT_BOOL:
		if (parse_bool(v, (int *)slot)) {
			*msg = "expected true or false";
			return -1;
		}
		return 0;
	case CT_UINT: {
		unsigned long long n;

		errno = 0;
		n = strtoull(v, &end, 0);
		if (errno || end == v || *end || v[0] == '-' || n < k->min || n > k->max) {
			*msg = "expected a whole number in range";
			return -1;
		}
		*(uint64_t *)slot = n;
		return 0;
	}
	case CT_DOUBLE: {
		double d;

		errno = 0;
		d = strtod(v, &end);
		if (errno || end == v || *end || isnan(d) || d < k->min || d > k->max) {
			*msg = "expected a number in range";
			return -1;
		}
		*(double *)slot = d;
		return 0;
	}
	case CT_STR:
		set_string((char **)slot, v);
		return 0;
	case CT_STRLIST:
		clear_rules(c);
		c->rules_files[c->n_rules_files++] = xstrdup(v);
		return 0;
	case CT_RULESEL:
		*msg = "expected rules[].enable.rule=NAME (or .tag, or disable)";
		return -1;
	}
	*msg = "unsupported type";
	return -1;
}

static void errf(char *err, size_t len, const char *path, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int w = snprintf(err, len, "%s:%zu:%zu: ", path, n ? n->start_mark.line + 1 : 0,
			 n ? n->start_mark.column + 1 : 0);

	va_start(ap, fmt);
	if (w >= 0 && (size_t)w < len)
		vsnprintf(err + w, len - (size_t)w, fmt, ap);
	va_end(ap);
}

static int load_list(struct config *c, yaml_document_t *doc, yaml_node_t *n, const char *name,
		     const char *path, char *err, size_t errlen)
{
	yaml_node_item_t *it;

	if (n->type == YAML_SCALAR_NODE) {
		const char *msg = NULL;

		return set_scalar(c, find_key("rules_file"), (const char *)n->data.scalar.value, &msg);
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		errf(err, errlen, path, n, "%s: expected a list of files", name);
		return -1;
	}
	clear_rules(c);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(doc, *it);

		if (!item || item->type != YAML_SCALAR_NODE) {
			errf(err, errlen, path, item, "%s: expected a file name", name);
			return -1;
		}
		if (c->n_rules_files == CONFIG_MAX_RULES_FILES) {
			errf(err, errlen, path, item, "%s: more than %d files", name, CONFIG_MAX_RULES_FILES);
			return -1;
		}
		c->rules_files[c->n_rules_files++] = xstrdup((const char *)item->data.scalar.value);
	}
	return 0;
}

static int load_mapping(struct config *c, yaml_document_t *doc, yaml_node_t *map, const char *prefix,
			const char *path, char *err, size_t errlen)
{
	yaml_node_pair_t *p;

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(doc, p->value);
		const struct ckey *k;
		char name[256];
		const char *msg = NULL;

		if (!kn || !vn || kn->type != YAML_SCALAR_NODE) {
			errf(err, errlen, path, kn, "expected a key");
			return -1;
		}
		if ((size_t)snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "." : "",
				     (const char *)kn->data.scalar.value) >= sizeof(name)) {
			errf(err, errlen, path, kn, "key too long");
			return -1;
		}
		k = find_key(name);
		if (vn->type == YAML_MAPPING_NODE && !k) {
			if (load_mapping(c, doc, vn, name, path, err, errlen))
				return -1;
			continue;
		}
		if (!k) {
			errf(err, errlen, path, kn, "unknown key '%s'", name);
			return -1;
		}
		if (k->type == CT_STRLIST) {
			if (load_list(c, doc, vn, name, path, err, errlen))
				return -1;
			continue;
		}
		if (k->type == CT_RULESEL) {
			if (rules_select_load_yaml(&c->rules_select, doc, vn, path, err, errlen))
				return -1;
			continue;
		}
		if (vn->type != YAML_SCALAR_NODE) {
			errf(err, errlen, path, vn, "%s: expected a single value", name);
			return -1;
		}
		if (set_scalar(c, k, (const char *)vn->data.scalar.value, &msg)) {
			errf(err, errlen, path, vn, "%s: %s, not '%s'", name, msg, vn->data.scalar.value);
			return -1;
		}
	}
	return 0;
}

int config_load_file(struct config *c, const char *path, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	FILE *f = fopen(path, "r");
	int ret = -1;

	if (!f) {
		snprintf(err, errlen, "cannot open configuration '%s': %s", path, strerror(errno));
		return -1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
			 parser.problem_mark.column + 1, parser.problem ? parser.problem : "invalid YAML");
		goto out_parser;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root)
		ret = 0;	/* an empty file keeps the defaults */
	else if (root->type != YAML_MAPPING_NODE)
		errf(err, errlen, path, root, "expected a mapping of keys");
	else
		ret = load_mapping(c, &doc, root, "", path, err, errlen);
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	fclose(f);
	return ret;
}

int config_set(struct config *c, const char *keyval, char *err, size_t errlen)
{
	const char *eq = strchr(keyval, '=');
	const struct ckey *k;
	const char *msg = NULL;
	char name[256];

	if (!eq || eq == keyval || (size_t)(eq - keyval) >= sizeof(name)) {
		snprintf(err, errlen, "-o expects KEY=VALUE, not '%s'", keyval);
		return -1;
	}
	memcpy(name, keyval, (size_t)(eq - keyval));
	name[eq - keyval] = '\0';
	/* Falco's append syntax: rules[].disable.rule=..., rules_files[]=... */
	if (!strncmp(name, "rules[].", 8))
		return rules_select_override(&c->rules_select, name + 8, eq + 1, err, errlen);
	if (eq - keyval > 2 && !strcmp(name + (eq - keyval) - 2, "[]"))
		name[eq - keyval - 2] = '\0';
	k = find_key(name);
	if (!k) {
		snprintf(err, errlen, "-o: unknown key '%s'", name);
		return -1;
	}
	if (k->type == CT_STRLIST) {
		/* -o rules_file=x adds a file */
		if (c->n_rules_files == CONFIG_MAX_RULES_FILES) {
			snprintf(err, errlen, "-o: too many rules files");
			return -1;
		}
		c->rules_files[c->n_rules_files++] = xstrdup(eq + 1);
		return 0;
	}
	if (set_scalar(c, k, eq + 1, &msg)) {
		snprintf(err, errlen, "-o %s: %s, not '%s'", name, msg, eq + 1);
		return -1;
	}
	return 0;
}

struct output_config config_outputs(const struct config *c)
{
	return (struct output_config){
		.json_output = c->json_output,
		.stdout_enabled = c->stdout_enabled,
		.file_enabled = c->file_enabled,
		.file_name = c->file_name,
		.file_keep_alive = c->file_keep_alive,
		.syslog_enabled = c->syslog_enabled,
		.http_enabled = c->http_enabled,
		.program_enabled = c->program_enabled,
		.program = {
			.program = c->program,
			.keep_alive = c->program_keep_alive,
			.queue_size = (size_t)c->program_queue,
		},
		.http = {
			.url = c->http_url,
			.user_agent = c->http_user_agent,
			.insecure = c->http_insecure,
			.ca_cert = c->http_ca_cert,
			.ca_bundle = c->http_ca_bundle,
			.ca_path = c->http_ca_path,
			.mtls = c->http_mtls,
			.client_cert = c->http_client_cert,
			.client_key = c->http_client_key,
			.queue_size = (size_t)c->http_queue,
			.max_retries = (unsigned)c->http_retries,
			.spool_dir = c->http_spool_dir,
			.spool_max_bytes = c->http_spool_max_bytes,
		},
	};
}

void config_describe(FILE *out)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		fprintf(out, "  %-34s %s\n", keys[i].name, keys[i].desc);
}
