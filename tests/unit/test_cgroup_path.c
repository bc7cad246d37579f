/* SPDX-License-Identifier: GPL-2.0-only */
/* test_cgroup_path.c: cgroup path → container identity, for every LXC layout and garbage */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "enrich/cgroup_path.h"

/* One case: a path, the container.id expected (NULL: a host process), container.nested. */
struct pcase {
	const char *path;
	const char *name;
	unsigned int depth;
	const char *nested;	/* NULL: none */
};

static const struct pcase layouts[] = {
	/* LXC >= 4.0 */
	{ "/lxc.payload.web1", "web1", 1, NULL },
	{ "/lxc.payload.web1/", "web1", 1, NULL },
	{ "/lxc.payload.web1/.lxc", "web1", 1, NULL },	/* lxc-attach */
	{ "/lxc.payload.web1/init.scope", "web1", 1, NULL },
	{ "/lxc.payload.web1/system.slice/ssh.service", "web1", 1, NULL },
	/* LXC 3.x, and older */
	{ "/lxc.payload/web1", "web1", 1, NULL },
	{ "/lxc.payload/web1/.lxc", "web1", 1, NULL },
	{ "/lxc/web1", "web1", 1, NULL },
	{ "/lxc/web1/.lxc", "web1", 1, NULL },
	{ "/lxc/web1/init.scope", "web1", 1, NULL },
	/* containers of an unprivileged user, below its delegated cgroup: say whose */
	{ "/user.slice/user-1000.slice/user@1000.service/app.slice/lxc.payload.u1", "user-1000/u1", 1, NULL },
	{ "/user.slice/user-1000.slice/user@1000.service/lxc.payload.web1", "user-1000/web1", 1, NULL },
	{ "/user.slice/user-7.slice/user@7.service/x/lxc/db1/.lxc", "user-7/db1", 1, NULL },
	/* the first user unit decides: the user may name a child "user@0.service" */
	{ "/user.slice/user-1000.slice/user@1000.service/user@0.service/lxc.payload.a", "user-1000/a", 1, NULL },
	{ "/user@4294967294.service/lxc.payload.a", "user-4294967294/a", 1, NULL },
	/* not a user unit: a system container, wherever the host put it */
	{ "/user@4294967295.service/lxc.payload.a", "a", 1, NULL },
	{ "/user@.service/lxc.payload.a", "a", 1, NULL },
	{ "/user@1x.service/lxc.payload.a", "a", 1, NULL },
	{ "/user@12345678901.service/lxc.payload.a", "a", 1, NULL },
	{ "/system.slice/runner.service/lxc.payload.ci", "ci", 1, NULL },
	/* a user unit below a container changes nothing */
	{ "/lxc.payload.web1/user.slice/user-1000.slice/user@1000.service/lxc.payload.x", "web1", 2, "x" },
	{ "/user.slice/user-1000.slice/user@1000.service/lxc.monitor.u1", NULL, 0, NULL },
	/* names with dots, dashes, underscores, colons */
	{ "/lxc.payload.my.app-1_b", "my.app-1_b", 1, NULL },
	{ "/lxc.payload.my.app-1_b/.lxc", "my.app-1_b", 1, NULL },
	{ "/lxc.payload.a.b.c", "a.b.c", 1, NULL },
	{ "/lxc.payload.lxc.payload.x", "lxc.payload.x", 1, NULL },
	{ "/lxc.payload/my.app-1_b", "my.app-1_b", 1, NULL },
	{ "/lxc/db_2-x.y", "db_2-x.y", 1, NULL },
	{ "/lxc.payload.a:b", "a:b", 1, NULL },
	{ "/lxc.payload.-", "-", 1, NULL },
	{ "/lxc.payload....", "...", 1, NULL },
	/* nesting: the outermost name, what is below it reported apart */
	{ "/lxc.payload.outer/lxc.payload.inner", "outer", 2, "inner" },
	{ "/lxc.payload.outer/lxc.payload.inner/.lxc", "outer", 2, "inner" },
	{ "/lxc.payload.outer/lxc/inner", "outer", 2, "inner" },
	{ "/lxc.payload.outer/lxc.payload/inner/.lxc", "outer", 2, "inner" },
	{ "/lxc/outer/lxc/inner", "outer", 2, "inner" },
	{ "/lxc.payload.outer/.lxc/lxc.payload.inner", "outer", 2, "inner" },
	{ "/lxc.payload.a/lxc.payload.b/lxc.payload.c", "a", 3, "b/c" },
	{ "/lxc.payload.a/init.scope/lxc.payload.b/lxc/c/.lxc", "a", 3, "b/c" },
	/* what a container makes below itself never makes it the host, or another */
	{ "/lxc.payload.web1/lxc/host", "web1", 2, "host" },
	{ "/lxc.payload.web1/lxc.payload.ci-runner", "web1", 2, "ci-runner" },
	{ "/lxc.payload.web1/lxc.monitor.x", "web1", 1, NULL },
	{ "/lxc.payload.web1/lxc.monitor/host", "web1", 1, NULL },
	{ "/lxc/web1/ns/lxc.payload.db1/lxc/host", "web1", 3, "db1/host" },
	/* Proxmox: /lxc/<vmid>/ns/... */
	{ "/lxc/101/ns", "101", 1, NULL },
	{ "/lxc/101/ns/init.scope", "101", 1, NULL },
	{ "/lxc/101/ns/.lxc", "101", 1, NULL },
	/* a nested monitor belongs to the container around it */
	{ "/lxc.payload.outer/lxc.monitor.inner", "outer", 1, NULL },
	{ "/lxc.payload.outer/lxc.monitor/inner", "outer", 1, NULL },
	{ "/lxc.payload.a/lxc.payload.b/lxc.monitor.c", "a", 2, "b" },
	{ "/lxc.payload.outer/lxc.monitor.inner/lxc.payload.x", "outer", 1, NULL },
	{ "/lxc.payload.outer/lxc.monitor/inner/lxc/x", "outer", 1, NULL },
	/* "lxc" or "lxc.payload" with no name after it is nothing */
	{ "/lxc.payload.outer/lxc", "outer", 1, NULL },
	{ "/lxc.payload.outer/lxc.payload", "outer", 1, NULL },
	{ "/lxc.payload.outer/lxc.payload.", "outer", 1, NULL },
	/* the host */
	{ "/", NULL, 0, NULL },
	{ "/init.scope", NULL, 0, NULL },
	{ "/system.slice/ssh.service", NULL, 0, NULL },
	{ "/system.slice/lxc.service", NULL, 0, NULL },
	{ "/system.slice/lxc-net.service", NULL, 0, NULL },
	{ "/system.slice/lxc@web1.service", NULL, 0, NULL },
	{ "/user.slice/user-1000.slice/session-3.scope", NULL, 0, NULL },
	{ "/lxc.monitor.web1", NULL, 0, NULL },
	{ "/lxc.monitor/web1", NULL, 0, NULL },
	{ "/lxc.monitor.my.app-1_b", NULL, 0, NULL },
	{ "/lxc.monitor.web1/lxc.payload.x", NULL, 0, NULL },	/* nothing lives below a monitor */
	{ "/lxc.monitor/web1/lxc/x", NULL, 0, NULL },
	{ "/lxc.payload..", NULL, 0, NULL },			/* "." and ".." are not names */
	{ "/lxc.payload...", NULL, 0, NULL },
	{ "/lxc", NULL, 0, NULL },
	{ "/lxc/", NULL, 0, NULL },
	{ "/lxc.payload", NULL, 0, NULL },
	{ "/lxc.payload.", NULL, 0, NULL },
	{ "/lxc.payload./x", NULL, 0, NULL },
	{ "/lxc.monitor", NULL, 0, NULL },
	{ "/lxcpayload.web1", NULL, 0, NULL },
	{ "/lxc-payload.web1", NULL, 0, NULL },
	{ "/LXC.payload.web1", NULL, 0, NULL },
	{ "/xlxc.payload.web1", NULL, 0, NULL },
	{ "/lxc.payloadweb1", NULL, 0, NULL },
};

static void expect_id(const struct cgroup_path_id *id, const char *name, unsigned int depth,
		      const char *what)
{
	char got[256];

	if (!name) {
		if (id->type != CONTAINER_HOST)
			fail_msg("'%s': expected host, got '%.*s'", what, (int)id->name_len,
				 id->name);
		assert_int_equal(id->name_len, 4);
		assert_memory_equal(id->name, "host", 4);
		assert_int_equal(id->depth, 0);
		return;
	}
	if (cgroup_path_name_copy(id, got, sizeof(got)) < 0)
		snprintf(got, sizeof(got), "<%zu bytes>", id->name_len);
	if (id->type != CONTAINER_LXC || strcmp(got, name) != 0)
		fail_msg("'%s': expected lxc '%s', got type %d '%s'", what, name, id->type, got);
	assert_int_equal(id->depth, depth);
}

static void expect_nested(const struct cgroup_path_id *id, const char *nested, const char *what)
{
	char got[256];

	assert_true(cgroup_path_nested(id, got, sizeof(got)) >= 0);
	if (strcmp(got, nested ? nested : "") != 0)
		fail_msg("'%s': expected nested '%s', got '%s'", what, nested ? nested : "", got);
}

static void test_layouts(void **state)
{
	struct cgroup_path_id id;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		const struct pcase *c = &layouts[i];

		assert_int_equal(cgroup_path_parse(c->path, strlen(c->path), &id), 0);
		expect_id(&id, c->name, c->depth, c->path);
		expect_nested(&id, c->nested, c->path);
	}
}

/* The name points into the caller's input, which need not be NUL-terminated. */
static void test_name_points_into_input(void **state)
{
	const char buf[] = "/lxc.payload.web1/.lxcGARBAGE";
	struct cgroup_path_id id;

	(void)state;
	assert_int_equal(cgroup_path_parse(buf, strlen("/lxc.payload.web1"), &id), 0);
	assert_ptr_equal(id.name, buf + strlen("/lxc.payload."));
	assert_int_equal(id.name_len, 4);
	/* the length bounds the read: ".lxcGARBAGE" is not part of the path */
	assert_int_equal(cgroup_path_parse(buf, 13, &id), 0);	/* "/lxc.payload." */
	expect_id(&id, NULL, 0, "cut");
}

static void test_malformed_paths(void **state)
{
	static const char *const bad[] = {
		"", "lxc.payload.web1", "lxc/web1", "0::/lxc.payload.web1", " /lxc.payload.x",
		"/lxc.payload.web1/..", "/../lxc.payload.web1", "/lxc.payload.x/./y",
		"/lxc/..", "/lxc/.", "/lxc.payload/..",
	};
	struct cgroup_path_id id;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		id.type = CONTAINER_LXC;
		assert_int_equal(cgroup_path_parse(bad[i], strlen(bad[i]), &id), -EINVAL);
		expect_id(&id, NULL, 0, bad[i]);
	}
	assert_int_equal(cgroup_path_parse(NULL, 0, &id), -EINVAL);
	assert_int_equal(cgroup_path_parse("/lxc.payload.a\0b", 16, &id), -EINVAL);
	assert_int_equal(cgroup_path_parse("/\0", 2, &id), -EINVAL);
	/* empty components are harmless */
	assert_int_equal(cgroup_path_parse("//lxc.payload.web1//.lxc", 24, &id), 0);
	expect_id(&id, "web1", 1, "double slashes");
}

static void test_very_long(void **state)
{
	size_t n = 1 << 20, i;
	char *p = malloc(n);
	struct cgroup_path_id id;

	(void)state;
	assert_non_null(p);
	/* a megabyte of "/a": host */
	for (i = 0; i < n; i += 2)
		memcpy(p + i, "/a", 2);
	assert_int_equal(cgroup_path_parse(p, n, &id), 0);
	expect_id(&id, NULL, 0, "long host");
	/* thousands of nested containers, a 500 KiB container name at the end: the first counts */
	for (i = 0; i + 32 < n / 2; i += 16)
		memcpy(p + i, "/lxc.payload.xy", 15), p[i + 15] = '/';
	memcpy(p + i, "/lxc.payload.", 13);
	memset(p + i + 13, 'n', n - i - 13);
	assert_int_equal(cgroup_path_parse(p, n, &id), 0);
	assert_int_equal(id.type, CONTAINER_LXC);
	assert_int_equal(id.name_len, 2);
	assert_memory_equal(id.name, "xy", 2);
	assert_int_equal(id.depth, i / 16 + 1);
	/* too long to report: refused whole, never cut */
	{
		char small[64];

		assert_int_equal(cgroup_path_nested(&id, small, sizeof(small)), -ENOSPC);
		assert_string_equal(small, "");
	}
	free(p);
}

static void test_name_copy(void **state)
{
	struct cgroup_path_id id;
	char buf[8];

	(void)state;
	assert_int_equal(cgroup_path_parse("/lxc.payload.web1", 17, &id), 0);
	assert_int_equal(cgroup_path_name_copy(&id, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "web1");
	assert_int_equal(cgroup_path_name_copy(&id, buf, 5), 4);
	assert_string_equal(buf, "web1");
	/* too small by one: refused, and no truncated name left behind */
	assert_int_equal(cgroup_path_name_copy(&id, buf, 4), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(cgroup_path_name_copy(&id, NULL, 0), -ENOSPC);
	assert_int_equal(cgroup_path_parse("/init.scope", 11, &id), 0);
	assert_int_equal(cgroup_path_name_copy(&id, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "host");
	/* the owner's prefix counts: "user-5/web1" does not fit in 8 */
	assert_int_equal(cgroup_path_parse("/user@5.service/lxc.payload.web1", 32, &id), 0);
	assert_int_equal(cgroup_path_name_copy(&id, buf, sizeof(buf)), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(cgroup_path_name_copy(&id, buf, 7), -ENOSPC);
}

static void expect_proc(const char *content, size_t len, int ret, const char *name,
			unsigned int depth)
{
	struct cgroup_path_id id;

	assert_int_equal(cgroup_path_parse_proc(content, len, &id), ret);
	expect_id(&id, name, depth, content);
}

#define PROC(s, ret, name, depth) expect_proc(s, sizeof(s) - 1, ret, name, depth)

static void test_proc_v2(void **state)
{
	(void)state;
	PROC("0::/lxc.payload.web1/.lxc\n", 0, "web1", 1);
	PROC("0::/lxc.payload.web1", 0, "web1", 1);	/* no final newline */
	PROC("0::/init.scope\n", 0, NULL, 0);
	PROC("0::/\n", 0, NULL, 0);
	PROC("0::/lxc.monitor.web1\n", 0, NULL, 0);
	PROC("0::/lxc.payload.outer/lxc.payload.inner/.lxc\n", 0, "outer", 2);
	/* a removed cgroup, as seen for a zombie */
	PROC("0::/lxc.payload.web1 (deleted)\n", 0, "web1", 1);
	PROC("0::/lxc.payload.web1/.lxc (deleted)\n", 0, "web1", 1);
	/* colons belong to the path */
	PROC("0::/lxc.payload.a:b\n", 0, "a:b", 1);
}

static void test_proc_v1(void **state)
{
	(void)state;
	PROC("12:pids:/lxc.payload.db1\n"
	     "11:cpu,cpuacct:/lxc.payload.db1\n"
	     "1:name=systemd:/lxc.payload.db1/init.scope\n", 0, "db1", 1);
	PROC("4:memory:/lxc/old1\n1:name=systemd:/lxc/old1\n", 0, "old1", 1);
	/* only one hierarchy shows the container: it wins */
	PROC("12:pids:/system.slice/x.service\n"
	     "1:name=systemd:/lxc.payload/c3/.lxc\n", 0, "c3", 1);
	PROC("3:cpuset:/\n2:blkio:/user.slice\n1:name=systemd:/user.slice/session-1.scope\n",
	     0, NULL, 0);
}

static void test_proc_hybrid(void **state)
{
	(void)state;
	/* v2 and v1 agree */
	PROC("12:pids:/lxc.payload.web1\n1:name=systemd:/lxc.payload.web1\n"
	     "0::/lxc.payload.web1\n", 0, "web1", 1);
	/* only v1 shows it */
	PROC("1:name=systemd:/lxc.payload.web1\n0::/system.slice/lxc@web1.service\n",
	     0, "web1", 1);
	/* only v2 shows it */
	PROC("1:name=systemd:/system.slice/lxc@web1.service\n0::/lxc.payload.web1\n",
	     0, "web1", 1);
	/* they disagree: v2 wins, else the first v1 line */
	PROC("4:memory:/lxc/a\n0::/lxc.payload.b\n1:name=systemd:/lxc/c\n", 0, "b", 1);
	PROC("4:memory:/lxc/a\n1:name=systemd:/lxc/c\n", 0, "a", 1);
	/* only "0" with no controllers is the v2 line */
	PROC("0:cpu:/lxc/a\n00::/lxc/b\n0::/lxc.payload.c\n", 0, "c", 1);
}

/*
 * Cgroup names may hold a newline, printed raw: a container that may create
 * cgroups can forge lines. Outside nesting it cannot leave its own container
 * in pure v2 (the genuine line comes first), and duplicates are flagged.
 */
static void test_proc_forged(void **state)
{
	static const char v2[] = "0::/lxc.payload.web1/x\n0::/lxc.payload.db1\n";
	static const char v2host[] = "0::/lxc.payload.web1/x\n0::/init.scope\n";
	static const char hybrid[] = "1:name=systemd:/lxc.payload.web1/x\n0::/lxc.payload.db1\n"
				     "0::/lxc.payload.web1\n";
	static const char clean[] = "1:name=systemd:/lxc.payload.web1\n0::/lxc.payload.web1\n";
	struct cgroup_path_id id;

	(void)state;
	assert_int_equal(cgroup_path_parse_proc(v2, sizeof(v2) - 1, &id), 0);
	expect_id(&id, "web1", 1, v2);
	assert_int_equal(id.ambiguous, 1);
	assert_int_equal(cgroup_path_parse_proc(v2host, sizeof(v2host) - 1, &id), 0);
	expect_id(&id, "web1", 1, v2host);
	assert_int_equal(id.ambiguous, 1);
	assert_int_equal(cgroup_path_parse_proc(hybrid, sizeof(hybrid) - 1, &id), 0);
	assert_int_equal(id.ambiguous, 1);
	assert_int_equal(cgroup_path_parse_proc(clean, sizeof(clean) - 1, &id), 0);
	assert_int_equal(id.ambiguous, 0);
	/* as a single path the newline is just part of the name */
	assert_int_equal(cgroup_path_parse("/lxc.payload.a\nb", 16, &id), 0);
	expect_id(&id, "a\nb", 1, "newline");
	assert_int_equal(id.ambiguous, 0);
}

static void test_proc_malformed(void **state)
{
	(void)state;
	PROC("", -EINVAL, NULL, 0);
	PROC("\n\n\n", -EINVAL, NULL, 0);
	PROC("garbage", -EINVAL, NULL, 0);
	PROC("0:/lxc.payload.web1\n", -EINVAL, NULL, 0);	/* one colon */
	PROC(":x:/lxc.payload.web1\n", -EINVAL, NULL, 0);	/* no hierarchy */
	PROC("a::/lxc.payload.web1\n", -EINVAL, NULL, 0);	/* not a number */
	PROC("0::lxc.payload.web1\n", -EINVAL, NULL, 0);	/* relative */
	PROC("0::\n", -EINVAL, NULL, 0);
	PROC(" (deleted)", -EINVAL, NULL, 0);
	PROC("0:: (deleted)\n", -EINVAL, NULL, 0);
	/* a bad line is skipped, a good one still counts */
	PROC("junk\n0::/lxc.payload.web1\n", 0, "web1", 1);
	PROC("0::/lxc.payload.x/..\n1:name=systemd:/lxc/y\n", 0, "y", 1);
	/* embedded NUL: that line is ignored, the next one is used */
	PROC("0::/lxc.payload.ev\0l\n1:name=systemd:/lxc.payload.good\n", 0, "good", 1);
	PROC("0::/lxc.payload.ev\0l\n", -EINVAL, NULL, 0);
	PROC("\0\0\0\0", -EINVAL, NULL, 0);
	/* CRLF is not the kernel's: the CR is part of the name */
	PROC("0::/lxc.payload.w\r\n", 0, "w\r", 1);
	assert_int_equal(cgroup_path_parse_proc(NULL, 0, &(struct cgroup_path_id){ 0 }),
			 -EINVAL);
}

/* A long file of lines; the container line comes last. */
static void test_proc_long(void **state)
{
	size_t n = 1 << 20, i = 0;
	char *buf = malloc(n);
	const char tail[] = "0::/lxc.payload.last\n";

	(void)state;
	assert_non_null(buf);
	while (i + 16 < n - sizeof(tail)) {
		memcpy(buf + i, "9:cpu:/a/b/c/d\n", 15);
		i += 15;
	}
	memcpy(buf + i, tail, sizeof(tail) - 1);
	expect_proc(buf, i + sizeof(tail) - 1, 0, "last", 1);
	/* and one single line of a megabyte, no newline */
	memset(buf, '/', n);
	memcpy(buf, "0::", 3);
	expect_proc(buf, n, 0, NULL, 0);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_name_points_into_input),
		cmocka_unit_test(test_malformed_paths),
		cmocka_unit_test(test_very_long),
		cmocka_unit_test(test_name_copy),
		cmocka_unit_test(test_proc_v2),
		cmocka_unit_test(test_proc_v1),
		cmocka_unit_test(test_proc_hybrid),
		cmocka_unit_test(test_proc_forged),
		cmocka_unit_test(test_proc_malformed),
		cmocka_unit_test(test_proc_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
