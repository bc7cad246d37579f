/* SPDX-License-Identifier: GPL-2.0-only */
/* sender.c - the queued outputs' common part: queue, delivery thread, sharing across reloads, retirement. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/thread.h"
#include "output/sender.h"

int sender_init(struct sender *s, size_t queue_size)
{
	pthread_condattr_t ca;

	if (strqueue_init(&s->queue, queue_size) < 0)
		return -1;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	s->refs = 1;
	return 0;
}

void sender_destroy(struct sender *s)
{
	strqueue_free(&s->queue);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
}

int sender_start(struct sender_pool *p, struct sender *s, void *(*fn)(void *))
{
	int err = thread_start(&s->thread, NULL, fn, s);

	if (err) {
		log_error("%s: cannot start the delivery thread: %s", p->what, strerror(err));
		return -1;
	}
	p->current = s;
	return 0;
}

void sender_reap(struct sender_pool *p)
{
	struct sender **pp = &p->retired;

	while (*pp) {
		struct sender *s = *pp;
		int done;

		pthread_mutex_lock(&s->lock);
		done = s->done;
		pthread_mutex_unlock(&s->lock);
		if (!done) {
			pp = &s->next;
			continue;
		}
		*pp = s->next;
		pthread_join(s->thread, NULL);
		p->free(s);
	}
}

static void retire(struct sender_pool *p, struct sender *s)
{
	if (p->current == s)
		p->current = NULL;
	pthread_mutex_lock(&s->lock);
	s->retired = 1;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	s->next = p->retired;
	p->retired = s;
}

void sender_put(struct sender_pool *p, struct sender *s)
{
	if (!s || --s->refs > 0)
		return;
	retire(p, s);
	sender_reap(p);
}

int sender_post(struct sender *s, char *copy)
{
	int ret = -1;

	pthread_mutex_lock(&s->lock);
	if (copy && !s->retired && strqueue_push(&s->queue, copy) == 0) {
		copy = NULL;
		ret = 0;
		pthread_cond_signal(&s->wake);
	}
	pthread_mutex_unlock(&s->lock);
	free(copy);
	return ret;
}

void sender_finished(struct sender *s)
{
	pthread_mutex_lock(&s->lock);
	s->done = 1;
	pthread_mutex_unlock(&s->lock);
}

void sender_shutdown(struct sender_pool *p, double seconds)
{
	uint64_t deadline = mono_ns() + (uint64_t)(seconds * 1e9) + 1;
	struct sender *s;

	if (p->current) {
		p->current->refs = 0;
		retire(p, p->current);
	}
	for (s = p->retired; s; s = s->next) {
		pthread_mutex_lock(&s->lock);
		s->deadline_ns = deadline;
		pthread_cond_broadcast(&s->wake);
		pthread_mutex_unlock(&s->lock);
	}
	while (p->retired) {
		s = p->retired;
		p->retired = s->next;
		pthread_join(s->thread, NULL);
		p->free(s);
	}
}
