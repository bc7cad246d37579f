/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_output.c - rule outputs: pre-parse %field tokens at compile time, render text, build Falco's JSON alert. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rules/rule_int.h"

void rl_output_free(struct rule *r)
{
	free(r->out);
	free(r->out_fields);
	r->out = NULL;
	r->out_fields = NULL;
	r->nout = r->nout_fields = 0;
}

static void add_seg(struct rule *r, size_t *cap, const char *lit, size_t len, uint32_t slot)
{
	if (lit && !len)
		return;
	if (lit && r->nout && r->out[r->nout - 1].lit && r->out[r->nout - 1].lit + r->out[r->nout - 1].len == lit) {
		r->out[r->nout - 1].len += len;	/* extend the previous literal */
		return;
	}
	RX_GROW(r->out, r->nout, *cap);
	r->out[r->nout].lit = lit;
	r->out[r->nout].len = len;
	r->out[r->nout].slot = slot;
	r->nout++;
}

/* Length of the field token at s ("proc.aname[2]"), 0 if none. */
static size_t field_token(const char *s, size_t len)
{
	struct rlex l = { s, len, 0 };
	size_t start, n, i;

	if (!lex_field_name(&l, &start, &n))
		return 0;
	i = n;
	if (i < len && s[i] == '[') {
		const char *close = memchr(s + i, ']', len - i);

		if (close)
			i = (size_t)(close - s) + 1;
	}
	return i;
}

/*
 * Split the output into literals and fields: %field, %field[arg], %(field);
 * "%%" is a percent sign and a '%' before anything else stays as it is. A
 * leading '*' (Falco's "print every field") is dropped.
 */
int rl_output_compile(struct rule_engine *e, struct rule *r, struct rerr *err, char **unknown)
{
	const char *s = r->output.s;
	size_t len = r->output.len, i = 0, lit = 0, cap = 0, fcap = 0, k, tok;

	rl_output_free(r);
	if (len && s[0] == '*')
		i = lit = 1;
	while (i < len) {
		struct rfield f;
		const char *fs;
		size_t flen;
		int slot;

		if (s[i] != '%') {
			i++;
			continue;
		}
		if (i + 1 < len && s[i + 1] == '%') {
			add_seg(r, &cap, s + lit, i + 1 - lit, 0);
			i += 2;
			lit = i;
			continue;
		}
		if (i + 1 < len && s[i + 1] == '(') {
			const char *close = memchr(s + i + 2, ')', len - i - 2);

			if (!close) {
				rerr_set(err, rtext_pos(&r->output, i), "unterminated '%%(' in output");
				return -1;
			}
			fs = s + i + 2;
			flen = (size_t)(close - fs);
			tok = flen + 3;
		} else {
			fs = s + i + 1;
			flen = tok = field_token(fs, len - i - 1);
			if (!flen) {
				i++;
				continue;
			}
			tok++;
		}
		if (rule_parse_field(fs, flen, rtext_pos(&r->output, i + 1), &f, err))
			return -1;
		slot = rl_slot_resolve(e, &f, err);
		if (slot == -1)
			*unknown = rfield_text(&f);
		rfield_free(&f);
		if (slot < 0)
			return -1;
		add_seg(r, &cap, s + lit, i - lit, 0);
		add_seg(r, &cap, NULL, 0, (uint32_t)slot);
		for (k = 0; k < r->nout_fields && r->out_fields[k] != (uint32_t)slot; k++)
			;
		if (k == r->nout_fields) {
			RX_GROW(r->out_fields, r->nout_fields, fcap);
			r->out_fields[r->nout_fields++] = (uint32_t)slot;
		}
		i += tok;
		lit = i;
	}
	add_seg(r, &cap, s + lit, len - lit, 0);
	return 0;
}

static void fetch(struct rule_engine *e, uint32_t slot, const void *event, struct rf_value *v)
{
	/* rendered at once: the shared number buffer is enough */
	rule_extract(e, event, &e->slots[slot].ref, v, e->numtmp);
}

static void fmt_value(struct strbuf *b, enum rf_type t, const struct rf_value *v)
{
	if (!v->known) {
		sb_adds(b, "<NA>");
		return;
	}
	switch (t) {
	case RF_STR:
	case RF_IPADDR:
		sb_add(b, v->s, v->slen);
		break;
	case RF_INT:
	case RF_RELTIME:
		sb_printf(b, "%" PRId64, v->i);
		break;
	case RF_BOOL:
		sb_adds(b, (v->i || v->u) ? "true" : "false");
		break;
	default:
		sb_printf(b, "%" PRIu64, v->u);
		break;
	}
}

static void render(struct rule_engine *e, const struct rule *r, const void *event, struct strbuf *b)
{
	size_t i;

	for (i = 0; i < r->nout; i++) {
		const struct rout_seg *sg = &r->out[i];
		struct rf_value v;

		if (sg->lit) {
			sb_add(b, sg->lit, sg->len);
			continue;
		}
		fetch(e, sg->slot, event, &v);
		fmt_value(b, e->slots[sg->slot].ref.type, &v);
	}
}

char *rule_render_output(struct rule_engine *e, const struct rule *r, const void *event, size_t *len)
{
	struct strbuf b = { 0 };

	if (r->compiled)
		render(e, r, event, &b);
	return sb_detach(&b, len);
}

/* Integers beyond 2^53 do not survive a double: print them exactly. */
static cJSON *json_int(int neg, uint64_t mag)
{
	char buf[32];

	if (mag <= (1ULL << 53))
		return cJSON_CreateNumber(neg ? -(double)mag : (double)mag);
	if (snprintf(buf, sizeof(buf), "%s%" PRIu64, neg ? "-" : "", mag) >= (int)sizeof(buf))
		return cJSON_CreateNull();
	return cJSON_CreateRaw(buf);
}

static cJSON *json_string(const char *s, size_t len)
{
	struct strbuf b = { 0 };
	cJSON *j;

	sb_add_utf8(&b, s ? s : "", s ? len : 0);
	j = cJSON_CreateString(b.s ? b.s : "");
	sb_free(&b);
	return j;
}

static cJSON *json_value(enum rf_type t, const struct rf_value *v)
{
	if (!v->known)
		return cJSON_CreateNull();
	switch (t) {
	case RF_STR:
	case RF_IPADDR:
		return json_string(v->s, v->slen);
	case RF_INT:
	case RF_RELTIME:
		return json_int(v->i < 0, v->i < 0 ? (uint64_t)0 - (uint64_t)v->i : (uint64_t)v->i);
	case RF_BOOL:
		return cJSON_CreateBool(v->i || v->u);
	default:
		return json_int(0, v->u);
	}
}

static void add_item(cJSON *obj, const char *key, cJSON *v)
{
	if (!v)
		abort();	/* cJSON allocation failed: out of memory */
	cJSON_AddItemToObject(obj, key, v);
}

static int slot_cmp(const void *a, const void *b, void *arg)
{
	const struct rule_engine *e = arg;

	return strcmp(e->slots[*(const uint32_t *)a].text, e->slots[*(const uint32_t *)b].text);
}

/* "2026-11-28T10:00:00.123456789Z"; local "10:00:00.123456789" for the output prefix. */
static void fmt_time(struct strbuf *b, uint64_t ns, int local)
{
	time_t sec = (time_t)(ns / 1000000000ULL);
	char buf[64];
	struct tm tm;
	size_t n;

	if (local)
		localtime_r(&sec, &tm);
	else
		gmtime_r(&sec, &tm);
	n = strftime(buf, sizeof(buf), local ? "%H:%M:%S" : "%Y-%m-%dT%H:%M:%S", &tm);
	sb_add(b, buf, n);
	sb_printf(b, ".%09" PRIu64 "%s", (uint64_t)(ns % 1000000000ULL), local ? "" : "Z");
}

struct cJSON *rule_alert_json(struct rule_engine *e, const struct rule *r, const void *event,
			      uint64_t time_ns, const char *hostname)
{
	cJSON *obj = cJSON_CreateObject(), *fields = cJSON_CreateObject(), *tags = cJSON_CreateArray();
	struct strbuf b = { 0 };
	uint32_t *order;
	int has_time = 0;
	size_t i;

	if (!obj || !fields || !tags)
		abort();
	/* keys in alphabetical order, as Falco's JSON library prints them */
	add_item(obj, "hostname", json_string(hostname ? hostname : "", hostname ? strlen(hostname) : 0));
	fmt_time(&b, time_ns, 1);
	sb_printf(&b, ": %s ", rule_priority_name(r->prio));
	if (r->compiled)
		render(e, r, event, &b);
	add_item(obj, "output", json_string(b.s, b.len));
	sb_free(&b);
	order = rx_calloc(r->nout_fields + 1, sizeof(*order));
	if (r->nout_fields) {
		memcpy(order, r->out_fields, r->nout_fields * sizeof(*order));
		qsort_r(order, r->nout_fields, sizeof(*order), slot_cmp, e);
	}
	for (i = 0; i < r->nout_fields; i++) {
		const struct rslot *s = &e->slots[order[i]];
		struct rf_value v;

		if (!has_time && strcmp(s->text, "evt.time") > 0) {
			add_item(fields, "evt.time", json_int(0, time_ns));
			has_time = 1;
		}
		has_time |= !strcmp(s->text, "evt.time");
		fetch(e, order[i], event, &v);
		add_item(fields, s->text, json_value(s->ref.type, &v));
	}
	if (!has_time)
		add_item(fields, "evt.time", json_int(0, time_ns));
	free(order);
	add_item(obj, "output_fields", fields);
	add_item(obj, "priority", cJSON_CreateString(rule_priority_name(r->prio)));
	add_item(obj, "rule", json_string(r->name, strlen(r->name)));
	add_item(obj, "source", json_string(r->source, strlen(r->source)));
	for (i = 0; i < r->ntags; i++)
		cJSON_AddItemToArray(tags, json_string(r->tags[i], strlen(r->tags[i])));
	add_item(obj, "tags", tags);
	fmt_time(&b, time_ns, 0);
	add_item(obj, "time", cJSON_CreateString(b.s));
	sb_free(&b);
	return obj;
}

char *rule_alert_json_string(struct rule_engine *e, const struct rule *r, const void *event,
			     uint64_t time_ns, const char *hostname)
{
	cJSON *j = rule_alert_json(e, r, event, time_ns, hostname);
	char *s = cJSON_PrintUnformatted(j);

	cJSON_Delete(j);
	if (!s)
		abort();
	return s;
}
