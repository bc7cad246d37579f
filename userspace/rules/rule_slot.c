/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_slot.c - the per-event value slots: each distinct field (and argument) a rule reads is resolved once, to one slot. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "rules/rule_int.h"

static int all_digits(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return i > 0 && i < 10;
}

static int try_resolve(struct rule_engine *e, const char *name, const char *arg, struct rslot *s)
{
	memset(&s->ref, 0, sizeof(s->ref));
	free(s->key);
	s->key = NULL;
	s->ref.id = -1;
	s->ref.index = -1;
	if (arg && all_digits(arg)) {
		s->ref.index = atoi(arg);
	} else if (arg) {
		s->key = rx_strdup(arg);
		s->ref.key = s->key;
	}
	if (!e->ops.resolve)
		return -1;
	return e->ops.resolve(e->ops.ctx, name, arg, &s->ref);
}

int rl_slot_resolve(struct rule_engine *e, const struct rfield *f, struct rerr *err)
{
	struct rslot s = { 0 };
	size_t i;
	int r;

	for (i = 0; i < e->nslots; i++) {
		struct rslot *o = &e->slots[i];

		if (!strcmp(o->name, f->name) && ((!o->arg && !f->arg) ||
						  (o->arg && f->arg && !strcmp(o->arg, f->arg))))
			return (int)i;
	}
	r = try_resolve(e, f->name, f->arg, &s);
	if (r == -1 && !f->arg) {
		/* "evt.arg.flags" -> ("evt.arg", "flags"), then shorter names */
		char *name = rx_strdup(f->name), *dot;

		while (r == -1 && (dot = strrchr(name, '.')) && strchr(name, '.') != dot) {
			*dot = '\0';
			r = try_resolve(e, name, f->name + (dot - name) + 1, &s);
		}
		free(name);
		if (r == -2)
			r = -1;
	}
	if (r == -2) {
		rerr_set(err, f->pos, "invalid argument '%s' for field '%s'", f->arg, f->name);
		free(s.key);
		return -2;
	}
	if (r != 0) {
		free(s.key);
		return -1;
	}
	s.name = rx_strdup(f->name);
	s.arg = f->arg ? rx_strdup(f->arg) : NULL;
	s.text = rfield_text(f);
	s.ref.key = s.key;
	RX_GROW(e->slots, e->nslots, e->cslots);
	e->slots[e->nslots] = s;
	return (int)e->nslots++;
}
