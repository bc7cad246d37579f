/* SPDX-License-Identifier: GPL-2.0-only */
/* reorder.c - a time-ordered queue of copied records (see reorder.h). */
#include <stdlib.h>
#include <string.h>
#include "input/reorder.h"

void reorder_init(struct reorder *q, size_t budget)
{
	memset(q, 0, sizeof(*q));
	q->budget = budget;
}

void reorder_free(struct reorder *q)
{
	free(q->arena);
	free(q->ents);
	memset(q, 0, sizeof(*q));
}

int reorder_room(const struct reorder *q, size_t len)
{
	return q->used + len <= q->budget;
}

static int grow(void **p, size_t *cap, size_t need, size_t unit)
{
	size_t c = *cap ? *cap : 64;
	void *np;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	np = realloc(*p, c * unit);
	if (!np)
		return -1;
	*p = np;
	*cap = c;
	return 0;
}

int reorder_push(struct reorder *q, const struct shrike_evt_hdr *rec, uint32_t cpu)
{
	size_t len = rec->len;
	struct reorder_ent *e;

	if (!reorder_room(q, len) || grow((void **)&q->arena, &q->cap, q->used + len, 1) < 0 ||
	    grow((void **)&q->ents, &q->ncap, q->n + 1, sizeof(*q->ents)) < 0)
		return -1;
	memcpy(q->arena + q->used, rec, len);
	e = &q->ents[q->n++];
	e->ts = rec->ts;
	e->seq = q->seq++;
	e->off = q->used;
	e->cpu = cpu;
	q->used += len;
	if (rec->ts < q->handed_ts)
		q->late++;
	return 0;
}

static int before(const struct reorder_ent *a, const struct reorder_ent *b)
{
	return a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq);
}

/*
 * Insertion sort of the new arrivals into the waiting ones: the ring is
 * nearly in stamp order already (records cross only while two CPUs copy at
 * the same moment), so each moves a step or two at most.
 */
static void sort_waiting(struct reorder *q)
{
	size_t i;

	if (q->sorted < q->head)
		q->sorted = q->head;
	for (i = q->sorted; i < q->n; i++) {
		struct reorder_ent e = q->ents[i];
		size_t j = i;

		while (j > q->head && before(&e, &q->ents[j - 1])) {
			q->ents[j] = q->ents[j - 1];
			j--;
		}
		q->ents[j] = e;
	}
	q->sorted = q->n;
}

const struct shrike_evt_hdr *reorder_next(struct reorder *q, uint64_t limit, uint32_t *cpu)
{
	struct reorder_ent *e;

	sort_waiting(q);
	if (q->head == q->n || q->ents[q->head].ts > limit)
		return NULL;
	e = &q->ents[q->head++];
	*cpu = e->cpu;
	if (e->ts > q->handed_ts)
		q->handed_ts = e->ts;
	return (const struct shrike_evt_hdr *)(q->arena + e->off);
}

uint64_t reorder_oldest(struct reorder *q)
{
	sort_waiting(q);
	return q->head == q->n ? UINT64_MAX : q->ents[q->head].ts;
}

/*
 * Handed-out records are scattered through the arena (it is in arrival
 * order, they left in stamp order): the waiting ones are copied to a fresh
 * start only once at least as many have left as wait, so each record is
 * copied a bounded number of times on average.
 */
void reorder_release(struct reorder *q)
{
	char *fresh;
	size_t i, at = 0;

	if (q->head == 0)
		return;
	if (q->head == q->n) {
		q->n = q->head = q->sorted = 0;
		q->used = 0;
		return;
	}
	if (q->head < q->n - q->head)
		return;
	fresh = malloc(q->cap);
	if (!fresh)
		return;		/* try again at the next release */
	for (i = q->head; i < q->n; i++) {
		struct reorder_ent *e = &q->ents[i];
		const struct shrike_evt_hdr *h = (const void *)(q->arena + e->off);

		memcpy(fresh + at, h, h->len);
		e->off = at;
		at += h->len;
		q->ents[i - q->head] = *e;
	}
	free(q->arena);
	q->arena = fresh;
	q->used = at;
	q->n -= q->head;
	q->sorted = q->sorted > q->head ? q->sorted - q->head : 0;
	q->head = 0;
}
