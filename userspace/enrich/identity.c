/* SPDX-License-Identifier: GPL-2.0-only */
/* identity.c - user and group names from each mount namespace's own passwd/group, via userdb */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "enrich/identity.h"
#include "enrich/proctab.h"
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
	char key[24];			/* decimal mntns */
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
	struct ns_ent *opening;		/* whose root open_root() is asked for */
	struct memo last;
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
	if (!ic->cache || !ic->ents || !ic->buckets || !ic->pidpath) {
		identity_free(ic);
		return NULL;
	}
	ic->last_sweep_ms = now_ms(ic);
	return ic;
}

void identity_free(struct identity_ctx *ic)
{
	if (!ic)
		return;
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
 * checked before and after, for a process that setns()'d in between.
 */
static int open_pid_root(struct identity_ctx *ic, uint32_t pid, uint64_t mntns)
{
	int dfd, fd, n;

	n = snprintf(ic->pidpath, ic->pidpath_cap, "%s/%u", ic->cfg.procdir, pid);
	if (n < 0 || (size_t)n >= ic->pidpath_cap)
		return -ENAMETOOLONG;
	dfd = open(ic->pidpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
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

/* userdb_open_root_fn: the first remembered process that still works. */
static int open_root(void *arg)
{
	struct identity_ctx *ic = arg;
	struct ns_ent *e = ic->opening;
	int fd = -ESRCH;

	if (!ic->cfg.procdir[0])
		return -ENOENT;
	while (e->pids[0]) {
		uint32_t pid = e->pids[0];

		fd = open_pid_root(ic, pid, e->mntns);
		if (fd >= 0)
			return fd;
		pid_forget(e, pid);	/* dead, or gone to another namespace */
	}
	return fd;
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

/* ---- names --------------------------------------------------------------- */

static int memo_hit(const struct identity_ctx *ic, const struct shrike_proc_ctx *c, uint32_t pid,
		    uint64_t tag)
{
	const struct memo *m = &ic->last;

	return tag && m->valid && m->tag == tag && m->pid == pid && m->mntns == c->mntns &&
	       m->uid == c->uid && m->gid == c->gid && m->loginuid == c->loginuid;
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
	if (e->orphaned) {
		/*
		 * The namespace may be gone and its inode number given to a new
		 * one (a container restarted, or one a process made to inherit
		 * another container's names): read the files afresh, and know
		 * nothing rather than the old names if no process can be asked.
		 */
		userdb_cache_drop(ic->cache, e->key);
		e->orphaned = 0;
		e->born_ms = now;
	}
	/*
	 * A young namespace may not have its root yet: LXC creates the mount
	 * namespace, runs its setup in it and only then pivots into the
	 * container's rootfs, so a lookup in between reads the host's files.
	 * Until the namespace has settled, every lookup checks the files (the
	 * root they come from included), not once per revalidate_ms.
	 */
	if (now - e->born_ms < IDENTITY_YOUNG_MS)
		userdb_cache_recheck(ic->cache, e->key);
	if (pid)
		pid_note(e, pid);
	ic->opening = e;
	db = userdb_get(ic->cache, e->key, open_root, ic);
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

/* ---- the daemon's instance ------------------------------------------------ */

static struct identity_ctx *global;

int identity_init(const struct identity_config *cfg)
{
	identity_exit();
	global = identity_new(cfg);
	return global ? 0 : -ENOMEM;
}

void identity_exit(void)
{
	identity_free(global);
	global = NULL;
}

struct identity_ctx *identity_global(void)
{
	return global;
}
