/* SPDX-License-Identifier: GPL-2.0-only */
/* prom.h - writing Prometheus' text exposition format (0.0.4): families, samples, escaped labels. */
#ifndef SHRIKE_PROM_H
#define SHRIKE_PROM_H

#include <stdint.h>
#include <stdio.h>

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* "# HELP name help" and "# TYPE name type" (type: counter, gauge); help is ours, never escaped. */
void prom_family(FILE *f, const char *name, const char *type, const char *help);
/*
 * One sample: name{k1="v1",...} value. @labels is NULL or pairs of key,
 * value ending in NULL; values are escaped as the format asks (backslash,
 * double quote, newline) and made valid UTF-8.
 */
void prom_sample(FILE *f, const char *name, const char *const *labels, double value);
/* The same for a whole number (counters past 2^53 keep every digit). */
void prom_sample_u64(FILE *f, const char *name, const char *const *labels, uint64_t value);
/* A family with one sample and no labels. */
void prom_one(FILE *f, const char *name, const char *type, const char *help, double value);
void prom_one_u64(FILE *f, const char *name, const char *type, const char *help, uint64_t value);

#endif /* SHRIKE_PROM_H */
