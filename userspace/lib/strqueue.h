/* SPDX-License-Identifier: GPL-2.0-only */
/* strqueue.h - a bounded FIFO of malloc'd strings, the delivery queues of the outputs. */
#ifndef SHRIKE_STRQUEUE_H
#define SHRIKE_STRQUEUE_H

#include <stddef.h>

/* Not locked: its owner's lock protects it. */
struct strqueue {
	char **v;		/* a ring of cap slots */
	size_t cap, head, count;
};

/* 0, or -1 when out of memory. */
int strqueue_init(struct strqueue *q, size_t cap);
/* Take s at the tail; -1 when full (s stays the caller's). */
int strqueue_push(struct strqueue *q, char *s);
/* The head, now the caller's; NULL when empty. */
char *strqueue_pop(struct strqueue *q);
/* Free what is queued; how many there were. */
size_t strqueue_clear(struct strqueue *q);
/* strqueue_clear, then the ring itself. */
void strqueue_free(struct strqueue *q);

#endif /* SHRIKE_STRQUEUE_H */
