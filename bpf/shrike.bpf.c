// SPDX-License-Identifier: GPL-2.0
/*
 * shrike.bpf.c - the eBPF driver: raw tracepoint programs on
 * raw_syscalls:sys_enter/sys_exit and sched_process_fork/exec/exit that
 * write the module's records (kmod/uapi) into a BPF ring buffer.
 *
 * Raw tracepoints (BPF_PROG_TYPE_RAW_TRACEPOINT) rather than tp_btf: some
 * kernels have BTF and raw tracepoints but not BPF_PROG_TYPE_TRACING, and
 * this must load there. CO-RE (vmlinux.h from the running kernel's BTF at
 * build time, relocated by libbpf at load) keeps one object for every
 * kernel with /sys/kernel/btf/vmlinux.
 *
 * 32-bit (ia32) syscalls and x32 numbers are translated to the native
 * ones they stand for (ia32.h, x32.h), as the module does. No deferred
 * paths: no probe here can sleep or take a lock, so none is ever needed.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
/* vmlinux.h has the kernel's types already: keep uapi's linux/types.h out */
#define _LINUX_TYPES_H
#define _LINUX_IOCTL_H
#define _IOR(a, b, c) 0
#define _IOW(a, b, c) 0
#define _IO(a, b) 0
#include <asm/unistd.h>
#include "shrike.h"
#include "shrike_events.h"
#include "shrike_bpf.h"
#include "shrike_ia32.h"
#include "maps.h"
#include "record.h"
#include "string_params.h"
#include "path.h"
#include "ctx.h"
#include "net.h"
#include "syscalls.h"
#include "ia32.h"
#include "x32.h"
#include "proc.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * Both syscall programs start the same way: the number is tested against
 * the selection, as a native number and as a 32-bit one (and as an x32 one
 * where the kernel has x32), before anything else is read, so that an
 * unselected syscall costs a map lookup and a few bit tests (no helper call
 * on entry; on exit the one read of orig_ax). Only then is the task asked
 * who it is and which ABI the call came through (a 32-bit number means
 * another syscall entirely: ia32.h translates it). x32 numbers are far
 * above the others (x32.h).
 *
 * Returns the native number with its arguments in a, or -1.
 */
static __always_inline long syscall_of(struct pt_regs *regs, long id, struct sys_args *a,
				       __u32 *tid, int at_entry)
{
	struct shrike_syscall_mask *m = sel_mask();
	int native = mask_has(m, id);
	__u64 pid_tgid;

	if (!native && !ia32_maybe(m, id) && !x32_maybe(m, id))
		return -1;
	/* only now: a syscall nobody asked for pays for the mask test alone */
	pid_tgid = bpf_get_current_pid_tgid();
	*tid = (__u32)pid_tgid;
	if ((__u32)(pid_tgid >> 32) == reader_tgid)	/* is_reader(), one call for both */
		return -1;
	if (in_ia32_syscall())
		return ia32_native(regs, id, a, *tid, at_entry);
	if (!native)
		return x32_native(regs, id, a);
	native_args(regs, a);
	return id;
}

SEC("raw_tracepoint/sys_enter")
int shrike_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	struct shrike_bpf_spec *sp;
	struct sys_args a;
	__u32 tid, nr;
	long id;

	id = syscall_of(regs, (long)ctx->args[1], &a, &tid, 1);
	if (id < 0)
		return 0;
	nr = (__u32)id;
	switch (nr) {
	case __NR_execve:
	case __NR_execveat: {
		/* which exec, through which ABI: sched_process_exec can no longer tell */
		__u32 v = nr | (abi_flag(&a) ? EXEC_KEPT_COMPAT : 0);

		bpf_map_update_elem(&inflight, &tid, &v, BPF_ANY);
		return 0;
	}
	case __NR_clone:
	case __NR_clone3:
	case __NR_fork:
	case __NR_vfork: {
		struct fork_kept k = { .nr = nr, .compat = a.compat, .arg0 = a.v[0] };

		/*
		 * The module tells the fork family by the number in the
		 * registers, which for an x32 one is none of them: a clone
		 * with its first argument as flags, unmarked. So here too.
		 */
		if (a.x32) {
			k.nr = __NR_clone;
			k.compat = 0;
		}
		bpf_map_update_elem(&inflight_fork, &tid, &k, BPF_ANY);
		return 0;
	}
	}
	sp = bpf_map_lookup_elem(&specs, &nr);
	if (sp && sp->type && sp->n_enter)
		fill_phase(&a, nr, sp, SHRIKE_AT_ENTER, 0);
	return 0;
}

SEC("raw_tracepoint/sys_exit")
int shrike_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];
	long ret = (long)ctx->args[1];
	struct shrike_bpf_spec *sp;
	struct sys_args a;
	__u32 tid, nr;
	long id;

	id = syscall_of(regs, BPF_CORE_READ(regs, orig_ax), &a, &tid, 0);
	if (id < 0)
		return 0;
	nr = (__u32)id;
	switch (nr) {
	case __NR_execve:
	case __NR_execveat:
		/* a successful exec is reported by sched_process_exec */
		if (ret < 0) {
			bpf_map_delete_elem(&inflight, &tid);
			fill_exec_failed(&a, nr, ret);
		}
		return 0;
	case __NR_clone:
	case __NR_clone3:
	case __NR_fork:
	case __NR_vfork:
		bpf_map_delete_elem(&inflight_fork, &tid);
		return 0;
	}
	sp = bpf_map_lookup_elem(&specs, &nr);
	if (sp && sp->type)
		fill_phase(&a, nr, sp, SHRIKE_AT_EXIT, ret);
	return 0;
}

/* sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) */
SEC("raw_tracepoint/sched_process_exec")
int shrike_sched_exec(struct bpf_raw_tracepoint_args *ctx)
{
	fill_exec((__u32)ctx->args[1], (struct linux_binprm *)ctx->args[2]);
	return 0;
}

/* sched_process_fork(struct task_struct *parent, struct task_struct *child) */
SEC("raw_tracepoint/sched_process_fork")
int shrike_sched_fork(struct bpf_raw_tracepoint_args *ctx)
{
	fill_fork((struct task_struct *)ctx->args[1]);
	return 0;
}

/* sched_process_exit(struct task_struct *p[, bool group_dead]) */
SEC("raw_tracepoint/sched_process_exit")
int shrike_sched_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *p = (struct task_struct *)ctx->args[0];
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	/* what it kept for a syscall it never finished goes */
	bpf_map_delete_elem(&inflight, &tid);
	bpf_map_delete_elem(&inflight_fork, &tid);
	bpf_map_delete_elem(&inflight_sock, &tid);
	fill_exit(p);
	return 0;
}

/*
 * module_load(struct module *mod) fires inside init_module/finit_module:
 * the name the daemon joins to that syscall's event, as the module sends it.
 */
SEC("raw_tracepoint/module_load")
int shrike_module_load(struct bpf_raw_tracepoint_args *ctx)
{
	struct module *mod = (struct module *)ctx->args[0];
	struct scratch *s;

	if (!wants(__NR_init_module) && !wants(__NR_finit_module))
		return 0;
	s = rec_begin(SHRIKE_EVT_MODULE_LOAD, 1);
	if (!s)
		return 0;
	rec_kstr((__u64)mod->name);
	rec_commit(s);
	return 0;
}
