/* SPDX-License-Identifier: GPL-2.0-only */
/* source_kmod.c - the kernel module's per-CPU rings (ring.c) as a record source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "input/ring.h"
#include "input/source.h"

static uint64_t kmod_refresh(void *impl, uint64_t *oldest_pending)
{
	struct ring_reader *r = impl;
	uint64_t pending = ring_reader_refresh(r);

	*oldest_pending = r->oldest_pending;
	return pending;
}

static const struct shrike_evt_hdr *kmod_next(void *impl, uint64_t limit, uint32_t *cpu)
{
	return ring_reader_next(impl, limit, cpu);
}

static uint64_t kmod_oldest(void *impl)
{
	return ring_reader_oldest(impl);
}

static int kmod_release(void *impl)
{
	return ring_reader_release(impl);
}

static int kmod_counters(void *impl, struct shrike_counters *c)
{
	return ring_reader_counters(impl, c);
}

static int kmod_set_mask(void *impl, const struct shrike_syscall_mask *m)
{
	return ring_reader_set_mask(impl, m);
}

static void kmod_grow(void *impl, const struct shrike_counters *c)
{
	struct ring_reader *r = impl;

	if (c->ring_gen != r->ring_gen && ring_reader_map_new(r) == 0)
		r->ring_gen = c->ring_gen;
}

static uint64_t kmod_corrupt(void *impl)
{
	return ((struct ring_reader *)impl)->corrupt;
}

/* The module updates the control page as it goes: one relaxed load per word. */
static uint64_t ctrl_load(const __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void kmod_cpu_stats(void *impl, struct source_cpu_stats *st, uint32_t n)
{
	struct ring_reader *r = impl;
	uint32_t i;

	for (i = 0; i < n; i++) {
		const struct shrike_ring_ctrl *ctrl = i < r->info.ncpus ? r->views[i].ctrl : NULL;
		struct source_cpu_stats *c = &st[i];

		memset(c, 0, sizeof(*c));
		if (!ctrl || !r->maps[i])
			continue;	/* a CPU without a ring (yet) */
		c->has_ring = 1;
		c->seen = ctrl_load(&ctrl->n_seen);
		c->drop_full = ctrl_load(&ctrl->n_drop_full);
		c->fault = ctrl_load(&ctrl->n_fault);
		c->drop_nested = ctrl_load(&ctrl->n_drop_nested);
		c->size_bytes = ctrl_load(&ctrl->ring_bytes);
		c->used_bytes = ctrl_load(&ctrl->head) - ctrl_load(&ctrl->tail);
	}
}

static int kmod_pollfd(void *impl)
{
	return ((struct ring_reader *)impl)->fd;
}

static void kmod_close(void *impl)
{
	ring_reader_close(impl);
	free(impl);
}

static const struct source_ops kmod_ops = {
	.name = "kmod",
	.refresh = kmod_refresh,
	.next = kmod_next,
	.oldest = kmod_oldest,
	.release = kmod_release,
	.counters = kmod_counters,
	.set_mask = kmod_set_mask,
	.grow = kmod_grow,
	.corrupt = kmod_corrupt,
	.cpu_stats = kmod_cpu_stats,
	.pollfd = kmod_pollfd,
	.close = kmod_close,
};

int source_kmod_open(struct source *s, const char *device, char *err, size_t errlen)
{
	struct ring_reader *r = calloc(1, sizeof(*r));

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (ring_reader_open(r, device, err, errlen) < 0) {
		free(r);
		return -1;
	}
	s->ops = &kmod_ops;
	s->impl = r;
	s->ncpus = r->info.ncpus;
	s->snaplen = r->info.snaplen;
	s->oldest_pending = UINT64_MAX;
	return 0;
}
