/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ia32.h - 32-bit syscalls (int $0x80 from any program, every syscall of a
 * 32-bit one) as the native syscalls they stand for: the eBPF twin of
 * kmod/syscalls_ia32.c, with the same table and the same fix-ups, so that
 * both drivers write the same records (docs/ABI.md, "32-bit syscalls").
 *
 * The 32-bit ABI has its own numbers, one 32-bit register per argument,
 * 16-bit uid/gid calls beside the 32-bit ones, socketcall(2) (the socket
 * calls through an array of u32 in user memory), a one-argument umount and
 * clone with tls and child_tid swapped. Every argument is cut to 32 bits, as
 * the kernel's 32-bit entry cuts it: a 64-bit program using int $0x80 may
 * leave anything in the upper halves, which the kernel never sees.
 */
#ifndef SHRIKE_BPF_IA32_H
#define SHRIKE_BPF_IA32_H

#define TS_COMPAT_VAL	0x0002	/* arch/x86/include/asm/thread_info.h */

/*
 * 32-bit syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl, a stable
 * ABI): the build includes the 64-bit asm/unistd.h, whose __NR_ names these
 * would clash with.
 */
enum {
	IA32_exit = 1, IA32_fork = 2, IA32_open = 5, IA32_close = 6, IA32_creat = 8,
	IA32_link = 9, IA32_unlink = 10, IA32_execve = 11, IA32_chdir = 12, IA32_chmod = 15,
	IA32_lchown = 16, IA32_mount = 21, IA32_umount = 22, IA32_setuid = 23, IA32_ptrace = 26,
	IA32_kill = 37, IA32_rename = 38, IA32_mkdir = 39, IA32_rmdir = 40, IA32_dup = 41,
	IA32_setgid = 46, IA32_umount2 = 52, IA32_chroot = 61, IA32_dup2 = 63,
	IA32_setreuid = 70, IA32_setregid = 71, IA32_symlink = 83, IA32_fchmod = 94,
	IA32_fchown = 95, IA32_socketcall = 102, IA32_clone = 120, IA32_init_module = 128,
	IA32_fchdir = 133, IA32_setresuid = 164, IA32_setresgid = 170, IA32_prctl = 172,
	IA32_chown = 182, IA32_vfork = 190, IA32_lchown32 = 198, IA32_setreuid32 = 203,
	IA32_setregid32 = 204, IA32_fchown32 = 207, IA32_setresuid32 = 208,
	IA32_setresgid32 = 210, IA32_chown32 = 212, IA32_setuid32 = 213, IA32_setgid32 = 214,
	IA32_exit_group = 252, IA32_tgkill = 270, IA32_openat = 295, IA32_mkdirat = 296,
	IA32_fchownat = 298, IA32_unlinkat = 301, IA32_renameat = 302, IA32_linkat = 303,
	IA32_symlinkat = 304, IA32_fchmodat = 306, IA32_unshare = 310, IA32_dup3 = 330,
	IA32_setns = 346, IA32_finit_module = 350, IA32_renameat2 = 353,
	IA32_memfd_create = 356, IA32_bpf = 357, IA32_execveat = 358, IA32_socket = 359,
	IA32_bind = 361, IA32_connect = 362, IA32_listen = 363, IA32_accept4 = 364,
	IA32_sendto = 369, IA32_sendmsg = 370, IA32_clone3 = 435, IA32_openat2 = 437,
	/*
	 * A power of two above every number in the table: the index is
	 * masked where it is used, because a bound checked before clang
	 * spills the index is lost on reload by older verifiers (6.1's).
	 */
	IA32_NR_MAX = 512
};

#define I32_FIX(name, nat, fix, ids)	[IA32_##name] = { __NR_##nat, fix, ids }
#define I32_SAME(name)			I32_FIX(name, name, SHRIKE_IA32_SAME, 0)
#define I32_AS(name, nat)		I32_FIX(name, nat, SHRIKE_IA32_SAME, 0)
#define I32_ID16(name, ids)		I32_FIX(name, name, SHRIKE_IA32_ID16, ids)

/* Indexed by 32-bit number; the gaps are SHRIKE_IA32_NONE. kmod/syscalls_ia32.c's list. */
static const struct shrike_ia32_call ia32_calls[IA32_NR_MAX] = {
	/* processes */
	I32_SAME(execve), I32_SAME(execveat),
	I32_FIX(clone, clone, SHRIKE_IA32_CLONE, 0), I32_SAME(clone3), I32_SAME(fork), I32_SAME(vfork),
	I32_SAME(ptrace), I32_SAME(kill), I32_SAME(tgkill), I32_SAME(prctl),
	/* files */
	I32_SAME(open), I32_SAME(openat), I32_SAME(openat2), I32_SAME(creat), I32_SAME(close),
	I32_SAME(unlink), I32_SAME(unlinkat), I32_SAME(rename), I32_SAME(renameat),
	I32_SAME(renameat2), I32_SAME(mkdir), I32_SAME(mkdirat), I32_SAME(rmdir),
	I32_SAME(chmod), I32_SAME(fchmod), I32_SAME(fchmodat),
	I32_ID16(chown, 0x6), I32_ID16(lchown, 0x6), I32_ID16(fchown, 0x6),
	I32_AS(chown32, chown), I32_AS(lchown32, lchown), I32_AS(fchown32, fchown),
	I32_SAME(fchownat), I32_SAME(symlink), I32_SAME(symlinkat), I32_SAME(link),
	I32_SAME(linkat), I32_SAME(chdir), I32_SAME(fchdir), I32_SAME(chroot),
	I32_SAME(dup), I32_SAME(dup2), I32_SAME(dup3), I32_SAME(memfd_create),
	/* identity */
	I32_ID16(setuid, 0x1), I32_ID16(setgid, 0x1), I32_ID16(setreuid, 0x3),
	I32_ID16(setregid, 0x3), I32_ID16(setresuid, 0x7), I32_ID16(setresgid, 0x7),
	I32_AS(setuid32, setuid), I32_AS(setgid32, setgid), I32_AS(setreuid32, setreuid),
	I32_AS(setregid32, setregid), I32_AS(setresuid32, setresuid),
	I32_AS(setresgid32, setresgid),
	/* mounts, namespaces, the kernel */
	I32_SAME(mount), I32_FIX(umount, umount2, SHRIKE_IA32_UMOUNT, 0), I32_SAME(umount2),
	I32_SAME(setns), I32_SAME(unshare), I32_SAME(init_module), I32_SAME(finit_module),
	I32_SAME(bpf),
	/* network: the socket calls have their own numbers since Linux 4.3 */
	[IA32_socketcall] = { -1, SHRIKE_IA32_SOCKETCALL, 0 },
	I32_SAME(socket), I32_SAME(bind), I32_SAME(connect), I32_SAME(listen),
	I32_SAME(accept4), I32_SAME(sendto), I32_SAME(sendmsg),
};

/* socketcall(2)'s call numbers (include/uapi/linux/net.h) */
#define SYS_SOCKET_VAL	1
#define SYS_ACCEPT4_VAL	18

static const struct shrike_socketcall socketcalls[SYS_ACCEPT4_VAL + 1] = {
	[1] = { __NR_socket, 3 },	/* SYS_SOCKET */
	[2] = { __NR_bind, 3 },		/* SYS_BIND */
	[3] = { __NR_connect, 3 },	/* SYS_CONNECT */
	[4] = { __NR_listen, 2 },	/* SYS_LISTEN */
	[5] = { __NR_accept, 3 },	/* SYS_ACCEPT */
	[9] = { __NR_sendto, 4 },	/* SYS_SEND: sendto with no address */
	[11] = { __NR_sendto, 6 },	/* SYS_SENDTO */
	[16] = { __NR_sendmsg, 3 },	/* SYS_SENDMSG */
	[18] = { __NR_accept4, 4 },	/* SYS_ACCEPT4 */
};

/*
 * The entry of a number in a table, or NULL: numbers come from userspace,
 * and the verifier wants the index bounded where it is used.
 */
static __always_inline const struct shrike_ia32_call *ia32_call(long nr)
{
	const struct shrike_ia32_call *c;

	if (nr < 0 || nr >= IA32_NR_MAX)
		return NULL;
	c = &ia32_calls[vbound((__u32)nr, IA32_NR_MAX - 1)];
	return c->fix == SHRIKE_IA32_NONE ? NULL : c;
}

static __always_inline const struct shrike_socketcall *socketcall_of(__u64 call)
{
	const struct shrike_socketcall *sc;
	__u32 i = (__u32)call;

	barrier_var(i);
	if (call > SYS_ACCEPT4_VAL || i > SYS_ACCEPT4_VAL)
		return NULL;
	sc = &socketcalls[i];
	return sc->nargs ? sc : NULL;
}

/* Is the current syscall a 32-bit one? (the kernel's in_ia32_syscall()) */
static __always_inline int in_ia32_syscall(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	return !!(BPF_CORE_READ(t, thread_info.status) & TS_COMPAT_VAL);
}

/* The six 32-bit argument registers, 32 bits each (not inlined: as native_args()). */
static __noinline void ia32_regs(struct pt_regs *regs, struct sys_args *a)
{
	struct arg_regs r;

	arg_regs_read(regs, &r);
	a->v[0] = (__u32)r.bx;
	a->v[1] = (__u32)r.cx;
	a->v[2] = (__u32)r.dx;
	a->v[3] = (__u32)r.si;
	a->v[4] = (__u32)r.di;
	a->v[5] = (__u32)r.bp;
	a->compat = 1;
	a->x32 = 0;
	a->fault = 0;
}

/* 16-bit ids widen as the kernel's low2highuid() does: 0xffff is -1. */
static __always_inline __u64 id16(__u64 v)
{
	__u16 id = (__u16)v;

	return id == (__u16)-1 ? (__u32)-1 : id;
}

/* The native number, with a's arguments moved to the native positions. */
static __always_inline long ia32_fix(const struct shrike_ia32_call *c, struct sys_args *a)
{
	__u64 t;

	switch (c->fix) {
	case SHRIKE_IA32_ID16:
		if (c->ids & 1)
			a->v[0] = id16(a->v[0]);
		if (c->ids & 2)
			a->v[1] = id16(a->v[1]);
		if (c->ids & 4)
			a->v[2] = id16(a->v[2]);
		break;
	case SHRIKE_IA32_CLONE:
		t = a->v[3];
		a->v[3] = a->v[4];
		a->v[4] = t;
		break;
	case SHRIKE_IA32_UMOUNT:
		a->v[1] = 0;
		break;
	}
	return c->nr;
}

/*
 * socketcall's array, read without faulting a page in (nargs u32, the rest
 * 0); nonzero when it cannot be read.
 */
static __always_inline int socketcall_read(const struct shrike_socketcall *sc, __u64 uargs,
					   __u32 *args)
{
	__u32 n = sc->nargs;

	__builtin_memset(args, 0, 6 * sizeof(*args));
	if (n > 6)
		return -1;
	return bpf_probe_read_user(args, vbound(n * sizeof(*args), 31), (const void *)uargs);
}

static __always_inline void socketcall_args(const __u32 *args, struct sys_args *a)
{
	int i;

	for (i = 0; i < 6; i++)
		a->v[i] = args[i];
}

/*
 * The array read at entry is kept for the exit (as kmod/inflight.c keeps
 * it): the kernel acts on its own copy, and another thread may rewrite ours
 * while the call runs. Unreadable now (a page not yet faulted in): no enter
 * record, and the exit reads the array as it then is. Returns the native
 * number, -1 when the call is not reported (or not selected).
 */
static __always_inline long socketcall_enter(struct sys_args *a, __u32 tid)
{
	const struct shrike_socketcall *sc = socketcall_of(a->v[0]);
	struct sock_kept k = {};

	if (!sc)
		return -1;
	if (!wants(sc->nr) || socketcall_read(sc, a->v[1], k.args)) {
		/* nothing kept for an earlier call may pass for this one's */
		bpf_map_delete_elem(&inflight_sock, &tid);
		return -1;
	}
	k.nr = sc->nr;
	bpf_map_update_elem(&inflight_sock, &tid, &k, BPF_ANY);
	socketcall_args(k.args, a);
	return sc->nr;
}

static __always_inline long socketcall_exit(struct sys_args *a, __u32 tid)
{
	const struct shrike_socketcall *sc = socketcall_of(a->v[0]);
	struct sock_kept *k, fresh = {};

	if (!sc)
		return -1;
	k = bpf_map_lookup_elem(&inflight_sock, &tid);
	if (k && k->nr == sc->nr) {
		socketcall_args(k->args, a);
	} else if (!socketcall_read(sc, a->v[1], fresh.args)) {
		socketcall_args(fresh.args, a);
	} else {
		a->fault = 1;
	}
	if (k)
		bpf_map_delete_elem(&inflight_sock, &tid);
	return sc->nr;
}

/*
 * Could the 32-bit syscall nr be reported, by what the reader selected?
 * Asked before the task is read, so that a native syscall whose number
 * means nothing selected in the 32-bit table pays no more than the lookup.
 */
static __always_inline int ia32_maybe(const struct shrike_syscall_mask *m, long nr)
{
	const struct shrike_ia32_call *c = ia32_call(nr);

	if (!c)
		return 0;
	if (c->fix == SHRIKE_IA32_SOCKETCALL)
		return mask_has(m, __NR_socket) || mask_has(m, __NR_bind) ||
		       mask_has(m, __NR_connect) || mask_has(m, __NR_listen) ||
		       mask_has(m, __NR_accept) || mask_has(m, __NR_accept4) ||
		       mask_has(m, __NR_sendto) || mask_has(m, __NR_sendmsg);
	return mask_has(m, c->nr);
}

/*
 * The native number and arguments of 32-bit syscall nr (its registers in
 * regs), -1 when it is not reported or its native twin is not selected.
 */
static __always_inline long ia32_native(struct pt_regs *regs, long nr, struct sys_args *a,
					__u32 tid, int at_entry)
{
	const struct shrike_ia32_call *c = ia32_call(nr);
	long native;

	if (!c)
		return -1;
	ia32_regs(regs, a);
	if (c->fix == SHRIKE_IA32_SOCKETCALL) {
		if (at_entry)
			return socketcall_enter(a, tid);
		native = socketcall_exit(a, tid);
	} else {
		native = ia32_fix(c, a);
	}
	return native >= 0 && wants(native) ? native : -1;
}

#endif /* SHRIKE_BPF_IA32_H */
