/* SPDX-License-Identifier: GPL-2.0-only */
/* side.c - recording and replaying the fields that come from outside the events. */
#include <stdlib.h>
#include <string.h>
#include "capture/capture.h"
#include "fields/fields.h"
#include "enrich/proctab.h"
#include "fields/side.h"

static const char *const side_names[SIDE_N] = {
	"container.id", "container.name", "container.type", "user.name",
	"user.homedir", "user.shell", "group.name", "user.loginname", "container.nested",
	"user.host_loginname", "container.platform", "container.project", "container.tags",
};

static uint64_t fnv(uint64_t h, const char *s)
{
	if (!s)
		return (h ^ 0xff) * 1099511628211ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (h ^ 0xfe) * 1099511628211ull;
}

void side_capture(struct capture_writer *w, const struct sevent *ev)
{
	static int ids[SIDE_N];
	static int resolved;
	char *vals[SIDE_N];
	uint64_t h = 1469598103934665603ull;
	int i;

	if (!resolved) {
		for (i = 0; i < SIDE_N; i++)
			ids[i] = fields_find(side_names[i]);
		resolved = 1;
	}
	for (i = 0; i < SIDE_N; i++) {
		struct rf_ref ref = { .id = ids[i], .index = -1 };
		struct rf_value v;

		fields_extract(ev, &ref, &v);
		/* copies: the next extraction may reuse the buffers */
		vals[i] = v.known && v.s ? strndup(v.s, v.slen) : NULL;
		h = fnv(h, vals[i]);
	}
	/*
	 * An event of a process the table does not hold (a thread's exit after
	 * its process's, a full table) has no place to remember what was
	 * written: its values are written every time, or the replay would give
	 * it what an earlier process of that pid had.
	 */
	if (!ev->proc || h != ev->proc->side_hash) {
		if (ev->proc)
			ev->proc->side_hash = h;
		capture_write_side(w, ev->pid, (const char *const *)vals, SIDE_N);
	}
	for (i = 0; i < SIDE_N; i++)
		free(vals[i]);
}

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
