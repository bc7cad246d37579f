/* SPDX-License-Identifier: GPL-2.0-only */
/* strqueue.c - a bounded FIFO of malloc'd strings: a ring of pointers, sized once. */
#include <stdlib.h>
#include <string.h>
#include "lib/strqueue.h"

int strqueue_init(struct strqueue *q, size_t cap)
{
	memset(q, 0, sizeof(*q));
	q->v = calloc(cap, sizeof(char *));
	if (!q->v)
		return -1;
	q->cap = cap;
	return 0;
}

int strqueue_push(struct strqueue *q, char *s)
{
	if (q->count == q->cap)
		return -1;
	q->v[(q->head + q->count) % q->cap] = s;
	q->count++;
	return 0;
}

char *strqueue_pop(struct strqueue *q)
{
	char *s;

	if (!q->count)
		return NULL;
	s = q->v[q->head];
	q->v[q->head] = NULL;
	q->head = (q->head + 1) % q->cap;
	q->count--;
	return s;
}

size_t strqueue_clear(struct strqueue *q)
{
	size_t n = q->count;

	while (q->count)
		free(strqueue_pop(q));
	return n;
}

void strqueue_free(struct strqueue *q)
{
	if (q->v)
		strqueue_clear(q);
	free(q->v);
	memset(q, 0, sizeof(*q));
}
