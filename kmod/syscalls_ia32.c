// SPDX-License-Identifier: GPL-2.0
/*
 * syscalls_ia32.c - 32-bit syscalls (int $0x80 from any program, or any
 * syscall of a 32-bit one) reported as the native syscalls they stand for.
 *
 * The 32-bit ABI has its own syscall numbers, passes each argument in a
 * 32-bit register (ebx, ecx, edx, esi, edi, ebp) and has calls of its own:
 * 16-bit uid/gid variants next to the 32-bit ones, socketcall(2), which
 * multiplexes the socket calls through an array of arguments in user
 * memory, a one-argument umount, and clone with tls and child_tid swapped.
 * The table below maps each 32-bit number to the native syscall and to the
 * fix-up its arguments need; the native fillers then write the record from
 * the shared schema, flagged SHRIKE_EVT_COMPAT, so that the daemon decodes
 * it exactly like the native one. The reader selects syscalls by native
 * number: a 32-bit call is reported when its native twin is selected.
 *
 * Every argument is cut to 32 bits here, as the kernel's own 32-bit entry
 * points do: a 64-bit program using int $0x80 can leave anything in the
 * upper halves of the registers, and the kernel never sees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/net.h>
#include <linux/nospec.h>
#include <linux/preempt.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#include "internal.h"
#include "uapi/shrike_ia32.h"	/* the tables' shape, shared with bpf/ia32.h */

#define FIX(name, nat, fix, ids) \
	[__NR_ia32_##name] = { __NR_##nat, fix, ids }
#define SAME(name) \
	[__NR_ia32_##name] = { __NR_##name, SHRIKE_IA32_SAME, 0 }
#define AS(name, nat)	FIX(name, nat, SHRIKE_IA32_SAME, 0)
#define ID16(name, ids) \
	[__NR_ia32_##name] = { __NR_##name, SHRIKE_IA32_ID16, ids }

/* Indexed by 32-bit syscall number; the gaps are SHRIKE_IA32_NONE. */
static const struct shrike_ia32_call ia32_calls[] = {
	/* processes */
	SAME(execve), SAME(execveat),
	FIX(clone, clone, SHRIKE_IA32_CLONE, 0), SAME(clone3), SAME(fork), SAME(vfork),
	SAME(ptrace), SAME(kill), SAME(tgkill), SAME(prctl),
	/* files */
	SAME(open), SAME(openat), SAME(openat2), SAME(creat), SAME(close),
	SAME(unlink), SAME(unlinkat), SAME(rename), SAME(renameat), SAME(renameat2),
	SAME(mkdir), SAME(mkdirat), SAME(rmdir),
	SAME(chmod), SAME(fchmod), SAME(fchmodat),
	ID16(chown, 0x6), ID16(lchown, 0x6), ID16(fchown, 0x6),
	AS(chown32, chown), AS(lchown32, lchown), AS(fchown32, fchown), SAME(fchownat),
	SAME(symlink), SAME(symlinkat), SAME(link), SAME(linkat),
	SAME(chdir), SAME(fchdir), SAME(chroot),
	SAME(dup), SAME(dup2), SAME(dup3), SAME(memfd_create),
	/* identity */
	ID16(setuid, 0x1), ID16(setgid, 0x1), ID16(setreuid, 0x3), ID16(setregid, 0x3),
	ID16(setresuid, 0x7), ID16(setresgid, 0x7),
	AS(setuid32, setuid), AS(setgid32, setgid), AS(setreuid32, setreuid),
	AS(setregid32, setregid), AS(setresuid32, setresuid), AS(setresgid32, setresgid),
	/* mounts, namespaces, the kernel */
	SAME(mount), FIX(umount, umount2, SHRIKE_IA32_UMOUNT, 0), SAME(umount2),
	SAME(setns), SAME(unshare), SAME(init_module), SAME(finit_module), SAME(bpf),
	/* network: the socket calls have their own numbers since Linux 4.3 */
	[__NR_ia32_socketcall] = { -1, SHRIKE_IA32_SOCKETCALL, 0 },
	SAME(socket), SAME(bind), SAME(connect), SAME(listen), SAME(accept4),
	SAME(sendto), SAME(sendmsg),
};

/* socketcall(2): the call number picks the syscall. */
static const struct shrike_socketcall socketcalls[] = {
	[SYS_SOCKET] = { __NR_socket, 3 },
	[SYS_BIND] = { __NR_bind, 3 },
	[SYS_CONNECT] = { __NR_connect, 3 },
	[SYS_LISTEN] = { __NR_listen, 2 },
	[SYS_ACCEPT] = { __NR_accept, 3 },
	[SYS_SEND] = { __NR_sendto, 4 },	/* sendto with no address */
	[SYS_SENDTO] = { __NR_sendto, 6 },
	[SYS_SENDMSG] = { __NR_sendmsg, 3 },
	[SYS_ACCEPT4] = { __NR_accept4, 4 },
};

/* nr comes from userspace: bounds-checked and clamped under speculation. */
static const struct shrike_ia32_call *ia32_call(long nr)
{
	const struct shrike_ia32_call *c;

	if ((unsigned long)nr >= ARRAY_SIZE(ia32_calls))
		return NULL;
	c = &ia32_calls[array_index_nospec(nr, ARRAY_SIZE(ia32_calls))];
	return c->fix == SHRIKE_IA32_NONE ? NULL : c;
}

static const struct shrike_socketcall *socketcall_of(unsigned long call)
{
	const struct shrike_socketcall *sc;

	if (call >= ARRAY_SIZE(socketcalls))
		return NULL;
	sc = &socketcalls[array_index_nospec(call, ARRAY_SIZE(socketcalls))];
	return sc->nargs ? sc : NULL;
}

/* The six argument registers of a 32-bit syscall, 32 bits each. */
static void ia32_regs(struct pt_regs *regs, struct shrike_args *a)
{
	size_t i;

	syscall_get_arguments(current, regs, a->v);
	for (i = 0; i < ARRAY_SIZE(a->v); i++)
		a->v[i] = (u32)a->v[i];
	a->compat = true;
	a->x32 = false;
	a->fault = false;
}

/* 16-bit ids widen as the kernel's low2highuid() does: 0xffff is -1. */
static unsigned long id16(unsigned long v)
{
	u16 id = v;

	return id == (u16)-1 ? (u32)-1 : id;
}

/* Native number, with a's arguments moved to the native positions. */
static long ia32_fix(const struct shrike_ia32_call *c, struct shrike_args *a)
{
	size_t i;

	switch (c->fix) {
	case SHRIKE_IA32_ID16:
		for (i = 0; i < 3; i++)
			if (c->ids & BIT(i))
				a->v[i] = id16(a->v[i]);
		break;
	case SHRIKE_IA32_CLONE:
		swap(a->v[3], a->v[4]);
		break;
	case SHRIKE_IA32_UMOUNT:
		a->v[1] = 0;
		break;
	}
	return c->nr;
}

/* The socketcall's argument array, read without faulting; false if unreadable. */
static bool socketcall_read(const struct shrike_socketcall *sc, unsigned long uargs, u32 *args)
{
	memset(args, 0, 6 * sizeof(*args));
	return !copy_from_user_nofault(args, (const void __user *)uargs,
				       sc->nargs * sizeof(*args));
}

static void socketcall_args(const u32 *args, struct shrike_args *a)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(a->v); i++)
		a->v[i] = args[i];
}

/*
 * At entry the array is read once and kept for the exit (inflight.c): the
 * kernel acts on its own copy of it, and another thread may rewrite ours
 * while the call runs. When it cannot be read now (a page not yet faulted
 * in), there is no enter record and the exit reads it as it then is.
 */
static void socketcall_enter(struct shrike_session *s, struct shrike_args *a)
{
	const struct shrike_socketcall *sc = socketcall_of(a->v[0]);
	struct shrike_inflight x = { .kind = SHRIKE_INFLIGHT_SOCKETCALL, .compat = 1 };

	if (!sc)
		return;
	if (!shrike_wants(s, sc->nr) || !socketcall_read(sc, a->v[1], x.args)) {
		/* nothing kept for an earlier call may pass for this one's */
		shrike_defer_release(shrike_inflight_forget(current->pid));
		return;
	}
	x.nr = sc->nr;
	shrike_inflight_put(&x);
	socketcall_args(x.args, a);
	preempt_disable_notrace();
	shrike_fill_syscall_enter(s, sc->nr, a);
	preempt_enable_notrace();
}

static long socketcall_exit(struct shrike_args *a)
{
	const struct shrike_socketcall *sc = socketcall_of(a->v[0]);
	struct shrike_inflight x;

	if (!sc)
		return -1;
	if ((shrike_inflight_take(current->pid, SHRIKE_INFLIGHT_SOCKETCALL, &x) &&
	     x.nr == sc->nr) || socketcall_read(sc, a->v[1], x.args))
		socketcall_args(x.args, a);
	else
		a->fault = true;
	return sc->nr;
}

void shrike_ia32_enter(struct shrike_session *s, struct pt_regs *regs, long nr)
{
	const struct shrike_ia32_call *c = ia32_call(nr);
	struct shrike_args a;
	long native;

	if (!c)
		return;
	ia32_regs(regs, &a);
	if (c->fix == SHRIKE_IA32_SOCKETCALL) {
		socketcall_enter(s, &a);
		return;
	}
	native = ia32_fix(c, &a);
	if (!shrike_wants(s, native))
		return;
	preempt_disable_notrace();
	shrike_fill_syscall_enter(s, native, &a);
	preempt_enable_notrace();
}

void shrike_ia32_exit(struct shrike_session *s, struct pt_regs *regs, long ret)
{
	const struct shrike_ia32_call *c = ia32_call(syscall_get_nr(current, regs));
	struct shrike_args a;
	long native;

	if (!c)
		return;
	ia32_regs(regs, &a);
	if (c->fix == SHRIKE_IA32_SOCKETCALL)
		native = socketcall_exit(&a);
	else
		native = ia32_fix(c, &a);
	if (native < 0 || !shrike_wants(s, native))
		return;
	preempt_disable_notrace();
	shrike_fill_syscall_exit(s, native, &a, ret);
	preempt_enable_notrace();
}

/*
 * The native number and arguments of the 32-bit syscall nr in progress, for
 * fillers that run inside it (fork); -1 if it has no native twin we report
 * (a then holds its registers as they are).
 */
long shrike_ia32_args(struct pt_regs *regs, long nr, struct shrike_args *a)
{
	const struct shrike_ia32_call *c = ia32_call(nr);

	ia32_regs(regs, a);
	if (!c || c->fix == SHRIKE_IA32_SOCKETCALL)
		return -1;
	return ia32_fix(c, a);
}
