/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_intern.c - a check written in several rules is compiled once. */
/*
 * A check written in several rules (evt.res >= 0, or one inside a macro they
 * share) is compiled once and shared by their trees, so that it is evaluated
 * once per event: cmp_eval() keeps its result for the event (ecmp.memo).
 */
#include <stdlib.h>
#include <string.h>
#include "rules/rule_compile.h"

struct cmp_seen {
	uint64_t h;
	char *key;
	size_t klen;
	struct ecmp *cmp;
};

static void ckey_field(struct strbuf *k, const struct efield *f)
{
	sb_add(k, &f->slot, sizeof(f->slot));
	sb_add(k, &f->multi, sizeof(f->multi));
	sb_add(k, &f->nxf, sizeof(f->nxf));
	sb_add(k, f->xf, f->nxf);
}

/*
 * What a check tests, as bytes: its field (a slot is one distinct field),
 * transformers, the operator as written and the operand's values after list
 * expansion, or the field on the right. Everything the compiled operand is
 * built from, so equal keys compile to equal checks.
 */
static void ckey_build(struct strbuf *k, const struct ecmp *cmp, enum rop op, const struct cvals *cv)
{
	size_t i;

	ckey_field(k, &cmp->lhs);
	sb_add(k, &op, sizeof(op));
	if (cmp->rhs) {
		sb_add(k, "F", 1);
		ckey_field(k, cmp->rhs);
		return;
	}
	for (i = 0; i < cv->n; i++) {
		sb_add(k, &cv->v[i].len, sizeof(cv->v[i].len));
		sb_add(k, cv->v[i].s, cv->v[i].len);
	}
}

/* Index the seen checks by hash: open addressing, slots hold index + 1, at most half full. */
static void seen_index(struct rule_engine *e, size_t i)
{
	size_t k = e->seen[i].h & (e->seen_cap - 1);

	while (e->seen_tab[k])
		k = (k + 1) & (e->seen_cap - 1);
	e->seen_tab[k] = (uint32_t)i + 1;
}

static void seen_grow(struct rule_engine *e)
{
	size_t i;

	free(e->seen_tab);
	e->seen_cap = e->seen_cap ? e->seen_cap * 2 : 64;
	e->seen_tab = rx_calloc(e->seen_cap, sizeof(*e->seen_tab));
	for (i = 0; i < e->nseen; i++)
		seen_index(e, i);
}

struct ecmp *ecmp_intern(struct rule_engine *e, struct ecmp *cmp, enum rop op, const struct cvals *cv)
{
	struct strbuf k = { 0 };
	struct cmp_seen *s;
	uint64_t h;
	size_t i;

	ckey_build(&k, cmp, op, cv);
	h = rx_hash(k.s, k.len);
	for (i = e->seen_cap ? h & (e->seen_cap - 1) : 0; e->seen_cap && e->seen_tab[i];
	     i = (i + 1) & (e->seen_cap - 1)) {
		s = &e->seen[e->seen_tab[i] - 1];
		if (s->h == h && s->klen == k.len && !memcmp(s->key, k.s, k.len)) {
			sb_free(&k);
			ecmp_free(cmp);
			s->cmp->refs++;
			return s->cmp;
		}
	}
	RX_GROW(e->seen, e->nseen, e->cseen);
	s = &e->seen[e->nseen++];
	s->h = h;
	s->key = sb_detach(&k, &s->klen);
	s->cmp = cmp;
	if (2 * e->nseen > e->seen_cap)
		seen_grow(e);
	else
		seen_index(e, e->nseen - 1);
	/* one reference for the tree, one for this table: a rule that fails
	 * after compiling it must not free it under the next rule
	 */
	cmp->refs = 2;
	return cmp;
}

void ecmp_intern_reset(struct rule_engine *e)
{
	size_t i;

	for (i = 0; i < e->nseen; i++) {
		ecmp_release(e->seen[i].cmp);
		free(e->seen[i].key);
	}
	free(e->seen);
	e->seen = NULL;
	e->nseen = e->cseen = 0;
	free(e->seen_tab);
	e->seen_tab = NULL;
	e->seen_cap = 0;
}
