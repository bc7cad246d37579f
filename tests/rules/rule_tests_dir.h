/* SPDX-License-Identifier: GPL-2.0-only */
/* rule_tests_dir.h: where the rule engine tests find their cases (tests/rules/), and its entries. */
#ifndef SHRIKE_TEST_RULE_TESTS_DIR_H
#define SHRIKE_TEST_RULE_TESTS_DIR_H

#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The directory named on the command line, in $SHRIKE_RULE_TESTS, ./tests/rules
 * (run from the repository) or ../../tests/rules next to the binary (run from
 * build/tests/), with its entries in name order in *ents (freed by the caller).
 * NULL, with a message, when it cannot be read.
 */
static inline char *rule_tests_dir(int argc, char **argv, struct dirent ***ents, int *n)
{
	char *dir = argc > 1 ? argv[1] : getenv("SHRIKE_RULE_TESTS");

	if (!dir) {
		char *exe = strdup(argv[0]);

		dir = access("tests/rules", R_OK) == 0 ? "tests/rules" : NULL;
		if (!dir && asprintf(&dir, "%s/../../tests/rules", dirname(exe)) < 0)
			dir = NULL;
		free(exe);
		if (!dir)
			return NULL;
	}
	*n = scandir(dir, ents, NULL, alphasort);
	if (*n < 0) {
		fprintf(stderr, "cannot read %s: %s\n", dir, strerror(errno));
		return NULL;
	}
	return dir;
}

#endif /* SHRIKE_TEST_RULE_TESTS_DIR_H */
