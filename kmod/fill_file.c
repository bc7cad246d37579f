// SPDX-License-Identifier: GPL-2.0
/*
 * fill_file.c - paths: the directory a relative path resolves against, the
 * path of an open fd, and openat2's open_how.
 *
 * A file found through an fd is held by a reference (fget_raw) for as long
 * as anything of it is read, and released with fput(), which is legal in
 * atomic context (the final release is deferred to task work): another
 * thread may close or dup2() over the fd while the probe runs, and pipe,
 * socket, anon-inode and memfd dentries are freed at once, not after an RCU
 * grace period. The working directory is read under fs->seq like d_path()
 * reads the root, never under fs->lock (a sleeping lock on PREEMPT_RT), and
 * inside rcu_read_lock(): a directory's dentry and its mount are freed only
 * after a grace period, so they outlive the read without a reference.
 *
 * d_path() takes rename_lock and mount_lock as locks when a rename or mount
 * change races with it: spinlocks here, sleeping locks on PREEMPT_RT. There
 * (shrike_defer_paths) no path is resolved in the probe: the file reference,
 * or "the working directory", goes to defer.c instead.
 */
#include <linux/kernel.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/file.h>
#include <linux/dcache.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include "fill.h"
#include "uapi/shrike_events.h"

static void evb_path(struct evb *b, const struct path *path)
{
	u32 max = evb_strmax(b);
	char *dst = evb_tail(b);
	char *p;
	u32 n;

	if (max < 2) {
		evb_set(b, 0, SHRIKE_PARAM_TRUNC);
		return;
	}
	p = d_path(path, dst, max);
	if (IS_ERR(p)) {
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	n = dst + max - p;
	memmove(dst, p, n);
	evb_set(b, n, 0);
}

static void evb_cwd(struct evb *b)
{
	struct fs_struct *fs = current->fs;
	struct path pwd;
	unsigned int seq;

	if (!fs) {
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	if (shrike_defer_paths) {
		shrike_defer_path(b, NULL);
		return;
	}
	rcu_read_lock();
	do {
		seq = read_seqcount_begin(&fs->seq);
		pwd = fs->pwd;
	} while (read_seqcount_retry(&fs->seq, seq));
	evb_path(b, &pwd);
	rcu_read_unlock();
}

void shrike_fill_fdpath(struct evb *b, int fd)
{
	/* O_PATH descriptors too: they are valid dirfds and setns() targets */
	struct file *file = fd >= 0 && current->files ? fget_raw(fd) : NULL;

	if (!file) {
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	if (shrike_defer_paths) {
		shrike_defer_path(b, file);	/* the reference goes with it */
		return;
	}
	evb_path(b, &file->f_path);
	fput(file);
}

/*
 * Empty for an absolute path (nothing to resolve against). A path whose
 * first byte cannot be read now is taken as relative: its copy read again at
 * exit (SP_X_AGAIN) is then resolved against this directory.
 */
void shrike_fill_dirpath(struct evb *b, int dirfd, const char __user *path)
{
	char first = 0;

	if (!path) {
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	if (copy_from_user_nofault(&first, path, 1))
		first = 0;
	if (first == '/') {
		evb_set(b, 0, 0);
		return;
	}
	if (dirfd == AT_FDCWD)
		evb_cwd(b);
	else
		shrike_fill_fdpath(b, dirfd);
}

void shrike_fill_open_how(struct evb *b, u8 which, const void __user *how, unsigned long size)
{
	size_t off;
	u64 v;

	switch (which) {
	case SHRIKE_SRC_HOW_FLAGS:
		off = offsetof(struct open_how, flags);
		break;
	case SHRIKE_SRC_HOW_MODE:
		off = offsetof(struct open_how, mode);
		break;
	default:
		off = offsetof(struct open_how, resolve);
		break;
	}
	/* the kernel refuses a smaller struct itself; we just do not read past it */
	if (!how || size < off + sizeof(v) ||
	    copy_from_user_nofault(&v, (const char __user *)how + off, sizeof(v))) {
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	evb_u64(b, v);
}
