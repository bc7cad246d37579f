/* SPDX-License-Identifier: GPL-2.0-only */
/* prom.c - writing Prometheus' text exposition format (0.0.4): families, samples, escaped labels. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "lib/escape.h"
#include "web/prom.h"

void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * A label value: rule names are whatever a rules file says (spaces, quotes,
 * backslashes, any UTF-8). The format escapes three characters; a byte that
 * is not UTF-8 becomes U+FFFD first, as the format's values are UTF-8.
 */
static void put_value(FILE *f, const char *v)
{
	size_t n = strlen(v);
	char *u = malloc(ESC_UTF8_SIZE(n));
	const char *p;

	if (u)
		esc_utf8(u, v, n);
	for (p = u ? u : ""; *p; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '"')
			fputs("\\\"", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	free(u);
}

static void put_name(FILE *f, const char *name, const char *const *labels)
{
	size_t i;

	fputs(name, f);
	if (!labels || !labels[0])
		return;
	fputc('{', f);
	for (i = 0; labels[i]; i += 2) {
		fprintf(f, "%s%s=\"", i ? "," : "", labels[i]);
		put_value(f, labels[i + 1] ? labels[i + 1] : "");
		fputc('"', f);
	}
	fputc('}', f);
}

void prom_sample(FILE *f, const char *name, const char *const *labels, double value)
{
	put_name(f, name, labels);
	if (isnan(value))
		fputs(" NaN\n", f);
	else if (isinf(value))
		fputs(value > 0 ? " +Inf\n" : " -Inf\n", f);
	else
		fprintf(f, " %.9g\n", value);
}

void prom_sample_u64(FILE *f, const char *name, const char *const *labels, uint64_t value)
{
	put_name(f, name, labels);
	fprintf(f, " %" PRIu64 "\n", value);
}

void prom_one(FILE *f, const char *name, const char *type, const char *help, double value)
{
	prom_family(f, name, type, help);
	prom_sample(f, name, NULL, value);
}

void prom_one_u64(FILE *f, const char *name, const char *type, const char *help, uint64_t value)
{
	prom_family(f, name, type, help);
	prom_sample_u64(f, name, NULL, value);
}
