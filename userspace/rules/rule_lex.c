/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_lex.c - the condition lexer: scanners for each token class at a cursor, as Falco's grammar is context-sensitive. */
#include <string.h>
#include "rules/rule_int.h"

/*
 * Token classes (the same regular sets as Falco's filter language):
 *   blank        [ \t\b\r\n\f\v]+
 *   identifier   [a-zA-Z][a-zA-Z0-9_]*
 *   field name   identifier ( "." identifier )+
 *   bare string  [^()"'=, blanks]+
 *   field arg    [^][\"' blanks]+           (inside [..] after a field name)
 *   quoted       "..." or '...' with \b \f \n \r \t \\ \/ and the quote escaped
 *   operators    exists < <= > >= = == != glob iglob contains icontains bcontains
 *                startswith bstartswith endswith regex in intersects pmatch
 *   transformers tolower( toupper( basename( b64(
 * The parser asks for the class it expects; each scanner advances the cursor
 * only when it matches.
 */

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_ident(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

static int at(const struct rlex *l, size_t off)
{
	return l->pos + off < l->len ? (unsigned char)l->s[l->pos + off] : -1;
}

int lex_blank(struct rlex *l)
{
	size_t start = l->pos;

	while (l->pos < l->len && is_blank(l->s[l->pos]))
		l->pos++;
	return l->pos > start;
}

int lex_peek(const struct rlex *l, char c)
{
	return at(l, 0) == (unsigned char)c;
}

int lex_char(struct rlex *l, char c)
{
	if (!lex_peek(l, c))
		return 0;
	l->pos++;
	return 1;
}

static int lex_word(struct rlex *l, const char *w)
{
	size_t n = strlen(w);

	if (l->len - l->pos < n || memcmp(l->s + l->pos, w, n))
		return 0;
	if (l->pos + n < l->len && is_ident(l->s[l->pos + n]))
		return 0;
	l->pos += n;
	return 1;
}

static size_t ident_len(const struct rlex *l, size_t from)
{
	size_t i = from;

	if (i >= l->len || !is_alpha(l->s[i]))
		return 0;
	while (i < l->len && is_ident(l->s[i]))
		i++;
	return i - from;
}

int lex_identifier(struct rlex *l, size_t *start, size_t *len)
{
	size_t n = ident_len(l, l->pos);

	if (!n)
		return 0;
	*start = l->pos;
	*len = n;
	l->pos += n;
	return 1;
}

int lex_field_name(struct rlex *l, size_t *start, size_t *len)
{
	size_t i = l->pos, n = ident_len(l, l->pos), seg;
	int dots = 0;

	if (!n)
		return 0;
	i += n;
	while (i + 1 < l->len && l->s[i] == '.' && (seg = ident_len(l, i + 1)) > 0) {
		i += 1 + seg;
		dots++;
	}
	if (!dots)
		return 0;
	*start = l->pos;
	*len = i - l->pos;
	l->pos = i;
	return 1;
}

static int scan_set(struct rlex *l, const char *stop, size_t *start, size_t *len)
{
	size_t i = l->pos;

	while (i < l->len && !is_blank(l->s[i]) && !strchr(stop, l->s[i]))
		i++;
	if (i == l->pos)
		return 0;
	*start = l->pos;
	*len = i - l->pos;
	l->pos = i;
	return 1;
}

int lex_bare(struct rlex *l, size_t *start, size_t *len)
{
	/* strchr() also stops at NUL: a NUL byte is not part of a bare word */
	return scan_set(l, "()\"'=,", start, len);
}

int lex_field_arg_bare(struct rlex *l, size_t *start, size_t *len)
{
	return scan_set(l, "[]\"'", start, len);
}

int lex_quoted(struct rlex *l, char **out, size_t *outlen, const char **err)
{
	struct strbuf b = { 0 };
	size_t i = l->pos + 1;
	char q;

	if (l->pos >= l->len || (l->s[l->pos] != '"' && l->s[l->pos] != '\''))
		return 0;
	q = l->s[l->pos];
	while (i < l->len) {
		char c = l->s[i];

		if (c == q) {
			l->pos = i + 1;
			*out = sb_detach(&b, outlen);
			return 1;
		}
		if (c != '\\') {
			sb_addc(&b, c);
			i++;
			continue;
		}
		if (i + 1 >= l->len)
			break;
		switch (l->s[i + 1]) {
		case 'b': sb_addc(&b, '\b'); break;
		case 'f': sb_addc(&b, '\f'); break;
		case 'n': sb_addc(&b, '\n'); break;
		case 'r': sb_addc(&b, '\r'); break;
		case 't': sb_addc(&b, '\t'); break;
		case '/': sb_addc(&b, '/'); break;
		/* "\ " reads as a backslash, as Falco does for old rules files */
		case ' ':
		case '\\': sb_addc(&b, '\\'); break;
		case '"':
		case '\'':
			if (l->s[i + 1] != q) {
				*err = q == '"' ? "invalid \\' escape in a \"-quoted string"
						: "invalid \\\" escape in a '-quoted string";
				l->pos = i;
				sb_free(&b);
				return -1;
			}
			sb_addc(&b, q);
			break;
		default:
			*err = "unsupported escape sequence in string";
			l->pos = i;
			sb_free(&b);
			return -1;
		}
		i += 2;
	}
	*err = "unterminated string";
	sb_free(&b);
	return -1;
}

static const struct {
	const char *text;
	enum rop op;
	int word;
} ops[] = {
	/* longest first where one is a prefix of another */
	{ "exists", ROP_EXISTS, 1 },
	{ "<=", ROP_LE, 0 }, { "<", ROP_LT, 0 }, { ">=", ROP_GE, 0 }, { ">", ROP_GT, 0 },
	{ "==", ROP_EQ, 0 }, { "=", ROP_EQ, 0 }, { "!=", ROP_NE, 0 },
	{ "glob", ROP_GLOB, 1 }, { "iglob", ROP_IGLOB, 1 },
	{ "contains", ROP_CONTAINS, 1 }, { "icontains", ROP_ICONTAINS, 1 },
	{ "bcontains", ROP_BCONTAINS, 1 }, { "startswith", ROP_STARTSWITH, 1 },
	{ "bstartswith", ROP_BSTARTSWITH, 1 }, { "endswith", ROP_ENDSWITH, 1 },
	{ "regex", ROP_REGEX, 1 }, { "intersects", ROP_INTERSECTS, 1 }, { "in", ROP_IN, 1 },
	{ "pmatch", ROP_PMATCH, 1 },
};

static const char *const op_names[] = {
	[ROP_EXISTS] = "exists", [ROP_EQ] = "=", [ROP_NE] = "!=", [ROP_LT] = "<", [ROP_LE] = "<=",
	[ROP_GT] = ">", [ROP_GE] = ">=", [ROP_CONTAINS] = "contains", [ROP_ICONTAINS] = "icontains",
	[ROP_BCONTAINS] = "bcontains", [ROP_STARTSWITH] = "startswith",
	[ROP_BSTARTSWITH] = "bstartswith", [ROP_ENDSWITH] = "endswith", [ROP_GLOB] = "glob",
	[ROP_IGLOB] = "iglob", [ROP_REGEX] = "regex", [ROP_IN] = "in",
	[ROP_INTERSECTS] = "intersects", [ROP_PMATCH] = "pmatch",
};

const char *rop_name(enum rop op)
{
	return (unsigned)op < sizeof(op_names) / sizeof(op_names[0]) ? op_names[op] : "?";
}

int rop_is_list(enum rop op)
{
	return op == ROP_IN || op == ROP_INTERSECTS || op == ROP_PMATCH;
}

int lex_operator(struct rlex *l, enum rop *op)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t n = strlen(ops[i].text);

		if (ops[i].word) {
			if (!lex_word(l, ops[i].text))
				continue;
		} else {
			if (l->len - l->pos < n || memcmp(l->s + l->pos, ops[i].text, n))
				continue;
			l->pos += n;
		}
		*op = ops[i].op;
		return 1;
	}
	return 0;
}

int rop_lookup(const char *s, enum rop *op)
{
	struct rlex l = { s, strlen(s), 0 };

	if (!lex_operator(&l, op) || l.pos != l.len)
		return -1;
	return 0;
}

int lex_transformer(struct rlex *l, enum rxform *xf)
{
	static const struct {
		const char *text;
		enum rxform xf;
	} xfs[] = {
		{ "tolower(", RX_TOLOWER }, { "toupper(", RX_TOUPPER },
		{ "basename(", RX_BASENAME }, { "b64(", RX_B64 },
	};
	size_t i;

	for (i = 0; i < sizeof(xfs) / sizeof(xfs[0]); i++) {
		size_t n = strlen(xfs[i].text);

		if (l->len - l->pos >= n && !memcmp(l->s + l->pos, xfs[i].text, n)) {
			l->pos += n;
			*xf = xfs[i].xf;
			return 1;
		}
	}
	return 0;
}
