// SPDX-License-Identifier: GPL-2.0
/*
 * fill_proc.c - events of a process's life: exec (success and failure),
 * fork/clone, exit, and the identity of a task they carry.
 *
 * The identity (struct shrike_proc_ctx) is everything the daemon needs to
 * place a task: ids in its own and the initial user namespace, the audit
 * login uid, namespace inodes and cgroup ids. Cgroups are sent as ids read
 * under RCU and resolved to paths in userspace: building a path here would
 * take css_set_lock, which sleeps on PREEMPT_RT.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/cred.h>
#include <linux/uidgid.h>
#include <linux/audit.h>
#include <linux/cgroup.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/utsname.h>
#include <linux/ipc_namespace.h>
#include <linux/binfmts.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/fdtable.h>
#include <linux/fs_struct.h>
#include <linux/sched/mm.h>
#include <linux/sched/task_stack.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/kdev_t.h>
#include <net/net_namespace.h>
#include <asm/syscall.h>
#include "compat.h"
#include "event.h"
#include "fill.h"

static void fill_ids(struct task_struct *t, struct shrike_proc_ctx *c)
{
	const struct cred *cred = __task_cred(t);
	struct user_namespace *ns = cred->user_ns;
	kuid_t login = audit_get_loginuid(t);

	c->uid = from_kuid(ns, cred->euid);
	c->gid = from_kgid(ns, cred->egid);
	c->ruid = from_kuid(ns, cred->uid);
	c->rgid = from_kgid(ns, cred->gid);
	c->host_uid = from_kuid(&init_user_ns, cred->euid);
	c->host_gid = from_kgid(&init_user_ns, cred->egid);
	/* from_kuid() gives (uid_t)-1 for an unset or unmappable login uid. */
	c->loginuid = uid_valid(login) ? from_kuid(ns, login) : SHRIKE_ID_NONE;
	c->host_loginuid = uid_valid(login) ? from_kuid(&init_user_ns, login) : SHRIKE_ID_NONE;
	c->userns = ns->ns.inum;
	c->cap_effective = shrike_cap_u64(cred->cap_effective);
}

static void fill_namespaces(struct task_struct *t, struct shrike_proc_ctx *c)
{
	struct nsproxy *nsp = t->nsproxy;
	struct pid_namespace *pidns = task_active_pid_ns(t);

	if (pidns) {
		c->pidns = pidns->ns.inum;
		c->vpid = task_tgid_nr_ns(t, pidns);
		c->sid = task_session_nr_ns(t, pidns);
	}
	if (!nsp)	/* a task past exit_task_namespaces() */
		return;
	c->mntns = shrike_mnt_ns_inum(nsp->mnt_ns);
	c->utsns = nsp->uts_ns->ns.inum;
	c->netns = nsp->net_ns->ns.inum;
	c->cgroupns = nsp->cgroup_ns->ns.inum;
}

static void fill_cgroups(struct task_struct *t, struct shrike_proc_ctx *c)
{
	struct css_set *cset = task_css_set(t);

	c->cgroup_id = cgroup_id(cset->dfl_cgrp);
#ifdef CONFIG_CGROUP_PIDS
	{
		struct cgroup *cg = task_css(t, pids_cgrp_id)->cgroup;

		/* hierarchy 0 is the default (v2) one, already reported */
		if (cg && cg->root->hierarchy_id) {
			c->cgroup1_id = cgroup_id(cg);
			c->cgroup1_hier = cg->root->hierarchy_id;
		}
	}
#endif
}

/*
 * The controlling tty as /proc/<pid>/stat encodes it. A hangup can free the
 * tty under us and taking siglock would sleep on PREEMPT_RT, so its fields
 * are read with the non-faulting accessor and merely trusted to be recent.
 */
static u32 task_tty_nr(struct task_struct *t)
{
	struct tty_struct *tty = t->signal ? READ_ONCE(t->signal->tty) : NULL;
	struct tty_driver *drv;
	int index, major, minor_start;

	if (!tty ||
	    copy_from_kernel_nofault(&drv, &tty->driver, sizeof(drv)) || !drv ||
	    copy_from_kernel_nofault(&index, &tty->index, sizeof(index)) ||
	    copy_from_kernel_nofault(&major, &drv->major, sizeof(major)) ||
	    copy_from_kernel_nofault(&minor_start, &drv->minor_start, sizeof(minor_start)))
		return 0;
	return new_encode_dev(MKDEV(major, minor_start + index));
}

static void fill_ctx(struct task_struct *t, struct shrike_proc_ctx *c)
{
	memset(c, 0, sizeof(*c));
	rcu_read_lock();
	c->pid = t->tgid;
	c->tid = t->pid;
	c->ppid = rcu_dereference(t->real_parent)->tgid;
	c->start_ns = t->start_boottime;
	if (t->flags & PF_KTHREAD)
		c->flags |= SHRIKE_CTX_KTHREAD;
	memcpy(c->comm, t->comm, sizeof(c->comm));
	c->comm[sizeof(c->comm) - 1] = '\0';
	c->tty = task_tty_nr(t);
	fill_ids(t, c);
	fill_namespaces(t, c);
	fill_cgroups(t, c);
	rcu_read_unlock();
}

void shrike_evb_ctx(struct evb *b, struct task_struct *t)
{
	struct shrike_proc_ctx *c = (struct shrike_proc_ctx *)evb_tail(b);

	if (evb_room(b) < sizeof(*c)) {
		evb_set(b, 0, SHRIKE_PARAM_TRUNC);
		return;
	}
	fill_ctx(t, c);
	evb_set(b, sizeof(*c), 0);
}

/*
 * The executable as the task's own root sees it (symlinks resolved, so a
 * busybox applet shows /bin/busybox). d_path() falls back to a lock when a
 * rename or mount change races with it, a sleeping lock on PREEMPT_RT:
 * there the path is resolved on the way back to user space (defer.c).
 */
static void evb_exepath(struct evb *b, struct file *file)
{
	u32 max = evb_strmax(b);
	char *dst = evb_tail(b);
	char *p;
	u32 n;

	if (!file || max < 2) {
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	if (shrike_defer_paths) {
		get_file(file);
		shrike_defer_path(b, file);
		return;
	}
	p = d_path(&file->f_path, dst, max);
	if (IS_ERR(p)) {
		evb_set(b, 0, SHRIKE_PARAM_TRUNC);
		return;
	}
	n = dst + max - p;	/* includes the NUL d_path put at the end */
	memmove(dst, p, n);
	evb_set(b, n, 0);
}

static u16 exec_type(long nr)
{
	return nr == __NR_execveat ? SHRIKE_EVT_EXECVEAT : SHRIKE_EVT_EXECVE;
}

/*
 * Which exec succeeded, and through which ABI. By now the exec has set the
 * syscall number and the 32-bit status for the new image (any exec of a
 * 64-bit program reads as a native execve), so both come from what the
 * syscall's entry kept for its thread, under its tid from before the exec.
 * An exec the kernel started itself, or one that began before the reader
 * did, has nothing kept: a native execve.
 */
static u16 exec_kind(pid_t old_tid, bool *compat)
{
	struct shrike_inflight x;

	if (shrike_inflight_take(old_tid, SHRIKE_INFLIGHT_EXEC, &x)) {
		*compat = x.compat;
		return exec_type(x.nr);
	}
	*compat = false;
	return SHRIKE_EVT_EXECVE;
}

void shrike_fill_exec(struct shrike_session *s, struct linux_binprm *bprm, pid_t old_tid)
{
	bool compat;
	u16 type = exec_kind(old_tid, &compat);
	struct mm_struct *mm = current->mm;
	struct shrike_cpu *c;
	struct evb b;

	if (!shrike_wants(s, type == SHRIKE_EVT_EXECVEAT ? __NR_execveat : __NR_execve))
		return;
	c = shrike_cpu_get(s);
	if (!c)
		return;
	evb_start(&b, s, c, type | (compat ? SHRIKE_EVT_COMPAT : 0), SHRIKE_P_EXEC_NPARAMS);
	evb_s64(&b, 0);
	evb_kstr(&b, bprm->filename);
	if (mm)
		evb_ublock_strings(&b, mm->arg_start, mm->arg_end);
	else
		evb_set(&b, 0, SHRIKE_PARAM_FAULT);
	evb_exepath(&b, bprm->file);
	shrike_evb_ctx(&b, current);
	evb_commit(s, &b);
	shrike_cpu_put(c);
}

void shrike_fill_exec_failed(struct shrike_session *s, long nr, const struct shrike_args *a,
			     long ret)
{
	struct shrike_cpu *c;
	struct evb b;
	bool at = nr == __NR_execveat;

	c = shrike_cpu_get(s);
	if (!c)
		return;
	evb_start(&b, s, c, exec_type(nr) | (shrike_args_foreign(a) ? SHRIKE_EVT_COMPAT : 0),
		  SHRIKE_P_EXEC_NPARAMS);
	evb_s64(&b, ret);
	evb_ustr(&b, (const char __user *)a->v[at ? 1 : 0]);
	evb_ustr_array(&b, (const void __user *)a->v[at ? 2 : 1], a->compat);
	evb_set(&b, 0, 0);	/* no executable: the exec failed */
	shrike_evb_ctx(&b, current);
	evb_commit(s, &b);
	shrike_cpu_put(c);
}

/*
 * clone3()'s flags as the kernel applied them, read back from the child it
 * built: clone_args lives in user memory, where another thread can rewrite
 * it after the kernel copied it, so a copy read now could lie. Flags that
 * leave no trace in the child (SETTLS, the *_SETTID pair, PIDFD, ...) are
 * not reported.
 */
static u64 clone3_flags(struct task_struct *child)
{
	struct nsproxy *pn = current->nsproxy, *cn = child->nsproxy;
	u64 f = child->exit_signal & CSIGNAL;

	if (child->mm && child->mm == current->mm)
		f |= CLONE_VM;
	if (child->fs == current->fs)
		f |= CLONE_FS;
	if (child->files == current->files)
		f |= CLONE_FILES;
	if (child->sighand == current->sighand)
		f |= CLONE_SIGHAND;
	if (child->signal == current->signal)
		f |= CLONE_THREAD;
	else if (rcu_access_pointer(child->real_parent) != current)
		f |= CLONE_PARENT;
	if (child->vfork_done)
		f |= CLONE_VFORK;
	if (child->clear_child_tid)
		f |= CLONE_CHILD_CLEARTID;
	if (task_cred_xxx(child, user_ns) != current_user_ns())
		f |= CLONE_NEWUSER;
	if (pn && cn && pn != cn) {
		if (cn->mnt_ns != pn->mnt_ns)
			f |= CLONE_NEWNS;
		if (cn->uts_ns != pn->uts_ns)
			f |= CLONE_NEWUTS;
		if (cn->ipc_ns != pn->ipc_ns)
			f |= CLONE_NEWIPC;
		if (cn->net_ns != pn->net_ns)
			f |= CLONE_NEWNET;
		if (cn->cgroup_ns != pn->cgroup_ns)
			f |= CLONE_NEWCGROUP;
	}
	/* a new pid namespace is the child's own, not its parent's for children */
	if (pn && task_active_pid_ns(child) != pn->pid_ns_for_children)
		f |= CLONE_NEWPID;
	if (task_css_set(child)->dfl_cgrp != task_css_set(current)->dfl_cgrp)
		f |= CLONE_INTO_CGROUP;
	return f;
}

/*
 * Which syscall created the task, and with which flags; *compat when it came
 * through the 32-bit ABI (its numbers are translated to the native ones).
 */
static u16 fork_type(struct task_struct *child, unsigned long *flags, bool *compat)
{
	struct pt_regs *regs = task_pt_regs(current);
	struct shrike_args a;
	long nr;

	*compat = false;
	if (current->flags & PF_KTHREAD) {
		*flags = 0;
		return SHRIKE_EVT_CLONE;
	}
	nr = syscall_get_nr(current, regs);
	if (in_ia32_syscall()) {
		nr = shrike_ia32_args(regs, nr, &a);
		*compat = true;
	} else {
		shrike_native_args(regs, &a);
	}
	switch (nr) {
	case __NR_clone3:
		rcu_read_lock();
		*flags = clone3_flags(child);
		rcu_read_unlock();
		return SHRIKE_EVT_CLONE3;
	case __NR_fork:
		*flags = SIGCHLD;
		return SHRIKE_EVT_FORK;
	case __NR_vfork:
		*flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
		return SHRIKE_EVT_VFORK;
	default:
		/* clone(): the flags are a register, which nobody else can change */
		*flags = a.v[0];
		return SHRIKE_EVT_CLONE;
	}
}

static long fork_syscall_nr(u16 type)
{
	switch (type) {
	case SHRIKE_EVT_CLONE3:
		return __NR_clone3;
	case SHRIKE_EVT_FORK:
		return __NR_fork;
	case SHRIKE_EVT_VFORK:
		return __NR_vfork;
	default:
		return __NR_clone;
	}
}

void shrike_fill_fork(struct shrike_session *s, struct task_struct *child)
{
	unsigned long flags;
	bool compat;
	u16 type = fork_type(child, &flags, &compat);
	struct shrike_cpu *c;
	struct evb b;

	if (!shrike_wants(s, fork_syscall_nr(type)))
		return;
	c = shrike_cpu_get(s);
	if (!c)
		return;
	evb_start(&b, s, c, type | (compat ? SHRIKE_EVT_COMPAT : 0), SHRIKE_P_CLONE_NPARAMS);
	evb_s64(&b, child->pid);
	evb_u64(&b, flags);
	shrike_evb_ctx(&b, child);
	evb_commit(s, &b);
	shrike_cpu_put(c);
}

/*
 * Did the task end itself with the 32-bit exit or exit_group? (A task
 * killed while in another 32-bit syscall did not.)
 */
static bool exits_by_ia32_call(void)
{
	long nr;

	if (!in_ia32_syscall())
		return false;
	nr = syscall_get_nr(current, task_pt_regs(current));
	return nr == __NR_ia32_exit || nr == __NR_ia32_exit_group;
}

/* Always reported while a reader is attached: the process table needs it. */
void shrike_fill_exit(struct shrike_session *s, struct task_struct *p)
{
	u16 type = SHRIKE_EVT_PROCEXIT;
	struct shrike_cpu *c;
	struct evb b;
	u32 flags = 0;

	c = shrike_cpu_get(s);
	if (!c)
		return;
	if (p->signal && atomic_read(&p->signal->live) == 0)
		flags |= SHRIKE_EXIT_GROUP_DEAD;
	if (exits_by_ia32_call())
		type |= SHRIKE_EVT_COMPAT;
	evb_start(&b, s, c, type, SHRIKE_P_EXIT_NPARAMS);
	evb_s64(&b, p->exit_code);
	evb_u64(&b, flags);
	evb_commit(s, &b);
	shrike_cpu_put(c);
}
