/* SPDX-License-Identifier: GPL-2.0-only */
/* procfs.h - what /proc says about a process that started before us. */
#ifndef SHRIKE_PROCFS_H
#define SHRIKE_PROCFS_H

#include <stddef.h>
#include <stdint.h>

struct proc;

/* Fill p (p->pid set) from <procdir>/<pid>; -1 if the process is gone. */
int procfs_read_proc(struct proc *p, const char *procdir);
/* Read a small /proc file whole into a malloc'd NUL-terminated buffer. */
char *procfs_slurp(const char *path, size_t cap, size_t *len);
/*
 * Map an id of the initial user namespace into the namespace described by a
 * uid_map/gid_map text; SHRIKE_ID_NONE if it has no mapping there.
 */
uint32_t procfs_map_id(const char *map, uint32_t host_id);

/* The inode number of namespace @ns ("mnt", "user", ...) of @pid, 0 if it cannot be told. */
uint64_t procfs_ns_inode(const char *procdir, uint32_t pid, const char *ns);

/*
 * The start time of process @pid as <procdir>/<pid>/stat gives it, in ns of
 * CLOCK_BOOTTIME (clock-tick resolution). 0, or -1 if it cannot be read (the
 * process is gone).
 */
int procfs_start_ns(const char *procdir, uint32_t pid, uint64_t *start_ns);

#endif /* SHRIKE_PROCFS_H */
