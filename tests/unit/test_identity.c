/* SPDX-License-Identifier: GPL-2.0-only */
/* test_identity.c: user and group names from each process's own root, through a fake /proc */
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

#include "field_check.h"
#include "fixture.h"

#include "enrich/enrich.h"
#include "fields/fields.h"
#include "enrich/identity.h"
#include "capture/capture.h"
#include "fields/side.h"
#include "output/evt_json.h"

#define NONE	SHRIKE_ID_NONE

/*
 * A host root and container roots under one directory, and a fake /proc
 * whose <pid>/root links to them. <pid>/ns/mnt is a plain file: its inode
 * number plays the mount namespace's, and processes of one namespace share
 * it through hard links, as they share the nsfs inode.
 */
struct fake {
	char *dir;
	char *procdir;
	uint64_t now;
	uint64_t host_ns, web1_ns, web2_ns;
	struct identity_ctx *ic;
};

static uint64_t fake_now(void *arg)
{
	return ((struct fake *)arg)->now;
}

/* <procdir>/<pid>: root -> <dir>/<root>, ns/mnt shared with @like (0: a new namespace). */
static uint64_t fake_pid(struct fake *f, uint32_t pid, const char *root, uint32_t like)
{
	char rel[64], *lnk, *target, *ns;

	snprintf(rel, sizeof(rel), "%u/ns", pid);
	mkdirs(f->procdir, rel);
	snprintf(rel, sizeof(rel), "%u/root", pid);
	lnk = at(f->procdir, rel);
	target = at(f->dir, root);
	assert_int_equal(symlink(target, lnk), 0);
	snprintf(rel, sizeof(rel), "%u/ns/mnt", pid);
	ns = at(f->procdir, rel);
	if (like) {
		char *old;

		snprintf(rel, sizeof(rel), "%u/ns/mnt", like);
		old = at(f->procdir, rel);
		assert_int_equal(link(old, ns), 0);
		free(old);
	} else {
		put_replace(f->procdir, rel, "mnt");
	}
	free(lnk);
	free(target);
	free(ns);
	snprintf(rel, sizeof(rel), "%u/ns/mnt", pid);
	return ino_of(f->procdir, rel);
}

/* The process died: its /proc directory is gone. */
static void fake_kill(struct fake *f, uint32_t pid)
{
	char rel[32], *p;

	snprintf(rel, sizeof(rel), "%u", pid);
	p = at(f->procdir, rel);
	assert_int_equal(rm_tree(p), 0);
	free(p);
}

/* The fake roots are plain directories: each counts as its namespace's root but a jail. */
static ino_t jail_ino;

static int fake_is_ns_root(int rootfd)
{
	struct stat st;

	return fstat(rootfd, &st) == 0 && st.st_ino != jail_ino;
}

static struct identity_config fake_config(struct fake *f)
{
	struct identity_config cfg = {
		.procdir = f->procdir,
		.idle_ms = 3000,
		.sweep_ms = 1000,
		.now_ms = fake_now,
		.arg = f,
		.quiet = 1,
		.wait_ms = 20000,	/* the answer, not the deadline, under test */
		.is_ns_root = fake_is_ns_root,
	};

	return cfg;
}

static struct fake *fake_new(const char *procdir, unsigned int max_ns)
{
	char tmpl[] = "/tmp/shrike-ident-XXXXXX";
	struct fake *f = calloc(1, sizeof(*f));
	struct identity_config cfg;

	assert_non_null(f);
	assert_non_null(mkdtemp(tmpl));
	f->dir = strdup(tmpl);
	f->procdir = at(f->dir, "proc");
	f->now = 1000000;
	mkdirs(f->dir, "host/etc");
	mkdirs(f->dir, "web1/etc");
	mkdirs(f->dir, "web2/etc");
	put_replace(f->dir, "host/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
				       "cloudsdk:x:1000:1000:Cloud SDK:/home/cloudsdk:/bin/bash\n");
	put_replace(f->dir, "host/etc/group", "root:x:0:\ncloudsdk:x:1000:\n");
	put_replace(f->dir, "web1/etc/passwd", "root:x:0:0:root:/root:/bin/ash\n"
				       "alice:x:1000:1000:Alice:/home/alice:/bin/ash\n"
				       "bob:x:1001:1001::/home/bob:/bin/sh\n");
	put_replace(f->dir, "web1/etc/group", "root:x:0:\nstaff:x:1000:alice\nbob:x:1001:\n");
	mkdirs(f->dir, "proc");
	f->host_ns = fake_pid(f, 100, "host", 0);
	f->web1_ns = fake_pid(f, 200, "web1", 0);
	fake_pid(f, 201, "web1", 200);
	f->web2_ns = fake_pid(f, 300, "web2", 0);
	cfg = fake_config(f);
	cfg.max_ns = max_ns;
	if (procdir)
		cfg.procdir = procdir;
	f->ic = identity_new(&cfg);
	assert_non_null(f->ic);
	return f;
}

static void fake_free(struct fake *f)
{
	identity_free(f->ic);
	rm_tree(f->dir);
	free(f->dir);
	free(f->procdir);
	free(f);
}

static struct shrike_proc_ctx ctx(uint32_t pid, uint64_t mntns, uint32_t uid, uint32_t gid,
				  uint32_t loginuid)
{
	struct shrike_proc_ctx c = {
		.pid = pid, .tid = pid, .mntns = mntns,
		.uid = uid, .gid = gid, .loginuid = loginuid,
	};

	return c;
}

#define assert_str_or_null(got, want)				\
	do {							\
		if (want)					\
			assert_string_equal(got, want);	\
		else						\
			assert_null(got);			\
	} while (0)

static uint64_t tag = 1;

/* Look @c up as a new event and compare every name. */
static void expect(struct fake *f, const struct shrike_proc_ctx *c, const char *user,
		   const char *home, const char *shell, const char *group, const char *login)
{
	struct identity_names n;

	assert_int_equal(identity_lookup(f->ic, c, c->pid, tag++, &n), 0);
	assert_str_or_null(n.user, user);
	assert_str_or_null(n.home, home);
	assert_str_or_null(n.shell, shell);
	assert_str_or_null(n.group, group);
	assert_str_or_null(n.login, login);
}

/* ---- whose passwd ------------------------------------------------------------ */

static void test_container_only_uid(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1001, 1001, NONE);
	struct shrike_proc_ctx host = ctx(100, f->host_ns, 1001, 1001, NONE);

	(void)state;
	expect(f, &web, "bob", "/home/bob", "/bin/sh", "bob", NULL);
	expect(f, &host, NULL, NULL, NULL, NULL, NULL);
	fake_free(f);
}

/* The spec's case: uid 1000 is cloudsdk on the host, alice in the container. */
static void test_same_uid_other_name(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1000, 1000, NONE);
	struct shrike_proc_ctx host = ctx(100, f->host_ns, 1000, 1000, NONE);
	struct shrike_proc_ctx root = ctx(201, f->web1_ns, 0, 0, NONE);

	(void)state;
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	expect(f, &host, "cloudsdk", "/home/cloudsdk", "/bin/bash", "cloudsdk", NULL);
	expect(f, &root, "root", "/root", "/bin/ash", "root", NULL);
	assert_int_equal(identity_ns_count(f->ic), 2);
	fake_free(f);
}

/* An id with no mapping in the process's user namespace has no name. */
static void test_unmapped(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, NONE, NONE, NONE);
	struct shrike_proc_ctx mixed = ctx(200, f->web1_ns, 1000, NONE, NONE);

	(void)state;
	expect(f, &web, NULL, NULL, NULL, NULL, NULL);
	expect(f, &mixed, "alice", "/home/alice", "/bin/ash", NULL, NULL);
	fake_free(f);
}

static void test_loginname(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx unset = ctx(200, f->web1_ns, 0, 0, NONE);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 0, 0, 1001);
	struct shrike_proc_ctx host = ctx(100, f->host_ns, 0, 0, 1000);
	struct shrike_proc_ctx absent = ctx(100, f->host_ns, 0, 0, 4242);

	(void)state;
	expect(f, &unset, "root", "/root", "/bin/ash", "root", NULL);
	expect(f, &web, "root", "/root", "/bin/ash", "root", "bob");
	expect(f, &host, "root", "/root", "/bin/bash", "root", "cloudsdk");
	expect(f, &absent, "root", "/root", "/bin/bash", "root", NULL);
	fake_free(f);
}

/* ---- change and life ------------------------------------------------------- */

/* usermod -l alicia alice: seen at the next revalidation (1 s), not before. */
static void test_rename(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1000, 1000, 1000);

	(void)state;
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", "alice");
	f->now += IDENTITY_YOUNG_MS;	/* settled: checked once per revalidate_ms from now on */
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", "alice");
	put_replace(f->dir, "web1/etc/passwd", "root:x:0:0:root:/root:/bin/ash\n"
				       "alicia:x:1000:1000:Alice:/home/alicia:/bin/ash\n");
	put_replace(f->dir, "web1/etc/group", "root:x:0:\nusers:x:1000:\n");
	f->now += 999;
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", "alice");
	f->now += 1;
	expect(f, &web, "alicia", "/home/alicia", "/bin/ash", "users", "alicia");
	fake_free(f);
}

/*
 * A container's namespace is made before its root: LXC pivots into the
 * rootfs after its setup ran in the new namespace with the host's root. A
 * young namespace is read again at every lookup, so the names follow.
 */
static void test_young_namespace(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1000, 1000, NONE);
	char *lnk = at(f->procdir, "200/root"), *host = at(f->dir, "host"), *web1 = at(f->dir, "web1");

	(void)state;
	assert_int_equal(unlink(lnk), 0);
	assert_int_equal(symlink(host, lnk), 0);	/* before the pivot */
	expect(f, &web, "cloudsdk", "/home/cloudsdk", "/bin/bash", "cloudsdk", NULL);
	assert_int_equal(unlink(lnk), 0);
	assert_int_equal(symlink(web1, lnk), 0);	/* pivoted */
	f->now += 10;
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	free(lnk);
	free(host);
	free(web1);
	fake_free(f);
}

/*
 * pid 1's namespace has its root: not read again at every lookup of the
 * daemon's first seconds, only once per revalidate_ms like any settled one.
 */
static void test_host_namespace_settled(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx host = ctx(100, f->host_ns, 1000, 1000, NONE);
	struct identity_config cfg;

	(void)state;
	identity_free(f->ic);
	fake_pid(f, 1, "host", 100);	/* pid 1 in the host's namespace */
	cfg = fake_config(f);
	f->ic = identity_new(&cfg);
	assert_non_null(f->ic);
	expect(f, &host, "cloudsdk", "/home/cloudsdk", "/bin/bash", "cloudsdk", NULL);
	put_replace(f->dir, "host/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
				       "clouds:x:1000:1000::/home/clouds:/bin/sh\n");
	f->now += 10;	/* young by the daemon's clock, but settled */
	expect(f, &host, "cloudsdk", "/home/cloudsdk", "/bin/bash", "cloudsdk", NULL);
	f->now += 1000;
	expect(f, &host, "clouds", "/home/clouds", "/bin/sh", "cloudsdk", NULL);
	fake_free(f);
}

/* One event's fields see one version of the files, even across a revalidation. */
static void test_same_event(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1000, 1000, NONE);
	struct identity_names a, b;

	(void)state;
	assert_int_equal(identity_lookup(f->ic, &web, 200, 77, &a), 0);
	put_replace(f->dir, "web1/etc/passwd", "alicia:x:1000:1000::/:/bin/sh\n");
	f->now += 5000;
	assert_int_equal(identity_lookup(f->ic, &web, 200, 77, &b), 0);
	assert_ptr_equal(a.user, b.user);
	assert_string_equal(b.user, "alice");
	assert_int_equal(identity_lookup(f->ic, &web, 200, 78, &b), 0);
	assert_string_equal(b.user, "alicia");
	/* tag 0: no reuse */
	put_replace(f->dir, "web1/etc/passwd", "alex:x:1000:1000::/:/bin/sh\n");
	f->now += 5000;
	assert_int_equal(identity_lookup(f->ic, &web, 200, 0, &b), 0);
	assert_string_equal(b.user, "alex");
	fake_free(f);
}

/* The event's process is gone: another live process of its namespace opens the root. */
static void test_other_live_pid(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx dead = ctx(999, f->web1_ns, 1001, 1001, NONE);

	(void)state;
	/* nobody known alive in web1 yet: /proc is searched for one */
	expect(f, &dead, "bob", "/home/bob", "/bin/sh", "bob", NULL);
	/* the scan (or any event) saw 201 in web1; the next revalidation uses it */
	identity_note(f->ic, f->web1_ns, 201);
	f->now += 1000;
	expect(f, &dead, "bob", "/home/bob", "/bin/sh", "bob", NULL);
	fake_free(f);
}

/*
 * A chroot inside the container (a jail with its own passwd) is not the
 * container's root: its files never name the container's users, whoever
 * triggers the read.
 */
static void test_chroot_not_used(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx jailed = ctx(202, f->web1_ns, 1000, 1000, NONE);
	struct stat st;
	char *jail;

	(void)state;
	mkdirs(f->dir, "web1/jail/etc");
	put_replace(f->dir, "web1/jail/etc/passwd", "mallory:x:1000:1000::/:/bin/sh\n");
	jail = at(f->dir, "web1/jail");
	assert_int_equal(stat(jail, &st), 0);
	jail_ino = st.st_ino;
	fake_pid(f, 202, "web1/jail", 200);
	/* the jailed process is the first seen: its root is passed over */
	expect(f, &jailed, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	f->now += 1000;
	expect(f, &jailed, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	/* nobody else alive: no names rather than the jail's */
	fake_kill(f, 200);
	fake_kill(f, 201);
	identity_exited(f->ic, f->web1_ns, 200);
	identity_exited(f->ic, f->web1_ns, 201);
	identity_exited(f->ic, f->web1_ns, 202);
	f->now += 1000;
	expect(f, &jailed, NULL, NULL, NULL, NULL, NULL);
	jail_ino = 0;
	free(jail);
	fake_free(f);
}

/*
 * A read that does not come back (a FUSE /etc that never answers) costs its
 * namespace its fresh names, nobody else anything: the lookup gives up after
 * wait_ms, other namespaces are read meanwhile, and the stuck one is not
 * asked again until its read returns.
 */
static int stuck_fd = -1;
static ino_t stuck_ino;
static int stuck_calls;

static int stuck_is_ns_root(int rootfd)
{
	struct stat st;
	char c;

	if (fstat(rootfd, &st) == 0 && st.st_ino == stuck_ino) {
		__atomic_add_fetch(&stuck_calls, 1, __ATOMIC_SEQ_CST);
		if (read(stuck_fd, &c, 1) < 0)
			return 0;
	}
	return 1;
}

static void test_stuck_read(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct identity_config cfg = fake_config(f);
	struct shrike_proc_ctx web2 = ctx(300, f->web2_ns, 1000, 1000, NONE);
	struct shrike_proc_ctx web1 = ctx(200, f->web1_ns, 1000, 1000, NONE);
	struct stat st;
	char *root;
	int p[2];

	(void)state;
	put_replace(f->dir, "web2/etc/passwd", "carol:x:1000:1000::/home/carol:/bin/sh\n");
	root = at(f->dir, "web2");
	assert_int_equal(stat(root, &st), 0);
	stuck_ino = st.st_ino;
	assert_int_equal(pipe(p), 0);
	stuck_fd = p[0];
	identity_free(f->ic);
	cfg.wait_ms = 30;
	cfg.is_ns_root = stuck_is_ns_root;
	f->ic = identity_new(&cfg);
	assert_non_null(f->ic);
	/* no answer within wait_ms: no names yet, and the event goes on */
	expect(f, &web2, NULL, NULL, NULL, NULL, NULL);
	/* another namespace is read meanwhile, by another worker */
	expect(f, &web1, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	/* the stuck one is not asked again (nor waited for) */
	f->now += 5000;
	expect(f, &web2, NULL, NULL, NULL, NULL, NULL);
	assert_int_equal(__atomic_load_n(&stuck_calls, __ATOMIC_SEQ_CST), 1);
	/* its read comes back: the names with the next lookup that finds it done */
	assert_int_equal(write(p[1], "x", 1), 1);
	for (int i = 0; i < 2000; i++) {
		struct identity_names n;

		assert_int_equal(identity_lookup(f->ic, &web2, 300, tag++, &n), 0);
		if (n.user)
			break;
		usleep(1000);
	}
	expect(f, &web2, "carol", "/home/carol", "/bin/sh", NULL, NULL);
	close(p[0]);
	close(p[1]);
	stuck_fd = -1;
	stuck_ino = 0;
	free(root);
	fake_free(f);
}

/* Nobody left to open the root through: the names read before stay. */
static void test_none_alive_keeps_names(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1000, 1000, NONE);

	(void)state;
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	fake_kill(f, 200);
	fake_kill(f, 201);
	f->now += 1000;
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	fake_free(f);
}

/*
 * A container stopped (every process the daemon knew in it exited) and a
 * new namespace got its inode number, with another root: within
 * revalidate_ms too, never the old container's names.
 */
static void test_ns_inode_reused(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1000, 1000, NONE);
	struct shrike_proc_ctx gone = ctx(400, f->web1_ns, 1000, 1000, NONE);
	struct shrike_proc_ctx reused = ctx(401, f->web1_ns, 1000, 1000, NONE);

	(void)state;
	put_replace(f->dir, "web2/etc/passwd", "mallory:x:1000:1000::/home/mallory:/bin/sh\n");
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	identity_note(f->ic, f->web1_ns, 201);
	/* the new namespace shares the inode: a hard link of 200's ns/mnt */
	fake_pid(f, 401, "web2", 200);
	fake_kill(f, 200);
	fake_kill(f, 201);
	identity_exited(f->ic, f->web1_ns, 200);
	identity_exited(f->ic, f->web1_ns, 201);
	f->now += 10;
	/* its first event is from a process already gone: read through one alive, not alice */
	expect(f, &gone, "mallory", "/home/mallory", "/bin/sh", NULL, NULL);
	f->now += 10;
	expect(f, &reused, "mallory", "/home/mallory", "/bin/sh", NULL, NULL);
	fake_free(f);
}

/*
 * The same without any exit seen (the old container's exits were dropped,
 * or one of its processes lives on elsewhere): the clone that made the new
 * namespace says so, and what was read for the number before is forgotten
 * at once, not revalidate_ms later.
 */
static void test_ns_new_forgets(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1000, 1000, NONE);

	(void)state;
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	f->now += IDENTITY_YOUNG_MS;	/* settled: checked once per revalidate_ms */
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	put_replace(f->dir, "web1/etc/passwd", "eve:x:1000:1000::/home/eve:/bin/sh\n");
	f->now += 10;
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	identity_ns_new(f->ic, f->web1_ns);
	f->now += 10;
	expect(f, &web, "eve", "/home/eve", "/bin/sh", "staff", NULL);
	fake_free(f);
}

/* A root that could not be opened is looked at again by the next event, not revalidate_ms later. */
static void test_failed_open_retried(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1000, 1000, NONE);
	struct shrike_proc_ctx dead = ctx(202, f->web1_ns, 1000, 1000, NONE);
	struct shrike_proc_ctx live = ctx(203, f->web1_ns, 1000, 1000, NONE);

	(void)state;
	fake_pid(f, 203, "web1", 200);
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	fake_kill(f, 200);
	fake_kill(f, 201);
	f->now += 1000;
	/* nobody remembered is left: the names read before stay */
	expect(f, &dead, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	put_replace(f->dir, "web1/etc/passwd", "alicia:x:1000:1000::/home/alicia:/bin/ash\n");
	f->now += 10;
	expect(f, &live, "alicia", "/home/alicia", "/bin/ash", "staff", NULL);
	fake_free(f);
}

/*
 * The pid was reused by a process of another namespace (here: the host's
 * pid 100 while the identity says web1): its root is not used.
 */
static void test_pid_reuse(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx c = ctx(100, f->web1_ns, 1000, 1000, NONE);

	(void)state;
	/* web1's names, read through a process that is in web1: never cloudsdk */
	expect(f, &c, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	fake_free(f);
}

/* Container files that point out of the container stay inside it. */
static void test_link_out_of_root(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx c = ctx(300, f->web2_ns, 1000, 1000, NONE);
	char *target, *link;

	(void)state;
	target = at(f->dir, "host/etc/passwd");
	link = at(f->dir, "web2/etc/passwd");
	assert_int_equal(symlink(target, link), 0);
	free(link);
	link = at(f->dir, "web2/etc/group");
	assert_int_equal(symlink("../../../../../../../../../../host/etc/group", link), 0);
	expect(f, &c, NULL, NULL, NULL, NULL, NULL);
	free(target);
	free(link);
	fake_free(f);
}

/* A stopped container's files are dropped; a quiet running one keeps them. */
static void test_sweep(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1000, 1000, NONE);
	struct shrike_proc_ctx host = ctx(100, f->host_ns, 0, 0, NONE);

	(void)state;
	expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", NULL);
	expect(f, &host, "root", "/root", "/bin/bash", "root", NULL);
	assert_int_equal(identity_ns_count(f->ic), 2);
	/* quiet for longer than idle_ms, but alive: kept */
	f->now += 3500;
	expect(f, &host, "root", "/root", "/bin/bash", "root", NULL);
	assert_int_equal(identity_ns_count(f->ic), 2);
	/* the container stops */
	fake_kill(f, 200);
	fake_kill(f, 201);
	f->now += 3500;
	expect(f, &host, "root", "/root", "/bin/bash", "root", NULL);
	assert_int_equal(identity_ns_count(f->ic), 1);
	/* its names were dropped with it: nothing left to read them from */
	expect(f, &web, NULL, NULL, NULL, NULL, NULL);
	fake_free(f);
}

/* More namespaces than max_ns: the least recently used is forgotten, and read again when needed. */
static void test_ns_bound(void **state)
{
	struct fake *f = fake_new(NULL, 1);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1000, 1000, NONE);
	struct shrike_proc_ctx host = ctx(100, f->host_ns, 1000, 1000, NONE);
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		expect(f, &web, "alice", "/home/alice", "/bin/ash", "staff", NULL);
		expect(f, &host, "cloudsdk", "/home/cloudsdk", "/bin/bash", "cloudsdk", NULL);
		assert_int_equal(identity_ns_count(f->ic), 1);
	}
	fake_free(f);
}

static void test_nothing_to_read(void **state)
{
	struct fake *f = fake_new("", 0);
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1000, 1000, NONE);
	struct shrike_proc_ctx nons = ctx(200, 0, 1000, 1000, NONE);
	struct identity_names n;

	(void)state;
	expect(f, &web, NULL, NULL, NULL, NULL, NULL);	/* no /proc: no root */
	assert_int_equal(identity_lookup(f->ic, &nons, 200, tag++, &n), -ENOENT);
	assert_null(n.user);
	assert_int_equal(identity_lookup(NULL, &web, 200, tag++, &n), -ENOENT);
	assert_int_equal(identity_lookup(f->ic, NULL, 200, tag++, &n), -ENOENT);
	fake_free(f);
}

/* ---- the fields -------------------------------------------------------------- */

static void test_fields(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct identity_config cfg = fake_config(f);
	struct enrich_ctx enrich = { 0 };
	struct sevent ev = {
		.num = 1, .pid = 200, .tid = 200, .has_ctx = 1, .type = SHRIKE_EVT_EXECVE,
	};

	(void)state;
	ev.ctx = ctx(200, f->web1_ns, 1001, 1000, NONE);
	/* no context, or one without identities: unknown, not a crash */
	field(&ev, "user.name", NULL);
	ev.enrich = &enrich;
	field(&ev, "user.name", NULL);
	enrich.identity = identity_new(&cfg);
	assert_non_null(enrich.identity);
	field(&ev, "user.name", "bob");
	field(&ev, "user.homedir", "/home/bob");
	field(&ev, "user.shell", "/bin/sh");
	field(&ev, "group.name", "staff");
	field(&ev, "user.loginname", NULL);
	ev.num++;
	ev.ctx = ctx(100, f->host_ns, 1000, 1000, 1000);
	ev.pid = ev.tid = 100;
	field(&ev, "user.name", "cloudsdk");
	field(&ev, "group.name", "cloudsdk");
	field(&ev, "user.loginname", "cloudsdk");
	/* an exiting process: its namespace's other processes are asked */
	ev.num++;
	ev.type = SHRIKE_EVT_PROCEXIT;
	ev.ctx = ctx(201, f->web1_ns, 1000, 1000, 1001);
	ev.pid = ev.tid = 201;
	field(&ev, "user.name", "alice");
	field(&ev, "user.loginname", "bob");
	/* no identity at all */
	ev.num++;
	ev.has_ctx = 0;
	field(&ev, "user.name", NULL);
	field(&ev, "group.name", NULL);
	identity_free(enrich.identity);
	fake_free(f);
}

/* ---- uid and gid arguments -------------------------------------------------- */

/* An event of type whose uid/gid parameters are ids[] in order, made by process c. */
struct id_event {
	struct sevent ev;
	int64_t num[SCHEMA_MAX_PARAMS];
};

static void id_event(struct id_event *e, const char *type, const struct shrike_proc_ctx *c,
		     struct enrich_ctx *enrich, const int64_t *ids, int nids)
{
	int i, k = 0, t = schema_type_by_name(type);

	assert_true(t > 0);
	memset(e, 0, sizeof(*e));
	e->ev.num = (uint64_t)tag++;
	e->ev.type = (uint16_t)t;
	e->ev.schema = schema_of((uint16_t)t);
	e->ev.nparams = e->ev.schema->nparams;
	e->ev.pid = e->ev.tid = c->pid;
	e->ev.has_ctx = 1;
	e->ev.ctx = *c;
	e->ev.enrich = enrich;
	for (i = 0; i < e->ev.nparams; i++) {
		if (e->ev.schema->params[i].kind != SHRIKE_K_S64) {
			e->ev.params[i].flags = SPARAM_MISSING;
			continue;
		}
		if (i > 0 && k < nids)	/* 0 is res */
			e->num[i] = ids[k++];
		e->ev.params[i].p = (const char *)&e->num[i];
		e->ev.params[i].len = 8;
	}
	assert_int_equal(k, nids);
}

/* evt.rawarg.key of ev is the number want */
static void rawarg_is(const struct sevent *ev, const char *key, int64_t want)
{
	struct rf_ref ref = { .id = fields_find("evt.rawarg"), .index = -1, .key = key };
	struct rf_value v;

	fields_extract(ev, &ref, &v);
	assert_int_equal(v.known, 1);
	assert_int_equal(v.i, want);
}

/* evt.arg.key of ev is the text want */
static void arg_is(const struct sevent *ev, const char *key, const char *want)
{
	struct rf_ref ref = { .id = fields_find("evt.arg"), .index = -1, .key = key };
	struct rf_value v;

	fields_extract(ev, &ref, &v);
	assert_int_equal(v.known, 1);
	assert_int_equal(v.type, RF_STR);
	assert_string_equal(v.s, want);
}

/*
 * setuid(1000) in web1 names web1's uid 1000 (alice), not the host's
 * (cloudsdk): the id is one of the caller's user namespace, named by its
 * own passwd, as user.name is. Unknown ids are <NA>, -1 <NONE>, as Falco.
 */
static void test_arg_names(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct identity_config cfg = fake_config(f);
	struct enrich_ctx enrich = { 0 };
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1001, 1001, NONE);
	struct shrike_proc_ctx host = ctx(100, f->host_ns, 0, 0, NONE);
	const int64_t res_ids[] = { 1000, -1, 4242 }, gids[] = { 1000, 1001, 0 }, one[] = { 1000 };
	struct id_event e;

	(void)state;
	enrich.identity = identity_new(&cfg);
	assert_non_null(enrich.identity);
	id_event(&e, "setresuid", &web, &enrich, res_ids, 3);
	arg_is(&e.ev, "ruid", "alice");
	/* the caller's own names stay its own, in the same event */
	field(&e.ev, "user.name", "bob");
	arg_is(&e.ev, "euid", "<NONE>");
	arg_is(&e.ev, "suid", "<NA>");
	field(&e.ev, "evt.args", "ruid=1000(alice) euid=-1(<NONE>) suid=4242(<NA>)");
	rawarg_is(&e.ev, "ruid", 1000);
	rawarg_is(&e.ev, "euid", -1);
	field(&e.ev, "group.name", "bob");
	id_event(&e, "setresgid", &web, &enrich, gids, 3);
	field(&e.ev, "evt.args", "rgid=1000(staff) egid=1001(bob) sgid=0(root)");
	id_event(&e, "setuid", &host, &enrich, one, 1);
	arg_is(&e.ev, "uid", "cloudsdk");
	id_event(&e, "setgid", &host, &enrich, one, 1);
	arg_is(&e.ev, "gid", "cloudsdk");
	/* setregid's ids are groups (Falco's table types them as uids) */
	id_event(&e, "setregid", &web, &enrich, gids, 2);
	field(&e.ev, "evt.args", "rgid=1000(staff) egid=1001(bob)");
	/* a process with no identity: nothing to name from */
	e.ev.has_ctx = 0;
	arg_is(&e.ev, "rgid", "<NA>");
	identity_free(enrich.identity);
	fake_free(f);
}

/*
 * A container's passwd is the container's to write: a name with control
 * characters and one of 255 bytes show as they are in the field, and the
 * JSON and text outputs escape them like user.name's.
 */
static void test_arg_names_hostile(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct identity_config cfg = fake_config(f);
	struct enrich_ctx enrich = { 0 };
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1001, 1001, NONE);
	const int64_t ids[] = { 1002, 1003, 1004 };
	char longname[256], *passwd, *out = NULL, *want;
	size_t len = 0;
	struct id_event e;
	FILE *fp;

	(void)state;
	memset(longname, 'l', 255);
	longname[255] = '\0';
	assert_true(asprintf(&passwd, "root:x:0:0:root:/root:/bin/ash\n"
			     "\x1b[31mevil\x1b[0m\r:x:1002:1002::/:/bin/sh\n"
			     "%s:x:1003:1003::/:/bin/sh\n"
			     "%s:x:1004:1004::/:/bin/sh\n", longname, longname) > 0);
	put_replace(f->dir, "web1/etc/passwd", passwd);
	free(passwd);
	enrich.identity = identity_new(&cfg);
	assert_non_null(enrich.identity);
	id_event(&e, "setresuid", &web, &enrich, ids, 3);
	arg_is(&e.ev, "ruid", "\x1b[31mevil\x1b[0m\r");
	arg_is(&e.ev, "euid", longname);
	assert_true(asprintf(&want, "ruid=1002(\x1b[31mevil\x1b[0m\r) euid=1003(%s) suid=1004(%s)",
			     longname, longname) > 0);
	field(&e.ev, "evt.args", want);
	free(want);
	fp = open_memstream(&out, &len);
	assert_non_null(fp);
	assert_int_equal(evt_json_print(fp, &e.ev, 1), 0);
	assert_int_equal(evt_json_print(fp, &e.ev, 0), 0);
	fclose(fp);
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\r'));
	assert_non_null(strstr(out, "\"evt.arg.ruid\":\"\\u001b[31mevil\\u001b[0m\\r\""));
	assert_non_null(strstr(out, "\"evt.rawarg.ruid\":1002"));
	assert_non_null(strstr(out, longname));
	free(out);
	identity_free(enrich.identity);
	fake_free(f);
}

static void no_record(void *ctx, const struct shrike_evt_hdr *rec, size_t len, uint32_t cpu)
{
	(void)ctx, (void)rec, (void)len, (void)cpu;
}

static void on_side(void *ctx, uint32_t pid, const char *const *values, uint32_t n)
{
	(void)ctx;
	side_replay_set(pid, values, n);
}

/*
 * A capture records the names its arguments had, with the process's own
 * (side records), and a replay gives those: never a lookup in the files of
 * the replaying host, which here has renamed alice meanwhile.
 */
static void test_arg_names_replayed(void **state)
{
	struct fake *f = fake_new(NULL, 0);
	struct identity_config cfg = fake_config(f);
	struct enrich_ctx enrich = { 0 };
	struct shrike_proc_ctx web = ctx(200, f->web1_ns, 1001, 1001, NONE);
	const int64_t ids[] = { 1000, 0, 4242 }, gids[] = { 1000 };
	struct capture_sink sink = { no_record, NULL, on_side, NULL };
	char path[] = "/tmp/shrike-argcap-XXXXXX", err[256];
	struct capture_writer w = { 0 };
	struct capture_reader r;
	struct id_event e, g;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	enrich.identity = identity_new(&cfg);
	assert_non_null(enrich.identity);
	assert_int_equal(capture_open_write(&w, path, 0, 1, 4096, err, sizeof(err)), 0);
	id_event(&e, "setresuid", &web, &enrich, ids, 3);
	side_capture(&w, &e.ev);
	assert_int_equal(capture_close_write(&w), 0);
	/* the replaying host: alice renamed, and the replay must not care */
	put_replace(f->dir, "web1/etc/passwd", "root:x:0:0:root:/root:/bin/ash\n"
		    "mallory:x:1000:1000::/:/bin/sh\nbob:x:1001:1001::/home/bob:/bin/sh\n");
	f->now += 60000;
	assert_int_equal(capture_open_read(&r, path, err, sizeof(err)), 0);
	assert_int_equal(capture_replay(&r, &sink, err, sizeof(err)), 0);
	capture_close_read(&r);
	enrich.replaying = 1;
	field(&e.ev, "evt.args", "ruid=1000(alice) euid=0(root) suid=4242(<NA>)");
	field(&e.ev, "user.name", "bob");
	/* what the capture did not record is unknown, not looked up */
	id_event(&g, "setgid", &web, &enrich, gids, 1);
	g.ev.pid = g.ev.tid = 999;
	arg_is(&g.ev, "gid", "<NA>");
	enrich.replaying = 0;
	e.ev.num = (uint64_t)tag++;
	field(&e.ev, "evt.args", "ruid=1000(mallory) euid=0(root) suid=4242(<NA>)");
	side_replay_free();
	unlink(path);
	identity_free(enrich.identity);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_container_only_uid),
		cmocka_unit_test(test_same_uid_other_name),
		cmocka_unit_test(test_unmapped),
		cmocka_unit_test(test_loginname),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_same_event),
		cmocka_unit_test(test_young_namespace),
		cmocka_unit_test(test_host_namespace_settled),
		cmocka_unit_test(test_other_live_pid),
		cmocka_unit_test(test_chroot_not_used),
		cmocka_unit_test(test_ns_new_forgets),
		cmocka_unit_test(test_stuck_read),
		cmocka_unit_test(test_none_alive_keeps_names),
		cmocka_unit_test(test_ns_inode_reused),
		cmocka_unit_test(test_failed_open_retried),
		cmocka_unit_test(test_pid_reuse),
		cmocka_unit_test(test_link_out_of_root),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_ns_bound),
		cmocka_unit_test(test_nothing_to_read),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_arg_names),
		cmocka_unit_test(test_arg_names_hostile),
		cmocka_unit_test(test_arg_names_replayed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
