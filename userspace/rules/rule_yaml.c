/* rule_yaml.c: libyaml document helpers for the rules loader: node access and file positions of scalar bytes. */
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
