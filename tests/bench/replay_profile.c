/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * replay_profile.c - where replay time goes: a capture file replayed several
 * times through build/libshrike.a, each pass doing more of the daemon's
 * work, so that the difference between two passes is one stage's cost.
 *
 *   decode    event_decode() of every record, nothing else
 *   proctab   the real pipeline (pipeline_feed: decode, enter/exit join,
 *             process table) with a sink that does nothing
 *   enrich    proctab + the fields that come from outside the event
 *             (container.*, user.*, group.name), extracted once per event
 *   rules     proctab + rule_engine_match() of the loaded rules, no output;
 *             the rules extract what they need themselves (enrichment is
 *             lazy in the daemon), so enrich is measured on its own, as an
 *             upper bound of the enrichment inside this stage
 *   output    the daemon's own sink (daemon_on_event: rules, alert JSON
 *             rendered and written to stdout): what `shrike -e` does
 *
 * Timing whole passes rather than each event keeps the clock out of the
 * measurement. The passes run in turns, REPEAT rounds; each stage's
 * fastest pass counts.
 *
 * usage: replay_profile [-n REPEAT] FILE [RULES...]
 * Output on stderr: "stage <name> <seconds> <ns per event>" lines and
 * "records N events N alerts N checksum N"; alerts go to stdout in the
 * output pass only (redirect it).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "capture/capture.h"
#include "daemon.h"
#include "fields/fields.h"
#include "output/output.h"
#include "pipeline.h"
#include "enrich/proctab.h"
#include "rules/rule_engine.h"
#include "fields/side.h"

enum stage { ST_DECODE, ST_PROCTAB, ST_ENRICH, ST_RULES, ST_OUTPUT, ST_N };

static const char *const stage_names[ST_N] = { "decode", "proctab", "enrich", "rules", "output" };

/* The enrichment fields: what comes from outside the event (see side.h). */
static const char *const enrich_fields[] = {
	"container.id", "container.name", "container.type", "user.name", "user.homedir",
	"user.shell", "group.name", "user.loginname",
};
#define N_ENRICH (sizeof(enrich_fields) / sizeof(enrich_fields[0]))

struct profile {
	enum stage stage;
	struct daemon *d;
	struct rf_ref refs[N_ENRICH];
	uint64_t records, events, alerts, sum;	/* sum: keeps extractions from being optimised out */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sink(struct pipeline *pl, struct sevent *ev)
{
	struct profile *pf = pl->sink_ctx;
	size_t i;

	pf->events++;
	if (pf->stage == ST_ENRICH) {
		for (i = 0; i < N_ENRICH; i++) {
			struct rf_value v;

			fields_extract(ev, &pf->refs[i], &v);
			pf->sum += v.known ? v.slen : 0;
		}
	} else if (pf->stage == ST_RULES && pf->d->rules) {
		pf->alerts += (uint64_t)rule_engine_match(pf->d->rules, ev, NULL, NULL);
	}
}

static void on_record(void *ctx, const struct shrike_evt_hdr *rec, size_t len, uint32_t cpu)
{
	struct profile *pf = ctx;

	pf->records++;
	if (pf->stage == ST_DECODE) {
		struct sevent ev;
		const char *why;

		if (event_decode(rec, len, &ev, &why) == 0)
			pf->sum += ev.nparams;
		return;
	}
	daemon_feed(pf->d, rec, len, cpu);
}

static void on_proc(void *ctx, struct proc *p)
{
	struct profile *pf = ctx;

	proctab_insert(&pf->d->pl.procs, p);
}

static void on_side(void *ctx, uint32_t pid, const char *const *values, uint32_t n)
{
	(void)ctx;
	side_replay_set(pid, values, n);
}

/* One pass over the file at one stage, from a fresh pipeline; seconds or -1. */
static double run_pass(struct profile *pf, const char *path)
{
	struct capture_sink cs = { on_record, on_proc, on_side, pf };
	struct capture_reader r;
	char err[512];
	double t0, t1;
	int ret;

	if (capture_open_read(&r, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "replay_profile: %s\n", err);
		return -1;
	}
	/* the output pass is the daemon's own sink, exactly as in `shrike -e` */
	if (pf->stage == ST_OUTPUT ? pipeline_init(&pf->d->pl, daemon_on_event, pf->d) < 0
				   : pipeline_init(&pf->d->pl, sink, pf) < 0) {
		fprintf(stderr, "replay_profile: out of memory\n");
		capture_close_read(&r);
		return -1;
	}
	pf->d->pl.enrich.boot_offset_ns = r.hdr.boot_offset_ns;
	pf->d->pl.enrich.replaying = 1;
	pf->d->pl.procs.no_procfs = 1;
	pf->records = pf->events = pf->alerts = 0;
	t0 = now_s();
	ret = capture_replay(&r, &cs, err, sizeof(err));
	t1 = now_s();
	fflush(stdout);
	if (pf->stage == ST_OUTPUT) {
		pf->events = pf->d->pl.st.events;
		pf->alerts = pf->d->alerts;
	}
	pf->d->alerts = 0;
	pipeline_free(&pf->d->pl);
	side_replay_free();
	capture_close_read(&r);
	if (ret < 0) {
		fprintf(stderr, "replay_profile: %s\n", err);
		return -1;
	}
	return t1 - t0;
}

int main(int argc, char **argv)
{
	static const char *const no_rules[] = { "/dev/null" };
	struct daemon d = { 0 };
	struct profile pf = { .d = &d };
	struct output_config oc;
	double best[ST_N];
	int repeat = 3, opt, s, k;
	size_t i;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n' || (repeat = atoi(optarg)) < 1)
			goto usage;
	}
	if (optind >= argc)
		goto usage;
	/* the rules files as -r gives them: no file means no rules, as `-r /dev/null` */
	d.cli_rules = (const char *const *)argv + optind + 1;
	d.n_cli_rules = (size_t)(argc - optind - 1);
	if (!d.n_cli_rules) {
		d.cli_rules = no_rules;
		d.n_cli_rules = 1;
	}
	if (daemon_load_config(&d) < 0)
		return 2;
	if (d.cfg.n_rules_files && !(d.rules = daemon_load_rules(&d.cfg, 0)))
		return 2;
	oc = config_outputs(&d.cfg);
	d.out = outputs_open(&oc);
	if (!d.out)
		return 1;
	for (i = 0; i < N_ENRICH; i++) {
		pf.refs[i].id = fields_find(enrich_fields[i]);
		pf.refs[i].index = -1;
		if (pf.refs[i].id < 0) {
			fprintf(stderr, "replay_profile: unknown field '%s'\n", enrich_fields[i]);
			return 1;
		}
	}
	for (s = 0; s < ST_N; s++)
		best[s] = -1;
	/* the stages in turns: a disturbance of the host falls on all of them alike */
	for (k = 0; k < repeat; k++) {
		for (s = 0; s < ST_N; s++) {
			double t;

			pf.stage = (enum stage)s;
			t = run_pass(&pf, argv[optind]);
			if (t < 0)
				return 1;
			if (best[s] < 0 || t < best[s])
				best[s] = t;
		}
	}
	/* per event of the complete pipeline (the decode pass sees records only) */
	for (s = 0; s < ST_N; s++)
		fprintf(stderr, "stage %s %.6f %.1f\n", stage_names[s], best[s],
			pf.events ? best[s] * 1e9 / (double)pf.events : 0);
	fprintf(stderr, "records %" PRIu64 " events %" PRIu64 " alerts %" PRIu64 " checksum %" PRIu64 "\n",
		pf.records, pf.events, pf.alerts, pf.sum & 0xffff);
	outputs_close(d.out);
	rule_engine_free(d.rules);
	config_free(&d.cfg);
	return 0;

usage:
	fprintf(stderr, "usage: replay_profile [-n REPEAT] FILE [RULES...]\n");
	return 2;
}
