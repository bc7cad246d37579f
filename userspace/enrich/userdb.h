/* SPDX-License-Identifier: GPL-2.0-only */
/* userdb.h - container-local passwd/group lookups, read safely from the container's root */
#ifndef SHRIKE_USERDB_H
#define SHRIKE_USERDB_H

#include <stddef.h>
#include <stdint.h>

#define USERDB_FILE_CAP		(4u << 20)	/* default: refuse bigger files */
#define USERDB_REVALIDATE_MS	1000u
#define USERDB_MAX_ENTRIES	4096u
#define USERDB_MAX_BYTES	(256u << 20)	/* parsed data of all entries */

/* ---- reading a file inside a root ---------------------------------- */

/* Flags for userdb_open_in_root(). */
#define USERDB_WALK	0x1u	/* force the openat2-less fallback (tests) */

/*
 * Open @relpath (absolute or relative, either way taken from @rootfd)
 * resolving every symlink and ".." inside @rootfd, as if @rootfd were "/".
 * Magic links (/proc/<pid>/fd/..., /proc/self/root) are refused. Mount
 * points inside the root are crossed: a container's /etc may legitimately be
 * a separate mount, and every mount reachable from its root is in its view.
 *
 * Returns an O_PATH fd (nothing opened for reading, so no device open side
 * effect and no FIFO wait), or -errno. Uses openat2(RESOLVE_IN_ROOT |
 * RESOLVE_NO_MAGICLINKS); on kernels without it (ENOSYS) it walks the path
 * one component at a time with O_NOFOLLOW, expanding at most 40 symlinks
 * itself (-ELOOP beyond).
 */
int userdb_open_in_root(int rootfd, const char *relpath, unsigned int flags);

/*
 * Read the whole regular file @relpath inside @rootfd (as above). Anything
 * but a regular file is refused (-EISDIR, -EINVAL) without being opened for
 * reading. A file larger than @cap bytes is refused with -EFBIG, never read
 * in part: a truncated passwd would silently drop users. On success *buf is
 * malloc'd, holds *len bytes plus a NUL at (*buf)[*len], and is the caller's.
 */
int userdb_read_in_root(int rootfd, const char *relpath, size_t cap, char **buf, size_t *len);
struct stat;
/* The same for a file already opened (O_PATH) as @pathfd, whose fstat is @st. */
int userdb_read_checked(int pathfd, const struct stat *st, size_t cap, char **buf, size_t *len);

/* ---- a parsed passwd + group pair ----------------------------------- */

struct userdb;

/* A passwd entry; the strings live as long as the userdb they came from. */
struct userdb_user {
	const char *name;
	const char *home;
	const char *shell;
};

struct userdb *userdb_new(void);
void userdb_free(struct userdb *db);

/*
 * Replace the passwd (group) table with the one parsed from @buf, and take
 * ownership of @buf: it is parsed in place, so it must be malloc'd with room
 * for @len + 1 bytes (userdb_read_in_root() gives that). Lines that are not
 * well formed are skipped: comments, blank lines, NIS "+"/"-" entries, fewer
 * than 4 (passwd) or 3 (group) fields, empty or over-long names, ids that are
 * not plain decimal in [0, 2^32 - 2] (never read as 0), lines holding a NUL
 * byte or longer than 64 KiB. A trailing CR is dropped. When an id repeats,
 * the first line wins, as with getpwuid(3). Returns the number of entries, or
 * -ENOMEM, -EFBIG (@len of 4 GiB - 1 or more) or -EINVAL (the table is then empty; @buf
 * is freed either way).
 */
int userdb_load_passwd(struct userdb *db, char *buf, size_t len);
int userdb_load_group(struct userdb *db, char *buf, size_t len);

/* Lookups: O(log n), no allocation. NULL / -ENOENT when unknown or @db is NULL. */
int userdb_user_lookup(const struct userdb *db, uint32_t uid, struct userdb_user *out);
const char *userdb_user_name(const struct userdb *db, uint32_t uid);
const char *userdb_group_name(const struct userdb *db, uint32_t gid);

size_t userdb_user_count(const struct userdb *db);
size_t userdb_group_count(const struct userdb *db);

/* The last load error of each file (0 when it was read), e.g. -ENOENT, -EFBIG. */
int userdb_passwd_error(const struct userdb *db);
int userdb_group_error(const struct userdb *db);

/* ---- the per-container cache ---------------------------------------- */

/* Not thread-safe: one cache per thread, or the caller's lock around it. */

struct userdb_cache;

/*
 * Hand the cache an fd for the root directory of the container behind a key
 * (e.g. open("/proc/<pid>/root", O_PATH | O_DIRECTORY) of one of its live
 * processes). Return the fd, which the cache closes, or -errno. Called only
 * when an entry is created or due for revalidation.
 */
typedef int (*userdb_open_root_fn)(void *arg);

struct userdb_config {
	unsigned int revalidate_ms;	/* 0: default; stat the files at most this often */
	unsigned int max_entries;	/* 0: default; least recently used evicted beyond */
	size_t max_bytes;		/* 0: default; parsed bytes of all entries */
	size_t file_cap;		/* 0: default; see userdb_read_in_root() */
	/* Milliseconds of a monotonic clock; NULL: mono_ms() of lib/clock.h. */
	uint64_t (*now_ms)(void *arg);
	/*
	 * Told once per change, not per event, when a file of a key cannot be
	 * used: @file is "etc/passwd", "etc/group", or "/" when the root itself
	 * could not be opened. NULL: silent.
	 */
	void (*report)(void *arg, const char *key, const char *file, int err);
	void *arg;			/* passed to now_ms and report */
};

/* @cfg may be NULL for all defaults. NULL on allocation failure. */
struct userdb_cache *userdb_cache_new(const struct userdb_config *cfg);
void userdb_cache_free(struct userdb_cache *cache);

/*
 * The database for @key, loading it on first use and revalidating it when
 * revalidate_ms have passed: both files are reopened safely and their
 * (st_dev, st_ino, st_size, st_mtim, st_ctim) compared; a file is reparsed
 * only when that changed. A file that is missing, not regular, too big or
 * unreadable leaves its table empty (names unknown). If the root cannot be
 * opened the previous tables are kept (a live process of the container can
 * be found again) and it is retried at the next call, not after
 * revalidate_ms: a stale guess must not outlive the first chance to check it.
 *
 * The result, and every string looked up in it, is valid until the next
 * userdb_get(), userdb_cache_drop() or userdb_cache_free() on @cache: copy
 * what must live longer. NULL on allocation failure or a NULL @key.
 */
const struct userdb *userdb_get(struct userdb_cache *cache, const char *key,
				userdb_open_root_fn open_root, void *arg);

/*
 * The same in three steps, for a caller that must not wait on a container's
 * files (a FUSE /etc that never answers): the I/O runs on another thread.
 *
 * userdb_due(): is @key's entry missing or due for a check (as userdb_get()
 * would find)? userdb_job_new(): a job to check @key's files, from what the
 * cache knows; the entry is made if needed and counts as checked now, so a
 * caller asks for one job at a time (NULL on allocation failure).
 * userdb_job_run(): the job's I/O, through the root fd @open_root gives; it
 * touches nothing but the job, so any thread may run it, and it may block.
 * userdb_job_apply(): the result into the cache, unless the key was dropped
 * meanwhile; frees the job. userdb_job_free(): a job never applied.
 * userdb_peek(): @key's database as it is, NULL if not cached; valid as
 * userdb_get()'s. All but userdb_job_run() belong to the cache's thread.
 */
struct userdb_job;
int userdb_due(struct userdb_cache *cache, const char *key);
struct userdb_job *userdb_job_new(struct userdb_cache *cache, const char *key);
void userdb_job_run(struct userdb_job *job, userdb_open_root_fn open_root, void *arg);
void userdb_job_apply(struct userdb_cache *cache, struct userdb_job *job);
void userdb_job_free(struct userdb_job *job);
const struct userdb *userdb_peek(struct userdb_cache *cache, const char *key);

/* Forget @key (its container stopped). Returns 0, or -ENOENT if not cached. */
int userdb_cache_drop(struct userdb_cache *cache, const char *key);

/* The next userdb_get() of @key checks its files again, revalidate_ms or not. */
void userdb_cache_recheck(struct userdb_cache *cache, const char *key);

size_t userdb_cache_count(const struct userdb_cache *cache);

/* A userdb_open_root_fn for @arg a NUL-terminated path, e.g. "/proc/42/root". */
int userdb_open_root_path(void *arg);

#endif
