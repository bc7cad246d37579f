/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_values.c - a check's values with the lists it names expanded (once per list), every node counted against the size limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules/rule_values.h"

/*
 * Count n more nodes or list items against RULE_MAX_NODES; past it the
 * rule fails, naming the macro or list being expanded when it happened.
 */
int rl_grow(struct cctx *c, size_t n)
{
	char where[160] = "";

	c->e->nnodes += n;
	if (c->e->nnodes <= RULE_MAX_NODES)
		return 0;
	if (c->list)
		snprintf(where, sizeof(where), " in list '%s'", c->list->name);
	else if (c->macro)
		snprintf(where, sizeof(where), " in macro '%s'", c->macro->name);
	rerr_set(&c->err, c->rule->pos,
		 "rule '%s': condition too large after expansion (%zu nodes, limit %d for all rules)%s",
		 c->rule->name, c->e->nnodes - c->nodes0, RULE_MAX_NODES, where);
	c->too_large = 1;
	return -1;
}

/* ---- lists ---- */

static void cvals_add(struct cvals *cv, const char *s, size_t len, struct rpos pos)
{
	RX_GROW(cv->v, cv->n, cv->cap);
	cv->v[cv->n].s = s;
	cv->v[cv->n].len = len;
	cv->v[cv->n].pos = pos;
	cv->n++;
}

/* A list's items with the lists it names replaced by theirs, once (counted: l2: [l1, l1]...). */
static int list_expand(struct cctx *c, struct rl_list *l)
{
	const struct rl_list *outer = c->list;
	size_t i, k, cap = 0;
	int r;

	if (l->state == 2)
		return 0;
	if (l->state == 1) {
		rerr_set(&c->err, l->pos, "list '%s' refers to itself", l->name);
		return -1;
	}
	l->state = 1;
	if (!outer)
		c->list = l;
	for (i = 0; i < l->nitems; i++) {
		struct rval v;
		struct rl_list *ref = NULL;

		rval_from_item(&v, l->items[i], l->pos);
		if (!v.quoted)
			ref = eng_find_list(c->e, v.s);
		if (ref && ref->index < l->visibility) {
			free(v.s);
			r = list_expand(c, ref);
			if (!r)
				r = rl_grow(c, ref->nexp);
			if (r) {
				c->list = outer;
				return -1;
			}
			for (k = 0; k < ref->nexp; k++) {
				RX_GROW(l->exp, l->nexp, cap);
				l->exp[l->nexp] = ref->exp[k];
				l->exp[l->nexp].s = rx_strndup(ref->exp[k].s, ref->exp[k].len);
				l->nexp++;
			}
			continue;
		}
		RX_GROW(l->exp, l->nexp, cap);
		l->exp[l->nexp++] = v;
	}
	l->state = 2;
	r = rl_grow(c, l->nitems);
	c->list = outer;
	return r;
}

static int add_list_items(struct cctx *c, struct cvals *cv, const char *name, struct rpos pos)
{
	struct rl_list *l = eng_find_list(c->e, name);
	size_t i;
	int r;

	if (!l)
		return 0;
	if (list_expand(c, l))
		return -1;
	c->list = l;
	r = rl_grow(c, l->nexp);
	c->list = NULL;
	if (r)
		return -1;
	for (i = 0; i < l->nexp; i++)
		cvals_add(cv, l->exp[i].s, l->exp[i].len, pos);
	return 1;
}

/* The operands of a check, with list names expanded to their items. */
int rl_collect_values(struct cctx *c, const struct rnode *n, struct cvals *cv)
{
	size_t i;
	int r;

	for (i = 0; i < n->nvals; i++) {
		const struct rval *v = &n->vals[i];

		if ((n->rhs == RHS_LIST || n->rhs == RHS_LISTREF) && !v->quoted) {
			r = add_list_items(c, cv, v->s, v->pos);
			if (r < 0)
				return -1;
			if (r > 0)
				continue;
		}
		if (rl_grow(c, 1))
			return -1;
		cvals_add(cv, v->s, v->len, v->pos);
	}
	return 0;
}
