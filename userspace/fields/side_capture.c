/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * side_capture.c - recording the fields that come from outside the events,
 * for a replay (side_replay.c serves them back).
 */
#include <stdlib.h>
#include <string.h>
#include "capture/capture.h"
#include "fields/fields.h"
#include "fields/fields_impl.h"
#include "enrich/proctab.h"
#include "fields/side.h"

_Static_assert(SIDE_N <= CAPTURE_SIDE_MAX, "a capture reader takes CAPTURE_SIDE_MAX values");

/* the fields each value is, up to the argument names (no field of their own) */
static const char *const side_names[SIDE_ARG_ID0] = {
	"container.id", "container.name", "container.type", "user.name",
	"user.homedir", "user.shell", "group.name", "user.loginname", "container.nested",
	"user.host_loginname", "container.platform", "container.project", "container.tags",
};

/* Value i of ev as the live run gives it, a copy (NULL: unknown). */
static char *side_value(const struct sevent *ev, int i, const int *ids)
{
	struct rf_ref ref = { .id = i < SIDE_ARG_ID0 ? ids[i] : -1, .index = -1 };
	struct rf_value v;
	const char *name;

	if (i >= SIDE_ARG_ID0) {
		name = fields_arg_id_name_nth(ev, i - SIDE_ARG_ID0);
		return name ? strdup(name) : NULL;
	}
	fields_extract(ev, &ref, &v);
	return v.known && v.s ? strndup(v.s, v.slen) : NULL;
}

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
	static int ids[SIDE_ARG_ID0];
	static int resolved;
	char *vals[SIDE_N];
	uint64_t h = 1469598103934665603ull;
	int i;

	if (!resolved) {
		for (i = 0; i < SIDE_ARG_ID0; i++)
			ids[i] = fields_find(side_names[i]);
		resolved = 1;
	}
	for (i = 0; i < SIDE_N; i++) {
		/* copies: the next extraction may reuse the buffers */
		vals[i] = side_value(ev, i, ids);
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
