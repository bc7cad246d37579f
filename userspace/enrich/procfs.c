/* SPDX-License-Identifier: GPL-2.0-only */
/* procfs.c - seeding process identities from /proc, as the kernel would send them. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "enrich/procfs.h"
#include "enrich/proctab.h"

char *procfs_slurp(const char *path, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *buf;
	size_t n = 0;

	if (fd < 0)
		return NULL;
	buf = malloc(cap + 1);
	while (buf && n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r < 0) {
				free(buf);
				buf = NULL;
			}
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	if (buf && n + 1 < cap / 2) {
		/* callers may keep it (argv of every process): keep what was read */
		char *fit = realloc(buf, n + 1);

		if (fit)
			buf = fit;
	}
	if (buf) {
		buf[n] = '\0';
		if (len)
			*len = n;
	}
	return buf;
}

uint32_t procfs_map_id(const char *map, uint32_t host_id)
{
	const char *line = map;

	while (line && *line) {
		unsigned long inside, outside, count;

		if (sscanf(line, "%lu %lu %lu", &inside, &outside, &count) == 3 &&
		    host_id >= outside && host_id - outside < count)
			return (uint32_t)(inside + (host_id - outside));
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return SHRIKE_ID_NONE;
}

static char *pid_path(const char *procdir, uint32_t pid, const char *file)
{
	char *s = NULL;

	if (asprintf(&s, "%s/%u/%s", procdir, pid, file) < 0)
		return NULL;
	return s;
}

static char *read_pid_file(const char *procdir, uint32_t pid, const char *file, size_t cap,
			   size_t *len)
{
	char *path = pid_path(procdir, pid, file);
	char *buf = path ? procfs_slurp(path, cap, len) : NULL;

	free(path);
	return buf;
}

uint64_t procfs_ns_inode(const char *procdir, uint32_t pid, const char *ns)
{
	char *path = NULL;
	struct stat st;
	uint64_t ino = 0;

	if (asprintf(&path, "%s/%u/ns/%s", procdir, pid, ns) < 0)
		return 0;
	if (stat(path, &st) == 0)
		ino = st.st_ino;
	free(path);
	return ino;
}

/* The last id of "NStgid:\t<ours>\t...\t<innermost>": the pid its own namespace shows. */
static uint32_t status_last_id(const char *status, const char *key, uint32_t missing)
{
	const char *s = strstr(status, key);
	unsigned long v = 0;
	char *end;

	if (!s)
		return missing;
	s += strlen(key);
	while (*s == '\t' || *s == ' ') {	/* strtoul alone would cross the newline */
		unsigned long n = strtoul(s, &end, 10);

		if (end == s)
			break;
		v = n;
		s = end;
	}
	return (uint32_t)v;
}

/* "Uid:\treal\teffective\tsaved\tfs" and friends from /proc/<pid>/status */
static int status_ids(const char *status, const char *key, uint32_t *real, uint32_t *eff)
{
	const char *s = strstr(status, key);
	unsigned long r, e;

	if (!s || sscanf(s + strlen(key), "%lu %lu", &r, &e) != 2)
		return -1;
	*real = (uint32_t)r;
	*eff = (uint32_t)e;
	return 0;
}

static void read_ids(struct proc *p, const char *procdir, const char *status)
{
	struct shrike_proc_ctx *c = &p->ctx;
	uint32_t ruid = SHRIKE_ID_NONE, rgid = SHRIKE_ID_NONE;
	char *uid_map = read_pid_file(procdir, p->pid, "uid_map", 65536, NULL);
	char *gid_map = read_pid_file(procdir, p->pid, "gid_map", 65536, NULL);
	char *login = read_pid_file(procdir, p->pid, "loginuid", 64, NULL);

	c->host_uid = c->host_gid = SHRIKE_ID_NONE;
	status_ids(status, "\nUid:", &ruid, &c->host_uid);
	status_ids(status, "\nGid:", &rgid, &c->host_gid);
	c->host_loginuid = login ? (uint32_t)strtoul(login, NULL, 10) : SHRIKE_ID_NONE;
	/* uid_map shows the process's namespace relative to ours (the initial one) */
	c->uid = uid_map ? procfs_map_id(uid_map, c->host_uid) : c->host_uid;
	c->ruid = uid_map ? procfs_map_id(uid_map, ruid) : ruid;
	c->gid = gid_map ? procfs_map_id(gid_map, c->host_gid) : c->host_gid;
	c->rgid = gid_map ? procfs_map_id(gid_map, rgid) : rgid;
	c->loginuid = c->host_loginuid == SHRIKE_ID_NONE ? SHRIKE_ID_NONE :
		      uid_map ? procfs_map_id(uid_map, c->host_loginuid) : c->host_loginuid;
	free(uid_map);
	free(gid_map);
	free(login);
}

/*
 * /proc/<pid>/stat: "pid (comm) state ppid pgrp session tty ... starttime(22)";
 * of fields 3.. (after the comm): @ppid, @sid, @tty, @start (ticks).
 */
static int parse_stat(char *stat, int *ppid, int *sid, int *tty, unsigned long long *start)
{
	char *rp = stat ? strrchr(stat, ')') : NULL;
	char *tok, *save = NULL;
	int i;

	if (!rp)
		return -1;
	/* fields after ")": 3=state 4=ppid 5=pgrp 6=session 7=tty_nr ... 22=starttime */
	for (i = 3, tok = strtok_r(rp + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
		if (i == 4)
			*ppid = atoi(tok);
		else if (i == 6)
			*sid = atoi(tok);
		else if (i == 7)
			*tty = atoi(tok);
		else if (i == 22) {
			*start = strtoull(tok, NULL, 10);
			return 0;
		}
	}
	return -1;
}

static uint64_t ticks_ns(unsigned long long ticks)
{
	return ticks * (1000000000ull / (unsigned long long)sysconf(_SC_CLK_TCK));
}

int procfs_start_ns(const char *procdir, uint32_t pid, uint64_t *start_ns)
{
	char *stat = read_pid_file(procdir, pid, "stat", 4096, NULL);
	unsigned long long start = 0;
	int ppid, sid, tty, ret;

	ret = parse_stat(stat, &ppid, &sid, &tty, &start);
	free(stat);
	if (ret == 0)
		*start_ns = ticks_ns(start);
	return ret;
}

static int read_stat(struct proc *p, const char *procdir)
{
	char *stat = read_pid_file(procdir, p->pid, "stat", 4096, NULL);
	unsigned long long start = 0;
	int ppid = 0, sid = 0, tty = 0, ret;

	ret = parse_stat(stat, &ppid, &sid, &tty, &start);
	free(stat);
	if (ret < 0)
		return -1;
	p->ctx.ppid = (uint32_t)ppid;
	p->ctx.sid = (uint32_t)sid;
	p->ctx.tty = (uint32_t)tty;
	p->start_ns = ticks_ns(start);
	p->ctx.start_ns = p->start_ns;
	return 0;
}

/* readlink of <procdir>/<pid>/<file>, malloc'd, or NULL */
static char *read_pid_link(const char *procdir, uint32_t pid, const char *file)
{
	char *path = pid_path(procdir, pid, file);
	char buf[4096];
	ssize_t n = path ? readlink(path, buf, sizeof(buf) - 1) : -1;

	free(path);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/*
 * /proc shows exe and cwd as our root sees them; a process in a container
 * sees them below its own root. Strip that root so that scanned processes
 * read like the kernel's events (d_path from the task's own root).
 */
static void to_own_root(char *path, const char *root)
{
	size_t n = root ? strlen(root) : 0;

	if (!path || n <= 1 || strncmp(path, root, n) != 0)
		return;
	if (path[n] == '\0')
		memcpy(path, "/", 2);
	else if (path[n] == '/')
		memmove(path, path + n, strlen(path + n) + 1);
}

static uint64_t status_hex(const char *status, const char *key)
{
	const char *s = strstr(status, key);

	return s ? strtoull(s + strlen(key), NULL, 16) : 0;
}

int procfs_read_proc(struct proc *p, const char *procdir)
{
	struct shrike_proc_ctx *c = &p->ctx;
	char *status, *comm, *root;

	status = read_pid_file(procdir, p->pid, "status", 16384, NULL);
	if (!status)
		return -1;
	c->pid = c->tid = p->pid;
	if (read_stat(p, procdir) < 0) {
		free(status);
		return -1;
	}
	read_ids(p, procdir, status);
	c->cap_effective = status_hex(status, "\nCapEff:");
	c->vpid = status_last_id(status, "\nNStgid:", 0);
	/* stat shows the session as our namespace sees it; events carry the process's own */
	c->sid = status_last_id(status, "\nNSsid:", c->sid);
	free(status);

	comm = read_pid_file(procdir, p->pid, "comm", sizeof(c->comm), NULL);
	if (comm) {
		comm[strcspn(comm, "\n")] = '\0';
		snprintf(c->comm, sizeof(c->comm), "%s", comm);
		memcpy(p->comm, c->comm, sizeof(p->comm));
		free(comm);
	}
	p->args = read_pid_file(procdir, p->pid, "cmdline", 65536, &p->args_len);
	if (p->args && p->args_len == 0) {	/* kernel threads */
		free(p->args);
		p->args = NULL;
		c->flags |= SHRIKE_CTX_KTHREAD;
	}
	root = read_pid_link(procdir, p->pid, "root");
	p->exepath = read_pid_link(procdir, p->pid, "exe");
	p->cwd = read_pid_link(procdir, p->pid, "cwd");
	to_own_root(p->exepath, root);
	to_own_root(p->cwd, root);
	free(root);
	c->userns = procfs_ns_inode(procdir, p->pid, "user");
	c->mntns = procfs_ns_inode(procdir, p->pid, "mnt");
	c->pidns = procfs_ns_inode(procdir, p->pid, "pid");
	c->netns = procfs_ns_inode(procdir, p->pid, "net");
	c->cgroupns = procfs_ns_inode(procdir, p->pid, "cgroup");
	c->utsns = procfs_ns_inode(procdir, p->pid, "uts");
	p->has_ctx = 1;
	return 0;
}
