/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_compile.c - turn a rule's AST into an evaluation graph: macros compiled once and shared, lists expanded, fields resolved once, operands pre-built. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "rules/rule_compile.h"
#include "rules/rule_check.h"

/* Deepest evaluation tree after macro expansion (the evaluator recurses). */
#define RULE_MAX_EVAL_DEPTH 4000

/* A new node of the condition being compiled, counted (checked by compile_node). */
static struct enode *cnode(struct cctx *c, enum eop op)
{
	c->e->nnodes++;
	return enode_new(op);
}

/* ---- fields ---- */

static int efield_init(struct cctx *c, struct efield *ef, const struct rfield *f)
{
	int slot = rl_slot_resolve(c->e, f, &c->err);
	unsigned i;

	if (slot == -1) {
		if (!c->unknown)
			c->unknown = rfield_text(f);
		return -1;
	}
	if (slot < 0)
		return -1;
	ef->slot = (uint32_t)slot;
	ef->type = c->e->slots[slot].ref.type;
	ef->multi = (c->e->slots[slot].ref.flags & RF_FLAG_MULTI) && !f->arg;
	for (i = 0; i < f->nxf; i++) {
		static const char *const xn[] = { "tolower", "toupper", "basename", "b64" };

		if (ef->type != RF_STR) {
			rerr_set(&c->err, f->pos, "transformer '%s' needs a string, field '%s' is %s",
				 xn[f->xf[i]], f->name, rl_type_name(ef->type));
			return -1;
		}
		ef->xf[i] = f->xf[i];
	}
	ef->nxf = f->nxf;
	return 0;
}

/* not k, constants and double negations folded; takes k's reference. */
static struct enode *compile_not(struct cctx *c, struct enode *k)
{
	struct enode *en;

	if (k->op == EO_TRUE || k->op == EO_FALSE) {
		en = cnode(c, k->op == EO_TRUE ? EO_FALSE : EO_TRUE);
		enode_put(k);
		return en;
	}
	if (k->op == EO_NOT) {
		en = enode_get(k->kids[0]);
		enode_put(k);
		return en;
	}
	en = cnode(c, EO_NOT);
	en->kids = rx_malloc(sizeof(*en->kids));
	en->kids[0] = k;
	en->n = 1;
	return enode_seal(en);
}

/* ---- checks ---- */

static struct enode *compile_types(struct cctx *c, const struct rnode *n)
{
	struct cvals cv = { 0 };
	struct enode *en;
	size_t i, known = 0;

	if (rl_collect_values(c, n, &cv)) {
		free(cv.v);
		return NULL;
	}
	en = cnode(c, EO_TYPES);
	en->types = rx_calloc(TYPE_WORDS, sizeof(uint64_t));
	for (i = 0; i < cv.n; i++) {
		char *name = rx_strndup(cv.v[i].s, cv.v[i].len);
		int id = c->e->ops.evt_type_id(c->e->ops.ctx, name);

		free(name);
		if (id >= 0 && id < RULE_MAX_EVT_TYPES) {
			en->types[id / 64] |= 1ULL << (id % 64);
			known++;
		}
	}
	rl_check_types(c, n, &cv, known);
	free(cv.v);
	enode_seal(en);
	return n->op == ROP_NE ? compile_not(c, en) : en;
}

static int is_evt_type_check(const struct rule_engine *e, const struct rnode *n)
{
	return e->ops.evt_type_id && e->ops.event_type && !strcmp(n->lhs.name, "evt.type") &&
	       !n->lhs.arg && !n->lhs.nxf && n->rhs != RHS_FIELD &&
	       (n->op == ROP_EQ || n->op == ROP_NE || n->op == ROP_IN || n->op == ROP_INTERSECTS);
}

static int compile_rhs_field(struct cctx *c, struct ecmp *cmp, const struct rnode *n)
{
	enum rf_type lt = cmp->lhs.type, rt;
	int ok;

	cmp->rhs = rx_calloc(1, sizeof(*cmp->rhs));
	if (efield_init(c, cmp->rhs, &n->rfield))
		return -1;
	cmp->rhs->multi = 0;
	rt = cmp->rhs->type;
	if (cmp->op == ROP_IN || cmp->op == ROP_INTERSECTS)
		cmp->op = ROP_EQ;
	switch (cmp->op) {
	case ROP_EQ: case ROP_NE: case ROP_LT: case ROP_LE: case ROP_GT: case ROP_GE:
		ok = (lt == rt) || ((rl_is_signed(lt) || rl_is_unsigned(lt)) && (rl_is_signed(rt) || rl_is_unsigned(rt)));
		break;
	case ROP_CONTAINS: case ROP_ICONTAINS: case ROP_STARTSWITH: case ROP_ENDSWITH:
	case ROP_BCONTAINS: case ROP_BSTARTSWITH:
		ok = lt == RF_STR && rt == RF_STR;
		break;
	default:
		rerr_set(&c->err, n->rfield.pos, "operator '%s' needs a constant value, not a field",
			 rop_name(cmp->op));
		return -1;
	}
	if (!ok) {
		rerr_set(&c->err, n->rfield.pos, "cannot compare field '%s' (%s) with '%s' (%s)",
			 n->lhs.name, rl_type_name(lt), n->rfield.name, rl_type_name(rt));
		return -1;
	}
	return 0;
}

/* Is this a number compared as text: a string operator, or a value (or list
 * item) that does not parse as a number?
 */
static int wants_text_twin(struct cctx *c, const struct rnode *n)
{
	struct cvals cv = { 0 };
	size_t i;
	int text = 0;

	if (!c->e->ops.text_twin || n->lhs.arg || n->rhs == RHS_FIELD ||
	    !c->e->ops.text_twin(c->e->ops.ctx, n->lhs.name))
		return 0;
	switch (n->op) {
	case ROP_EXISTS:
		return 0;
	case ROP_EQ: case ROP_NE: case ROP_IN: case ROP_INTERSECTS:
	case ROP_LT: case ROP_LE: case ROP_GT: case ROP_GE:
		break;
	default:
		return 1;
	}
	if (rl_collect_values(c, n, &cv) < 0) {
		free(cv.v);
		return 0;
	}
	for (i = 0; i < cv.n && !text; i++) {
		char *end;
		char buf[64];

		if (cv.v[i].len == 0 || cv.v[i].len >= sizeof(buf)) {
			text = 1;
			break;
		}
		memcpy(buf, cv.v[i].s, cv.v[i].len);
		buf[cv.v[i].len] = '\0';
		(void)strtoll(buf, &end, 0);
		text = *end != '\0';
	}
	free(cv.v);
	return text;
}

static struct enode *compile_check(struct cctx *c, const struct rnode *n)
{
	struct cvals cv = { 0 };
	struct rfield lhs;
	struct ecmp *cmp;
	struct enode *en;
	char *ftext;
	int r = 0;

	if (is_evt_type_check(c->e, n))
		return compile_types(c, n);
	cmp = rx_calloc(1, sizeof(*cmp));
	cmp->op = n->op;
	lhs = n->lhs;
	if (wants_text_twin(c, n))
		lhs.name = (char *)c->e->ops.text_twin(c->e->ops.ctx, n->lhs.name);
	if (efield_init(c, &cmp->lhs, &lhs)) {
		ecmp_free(cmp);
		return NULL;
	}
	ftext = rfield_text(&n->lhs);
	if (!rl_op_allowed(n->op, cmp->lhs.type)) {
		rerr_set(&c->err, n->pos, "operator '%s' cannot be used with field '%s' (%s)",
			 rop_name(n->op), ftext, rl_type_name(cmp->lhs.type));
		r = -1;
	} else if (n->rhs == RHS_FIELD) {
		r = compile_rhs_field(c, cmp, n);
	} else if (n->op != ROP_EXISTS) {
		r = rl_collect_values(c, n, &cv);
		if (!r && cv.n == 0 && rop_is_list(n->op)) {
			/* "x in ()" can never be true */
			free(cv.v);
			free(ftext);
			ecmp_free(cmp);
			return cnode(c, EO_FALSE);
		}
		if (!r)
			r = rl_build_operand(c, cmp, &cv, ftext, n->pos);
	}
	if (!r)
		rl_check_cmp(c, n, cmp->lhs.slot);
	free(ftext);
	if (r) {
		free(cv.v);
		ecmp_free(cmp);
		return NULL;
	}
	ecmp_finish(cmp);
	en = cnode(c, EO_CMP);
	en->cmp = ecmp_intern(c->e, cmp, n->op, &cv);
	free(cv.v);
	return enode_seal(en);
}

/* ---- boolean structure ---- */

static struct enode *compile_node(struct cctx *c, const struct rnode *n);

/*
 * A macro's condition, compiled at its first use and kept (m->comp) for
 * every other: it does not depend on where it is used. Neither does a
 * failure (an error, an unknown field), kept the same way, except for the
 * depth, which does: a use nested less deeply may fit.
 */
static void macro_compile(struct cctx *c, struct rl_macro *m)
{
	struct cctx mc = {
		.e = c->e, .visibility = m->visibility, .depth = c->depth, .max_depth = c->depth,
		.rule = c->rule, .macro = m, .nodes0 = c->nodes0,
	};
	struct enode *en;

	m->busy = 1;
	en = compile_node(&mc, m->ast);
	m->busy = 0;
	if (mc.max_depth > c->max_depth)
		c->max_depth = mc.max_depth;
	if (en && !mc.err.msg && !mc.unknown) {
		en->macro = 1;
		m->comp = en;
		m->depth = mc.max_depth - c->depth;
		m->state = 1;
		return;
	}
	enode_put(en);
	if (mc.err.msg)
		rerr_set(&c->err, mc.err.pos, "%s", mc.err.msg);
	if (mc.unknown && !c->unknown)
		c->unknown = rx_strdup(mc.unknown);
	c->too_deep |= mc.too_deep;
	c->too_large |= mc.too_large;
	if (mc.too_deep || mc.too_large) {
		free(mc.err.msg);
		free(mc.unknown);
		return;
	}
	m->err = mc.err;
	m->unknown = mc.unknown;
	m->state = 2;
}

static struct enode *compile_macro(struct cctx *c, const struct rnode *n)
{
	struct rl_macro *m = eng_find_macro(c->e, n->name);

	if (!m || m->index >= c->visibility) {
		rerr_set(&c->err, n->pos, "undefined macro '%s' used in filter", n->name);
		return NULL;
	}
	if (m->busy) {
		rerr_set(&c->err, n->pos, "macro '%s' refers to itself", n->name);
		return NULL;
	}
	if (!m->ast) {
		rerr_set(&c->err, n->pos, "macro '%s' has an invalid condition", n->name);
		return NULL;
	}
	if (!m->state) {
		macro_compile(c, m);
		return m->state == 1 ? enode_get(m->comp) : NULL;
	}
	if (m->state == 2) {
		if (m->err.msg)
			rerr_set(&c->err, m->err.pos, "%s", m->err.msg);
		if (m->unknown && !c->unknown)
			c->unknown = rx_strdup(m->unknown);
		return NULL;
	}
	if (c->depth + m->depth > RULE_MAX_EVAL_DEPTH) {
		rerr_set(&c->err, n->pos, "condition is nested too deeply after macro expansion");
		c->too_deep = 1;
		return NULL;
	}
	if (c->depth + m->depth > c->max_depth)
		c->max_depth = c->depth + m->depth;
	return enode_get(m->comp);
}

/*
 * and/or: flatten nested ones of the same kind and fold constants. A
 * macro's node is shared: it stays one kid (the program laid out from an
 * and in an and is the same), rather than its kids being copied into each
 * use.
 */
static struct enode *compile_bool(struct cctx *c, const struct rnode *n)
{
	enum eop op = n->kind == RN_AND ? EO_AND : EO_OR;
	enum eop absorb = op == EO_AND ? EO_FALSE : EO_TRUE;
	enum eop neutral = op == EO_AND ? EO_TRUE : EO_FALSE;
	struct enode *en = cnode(c, op), *k;
	size_t i, cap = 0;
	uint32_t j;
	int absorbed = 0;

	for (i = 0; i < n->nkids; i++) {
		k = compile_node(c, n->kids[i]);
		if (!k) {
			enode_put(en);
			return NULL;
		}
		if (k->op == neutral || absorbed || k->op == absorb) {
			absorbed |= k->op == absorb;
			enode_put(k);
			continue;
		}
		if (k->op == op && k->refs == 1) {
			for (j = 0; j < k->n; j++) {
				RX_GROW(en->kids, en->n, cap);
				en->kids[en->n++] = k->kids[j];
			}
			k->n = 0;
			enode_put(k);
			continue;
		}
		RX_GROW(en->kids, en->n, cap);
		en->kids[en->n++] = k;
	}
	if (absorbed || en->n == 0) {
		enode_put(en);
		return cnode(c, absorbed ? absorb : neutral);
	}
	if (en->n == 1) {
		k = en->kids[0];
		en->n = 0;
		enode_put(en);
		return k;
	}
	return enode_seal(en);
}

static struct enode *compile_node(struct cctx *c, const struct rnode *n)
{
	struct enode *en = NULL, *k;

	if (++c->depth > RULE_MAX_EVAL_DEPTH) {
		rerr_set(&c->err, n->pos, "condition is nested too deeply after macro expansion");
		c->too_deep = 1;
		c->depth--;
		return NULL;
	}
	if (c->depth > c->max_depth)
		c->max_depth = c->depth;
	switch (n->kind) {
	case RN_AND:
	case RN_OR:
		en = compile_bool(c, n);
		break;
	case RN_NOT:
		k = compile_node(c, n->kids[0]);
		if (k)
			en = compile_not(c, k);
		break;
	case RN_MACRO:
		en = compile_macro(c, n);
		break;
	case RN_CHECK:
		en = compile_check(c, n);
		break;
	}
	c->depth--;
	if (en && rl_grow(c, 0)) {
		enode_put(en);
		en = NULL;
	}
	return en;
}

/* ---- entry points ---- */

static void check_macro_refs(struct rule_engine *e, struct rl_macro *m, const struct rnode *n,
			     struct rerr *err)
{
	size_t i;

	if (n->kind == RN_MACRO) {
		struct rl_macro *ref = eng_find_macro(e, n->name);

		if (!ref || ref->index >= m->visibility)
			rerr_set(err, n->pos, "undefined macro '%s' used in filter", n->name);
		return;
	}
	for (i = 0; i < n->nkids; i++)
		check_macro_refs(e, m, n->kids[i], err);
}

int rl_compile_macros(struct rule_engine *e, struct rule_diag *diag)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < e->nmacros; i++) {
		struct rl_macro *m = e->macros[i];
		struct rerr err = { { 0, 0, 0 }, NULL };

		rnode_free(m->ast);
		m->ast = rule_parse(&m->cond, &err);
		if (m->ast)
			check_macro_refs(e, m, m->ast, &err);
		if (err.msg) {
			rl_diag_add(e, diag, 1, err.pos, "%s", err.msg);
			free(err.msg);
			ret = -1;
		}
	}
	return ret;
}

int rl_compile_rule(struct rule_engine *e, struct rule *r, struct rule_diag *diag)
{
	struct cctx c = { .e = e, .visibility = UINT32_MAX, .rule = r, .nodes0 = e->nnodes };
	struct rnode *ast;
	char *unknown = NULL;

	r->compiled = 0;
	r->skip_reason = NULL;
	if (r->unknown_source) {
		r->skip_reason = "source not evaluated";
		return 0;
	}
	ast = rule_parse(&r->cond, &c.err);
	if (ast)
		ast = rl_exc_build(e, r, ast, &c.err);
	if (ast)
		r->root = compile_node(&c, ast);
	if (!c.err.msg && !c.unknown && rl_output_compile(e, r, &c.err, &unknown) && unknown)
		c.unknown = unknown;
	if (!c.err.msg && !c.unknown) {
		enode_types(r->root, r->types, NULL);
		rl_check_rule(&c, r, ast);
	}
	rnode_free(ast);
	rl_check_flush(e, diag);
	if (c.err.msg) {
		rl_diag_add(e, diag, 1, c.err.pos, "%s", c.err.msg);
		free(c.err.msg);
		free(c.unknown);
		enode_put(r->root);
		r->root = NULL;
		r->skip_reason = "error";
		return -1;
	}
	if (c.unknown) {
		rl_diag_add(e, diag, 0, r->pos, "rule '%s' skipped: unknown field '%s'", r->name, c.unknown);
		free(c.unknown);
		enode_put(r->root);
		r->root = NULL;
		rl_output_free(r);
		r->skip_reason = "unknown field";
		return 0;
	}
	r->all_types = 1;
	{
		size_t w;
		int none = 1;

		for (w = 0; w < TYPE_KNOWN_WORDS; w++) {
			if (r->types[w] != UINT64_MAX)
				r->all_types = 0;
			if (r->types[w])
				none = 0;
		}
		/* a condition folded to false is a template waiting for list items: no warning */
		if (e->ops.evt_type_id && none && r->root->op != EO_FALSE)
			rl_diag_add(e, diag, 0, r->pos, "rule '%s' can never match: it accepts no known event type",
				 r->name);
		else if (e->ops.evt_type_id && r->all_types && r->warn_evttypes)
			rl_diag_add(e, diag, 0, r->pos,
				 "rule '%s' matches every event type, which has a significant performance penalty",
				 r->name);
	}
	r->compiled = 1;
	return 0;
}

void rl_compile_reset(struct rule_engine *e)
{
	size_t i, k;

	for (i = 0; i < e->nrules; i++) {
		enode_put(e->rules[i]->root);
		e->rules[i]->root = NULL;
		e->rules[i]->compiled = 0;
		rl_output_free(e->rules[i]);
	}
	for (i = 0; i < e->nlists; i++) {
		struct rl_list *l = e->lists[i];

		for (k = 0; k < l->nexp; k++)
			free(l->exp[k].s);
		free(l->exp);
		l->exp = NULL;
		l->nexp = 0;
		l->state = 0;
	}
	for (i = 0; i < e->nmacros; i++) {
		struct rl_macro *m = e->macros[i];

		rnode_free(m->ast);
		m->ast = NULL;
		m->busy = 0;
		enode_put(m->comp);
		m->comp = NULL;
		free(m->err.msg);
		m->err.msg = NULL;
		free(m->unknown);
		m->unknown = NULL;
		m->state = 0;
	}
	for (i = 0; i < e->nslots; i++) {
		free(e->slots[i].name);
		free(e->slots[i].arg);
		free(e->slots[i].text);
		free(e->slots[i].key);
	}
	free(e->slots);
	e->slots = NULL;
	e->nslots = e->cslots = 0;
	rl_check_reset(e);
	rl_index_free(e);
	ecmp_intern_reset(e);
	e->nnodes = 0;
	e->compiled = 0;
}
