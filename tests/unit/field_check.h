/* SPDX-License-Identifier: GPL-2.0-only */
/* field_check.h - a string field of an event, as the rules engine would read it. */
#ifndef SHRIKE_TEST_FIELD_CHECK_H
#define SHRIKE_TEST_FIELD_CHECK_H

#include <string.h>
#include "fields/fields.h"

/* Field @name of @ev is the string @want, or unknown when @want is NULL. */
static inline void field(const struct sevent *ev, const char *name, const char *want)
{
	struct rf_ref ref = { .id = fields_find(name), .index = -1 };
	struct rf_value v;

	assert_true(ref.id >= 0);
	fields_extract(ev, &ref, &v);
	if (!want) {
		assert_int_equal(v.known, 0);
		return;
	}
	assert_int_equal(v.known, 1);
	assert_int_equal(v.type, RF_STR);
	assert_string_equal(v.s, want);
	assert_int_equal(v.slen, strlen(want));
}

#endif /* SHRIKE_TEST_FIELD_CHECK_H */
