/* SPDX-License-Identifier: GPL-2.0-only */
/* test_cgroupfs.c: cgroup id → path, on fake mount tables over real directories, and cgroupfs */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"

#include "enrich/cgroupfs.h"

/* ---- a fake host: directory trees standing in for cgroup mounts -------- */

struct fake {
	char *dir;		/* everything lives below */
	char *mountinfo;
	char *cgroups;
	uint64_t now;
};

static uint64_t fake_now(void *arg)
{
	return ((struct fake *)arg)->now;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A mountinfo line for a mount of @fstype at <dir>/@mnt with @root and @superopts. */
static char *mi_line(const struct fake *f, int id, const char *root, const char *mnt,
		     const char *fstype, const char *superopts)
{
	char *l;

	assert_true(asprintf(&l, "%d 1 0:%d %s %s/%s rw,nosuid shared:%d - %s %s %s\n", id, id,
			     root, f->dir, mnt, id, fstype, fstype, superopts) > 0);
	return l;
}

static void fake_init(struct fake *f)
{
	char tmpl[] = "/tmp/shrike-cgfs-XXXXXX";

	memset(f, 0, sizeof(*f));
	assert_non_null(mkdtemp(tmpl));
	f->dir = strdup(tmpl);
	f->mountinfo = at(f->dir, "mountinfo");
	f->cgroups = at(f->dir, "cgroups");
	f->now = 1000000;
	write_file(f->cgroups, "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
			       "cpuset\t0\t1\t1\n"
			       "cpu\t3\t1\t1\n"
			       "cpuacct\t3\t1\t1\n"
			       "memory\t0\t1\t1\n"
			       "pids\t8\t1\t1\n");
}

static void fake_fini(struct fake *f)
{
	rm_tree(f->dir);
	free(f->dir);
	free(f->mountinfo);
	free(f->cgroups);
}

/* The usual host: unified at u/, pids (8) at p/, cpu,cpuacct (3) at c/, name=systemd at s/. */
static void fake_host(struct fake *f)
{
	char *l[6], *text;

	mkdirs(f->dir, "u/init.scope");
	mkdirs(f->dir, "u/lxc.payload.web1/.lxc");
	mkdirs(f->dir, "u/lxc.monitor.web1");
	mkdirs(f->dir, "u/user.slice/user-1000.slice/session-1.scope");
	mkdirs(f->dir, "p/lxc/old1/.lxc");
	mkdirs(f->dir, "c/lxc.payload.web1");
	mkdirs(f->dir, "s/lxc.payload.web1");
	mkdirs(f->dir, "other");
	l[0] = mi_line(f, 30, "/", "other", "tmpfs", "rw,mode=755");
	l[1] = mi_line(f, 31, "/", "s", "cgroup", "rw,xattr,name=systemd");
	l[2] = mi_line(f, 32, "/", "c", "cgroup", "rw,cpu,cpuacct");
	l[3] = mi_line(f, 33, "/", "p", "cgroup", "rw,pids");
	l[4] = mi_line(f, 34, "/", "u", "cgroup2", "rw,nsdelegate");
	l[5] = NULL;
	assert_true(asprintf(&text, "%s%s%s%s%s", l[0], l[1], l[2], l[3], l[4]) > 0);
	write_file(f->mountinfo, text);
	free(text);
	for (int i = 0; l[i]; i++)
		free(l[i]);
}

static struct cgroupfs *fake_cgroupfs(struct fake *f, unsigned int max_entries)
{
	struct cgroupfs_config cfg = {
		.mountinfo = f->mountinfo,
		.cgroups = f->cgroups,
		.max_entries = max_entries,
		.negative_ms = 2000,
		.flags = CGROUPFS_NO_HANDLE,
		.now_ms = fake_now,
		.arg = f,
	};
	struct cgroupfs *cg = cgroupfs_new(&cfg);

	assert_non_null(cg);
	return cg;
}

static void assert_path(struct cgroupfs *cg, unsigned int hier, uint64_t id, const char *want)
{
	const char *path = NULL;
	int n = cgroupfs_path(cg, hier, id, &path);

	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(path, want);
}

/* ---- the mount table ------------------------------------------------------ */

static void test_mounts(void **state)
{
	struct fake f;
	struct cgroupfs *cg;
	char *want;

	(void)state;
	fake_init(&f);
	fake_host(&f);
	cg = fake_cgroupfs(&f, 0);
	want = at(f.dir, "u");
	assert_string_equal(cgroupfs_mount_point(cg, CGROUPFS_V2), want);
	free(want);
	want = at(f.dir, "p");
	assert_string_equal(cgroupfs_mount_point(cg, 8), want);
	free(want);
	want = at(f.dir, "c");
	assert_string_equal(cgroupfs_mount_point(cg, 3), want);
	free(want);
	/* name=systemd has no hierarchy id in /proc/cgroups; 1 is nobody's */
	assert_null(cgroupfs_mount_point(cg, 1));
	assert_null(cgroupfs_mount_point(cg, 9));
	cgroupfs_free(cg);
	fake_fini(&f);
}

static void test_resolve_v2(void **state)
{
	struct fake f;
	struct cgroupfs *cg;

	(void)state;
	fake_init(&f);
	fake_host(&f);
	cg = fake_cgroupfs(&f, 0);
	assert_path(cg, CGROUPFS_V2, ino_of(f.dir, "u"), "/");
	assert_path(cg, CGROUPFS_V2, ino_of(f.dir, "u/init.scope"), "/init.scope");
	assert_path(cg, CGROUPFS_V2, ino_of(f.dir, "u/lxc.payload.web1"), "/lxc.payload.web1");
	assert_path(cg, CGROUPFS_V2, ino_of(f.dir, "u/lxc.payload.web1/.lxc"),
		    "/lxc.payload.web1/.lxc");
	assert_path(cg, CGROUPFS_V2, ino_of(f.dir, "u/lxc.monitor.web1"), "/lxc.monitor.web1");
	assert_path(cg, CGROUPFS_V2, ino_of(f.dir, "u/user.slice/user-1000.slice/session-1.scope"),
		    "/user.slice/user-1000.slice/session-1.scope");
	cgroupfs_free(cg);
	fake_fini(&f);
}

static void test_resolve_v1(void **state)
{
	struct fake f;
	struct cgroupfs *cg;
	const char *path;

	(void)state;
	fake_init(&f);
	fake_host(&f);
	cg = fake_cgroupfs(&f, 0);
	assert_path(cg, 8, ino_of(f.dir, "p/lxc/old1/.lxc"), "/lxc/old1/.lxc");
	assert_path(cg, 8, ino_of(f.dir, "p/lxc/old1"), "/lxc/old1");
	assert_path(cg, 3, ino_of(f.dir, "c/lxc.payload.web1"), "/lxc.payload.web1");
	/* an id of another hierarchy's tree is not in this one */
	assert_int_equal(cgroupfs_path(cg, 8, ino_of(f.dir, "c/lxc.payload.web1"), &path), -ENOENT);
	/* not mounted at all */
	assert_int_equal(cgroupfs_path(cg, 5, ino_of(f.dir, "p/lxc/old1"), &path), -ENODEV);
	cgroupfs_free(cg);
	fake_fini(&f);
}

/* A mount of a subtree (4th mountinfo field): paths start at the hierarchy's root all the same. */
static void test_mount_root_prefix(void **state)
{
	struct fake f;
	struct cgroupfs *cg;
	char *l1, *l2, *text;

	(void)state;
	fake_init(&f);
	mkdirs(f.dir, "sub/.lxc");
	mkdirs(f.dir, "my mnt/x");
	l1 = mi_line(&f, 40, "/lxc.payload.c1", "sub", "cgroup2", "rw");
	/* a space in the mount point is "\040" in mountinfo */
	l2 = mi_line(&f, 41, "/lxc/c2", "my\\040mnt", "cgroup", "rw,pids");
	assert_true(asprintf(&text, "%s%s", l1, l2) > 0);
	write_file(f.mountinfo, text);
	cg = fake_cgroupfs(&f, 0);
	assert_path(cg, CGROUPFS_V2, ino_of(f.dir, "sub/.lxc"), "/lxc.payload.c1/.lxc");
	assert_path(cg, CGROUPFS_V2, ino_of(f.dir, "sub"), "/lxc.payload.c1");
	assert_path(cg, 8, ino_of(f.dir, "my mnt/x"), "/lxc/c2/x");
	cgroupfs_free(cg);
	free(l1);
	free(l2);
	free(text);
	fake_fini(&f);
}

/* Several mounts of one hierarchy: the one of the whole tree wins, wherever it is listed. */
static void test_prefer_whole_mount(void **state)
{
	struct fake f;
	struct cgroupfs *cg;
	char *l1, *l2, *l3, *text, *want;

	(void)state;
	fake_init(&f);
	mkdirs(f.dir, "part/a");
	mkdirs(f.dir, "whole/lxc.payload.x/a");
	l1 = mi_line(&f, 50, "/lxc.payload.x", "part", "cgroup2", "rw");
	/* cannot be opened: skipped */
	l2 = mi_line(&f, 51, "/", "missing", "cgroup2", "rw");
	l3 = mi_line(&f, 52, "/", "whole", "cgroup2", "rw");
	assert_true(asprintf(&text, "garbage line\n\n%s%s%s1 2 3\n", l1, l2, l3) > 0);
	write_file(f.mountinfo, text);
	cg = fake_cgroupfs(&f, 0);
	want = at(f.dir, "whole");
	assert_string_equal(cgroupfs_mount_point(cg, CGROUPFS_V2), want);
	assert_path(cg, CGROUPFS_V2, ino_of(f.dir, "whole/lxc.payload.x/a"), "/lxc.payload.x/a");
	cgroupfs_free(cg);
	free(want);
	free(l1);
	free(l2);
	free(l3);
	free(text);
	fake_fini(&f);
}

/* ---- the cache -------------------------------------------------------------- */

/* A hit is not looked up again: a rename after the first lookup does not show. */
static void test_cache_hit(void **state)
{
	struct fake f;
	struct cgroupfs *cg;
	uint64_t id;
	char *from, *to;

	(void)state;
	fake_init(&f);
	fake_host(&f);
	cg = fake_cgroupfs(&f, 0);
	id = ino_of(f.dir, "u/init.scope");
	assert_path(cg, CGROUPFS_V2, id, "/init.scope");
	from = at(f.dir, "u/init.scope");
	to = at(f.dir, "u/renamed.scope");
	assert_int_equal(rename(from, to), 0);
	f.now += 3600 * 1000;
	assert_path(cg, CGROUPFS_V2, id, "/init.scope");
	free(from);
	free(to);
	cgroupfs_free(cg);
	fake_fini(&f);
}

/* A miss stays a miss for negative_ms, then is looked for again. */
static void test_cache_negative(void **state)
{
	struct fake f;
	struct cgroupfs *cg;
	const char *path;
	uint64_t id;
	char *from, *to;

	(void)state;
	fake_init(&f);
	fake_host(&f);
	cg = fake_cgroupfs(&f, 0);
	/* a directory outside the tree: its inode is not a cgroup of u/ */
	id = ino_of(f.dir, "other");
	assert_int_equal(cgroupfs_path(cg, CGROUPFS_V2, id, &path), -ENOENT);
	from = at(f.dir, "other");
	to = at(f.dir, "u/lxc.payload.late");
	assert_int_equal(rename(from, to), 0);	/* same inode, now in the tree */
	f.now += 1999;
	assert_int_equal(cgroupfs_path(cg, CGROUPFS_V2, id, &path), -ENOENT);
	f.now += 1;
	assert_path(cg, CGROUPFS_V2, id, "/lxc.payload.late");
	/* a clock that jumps back does not keep a miss forever */
	free(from);
	free(to);
	mkdirs(f.dir, "other2");
	id = ino_of(f.dir, "other2");
	assert_int_equal(cgroupfs_path(cg, CGROUPFS_V2, id, &path), -ENOENT);
	from = at(f.dir, "other2");
	to = at(f.dir, "u/lxc.payload.late2");
	assert_int_equal(rename(from, to), 0);
	f.now -= 100000;
	assert_path(cg, CGROUPFS_V2, id, "/lxc.payload.late2");
	free(from);
	free(to);
	cgroupfs_free(cg);
	fake_fini(&f);
}

/* The cache holds max_entries; the least recently used answer goes first. */
static void test_cache_bound(void **state)
{
	struct fake f;
	struct cgroupfs *cg;
	uint64_t a, b, c;
	char *from, *to;

	(void)state;
	fake_init(&f);
	fake_host(&f);
	cg = fake_cgroupfs(&f, 2);
	a = ino_of(f.dir, "u/init.scope");
	b = ino_of(f.dir, "u/lxc.monitor.web1");
	c = ino_of(f.dir, "u/lxc.payload.web1");
	assert_path(cg, CGROUPFS_V2, a, "/init.scope");
	assert_path(cg, CGROUPFS_V2, b, "/lxc.monitor.web1");
	assert_path(cg, CGROUPFS_V2, a, "/init.scope");		/* a is recent now */
	assert_path(cg, CGROUPFS_V2, c, "/lxc.payload.web1");	/* b goes */
	from = at(f.dir, "u/lxc.monitor.web1");
	to = at(f.dir, "u/lxc.monitor.web2");
	assert_int_equal(rename(from, to), 0);
	free(from);
	free(to);
	from = at(f.dir, "u/init.scope");
	to = at(f.dir, "u/init2.scope");
	assert_int_equal(rename(from, to), 0);
	assert_path(cg, CGROUPFS_V2, b, "/lxc.monitor.web2");	/* looked up again */
	assert_path(cg, CGROUPFS_V2, c, "/lxc.payload.web1");	/* still there */
	assert_path(cg, CGROUPFS_V2, a, "/init2.scope");		/* went when b came back */
	free(from);
	free(to);
	cgroupfs_free(cg);
	fake_fini(&f);
}

/* A hierarchy mounted after start is found once the mount table is read again. */
static void test_remount(void **state)
{
	struct fake f;
	struct cgroupfs *cg;
	const char *path;
	uint64_t id;

	(void)state;
	fake_init(&f);
	mkdirs(f.dir, "u/x");
	write_file(f.mountinfo, "");
	cg = fake_cgroupfs(&f, 0);
	id = ino_of(f.dir, "u/x");
	assert_null(cgroupfs_mount_point(cg, CGROUPFS_V2));
	assert_int_equal(cgroupfs_path(cg, CGROUPFS_V2, id, &path), -ENODEV);
	fake_host(&f);
	f.now += CGROUPFS_REMOUNT_MS - 1;
	assert_int_equal(cgroupfs_path(cg, CGROUPFS_V2, id, &path), -ENODEV);
	f.now += 1;
	assert_path(cg, CGROUPFS_V2, id, "/x");
	cgroupfs_free(cg);
	fake_fini(&f);
}

/* No mount table at all: nothing resolves, nothing breaks. */
static void test_no_files(void **state)
{
	struct cgroupfs_config cfg = {
		.mountinfo = "/nonexistent/mountinfo",
		.cgroups = "/nonexistent/cgroups",
	};
	struct cgroupfs *cg = cgroupfs_new(&cfg);
	const char *path;

	(void)state;
	assert_non_null(cg);
	assert_int_equal(cgroupfs_path(cg, CGROUPFS_V2, 1, &path), -ENODEV);
	assert_int_equal(cgroupfs_path(NULL, CGROUPFS_V2, 1, &path), -EINVAL);
	cgroupfs_free(cg);
	cgroupfs_free(NULL);
}

/* ---- the real cgroupfs: file handles (skipped where they cannot be used) -- */

/* Up to @max directories below @mnt (relative paths with a leading slash). */
static int real_dirs(const char *mnt, char **out, int max)
{
	DIR *d = opendir(mnt);
	struct dirent *de;
	int n = 0;

	out[n++] = strdup("/");
	while (d && n < max && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		assert_true(asprintf(&out[n++], "/%s", de->d_name) > 0);
	}
	if (d)
		closedir(d);
	return n;
}

static void check_real(unsigned int hier, struct cgroupfs *cg, struct cgroupfs *scan)
{
	const char *mnt = cgroupfs_mount_point(cg, hier), *path;
	char *dirs[8], *full;
	struct stat st;
	int n, i, ret;

	n = real_dirs(mnt, dirs, 8);
	for (i = 0; i < n; i++) {
		assert_true(asprintf(&full, "%s%s", mnt, dirs[i]) > 0);
		assert_int_equal(stat(full, &st), 0);
		ret = cgroupfs_path(cg, hier, st.st_ino, &path);
		/* the mount may be of a subtree of the hierarchy: compare the ends */
		if (ret < 0)
			fail_msg("cannot resolve %s (%llu): %s", full,
				 (unsigned long long)st.st_ino, strerror(-ret));
		assert_true(strlen(path) >= strlen(dirs[i]));
		assert_string_equal(path + strlen(path) - strlen(dirs[i]), dirs[i]);
		/* the scan agrees with the handle */
		assert_int_equal(cgroupfs_path(scan, hier, st.st_ino, &path), ret);
		free(full);
		free(dirs[i]);
	}
	/* an id no cgroup has (ids are allocated upwards from 1) */
	assert_int_equal(cgroupfs_path(cg, hier, (1ull << 62) + 12345, &path), -ENOENT);
}

static void test_real_cgroupfs(void **state)
{
	struct cgroupfs_config scfg = { .flags = CGROUPFS_NO_HANDLE };
	struct cgroupfs *cg = cgroupfs_new(NULL), *scan = cgroupfs_new(&scfg);
	const char *mnt = cgroupfs_mount_point(cg, CGROUPFS_V2), *path;
	struct stat st;
	unsigned int h;

	(void)state;
	if (!mnt || stat(mnt, &st) < 0) {
		cgroupfs_free(cg);
		cgroupfs_free(scan);
		skip();
	}
	/* no CAP_DAC_READ_SEARCH (not root): the handle route is refused, scan works */
	if (cgroupfs_path(cg, CGROUPFS_V2, st.st_ino, &path) < 0) {
		cgroupfs_free(cg);
		cgroupfs_free(scan);
		skip();
	}
	check_real(CGROUPFS_V2, cg, scan);
	for (h = 1; h < 32; h++)
		if (cgroupfs_mount_point(cg, h))
			check_real(h, cg, scan);
	cgroupfs_free(cg);
	cgroupfs_free(scan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_resolve_v2),
		cmocka_unit_test(test_resolve_v1),
		cmocka_unit_test(test_mount_root_prefix),
		cmocka_unit_test(test_prefer_whole_mount),
		cmocka_unit_test(test_cache_hit),
		cmocka_unit_test(test_cache_negative),
		cmocka_unit_test(test_cache_bound),
		cmocka_unit_test(test_remount),
		cmocka_unit_test(test_no_files),
		cmocka_unit_test(test_real_cgroupfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
