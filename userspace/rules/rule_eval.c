/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_eval.c - evaluate compiled checks against an event, per-event value cache, the matcher. */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "rules/rule_int.h"

/* Most values a multi-valued field (proc.aname) yields for one check. */
#define MULTI_MAX 4096

static char *eval_buf(char **buf, size_t *cap, size_t need)
{
	if (need > *cap) {
		size_t n = *cap ? *cap : 64;

		while (n < need)
			n *= 2;
		*buf = rx_realloc(*buf, n);	/* grows to the largest value once */
		*cap = n;
	}
	return *buf;
}

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static void b64_decode(struct efield *f, int k, struct rf_value *v)
{
	char *out = eval_buf(&f->buf[k], &f->cap[k], v->slen / 4 * 3 + 4);
	size_t i, n = 0, len = v->slen;
	uint32_t acc = 0;
	int bits = 0, d;

	while (len && v->s[len - 1] == '=')
		len--;
	for (i = 0; i < len; i++) {
		d = b64_val((unsigned char)v->s[i]);
		if (d < 0) {
			v->known = 0;
			return;
		}
		acc = (acc << 6) | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)(acc >> bits);
		}
	}
	out[n] = '\0';
	v->s = out;
	v->slen = n;
}

static void apply_xforms(struct efield *f, struct rf_value *v)
{
	unsigned i;
	size_t j;

	for (i = 0; i < f->nxf && v->known; i++) {
		int k = i & 1;
		char *out;
		const char *slash;

		switch (f->xf[i]) {
		case RX_BASENAME:
			slash = v->slen ? memrchr(v->s, '/', v->slen) : NULL;
			if (slash) {
				v->slen -= (size_t)(slash + 1 - v->s);
				v->s = slash + 1;
			}
			break;
		case RX_TOLOWER:
		case RX_TOUPPER:
			out = eval_buf(&f->buf[k], &f->cap[k], v->slen + 1);
			for (j = 0; j < v->slen; j++)
				out[j] = (char)(f->xf[i] == RX_TOLOWER ? tolower((unsigned char)v->s[j])
								       : toupper((unsigned char)v->s[j]));
			out[v->slen] = '\0';
			v->s = out;
			break;
		case RX_B64:
			b64_decode(f, k, v);
			break;
		}
	}
}

void rule_extract(struct rule_engine *e, const void *event, const struct rf_ref *ref,
		  struct rf_value *out, char *num)
{
	memset(out, 0, sizeof(*out));
	if (e->ops.extract)
		e->ops.extract(e->ops.ctx, event, ref, out);
	if (ref->type == RF_STR && out->known && (out->type == RF_INT || out->type == RF_UINT)) {
		int n = out->type == RF_INT ?
			snprintf(num, RULE_NUM_TEXT, "%lld", (long long)out->i) :
			snprintf(num, RULE_NUM_TEXT, "%llu", (unsigned long long)out->u);

		out->type = RF_STR;
		out->s = num;
		out->slen = (size_t)n;
	}
	if (!out->s && (ref->type == RF_STR || ref->type == RF_IPADDR))
		out->known = 0;
}

/* Ask for a slot's value: kept in the slot for the rest of the event (volatile ones in e->vtmp). */
static __attribute__((noinline)) const struct rf_value *slot_fill(struct rule_engine *e, struct rslot *s,
								  const void *event)
{
	if (s->ref.flags & RF_FLAG_VOLATILE) {
		rule_extract(e, event, &s->ref, &e->vtmp, e->numtmp);
		return &e->vtmp;
	}
	rule_extract(e, event, &s->ref, &s->val, s->num);
	s->gen = e->gen;
	return &s->val;
}

static inline const struct rf_value *slot_value(struct rule_engine *e, struct rslot *s, const void *event)
{
	return s->gen == e->gen ? &s->val : slot_fill(e, s, event);
}

static void efield_get(struct rule_engine *e, struct efield *f, const void *event, int index,
		       struct rf_value *out)
{
	struct rslot *s = &e->slots[f->slot];

	if (index >= 0) {
		struct rf_ref ref = s->ref;

		ref.index = index;
		rule_extract(e, event, &ref, out, f->num);
	} else {
		*out = *slot_value(e, s, event);
	}
	if (f->nxf)
		apply_xforms(f, out);
}

static int is_signed_t(enum rf_type t)
{
	return t == RF_INT || t == RF_RELTIME;
}

/* -1, 0, 1 comparing two integers of any signedness. */
static int num_cmp(int64_t ai, uint64_t au, int as, int64_t bi, uint64_t bu, int bs)
{
	if (as && bs)
		return ai < bi ? -1 : ai > bi;
	if (!as && !bs)
		return au < bu ? -1 : au > bu;
	if (as) {
		if (ai < 0)
			return -1;
		return (uint64_t)ai < bu ? -1 : (uint64_t)ai > bu;
	}
	if (bi < 0)
		return 1;
	return au < (uint64_t)bi ? -1 : au > (uint64_t)bi;
}

static int str_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int r = memcmp(a, b, al < bl ? al : bl);

	if (r)
		return r < 0 ? -1 : 1;
	return al < bl ? -1 : al > bl;
}

static int ord_result(enum rop op, int c)
{
	switch (op) {
	case ROP_EQ: return c == 0;
	case ROP_NE: return c != 0;
	case ROP_LT: return c < 0;
	case ROP_LE: return c <= 0;
	case ROP_GT: return c > 0;
	case ROP_GE: return c >= 0;
	default: return 0;
	}
}

/* memmem() costs more to set up than these short needles take to find. */
static int contains(const char *h, size_t hl, const char *n, size_t nl)
{
	const char *p = h, *end = h + hl;

	if (nl == 0)
		return 1;
	while ((size_t)(end - p) >= nl && (p = memchr(p, n[0], (size_t)(end - p) - nl + 1)) != NULL) {
		if (!memcmp(p + 1, n + 1, nl - 1))
			return 1;
		p++;
	}
	return 0;
}

static int icontains(const char *h, size_t hl, const char *lower_needle, size_t nl)
{
	size_t i, j;

	if (nl == 0)
		return 1;
	for (i = 0; i + nl <= hl; i++) {
		for (j = 0; j < nl; j++)
			if (tolower((unsigned char)h[i + j]) != (unsigned char)lower_needle[j])
				break;
		if (j == nl)
			return 1;
	}
	return 0;
}

static int glob_match(struct rule_engine *e, const struct ecmp *c, const struct rf_value *v)
{
	char *buf = eval_buf(&e->glob_buf, &e->glob_cap, v->slen + 1);

	/* most paths differ from '/home/\*' in their first bytes: no copy, no fnmatch */
	if (c->glob_lit && (v->slen < c->glob_lit || memcmp(v->s, c->s, c->glob_lit)))
		return 0;
	memcpy(buf, v->s, v->slen);
	buf[v->slen] = '\0';
	if (memchr(v->s, '\0', v->slen))
		return 0;
	return fnmatch(c->s, buf, c->op == ROP_IGLOB ? FNM_CASEFOLD : 0) == 0;
}

static int str_op(struct rule_engine *e, const struct ecmp *c, const struct rf_value *v,
		  const char *o, size_t ol)
{
	regmatch_t m;

	switch (c->op) {
	case ROP_EQ:
	case ROP_NE:
	case ROP_LT:
	case ROP_LE:
	case ROP_GT:
	case ROP_GE:
		return ord_result(c->op, str_cmp(v->s, v->slen, o, ol));
	case ROP_CONTAINS:
	case ROP_BCONTAINS:
		return contains(v->s, v->slen, o, ol);
	case ROP_ICONTAINS:
		return icontains(v->s, v->slen, o, ol);
	case ROP_STARTSWITH:
	case ROP_BSTARTSWITH:
		return v->slen >= ol && !memcmp(v->s, o, ol);
	case ROP_ENDSWITH:
		return v->slen >= ol && !memcmp(v->s + v->slen - ol, o, ol);
	case ROP_GLOB:
	case ROP_IGLOB:
		return glob_match(e, c, v);
	case ROP_REGEX:
		m.rm_so = 0;
		m.rm_eo = (regoff_t)v->slen;
		return regexec(&c->re, v->s ? v->s : "", 1, &m, REG_STARTEND) == 0;
	case ROP_IN:
	case ROP_INTERSECTS:
		return rset_has(c->set, v->s, v->slen);
	case ROP_PMATCH:
		return rpfx_match(c->pfx, v->s, v->slen);
	default:
		return 0;
	}
}

static int ip_op(struct rule_engine *e, const struct ecmp *c, const struct rf_value *v)
{
	struct rslot *s = &e->slots[c->lhs.slot];
	struct rnet addr, *a = &addr;
	size_t i;
	int hit = 0;

	/* parse the address once per event */
	if (!c->lhs.multi) {
		if (s->ip_gen != e->gen) {
			s->ip_ok = rnet_parse_addr(v->s, v->slen, &s->ip) == 0;
			s->ip_gen = e->gen;
		}
		if (!s->ip_ok)
			return 0;
		a = &s->ip;
	} else if (rnet_parse_addr(v->s, v->slen, &addr)) {
		return 0;
	}
	for (i = 0; i < c->nnets && !hit; i++)
		hit = rnet_contains(&c->nets[i], a);
	return c->op == ROP_NE ? !hit : hit;
}

static uint64_t bits_of(const struct rf_value *v, enum rf_type t)
{
	if (t == RF_BOOL)
		return (v->i || v->u) ? 1 : 0;
	return is_signed_t(t) ? (uint64_t)v->i : v->u;
}

/* One value of the left-hand field against the operand: the cases without a fast path. */
static __attribute__((noinline)) int cmp_generic(struct rule_engine *e, struct ecmp *c,
						 const struct rf_value *v, const void *event)
{
	enum rf_type t = c->lhs.type;
	struct rf_value r;

	if (c->rhs) {
		efield_get(e, c->rhs, event, -1, &r);
		if (!r.known)
			return 0;
		if (t == RF_STR || t == RF_IPADDR)
			return str_op(e, c, v, r.s, r.slen);
		if (t == RF_BOOL)
			return ord_result(c->op, (int)bits_of(v, t) - (int)bits_of(&r, c->rhs->type));
		return ord_result(c->op, num_cmp(v->i, v->u, is_signed_t(t), r.i, r.u,
						 is_signed_t(c->rhs->type)));
	}
	if (t == RF_STR)
		return str_op(e, c, v, c->s, c->slen);
	if (t == RF_IPADDR)
		return ip_op(e, c, v);
	if (c->set)
		return rset_has_u64(c->set, bits_of(v, t));
	if (t == RF_BOOL)
		return ord_result(c->op, bits_of(v, t) != c->u);
	return ord_result(c->op, num_cmp(v->i, v->u, is_signed_t(t), c->i, c->u, is_signed_t(t)));
}

/* One value of the left-hand field against the operand. */
static inline int cmp_value(struct rule_engine *e, struct ecmp *c, const struct rf_value *v,
			    const void *event)
{
	if (!v->known)
		return 0;
	switch (c->fast) {
	case FAST_EXISTS:
		return 1;
	case FAST_STR_EQ:
		return v->slen == c->slen && !memcmp(v->s, c->s, c->slen);
	case FAST_STR_NE:
		return v->slen != c->slen || memcmp(v->s, c->s, c->slen);
	case FAST_STR_SET:
		return rset_has(c->set, v->s, v->slen);
	case FAST_STR_PREFIX:
		return v->slen >= c->slen && !memcmp(v->s, c->s, c->slen);
	case FAST_STR_SUFFIX:
		return v->slen >= c->slen && !memcmp(v->s + v->slen - c->slen, c->s, c->slen);
	case FAST_STR_CONTAINS:
		return contains(v->s, v->slen, c->s, c->slen);
	case FAST_STR_PMATCH:
		return rpfx_match(c->pfx, v->s, v->slen);
	case FAST_STR_GLOB:
		return glob_match(e, c, v);
	case FAST_BOOL_EQ:
		return ((v->i || v->u) ? 1u : 0u) == c->u;
	case FAST_BOOL_NE:
		return ((v->i || v->u) ? 1u : 0u) != c->u;
	case FAST_SIGNED:
		return ord_result(c->op, v->i < c->i ? -1 : v->i > c->i);
	case FAST_UNSIGNED:
		return ord_result(c->op, v->u < c->u ? -1 : v->u > c->u);
	default:
		return cmp_generic(e, c, v, event);
	}
}

/* Pick the fast path of a compiled check. */
void ecmp_finish(struct ecmp *c)
{
	enum rf_type t = c->lhs.type;

	c->fast = FAST_GENERIC;
	c->glob_lit = 0;
	if (c->op == ROP_GLOB && c->s)
		c->glob_lit = strcspn(c->s, "*?[\\");
	if (c->op == ROP_EXISTS)
		c->fast = FAST_EXISTS;
	else if (c->rhs)
		return;
	else if (t == RF_STR && c->op == ROP_EQ)
		c->fast = FAST_STR_EQ;
	else if (t == RF_STR && c->op == ROP_NE)
		c->fast = FAST_STR_NE;
	else if (t == RF_STR && c->set)
		c->fast = FAST_STR_SET;
	else if (t == RF_STR && (c->op == ROP_STARTSWITH || c->op == ROP_BSTARTSWITH))
		c->fast = FAST_STR_PREFIX;
	else if (t == RF_STR && c->op == ROP_ENDSWITH)
		c->fast = FAST_STR_SUFFIX;
	else if (t == RF_STR && (c->op == ROP_CONTAINS || c->op == ROP_BCONTAINS))
		c->fast = FAST_STR_CONTAINS;
	else if (t == RF_STR && c->op == ROP_PMATCH && c->pfx)
		c->fast = FAST_STR_PMATCH;
	else if (t == RF_STR && c->op == ROP_GLOB && c->s)
		c->fast = FAST_STR_GLOB;
	else if (t == RF_BOOL && !c->set && (c->op == ROP_EQ || c->op == ROP_NE))
		c->fast = c->op == ROP_EQ ? FAST_BOOL_EQ : FAST_BOOL_NE;
	else if (!c->set && (t == RF_INT || t == RF_RELTIME) && c->op >= ROP_EQ && c->op <= ROP_GE)
		c->fast = FAST_SIGNED;
	else if (!c->set && (t == RF_UINT || t == RF_PORT || t == RF_ABSTIME) && c->op >= ROP_EQ &&
		 c->op <= ROP_GE)
		c->fast = FAST_UNSIGNED;
}

/* A check on a field with transformers, or on every value of a multi-valued field. */
static __attribute__((noinline)) int cmp_eval_slow(struct rule_engine *e, struct ecmp *c, const void *event)
{
	struct rf_value v;
	int i, start;

	if (!c->lhs.multi) {
		efield_get(e, &c->lhs, event, -1, &v);
		return cmp_value(e, c, &v, event);
	}
	start = e->slots[c->lhs.slot].ref.index;
	if (start < 0)
		start = 0;
	for (i = start; i < start + MULTI_MAX; i++) {
		efield_get(e, &c->lhs, event, i, &v);
		if (!v.known)
			return 0;
		if (cmp_value(e, c, &v, event))
			return 1;
	}
	return 0;
}

/* Evaluated once per event: the check may be shared by several rules (rule_intern.c). */
static inline int cmp_eval(struct rule_engine *e, struct ecmp *c, const void *event)
{
	if (c->memo_gen != e->gen) {
		c->memo = (c->lhs.multi || c->lhs.nxf) ?
			cmp_eval_slow(e, c, event) :
			cmp_value(e, c, slot_value(e, &e->slots[c->lhs.slot], event), event);
		c->memo_gen = e->gen;
	}
	return c->memo;
}

/*
 * The event types for which n may be true (t) and may be false (f); a check
 * on anything but evt.type may be either for every type. Kept in a macro's
 * node, so that each rule's walk stops at the macros already seen.
 */
void enode_types(struct enode *n, uint64_t *t, uint64_t *f)
{
	uint64_t kt[TYPE_WORDS], kf[TYPE_WORDS], ft[TYPE_WORDS];
	uint32_t i;
	int w;

	if (!f)
		f = ft;
	if (n->tf) {
		memcpy(t, n->tf, TYPE_WORDS * sizeof(uint64_t));
		memcpy(f, n->tf + TYPE_WORDS, TYPE_WORDS * sizeof(uint64_t));
		return;
	}
	switch (n->op) {
	case EO_AND:
	case EO_OR:
		for (w = 0; w < TYPE_WORDS; w++) {
			t[w] = n->op == EO_AND ? UINT64_MAX : 0;
			f[w] = n->op == EO_AND ? 0 : UINT64_MAX;
		}
		for (i = 0; i < n->n; i++) {
			enode_types(n->kids[i], kt, kf);
			for (w = 0; w < TYPE_WORDS; w++) {
				if (n->op == EO_AND) {
					t[w] &= kt[w];
					f[w] |= kf[w];
				} else {
					t[w] |= kt[w];
					f[w] &= kf[w];
				}
			}
		}
		break;
	case EO_NOT:
		enode_types(n->kids[0], f, t);
		break;
	case EO_TYPES:
		for (w = 0; w < TYPE_WORDS; w++) {
			t[w] = n->types[w];
			f[w] = ~n->types[w];
		}
		break;
	case EO_TRUE:
	case EO_FALSE:
		for (w = 0; w < TYPE_WORDS; w++) {
			t[w] = n->op == EO_TRUE ? UINT64_MAX : 0;
			f[w] = n->op == EO_TRUE ? 0 : UINT64_MAX;
		}
		break;
	case EO_CMP:
		for (w = 0; w < TYPE_WORDS; w++)
			t[w] = f[w] = UINT64_MAX;
		break;
	}
	if (n->macro) {
		n->tf = rx_malloc(2 * TYPE_WORDS * sizeof(uint64_t));
		memcpy(n->tf, t, TYPE_WORDS * sizeof(uint64_t));
		memcpy(n->tf + TYPE_WORDS, f, TYPE_WORDS * sizeof(uint64_t));
	}
}

static int call_eval(struct rule_engine *e, struct ecall *c, const void *event);

/*
 * A rule's folded condition as a branching program (rule_index.c): no
 * recursion per event, but for the calls of large shared macros (as deep as
 * those nest, each evaluated once per event).
 */
static int prog_run(struct rule_engine *e, int32_t i, const void *event)
{
	int t = e->cur_type;

	while (i >= 0) {
		const struct estep *s = &e->steps[i];
		int r;

		if (s->cmp)
			r = cmp_eval(e, s->cmp, event);
		else if (s->types)
			r = t >= 0 && t < RULE_MAX_EVT_TYPES && (s->types[t / 64] >> (t % 64)) & 1;
		else
			r = call_eval(e, &e->calls[s->call], event);
		i = r ? s->t : s->f;
	}
	return i == PROG_TRUE;
}

static __attribute__((noinline)) int call_eval(struct rule_engine *e, struct ecall *c, const void *event)
{
	if (c->memo_gen != e->gen) {
		c->memo = prog_run(e, c->entry, event);
		c->memo_gen = e->gen;
	}
	return c->memo;
}

int rule_engine_match(struct rule_engine *e, const void *event, rule_match_fn fn, void *arg)
{
	uint32_t b, i, end;
	int n = 0;

	if (!e->compiled || !e->bucket)
		return 0;
	e->cur_type = e->ops.event_type ? e->ops.event_type(e->ops.ctx, event) : -1;
	b = (e->cur_type >= 0 && e->cur_type < RULE_MAX_EVT_TYPES) ? (uint32_t)e->cur_type
								     : RULE_MAX_EVT_TYPES;
	e->gen++;
	end = e->bucket_off[b + 1];
	for (i = e->bucket_off[b]; i < end; i++) {
		struct rule *r = e->bucket[i];

		if (prog_run(e, e->bucket_prog[i], event)) {
			n++;
			if (fn)
				fn(arg, r, event);
		}
	}
	return n;
}
