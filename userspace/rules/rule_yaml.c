/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_yaml.c - libyaml document helpers for the rules loader: node access, file positions of scalar bytes, diagnostics at a node, reading keys and "override:". */
#include <string.h>
#include "rules/rule_yaml.h"

void ydoc_lines(struct ydoc *y)
{
	size_t i, cap = 64;

	y->line_off = rx_malloc(cap * sizeof(*y->line_off));
	y->nlines = 1;
	/* libyaml does not count a UTF-8 byte order mark as a column */
	y->line_off[0] = (y->srclen >= 3 && !memcmp(y->src, "\xef\xbb\xbf", 3)) ? 3 : 0;
	for (i = 0; i < y->srclen; i++) {
		if (y->src[i] != '\n')
			continue;
		RX_GROW(y->line_off, y->nlines, cap);
		y->line_off[y->nlines++] = i + 1;
	}
}

struct rpos ymark(const struct ydoc *y, yaml_mark_t m)
{
	struct rpos p = { y->file, (uint32_t)m.line + 1, (uint32_t)m.column + 1 };

	return p;
}

struct rpos ypos(const struct ydoc *y, const yaml_node_t *n)
{
	return ymark(y, n->start_mark);
}

yaml_node_t *ynode(struct ydoc *y, int id)
{
	return yaml_document_get_node(&y->doc, id);
}

yaml_node_t *ymap_get(struct ydoc *y, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = ynode(y, p->key);

		if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(key) &&
		    !memcmp(k->data.scalar.value, key, k->data.scalar.length))
			return ynode(y, p->value);
	}
	return NULL;
}

int yis_null(const yaml_node_t *n)
{
	const char *s;

	if (!n)
		return 1;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = (const char *)n->data.scalar.value;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

const char *yscalar(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

int ybool(const char *s)
{
	static const char *const yes[] = { "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
					   "on", "On", "ON" };
	static const char *const no[] = { "n", "N", "no", "No", "NO", "false", "False", "FALSE",
					  "off", "Off", "OFF" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i]))
			return 1;
		if (!strcmp(s, no[i]))
			return 0;
	}
	return -1;
}

/* Byte offset of a libyaml mark (its column counts characters). */
static size_t mark_byte(const struct ydoc *y, yaml_mark_t m)
{
	size_t off, col = 0;

	if (m.line >= y->nlines)
		return y->srclen;
	off = y->line_off[m.line];
	while (off < y->srclen && col < m.column) {
		off++;
		while (off < y->srclen && ((unsigned char)y->src[off] & 0xc0) == 0x80)
			off++;
		col++;
	}
	return off;
}

struct walker {
	const struct ydoc *y;
	size_t j, end;
	struct rpos cur;
};

static void step(struct walker *w)
{
	unsigned char c = (unsigned char)w->y->src[w->j++];

	if (c == '\n') {
		w->cur.line++;
		w->cur.col = 1;
	} else if ((c & 0xc0) != 0x80) {
		w->cur.col++;
	}
}

/*
 * The value of a scalar is its source with quotes, escapes, folding and
 * indentation removed, so every non-blank byte of the value appears in the
 * source in the same order: walk both and record where each byte came from.
 * Bytes produced by escapes land on a nearby position, never out of range.
 */
void ytext(const struct ydoc *y, const yaml_node_t *n, struct rtext *out)
{
	const char *v = (const char *)n->data.scalar.value;
	size_t vlen = n->data.scalar.length, i;
	struct walker w = { y, mark_byte(y, n->start_mark), mark_byte(y, n->end_mark), ypos(y, n) };

	out->s = rx_strndup(v, vlen);
	out->len = vlen;
	out->pos = rx_malloc((vlen + 1) * sizeof(*out->pos));
	if (w.end > y->srclen)
		w.end = y->srclen;
	switch (n->data.scalar.style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		if (w.j < w.end)
			step(&w);
		break;
	case YAML_LITERAL_SCALAR_STYLE:
	case YAML_FOLDED_SCALAR_STYLE:
		while (w.j < w.end && y->src[w.j] != '\n')
			step(&w);
		if (w.j < w.end)
			step(&w);
		break;
	default:
		break;
	}
	for (i = 0; i < vlen; i++) {
		char c = v[i];
		const char *hit;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			/* skip indentation so the position is the next source byte */
			while (c != '\n' && w.j < w.end && y->src[w.j] != c &&
			       (y->src[w.j] == ' ' || y->src[w.j] == '\t'))
				step(&w);
			out->pos[i] = w.cur;
			if (w.j < w.end && y->src[w.j] == c)
				step(&w);
			continue;
		}
		hit = w.j < w.end ? memchr(y->src + w.j, c, w.end - w.j) : NULL;
		if (hit) {
			while (y->src + w.j < hit)
				step(&w);
			out->pos[i] = w.cur;
			step(&w);
		} else {
			out->pos[i] = w.cur;
		}
	}
	out->pos[vlen] = w.cur;
}

/* ---- the loader's diagnostics and key readers (struct ld) ---- */

int rl_err(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = rx_vprintf(fmt, ap);
	va_end(ap);
	rl_diag_add(ld->e, ld->y->diag, 1, ypos(ld->y, n), "%s", msg);
	free(msg);
	ld->failed = 1;
	return -1;
}

void rl_warn(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = rx_vprintf(fmt, ap);
	va_end(ap);
	rl_diag_add(ld->e, ld->y->diag, 0, ypos(ld->y, n), "%s", msg);
	free(msg);
}

/*
 * A scalar value: 1 found, 0 absent (and not required), -1 error. Falco
 * refuses empty values for the keys it decodes as scalars.
 */
int rl_get_str(struct ld *ld, const yaml_node_t *item, const char *what, const char *key,
		   int required, yaml_node_t **out)
{
	yaml_node_t *v = ymap_get(ld->y, item, key);

	*out = v;
	if (!v) {
		if (required)
			return rl_err(ld, item, "%s: missing required key '%s'", what, key);
		return 0;
	}
	if (yis_null(v))
		return rl_err(ld, v, "%s: key '%s' is empty", what, key);
	if (v->type != YAML_SCALAR_NODE)
		return rl_err(ld, v, "%s: value of '%s' is not a scalar", what, key);
	return 1;
}

int rl_get_bool(struct ld *ld, const yaml_node_t *item, const char *what, const char *key,
		    int *out)
{
	yaml_node_t *v;
	int r = rl_get_str(ld, item, what, key, 0, &v), b;

	if (r <= 0)
		return r;
	b = ybool(yscalar(v));
	if (b < 0)
		return rl_err(ld, v, "%s: value of '%s' is not a boolean: '%s'", what, key, yscalar(v));
	*out = b;
	return 1;
}

/* Warn about keys an item does not use (typos like "condtion"). */
void rl_check_keys(struct ld *ld, const yaml_node_t *item, const char *what, const char *const *keys)
{
	yaml_node_pair_t *p;
	size_t i;

	for (p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
		yaml_node_t *k = ynode(ld->y, p->key);
		const char *ks = yscalar(k);

		if (!ks)
			continue;
		for (i = 0; keys[i] && strcmp(keys[i], ks); i++)
			;
		if (!keys[i])
			rl_warn(ld, k, "%s: unknown key '%s'", what, ks);
	}
}

/* ---- override: key -> append or replace ---- */

static int key_id(const char *const *keys, const char *k)
{
	int i;

	for (i = 0; keys[i]; i++)
		if (!strcmp(keys[i], k))
			return i;
	return -1;
}

/* Parse "override:" into per-key operations (ops[i] for keys[i]); 1 if present. */
int rl_read_override(struct ld *ld, const yaml_node_t *item, const char *what,
			 const char *const *keys, unsigned appendable, unsigned replaceable, int *ops)
{
	yaml_node_t *ov = ymap_get(ld->y, item, "override");
	yaml_node_pair_t *p;

	if (!ov)
		return 0;
	if (ov->type != YAML_MAPPING_NODE)
		return rl_err(ld, ov, "%s: 'override' must be a mapping of keys to append or replace", what);
	for (p = ov->data.mapping.pairs.start; p < ov->data.mapping.pairs.top; p++) {
		const char *k = yscalar(ynode(ld->y, p->key)), *op = yscalar(ynode(ld->y, p->value));
		int id = k ? key_id(keys, k) : -1;
		unsigned bit = id >= 0 ? 1u << id : 0;

		if (!k || !op)
			return rl_err(ld, ynode(ld->y, p->key), "%s: override entries must be 'key: append' or 'key: replace'", what);
		if (!strcmp(op, "append")) {
			if (!(appendable & bit))
				return rl_err(ld, ynode(ld->y, p->key), "%s: key '%s' cannot be appended to, use 'replace' instead", what, k);
			ops[id] = OV_APPEND;
		} else if (!strcmp(op, "replace")) {
			if (!(replaceable & bit))
				return rl_err(ld, ynode(ld->y, p->key), "%s: key '%s' cannot be replaced", what, k);
			ops[id] = OV_REPLACE;
		} else {
			return rl_err(ld, ynode(ld->y, p->value),
				    "%s: invalid override operation for key '%s': '%s', allowed values are: %s%s", what, k, op,
				    (appendable & bit) ? "append " : "", (replaceable & bit) ? "replace" : "");
		}
	}
	return 1;
}
