/* SPDX-License-Identifier: GPL-2.0-only */
/* pipeline.c - joins enter and exit records per thread and drives enrichment. */
#include <errno.h>
#include <string.h>
#include "enrich/cgroupfs.h"
#include "enrich/container.h"
#include "enrich/identity.h"
#include "lib/log.h"
#include "pipeline.h"

#define PROCTAB_MAX	(1u << 20)
#define PENDING_MAX	(1u << 18)
/*
 * How long an event waits for its deferred paths, in record time: they come
 * when its thread returns to user space, microseconds later, unless a tracer
 * stopped it there. The events read after it wait as long, behind it.
 */
#define HOLD_NS		(100ull * 1000 * 1000)

int pipeline_init(struct pipeline *pl, pipeline_sink sink, void *sink_ctx)
{
	memset(pl, 0, sizeof(*pl));
	pl->sink = sink;
	pl->sink_ctx = sink_ctx;
	if (proctab_init(&pl->procs, PROCTAB_MAX) < 0)
		return -1;
	pl->enrich.procs = &pl->procs;
	if (pending_init(&pl->pending, PENDING_MAX) < 0) {
		proctab_free(&pl->procs);
		return -1;
	}
	return 0;
}

int pipeline_enrich_host(struct pipeline *pl)
{
	struct container_config cc = { 0 };

	pl->cgroupfs = cgroupfs_new(NULL);
	if (!pl->cgroupfs)
		return -ENOMEM;
	cc.cgroupfs = pl->cgroupfs;
	pl->enrich.containers = container_new(&cc);
	if (!pl->enrich.containers)
		return -ENOMEM;
	pl->enrich.identity = identity_new(NULL);
	return pl->enrich.identity ? 0 : -ENOMEM;
}

void pipeline_free(struct pipeline *pl)
{
	identity_free(pl->enrich.identity);
	container_free(pl->enrich.containers);
	cgroupfs_free(pl->cgroupfs);
	held_free(&pl->held);
	proctab_free(&pl->procs);
	pending_free(&pl->pending);
}

static void bad_record(struct pipeline *pl, const struct shrike_evt_hdr *rec, const char *why)
{
	pl->st.bad_records++;
	/* one line per bad record would let a flood of them drown the log */
	if (pl->st.bad_records <= 10 || !(pl->st.bad_records & (pl->st.bad_records - 1)))
		log_error("skipping record of type %u: %s (%llu so far)", rec->type, why,
			  (unsigned long long)pl->st.bad_records);
}

/* The module name of [f]init_module comes from a module_load record. */
static void join_module_name(struct pipeline *pl, struct sevent *ev)
{
	const struct shrike_evt_hdr *aux = pending_take(&pl->pending, ev->tid, PENDING_MODLOAD);
	int i = schema_param_index(ev->schema, "name");
	struct sevent mod;
	const char *why;

	if (!aux || i < 0 || event_decode(aux, aux->len, &mod, &why) < 0 ||
	    mod.type != SHRIKE_EVT_MODULE_LOAD)
		return;
	ev->params[i] = mod.params[0];
}

#ifndef CLONE_NEWNS
#define CLONE_NEWNS	0x00020000
#endif

/* The mount namespace a clone or unshare made with CLONE_NEWNS, or 0. */
static uint64_t new_mntns(const struct sevent *ev)
{
	switch (ev->type) {
	case SHRIKE_EVT_CLONE:
	case SHRIKE_EVT_CLONE3:
		/* the parent's record, with the child's identity */
		if (ev->has_ctx && ev->ctx.pid != ev->pid && sparam_s64(&ev->params[SHRIKE_P_CLONE_RES]) > 0 &&
		    (sparam_u64(&ev->params[SHRIKE_P_CLONE_FLAGS]) & CLONE_NEWNS))
			return ev->ctx.mntns;
		break;
	case SHRIKE_EVT_UNSHARE:
		if (ev->has_ctx && sparam_s64(&ev->params[0]) == 0 &&
		    (sparam_u64(&ev->params[1]) & CLONE_NEWNS))
			return ev->ctx.mntns;
		break;
	}
	return 0;
}

/* The end of an event's way: numbered, enriched, reported, and what it ends is forgotten. */
static void report(struct pipeline *pl, struct sevent *ev, uint32_t cpu)
{
	uint64_t mntns = new_mntns(ev);

	ev->num = ++pl->st.events;
	ev->cpu = cpu;
	ev->enrich = &pl->enrich;
	if (mntns)
		identity_ns_new(pl->enrich.identity, mntns);
	container_next_event(pl->enrich.containers);
	proctab_enrich(&pl->procs, ev);
	pl->sink(pl, ev);
	proctab_after(&pl->procs, ev);
	if (ev->type == SHRIKE_EVT_PROCEXIT) {
		pending_forget(&pl->pending, ev->tid);
		if (ev->has_ctx && event_group_dead(ev))
			identity_exited(pl->enrich.identity, ev->ctx.mntns, ev->pid);
	}
}

/* Report the oldest held event, with whatever of its paths came. */
static void release_oldest(struct pipeline *pl)
{
	struct held_event e;

	held_take(&pl->held, &e);
	pl->st.paths_lost += (uint64_t)e.waiting;
	report(pl, &e.ev, e.cpu);
	held_done(&e);
}

/* Report the held events, oldest first, up to the first that still waits. */
static void release_ready(struct pipeline *pl)
{
	while (held_ready(&pl->held))
		release_oldest(pl);
}

void pipeline_feed(struct pipeline *pl, const struct shrike_evt_hdr *rec, size_t avail,
		   uint32_t cpu)
{
	struct sevent ev;
	const char *why = NULL;
	uint32_t tid;

	pl->st.records++;
	/* decoded once, when its exit joins it */
	if (event_is_enter(rec, avail, &tid)) {
		pending_put(&pl->pending, tid, PENDING_ENTER, rec);
		return;
	}
	if (event_decode(rec, avail, &ev, &why) < 0) {
		bad_record(pl, rec, why);
		return;
	}
	if (ev.type == SHRIKE_EVT_PATH) {
		if (held_fill(&pl->held, &ev, &pl->st.paths_deferred) == 0)
			release_ready(pl);
		return;
	}
	if (pl->held.n) {
		/* its thread went on (or exited) without the rest of its paths */
		held_close(&pl->held, ev.tid);
		/* releases what is ready, the closed event among them, and what aged */
		pipeline_expire(pl, ev.ts);
	}
	if (ev.type == SHRIKE_EVT_MODULE_LOAD) {
		pending_put(&pl->pending, ev.tid, PENDING_MODLOAD, rec);
		return;
	}
	if (ev.schema->n_enter) {
		const struct shrike_evt_hdr *enter = pending_take(&pl->pending, ev.tid, PENDING_ENTER);

		if (!enter) {
			pl->st.enter_missing++;
		} else if (enter->type != (ev.type | ev.flags | SHRIKE_EVT_ENTER)) {
			/*
			 * The enter of this thread's previous syscall, whose exit
			 * never came (a full ring dropped it; this exit's own
			 * enter went the same way): a loss the drop counters
			 * already report, not a bad record.
			 */
			pl->st.enter_missing++;
		} else if (event_merge_enter(enter, enter->len, &ev, &why) < 0) {
			bad_record(pl, enter, why);
			pl->st.enter_missing++;
		}
	}
	if (ev.type == SHRIKE_EVT_INIT_MODULE || ev.type == SHRIKE_EVT_FINIT_MODULE)
		join_module_name(pl, &ev);
	/*
	 * Behind a held event, or one itself (ev.deferred is counted while
	 * decoding: no parameter walk for the common event): held, in order.
	 */
	if (pl->held.n || (ev.deferred && held_waiting(&ev))) {
		if (pl->held.n == HELD_MAX) {
			release_oldest(pl);
			release_ready(pl);
		}
		if (held_put(&pl->held, &ev, cpu) == 0)
			return;
		/* out of memory: reported now, out of order, the deferred paths unknown */
	}
	report(pl, &ev, cpu);
}

void pipeline_expire(struct pipeline *pl, uint64_t now_ts)
{
	while (pl->held.n && (held_ready(&pl->held) || held_oldest_ts(&pl->held) + HOLD_NS < now_ts))
		release_oldest(pl);
}

void pipeline_flush(struct pipeline *pl)
{
	while (pl->held.n)
		release_oldest(pl);
}
