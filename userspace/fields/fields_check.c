/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fields_check.c - the rules engine's load-time question "can this check
 * ever hold?" answered from the field table and the parameter renderings
 * (argsyms.c): a field shrike never fills, evt.arg.KEY of a parameter no
 * event has, or a constant that evt.arg.KEY never shows.
 *
 * Every event with a parameter of that name counts, not only the events the
 * rule can match: a warning is then always true, if sometimes missed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fields/argsyms.h"
#include "fields/fields_impl.h"

enum op_class { OP_OTHER, OP_EQUAL, OP_PART, OP_IPART };

static enum op_class op_class(const char *op)
{
	static const char *const eq[] = { "=", "==", "!=", "in", "intersects" };
	size_t i;

	for (i = 0; i < sizeof(eq) / sizeof(eq[0]); i++)
		if (!strcmp(op, eq[i]))
			return OP_EQUAL;
	if (!strcmp(op, "contains") || !strcmp(op, "startswith") || !strcmp(op, "endswith"))
		return OP_PART;
	if (!strcmp(op, "icontains"))
		return OP_IPART;
	return OP_OTHER;	/* <, glob, regex...: not judged */
}

/* Only characters of set (and at least one)? */
static int only(const char *v, const char *set)
{
	return *v && strspn(v, set) == strlen(v);
}

/* The number v as the family prints it (decimal, 0-led octal, upper-case hex), or -1. */
static int parse_number(const struct argsym_family *f, const char *v, uint64_t *out)
{
	enum argsym_base b = f ? f->base : ARGSYM_DEC;
	const char *digits = b == ARGSYM_OCT ? "01234567" : b == ARGSYM_HEX ? "0123456789ABCDEF" :
					       "0123456789";
	const char *d = b == ARGSYM_DEC && *v == '-' ? v + 1 : v;
	char *end;

	if (!only(d, digits) || (b == ARGSYM_OCT && strcmp(v, "0") && v[0] != '0'))
		return -1;
	*out = b == ARGSYM_DEC && *v == '-' ? (uint64_t)strtoll(v, &end, 10) :
					      strtoull(v, &end, b == ARGSYM_OCT ? 8 : b == ARGSYM_HEX ? 16 : 10);
	return 0;
}

/* Is every '|'-separated part of v a name of f? */
static int all_names(const struct argsym_family *f, const char *v)
{
	char part[128];
	const char *p = v, *bar;

	for (;;) {
		size_t len;

		bar = strchr(p, '|');
		len = bar ? (size_t)(bar - p) : strlen(p);
		if (!len || len >= sizeof(part))
			return 0;
		memcpy(part, p, len);
		part[len] = '\0';
		if (!argsym_has(f, part))
			return 0;
		if (!bar)
			return 1;
		p = bar + 1;
	}
}

static int part_of_a_name(const struct argsym_family *f, const char *v, int icase)
{
	size_t i;

	for (i = 0; i < f->nsyms; i++)
		if (icase ? strcasestr(f->syms[i].name, v) != NULL : strstr(f->syms[i].name, v) != NULL)
			return 1;
	return f->unknown && (icase ? strcasestr(f->unknown, v) : strstr(f->unknown, v));
}

/*
 * Can a number parameter rendered by f (NULL: plain decimal) ever show a
 * text that the check (class c, constant v) accepts? *named gets the names
 * of a number v that f always shows as names (evt.arg.cmd = 5).
 */
static int can_match(const struct argsym_family *f, enum op_class c, const char *v, char *named,
		     size_t cap)
{
	static const char *const alphabet[] = { "-0123456789", "01234567", "0123456789ABCDEF" };
	uint64_t n;

	/* a user's name or a file's can be any text: only a number is never one */
	if (argsym_is_id(f))
		return c != OP_EQUAL || parse_number(NULL, v, &n) < 0;
	if (f && f->kind == ARGSYM_FD && (c != OP_EQUAL || parse_number(f, v, &n) < 0))
		return 1;
	if (!f || f->kind == ARGSYM_NUMBER) {
		if (c == OP_EQUAL)
			return parse_number(f, v, &n) == 0;
		return only(v, alphabet[f ? f->base : ARGSYM_DEC]) ||
		       (c == OP_IPART && f && f->base == ARGSYM_HEX && only(v, "0123456789abcdefABCDEF"));
	}
	if (c == OP_EQUAL) {
		if (all_names(f, v))
			return 1;
		if (parse_number(f, v, &n) < 0)
			return 0;
		/* a number shows as itself only when no name applies to it */
		if (argsym_names(f, n, named, cap) == 0)
			return 1;
		return 0;
	}
	if (strchr(v, '|') || only(v, alphabet[f->base]))
		return 1;
	return part_of_a_name(f, v, c == OP_IPART);
}

/* The reason evt.arg.key op value never holds on the events of types (NULL: all), or NULL. */
static char *arg_value_check(const char *key, const char *op, const char *value,
			     const uint64_t *types)
{
	enum op_class c = op_class(op);
	char named[256] = "", *why = NULL;
	const char *base = NULL;
	int found = 0, named_family = 0, id_family = 0;
	size_t i, k;

	if (c == OP_OTHER)
		return NULL;
	for (i = 0; i < SHRIKE_N_EVENT_SPECS; i++) {
		const struct shrike_event_spec *sp = &shrike_event_specs[i];

		if (types && (sp->type >= RULE_MAX_EVT_TYPES ||
			      !(types[sp->type / 64] & (1ULL << (sp->type % 64)))))
			continue;	/* the rule never sees this event */
		for (k = 0; k < sp->nparams; k++) {
			const struct argsym_family *f;

			if (strcmp(sp->p[k].name, key))
				continue;
			if (sp->p[k].kind != SHRIKE_K_S64 && sp->p[k].kind != SHRIKE_K_U64)
				return NULL;	/* text: anything can match */
			f = argsym_at(sp->type, (int)k);
			if (can_match(f, c, value, named, sizeof(named)))
				return NULL;
			found = 1;
			id_family |= argsym_is_id(f);
			named_family |= f && f->kind != ARGSYM_NUMBER;
			if (f && f->kind == ARGSYM_NUMBER)
				base = f->base == ARGSYM_OCT ? "octal" : "hex";
		}
	}
	if (!found)
		return NULL;
	if (id_family && asprintf(&why, "evt.arg.%s shows the name the id has (<NA> when none), as "
				  "Falco does; compare numbers with evt.rawarg.%s", key, key) >= 0)
		return why;
	if (named[0] && asprintf(&why, "evt.arg.%s shows %s as %s; compare numbers with evt.rawarg.%s",
				 key, value, named, key) >= 0)
		return why;
	if (!named_family && base) {
		if (asprintf(&why, "evt.arg.%s shows the number in %s, as Falco does; compare numbers "
			     "with evt.rawarg.%s", key, base, key) < 0)
			return NULL;
	} else if (!named_family) {
		if (asprintf(&why, "evt.arg.%s is a number, shown without a name", key) < 0)
			return NULL;
	} else if (asprintf(&why, "no evt.arg.%s shows '%s' (shrike --list-args lists the names)",
			    key, value) < 0) {
		return NULL;
	}
	return why;
}

/* Does any event have a parameter called key? */
static int param_exists(const char *key)
{
	size_t i, k;

	for (i = 0; i < SHRIKE_N_EVENT_SPECS; i++)
		for (k = 0; k < shrike_event_specs[i].nparams; k++)
			if (!strcmp(shrike_event_specs[i].p[k].name, key))
				return 1;
	return 0;
}

char *fields_check_value(void *ctx, const char *text, const struct rf_ref *ref, const char *op,
			 const char *value, const uint64_t *types)
{
	size_t n;
	const struct field_def *t = fields_table(&n);
	const struct field_def *d;
	char *why = NULL;

	(void)ctx;
	(void)text;
	if (ref->id < 0 || (size_t)ref->id >= n)
		return NULL;
	d = &t[ref->id];
	if (!value) {
		if (d->get == f_unknown)
			return strdup("shrike never fills this field: its value is always unknown "
				      "(<NA>), and no comparison with an unknown value holds");
		if ((d->get == f_evt_arg || d->get == f_evt_rawarg) && ref->key &&
		    !param_exists(ref->key) &&
		    asprintf(&why, "no event has a parameter '%s' (shrike --list-events lists them)",
			     ref->key) >= 0)
			return why;
		return NULL;
	}
	if (d->get != f_evt_arg || !ref->key)
		return NULL;
	return arg_value_check(ref->key, op, value, types);
}
