/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_index.c - what runs per event type. */
/*
 * Each type's bucket holds the live rules that can match it, each with its
 * condition folded for that type and laid out as a branching program: every
 * check has the step to take when it holds and the one when it does not, so
 * and/or/not cost no recursion (and no node of their own) per event.
 *
 * Conditions are graphs (a macro's node is shared by its uses, see
 * rule_compile.c), and so are their folds: a node is folded once per type
 * (n->fold), and a part without evt.type checks folds to itself, so that
 * its program serves every type. A macro whose expansion has more than
 * INLINE_LEAVES checks is laid out once, as a program of its own that its
 * uses call (n->call), rather than copied into each use: copies would double
 * with each level of a macro used twice. Everything made here counts against
 * RULE_MAX_INDEX.
 */
#include <stdlib.h>
#include <string.h>
#include "rules/rule_int.h"

/*
 * Larger macros are called rather than copied into their uses. Far above
 * the macros of real rules (Falco's largest, write_etc_common, expands to
 * 248 checks), so that their programs stay plain branching programs.
 */
#define INLINE_LEAVES 1024

struct ibuild {
	struct rule_engine *e;
	uint64_t build;		/* the programs of this build (n->prog_stamp) */
	uint64_t stamp;		/* the bucket's folds (n->fold_stamp) */
	unsigned bucket;	/* its type, RULE_MAX_EVT_TYPES for unknown ones */
	struct enode **made;	/* the nodes folded for the bucket: a reference each */
	size_t nmade, cmade;
	int over;		/* past RULE_MAX_INDEX */
};

static int rule_in_index(const struct rule_engine *e, const struct rule *r, int all)
{
	return r->compiled && (all || (r->enabled && r->prio <= e->min_prio));
}

static int rule_live(const struct rule_engine *e, const struct rule *r)
{
	return rule_in_index(e, r, 0);
}

static void count(struct ibuild *ib, size_t n)
{
	ib->e->nindex += n;
	if (ib->e->nindex > RULE_MAX_INDEX)
		ib->over = 1;
}

/* A node folded for the bucket, kept until the bucket is laid out. */
static struct enode *made(struct ibuild *ib, struct enode *n)
{
	RX_GROW(ib->made, ib->nmade, ib->cmade);
	ib->made[ib->nmade++] = n;
	return enode_seal(n);
}

static struct enode *konst(struct ibuild *ib, int value)
{
	return made(ib, enode_new(value ? EO_TRUE : EO_FALSE));
}

static struct enode *fold(struct ibuild *ib, struct enode *n);

/*
 * n for the bucket's type: an evt.type check is true or false there, and
 * the constants fold away, as rule_compile.c folds them (a not of a
 * constant, and/or absorbing or dropping one).
 */
static struct enode *fold_node(struct ibuild *ib, struct enode *n)
{
	enum eop neutral, absorb;
	struct enode *k, *r;
	unsigned b = ib->bucket;
	uint32_t i;

	count(ib, 1);
	switch (n->op) {
	case EO_TYPES:
		return konst(ib, b < RULE_MAX_EVT_TYPES && ((n->types[b / 64] >> (b % 64)) & 1));
	case EO_NOT:
		k = fold(ib, n->kids[0]);
		if (k->op == EO_TRUE || k->op == EO_FALSE)
			return konst(ib, k->op == EO_FALSE);
		r = enode_new(EO_NOT);
		r->kids = rx_malloc(sizeof(*r->kids));
		r->kids[r->n++] = enode_get(k);
		break;
	case EO_AND:
	case EO_OR:
		neutral = n->op == EO_AND ? EO_TRUE : EO_FALSE;
		absorb = n->op == EO_AND ? EO_FALSE : EO_TRUE;
		r = enode_new(n->op);
		r->kids = rx_calloc(n->n, sizeof(*r->kids));
		for (i = 0; i < n->n; i++) {
			k = fold(ib, n->kids[i]);
			if (k->op == absorb || ib->over) {
				enode_put(r);
				return konst(ib, absorb == EO_TRUE);
			}
			if (k->op != neutral)
				r->kids[r->n++] = enode_get(k);
		}
		if (r->n <= 1) {
			k = r->n ? r->kids[0] : konst(ib, neutral == EO_TRUE);
			enode_put(r);	/* k stays: it is in made or in the rule's graph */
			return k;
		}
		break;
	default:
		return n;
	}
	r->macro = n->macro;
	return made(ib, r);
}

/* Borrowed: valid until the bucket is laid out. */
static struct enode *fold(struct ibuild *ib, struct enode *n)
{
	if (!n->has_types)
		return n;
	if (n->fold_stamp != ib->stamp) {
		n->fold = fold_node(ib, n);
		n->fold_stamp = ib->stamp;
	}
	return n->fold;
}

static int32_t step(struct ibuild *ib, struct ecmp *cmp, const uint64_t *types, int32_t call,
		    int32_t t, int32_t f)
{
	struct rule_engine *e = ib->e;

	count(ib, 1);
	RX_GROW(e->steps, e->nsteps, e->csteps);
	e->steps[e->nsteps] = (struct estep){ cmp, types, call, t, f };
	return (int32_t)e->nsteps++;
}

static int32_t prog_gen(struct ibuild *ib, struct enode *n, int32_t t, int32_t f);

/*
 * Append the steps of n; t and f are where to go when n holds or not.
 * Returns n's first step (or t / f for a constant). An and chains its kids
 * through their "holds" exits, an or through their "does not hold" exits,
 * built from the last kid back; a not swaps the exits.
 */
static int32_t prog_inline(struct ibuild *ib, struct enode *n, int32_t t, int32_t f)
{
	int32_t next;
	uint32_t i;

	switch (n->op) {
	case EO_TRUE:
		return t;
	case EO_FALSE:
		return f;
	case EO_NOT:
		return prog_gen(ib, n->kids[0], f, t);
	case EO_AND:
		next = t;
		for (i = n->n; i-- > 0 && !ib->over;)
			next = prog_gen(ib, n->kids[i], next, f);
		return next;
	case EO_OR:
		next = f;
		for (i = n->n; i-- > 0 && !ib->over;)
			next = prog_gen(ib, n->kids[i], t, next);
		return next;
	case EO_TYPES:
		return step(ib, NULL, n->types, -1, t, f);
	case EO_CMP:
		break;
	}
	return step(ib, n->cmp, NULL, -1, t, f);
}

/* n's program on its own (PROG_TRUE when it holds), laid out once per build. */
static int32_t prog_entry(struct ibuild *ib, struct enode *n)
{
	int32_t entry;

	if (n->prog_stamp == ib->build)
		return n->entry;
	entry = prog_inline(ib, n, PROG_TRUE, PROG_FALSE);
	n->prog_stamp = ib->build;
	n->entry = entry;
	n->call = -1;
	return entry;
}

static int32_t prog_gen(struct ibuild *ib, struct enode *n, int32_t t, int32_t f)
{
	struct rule_engine *e = ib->e;

	if (!n->macro || n->leaves <= INLINE_LEAVES || (n->op != EO_AND && n->op != EO_OR))
		return prog_inline(ib, n, t, f);
	prog_entry(ib, n);
	if (n->call < 0) {
		count(ib, 1);
		RX_GROW(e->calls, e->ncalls, e->ccalls);
		e->calls[e->ncalls] = (struct ecall){ .entry = n->entry };
		n->call = (int32_t)e->ncalls++;
	}
	return step(ib, NULL, NULL, n->call, t, f);
}

void rl_index_free(struct rule_engine *e)
{
	free(e->bucket_off);
	free(e->bucket);
	free(e->bucket_prog);
	free(e->steps);
	free(e->calls);
	e->bucket_off = NULL;
	e->bucket = NULL;
	e->bucket_prog = NULL;
	e->steps = NULL;
	e->nsteps = e->csteps = 0;
	e->calls = NULL;
	e->ncalls = e->ccalls = 0;
	e->nindex = 0;
}

static void bucket_done(struct ibuild *ib)
{
	while (ib->nmade)
		enode_put(ib->made[--ib->nmade]);
}

/* Past RULE_MAX_INDEX: the rule that took the most of it. */
static void index_over(struct rule_engine *e, const size_t *cost, struct rule_index_bad *bad)
{
	size_t i;

	bad->rule = NULL;
	bad->cost = 0;
	for (i = 0; i < e->nrules; i++) {
		if (!bad->rule || cost[i] > bad->cost) {
			bad->rule = e->rules[i];
			bad->cost = cost[i];
		}
	}
}

/*
 * Per type, the rules that can match it, in load order; bucket
 * RULE_MAX_EVT_TYPES is for unknown types. Each entry evaluates the rule's
 * condition folded for that one type: a rule for open and mkdir alike
 * (open_write or evt.type in (mkdir, ...)) checks no evt.type at all on an
 * open, only what is left of its condition there; on an unknown type every
 * evt.type check is false. The live rules, or with all every compiled one.
 */
static int index_build(struct rule_engine *e, int all, struct rule_index_bad *bad)
{
	struct ibuild ib = { .e = e };
	size_t i, total = 0, nb = RULE_MAX_EVT_TYPES + 1, before;
	size_t *cost = rx_calloc(e->nrules ? e->nrules : 1, sizeof(*cost));
	uint32_t b;

	rl_index_free(e);
	e->bucket_off = rx_calloc(nb + 1, sizeof(*e->bucket_off));
	for (b = 0; b < nb; b++) {
		e->bucket_off[b] = (uint32_t)total;
		for (i = 0; i < e->nrules; i++) {
			const struct rule *r = e->rules[i];

			if (rule_in_index(e, r, all) && ((r->types[b / 64] >> (b % 64)) & 1))
				total++;
		}
	}
	e->bucket_off[nb] = (uint32_t)total;
	e->bucket = rx_calloc(total ? total : 1, sizeof(*e->bucket));
	e->bucket_prog = rx_calloc(total ? total : 1, sizeof(*e->bucket_prog));
	ib.build = ++e->stamp;
	total = 0;
	for (b = 0; b < nb; b++) {
		ib.bucket = b;
		ib.stamp = ++e->stamp;
		for (i = 0; i < e->nrules; i++) {
			struct rule *r = e->rules[i];

			if (!rule_in_index(e, r, all) || !((r->types[b / 64] >> (b % 64)) & 1))
				continue;
			before = e->nindex;
			e->bucket[total] = r;
			e->bucket_prog[total] = prog_entry(&ib, fold(&ib, r->root));
			total++;
			cost[i] += e->nindex - before;
			if (ib.over) {
				index_over(e, cost, bad);
				bucket_done(&ib);
				free(ib.made);
				free(cost);
				rl_index_free(e);
				return -1;
			}
		}
		bucket_done(&ib);
	}
	free(ib.made);
	free(cost);
	return 0;
}

/*
 * The index of every compiled rule is the largest one that enabling rules
 * or lowering the priority can ask for later: it is the one checked against
 * RULE_MAX_INDEX, then the live rules' is built if they are fewer.
 */
int rl_index_build(struct rule_engine *e, struct rule_index_bad *bad)
{
	size_t i;

	if (index_build(e, 1, bad) < 0)
		return -1;
	for (i = 0; i < e->nrules; i++)
		if (e->rules[i]->compiled && !rule_live(e, e->rules[i]))
			return index_build(e, 0, bad);
	return 0;
}

void rl_index_rebuild(struct rule_engine *e)
{
	struct rule_index_bad bad;

	index_build(e, 0, &bad);
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
