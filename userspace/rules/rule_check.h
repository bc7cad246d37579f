/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_check.h - the compiler's load-time warnings (internal). */
#ifndef SHRIKE_RULE_CHECK_H
#define SHRIKE_RULE_CHECK_H

#include "rules/rule_values.h"

/*
 * rule_check.c: load-time warnings for checks that can never hold (a field
 * the daemon never fills, a value the field never takes, an evt.type that
 * names no event). Kept per compile, each once, and handed to a diag by
 * rl_check_flush.
 */
void rl_check_cmp(struct cctx *c, const struct rnode *n, uint32_t slot);
/* After rule r compiled from ast: the constants its checks (and its macros') compare evt.arg with. */
void rl_check_rule(struct cctx *c, const struct rule *r, const struct rnode *ast);
void rl_check_types(struct cctx *c, const struct rnode *n, const struct cvals *cv, size_t nknown);
void rl_check_flush(struct rule_engine *e, struct rule_diag *diag);
void rl_check_reset(struct rule_engine *e);

#endif /* SHRIKE_RULE_CHECK_H */
