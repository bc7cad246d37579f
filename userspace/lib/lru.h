/* SPDX-License-Identifier: GPL-2.0-only */
/* lru.h - an intrusive doubly linked list kept most recently used first (the caches' LRU order). */
#ifndef SHRIKE_LRU_H
#define SHRIKE_LRU_H

#include <stddef.h>

/* Embedded in each cached entry. */
struct lru_node {
	struct lru_node *prev, *next;
};

/* The list: head is the most recently used, tail the least. */
struct lru {
	struct lru_node *head, *tail;
};

/* The entry of type T whose member M is node n; NULL for a NULL node. */
#define LRU_ENTRY(n, T, M) \
	((n) ? (T *)(void *)((char *)(n) - offsetof(T, M)) : (T *)NULL)

static inline void lru_unlink(struct lru *l, struct lru_node *n)
{
	*(n->prev ? &n->prev->next : &l->head) = n->next;
	*(n->next ? &n->next->prev : &l->tail) = n->prev;
	n->prev = n->next = NULL;
}

static inline void lru_push_front(struct lru *l, struct lru_node *n)
{
	n->prev = NULL;
	n->next = l->head;
	*(l->head ? &l->head->prev : &l->tail) = n;
	l->head = n;
}

#endif /* SHRIKE_LRU_H */
