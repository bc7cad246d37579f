/* SPDX-License-Identifier: GPL-2.0-only */
/* evt_json.c - the JSON event stream: Falco's dotted names, null for unknown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "lib/escape.h"
#include "output/evt_json.h"
#include "fields/argsyms.h"
#include "fields/fields.h"

/* A string as valid UTF-8: names and paths are whatever bytes a process chose. */
static cJSON *string_json(const char *s, size_t n)
{
	cJSON *j;
	char *fixed;

	if (esc_utf8_valid(s, n))
		return cJSON_CreateString(s);
	fixed = malloc(ESC_UTF8_SIZE(n));
	if (!fixed)
		return NULL;
	esc_utf8(fixed, s, n);
	j = cJSON_CreateString(fixed);
	free(fixed);
	return j;
}

/* raw: strings as they are, for print_text to escape; else valid UTF-8 for JSON */
static cJSON *value_json(const struct rf_value *v, int raw)
{
	if (!v->known)
		return cJSON_CreateNull();
	switch (v->type) {
	case RF_STR:
	case RF_IPADDR:
		return raw ? cJSON_CreateString(v->s) : string_json(v->s, strlen(v->s));
	case RF_BOOL:
		return cJSON_CreateBool(v->i != 0);
	case RF_UINT:
	case RF_ABSTIME:
	case RF_RELTIME:
	case RF_PORT:
		return cJSON_CreateNumber((double)v->u);
	case RF_INT:
		return cJSON_CreateNumber((double)v->i);
	}
	return cJSON_CreateNull();
}

/*
 * Every parameter as evt.arg.NAME, as rules see it, except the identity
 * (proc.* and user.* already say it) and the socket tuple (fd.* already say
 * it). A parameter that evt.arg shows as text (O_TRUNC|O_CREAT|O_WRONLY, a
 * user's name, "<f>/etc/passwd") comes with evt.rawarg.NAME too, its number:
 * what a consumer of numbers read before the names, and what the names cannot
 * say (bits Falco has no name for).
 */
static void add_args(cJSON *obj, const struct sevent *ev, int raw)
{
	struct rf_ref ref = { .id = fields_find("evt.arg") }, rref = { .id = fields_find("evt.rawarg") };
	char key[64];
	int i;

	for (i = 0; ev->schema && i < ev->schema->nparams; i++) {
		const struct param_schema *p = &ev->schema->params[i];
		struct rf_value v;

		if (p->kind == SHRIKE_K_CTX || p->kind == SHRIKE_K_TUPLE || !strcmp(p->name, "res"))
			continue;
		ref.index = i;
		fields_extract(ev, &ref, &v);
		snprintf(key, sizeof(key), "evt.arg.%s", p->name);
		cJSON_AddItemToObject(obj, key, value_json(&v, raw));
		if (!argsym_at(ev->type, i) || v.type != RF_STR)
			continue;	/* the number itself */
		rref.index = -1;
		rref.key = p->name;
		fields_extract(ev, &rref, &v);
		snprintf(key, sizeof(key), "evt.rawarg.%s", p->name);
		cJSON_AddItemToObject(obj, key, value_json(&v, raw));
	}
}

/* <NA> for unknown values, as Falco's text output; strings escaped (lib/escape.h) */
static void print_text(FILE *out, cJSON *obj)
{
	cJSON *it;
	int first = 1;

	cJSON_ArrayForEach(it, obj) {
		if (!first)
			fputc(' ', out);
		first = 0;
		if (cJSON_IsNull(it)) {
			fprintf(out, "%s=<NA>", it->string);
		} else if (cJSON_IsString(it)) {
			char *safe = esc_text_dup(it->valuestring, strlen(it->valuestring));

			fprintf(out, "%s=%s", it->string, safe ? safe : "<out of memory>");
			free(safe);
		} else if (cJSON_IsBool(it)) {
			fprintf(out, "%s=%s", it->string, cJSON_IsTrue(it) ? "true" : "false");
		} else {
			fprintf(out, "%s=%.0f", it->string, it->valuedouble);
		}
	}
	fputc('\n', out);
}

int evt_json_print(FILE *out, const struct sevent *ev, int json)
{
	size_t n, i;
	const struct field_def *t = fields_table(&n);
	cJSON *obj = cJSON_CreateObject();
	char *text;

	if (!obj)
		return -1;
	for (i = 0; i < n; i++) {
		struct rf_ref ref = { .id = (int)i, .type = t[i].type, .index = -1 };
		struct rf_value v;

		if (!(t[i].flags & (FIELD_F_STREAM | FIELD_F_KNOWN | FIELD_F_TRUE)))
			continue;
		fields_extract(ev, &ref, &v);
		if (!v.known && !(t[i].flags & FIELD_F_STREAM))
			continue;
		if ((t[i].flags & FIELD_F_TRUE) && !v.i)
			continue;
		cJSON_AddItemToObject(obj, t[i].name, value_json(&v, !json));
	}
	add_args(obj, ev, !json);
	if (!json) {
		print_text(out, obj);
		cJSON_Delete(obj);
		return 0;
	}
	text = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	if (!text)
		return -1;
	fputs(text, out);
	fputc('\n', out);
	free(text);
	return 0;
}
