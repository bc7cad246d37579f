/* SPDX-License-Identifier: GPL-2.0-only */
/* fields.h - every field shrike knows: name, type, description, extractor. */
#ifndef SHRIKE_FIELDS_H
#define SHRIKE_FIELDS_H

#include "rules/rule_fields.h"
#include "input/event.h"

#define FIELD_F_INDEX	0x1	/* takes [N] */
#define FIELD_F_KEY	0x2	/* takes .KEY or [KEY] */
#define FIELD_F_STREAM	0x4	/* printed in every -A event */
#define FIELD_F_KNOWN	0x8	/* printed in -A events where it is known (fd.*, container.nested) */
#define FIELD_F_TRUE	0x10	/* printed in -A events where it is true (a rare marker) */

struct field_def {
	const char *name;
	enum rf_type type;
	int flags;
	const char *desc;
	void (*get)(const struct sevent *ev, const struct rf_ref *ref, struct rf_value *out);
};

/* The whole table, for --list, -A and the rules engine. */
const struct field_def *fields_table(size_t *n);
/* id of a field by name, or -1. */
int fields_find(const char *name);
void fields_extract(const struct sevent *ev, const struct rf_ref *ref, struct rf_value *out);
/* The operations the rules engine uses to reach the fields. */
extern const struct rule_field_ops fields_rule_ops;

#endif /* SHRIKE_FIELDS_H */
