/* SPDX-License-Identifier: GPL-2.0-only */
/* proctab.c - live processes: updated by fork/exec/exit, seeded from /proc. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "enrich/proctab.h"
#include "enrich/procfs.h"

static size_t bucket_of(const struct proctab *pt, uint32_t pid)
{
	return (pid * 2654435761u) & (pt->nbuckets - 1);
}

int proctab_init(struct proctab *pt, size_t max)
{
	memset(pt, 0, sizeof(*pt));
	pt->nbuckets = 1u << 14;
	pt->max = max;
	pt->max_bytes = PROCTAB_MAX_BYTES;
	pt->buckets = calloc(pt->nbuckets, sizeof(*pt->buckets));
	return pt->buckets ? 0 : -1;
}

static void proc_free(struct proc *p)
{
	free(p->exepath);
	free(p->cwd);
	free(p->args);
	free(p);
}

void proctab_free(struct proctab *pt)
{
	size_t i;

	for (i = 0; i < pt->nbuckets; i++) {
		struct proc *p = pt->buckets[i], *next;

		for (; p; p = next) {
			next = p->hnext;
			proc_free(p);
		}
	}
	free(pt->buckets);
	memset(pt, 0, sizeof(*pt));
}

struct proc *proctab_get(struct proctab *pt, uint32_t pid)
{
	struct proc *p;

	for (p = pt->buckets[bucket_of(pt, pid)]; p; p = p->hnext)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void proctab_remove(struct proctab *pt, uint32_t pid)
{
	struct proc **pp = &pt->buckets[bucket_of(pt, pid)];

	for (; *pp; pp = &(*pp)->hnext) {
		if ((*pp)->pid == pid) {
			struct proc *dead = *pp;

			*pp = dead->hnext;
			pt->bytes -= dead->bytes;
			proc_free(dead);
			pt->count--;
			return;
		}
	}
}

/* A fresh entry for pid; whatever held the pid before is gone for good. */
static struct proc *proctab_replace(struct proctab *pt, uint32_t pid)
{
	struct proc *p;
	size_t b;

	proctab_remove(pt, pid);
	if (pt->count >= pt->max)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->epoch = pt->drop_epoch;
	b = bucket_of(pt, pid);
	p->hnext = pt->buckets[b];
	pt->buckets[b] = p;
	pt->count++;
	return p;
}

/*
 * Start times from /proc have clock-tick resolution, the kernel's are in ns:
 * within two ticks is the same process, beyond that the pid was reused.
 */
static int same_start(uint64_t a, uint64_t b)
{
	uint64_t d = a > b ? a - b : b - a;

	return a == 0 || d <= 20 * 1000 * 1000;
}

static size_t proc_bytes(const struct proc *p)
{
	return sizeof(*p) + (p->exepath ? strlen(p->exepath) + 1 : 0) +
	       (p->cwd ? strlen(p->cwd) + 1 : 0) + (p->args ? p->args_len + 1 : 0);
}

/* Count @p's strings as they are now; beyond max_bytes its argv goes. */
static void account(struct proctab *pt, struct proc *p)
{
	size_t n;

	if (!p)
		return;
	n = proc_bytes(p);
	if (p->args && pt->bytes - p->bytes + n > pt->max_bytes) {
		free(p->args);
		p->args = NULL;
		p->args_len = 0;
		pt->args_dropped++;
		n = proc_bytes(p);
	}
	pt->bytes += n - p->bytes;
	p->bytes = n;
}

/*
 * The entry of @ev's pid belongs to a process that is gone: the pid was
 * reused while its exit (and the new one's fork) were lost with dropped
 * records. Only an event of a thread group leader says so: its start time
 * is the process's (another thread's is its own).
 */
static int stale(const struct proc *p, const struct sevent *ev)
{
	const struct shrike_proc_ctx *c = &ev->ctx;

	return ev->has_ctx && c->pid == ev->pid && c->tid == c->pid && c->start_ns &&
	       p->start_ns && !same_start(p->start_ns, c->start_ns);
}

/*
 * Records were dropped since @p was last confirmed: is its pid another
 * process's now? Asked of /proc once per drop epoch, at @p's next event. A
 * different start time only condemns @p if the event is not older than the
 * new process (a record of the dead one may still be on its way).
 */
static int stale_after_drop(struct proctab *pt, struct proc *p, const struct sevent *ev)
{
	uint64_t start;

	if (p->epoch == pt->drop_epoch || pt->no_procfs)
		return 0;
	if (procfs_start_ns("/proc", p->pid, &start) < 0) {
		p->epoch = pt->drop_epoch;	/* gone: nothing to tell it from */
		return 0;
	}
	if (same_start(p->start_ns, start)) {
		p->epoch = pt->drop_epoch;
		return 0;
	}
	return ev->ts >= start;
}

static char *dup_bytes(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static void set_ctx(struct proc *p, const struct shrike_proc_ctx *c)
{
	p->ctx = *c;
	p->has_ctx = 1;
	p->start_ns = c->start_ns;
	memcpy(p->comm, c->comm, sizeof(p->comm));
}

static void on_exec(struct proctab *pt, struct sevent *ev)
{
	const struct sparam *argv = &ev->params[SHRIKE_P_EXEC_ARGV];
	const char *exe = sparam_str(&ev->params[SHRIKE_P_EXEC_EXEPATH]);
	struct proc *p = proctab_get(pt, ev->pid);

	/* exec keeps the process, so a known entry stays; else start one */
	if (!p || (ev->has_ctx && !same_start(p->start_ns, ev->ctx.start_ns)))
		p = proctab_replace(pt, ev->pid);
	if (!p)
		return;
	if (ev->has_ctx)
		set_ctx(p, &ev->ctx);
	free(p->exepath);
	p->exepath = exe && *exe ? strdup(exe) : NULL;
	free(p->args);
	p->args = NULL;
	p->args_len = 0;
	if (!(argv->flags & SHRIKE_PARAM_FAULT) && argv->len) {
		p->args = dup_bytes(argv->p, argv->len);
		p->args_len = p->args ? argv->len : 0;
	}
}

static void on_fork(struct proctab *pt, struct sevent *ev)
{
	const struct shrike_proc_ctx *c = &ev->ctx;
	struct proc *parent, *child;

	if (!ev->has_ctx || c->pid == ev->pid)	/* a new thread: same process */
		return;
	parent = proctab_get(pt, ev->pid);
	child = proctab_replace(pt, c->pid);
	if (!child)
		return;
	set_ctx(child, c);
	/* the child runs its parent's image, in its directory, until it execs */
	if (parent) {
		if (parent->exepath)
			child->exepath = strdup(parent->exepath);
		if (parent->cwd)
			child->cwd = strdup(parent->cwd);
		if (parent->args) {
			child->args = dup_bytes(parent->args, parent->args_len);
			child->args_len = child->args ? parent->args_len : 0;
		}
	}
	account(pt, child);
}

/*
 * Lexically normalise an absolute path in place: "." and empty components
 * go, ".." removes the previous one (never above "/").
 */
static void normalize_path(char *path)
{
	char *out = path, *in = path;

	while (*in) {
		char *seg;
		size_t n;

		while (*in == '/')
			in++;
		seg = in;
		while (*in && *in != '/')
			in++;
		n = (size_t)(in - seg);
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (out > path && *--out != '/')
				;
			continue;
		}
		*out++ = '/';
		memmove(out, seg, n);
		out += n;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

static void on_chdir(struct proctab *pt, struct sevent *ev)
{
	struct proc *p = proctab_get(pt, ev->pid);
	const char *path, *dir = NULL;
	char *cwd;

	if (!p || sparam_s64(&ev->params[0]) != 0)
		return;
	if (ev->type == SHRIKE_EVT_FCHDIR) {
		path = sparam_str(&ev->params[schema_param_index(ev->schema, "path")]);
	} else {
		path = sparam_str(&ev->params[schema_param_index(ev->schema, "path")]);
		dir = sparam_str(&ev->params[schema_param_index(ev->schema, "dirpath")]);
	}
	if (!path || !*path)
		return;
	if (path[0] != '/') {
		if (!dir || !*dir || asprintf(&cwd, "%s/%s", dir, path) < 0)
			return;
	} else if (!(cwd = strdup(path))) {
		return;
	}
	normalize_path(cwd);
	free(p->cwd);
	p->cwd = cwd;
}

void proctab_enrich(struct proctab *pt, struct sevent *ev)
{
	switch (ev->type) {
	case SHRIKE_EVT_CHDIR:
	case SHRIKE_EVT_FCHDIR:
		on_chdir(pt, ev);
		break;
	case SHRIKE_EVT_SETUID:
	case SHRIKE_EVT_SETGID:
	case SHRIKE_EVT_SETREUID:
	case SHRIKE_EVT_SETREGID:
	case SHRIKE_EVT_SETRESUID:
	case SHRIKE_EVT_SETRESGID: {
		/* the identity after the call, whatever it returned */
		struct proc *p = proctab_get(pt, ev->pid);

		if (p && ev->has_ctx) {
			p->ctx = ev->ctx;
			p->has_ctx = 1;
		}
		break;
	}
	case SHRIKE_EVT_EXECVE:
	case SHRIKE_EVT_EXECVEAT:
		if (sparam_s64(&ev->params[SHRIKE_P_EXEC_RES]) == 0)
			on_exec(pt, ev);
		break;
	case SHRIKE_EVT_CLONE:
	case SHRIKE_EVT_CLONE3:
	case SHRIKE_EVT_FORK:
	case SHRIKE_EVT_VFORK:
		on_fork(pt, ev);
		break;
	}
	ev->proc = proctab_get(pt, ev->pid);
	if (ev->proc && (stale(ev->proc, ev) || stale_after_drop(pt, ev->proc, ev))) {
		/* never the dead one's identity: what the event says, and /proc */
		proctab_remove(pt, ev->pid);
		pt->pids_reused++;
		if (pt->no_procfs) {
			ev->proc = proctab_replace(pt, ev->pid);
			if (ev->proc)
				set_ctx(ev->proc, &ev->ctx);
		} else {
			ev->proc = NULL;
		}
	}
	if (!ev->proc && !pt->no_procfs) {
		/* started before us and not in the scan (or the table was full):
		 * ask /proc while the process may still be there
		 */
		struct proc *p = proctab_replace(pt, ev->pid);

		if (p && procfs_read_proc(p, "/proc") < 0)
			proctab_remove(pt, ev->pid), p = NULL;
		if (p && ev->has_ctx && ev->ctx.pid == ev->pid && ev->ctx.tid == ev->pid)
			set_ctx(p, &ev->ctx);	/* the kernel's view of it, as the event saw it */
		if (p && pt->from_procfs)
			pt->from_procfs(pt->from_procfs_arg, p);
		ev->proc = p;
	}
	account(pt, ev->proc);
}

void proctab_after(struct proctab *pt, const struct sevent *ev)
{
	if (event_group_dead(ev))
		proctab_remove(pt, ev->pid);
}

void proctab_insert(struct proctab *pt, struct proc *p)
{
	size_t b;

	proctab_remove(pt, p->pid);
	if (pt->count >= pt->max) {
		proc_free(p);
		return;
	}
	b = bucket_of(pt, p->pid);
	p->hnext = pt->buckets[b];
	pt->buckets[b] = p;
	pt->count++;
	p->bytes = 0;
	account(pt, p);
}

void proctab_foreach(struct proctab *pt, void (*fn)(void *arg, struct proc *p), void *arg)
{
	size_t i;

	for (i = 0; i < pt->nbuckets; i++) {
		struct proc *p, *next;

		for (p = pt->buckets[i]; p; p = next) {
			next = p->hnext;
			fn(arg, p);
		}
	}
}

int proctab_scan(struct proctab *pt, const char *procdir)
{
	DIR *d = opendir(procdir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);
		struct proc *p;

		if (*end || pid == 0 || pid > UINT32_MAX)
			continue;
		if (proctab_get(pt, pid))
			continue;	/* an event already told us more */
		p = proctab_replace(pt, pid);
		if (!p)
			break;
		if (procfs_read_proc(p, procdir) < 0) {
			proctab_remove(pt, pid);
		} else {
			account(pt, p);
			n++;
		}
	}
	closedir(d);
	return n;
}
