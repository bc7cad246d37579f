/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_except.c - compile a rule's exceptions into its condition, as Falco does: (cond) and not (exc1) and not (exc2). */
#include <stdlib.h>
#include <string.h>
#include "rules/rule_int.h"

static void add_item(struct rnode *n, const char *item, struct rpos pos)
{
	n->vals = rx_realloc(n->vals, (n->nvals + 1) * sizeof(*n->vals));
	rval_from_item(&n->vals[n->nvals], item, pos);
	n->nvals++;
}

static struct rnode *check_new(const char *field, enum rop op, struct rpos pos, struct rerr *err)
{
	struct rnode *n = rnode_new(RN_CHECK, pos);

	if (rule_parse_field(field, strlen(field), pos, &n->lhs, err)) {
		rnode_free(n);
		return NULL;
	}
	n->op = op;
	return n;
}

static int comp_of(const struct rl_entry *comp, struct rpos pos, enum rop *op, struct rerr *err)
{
	if (rop_lookup(comp->item, op) || *op == ROP_EXISTS) {
		rerr_set(err, pos, "'%s' is not a supported comparison operator", comp->item);
		return -1;
	}
	return 0;
}

/* fields: proc.name (one field): proc.name in (v1, v2, ...) */
static struct rnode *single_field(const struct rl_exc *x, struct rerr *err)
{
	enum rop op = ROP_IN;
	struct rnode *n;
	size_t i;

	if (x->has_comps) {
		if (x->comps.is_list) {
			rerr_set(err, x->pos, "exception '%s': fields and comps must both be strings",
				 x->name);
			return NULL;
		}
		if (comp_of(&x->comps, x->comps.pos, &op, err))
			return NULL;
		if (!rop_is_list(op)) {
			rerr_set(err, x->comps.pos,
				 "exception '%s': when fields is a single value, comps must be one of in, pmatch, intersects",
				 x->name);
			return NULL;
		}
	}
	if (!x->nvalues)
		return NULL;
	n = check_new(x->fields.item, op, x->fields.pos, err);
	if (!n)
		return NULL;
	n->rhs = RHS_LIST;
	for (i = 0; i < x->nvalues; i++) {
		if (x->values[i].is_list) {
			rerr_set(err, x->values[i].pos,
				 "exception '%s': expected values array to contain a list of strings", x->name);
			rnode_free(n);
			return NULL;
		}
		add_item(n, x->values[i].item, x->values[i].pos);
	}
	return n;
}

/* One value tuple: field1 comp1 v1 and field2 comp2 v2 ... */
static struct rnode *tuple(const struct rl_exc *x, const enum rop *ops, const struct rl_entry *t,
			   struct rerr *err)
{
	struct rnode *and = rnode_new(RN_AND, t->pos), *n;
	size_t k, j;

	if (!t->is_list || t->n != x->fields.n) {
		rerr_set(err, t->pos, "exception '%s': fields and values lists must have equal length",
			 x->name);
		rnode_free(and);
		return NULL;
	}
	for (k = 0; k < t->n; k++) {
		const struct rl_entry *v = &t->items[k];

		n = check_new(x->fields.items[k].item, ops[k], x->fields.items[k].pos, err);
		if (!n) {
			rnode_free(and);
			return NULL;
		}
		if (v->is_list) {
			if (!rop_is_list(ops[k])) {
				rerr_set(err, v->pos, "exception '%s': a list of values needs 'in', 'pmatch' or 'intersects'",
					 x->name);
				rnode_free(n);
				rnode_free(and);
				return NULL;
			}
			n->rhs = RHS_LIST;
			for (j = 0; j < v->n; j++)
				add_item(n, v->items[j].item, v->items[j].pos);
		} else {
			n->rhs = rop_is_list(ops[k]) ? RHS_LIST : RHS_VALUE;
			add_item(n, v->item, v->pos);
		}
		rnode_add_kid(and, n);
	}
	if (and->nkids == 1) {
		n = and->kids[0];
		and->nkids = 0;
		rnode_free(and);
		return n;
	}
	return and;
}

/* fields: [f1, f2] (a list): (f1 c1 v1 and f2 c2 v2) or (...) for each value tuple */
static struct rnode *multi_field(const struct rl_exc *x, struct rerr *err)
{
	enum rop *ops;
	struct rnode *or = NULL, *t;
	size_t k;

	if (x->has_comps && (!x->comps.is_list || x->comps.n != x->fields.n)) {
		rerr_set(err, x->pos, "exception '%s': fields and comps lists must have equal length",
			 x->name);
		return NULL;
	}
	ops = rx_calloc(x->fields.n + 1, sizeof(*ops));
	for (k = 0; k < x->fields.n; k++) {
		ops[k] = ROP_EQ;
		if (x->fields.items[k].is_list) {
			rerr_set(err, x->fields.items[k].pos, "exception '%s': fields must be strings", x->name);
			goto fail;
		}
		if (x->has_comps && (x->comps.items[k].is_list ||
				     comp_of(&x->comps.items[k], x->comps.items[k].pos, &ops[k], err))) {
			rerr_set(err, x->comps.items[k].pos, "exception '%s': comps must be operators",
				 x->name);
			goto fail;
		}
	}
	for (k = 0; k < x->nvalues; k++) {
		t = tuple(x, ops, &x->values[k], err);
		if (!t)
			goto fail;
		if (!or)
			or = rnode_new(RN_OR, x->pos);
		rnode_add_kid(or, t);
	}
	free(ops);
	if (or && or->nkids == 1) {
		t = or->kids[0];
		or->nkids = 0;
		rnode_free(or);
		return t;
	}
	return or;
fail:
	free(ops);
	rnode_free(or);
	return NULL;
}

struct rnode *rl_exc_build(struct rule_engine *e, const struct rule *r, struct rnode *cond, struct rerr *err)
{
	struct rnode *and = NULL, *ex, *not;
	size_t i;

	(void)e;
	for (i = 0; i < r->nexc; i++) {
		const struct rl_exc *x = &r->exc[i];

		if (!x->has_fields) {
			rerr_set(err, x->pos, "exception '%s' must have a fields property", x->name);
			goto fail;
		}
		ex = x->fields.is_list ? multi_field(x, err) : single_field(x, err);
		if (err->msg)
			goto fail;
		if (!ex)
			continue;	/* no values: nothing to exclude */
		if (!and) {
			and = rnode_new(RN_AND, cond->pos);
			rnode_add_kid(and, cond);
		}
		not = rnode_new(RN_NOT, x->pos);
		rnode_add_kid(not, ex);
		rnode_add_kid(and, not);
	}
	return and ? and : cond;
fail:
	if (and)
		rnode_free(and);
	else
		rnode_free(cond);
	return NULL;
}
