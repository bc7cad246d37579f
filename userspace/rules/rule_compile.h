/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_compile.h - state shared by the condition compiler's files (internal). */
#ifndef SHRIKE_RULE_COMPILE_H
#define SHRIKE_RULE_COMPILE_H

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

const char *rl_type_name(enum rf_type t);
int rl_is_signed(enum rf_type t);
int rl_is_unsigned(enum rf_type t);
/* May the operator be used on a field of this type? */
int rl_op_allowed(enum rop op, enum rf_type t);
/* Build the constant operand of cmp (set, prefix trie, regex, number...) from the values. */
int rl_build_operand(struct cctx *c, struct ecmp *cmp, const struct cvals *cv, const char *field,
		  struct rpos pos);
void ecmp_free(struct ecmp *cmp);
/* rule_intern.c: the compiled check equal to cmp if there is one (cmp is
 * freed), else cmp, remembered. op as written, cv the operand's values.
 */
struct ecmp *ecmp_intern(struct rule_engine *e, struct ecmp *cmp, enum rop op, const struct cvals *cv);
/* rule_operand.c: drop a tree's reference to a check (freed at the last). */
void ecmp_release(struct ecmp *cmp);
void ecmp_intern_reset(struct rule_engine *e);

#endif /* SHRIKE_RULE_COMPILE_H */
