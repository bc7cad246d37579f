/* SPDX-License-Identifier: GPL-2.0-only */
/* resolver.h - worker threads for reads that a container can make block, with a deadline for the caller */
#ifndef SHRIKE_RESOLVER_H
#define SHRIKE_RESOLVER_H

#include <stdint.h>

/*
 * A container controls its files: a FUSE /etc that never answers blocks any
 * thread that reads it. The event thread hands such reads to a resolver and
 * waits for the answer at most a deadline; a read that never returns costs
 * one worker, never the pipeline. Workers are started as needed, up to a
 * bound: a job submitted when every worker is busy waits in the queue.
 *
 * The caller embeds struct resolver_job in its own job and sets run (and
 * release, which frees the whole job). Between resolver_submit() and the job
 * being done, only the worker touches what run() uses.
 */
struct resolver_job {
	void (*run)(struct resolver_job *job);
	void (*release)(struct resolver_job *job);
	/* the resolver's */
	struct resolver_job *next;
	struct resolver_job *run_next;	/* in the list of running jobs */
	uint64_t started_ms;		/* when a worker took it (CLOCK_MONOTONIC) */
	int state;
	int abandoned;
};

struct resolver;

/* Up to @max_workers threads (0: 8), none started yet. NULL when out of memory. */
struct resolver *resolver_new(unsigned int max_workers);

/*
 * Stop the workers. A worker still stuck in a read is left behind (it holds
 * nothing of the caller's but its job, and the resolver is then not freed).
 */
void resolver_free(struct resolver *r);

/*
 * Queue @job. Returns 1 if a worker takes it now (an idle one, or one started
 * for it), 0 if it waits behind busy workers (all of them may be stuck: do
 * not wait for it then), -errno if it cannot be queued.
 */
int resolver_submit(struct resolver *r, struct resolver_job *job);

/* Wait until @job is done, at most @ms milliseconds. Returns 1 if it is done. */
int resolver_wait(struct resolver *r, struct resolver_job *job, unsigned int ms);

/* Is @job done? Never waits. */
int resolver_done(struct resolver *r, const struct resolver_job *job);

/* The caller no longer wants @job: released now if done, else by its worker when it is. */
void resolver_abandon(struct resolver *r, struct resolver_job *job);

/* Workers started, and of them busy with a job (stuck ones included). */
void resolver_counts(struct resolver *r, unsigned int *workers, unsigned int *busy);

/* What the metrics and the health check show of a resolver. */
struct resolver_stats {
	unsigned int max;	/* workers it may start */
	unsigned int workers;	/* started */
	unsigned int busy;	/* in a job now */
	unsigned int queued;	/* jobs waiting for a worker (the backlog) */
	unsigned int stuck;	/* busy with one job for stuck_ms or longer */
};

/* @st of @r (all zero for NULL); a job running for @stuck_ms or more counts as stuck. */
void resolver_stats(struct resolver *r, unsigned int stuck_ms, struct resolver_stats *st);

#endif /* SHRIKE_RESOLVER_H */
