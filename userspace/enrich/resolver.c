/* SPDX-License-Identifier: GPL-2.0-only */
/* resolver.c - worker threads for reads that a container can make block, with a deadline for the caller */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "enrich/resolver.h"
#include "lib/clock.h"
#include "lib/thread.h"

#define RESOLVER_WORKERS	8u

enum { JOB_QUEUED = 1, JOB_RUNNING, JOB_DONE };

struct resolver {
	pthread_mutex_t lock;
	pthread_cond_t work;		/* a job was queued, or stop */
	pthread_cond_t done;		/* a job is done */
	struct resolver_job *head, *tail;
	struct resolver_job *running;	/* taken by a worker, not done */
	unsigned int max, workers, idle, busy, queued;
	int stop;
};

/* The lock is held. At most max jobs run: a short walk. */
static void unlink_running(struct resolver *r, struct resolver_job *j)
{
	struct resolver_job **pp;

	for (pp = &r->running; *pp; pp = &(*pp)->run_next)
		if (*pp == j) {
			*pp = j->run_next;
			return;
		}
}

static void *worker(void *arg)
{
	struct resolver *r = arg;
	struct resolver_job *j;
	int release;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (!r->head && !r->stop) {
			r->idle++;
			pthread_cond_wait(&r->work, &r->lock);
			r->idle--;
		}
		if (r->stop)
			break;
		j = r->head;
		r->head = j->next;
		if (!r->head)
			r->tail = NULL;
		j->state = JOB_RUNNING;
		j->started_ms = mono_ms(NULL);
		j->run_next = r->running;
		r->running = j;
		r->queued--;
		r->busy++;
		pthread_mutex_unlock(&r->lock);
		j->run(j);
		pthread_mutex_lock(&r->lock);
		r->busy--;
		unlink_running(r, j);
		j->state = JOB_DONE;
		release = j->abandoned;
		pthread_cond_broadcast(&r->done);
		if (release) {
			pthread_mutex_unlock(&r->lock);
			j->release(j);
			pthread_mutex_lock(&r->lock);
		}
	}
	r->workers--;
	pthread_cond_broadcast(&r->done);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

struct resolver *resolver_new(unsigned int max_workers)
{
	struct resolver *r = calloc(1, sizeof(*r));
	pthread_condattr_t ca;

	if (!r)
		return NULL;
	r->max = max_workers ? max_workers : RESOLVER_WORKERS;
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->work, NULL);
	pthread_cond_init(&r->done, &ca);
	pthread_condattr_destroy(&ca);
	return r;
}

/* Start a worker; the lock is held. Signals are the event thread's: blocked here. */
static int start_worker(struct resolver *r)
{
	pthread_attr_t a;
	pthread_t t;
	int err;

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256u << 10);
	err = thread_start(&t, &a, worker, r);
	pthread_attr_destroy(&a);
	if (err)
		return -err;
	r->workers++;
	return 0;
}

int resolver_submit(struct resolver *r, struct resolver_job *job)
{
	int now;

	if (!r || !job || !job->run || !job->release)
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	job->next = NULL;
	job->state = JOB_QUEUED;
	job->abandoned = 0;
	/* jobs already queued are taken first: count them against the idle */
	now = r->idle > 0 && !r->head;
	if (!now && r->workers < r->max && start_worker(r) == 0)
		now = !r->head;
	if (r->tail)
		r->tail->next = job;
	else
		r->head = job;
	r->tail = job;
	r->queued++;
	pthread_cond_signal(&r->work);
	pthread_mutex_unlock(&r->lock);
	return now;
}

int resolver_wait(struct resolver *r, struct resolver_job *job, unsigned int ms)
{
	struct timespec until;
	int done;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&r->lock);
	while (job->state != JOB_DONE)
		if (pthread_cond_timedwait(&r->done, &r->lock, &until) == ETIMEDOUT)
			break;
	done = job->state == JOB_DONE;
	pthread_mutex_unlock(&r->lock);
	return done;
}

int resolver_done(struct resolver *r, const struct resolver_job *job)
{
	int done;

	pthread_mutex_lock(&r->lock);
	done = job->state == JOB_DONE;
	pthread_mutex_unlock(&r->lock);
	return done;
}

void resolver_abandon(struct resolver *r, struct resolver_job *job)
{
	struct resolver_job **pp;
	int release;

	pthread_mutex_lock(&r->lock);
	if (job->state == JOB_QUEUED) {
		/* not started: take it out of the queue */
		for (pp = &r->head; *pp && *pp != job; pp = &(*pp)->next)
			;
		if (*pp) {
			*pp = job->next;
			r->queued--;
			if (r->tail == job) {
				r->tail = NULL;
				for (struct resolver_job *k = r->head; k; k = k->next)
					r->tail = k;
			}
		}
		job->state = JOB_DONE;
	}
	release = job->state == JOB_DONE;
	job->abandoned = 1;
	pthread_mutex_unlock(&r->lock);
	if (release)
		job->release(job);
}

void resolver_counts(struct resolver *r, unsigned int *workers, unsigned int *busy)
{
	pthread_mutex_lock(&r->lock);
	*workers = r->workers;
	*busy = r->busy;
	pthread_mutex_unlock(&r->lock);
}

void resolver_stats(struct resolver *r, unsigned int stuck_ms, struct resolver_stats *st)
{
	const struct resolver_job *j;
	uint64_t now = mono_ms(NULL);

	memset(st, 0, sizeof(*st));
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	st->max = r->max;
	st->workers = r->workers;
	st->busy = r->busy;
	st->queued = r->queued;
	for (j = r->running; j; j = j->run_next)
		st->stuck += now - j->started_ms >= stuck_ms;
	pthread_mutex_unlock(&r->lock);
}

void resolver_free(struct resolver *r)
{
	struct timespec until;

	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_broadcast(&r->work);
	/* the idle ones leave at once; give a busy one a moment to finish */
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += 1;
	while (r->workers) {
		if (pthread_cond_timedwait(&r->done, &r->lock, &until) == ETIMEDOUT)
			break;
	}
	if (r->workers) {
		/* a worker is stuck in a read: it still points here */
		pthread_mutex_unlock(&r->lock);
		return;
	}
	pthread_mutex_unlock(&r->lock);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->work);
	pthread_cond_destroy(&r->done);
	free(r);
}
