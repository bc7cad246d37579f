/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shrike_ia32.h - how a 32-bit (ia32) syscall is reported as the native
 * syscall it stands for: the shape of the translation tables that
 * kmod/syscalls_ia32.c and the eBPF driver's bpf/ia32.h each fill with
 * their own build's syscall numbers (docs/ABI.md, "32-bit syscalls").
 *
 * Data only, fixed-width types, like shrike.h.
 */
#ifndef SHRIKE_IA32_H
#define SHRIKE_IA32_H

/* What a 32-bit call's arguments need to read as the native call's. */
enum shrike_ia32_fix {
	SHRIKE_IA32_NONE,	/* not reported */
	SHRIKE_IA32_SAME,	/* the native arguments, in the native order */
	SHRIKE_IA32_ID16,	/* old_uid_t/old_gid_t at the argument positions in ids */
	SHRIKE_IA32_CLONE,	/* clone(flags, newsp, parent_tid, tls, child_tid) */
	SHRIKE_IA32_UMOUNT,	/* umount(name): umount2(name, 0) */
	SHRIKE_IA32_SOCKETCALL,	/* socketcall(call, args): see struct shrike_socketcall */
};

/* One entry of the table indexed by 32-bit syscall number. */
struct shrike_ia32_call {
	__s16 nr;		/* the native syscall */
	__u8 fix;		/* enum shrike_ia32_fix */
	__u8 ids;		/* SHRIKE_IA32_ID16: bit i set when argument i is a 16-bit id */
};

/* socketcall(2): one entry of the table indexed by its call number. */
struct shrike_socketcall {
	__s16 nr;		/* the native syscall */
	__u8 nargs;		/* u32 the kernel copies from the array; 0: not reported */
};

#endif /* SHRIKE_IA32_H */
