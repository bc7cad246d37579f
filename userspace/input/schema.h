/* SPDX-License-Identifier: GPL-2.0-only */
/* schema.h - what each event type carries, derived from the shared table. */
#ifndef SHRIKE_SCHEMA_H
#define SHRIKE_SCHEMA_H

#include <stdint.h>
#include "shrike.h"
#include "shrike_events.h"

struct param_schema {
	const char *name;	/* as in evt.arg.NAME */
	uint8_t kind;		/* enum shrike_kind */
	uint8_t phase;		/* enum shrike_phase */
	uint8_t src;		/* enum shrike_src */
};

#define SCHEMA_MAX_PARAMS SHRIKE_SPEC_MAX_PARAMS

struct event_schema {
	const char *name;	/* evt.type */
	int nr;			/* syscall number or -1 */
	uint16_t nparams;
	uint8_t n_enter, n_exit;
	struct param_schema params[SCHEMA_MAX_PARAMS];
	/* at[phase]: indexes into params of that phase's parameters, in record order */
	uint8_t at[2][SCHEMA_MAX_PARAMS];
	/* again[i]: the exit copy (NAME_exit) of entry path parameter i, or -1 */
	int8_t again[SCHEMA_MAX_PARAMS];
	int8_t opened;		/* open family: the path of the opened file, or -1 */
	int8_t path;		/* the first path argument (entry copy, followed by
				 * the directory it is relative to), or -1
				 */
};

/* NULL for a type this daemon does not know. */
const struct event_schema *schema_of(uint16_t type);
/* Event type by evt.type name, or -1. */
int schema_type_by_name(const char *name);
/* Index of the parameter called name in the schema, or -1. */
int schema_param_index(const struct event_schema *s, const char *name);

/*
 * The same for a constant name, remembered per event type at the call site:
 * extractors ask for "tuple" or "flags" on every event, and a string search
 * per call showed at the top of replay profiles.
 */
#define SCHEMA_PARAM(ev, name) __extension__ ({					\
	static int8_t idx_[SHRIKE_EVT_MAX];					\
	static uint8_t known_[SHRIKE_EVT_MAX];					\
	unsigned t_ = (ev)->type;						\
	int r_ = -1;								\
	if ((ev)->schema && t_ < SHRIKE_EVT_MAX) {				\
		if (!known_[t_]) {						\
			idx_[t_] = (int8_t)schema_param_index((ev)->schema, name); \
			known_[t_] = 1;						\
		}								\
		r_ = idx_[t_];							\
	}									\
	r_; })

#endif /* SHRIKE_SCHEMA_H */
