/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_compile.h - state shared by the condition compiler's files (internal). */
#ifndef SHRIKE_RULE_COMPILE_H
#define SHRIKE_RULE_COMPILE_H

#include "rules/rule_values.h"

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
