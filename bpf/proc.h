/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc.h - a process's life: exec (success and failure), fork/clone and
 * exit, the eBPF twin of kmod/fill_proc.c.
 */
#ifndef SHRIKE_BPF_PROC_H
#define SHRIKE_BPF_PROC_H

#define CSIGNAL_VAL		0x000000ff
#define CLONE_VM_VAL		0x00000100
#define CLONE_FS_VAL		0x00000200
#define CLONE_FILES_VAL		0x00000400
#define CLONE_SIGHAND_VAL	0x00000800
#define CLONE_PARENT_VAL	0x00008000
#define CLONE_THREAD_VAL	0x00010000
#define CLONE_VFORK_VAL		0x00004000
#define CLONE_NEWNS_VAL		0x00020000
#define CLONE_CHILD_CLEARTID_VAL 0x00200000
#define CLONE_NEWCGROUP_VAL	0x02000000
#define CLONE_NEWUTS_VAL	0x04000000
#define CLONE_NEWIPC_VAL	0x08000000
#define CLONE_NEWUSER_VAL	0x10000000
#define CLONE_NEWPID_VAL	0x20000000
#define CLONE_NEWNET_VAL	0x40000000
#define CLONE_INTO_CGROUP_VAL	0x200000000ULL
#define SIGCHLD_VAL		17

static __always_inline __u16 exec_type(__u32 nr)
{
	return nr == __NR_execveat ? SHRIKE_EVT_EXECVEAT : SHRIKE_EVT_EXECVE;
}

/* A failed exec, at syscall exit: what the caller passed, in its ABI. */
static __always_inline void fill_exec_failed(const struct sys_args *a, __u32 nr, long ret)
{
	struct scratch *s = rec_begin(exec_type(nr) | abi_flag(a), SHRIKE_P_EXEC_NPARAMS);
	int at = nr == __NR_execveat;

	if (!s)
		return;
	args_to(s, a);
	rec_u64(s, ret);
	rec_ustr(s->args[at ? 1 : 0]);
	rec_uarray(s->args[at ? 2 : 1], a->compat);
	rec_set(s, 0, 0);	/* no executable: the exec failed */
	rec_ctx(bpf_get_current_task());
	rec_commit(s);
}

/* A successful exec, from sched_process_exec: the new image. */
static __always_inline void fill_exec(__u32 old_tid, struct linux_binprm *bprm)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	__u32 *kept = bpf_map_lookup_elem(&inflight, &old_tid);
	__u32 v = kept ? *kept : __NR_execve;
	__u32 nr = v & ~EXEC_KEPT_COMPAT;
	struct file *f = BPF_CORE_READ(bprm, file);
	struct scratch *s;

	if (kept)
		bpf_map_delete_elem(&inflight, &old_tid);
	if (!wants(nr == __NR_execveat ? __NR_execveat : __NR_execve))
		return;
	s = rec_begin(exec_type(nr) | (v & EXEC_KEPT_COMPAT ? SHRIKE_EVT_COMPAT : 0),
		      SHRIKE_P_EXEC_NPARAMS);
	if (!s)
		return;
	rec_u64(s, 0);
	rec_kstr((__u64)BPF_CORE_READ(bprm, filename));
	if (mm)
		rec_ublock(BPF_CORE_READ(mm, arg_start), BPF_CORE_READ(mm, arg_end));
	else
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
	if (f)
		rec_path((__u64)BPF_CORE_READ(f, f_path.dentry), (__u64)BPF_CORE_READ(f, f_path.mnt));
	else
		rec_set(s, 0, SHRIKE_PARAM_FAULT);
	rec_ctx((__u64)t);
	rec_commit(s);
}

/*
 * clone3()'s flags as the kernel applied them, read back from the child (its
 * clone_args in user memory may have been rewritten since the kernel copied
 * them), as kmod/fill_proc.c clone3_flags() does.
 */
static __always_inline __u64 clone3_flags(struct task_struct *cur, struct task_struct *child)
{
	struct nsproxy *pn = BPF_CORE_READ(cur, nsproxy), *cn = BPF_CORE_READ(child, nsproxy);
	struct mm_struct *cmm = BPF_CORE_READ(child, mm);
	__u64 f = BPF_CORE_READ(child, exit_signal) & CSIGNAL_VAL;

	if (cmm && cmm == BPF_CORE_READ(cur, mm))
		f |= CLONE_VM_VAL;
	if (BPF_CORE_READ(child, fs) == BPF_CORE_READ(cur, fs))
		f |= CLONE_FS_VAL;
	if (BPF_CORE_READ(child, files) == BPF_CORE_READ(cur, files))
		f |= CLONE_FILES_VAL;
	if (BPF_CORE_READ(child, sighand) == BPF_CORE_READ(cur, sighand))
		f |= CLONE_SIGHAND_VAL;
	if (BPF_CORE_READ(child, signal) == BPF_CORE_READ(cur, signal))
		f |= CLONE_THREAD_VAL;
	else if (BPF_CORE_READ(child, real_parent) != cur)
		f |= CLONE_PARENT_VAL;
	if (BPF_CORE_READ(child, vfork_done))
		f |= CLONE_VFORK_VAL;
	if (BPF_CORE_READ(child, clear_child_tid))
		f |= CLONE_CHILD_CLEARTID_VAL;
	if (BPF_CORE_READ(child, cred, user_ns) != BPF_CORE_READ(cur, cred, user_ns))
		f |= CLONE_NEWUSER_VAL;
	if (pn && cn && pn != cn) {
		if (BPF_CORE_READ(cn, mnt_ns) != BPF_CORE_READ(pn, mnt_ns))
			f |= CLONE_NEWNS_VAL;
		if (BPF_CORE_READ(cn, uts_ns) != BPF_CORE_READ(pn, uts_ns))
			f |= CLONE_NEWUTS_VAL;
		if (BPF_CORE_READ(cn, ipc_ns) != BPF_CORE_READ(pn, ipc_ns))
			f |= CLONE_NEWIPC_VAL;
		if (BPF_CORE_READ(cn, net_ns) != BPF_CORE_READ(pn, net_ns))
			f |= CLONE_NEWNET_VAL;
		if (BPF_CORE_READ(cn, cgroup_ns) != BPF_CORE_READ(pn, cgroup_ns))
			f |= CLONE_NEWCGROUP_VAL;
	}
	if (pn) {
		struct pid *cp = BPF_CORE_READ(child, thread_pid);
		__u32 level = BPF_CORE_READ(cp, level);
		struct upid u = {};

		bpf_core_read(&u, sizeof(u), &cp->numbers[level & 63]);
		if (u.ns != BPF_CORE_READ(pn, pid_ns_for_children))
			f |= CLONE_NEWPID_VAL;
	}
	if (BPF_CORE_READ(child, cgroups, dfl_cgrp) != BPF_CORE_READ(cur, cgroups, dfl_cgrp))
		f |= CLONE_INTO_CGROUP_VAL;
	return f;
}

/*
 * A new task. Which syscall made it was kept at its entry (raw tracepoints
 * cannot read the caller's registers here); none kept: a kernel thread's
 * clone with flags 0, as the module reports it.
 */
static __always_inline void fill_fork(struct task_struct *child)
{
	struct task_struct *cur = (struct task_struct *)bpf_get_current_task();
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fork_kept *k = bpf_map_lookup_elem(&inflight_fork, &tid);
	__u32 nr = k ? k->nr : __NR_clone;
	__u64 flags = k ? k->arg0 : 0;
	__u16 type = SHRIKE_EVT_CLONE;
	struct scratch *s;
	int compat = k ? k->compat : 0;

	switch (nr) {
	case __NR_clone3:
		type = SHRIKE_EVT_CLONE3;
		flags = clone3_flags(cur, child);
		break;
	case __NR_fork:
		type = SHRIKE_EVT_FORK;
		flags = SIGCHLD_VAL;
		break;
	case __NR_vfork:
		type = SHRIKE_EVT_VFORK;
		flags = CLONE_VM_VAL | CLONE_VFORK_VAL | SIGCHLD_VAL;
		break;
	}
	if (!wants(nr))
		return;
	s = rec_begin(type | (compat ? SHRIKE_EVT_COMPAT : 0), SHRIKE_P_CLONE_NPARAMS);
	if (!s)
		return;
	rec_u64(s, BPF_CORE_READ(child, pid));
	rec_u64(s, flags);
	rec_ctx((__u64)child);
	rec_commit(s);
}

/*
 * Did the task end itself with the 32-bit exit or exit_group? (A task
 * killed while in another 32-bit syscall did not.) p is current.
 */
static __always_inline int exits_by_ia32_call(void)
{
	struct pt_regs *regs;
	long nr;

	if (!in_ia32_syscall())
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	nr = BPF_CORE_READ(regs, orig_ax);
	return nr == IA32_exit || nr == IA32_exit_group;
}

/* Always reported: the daemon's process table needs it. */
static __always_inline void fill_exit(struct task_struct *p)
{
	struct scratch *s = rec_begin(SHRIKE_EVT_PROCEXIT | (exits_by_ia32_call() ? SHRIKE_EVT_COMPAT : 0),
				      SHRIKE_P_EXIT_NPARAMS);
	__u64 flags = 0;

	if (!s)
		return;
	if (BPF_CORE_READ(p, signal, live.counter) == 0)
		flags |= SHRIKE_EXIT_GROUP_DEAD;
	rec_u64(s, (__u64)(__s64)BPF_CORE_READ(p, exit_code));
	rec_u64(s, flags);
	rec_commit(s);
}

#endif /* SHRIKE_BPF_PROC_H */
