/* SPDX-License-Identifier: GPL-2.0-only */
/* rules_select.h - the configuration's `rules:` list: enable or disable rules by name or tag, in order. */
#ifndef SHRIKE_RULES_SELECT_H
#define SHRIKE_RULES_SELECT_H

#include <stddef.h>
#include <yaml.h>

struct rule_engine;

struct rules_select {
	int enable;		/* 1: enable, 0: disable */
	int by_tag;		/* pattern is a tag, else a rule name */
	char *pattern;		/* a name or a glob (fnmatch) */
};

struct rules_select_list {
	struct rules_select *v;
	size_t n;
};

/*
 * Append one step: op is "enable" or "disable", what is "rule" or "tag".
 * 0, or -1 with the reason in err.
 */
int rules_select_add(struct rules_select_list *l, const char *op, const char *what, const char *pattern,
		     char *err, size_t errlen);
/*
 * The `rules:` node of a configuration file, which replaces l: a sequence
 * of `- enable: {rule: P}`, `- disable: {tag: P}` and the like. 0, or -1
 * with "file:line:col: message" in err.
 */
int rules_select_load_yaml(struct rules_select_list *l, yaml_document_t *doc, yaml_node_t *n,
			   const char *path, char *err, size_t errlen);
/*
 * -o rules[].OP.WHAT=PATTERN (Falco's spelling; sub is "OP.WHAT"): one
 * step appended after those of the file. 0 or -1 (err).
 */
int rules_select_override(struct rules_select_list *l, const char *sub, const char *pattern, char *err,
			  size_t errlen);
/* Every step in order over the loaded rules; a step that matches no rule is a warning. */
void rules_select_apply(struct rule_engine *eng, const struct rules_select_list *l);
void rules_select_free(struct rules_select_list *l);

#endif /* SHRIKE_RULES_SELECT_H */
