/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * replay_profile.c - where replay time goes: a capture file replayed several
 * times through build/libshrike.a, each pass doing more of the daemon's
 * work, so that the difference between two passes is one stage's cost.
 *
 *   decode    event_decode() of every record, nothing else
 *   proctab   the real pipeline (pipeline_feed: decode, enter/exit join,
 *             process table) with a sink that does nothing
 *   enrich    proctab + exactly the fields from outside the event
 *             (container.*, user.*, group.name: side.h) that rule evaluation
 *             asked of each event, recorded in an untimed pass first: the
 *             enrichment part of the rules stage (enrichment is lazy)
 *   rules     proctab + rule_engine_match() with the daemon's alert
 *             function (daemon_alert: JSON rendered, written to stdout),
 *             each alert timed on its own: the alerts stage is that sum,
 *             the rules stage the rest of the pass over proctab
 *   output    the daemon's own sink (daemon_on_event): what `shrike -e`
 *             does; the same work as the rules pass but for the clock
 *             reads around alerts, shown beside the table as a check
 *
 * Timing whole passes rather than each event keeps the clock out of the
 * measurement (alerts are rare, and each costs microseconds: a clock read
 * pair around one is noise). The passes run in turns, REPEAT rounds; each
 * stage's fastest pass counts, and the alerts of that same pass.
 *
 * usage: replay_profile [-n REPEAT] FILE [RULES...]
 * Output on stderr: "stage <name> <seconds> <ns per event>" lines (decode,
 * proctab, enrich, rules, output: whole passes; alerts: the alerts' own time
 * in the fastest rules pass) and "records N events N alerts N checksum N";
 * alerts go to stdout in the rules and output passes (redirect it).
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

enum stage { ST_RECORD, ST_DECODE, ST_PROCTAB, ST_ENRICH, ST_RULES, ST_OUTPUT, ST_N };

static const char *const stage_names[ST_N] = { "record", "decode", "proctab", "enrich", "rules",
					       "output" };

/* The enrichment fields: what comes from outside the event (side.h's). */
static const char *const enrich_fields[] = {
	"container.id", "container.name", "container.type", "container.nested",
	"container.platform", "container.project", "container.tags", "user.name",
	"user.homedir", "user.shell", "group.name", "user.loginname", "user.host_loginname",
};
#define N_ENRICH (sizeof(enrich_fields) / sizeof(enrich_fields[0]))

/* What rule evaluation extracted of those, per event: refs[at[i] .. at[i+1]) */
struct asked {
	struct rf_ref *refs;
	size_t n, cap;
	uint32_t *at;	/* events + 1 */
	size_t nat, capat;
};

struct profile {
	enum stage stage;
	struct daemon *d;
	struct rule_engine *recorder;	/* the rules again, with record_extract */
	int enrich_ids[N_ENRICH];
	struct asked asked;
	double alert_s;			/* this pass's alerts' own time */
	uint64_t records, events, alerts, sum;	/* sum: keeps extractions from being optimised out */
};

static struct profile *recording;	/* record_extract's: ops carry no context */

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 4096;
	if (*cap < need)
		*cap = need;
	p = realloc(p, *cap * size);
	if (!p) {
		fprintf(stderr, "replay_profile: out of memory\n");
		exit(1);
	}
	return p;
}

static int same_ref(const struct rf_ref *a, const struct rf_ref *b)
{
	return a->id == b->id && a->index == b->index &&
	       (a->key == b->key || (a->key && b->key && !strcmp(a->key, b->key)));
}

/* fields_rule_ops.extract, noting each enrichment field once per event */
static void record_extract(void *ctx, const void *event, const struct rf_ref *ref, struct rf_value *out)
{
	struct asked *a = &recording->asked;
	size_t i, from = a->at[a->nat - 1];

	fields_rule_ops.extract(ctx, event, ref, out);
	for (i = 0; i < N_ENRICH; i++)
		if (ref->id == recording->enrich_ids[i])
			break;
	if (i == N_ENRICH)
		return;
	for (i = from; i < a->n; i++)
		if (same_ref(&a->refs[i], ref))
			return;
	a->refs = grow(a->refs, &a->cap, a->n + 1, sizeof(*a->refs));
	a->refs[a->n++] = *ref;
}

static double now_s(void);

/* A rule matched in the rules pass: the daemon's alert, timed on its own. */
static void timed_alert(void *arg, const struct rule *r, const void *event)
{
	struct profile *pf = arg;
	double t0 = now_s();

	daemon_alert(pf->d, r, event);
	pf->alert_s += now_s() - t0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sink(struct pipeline *pl, struct sevent *ev)
{
	struct profile *pf = pl->sink_ctx;
	struct asked *a = &pf->asked;
	size_t i;

	if (pf->stage == ST_RECORD) {
		rule_engine_match(pf->recorder, ev, NULL, NULL);
		a->at = grow(a->at, &a->capat, a->nat + 1, sizeof(*a->at));
		a->at[a->nat++] = (uint32_t)a->n;
	} else if (pf->stage == ST_ENRICH && pf->events + 1 < a->nat) {
		for (i = a->at[pf->events]; i < a->at[pf->events + 1]; i++) {
			struct rf_value v;

			fields_extract(ev, &a->refs[i], &v);
			pf->sum += v.known ? v.slen : 0;
		}
	} else if (pf->stage == ST_RULES && pf->d->rules) {
		rule_engine_match(pf->d->rules, ev, timed_alert, pf);
	}
	pf->events++;
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
	pf->alert_s = 0;
	t0 = now_s();
	ret = capture_replay(&r, &cs, err, sizeof(err));
	t1 = now_s();
	fflush(stdout);
	if (pf->stage == ST_OUTPUT)
		pf->events = pf->d->pl.st.events;
	pf->alerts = pf->d->alerts;
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
	double best[ST_N], best_alert_s = 0;
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
		pf.enrich_ids[i] = fields_find(enrich_fields[i]);
		if (pf.enrich_ids[i] < 0) {
			fprintf(stderr, "replay_profile: unknown field '%s'\n", enrich_fields[i]);
			return 1;
		}
	}
	/* which enrichment fields the rules ask of each event: recorded once */
	if (d.rules) {
		struct rule_field_ops rec_ops = fields_rule_ops;

		rec_ops.extract = record_extract;
		if (!(pf.recorder = daemon_load_rules_ops(&d.cfg, 0, &rec_ops)))
			return 2;
	}
	pf.asked.at = grow(NULL, &pf.asked.capat, 1, sizeof(*pf.asked.at));
	pf.asked.at[pf.asked.nat++] = 0;
	if (pf.recorder) {
		recording = &pf;
		pf.stage = ST_RECORD;
		if (run_pass(&pf, argv[optind]) < 0)
			return 1;
		recording = NULL;
	}
	for (s = 0; s < ST_N; s++)
		best[s] = -1;
	/* the stages in turns: a disturbance of the host falls on all of them alike */
	for (k = 0; k < repeat; k++) {
		for (s = ST_DECODE; s < ST_N; s++) {
			double t;

			pf.stage = (enum stage)s;
			t = run_pass(&pf, argv[optind]);
			if (t < 0)
				return 1;
			if (best[s] < 0 || t < best[s]) {
				best[s] = t;
				if (s == ST_RULES)
					best_alert_s = pf.alert_s;
			}
		}
	}
	/* per event of the complete pipeline (the decode pass sees records only) */
	for (s = ST_DECODE; s < ST_N; s++)
		fprintf(stderr, "stage %s %.6f %.1f\n", stage_names[s], best[s],
			pf.events ? best[s] * 1e9 / (double)pf.events : 0);
	fprintf(stderr, "stage alerts %.6f %.1f\n", best_alert_s,
		pf.events ? best_alert_s * 1e9 / (double)pf.events : 0);
	fprintf(stderr, "records %" PRIu64 " events %" PRIu64 " alerts %" PRIu64 " asked %zu checksum %" PRIu64
		"\n", pf.records, pf.events, pf.alerts, pf.asked.n, pf.sum & 0xffff);
	outputs_close(d.out);
	rule_engine_free(d.rules);
	rule_engine_free(pf.recorder);
	free(pf.asked.refs);
	free(pf.asked.at);
	config_free(&d.cfg);
	return 0;

usage:
	fprintf(stderr, "usage: replay_profile [-n REPEAT] FILE [RULES...]\n");
	return 2;
}
