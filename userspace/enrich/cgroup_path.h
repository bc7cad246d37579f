/* SPDX-License-Identifier: GPL-2.0-only */
/* cgroup_path.h - tell from a cgroup path whether a process runs in an LXC container, and which */
#ifndef SHRIKE_CGROUP_PATH_H
#define SHRIKE_CGROUP_PATH_H

#include <stddef.h>
#include <stdint.h>

enum cgroup_path_type {
	CONTAINER_HOST = 0,
	CONTAINER_LXC = 1,
};

#define CGROUP_OWNER_SYSTEM	UINT32_MAX	/* created by the host's system side */

/*
 * The identity a cgroup path shows. The name is NOT NUL-terminated: for
 * CONTAINER_LXC it points into the caller's input (valid as long as that
 * input is), for CONTAINER_HOST it points to the static string "host" (the
 * value container.id and container.name take for host processes).
 */
struct cgroup_path_id {
	enum cgroup_path_type type;
	const char *name;
	size_t name_len;
	/*
	 * CONTAINER_LXC: the uid of the user@UID.service the container's cgroup
	 * is below (a container of an unprivileged host user, who may call it
	 * anything), or CGROUP_OWNER_SYSTEM.
	 */
	uint32_t owner;
	/* CONTAINER_LXC: the rest of the path below the container's cgroup ("" if none). */
	const char *below;
	size_t below_len;
	unsigned int depth;	/* 0 host, 1 container, 2 with one container found below it, ... */
	/*
	 * cgroup_path_parse_proc() only: a hierarchy showed up twice. A cgroup
	 * name may hold a newline, which /proc/<pid>/cgroup prints raw, so a
	 * container allowed to create cgroups can forge lines. The result is
	 * then a best guess; prefer an unforgeable source (the cgroup id).
	 */
	unsigned int ambiguous;
};

/*
 * Classify one cgroup path as the initial cgroup namespace sees it (the path
 * part of a /proc/<pid>/cgroup line, v1 or v2). @path need not be
 * NUL-terminated; exactly @len bytes are read.
 *
 * The container is the OUTERMOST one: the boundary the host side created,
 * which nothing inside can move. A container owns its cgroup subtree and can
 * make any child cgroup there ("lxc/host", "lxc.payload.other"), so what is
 * found below the container's cgroup never changes who it is: it is only
 * reported, by cgroup_path_nested(). Recognised: /lxc.payload.<name>,
 * /lxc.payload/<name>, /lxc/<name> (whatever follows, e.g. the lxc-attach
 * cgroup ".lxc", Proxmox's "ns", stays in it); /lxc.monitor.<name> and
 * /lxc.monitor/<name> outside any container are the host-side monitor (a host
 * process). These may sit below other host cgroups (a service that runs LXC
 * with lxc.cgroup.relative); below a user@UID.service they are containers of
 * that unprivileged user (@owner), the first such unit on the path deciding.
 *
 * Returns 0, or -EINVAL for a malformed path (empty, relative, embedded NUL,
 * a "." or ".." component: the latter means the path was read from outside
 * the initial cgroup namespace and cannot be trusted). On error *id is set
 * to the host identity, so a caller that ignores the error is still safe.
 */
int cgroup_path_parse(const char *path, size_t len, struct cgroup_path_id *id);

/*
 * Classify the whole content of a /proc/<pid>/cgroup file: the v2 line
 * ("0::/path") and any v1 lines ("N:controllers:/path", name=systemd
 * included). Any hierarchy that shows an LXC container wins over those that
 * show the host; when several show a container, the first v2 one wins, else
 * the first v1 one. The " (deleted)" suffix the kernel appends to a removed v2
 * cgroup is ignored. Malformed lines are skipped.
 *
 * Returns 0 if at least one line was well formed, else -EINVAL (with *id set
 * to the host identity).
 */
int cgroup_path_parse_proc(const char *buf, size_t len, struct cgroup_path_id *id);

/*
 * container.id: the name, or "user-<uid>/<name>" for a container of an
 * unprivileged host user, so that it can never pass for a system container of
 * that name. Written NUL-terminated to @dst; returns its length, or -ENOSPC
 * if @size cannot hold it (@dst is then "" when @size > 0: never a silently
 * truncated name).
 */
int cgroup_path_name_copy(const struct cgroup_path_id *id, char *dst, size_t size);

/*
 * container.nested: the names of the containers found below the container's
 * cgroup, outermost first, joined with "/" (a monitor ends the list: it runs
 * in the container around it), NUL-terminated in @dst. Returns the length (0:
 * none), or -ENOSPC as above. Names chosen inside a container: report them,
 * never trust them.
 */
int cgroup_path_nested(const struct cgroup_path_id *id, char *dst, size_t size);

#endif
