/* SPDX-License-Identifier: GPL-2.0-only */
/* test_userdb.c: container passwd/group: confined reads, hostile files, parsing, the cache */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/openat2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "enrich/userdb.h"

/* ---- fake container roots ---------------------------------------------- */

static char *mkroot(void)
{
	char tmpl[] = "/tmp/shrike-userdb-XXXXXX";
	char *root, *etc;

	assert_non_null(mkdtemp(tmpl));
	root = strdup(tmpl);
	assert_non_null(root);
	assert_true(asprintf(&etc, "%s/etc", root) > 0);
	assert_int_equal(mkdir(etc, 0755), 0);
	free(etc);
	return root;
}

static char *at(const char *root, const char *rel)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", root, rel) > 0);
	return p;
}

static int stat_at(const char *root, const char *rel, struct stat *st)
{
	char *p = at(root, rel);
	int ret = stat(p, st);

	free(p);
	return ret;
}

/* Write a file atomically (new inode), as usermod and sed -i do. */
static void put(const char *root, const char *rel, const char *data, size_t len)
{
	char *p = at(root, rel), *tmp;
	int fd;

	assert_true(asprintf(&tmp, "%s.new", p) > 0);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	assert_int_equal(rename(tmp, p), 0);
	free(tmp);
	free(p);
}

#define PUT(root, rel, s) put(root, rel, s, sizeof(s) - 1)

static void symlink_at(const char *root, const char *rel, const char *target)
{
	char *p = at(root, rel);

	unlink(p);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static void rmroot(char *root)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(root);
}

static int open_dir(const char *path)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* Read etc/passwd of @root into a fresh userdb; returns the read result. */
static int load_root(const char *root, struct userdb **dbp)
{
	int rootfd = open_dir(root), err;
	char *buf;
	size_t len;

	*dbp = userdb_new();
	assert_non_null(*dbp);
	err = userdb_read_in_root(rootfd, "etc/passwd", USERDB_FILE_CAP, &buf, &len);
	if (err == 0)
		userdb_load_passwd(*dbp, buf, len);
	close(rootfd);
	return err;
}

/* Parse a literal passwd text. */
static struct userdb *parse_pw(const char *text, size_t len)
{
	struct userdb *db = userdb_new();
	char *buf = malloc(len + 1);

	assert_non_null(db);
	assert_non_null(buf);
	memcpy(buf, text, len);
	assert_true(userdb_load_passwd(db, buf, len) >= 0);
	return db;
}

/* ---- reading inside a root --------------------------------------------- */

static void test_read_normal(void **state)
{
	char *root = mkroot();
	struct userdb *db;
	struct userdb_user u;

	(void)state;
	PUT(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
				"alice:x:1000:1000:Alice:/home/alice:/bin/sh\n"
				"ghost:x:4242:4242::/nonexistent:/usr/sbin/nologin\n");
	assert_int_equal(load_root(root, &db), 0);
	assert_int_equal(userdb_user_count(db), 3);
	assert_string_equal(userdb_user_name(db, 0), "root");
	assert_string_equal(userdb_user_name(db, 1000), "alice");
	/* a uid that exists only in the container */
	assert_string_equal(userdb_user_name(db, 4242), "ghost");
	assert_int_equal(userdb_user_lookup(db, 1000, &u), 0);
	assert_string_equal(u.home, "/home/alice");
	assert_string_equal(u.shell, "/bin/sh");
	assert_null(userdb_user_name(db, 1001));
	assert_int_equal(userdb_user_lookup(db, 1001, &u), -ENOENT);
	userdb_free(db);
	rmroot(root);
}

/*
 * /etc/passwd -> <decoy>, an absolute path that exists on the host too: it
 * must be read at <root><decoy>, never at <decoy>. Both resolvers.
 */
static void test_symlink_out_of_root(void **state)
{
	char dtmpl[] = "/tmp/shrike-decoy-XXXXXX";
	char *root = mkroot(), *decoy, *inner, *rel;
	unsigned int mode;

	(void)state;
	assert_non_null(mkdtemp(dtmpl));
	assert_true(asprintf(&decoy, "%s/passwd", dtmpl) > 0);
	put("", decoy + 1, "decoy:x:0:0::/:/bin/sh\n", 23);	/* the host's file */
	symlink_at(root, "etc/passwd", decoy);
	for (mode = 0; mode < 2; mode++) {
		int rootfd = open_dir(root);
		int fd = userdb_open_in_root(rootfd, "etc/passwd", mode ? USERDB_WALK : 0);

		assert_int_equal(fd, -ENOENT);	/* nothing there inside the root */
		close(rootfd);
	}
	inner = at(root, "tmp");
	assert_int_equal(mkdir(inner, 0755), 0);
	free(inner);
	inner = at(root, dtmpl + 1);
	assert_int_equal(mkdir(inner, 0755), 0);
	free(inner);
	assert_true(asprintf(&rel, "%s/passwd", dtmpl + 1) > 0);
	put(root, rel, "inside:x:0:0::/:/bin/sh\n", 24);
	for (mode = 0; mode < 2; mode++) {
		int rootfd = open_dir(root);
		int fd = userdb_open_in_root(rootfd, "etc/passwd", mode ? USERDB_WALK : 0);
		struct stat st, want;

		assert_true(fd >= 0);
		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(stat_at(root, rel, &want), 0);
		assert_int_equal(st.st_ino, want.st_ino);
		close(fd);
		close(rootfd);
	}
	{
		struct userdb *db;

		assert_int_equal(load_root(root, &db), 0);
		assert_string_equal(userdb_user_name(db, 0), "inside");
		userdb_free(db);
	}
	/* relative escapes stay inside too */
	symlink_at(root, "etc/passwd", "../../../../../../../..//etc/../etc/../tmp/../etc/x");
	PUT(root, "etc/x", "rel:x:0:0::/:/bin/sh\n");
	for (mode = 0; mode < 2; mode++) {
		int rootfd = open_dir(root);
		int fd = userdb_open_in_root(rootfd, "../../etc/passwd", mode ? USERDB_WALK : 0);
		struct stat st, want;

		assert_true(fd >= 0);
		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(stat_at(root, "etc/x", &want), 0);
		assert_int_equal(st.st_ino, want.st_ino);
		close(fd);
		close(rootfd);
	}
	rmroot(strdup(dtmpl));
	rmroot(root);
	free(decoy);
	free(rel);
}

/*
 * openat2 refuses magic links: /proc/self/root would be the daemon's (host)
 * root. The fallback reads the link as text and resolves that inside the root,
 * which is safe too, but cannot be told apart here: skip without openat2.
 */
static void test_magic_link(void **state)
{
	struct open_how how = { .flags = O_PATH };
	int rootfd = open_dir("/");
	long fd = syscall(SYS_openat2, rootfd, ".", &how, sizeof(how));

	(void)state;
	if (fd < 0 && errno == ENOSYS) {
		close(rootfd);
		skip();
	}
	close((int)fd);
	assert_int_equal(userdb_open_in_root(rootfd, "proc/self/root/tmp", 0), -ELOOP);
	/* the fallback: "/proc/self/root" reads as "/", i.e. this root's /tmp */
	fd = userdb_open_in_root(rootfd, "proc/self/root/tmp", USERDB_WALK);
	assert_true(fd >= 0);
	close((int)fd);
	close(rootfd);
}

/* Both resolvers follow 40 links, as the kernel does, and refuse the 41st. */
static void test_symlink_chain(void **state)
{
	char *root = mkroot();
	char name[16], target[16];
	unsigned int mode;
	int i;

	(void)state;
	PUT(root, "etc/l0", "end:x:0:0::/:/bin/sh\n");
	for (i = 1; i <= 41; i++) {
		snprintf(name, sizeof(name), "etc/l%d", i);
		snprintf(target, sizeof(target), i % 2 ? "l%d" : "/etc/l%d", i - 1);
		symlink_at(root, name, target);
	}
	for (mode = 0; mode < 2; mode++) {
		int rootfd = open_dir(root);
		int fd = userdb_open_in_root(rootfd, "etc/l40", mode ? USERDB_WALK : 0);

		assert_true(fd >= 0);
		close(fd);
		assert_int_equal(userdb_open_in_root(rootfd, "etc/l41", mode ? USERDB_WALK : 0),
				 -ELOOP);
		close(rootfd);
	}
	rmroot(root);
}

static void test_symlink_loop(void **state)
{
	char *root = mkroot();
	unsigned int mode;
	char *buf;
	size_t len;

	(void)state;
	alarm(10);
	symlink_at(root, "etc/passwd", "loop1");
	symlink_at(root, "etc/loop1", "/etc/loop2");
	symlink_at(root, "etc/loop2", "../etc/passwd");
	symlink_at(root, "etc/group", "group");
	for (mode = 0; mode < 2; mode++) {
		int rootfd = open_dir(root);

		assert_int_equal(userdb_open_in_root(rootfd, "etc/passwd", mode ? USERDB_WALK : 0),
				 -ELOOP);
		assert_int_equal(userdb_open_in_root(rootfd, "etc/group", mode ? USERDB_WALK : 0),
				 -ELOOP);
		close(rootfd);
	}
	{
		int rootfd = open_dir(root);

		assert_int_equal(userdb_read_in_root(rootfd, "etc/passwd", 1024, &buf, &len),
				 -ELOOP);
		close(rootfd);
	}
	alarm(0);
	rmroot(root);
}

/* A FIFO, a directory, a device, a socket-like oddity: refused, never waited on. */
static void test_not_regular(void **state)
{
	char *root = mkroot(), *p;
	int rootfd;
	char *buf;
	size_t len;
	time_t t0 = time(NULL);

	(void)state;
	alarm(10);
	p = at(root, "etc/passwd");
	assert_int_equal(mkfifo(p, 0644), 0);
	free(p);
	p = at(root, "etc/group");
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	symlink_at(root, "etc/null", "/dev/null");	/* inside the root: absent */
	rootfd = open_dir(root);
	assert_int_equal(userdb_read_in_root(rootfd, "etc/passwd", 1024, &buf, &len), -EINVAL);
	assert_int_equal(userdb_read_in_root(rootfd, "etc/group", 1024, &buf, &len), -EISDIR);
	assert_int_equal(userdb_read_in_root(rootfd, "etc/null", 1024, &buf, &len), -ENOENT);
	assert_int_equal(userdb_read_in_root(rootfd, "etc/shadow", 1024, &buf, &len), -ENOENT);
	assert_int_equal(userdb_read_in_root(rootfd, "etc/passwd/x", 1024, &buf, &len), -ENOTDIR);
	close(rootfd);
	/* a real character device, with the host's root as the root */
	rootfd = open_dir("/");
	assert_int_equal(userdb_read_in_root(rootfd, "dev/null", 1024, &buf, &len), -EINVAL);
	close(rootfd);
	assert_true(time(NULL) - t0 < 5);
	alarm(0);
	rmroot(root);
}

static void test_size_cap(void **state)
{
	char *root = mkroot(), *p, *buf = NULL;
	char data[101];
	size_t len;
	int rootfd, fd;
	time_t t0 = time(NULL);

	(void)state;
	memset(data, 'a', sizeof(data));
	put(root, "etc/passwd", data, 100);
	put(root, "etc/group", data, 101);
	rootfd = open_dir(root);
	assert_int_equal(userdb_read_in_root(rootfd, "etc/passwd", 100, &buf, &len), 0);
	assert_int_equal(len, 100);
	assert_int_equal(buf[100], '\0');
	free(buf);
	assert_int_equal(userdb_read_in_root(rootfd, "etc/group", 100, &buf, &len), -EFBIG);
	/* a sparse 64 GiB file: refused from its size, nothing allocated or read */
	p = at(root, "etc/passwd");
	fd = open(p, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)64 << 30), 0);
	close(fd);
	free(p);
	assert_int_equal(userdb_read_in_root(rootfd, "etc/passwd", USERDB_FILE_CAP, &buf, &len),
			 -EFBIG);
	assert_true(time(NULL) - t0 < 5);
	/* empty file: fine, empty */
	put(root, "etc/group", "", 0);
	assert_int_equal(userdb_read_in_root(rootfd, "etc/group", 100, &buf, &len), 0);
	assert_int_equal(len, 0);
	free(buf);
	close(rootfd);
	rmroot(root);
}

/* ---- parsing ----------------------------------------------------------- */

static void test_parse_garbage(void **state)
{
	static const char text[] =
		"# comment\n"
		"\n"
		"   \t\n"
		"+nisuser::::::\n"
		"-nisgroup:x:5:5::/:\n"
		"+\n"
		"short:x:1\n"
		":x:7:7::/:/bin/sh\n"			/* empty name */
		"neg:x:-1:0::/:/bin/sh\n"
		"minus1:x:4294967295:0::/:/bin/sh\n"	/* (uid_t)-1 */
		"big:x:4294967296:0::/:/bin/sh\n"
		"huge:x:99999999999999999999999:0::/:/bin/sh\n"
		"alpha:x:abc:0::/:/bin/sh\n"
		"mixed:x:12a:0::/:/bin/sh\n"
		"plus:x:+5:0::/:/bin/sh\n"
		"space:x: 5:0::/:/bin/sh\n"
		"hex:x:0x10:0::/:/bin/sh\n"
		"emptyuid:x::0::/:/bin/sh\n"
		"badgid:x:77:zz::/:/bin/sh\n"
		"max:x:4294967294:0::/max:/bin/sh\n"
		"zeros:x:00042:0::/z:/bin/sh\n"
		"  indented:x:43:0::/i:/bin/sh\n"
		"crlf:x:44:0::/c:/bin/sh\r\n"
		"colons:x:45:0:g:/h:/bin/sh:extra:more\n"
		"fourfields:x:46:0\n"
		"dup:x:1000:1000::/first:/bin/sh\n"
		"dup2:x:1000:1000::/second:/bin/sh\n"
		"last:x:47:0::/l:/bin/sh";		/* no final newline */
	struct userdb *db = parse_pw(text, sizeof(text) - 1);
	struct userdb_user u;

	(void)state;
	/* nothing unparsable turned into root */
	assert_null(userdb_user_name(db, 0));
	assert_null(userdb_user_name(db, 5));
	assert_null(userdb_user_name(db, 1));
	assert_null(userdb_user_name(db, 7));
	assert_null(userdb_user_name(db, 77));
	assert_null(userdb_user_name(db, UINT32_MAX));
	assert_string_equal(userdb_user_name(db, 4294967294u), "max");
	assert_string_equal(userdb_user_name(db, 42), "zeros");
	assert_string_equal(userdb_user_name(db, 43), "indented");
	assert_int_equal(userdb_user_lookup(db, 44, &u), 0);
	assert_string_equal(u.shell, "/bin/sh");		/* CR dropped */
	assert_int_equal(userdb_user_lookup(db, 45, &u), 0);
	assert_string_equal(u.shell, "/bin/sh:extra:more");	/* the rest of the line */
	assert_int_equal(userdb_user_lookup(db, 46, &u), 0);
	assert_string_equal(u.name, "fourfields");
	assert_string_equal(u.home, "");
	assert_string_equal(u.shell, "");
	assert_int_equal(userdb_user_lookup(db, 1000, &u), 0);
	assert_string_equal(u.name, "dup");			/* first wins */
	assert_string_equal(u.home, "/first");
	assert_string_equal(userdb_user_name(db, 47), "last");
	assert_int_equal(userdb_user_count(db), 8);
	userdb_free(db);
}

static void test_parse_nul_and_long(void **state)
{
	static const char nul_lines[] = "a\0x:x:0:0::/:/bin/sh\nb:x:1:1::/:/bin/sh\n"
					"c:x:2:2::/:/bi\0n\n";
	size_t n = 1 << 16, i;
	char *buf = calloc(1, n + 1);
	struct userdb *db = userdb_new();
	char *text;
	size_t len = 200000;

	(void)state;
	/* a file of NUL bytes */
	assert_int_equal(userdb_load_passwd(db, buf, n), 0);
	assert_int_equal(userdb_user_count(db), 0);
	assert_null(userdb_user_name(db, 0));
	/* NUL inside a line drops that line only */
	userdb_free(db);
	db = parse_pw(nul_lines, sizeof(nul_lines) - 1);
	assert_null(userdb_user_name(db, 0));
	assert_string_equal(userdb_user_name(db, 1), "b");
	assert_null(userdb_user_name(db, 2));
	userdb_free(db);
	/* a 100 KiB line is skipped, the lines around it are not */
	text = malloc(len + 1);
	assert_non_null(text);
	i = (size_t)snprintf(text, len, "pre:x:1:1::/:/bin/sh\nlong:x:2:2::/:");
	memset(text + i, 's', 100000);
	i += 100000;
	i += (size_t)snprintf(text + i, len - i, "\npost:x:3:3::/:/bin/sh\n");
	/* a name of 300 bytes is not a name */
	memset(text + i, 'n', 300);
	i += 300;
	i += (size_t)snprintf(text + i, len - i, ":x:4:4::/:/bin/sh\n");
	db = parse_pw(text, i);
	assert_string_equal(userdb_user_name(db, 1), "pre");
	assert_null(userdb_user_name(db, 2));
	assert_string_equal(userdb_user_name(db, 3), "post");
	assert_null(userdb_user_name(db, 4));
	userdb_free(db);
	free(text);
}

static void test_parse_group(void **state)
{
	static const char text[] = "root:x:0:\nwheel:x:10:alice,bob\nnomembers:x:11\n"
				   "bad:x:-3:\n+:::\ndupg:x:10:\n";
	struct userdb *db = userdb_new();
	char *buf = malloc(sizeof(text));

	(void)state;
	memcpy(buf, text, sizeof(text));
	assert_int_equal(userdb_load_group(db, buf, sizeof(text) - 1), 3);
	assert_string_equal(userdb_group_name(db, 0), "root");
	assert_string_equal(userdb_group_name(db, 10), "wheel");
	assert_string_equal(userdb_group_name(db, 11), "nomembers");
	assert_null(userdb_group_name(db, 12));
	assert_null(userdb_user_name(db, 0));		/* passwd not loaded */
	assert_null(userdb_user_name(NULL, 0));
	assert_null(userdb_group_name(NULL, 0));
	userdb_free(db);
}

/* ---- the cache ----------------------------------------------------------- */

struct env {
	uint64_t now;
	int reports;
	int last_err;
	char last_file[32];
};

static uint64_t fake_now(void *arg)
{
	return ((struct env *)arg)->now;
}

static void on_report(void *arg, const char *key, const char *file, int err)
{
	struct env *env = arg;

	(void)key;
	env->reports++;
	env->last_err = err;
	snprintf(env->last_file, sizeof(env->last_file), "%s", file);
}

/* A root opener that counts its calls, or fails with ->fail. */
struct opener {
	char *path;
	int calls;
	int fail;
};

static int open_counting(void *arg)
{
	struct opener *o = arg;

	o->calls++;
	return o->fail ? o->fail : userdb_open_root_path(o->path);
}

static struct userdb_cache *new_cache(struct env *env, unsigned int max_entries, size_t max_bytes)
{
	struct userdb_config cfg = {
		.now_ms = fake_now, .report = on_report, .arg = env,
		.max_entries = max_entries, .max_bytes = max_bytes,
	};
	struct userdb_cache *c = userdb_cache_new(&cfg);

	assert_non_null(c);
	return c;
}

/* Same uid, different names: each container sees its own, never the host's. */
static void test_cache_per_container(void **state)
{
	char *r1 = mkroot(), *r2 = mkroot();
	struct env env = { .now = 5 };
	struct userdb_cache *c = new_cache(&env, 0, 0);
	const struct userdb *db;

	(void)state;
	PUT(r1, "etc/passwd", "alice:x:1000:1000::/home/alice:/bin/sh\n");
	PUT(r1, "etc/group", "alice:x:1000:\n");
	PUT(r2, "etc/passwd", "cloudsdk:x:1000:1000::/home/c:/bin/sh\n");
	PUT(r2, "etc/group", "devs:x:1000:\n");
	db = userdb_get(c, "web1", userdb_open_root_path, r1);
	assert_string_equal(userdb_user_name(db, 1000), "alice");
	assert_string_equal(userdb_group_name(db, 1000), "alice");
	db = userdb_get(c, "db1", userdb_open_root_path, r2);
	assert_string_equal(userdb_user_name(db, 1000), "cloudsdk");
	assert_string_equal(userdb_group_name(db, 1000), "devs");
	db = userdb_get(c, "web1", userdb_open_root_path, r1);
	assert_string_equal(userdb_user_name(db, 1000), "alice");
	assert_int_equal(userdb_cache_count(c), 2);
	assert_int_equal(env.reports, 0);
	userdb_cache_free(c);
	rmroot(r1);
	rmroot(r2);
}

static void test_cache_change_detection(void **state)
{
	char *root = mkroot(), *p;
	struct env env = { .now = 1000 };
	struct userdb_cache *c = new_cache(&env, 0, 0);
	struct opener o = { .path = root };
	const struct userdb *db;
	const char *name;
	struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };

	(void)state;
	PUT(root, "etc/passwd", "alice:x:1000:1000::/:/bin/sh\n");
	PUT(root, "etc/group", "g:x:1:\n");
	db = userdb_get(c, "k", open_counting, &o);
	name = userdb_user_name(db, 1000);
	assert_string_equal(name, "alice");
	assert_int_equal(o.calls, 1);
	/* rename the user; not seen before the revalidation period is over */
	PUT(root, "etc/passwd", "alicia:x:1000:1000::/:/bin/sh\n");
	env.now += 999;
	db = userdb_get(c, "k", open_counting, &o);
	assert_string_equal(userdb_user_name(db, 1000), "alice");
	assert_int_equal(o.calls, 1);
	env.now += 1;
	db = userdb_get(c, "k", open_counting, &o);
	assert_string_equal(userdb_user_name(db, 1000), "alicia");
	assert_int_equal(o.calls, 2);
	/* nothing changed: revalidated but not reparsed (the same string) */
	name = userdb_user_name(db, 1000);
	env.now += 5000;
	db = userdb_get(c, "k", open_counting, &o);
	assert_ptr_equal(userdb_user_name(db, 1000), name);
	assert_int_equal(o.calls, 3);
	/* an in-place rewrite of the same size, same inode: seen through mtime/ctime */
	p = at(root, "etc/passwd");
	{
		int fd = open(p, O_WRONLY);

		assert_int_equal(pwrite(fd, "alicib", 6, 0), 6);
		assert_int_equal(futimens(fd, ts), 0);
		close(fd);
	}
	free(p);
	env.now += 1000;
	db = userdb_get(c, "k", open_counting, &o);
	assert_string_equal(userdb_user_name(db, 1000), "alicib");
	assert_int_equal(env.reports, 0);
	userdb_cache_free(c);
	rmroot(root);
}

/* Errors empty the table, are reported once per change, and heal. */
static void test_cache_errors(void **state)
{
	char *root = mkroot(), *p = NULL;
	struct env env = { .now = 0 };
	struct userdb_cache *c = new_cache(&env, 0, 0);
	struct opener o = { .path = root };
	const struct userdb *db;
	int i;

	(void)state;
	alarm(10);
	PUT(root, "etc/passwd", "bob:x:1000:1000::/:/bin/sh\n");
	/* no etc/group: reported once */
	db = userdb_get(c, "k", open_counting, &o);
	assert_string_equal(userdb_user_name(db, 1000), "bob");
	assert_null(userdb_group_name(db, 1000));
	assert_int_equal(userdb_group_error(db), -ENOENT);
	assert_int_equal(env.reports, 1);
	assert_string_equal(env.last_file, "etc/group");
	/* passwd becomes a FIFO: empty with -EINVAL, one report, however often asked */
	p = at(root, "etc/passwd");
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkfifo(p, 0644), 0);
	for (i = 0; i < 5; i++) {
		env.now += 1000;
		db = userdb_get(c, "k", open_counting, &o);
		assert_null(userdb_user_name(db, 1000));
		assert_int_equal(userdb_passwd_error(db), -EINVAL);
	}
	assert_int_equal(env.reports, 2);
	assert_int_equal(env.last_err, -EINVAL);
	assert_string_equal(env.last_file, "etc/passwd");
	/* another FIFO: a change, but the same error, so no new report */
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkfifo(p, 0644), 0);
	env.now += 1000;
	db = userdb_get(c, "k", open_counting, &o);
	assert_int_equal(userdb_passwd_error(db), -EINVAL);
	assert_int_equal(env.reports, 2);
	/* healed */
	assert_int_equal(unlink(p), 0);
	PUT(root, "etc/passwd", "bobby:x:1000:1000::/:/bin/sh\n");
	env.now += 1000;
	db = userdb_get(c, "k", open_counting, &o);
	assert_string_equal(userdb_user_name(db, 1000), "bobby");
	assert_int_equal(userdb_passwd_error(db), 0);
	assert_int_equal(env.reports, 2);
	/* the root goes away: the last tables are kept, reported once */
	o.fail = -ESRCH;
	for (i = 0; i < 3; i++) {
		env.now += 1000;
		db = userdb_get(c, "k", open_counting, &o);
		assert_string_equal(userdb_user_name(db, 1000), "bobby");
	}
	assert_int_equal(env.reports, 3);
	assert_int_equal(env.last_err, -ESRCH);
	assert_string_equal(env.last_file, "/");
	/* a key whose root never opened: empty, with the error */
	db = userdb_get(c, "dead", open_counting, &o);
	assert_null(userdb_user_name(db, 1000));
	assert_int_equal(userdb_passwd_error(db), -ESRCH);
	assert_int_equal(env.reports, 4);
	alarm(0);
	free(p);
	userdb_cache_free(c);
	rmroot(root);
}

static void test_cache_drop(void **state)
{
	char *root = mkroot();
	struct env env = { .now = 0 };
	struct userdb_cache *c = new_cache(&env, 0, 0);
	struct opener o = { .path = root };

	(void)state;
	PUT(root, "etc/passwd", "a:x:1:1::/:/bin/sh\n");
	PUT(root, "etc/group", "a:x:1:\n");
	assert_non_null(userdb_get(c, "k", open_counting, &o));
	assert_int_equal(userdb_cache_count(c), 1);
	assert_int_equal(userdb_cache_drop(c, "k"), 0);
	assert_int_equal(userdb_cache_count(c), 0);
	assert_int_equal(userdb_cache_drop(c, "k"), -ENOENT);
	/* asked again: loaded again, without waiting for the period */
	assert_string_equal(userdb_user_name(userdb_get(c, "k", open_counting, &o), 1), "a");
	assert_int_equal(o.calls, 2);
	userdb_cache_free(c);
	rmroot(root);
}

static void test_cache_lru(void **state)
{
	char *root = mkroot();
	struct env env = { .now = 0 };
	struct userdb_cache *c = new_cache(&env, 3, 0);
	struct opener o = { .path = root };
	char key[16];
	int i;

	(void)state;
	PUT(root, "etc/passwd", "a:x:1:1::/:/bin/sh\n");
	PUT(root, "etc/group", "a:x:1:\n");
	userdb_get(c, "a", open_counting, &o);
	userdb_get(c, "b", open_counting, &o);
	userdb_get(c, "c", open_counting, &o);
	userdb_get(c, "a", open_counting, &o);	/* a is now the most recent */
	assert_int_equal(o.calls, 3);
	userdb_get(c, "d", open_counting, &o);	/* evicts b */
	assert_int_equal(userdb_cache_count(c), 3);
	assert_int_equal(o.calls, 4);
	userdb_get(c, "a", open_counting, &o);
	userdb_get(c, "c", open_counting, &o);
	userdb_get(c, "d", open_counting, &o);
	assert_int_equal(o.calls, 4);		/* all three still cached */
	userdb_get(c, "b", open_counting, &o);
	assert_int_equal(o.calls, 5);		/* b was gone */
	assert_int_equal(userdb_cache_drop(c, "a"), -ENOENT);	/* and evicted a */
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_non_null(userdb_get(c, key, open_counting, &o));
	}
	assert_int_equal(userdb_cache_count(c), 3);
	userdb_cache_free(c);
	rmroot(root);
}

/* The byte budget evicts older entries, never the one just returned. */
static void test_cache_bytes(void **state)
{
	char *root = mkroot();
	struct env env = { .now = 0 };
	struct userdb_cache *c = new_cache(&env, 0, 1);
	struct opener o = { .path = root };
	const struct userdb *db;

	(void)state;
	PUT(root, "etc/passwd", "a:x:1:1::/:/bin/sh\n");
	PUT(root, "etc/group", "a:x:1:\n");
	userdb_get(c, "x", open_counting, &o);
	db = userdb_get(c, "y", open_counting, &o);
	assert_int_equal(userdb_cache_count(c), 1);
	assert_string_equal(userdb_user_name(db, 1), "a");
	userdb_cache_free(c);
	rmroot(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_normal),
		cmocka_unit_test(test_symlink_out_of_root),
		cmocka_unit_test(test_magic_link),
		cmocka_unit_test(test_symlink_loop),
		cmocka_unit_test(test_symlink_chain),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_parse_garbage),
		cmocka_unit_test(test_parse_nul_and_long),
		cmocka_unit_test(test_parse_group),
		cmocka_unit_test(test_cache_per_container),
		cmocka_unit_test(test_cache_change_detection),
		cmocka_unit_test(test_cache_errors),
		cmocka_unit_test(test_cache_drop),
		cmocka_unit_test(test_cache_lru),
		cmocka_unit_test(test_cache_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
