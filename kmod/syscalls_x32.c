// SPDX-License-Identifier: GPL-2.0
/*
 * syscalls_x32.c - x32 syscalls (the syscall number with __X32_SYSCALL_BIT
 * set) reported as the native syscalls they stand for.
 *
 * Any 64-bit program can make them; they are not an x32 program's privilege.
 * Debian builds the ABI in but turns it off unless the kernel is booted with
 * syscall.x32=y: the syscall then fails with ENOSYS, but its entry and exit
 * tracepoints still fire, and with the ABI on it does what it says. Either
 * way a numbering the monitor did not know would be a way around it.
 *
 * Below 512 an x32 number is the x86_64 number of the same syscall, served
 * by the native handler, which takes the full 64-bit registers: its
 * arguments are read as the native syscall's, never cut to 32 bits, or a
 * pointer with bits above 4 GiB would be read at another address than the
 * kernel uses. From 512 on are the syscalls whose structures have 32-bit
 * pointers (argv of execve, msghdr of sendmsg); their compat handlers cut
 * each argument to 32 bits, and so does the record (compat layout).
 */
#include <linux/kernel.h>
#include <linux/preempt.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include "internal.h"

#ifdef CONFIG_X86_X32_ABI
#include <asm/unistd_64_x32.h>

/* The x32 number's native twin and whether its arguments are 32-bit; -1: not reported. */
static long x32_native(long nr, bool *narrow)
{
	long x = nr & ~(long)__X32_SYSCALL_BIT;

	*narrow = x >= __NR_x32_rt_sigaction;
	switch (x) {
	case __NR_x32_execve:
		return __NR_execve;
	case __NR_x32_execveat:
		return __NR_execveat;
	case __NR_x32_ptrace:
		return __NR_ptrace;
	case __NR_x32_recvfrom:
		return __NR_recvfrom;
	case __NR_x32_sendmsg:
		return __NR_sendmsg;
	case __NR_x32_recvmsg:
		return __NR_recvmsg;
	case __NR_x32_kexec_load:
		return __NR_kexec_load;
	case __NR_x32_process_vm_writev:
		return __NR_process_vm_writev;
	}
	return x < __NR_x32_rt_sigaction ? x : -1;
}

static long x32_args(struct pt_regs *regs, struct shrike_args *a)
{
	bool narrow;
	long nr = x32_native(syscall_get_nr(current, regs), &narrow);
	int i;

	shrike_native_args(regs, a);
	a->x32 = true;
	a->compat = narrow;
	if (narrow)
		for (i = 0; i < ARRAY_SIZE(a->v); i++)
			a->v[i] = (u32)a->v[i];
	return nr;
}

void shrike_x32_enter(struct shrike_session *s, struct pt_regs *regs)
{
	struct shrike_args a;
	long nr = x32_args(regs, &a);

	if (nr < 0 || !shrike_wants(s, nr))
		return;
	preempt_disable_notrace();
	shrike_fill_syscall_enter(s, array_index_nospec(nr, SHRIKE_MAX_SYSCALLS), &a);
	preempt_enable_notrace();
}

void shrike_x32_exit(struct shrike_session *s, struct pt_regs *regs, long ret)
{
	struct shrike_args a;
	long nr = x32_args(regs, &a);

	if (nr < 0 || !shrike_wants(s, nr))
		return;
	preempt_disable_notrace();
	shrike_fill_syscall_exit(s, array_index_nospec(nr, SHRIKE_MAX_SYSCALLS), &a, ret);
	preempt_enable_notrace();
}
#else
void shrike_x32_enter(struct shrike_session *s, struct pt_regs *regs)
{
}

void shrike_x32_exit(struct shrike_session *s, struct pt_regs *regs, long ret)
{
}
#endif
