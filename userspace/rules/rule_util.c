/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_util.c - small helpers of the rules engine: memory, string buffers, positions, diagnostics, versions, the engine's definitions by name. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "lib/escape.h"
#include "rules/rule_int.h"

static void die_oom(void)
{
	fputs("shrike: out of memory\n", stderr);
	abort();
}

void *rx_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom();
	return p;
}

void *rx_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

void *rx_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

char *rx_strndup(const char *s, size_t n)
{
	char *d = rx_malloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *rx_strdup(const char *s)
{
	return rx_strndup(s, strlen(s));
}

char *rx_vprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		die_oom();
	return s;
}

char *rx_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = rx_vprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void sb_grow(struct strbuf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need <= b->cap)
		return;
	if (need < b->cap * 2)
		need = b->cap * 2;
	if (need < 64)
		need = 64;
	b->s = rx_realloc(b->s, need);
	b->cap = need;
}

void sb_add(struct strbuf *b, const void *p, size_t n)
{
	sb_grow(b, n);
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_addc(struct strbuf *b, char c)
{
	sb_add(b, &c, 1);
}

void sb_adds(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_printf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = rx_vprintf(fmt, ap);
	va_end(ap);
	sb_adds(b, s);
	free(s);
}

void sb_add_utf8(struct strbuf *b, const char *p, size_t n)
{
	sb_grow(b, ESC_UTF8_SIZE(n));
	b->len += esc_utf8(b->s + b->len, p, n);
}

char *sb_detach(struct strbuf *b, size_t *len)
{
	char *s;

	if (!b->s) {
		sb_grow(b, 0);
		b->s[0] = '\0';
	}
	s = b->s;
	if (len)
		*len = b->len;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void sb_free(struct strbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* Eight bytes at a time with multiply-xorshift mixing: keys are names and paths. */
uint64_t rx_hash(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	while (n >= 8) {
		memcpy(&w, c, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		c += 8;
		n -= 8;
	}
	w = 0;
	if (n)
		memcpy(&w, c, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

void rtext_set(struct rtext *t, const char *s, size_t len, struct rpos p)
{
	size_t i;

	t->s = rx_strndup(s, len);
	t->len = len;
	t->pos = rx_malloc((len + 1) * sizeof(*t->pos));
	for (i = 0; i <= len; i++)
		t->pos[i] = p;
}

void rtext_append(struct rtext *dst, const struct rtext *src)
{
	size_t n = dst->len + 1 + src->len;
	struct rpos sep = dst->len ? dst->pos[dst->len] : src->pos[0];

	dst->s = rx_realloc(dst->s, n + 1);
	dst->pos = rx_realloc(dst->pos, (n + 1) * sizeof(*dst->pos));
	dst->s[dst->len] = ' ';
	dst->pos[dst->len] = sep;
	memcpy(dst->s + dst->len + 1, src->s, src->len);
	memcpy(dst->pos + dst->len + 1, src->pos, (src->len + 1) * sizeof(*dst->pos));
	dst->len = n;
	dst->s[n] = '\0';
}

void rtext_free(struct rtext *t)
{
	free(t->s);
	free(t->pos);
	t->s = NULL;
	t->pos = NULL;
	t->len = 0;
}

struct rpos rtext_pos(const struct rtext *t, size_t off)
{
	struct rpos none = { 0, 0, 0 };

	if (!t->pos)
		return none;
	return t->pos[off <= t->len ? off : t->len];
}

void rerr_set(struct rerr *e, struct rpos pos, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->msg)	/* keep the first error */
		return;
	e->pos = pos;
	va_start(ap, fmt);
	e->msg = rx_vprintf(fmt, ap);
	va_end(ap);
}

uint32_t eng_file(struct rule_engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nfiles; i++)
		if (!strcmp(e->files[i], name))
			return (uint32_t)i;
	RX_GROW(e->files, e->nfiles, e->cfiles);
	e->files[e->nfiles] = rx_strdup(name);
	return (uint32_t)e->nfiles++;
}

void rule_diag_init(struct rule_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void rule_diag_free(struct rule_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->msgs[i].file);
		free(d->msgs[i].msg);
		free(d->msgs[i].text);
	}
	free(d->msgs);
	rule_diag_init(d);
}

void rule_diag_print(const struct rule_diag *d, FILE *f)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(f, "%s\n", d->msgs[i].text);
}

void rl_diag_add(struct rule_engine *e, struct rule_diag *d, int is_error, struct rpos pos,
	      const char *fmt, ...)
{
	struct rule_diag_msg *m;
	const char *file = pos.file < e->nfiles ? e->files[pos.file] : "<rules>";
	va_list ap;

	if (!d)
		return;
	RX_GROW(d->msgs, d->n, d->cap);
	m = &d->msgs[d->n++];
	m->is_error = is_error;
	m->file = rx_strdup(file);
	m->line = pos.line;
	m->col = pos.line ? pos.col : 0;
	va_start(ap, fmt);
	m->msg = rx_vprintf(fmt, ap);
	va_end(ap);
	if (pos.line)
		m->text = rx_printf("%s:%u:%u: %s: %s", file, m->line, m->col,
				    is_error ? "error" : "warning", m->msg);
	else
		m->text = rx_printf("%s: %s: %s", file, is_error ? "error" : "warning", m->msg);
	if (is_error)
		d->errors++;
	else
		d->warnings++;
}

static const char *const prio_names[] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

int rule_priority_parse(const char *s, enum rule_priority *out)
{
	size_t i;

	for (i = 0; i < sizeof(prio_names) / sizeof(prio_names[0]); i++) {
		if (!strcasecmp(s, prio_names[i])) {
			*out = (enum rule_priority)i;
			return 0;
		}
	}
	if (!strcasecmp(s, "info")) {
		*out = RULE_PRIO_INFORMATIONAL;
		return 0;
	}
	return -1;
}

const char *rule_priority_name(enum rule_priority p)
{
	if ((unsigned)p >= sizeof(prio_names) / sizeof(prio_names[0]))
		return "Unknown";
	return prio_names[p];
}

/* "x.y.z" with an optional "-pre" / "+build" tail; parts into v[3]. */
static int semver_parse(const char *s, unsigned long v[3])
{
	int i;

	for (i = 0; i < 3; i++) {
		char *end;

		if (!isdigit((unsigned char)*s))
			return -1;
		v[i] = strtoul(s, &end, 10);
		if (end - s > 9)
			return -1;
		s = end;
		if (i < 2 && *s++ != '.')
			return -1;
	}
	return (*s == '\0' || *s == '-' || *s == '+') ? 0 : -1;
}

int rl_semver_valid(const char *s)
{
	unsigned long v[3];

	return semver_parse(s, v) == 0;
}

int rl_semver_cmp(const char *a, const char *b)
{
	unsigned long va[3], vb[3];
	int i;

	if (semver_parse(a, va) || semver_parse(b, vb))
		return -2;
	for (i = 0; i < 3; i++) {
		if (va[i] != vb[i])
			return va[i] < vb[i] ? -1 : 1;
	}
	return 0;
}

/* ---- the engine's definitions by name ---- */

struct rl_list *eng_find_list(const struct rule_engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nlists; i++)
		if (!strcmp(e->lists[i]->name, name))
			return e->lists[i];
	return NULL;
}

struct rl_macro *eng_find_macro(const struct rule_engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nmacros; i++)
		if (!strcmp(e->macros[i]->name, name))
			return e->macros[i];
	return NULL;
}

struct rule *eng_find_rule(const struct rule_engine *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nrules; i++)
		if (!strcmp(e->rules[i]->name, name))
			return e->rules[i];
	return NULL;
}
