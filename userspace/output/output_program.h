/* SPDX-License-Identifier: GPL-2.0-only */
/* output_program.h - alerts written to the stdin of `sh -c PROGRAM`, from a delivery thread (Falco's program_output). */
#ifndef SHRIKE_OUTPUT_PROGRAM_H
#define SHRIKE_OUTPUT_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

struct program_sender;

struct program_config {
	const char *program;		/* run with /bin/sh -c */
	int keep_alive;			/* one process for every alert, else one per alert */
	size_t queue_size;		/* alerts waiting at most */
};

/* Counters over the daemon's lifetime, summed over every sender. */
struct program_stats {
	uint64_t sent;		/* written whole to a program's stdin */
	uint64_t failed;	/* the program went away before taking it, also after a restart */
	uint64_t dropped;	/* the queue was full, or still waiting at exit */
	uint64_t restarts;	/* keep_alive: programs started again after one ended */
};

/*
 * A sender for cfg: a bounded queue and a thread that starts the program
 * and writes each alert, one line, to its stdin. A sender with the same
 * settings still in use is shared (a reload keeps the running program).
 * NULL with a message on stderr (an empty program, no thread).
 */
struct program_sender *program_sender_get(const struct program_config *cfg);
/*
 * Drop one reference; the last one retires the sender: its thread writes
 * what is queued, closes the program's stdin and waits for it, in the
 * background, until program_senders_shutdown.
 */
void program_sender_put(struct program_sender *s);
/* Queue one line (copied, the newline added). Never blocks: full, it is dropped and counted. 0 or -1. */
int program_sender_post(struct program_sender *s, const char *line);
/*
 * At exit: every sender gets at most `seconds` to write its queue and for
 * its program to exit once its stdin is closed; then the program is
 * killed and what is left counted as dropped. Joins and frees them.
 */
void program_senders_shutdown(double seconds);
void program_stats_get(struct program_stats *st);

#endif /* SHRIKE_OUTPUT_PROGRAM_H */
