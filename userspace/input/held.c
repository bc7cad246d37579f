/* SPDX-License-Identifier: GPL-2.0-only */
/* held.c - events waiting for the paths the kernel resolves after the probe. */
#include <stdlib.h>
#include <string.h>
#include "input/held.h"

static int deferred(const struct sparam *p)
{
	return (p->flags & SHRIKE_PARAM_DEFER) == SHRIKE_PARAM_DEFER && p->len == 0;
}

int held_waiting(const struct sevent *ev)
{
	int i, n = 0;

	for (i = 0; i < ev->nparams; i++)
		n += deferred(&ev->params[i]);
	return n;
}

/* Append n bytes; the offset they start at, or -1. Pointers are fixed up by rebase(). */
static long append(struct held_event *e, const void *p, size_t n)
{
	size_t at = e->len;

	if (e->len + n > e->cap) {
		size_t cap = e->cap ? e->cap : 256;
		char *b;

		while (cap < e->len + n)
			cap *= 2;
		b = realloc(e->bytes, cap);
		if (!b)
			return -1;
		e->bytes = b;
		e->cap = cap;
	}
	memcpy(e->bytes + at, p, n);
	e->len += n;
	return (long)at;
}

/* Point each parameter at its bytes again: p holds its offset while appending. */
static void rebase(struct held_event *e, const size_t *off)
{
	int i;

	for (i = 0; i < e->ev.nparams; i++)
		if (e->ev.params[i].len)
			e->ev.params[i].p = e->bytes + off[i];
}

static struct held_event *slot(const struct held *h, uint64_t seq)
{
	return &h->ring[seq % HELD_MAX];
}

int held_put(struct held *h, const struct sevent *ev, uint32_t cpu)
{
	struct held_event e = { .ev = *ev, .cpu = cpu, .waiting = ev->deferred ? held_waiting(ev) : 0 };
	size_t off[SCHEMA_MAX_PARAMS] = { 0 };
	uint64_t seq = h->first + h->n;
	int i;

	if (h->n == HELD_MAX)
		return -1;
	if (!h->ring && !(h->ring = calloc(HELD_MAX, sizeof(*h->ring))))
		return -1;
	for (i = 0; i < ev->nparams; i++) {
		long at;

		if (!ev->params[i].len)
			continue;
		at = append(&e, ev->params[i].p, ev->params[i].len);
		if (at < 0) {
			free(e.bytes);
			return -1;
		}
		off[i] = (size_t)at;
	}
	rebase(&e, off);
	*slot(h, seq) = e;
	h->n++;
	if (e.waiting)
		h->open[h->n_open++] = seq;
	return 0;
}

/* The place in h->open of tid's open event, or -1. */
static long find_open(const struct held *h, uint32_t tid)
{
	size_t i;

	for (i = 0; i < h->n_open; i++)
		if (slot(h, h->open[i])->ev.tid == tid)
			return (long)i;
	return -1;
}

static void unopen(struct held *h, size_t i)
{
	h->open[i] = h->open[--h->n_open];
}

int held_close(struct held *h, uint32_t tid)
{
	long i = find_open(h, tid);

	if (i < 0)
		return 0;
	slot(h, h->open[i])->closed = 1;
	unopen(h, (size_t)i);
	return 1;
}

#define TYPE_FLAGS	(SHRIKE_EVT_ENTER | SHRIKE_EVT_COMPAT | SHRIKE_EVT_TASK32)

int held_fill(struct held *h, const struct sevent *path, uint64_t *filled)
{
	uint64_t of = sparam_u64(&path->params[SHRIKE_P_PATH_OF]);
	uint64_t k = sparam_u64(&path->params[SHRIKE_P_PATH_PARAM]);
	const struct sparam *src = &path->params[SHRIKE_P_PATH_PATH];
	long i = find_open(h, path->tid);
	uint8_t phase = (of & SHRIKE_EVT_ENTER) ? SHRIKE_AT_ENTER : SHRIKE_AT_EXIT;
	size_t off[SCHEMA_MAX_PARAMS] = { 0 };
	struct held_event *e;
	struct sparam *p;
	int j;
	long at;

	if (i < 0)
		return -1;
	e = slot(h, h->open[i]);
	if ((of & ~(uint64_t)TYPE_FLAGS) != e->ev.type ||
	    k >= (phase == SHRIKE_AT_ENTER ? e->ev.schema->n_enter : e->ev.schema->n_exit))
		return -1;
	p = &e->ev.params[e->ev.schema->at[phase][k]];
	if (!deferred(p))
		return -1;	/* not one that waits, or filled already */
	for (j = 0; j < e->ev.nparams; j++)
		if (e->ev.params[j].len)
			off[j] = (size_t)(e->ev.params[j].p - e->bytes);
	at = src->len ? append(e, src->p, src->len) : 0;
	rebase(e, off);
	if (at < 0) {
		p->flags = SHRIKE_PARAM_FAULT;	/* out of memory: unknown, as unreadable */
	} else {
		p->p = src->len ? e->bytes + at : "";
		p->len = src->len;
		p->flags = src->flags & (SHRIKE_PARAM_TRUNC | SHRIKE_PARAM_FAULT);
	}
	++*filled;
	if (--e->waiting > 0)
		return -1;
	unopen(h, (size_t)i);
	return 0;
}

int held_ready(const struct held *h)
{
	const struct held_event *e = h->n ? slot(h, h->first) : NULL;

	return e && (!e->waiting || e->closed);
}

uint64_t held_oldest_ts(const struct held *h)
{
	return slot(h, h->first)->ev.ts;
}

void held_take(struct held *h, struct held_event *out)
{
	int j;

	*out = *slot(h, h->first);
	if (out->waiting && !out->closed) {
		long i;

		for (i = 0; i < (long)h->n_open; i++)
			if (h->open[i] == h->first)
				break;
		if (i < (long)h->n_open)
			unopen(h, (size_t)i);
	}
	h->first++;
	h->n--;
	for (j = 0; j < out->ev.nparams; j++)
		if (deferred(&out->ev.params[j]))
			out->ev.params[j].flags = SHRIKE_PARAM_FAULT;
}

void held_done(struct held_event *e)
{
	free(e->bytes);
	e->bytes = NULL;
}

void held_free(struct held *h)
{
	while (h->n) {
		struct held_event e;

		held_take(h, &e);
		held_done(&e);
	}
	free(h->ring);
	h->ring = NULL;
}
