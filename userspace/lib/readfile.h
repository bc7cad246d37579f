/* SPDX-License-Identifier: GPL-2.0-only */
/* readfile.h - reading a file whole, bounded. */
#ifndef SHRIKE_READFILE_H
#define SHRIKE_READFILE_H

#include <stddef.h>

/*
 * Read all of @fd into a malloc'd, NUL-terminated buffer, at most @cap
 * bytes: more is -EFBIG (the file is bigger than allowed, or grew). @hint is
 * the size to start with (st_size, or a guess). 0, or -errno / -ENOMEM.
 */
int read_whole_fd(int fd, size_t hint, size_t cap, char **bufp, size_t *lenp);

/*
 * Open @name relative to directory @dfd (AT_FDCWD: the cwd; an absolute
 * name: that) without blocking on a FIFO or taking a terminal, and read it
 * whole as read_whole_fd() does. NULL when it cannot be opened or read, or is
 * bigger than @cap.
 */
char *read_small_at(int dfd, const char *name, size_t cap, size_t *lenp);

#endif /* SHRIKE_READFILE_H */
