/* SPDX-License-Identifier: GPL-2.0-only */
/* container.c - place each process in the host or an LXC container, remembered per process */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "enrich/cgroupfs.h"
#include "enrich/container.h"
#include "enrich/platform.h"
#include "enrich/proctab.h"
#include "lib/clock.h"
#include "lib/readfile.h"

/*
 * Names are interned in a table of slots, and a process remembers its slot
 * with the slot's generation: when a slot is given to another name (the
 * table is full), its generation moves and every process that pointed there
 * looks its container up again. So struct proc needs no pointer that could
 * dangle, and nothing has to be freed when proctab frees a process.
 */
#define SLOT_HOST	0u
#define SLOT_ANON	1u		/* LXC, but the name cannot be trusted */
#define SLOT_FIRST	2u
#define SLOT_NONE	UINT32_MAX	/* not placed; retried */

struct name_rec {
	struct container c;
	char *name;		/* NULL: free slot; the key: id, NUL, nested */
	size_t len;		/* of the whole key */
	struct platform_info plat;	/* what c's platform fields point into */
	struct platform_job *job;	/* a look under way, or NULL */
	unsigned int hier1;		/* v1 hierarchy it was found in, 0: v2 */
	uint64_t plat_ms;		/* when the platform was last asked for */
	uint64_t used;		/* tick of the last use, for eviction */
	uint32_t gen;		/* moves when the slot changes hands; never 0 */
	uint32_t hash;
	uint32_t hnext;		/* next slot of the hash chain + 1; 0 ends it */
};

struct container_ctx {
	struct container_config cfg;
	char *pidpath;		/* "<procdir>/<pid>" is built here */
	size_t pidpath_cap;
	struct name_rec *recs;
	uint32_t nrecs;		/* SLOT_FIRST + max_names */
	uint32_t nused;		/* named slots in use */
	uint32_t *buckets;	/* slot + 1, 0: empty */
	uint32_t nbuckets;	/* a power of two */
	uint64_t tick;
	uint32_t retry_gen;	/* unplaced processes remember it; moves every retry_ms */
	uint64_t retry_since;
	unsigned long long ns_per_tick;	/* /proc/<pid>/stat start time unit */
	char *key;		/* scratch for intern(): id, NUL, nested, NUL */
	size_t key_cap;
	struct resolver *resolver;	/* platform lookups; NULL: none */
	unsigned int njobs;		/* records with a lookup under way */
	uint64_t next_scan_ms;		/* container_next_event() looks no sooner */
	uint64_t hits, misses;		/* container_stats() */
};

static const struct container host = { CONTAINER_HOST, "host", "host", "host", NULL, NULL, NULL,
					NULL };
static const struct container anon_lxc = { CONTAINER_LXC, "lxc", NULL, NULL, PLATFORM_LXC, NULL,
					    NULL, NULL };

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

struct container_ctx *container_new(const struct container_config *cfg)
{
	struct container_ctx *cc = calloc(1, sizeof(*cc));
	long hz = sysconf(_SC_CLK_TCK);

	if (!cc)
		return NULL;
	if (cfg)
		cc->cfg = *cfg;
	if (!cc->cfg.procdir)
		cc->cfg.procdir = "/proc";
	if (!cc->cfg.max_names || cc->cfg.max_names > (1u << 24))
		cc->cfg.max_names = cc->cfg.max_names ? 1u << 24 : CONTAINER_MAX_NAMES;
	if (!cc->cfg.retry_ms)
		cc->cfg.retry_ms = CONTAINER_RETRY_MS;
	if (!cc->cfg.platform_wait_ms)
		cc->cfg.platform_wait_ms = CONTAINER_PLATFORM_WAIT_MS;
	if (!cc->cfg.root)
		cc->cfg.root = "";
	if (!cc->cfg.now_ms)
		cc->cfg.now_ms = mono_ms;
	cc->ns_per_tick = 1000000000ull / (unsigned long long)(hz > 0 ? hz : 100);
	cc->nrecs = SLOT_FIRST + cc->cfg.max_names;
	for (cc->nbuckets = 16; cc->nbuckets < cc->cfg.max_names;)
		cc->nbuckets *= 2;
	cc->pidpath_cap = strlen(cc->cfg.procdir) + 16;
	cc->recs = calloc(cc->nrecs, sizeof(*cc->recs));
	cc->buckets = calloc(cc->nbuckets, sizeof(*cc->buckets));
	cc->pidpath = malloc(cc->pidpath_cap);
	if (!cc->cfg.no_platforms && cc->cfg.procdir[0])
		cc->resolver = resolver_new(4);
	if (!cc->recs || !cc->buckets || !cc->pidpath ||
	    (!cc->cfg.no_platforms && cc->cfg.procdir[0] && !cc->resolver)) {
		container_free(cc);
		return NULL;
	}
	cc->recs[SLOT_HOST].c = host;
	cc->recs[SLOT_ANON].c = anon_lxc;
	cc->recs[SLOT_HOST].gen = cc->recs[SLOT_ANON].gen = 1;
	cc->retry_gen = 1;
	cc->retry_since = cc->cfg.now_ms(cc->cfg.arg);
	return cc;
}

/* ---- platforms ------------------------------------------------------------- */

/* Point @r's fields at what is known of its platform. */
static void rec_show(struct name_rec *r)
{
	r->c.id = r->name;
	r->c.name = r->plat.name ? r->plat.name : r->name;
	r->c.platform = r->plat.platform ? r->plat.platform : PLATFORM_LXC;
	r->c.project = r->plat.project;
	r->c.tags = r->plat.tags;
}

static void rec_clear(struct container_ctx *cc, struct name_rec *r)
{
	if (r->job) {
		resolver_abandon(cc->resolver, &r->job->rj);
		r->job = NULL;
		cc->njobs--;
	}
	platform_info_clear(&r->plat);
	free(r->name);
	r->name = NULL;
}

/* Take in what @r's finished lookup found. */
static void plat_collect(struct container_ctx *cc, struct name_rec *r)
{
	struct platform_job *j = r->job;

	r->job = NULL;
	cc->njobs--;
	platform_info_clear(&r->plat);
	r->plat = j->out;
	memset(&j->out, 0, sizeof(j->out));
	j->rj.release(&j->rj);
	rec_show(r);
}

/* Ask a worker what platform @r's container is; wait at most @wait_ms. */
static void plat_ask(struct container_ctx *cc, struct name_rec *r, unsigned int wait_ms)
{
	const struct cgroupfs *cg = cc->cfg.cgroupfs;
	struct platform_job *j;
	int taken;

	r->plat_ms = cc->cfg.now_ms(cc->cfg.arg);
	j = platform_job_new(cc->cfg.root, r->name, cg ? cgroupfs_mount_point(cg, CGROUPFS_V2) : NULL,
			     cg && r->hier1 ? cgroupfs_mount_point(cg, r->hier1) : NULL);
	if (!j)
		return;
	taken = resolver_submit(cc->resolver, &j->rj);
	if (taken < 0) {
		j->rj.release(&j->rj);
		return;
	}
	r->job = j;
	cc->njobs++;
	if (taken && wait_ms && resolver_wait(cc->resolver, &j->rj, wait_ms))
		plat_collect(cc, r);
}

void container_next_event(struct container_ctx *cc)
{
	uint64_t now;
	uint32_t i;

	if (!cc || !cc->resolver)
		return;
	now = cc->cfg.now_ms(cc->cfg.arg);
	if ((int64_t)(cc->next_scan_ms - now) > 0)
		return;
	/* a stuck lookup (a hung /etc/pve) must not make every event scan */
	cc->next_scan_ms = now + (cc->njobs ? 50 : CONTAINER_PLATFORM_MS / 4);
	for (i = SLOT_FIRST; i < cc->nrecs; i++) {
		struct name_rec *r = &cc->recs[i];

		if (!r->name)
			continue;
		if (r->job) {
			if (resolver_done(cc->resolver, &r->job->rj))
				plat_collect(cc, r);
		} else if (r->plat.platform && !strcmp(r->plat.platform, PLATFORM_PROXMOX) &&
			   now - r->plat_ms >= CONTAINER_PLATFORM_MS) {
			/*
			 * Renamed? Waited for (briefly), so that the event that
			 * ends a quiet spell already has the new name; a lookup
			 * that hangs is not asked again, nor waited for again.
			 */
			plat_ask(cc, r, cc->cfg.platform_wait_ms);
		}
	}
}

void container_free(struct container_ctx *cc)
{
	uint32_t i;

	if (!cc)
		return;
	for (i = SLOT_FIRST; cc->recs && i < cc->nrecs; i++)
		rec_clear(cc, &cc->recs[i]);
	resolver_free(cc->resolver);
	free(cc->recs);
	free(cc->buckets);
	free(cc->pidpath);
	free(cc->key);
	free(cc);
}

/* ---- interned names ------------------------------------------------------ */

static void chain_unlink(struct container_ctx *cc, uint32_t slot)
{
	uint32_t *pp = &cc->buckets[cc->recs[slot].hash & (cc->nbuckets - 1)];

	while (*pp && *pp != slot + 1)
		pp = &cc->recs[*pp - 1].hnext;
	if (*pp)
		*pp = cc->recs[slot].hnext;
}

/* A slot for a new name: a free one, else the least recently used (its processes look again). */
static uint32_t slot_take(struct container_ctx *cc)
{
	uint32_t i, best = SLOT_FIRST;
	struct name_rec *r;

	for (i = SLOT_FIRST; i < cc->nrecs; i++) {
		if (!cc->recs[i].name)
			return i;
		if (cc->recs[i].used < cc->recs[best].used)
			best = i;
	}
	r = &cc->recs[best];
	chain_unlink(cc, best);
	rec_clear(cc, r);
	cc->nused--;
	return best;
}

/*
 * The key of the container @id names in cc->key: container.id, NUL,
 * container.nested, NUL. Returns its length without the last NUL, or -errno.
 */
static int make_key(struct container_ctx *cc, const struct cgroup_path_id *id, size_t *idlen)
{
	size_t need = id->name_len + 32 + id->below_len + 2;
	int a, b;
	char *k;

	if (need > INT_MAX)
		return -ENAMETOOLONG;
	if (need > cc->key_cap) {
		k = realloc(cc->key, need);
		if (!k)
			return -ENOMEM;
		cc->key = k;
		cc->key_cap = need;
	}
	a = cgroup_path_name_copy(id, cc->key, need);
	if (a < 0)
		return a;
	b = cgroup_path_nested(id, cc->key + a + 1, need - (size_t)a - 1);
	if (b < 0)
		return b;
	*idlen = (size_t)a;
	return a + 1 + b;
}

/*
 * The slot of the container @id names (a copy of its key is kept). @hier1:
 * the v1 hierarchy @id comes from, 0 for v2 (where its monitor is looked for).
 */
static int intern(struct container_ctx *cc, const struct cgroup_path_id *id, unsigned int hier1,
		  uint32_t *slot)
{
	uint32_t h, i, *b;
	struct name_rec *r;
	size_t len, idlen;
	char *name;
	int n;

	if (id->type != CONTAINER_LXC) {
		*slot = SLOT_HOST;
		return 0;
	}
	n = make_key(cc, id, &idlen);
	if (n < 0)
		return n;
	len = (size_t)n;
	h = name_hash(cc->key, len);
	b = &cc->buckets[h & (cc->nbuckets - 1)];
	for (i = *b; i; i = cc->recs[i - 1].hnext) {
		r = &cc->recs[i - 1];
		if (r->hash == h && r->len == len && memcmp(r->name, cc->key, len) == 0) {
			*slot = i - 1;
			return 0;
		}
	}
	name = malloc(len + 1);
	if (!name)
		return -ENOMEM;
	memcpy(name, cc->key, len + 1);
	i = slot_take(cc);
	r = &cc->recs[i];
	r->name = name;
	r->len = len;
	r->hash = h;
	r->c.type = CONTAINER_LXC;
	r->c.type_name = "lxc";
	r->c.nested = len > idlen + 1 ? name + idlen + 1 : NULL;
	r->hier1 = hier1;
	rec_show(r);
	if (++r->gen == 0)
		r->gen = 1;
	r->hnext = *b;
	*b = i + 1;
	cc->nused++;
	*slot = i;
	/* a host user's container is nobody's platform: it may be called anything */
	if (cc->resolver && id->owner == CGROUP_OWNER_SYSTEM)
		plat_ask(cc, r, cc->cfg.platform_wait_ms);
	return 0;
}

/* ---- from cgroup ids ------------------------------------------------------ */

/* 1 container, 0 host, -1 unknown: hierarchy @hier's view of cgroup @id. */
static int place_by_id(struct container_ctx *cc, unsigned int hier, uint64_t id, uint32_t *slot)
{
	struct cgroup_path_id pid;
	const char *path;
	int n, truncated;

	n = cgroupfs_path_prefix(cc->cfg.cgroupfs, hier, id, &path, &truncated);
	if (n < 0 || cgroup_path_parse(path, (size_t)n, &pid) < 0)
		return -1;
	/*
	 * Too deep to name whole: its top names the container all the same. A
	 * top that shows no container may still have one further down (a host
	 * user's, below its user@.service): unknown, not the host.
	 */
	if (pid.type != CONTAINER_LXC)
		return truncated ? -1 : 0;
	/* pid.name points into the cgroupfs cache: intern before asking it again */
	return intern(cc, &pid, hier == CGROUPFS_V2 ? 0 : hier, slot) < 0 ? -1 : 1;
}

/*
 * The v2 cgroup says which container, unless it says host: LXC on a host
 * with cgroup v1 leaves the v2 cgroup at the root, and then the pids
 * hierarchy (the one the kernel reports) tells.
 */
static int place_by_ids(struct container_ctx *cc, const struct shrike_proc_ctx *c, uint32_t *slot)
{
	int v2 = -1, v1 = -1;

	if (!cc->cfg.cgroupfs)
		return 0;
	if (c->cgroup_id) {
		v2 = place_by_id(cc, CGROUPFS_V2, c->cgroup_id, slot);
		if (v2 == 1)
			return 1;
	}
	if (c->cgroup1_id && c->cgroup1_hier) {
		v1 = place_by_id(cc, c->cgroup1_hier, c->cgroup1_id, slot);
		if (v1 == 1)
			return 1;
	}
	if (v2 == 0 || v1 == 0) {
		*slot = SLOT_HOST;
		return 1;
	}
	return 0;
}

/* ---- from /proc/<pid>/cgroup ---------------------------------------------- */

/* Is the process behind @dfd the one that started at @start_ns (CLOCK_BOOTTIME)? */
static int same_start(struct container_ctx *cc, int dfd, uint64_t start_ns)
{
	size_t len;
	char *stat = read_small_at(dfd, "stat", 4096, &len);
	char *p = stat ? strrchr(stat, ')') : NULL;
	unsigned long long ticks = 0;
	int field, ok = 0;

	/* fields after "(comm)": 3 state ... 22 starttime, in clock ticks since boot */
	for (field = 3; p && field <= 22; field++) {
		p = strchr(p + 1, ' ');
		if (p && field == 22)
			ok = sscanf(p + 1, "%llu", &ticks) == 1;
	}
	free(stat);
	/* the kernel rounds start_boottime down to ticks: so do we */
	return ok && ticks == start_ns / cc->ns_per_tick;
}

static int place_by_procfs(struct container_ctx *cc, const struct proc *p, uint32_t *slot)
{
	struct cgroup_path_id id;
	size_t len = 0;
	char *buf;
	int dfd, n, ret = 0;

	if (!cc->cfg.procdir[0])
		return 0;
	n = snprintf(cc->pidpath, cc->pidpath_cap, "%s/%u", cc->cfg.procdir, p->pid);
	if (n < 0 || (size_t)n >= cc->pidpath_cap)
		return 0;
	/* everything below is read through this fd: a reused pid is another directory */
	dfd = open(cc->pidpath, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	if (p->start_ns && !same_start(cc, dfd, p->start_ns))
		goto out;
	buf = read_small_at(dfd, "cgroup", CONTAINER_CGROUP_CAP, &len);
	if (buf && cgroup_path_parse_proc(buf, len, &id) == 0) {
		/*
		 * Forged lines can only name another container, never the host:
		 * any line showing a container wins. So an ambiguous host is the
		 * host, and an ambiguous container is a container, name unknown.
		 */
		if (id.type == CONTAINER_LXC && id.ambiguous) {
			*slot = SLOT_ANON;
			ret = 1;
		} else {
			ret = intern(cc, &id, 0, slot) == 0;
		}
	}
	free(buf);
out:
	close(dfd);
	return ret;
}

/* ---- per process ---------------------------------------------------------- */

static uint32_t retry_gen(struct container_ctx *cc)
{
	uint64_t now = cc->cfg.now_ms(cc->cfg.arg);

	if (now - cc->retry_since >= cc->cfg.retry_ms) {
		cc->retry_since = now;
		if (++cc->retry_gen == 0)
			cc->retry_gen = 1;
	}
	return cc->retry_gen;
}

static const struct container *place(struct container_ctx *cc, struct proc *p)
{
	const struct shrike_proc_ctx *c = &p->ctx;
	uint32_t slot = SLOT_NONE;
	int found = 0;

	if (c->cgroup_id || c->cgroup1_id)
		found = place_by_ids(cc, c, &slot);
	if (!found)
		found = place_by_procfs(cc, p, &slot);
	p->cont_cgroup_id = c->cgroup_id;
	p->cont_cgroup1_id = c->cgroup1_id;
	p->cont_cgroup1_hier = c->cgroup1_hier;
	if (!found) {
		p->cont_slot = SLOT_NONE;
		p->cont_gen = retry_gen(cc);
		return NULL;
	}
	p->cont_slot = slot;
	p->cont_gen = cc->recs[slot].gen;
	cc->recs[slot].used = ++cc->tick;
	return &cc->recs[slot].c;
}

const struct container *container_of(struct container_ctx *cc, struct proc *p)
{
	const struct shrike_proc_ctx *c;
	struct name_rec *r;

	if (!cc || !p || !p->has_ctx)
		return NULL;
	c = &p->ctx;
	if (p->cont_gen && p->cont_cgroup_id == c->cgroup_id &&
	    p->cont_cgroup1_id == c->cgroup1_id && p->cont_cgroup1_hier == c->cgroup1_hier) {
		if (p->cont_slot == SLOT_NONE) {
			if (p->cont_gen == retry_gen(cc))
				return NULL;
		} else if (p->cont_slot < cc->nrecs) {
			r = &cc->recs[p->cont_slot];
			if (r->gen == p->cont_gen) {
				r->used = ++cc->tick;
				cc->hits++;
				return &r->c;
			}
		}
	}
	cc->misses++;
	return place(cc, p);
}

void container_stats(struct container_ctx *cc, unsigned int stuck_ms, struct container_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!cc)
		return;
	st->names = cc->nused;
	st->hits = cc->hits;
	st->misses = cc->misses;
	resolver_stats(cc->resolver, stuck_ms, &st->resolver);
}

int container_scan(struct container_ctx *cc, struct proctab *pt)
{
	struct proc *p;
	size_t i;
	int n = 0;

	if (!cc || !pt || !pt->buckets)
		return 0;
	for (i = 0; i < pt->nbuckets; i++)
		for (p = pt->buckets[i]; p; p = p->hnext)
			n += container_of(cc, p) != NULL;
	return n;
}
