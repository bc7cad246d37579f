/* SPDX-License-Identifier: GPL-2.0-only */
/* fixture.h - scratch trees for the unit tests: paths, directories, files, removal. */
#ifndef SHRIKE_TEST_FIXTURE_H
#define SHRIKE_TEST_FIXTURE_H

#include <errno.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* "<dir>/<rel>", to be freed */
static inline char *at(const char *dir, const char *rel)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, rel) > 0);
	return p;
}

/* mkdir -p <dir>/<rel> */
static inline void mkdirs(const char *dir, const char *rel)
{
	char *p = at(dir, rel), *s;

	for (s = p + strlen(dir) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
	free(p);
}

static inline uint64_t ino_of(const char *dir, const char *rel)
{
	char *p = at(dir, rel);
	struct stat st;

	assert_int_equal(stat(p, &st), 0);
	free(p);
	return st.st_ino;
}

/* Write <dir>/<rel> in place (the same inode if it exists). */
static inline void put(const char *dir, const char *rel, const char *text)
{
	char *p = at(dir, rel);
	FILE *fp = fopen(p, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

/* Replace <dir>/<rel> the way usermod does: a new inode renamed over the old. */
static inline void put_replace(const char *dir, const char *rel, const char *text)
{
	char *p = at(dir, rel), *tmp;
	FILE *fp;

	assert_true(asprintf(&tmp, "%s.new", p) > 0);
	fp = fopen(tmp, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(rename(tmp, p), 0);
	free(tmp);
	free(p);
}

static inline int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

/* rm -rf @dir */
static inline int rm_tree(const char *dir)
{
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif /* SHRIKE_TEST_FIXTURE_H */
