/* SPDX-License-Identifier: GPL-2.0-only */
/* proctab.h - the daemon's table of live processes, keyed by pid. */
#ifndef SHRIKE_PROCTAB_H
#define SHRIKE_PROCTAB_H

#include <stddef.h>
#include <stdint.h>
#include "shrike.h"
#include "input/event.h"

struct proc {
	uint32_t pid;
	uint64_t start_ns;	/* with pid, tells a reused pid apart */
	char comm[16];
	char *exepath;		/* NULL if unknown */
	char *cwd;		/* NULL if unknown */
	char *args;		/* argv as NUL-separated strings, argv[0] included */
	size_t args_len;
	struct shrike_proc_ctx ctx;	/* identity as of the last exec/fork/scan */
	uint64_t side_hash;	/* side_capture.c: the side values last written to a capture */
	int has_ctx;
	/* container.c's memo: the container found for these cgroup ids (cont_gen 0: none yet) */
	uint64_t cont_cgroup_id, cont_cgroup1_id;
	uint32_t cont_cgroup1_hier;
	uint32_t cont_slot, cont_gen;
	size_t bytes;		/* what proctab counts for it: see max_bytes */
	uint32_t epoch;		/* the drop epoch its identity was last confirmed in */
	struct proc *hnext;
};

#define PROCTAB_MAX_BYTES	(64u << 20)	/* default bound of the table's strings */

struct proctab {
	struct proc **buckets;
	size_t nbuckets;
	size_t count;
	size_t max;		/* bound: oldest insertions are refused past it */
	/*
	 * What the entries and their strings take: past max_bytes, a
	 * process's argv is not kept (proc.cmdline and proc.args are then
	 * unknown), so 64 KiB command lines cannot make the table grow
	 * without end; the entries themselves are bounded by max.
	 */
	size_t bytes, max_bytes;
	uint64_t args_dropped;	/* argv not kept for max_bytes */
	uint64_t pids_reused;	/* entries found to be a dead process's (pid reused) */
	/*
	 * Moved by the reader when records were dropped: an entry last
	 * confirmed in an older epoch is checked against /proc (its start
	 * time) at its next event, once.
	 */
	uint32_t drop_epoch;
	int no_procfs;		/* replaying: never ask this machine's /proc */
	/* told about every entry built from /proc after the start-up scan
	 * (a capture must carry what replay cannot read) */
	void (*from_procfs)(void *arg, struct proc *p);
	void *from_procfs_arg;
};

int proctab_init(struct proctab *pt, size_t max);
void proctab_free(struct proctab *pt);
struct proc *proctab_get(struct proctab *pt, uint32_t pid);
/* Look up ev's process, creating or replacing entries from exec/fork info. */
void proctab_enrich(struct proctab *pt, struct sevent *ev);
/* After the event was reported: drop processes that exited. */
void proctab_after(struct proctab *pt, const struct sevent *ev);
/* Add a complete entry (from a capture's snapshot), replacing its pid; takes p. */
void proctab_insert(struct proctab *pt, struct proc *p);
/* Call fn for every entry. */
void proctab_foreach(struct proctab *pt, void (*fn)(void *arg, struct proc *p), void *arg);
/* Build entries for processes already running, from a /proc directory. */
int proctab_scan(struct proctab *pt, const char *procdir);

#endif /* SHRIKE_PROCTAB_H */
