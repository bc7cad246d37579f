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
	SIDE_N
};

struct capture_writer;

/* Capturing: write ev's side values to w if they changed for its process. */
void side_capture(struct capture_writer *w, const struct sevent *ev);

/* Replaying: remember values for pid; enrich_ctx.replaying makes fields use them. */
void side_replay_set(uint32_t pid, const char *const *values, uint32_t n);
/* The value of field f for ev's process, NULL if unknown. */
const char *side_replay_get(const struct sevent *ev, enum side_field f);
void side_replay_free(void);

#endif /* SHRIKE_SIDE_H */
