/* SPDX-License-Identifier: GPL-2.0-only */
/* side.h - values an event's fields take from outside the event stream, for replay. */
#ifndef SHRIKE_SIDE_H
#define SHRIKE_SIDE_H

#include <stdint.h>
#include "input/event.h"

/*
 * Container and user names come from cgroupfs and the container's files,
 * which a capture file cannot replay. While capturing, these fields are
 * recorded for a process whenever they change; on replay, they are served
 * from those records instead of being looked up.
 */
enum side_field {
	SIDE_CONTAINER_ID,
	SIDE_CONTAINER_NAME,
	SIDE_CONTAINER_TYPE,
	SIDE_USER_NAME,
	SIDE_USER_HOMEDIR,
	SIDE_USER_SHELL,
	SIDE_GROUP_NAME,
	SIDE_USER_LOGINNAME,
	SIDE_CONTAINER_NESTED,	/* captures before it have 8 values: unknown there */
	SIDE_USER_HOST_LOGINNAME,
	SIDE_CONTAINER_PLATFORM,
	SIDE_CONTAINER_PROJECT,
	SIDE_CONTAINER_TAGS,
	/*
	 * The names of the event's uid and gid arguments (setresuid's ruid,
	 * euid, suid), in parameter order: evt.arg.uid names another user than
	 * the process's own, from the same files. Captures before them have 13
	 * values: those names are unknown (<NA>) there.
	 */
	SIDE_ARG_ID0,
	SIDE_ARG_ID1,
	SIDE_ARG_ID2,
	SIDE_N
};

#define SIDE_ARG_IDS (SIDE_N - SIDE_ARG_ID0)	/* uid/gid arguments an event has at most */

struct capture_writer;

/* Capturing: write ev's side values to w if they changed for its process. */
void side_capture(struct capture_writer *w, const struct sevent *ev);

/* Replaying: remember values for pid; enrich_ctx.replaying makes fields use them. */
void side_replay_set(uint32_t pid, const char *const *values, uint32_t n);
/* The value of field f for ev's process, NULL if unknown. */
const char *side_replay_get(const struct sevent *ev, enum side_field f);
void side_replay_free(void);

#endif /* SHRIKE_SIDE_H */
