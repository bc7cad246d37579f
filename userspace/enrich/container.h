/* SPDX-License-Identifier: GPL-2.0-only */
/* container.h - the container a process runs in, from its cgroup ids (or /proc, for older ones) */
#ifndef SHRIKE_CONTAINER_H
#define SHRIKE_CONTAINER_H

#include <stdint.h>
#include "enrich/cgroup_path.h"
#include "enrich/resolver.h"

#define CONTAINER_MAX_NAMES	1024u	/* default: distinct container names held at once */
#define CONTAINER_RETRY_MS	2000u	/* default: retry an unplaced process this often */
#define CONTAINER_CGROUP_CAP	(64u << 10)	/* a bigger /proc/<pid>/cgroup is refused */
#define CONTAINER_PLATFORM_WAIT_MS	300u	/* default: wait for a new container's platform */
#define CONTAINER_PLATFORM_MS	2000u	/* a Proxmox container's configuration is read this often */

struct proc;
struct proctab;
struct cgroupfs;

/* What container.type, container.id, container.name and the rest show. */
struct container {
	enum cgroup_path_type type;
	const char *type_name;	/* "host", "lxc" */
	/*
	 * container.id and container.name: "host" for the host, the LXC name of
	 * the outermost container for a container ("user-<uid>/<name>" for one
	 * of an unprivileged host user). NULL when the process is in a container
	 * whose name cannot be told (see container_of()).
	 */
	const char *name;
	/*
	 * container.id: the same as name, but for a platform's container:
	 * Proxmox's VMID (name: its hostname), Incus's or LXD's liblxc name
	 * PROJECT_INSTANCE (name: the instance).
	 */
	const char *id;
	/* container.platform (lxc, proxmox, incus, lxd), .project, .tags; NULL: none */
	const char *platform;
	const char *project;
	const char *tags;
	/*
	 * container.nested: the containers found below that one's cgroup,
	 * outermost first, joined with "/" (a real LXC-in-LXC, or whatever the
	 * container named its child cgroups: reported, never trusted). NULL if
	 * none.
	 */
	const char *nested;
};

struct container_config {
	/* NULL: "/proc". "": never read /proc (events replayed from another host). */
	const char *procdir;
	/* Resolves cgroup ids; NULL: ids are not used (only /proc). Not owned. */
	struct cgroupfs *cgroupfs;
	unsigned int max_names;		/* 0: CONTAINER_MAX_NAMES */
	unsigned int retry_ms;		/* 0: CONTAINER_RETRY_MS */
	/*
	 * Platforms (docs/LXC.md): looked up for each new container by a
	 * worker thread, waited for at most platform_wait_ms (0:
	 * CONTAINER_PLATFORM_WAIT_MS); a Proxmox configuration is read again
	 * every CONTAINER_PLATFORM_MS. @root stands for / in those host-side
	 * facts (NULL: "/"; tests). no_platforms: never look.
	 */
	const char *root;
	unsigned int platform_wait_ms;
	int no_platforms;
	/* Milliseconds of a monotonic clock; NULL: mono_ms() of lib/clock.h. */
	uint64_t (*now_ms)(void *arg);
	void *arg;
};

struct container_ctx;

/* @cfg may be NULL. NULL only when out of memory. */
struct container_ctx *container_new(const struct container_config *cfg);
void container_free(struct container_ctx *cc);

/*
 * The container of @p, or NULL when it cannot be told (no identity, cgroup
 * gone before we looked, /proc unreadable): tried again after retry_ms.
 *
 * From the cgroup ids of @p's identity: the v2 cgroup's path; if that is the
 * host's (or unknown) and the pids controller is on a v1 hierarchy, that
 * hierarchy's path. Processes found by the /proc scan have no ids: their
 * /proc/<pid>/cgroup is read instead, through a directory fd of the pid and
 * only if its start time is @p's, so a reused pid is never read for it. A
 * container may forge lines of that file (a cgroup name with a newline); a
 * file whose hierarchies repeat places the process in an LXC container of
 * unknown name (name NULL) rather than trust a guess.
 *
 * The answer is remembered in @p (for its cgroup ids: an exec into another
 * cgroup recomputes it); with a warm cache this is a few compares, no
 * allocation and no system call. The result is valid until the next
 * container_of(), container_scan() or container_free().
 */
const struct container *container_of(struct container_ctx *cc, struct proc *p);

/*
 * Between two events: take in what the platform workers found (a Proxmox
 * container renamed), and ask again where due. The strings container_of()
 * gives stay valid until the next call.
 */
void container_next_event(struct container_ctx *cc);

/*
 * Place every process of @pt now, while those found by the /proc scan are
 * still alive to be read. Returns how many were placed.
 */
int container_scan(struct container_ctx *cc, struct proctab *pt);

/* For the metrics: the cache's size, how it answered, its workers. */
struct container_stats {
	unsigned int names;		/* containers remembered */
	uint64_t hits;			/* container_of() answered by a process's memo */
	uint64_t misses;		/* placed afresh (new process, new cgroup, a retry) */
	struct resolver_stats resolver;	/* its platform lookups */
};

/* A job of the workers running for @stuck_ms or more counts as stuck. */
void container_stats(struct container_ctx *cc, unsigned int stuck_ms, struct container_stats *st);

#endif /* SHRIKE_CONTAINER_H */
