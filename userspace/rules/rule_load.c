/* rule_load.c: read rules YAML (rule, macro, list, required_*_version) into the engine, with append/override as Falco >= 0.36. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "rules/rule_yaml.h"

int lerr(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = rx_vprintf(fmt, ap);
	va_end(ap);
	diag_add(ld->e, ld->y->diag, 1, ypos(ld->y, n), "%s", msg);
	free(msg);
	ld->failed = 1;
	return -1;
}

void lwarn(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = rx_vprintf(fmt, ap);
	va_end(ap);
	diag_add(ld->e, ld->y->diag, 0, ypos(ld->y, n), "%s", msg);
	free(msg);
}

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

/*
 * A scalar value: 1 found, 0 absent (and not required), -1 error. Falco
 * refuses empty values for the keys it decodes as scalars.
 */
int get_str(struct ld *ld, const yaml_node_t *item, const char *what, const char *key,
		   int required, yaml_node_t **out)
{
	yaml_node_t *v = ymap_get(ld->y, item, key);

	*out = v;
	if (!v) {
		if (required)
			return lerr(ld, item, "%s: missing required key '%s'", what, key);
		return 0;
	}
	if (yis_null(v))
		return lerr(ld, v, "%s: key '%s' is empty", what, key);
	if (v->type != YAML_SCALAR_NODE)
		return lerr(ld, v, "%s: value of '%s' is not a scalar", what, key);
	return 1;
}

int get_bool(struct ld *ld, const yaml_node_t *item, const char *what, const char *key,
		    int *out)
{
	yaml_node_t *v;
	int r = get_str(ld, item, what, key, 0, &v), b;

	if (r <= 0)
		return r;
	b = ybool(yscalar(v));
	if (b < 0)
		return lerr(ld, v, "%s: value of '%s' is not a boolean: '%s'", what, key, yscalar(v));
	*out = b;
	return 1;
}

/* Warn about keys an item does not use (typos like "condtion"). */
void check_keys(struct ld *ld, const yaml_node_t *item, const char *what, const char *const *keys)
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
			lwarn(ld, k, "%s: unknown key '%s'", what, ks);
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
int read_override(struct ld *ld, const yaml_node_t *item, const char *what,
			 const char *const *keys, unsigned appendable, unsigned replaceable, int *ops)
{
	yaml_node_t *ov = ymap_get(ld->y, item, "override");
	yaml_node_pair_t *p;

	if (!ov)
		return 0;
	if (ov->type != YAML_MAPPING_NODE)
		return lerr(ld, ov, "%s: 'override' must be a mapping of keys to append or replace", what);
	for (p = ov->data.mapping.pairs.start; p < ov->data.mapping.pairs.top; p++) {
		const char *k = yscalar(ynode(ld->y, p->key)), *op = yscalar(ynode(ld->y, p->value));
		int id = k ? key_id(keys, k) : -1;
		unsigned bit = id >= 0 ? 1u << id : 0;

		if (!k || !op)
			return lerr(ld, ynode(ld->y, p->key), "%s: override entries must be 'key: append' or 'key: replace'", what);
		if (!strcmp(op, "append")) {
			if (!(appendable & bit))
				return lerr(ld, ynode(ld->y, p->key), "%s: key '%s' cannot be appended to, use 'replace' instead", what, k);
			ops[id] = OV_APPEND;
		} else if (!strcmp(op, "replace")) {
			if (!(replaceable & bit))
				return lerr(ld, ynode(ld->y, p->key), "%s: key '%s' cannot be replaced", what, k);
			ops[id] = OV_REPLACE;
		} else {
			return lerr(ld, ynode(ld->y, p->value),
				    "%s: invalid override operation for key '%s': '%s', allowed values are: %s%s", what, k, op,
				    (appendable & bit) ? "append " : "", (replaceable & bit) ? "replace" : "");
		}
	}
	return 1;
}

/* ---- lists ---- */

static void rl_list_free(struct rl_list *l)
{
	size_t i;

	for (i = 0; i < l->nitems; i++)
		free(l->items[i]);
	free(l->items);
	free(l->name);
	free(l);
}

static int read_items(struct ld *ld, const yaml_node_t *item, const char *what, struct rl_list *l)
{
	yaml_node_t *v = ymap_get(ld->y, item, "items");
	yaml_node_item_t *it;

	if (!v)
		return lerr(ld, item, "%s: missing required key 'items'", what);
	if (v->type != YAML_SEQUENCE_NODE)
		return lerr(ld, v, "%s: value of 'items' is not a sequence", what);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const char *s = yscalar(ynode(ld->y, *it));

		if (!s)
			return lerr(ld, ynode(ld->y, *it), "%s: list items must be strings", what);
		RX_GROW(l->items, l->nitems, l->cap);
		l->items[l->nitems++] = rx_strdup(s);
	}
	return 0;
}

static int valid_list_name(const char *s)
{
	return *s && !strpbrk(s, "()\"'=, \t\r\n\f\v");
}

static int read_list(struct ld *ld, const yaml_node_t *item)
{
	static const char *const keys[] = { "list", "items", "append", "override", NULL };
	static const char *const okeys[] = { "items", NULL };
	struct rule_engine *e = ld->e;
	struct rl_list *l, *prev;
	yaml_node_t *nn;
	char *what;
	int append = 0, ops[1] = { 0 }, r;

	if (get_str(ld, item, "list", "list", 1, &nn) < 0)
		return -1;
	what = rx_printf("list '%s'", yscalar(nn));
	check_keys(ld, item, what, keys);
	if (!valid_list_name(yscalar(nn))) {
		lerr(ld, nn, "%s: invalid list name, it must not contain blanks or any of ()\"'=,", what);
		goto fail;
	}
	if (get_bool(ld, item, what, "append", &append) < 0 ||
	    (r = read_override(ld, item, what, okeys, 1, 1, ops)) < 0)
		goto fail;
	if (append && r) {
		lerr(ld, item, "%s: keys 'append' and 'override' cannot be used together", what);
		goto fail;
	}
	if (append)
		lwarn(ld, item, "%s: 'append' is deprecated, use 'override' instead", what);
	l = rx_calloc(1, sizeof(*l));
	l->name = rx_strdup(yscalar(nn));
	l->pos = ypos(ld->y, item);
	if (read_items(ld, item, what, l)) {
		rl_list_free(l);
		goto fail;
	}
	prev = eng_find_list(e, l->name);
	if (append || ops[0] == OV_APPEND) {
		size_t i;

		if (!prev) {
			rl_list_free(l);
			lerr(ld, item, "%s: appending to a list that is not defined", what);
			goto fail;
		}
		for (i = 0; i < l->nitems; i++) {
			RX_GROW(prev->items, prev->nitems, prev->cap);
			prev->items[prev->nitems++] = l->items[i];
		}
		l->nitems = 0;
		rl_list_free(l);
		prev->visibility = e->cur_index++;
	} else if (prev) {
		size_t i;

		for (i = 0; i < prev->nitems; i++)
			free(prev->items[i]);
		free(prev->items);
		prev->items = l->items;
		prev->nitems = l->nitems;
		prev->cap = l->cap;
		prev->pos = l->pos;
		l->items = NULL;
		l->nitems = 0;
		rl_list_free(l);
		prev->visibility = e->cur_index++;
	} else {
		l->index = l->visibility = e->cur_index++;
		RX_GROW(e->lists, e->nlists, e->clists);
		e->lists[e->nlists++] = l;
	}
	free(what);
	return 0;
fail:
	free(what);
	return -1;
}

/* ---- macros ---- */

static int valid_identifier(const char *s)
{
	size_t i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int read_macro(struct ld *ld, const yaml_node_t *item)
{
	static const char *const keys[] = { "macro", "condition", "append", "override", NULL };
	static const char *const okeys[] = { "condition", NULL };
	struct rule_engine *e = ld->e;
	struct rl_macro *m;
	yaml_node_t *nn, *cn;
	char *what;
	int append = 0, ops[1] = { 0 }, r;

	if (get_str(ld, item, "macro", "macro", 1, &nn) < 0)
		return -1;
	what = rx_printf("macro '%s'", yscalar(nn));
	check_keys(ld, item, what, keys);
	if (!valid_identifier(yscalar(nn))) {
		lerr(ld, nn, "%s: invalid macro name, it must match [a-zA-Z][a-zA-Z0-9_]*", what);
		goto fail;
	}
	if (get_str(ld, item, what, "condition", 1, &cn) < 0 ||
	    get_bool(ld, item, what, "append", &append) < 0 ||
	    (r = read_override(ld, item, what, okeys, 1, 1, ops)) < 0)
		goto fail;
	if (append && r) {
		lerr(ld, item, "%s: keys 'append' and 'override' cannot be used together", what);
		goto fail;
	}
	if (append)
		lwarn(ld, item, "%s: 'append' is deprecated, use 'override' instead", what);
	m = eng_find_macro(e, yscalar(nn));
	if (append || ops[0] == OV_APPEND) {
		struct rtext t;

		if (!m) {
			lerr(ld, item, "%s: appending to a macro that is not defined", what);
			goto fail;
		}
		ytext(ld->y, cn, &t);
		rtext_append(&m->cond, &t);
		rtext_free(&t);
		m->visibility = e->cur_index++;
	} else {
		if (!m) {
			m = rx_calloc(1, sizeof(*m));
			m->name = rx_strdup(yscalar(nn));
			m->index = e->cur_index;
			RX_GROW(e->macros, e->nmacros, e->cmacros);
			e->macros[e->nmacros++] = m;
		}
		rtext_free(&m->cond);
		ytext(ld->y, cn, &m->cond);
		m->pos = ypos(ld->y, item);
		m->visibility = e->cur_index++;
	}
	free(what);
	return 0;
fail:
	free(what);
	return -1;
}

/* ---- required versions ---- */

static int read_engine_version(struct ld *ld, const yaml_node_t *item)
{
	yaml_node_t *v;
	const char *s;
	char *ver;
	size_t i;

	if (get_str(ld, item, "required_engine_version", "required_engine_version", 1, &v) < 0)
		return -1;
	s = yscalar(v);
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (!s[i] && i > 0 && i < 10)
		ver = rx_printf("0.%lu.0", strtoul(s, NULL, 10));	/* legacy: a number N is 0.N.0 */
	else
		ver = rx_strdup(s);
	if (!semver_valid(ver)) {
		free(ver);
		return lerr(ld, v, "unable to parse engine version '%s' as a semver string, expected \"x.y.z\"", s);
	}
	/* compatible: same major version, ours not older */
	if (semver_cmp(RULE_ENGINE_VERSION, ver) < 0 ||
	    strtoul(ver, NULL, 10) != strtoul(RULE_ENGINE_VERSION, NULL, 10)) {
		lerr(ld, v, "rules require engine version %s, but engine version is %s", ver,
		     RULE_ENGINE_VERSION);
		free(ver);
		return -1;
	}
	if (!ld->e->req_version || semver_cmp(ld->e->req_version, ver) < 0) {
		free(ld->e->req_version);
		ld->e->req_version = ver;
	} else {
		free(ver);
	}
	return 0;
}

static int read_plugin_req(struct ld *ld, const yaml_node_t *p)
{
	yaml_node_t *nn, *vn;

	if (p->type != YAML_MAPPING_NODE)
		return lerr(ld, p, "plugin version requirement must be a mapping");
	if (get_str(ld, p, "plugin version requirement", "name", 1, &nn) < 0 ||
	    get_str(ld, p, "plugin version requirement", "version", 1, &vn) < 0)
		return -1;
	if (!semver_valid(yscalar(vn)))
		return lerr(ld, vn, "invalid required version '%s' for plugin '%s'", yscalar(vn), yscalar(nn));
	RX_GROW(ld->e->plugins, ld->e->nplugins, ld->e->cplugins);
	ld->e->plugins[ld->e->nplugins].name = rx_strdup(yscalar(nn));
	ld->e->plugins[ld->e->nplugins].version = rx_strdup(yscalar(vn));
	ld->e->nplugins++;
	return 0;
}

static int read_plugin_versions(struct ld *ld, const yaml_node_t *item)
{
	yaml_node_t *v = ymap_get(ld->y, item, "required_plugin_versions"), *alt;
	yaml_node_item_t *it, *a;

	if (!v || v->type != YAML_SEQUENCE_NODE)
		return lerr(ld, v ? v : item, "value of required_plugin_versions must be a sequence");
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *p = ynode(ld->y, *it);

		if (read_plugin_req(ld, p))
			return -1;
		alt = ymap_get(ld->y, p, "alternatives");
		if (!alt)
			continue;
		if (alt->type != YAML_SEQUENCE_NODE)
			return lerr(ld, alt, "value of plugin version alternatives must be a sequence");
		for (a = alt->data.sequence.items.start; a < alt->data.sequence.items.top; a++)
			if (read_plugin_req(ld, ynode(ld->y, *a)))
				return -1;
	}
	return 0;
}

/* ---- items and documents ---- */

static int read_item(struct ld *ld, const yaml_node_t *item)
{
	if (item->type != YAML_MAPPING_NODE)
		return lerr(ld, item, "unexpected element type, each item should be a yaml mapping");
	if (ymap_get(ld->y, item, "required_engine_version"))
		return read_engine_version(ld, item);
	if (ymap_get(ld->y, item, "required_plugin_versions"))
		return read_plugin_versions(ld, item);
	if (ymap_get(ld->y, item, "list"))
		return read_list(ld, item);
	if (ymap_get(ld->y, item, "macro"))
		return read_macro(ld, item);
	if (ymap_get(ld->y, item, "rule"))
		return rule_read_rule(ld, item);
	lwarn(ld, item, "unknown top level item");
	return 0;
}

static int read_document(struct ld *ld)
{
	yaml_node_t *root = yaml_document_get_root_node(&ld->y->doc);
	yaml_node_item_t *it;

	if (yis_null(root))
		return 0;
	if (root->type != YAML_SEQUENCE_NODE)
		return lerr(ld, root, "rules content is not a yaml sequence of items");
	for (it = root->data.sequence.items.start; it < root->data.sequence.items.top; it++) {
		yaml_node_t *item = ynode(ld->y, *it);

		if (yis_null(item))
			continue;
		if (read_item(ld, item))
			return -1;
	}
	return 0;
}

int rule_load_buffer(struct rule_engine *e, const char *name, const char *text, size_t len,
		     struct rule_diag *diag)
{
	struct ydoc y = { 0 };
	struct ld ld = { &y, e, 0 };
	yaml_parser_t p;
	int ret = 0;

	y.e = e;
	y.diag = diag;
	y.file = eng_file(e, name);
	y.src = text;
	y.srclen = len;
	ydoc_lines(&y);
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	compile_reset(e);	/* compiled state points into items this file may change */
	for (;;) {
		if (!yaml_parser_load(&p, &y.doc)) {
			diag_add(e, diag, 1, ymark(&y, p.problem_mark), "invalid yaml: %s%s%s",
				 p.problem ? p.problem : "parse error", p.context ? " " : "",
				 p.context ? p.context : "");
			ret = -1;
			break;
		}
		if (!yaml_document_get_root_node(&y.doc)) {
			yaml_document_delete(&y.doc);
			break;
		}
		ret = read_document(&ld);
		yaml_document_delete(&y.doc);
		if (ret)
			break;
	}
	yaml_parser_delete(&p);
	free(y.line_off);
	return ret;
}

int rule_engine_load_file(struct rule_engine *e, const char *path, struct rule_diag *diag)
{
	struct strbuf b = { 0 };
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");
	struct rpos none = { 0, 0, 0 };
	int ret;

	none.file = eng_file(e, path);
	if (!f) {
		diag_add(e, diag, 1, none, "cannot open rules file '%s': %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_add(&b, chunk, n);
	if (ferror(f)) {
		diag_add(e, diag, 1, none, "cannot read rules file '%s': %s", path, strerror(errno));
		fclose(f);
		sb_free(&b);
		return -1;
	}
	fclose(f);
	ret = rule_load_buffer(e, path, b.s ? b.s : "", b.len, diag);
	sb_free(&b);
	return ret;
}

int rule_engine_load_string(struct rule_engine *e, const char *name, const char *text, size_t len,
			    struct rule_diag *diag)
{
	return rule_load_buffer(e, name, text, len, diag);
}
