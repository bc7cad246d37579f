// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - per-CPU single-producer rings: allocation, commit, consume.
 *
 * Rings exist for the CPUs that are online (and those brought online while a
 * reader is attached), within a memory cap; see shrike_rings_alloc().
 *
 * The producer is a probe running with preemption disabled on its own CPU, so
 * each ring has exactly one writer and needs no lock: head is published with
 * a release store after the bytes, tail is read with an acquire load. See
 * Documentation/core-api/circular-buffers.rst and uapi/shrike.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/timekeeping.h>
#include <linux/nospec.h>
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/atomic.h>
#include "internal.h"
#include "event.h"

/* Smallest ring a CPU gets when the memory cap shrinks them: a few records. */
#define RING_MIN_BYTES	(4 * SHRIKE_MAX_EVENT)

/*
 * One CPU's ring: the control page and data area (zeroed, mappable), and the
 * scratch buffer records are built in. Within the session's budget, or
 * -ENOMEM. Published with a release store: a CPU coming online finds it in
 * place, and shrike_mmap() (acquire) sees it whole.
 */
static int ring_alloc_cpu(struct shrike_session *s, unsigned int cpu)
{
	struct shrike_cpu *c = &s->cpus[cpu];
	void *base, *scratch;

	if (c->ctrl)
		return 0;
	if (atomic64_add_return(s->map_stride, &s->ring_mem) > s->ring_budget)
		goto out_over_budget;
	base = vmalloc_user(s->map_stride);
	scratch = vzalloc(SHRIKE_MAX_EVENT);
	if (!base || !scratch) {
		vfree(base);
		vfree(scratch);
		goto out_over_budget;
	}
	c->base = base;
	c->scratch = scratch;
	c->data = (char *)base + PAGE_SIZE;
	((struct shrike_ring_ctrl *)base)->ring_bytes = s->ring_bytes;
	((struct shrike_ring_ctrl *)base)->cpu = cpu;
	/* Publish: pairs with the acquire loads of c->ctrl (mmap, consume, sums). */
	smp_store_release(&c->ctrl, (struct shrike_ring_ctrl *)base);
	atomic64_inc(&s->ring_gen);
	return 0;

out_over_budget:
	atomic64_sub(s->map_stride, &s->ring_mem);
	return -ENOMEM;
}

/*
 * CPU hotplug: a CPU being brought up gets its ring before it runs anything
 * (a "prepare" step, run in process context on another CPU). The session is
 * a file-scope pointer because hotplug callbacks have no argument; it is set
 * only while the state is registered.
 */
static struct shrike_session *hp_session;

static int ring_cpu_prepare(unsigned int cpu)
{
	/* no ring within the budget: that CPU's events are counted as dropped */
	ring_alloc_cpu(hp_session, cpu);
	return 0;
}

/*
 * Rings for the CPUs online now, each bufsize bytes unless the rings would
 * then take more than maxmem or half of the memory available: then smaller
 * ones, down to RING_MIN_BYTES, and failing that -ENOMEM. A CPU brought online
 * later gets its ring from the hotplug callback, within the same budget.
 */
int shrike_rings_alloc(struct shrike_session *s)
{
	u64 avail = (u64)si_mem_available() * PAGE_SIZE / 2;
	u64 budget = min_t(u64, shrike_maxmem, avail);
	unsigned int cpu, online;
	int err = 0, state;

	s->cpus = kcalloc(nr_cpu_ids, sizeof(*s->cpus), GFP_KERNEL);
	if (!s->cpus)
		return -ENOMEM;
	cpus_read_lock();
	online = num_online_cpus();
	s->ring_bytes = shrike_bufsize;
	while (s->ring_bytes > RING_MIN_BYTES &&
	       online * (PAGE_SIZE + s->ring_bytes) > budget)
		s->ring_bytes >>= 1;
	cpus_read_unlock();
	s->map_stride = PAGE_SIZE + s->ring_bytes;
	s->ring_budget = budget;
	if (online * s->map_stride > budget) {
		pr_warn("rings for %u cpus do not fit in %llu bytes (maxmem, half the available memory)\n",
			online, budget);
		err = -ENOMEM;
		goto out_free_rings;
	}
	if (s->ring_bytes < shrike_bufsize)
		pr_info("rings of %llu bytes per cpu: %lu would not fit in %llu bytes\n",
			s->ring_bytes, shrike_bufsize, budget);

	/*
	 * The hotplug state first, then the CPUs online: a CPU coming up in
	 * between gets its ring from the callback, and the two never run at
	 * once (callbacks run under the hotplug lock we read-hold here).
	 */
	hp_session = s;
	state = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "shrike:ring",
					  ring_cpu_prepare, NULL);
	if (state < 0) {
		err = state;
		goto out_free_rings;
	}
	s->hp_state = state;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		err = ring_alloc_cpu(s, cpu);
		if (err)
			break;
	}
	cpus_read_unlock();
	if (err)
		goto out_free_rings;
	return 0;

out_free_rings:
	shrike_rings_free(s);
	return err;
}

void shrike_rings_free(struct shrike_session *s)
{
	unsigned int cpu;

	if (s->hp_state > 0) {
		cpuhp_remove_state_nocalls(s->hp_state);
		s->hp_state = 0;
	}
	hp_session = NULL;
	if (!s->cpus)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		vfree(s->cpus[cpu].base);
		vfree(s->cpus[cpu].scratch);
	}
	kfree(s->cpus);
	s->cpus = NULL;
}

static void ring_write_pad(struct shrike_cpu *c, u64 off, u32 len)
{
	struct shrike_evt_hdr *pad = (struct shrike_evt_hdr *)(c->data + off);

	/*
	 * Only the first 8 bytes are guaranteed to exist: len, type, nparams.
	 * The rest still holds records the reader has consumed; it is cleared
	 * all the same (once per turn of the ring), so that the ring only ever
	 * shows what is in its live records.
	 */
	memset(pad, 0, len);
	pad->len = len;
	pad->type = SHRIKE_EVT_PAD;
}

/*
 * Copy the record built in c->scratch into the ring, or drop it whole and
 * count it when it does not fit. Never a torn record: head moves only after
 * the bytes are in place.
 */
void shrike_ring_commit(struct shrike_session *s, struct shrike_cpu *c, u32 len)
{
	struct shrike_ring_ctrl *ctrl = c->ctrl;
	struct shrike_evt_hdr *h = (struct shrike_evt_hdr *)c->scratch;
	u64 size = s->ring_bytes;
	u64 head = ctrl->head;
	/*
	 * Pairs with the release of tail in shrike_ring_consume: the reader
	 * is done with the bytes below tail before we may overwrite them.
	 */
	u64 tail = smp_load_acquire(&ctrl->tail);
	u64 off = head & (size - 1);
	u64 to_end = size - off;
	u64 need = len <= to_end ? len : to_end + len;

	if (need > size - (head - tail)) {
		WRITE_ONCE(ctrl->n_drop_full, ctrl->n_drop_full + 1);
		return;
	}
	/*
	 * Stamp the record as late as possible and announce the stamp until
	 * head is published: the reader never merges past it, so records
	 * leave the daemon in time order even if this CPU stalls here.
	 */
	h->ts = ktime_get_boot_fast_ns();
	WRITE_ONCE(ctrl->pending_ts, h->ts);
	/*
	 * Order the announcement before the record's bytes and the new head;
	 * the reader loads pending_ts (acquire) before it loads head.
	 */
	smp_wmb();
	if (len > to_end) {
		ring_write_pad(c, off, to_end);
		head += to_end;
		off = 0;
	}
	memcpy(c->data + off, c->scratch, len);
	/*
	 * Publish: the pad and record bytes are visible before the new head.
	 * Pairs with the acquire loads of head by the reader and in
	 * shrike_rings_pending and shrike_ring_consume.
	 */
	smp_store_release(&ctrl->head, head + len);
	/*
	 * Withdraw the announcement only after head is published: a reader
	 * that sees pending_ts == 0 (acquire) then sees this record's head.
	 */
	smp_store_release(&ctrl->pending_ts, 0);

	/* Pairs with the barrier in shrike_poll between setting waiting and
	 * looking at the heads: either we see waiting or the reader sees us.
	 */
	smp_mb();
	if (READ_ONCE(s->waiting)) {
		WRITE_ONCE(s->waiting, 0);
		irq_work_queue(&s->wake_work);
	}
}

void evb_commit(struct shrike_session *s, struct evb *b)
{
	struct shrike_evt_hdr *h = evb_hdr(b);

	u32 end = ALIGN(b->len, 8);

	/*
	 * The bytes up to the next 8-byte boundary still hold an earlier
	 * record built in this scratch buffer: zero them, nothing stale may
	 * reach the reader. Parameters not filled (should not happen) stay
	 * zero-length.
	 */
	memset(b->buf + b->len, 0, end - b->len);
	b->len = end;
	h->len = b->len;
	shrike_ring_commit(s, b->cpu, b->len);
}

bool shrike_rings_pending(struct shrike_session *s)
{
	unsigned int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		/* Pairs with the release in ring_alloc_cpu: the ring is whole. */
		struct shrike_ring_ctrl *ctrl = smp_load_acquire(&s->cpus[cpu].ctrl);

		/* Pairs with the release of head in shrike_ring_commit. */
		if (ctrl && smp_load_acquire(&ctrl->head) != READ_ONCE(ctrl->tail))
			return true;
	}
	return false;
}

int shrike_ring_consume(struct shrike_session *s, const struct shrike_consume *req)
{
	struct shrike_ring_ctrl *ctrl;
	u64 head;

	if (req->cpu >= nr_cpu_ids || req->__pad0)
		return -EINVAL;
	/* Pairs with the release in ring_alloc_cpu: the ring is whole. */
	ctrl = smp_load_acquire(&s->cpus[array_index_nospec(req->cpu, nr_cpu_ids)].ctrl);
	if (!ctrl)
		return -ENODEV;
	/*
	 * Pairs with the release of head in shrike_ring_commit: the new tail
	 * is checked against a head whose records are complete.
	 */
	head = smp_load_acquire(&ctrl->head);
	if (req->tail < ctrl->tail || req->tail > head || (req->tail & 7))
		return -EINVAL;
	/* Release: the reader's loads of the consumed bytes happen before the
	 * producer may overwrite them.
	 */
	smp_store_release(&ctrl->tail, req->tail);
	return 0;
}

void shrike_counters_sum(struct shrike_session *s, struct shrike_counters *out)
{
	unsigned int cpu;

	memset(out, 0, sizeof(*out));
	out->n_drop_noring = atomic64_read(&s->n_noring);
	out->n_seen = out->n_drop_noring;
	out->ring_gen = atomic64_read(&s->ring_gen);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		/* Pairs with the release in ring_alloc_cpu: the ring is whole. */
		struct shrike_ring_ctrl *ctrl = smp_load_acquire(&s->cpus[cpu].ctrl);

		if (!ctrl)
			continue;
		out->n_seen += READ_ONCE(ctrl->n_seen);
		out->n_drop_full += READ_ONCE(ctrl->n_drop_full);
		out->n_fault += READ_ONCE(ctrl->n_fault);
		out->n_drop_nested += READ_ONCE(ctrl->n_drop_nested);
	}
}
