/* SPDX-License-Identifier: GPL-2.0-only */
/* pending.c - per-thread copies of enter records until the matching exit. */
#include <stdlib.h>
#include <string.h>
#include "input/pending.h"

struct pending_buf {
	char *buf;
	uint32_t cap;
	int full;
};

struct pending_thread {
	uint32_t tid;
	struct pending_buf slot[PENDING_NSLOTS];
	struct pending_thread *next;
};

static size_t bucket_of(const struct pending *pd, uint32_t tid)
{
	return (tid * 2654435761u) & (pd->nbuckets - 1);
}

int pending_init(struct pending *pd, size_t max)
{
	memset(pd, 0, sizeof(*pd));
	pd->nbuckets = 1u << 12;
	pd->max = max;
	pd->buckets = calloc(pd->nbuckets, sizeof(*pd->buckets));
	return pd->buckets ? 0 : -1;
}

static void thread_free(struct pending_thread *t)
{
	int i;

	for (i = 0; i < PENDING_NSLOTS; i++)
		free(t->slot[i].buf);
	free(t);
}

void pending_free(struct pending *pd)
{
	size_t i;

	for (i = 0; i < pd->nbuckets; i++) {
		struct pending_thread *t = pd->buckets[i], *next;

		for (; t; t = next) {
			next = t->next;
			thread_free(t);
		}
	}
	free(pd->buckets);
	memset(pd, 0, sizeof(*pd));
}

static struct pending_thread *lookup(struct pending *pd, uint32_t tid)
{
	struct pending_thread *t;

	for (t = pd->buckets[bucket_of(pd, tid)]; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

void pending_put(struct pending *pd, uint32_t tid, enum pending_slot slot,
		 const struct shrike_evt_hdr *rec)
{
	struct pending_thread *t = lookup(pd, tid);
	struct pending_buf *b;

	if (!t) {
		if (pd->count >= pd->max || !(t = calloc(1, sizeof(*t)))) {
			pd->refused++;
			return;
		}
		t->tid = tid;
		t->next = pd->buckets[bucket_of(pd, tid)];
		pd->buckets[bucket_of(pd, tid)] = t;
		pd->count++;
	}
	b = &t->slot[slot];
	if (rec->len > b->cap) {
		char *n = realloc(b->buf, rec->len);

		if (!n) {
			b->full = 0;
			pd->refused++;
			return;
		}
		b->buf = n;
		b->cap = rec->len;
	}
	memcpy(b->buf, rec, rec->len);
	b->full = 1;
}

const struct shrike_evt_hdr *pending_take(struct pending *pd, uint32_t tid, enum pending_slot slot)
{
	struct pending_thread *t = lookup(pd, tid);

	if (!t || !t->slot[slot].full)
		return NULL;
	t->slot[slot].full = 0;
	return (const struct shrike_evt_hdr *)t->slot[slot].buf;
}

void pending_forget(struct pending *pd, uint32_t tid)
{
	struct pending_thread **pp = &pd->buckets[bucket_of(pd, tid)];

	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->tid == tid) {
			struct pending_thread *dead = *pp;

			*pp = dead->next;
			thread_free(dead);
			pd->count--;
			return;
		}
	}
}
