/* SPDX-License-Identifier: GPL-2.0-only */
/* config.h - the daemon's configuration: YAML file, built-in defaults, -o overrides. */
#ifndef SHRIKE_CONFIG_H
#define SHRIKE_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "output/output.h"
#include "rules_select.h"

#define CONFIG_DEFAULT_FILE "/etc/shrike/shrike.yaml"
#define CONFIG_MAX_RULES_FILES 64

struct config {
	char *rules_files[CONFIG_MAX_RULES_FILES];
	size_t n_rules_files;
	int json_output;		/* 0: one readable text line per event/alert */
	int json_include_output_property;
	char *priority;			/* minimum priority of alerts printed */
	char *driver;			/* "kmod", "bpf", "auto" (checked); read at start */
	uint64_t buffer_size;		/* ring bytes per CPU (checked); eBPF: times CPUs */
	uint64_t snaplen;		/* bytes kept of strings and argv */
	double drop_threshold;		/* fraction dropped in an interval that raises the drop alert */
	uint64_t drop_interval;		/* seconds between drop checks */
	uint64_t stats_interval;	/* seconds between stats lines, 0: only at exit */
	int stdout_enabled;
	int file_enabled;
	char *file_name;
	int file_keep_alive;
	int syslog_enabled;
	int http_enabled;
	char *http_url;
	char *http_user_agent;		/* empty: shrike/VERSION */
	int http_insecure;
	char *http_ca_cert, *http_ca_bundle, *http_ca_path;
	int http_mtls;
	char *http_client_cert, *http_client_key;
	uint64_t http_queue;		/* alerts waiting for delivery at most */
	uint64_t http_retries;
	char *http_spool_dir;		/* empty: no spool */
	uint64_t http_spool_max_bytes;
	char *hostname;			/* empty: gethostname() */
	/* webserver: /healthz and /metrics (web/); read at start only */
	int web_enabled;
	char *web_address;		/* numeric IPv4 or IPv6 address */
	uint64_t web_port;
	char *web_healthz;		/* the health endpoint's path */
	int web_metrics;		/* serve /metrics */
	uint64_t web_threads;		/* 0: one */
	uint64_t web_stall_s;		/* healthz: the event loop made no pass for this long */
	uint64_t web_output_fail_s;	/* healthz: an output has failed for this long */
	/* metrics: a periodic snapshot as an internal alert (Falco's metrics.output_rule) */
	int metrics_enabled;
	uint64_t metrics_interval;	/* seconds */
	int metrics_output_rule;
	struct rules_select_list rules_select;	/* rules: enable/disable steps, in order */
	int watch_config_files;		/* reload on changes (watch.c) */
	int program_enabled;
	int program_keep_alive;
	char *program;			/* sh -c PROGRAM */
	uint64_t program_queue;		/* alerts waiting for it at most */
};

/* Built-in defaults. */
void config_defaults(struct config *c);
void config_free(struct config *c);
/*
 * Load a YAML file over c. Errors are written to err as
 * "file:line:col: message"; returns 0 or -1.
 */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);
/*
 * Apply one -o key=value (dotted keys, e.g. syscall_event_drops.threshold=0.2;
 * Falco's appends rules[].enable.rule=PATTERN and rules_files[]=PATH).
 */
int config_set(struct config *c, const char *keyval, char *err, size_t errlen);
/* The outputs' part of c (its strings still c's). */
struct output_config config_outputs(const struct config *c);
/* Print every key with its current value (for --help / docs). */
void config_describe(FILE *out);

#endif /* SHRIKE_CONFIG_H */
