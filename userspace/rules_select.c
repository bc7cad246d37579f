/* SPDX-License-Identifier: GPL-2.0-only */
/* rules_select.c - Falco 0.38's `rules:` selection: enable/disable by name or tag glob, applied after loading. */
/*
 * The steps run in the order written, each over every loaded rule, and
 * override what the rules files say in `enabled:`; so "disable everything,
 * then enable a tag, then one rule" works as Falco's does. They run after
 * compile: a rule that does not compile stays inactive whatever a step says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/log.h"
#include "rules/rule_engine.h"
#include "rules_select.h"

int rules_select_add(struct rules_select_list *l, const char *op, const char *what, const char *pattern,
		     char *err, size_t errlen)
{
	struct rules_select *v;
	int enable, by_tag;

	if (!strcmp(op, "enable"))
		enable = 1;
	else if (!strcmp(op, "disable"))
		enable = 0;
	else {
		snprintf(err, errlen, "expected enable or disable, not '%s'", op);
		return -1;
	}
	if (!strcmp(what, "rule"))
		by_tag = 0;
	else if (!strcmp(what, "tag"))
		by_tag = 1;
	else {
		snprintf(err, errlen, "%s: expected rule or tag, not '%s'", op, what);
		return -1;
	}
	if (!*pattern) {
		snprintf(err, errlen, "%s.%s: expected a name or a pattern", op, what);
		return -1;
	}
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v || !(pattern = strdup(pattern))) {
		if (v)
			l->v = v;
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->v = v;
	l->v[l->n++] = (struct rules_select){ enable, by_tag, (char *)pattern };
	return 0;
}

static int errat(char *err, size_t errlen, const char *path, const yaml_node_t *n, const char *msg)
{
	snprintf(err, errlen, "%s:%zu:%zu: rules: %s", path, n->start_mark.line + 1, n->start_mark.column + 1,
		 msg);
	return -1;
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* One item: a mapping of one op to a mapping of rule or tag (one or both) to a pattern. */
static int load_item(struct rules_select_list *l, yaml_document_t *doc, yaml_node_t *item,
		     const char *path, char *err, size_t errlen)
{
	const char *expect = "expected '- enable: {rule: NAME}' or '- disable: {tag: TAG}'";
	yaml_node_pair_t *p, *q;
	char why[256];

	if (item->type != YAML_MAPPING_NODE || item->data.mapping.pairs.top - item->data.mapping.pairs.start != 1)
		return errat(err, errlen, path, item, expect);
	p = item->data.mapping.pairs.start;
	{
		yaml_node_t *op = yaml_document_get_node(doc, p->key);
		yaml_node_t *sel = yaml_document_get_node(doc, p->value);

		if (!scalar(op) || !sel || sel->type != YAML_MAPPING_NODE ||
		    sel->data.mapping.pairs.top == sel->data.mapping.pairs.start)
			return errat(err, errlen, path, item, expect);
		for (q = sel->data.mapping.pairs.start; q < sel->data.mapping.pairs.top; q++) {
			yaml_node_t *what = yaml_document_get_node(doc, q->key);
			yaml_node_t *pat = yaml_document_get_node(doc, q->value);

			if (!scalar(what) || !scalar(pat))
				return errat(err, errlen, path, what ? what : sel, expect);
			if (rules_select_add(l, scalar(op), scalar(what), scalar(pat), why, sizeof(why)) < 0)
				return errat(err, errlen, path, what, why);
		}
	}
	return 0;
}

int rules_select_load_yaml(struct rules_select_list *l, yaml_document_t *doc, yaml_node_t *n,
			   const char *path, char *err, size_t errlen)
{
	yaml_node_item_t *it;

	rules_select_free(l);
	if (n->type == YAML_SCALAR_NODE && !*n->data.scalar.value)
		return 0;	/* "rules:" with nothing: no steps */
	if (n->type != YAML_SEQUENCE_NODE)
		return errat(err, errlen, path, n, "expected a list of enable and disable steps");
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(doc, *it);

		if (!item)
			return errat(err, errlen, path, n, "expected a step");
		if (load_item(l, doc, item, path, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int rules_select_override(struct rules_select_list *l, const char *sub, const char *pattern, char *err,
			  size_t errlen)
{
	const char *dot = strchr(sub, '.');
	char op[16], why[256];

	if (!dot || (size_t)(dot - sub) >= sizeof(op)) {
		snprintf(err, errlen, "-o rules[].%s: expected rules[].enable.rule=, rules[].enable.tag=, "
			 "rules[].disable.rule= or rules[].disable.tag=", sub);
		return -1;
	}
	memcpy(op, sub, (size_t)(dot - sub));
	op[dot - sub] = '\0';
	if (rules_select_add(l, op, dot + 1, pattern, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "-o rules[].%s: %s", sub, why);
		return -1;
	}
	return 0;
}

void rules_select_apply(struct rule_engine *eng, const struct rules_select_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct rules_select *s = &l->v[i];
		int n = s->by_tag ? rule_engine_enable_tag(eng, s->pattern, s->enable)
				  : rule_engine_enable_rules(eng, s->pattern, s->enable);

		if (n == 0)
			log_warn("rules: %s %s '%s' matches no loaded rule", s->enable ? "enable" : "disable",
				 s->by_tag ? "tag" : "rule", s->pattern);
	}
}

void rules_select_free(struct rules_select_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].pattern);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
