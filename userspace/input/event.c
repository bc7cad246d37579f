/* SPDX-License-Identifier: GPL-2.0-only */
/* event.c - decoding records from the kernel or a capture file, trusting nothing. */
#include <string.h>
#include "input/event.h"

static int check_param(const struct sparam *p, uint8_t kind, const char **why)
{
	if (p->flags & SHRIKE_PARAM_FAULT) {
		if (p->len) {
			*why = "unreadable parameter with a length";
			return -1;
		}
		return 0;
	}
	switch (kind) {
	case SHRIKE_K_S64:
	case SHRIKE_K_U64:
		if (p->len != 8)
			goto bad_size;
		return 0;
	case SHRIKE_K_TUPLE:
		if (p->len != sizeof(struct shrike_tuple))
			goto bad_size;
		return 0;
	case SHRIKE_K_SOCKADDR:
		if (p->len > 128)
			goto bad_size;
		return 0;
	case SHRIKE_K_CTX:
		if (p->len != sizeof(struct shrike_proc_ctx))
			goto bad_size;
		return 0;
	case SHRIKE_K_STR:
	case SHRIKE_K_STRLIST:
		/* empty is allowed (e.g. no exepath); otherwise NUL-terminated */
		if (p->len && p->p[p->len - 1] != '\0') {
			*why = "string parameter not terminated";
			return -1;
		}
		return 0;
	}
	*why = "parameter of an unknown kind";
	return -1;
bad_size:
	*why = "parameter has the wrong size for its type";
	return -1;
}

static int check_header(const void *rec, size_t avail, struct shrike_evt_hdr *h,
			const char **why)
{
	if (avail < sizeof(*h)) {
		*why = "record shorter than its header";
		return -1;
	}
	memcpy(h, rec, sizeof(*h));
	if (h->len < sizeof(*h) || h->len > avail || h->len > SHRIKE_MAX_EVENT || (h->len & 7)) {
		*why = "record length out of range";
		return -1;
	}
	return 0;
}

/* Fill the slots of one phase from a record whose header was checked. */
static int decode_params(const char *base, const struct shrike_evt_hdr *h, uint8_t phase,
			 struct sevent *ev, const char **why)
{
	const struct event_schema *s = ev->schema;
	const uint8_t *at = s->at[phase];
	const char *plen = base + sizeof(*h);
	size_t off, k;

	/*
	 * Fewer is a record of an older ABI (capture files keep theirs): new
	 * parameters are only ever appended to a phase, so the ones it lacks
	 * are missing, as if their record never came.
	 */
	if (h->nparams > (phase == SHRIKE_AT_ENTER ? s->n_enter : s->n_exit)) {
		*why = "wrong number of parameters for the event type";
		return -1;
	}
	off = sizeof(*h) + (size_t)h->nparams * sizeof(uint16_t);
	off = (off + 7) & ~(size_t)7;
	if (off > h->len) {
		*why = "parameter table overruns the record";
		return -1;
	}
	for (k = 0; k < h->nparams; k++) {
		struct sparam *p = &ev->params[at[k]];
		uint8_t kind = s->params[at[k]].kind;
		uint16_t raw;
		size_t n;

		memcpy(&raw, plen + k * sizeof(raw), sizeof(raw));
		n = raw & SHRIKE_PARAM_LEN_MASK;
		if (n > h->len - off) {
			*why = "parameter overruns the record";
			return -1;
		}
		/* an empty parameter is still a C string for whoever reads it as one */
		p->p = n ? base + off : "";
		p->len = (uint16_t)n;
		p->flags = raw & (SHRIKE_PARAM_TRUNC | SHRIKE_PARAM_FAULT);
		if (check_param(p, kind, why))
			return -1;
		if ((p->flags & SHRIKE_PARAM_DEFER) == SHRIKE_PARAM_DEFER)
			ev->deferred++;
		if (kind == SHRIKE_K_CTX && p->len) {
			memcpy(&ev->ctx, p->p, sizeof(ev->ctx));
			ev->ctx.comm[sizeof(ev->ctx.comm) - 1] = '\0';
			ev->has_ctx = 1;
		}
		off += n;
	}
	for (; k < (size_t)(phase == SHRIKE_AT_ENTER ? s->n_enter : s->n_exit); k++)
		ev->params[at[k]] = (struct sparam){ .p = "", .len = 0, .flags = SPARAM_MISSING };
	return 0;
}

/* The parameters of one phase, as if its record never came. */
static void params_missing(struct sevent *ev, uint8_t phase)
{
	const struct event_schema *s = ev->schema;
	size_t k, n = phase == SHRIKE_AT_ENTER ? s->n_enter : s->n_exit;

	for (k = 0; k < n; k++)
		ev->params[s->at[phase][k]] = (struct sparam){ .p = "", .len = 0, .flags = SPARAM_MISSING };
}

/* The flags a record type may carry besides ENTER; any other bit is an unknown type. */
#define TYPE_ABI_FLAGS	(SHRIKE_EVT_COMPAT | SHRIKE_EVT_TASK32)

static const struct event_schema *type_schema(uint16_t type)
{
	return schema_of(type & ~(SHRIKE_EVT_ENTER | TYPE_ABI_FLAGS));
}

int event_decode(const void *rec, size_t avail, struct sevent *ev, const char **why)
{
	struct shrike_evt_hdr h;
	uint8_t phase;

	if (check_header(rec, avail, &h, why))
		return -1;
	phase = (h.type & SHRIKE_EVT_ENTER) ? SHRIKE_AT_ENTER : SHRIKE_AT_EXIT;
	ev->schema = type_schema(h.type);
	if (!ev->schema || (phase == SHRIKE_AT_ENTER && !ev->schema->n_enter)) {
		*why = "unknown event type";
		return -1;
	}
	ev->ts = h.ts;
	ev->tid = h.tid;
	ev->pid = h.pid;
	ev->type = h.type & ~(SHRIKE_EVT_ENTER | TYPE_ABI_FLAGS);
	ev->flags = h.type & TYPE_ABI_FLAGS;
	ev->is_enter = phase == SHRIKE_AT_ENTER;
	ev->nparams = ev->schema->nparams;
	ev->has_ctx = 0;
	ev->deferred = 0;
	ev->proc = NULL;
	ev->enrich = NULL;
	/* the other phase's record may never join this one */
	params_missing(ev, !phase);
	if (decode_params(rec, &h, phase, ev, why) < 0) {
		params_missing(ev, phase);
		return -1;
	}
	return 0;
}

int event_is_enter(const void *rec, size_t avail, uint32_t *tid)
{
	struct shrike_evt_hdr h;
	const struct event_schema *s;
	const char *why;

	if (check_header(rec, avail, &h, &why) || !(h.type & SHRIKE_EVT_ENTER))
		return 0;
	s = type_schema(h.type);
	if (!s || !s->n_enter)
		return 0;
	*tid = h.tid;
	return 1;
}

int event_merge_enter(const void *rec, size_t avail, struct sevent *ev, const char **why)
{
	struct shrike_evt_hdr h;

	if (check_header(rec, avail, &h, why))
		return -1;
	/* one syscall: its enter record came through the same ABI as its exit */
	if (h.type != (ev->type | ev->flags | SHRIKE_EVT_ENTER) || h.tid != ev->tid) {
		*why = "enter record of another event";
		return -1;
	}
	if (decode_params(rec, &h, SHRIKE_AT_ENTER, ev, why) < 0) {
		/* what was filled before the bad parameter goes too: none of it is trusted */
		params_missing(ev, SHRIKE_AT_ENTER);
		return -1;
	}
	return 0;
}

int64_t sparam_s64(const struct sparam *p)
{
	int64_t v = 0;

	if (p->len == sizeof(v))
		memcpy(&v, p->p, sizeof(v));
	return v;
}

uint64_t sparam_u64(const struct sparam *p)
{
	uint64_t v = 0;

	if (p->len == sizeof(v))
		memcpy(&v, p->p, sizeof(v));
	return v;
}

int event_group_dead(const struct sevent *ev)
{
	return ev->type == SHRIKE_EVT_PROCEXIT &&
	       (sparam_u64(&ev->params[SHRIKE_P_EXIT_FLAGS]) & SHRIKE_EXIT_GROUP_DEAD);
}

const char *sparam_str(const struct sparam *p)
{
	if (p->flags & (SHRIKE_PARAM_FAULT | SPARAM_MISSING))
		return NULL;
	return p->len ? p->p : "";
}
