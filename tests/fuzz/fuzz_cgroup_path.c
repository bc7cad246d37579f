/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz_cgroup_path.c: libFuzzer target for cgroup path and /proc/<pid>/cgroup parsing */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "enrich/cgroup_path.h"

/* Whatever the input, the identity must be well formed and point inside it. */
static void check(const struct cgroup_path_id *id, const char *in, size_t len, int lines)
{
	char *copy;

	if (id->type == CONTAINER_HOST) {
		assert(id->name_len == 4 && memcmp(id->name, "host", 4) == 0);
		assert(id->depth == 0);
	} else {
		assert(id->type == CONTAINER_LXC);
		assert(id->depth > 0);
		assert(id->name_len > 0);
		assert(id->name >= in && id->name + id->name_len <= in + len);
		assert(!memchr(id->name, '/', id->name_len));
		/* a single path may hold a newline; a line of the file cannot */
		assert(!lines || !memchr(id->name, '\n', id->name_len));
	}
	/* exactly enough room, so ASan sees any overrun; one less must fail */
	copy = malloc(id->name_len + 1);
	assert(copy);
	assert(cgroup_path_name_copy(id, copy, id->name_len + 1) == (int)id->name_len);
	assert(copy[id->name_len] == '\0');
	assert(cgroup_path_name_copy(id, copy, id->name_len) < 0 && copy[0] == '\0');
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size heap copy: reading one byte past the input is caught */
	char *in = malloc(size ? size : 1);
	struct cgroup_path_id id;

	assert(in);
	memcpy(in, data, size);
	cgroup_path_parse(in, size, &id);
	check(&id, in, size, 0);
	assert(!id.ambiguous);
	cgroup_path_parse_proc(in, size, &id);
	check(&id, in, size, 1);
	free(in);
	return 0;
}
