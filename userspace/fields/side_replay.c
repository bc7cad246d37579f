/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * side_replay.c - the side values a capture recorded, per process, served to
 * the fields while replaying. Below the fields (they read it), apart from
 * side_capture.c (which reads the fields).
 */
#include <stdlib.h>
#include <string.h>
#include "fields/side.h"

/* pid -> values; an open-addressing table that grows */
struct side_entry {
	uint32_t pid;
	char *v[SIDE_N];
};

static struct side_entry *table;
static size_t cap, used;

static struct side_entry *slot(uint32_t pid, int create)
{
	size_t i, mask;

	if (!cap) {
		if (!create)
			return NULL;
		cap = 1024;
		table = calloc(cap, sizeof(*table));
		if (!table)
			return cap = 0, NULL;
	}
	mask = cap - 1;
	for (i = (pid * 2654435761u) & mask;; i = (i + 1) & mask) {
		if (table[i].pid == pid)
			return &table[i];
		if (table[i].pid == 0)
			break;
	}
	if (!create || pid == 0)
		return NULL;
	if (2 * (used + 1) > cap) {
		struct side_entry *old = table;
		size_t oldcap = cap, k;

		table = calloc(cap * 2, sizeof(*table));
		if (!table) {
			table = old;
			return NULL;
		}
		cap *= 2;
		used = 0;
		for (k = 0; k < oldcap; k++)
			if (old[k].pid) {
				struct side_entry *e = slot(old[k].pid, 1);

				memcpy(e->v, old[k].v, sizeof(e->v));
			}
		free(old);
		return slot(pid, 1);
	}
	table[i].pid = pid;
	used++;
	return &table[i];
}

void side_replay_set(uint32_t pid, const char *const *values, uint32_t n)
{
	struct side_entry *e = slot(pid, 1);
	uint32_t i;

	if (!e)
		return;
	for (i = 0; i < SIDE_N; i++) {
		free(e->v[i]);
		e->v[i] = i < n && values[i] ? strdup(values[i]) : NULL;
	}
}

const char *side_replay_get(const struct sevent *ev, enum side_field f)
{
	struct side_entry *e = slot(ev->pid, 0);

	return e ? e->v[f] : NULL;
}

void side_replay_free(void)
{
	size_t i;
	int k;

	for (i = 0; i < cap; i++)
		for (k = 0; k < SIDE_N; k++)
			free(table[i].v[k]);
	free(table);
	table = NULL;
	cap = used = 0;
}
