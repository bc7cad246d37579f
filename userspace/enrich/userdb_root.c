/* SPDX-License-Identifier: GPL-2.0-only */
/* userdb_root.c - opening and reading a file inside a container's root without leaving it */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/readfile.h"
#include "enrich/userdb.h"

#define WALK_MAX_LINKS	40		/* as the kernel's MAXSYMLINKS */
#define WALK_MAX_DEPTH	64		/* directory fds held while walking */

/* ======================================================================
 * Opening a path inside a root
 * ====================================================================== */

static int open_in_root_openat2(int rootfd, const char *relpath)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		/*
		 * IN_ROOT: absolute links and ".." stay below rootfd. NO_MAGICLINKS
		 * (implied by IN_ROOT today, but not promised): /proc/self/root in
		 * the container's procfs would be the daemon's, i.e. the host's, root.
		 * No NO_XDEV: the container's own mounts (a separate /etc) are fine.
		 */
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int tries = 0;
	long fd;

	/* IN_ROOT fails with EAGAIN when a rename or mount raced the walk. */
	do
		fd = syscall(SYS_openat2, rootfd, relpath, &how, sizeof(how));
	while (fd < 0 && (errno == EINTR || (errno == EAGAIN && ++tries < 8)));
	return fd < 0 ? -errno : (int)fd;
}

/* State of the openat2-less fallback: the directories from root to here. */
struct walk {
	int dirs[WALK_MAX_DEPTH];	/* dirs[0] is the root, not ours to close */
	int depth;
	int links;
	char *buf;			/* the path being resolved, malloc'd */
	char *pos;			/* what is left of it */
};

static void walk_pop_to(struct walk *w, int depth)
{
	while (w->depth > depth)
		close(w->dirs[w->depth--]);
}

/* Replace what is left by "<target>/<left>"; an absolute target restarts at the root. */
static int walk_splice(struct walk *w, const char *target)
{
	size_t tl = strlen(target), rl = strlen(w->pos);
	char *n = malloc(tl + rl + 2);

	if (!n)
		return -ENOMEM;
	memcpy(n, target, tl);
	n[tl] = '/';
	memcpy(n + tl + 1, w->pos, rl + 1);
	free(w->buf);
	w->buf = w->pos = n;
	if (target[0] == '/')
		walk_pop_to(w, 0);
	return 0;
}

/* Expand the symlink @fd (an O_PATH fd on it) in front of what is left. */
static int walk_link(struct walk *w, int fd)
{
	char target[PATH_MAX];
	ssize_t n;

	if (++w->links > WALK_MAX_LINKS)
		return -ELOOP;
	n = readlinkat(fd, "", target, sizeof(target));
	if (n < 0)
		return -errno;
	if ((size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	target[n] = '\0';
	return walk_splice(w, target);
}

/* The walk ends on the current directory (a path ending in "." or ".."). */
static int walk_here(struct walk *w, int *out)
{
	if (*w->pos)
		return 0;
	*out = fcntl(w->dirs[w->depth], F_DUPFD_CLOEXEC, 0);
	return *out < 0 ? -errno : 1;
}

/*
 * Resolve one component from the current directory. Returns 1 with *out set
 * when the path is fully resolved, 0 to go on, or -errno.
 */
static int walk_step(struct walk *w, const char *comp, int *out)
{
	struct stat st;
	int fd, err;

	if (comp[0] == '\0' || strcmp(comp, ".") == 0)
		return walk_here(w, out);
	if (strcmp(comp, "..") == 0) {
		/* On the chain of real directories we hold: the root is its own parent. */
		walk_pop_to(w, w->depth > 0 ? w->depth - 1 : 0);
		return walk_here(w, out);
	}
	fd = openat(w->dirs[w->depth], comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out_close;
	}
	if (S_ISLNK(st.st_mode)) {
		err = walk_link(w, fd);
		goto out_close;
	}
	if (!*w->pos) {
		*out = fd;
		return 1;
	}
	err = -ENOTDIR;
	if (!S_ISDIR(st.st_mode))
		goto out_close;
	err = -ENAMETOOLONG;
	if (w->depth + 1 >= WALK_MAX_DEPTH)
		goto out_close;
	w->dirs[++w->depth] = fd;
	return 0;
out_close:
	close(fd);
	return err;
}

static int open_in_root_walk(int rootfd, const char *relpath)
{
	struct walk w = { .dirs = { rootfd } };
	int ret = 0, fd = -1;

	w.buf = w.pos = strdup(relpath);
	if (!w.buf)
		return -ENOMEM;
	while (ret == 0) {
		char *comp = w.pos + strspn(w.pos, "/");
		char *rest = comp + strcspn(comp, "/");

		if (*rest)
			*rest++ = '\0';
		w.pos = rest + strspn(rest, "/");
		ret = walk_step(&w, comp, &fd);
	}
	walk_pop_to(&w, 0);
	free(w.buf);
	return ret < 0 ? ret : fd;
}

int userdb_open_in_root(int rootfd, const char *relpath, unsigned int flags)
{
	int fd;

	if (rootfd < 0 || !relpath)
		return -EBADF;
	if (!(flags & USERDB_WALK)) {
		fd = open_in_root_openat2(rootfd, relpath);
		if (fd != -ENOSYS)
			return fd;
	}
	return open_in_root_walk(rootfd, relpath);
}

/* ======================================================================
 * Reading a file whose O_PATH fd has been checked
 * ====================================================================== */

static int check_file(const struct stat *st, size_t cap)
{
	if (S_ISDIR(st->st_mode))
		return -EISDIR;
	if (!S_ISREG(st->st_mode))
		return -EINVAL;		/* FIFO, socket, device: never opened */
	if (st->st_size < 0 || (uint64_t)st->st_size > cap)
		return -EFBIG;
	return 0;
}

/* Open the file behind an O_PATH fd for reading; the inode cannot change. */
static int reopen(int pathfd)
{
	char proc[64];
	int n, fd;

	n = snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pathfd);
	if (n < 0 || (size_t)n >= sizeof(proc))
		return -ENAMETOOLONG;
	fd = open(proc, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

int userdb_read_checked(int pathfd, const struct stat *st, size_t cap, char **buf, size_t *len)
{
	int fd, err = check_file(st, cap);

	if (err)
		return err;
	fd = reopen(pathfd);
	if (fd < 0)
		return fd;
	err = read_whole_fd(fd, (size_t)st->st_size, cap, buf, len);
	close(fd);
	return err;
}

int userdb_read_in_root(int rootfd, const char *relpath, size_t cap, char **buf, size_t *len)
{
	struct stat st;
	int fd, err;

	fd = userdb_open_in_root(rootfd, relpath, 0);
	if (fd < 0)
		return fd;
	err = fstat(fd, &st) < 0 ? -errno : userdb_read_checked(fd, &st, cap, buf, len);
	close(fd);
	return err;
}
