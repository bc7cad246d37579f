/* main.c - the shrike daemon: options, then open → configure → scan → loop → report. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <asm/unistd.h>
#include "event.h"
#include "evt_json.h"
#include "fields.h"
#include "log.h"
#include "container.h"
#include "identity.h"
#include "pipeline.h"
#include "ring.h"
#include "shrike_events.h"

/* Events younger than this wait, so that a slower CPU's older events can
 * still be merged before them: output stays in timestamp order.
 */
#define MERGE_DELAY_NS	(5 * 1000 * 1000ULL)

struct env {
	const char *device;
	int all_events;		/* -A */
	double max_seconds;	/* -M, 0 = forever */
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: shrike [options]\n"
		"\n"
		"Runtime security monitor for LXC hosts: reads syscall events from the\n"
		"shrike kernel module and prints them as JSON on stdout.\n"
		"\n"
		"  -A              print every enriched event as one JSON object per line\n"
		"  -M SECONDS      stop after this many seconds\n"
		"  -D DEVICE       read from DEVICE instead of " SHRIKE_DEVICE "\n"
		"  -h, --help      show this help\n"
		"      --version   show the version\n");
}

static int parse_args(int argc, char **argv, struct env *env)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	env->device = SHRIKE_DEVICE;
	while ((c = getopt_long(argc, argv, "AM:D:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'A':
			env->all_events = 1;
			break;
		case 'M':
			errno = 0;
			env->max_seconds = strtod(optarg, &end);
			if (errno || *end || env->max_seconds < 0) {
				log_error("invalid -M value '%s': expected seconds", optarg);
				return 2;
			}
			break;
		case 'D':
			env->device = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'v':
			printf("shrike %s (abi %d)\n", SHRIKE_VERSION, SHRIKE_ABI_VERSION);
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

static void set_mask_bit(struct shrike_syscall_mask *m, unsigned int nr)
{
	m->bits[nr / 64] |= 1ull << (nr % 64);
}

/* The syscalls the daemon needs: every one it can decode, for now. */
static int configure(struct ring_reader *r)
{
	struct shrike_syscall_mask m = { { 0 } };
	size_t i;

	for (i = 0; i < SHRIKE_N_EVENT_SPECS; i++) {
		int nr = shrike_event_specs[i].nr;

		if (nr >= 0 && nr < SHRIKE_MAX_SYSCALLS)
			set_mask_bit(&m, (unsigned int)nr);
	}
	if (ring_reader_set_mask(r, &m) < 0) {
		log_error("cannot select syscalls: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void print_event(struct pipeline *pl, struct sevent *ev)
{
	const struct env *env = pl->sink_ctx;

	if (env->all_events)
		evt_json_print(stdout, ev);
}

/* Read until asked to stop or out of time; drain what is left at the end. */
static int run(const struct env *env, struct ring_reader *r, struct pipeline *pl)
{
	uint64_t deadline = env->max_seconds > 0 ?
		clock_ns(CLOCK_BOOTTIME) + (uint64_t)(env->max_seconds * 1e9) : 0;
	int draining = 0;

	for (;;) {
		uint64_t now = clock_ns(CLOCK_BOOTTIME);
		const struct shrike_evt_hdr *rec;
		uint64_t pending, limit;
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		int timeout_ms = 100;
		uint32_t cpu;

		if (stop_requested || (deadline && now >= deadline))
			draining = 1;
		pending = ring_reader_refresh(r);
		limit = draining ? UINT64_MAX : now - MERGE_DELAY_NS;
		while ((rec = ring_reader_next(r, limit, &cpu)))
			pipeline_feed(pl, rec, rec->len, cpu);
		fflush(stdout);
		if (ring_reader_release(r) < 0)
			return -1;
		if (draining)
			return 0;
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

static void report_stats(struct ring_reader *r, const struct pipeline_stats *st)
{
	struct shrike_counters c = { 0 };

	ring_reader_counters(r, &c);
	fprintf(stderr,
		"shrike: stats: events=%" PRIu64 " seen=%llu dropped_full=%llu "
		"unreadable_args=%llu dropped_nested=%llu bad_records=%" PRIu64
		" enter_missing=%" PRIu64 "\n",
		st->events, (unsigned long long)c.n_seen, (unsigned long long)c.n_drop_full,
		(unsigned long long)c.n_fault, (unsigned long long)c.n_drop_nested,
		st->bad_records + r->corrupt, st->enter_missing);
}

int main(int argc, char **argv)
{
	struct env env = { 0 };
	struct ring_reader reader = { .fd = -1 };
	struct pipeline pl;
	struct sigaction sa = { .sa_handler = on_signal };
	char err[256];
	int ret, n;

	ret = parse_args(argc, argv, &env);
	if (ret)
		return ret;
	ret = 1;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fields_boot_offset_ns = (int64_t)(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME));

	/* Rings first, then the /proc scan: a process born in between shows up
	 * in both, and the event wins; none falls in a gap.
	 */
	if (ring_reader_open(&reader, env.device, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return 1;
	}
	if (configure(&reader) < 0)
		goto out_close;
	if (pipeline_init(&pl, print_event, &env) < 0 ||
	    container_init(NULL) < 0 || identity_init(NULL) < 0) {
		log_error("out of memory");
		goto out_close;
	}
	n = proctab_scan(&pl.procs, "/proc");
	/* place the scanned processes while they are still alive */
	container_scan(container_global(), &pl.procs);
	identity_scan(identity_global(), &pl.procs);
	log_info("running: %u cpus, %d processes found in /proc", reader.info.ncpus, n);
	if (run(&env, &reader, &pl) == 0)
		ret = 0;
	report_stats(&reader, &pl.st);
	identity_exit();
	container_exit();
	pipeline_free(&pl);
out_close:
	ring_reader_close(&reader);
	return ret;
}
