/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rule_check.c - load-time warnings for checks that can never hold: a field
 * the daemon never fills, a constant the field never takes, an evt.type
 * that names no event. Such a rule loads and silently never fires (or, under
 * a not, always does); a warning at the check's position says so once.
 */
#include <stdlib.h>
#include <string.h>
#include "rules/rule_check.h"

struct rl_warn {
	struct rpos pos;
	char *msg;
	char *field;		/* a field-level warning: once per field, not per position */
};

static int seen(const struct rule_engine *e, struct rpos pos, const char *msg, const char *field)
{
	size_t i;

	for (i = 0; i < e->nwarns; i++) {
		const struct rl_warn *w = &e->warns[i];

		if (field ? w->field && !strcmp(w->field, field) :
			    !w->field && w->pos.file == pos.file && w->pos.line == pos.line &&
				    w->pos.col == pos.col && !strcmp(w->msg, msg))
			return 1;
	}
	return 0;
}

/* Keep msg (taken) as a warning at pos, unless already said. */
static void warn(struct rule_engine *e, struct rpos pos, char *msg, const char *field)
{
	struct rl_warn *w;

	if (seen(e, pos, msg, field)) {
		free(msg);
		return;
	}
	RX_GROW(e->warns, e->nwarns, e->cwarns);
	w = &e->warns[e->nwarns++];
	w->pos = pos;
	w->msg = msg;
	w->field = field ? rx_strdup(field) : NULL;
}

/* Is the field of this check ever known? Asked as each check compiles. */
void rl_check_cmp(struct cctx *c, const struct rnode *n, uint32_t slot)
{
	struct rule_engine *e = c->e;
	const struct rslot *s = &e->slots[slot];
	char *why;

	if (!e->ops.check_value || n->lhs.nxf)
		return;
	why = e->ops.check_value(e->ops.ctx, s->text, &s->ref, rop_name(n->op), NULL, NULL);
	if (why)
		warn(e, n->lhs.pos, rx_printf("%s: %s", s->text, why), s->text);
	free(why);
}

/* The constants of one check, on the event types of rule r. */
static void check_values(struct cctx *c, const struct rule *r, const uint64_t *types,
			 const struct rnode *n)
{
	struct rule_engine *e = c->e;
	struct cvals cv = { 0 };
	struct rerr err = c->err;
	int too_large = c->too_large;
	size_t i, nodes = e->nnodes;
	const struct rslot *s = NULL;

	if (n->lhs.nxf || n->lhs.arg || n->op == ROP_EXISTS ||
	    (n->rhs != RHS_VALUE && n->rhs != RHS_LIST && n->rhs != RHS_LISTREF) ||
	    strncmp(n->lhs.name, "evt.arg.", 8))
		return;
	for (i = 0; i < e->nslots && !s; i++)
		if (!strcmp(e->slots[i].name, n->lhs.name) && !e->slots[i].arg)
			s = &e->slots[i];
	if (!s)
		return;
	/* the values were counted against the limits when the check compiled */
	if (rl_collect_values(c, n, &cv) == 0) {
		for (i = 0; i < cv.n; i++) {
			char *v = rx_strndup(cv.v[i].s, cv.v[i].len);
			char *why = e->ops.check_value(e->ops.ctx, s->text, &s->ref, rop_name(n->op), v,
						       types);

			if (why && rop_is_list(n->op))
				warn(e, cv.v[i].pos, rx_printf("rule '%s': %s %s (...): item %s never "
							       "matches: %s", r->name, s->text,
							       rop_name(n->op), v, why), NULL);
			else if (why)
				warn(e, cv.v[i].pos, rx_printf("rule '%s': %s %s %s can never hold: %s",
							       r->name, s->text, rop_name(n->op), v,
							       why), NULL);
			free(why);
			free(v);
		}
	}
	free(cv.v);
	e->nnodes = nodes;
	c->too_large = too_large;
	if (c->err.msg != err.msg)
		free(c->err.msg);
	c->err = err;
}

/*
 * Each macro is looked into once per rule, however often the rule reaches
 * it: a macro used twice by a macro used twice... is walked once, not 2^n
 * times (RULES.md, "Loading").
 */
static void walk(struct cctx *c, const struct rule *r, const uint64_t *types, const struct rnode *n,
		 unsigned depth)
{
	struct rl_macro *m;
	size_t i;

	if (!n || depth > RULE_MAX_DEPTH)
		return;
	switch (n->kind) {
	case RN_AND:
	case RN_OR:
	case RN_NOT:
		for (i = 0; i < n->nkids; i++)
			walk(c, r, types, n->kids[i], depth + 1);
		return;
	case RN_MACRO:
		m = eng_find_macro(c->e, n->name);
		if (!m || m->state != 1 || !m->ast || m->checked == c->e->check_walk)
			return;
		m->checked = c->e->check_walk;
		walk(c, r, types, m->ast, depth + 1);
		return;
	case RN_CHECK:
		check_values(c, r, types, n);
		return;
	}
}

void rl_check_rule(struct cctx *c, const struct rule *r, const struct rnode *ast)
{
	size_t w;
	int none = 1, all = 1;

	if (!c->e->ops.check_value)
		return;
	for (w = 0; w < TYPE_KNOWN_WORDS; w++) {
		none &= !r->types[w];
		all &= r->types[w] == UINT64_MAX;
	}
	if (none)
		return;	/* no event type: said already */
	c->e->check_walk++;
	walk(c, r, all ? NULL : r->types, ast, 0);
}

/* evt.type = X where no X names an event shrike has: never true (or, with !=, always). */
void rl_check_types(struct cctx *c, const struct rnode *n, const struct cvals *cv, size_t nknown)
{
	char *names;
	size_t i, len = 0;

	if (nknown || !cv->n)
		return;
	for (i = 0; i < cv->n; i++)
		len += cv->v[i].len + 2;
	names = rx_calloc(1, len + 1);
	for (i = 0; i < cv->n; i++) {
		if (i)
			strcat(names, ", ");
		strncat(names, cv->v[i].s, cv->v[i].len);
	}
	warn(c->e, n->lhs.pos, rx_printf("evt.type %s %s%s%s can never hold: shrike has no "
					 "event type of that name (shrike --list-events lists them)", rop_name(n->op),
					 cv->n > 1 ? "(" : "", names, cv->n > 1 ? ")" : ""), NULL);
	free(names);
}

void rl_check_flush(struct rule_engine *e, struct rule_diag *diag)
{
	for (; e->warns_out < e->nwarns; e->warns_out++)
		rl_diag_add(e, diag, 0, e->warns[e->warns_out].pos, "%s", e->warns[e->warns_out].msg);
}

void rl_check_reset(struct rule_engine *e)
{
	size_t i;

	for (i = 0; i < e->nwarns; i++) {
		free(e->warns[i].msg);
		free(e->warns[i].field);
	}
	free(e->warns);
	e->warns = NULL;
	e->nwarns = e->cwarns = e->warns_out = 0;
}
