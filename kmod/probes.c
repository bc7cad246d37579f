// SPDX-License-Identifier: GPL-2.0
/*
 * probes.c - the tracepoints shrike hooks: found by name, registered as a
 * table while a reader has the device open, and dispatched to the fillers.
 *
 * A syscall nobody asked for costs one bitmap test in sys_enter/sys_exit.
 *
 * Every probe makes its per-CPU work safe by itself: it disables preemption
 * around it, because from 6.13 syscall tracepoints call their probes with
 * preemption enabled, and two tasks must never write one CPU's ring or its
 * scratch buffer. (On older kernels the tracepoint has already disabled it;
 * doing it again costs a per-CPU increment.)
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/tracepoint.h>
#include <linux/sched.h>
#include <linux/binfmts.h>
#include <linux/ptrace.h>
#include <linux/string.h>
#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/preempt.h>
#include <asm/syscall.h>
#include "internal.h"

/*
 * The work for a selected syscall, out of line: its argument block lives in
 * this frame, which the kernel's stack hardening (zeroed locals, a canary)
 * makes cost about 25 instructions to set up, and a syscall nobody selected
 * must not pay for it (the probes below stay a flag test and a bit test).
 */
static noinline void sys_enter_selected(struct shrike_session *s, struct pt_regs *regs, long nr)
{
	struct shrike_args a;

	shrike_native_args(regs, &a);
	preempt_disable_notrace();
	shrike_fill_syscall_enter(s, nr, &a);
	preempt_enable_notrace();
}

static noinline void sys_exit_selected(struct shrike_session *s, struct pt_regs *regs, long nr,
				       long ret)
{
	struct shrike_args a;

	shrike_native_args(regs, &a);
	preempt_disable_notrace();
	shrike_fill_syscall_exit(s, nr, &a, ret);
	preempt_enable_notrace();
}

/*
 * 32-bit syscalls (in_ia32_syscall(): int $0x80, or a 32-bit program) have
 * their own numbers and argument layout: syscalls_ia32.c translates them,
 * checks the selection by native number and fills the same records.
 */
static void probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	struct shrike_session *s = data;

	if (unlikely(in_ia32_syscall())) {
		shrike_ia32_enter(s, regs, id);
		return;
	}
	if (!shrike_wants(s, id)) {
		/* x32 numbers are far above the native ones: never selected as such */
		if (unlikely(id & __X32_SYSCALL_BIT))
			shrike_x32_enter(s, regs);
		return;
	}
	sys_enter_selected(s, regs, array_index_nospec(id, SHRIKE_MAX_SYSCALLS));
}

static void probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	struct shrike_session *s = data;
	long nr;

	if (unlikely(in_ia32_syscall())) {
		shrike_ia32_exit(s, regs, ret);
		return;
	}
	nr = syscall_get_nr(current, regs);
	if (!shrike_wants(s, nr)) {
		if (unlikely(nr & __X32_SYSCALL_BIT))
			shrike_x32_exit(s, regs, ret);
		return;
	}
	sys_exit_selected(s, regs, array_index_nospec(nr, SHRIKE_MAX_SYSCALLS), ret);
}

static void probe_sched_process_exec(void *data, struct task_struct *p, pid_t old_pid,
				     struct linux_binprm *bprm)
{
	preempt_disable_notrace();
	shrike_fill_exec(data, bprm, old_pid);
	preempt_enable_notrace();
}

static void probe_sched_process_fork(void *data, struct task_struct *parent,
				     struct task_struct *child)
{
	preempt_disable_notrace();
	shrike_fill_fork(data, child);
	preempt_enable_notrace();
}

static void probe_sched_process_exit(void *data, struct task_struct *p)
{
	/* p is current: what it kept for a syscall it never finished goes */
	shrike_defer_release(shrike_inflight_forget(p->pid));
	preempt_disable_notrace();
	shrike_fill_exit(data, p);
	preempt_enable_notrace();
}

static void probe_module_load(void *data, struct module *mod)
{
	preempt_disable_notrace();
	shrike_fill_module_load(data, mod->name);
	preempt_enable_notrace();
}

struct shrike_probe {
	const char *name;
	void *func;
	struct tracepoint *tp;
	bool registered;
};

static struct shrike_probe probes[] = {
	{ .name = "sys_enter", .func = probe_sys_enter },
	{ .name = "sys_exit", .func = probe_sys_exit },
	{ .name = "sched_process_exec", .func = probe_sched_process_exec },
	{ .name = "sched_process_fork", .func = probe_sched_process_fork },
	{ .name = "sched_process_exit", .func = probe_sched_process_exit },
	{ .name = "module_load", .func = probe_module_load },
};

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(probes); i++)
		if (!strcmp(tp->name, probes[i].name))
			probes[i].tp = tp;
}

int shrike_probes_register(struct shrike_session *s)
{
	size_t i;
	int err;

	/* nothing a thread of an earlier session kept may be taken for this one */
	shrike_defer_release(shrike_inflight_reset());
	for_each_kernel_tracepoint(find_tracepoint, NULL);
	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		if (!probes[i].tp) {
			pr_err("tracepoint '%s' not found\n", probes[i].name);
			err = -ENOENT;
			goto out_unregister;
		}
		err = tracepoint_probe_register(probes[i].tp, probes[i].func, s);
		if (err) {
			pr_err("cannot register tracepoint '%s': %d\n", probes[i].name, err);
			goto out_unregister;
		}
		probes[i].registered = true;
	}
	return 0;

out_unregister:
	shrike_probes_unregister(s);
	return err;
}

void shrike_probes_unregister(struct shrike_session *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		if (!probes[i].registered)
			continue;
		tracepoint_probe_unregister(probes[i].tp, probes[i].func, s);
		probes[i].registered = false;
	}
	/* No probe may still be running with s once we return. */
	tracepoint_synchronize_unregister();
	/* what syscalls still running kept for their exit (parked paths) goes now */
	shrike_defer_release(shrike_inflight_reset());
}
