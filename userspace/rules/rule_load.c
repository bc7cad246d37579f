/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_load.c - read rules YAML (rule, macro, list, required_*_version) into the engine, with append/override as Falco >= 0.36. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "rules/rule_yaml.h"

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
		return rl_err(ld, item, "%s: missing required key 'items'", what);
	if (v->type != YAML_SEQUENCE_NODE)
		return rl_err(ld, v, "%s: value of 'items' is not a sequence", what);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		const char *s = yscalar(ynode(ld->y, *it));

		if (!s)
			return rl_err(ld, ynode(ld->y, *it), "%s: list items must be strings", what);
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

	if (rl_get_str(ld, item, "list", "list", 1, &nn) < 0)
		return -1;
	what = rx_printf("list '%s'", yscalar(nn));
	rl_check_keys(ld, item, what, keys);
	if (!valid_list_name(yscalar(nn))) {
		rl_err(ld, nn, "%s: invalid list name, it must not contain blanks or any of ()\"'=,", what);
		goto fail;
	}
	if (rl_get_bool(ld, item, what, "append", &append) < 0 ||
	    (r = rl_read_override(ld, item, what, okeys, 1, 1, ops)) < 0)
		goto fail;
	if (append && r) {
		rl_err(ld, item, "%s: keys 'append' and 'override' cannot be used together", what);
		goto fail;
	}
	if (append)
		rl_warn(ld, item, "%s: 'append' is deprecated, use 'override' instead", what);
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
			rl_err(ld, item, "%s: appending to a list that is not defined", what);
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

	if (rl_get_str(ld, item, "macro", "macro", 1, &nn) < 0)
		return -1;
	what = rx_printf("macro '%s'", yscalar(nn));
	rl_check_keys(ld, item, what, keys);
	if (!valid_identifier(yscalar(nn))) {
		rl_err(ld, nn, "%s: invalid macro name, it must match [a-zA-Z][a-zA-Z0-9_]*", what);
		goto fail;
	}
	if (rl_get_str(ld, item, what, "condition", 1, &cn) < 0 ||
	    rl_get_bool(ld, item, what, "append", &append) < 0 ||
	    (r = rl_read_override(ld, item, what, okeys, 1, 1, ops)) < 0)
		goto fail;
	if (append && r) {
		rl_err(ld, item, "%s: keys 'append' and 'override' cannot be used together", what);
		goto fail;
	}
	if (append)
		rl_warn(ld, item, "%s: 'append' is deprecated, use 'override' instead", what);
	m = eng_find_macro(e, yscalar(nn));
	if (append || ops[0] == OV_APPEND) {
		struct rtext t;

		if (!m) {
			rl_err(ld, item, "%s: appending to a macro that is not defined", what);
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

	if (rl_get_str(ld, item, "required_engine_version", "required_engine_version", 1, &v) < 0)
		return -1;
	s = yscalar(v);
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++)
		;
	if (!s[i] && i > 0 && i < 10)
		ver = rx_printf("0.%lu.0", strtoul(s, NULL, 10));	/* legacy: a number N is 0.N.0 */
	else
		ver = rx_strdup(s);
	if (!rl_semver_valid(ver)) {
		free(ver);
		return rl_err(ld, v, "unable to parse engine version '%s' as a semver string, expected \"x.y.z\"", s);
	}
	/* compatible: same major version, ours not older */
	if (rl_semver_cmp(RULE_ENGINE_VERSION, ver) < 0 ||
	    strtoul(ver, NULL, 10) != strtoul(RULE_ENGINE_VERSION, NULL, 10)) {
		rl_err(ld, v, "rules require engine version %s, but engine version is %s", ver,
		     RULE_ENGINE_VERSION);
		free(ver);
		return -1;
	}
	if (!ld->e->req_version || rl_semver_cmp(ld->e->req_version, ver) < 0) {
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
		return rl_err(ld, p, "plugin version requirement must be a mapping");
	if (rl_get_str(ld, p, "plugin version requirement", "name", 1, &nn) < 0 ||
	    rl_get_str(ld, p, "plugin version requirement", "version", 1, &vn) < 0)
		return -1;
	if (!rl_semver_valid(yscalar(vn)))
		return rl_err(ld, vn, "invalid required version '%s' for plugin '%s'", yscalar(vn), yscalar(nn));
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
		return rl_err(ld, v ? v : item, "value of required_plugin_versions must be a sequence");
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *p = ynode(ld->y, *it);

		if (read_plugin_req(ld, p))
			return -1;
		alt = ymap_get(ld->y, p, "alternatives");
		if (!alt)
			continue;
		if (alt->type != YAML_SEQUENCE_NODE)
			return rl_err(ld, alt, "value of plugin version alternatives must be a sequence");
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
		return rl_err(ld, item, "unexpected element type, each item should be a yaml mapping");
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
	rl_warn(ld, item, "unknown top level item");
	return 0;
}

static int read_document(struct ld *ld)
{
	yaml_node_t *root = yaml_document_get_root_node(&ld->y->doc);
	yaml_node_item_t *it;

	if (yis_null(root))
		return 0;
	if (root->type != YAML_SEQUENCE_NODE)
		return rl_err(ld, root, "rules content is not a yaml sequence of items");
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
	rl_compile_reset(e);	/* compiled state points into items this file may change */
	for (;;) {
		if (!yaml_parser_load(&p, &y.doc)) {
			rl_diag_add(e, diag, 1, ymark(&y, p.problem_mark), "invalid yaml: %s%s%s",
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
		rl_diag_add(e, diag, 1, none, "cannot open rules file '%s': %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sb_add(&b, chunk, n);
	if (ferror(f)) {
		rl_diag_add(e, diag, 1, none, "cannot read rules file '%s': %s", path, strerror(errno));
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
