/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_set.c - the lookup structures behind in/intersects (hash sets), pmatch (path prefix trie) and IP networks. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "rules/rule_int.h"

/* ---- hash set: open addressing, linear probing, never more than half full ---- */

struct rent {
	uint64_t h;		/* hash, or the number itself */
	char *p;		/* owned copy of the string (NULL for numbers) */
	size_t len;
	int used;
};

struct rset {
	struct rent *v;
	size_t cap, n;
	struct rent *small;	/* set by rset_done() when the set has a few strings only */
	size_t nsmall;
	uint64_t lens;		/* bit n: a string of n bytes is in the set (63: 63 or more) */
};

static uint64_t len_bit(size_t len)
{
	return 1ull << (len < 63 ? len : 63);
}

#define RSET_SMALL 4

void rset_done(struct rset *s)
{
	size_t i;

	free(s->small);
	s->small = NULL;
	s->nsmall = 0;
	if (s->n > RSET_SMALL)
		return;
	for (i = 0; i < s->cap; i++)
		if (s->v[i].used && !s->v[i].p)
			return;		/* numbers stay hashed */
	s->small = rx_calloc(RSET_SMALL, sizeof(*s->small));
	for (i = 0; i < s->cap; i++)
		if (s->v[i].used)
			s->small[s->nsmall++] = s->v[i];
	if (!s->nsmall) {
		free(s->small);
		s->small = NULL;
	}
}

struct rset *rset_new(size_t n)
{
	struct rset *s = rx_calloc(1, sizeof(*s));

	s->cap = 8;
	while (s->cap < n * 2 + 2)
		s->cap *= 2;
	s->v = rx_calloc(s->cap, sizeof(*s->v));
	return s;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static void rset_put(struct rset *s, struct rent e, uint64_t slot_hash);

static void rset_grow(struct rset *s)
{
	struct rent *old = s->v;
	size_t oldcap = s->cap, i;

	s->cap *= 2;
	s->v = rx_calloc(s->cap, sizeof(*s->v));
	s->n = 0;
	for (i = 0; i < oldcap; i++)
		if (old[i].used)
			rset_put(s, old[i], old[i].p ? old[i].h : mix64(old[i].h));
	free(old);
}

static void rset_put(struct rset *s, struct rent e, uint64_t slot_hash)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap)
		rset_grow(s);
	for (i = slot_hash & (s->cap - 1); s->v[i].used; i = (i + 1) & (s->cap - 1))
		;
	e.used = 1;
	s->v[i] = e;
	s->n++;
}

void rset_add(struct rset *s, const void *p, size_t len)
{
	struct rent e = { 0 };

	if (rset_has(s, p, len))
		return;
	s->lens |= len_bit(len);
	e.h = rx_hash(p, len);
	e.p = rx_strndup(p, len);
	e.len = len;
	rset_put(s, e, e.h);
}

int rset_has(const struct rset *s, const void *p, size_t len)
{
	uint64_t h;
	size_t i;

	/* most values have a length no item has: no hash, no compare */
	if (!(s->lens & len_bit(len)))
		return 0;
	/* a few strings: comparing is cheaper than hashing */
	if (s->small) {
		for (i = 0; i < s->nsmall; i++)
			if (s->small[i].len == len && !memcmp(s->small[i].p, p, len))
				return 1;
		return 0;
	}
	h = rx_hash(p, len);

	for (i = h & (s->cap - 1); s->v[i].used; i = (i + 1) & (s->cap - 1)) {
		const struct rent *e = &s->v[i];

		if (e->p && e->h == h && e->len == len && !memcmp(e->p, p, len))
			return 1;
	}
	return 0;
}

void rset_add_u64(struct rset *s, uint64_t v)
{
	struct rent e = { 0 };

	if (rset_has_u64(s, v))
		return;
	e.h = v;
	rset_put(s, e, mix64(v));
}

int rset_has_u64(const struct rset *s, uint64_t v)
{
	size_t i;

	for (i = mix64(v) & (s->cap - 1); s->v[i].used; i = (i + 1) & (s->cap - 1))
		if (!s->v[i].p && s->v[i].h == v)
			return 1;
	return 0;
}

void rset_free(struct rset *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->cap; i++)
		free(s->v[i].p);
	free(s->v);
	free(s->small);
	free(s);
}

/* ---- pmatch: a trie of path components, children sorted for binary search ---- */

struct pnode;

struct pkid {
	char *name;
	size_t len;
	int glob;		/* has * ? or [ : matched as a pattern */
	struct pnode *node;
};

struct pnode {
	int term;		/* a prefix ends here: everything below matches */
	struct pkid *kids;
	size_t n;
	size_t nplain;		/* kids[0..nplain) are plain names, sorted; the rest globs */
	uint64_t first[4];	/* bit c: a plain name starts with byte c */
};

struct rpfx {
	struct pnode root;
};

struct rpfx *rpfx_new(void)
{
	return rx_calloc(1, sizeof(struct rpfx));
}

static void pnode_clear(struct pnode *n)
{
	size_t i;

	for (i = 0; i < n->n; i++) {
		pnode_clear(n->kids[i].node);
		free(n->kids[i].node);
		free(n->kids[i].name);
	}
	free(n->kids);
	n->kids = NULL;
	n->n = 0;
}

void rpfx_free(struct rpfx *p)
{
	if (!p)
		return;
	pnode_clear(&p->root);
	free(p);
}

/* Next component of [*pp, end) skipping empty ones ("//"); 0 at the end. */
static int next_comp(const char **pp, const char *end, const char **c, size_t *clen)
{
	const char *p = *pp;

	while (p < end && *p == '/')
		p++;
	if (p == end)
		return 0;
	*c = p;
	while (p < end && *p != '/')
		p++;
	*clen = (size_t)(p - *c);
	*pp = p;
	return 1;
}

void rpfx_add(struct rpfx *pf, const char *path, size_t len)
{
	const char *p = path, *end = path + len, *c;
	struct pnode *n = &pf->root;
	size_t clen, i;

	while (next_comp(&p, end, &c, &clen)) {
		struct pkid *k = NULL;

		if (n->term)
			return;		/* a shorter prefix already covers it */
		for (i = 0; i < n->n; i++)
			if (n->kids[i].len == clen && !memcmp(n->kids[i].name, c, clen))
				k = &n->kids[i];
		if (!k) {
			n->kids = rx_realloc(n->kids, (n->n + 1) * sizeof(*n->kids));
			k = &n->kids[n->n++];
			k->name = rx_strndup(c, clen);
			k->len = clen;
			k->glob = strpbrk(k->name, "*?[") != NULL;
			k->node = rx_calloc(1, sizeof(*k->node));
		}
		n = k->node;
	}
	n->term = 1;
	pnode_clear(n);
}

static int kid_cmp(const void *a, const void *b)
{
	const struct pkid *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r;

	/* globs after plain names, so the plain ones form a sorted run */
	if (x->glob != y->glob)
		return x->glob - y->glob;
	r = memcmp(x->name, y->name, n);
	if (r)
		return r;
	return x->len < y->len ? -1 : x->len > y->len;
}

static void pnode_sort(struct pnode *n)
{
	size_t i;

	if (n->n)
		qsort(n->kids, n->n, sizeof(*n->kids), kid_cmp);
	memset(n->first, 0, sizeof(n->first));
	for (n->nplain = 0; n->nplain < n->n && !n->kids[n->nplain].glob; n->nplain++) {
		unsigned char c = (unsigned char)n->kids[n->nplain].name[0];

		n->first[c / 64] |= 1ull << (c % 64);
	}
	for (i = 0; i < n->n; i++)
		pnode_sort(n->kids[i].node);
}

void rpfx_done(struct rpfx *p)
{
	pnode_sort(&p->root);
}

/*
 * One pattern element at *pat against the character c: ? [set] [!set] \x or a
 * literal. Sets *next past the element; 1 on a match.
 */
static int elem_match(const char *pat, const char *pend, char c, const char **next)
{
	const char *q;
	int neg = 0, hit = 0;

	if (*pat == '?') {
		*next = pat + 1;
		return 1;
	}
	if (*pat == '\\' && pat + 1 < pend) {
		*next = pat + 2;
		return pat[1] == c;
	}
	if (*pat != '[') {
		*next = pat + 1;
		return *pat == c;
	}
	q = pat + 1;
	if (q < pend && (*q == '!' || *q == '^')) {
		neg = 1;
		q++;
	}
	do {
		if (q >= pend) {	/* no closing ']': a literal '[' */
			*next = pat + 1;
			return c == '[';
		}
		if (q + 2 < pend && q[1] == '-' && q[2] != ']') {
			if ((unsigned char)c >= (unsigned char)q[0] && (unsigned char)c <= (unsigned char)q[2])
				hit = 1;
			q += 3;
		} else {
			if (*q == c)
				hit = 1;
			q++;
		}
	} while (q < pend && *q != ']');
	if (q >= pend) {
		*next = pat + 1;
		return c == '[';
	}
	*next = q + 1;
	return hit != neg;
}

/* Shell-style pattern on one component, iterative (no exponential backtracking). */
static int comp_glob(const char *pat, const char *pend, const char *s, const char *send)
{
	const char *star_p = NULL, *star_s = NULL, *next;

	while (s < send) {
		if (pat < pend && *pat == '*') {
			star_p = ++pat;
			star_s = s;
			continue;
		}
		if (pat < pend && elem_match(pat, pend, *s, &next)) {
			pat = next;
			s++;
			continue;
		}
		if (!star_p)
			return 0;
		pat = star_p;
		s = ++star_s;
	}
	while (pat < pend && *pat == '*')
		pat++;
	return pat == pend;
}

static int pnode_match(const struct pnode *n, const char *p, const char *end)
{
	const char *c, *rest;
	size_t clen, lo, hi, i;

	if (n->term)
		return 1;
	rest = p;
	if (!next_comp(&rest, end, &c, &clen))
		return 0;
	/* most paths leave the trie at their first component's first byte */
	if (n->nplain == n->n &&
	    !((n->first[(unsigned char)c[0] / 64] >> ((unsigned char)c[0] % 64)) & 1))
		return 0;
	lo = 0;
	hi = n->nplain;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct pkid key = { (char *)c, clen, 0, NULL };
		int r = kid_cmp(&key, &n->kids[mid]);

		if (r == 0) {
			if (pnode_match(n->kids[mid].node, rest, end))
				return 1;
			break;
		}
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (i = n->nplain; i < n->n; i++) {
		const struct pkid *k = &n->kids[i];

		if (comp_glob(k->name, k->name + k->len, c, c + clen) && pnode_match(k->node, rest, end))
			return 1;
	}
	return 0;
}

int rpfx_match(const struct rpfx *p, const char *path, size_t len)
{
	return pnode_match(&p->root, path, path + len);
}

/* ---- IP addresses and networks ---- */

int rnet_parse(const char *s, size_t len, struct rnet *out)
{
	char buf[64];
	char *slash, *end;
	unsigned long bits;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		out->bits = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		out->bits = 128;
	} else {
		return -1;
	}
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		bits = strtoul(slash + 1, &end, 10);
		if (*end || bits > out->bits)
			return -1;
		out->bits = (unsigned)bits;
	}
	return 0;
}

/* Dotted-quad IPv4 without inet_pton(): addresses are parsed for every event. */
static int parse_ipv4(const char *s, size_t len, uint8_t out[4])
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		if (!digits || digits > 3 || v > 255 || (digits > 1 && s[i - digits] == '0'))
			return -1;
		out[part] = (uint8_t)v;
		if (part < 3 && (i >= len || s[i++] != '.'))
			return -1;
	}
	return i == len ? 0 : -1;
}

int rnet_parse_addr(const char *s, size_t len, struct rnet *out)
{
	if (memchr(s, '/', len))
		return -1;
	if (!memchr(s, ':', len)) {
		memset(out, 0, sizeof(*out));
		out->family = AF_INET;
		out->bits = 32;
		return parse_ipv4(s, len, out->addr);
	}
	return rnet_parse(s, len, out);
}

int rnet_contains(const struct rnet *net, const struct rnet *a)
{
	unsigned full, rem;

	if (a->family != net->family)
		return 0;
	full = net->bits / 8;
	rem = net->bits % 8;
	if (memcmp(a->addr, net->addr, full))
		return 0;
	if (rem) {
		uint8_t mask = (uint8_t)(0xff << (8 - rem));

		if ((a->addr[full] & mask) != (net->addr[full] & mask))
			return 0;
	}
	return 1;
}
