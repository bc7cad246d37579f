/* SPDX-License-Identifier: GPL-2.0-only */
/* fake_fields.h: the fake daemon of the rule engine tests: fields over an event that is a table of field=value strings. */
#ifndef SHRIKE_TEST_FAKE_FIELDS_H
#define SHRIKE_TEST_FAKE_FIELDS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rules/rule_engine.h"

enum { FF_INDEX = 1, FF_KEY = 2, FF_MULTI = 4, FF_VOLATILE = 8 };

static const struct {
	const char *name;
	enum rf_type type;
	int flags;
} ftab[] = {
	{ "evt.type", RF_STR, 0 }, { "evt.num", RF_UINT, 0 }, { "evt.res", RF_STR, 0 },
	{ "evt.rawres", RF_INT, 0 }, { "evt.is_open_read", RF_BOOL, 0 }, { "evt.buffer", RF_STR, 0 },
	{ "evt.rawtime", RF_ABSTIME, 0 }, { "evt.time", RF_STR, 0 }, { "proc.name", RF_STR, 0 },
	{ "proc.pname", RF_STR, 0 }, { "proc.exe", RF_STR, 0 }, { "proc.exepath", RF_STR, 0 },
	{ "proc.cmdline", RF_STR, 0 }, { "proc.args", RF_STR, 0 }, { "proc.pid", RF_INT, 0 },
	{ "proc.duration", RF_RELTIME, 0 }, { "proc.tty", RF_UINT, 0 },
	{ "proc.aname", RF_STR, FF_INDEX | FF_MULTI }, { "user.name", RF_STR, 0 },
	{ "user.uid", RF_INT, 0 }, { "user.loginuid", RF_INT, 0 }, { "fd.name", RF_STR, 0 },
	{ "fd.directory", RF_STR, 0 }, { "fd.filename", RF_STR, 0 }, { "fd.num", RF_INT, 0 },
	{ "fd.typechar", RF_STR, 0 }, { "fd.ip", RF_IPADDR, 0 }, { "fd.net", RF_IPADDR, 0 },
	{ "fd.sport", RF_PORT, 0 }, { "fd.l4proto", RF_STR, 0 }, { "container.id", RF_STR, 0 },
	{ "container.privileged", RF_BOOL, 0 }, { "evt.arg", RF_STR, FF_INDEX | FF_KEY },
	{ "proc.cwd", RF_STR, FF_VOLATILE },
};

static const char *const evtypes[] = { "execve", "execveat", "open", "openat", "openat2", "connect",
				       "ptrace", "socket", "symlink", "unlink", "setuid", NULL };

#define MAXKV 64

struct fevent {
	char *k[MAXKV], *v[MAXKV];
	size_t vlen[MAXKV];
	int n;
};

static unsigned long extract_calls;

static inline int f_resolve(void *ctx, const char *name, const char *arg, struct rf_ref *ref)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < sizeof(ftab) / sizeof(ftab[0]); i++) {
		if (strcmp(ftab[i].name, name))
			continue;
		if (arg && !(ftab[i].flags & (FF_INDEX | FF_KEY)))
			return -2;
		if (arg && ref->index < 0 && !(ftab[i].flags & FF_KEY))
			return -2;
		ref->id = (int)i;
		ref->type = ftab[i].type;
		if (ftab[i].flags & FF_VOLATILE)
			ref->flags |= RF_FLAG_VOLATILE;
		if ((ftab[i].flags & FF_MULTI) && !arg) {
			ref->flags |= RF_FLAG_MULTI;
			ref->index = 1;	/* any ancestor: parent first */
		}
		return 0;
	}
	return -1;
}

static inline const char *fe_get(const struct fevent *ev, const char *key, size_t *len)
{
	int i;

	for (i = 0; i < ev->n; i++) {
		if (!strcmp(ev->k[i], key)) {
			*len = ev->vlen[i];
			return ev->v[i];
		}
	}
	return NULL;
}

static inline void f_extract(void *ctx, const void *event, const struct rf_ref *ref, struct rf_value *out)
{
	const struct fevent *ev = event;
	const char *name = ftab[ref->id].name, *v;
	char key[256];
	size_t len;

	(void)ctx;
	extract_calls++;
	if (ref->index >= 0)
		snprintf(key, sizeof(key), "%s[%d]", name, ref->index);
	else if (ref->key)
		snprintf(key, sizeof(key), "%s.%s", name, ref->key);
	else
		snprintf(key, sizeof(key), "%s", name);
	v = fe_get(ev, key, &len);
	if (!v)
		return;		/* out is zeroed: known = 0 */
	out->known = 1;
	out->type = ref->type;
	switch (ref->type) {
	case RF_STR:
	case RF_IPADDR:
		out->s = v;
		out->slen = len;
		break;
	case RF_INT:
	case RF_RELTIME:
		out->i = strtoll(v, NULL, 0);
		break;
	case RF_BOOL:
		out->i = !strcmp(v, "true");
		break;
	default:
		out->u = strtoull(v, NULL, 0);
		break;
	}
}

static inline int f_evt_type_id(void *ctx, const char *name)
{
	int i;

	(void)ctx;
	for (i = 0; evtypes[i]; i++)
		if (!strcmp(evtypes[i], name))
			return i;
	return -1;
}

static inline int f_event_type(void *ctx, const void *event)
{
	size_t len;
	const char *t = fe_get(event, "evt.type", &len);

	return t ? f_evt_type_id(ctx, t) : -1;
}

static const struct rule_field_ops fake_ops = {
	.resolve = f_resolve, .extract = f_extract, .evt_type_id = f_evt_type_id, .event_type = f_event_type,
};

static inline void fe_free(struct fevent *ev)
{
	int i;

	for (i = 0; i < ev->n; i++) {
		free(ev->k[i]);
		free(ev->v[i]);
	}
	ev->n = 0;
}

/* "k=v k=\"v w\" ..." or "-"; 0 or -1. Quoted values know \" \\ \t \n \xHH. */
static inline int fe_parse(const char *s, struct fevent *ev)
{
	memset(ev, 0, sizeof(*ev));
	while (*s == ' ' || *s == '\t')
		s++;
	if (!strcmp(s, "-"))
		return 0;
	while (*s) {
		const char *eq = strchr(s, '=');
		char *val = calloc(1, strlen(s) + 1);
		size_t n = 0;

		if (!eq || ev->n == MAXKV) {
			free(val);
			return -1;
		}
		ev->k[ev->n] = strndup(s, (size_t)(eq - s));
		s = eq + 1;
		if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s != '\\') {
					val[n++] = *s;
					continue;
				}
				s++;
				if (*s == 't')
					val[n++] = '\t';
				else if (*s == 'n')
					val[n++] = '\n';
				else if (*s == 'x' && s[1] && s[2]) {
					char h[3] = { s[1], s[2], 0 };

					val[n++] = (char)strtoul(h, NULL, 16);
					s += 2;
				} else if (*s)
					val[n++] = *s;
				else
					break;
			}
			if (*s != '"') {
				free(val);
				return -1;
			}
			s++;
		} else {
			while (*s && *s != ' ' && *s != '\t')
				val[n++] = *s++;
		}
		ev->v[ev->n] = val;
		ev->vlen[ev->n] = n;
		ev->n++;
		while (*s == ' ' || *s == '\t')
			s++;
	}
	return 0;
}

/* ---- shared helpers ---- */

static inline char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

struct matches {
	char buf[4096];
};

static inline void on_match(void *arg, const struct rule *r, const void *event)
{
	struct matches *m = arg;
	size_t len = strlen(m->buf);

	(void)event;
	snprintf(m->buf + len, sizeof(m->buf) - len, "%s%s", len ? "; " : "", rule_name(r));
}

/* Does some diagnostic match level, optional line:col and substring? */
static inline int diag_has(const struct rule_diag *d, int is_error, const char *file, unsigned line,
		    unsigned col, const char *text)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct rule_diag_msg *m = &d->msgs[i];

		if (m->is_error != is_error || !strstr(m->text, text))
			continue;
		if (file && !strstr(m->file, file))
			continue;
		if (line && (m->line != line || m->col != col))
			continue;
		return 1;
	}
	return 0;
}

static inline char *diag_text(const struct rule_diag *d)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < d->n; i++)
		len += strlen(d->msgs[i].text) + 3;
	s = calloc(1, len);
	for (i = 0; i < d->n; i++) {
		strcat(s, "\n  ");
		strcat(s, d->msgs[i].text);
	}
	return s;
}

/* "L:C: text" -> line, col, text (line 0 when absent) */
static inline const char *split_pos(const char *s, unsigned *line, unsigned *col)
{
	unsigned l, c;
	int n = 0;

	while (*s == ' ')
		s++;
	if (sscanf(s, "%u:%u:%n", &l, &c, &n) == 2 && n > 0) {
		*line = l;
		*col = c;
		s += n;
		while (*s == ' ')
			s++;
		return s;
	}
	*line = *col = 0;
	return s;
}

#endif /* SHRIKE_TEST_FAKE_FIELDS_H */
