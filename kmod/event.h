/* SPDX-License-Identifier: GPL-2.0 */
/*
 * event.h - building one event record in a CPU's scratch buffer.
 *
 * Probes append parameters in schema order; every append checks room, so a
 * record can never exceed SHRIKE_MAX_EVENT. User memory is only read with the
 * _nofault accessors because probes run with preemption disabled.
 */
#ifndef SHRIKE_EVENT_H
#define SHRIKE_EVENT_H

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "compat.h"
#include "internal.h"
#include "uapi/shrike_events.h"

struct evb {
	struct shrike_session *s;
	struct shrike_cpu *cpu;
	char *buf;
	u32 len;		/* bytes used so far */
	u16 nparams;		/* declared by evb_start */
	u16 idx;		/* next parameter */
	u32 snaplen;
};

static inline struct shrike_evt_hdr *evb_hdr(struct evb *b)
{
	return (struct shrike_evt_hdr *)b->buf;
}

static inline __u16 *evb_plen(struct evb *b)
{
	return (__u16 *)(b->buf + sizeof(struct shrike_evt_hdr));
}

static inline void evb_start(struct evb *b, struct shrike_session *s, struct shrike_cpu *c,
			     u16 type, u16 nparams)
{
	struct shrike_evt_hdr *h = (struct shrike_evt_hdr *)c->scratch;

	b->s = s;
	b->cpu = c;
	b->buf = c->scratch;
	b->nparams = nparams;
	b->idx = 0;
	b->snaplen = s->snaplen;
	h->type = type | (shrike_task_is_32bit() ? SHRIKE_EVT_TASK32 : 0);
	h->nparams = nparams;
	h->ts = 0;		/* stamped at commit, see shrike_ring_commit */
	h->tid = current->pid;
	h->pid = current->tgid;
	b->len = ALIGN(sizeof(*h) + nparams * sizeof(__u16), 8);
	memset(evb_plen(b), 0, b->len - sizeof(*h));
}

/* Room left for parameter bytes, keeping the final 8-byte padding possible. */
static inline u32 evb_room(const struct evb *b)
{
	return SHRIKE_MAX_EVENT - 8 - b->len;
}

static inline void evb_set(struct evb *b, u32 n, u16 flags)
{
	if (b->idx >= b->nparams)
		return;
	if (flags & SHRIKE_PARAM_FAULT) {
		n = 0;
		b->cpu->ctrl->n_fault++;
	}
	evb_plen(b)[b->idx++] = (u16)n | flags;
	b->len += n;
}

/* The next parameter comes later, in a SHRIKE_EVT_PATH record (defer.c). */
static inline void evb_set_deferred(struct evb *b)
{
	if (b->idx < b->nparams)
		evb_plen(b)[b->idx++] = SHRIKE_PARAM_DEFER;
}

static inline char *evb_tail(struct evb *b)
{
	return b->buf + b->len;
}

static inline void evb_bytes(struct evb *b, const void *p, u32 n)
{
	if (n > SHRIKE_PARAM_LEN_MASK || n > evb_room(b)) {
		evb_set(b, 0, SHRIKE_PARAM_TRUNC);
		return;
	}
	memcpy(evb_tail(b), p, n);
	evb_set(b, n, 0);
}

static inline void evb_u64(struct evb *b, u64 v)
{
	evb_bytes(b, &v, sizeof(v));
}

static inline void evb_s64(struct evb *b, s64 v)
{
	evb_bytes(b, &v, sizeof(v));
}

/* Largest string this parameter may take: snap length, room and ABI limits. */
static inline u32 evb_strmax(const struct evb *b)
{
	return min3(b->snaplen, evb_room(b), (u32)SHRIKE_PARAM_LEN_MASK);
}

void evb_kstr(struct evb *b, const char *s);
void evb_ustr(struct evb *b, const char __user *s);
void evb_ustr_array(struct evb *b, const void __user *argv, bool compat);
void evb_ublock_strings(struct evb *b, unsigned long start, unsigned long end);
void evb_commit(struct shrike_session *s, struct evb *b);

#endif /* SHRIKE_EVENT_H */
