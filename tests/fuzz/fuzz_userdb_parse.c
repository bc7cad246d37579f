/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz_userdb_parse.c: libFuzzer target for the passwd and group parsers and lookups */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enrich/userdb.h"

/* A name that came out of a lookup: never empty, never a field or line separator. */
static void check_name(const char *s)
{
	if (!s)
		return;
	assert(*s && *s != '+' && *s != '-' && *s != '#');
	assert(!strchr(s, ':') && !strchr(s, '\n'));
	assert(strlen(s) <= 255);
}

/* Lookups of small ids, of ids that appear in the input, and of the extremes. */
static void probe(const struct userdb *db, const uint8_t *data, size_t size)
{
	struct userdb_user u;
	uint32_t id;
	size_t i;

	for (i = 0; i + 4 <= size && i < 256; i += 4) {
		memcpy(&id, data + i, 4);
		check_name(userdb_user_name(db, id));
		check_name(userdb_group_name(db, id % 2000));
	}
	for (id = 0; id < 64; id++) {
		if (userdb_user_lookup(db, id, &u) == 0) {
			check_name(u.name);
			assert(u.home && u.shell && !strchr(u.home, '\n'));
		}
		check_name(userdb_group_name(db, id));
	}
	assert(!userdb_user_name(db, UINT32_MAX));
	assert(!userdb_group_name(db, UINT32_MAX));
}

static char *dup_input(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);	/* the parser's contract: len + 1 bytes */

	assert(buf);
	memcpy(buf, data, size);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct userdb *db = userdb_new();
	int n;

	assert(db);
	n = userdb_load_passwd(db, dup_input(data, size), size);
	assert(n >= 0 && (size_t)n == userdb_user_count(db));
	n = userdb_load_group(db, dup_input(data, size), size);
	assert(n >= 0 && (size_t)n == userdb_group_count(db));
	probe(db, data, size);
	/* reloading replaces: nothing leaks, nothing dangles */
	userdb_load_passwd(db, dup_input(data, size / 2), size / 2);
	probe(db, data, size);
	userdb_free(db);
	return 0;
}
