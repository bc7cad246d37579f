/* SPDX-License-Identifier: GPL-2.0-only */
/* rules_files.c - rules directories expanded into their files, in lexical order, as Falco does. */
/*
 * Falco loads every regular file of a rules directory, sorted, whatever its
 * name. We do the same but for hidden names and names ending in '~': with
 * watch_config_files an editor's swap file (.x.yaml.swp) or backup
 * (x.yaml~) appears in the directory while the file is being edited, and
 * loading it would make the reload fail, or load the old rules twice.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "lib/log.h"
#include "rules_files.h"

static int add(struct rules_files *f, char *path)
{
	char **v = realloc(f->v, (f->n + 1) * sizeof(*v));

	if (!v) {
		free(path);
		log_error("out of memory");
		return -1;
	}
	f->v = v;
	f->v[f->n++] = path;
	return 0;
}

static int wanted(const struct dirent *e)
{
	size_t len = strlen(e->d_name);

	return e->d_name[0] != '.' && len && e->d_name[len - 1] != '~';
}

/* byte order, not the locale's collation: the same order on every host */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int expand_dir(const char *dir, struct rules_files *f)
{
	struct dirent **ents;
	size_t before = f->n;
	int n, i, ret = 0;

	n = scandir(dir, &ents, wanted, by_name);
	if (n < 0) {
		log_error("cannot read rules directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct stat st;
		char *p = NULL;

		if (!ret && asprintf(&p, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
				     ents[i]->d_name) < 0) {
			log_error("out of memory");
			ret = -1;
		}
		/* stat, not lstat: a link to a file counts, as in Falco */
		if (!ret && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			ret = add(f, p);
			p = NULL;
		}
		free(p);
		free(ents[i]);
	}
	free(ents);
	if (!ret && f->n == before)
		log_warn("rules directory '%s' holds no rules files", dir);
	return ret;
}

int rules_files_expand(const char *const *paths, size_t n, struct rules_files *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		struct stat st;
		char *p;

		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (expand_dir(paths[i], out) < 0)
				goto out_free;
			continue;
		}
		p = strdup(paths[i]);
		if (!p || add(out, p) < 0)
			goto out_free;
	}
	return 0;

out_free:
	rules_files_free(out);
	return -1;
}

void rules_files_free(struct rules_files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	memset(f, 0, sizeof(*f));
}
