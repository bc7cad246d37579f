/* SPDX-License-Identifier: GPL-2.0-only */
/* platform.c - which platform made an LXC container (Proxmox VE, Incus, LXD), from host-side facts */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enrich/platform.h"
#include "lib/readfile.h"

#define MONITOR_PREFIX	"[lxc monitor] "
#define CONF_CAP	(1u << 20)	/* a Proxmox configuration is a few hundred bytes */
#define PROCS_CAP	(64u << 10)
#define NAME_CAP	256		/* hostnames and tags longer than this are not names */

static const struct {
	const char *lxcpath;
	const char *platform;
} lxcpaths[] = {
	{ "/var/lib/incus/containers", PLATFORM_INCUS },
	{ "/var/lib/lxd/containers", PLATFORM_LXD },
	{ "/var/snap/lxd/common/lxd/containers", PLATFORM_LXD },
};

void platform_info_clear(struct platform_info *pi)
{
	free(pi->name);
	free(pi->project);
	free(pi->tags);
	memset(pi, 0, sizeof(*pi));
}

char *platform_monitor_lxcpath(const char *cmdline, size_t len, const char *id)
{
	size_t np = sizeof(MONITOR_PREFIX) - 1, nid = strlen(id), n;
	const char *path;

	/* argv is NUL-separated; LXC writes the title as one string */
	n = strnlen(cmdline, len);
	if (n <= np + 1 + nid || memcmp(cmdline, MONITOR_PREFIX, np) != 0)
		return NULL;
	if (cmdline[n - nid - 1] != ' ' || memcmp(cmdline + n - nid, id, nid) != 0)
		return NULL;
	path = cmdline + np;
	return strndup(path, (size_t)(cmdline + n - nid - 1 - path));
}

/* @s without blanks around it, malloc'd; NULL if empty or too long. */
static char *trimmed(const char *s, size_t len)
{
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	if (!len || len >= NAME_CAP || memchr(s, '\0', len))
		return NULL;
	return strndup(s, len);
}

void platform_pve_conf(const char *conf, char **hostname, char **tags)
{
	const char *line = conf, *nl;
	size_t len;

	*hostname = *tags = NULL;
	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		if (line[0] == '[')
			break;		/* a snapshot's section: not the running container's */
		if (len > 9 && !memcmp(line, "hostname:", 9) && !*hostname)
			*hostname = trimmed(line + 9, len - 9);
		else if (len > 5 && !memcmp(line, "tags:", 5) && !*tags)
			*tags = trimmed(line + 5, len - 5);
		if (!nl)
			break;
	}
}

void platform_split_project(const char *id, char **project, char **instance)
{
	const char *us = strchr(id, '_');

	if (us && us != id && us[1]) {
		*project = strndup(id, (size_t)(us - id));
		*instance = strdup(us + 1);
	} else {
		*project = strdup("default");
		*instance = strdup(id);
	}
}

int platform_is_proxmox(const char *root)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/etc/pve/lxc", root);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The lxcpath of @id's monitor, found through its cgroup below @mount; NULL if none. */
static char *monitor_lxcpath(const char *root, const char *mount, const char *id)
{
	static const char *const dirs[] = { "lxc.monitor.", "lxc.monitor/" };
	char path[PATH_MAX], *procs, *cmd, *lxcpath = NULL, *p, *end;
	size_t len, clen;
	unsigned int i;
	long pid;

	for (i = 0; i < 2 && !lxcpath; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s%s/cgroup.procs", mount, dirs[i], id) >=
		    sizeof(path))
			continue;
		procs = read_small_at(AT_FDCWD, path, PROCS_CAP, &len);
		for (p = procs; p && *p && !lxcpath; p = end) {
			pid = strtol(p, &end, 10);
			if (end == p)
				break;
			while (*end == '\n')
				end++;
			snprintf(path, sizeof(path), "%s/proc/%ld/cmdline", root, pid);
			cmd = read_small_at(AT_FDCWD, path, 4096, &clen);
			if (cmd)
				lxcpath = platform_monitor_lxcpath(cmd, clen, id);
			free(cmd);
		}
		free(procs);
	}
	return lxcpath;
}

static void run(struct resolver_job *rj)
{
	struct platform_job *j = (struct platform_job *)rj;
	struct platform_info *out = &j->out;
	char path[PATH_MAX], *lxcpath = NULL, *conf;
	unsigned int i;
	size_t len;

	out->platform = PLATFORM_LXC;
	for (i = 0; i < 2 && !lxcpath; i++)
		if (j->mounts[i])
			lxcpath = monitor_lxcpath(j->root, j->mounts[i], j->id);
	for (i = 0; lxcpath && i < sizeof(lxcpaths) / sizeof(lxcpaths[0]); i++) {
		if (strcmp(lxcpath, lxcpaths[i].lxcpath) == 0) {
			out->platform = lxcpaths[i].platform;
			platform_split_project(j->id, &out->project, &out->name);
			free(lxcpath);
			return;
		}
	}
	free(lxcpath);
	if (!platform_is_proxmox(j->root) ||
	    (size_t)snprintf(path, sizeof(path), "%s/etc/pve/lxc/%s.conf", j->root, j->id) >=
		    sizeof(path) || strchr(j->id, '/'))
		return;
	conf = read_small_at(AT_FDCWD, path, CONF_CAP, &len);
	if (!conf)
		return;
	out->platform = PLATFORM_PROXMOX;
	platform_pve_conf(conf, &out->name, &out->tags);
	free(conf);
}

static void release(struct resolver_job *rj)
{
	struct platform_job *j = (struct platform_job *)rj;

	platform_info_clear(&j->out);
	free(j->root);
	free(j->id);
	free(j->mounts[0]);
	free(j->mounts[1]);
	free(j);
}

struct platform_job *platform_job_new(const char *root, const char *id, const char *mount1,
				      const char *mount2)
{
	struct platform_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->rj.run = run;
	j->rj.release = release;
	j->root = strdup(root ? root : "");
	j->id = strdup(id);
	j->mounts[0] = mount1 ? strdup(mount1) : NULL;
	j->mounts[1] = mount2 ? strdup(mount2) : NULL;
	if (!j->root || !j->id || (mount1 && !j->mounts[0]) || (mount2 && !j->mounts[1])) {
		release(&j->rj);
		return NULL;
	}
	return j;
}
