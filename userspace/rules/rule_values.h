/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_values.h - the compile state, and a check's values with its lists expanded: shared by the compiler and its load-time checks (internal). */
#ifndef SHRIKE_RULE_VALUES_H
#define SHRIKE_RULE_VALUES_H

#include "rules/rule_int.h"

struct cctx {
	struct rule_engine *e;
	struct rerr err;
	char *unknown;		/* the first field resolve() did not know */
	uint32_t visibility;	/* macros defined (index) before this are visible */
	unsigned depth, max_depth;	/* of the expansion, now and at most */
	int too_deep;		/* failed for the depth: not kept in a macro (another use may fit) */
	int too_large;		/* past RULE_MAX_NODES */
	const struct rule *rule;	/* for the size error: what was being compiled */
	const struct rl_macro *macro;
	const struct rl_list *list;
	size_t nodes0;		/* e->nnodes when the rule began */
};

/* A value after list expansion: points into the AST or a list, no copy. */
struct cval {
	const char *s;
	size_t len;
	struct rpos pos;
};

struct cvals {
	struct cval *v;
	size_t n, cap;
};

/*
 * Count n more nodes or list items against RULE_MAX_NODES; past it the
 * rule fails (c->err, c->too_large), naming the macro or list being
 * expanded when it happened. 0 or -1.
 */
int rl_grow(struct cctx *c, size_t n);
/* The operands of check n, with the list names among them expanded to their items (counted). 0 or -1. */
int rl_collect_values(struct cctx *c, const struct rnode *n, struct cvals *cv);

#endif /* SHRIKE_RULE_VALUES_H */
