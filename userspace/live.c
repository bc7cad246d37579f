/* live.c - the live loop: drain the rings in time order, watch drops, handle signals. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "daemon.h"
#include "live.h"
#include "log.h"
#include "output.h"
#include "proctab.h"

/* Events younger than this wait, so that a slower CPU's older events can
 * still be merged before them: output stays in timestamp order.
 */
#define MERGE_DELAY_NS	(5 * 1000 * 1000ULL)

volatile sig_atomic_t live_stop, live_hup;

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int apply_mask(struct daemon *d, struct ring_reader *r)
{
	struct shrike_syscall_mask m;

	daemon_syscall_mask(d, &m);
	if (ring_reader_set_mask(r, &m) < 0) {
		log_error("cannot select syscalls: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void live_report_stats(struct daemon *d, struct ring_reader *r, const char *what)
{
	struct shrike_counters c = { 0 };
	const struct pipeline_stats *st = &d->pl.st;
	char http[128];

	ring_reader_counters(r, &c);
	outputs_stats(http, sizeof(http));
	fprintf(stderr,
		"shrike: %s: events=%" PRIu64 " alerts=%" PRIu64 " seen=%llu dropped_full=%llu "
		"unreadable_args=%llu dropped_nested=%llu bad_records=%" PRIu64
		" enter_missing=%" PRIu64 "%s\n", what,
		st->events, d->alerts, (unsigned long long)c.n_seen, (unsigned long long)c.n_drop_full,
		(unsigned long long)c.n_fault, (unsigned long long)c.n_drop_nested,
		st->bad_records + r->corrupt, st->enter_missing, http);
}

/* Every drop_interval: alert when the share of dropped events passes the threshold. */
static void check_drops(struct daemon *d, struct ring_reader *r, struct shrike_counters *last,
			uint64_t *last_ns, uint64_t now)
{
	struct shrike_counters c;
	uint64_t drops, seen;

	if (now - *last_ns < d->cfg.drop_interval * 1000000000ull)
		return;
	if (ring_reader_counters(r, &c) < 0)
		return;
	drops = (c.n_drop_full - last->n_drop_full) + (c.n_drop_nested - last->n_drop_nested);
	seen = c.n_seen - last->n_seen;
	if (drops && seen && (double)drops / (double)seen >= d->cfg.drop_threshold)
		daemon_drop_alert(d, drops, seen, &c, (double)(now - *last_ns) / 1e9);
	*last = c;
	*last_ns = now;
}

int live_run(struct daemon *d, struct ring_reader *r, double max_seconds)
{
	uint64_t start = clock_ns(CLOCK_BOOTTIME);
	uint64_t deadline = max_seconds > 0 ? start + (uint64_t)(max_seconds * 1e9) : 0;
	uint64_t last_drop_ns = start, last_stats_ns = start;
	struct shrike_counters last = { 0 };
	int draining = 0;

	if (apply_mask(d, r) < 0)
		return -1;
	ring_reader_counters(r, &last);
	for (;;) {
		uint64_t now = clock_ns(CLOCK_BOOTTIME);
		const struct shrike_evt_hdr *rec;
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		uint64_t pending, limit;
		int timeout_ms = 100;
		uint32_t cpu;

		if (live_stop || (deadline && now >= deadline))
			draining = 1;
		if (live_hup) {
			live_hup = 0;
			daemon_reload(d);
			if (apply_mask(d, r) < 0)
				return -1;
		}
		pending = ring_reader_refresh(r);
		limit = draining ? UINT64_MAX : now - MERGE_DELAY_NS;
		if (r->oldest_pending <= limit)
			limit = r->oldest_pending - 1;
		while ((rec = ring_reader_next(r, limit, &cpu)))
			daemon_feed(d, rec, rec->len, cpu);
		fflush(stdout);
		if (ring_reader_release(r) < 0)
			return -1;
		if (draining)
			return 0;
		check_drops(d, r, &last, &last_drop_ns, now);
		if (d->cfg.stats_interval && now - last_stats_ns >= d->cfg.stats_interval * 1000000000ull) {
			live_report_stats(d, r, "stats");
			last_stats_ns = now;
		}
		if (pending)
			timeout_ms = 5;	/* young events are waiting for their merge delay */
		else if (deadline && (deadline - now) / 1000000 < (uint64_t)timeout_ms)
			timeout_ms = (int)((deadline - now) / 1000000) + 1;
		if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR) {
			log_error("poll failed: %s", strerror(errno));
			return -1;
		}
	}
}
