/* SPDX-License-Identifier: GPL-2.0-only */
/* test_container.c: a process's container, from cgroup ids (v2, v1) or /proc, remembered */
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

#include "enrich/cgroupfs.h"
#include "enrich/container.h"
#include "enrich/enrich.h"
#include "fields/fields.h"
#include "enrich/proctab.h"

#define HIER_PIDS	8u

/* ---- a fake host: cgroup trees, a mount table and a /proc ---------------- */

struct fake {
	char *dir;
	char *procdir;
	uint64_t now;
	struct cgroupfs *cg;
	struct container_ctx *cc;
};

static uint64_t fake_now(void *arg)
{
	return ((struct fake *)arg)->now;
}

static void move(const struct fake *f, const char *from, const char *to)
{
	char *a = at(f->dir, from), *b = at(f->dir, to);

	assert_int_equal(rename(a, b), 0);
	free(a);
	free(b);
}

static uint64_t ns_per_tick(void)
{
	return 1000000000ull / (uint64_t)sysconf(_SC_CLK_TCK);
}

/* <procdir>/<pid>: stat (start time in ticks), status, comm and, unless NULL, cgroup. */
static void fake_pid(struct fake *f, uint32_t pid, unsigned long long start_ticks,
		     const char *cgroup)
{
	char rel[64], *text;

	snprintf(rel, sizeof(rel), "%u", pid);
	mkdirs(f->procdir, rel);
	assert_true(asprintf(&text, "%u (sh) S 1 %u %u 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %llu 0 0\n",
			     pid, pid, pid, start_ticks) > 0);
	snprintf(rel, sizeof(rel), "%u/stat", pid);
	put(f->procdir, rel, text);
	free(text);
	snprintf(rel, sizeof(rel), "%u/status", pid);
	put(f->procdir, rel, "Name:\tsh\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	snprintf(rel, sizeof(rel), "%u/comm", pid);
	put(f->procdir, rel, "sh\n");
	if (cgroup) {
		snprintf(rel, sizeof(rel), "%u/cgroup", pid);
		put(f->procdir, rel, cgroup);
	}
}

static void fake_unpid(struct fake *f, uint32_t pid, const char *file)
{
	char rel[64], *p;

	snprintf(rel, sizeof(rel), "%u/%s", pid, file);
	p = at(f->procdir, rel);
	assert_int_equal(unlink(p), 0);
	free(p);
}

static struct fake *fake_new(unsigned int max_names, const char *procdir)
{
	char tmpl[] = "/tmp/shrike-cont-XXXXXX", *mi, *cgroups, *text;
	struct fake *f = calloc(1, sizeof(*f));
	struct cgroupfs_config gcfg = { .flags = CGROUPFS_NO_HANDLE, .now_ms = fake_now };
	struct container_config ccfg = { .max_names = max_names, .now_ms = fake_now };

	assert_non_null(f);
	assert_non_null(mkdtemp(tmpl));
	f->dir = strdup(tmpl);
	f->procdir = at(f->dir, "proc");
	f->now = 5000000;
	mkdirs(f->dir, "proc");
	mkdirs(f->dir, "u/init.scope");
	mkdirs(f->dir, "u/lxc.payload.web1/.lxc");
	mkdirs(f->dir, "u/lxc.payload.db1");
	mkdirs(f->dir, "u/lxc.payload.my.app-1_b/system.slice");
	mkdirs(f->dir, "u/lxc.monitor.web1");
	mkdirs(f->dir, "u/lxc.payload.outer/lxc.payload.inner/.lxc");
	mkdirs(f->dir, "u/lxc.payload.web1/lxc/host");
	mkdirs(f->dir, "u/user.slice/user-1000.slice/user@1000.service/lxc.payload.web1/.lxc");
	mkdirs(f->dir, "p/lxc/old1/.lxc");
	mkdirs(f->dir, "outside");
	assert_true(asprintf(&text,
			     "30 1 0:30 / %s/p rw - cgroup cgroup rw,pids\n"
			     "31 1 0:31 / %s/u rw - cgroup2 cgroup2 rw\n", f->dir, f->dir) > 0);
	put(f->dir, "mountinfo", text);
	free(text);
	put(f->dir, "cgroups", "#subsys_name\thierarchy\tnum_cgroups\tenabled\npids\t8\t1\t1\n");
	mi = at(f->dir, "mountinfo");
	cgroups = at(f->dir, "cgroups");
	gcfg.mountinfo = mi;
	gcfg.cgroups = cgroups;
	gcfg.arg = f;
	f->cg = cgroupfs_new(&gcfg);
	assert_non_null(f->cg);
	ccfg.procdir = procdir ? procdir : f->procdir;
	ccfg.cgroupfs = f->cg;
	ccfg.arg = f;
	f->cc = container_new(&ccfg);
	assert_non_null(f->cc);
	free(mi);
	free(cgroups);
	return f;
}

static void fake_free(struct fake *f)
{
	container_free(f->cc);
	cgroupfs_free(f->cg);
	rm_tree(f->dir);
	free(f->dir);
	free(f->procdir);
	free(f);
}

/* A process as the kernel reports it: cgroup ids set. */
static struct proc *kproc(uint32_t pid, uint64_t cg2, uint64_t cg1, uint32_t hier)
{
	struct proc *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->pid = pid;
	p->has_ctx = 1;
	p->ctx.pid = p->ctx.tid = pid;
	p->ctx.cgroup_id = cg2;
	p->ctx.cgroup1_id = cg1;
	p->ctx.cgroup1_hier = hier;
	p->start_ns = p->ctx.start_ns = 1234567890123ull;
	return p;
}

/* A process the /proc scan found: no cgroup ids, start time from /proc. */
static struct proc *sproc(uint32_t pid, unsigned long long start_ticks)
{
	struct proc *p = kproc(pid, 0, 0, 0);

	p->start_ns = p->ctx.start_ns = start_ticks * ns_per_tick();
	return p;
}

static void assert_in(const struct container *c, const char *type, const char *name)
{
	assert_non_null(c);
	assert_string_equal(c->type_name, type);
	if (name)
		assert_string_equal(c->name, name);
	else
		assert_null(c->name);
	assert_int_equal(c->type, strcmp(type, "lxc") == 0 ? CONTAINER_LXC : CONTAINER_HOST);
}

/* ---- from cgroup ids -------------------------------------------------------- */

static void test_host(void **state)
{
	struct fake *f = fake_new(0, NULL);
	struct proc *p = kproc(10, ino_of(f->dir, "u/init.scope"), 0, 0);
	struct proc *root = kproc(2, ino_of(f->dir, "u"), 0, 0);	/* kernel threads: the root */

	(void)state;
	assert_in(container_of(f->cc, p), "host", "host");
	assert_in(container_of(f->cc, root), "host", "host");
	free(p);
	free(root);
	fake_free(f);
}

static void test_lxc_v2(void **state)
{
	struct fake *f = fake_new(0, NULL);
	struct proc *init = kproc(20, ino_of(f->dir, "u/lxc.payload.web1"), 0, 0);
	struct proc *att = kproc(21, ino_of(f->dir, "u/lxc.payload.web1/.lxc"), 0, 0);
	struct proc *dots = kproc(22, ino_of(f->dir, "u/lxc.payload.my.app-1_b/system.slice"), 0, 0);
	uint64_t inner = ino_of(f->dir, "u/lxc.payload.outer/lxc.payload.inner/.lxc");
	struct proc *nest = kproc(23, inner, 0, 0);
	const struct container *a, *b;

	(void)state;
	a = container_of(f->cc, init);
	assert_in(a, "lxc", "web1");
	b = container_of(f->cc, att);	/* lxc-attach: same container, one record */
	assert_in(b, "lxc", "web1");
	assert_ptr_equal(a, b);
	assert_in(container_of(f->cc, dots), "lxc", "my.app-1_b");
	/* the outermost container is the one; what is below it is only reported */
	a = container_of(f->cc, nest);
	assert_in(a, "lxc", "outer");
	assert_string_equal(a->nested, "inner");
	assert_null(container_of(f->cc, init)->nested);
	free(init);
	free(att);
	free(dots);
	free(nest);
	fake_free(f);
}

/*
 * A container names its own child cgroups: "lxc/host" must not make its
 * processes the host, nor a user's container pass for a system one.
 */
static void test_unforgeable(void **state)
{
	struct fake *f = fake_new(0, NULL);
	struct proc *fake_host = kproc(30, ino_of(f->dir, "u/lxc.payload.web1/lxc/host"), 0, 0);
	struct proc *user = kproc(31, ino_of(f->dir,
		"u/user.slice/user-1000.slice/user@1000.service/lxc.payload.web1/.lxc"), 0, 0);
	struct proc *sys = kproc(32, ino_of(f->dir, "u/lxc.payload.web1"), 0, 0);
	const struct container *c;

	(void)state;
	c = container_of(f->cc, fake_host);
	assert_in(c, "lxc", "web1");
	assert_string_equal(c->nested, "host");
	c = container_of(f->cc, user);
	assert_in(c, "lxc", "user-1000/web1");
	assert_null(c->nested);
	c = container_of(f->cc, sys);
	assert_in(c, "lxc", "web1");
	assert_null(c->nested);
	free(fake_host);
	free(user);
	free(sys);
	fake_free(f);
}

/* The monitor runs on the host side. */
static void test_monitor(void **state)
{
	struct fake *f = fake_new(0, NULL);
	struct proc *p = kproc(30, ino_of(f->dir, "u/lxc.monitor.web1"), 0, 0);

	(void)state;
	assert_in(container_of(f->cc, p), "host", "host");
	free(p);
	fake_free(f);
}

/* LXC on cgroup v1: v2 says root, the pids hierarchy tells. */
static void test_lxc_v1(void **state)
{
	struct fake *f = fake_new(0, NULL);
	uint64_t old1 = ino_of(f->dir, "p/lxc/old1/.lxc");
	struct proc *hybrid = kproc(40, ino_of(f->dir, "u"), old1, HIER_PIDS);
	struct proc *v1only = kproc(41, 0, old1, HIER_PIDS);
	struct proc *v1host = kproc(42, 0, ino_of(f->dir, "p"), HIER_PIDS);
	/* v2 cannot be resolved, v1 says host: host */
	struct proc *v2gone = kproc(43, ino_of(f->dir, "outside"), ino_of(f->dir, "p"), HIER_PIDS);
	/* both say a container: v2 wins */
	struct proc *both = kproc(44, ino_of(f->dir, "u/lxc.payload.db1"), old1, HIER_PIDS);
	/* the id of another hierarchy's cgroup does not resolve there */
	struct proc *wrong = kproc(45, 0, old1, 3);

	(void)state;
	assert_in(container_of(f->cc, hybrid), "lxc", "old1");
	assert_in(container_of(f->cc, v1only), "lxc", "old1");
	assert_in(container_of(f->cc, v1host), "host", "host");
	assert_in(container_of(f->cc, v2gone), "host", "host");
	assert_in(container_of(f->cc, both), "lxc", "db1");
	assert_null(container_of(f->cc, wrong));
	free(hybrid);
	free(v1only);
	free(v1host);
	free(v2gone);
	free(both);
	free(wrong);
	fake_free(f);
}

/* ---- from /proc/<pid>/cgroup --------------------------------------------- */

static void test_scan_proc(void **state)
{
	struct fake *f = fake_new(0, NULL);
	struct proc *v2 = sproc(100, 5000), *v1 = sproc(101, 5001), *host = sproc(102, 5002);

	(void)state;
	fake_pid(f, 100, 5000, "8:pids:/lxc.payload.scan1\n0::/lxc.payload.scan1/.lxc\n");
	fake_pid(f, 101, 5001, "9:name=systemd:/\n8:pids:/lxc/old2/.lxc\n0::/\n");
	fake_pid(f, 102, 5002, "8:pids:/\n0::/init.scope\n");
	assert_in(container_of(f->cc, v2), "lxc", "scan1");
	assert_in(container_of(f->cc, v1), "lxc", "old2");
	assert_in(container_of(f->cc, host), "host", "host");
	free(v2);
	free(v1);
	free(host);
	fake_free(f);
}

/* The pid now belongs to another process: its file is not read for ours. */
static void test_scan_pid_reused(void **state)
{
	struct fake *f = fake_new(0, NULL);
	struct proc *p = sproc(110, 7000), *nostart = sproc(111, 0);

	(void)state;
	fake_pid(f, 110, 7001, "0::/lxc.payload.someone.else\n");
	assert_null(container_of(f->cc, p));
	/* no start time known: nothing to compare, the file is taken */
	fake_pid(f, 111, 7002, "0::/lxc.payload.web1\n");
	nostart->start_ns = 0;
	assert_in(container_of(f->cc, nostart), "lxc", "web1");
	free(p);
	free(nostart);
	fake_free(f);
}

/* A cgroup name with a newline forges lines: never trust the name then. */
static void test_scan_ambiguous(void **state)
{
	struct fake *f = fake_new(0, NULL);
	struct proc *evil = sproc(120, 10), *host = sproc(121, 11);

	(void)state;
	fake_pid(f, 120, 10,
		 "8:pids:/lxc.payload.web1/x\n0::/lxc.payload.db1\n0::/lxc.payload.web1/x\n");
	fake_pid(f, 121, 11, "0::/\n0::/init.scope\n");
	assert_in(container_of(f->cc, evil), "lxc", NULL);
	assert_in(container_of(f->cc, host), "host", "host");
	free(evil);
	free(host);
	fake_free(f);
}

/* No /proc to read (events replayed from elsewhere): a process without ids is unplaced. */
static void test_no_procdir(void **state)
{
	struct fake *f = fake_new(0, "");
	struct proc *p = sproc(130, 12), *k = kproc(131, 0, 0, 0);

	(void)state;
	fake_pid(f, 130, 12, "0::/lxc.payload.web1\n");
	assert_null(container_of(f->cc, p));
	assert_null(container_of(NULL, p));
	assert_null(container_of(f->cc, NULL));
	k->has_ctx = 0;
	assert_null(container_of(f->cc, k));
	free(p);
	free(k);
	fake_free(f);
}

/* ---- remembered per process ------------------------------------------------ */

static void test_memo(void **state)
{
	struct fake *f = fake_new(0, NULL);
	struct proc *s = sproc(140, 20);
	struct proc *k = kproc(141, ino_of(f->dir, "u/lxc.payload.web1/.lxc"), 0, 0);
	const struct container *c;

	(void)state;
	fake_pid(f, 140, 20, "0::/lxc.payload.db1\n");
	assert_in(container_of(f->cc, s), "lxc", "db1");
	assert_in(container_of(f->cc, k), "lxc", "web1");
	/* nothing is read again: gone files and renamed cgroups change nothing */
	fake_unpid(f, 140, "cgroup");
	move(f, "u/lxc.payload.web1", "u/lxc.payload.web9");
	f->now += 3600 * 1000;
	assert_in(container_of(f->cc, s), "lxc", "db1");
	assert_in(container_of(f->cc, k), "lxc", "web1");
	/* exec into another cgroup: new ids, looked up again */
	s->ctx.cgroup_id = ino_of(f->dir, "u/init.scope");
	assert_in(container_of(f->cc, s), "host", "host");
	k->ctx.cgroup_id = ino_of(f->dir, "u/lxc.payload.web9");
	c = container_of(f->cc, k);
	assert_in(c, "lxc", "web9");
	assert_ptr_equal(container_of(f->cc, k), c);
	free(s);
	free(k);
	fake_free(f);
}

/* A cgroup not found is looked for again after retry_ms (and cgroupfs' negative time). */
static void test_retry(void **state)
{
	struct fake *f = fake_new(0, NULL);
	struct proc *p = kproc(150, ino_of(f->dir, "outside"), 0, 0);

	(void)state;
	assert_null(container_of(f->cc, p));
	move(f, "outside", "u/lxc.payload.late");
	f->now += 1000;
	assert_null(container_of(f->cc, p));
	f->now += CONTAINER_RETRY_MS + CGROUPFS_NEGATIVE_MS;
	assert_in(container_of(f->cc, p), "lxc", "late");
	free(p);
	fake_free(f);
}

/* More names than slots: the least recently used gives way, and its processes look again. */
static void test_name_eviction(void **state)
{
	struct fake *f = fake_new(1, NULL);
	struct proc *a = kproc(160, ino_of(f->dir, "u/lxc.payload.web1"), 0, 0);
	struct proc *b = kproc(161, ino_of(f->dir, "u/lxc.payload.db1"), 0, 0);
	struct proc *h = kproc(162, ino_of(f->dir, "u/init.scope"), 0, 0);
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_in(container_of(f->cc, a), "lxc", "web1");
		assert_in(container_of(f->cc, b), "lxc", "db1");
		/* the host needs no slot */
		assert_in(container_of(f->cc, h), "host", "host");
	}
	free(a);
	free(b);
	free(h);
	fake_free(f);
}

/* container_scan() places the processes of a /proc scan while they can be read. */
static void test_container_scan(void **state)
{
	struct fake *f = fake_new(0, NULL);
	struct proctab pt;
	struct proc *p;

	(void)state;
	fake_pid(f, 200, 30, "0::/init.scope\n");
	fake_pid(f, 201, 31, "0::/lxc.payload.web1/.lxc\n");
	fake_pid(f, 202, 32, "8:pids:/lxc/old1\n0::/\n");
	assert_int_equal(proctab_init(&pt, 100), 0);
	assert_int_equal(proctab_scan(&pt, f->procdir), 3);
	assert_int_equal(container_scan(f->cc, &pt), 3);
	fake_unpid(f, 200, "cgroup");
	fake_unpid(f, 201, "cgroup");
	fake_unpid(f, 202, "cgroup");
	p = proctab_get(&pt, 200);
	assert_non_null(p);
	assert_in(container_of(f->cc, p), "host", "host");
	assert_in(container_of(f->cc, proctab_get(&pt, 201)), "lxc", "web1");
	assert_in(container_of(f->cc, proctab_get(&pt, 202)), "lxc", "old1");
	assert_int_equal(container_scan(NULL, &pt), 0);
	proctab_free(&pt);
	fake_free(f);
}

/* ---- the fields -------------------------------------------------------------- */

static void test_fields(void **state)
{
	struct fake *f = fake_new(0, NULL);
	struct container_config cfg = { .procdir = f->procdir, .cgroupfs = f->cg };
	struct proc *web = kproc(300, ino_of(f->dir, "u/lxc.payload.web1/.lxc"), 0, 0);
	struct proc *host = kproc(301, ino_of(f->dir, "u/init.scope"), 0, 0);
	struct proc *gone = kproc(302, ino_of(f->dir, "outside"), 0, 0);
	struct enrich_ctx enrich = { 0 };
	struct sevent ev = { .num = 1, .pid = 300, .tid = 300, .proc = web };

	(void)state;
	/* no context, or one without containers: unknown, not a crash */
	field(&ev, "container.name", NULL);
	ev.enrich = &enrich;
	field(&ev, "container.name", NULL);
	enrich.containers = container_new(&cfg);
	assert_non_null(enrich.containers);
	field(&ev, "container.id", "web1");
	field(&ev, "container.name", "web1");
	field(&ev, "container.type", "lxc");
	ev.proc = host;
	field(&ev, "container.id", "host");
	field(&ev, "container.name", "host");
	field(&ev, "container.type", "host");
	ev.proc = gone;
	field(&ev, "container.id", NULL);
	field(&ev, "container.type", NULL);
	ev.proc = NULL;
	field(&ev, "container.name", NULL);
	/* replaying: the capture's values, never this host's */
	ev.proc = web;
	enrich.replaying = 1;
	field(&ev, "container.name", NULL);
	container_free(enrich.containers);
	free(web);
	free(host);
	free(gone);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host),
		cmocka_unit_test(test_lxc_v2),
		cmocka_unit_test(test_unforgeable),
		cmocka_unit_test(test_monitor),
		cmocka_unit_test(test_lxc_v1),
		cmocka_unit_test(test_scan_proc),
		cmocka_unit_test(test_scan_pid_reused),
		cmocka_unit_test(test_scan_ambiguous),
		cmocka_unit_test(test_no_procdir),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_name_eviction),
		cmocka_unit_test(test_container_scan),
		cmocka_unit_test(test_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
