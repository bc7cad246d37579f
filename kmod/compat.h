/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the few kernel APIs whose shape differs between the kernels we
 * build for, decided by what the headers define rather than by version
 * numbers, so the rest of the module has no version checks.
 */
#ifndef SHRIKE_COMPAT_H
#define SHRIKE_COMPAT_H

#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/ns_common.h>

/* kernel_cap_t became a single u64 when _KERNEL_CAPABILITY_U32S went away. */
static inline u64 shrike_cap_u64(kernel_cap_t c)
{
#ifdef _KERNEL_CAPABILITY_U32S
	return ((u64)c.cap[1] << 32) | c.cap[0];
#else
	return c.val;
#endif
}

/*
 * vm_flags became read-only behind vm_flags_clear() in 6.3; Kbuild defines
 * SHRIKE_HAVE_VM_FLAGS_CLEAR when the headers declare it.
 */
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

#endif /* SHRIKE_COMPAT_H */
