/* SPDX-License-Identifier: GPL-2.0-only */
/* schema.c - event types and their parameters, from kmod/uapi/shrike_events.h. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "input/schema.h"

_Static_assert(SHRIKE_AT_EXIT == 0 && SHRIKE_AT_ENTER == 1, "at[] is indexed by phase");

static struct event_schema schemas[SHRIKE_EVT_MAX];
/* built at first use, by whichever thread comes first (rules compile in the reload thread too) */
static pthread_once_t ready = PTHREAD_ONCE_INIT;

/*
 * The parameters that say the same thing twice: an entry path and its copy
 * read again at exit (NAME and NAME_exit, see SP_X_AGAIN), and the opened
 * file of the open family; and the first path argument. Linked once, so
 * fd.name costs no search per event.
 */
static void link_copies(struct event_schema *s)
{
	char want[64];
	int k, j;

	s->opened = -1;
	s->path = -1;
	for (k = 0; k < s->nparams; k++) {
		const struct param_schema *p = &s->params[k];

		s->again[k] = -1;
		if (s->path < 0 && k + 1 < s->nparams && p->phase == SHRIKE_AT_ENTER &&
		    p->src == SHRIKE_SRC_USTR && s->params[k + 1].src == SHRIKE_SRC_DIRPATH)
			s->path = (int8_t)k;
		if (p->phase == SHRIKE_AT_EXIT && p->src == SHRIKE_SRC_FD_PATH &&
		    !strcmp(p->name, "opened"))
			s->opened = (int8_t)k;
		if (p->phase != SHRIKE_AT_ENTER || p->src != SHRIKE_SRC_USTR ||
		    (size_t)snprintf(want, sizeof(want), "%s_exit", p->name) >= sizeof(want))
			continue;
		for (j = 0; j < s->nparams; j++)
			if (s->params[j].phase == SHRIKE_AT_EXIT &&
			    s->params[j].src == SHRIKE_SRC_USTR && !strcmp(s->params[j].name, want))
				s->again[k] = (int8_t)j;
	}
}

/* The shared table is the single source of truth; index it by type once. */
static void schema_init(void)
{
	size_t i, k;

	for (i = 0; i < SHRIKE_N_EVENT_SPECS; i++) {
		const struct shrike_event_spec *sp = &shrike_event_specs[i];
		struct event_schema *s;

		if (sp->type >= SHRIKE_EVT_MAX || sp->nparams > SCHEMA_MAX_PARAMS)
			continue;
		s = &schemas[sp->type];
		s->name = sp->name;
		s->nr = sp->nr;
		s->nparams = sp->nparams;
		for (k = 0; k < sp->nparams; k++) {
			s->params[k].name = sp->p[k].name;
			s->params[k].kind = sp->p[k].kind;
			s->params[k].phase = sp->p[k].phase;
			s->params[k].src = sp->p[k].src;
			if (sp->p[k].phase == SHRIKE_AT_ENTER)
				s->at[SHRIKE_AT_ENTER][s->n_enter++] = (uint8_t)k;
			else
				s->at[SHRIKE_AT_EXIT][s->n_exit++] = (uint8_t)k;
		}
		link_copies(s);
	}
}

const struct event_schema *schema_of(uint16_t type)
{
	pthread_once(&ready, schema_init);
	if (type >= SHRIKE_EVT_MAX || !schemas[type].name)
		return NULL;
	return &schemas[type];
}

int schema_type_by_name(const char *name)
{
	int t;

	pthread_once(&ready, schema_init);
	for (t = 0; t < SHRIKE_EVT_MAX; t++)
		if (schemas[t].name && !strcmp(schemas[t].name, name))
			return t;
	return -1;
}

int schema_param_index(const struct event_schema *s, const char *name)
{
	int i;

	for (i = 0; i < s->nparams; i++)
		if (!strcmp(s->params[i].name, name))
			return i;
	return -1;
}
