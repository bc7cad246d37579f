/* SPDX-License-Identifier: GPL-2.0-only */
/* rules_files.h - the configured rules paths as the files to load: a directory becomes its files in order. */
#ifndef SHRIKE_RULES_FILES_H
#define SHRIKE_RULES_FILES_H

#include <stddef.h>

struct rules_files {
	char **v;
	size_t n;
};

/*
 * Each path in turn: a directory (or a link to one) adds the regular files
 * in it, not below it, sorted by name byte by byte; names starting with '.'
 * or ending in '~' are left out (editors' swap, lock and backup files).
 * Anything else is added as it is, so that a missing file is reported by
 * the loader as any rules file is. An empty directory is a warning; one
 * that cannot be read an error. 0, or -1 with a message on stderr.
 */
int rules_files_expand(const char *const *paths, size_t n, struct rules_files *out);
void rules_files_free(struct rules_files *f);

#endif /* SHRIKE_RULES_FILES_H */
