/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * source_bpf.c - the eBPF driver's ring buffer as a record source.
 *
 * One ring for all CPUs, in the order records were copied in: a record
 * stamped on one CPU can land after a younger one from another. Records are
 * copied out into a reorder queue and handed out by stamp, up to the limit
 * the live loop gives (its merge delay), and never past a stamp a CPU has
 * announced in the "pending" map while it copies a record in: together the
 * same contract as the module's per-CPU rings. A record can still come too
 * late if a CPU stalls longer than the merge delay between stamping and
 * announcing (a few instructions); such records are counted (late).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "shrike_bpf.h"
#include "shrike.skel.h"
#include "input/bpf_load.h"
#include "input/reorder.h"
#include "input/source.h"
#include "lib/log.h"

struct bpf_source {
	struct shrike_bpf *skel;
	struct ring_buffer *rb;
	struct reorder q;
	uint32_t ncpus;
	const volatile uint64_t *pending;	/* mmap of the "pending" map */
	size_t pending_len;
	uint64_t corrupt;
	int full;		/* the queue's budget stopped a consume */
};

/* Returned by on_sample to stop consuming: the queue is full. */
#define STOP_FULL	(-ENOSPC)

static int on_sample(void *ctx, void *data, size_t size)
{
	struct bpf_source *b = ctx;
	const struct shrike_bpf_sample *smp = data;
	const struct shrike_evt_hdr *h = (const void *)(smp + 1);

	if (size < sizeof(*smp) + sizeof(*h) || h->len != size - sizeof(*smp) || (h->len & 7) ||
	    h->len > SHRIKE_MAX_EVENT || smp->cpu >= b->ncpus) {
		if (b->corrupt++ == 0)
			log_error("bpf ring: record of %zu bytes out of range; skipped", size);
		return 0;
	}
	if (reorder_push(&b->q, h, smp->cpu) < 0) {
		/*
		 * libbpf has moved past this sample already: it is lost, and
		 * counted; the rest stays in the kernel's ring until the queue
		 * drains (and the ring's own drops count from there).
		 */
		b->corrupt++;
		b->full = 1;
		return STOP_FULL;
	}
	/* keep a record's worth of room: the next sample must not be lost */
	if (!reorder_room(&b->q, SHRIKE_BPF_REC_MAX)) {
		b->full = 1;
		return STOP_FULL;
	}
	return 0;
}

static uint64_t bpf_refresh(void *impl, uint64_t *oldest_pending)
{
	struct bpf_source *b = impl;
	uint64_t oldest = UINT64_MAX;
	uint32_t cpu;
	int rc;

	/* announcements first: a record stamped before is in the ring by now or here */
	for (cpu = 0; cpu < b->ncpus; cpu++) {
		uint64_t p = __atomic_load_n(&b->pending[cpu], __ATOMIC_ACQUIRE);

		if (p && p < oldest)
			oldest = p;
	}
	*oldest_pending = oldest;
	b->full = 0;
	if (!reorder_room(&b->q, SHRIKE_BPF_REC_MAX))
		return 0;
	rc = ring_buffer__consume(b->rb);
	if (rc < 0 && rc != STOP_FULL)
		log_error("bpf ring: %s", strerror(-rc));
	return b->q.n - b->q.head;
}

static const struct shrike_evt_hdr *bpf_next(void *impl, uint64_t limit, uint32_t *cpu)
{
	return reorder_next(&((struct bpf_source *)impl)->q, limit, cpu);
}

static uint64_t bpf_oldest(void *impl)
{
	return reorder_oldest(&((struct bpf_source *)impl)->q);
}

static int bpf_release(void *impl)
{
	reorder_release(&((struct bpf_source *)impl)->q);
	return 0;
}

static int bpf_counters(void *impl, struct shrike_counters *c)
{
	struct bpf_source *b = impl;
	struct shrike_bpf_counters *per;
	__u32 zero = 0;
	uint32_t cpu;

	per = calloc(b->ncpus, sizeof(*per));
	if (!per)
		return -1;
	if (bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.counters), &zero, per) < 0) {
		free(per);
		return -1;
	}
	memset(c, 0, sizeof(*c));
	for (cpu = 0; cpu < b->ncpus; cpu++) {
		c->n_seen += per[cpu].n_seen;
		c->n_drop_full += per[cpu].n_drop_full;
		c->n_fault += per[cpu].n_fault;
		c->n_drop_nested += per[cpu].n_drop_nested;
	}
	c->ring_gen = 1;	/* one ring, there from the start */
	free(per);
	return 0;
}

static int bpf_set_mask(void *impl, const struct shrike_syscall_mask *m)
{
	struct bpf_source *b = impl;
	__u32 zero = 0;

	return bpf_map_update_elem(bpf_map__fd(b->skel->maps.selection), &zero, m, BPF_ANY);
}

static void bpf_grow(void *impl, const struct shrike_counters *c)
{
	(void)impl;
	(void)c;	/* one ring for every CPU, online or not */
}

static uint64_t bpf_corrupt(void *impl)
{
	return ((struct bpf_source *)impl)->corrupt;
}

/* Counters per CPU; the ring is shared, so no size or fill per CPU. */
static void bpf_cpu_stats(void *impl, struct source_cpu_stats *st, uint32_t n)
{
	struct bpf_source *b = impl;
	struct shrike_bpf_counters *per = calloc(b->ncpus, sizeof(*per));
	__u32 zero = 0;
	uint32_t i;

	memset(st, 0, n * sizeof(*st));
	if (!per || bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.counters), &zero, per) < 0) {
		free(per);
		return;
	}
	for (i = 0; i < n && i < b->ncpus; i++) {
		st[i].has_ring = 1;
		st[i].seen = per[i].n_seen;
		st[i].drop_full = per[i].n_drop_full;
		st[i].fault = per[i].n_fault;
		st[i].drop_nested = per[i].n_drop_nested;
	}
	free(per);
}

static int bpf_pollfd(void *impl)
{
	return ring_buffer__epoll_fd(((struct bpf_source *)impl)->rb);
}

/* What only this driver knows, said once at the end. */
static void report_skipped(struct bpf_source *b)
{
	if (b->q.late)
		log_info("bpf driver: %llu records later than the merge delay",
			 (unsigned long long)b->q.late);
}

static void bpf_close(void *impl)
{
	struct bpf_source *b = impl;

	report_skipped(b);
	ring_buffer__free(b->rb);
	if (b->pending)
		munmap((void *)b->pending, b->pending_len);
	bpf_unload(b->skel);
	reorder_free(&b->q);
	free(b);
}

static const struct source_ops bpf_ops = {
	.name = "bpf",
	.refresh = bpf_refresh,
	.next = bpf_next,
	.oldest = bpf_oldest,
	.release = bpf_release,
	.counters = bpf_counters,
	.set_mask = bpf_set_mask,
	.grow = bpf_grow,
	.corrupt = bpf_corrupt,
	.cpu_stats = bpf_cpu_stats,
	.pollfd = bpf_pollfd,
	.close = bpf_close,
};

int source_bpf_open(struct source *s, uint64_t buffer_size, char *err, size_t errlen)
{
	struct bpf_source *b = calloc(1, sizeof(*b));
	long page = sysconf(_SC_PAGESIZE);
	uint64_t ring_bytes;
	void *m;
	int n = libbpf_num_possible_cpus();

	if (!b || n <= 0) {
		snprintf(err, errlen, "out of memory");
		free(b);
		return -1;
	}
	/* as much room in all as the module's rings give per CPU times CPUs */
	ring_bytes = buffer_size * (uint64_t)n;
	b->skel = bpf_load(ring_bytes, &b->ncpus, err, errlen);
	if (!b->skel) {
		free(b);
		return -1;
	}
	/* the queue holds at most what the kernel's ring does */
	reorder_init(&b->q, ring_bytes < (64u << 20) ? (64u << 20) : ring_bytes);
	b->pending_len = ((size_t)b->ncpus * sizeof(uint64_t) + (size_t)page - 1) &
			 ~((size_t)page - 1);
	m = mmap(NULL, b->pending_len, PROT_READ, MAP_SHARED,
		 bpf_map__fd(b->skel->maps.pending), 0);
	if (m == MAP_FAILED) {
		snprintf(err, errlen, "eBPF driver: cannot map the pending stamps: %s",
			 strerror(errno));
		goto out_unload;
	}
	b->pending = m;
	b->rb = ring_buffer__new(bpf_map__fd(b->skel->maps.events), on_sample, b, NULL);
	if (!b->rb) {
		snprintf(err, errlen, "eBPF driver: cannot map the ring buffer: %s",
			 strerror(errno));
		goto out_unload;
	}
	s->ops = &bpf_ops;
	s->impl = b;
	s->ncpus = b->ncpus;
	s->snaplen = SHRIKE_BPF_SNAPLEN;
	s->oldest_pending = UINT64_MAX;
	return 0;

out_unload:
	if (b->pending)
		munmap((void *)b->pending, b->pending_len);
	bpf_unload(b->skel);
	reorder_free(&b->q);
	free(b);
	return -1;
}
