/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_index.c - what runs per event type. */
/*
 * Each type's bucket holds the live rules that can match it, each with its
 * condition folded for that type and laid out as a branching program: every
 * check has the step to take when it holds and the one when it does not, so
 * and/or/not cost no recursion (and no node of their own) per event.
 */
#include <stdlib.h>
#include <string.h>
#include "rules/rule_int.h"

static int rule_live(const struct rule_engine *e, const struct rule *r)
{
	return r->compiled && r->enabled && r->prio <= e->min_prio;
}

/* A copy of n's boolean structure; its checks stay n's (borrowed, not copied). */
static struct enode *enode_share(const struct enode *n)
{
	struct enode *c = rx_calloc(1, sizeof(*c));
	uint32_t i;

	c->op = n->op;
	c->n = n->n;
	c->cmp = n->cmp;
	c->cmp_borrowed = 1;
	if (n->types) {
		c->types = rx_calloc(TYPE_WORDS, sizeof(uint64_t));
		memcpy(c->types, n->types, TYPE_WORDS * sizeof(uint64_t));
	}
	if (n->n) {
		c->kids = rx_calloc(n->n, sizeof(*c->kids));
		for (i = 0; i < n->n; i++)
			c->kids[i] = enode_share(n->kids[i]);
	}
	return c;
}

/*
 * Append the steps of n; t and f are where to go when n holds or not.
 * Returns n's first step (or t / f for a constant). An and chains its kids
 * through their "holds" exits, an or through their "does not hold" exits,
 * built from the last kid back; a not swaps the exits.
 */
static int32_t prog_gen(struct rule_engine *e, const struct enode *n, int32_t t, int32_t f)
{
	int32_t next;
	uint32_t i;

	switch (n->op) {
	case EO_TRUE:
		return t;
	case EO_FALSE:
		return f;
	case EO_NOT:
		return prog_gen(e, n->kids[0], f, t);
	case EO_AND:
		next = t;
		for (i = n->n; i-- > 0;)
			next = prog_gen(e, n->kids[i], next, f);
		return next;
	case EO_OR:
		next = f;
		for (i = n->n; i-- > 0;)
			next = prog_gen(e, n->kids[i], t, next);
		return next;
	case EO_TYPES:
	case EO_CMP:
		break;
	}
	RX_GROW(e->steps, e->nsteps, e->csteps);
	e->steps[e->nsteps] = (struct estep){ n->op == EO_CMP ? n->cmp : NULL, n->types, t, f };
	return (int32_t)e->nsteps++;
}

void rl_index_free(struct rule_engine *e)
{
	uint32_t i;

	if (e->bucket_root && e->bucket_off)
		for (i = 0; i < e->bucket_off[RULE_MAX_EVT_TYPES + 1]; i++)
			enode_free(e->bucket_root[i]);
	free(e->bucket_root);
	free(e->bucket_off);
	free(e->bucket);
	free(e->bucket_prog);
	free(e->steps);
	e->bucket_root = NULL;
	e->bucket_off = NULL;
	e->bucket = NULL;
	e->bucket_prog = NULL;
	e->steps = NULL;
	e->nsteps = e->csteps = 0;
}

/*
 * Per type, the live rules that can match it, in load order; bucket
 * RULE_MAX_EVT_TYPES is for unknown types. Each entry evaluates the rule's
 * condition folded for that one type: a rule for open and mkdir alike
 * (open_write or evt.type in (mkdir, ...)) checks no evt.type at all on an
 * open, only what is left of its condition there.
 */
void rl_index_build(struct rule_engine *e)
{
	size_t i, total = 0, nb = RULE_MAX_EVT_TYPES + 1;
	uint64_t one[TYPE_WORDS];
	uint32_t b;

	rl_index_free(e);
	e->bucket_off = rx_calloc(nb + 1, sizeof(*e->bucket_off));
	for (b = 0; b < nb; b++) {
		e->bucket_off[b] = (uint32_t)total;
		for (i = 0; i < e->nrules; i++) {
			const struct rule *r = e->rules[i];

			if (!rule_live(e, r))
				continue;
			if ((r->types[b / 64] >> (b % 64)) & 1)
				total++;
		}
	}
	e->bucket_off[nb] = (uint32_t)total;
	e->bucket = rx_calloc(total ? total : 1, sizeof(*e->bucket));
	e->bucket_root = rx_calloc(total ? total : 1, sizeof(*e->bucket_root));
	e->bucket_prog = rx_calloc(total ? total : 1, sizeof(*e->bucket_prog));
	total = 0;
	for (b = 0; b < nb; b++) {
		memset(one, 0, sizeof(one));
		one[b / 64] = 1ull << (b % 64);
		for (i = 0; i < e->nrules; i++) {
			struct rule *r = e->rules[i];

			if (!rule_live(e, r))
				continue;
			if (!((r->types[b / 64] >> (b % 64)) & 1))
				continue;
			e->bucket[total] = r;
			/* unknown types: evaluated as they come (evt.type checks false) */
			e->bucket_root[total] = b == RULE_MAX_EVT_TYPES ? enode_share(r->root) :
						enode_prune_types(enode_share(r->root), one);
			e->bucket_prog[total] = prog_gen(e, e->bucket_root[total], PROG_TRUE, PROG_FALSE);
			total++;
		}
	}
}

static struct enode *make_const(struct enode *n, int value)
{
	uint32_t i;

	for (i = 0; i < n->n; i++)
		enode_free(n->kids[i]);
	free(n->kids);
	free(n->types);
	n->kids = NULL;
	n->types = NULL;
	n->n = 0;
	n->op = value ? EO_TRUE : EO_FALSE;
	return n;
}

/*
 * Rules are evaluated only for events whose type is in the rule's own type
 * set, so an evt.type check that contains that whole set is always true
 * there (and one disjoint from it always false): fold them away.
 */
struct enode *enode_prune_types(struct enode *n, const uint64_t *rt)
{
	int w, sup = 1, dis = 1;
	uint32_t i, k;
	enum eop neutral, absorb;

	switch (n->op) {
	case EO_TYPES:
		for (w = 0; w < TYPE_WORDS; w++) {
			if (rt[w] & ~n->types[w])
				sup = 0;
			if (rt[w] & n->types[w])
				dis = 0;
		}
		return (sup || dis) ? make_const(n, sup) : n;
	case EO_NOT:
		n->kids[0] = enode_prune_types(n->kids[0], rt);
		if (n->kids[0]->op == EO_TRUE || n->kids[0]->op == EO_FALSE)
			return make_const(n, n->kids[0]->op == EO_FALSE);
		return n;
	case EO_AND:
	case EO_OR:
		neutral = n->op == EO_AND ? EO_TRUE : EO_FALSE;
		absorb = n->op == EO_AND ? EO_FALSE : EO_TRUE;
		for (i = k = 0; i < n->n; i++) {
			struct enode *kid = enode_prune_types(n->kids[i], rt);

			if (kid->op == absorb) {
				enode_free(kid);
				for (i++; i < n->n; i++)
					enode_free(n->kids[i]);
				n->n = k;
				return make_const(n, absorb == EO_TRUE);
			}
			if (kid->op == neutral)
				enode_free(kid);
			else
				n->kids[k++] = kid;
		}
		n->n = k;
		if (k == 0)
			return make_const(n, neutral == EO_TRUE);
		if (k == 1) {
			struct enode *only = n->kids[0];

			n->n = 0;
			enode_free(n);
			return only;
		}
		return n;
	default:
		return n;
	}
}

int rule_engine_event_types(const struct rule_engine *e, uint64_t types[RULE_MAX_EVT_TYPES / 64])
{
	size_t i;
	int w, all = 0;

	memset(types, 0, TYPE_KNOWN_WORDS * sizeof(uint64_t));
	if (!e->compiled)
		return 0;
	for (i = 0; i < e->nrules; i++) {
		const struct rule *r = e->rules[i];

		if (!rule_live(e, r))
			continue;
		all += r->all_types;
		for (w = 0; w < TYPE_KNOWN_WORDS; w++)
			types[w] |= r->types[w];
	}
	return all;
}
