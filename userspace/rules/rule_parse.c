/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_parse.c - recursive-descent parser of rule conditions into an AST. */
#include <stdlib.h>
#include <string.h>
#include "rules/rule_int.h"

/*
 * Grammar (EBNF; blanks may separate tokens, see rule_lex.c for the tokens):
 *
 *   condition   = or_expr ;
 *   or_expr     = and_expr { "or" and_expr } ;
 *   and_expr    = not_expr { "and" not_expr } ;
 *   not_expr    = { "not" } primary ;             (* "not" before a blank or "(" *)
 *   primary     = "(" or_expr ")" | check | macro ;
 *   macro       = identifier ;
 *   check       = lhs ( "exists" | cmp_op rhs | list_op list_rhs ) ;
 *   lhs         = field | transformer lhs ")" ;
 *   transformer = "tolower(" | "toupper(" | "basename(" | "b64(" ;
 *   field       = field_name [ "[" ( quoted | field_arg ) "]" ] ;
 *   cmp_op      = "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "icontains"
 *               | "bcontains" | "startswith" | "bstartswith" | "endswith" | "glob" | "iglob"
 *               | "regex" ;
 *   list_op     = "in" | "intersects" | "pmatch" ;
 *   rhs         = value | field_rhs ;
 *   list_rhs    = "(" [ value { "," value } ] ")" | field_rhs | list_name ;
 *   field_rhs   = "val(" field ")" | transformer lhs ")" ;
 *   value       = quoted | bare_string ;
 *   list_name   = identifier ;
 *
 * Inside "( ... )" of a list, a bare value that names a list stands for its
 * items (done by the compiler). Nesting is limited to RULE_MAX_DEPTH.
 */

struct parser {
	struct rlex l;
	const struct rtext *t;
	struct rerr *err;
	unsigned depth;
};

static struct rpos here(const struct parser *p)
{
	return rtext_pos(p->t, p->l.pos);
}

/* A short excerpt of the text at the cursor for messages. */
static char *excerpt(const struct parser *p)
{
	size_t i = p->l.pos, n = 0;

	while (i + n < p->l.len && n < 24 && p->l.s[i + n] != '\n' && p->l.s[i + n] != '\0')
		n++;
	if (i + n < p->l.len && n == 24)
		return rx_printf("%.*s...", (int)n, p->l.s + i);
	return rx_strndup(p->l.s + i, n);
}

static void fail(struct parser *p, const char *what)
{
	char *ex;

	if (p->l.pos >= p->l.len) {
		rerr_set(p->err, here(p), "%s, found end of condition", what);
		return;
	}
	ex = excerpt(p);
	rerr_set(p->err, here(p), "%s, found '%s'", what, ex);
	free(ex);
}

struct rnode *rnode_new(enum rkind kind, struct rpos pos)
{
	struct rnode *n = rx_calloc(1, sizeof(*n));

	n->kind = kind;
	n->pos = pos;
	return n;
}

void rnode_add_kid(struct rnode *n, struct rnode *kid)
{
	n->kids = rx_realloc(n->kids, (n->nkids + 1) * sizeof(*n->kids));
	n->kids[n->nkids++] = kid;
}

void rfield_free(struct rfield *f)
{
	free(f->name);
	free(f->arg);
	f->name = f->arg = NULL;
}

char *rfield_text(const struct rfield *f)
{
	if (f->arg)
		return rx_printf("%s[%s]", f->name, f->arg);
	return rx_strdup(f->name);
}

void rnode_free(struct rnode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nkids; i++)
		rnode_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	rfield_free(&n->lhs);
	rfield_free(&n->rfield);
	for (i = 0; i < n->nvals; i++)
		free(n->vals[i].s);
	free(n->vals);
	free(n);
}

static struct rnode *parse_or(struct parser *p);

static int enter(struct parser *p)
{
	if (++p->depth > RULE_MAX_DEPTH) {
		rerr_set(p->err, here(p), "condition is nested too deeply (more than %d levels)",
			 RULE_MAX_DEPTH);
		return -1;
	}
	return 0;
}

/* After a field name: an optional [arg]. */
static int parse_field_rest(struct parser *p, size_t start, size_t len, struct rpos pos,
			    struct rfield *f)
{
	const char *err = NULL;
	size_t as, al;
	char *q;
	size_t qlen;
	int r;

	f->name = rx_strndup(p->l.s + start, len);
	f->pos = pos;
	if (!lex_char(&p->l, '['))
		return 0;
	r = lex_quoted(&p->l, &q, &qlen, &err);
	if (r < 0) {
		rerr_set(p->err, here(p), "%s", err);
		return -1;
	}
	if (r > 0) {
		f->arg = q;
	} else if (lex_field_arg_bare(&p->l, &as, &al)) {
		f->arg = rx_strndup(p->l.s + as, al);
	} else {
		fail(p, "expected a field argument after '['");
		return -1;
	}
	if (!lex_char(&p->l, ']')) {
		fail(p, "expected ']' after the field argument");
		return -1;
	}
	if (!f->arg[0]) {
		rerr_set(p->err, pos, "empty argument for field '%s'", f->name);
		return -1;
	}
	return 0;
}

static int parse_field(struct parser *p, struct rfield *f)
{
	size_t start, len;
	struct rpos pos = here(p);

	if (!lex_field_name(&p->l, &start, &len)) {
		fail(p, "expected a field name");
		return -1;
	}
	return parse_field_rest(p, start, len, pos, f);
}

/* After "tolower(" etc.: the inner field or transformer and ")". */
static int parse_xform_rest(struct parser *p, enum rxform xf, struct rfield *f)
{
	enum rxform inner;

	if (enter(p))
		return -1;
	lex_blank(&p->l);
	if (lex_transformer(&p->l, &inner)) {
		if (parse_xform_rest(p, inner, f))
			return -1;
	} else if (parse_field(p, f)) {
		return -1;
	}
	if (f->nxf >= RX_MAX_XFORMS) {
		rerr_set(p->err, f->pos, "too many nested transformers (at most %d)", RX_MAX_XFORMS);
		return -1;
	}
	f->xf[f->nxf++] = (uint8_t)xf;
	lex_blank(&p->l);
	if (!lex_char(&p->l, ')')) {
		fail(p, "expected ')' closing the transformer");
		return -1;
	}
	p->depth--;
	return 0;
}

/* val(field) or transformer(field) on the right of an operator; 1 if found. */
static int parse_rhs_field(struct parser *p, struct rnode *n)
{
	enum rxform xf;

	if (lex_transformer(&p->l, &xf)) {
		if (parse_xform_rest(p, xf, &n->rfield))
			return -1;
	} else if (p->l.len - p->l.pos >= 4 && !memcmp(p->l.s + p->l.pos, "val(", 4)) {
		p->l.pos += 4;
		lex_blank(&p->l);
		if (parse_field(p, &n->rfield))
			return -1;
		lex_blank(&p->l);
		if (!lex_char(&p->l, ')')) {
			fail(p, "expected ')' closing val(");
			return -1;
		}
	} else {
		return 0;
	}
	n->rhs = RHS_FIELD;
	return 1;
}

static void add_val(struct rnode *n, char *s, size_t len, int quoted, struct rpos pos)
{
	n->vals = rx_realloc(n->vals, (n->nvals + 1) * sizeof(*n->vals));
	n->vals[n->nvals].s = s;
	n->vals[n->nvals].len = len;
	n->vals[n->nvals].quoted = quoted;
	n->vals[n->nvals].pos = pos;
	n->nvals++;
}

/* 1 value added, 0 no value here, -1 error */
static int parse_value(struct parser *p, struct rnode *n)
{
	struct rpos pos = here(p);
	const char *err = NULL;
	size_t start, len;
	char *s;
	int r;

	r = lex_quoted(&p->l, &s, &len, &err);
	if (r < 0) {
		rerr_set(p->err, here(p), "%s", err);
		return -1;
	}
	if (r > 0) {
		add_val(n, s, len, 1, pos);
		return 1;
	}
	if (!lex_bare(&p->l, &start, &len))
		return 0;
	add_val(n, rx_strndup(p->l.s + start, len), len, 0, pos);
	return 1;
}

static int parse_list(struct parser *p, struct rnode *n, const char *opname)
{
	size_t start, len;
	int r;

	lex_blank(&p->l);
	if (lex_char(&p->l, '(')) {
		n->rhs = RHS_LIST;
		lex_blank(&p->l);
		if (lex_char(&p->l, ')'))
			return 0;
		for (;;) {
			lex_blank(&p->l);
			r = parse_value(p, n);
			if (r < 0)
				return -1;
			if (r == 0) {
				fail(p, "expected a value in the list");
				return -1;
			}
			lex_blank(&p->l);
			if (lex_char(&p->l, ')'))
				return 0;
			if (!lex_char(&p->l, ',')) {
				fail(p, "expected ',' or ')' in the list");
				return -1;
			}
		}
	}
	r = parse_rhs_field(p, n);
	if (r)
		return r < 0 ? -1 : 0;
	if (lex_identifier(&p->l, &start, &len)) {
		n->rhs = RHS_LISTREF;
		add_val(n, rx_strndup(p->l.s + start, len), len, 0, rtext_pos(p->t, start));
		return 0;
	}
	{
		char *what = rx_printf("expected '(' or a list name after '%s'", opname);

		fail(p, what);
		free(what);
	}
	return -1;
}

static struct rnode *parse_check(struct parser *p, struct rnode *n)
{
	const char *opname;
	char *what;
	int r;

	lex_blank(&p->l);
	if (!lex_operator(&p->l, &n->op)) {
		char *ft = rfield_text(&n->lhs);

		what = rx_printf("expected an operator after '%s'", ft);
		fail(p, what);
		free(what);
		free(ft);
		goto err;
	}
	opname = rop_name(n->op);
	if (n->op == ROP_EXISTS)
		return n;
	if (rop_is_list(n->op)) {
		if (parse_list(p, n, opname))
			goto err;
		return n;
	}
	lex_blank(&p->l);
	r = parse_rhs_field(p, n);
	if (r < 0)
		goto err;
	if (r > 0)
		return n;
	r = parse_value(p, n);
	if (r < 0)
		goto err;
	if (r == 0) {
		what = rx_printf("expected a value after '%s'", opname);
		fail(p, what);
		free(what);
		goto err;
	}
	n->rhs = RHS_VALUE;
	return n;
err:
	rnode_free(n);
	return NULL;
}

static struct rnode *parse_primary(struct parser *p)
{
	struct rpos pos;
	struct rnode *n;
	enum rxform xf;
	size_t start, len, pos_off;

	lex_blank(&p->l);
	pos = here(p);
	pos_off = p->l.pos;
	if (lex_char(&p->l, '(')) {
		n = parse_or(p);
		if (!n)
			return NULL;
		lex_blank(&p->l);
		if (!lex_char(&p->l, ')')) {
			fail(p, "expected ')'");
			rnode_free(n);
			return NULL;
		}
		return n;
	}
	if (lex_transformer(&p->l, &xf)) {
		n = rnode_new(RN_CHECK, pos);
		if (parse_xform_rest(p, xf, &n->lhs)) {
			rnode_free(n);
			return NULL;
		}
		return parse_check(p, n);
	}
	if (lex_field_name(&p->l, &start, &len)) {
		n = rnode_new(RN_CHECK, pos);
		if (parse_field_rest(p, start, len, pos, &n->lhs)) {
			rnode_free(n);
			return NULL;
		}
		return parse_check(p, n);
	}
	if (lex_identifier(&p->l, &start, &len) &&
	    !((len == 3 && !memcmp(p->l.s + start, "and", 3)) ||
	      (len == 2 && !memcmp(p->l.s + start, "or", 2)))) {
		n = rnode_new(RN_MACRO, pos);
		n->name = rx_strndup(p->l.s + start, len);
		return n;
	}
	p->l.pos = pos_off;
	fail(p, "expected a field, a macro name or '('");
	return NULL;
}

/* "and", "or", "not" count as keywords only before a blank or "(". */
static int lex_keyword(struct parser *p, const char *kw)
{
	size_t n = strlen(kw), save = p->l.pos;

	if (p->l.len - p->l.pos < n + 1 || memcmp(p->l.s + p->l.pos, kw, n))
		return 0;
	p->l.pos += n;
	if (lex_peek(&p->l, '(') || lex_blank(&p->l))
		return 1;
	p->l.pos = save;
	return 0;
}

static struct rnode *parse_not(struct parser *p)
{
	struct rpos pos;
	struct rnode *n, *kid;
	unsigned nots = 0, d = p->depth;

	lex_blank(&p->l);
	pos = here(p);
	while (lex_keyword(p, "not")) {
		nots++;
		if (enter(p))
			return NULL;
		lex_blank(&p->l);
	}
	kid = parse_primary(p);
	p->depth = d;
	if (!kid || !(nots & 1))
		return kid;
	n = rnode_new(RN_NOT, pos);
	rnode_add_kid(n, kid);
	return n;
}

static struct rnode *parse_binary(struct parser *p, const char *kw, enum rkind kind)
{
	struct rpos pos;
	struct rnode *n = NULL, *kid;

	lex_blank(&p->l);
	pos = here(p);
	kid = kind == RN_OR ? parse_binary(p, "and", RN_AND) : parse_not(p);
	if (!kid)
		return NULL;
	for (;;) {
		lex_blank(&p->l);
		if (p->l.len - p->l.pos == strlen(kw) && !memcmp(p->l.s + p->l.pos, kw, strlen(kw))) {
			char *what = rx_printf("expected a condition after '%s'", kw);

			p->l.pos = p->l.len;
			fail(p, what);
			free(what);
			rnode_free(n ? n : kid);
			return NULL;
		}
		if (!lex_keyword(p, kw))
			break;
		if (!n) {
			n = rnode_new(kind, pos);
			rnode_add_kid(n, kid);
		}
		kid = kind == RN_OR ? parse_binary(p, "and", RN_AND) : parse_not(p);
		if (!kid) {
			rnode_free(n);
			return NULL;
		}
		rnode_add_kid(n, kid);
	}
	return n ? n : kid;
}

static struct rnode *parse_or(struct parser *p)
{
	struct rnode *n;

	if (enter(p))
		return NULL;
	n = parse_binary(p, "or", RN_OR);
	p->depth--;
	return n;
}

struct rnode *rule_parse(const struct rtext *t, struct rerr *err)
{
	struct parser p = { { t->s, t->len, 0 }, t, err, 0 };
	struct rnode *n;

	lex_blank(&p.l);
	if (p.l.pos == p.l.len) {
		rerr_set(err, here(&p), "empty condition");
		return NULL;
	}
	n = parse_or(&p);
	if (!n)
		return NULL;
	lex_blank(&p.l);
	if (p.l.pos != p.l.len) {
		fail(&p, "expected 'and', 'or' or the end of the condition");
		rnode_free(n);
		return NULL;
	}
	return n;
}

int rule_parse_field(const char *s, size_t len, struct rpos pos, struct rfield *out, struct rerr *err)
{
	struct rtext t = { (char *)s, len, NULL };
	struct parser p = { { s, len, 0 }, &t, err, 0 };
	struct rpos none = pos;

	memset(out, 0, sizeof(*out));
	lex_blank(&p.l);
	if (!lex_field_name(&p.l, &(size_t){ 0 }, &(size_t){ 0 })) {
		rerr_set(err, none, "'%.*s' is not a field name", (int)len, s);
		return -1;
	}
	p.l.pos = 0;
	lex_blank(&p.l);
	if (parse_field(&p, out))
		goto bad;
	lex_blank(&p.l);
	if (p.l.pos != p.l.len)
		goto bad;
	out->pos = pos;
	return 0;
bad:
	if (err && err->msg) {
		free(err->msg);
		err->msg = NULL;
	}
	rerr_set(err, none, "'%.*s' is not a field name", (int)len, s);
	rfield_free(out);
	return -1;
}

void rval_from_item(struct rval *v, const char *item, struct rpos pos)
{
	struct rlex l = { item, strlen(item), 0 };
	const char *err;
	char *s;
	size_t len;

	v->pos = pos;
	if ((item[0] == '"' || item[0] == '\'') && lex_quoted(&l, &s, &len, &err) > 0) {
		lex_blank(&l);
		if (l.pos == l.len) {
			v->s = s;
			v->len = len;
			v->quoted = 1;
			return;
		}
		free(s);
	}
	v->s = rx_strdup(item);
	v->len = strlen(item);
	/* an item with a blank is quoted by Falco, so never names a list */
	v->quoted = item[0] == '"' || item[0] == '\'' || strpbrk(item, " \t\r\n") != NULL;
}
