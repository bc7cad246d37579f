/* SPDX-License-Identifier: GPL-2.0-only */
/* identity.h - user and group names of a process, from the passwd/group of its own root */
#ifndef SHRIKE_IDENTITY_H
#define SHRIKE_IDENTITY_H

#include <stdint.h>
#include "shrike.h"
#include "enrich/resolver.h"

#define IDENTITY_MAX_NS		1024u	/* default: mount namespaces followed at once */
#define IDENTITY_PIDS		4	/* live processes remembered per mount namespace */
#define IDENTITY_IDLE_MS	30000u	/* default: a namespace this quiet is checked */
#define IDENTITY_SWEEP_MS	10000u	/* default: look for quiet namespaces this often */
#define IDENTITY_SWEEP_PROBES	64u	/* namespaces checked per sweep at most */
#define IDENTITY_YOUNG_MS	10000u	/* a namespace this new is checked at every lookup */
#define IDENTITY_WAIT_MS	300u	/* default: the event thread waits this long for a read */
#define IDENTITY_WORKERS	32u	/* default: reads of container files under way at once */
#define IDENTITY_STUCK_MS	5000u	/* a read this old is reported as stuck (once) */
#define IDENTITY_SCAN_MAX	65536u	/* /proc entries looked at for a process at the root */

struct proctab;

/*
 * The names of one identity; any of them NULL when unknown: the id is
 * unmapped (0xffffffff), absent from the file, or the file unreadable.
 */
struct identity_names {
	const char *user;	/* user.name: ctx->uid in passwd */
	const char *home;	/* user.homedir */
	const char *shell;	/* user.shell */
	const char *group;	/* group.name: ctx->gid in group */
	const char *login;	/* user.loginname: ctx->loginuid in passwd */
};

struct identity_config {
	/* NULL: "/proc". "": never open a root (events replayed from elsewhere). */
	const char *procdir;
	unsigned int max_ns;		/* 0: IDENTITY_MAX_NS */
	unsigned int idle_ms;		/* 0: IDENTITY_IDLE_MS */
	unsigned int sweep_ms;		/* 0: IDENTITY_SWEEP_MS */
	unsigned int revalidate_ms;	/* 0: the userdb default (USERDB_REVALIDATE_MS) */
	/* Milliseconds of a monotonic clock, for us and the userdb cache; NULL: mono_ms() of lib/clock.h. */
	uint64_t (*now_ms)(void *arg);
	void *arg;
	int quiet;			/* do not log unreadable passwd/group files */
	/*
	 * The container's files are read by worker threads (at most @workers,
	 * 0: IDENTITY_WORKERS); the event thread waits for one at most
	 * @wait_ms (0: IDENTITY_WAIT_MS) and otherwise goes on with the names
	 * it had.
	 */
	unsigned int workers;
	unsigned int wait_ms;
	/* Is the directory @rootfd the root of its mount namespace? NULL: identity_is_ns_root(). */
	int (*is_ns_root)(int rootfd);
};

/*
 * ".." of @rootfd is @rootfd itself: the root of a mount namespace, not a
 * chroot inside one. Names are only ever read through such a root.
 */
int identity_is_ns_root(int rootfd);

struct identity_ctx;

/* @cfg may be NULL. NULL only when out of memory. */
struct identity_ctx *identity_new(const struct identity_config *cfg);
void identity_free(struct identity_ctx *ic);

/*
 * The names of @c's uid, gid and loginuid. Every process of a container
 * shares its mount namespace (lxc-attach enters it too), so the files are
 * cached per mount namespace (ctx->mntns). They are read through
 * "<procdir>/<pid>/root" of @pid (0: none) if it is alive and still in that
 * mount namespace, else of another live process recently seen in it; if none
 * is left, the names read before stay, unless identity_exited() said every
 * remembered process of the namespace is gone. The userdb cache checks the files for
 * changes at most once per revalidate_ms (a renamed user shows then).
 *
 * @tag names the event being enriched (its evt.num): a call with the same
 * @tag, @pid and ids as the previous call returns the same strings without
 * asking the cache again, so all fields of one event see one version of the
 * files. 0: no such reuse.
 *
 * Fills *out (NULL members when unknown) and returns 0, or -ENOENT when
 * nothing is known (no mount namespace). The strings are valid until the
 * next identity_lookup() with another tag, or identity_free(). With warm
 * caches: hash lookups and binary searches, no allocation, no system call.
 */
int identity_lookup(struct identity_ctx *ic, const struct shrike_proc_ctx *c, uint32_t pid,
		    uint64_t tag, struct identity_names *out);

/* Tell that @pid is a live process of mount namespace @mntns (e.g. from the /proc scan). */
/*
 * The name of @uid in the host's passwd (the root of pid 1's mount
 * namespace), for the host's view of a login uid; NULL if unknown. @tag as
 * for identity_lookup(). Valid as long as identity_lookup()'s strings.
 */
const char *identity_host_user(struct identity_ctx *ic, uint32_t uid, uint64_t tag);

void identity_note(struct identity_ctx *ic, uint64_t mntns, uint32_t pid);

/*
 * Tell that process @pid of mount namespace @mntns exited (its whole thread
 * group). Once every process remembered for the namespace has, the
 * namespace may be freed and its inode number reused by a new one, so the
 * next lookup in it reads the files again instead of trusting the cache.
 */
void identity_exited(struct identity_ctx *ic, uint64_t mntns, uint32_t pid);

/*
 * A mount namespace was just made (clone or unshare with CLONE_NEWNS): if
 * its inode number was another's, forget that one's files, and check its own
 * at every lookup while it is young (its root is the host's until LXC pivots
 * into the container's rootfs). A freed namespace's number is often given to
 * the next one at once: a container stopped and started again.
 */
void identity_ns_new(struct identity_ctx *ic, uint64_t mntns);

/* identity_note() every process of @pt that has an identity. Returns how many. */
int identity_scan(struct identity_ctx *ic, struct proctab *pt);

/* Mount namespaces followed now (their files may or may not be cached). */
unsigned int identity_ns_count(const struct identity_ctx *ic);

/* For the metrics: the cache's size, how it answered, its workers. */
struct identity_stats {
	unsigned int namespaces;	/* identity_ns_count() */
	uint64_t hits;			/* lookups answered from cached passwd/group tables */
	uint64_t misses;		/* lookups with no tables (not read yet, or unreadable) */
	struct resolver_stats resolver;	/* its reads of container files */
};

/* A job of the workers running for @stuck_ms or more counts as stuck. */
void identity_stats(struct identity_ctx *ic, unsigned int stuck_ms, struct identity_stats *st);

#endif /* SHRIKE_IDENTITY_H */
