/* SPDX-License-Identifier: GPL-2.0-only */
/* live.c - the live loop: drain the driver in time order, watch drops, handle signals. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "daemon.h"
#include "live.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "metrics_feed.h"
#include "output/output.h"
#include "enrich/proctab.h"
#include "reload.h"

/* Events younger than this wait, so that a slower CPU's older events can
 * still be merged before them: output stays in timestamp order.
 */
#define MERGE_DELAY_NS	(5 * 1000 * 1000ULL)
/* The shortest sleep between two passes while events wait to age. */
#define MIN_BATCH_NS	(2 * 1000 * 1000ULL)

volatile sig_atomic_t live_stop, live_hup;

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int apply_mask(struct daemon *d, struct source *r)
{
	struct shrike_syscall_mask m;

	daemon_syscall_mask(d, &m);
	if (source_set_mask(r, &m) < 0) {
		log_error("cannot select syscalls: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void live_report_stats(struct daemon *d, struct source *r, const char *what)
{
	struct shrike_counters c = { 0 };
	const struct pipeline_stats *st = &d->pl.st;
	char http[512];

	source_counters(r, &c);
	outputs_stats(http, sizeof(http));
	fprintf(stderr,
		"shrike: %s: events=%" PRIu64 " alerts=%" PRIu64 " seen=%llu dropped_full=%llu "
		"unreadable_args=%llu dropped_nested=%llu dropped_noring=%llu bad_records=%" PRIu64
		" enter_missing=%" PRIu64 " paths_deferred=%" PRIu64 " paths_lost=%" PRIu64
		" pids_reused=%" PRIu64 " argv_dropped=%" PRIu64 "%s\n",
		what,
		st->events, d->alerts, (unsigned long long)c.n_seen, (unsigned long long)c.n_drop_full,
		(unsigned long long)c.n_fault, (unsigned long long)c.n_drop_nested,
		(unsigned long long)c.n_drop_noring,
		st->bad_records + source_corrupt(r), st->enter_missing, st->paths_deferred, st->paths_lost,
		d->pl.procs.pids_reused, d->pl.procs.args_dropped, http);
}

/*
 * The drop check. Counters are read every DROP_POLL_NS over a window of at
 * most drop_interval: an alert as soon as the window's share of dropped
 * events passes the threshold (a flood is news within DROP_POLL_NS, not at
 * the end of the interval), then at most one alert per drop_interval.
 */
#define DROP_POLL_NS	(100 * 1000 * 1000ULL)

struct drop_watch {
	struct shrike_counters base;	/* at the window's start */
	uint64_t since_ns;		/* the window's start */
	uint64_t polled_ns, alerted_ns;
	uint64_t total, noted_ns;	/* note_drops(): all drops so far, and when looked */
};

static uint64_t drops_of(const struct shrike_counters *c)
{
	return c->n_drop_full + c->n_drop_nested + c->n_drop_noring;
}

/*
 * Records were dropped since the last look: the process table may now hold
 * a dead process whose pid was reused (its exit and the newcomer's fork and
 * exec lost), so every entry is checked against /proc once, at its next
 * event (proctab's drop epoch). Looked at before each pass over the rings,
 * so that the events read after a drop are already checked.
 */
static void note_drops(struct daemon *d, struct source *r, struct drop_watch *w, uint64_t now)
{
	struct shrike_counters c;

	/* under a flood, a new epoch (a /proc read per process) ten times a second at most */
	if (now - w->noted_ns < DROP_POLL_NS)
		return;
	w->noted_ns = now;
	if (source_counters(r, &c) < 0 || drops_of(&c) == w->total)
		return;
	w->total = drops_of(&c);
	d->pl.procs.drop_epoch++;
}

static void check_drops(struct daemon *d, struct source *r, struct drop_watch *w, uint64_t now)
{
	uint64_t interval = d->cfg.drop_interval * 1000000000ull;
	struct shrike_counters c;
	uint64_t drops, seen;

	if (now - w->polled_ns < DROP_POLL_NS)
		return;
	w->polled_ns = now;
	if (source_counters(r, &c) < 0)
		return;
	/* a CPU came online since: its ring is there to read */
	source_grow(r, &c);
	drops = (c.n_drop_full - w->base.n_drop_full) + (c.n_drop_nested - w->base.n_drop_nested) +
		(c.n_drop_noring - w->base.n_drop_noring);
	seen = c.n_seen - w->base.n_seen;
	if (drops && seen && (double)drops / (double)seen >= d->cfg.drop_threshold &&
	    (!w->alerted_ns || now - w->alerted_ns >= interval)) {
		daemon_drop_alert(d, drops, seen, &c, (double)(now - w->since_ns) / 1e9);
		w->alerted_ns = now;
	} else if (now - w->since_ns < interval) {
		return;		/* keep counting in this window */
	}
	w->base = c;
	w->since_ns = now;
}

/*
 * How long to wait before the next pass. Events already read but younger
 * than the merge delay cannot be released before they age, and nothing that
 * arrives meanwhile is older: sleep until then instead of polling, since the
 * device reports "ready" as long as any record is unread (a poll would spin).
 */
static int wait_for_events(struct source *r, uint64_t deadline)
{
	uint64_t now = clock_ns(CLOCK_BOOTTIME);
	uint64_t oldest = source_oldest(r);
	struct pollfd pfd = { .fd = source_pollfd(r), .events = POLLIN };
	int timeout_ms = 100;

	if (oldest != UINT64_MAX) {
		uint64_t due = oldest + MERGE_DELAY_NS;
		struct timespec ts = { 0, 200 * 1000 };	/* a record still being written */

		/*
		 * Not sooner than MIN_BATCH_NS: waking for each record as it ages
		 * would cost a context switch per few records. The extra latency
		 * is bounded by it.
		 */
		if (r->oldest_pending == UINT64_MAX) {
			uint64_t wait = due > now ? due - now : 0;

			if (wait < MIN_BATCH_NS)
				wait = MIN_BATCH_NS;
			if (wait > MERGE_DELAY_NS)
				wait = MERGE_DELAY_NS;
			ts.tv_nsec = (long)wait;
		}
		nanosleep(&ts, NULL);	/* EINTR: a signal to look at */
		return 0;
	}
	if (deadline && (deadline - now) / 1000000 < (uint64_t)timeout_ms)
		timeout_ms = (int)((deadline - now) / 1000000) + 1;
	if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR) {
		log_error("poll failed: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Records fed between two releases and looks at the drop counters, in a long drain. */
#define DRAIN_CLOCK_EVERY	256

int live_run(struct daemon *d, struct source *r, double max_seconds)
{
	uint64_t start = clock_ns(CLOCK_BOOTTIME);
	uint64_t deadline = max_seconds > 0 ? start + (uint64_t)(max_seconds * 1e9) : 0;
	uint64_t last_stats_ns = start;
	struct drop_watch drops = { .since_ns = start, .polled_ns = start };
	int draining = 0;

	if (apply_mask(d, r) < 0)
		return -1;
	source_counters(r, &drops.base);
	drops.total = drops_of(&drops.base);
	for (;;) {
		uint64_t now = clock_ns(CLOCK_BOOTTIME);
		const struct shrike_evt_hdr *rec;
		unsigned int fed = 0;
		uint64_t limit;
		uint32_t cpu;

		if (live_stop || (deadline && now >= deadline))
			draining = 1;
		/* a reload compiles in its own thread; its result is swapped in here */
		if (reload_tick(d, &live_hup) && apply_mask(d, r) < 0)
			return -1;
		source_refresh(r);
		note_drops(d, r, &drops, now);
		limit = draining ? UINT64_MAX : now - MERGE_DELAY_NS;
		if (r->oldest_pending <= limit)
			limit = r->oldest_pending - 1;
		while ((rec = source_next(r, limit, &cpu))) {
			daemon_feed(d, rec, rec->len, cpu);
			/*
			 * Under a flood one drain can take seconds: hand space back
			 * to the producers as we go, and drops are news now.
			 */
			if (++fed % DRAIN_CLOCK_EVERY)
				continue;
			if (source_release(r) < 0)
				return -1;
			if (!draining)
				check_drops(d, r, &drops, clock_ns(CLOCK_BOOTTIME));
			metrics_feed_tick(d, r, mono_ns());	/* a long drain is progress too */
		}
		/* everything up to limit is in: a deferred path older than that is not coming */
		if (draining)
			pipeline_flush(&d->pl);
		else
			pipeline_expire(&d->pl, limit);
		fflush(stdout);
		if (source_release(r) < 0)
			return -1;
		if (draining)
			return 0;
		now = clock_ns(CLOCK_BOOTTIME);
		check_drops(d, r, &drops, now);
		metrics_feed_tick(d, r, mono_ns());	/* the heartbeat: at least every 100 ms, idle or not */
		if (d->cfg.stats_interval && now - last_stats_ns >= d->cfg.stats_interval * 1000000000ull) {
			live_report_stats(d, r, "stats");
			last_stats_ns = now;
		}
		if (wait_for_events(r, deadline) < 0)
			return -1;
	}
}
