/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_engine.c - the rules engine's life cycle, compile orchestration, rule listing and selection. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include "rules/rule_int.h"

static int no_resolve(void *ctx, const char *name, const char *arg, struct rf_ref *ref)
{
	(void)ctx;
	(void)name;
	(void)arg;
	(void)ref;
	return -1;
}

struct rule_engine *rule_engine_new(const struct rule_field_ops *ops)
{
	struct rule_engine *e = rx_calloc(1, sizeof(*e));

	if (ops)
		e->ops = *ops;
	if (!e->ops.resolve)
		e->ops.resolve = no_resolve;
	if (!e->ops.evt_type_id || !e->ops.event_type) {
		e->ops.evt_type_id = NULL;
		e->ops.event_type = NULL;
	}
	e->min_prio = RULE_PRIO_DEBUG;
	e->cur_type = -1;
	return e;
}

void rule_engine_free(struct rule_engine *e)
{
	size_t i, k;

	if (!e)
		return;
	rl_compile_reset(e);
	for (i = 0; i < e->nrules; i++)
		rule_free(e->rules[i]);
	free(e->rules);
	for (i = 0; i < e->nmacros; i++) {
		free(e->macros[i]->name);
		rtext_free(&e->macros[i]->cond);
		free(e->macros[i]);
	}
	free(e->macros);
	for (i = 0; i < e->nlists; i++) {
		for (k = 0; k < e->lists[i]->nitems; k++)
			free(e->lists[i]->items[k]);
		free(e->lists[i]->items);
		free(e->lists[i]->name);
		free(e->lists[i]);
	}
	free(e->lists);
	for (i = 0; i < e->nfiles; i++)
		free(e->files[i]);
	free(e->files);
	for (i = 0; i < e->nplugins; i++) {
		free(e->plugins[i].name);
		free(e->plugins[i].version);
	}
	free(e->plugins);
	free(e->req_version);
	free(e->glob_buf);
	free(e);
}

static int index_build(struct rule_engine *e, struct rule_diag *diag)
{
	struct rule_index_bad bad;

	if (rl_index_build(e, &bad) == 0)
		return 0;
	rl_diag_add(e, diag, 1, bad.rule->pos,
		    "rule '%s': condition too large after expansion (%zu steps for its event types, "
		    "limit %d for all rules)", bad.rule->name, bad.cost, RULE_MAX_INDEX);
	return -1;
}

int rule_engine_compile(struct rule_engine *e, struct rule_diag *diag)
{
	size_t i;
	int ret;

	rl_compile_reset(e);
	ret = rl_compile_macros(e, diag);
	/* past RULE_MAX_NODES every rule would fail the same way: one error */
	for (i = 0; i < e->nrules && e->nnodes <= RULE_MAX_NODES; i++)
		if (rl_compile_rule(e, e->rules[i], diag))
			ret = -1;
	if (!ret)
		ret = index_build(e, diag);
	if (ret) {
		for (i = 0; i < e->nrules; i++) {
			enode_put(e->rules[i]->root);
			e->rules[i]->root = NULL;
			e->rules[i]->compiled = 0;
		}
		rl_index_free(e);
		return -1;
	}
	e->compiled = 1;
	return 0;
}

void rule_engine_get_stats(const struct rule_engine *e, struct rule_engine_stats *st)
{
	st->nodes = e->nnodes;
	st->index = e->nindex;
	st->steps = e->nsteps;
	st->calls = e->ncalls;
}

size_t rule_engine_rule_count(const struct rule_engine *e)
{
	return e->nrules;
}

const struct rule *rule_engine_rule_at(const struct rule_engine *e, size_t i)
{
	return i < e->nrules ? e->rules[i] : NULL;
}

const struct rule *rule_engine_find_rule(const struct rule_engine *e, const char *name)
{
	return eng_find_rule(e, name);
}

const char *rule_name(const struct rule *r)
{
	return r->name;
}

enum rule_priority rule_get_priority(const struct rule *r)
{
	return r->prio;
}

void rule_get_info(const struct rule *r, struct rule_info *out)
{
	out->name = r->name;
	out->desc = r->desc;
	out->source = r->source;
	out->output = r->output.s ? r->output.s : "";
	out->priority = r->prio;
	out->enabled = r->enabled;
	out->active = r->compiled && r->enabled;
	out->skip_reason = r->compiled ? NULL : r->skip_reason;
	out->tags = (const char *const *)r->tags;
	out->ntags = r->ntags;
}

size_t rule_engine_plugin_req_count(const struct rule_engine *e)
{
	return e->nplugins;
}

int rule_engine_plugin_req(const struct rule_engine *e, size_t i, const char **name, const char **version)
{
	if (i >= e->nplugins)
		return -1;
	*name = e->plugins[i].name;
	*version = e->plugins[i].version;
	return 0;
}

const char *rule_engine_required_version(const struct rule_engine *e)
{
	return e->req_version;
}

static void reindex(struct rule_engine *e)
{
	if (e->compiled)
		rl_index_rebuild(e);
}

void rule_engine_set_min_priority(struct rule_engine *e, enum rule_priority p)
{
	e->min_prio = p;
	reindex(e);
}

int rule_engine_enable_rules(struct rule_engine *e, const char *pattern, int enabled)
{
	size_t i;
	int n = 0;

	for (i = 0; i < e->nrules; i++) {
		struct rule *r = e->rules[i];

		if (!strcmp(r->name, pattern) || fnmatch(pattern, r->name, 0) == 0) {
			r->enabled = enabled;
			n++;
		}
	}
	reindex(e);
	return n;
}

int rule_engine_enable_tag(struct rule_engine *e, const char *tag, int enabled)
{
	size_t i, k;
	int n = 0;

	for (i = 0; i < e->nrules; i++) {
		struct rule *r = e->rules[i];

		for (k = 0; k < r->ntags; k++) {
			if (!strcmp(r->tags[k], tag) || fnmatch(tag, r->tags[k], 0) == 0) {
				r->enabled = enabled;
				n++;
				break;
			}
		}
	}
	reindex(e);
	return n;
}
