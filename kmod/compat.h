/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the few kernel APIs whose shape differs between the kernels we
 * build for. Each choice is made by a feature probe (kmod/configure/<name>.c,
 * compiled by Kbuild against the target headers; SHRIKE_HAVE_<NAME> is
 * defined when it compiles), never by a version number, so that kernels with
 * backports (RHEL, Ubuntu) take the path their headers really offer. The
 * probes and what they select are listed in docs/KERNELS.md.
 */
#ifndef SHRIKE_COMPAT_H
#define SHRIKE_COMPAT_H

#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/ns_common.h>
#include <linux/thread_info.h>

/* kernel_cap_t: two u32 before 6.3, one u64 since (probe kernel_cap_struct). */
static inline u64 shrike_cap_u64(kernel_cap_t c)
{
#ifdef SHRIKE_HAVE_KERNEL_CAP_STRUCT
	return ((u64)c.cap[1] << 32) | c.cap[0];
#else
	return c.val;
#endif
}

/* vm_flags became read-only behind vm_flags_clear() in 6.3 (probe vm_flags_clear). */
static inline void shrike_vma_deny_write_exec(struct vm_area_struct *vma)
{
#ifdef SHRIKE_HAVE_VM_FLAGS_CLEAR
	vm_flags_clear(vma, VM_MAYWRITE | VM_MAYEXEC);
#else
	vma->vm_flags &= ~(VM_MAYWRITE | VM_MAYEXEC);
#endif
}

/*
 * struct mnt_namespace is private to fs/, but its first member has been its
 * struct ns_common since 3.19: that is all we read (the inode number that
 * /proc/<pid>/ns/mnt shows).
 */
struct mnt_namespace;
static inline unsigned int shrike_mnt_ns_inum(struct mnt_namespace *ns)
{
	return ((struct ns_common *)ns)->inum;
}

/*
 * Does the current task run a 32-bit program? x86 marks the address space
 * of an ia32 (or x32) executable with TIF_ADDR32 when it is executed; an
 * architecture without the flag has no such programs.
 */
static inline bool shrike_task_is_32bit(void)
{
#ifdef TIF_ADDR32
	return test_thread_flag(TIF_ADDR32);
#else
	return false;
#endif
}

/*
 * A device that cannot seek: no_llseek before 6.12; since then a NULL
 * .llseek with nonseekable_open() says the same (probe no_llseek).
 */
#ifdef SHRIKE_HAVE_NO_LLSEEK
#define SHRIKE_FOP_NO_LLSEEK	.llseek = no_llseek,
#else
#define SHRIKE_FOP_NO_LLSEEK
#endif

#endif /* SHRIKE_COMPAT_H */
