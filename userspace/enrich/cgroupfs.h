/* SPDX-License-Identifier: GPL-2.0-only */
/* cgroupfs.h - a cgroup id from the kernel → its path, as the initial cgroup namespace sees it */
#ifndef SHRIKE_CGROUPFS_H
#define SHRIKE_CGROUPFS_H

#include <stdint.h>

/*
 * Hierarchies are named by their id in /proc/cgroups: 0 is the unified (v2)
 * hierarchy, 1, 2, ... the v1 ones (struct shrike_proc_ctx's cgroup1_hier).
 */
#define CGROUPFS_V2		0u

#define CGROUPFS_MAX_ENTRIES	8192u	/* default bound of the id → path cache */
#define CGROUPFS_NEGATIVE_MS	2000u	/* default: how long an unknown id stays unknown */
#define CGROUPFS_REMOUNT_MS	10000u	/* not mounted: reread mountinfo this often */
#define CGROUPFS_SCAN_MAX	(1u << 20)	/* directories one fallback scan looks at */

/* Flags of struct cgroupfs_config. */
#define CGROUPFS_NO_HANDLE	0x1u	/* never open_by_handle_at(): scan the tree (tests) */

struct cgroupfs_config {
	const char *mountinfo;		/* NULL: /proc/self/mountinfo */
	const char *cgroups;		/* NULL: /proc/cgroups */
	unsigned int max_entries;	/* 0: CGROUPFS_MAX_ENTRIES */
	unsigned int negative_ms;	/* 0: CGROUPFS_NEGATIVE_MS */
	unsigned int flags;
	/* Milliseconds of a monotonic clock; NULL: mono_ms() of lib/clock.h. */
	uint64_t (*now_ms)(void *arg);
	void *arg;
};

struct cgroupfs;

/*
 * Read the mount table: the cgroup2 mount, and for each v1 hierarchy listed
 * in /proc/cgroups the cgroup mount whose super options name one of its
 * controllers. A mount of the whole hierarchy (root "/") is preferred; a
 * mount of a subtree is used with its root put in front of every path.
 * Missing files or mounts are not errors: ids of an unmounted hierarchy just
 * do not resolve. @cfg may be NULL. NULL only when out of memory.
 */
struct cgroupfs *cgroupfs_new(const struct cgroupfs_config *cfg);
void cgroupfs_free(struct cgroupfs *cg);

/* Read the mount table again (the cache is kept: cgroup ids are never reused). */
void cgroupfs_reload(struct cgroupfs *cg);

/*
 * The path of cgroup @id in hierarchy @hier, relative to the root of the
 * hierarchy, with a leading slash: "/" for the root, "/lxc.payload.web1/.lxc".
 * Resolved with open_by_handle_at() on the hierarchy's mount (kernfs file
 * handle: the id) and the name of the opened directory; if that is not
 * possible (no CAP_DAC_READ_SEARCH, an old kernel), by a scan of the mounted
 * tree for the directory whose inode number is @id. Results are cached;
 * an id that did not resolve is not looked for again for negative_ms.
 *
 * Returns the length of *path, or -ENOENT (no such cgroup, or not any more),
 * -ENODEV (the hierarchy is not mounted), -ENOMEM. *path is NUL-terminated
 * and valid until the next cgroupfs_path(), cgroupfs_reload() or
 * cgroupfs_free() on @cg.
 */
int cgroupfs_path(struct cgroupfs *cg, unsigned int hier, uint64_t id, const char **path);

/*
 * The same, but for a cgroup whose path is longer than PATH_MAX (which the
 * kernel will not print, and a container can make as deep as it likes) it
 * gives the path of its nearest ancestor that fits, at most a few hundred
 * levels up, and sets *truncated: the top of the path, which names the
 * container, is there; what is below is not. cgroupfs_path() returns
 * -ENAMETOOLONG for such a cgroup. Neither ever scans the tree for it: the
 * cost of naming a cgroup is bounded whatever a container does.
 */
int cgroupfs_path_prefix(struct cgroupfs *cg, unsigned int hier, uint64_t id, const char **path,
			 int *truncated);

/* Where hierarchy @hier is mounted in our mount namespace, or NULL. */
const char *cgroupfs_mount_point(const struct cgroupfs *cg, unsigned int hier);

#endif /* SHRIKE_CGROUPFS_H */
