/* SPDX-License-Identifier: GPL-2.0-only */
/* ring.c - reader side of the per-CPU rings (see uapi/shrike.h for layout). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "input/ring.h"
#include "lib/log.h"

enum ring_status ring_view_refresh(struct ring_view *v, const char **why)
{
	uint64_t head = __atomic_load_n(&v->ctrl->head, __ATOMIC_ACQUIRE);

	if (v->broken)
		return RING_CORRUPT;
	/* head only moves forward and never more than a ring ahead of us */
	if (head < v->pos || head - v->pos > v->size || (head & 7)) {
		*why = "head position out of range";
		v->broken = 1;
		return RING_CORRUPT;
	}
	v->head = head;
	return head == v->pos ? RING_EMPTY : RING_OK;
}

enum ring_status ring_view_peek(struct ring_view *v, const struct shrike_evt_hdr **rec,
				const char **why)
{
	/* the merge peeks every CPU's next record for each record it takes */
	if (v->peeked && !v->broken) {
		*rec = v->peeked;
		return RING_OK;
	}
	for (;;) {
		uint64_t avail = v->head - v->pos;
		uint64_t off = v->pos & (v->size - 1);
		uint64_t to_end = v->size - off;
		const struct shrike_evt_hdr *h;
		uint32_t len;

		if (v->broken)
			return RING_CORRUPT;
		if (avail == 0)
			return RING_EMPTY;
		if (avail < 8)
			goto corrupt_short;
		h = (const struct shrike_evt_hdr *)(v->data + off);
		len = h->len;
		if (len < 8 || (len & 7) || len > avail || len > to_end)
			goto corrupt_len;
		if (h->type == SHRIKE_EVT_PAD) {
			/* a pad always runs to the end of the data area */
			if (len != to_end)
				goto corrupt_len;
			v->pos += len;
			continue;
		}
		if (len < sizeof(*h) || len > SHRIKE_MAX_EVENT)
			goto corrupt_len;
		*rec = v->peeked = h;
		return RING_OK;
	}
corrupt_short:
	*why = "truncated record header";
	v->broken = 1;
	return RING_CORRUPT;
corrupt_len:
	*why = "record length out of range";
	v->broken = 1;
	return RING_CORRUPT;
}

void ring_view_advance(struct ring_view *v)
{
	const struct shrike_evt_hdr *h =
		(const struct shrike_evt_hdr *)(v->data + (v->pos & (v->size - 1)));

	v->pos += h->len;
	v->peeked = NULL;
}

int ring_views_pick(struct ring_view *views, size_t n, uint64_t limit,
		    const struct shrike_evt_hdr **rec, uint64_t *corrupt)
{
	int best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct shrike_evt_hdr *h;
		const char *why = NULL;

		if (!views[i].ctrl)	/* a CPU without a ring */
			continue;
		switch (ring_view_peek(&views[i], &h, &why)) {
		case RING_OK:
			if (h->ts <= limit && (best < 0 || h->ts < (*rec)->ts)) {
				best = (int)i;
				*rec = h;
			}
			break;
		case RING_CORRUPT:
			if (why) {
				(*corrupt)++;
				log_error("cpu %u ring: %s; ignoring the rest of this ring",
					  views[i].cpu, why);
			}
			break;
		case RING_EMPTY:
			break;
		}
	}
	return best;
}

int ring_reader_open(struct ring_reader *r, const char *dev, char *err, size_t errlen)
{
	uint32_t cpu;

	memset(r, 0, sizeof(*r));
	r->fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", dev, strerror(errno));
		return -1;
	}
	if (ioctl(r->fd, SHRIKE_IOC_GET_INFO, &r->info) < 0) {
		snprintf(err, errlen, "cannot query '%s': %s", dev, strerror(errno));
		goto out_close;
	}
	if (r->info.abi_version != SHRIKE_ABI_VERSION) {
		snprintf(err, errlen, "module speaks abi %u, this daemon abi %u",
			 r->info.abi_version, SHRIKE_ABI_VERSION);
		goto out_close;
	}
	if (r->info.ncpus == 0 || r->info.ncpus > 8192 || r->info.ring_bytes == 0 ||
	    (r->info.ring_bytes & (r->info.ring_bytes - 1)) ||
	    r->info.map_stride < r->info.ring_bytes + sizeof(struct shrike_ring_ctrl)) {
		snprintf(err, errlen, "module reports a nonsensical ring layout");
		goto out_close;
	}
	r->views = calloc(r->info.ncpus, sizeof(*r->views));
	r->maps = calloc(r->info.ncpus, sizeof(*r->maps));
	if (!r->views || !r->maps) {
		snprintf(err, errlen, "out of memory");
		goto out_close;
	}
	for (cpu = 0; cpu < r->info.ncpus; cpu++)
		r->views[cpu].cpu = cpu;
	if (ring_reader_map_new(r) < 0) {
		snprintf(err, errlen, "cannot map the rings: %s", strerror(errno));
		goto out_close;
	}
	if (r->nmapped == 0) {
		snprintf(err, errlen, "the module has no ring for any cpu");
		goto out_close;
	}
	return 0;

out_close:
	ring_reader_close(r);
	return -1;
}

/*
 * Maps the rings not mapped yet. Only CPUs that were online while the device
 * was open have one: ENODEV for the others, which may get one when they come
 * online (shrike_counters.ring_gen then grows). -1 on any other error.
 */
int ring_reader_map_new(struct ring_reader *r)
{
	uint32_t cpu;

	for (cpu = 0; cpu < r->info.ncpus; cpu++) {
		struct ring_view *v = &r->views[cpu];
		void *m;

		if (r->maps[cpu])
			continue;
		m = mmap(NULL, r->info.map_stride, PROT_READ, MAP_SHARED, r->fd,
			 (off_t)cpu * (off_t)r->info.map_stride);
		if (m == MAP_FAILED) {
			if (errno == ENODEV)
				continue;
			log_error("cannot map ring of cpu %u: %s", cpu, strerror(errno));
			return -1;
		}
		r->maps[cpu] = m;
		v->ctrl = m;
		v->data = (const char *)m + (r->info.map_stride - r->info.ring_bytes);
		v->size = r->info.ring_bytes;
		v->pos = __atomic_load_n(&v->ctrl->tail, __ATOMIC_ACQUIRE);
		v->head = v->pos;
		r->nmapped++;
	}
	return 0;
}

void ring_reader_close(struct ring_reader *r)
{
	uint32_t cpu;

	if (r->maps)
		for (cpu = 0; cpu < r->info.ncpus; cpu++)
			if (r->maps[cpu])
				munmap(r->maps[cpu], r->info.map_stride);
	free(r->maps);
	free(r->views);
	if (r->fd >= 0)
		close(r->fd);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

uint64_t ring_reader_refresh(struct ring_reader *r)
{
	uint64_t pending = 0;
	uint32_t cpu;

	r->oldest_pending = UINT64_MAX;
	for (cpu = 0; cpu < r->info.ncpus; cpu++) {
		struct ring_view *v = &r->views[cpu];
		const char *why = NULL;
		uint64_t p;

		if (!v->ctrl)
			continue;
		/* read before head: a record stamped before we looked is either
		 * published by then or still announced here
		 */
		p = __atomic_load_n(&v->ctrl->pending_ts, __ATOMIC_ACQUIRE);

		if (p && p < r->oldest_pending)
			r->oldest_pending = p;

		if (ring_view_refresh(v, &why) == RING_CORRUPT) {
			if (why) {
				r->corrupt++;
				log_error("cpu %u ring: %s; ignoring this ring", cpu, why);
			}
			continue;
		}
		pending += v->head - v->pos;
	}
	return pending;
}

const struct shrike_evt_hdr *ring_reader_next(struct ring_reader *r, uint64_t limit,
					      uint32_t *cpu)
{
	const struct shrike_evt_hdr *rec = NULL;
	int i = ring_views_pick(r->views, r->info.ncpus, limit, &rec, &r->corrupt);

	if (i < 0)
		return NULL;
	ring_view_advance(&r->views[i]);
	*cpu = r->views[i].cpu;
	return rec;
}

uint64_t ring_reader_oldest(struct ring_reader *r)
{
	const struct shrike_evt_hdr *rec = NULL;

	if (ring_views_pick(r->views, r->info.ncpus, UINT64_MAX, &rec, &r->corrupt) < 0)
		return UINT64_MAX;
	return rec->ts;
}

int ring_reader_release(struct ring_reader *r)
{
	uint32_t cpu;

	for (cpu = 0; cpu < r->info.ncpus; cpu++) {
		struct ring_view *v = &r->views[cpu];
		struct shrike_consume req = { .cpu = cpu, .tail = v->pos };

		if (!v->ctrl || v->broken || v->pos == v->ctrl->tail)
			continue;
		if (ioctl(r->fd, SHRIKE_IOC_CONSUME, &req) < 0) {
			log_error("cannot release ring of cpu %u: %s", cpu, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int ring_reader_counters(struct ring_reader *r, struct shrike_counters *c)
{
	return ioctl(r->fd, SHRIKE_IOC_GET_COUNTERS, c);
}

int ring_reader_set_mask(struct ring_reader *r, const struct shrike_syscall_mask *m)
{
	return ioctl(r->fd, SHRIKE_IOC_SET_MASK, m);
}
