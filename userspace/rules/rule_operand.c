/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_operand.c - the constant side of a check: numbers, booleans, strings, sets, prefixes, regexes, networks. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "rules/rule_compile.h"

const char *rl_type_name(enum rf_type t)
{
	static const char *const names[] = { "string", "int", "uint", "bool", "ipaddr", "port",
					     "abstime", "reltime" };

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

int rl_is_signed(enum rf_type t)
{
	return t == RF_INT || t == RF_RELTIME;
}

int rl_is_unsigned(enum rf_type t)
{
	return t == RF_UINT || t == RF_PORT || t == RF_ABSTIME;
}

/* ---- operands ---- */

static int parse_num(const struct cval *v, int sign, int64_t *i, uint64_t *u)
{
	char buf[32], *end;
	int base = 10;
	const char *p = buf;

	if (v->len == 0 || v->len >= sizeof(buf))
		return -1;
	memcpy(buf, v->s, v->len);
	buf[v->len] = '\0';
	if (buf[0] == '+' || buf[0] == '-')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16;
	if (!isxdigit((unsigned char)p[base == 16 ? 2 : 0]))
		return -1;
	errno = 0;
	if (sign) {
		*i = strtoll(buf, &end, base);
		*u = (uint64_t)*i;
	} else {
		if (buf[0] == '-')
			return -1;
		*u = strtoull(buf, &end, base);
		*i = (int64_t)*u;
	}
	return (errno || *end) ? -1 : 0;
}

static int parse_bool(const struct cval *v, uint64_t *b)
{
	if ((v->len == 4 && !strncasecmp(v->s, "true", 4)) || (v->len == 1 && v->s[0] == '1'))
		*b = 1;
	else if ((v->len == 5 && !strncasecmp(v->s, "false", 5)) || (v->len == 1 && v->s[0] == '0'))
		*b = 0;
	else
		return -1;
	return 0;
}

/* A constant for a numeric or bool field; the bit pattern goes to *u. */
static int const_scalar(struct cctx *c, const struct cval *v, enum rf_type t, const char *field,
			int64_t *i, uint64_t *u)
{
	if (t == RF_BOOL) {
		if (parse_bool(v, u) == 0) {
			*i = (int64_t)*u;
			return 0;
		}
		rerr_set(&c->err, v->pos, "'%.*s' is not a boolean (true or false) for field '%s'",
			 (int)v->len, v->s, field);
		return -1;
	}
	if (parse_num(v, rl_is_signed(t), i, u) == 0)
		return 0;
	rerr_set(&c->err, v->pos, "'%.*s' is not a valid %s number for field '%s'", (int)v->len, v->s,
		 rl_is_signed(t) ? "signed" : "unsigned", field);
	return -1;
}

static int hex_decode(const struct cval *v, char **out, size_t *len)
{
	size_t i, n = v->len / 2;
	char *b;

	if (v->len % 2 || !v->len)
		return -1;
	b = rx_malloc(n + 1);
	for (i = 0; i < n; i++) {
		char h[3] = { v->s[2 * i], v->s[2 * i + 1], 0 };

		if (!isxdigit((unsigned char)h[0]) || !isxdigit((unsigned char)h[1])) {
			free(b);
			return -1;
		}
		b[i] = (char)strtoul(h, NULL, 16);
	}
	b[n] = '\0';
	*out = b;
	*len = n;
	return 0;
}

int rl_op_allowed(enum rop op, enum rf_type t)
{
	switch (op) {
	case ROP_EXISTS: case ROP_EQ: case ROP_NE: case ROP_IN: case ROP_INTERSECTS:
		return 1;
	case ROP_LT: case ROP_LE: case ROP_GT: case ROP_GE:
		return t != RF_BOOL && t != RF_IPADDR;
	default:
		return t == RF_STR;
	}
}

static int build_string_op(struct cctx *c, struct ecmp *cmp, const struct cval *v)
{
	size_t i;

	switch (cmp->op) {
	case ROP_BCONTAINS:
	case ROP_BSTARTSWITH:
		if (hex_decode(v, &cmp->s, &cmp->slen)) {
			rerr_set(&c->err, v->pos, "'%.*s' is not a hex byte string for '%s'", (int)v->len,
				 v->s, rop_name(cmp->op));
			return -1;
		}
		return 0;
	case ROP_REGEX: {
		char *pat = rx_printf("^(%.*s)$", (int)v->len, v->s);
		int r;

		if (memchr(v->s, '\0', v->len)) {
			free(pat);
			rerr_set(&c->err, v->pos, "regular expression contains a NUL byte");
			return -1;
		}
		r = regcomp(&cmp->re, pat, REG_EXTENDED | REG_NOSUB);
		free(pat);
		if (r) {
			size_t n = regerror(r, &cmp->re, NULL, 0);
			char *msg = rx_malloc(n + 1);

			regerror(r, &cmp->re, msg, n + 1);
			rerr_set(&c->err, v->pos, "invalid regular expression '%.*s': %s", (int)v->len,
				 v->s, msg);
			free(msg);
			return -1;
		}
		cmp->has_re = 1;
		return 0;
	}
	default:
		cmp->s = rx_strndup(v->s, v->len);
		cmp->slen = v->len;
		if (cmp->op == ROP_ICONTAINS)
			for (i = 0; i < cmp->slen; i++)
				cmp->s[i] = (char)tolower((unsigned char)cmp->s[i]);
		return 0;
	}
}

int rl_build_operand(struct cctx *c, struct ecmp *cmp, const struct cvals *cv, const char *field,
			 struct rpos pos)
{
	enum rf_type t = cmp->lhs.type;
	size_t i;

	if (cmp->op == ROP_PMATCH) {
		cmp->pfx = rpfx_new();
		for (i = 0; i < cv->n; i++)
			rpfx_add(cmp->pfx, cv->v[i].s, cv->v[i].len);
		rpfx_done(cmp->pfx);
		return 0;
	}
	if (t == RF_IPADDR) {
		cmp->nets = rx_calloc(cv->n, sizeof(*cmp->nets));
		for (i = 0; i < cv->n; i++) {
			if (rnet_parse(cv->v[i].s, cv->v[i].len, &cmp->nets[i])) {
				rerr_set(&c->err, cv->v[i].pos, "'%.*s' is not an IP address or network",
					 (int)cv->v[i].len, cv->v[i].s);
				return -1;
			}
		}
		cmp->nnets = cv->n;
		return 0;
	}
	if (cmp->op == ROP_IN || cmp->op == ROP_INTERSECTS) {
		cmp->set = rset_new(cv->n);
		for (i = 0; i < cv->n; i++) {
			int64_t iv;
			uint64_t uv;

			if (t == RF_STR) {
				rset_add(cmp->set, cv->v[i].s, cv->v[i].len);
				continue;
			}
			if (const_scalar(c, &cv->v[i], t, field, &iv, &uv))
				return -1;
			rset_add_u64(cmp->set, uv);
		}
		rset_done(cmp->set);
		return 0;
	}
	if (cv->n != 1) {
		rerr_set(&c->err, pos, "operator '%s' takes a single value", rop_name(cmp->op));
		return -1;
	}
	if (t == RF_STR)
		return build_string_op(c, cmp, &cv->v[0]);
	return const_scalar(c, &cv->v[0], t, field, &cmp->i, &cmp->u);
}

void ecmp_free(struct ecmp *cmp)
{
	int k;

	if (!cmp)
		return;
	for (k = 0; k < 2; k++)
		free(cmp->lhs.buf[k]);
	if (cmp->rhs) {
		for (k = 0; k < 2; k++)
			free(cmp->rhs->buf[k]);
		free(cmp->rhs);
	}
	free(cmp->s);
	rset_free(cmp->set);
	rpfx_free(cmp->pfx);
	if (cmp->has_re)
		regfree(&cmp->re);
	free(cmp->nets);
	free(cmp);
}

/* Drop one reference (ecmp_intern shares a check between trees); free at the last. */
void ecmp_release(struct ecmp *cmp)
{
	if (cmp && cmp->refs > 1) {
		cmp->refs--;
		return;
	}
	ecmp_free(cmp);
}

struct enode *enode_new(enum eop op)
{
	struct enode *n = rx_calloc(1, sizeof(*n));

	n->op = op;
	n->refs = 1;
	return n;
}

struct enode *enode_seal(struct enode *n)
{
	uint64_t leaves = 0;
	uint32_t i;

	n->has_types = n->op == EO_TYPES;
	if (n->op == EO_TYPES || n->op == EO_CMP)
		leaves = 1;
	for (i = 0; i < n->n; i++) {
		leaves += n->kids[i]->leaves;
		n->has_types |= n->kids[i]->has_types;
	}
	n->leaves = leaves > UINT32_MAX ? UINT32_MAX : (uint32_t)leaves;
	return n;
}

struct enode *enode_get(struct enode *n)
{
	n->refs++;
	return n;
}

void enode_put(struct enode *n)
{
	uint32_t i;

	if (!n || --n->refs)
		return;
	for (i = 0; i < n->n; i++)
		enode_put(n->kids[i]);
	free(n->kids);
	ecmp_release(n->cmp);
	free(n->types);
	free(n->tf);
	free(n);
}
