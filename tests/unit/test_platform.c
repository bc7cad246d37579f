/* SPDX-License-Identifier: GPL-2.0-only */
/* test_platform.c - Proxmox VE, Incus and LXD told from host-side facts, never from a name's shape */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "enrich/platform.h"
#include "fixture.h"

static void test_monitor_cmdline(void **state)
{
	static const char t[] = "[lxc monitor] /var/lib/incus/containers proj_api";
	static const char sp[] = "[lxc monitor] /srv/my lxc/path web1\0junk";
	char *p;

	(void)state;
	p = platform_monitor_lxcpath(t, sizeof(t) - 1, "proj_api");
	assert_string_equal(p, "/var/lib/incus/containers");
	free(p);
	p = platform_monitor_lxcpath(sp, sizeof(sp) - 1, "web1");
	assert_string_equal(p, "/srv/my lxc/path");
	free(p);
	/* another container's monitor, or not a monitor at all */
	assert_null(platform_monitor_lxcpath(t, sizeof(t) - 1, "api"));
	assert_null(platform_monitor_lxcpath(t, sizeof(t) - 1, "proj_api2"));
	assert_null(platform_monitor_lxcpath("lxc-start -n web1", 17, "web1"));
	assert_null(platform_monitor_lxcpath("[lxc monitor] web1", 18, "web1"));
	assert_null(platform_monitor_lxcpath("", 0, "web1"));
}

static void test_pve_conf(void **state)
{
	char *h, *t;

	(void)state;
	platform_pve_conf("arch: amd64\nhostname: web-prod\ntags: prod;web\nmemory: 512\n"
			  "[snap1]\nhostname: old-name\n", &h, &t);
	assert_string_equal(h, "web-prod");
	assert_string_equal(t, "prod;web");
	free(h);
	free(t);
	/* no hostname (then the VMID is the name), blanks, CRLF */
	platform_pve_conf("arch: amd64\r\ntags:  a \r\n", &h, &t);
	assert_null(h);
	assert_string_equal(t, "a");
	free(t);
	/* a snapshot section's hostname is not the container's */
	platform_pve_conf("[snap]\nhostname: x\n", &h, &t);
	assert_null(h);
	assert_null(t);
	platform_pve_conf("hostname:\n", &h, &t);
	assert_null(h);
}

static void test_split_project(void **state)
{
	char *p, *i;

	(void)state;
	platform_split_project("proj_api", &p, &i);
	assert_string_equal(p, "proj");
	assert_string_equal(i, "api");
	free(p);
	free(i);
	platform_split_project("shop", &p, &i);
	assert_string_equal(p, "default");
	assert_string_equal(i, "shop");
	free(p);
	free(i);
	platform_split_project("_x", &p, &i);
	assert_string_equal(p, "default");
	assert_string_equal(i, "_x");
	free(p);
	free(i);
}

/*
 * A fake host: <dir>/root stands for /, <dir>/cg for the cgroup mount, with
 * the monitor of container @id (pid 4242) started with @lxcpath.
 */
static char *fake_host(const char *id, const char *lxcpath, int pve, const char *conf)
{
	char tmpl[] = "/tmp/shrike-plat-XXXXXX", rel[256], cmd[256];
	char *dir;

	assert_non_null(mkdtemp(tmpl));
	dir = strdup(tmpl);
	mkdirs(dir, "root/proc/4242");
	snprintf(rel, sizeof(rel), "cg/lxc.monitor.%s", id);
	mkdirs(dir, rel);
	snprintf(rel, sizeof(rel), "cg/lxc.monitor.%s/cgroup.procs", id);
	put(dir, rel, "4242\n");
	snprintf(cmd, sizeof(cmd), "[lxc monitor] %s %s", lxcpath, id);
	put(dir, "root/proc/4242/cmdline", cmd);
	if (pve) {
		mkdirs(dir, "root/etc/pve/lxc");
		if (conf) {
			snprintf(rel, sizeof(rel), "root/etc/pve/lxc/%s.conf", id);
			put(dir, rel, conf);
		}
	}
	return dir;
}

static struct platform_info look(const char *dir, const char *id)
{
	char *root = at(dir, "root"), *cg = at(dir, "cg");
	struct platform_job *j = platform_job_new(root, id, cg, NULL);
	struct platform_info out;

	assert_non_null(j);
	j->rj.run(&j->rj);
	out = j->out;
	memset(&j->out, 0, sizeof(j->out));
	j->rj.release(&j->rj);
	free(root);
	free(cg);
	return out;
}

static void test_incus_by_monitor(void **state)
{
	char *dir = fake_host("proj_api", "/var/lib/incus/containers", 0, NULL);
	struct platform_info pi = look(dir, "proj_api");

	(void)state;
	assert_string_equal(pi.platform, PLATFORM_INCUS);
	assert_string_equal(pi.name, "api");
	assert_string_equal(pi.project, "proj");
	platform_info_clear(&pi);
	rm_tree(dir);
	free(dir);
	/* LXD's snap */
	dir = fake_host("shop", "/var/snap/lxd/common/lxd/containers", 0, NULL);
	pi = look(dir, "shop");
	assert_string_equal(pi.platform, PLATFORM_LXD);
	assert_string_equal(pi.name, "shop");
	assert_string_equal(pi.project, "default");
	platform_info_clear(&pi);
	rm_tree(dir);
	free(dir);
}

/* An underscore alone makes nothing Incus: plain LXC may call a container my_app. */
static void test_plain_lxc_underscore(void **state)
{
	char *dir = fake_host("my_app", "/var/lib/lxc", 0, NULL);
	struct platform_info pi = look(dir, "my_app");

	(void)state;
	assert_string_equal(pi.platform, PLATFORM_LXC);
	assert_null(pi.name);
	assert_null(pi.project);
	platform_info_clear(&pi);
	rm_tree(dir);
	free(dir);
}

static void test_proxmox(void **state)
{
	char *dir = fake_host("101", "/var/lib/lxc", 1, "hostname: web-prod\ntags: prod\n");
	struct platform_info pi = look(dir, "101");

	(void)state;
	assert_string_equal(pi.platform, PLATFORM_PROXMOX);
	assert_string_equal(pi.name, "web-prod");
	assert_string_equal(pi.tags, "prod");
	platform_info_clear(&pi);
	/* no configuration for it: not Proxmox's (a plain LXC container on a PVE host) */
	pi = look(dir, "102");
	assert_string_equal(pi.platform, PLATFORM_LXC);
	platform_info_clear(&pi);
	rm_tree(dir);
	free(dir);
	/* a configuration but no /etc/pve/lxc directory: not a PVE host */
	dir = fake_host("101", "/var/lib/lxc", 0, NULL);
	pi = look(dir, "101");
	assert_string_equal(pi.platform, PLATFORM_LXC);
	platform_info_clear(&pi);
	rm_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_monitor_cmdline),
		cmocka_unit_test(test_pve_conf),
		cmocka_unit_test(test_split_project),
		cmocka_unit_test(test_incus_by_monitor),
		cmocka_unit_test(test_plain_lxc_underscore),
		cmocka_unit_test(test_proxmox),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
