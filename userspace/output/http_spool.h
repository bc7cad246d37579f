/* SPDX-License-Identifier: GPL-2.0-only */
/* http_spool.h - the HTTP output's alerts kept on disk, in order, while the collector is away. */
#ifndef SHRIKE_HTTP_SPOOL_H
#define SHRIKE_HTTP_SPOOL_H

#include <stddef.h>
#include <stdint.h>

/*
 * A directory of one file per alert, named by a sequence number
 * (0000000000000001.json, ...): the oldest is the lowest. Files are written
 * under a temporary name and renamed, so a crash leaves whole alerts only
 * (not fsync'd: a power cut may lose the newest). Bounded by max_bytes of
 * alert bodies; a full spool refuses new alerts, so that a flood of alerts
 * can never push out the first ones of an incident. One user at a time: an
 * flock(2) on the directory, which also hands the spool from one sender to
 * the next (SIGHUP) and keeps a second daemon out.
 *
 * Only the delivery thread calls these, so none of their I/O can stall the
 * event path.
 */
struct spool;

/*
 * The spool in dir (created 0700 if missing, its parent must exist), not
 * yet locked. NULL with a message on stderr.
 */
struct spool *spool_open(const char *dir, uint64_t max_bytes);
/*
 * Take the lock and read what the directory holds (left by an earlier run or
 * sender). 0; -EWOULDBLOCK while another holds it; else -errno.
 */
int spool_acquire(struct spool *sp);
/* 0 stored; -ENOSPC: it would go past max_bytes; -EFBIG: larger than one alert may be; -errno. */
int spool_append(struct spool *sp, const char *body, size_t len);
/* The oldest alert, malloc'd and NUL-terminated: 0; -ENOENT when empty; -errno if unreadable. */
int spool_peek(struct spool *sp, char **body, size_t *len);
/* Delete the oldest alert (after its delivery, or when it is unreadable). */
void spool_pop(struct spool *sp);
uint64_t spool_count(const struct spool *sp);
const char *spool_dir(const struct spool *sp);
/* Release the lock and free; what is stored stays for the next user. */
void spool_close(struct spool *sp);

#endif /* SHRIKE_HTTP_SPOOL_H */
