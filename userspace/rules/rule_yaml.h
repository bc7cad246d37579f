/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_yaml.h - libyaml document helpers for the rules loader, with file positions (internal). */
#ifndef SHRIKE_RULE_YAML_H
#define SHRIKE_RULE_YAML_H

#include <yaml.h>
#include "rules/rule_int.h"

struct ydoc {
	struct rule_engine *e;
	struct rule_diag *diag;
	uint32_t file;
	const char *src;
	size_t srclen;
	size_t *line_off;	/* byte offset where each line starts */
	size_t nlines;
	yaml_document_t doc;
};

void ydoc_lines(struct ydoc *y);
struct rpos ymark(const struct ydoc *y, yaml_mark_t m);
struct rpos ypos(const struct ydoc *y, const yaml_node_t *n);
yaml_node_t *ynode(struct ydoc *y, int id);
/* The value of key in a mapping, or NULL. */
yaml_node_t *ymap_get(struct ydoc *y, const yaml_node_t *map, const char *key);
int yis_null(const yaml_node_t *n);
/* NUL-terminated scalar text, or NULL if n is not a scalar. */
const char *yscalar(const yaml_node_t *n);
/* A scalar as text with the file position of every byte. */
void ytext(const struct ydoc *y, const yaml_node_t *n, struct rtext *out);
/* yaml-cpp's booleans: true/yes/on/y and false/no/off/n in their usual cases; -1 if neither. */
int ybool(const char *s);

/* ---- the loader's state and its diagnostics and key readers (here), for rule_load.c and rule_load_rule.c ---- */

struct ld {
	struct ydoc *y;
	struct rule_engine *e;
	int failed;
};

/* An error / a warning at node n; rl_err returns -1. */
int rl_err(struct ld *ld, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void rl_warn(struct ld *ld, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A non-empty scalar value of key: 1 found, 0 absent (and not required), -1 error. */
int rl_get_str(struct ld *ld, const yaml_node_t *item, const char *what, const char *key, int required,
	    yaml_node_t **out);
int rl_get_bool(struct ld *ld, const yaml_node_t *item, const char *what, const char *key, int *out);
/* Warn about keys not in the NULL-terminated list. */
void rl_check_keys(struct ld *ld, const yaml_node_t *item, const char *what, const char *const *keys);

enum { OV_APPEND = 1, OV_REPLACE = 2 };
/* Parse "override:" into ops[i] for keys[i] (bit i of appendable/replaceable says what is allowed): 1 present, 0 absent, -1 error. */
int rl_read_override(struct ld *ld, const yaml_node_t *item, const char *what, const char *const *keys,
		  unsigned appendable, unsigned replaceable, int *ops);

/* rule_load_rule.c */
int rule_read_rule(struct ld *ld, const yaml_node_t *item);

#endif /* SHRIKE_RULE_YAML_H */
