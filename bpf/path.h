/* SPDX-License-Identifier: GPL-2.0 */
/*
 * path.h - paths of files, fds and the working directory: the eBPF twin of
 * kmod/fill_file.c.
 *
 * d_path() cannot be called from a raw tracepoint, so the path is walked
 * here: dentry to parent, crossing mount points through struct mount, until
 * the task's root (or the top of the mount tree), each name written in front
 * of the last. Everything is read with bpf_probe_read_kernel(), which cannot
 * fault or crash on a freed object: without the references the module
 * takes (fget), a concurrent close or rename can at worst make the path
 * wrong, never make the probe unsafe. A path deeper than
 * SHRIKE_BPF_PATH_DEPTH levels or longer than the snap length is TRUNC.
 * The walk runs under bpf_loop() (Linux >= 5.17).
 *
 * The strings are d_path()'s, what /proc/PID/fd shows: " (deleted)" after
 * an unlinked file or directory, and the names pseudo files get from their
 * filesystem's d_dname() (dname.h).
 */
#ifndef SHRIKE_BPF_PATH_H
#define SHRIKE_BPF_PATH_H

#define PATH_END	(2 * SHRIKE_BPF_SNAPLEN)	/* index of the NUL in scratch.path */
#define AT_FDCWD_VAL	-100
#define S_IFMT_VAL	00170000
#define S_IFSOCK_VAL	0140000

#include "dname.h"

/* One walk's position, passed to each step by bpf_loop(). */
struct path_walk {
	struct dentry *d;
	struct vfsmount *vm;
	struct mount *mnt;
	struct dentry *mnt_root;	/* vm's, read once per mount, not per level */
	struct dentry *root_d;
	struct vfsmount *root_m;
	__u32 pos;		/* first byte written in scratch.path */
	__u32 end;		/* where the walk's names end (a suffix may follow) */
	__u32 max;		/* bytes the path may take, its NUL included */
	int done;		/* reached the root: the path is whole */
};

#define DELETED_SUFFIX	" (deleted)"
#define DELETED_LEN	(sizeof(DELETED_SUFFIX) - 1)

/*
 * d_unlinked(): out of the dcache's hash (unlinked, or never hashed) and
 * not a root of its own. d_path() says " (deleted)" after such a file.
 */
static __always_inline int dentry_unlinked(struct dentry *d)
{
	return !BPF_CORE_READ(d, d_hash.pprev) && BPF_CORE_READ(d, d_parent) != d;
}

/*
 * A dentry's parent and name, struct dentry from d_parent through d_name
 * (the qstr's hash, len and name pointer), which every kernel since 3.x
 * lays out in this order: one bpf_probe_read_kernel() instead of three.
 */
struct dentry_up {
	struct dentry *parent;
	__u32 hash, len;
	const unsigned char *name;
};

#define DENTRY_UP_AS_BLOCK \
	(bpf_core_field_offset(struct dentry, d_name) - \
	 bpf_core_field_offset(struct dentry, d_parent) == __builtin_offsetof(struct dentry_up, hash) && \
	 bpf_core_field_offset(struct qstr, len) == __builtin_offsetof(struct dentry_up, len) - \
	 __builtin_offsetof(struct dentry_up, hash) && \
	 bpf_core_field_offset(struct qstr, name) == __builtin_offsetof(struct dentry_up, name) - \
	 __builtin_offsetof(struct dentry_up, hash))

/* 0, or -1 if d could not be read (freed under the walk: the path ends there) */
static __always_inline int dentry_up_read(struct dentry *d, struct dentry_up *u)
{
	if (DENTRY_UP_AS_BLOCK)
		return bpf_probe_read_kernel(u, sizeof(*u), (char *)d +
					     bpf_core_field_offset(struct dentry, d_parent)) ? -1 : 0;
	u->parent = BPF_CORE_READ(d, d_parent);
	u->len = BPF_CORE_READ(d, d_name.len);
	u->name = BPF_CORE_READ(d, d_name.name);
	return 0;
}

/*
 * One level up: a name in front, or across a mount point. One step per
 * bpf_loop() iteration, so the verifier checks it once instead of once per
 * level and branch (a plain loop of 48 levels exceeds its budget).
 */
static long path_step(__u32 i, void *arg)
{
	struct path_walk *w = arg;
	struct scratch *s = scr_get();
	/* local copies: BPF_CORE_READ must not relocate our own struct's fields */
	struct dentry *d = w->d;
	struct vfsmount *vm = w->vm;
	struct mount *mnt = w->mnt;
	struct dentry_up u;
	__u32 len, pos = w->pos;

	if (!s)
		return 1;
	if (d == w->root_d && vm == w->root_m) {
		w->done = 1;
		return 1;
	}
	if (d == w->mnt_root) {
		struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

		/* the top of a mount tree: above the root, or detached */
		if (up == mnt || !up) {
			w->done = 1;
			return 1;
		}
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = up;
		w->vm = &up->mnt;
		w->mnt_root = BPF_CORE_READ(up, mnt.mnt_root);
		return 0;
	}
	if (dentry_up_read(d, &u))
		return 1;
	if (d == u.parent) {
		/*
		 * A root that is not its mount's (a disconnected dentry):
		 * d_path() drops what it had and says "/", and so does this.
		 */
		w->pos = w->end;
		w->done = 1;
		return 1;
	}
	len = u.len;
	/* the whole path, its NUL included, must fit */
	if (len > 255 || PATH_END - pos + len + 2 > w->max || pos < len + 1)
		return 1;
	pos -= len;
	bpf_probe_read_kernel(s->path + vbound(pos, SNAP_MASK), vbound(len, 255), u.name);
	pos -= 1;
	s->path[vbound(pos, SNAP_MASK)] = '/';
	w->pos = pos;
	w->d = u.parent;
	return 0;
}

/* A struct path (mount, dentry) in one read where its layout is the usual one. */
static __always_inline void path_read(const struct path *p, struct vfsmount **mnt,
				      struct dentry **dentry)
{
	struct { struct vfsmount *mnt; struct dentry *dentry; } v;

	if (bpf_core_field_offset(struct path, mnt) == 0 &&
	    bpf_core_field_offset(struct path, dentry) == sizeof(v.mnt)) {
		if (bpf_probe_read_kernel(&v, sizeof(v), p))
			__builtin_memset(&v, 0, sizeof(v));
	} else {
		v.mnt = BPF_CORE_READ(p, mnt);
		v.dentry = BPF_CORE_READ(p, dentry);
	}
	*mnt = v.mnt;
	*dentry = v.dentry;
}

/*
 * Walks dentry/vfsmount up to the current task's root into s->path, or
 * names a pseudo file as its filesystem does (dname.h), as d_path() does.
 */
__noinline int rec_path(__u64 dentry, __u64 vfsmount)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct scratch *s = scr_get();
	struct vfsmount *vm = (struct vfsmount *)vfsmount;
	struct path_walk w = {
		.d = (struct dentry *)dentry,
		.vm = vm,
		.mnt = (struct mount *)((char *)vm - bpf_core_field_offset(struct mount, mnt)),
		.pos = PATH_END,
		.end = PATH_END,
	};
	__u32 n, pos;

	if (!s)
		return 0;
	w.max = rec_strmax(s);
	if (!dentry || !vm || w.max < 2) {
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return 0;
	}
	if (has_dname(w.d, vm))
		return rec_dname(dentry);
	w.mnt_root = BPF_CORE_READ(vm, mnt_root);
	path_read(&BPF_CORE_READ(t, fs)->root, &w.root_m, &w.root_d);
	s->path[PATH_END] = '\0';
	if (dentry_unlinked(w.d)) {
		w.end = PATH_END - DELETED_LEN;
		__builtin_memcpy(s->path + PATH_END - DELETED_LEN, DELETED_SUFFIX, DELETED_LEN);
		w.pos = w.end;
	}
	bpf_loop(SHRIKE_BPF_PATH_DEPTH, path_step, &w, 0);
	pos = w.pos;
	if (pos == w.end) {
		/* nothing above: the root, as "/" (or "/ (deleted)") */
		pos--;
		s->path[vbound(pos, SNAP_MASK)] = '/';
	}
	n = PATH_END - pos + 1;
	if (pos > PATH_END || n > rec_strmax(s)) {
		rec_set(s, 0, SHRIKE_PARAM_TRUNC);
		return 0;
	}
	bpf_probe_read_kernel(rec_tail(s), vbound(n, SNAP_MASK), s->path + vbound(pos, SNAP_MASK));
	/* a walk cut short (too deep, too long) keeps its last levels: TRUNC */
	rec_set(s, n, w.done ? 0 : SHRIKE_PARAM_TRUNC);
	return 0;
}

/* The file open at fd in the current task, or NULL. */
static __always_inline struct file *fd_file(int fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	struct file **fds;
	struct file *f = NULL;

	if (!fdt || fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&f, sizeof(f), fds + fd);
	return f;
}

__noinline int rec_fdpath(int fd)
{
	struct file *f = fd_file(fd);
	struct vfsmount *m;
	struct dentry *d;
	struct scratch *s;

	if (!f) {
		s = scr_get();
		if (s)
			rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return 0;
	}
	path_read(&f->f_path, &m, &d);
	return rec_path((__u64)d, (__u64)m);
}

/*
 * Empty for an absolute path; otherwise the directory it is relative to.
 * A path whose first byte cannot be read now is taken as relative, as in
 * kmod/fill_file.c.
 */
__noinline int rec_dirpath(int dirfd, __u64 upath)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct scratch *s = scr_get();
	struct vfsmount *m;
	struct dentry *d;
	char first = 0;

	if (!s)
		return 0;
	if (!upath) {
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return 0;
	}
	if (bpf_probe_read_user(&first, 1, (const void *)upath))
		first = 0;
	if (first == '/') {
		rec_set(s, 0, 0);
		return 0;
	}
	if (dirfd != AT_FDCWD_VAL)
		return rec_fdpath(dirfd);
	path_read(&BPF_CORE_READ(t, fs)->pwd, &m, &d);
	return rec_path((__u64)d, (__u64)m);
}

/* openat2: a field of struct open_how in user memory, size checked */
static __always_inline void rec_open_how(struct scratch *s, __u8 which, __u64 how, __u64 size)
{
	__u32 off = which == SHRIKE_SRC_HOW_FLAGS ? 0 : which == SHRIKE_SRC_HOW_MODE ? 8 : 16;
	__u64 v;

	if (!how || size < off + 8 || bpf_probe_read_user(&v, 8, (const char *)how + off)) {
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	rec_u64(s, v);
}

#endif /* SHRIKE_BPF_PATH_H */
