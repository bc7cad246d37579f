/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x32.h - syscalls with x32 numbers (bit 30, __X32_SYSCALL_BIT, set), as
 * the native syscalls they stand for: the eBPF twin of kmod/syscalls_x32.c
 * (docs/ABI.md, "x32 numbers").
 *
 * Any 64-bit program can make them. Where the kernel has the x32 ABI
 * (Debian builds it in, answering ENOSYS unless booted with syscall.x32=y)
 * the tracepoints fire for them either way, and a numbering the monitor did
 * not know would be a way around it. Where it has not, they did nothing and
 * are not reported, as the module, built without CONFIG_X86_X32_ABI, does
 * not report them. The module knows which at build time; these programs
 * are built once, so the daemon tells them (x32_abi, from kallsyms).
 *
 * Below 512 an x32 number is the native syscall of that number, served by
 * the native handler with the full 64-bit registers: its arguments are the
 * native ones, never cut (a pointer cut to 32 bits would be read elsewhere
 * than where the kernel reads). From 512 on are the calls whose structures
 * hold 32-bit pointers: their arguments are cut to 32 bits, and argv and
 * msghdr read in the 32-bit layout. Either way the record is marked
 * SHRIKE_EVT_COMPAT.
 */
#ifndef SHRIKE_BPF_X32_H
#define SHRIKE_BPF_X32_H

#define X32_SYSCALL_BIT		0x40000000L
#define X32_FIRST_OWN		512	/* __NR_x32_rt_sigaction: the first of x32's own calls */

/* set by the daemon: the kernel has the x32 ABI (CONFIG_X86_X32_ABI) */
const volatile __u32 x32_abi;

/*
 * The native twin of an x32 number, -1 when not reported; *narrow when its
 * arguments are 32 bits wide (arch/x86/entry/syscalls/syscall_64.tbl).
 */
static __always_inline long x32_native_nr(long id, int *narrow)
{
	long x = id & ~X32_SYSCALL_BIT;

	*narrow = x >= X32_FIRST_OWN;
	switch (x) {
	case 517:
		return __NR_recvfrom;
	case 518:
		return __NR_sendmsg;
	case 519:
		return __NR_recvmsg;
	case 520:
		return __NR_execve;
	case 521:
		return __NR_ptrace;
	case 528:
		return __NR_kexec_load;
	case 540:
		return __NR_process_vm_writev;
	case 545:
		return __NR_execveat;
	}
	return x < X32_FIRST_OWN ? x : -1;
}

/*
 * Could id be a reported x32 number? Asked only for a number not selected
 * as a native or 32-bit one; on a kernel without the ABI the verifier
 * drops the test (x32_abi is a constant it reads).
 */
static __always_inline int x32_maybe(const struct shrike_syscall_mask *m, long id)
{
	int narrow;

	if (!x32_abi || !(id & X32_SYSCALL_BIT))
		return 0;
	return mask_has(m, x32_native_nr(id, &narrow));
}

/* The native number and arguments of x32 syscall id, or -1. */
static __always_inline long x32_native(struct pt_regs *regs, long id, struct sys_args *a)
{
	int narrow, i;
	long nr;

	if (!x32_abi || !(id & X32_SYSCALL_BIT))
		return -1;
	nr = x32_native_nr(id, &narrow);
	if (!wants(nr))
		return -1;
	native_args(regs, a);
	a->x32 = 1;
	a->compat = narrow;
	if (narrow)
		for (i = 0; i < 6; i++)
			a->v[i] = (__u32)a->v[i];
	return nr;
}

#endif /* SHRIKE_BPF_X32_H */
