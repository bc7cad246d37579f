/* SPDX-License-Identifier: GPL-2.0-only */
/* event.h - a decoded event: header fields plus validated parameters. */
#ifndef SHRIKE_EVENT_H
#define SHRIKE_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include "shrike.h"
#include "input/schema.h"

struct sparam {
	const char *p;		/* points into the record */
	uint16_t len;
	uint16_t flags;		/* SHRIKE_PARAM_TRUNC / SHRIKE_PARAM_FAULT / SPARAM_MISSING */
};

/* Daemon-side flag: the record that carries this parameter never arrived
 * (an enter record lost to a drop, or a syscall already running at start).
 */
#define SPARAM_MISSING	0x0001

struct proc;
struct enrich_ctx;

struct sevent {
	uint64_t num;		/* evt.num: position in the stream */
	uint64_t ts;		/* CLOCK_BOOTTIME ns */
	uint32_t tid, pid;
	uint32_t cpu;		/* ring it came from */
	uint16_t type;		/* without the record type flags */
	uint16_t nparams;
	uint16_t flags;		/* SHRIKE_EVT_COMPAT and SHRIKE_EVT_TASK32 of the record */
	int is_enter;		/* decoded from an enter record */
	const struct event_schema *schema;
	struct sparam params[SCHEMA_MAX_PARAMS];
	int has_ctx;
	int deferred;		/* parameters marked SHRIKE_PARAM_DEFER (a path to come) */
	struct shrike_proc_ctx ctx;	/* aligned copy of the ctx parameter */
	struct proc *proc;		/* filled by enrichment */
	const struct enrich_ctx *enrich;	/* what its fields look up, set by the pipeline */
};

/*
 * Decode and validate one record of at most avail bytes. Every length and
 * offset is checked against the record and the schema; on failure returns -1
 * and points *why at a reason (the record is then skipped, never followed).
 * Parameters of the other phase are marked SPARAM_MISSING.
 */
int event_decode(const void *rec, size_t avail, struct sevent *ev, const char **why);
/*
 * An enter record whose header checks out, of a type that has one: 1 and
 * its tid. Its parameters are checked when the exit joins it.
 */
int event_is_enter(const void *rec, size_t avail, uint32_t *tid);
/*
 * Fill the enter-phase parameters of ev (decoded from an exit record) from
 * its enter record. -1 if rec is not a valid enter record of ev's type.
 */
int event_merge_enter(const void *rec, size_t avail, struct sevent *ev, const char **why);

int64_t sparam_s64(const struct sparam *p);
uint64_t sparam_u64(const struct sparam *p);
/* A string parameter, or NULL if it was not readable. */
const char *sparam_str(const struct sparam *p);
/* A PROCEXIT event of the last thread of its process (the pid is free to be reused). */
int event_group_dead(const struct sevent *ev);

#endif /* SHRIKE_EVENT_H */
