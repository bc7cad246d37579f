/* fields_impl.h - helpers shared by the field extractors (fields*.c). */
#ifndef SHRIKE_FIELDS_IMPL_H
#define SHRIKE_FIELDS_IMPL_H

#include <stdlib.h>
#include <string.h>
#include "fields.h"

/* Per-field scratch for values built on demand (e.g. proc.cmdline). Grows
 * to the largest value once; no allocation per event after warm-up.
 */
struct scratch {
	char *buf;
	size_t cap;
};

static inline char *scratch_get(struct scratch *s, size_t need)
{
	if (need > s->cap) {
		char *n = realloc(s->buf, need);

		if (!n)
			return NULL;
		s->buf = n;
		s->cap = need;
	}
	return s->buf;
}

static inline void set_str(struct rf_value *out, const char *s)
{
	if (!s) {
		out->known = 0;
		return;
	}
	out->known = 1;
	out->type = RF_STR;
	out->s = s;
	out->slen = strlen(s);
}

static inline void set_int(struct rf_value *out, int64_t v)
{
	out->known = 1;
	out->type = RF_INT;
	out->i = v;
	out->u = (uint64_t)v;
}

static inline void set_uint(struct rf_value *out, uint64_t v)
{
	out->known = 1;
	out->type = RF_UINT;
	out->u = v;
	out->i = (int64_t)v;
}

/* An id with SHRIKE_ID_NONE meaning "no mapping" becomes -1, as Falco prints. */
static inline void set_id(struct rf_value *out, uint32_t id)
{
	set_int(out, id == SHRIKE_ID_NONE ? -1 : (int64_t)id);
}


/* fields_fd.c */
void f_evt_arg(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_num(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_typechar(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_rip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_rport(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_lip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_lport(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
/* Render parameter i of ev as text into s; NULL if it has no value. */
const char *fields_param_text(const struct sevent *ev, int i, struct scratch *s);

#endif /* SHRIKE_FIELDS_IMPL_H */
