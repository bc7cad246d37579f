/* SPDX-License-Identifier: GPL-2.0-only */
/* cgroup_path.h - tell from a cgroup path whether a process runs in an LXC container, and which */
#ifndef SHRIKE_CGROUP_PATH_H
#define SHRIKE_CGROUP_PATH_H

#include <stddef.h>

enum cgroup_path_type {
	CONTAINER_HOST = 0,
	CONTAINER_LXC = 1,
};

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
	unsigned int depth;	/* 0 host, 1 container, 2 container in a container, ... */
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
 * Recognised, at any depth: /lxc.payload.<name>, /lxc.payload/<name>,
 * /lxc/<name> (a container; whatever follows, e.g. the lxc-attach cgroup
 * ".lxc", stays in it), the same again below a container (nesting: the
 * innermost name wins), and /lxc.monitor.<name>, /lxc.monitor/<name> (the
 * monitor runs in the enclosing context: the host at the top, the outer
 * container when nested).
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
 * Copy the identity's name into @dst as a NUL-terminated string. Returns the
 * name length, or -ENOSPC if @size cannot hold it and its NUL (@dst is then
 * set to "" when @size > 0: never a silently truncated name).
 */
int cgroup_path_name_copy(const struct cgroup_path_id *id, char *dst, size_t size);

#endif
