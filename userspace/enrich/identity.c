/* SPDX-License-Identifier: GPL-2.0-only */
/* identity.c - user and group names from each mount namespace's own passwd/group, via userdb */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "enrich/identity.h"
#include "enrich/procfs.h"
#include "enrich/proctab.h"
#include "enrich/resolver.h"
#include "enrich/userdb.h"
#include "lib/clock.h"
#include "lib/log.h"

/*
 * One followed mount namespace: the userdb key (its inode number as text)
 * and a few processes recently seen in it, to open its root through.
 *
 * When the container stops: a namespace that had no event for idle_ms is
 * checked at the next sweep; if none of its remembered processes is alive
 * (or they all left the namespace), its cached files are dropped. A
 * namespace that is merely quiet keeps them. The table is bounded too: when
 * it is full, the least recently used namespace is forgotten.
 */
struct ns_ent {
	uint64_t mntns;			/* 0: free */
	uint64_t used_ms;		/* last event (or check that found it alive) */
	uint32_t pids[IDENTITY_PIDS];	/* most recent first; 0 ends the list */
	uint32_t hnext;			/* next entry of the hash chain + 1; 0 ends it */
	int orphaned;			/* every remembered process exited: see identity_exited() */
	uint64_t born_ms;		/* first seen (or seen again after it was orphaned) */
	uint32_t root_pid;		/* last process found at the namespace's root; 0 none */
	uint64_t served_tag;		/* the last event its names were given to */
	struct id_job *job;		/* a read of its files under way, or NULL */
	uint64_t job_ms;		/* when it was asked for */
	int job_warned;			/* it was said to be stuck */
	char key[24];			/* decimal mntns */
};

/*
 * A read of one namespace's files, run by a resolver worker: the processes
 * to open the root through are copied in, and what was learnt of them comes
 * back, so the worker touches nothing of the identity context.
 */
struct id_job {
	struct resolver_job rj;		/* first: the resolver's handle */
	struct userdb_job *uj;
	int (*is_ns_root)(int rootfd);
	uint64_t mntns;
	uint32_t cand[IDENTITY_PIDS + 2];	/* root_pid, then pids[]; 0 ends it */
	uint32_t gone[IDENTITY_PIDS + 2];	/* out: dead or left the namespace; 0 ends it */
	uint32_t root_pid;		/* out: whose root was used, 0 none */
	char procdir[];
};

/* The previous lookup, reused for the other fields of the same event. */
struct memo {
	int valid;
	uint64_t tag, mntns;
	uint32_t pid, uid, gid, loginuid;
	int ret;
	struct identity_names names;
};

struct identity_ctx {
	struct identity_config cfg;
	struct userdb_cache *cache;
	struct ns_ent *ents;
	uint32_t nents;			/* max_ns */
	uint32_t nused;
	uint32_t *buckets;		/* entry + 1, 0: empty */
	uint32_t nbuckets;		/* a power of two */
	uint64_t last_sweep_ms;
	uint32_t sweep_cursor;
	char *pidpath;			/* "<procdir>/<pid>" is built here */
	size_t pidpath_cap;
	struct resolver *resolver;	/* NULL: no root is ever opened (procdir "") */
	uint64_t host_mntns;		/* pid 1's: whose passwd names host login uids */
	uint64_t own_mntns;		/* the daemon's own */
	struct memo last;
	uint64_t hits, misses;		/* identity_stats() */
};

static void report(void *arg, const char *key, const char *file, int err)
{
	const struct identity_ctx *ic = arg;

	/* no live process to open the root through: normal once a container stops */
	if (ic->cfg.quiet || strcmp(file, "/") == 0)
		return;
	log_warn("cannot read '%s' of mount namespace %s: %s", file, key, strerror(-err));
}

static uint64_t now_ms(const struct identity_ctx *ic)
{
	return ic->cfg.now_ms(ic->cfg.arg);
}

/* userdb calls the clock as (arg) of its config: ours, with our arg. */
static uint64_t userdb_clock(void *arg)
{
	return now_ms(arg);
}

struct identity_ctx *identity_new(const struct identity_config *cfg)
{
	struct identity_ctx *ic = calloc(1, sizeof(*ic));
	struct userdb_config ucfg = { 0 };

	if (!ic)
		return NULL;
	if (cfg)
		ic->cfg = *cfg;
	if (!ic->cfg.procdir)
		ic->cfg.procdir = "/proc";
	if (!ic->cfg.max_ns || ic->cfg.max_ns > (1u << 20))
		ic->cfg.max_ns = ic->cfg.max_ns ? 1u << 20 : IDENTITY_MAX_NS;
	if (!ic->cfg.idle_ms)
		ic->cfg.idle_ms = IDENTITY_IDLE_MS;
	if (!ic->cfg.sweep_ms)
		ic->cfg.sweep_ms = IDENTITY_SWEEP_MS;
	if (!ic->cfg.now_ms)
		ic->cfg.now_ms = mono_ms;
	if (!ic->cfg.wait_ms)
		ic->cfg.wait_ms = IDENTITY_WAIT_MS;
	if (!ic->cfg.is_ns_root)
		ic->cfg.is_ns_root = identity_is_ns_root;
	ic->nents = ic->cfg.max_ns;
	for (ic->nbuckets = 16; ic->nbuckets < ic->nents;)
		ic->nbuckets *= 2;
	ic->pidpath_cap = strlen(ic->cfg.procdir) + 16;
	ucfg.revalidate_ms = ic->cfg.revalidate_ms;
	ucfg.max_entries = ic->nents;	/* one per followed namespace */
	ucfg.now_ms = userdb_clock;
	ucfg.report = report;
	ucfg.arg = ic;
	ic->cache = userdb_cache_new(&ucfg);
	ic->ents = calloc(ic->nents, sizeof(*ic->ents));
	ic->buckets = calloc(ic->nbuckets, sizeof(*ic->buckets));
	ic->pidpath = malloc(ic->pidpath_cap);
	if (ic->cfg.procdir[0]) {
		ic->resolver = resolver_new(ic->cfg.workers ? ic->cfg.workers : IDENTITY_WORKERS);
		ic->host_mntns = procfs_ns_inode(ic->cfg.procdir, 1, "mnt");
		ic->own_mntns = procfs_ns_inode(ic->cfg.procdir, (uint32_t)getpid(), "mnt");
	}
	if (!ic->cache || !ic->ents || !ic->buckets || !ic->pidpath ||
	    (ic->cfg.procdir[0] && !ic->resolver)) {
		identity_free(ic);
		return NULL;
	}
	ic->last_sweep_ms = now_ms(ic);
	return ic;
}

static void job_drop(struct identity_ctx *ic, struct ns_ent *e);

void identity_free(struct identity_ctx *ic)
{
	uint32_t i;

	if (!ic)
		return;
	for (i = 0; ic->ents && i < ic->nents; i++)
		job_drop(ic, &ic->ents[i]);
	resolver_free(ic->resolver);
	userdb_cache_free(ic->cache);
	free(ic->ents);
	free(ic->buckets);
	free(ic->pidpath);
	free(ic);
}

/* ---- processes of a namespace ------------------------------------------- */

static void pid_forget(struct ns_ent *e, uint32_t pid)
{
	int i, j;

	for (i = 0; i < IDENTITY_PIDS && e->pids[i]; i++) {
		if (e->pids[i] != pid)
			continue;
		for (j = i; j + 1 < IDENTITY_PIDS; j++)
			e->pids[j] = e->pids[j + 1];
		e->pids[IDENTITY_PIDS - 1] = 0;
		return;
	}
}

/*
 * Put @pid first. When the list is full, the second oldest falls off: the
 * oldest stays, since the process seen first in a namespace is usually its
 * init (or the oldest process of the /proc scan), alive as long as the
 * container, while the recent ones are often short-lived commands that are
 * gone by the time a lagging daemon needs the container's root.
 */
static void pid_note(struct ns_ent *e, uint32_t pid)
{
	int i, last;

	if (e->pids[0] == pid)
		return;
	pid_forget(e, pid);
	last = e->pids[IDENTITY_PIDS - 1] ? IDENTITY_PIDS - 2 : IDENTITY_PIDS - 1;
	for (i = last; i > 0; i--)
		e->pids[i] = e->pids[i - 1];
	e->pids[0] = pid;
}

/* Is the process behind directory @dfd in mount namespace @mntns? */
static int in_ns(int dfd, uint64_t mntns)
{
	struct stat st;

	return fstatat(dfd, "ns/mnt", &st, 0) == 0 && (uint64_t)st.st_ino == mntns;
}

/*
 * Open the root of @pid if it is in @mntns. Everything is looked up through
 * one fd of <procdir>/<pid>: if the pid dies and is reused meanwhile, the
 * lookups fail instead of reaching the new process. The namespace is
 * checked before and after, for a process that setns()'d in between. Runs on
 * a resolver worker: its own path buffer.
 */
static int open_pid_root(const char *procdir, uint32_t pid, uint64_t mntns)
{
	char path[PATH_MAX];
	int dfd, fd, n;

	n = snprintf(path, sizeof(path), "%s/%u", procdir, pid);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	dfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	fd = -ESRCH;
	if (in_ns(dfd, mntns)) {
		fd = openat(dfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
		else if (!in_ns(dfd, mntns)) {
			close(fd);
			fd = -ESRCH;
		}
	}
	close(dfd);
	return fd;
}

int identity_is_ns_root(int rootfd)
{
	struct stat self, up;

	/*
	 * ".." of a mount namespace's root is itself; of a chroot, the
	 * directory above it. Our own root is elsewhere (another namespace,
	 * or the host's /, which is the root either way), so the walk is not
	 * stopped early by it.
	 */
	return fstat(rootfd, &self) == 0 && fstatat(rootfd, "..", &up, 0) == 0 &&
	       self.st_dev == up.st_dev && self.st_ino == up.st_ino;
}

/* @pid's root if it is its namespace's root (not a chroot in it); -errno else. */
static int try_root(struct id_job *j, uint32_t pid)
{
	int fd = open_pid_root(j->procdir, pid, j->mntns);

	if (fd >= 0 && !j->is_ns_root(fd)) {
		close(fd);
		return -ENOTDIR;	/* alive and in it, but chrooted */
	}
	return fd;
}

/* Any process of the namespace at its root, looked for in <procdir>. */
static int scan_roots(struct id_job *j)
{
	unsigned int seen = 0;
	struct dirent *de;
	int fd = -ESRCH;
	char *end;
	DIR *d;

	d = opendir(j->procdir);
	if (!d)
		return -errno;
	while (fd < 0 && seen < IDENTITY_SCAN_MAX && (de = readdir(d))) {
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (*end || !pid || pid > UINT32_MAX)
			continue;
		seen++;
		fd = try_root(j, (uint32_t)pid);
		if (fd >= 0)
			j->root_pid = (uint32_t)pid;
	}
	closedir(d);
	return fd < 0 ? -ESRCH : fd;
}

/*
 * userdb_open_root_fn, on the worker: the namespace's root as its init sees
 * it, through the first candidate found there. A chrooted process (sshd's
 * privilege separation, a jail inside a container) is never used: its root
 * would give the whole namespace another passwd. If no candidate is at the
 * root, the namespace's processes are looked for in /proc.
 */
static int open_root(void *arg)
{
	struct id_job *j = arg;
	int fd = -ESRCH, ngone = 0, i;

	for (i = 0; j->cand[i]; i++) {
		fd = try_root(j, j->cand[i]);
		if (fd >= 0) {
			j->root_pid = j->cand[i];
			return fd;
		}
		if (fd != -ENOTDIR)
			j->gone[ngone++] = j->cand[i];
	}
	return scan_roots(j);
}

static void job_run(struct resolver_job *rj)
{
	struct id_job *j = (struct id_job *)rj;

	userdb_job_run(j->uj, open_root, j);
}

static void job_release(struct resolver_job *rj)
{
	struct id_job *j = (struct id_job *)rj;

	userdb_job_free(j->uj);
	free(j);
}

/* Does any remembered process of @e still live in it? Forgets those that do not. */
static int ns_alive(struct identity_ctx *ic, struct ns_ent *e)
{
	if (!ic->cfg.procdir[0])
		return 1;	/* nothing to check against: keep */
	while (e->pids[0]) {
		int dfd, n, alive;

		n = snprintf(ic->pidpath, ic->pidpath_cap, "%s/%u", ic->cfg.procdir, e->pids[0]);
		if (n < 0 || (size_t)n >= ic->pidpath_cap)
			return 1;
		dfd = open(ic->pidpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
		alive = dfd >= 0 && in_ns(dfd, e->mntns);
		if (dfd >= 0)
			close(dfd);
		if (alive)
			return 1;
		pid_forget(e, e->pids[0]);
	}
	return 0;
}

/* ---- the namespace table ------------------------------------------------- */

static uint32_t *bucket_of(struct identity_ctx *ic, uint64_t mntns)
{
	return &ic->buckets[((mntns * 0x9e3779b97f4a7c15ull) >> 32) & (ic->nbuckets - 1)];
}

static struct ns_ent *ns_find(struct identity_ctx *ic, uint64_t mntns)
{
	uint32_t i;

	for (i = *bucket_of(ic, mntns); i; i = ic->ents[i - 1].hnext)
		if (ic->ents[i - 1].mntns == mntns)
			return &ic->ents[i - 1];
	return NULL;
}

/* Forget a namespace and its cached files (its container stopped). */
static void ns_remove(struct identity_ctx *ic, struct ns_ent *e)
{
	uint32_t idx = (uint32_t)(e - ic->ents) + 1, *pp = bucket_of(ic, e->mntns);

	while (*pp && *pp != idx)
		pp = &ic->ents[*pp - 1].hnext;
	if (*pp)
		*pp = e->hnext;
	job_drop(ic, e);
	userdb_cache_drop(ic->cache, e->key);
	memset(e, 0, sizeof(*e));
	ic->nused--;
	ic->last.valid = 0;
}

static struct ns_ent *ns_get(struct identity_ctx *ic, uint64_t mntns, uint64_t now)
{
	struct ns_ent *e = ns_find(ic, mntns), *victim = NULL;
	uint32_t i, *b;

	if (e)
		return e;
	for (i = 0; i < ic->nents; i++) {
		e = &ic->ents[i];
		if (!e->mntns)
			break;
		if (!victim || e->used_ms < victim->used_ms)
			victim = e;
	}
	if (i == ic->nents) {
		e = victim;
		ns_remove(ic, e);
	}
	e->mntns = mntns;
	e->used_ms = now;
	e->born_ms = now;
	snprintf(e->key, sizeof(e->key), "%llu", (unsigned long long)mntns);
	/* An inode number is reused once its namespace is freed: start afresh. */
	userdb_cache_drop(ic->cache, e->key);
	b = bucket_of(ic, mntns);
	e->hnext = *b;
	*b = (uint32_t)(e - ic->ents) + 1;
	ic->nused++;
	return e;
}

/* Check a few quiet namespaces for life, at most once per sweep_ms. */
static void ns_sweep(struct identity_ctx *ic, uint64_t now)
{
	uint32_t n, probes = 0;

	if (now - ic->last_sweep_ms < ic->cfg.sweep_ms)
		return;
	ic->last_sweep_ms = now;
	for (n = 0; n < ic->nents && probes < IDENTITY_SWEEP_PROBES; n++) {
		struct ns_ent *e = &ic->ents[ic->sweep_cursor++ % ic->nents];

		if (!e->mntns || now - e->used_ms < ic->cfg.idle_ms)
			continue;
		probes++;
		if (ns_alive(ic, e))
			e->used_ms = now;	/* quiet, not stopped: look again later */
		else
			ns_remove(ic, e);
	}
}

void identity_exited(struct identity_ctx *ic, uint64_t mntns, uint32_t pid)
{
	struct ns_ent *e = ic && mntns ? ns_find(ic, mntns) : NULL;

	if (!e || !pid)
		return;
	pid_forget(e, pid);
	if (!e->pids[0])
		e->orphaned = 1;
}

void identity_note(struct identity_ctx *ic, uint64_t mntns, uint32_t pid)
{
	uint64_t now;
	struct ns_ent *e;

	if (!ic || !mntns || !pid)
		return;
	now = now_ms(ic);
	e = ns_get(ic, mntns, now);
	e->used_ms = now;
	pid_note(e, pid);
}

struct scan_ent {
	uint64_t start_ns, mntns;
	uint32_t pid;
};

static int by_start(const void *a, const void *b)
{
	const struct scan_ent *x = a, *y = b;

	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/* Oldest first: each namespace keeps its oldest process (see pid_note). */
int identity_scan(struct identity_ctx *ic, struct proctab *pt)
{
	struct scan_ent *v;
	struct proc *p;
	size_t i, n = 0;

	if (!ic || !pt || !pt->buckets)
		return 0;
	v = malloc((pt->count ? pt->count : 1) * sizeof(*v));
	if (!v)
		return 0;
	for (i = 0; i < pt->nbuckets; i++)
		for (p = pt->buckets[i]; p; p = p->hnext)
			if (p->has_ctx && p->ctx.mntns && n < pt->count)
				v[n++] = (struct scan_ent){ p->start_ns, p->ctx.mntns, p->pid };
	qsort(v, n, sizeof(*v), by_start);
	for (i = 0; i < n; i++)
		identity_note(ic, v[i].mntns, v[i].pid);
	free(v);
	return (int)n;
}

unsigned int identity_ns_count(const struct identity_ctx *ic)
{
	return ic ? ic->nused : 0;
}

void identity_stats(struct identity_ctx *ic, unsigned int stuck_ms, struct identity_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!ic)
		return;
	st->namespaces = ic->nused;
	st->hits = ic->hits;
	st->misses = ic->misses;
	resolver_stats(ic->resolver, stuck_ms, &st->resolver);
}

/* ---- names --------------------------------------------------------------- */

static int memo_hit(const struct identity_ctx *ic, const struct shrike_proc_ctx *c, uint32_t pid,
		    uint64_t tag)
{
	const struct memo *m = &ic->last;

	return tag && m->valid && m->tag == tag && m->pid == pid && m->mntns == c->mntns &&
	       m->uid == c->uid && m->gid == c->gid && m->loginuid == c->loginuid;
}

/*
 * A namespace known to have its root already: pid 1's and the daemon's own.
 * "Young" means first seen by the daemon, and at its start every namespace
 * is: without this, the host's files were checked at every event of its
 * first 10 s, a stat per event that a capture's side values (every event's
 * names) could not keep up with.
 */
static int ns_settled(const struct identity_ctx *ic, const struct ns_ent *e)
{
	return e->mntns && (e->mntns == ic->host_mntns || e->mntns == ic->own_mntns);
}

/* ---- reading a namespace's files off the event thread ---------------------- */

static void job_drop(struct identity_ctx *ic, struct ns_ent *e);

/* @e is a new namespace from now on: nothing read before is its. */
static void ns_reborn(struct identity_ctx *ic, struct ns_ent *e, uint64_t now)
{
	job_drop(ic, e);
	userdb_cache_drop(ic->cache, e->key);
	e->orphaned = 0;
	e->root_pid = 0;
	e->born_ms = now;
	ic->last.valid = 0;
}

void identity_ns_new(struct identity_ctx *ic, uint64_t mntns)
{
	struct ns_ent *e = ic && mntns ? ns_find(ic, mntns) : NULL;

	if (e)
		ns_reborn(ic, e, now_ms(ic));
}

/* Forget @e's read under way: its worker frees it when (if ever) it returns. */
static void job_drop(struct identity_ctx *ic, struct ns_ent *e)
{
	if (!e->job)
		return;
	resolver_abandon(ic->resolver, &e->job->rj);
	e->job = NULL;
}

/* Take in what @e's finished read learnt: the files, and which processes were any use. */
static void job_collect(struct identity_ctx *ic, struct ns_ent *e)
{
	struct id_job *j = e->job;
	int i;

	e->job = NULL;
	for (i = 0; j->gone[i]; i++) {
		pid_forget(e, j->gone[i]);
		if (e->root_pid == j->gone[i])
			e->root_pid = 0;
	}
	if (j->root_pid)
		e->root_pid = j->root_pid;
	userdb_job_apply(ic->cache, j->uj);
	j->uj = NULL;
	job_release(&j->rj);
	ic->last.valid = 0;
}

/*
 * Ask a worker to read @e's files, and wait for the answer at most wait_ms:
 * a container's files answer at once, unless it made them never answer. A
 * read that is still going on is not asked for again (one stuck worker per
 * namespace at most) and not waited for again: its namespace keeps the names
 * it had until the answer comes.
 */
static void job_start(struct identity_ctx *ic, struct ns_ent *e, uint64_t now)
{
	size_t plen = strlen(ic->cfg.procdir);
	struct id_job *j = calloc(1, sizeof(*j) + plen + 1);
	int i, n = 0, taken;

	if (!j)
		return;
	j->uj = userdb_job_new(ic->cache, e->key);
	if (!j->uj) {
		free(j);
		return;
	}
	j->rj.run = job_run;
	j->rj.release = job_release;
	j->is_ns_root = ic->cfg.is_ns_root;
	j->mntns = e->mntns;
	memcpy(j->procdir, ic->cfg.procdir, plen + 1);
	if (e->root_pid)
		j->cand[n++] = e->root_pid;
	for (i = 0; i < IDENTITY_PIDS && e->pids[i]; i++)
		if (e->pids[i] != e->root_pid)
			j->cand[n++] = e->pids[i];
	taken = resolver_submit(ic->resolver, &j->rj);
	if (taken < 0) {
		job_release(&j->rj);
		return;
	}
	e->job = j;
	e->job_ms = now;
	e->job_warned = 0;
	if (taken && resolver_wait(ic->resolver, &j->rj, ic->cfg.wait_ms))
		job_collect(ic, e);
}

/* Bring @e's files up to date as far as that can be done without waiting long. */
static void refresh(struct identity_ctx *ic, struct ns_ent *e, uint64_t now)
{
	if (e->job && resolver_done(ic->resolver, &e->job->rj))
		job_collect(ic, e);
	if (!e->job) {
		if (userdb_due(ic->cache, e->key))
			job_start(ic, e, now);
		return;
	}
	if (!e->job_warned && now - e->job_ms >= IDENTITY_STUCK_MS) {
		e->job_warned = 1;
		if (!ic->cfg.quiet)
			log_warn("mount namespace %s: its /etc/passwd and /etc/group have not "
				 "answered for %u s; its names stay as they were",
				 e->key, IDENTITY_STUCK_MS / 1000);
	}
}

/* No worker, no root: nothing of the namespace's is ever read (replay). */
static int no_root(void *arg)
{
	(void)arg;
	return -ENOENT;
}

int identity_lookup(struct identity_ctx *ic, const struct shrike_proc_ctx *c, uint32_t pid,
		    uint64_t tag, struct identity_names *out)
{
	const struct userdb *db;
	struct userdb_user u;
	struct ns_ent *e;
	struct memo *m;
	uint64_t now;

	memset(out, 0, sizeof(*out));
	if (!ic || !c || !c->mntns)
		return -ENOENT;
	m = &ic->last;
	if (memo_hit(ic, c, pid, tag)) {
		*out = m->names;
		return m->ret;
	}
	now = now_ms(ic);
	ns_sweep(ic, now);
	e = ns_get(ic, c->mntns, now);
	e->used_ms = now;
	/*
	 * The namespace may be gone and its inode number given to a new one (a
	 * container restarted, or one a process made to inherit another
	 * container's names): read the files afresh, and know nothing rather
	 * than the old names if no process can be asked.
	 */
	if (e->orphaned)
		ns_reborn(ic, e, now);
	/*
	 * A young namespace may not have its root yet: LXC creates the mount
	 * namespace, runs its setup in it and only then pivots into the
	 * container's rootfs, so a lookup in between reads the host's files.
	 * Until the namespace has settled, every lookup checks the files (the
	 * root they come from included), not once per revalidate_ms.
	 */
	if (now - e->born_ms < IDENTITY_YOUNG_MS && !ns_settled(ic, e))
		userdb_cache_recheck(ic->cache, e->key);
	if (pid)
		pid_note(e, pid);
	if (ic->resolver) {
		/*
		 * A namespace's tables change only between the events it names:
		 * a string already given for this event (tag) stays valid while
		 * the event's other fields are looked up.
		 */
		if (!tag || e->served_tag != tag)
			refresh(ic, e, now);
		e->served_tag = tag;
		db = userdb_peek(ic->cache, e->key);
	} else {
		db = userdb_get(ic->cache, e->key, no_root, NULL);
	}
	if (db)
		ic->hits++;
	else
		ic->misses++;
	if (c->uid != SHRIKE_ID_NONE && userdb_user_lookup(db, c->uid, &u) == 0) {
		out->user = u.name;
		out->home = u.home;
		out->shell = u.shell;
	}
	if (c->gid != SHRIKE_ID_NONE)
		out->group = userdb_group_name(db, c->gid);
	if (c->loginuid != SHRIKE_ID_NONE)
		out->login = userdb_user_name(db, c->loginuid);
	m->valid = 1;
	m->tag = tag;
	m->pid = pid;
	m->mntns = c->mntns;
	m->uid = c->uid;
	m->gid = c->gid;
	m->loginuid = c->loginuid;
	m->ret = db ? 0 : -ENOMEM;
	m->names = *out;
	return m->ret;
}

const char *identity_host_user(struct identity_ctx *ic, uint32_t uid, uint64_t tag)
{
	struct shrike_proc_ctx c = { 0 };
	struct identity_names n;

	if (!ic || !ic->host_mntns || uid == SHRIKE_ID_NONE)
		return NULL;
	c.mntns = ic->host_mntns;
	c.uid = c.gid = SHRIKE_ID_NONE;
	c.loginuid = uid;
	identity_lookup(ic, &c, 1, tag, &n);
	return n.login;
}
