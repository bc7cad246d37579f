/* SPDX-License-Identifier: GPL-2.0-only */
/* cgroupfs.c - cgroup id → cgroup path, by file handle on the cgroup mount (or a scan), cached */
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

#include "enrich/cgroupfs.h"
#include "lib/clock.h"
#include "lib/lru.h"

#define FILEID_KERNFS	0xfe		/* linux/exportfs.h: a u64 kernfs node id */
#define SCAN_DEPTH	256		/* deeper cgroups are not looked into by the scan */
#define DELETED		" (deleted)"	/* d_path() of a removed directory ends so */
#define UP_MAX		512		/* parents climbed to find a path that fits PATH_MAX */

/* Where one hierarchy is mounted. */
struct hmount {
	unsigned int hier;
	char *mnt;		/* mount point, unescaped */
	size_t mnt_len;
	char *root;		/* the mount's root in the hierarchy; "" for "/" */
	size_t root_len;
	int fd;			/* the mount point, O_RDONLY | O_DIRECTORY */
};

/* One cached answer: a path, or an error until expires_ms. */
struct centry {
	struct centry *hnext;
	struct lru_node lru;	/* LRU, most recent first */
	uint64_t id;
	unsigned int hier;
	int len;			/* path length, or -errno */
	int truncated;			/* path is an ancestor's: see cgroupfs_path_prefix() */
	uint64_t expires_ms;		/* negative entries only */
	char *path;
};

struct cgroupfs {
	struct cgroupfs_config cfg;
	struct hmount *mounts;
	size_t nmounts;
	uint64_t loaded_ms;
	struct centry **buckets;
	size_t nbuckets;		/* a power of two */
	struct lru lru;			/* the entries, most recently used first */
	size_t count;
};

/* ======================================================================
 * The mount table
 * ====================================================================== */

/* A controller of a v1 hierarchy, from /proc/cgroups. */
struct ctl {
	char name[64];
	unsigned int hier;
};

/* "subsys_name hierarchy num_cgroups enabled" lines; v2-bound (hierarchy 0) ones are left out. */
static size_t read_controllers(const char *path, struct ctl **out)
{
	FILE *f = fopen(path, "re");
	struct ctl *ctls = NULL, *n;
	size_t count = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;

	*out = NULL;
	if (!f)
		return 0;
	while (getline(&line, &lcap, f) > 0) {
		char name[64];
		unsigned int hier;

		if (line[0] == '#' || sscanf(line, "%63s %u", name, &hier) != 2 || hier == 0)
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			n = realloc(ctls, cap * sizeof(*ctls));
			if (!n)
				break;
			ctls = n;
		}
		memcpy(ctls[count].name, name, sizeof(name));
		ctls[count++].hier = hier;
	}
	free(line);
	fclose(f);
	*out = ctls;
	return count;
}

/* Undo the octal escapes (\040 for a space, ...) mountinfo uses, in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* The hierarchy a "cgroup" mount shows: the first super option that is a known controller. */
static int v1_hier(char *superopts, const struct ctl *ctls, size_t nctls, unsigned int *hier)
{
	char *save = NULL, *opt;
	size_t i;

	for (opt = strtok_r(superopts, ",", &save); opt; opt = strtok_r(NULL, ",", &save))
		for (i = 0; i < nctls; i++)
			if (strcmp(opt, ctls[i].name) == 0) {
				*hier = ctls[i].hier;
				return 1;
			}
	return 0;
}

/*
 * Split a mountinfo line into what matters here:
 * "id parent maj:min ROOT MOUNTPOINT opts [optional...] - FSTYPE source SUPEROPTS".
 */
static int split_mountinfo(char *line, char **root, char **mnt, char **fstype, char **superopts)
{
	char *tok[6], *save = NULL, *t;
	int n = 0, dash = 0;

	line[strcspn(line, "\n")] = '\0';
	for (t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (!dash) {
			if (n >= 6 && strcmp(t, "-") == 0) {
				dash = 1;
				n = 0;
			} else if (n < 6) {
				tok[n++] = t;
			}
			if (n == 5) {
				*root = tok[3];
				*mnt = tok[4];
			}
			continue;
		}
		if (dash == 1)
			*fstype = t;
		else if (dash == 3)
			*superopts = t;
		dash++;
	}
	return dash >= 4 ? 0 : -EINVAL;
}

static void mount_clear(struct hmount *m)
{
	if (m->fd >= 0)
		close(m->fd);
	free(m->mnt);
	free(m->root);
	m->fd = -1;
	m->mnt = m->root = NULL;
}

static struct hmount *mount_slot(struct cgroupfs *cg, unsigned int hier)
{
	size_t i;

	for (i = 0; i < cg->nmounts; i++)
		if (cg->mounts[i].hier == hier)
			return &cg->mounts[i];
	return NULL;
}

/* Take a candidate mount of @hier unless a better one (the whole hierarchy) is held. */
static void mount_offer(struct cgroupfs *cg, unsigned int hier, const char *root, const char *mnt)
{
	struct hmount *m = mount_slot(cg, hier), nm = { .hier = hier, .fd = -1 };
	int whole = strcmp(root, "/") == 0;

	if (m && (m->root_len == 0 || !whole))
		return;
	nm.fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (nm.fd < 0)
		return;
	nm.mnt = strdup(mnt);
	nm.root = strdup(whole ? "" : root);
	if (!nm.mnt || !nm.root) {
		mount_clear(&nm);
		return;
	}
	nm.mnt_len = strlen(nm.mnt);
	nm.root_len = strlen(nm.root);
	/* "/sys/fs/cgroup/" would not prefix "/sys/fs/cgroup/x" as compared below */
	while (nm.mnt_len > 1 && nm.mnt[nm.mnt_len - 1] == '/')
		nm.mnt[--nm.mnt_len] = '\0';
	while (nm.root_len > 0 && nm.root[nm.root_len - 1] == '/')
		nm.root[--nm.root_len] = '\0';
	if (m) {
		mount_clear(m);
		*m = nm;
		return;
	}
	m = realloc(cg->mounts, (cg->nmounts + 1) * sizeof(*m));
	if (!m) {
		mount_clear(&nm);
		return;
	}
	cg->mounts = m;
	cg->mounts[cg->nmounts++] = nm;
}

static void mounts_free(struct cgroupfs *cg)
{
	size_t i;

	for (i = 0; i < cg->nmounts; i++)
		mount_clear(&cg->mounts[i]);
	free(cg->mounts);
	cg->mounts = NULL;
	cg->nmounts = 0;
}

void cgroupfs_reload(struct cgroupfs *cg)
{
	struct ctl *ctls;
	size_t nctls = read_controllers(cg->cfg.cgroups, &ctls);
	FILE *f = fopen(cg->cfg.mountinfo, "re");
	char *line = NULL;
	size_t lcap = 0;

	mounts_free(cg);
	cg->loaded_ms = cg->cfg.now_ms(cg->cfg.arg);
	while (f && getline(&line, &lcap, f) > 0) {
		char *root = NULL, *mnt = NULL, *fstype = NULL, *opts = NULL;
		unsigned int hier;

		if (split_mountinfo(line, &root, &mnt, &fstype, &opts) < 0 || !root || !mnt)
			continue;
		unescape(root);
		unescape(mnt);
		if (strcmp(fstype, "cgroup2") == 0)
			mount_offer(cg, CGROUPFS_V2, root, mnt);
		else if (strcmp(fstype, "cgroup") == 0 && v1_hier(opts, ctls, nctls, &hier))
			mount_offer(cg, hier, root, mnt);
	}
	free(line);
	if (f)
		fclose(f);
	free(ctls);
}

const char *cgroupfs_mount_point(const struct cgroupfs *cg, unsigned int hier)
{
	size_t i;

	for (i = 0; cg && i < cg->nmounts; i++)
		if (cg->mounts[i].hier == hier)
			return cg->mounts[i].mnt;
	return NULL;
}

/* ======================================================================
 * Resolving one id
 * ====================================================================== */

/* The hierarchy path: the mount's root, then @rel ("" or "/a/b") below it. */
static int compose(const struct hmount *m, const char *rel, size_t rel_len, char **out)
{
	size_t len = m->root_len + rel_len;
	char *p;

	if (len > INT_MAX - 2)
		return -ENAMETOOLONG;
	p = malloc(len + 2);
	if (!p)
		return -ENOMEM;
	memcpy(p, m->root, m->root_len);
	memcpy(p + m->root_len, rel, rel_len);
	if (len == 0)
		p[len++] = '/';
	p[len] = '\0';
	*out = p;
	return (int)len;
}

/* Is "<mount>/@rel" (@rel "" or "/a/b") the directory @id? */
static int is_dir_id(const struct hmount *m, const char *rel, uint64_t id)
{
	struct stat st;

	if (!*rel)
		return fstat(m->fd, &st) == 0 && (uint64_t)st.st_ino == id;
	return fstatat(m->fd, rel + 1, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode) && (uint64_t)st.st_ino == id;
}

/*
 * The name of directory @fd (O_PATH), as a path of our mount namespace. A
 * path longer than PATH_MAX has no name the kernel will print: then the
 * nearest ancestor whose path fits is named instead (*up: how many levels
 * were climbed), at most UP_MAX levels up. A container can make its cgroups
 * as deep as it likes; this bounds what one of them costs to name, and the
 * top of the path, which says who the container is, is always in reach.
 */
static ssize_t name_of(int fd, char *link, size_t size, unsigned int *up)
{
	char proc[64];
	int cur = fd, parent;
	ssize_t n;

	for (*up = 0;; (*up)++) {
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", cur);
		n = readlink(proc, link, size);
		if (n < 0 && errno == ENAMETOOLONG && *up < UP_MAX) {
			parent = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (cur != fd)
				close(cur);
			if (parent < 0)
				return -errno;
			cur = parent;
			continue;
		}
		if (n < 0)
			n = -errno;
		else if ((size_t)n >= size)
			n = -ENAMETOOLONG;
		if (cur != fd)
			close(cur);
		return n;
	}
}

/*
 * Open the cgroup by its kernfs file handle (the id itself) and ask the
 * kernel for the name of what was opened. -ESTALE: there is no such cgroup;
 * other errors: the handle route is not available, scan instead.
 */
static int resolve_handle(const struct hmount *m, uint64_t id, char **out, int *truncated)
{
	union {
		struct file_handle fh;
		char buf[sizeof(struct file_handle) + sizeof(uint64_t)];
	} h;
	char link[PATH_MAX + 1], *rel;
	struct stat st;
	ssize_t n;
	size_t len, dl = sizeof(DELETED) - 1;
	unsigned int up = 0;
	int fd, err = 0;

	h.fh.handle_bytes = sizeof(uint64_t);
	h.fh.handle_type = FILEID_KERNFS;
	memcpy(h.fh.f_handle, &id, sizeof(id));
	fd = open_by_handle_at(m->fd, &h.fh, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESTALE : -errno;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != id)
		err = -EXDEV;		/* not the inode == id filesystem we think it is */
	n = err ? err : name_of(fd, link, sizeof(link), &up);
	close(fd);
	if (n < 0)
		return n == -ENAMETOOLONG ? -ENOENT : (int)n;	/* never a scan of the tree */
	link[n] = '\0';
	len = (size_t)n;
	*truncated = up > 0;
	/* the name of the mount point, then the cgroup below it */
	if (m->mnt_len == 1)
		rel = link;
	else if (strncmp(link, m->mnt, m->mnt_len) == 0 &&
		 (link[m->mnt_len] == '/' || link[m->mnt_len] == '\0'))
		rel = link + m->mnt_len;
	else
		return -EXDEV;		/* not reachable through this mount */
	len -= (size_t)(rel - link);
	if (strcmp(rel, "/") == 0)
		len = 0;
	/* removed while we looked, unless the name really ends that way */
	if (!up && len > dl && strcmp(rel + len - dl, DELETED) == 0 && !is_dir_id(m, rel, id))
		len -= dl;
	return compose(m, rel, len, out);
}

struct scan {
	DIR *dirs[SCAN_DEPTH];
	size_t lens[SCAN_DEPTH];	/* path length at each level */
	int depth;
	char *path;
	size_t cap;
	unsigned int budget;
};

static int scan_append(struct scan *s, size_t at, const char *name)
{
	size_t nl = strlen(name), need = at + nl + 2;
	char *p;

	if (need > s->cap) {
		p = realloc(s->path, need * 2);
		if (!p)
			return -ENOMEM;
		s->path = p;
		s->cap = need * 2;
	}
	s->path[at] = '/';
	memcpy(s->path + at + 1, name, nl + 1);
	return 0;
}

static int scan_push(struct scan *s, int fd, size_t len)
{
	DIR *d;

	if (s->depth >= SCAN_DEPTH || s->budget == 0) {
		close(fd);
		return 0;
	}
	s->budget--;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	s->dirs[s->depth] = d;
	s->lens[s->depth++] = len;
	return 0;
}

/* Is entry @de of directory @d a directory (cgroupfs reports d_type; other filesystems may not)? */
static int entry_is_dir(DIR *d, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
}

/* Look at one entry of the innermost directory: 1 found, 0 go on, -errno. */
static int scan_entry(struct scan *s, const struct dirent *de, uint64_t id)
{
	DIR *d = s->dirs[s->depth - 1];
	size_t at = s->lens[s->depth - 1];
	struct stat st;
	int fd, err;

	if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 || !entry_is_dir(d, de))
		return 0;
	err = scan_append(s, at, de->d_name);
	if (err)
		return err;
	if ((uint64_t)de->d_ino == id &&
	    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (uint64_t)st.st_ino == id)
		return 1;
	fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* removed meanwhile, or not for us: skip it */
	return scan_push(s, fd, at + 1 + strlen(de->d_name));
}

/* Walk the mounted tree for the directory whose inode number is @id. */
static int resolve_scan(const struct hmount *m, uint64_t id, char **out)
{
	struct scan s = { .budget = CGROUPFS_SCAN_MAX };
	struct dirent *de;
	int fd, ret = 0;

	if (is_dir_id(m, "", id))
		return compose(m, "", 0, out);
	fd = openat(m->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = scan_append(&s, 0, "");
	if (!ret)
		ret = scan_push(&s, fd, 0);
	else
		close(fd);
	while (ret == 0 && s.depth > 0) {
		de = readdir(s.dirs[s.depth - 1]);
		if (de) {
			ret = scan_entry(&s, de, id);
			continue;
		}
		closedir(s.dirs[--s.depth]);
	}
	if (ret == 1)
		ret = compose(m, s.path, strlen(s.path), out);
	else if (ret == 0)
		ret = -ENOENT;
	while (s.depth > 0)
		closedir(s.dirs[--s.depth]);
	free(s.path);
	return ret;
}

static int resolve(struct cgroupfs *cg, const struct hmount *m, uint64_t id, char **out,
		   int *truncated)
{
	int ret = -EOPNOTSUPP;

	*truncated = 0;
	if (!(cg->cfg.flags & CGROUPFS_NO_HANDLE))
		ret = resolve_handle(m, id, out, truncated);
	if (ret >= 0 || ret == -ESTALE || ret == -ENOMEM)
		return ret == -ESTALE ? -ENOENT : ret;
	return resolve_scan(m, id, out);
}

/* ======================================================================
 * The cache: (hierarchy, id) → path, LRU-bounded
 * ====================================================================== */

static struct centry **bucket_of(struct cgroupfs *cg, unsigned int hier, uint64_t id)
{
	uint64_t h = (id ^ ((uint64_t)hier << 56)) * 0x9e3779b97f4a7c15ull;

	return &cg->buckets[(h >> 32) & (cg->nbuckets - 1)];
}

static void entry_remove(struct cgroupfs *cg, struct centry *e)
{
	struct centry **pp = bucket_of(cg, e->hier, e->id);

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(&cg->lru, &e->lru);
	cg->count--;
	free(e->path);
	free(e);
}

static struct centry *entry_find(struct cgroupfs *cg, unsigned int hier, uint64_t id)
{
	struct centry *e;

	for (e = *bucket_of(cg, hier, id); e; e = e->hnext)
		if (e->id == id && e->hier == hier)
			return e;
	return NULL;
}

/* Cache @len (-errno for a miss) and @path (taken over). */
static void entry_add(struct cgroupfs *cg, unsigned int hier, uint64_t id, int len, char *path,
		      int truncated, uint64_t now)
{
	struct centry *e, **b;

	if (cg->count >= cg->cfg.max_entries)
		entry_remove(cg, LRU_ENTRY(cg->lru.tail, struct centry, lru));
	e = calloc(1, sizeof(*e));
	if (!e) {
		free(path);
		return;
	}
	e->id = id;
	e->hier = hier;
	e->len = len;
	e->path = path;
	e->truncated = truncated;
	e->expires_ms = now + cg->cfg.negative_ms;
	b = bucket_of(cg, hier, id);
	e->hnext = *b;
	*b = e;
	lru_push_front(&cg->lru, &e->lru);
	cg->count++;
}

struct cgroupfs *cgroupfs_new(const struct cgroupfs_config *cfg)
{
	struct cgroupfs *cg = calloc(1, sizeof(*cg));

	if (!cg)
		return NULL;
	if (cfg)
		cg->cfg = *cfg;
	if (!cg->cfg.mountinfo)
		cg->cfg.mountinfo = "/proc/self/mountinfo";
	if (!cg->cfg.cgroups)
		cg->cfg.cgroups = "/proc/cgroups";
	if (!cg->cfg.max_entries)
		cg->cfg.max_entries = CGROUPFS_MAX_ENTRIES;
	if (!cg->cfg.negative_ms)
		cg->cfg.negative_ms = CGROUPFS_NEGATIVE_MS;
	if (!cg->cfg.now_ms)
		cg->cfg.now_ms = mono_ms;
	for (cg->nbuckets = 16; cg->nbuckets < cg->cfg.max_entries && cg->nbuckets < (1u << 20);)
		cg->nbuckets *= 2;
	cg->buckets = calloc(cg->nbuckets, sizeof(*cg->buckets));
	if (!cg->buckets) {
		free(cg);
		return NULL;
	}
	cgroupfs_reload(cg);
	return cg;
}

void cgroupfs_free(struct cgroupfs *cg)
{
	if (!cg)
		return;
	while (cg->lru.head)
		entry_remove(cg, LRU_ENTRY(cg->lru.head, struct centry, lru));
	free(cg->buckets);
	mounts_free(cg);
	free(cg);
}

int cgroupfs_path_prefix(struct cgroupfs *cg, unsigned int hier, uint64_t id, const char **path,
			 int *truncated)
{
	struct centry *e;
	struct hmount *m;
	uint64_t now;
	char *p = NULL;
	int len, cut = 0;

	if (!cg || !path)
		return -EINVAL;
	if (truncated)
		*truncated = 0;
	e = entry_find(cg, hier, id);
	if (e && e->len >= 0) {
		lru_unlink(&cg->lru, &e->lru);
		lru_push_front(&cg->lru, &e->lru);
		*path = e->path;
		if (truncated)
			*truncated = e->truncated;
		return e->len;
	}
	now = cg->cfg.now_ms(cg->cfg.arg);
	if (e) {
		/* Signed difference: a clock that went back does not pin a miss forever. */
		if ((int64_t)(e->expires_ms - now) > 0 &&
		    e->expires_ms - now <= cg->cfg.negative_ms)
			return e->len;
		entry_remove(cg, e);
	}
	m = mount_slot(cg, hier);
	if (!m && now - cg->loaded_ms >= CGROUPFS_REMOUNT_MS) {
		cgroupfs_reload(cg);	/* mounted since we looked? */
		m = mount_slot(cg, hier);
	}
	if (!m)
		return -ENODEV;
	len = resolve(cg, m, id, &p, &cut);
	if (len == -ENOMEM)
		return len;
	entry_add(cg, hier, id, len, p, cut, now);
	e = entry_find(cg, hier, id);
	if (len < 0 || !e)
		return len < 0 ? len : -ENOMEM;
	*path = e->path;
	if (truncated)
		*truncated = cut;
	return len;
}

int cgroupfs_path(struct cgroupfs *cg, unsigned int hier, uint64_t id, const char **path)
{
	int truncated, n = cgroupfs_path_prefix(cg, hier, id, path, &truncated);

	return n >= 0 && truncated ? -ENAMETOOLONG : n;
}
