/* event.c - decoding records from the kernel or a capture file, trusting nothing. */
#include <string.h>
#include "event.h"

static int check_param(const struct sparam *p, enum pkind kind, const char **why)
{
	if (p->flags & SHRIKE_PARAM_FAULT) {
		if (p->len) {
			*why = "unreadable parameter with a length";
			return -1;
		}
		return 0;
	}
	switch (kind) {
	case PK_S64:
	case PK_U64:
		if (p->len != 8)
			goto bad_size;
		return 0;
	case PK_U32:
		if (p->len != 4)
			goto bad_size;
		return 0;
	case PK_CTX:
		if (p->len != sizeof(struct shrike_proc_ctx))
			goto bad_size;
		return 0;
	case PK_STR:
	case PK_STRLIST:
		/* empty is allowed (e.g. no exepath); otherwise NUL-terminated */
		if (p->len && p->p[p->len - 1] != '\0') {
			*why = "string parameter not terminated";
			return -1;
		}
		return 0;
	}
bad_size:
	*why = "parameter has the wrong size for its type";
	return -1;
}

int event_decode(const void *rec, size_t avail, struct sevent *ev, const char **why)
{
	const char *base = rec;
	struct shrike_evt_hdr h;
	size_t off, i;
	uint16_t plen[SCHEMA_MAX_PARAMS];

	if (avail < sizeof(h)) {
		*why = "record shorter than its header";
		return -1;
	}
	memcpy(&h, rec, sizeof(h));
	if (h.len < sizeof(h) || h.len > avail || h.len > SHRIKE_MAX_EVENT || (h.len & 7)) {
		*why = "record length out of range";
		return -1;
	}
	ev->schema = schema_of(h.type);
	if (!ev->schema) {
		*why = "unknown event type";
		return -1;
	}
	if (h.nparams != ev->schema->nparams) {
		*why = "wrong number of parameters for the event type";
		return -1;
	}
	off = sizeof(h) + (size_t)h.nparams * sizeof(uint16_t);
	off = (off + 7) & ~(size_t)7;
	if (off > h.len) {
		*why = "parameter table overruns the record";
		return -1;
	}
	memcpy(plen, base + sizeof(h), h.nparams * sizeof(uint16_t));
	ev->ts = h.ts;
	ev->tid = h.tid;
	ev->pid = h.pid;
	ev->type = h.type;
	ev->nparams = h.nparams;
	ev->has_ctx = 0;
	ev->proc = NULL;
	for (i = 0; i < h.nparams; i++) {
		struct sparam *p = &ev->params[i];
		size_t n = plen[i] & SHRIKE_PARAM_LEN_MASK;

		if (n > h.len - off) {
			*why = "parameter overruns the record";
			return -1;
		}
		p->p = base + off;
		p->len = (uint16_t)n;
		p->flags = plen[i] & (SHRIKE_PARAM_TRUNC | SHRIKE_PARAM_FAULT);
		if (check_param(p, ev->schema->params[i].kind, why))
			return -1;
		if (ev->schema->params[i].kind == PK_CTX && p->len) {
			memcpy(&ev->ctx, p->p, sizeof(ev->ctx));
			ev->ctx.comm[sizeof(ev->ctx.comm) - 1] = '\0';
			ev->has_ctx = 1;
		}
		off += n;
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

uint32_t sparam_u32(const struct sparam *p)
{
	uint32_t v = 0;

	if (p->len == sizeof(v))
		memcpy(&v, p->p, sizeof(v));
	return v;
}

const char *sparam_str(const struct sparam *p)
{
	if (p->flags & SHRIKE_PARAM_FAULT)
		return NULL;
	return p->len ? p->p : "";
}
