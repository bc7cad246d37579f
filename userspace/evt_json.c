/* evt_json.c - the JSON event stream: Falco's dotted names, null for unknown. */
#include <stdlib.h>
#include <cjson/cJSON.h>
#include "evt_json.h"
#include "fields.h"

static cJSON *value_json(const struct rf_value *v)
{
	if (!v->known)
		return cJSON_CreateNull();
	switch (v->type) {
	case RF_STR:
	case RF_IPADDR:
		return cJSON_CreateString(v->s);
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

int evt_json_print(FILE *out, const struct sevent *ev)
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

		if (!(t[i].flags & FIELD_F_STREAM))
			continue;
		fields_extract(ev, &ref, &v);
		cJSON_AddItemToObject(obj, t[i].name, value_json(&v));
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
