/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_load_rule.c - read one "rule" item: define, legacy append, override append/replace, enable-only, exceptions. */
#include <stdlib.h>
#include <string.h>
#include "rules/rule_yaml.h"

enum { K_COND, K_OUTPUT, K_DESC, K_PRIO, K_TAGS, K_EXC, K_ENABLED, K_WARN, K_SKIP, K_NKEYS };

static const char *const upd_keys[] = { "condition", "output", "desc", "priority", "tags", "exceptions",
					"enabled", "warn_evttypes", "skip-if-unknown-filter", NULL };
#define APPENDABLE ((1u << K_COND) | (1u << K_OUTPUT) | (1u << K_DESC) | (1u << K_TAGS) | (1u << K_EXC))
#define REPLACEABLE ((1u << K_NKEYS) - 1)

static const char *const all_keys[] = { "rule", "condition", "output", "desc", "priority", "tags",
					"exceptions", "enabled", "warn_evttypes", "skip-if-unknown-filter",
					"source", "append", "override", "capture", "capture_duration", NULL };

/* What an item says about a rule, key by key. */
struct rupd {
	unsigned has;			/* bit per K_* */
	struct rtext cond, output;
	char *desc;
	enum rule_priority prio;
	char **tags;
	size_t ntags;
	struct rl_exc *exc;
	size_t nexc;
	int enabled, warn, skip;
};

void rl_entry_free(struct rl_entry *en)
{
	size_t i;

	for (i = 0; i < en->n; i++)
		rl_entry_free(&en->items[i]);
	free(en->items);
	free(en->item);
	memset(en, 0, sizeof(*en));
}

void rl_exc_free(struct rl_exc *x)
{
	size_t i;

	free(x->name);
	rl_entry_free(&x->fields);
	rl_entry_free(&x->comps);
	for (i = 0; i < x->nvalues; i++)
		rl_entry_free(&x->values[i]);
	free(x->values);
}

static void free_tags(char **tags, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(tags[i]);
	free(tags);
}

static void free_excs(struct rl_exc *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		rl_exc_free(&x[i]);
	free(x);
}

static void upd_free(struct rupd *u)
{
	rtext_free(&u->cond);
	rtext_free(&u->output);
	free(u->desc);
	free_tags(u->tags, u->ntags);
	free_excs(u->exc, u->nexc);
}

void rule_free(struct rule *r)
{
	free(r->name);
	free(r->desc);
	free(r->source);
	rtext_free(&r->cond);
	rtext_free(&r->output);
	free_tags(r->tags, r->ntags);
	free_excs(r->exc, r->nexc);
	enode_put(r->root);
	rl_output_free(r);
	free(r);
}

/* ---- exceptions ---- */

static int read_entry(struct ld *ld, const yaml_node_t *n, int depth, struct rl_entry *out,
		      const char *what)
{
	yaml_node_item_t *it;

	out->pos = ypos(ld->y, n);
	if (n->type == YAML_SCALAR_NODE) {
		if (!*yscalar(n))
			return rl_err(ld, n, "%s: exception values must be non-empty", what);
		out->item = rx_strdup(yscalar(n));
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE || depth <= 0)
		return rl_err(ld, n, "%s: exception entries must be strings or lists of strings", what);
	out->is_list = 1;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		out->items = rx_realloc(out->items, (out->n + 1) * sizeof(*out->items));
		memset(&out->items[out->n], 0, sizeof(out->items[0]));
		out->n++;
		if (read_entry(ld, ynode(ld->y, *it), depth - 1, &out->items[out->n - 1], what))
			return -1;
	}
	return 0;
}

static int read_one_exception(struct ld *ld, const yaml_node_t *ex, const char *what, int append,
			      struct rl_exc *x)
{
	static const char *const keys[] = { "name", "fields", "comps", "values", NULL };
	yaml_node_t *nn, *v;
	yaml_node_item_t *it;

	if (ex->type != YAML_MAPPING_NODE)
		return rl_err(ld, ex, "%s: rule exception must be a mapping", what);
	x->pos = ypos(ld->y, ex);
	if (rl_get_str(ld, ex, what, "name", 1, &nn) < 0)
		return -1;
	x->name = rx_strdup(yscalar(nn));
	rl_check_keys(ld, ex, what, keys);
	v = ymap_get(ld->y, ex, "fields");
	if (v && !yis_null(v)) {
		x->has_fields = 1;
		if (read_entry(ld, v, 1, &x->fields, what))
			return -1;
	} else if (!append) {
		return rl_err(ld, ex, "%s: exception '%s' must have a fields property with a list of fields",
			    what, x->name);
	}
	v = ymap_get(ld->y, ex, "comps");
	if (v && !yis_null(v)) {
		x->has_comps = 1;
		if (read_entry(ld, v, 1, &x->comps, what))
			return -1;
	}
	v = ymap_get(ld->y, ex, "values");
	if (!v || yis_null(v)) {
		if (append)
			rl_warn(ld, ex, "%s: overriding/appending exception '%s' with no values", what, x->name);
		return 0;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return rl_err(ld, v, "%s: exception values must be a sequence", what);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		x->values = rx_realloc(x->values, (x->nvalues + 1) * sizeof(*x->values));
		memset(&x->values[x->nvalues], 0, sizeof(x->values[0]));
		x->nvalues++;
		if (read_entry(ld, ynode(ld->y, *it), 2, &x->values[x->nvalues - 1], what))
			return -1;
	}
	return 0;
}

static int read_exceptions(struct ld *ld, const yaml_node_t *item, const char *what, int append,
			   struct rupd *u)
{
	yaml_node_t *v = ymap_get(ld->y, item, "exceptions");
	yaml_node_item_t *it;
	size_t i;

	if (!v || yis_null(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return rl_err(ld, v, "%s: rule exceptions must be a sequence", what);
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		struct rl_exc *x;

		u->exc = rx_realloc(u->exc, (u->nexc + 1) * sizeof(*u->exc));
		x = &u->exc[u->nexc++];
		memset(x, 0, sizeof(*x));
		if (read_one_exception(ld, ynode(ld->y, *it), what, append, x))
			return -1;
		for (i = 0; i + 1 < u->nexc; i++)
			if (!strcmp(u->exc[i].name, x->name))
				return rl_err(ld, ynode(ld->y, *it),
					    "%s: exception names in the same object must be unique ('%s')", what,
					    x->name);
	}
	return 0;
}

/* ---- keys ---- */

static int tag_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Tags are a set, sorted as Falco prints them. */
static void add_tags(char ***tags, size_t *n, char **add, size_t nadd)
{
	size_t i, k = 0;

	*tags = rx_realloc(*tags, (*n + nadd + 1) * sizeof(**tags));
	for (i = 0; i < nadd; i++)
		(*tags)[(*n)++] = rx_strdup(add[i]);
	qsort(*tags, *n, sizeof(**tags), tag_cmp);
	for (i = 0; i < *n; i++) {
		if (k && !strcmp((*tags)[k - 1], (*tags)[i]))
			free((*tags)[i]);
		else
			(*tags)[k++] = (*tags)[i];
	}
	*n = k;
}

static void trim_text(struct rtext *t)
{
	size_t a = 0, b = t->len;
	struct rtext n;

	while (a < b && strchr(" \t\r\n", t->s[a]))
		a++;
	while (b > a && strchr(" \t\r\n", t->s[b - 1]))
		b--;
	if (a == 0 && b == t->len)
		return;
	n.s = rx_strndup(t->s + a, b - a);
	n.len = b - a;
	n.pos = rx_malloc((n.len + 1) * sizeof(*n.pos));
	memcpy(n.pos, t->pos + a, (n.len + 1) * sizeof(*n.pos));
	rtext_free(t);
	*t = n;
}

/* Read the keys in mask that the item has into u. */
static int read_keys(struct ld *ld, const yaml_node_t *item, const char *what, unsigned mask,
		     int exc_append, struct rupd *u)
{
	yaml_node_t *v;
	int k, r = 0;

	for (k = 0; k < K_NKEYS && r >= 0; k++) {
		if (!(mask & (1u << k)) || !ymap_get(ld->y, item, upd_keys[k]))
			continue;
		u->has |= 1u << k;
		switch (k) {
		case K_COND:
		case K_OUTPUT:
		case K_DESC:
		case K_PRIO:
			if ((r = rl_get_str(ld, item, what, upd_keys[k], 1, &v)) < 0)
				break;
			if (k == K_COND)
				ytext(ld->y, v, &u->cond);
			if (k == K_OUTPUT) {
				ytext(ld->y, v, &u->output);
				trim_text(&u->output);
			}
			if (k == K_DESC)
				u->desc = rx_strdup(yscalar(v));
			if (k == K_PRIO && rule_priority_parse(yscalar(v), &u->prio))
				r = rl_err(ld, v, "%s: invalid priority '%s'", what, yscalar(v));
			break;
		case K_TAGS: {
			yaml_node_item_t *it;

			v = ymap_get(ld->y, item, "tags");
			if (yis_null(v))
				break;
			if (v->type != YAML_SEQUENCE_NODE) {
				r = rl_err(ld, v, "%s: value of 'tags' is not a sequence", what);
				break;
			}
			for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
				char *t = (char *)yscalar(ynode(ld->y, *it));

				if (!t) {
					r = rl_err(ld, ynode(ld->y, *it), "%s: tags must be strings", what);
					break;
				}
				add_tags(&u->tags, &u->ntags, &t, 1);
			}
			break;
		}
		case K_EXC:
			r = read_exceptions(ld, item, what, exc_append, u);
			break;
		default:
			r = rl_get_bool(ld, item, what, upd_keys[k],
				     k == K_ENABLED ? &u->enabled : k == K_WARN ? &u->warn : &u->skip);
		}
	}
	return r < 0 ? -1 : 0;
}

/* ---- applying ---- */

static int append_exceptions(struct ld *ld, const yaml_node_t *item, const char *what, struct rule *r,
			     struct rupd *u)
{
	size_t i, k;

	for (i = 0; i < u->nexc; i++) {
		struct rl_exc *x = &u->exc[i], *p = NULL;

		for (k = 0; k < r->nexc; k++)
			if (!strcmp(r->exc[k].name, x->name))
				p = &r->exc[k];
		if (!p) {
			if (!x->has_fields)
				return rl_err(ld, item, "%s: new exception '%s' must have a fields property", what, x->name);
			if (!x->nvalues)
				return rl_err(ld, item, "%s: new exception '%s' must have a values property", what, x->name);
			r->exc = rx_realloc(r->exc, (r->nexc + 1) * sizeof(*r->exc));
			r->exc[r->nexc++] = *x;
			memset(x, 0, sizeof(*x));
			continue;
		}
		if (x->has_fields || x->has_comps)
			return rl_err(ld, item, "%s: can not append fields or comps to existing exception '%s', only values",
				    what, x->name);
		p->values = rx_realloc(p->values, (p->nvalues + x->nvalues + 1) * sizeof(*p->values));
		if (x->nvalues)
			memcpy(p->values + p->nvalues, x->values, x->nvalues * sizeof(*x->values));
		p->nvalues += x->nvalues;
		free(x->values);
		x->values = NULL;
		x->nvalues = 0;
	}
	return 0;
}

static int apply_append(struct ld *ld, const yaml_node_t *item, const char *what, struct rule *r,
			struct rupd *u)
{
	if ((u->has & (1u << K_COND)) && u->cond.len)
		rtext_append(&r->cond, &u->cond);
	if ((u->has & (1u << K_OUTPUT)) && u->output.len)
		rtext_append(&r->output, &u->output);
	if ((u->has & (1u << K_DESC)) && *u->desc) {
		char *d = rx_printf("%s %s", r->desc, u->desc);

		free(r->desc);
		r->desc = d;
	}
	if (u->has & (1u << K_TAGS))
		add_tags(&r->tags, &r->ntags, u->tags, u->ntags);
	if (u->has & (1u << K_EXC))
		return append_exceptions(ld, item, what, r, u);
	return 0;
}

static void apply_replace(struct rule *r, struct rupd *u)
{
	if (u->has & (1u << K_COND)) {
		rtext_free(&r->cond);
		r->cond = u->cond;
		memset(&u->cond, 0, sizeof(u->cond));
	}
	if (u->has & (1u << K_OUTPUT)) {
		rtext_free(&r->output);
		r->output = u->output;
		memset(&u->output, 0, sizeof(u->output));
	}
	if (u->has & (1u << K_DESC)) {
		free(r->desc);
		r->desc = u->desc;
		u->desc = NULL;
	}
	if (u->has & (1u << K_TAGS)) {
		free_tags(r->tags, r->ntags);
		r->tags = u->tags;
		r->ntags = u->ntags;
		u->tags = NULL;
		u->ntags = 0;
	}
	if (u->has & (1u << K_EXC)) {
		free_excs(r->exc, r->nexc);
		r->exc = u->exc;
		r->nexc = u->nexc;
		u->exc = NULL;
		u->nexc = 0;
	}
	if (u->has & (1u << K_PRIO))
		r->prio = u->prio;
	if (u->has & (1u << K_ENABLED))
		r->enabled = u->enabled;
	if (u->has & (1u << K_WARN))
		r->warn_evttypes = u->warn;
	if (u->has & (1u << K_SKIP))
		r->skip_unknown = u->skip;
}

static int define_rule(struct ld *ld, const yaml_node_t *item, const char *what, const char *name)
{
	struct rule_engine *e = ld->e;
	struct rupd u = { 0 };
	struct rule *r, *prev;
	yaml_node_t *v;
	int k;

	for (k = 0; k < K_PRIO + 1; k++)
		if (!ymap_get(ld->y, item, upd_keys[k]))
			return rl_err(ld, item, "%s: missing required key '%s'", what, upd_keys[k]);
	if (read_keys(ld, item, what, REPLACEABLE, 0, &u) ||
	    rl_get_str(ld, item, what, "source", 0, &v) < 0) {
		upd_free(&u);
		return -1;
	}
	r = rx_calloc(1, sizeof(*r));
	r->name = rx_strdup(name);
	r->source = rx_strdup(v ? yscalar(v) : "syscall");
	r->desc = rx_strdup("");
	r->pos = ypos(ld->y, item);
	r->enabled = 1;
	r->warn_evttypes = 1;
	apply_replace(r, &u);
	upd_free(&u);
	if (strcmp(r->source, "syscall")) {
		r->unknown_source = 1;
		rl_warn(ld, item, "%s: source '%s' is not evaluated (only 'syscall' is), rule loaded and ignored",
		      what, r->source);
	}
	prev = eng_find_rule(e, name);
	if (prev && strcmp(prev->source, r->source)) {
		rule_free(r);
		return rl_err(ld, item, "%s: rule has been re-defined with a different source", what);
	}
	if (prev) {
		size_t i;

		for (i = 0; e->rules[i] != prev; i++)
			;
		r->index = prev->index;
		rule_free(prev);
		e->rules[i] = r;
	} else {
		r->index = e->cur_index;
		RX_GROW(e->rules, e->nrules, e->crules);
		e->rules[e->nrules++] = r;
	}
	r->visibility = e->cur_index++;
	return 0;
}

/* override: append/replace per key; every overridable key given must be listed there. */
static int override_rule(struct ld *ld, const yaml_node_t *item, const char *what, struct rule *r,
			 const int *ops)
{
	unsigned amask = 0, rmask = 0;
	struct rupd ua = { 0 }, ur = { 0 };
	int k, ret = -1;

	for (k = 0; k < K_NKEYS; k++) {
		int defined = ymap_get(ld->y, item, upd_keys[k]) != NULL;

		if (ops[k] && !defined)
			return rl_err(ld, item, "%s: an %s override for '%s' was specified but '%s' is not defined",
				    what, ops[k] == OV_APPEND ? "append" : "replace", upd_keys[k], upd_keys[k]);
		if (!ops[k] && defined)
			return rl_err(ld, ymap_get(ld->y, item, upd_keys[k]),
				    "%s: unexpected key '%s': no corresponding entry under 'override' is defined",
				    what, upd_keys[k]);
		if (ops[k] == OV_APPEND)
			amask |= 1u << k;
		if (ops[k] == OV_REPLACE)
			rmask |= 1u << k;
	}
	if (!r)
		return rl_err(ld, item, "%s: override of a rule that is not defined", what);
	if (read_keys(ld, item, what, amask, 1, &ua) || read_keys(ld, item, what, rmask, 1, &ur))
		goto out;
	if (apply_append(ld, item, what, r, &ua))
		goto out;
	apply_replace(r, &ur);
	r->visibility = ld->e->cur_index++;
	ret = 0;
out:
	upd_free(&ua);
	upd_free(&ur);
	return ret;
}

int rule_read_rule(struct ld *ld, const yaml_node_t *item)
{
	int ops[K_NKEYS] = { 0 }, append = 0, has_ov, ret = -1;
	struct rupd u = { 0 };
	struct rule *r;
	yaml_node_t *nn;
	char *what;

	if (rl_get_str(ld, item, "rule", "rule", 1, &nn) < 0)
		return -1;
	what = rx_printf("rule '%s'", yscalar(nn));
	rl_check_keys(ld, item, what, all_keys);
	r = eng_find_rule(ld->e, yscalar(nn));
	if (rl_get_bool(ld, item, what, "append", &append) < 0 ||
	    (has_ov = rl_read_override(ld, item, what, upd_keys, APPENDABLE, REPLACEABLE, ops)) < 0)
		goto out;
	if (append && has_ov) {
		rl_err(ld, item, "%s: keys 'append' and 'override' cannot be used together", what);
		goto out;
	}
	if (has_ov) {
		ret = override_rule(ld, item, what, r, ops);
	} else if (append) {
		rl_warn(ld, item, "%s: 'append' is deprecated, use 'override' instead", what);
		if (!r) {
			rl_err(ld, item, "%s: appending to a rule that is not defined", what);
			goto out;
		}
		if (read_keys(ld, item, what, (1u << K_COND) | (1u << K_EXC), 1, &u))
			goto out;
		if (!u.has) {
			rl_err(ld, item, "%s: appended rule must have exceptions or condition property", what);
			goto out;
		}
		ret = apply_append(ld, item, what, r, &u);
		r->visibility = ld->e->cur_index++;
	} else if (!ymap_get(ld->y, item, "condition") && !ymap_get(ld->y, item, "output") &&
		   !ymap_get(ld->y, item, "desc") && !ymap_get(ld->y, item, "priority")) {
		/* only "enabled": switch an existing rule on or off */
		if (!ymap_get(ld->y, item, "enabled")) {
			rl_err(ld, item, "%s: missing required key 'condition'", what);
			goto out;
		}
		if (!r) {
			rl_err(ld, item, "%s: rule has 'enabled' key but no rule by that name already exists", what);
			goto out;
		}
		if (rl_get_bool(ld, item, what, "enabled", &r->enabled) < 0)
			goto out;
		ret = 0;
	} else {
		ret = define_rule(ld, item, what, yscalar(nn));
	}
out:
	upd_free(&u);
	free(what);
	return ret;
}
