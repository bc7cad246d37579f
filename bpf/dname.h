/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dname.h - the names of pseudo files: what d_path() returns for a dentry
 * whose filesystem names it on demand (dentry_operations.d_dname), and so
 * what the module records and /proc/PID/fd shows: pipe:[ino],
 * socket:[ino], uts:[ino] (and the other namespaces), anon_inode:[eventfd],
 * anon_inode:[pidfd], /dmabuf:NAME, and "/memfd:NAME (deleted)" for the
 * files of alloc_file_pseudo() on an internal mount (simple_dname()).
 *
 * The kernel's d_dname functions cannot be called from here, and their
 * addresses are not in BTF: the filesystem is told by its superblock's
 * magic, which is ABI (include/uapi/linux/magic.h), and its format
 * rebuilt. A filesystem with a d_dname not known here gets
 * simple_dname()'s form, the one every alloc_file_pseudo() user without
 * its own dentry operations has.
 */
#ifndef SHRIKE_BPF_DNAME_H
#define SHRIKE_BPF_DNAME_H

#define PIPEFS_MAGIC_VAL	0x50495045
#define SOCKFS_MAGIC_VAL	0x534F434B
#define NSFS_MAGIC_VAL		0x6e736673
#define ANON_INODE_FS_MAGIC_VAL	0x09041934
#define PID_FS_MAGIC_VAL	0x50494446
#define DMA_BUF_MAGIC_VAL	0x444d4142
/* the longest name built here: "/" + a 255-byte name + " (deleted)" */
#define DNAME_MAX		512

/*
 * Does d_path() ask the filesystem for the name? It does when the dentry
 * has a d_dname, unless it is a mounted pseudo filesystem's root (then the
 * mount point names it).
 */
static __always_inline int has_dname(struct dentry *d, struct vfsmount *vm)
{
	const struct dentry_operations *op = BPF_CORE_READ(d, d_op);

	if (!op || !BPF_CORE_READ(op, d_dname))
		return 0;
	return BPF_CORE_READ(d, d_parent) != d || BPF_CORE_READ(vm, mnt_root) != d;
}

/* the formats live in .rodata, as bpf_snprintf() wants them */
static const char fmt_pipe[] = "pipe:[%lu]";
static const char fmt_socket[] = "socket:[%lu]";
static const char fmt_ns[] = "%s:[%lu]";
static const char fmt_anon[] = "anon_inode:%s";
static const char fmt_pidfd[] = "anon_inode:[pidfd]";
static const char fmt_simple[] = "/%s (deleted)";
static const char fmt_dmabuf[] = "/%s:%s";

/*
 * The d_dname() name of dentry as a string parameter. A name longer than
 * the room left is FAULT, as d_path()'s ENAMETOOLONG is in the module.
 */
__noinline int rec_dname(__u64 dentry)
{
	struct dentry *d = (struct dentry *)dentry;
	struct scratch *s = scr_get();
	unsigned long magic = BPF_CORE_READ(d, d_sb, s_magic);
	__u64 ino = BPF_CORE_READ(d, d_inode, i_ino);
	__u64 data[2] = {};
	__u32 max;
	long n;

	if (!s)
		return 0;
	max = rec_strmax(s);
	if (max > DNAME_MAX)
		max = DNAME_MAX;
	max = vbound(max, 1023);
	switch (magic) {
	case PIPEFS_MAGIC_VAL:
		data[0] = ino;
		n = bpf_snprintf(rec_tail(s), max, fmt_pipe, data, 8);
		break;
	case SOCKFS_MAGIC_VAL:
		data[0] = ino;
		n = bpf_snprintf(rec_tail(s), max, fmt_socket, data, 8);
		break;
	case NSFS_MAGIC_VAL: {
		/* i_private is the namespace (struct ns_common) on every kernel */
		struct ns_common *ns = BPF_CORE_READ(d, d_inode, i_private);

		data[0] = (__u64)BPF_CORE_READ(ns, ops, name);
		data[1] = ino;
		n = bpf_snprintf(rec_tail(s), max, fmt_ns, data, 16);
		break;
	}
	case ANON_INODE_FS_MAGIC_VAL:
		data[0] = (__u64)BPF_CORE_READ(d, d_name.name);
		n = bpf_snprintf(rec_tail(s), max, fmt_anon, data, 8);
		break;
	case PID_FS_MAGIC_VAL:
		n = bpf_snprintf(rec_tail(s), max, fmt_pidfd, NULL, 0);
		break;
	case DMA_BUF_MAGIC_VAL: {
		/*
		 * "/dmabuf:" and the name a DMA_BUF_SET_NAME gave it, read here
		 * without the buffer's name_lock (the module's d_path() takes
		 * it): a rename racing with the read can show either name.
		 */
		static const char empty[] = "";
		const char *name = NULL;

		if (bpf_core_type_exists(struct dma_buf)) {
			struct dma_buf *buf = BPF_CORE_READ(d, d_fsdata);

			name = BPF_CORE_READ(buf, name);
		}
		data[0] = (__u64)BPF_CORE_READ(d, d_name.name);
		data[1] = (__u64)(name ? name : empty);
		n = bpf_snprintf(rec_tail(s), max, fmt_dmabuf, data, 16);
		break;
	}
	default:
		data[0] = (__u64)BPF_CORE_READ(d, d_name.name);
		n = bpf_snprintf(rec_tail(s), max, fmt_simple, data, 8);
		break;
	}
	if (n <= 0 || n > max) {
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return 0;
	}
	rec_set(s, n, 0);
	return 0;
}

#endif /* SHRIKE_BPF_DNAME_H */
