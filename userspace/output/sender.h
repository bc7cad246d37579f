/* SPDX-License-Identifier: GPL-2.0-only */
/* sender.h - what the queued outputs (HTTP, program) share: a bounded queue, a delivery thread, retirement on reload and exit. */
#ifndef SHRIKE_SENDER_H
#define SHRIKE_SENDER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/strqueue.h"

/*
 * The first member of an output's sender. The event loop only copies an
 * alert into the queue (sender_post); the output's thread takes it out
 * and delivers it. A sender in use is shared by the outputs of a reload
 * that keep its settings (refs); the last put retires it: no more alerts
 * come, its thread delivers what is queued, says done, and is joined by
 * a later call, at the latest by sender_shutdown, which also sets the
 * deadline after which the thread gives up.
 */
struct sender {
	int refs;			/* main thread */
	pthread_t thread;
	struct sender *next;		/* in its pool's retired list */
	pthread_mutex_t lock;		/* protects what follows, and what the output says */
	pthread_cond_t wake;		/* CLOCK_MONOTONIC: an alert queued, retired, a deadline set */
	struct strqueue queue;
	int retired;			/* no more alerts come */
	uint64_t deadline_ns;		/* CLOCK_MONOTONIC; 0: none. Past it, give up */
	int done;			/* the thread has returned */
};

/* One per output kind, main thread only: the sender in use and the retired ones. */
struct sender_pool {
	struct sender *current;
	struct sender *retired;
	void (*free)(struct sender *);	/* frees the whole output sender, after sender_destroy */
	const char *what;		/* "http output": for messages */
};

/* Lock, condition and a queue of queue_size; refs 1. 0, or -1 out of memory. */
int sender_init(struct sender *s, size_t queue_size);
/* What sender_init made (and whatever is still queued). */
void sender_destroy(struct sender *s);
/* Start fn(s) as its thread (signals blocked) and make s the pool's current; -1 (logged) if not. */
int sender_start(struct sender_pool *p, struct sender *s, void *(*fn)(void *));
/* Join and free the retired senders whose thread has said done. */
void sender_reap(struct sender_pool *p);
/* Drop a reference; the last one retires s. */
void sender_put(struct sender_pool *p, struct sender *s);
/* Queue copy (taken either way): 0, or -1 when full or retired (copy freed). Never blocks on I/O. */
int sender_post(struct sender *s, char *copy);
/* The thread's last word: done, under the lock. */
void sender_finished(struct sender *s);
/* At exit: retire the current sender, give every one `seconds` more, join and free them. */
void sender_shutdown(struct sender_pool *p, double seconds);

#endif /* SHRIKE_SENDER_H */
