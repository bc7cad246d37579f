/* SPDX-License-Identifier: GPL-2.0 */
/*
 * syscalls.h - table-driven syscall records: the eBPF twin of
 * kmod/syscalls.c. The daemon copies the event table of
 * kmod/uapi/shrike_events.h into the "specs" map; this walks it, one
 * parameter at a time, each filled by the function for its source.
 */
#ifndef SHRIKE_BPF_SYSCALLS_H
#define SHRIKE_BPF_SYSCALLS_H

/*
 * The daemon's process (its thread group id in the initial pid namespace),
 * set before loading. Its own syscalls are not recorded: enriching an event
 * opens files, which would be events, and so on. A number is enough here,
 * where the module needs the struct pid: the programs go with the daemon's
 * file descriptors, so they never outlive it into a reuse of its pid.
 */
const volatile __u32 reader_tgid;

/*
 * A syscall's arguments in the order and with the meaning the native
 * (x86_64) syscall gives them, whichever ABI the call came through
 * (kmod/internal.h struct shrike_args): ia32.h translates the 32-bit one.
 */
struct sys_args {
	__u64 v[6];
	__u8 compat;		/* 32-bit ABI: each argument is 32 bits wide, longs too */
	__u8 x32;		/* came with an x32 number (x32.h) */
	__u8 fault;		/* could not be read (a socketcall's array): none is known */
};

static __always_inline struct shrike_syscall_mask *sel_mask(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&selection, &zero);
}

/* Is native syscall nr selected in m? */
static __always_inline int mask_has(const struct shrike_syscall_mask *m, long nr)
{
	__u32 i = (__u32)nr;

	if (!m || nr < 0 || nr >= SHRIKE_MAX_SYSCALLS)
		return 0;
	/* nr may come from a constant table: the compiler would drop the mask */
	barrier_var(i);
	return (m->bits[(i >> 6) & 7] >> (i & 63)) & 1;
}

static __always_inline int is_reader(void)
{
	return (__u32)(bpf_get_current_pid_tgid() >> 32) == reader_tgid;
}

/* Is syscall nr selected, and is the caller not the reader itself? */
static __always_inline int wants(long nr)
{
	/* the bit first: an unselected syscall must cost as little as possible */
	return mask_has(sel_mask(), nr) && !is_reader();
}

/*
 * A C int, sign- or zero-extended by the parameter's kind, or a long; any
 * long of the 32-bit ABI too: the upper half of the register is not the
 * caller's (the kernel itself casts it away).
 */
static __always_inline __u64 arg_value(__u64 v, const struct shrike_bpf_param *p, int compat)
{
	if (p->b == 4 || compat)
		return p->kind == SHRIKE_K_S64 ? (__u64)(__s64)(__s32)v : (__u32)v;
	return v;
}

/* Does the parameter come from the syscall's arguments? */
static __always_inline int from_args(const struct shrike_bpf_param *p)
{
	switch (p->src) {
	case SHRIKE_SRC_RES:
	case SHRIKE_SRC_CTX:
	case SHRIKE_SRC_MODNAME:
		return 0;
	case SHRIKE_SRC_FD_TUPLE:
	case SHRIKE_SRC_FD_PATH:
		return p->a != SHRIKE_RESFD;
	default:
		return 1;
	}
}

/* Parameter k of syscall nr, from the arguments and result in scratch. */
__noinline int fill_param(__u32 nr, __u32 k)
{
	struct scratch *s = scr_get();
	struct shrike_bpf_spec *sp = bpf_map_lookup_elem(&specs, &nr);
	struct shrike_bpf_param p;
	__u64 a, b;

	if (!s || !sp)
		return 0;
	/* the compiler would test a copy of k: the verifier must see this one */
	barrier_var(k);
	if (k >= SHRIKE_BPF_MAX_PARAMS)
		return 0;
	p = sp->p[k];
	a = s->args[p.a & 7];
	b = s->args[p.b & 7];
	if (s->fault && from_args(&p)) {
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
		return 0;
	}
	switch (p.src) {
	case SHRIKE_SRC_RES:
		rec_u64(s, s->ret);
		break;
	case SHRIKE_SRC_ARG:
		rec_u64(s, arg_value(a, &p, s->compat));
		break;
	case SHRIKE_SRC_USTR:
		rec_ustr(a);
		break;
	case SHRIKE_SRC_DIRPATH:
		rec_dirpath(p.a == SHRIKE_CWD ? AT_FDCWD_VAL : (int)a, b);
		break;
	case SHRIKE_SRC_FD_PATH:
		if (p.a != SHRIKE_RESFD)
			rec_fdpath((int)a);
		else if (s->ret >= 0)	/* what the open family really opened */
			rec_fdpath((int)s->ret);
		else
			rec_set(s, 0, 0);	/* nothing was opened */
		break;
	case SHRIKE_SRC_HOW_FLAGS:
	case SHRIKE_SRC_HOW_MODE:
	case SHRIKE_SRC_HOW_RESOLVE:
		rec_open_how(s, p.src, a, b);
		break;
	case SHRIKE_SRC_SOCKADDR:
		rec_sockaddr(s, a, (int)b);
		break;
	case SHRIKE_SRC_FD_TUPLE:
		rec_tuple(p.a == SHRIKE_RESFD ? (int)s->ret : (int)a);
		break;
	case SHRIKE_SRC_MSGADDR:
		rec_msgaddr(s, a, s->compat);
		break;
	case SHRIKE_SRC_CTX:
		rec_ctx(bpf_get_current_task());
		break;
	default:
		/* SHRIKE_SRC_MODNAME: joined by the daemon from a module_load record */
		rec_set(s, 0, 0);
		break;
	}
	return 0;
}

/*
 * The argument registers of both ABIs, struct pt_regs from bp to di, which
 * x86-64 has always laid out in this order (the entry code pushes them so).
 * A raw tracepoint gets regs as a plain pointer, so each register is a
 * bpf_probe_read_kernel() of its own: one read of the block costs what
 * one register did, instead of six.
 */
struct arg_regs {
	__u64 bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di;
};

/* Does this kernel's struct pt_regs hold struct arg_regs as one block? (CO-RE constants) */
#define REG_AT(r)	(bpf_core_field_offset(struct pt_regs, r) - \
			 bpf_core_field_offset(struct pt_regs, bp) == __builtin_offsetof(struct arg_regs, r))
#define ARG_REGS_AS_BLOCK	(REG_AT(bx) && REG_AT(r10) && REG_AT(r9) && REG_AT(r8) && \
				 REG_AT(cx) && REG_AT(dx) && REG_AT(si) && REG_AT(di))

static __always_inline void arg_regs_read(struct pt_regs *regs, struct arg_regs *r)
{
	if (ARG_REGS_AS_BLOCK) {
		if (bpf_probe_read_kernel(r, sizeof(*r), (char *)regs +
					  bpf_core_field_offset(struct pt_regs, bp)))
			__builtin_memset(r, 0, sizeof(*r));
		return;
	}
	/* never seen on x86-64: one read per register, as CO-RE places them */
	r->bp = BPF_CORE_READ(regs, bp);
	r->bx = BPF_CORE_READ(regs, bx);
	r->r10 = BPF_CORE_READ(regs, r10);
	r->r9 = BPF_CORE_READ(regs, r9);
	r->r8 = BPF_CORE_READ(regs, r8);
	r->cx = BPF_CORE_READ(regs, cx);
	r->dx = BPF_CORE_READ(regs, dx);
	r->si = BPF_CORE_READ(regs, si);
	r->di = BPF_CORE_READ(regs, di);
}

/*
 * The native syscall's six argument registers. Not inlined: the block read
 * lives in this frame, off the stack of the deepest call chain (the
 * verifier allows 512 bytes for all frames of a chain together).
 */
static __noinline void native_args(struct pt_regs *regs, struct sys_args *a)
{
	struct arg_regs r;

	arg_regs_read(regs, &r);
	a->v[0] = r.di;
	a->v[1] = r.si;
	a->v[2] = r.dx;
	a->v[3] = r.r10;
	a->v[4] = r.r8;
	a->v[5] = r.r9;
	a->compat = 0;
	a->x32 = 0;
	a->fault = 0;
}

/*
 * The record's type flag for the ABI the arguments came through: any but
 * the native one (kmod/internal.h shrike_args_foreign()).
 */
static __always_inline __u16 abi_flag(const struct sys_args *a)
{
	return a->compat || a->x32 ? SHRIKE_EVT_COMPAT : 0;
}

/* The arguments into the scratch slot, where fill_param() reads them. */
static __always_inline void args_to(struct scratch *s, const struct sys_args *a)
{
	s->args[0] = a->v[0];
	s->args[1] = a->v[1];
	s->args[2] = a->v[2];
	s->args[3] = a->v[3];
	s->args[4] = a->v[4];
	s->args[5] = a->v[5];
	s->compat = a->compat;
	s->fault = a->fault;
}

/* One phase's record of syscall nr (selected, with a table entry). */
static __always_inline void fill_phase(const struct sys_args *a, __u32 nr,
				       const struct shrike_bpf_spec *sp, __u8 phase, long ret)
{
	__u16 type = sp->type | (phase == SHRIKE_AT_ENTER ? SHRIKE_EVT_ENTER : 0) | abi_flag(a);
	struct scratch *s = rec_begin(type, phase == SHRIKE_AT_ENTER ? sp->n_enter : sp->n_exit);
	__u32 k;

	if (!s)
		return;
	args_to(s, a);
	s->ret = ret;
	for (k = 0; k < SHRIKE_BPF_MAX_PARAMS; k++) {
		if (k >= sp->nparams)
			break;
		if (sp->p[k].phase == phase)
			fill_param(nr, k);
	}
	rec_commit(s);
}

#endif /* SHRIKE_BPF_SYSCALLS_H */
