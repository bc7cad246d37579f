// SPDX-License-Identifier: GPL-2.0
/*
 * syscalls.c - table-driven syscall events: the shared table in
 * uapi/shrike_events.h says which parameters a syscall has, where each comes
 * from and whether it is read at entry or at exit; this file walks it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/module.h>
#include <linux/fcntl.h>
#include <asm/syscall.h>
#include "event.h"
#include "fill.h"
#include "uapi/shrike_events.h"

struct syscall_entry {
	const struct shrike_event_spec *spec;
	u8 n_enter, n_exit;	/* parameters per phase; no enter record when 0 */
};

static struct syscall_entry by_nr[SHRIKE_MAX_SYSCALLS];

void shrike_syscalls_init(void)
{
	size_t i, k;

	for (i = 0; i < SHRIKE_N_EVENT_SPECS; i++) {
		const struct shrike_event_spec *sp = &shrike_event_specs[i];
		struct syscall_entry *e;

		/* exec, fork and exit events have dedicated fillers */
		if (sp->nr < 0 || sp->nr >= SHRIKE_MAX_SYSCALLS ||
		    sp->p[0].src == SHRIKE_SRC_SPECIAL)
			continue;
		e = &by_nr[sp->nr];
		e->spec = sp;
		for (k = 0; k < sp->nparams; k++) {
			if (sp->p[k].phase == SHRIKE_AT_ENTER)
				e->n_enter++;
			else
				e->n_exit++;
		}
	}
}

void shrike_native_args(struct pt_regs *regs, struct shrike_args *a)
{
	syscall_get_arguments(current, regs, a->v);
	a->compat = false;
	a->x32 = false;
	a->fault = false;
}

static void fill_arg(struct evb *b, const struct shrike_param_spec *p, const struct shrike_args *a)
{
	unsigned long v = a->v[p->a];

	/*
	 * A C int, or any long of the 32-bit ABI: the upper half of the
	 * register is not ours (the kernel itself casts it away).
	 */
	if (p->b == 4 || a->compat)
		v = p->kind == SHRIKE_K_S64 ? (unsigned long)(long)(int)v : (u32)v;
	evb_u64(b, v);
}

/* Does the parameter come from the syscall's arguments? */
static bool from_args(const struct shrike_param_spec *p)
{
	switch (p->src) {
	case SHRIKE_SRC_RES:
	case SHRIKE_SRC_CTX:
	case SHRIKE_SRC_MODNAME:
		return false;
	case SHRIKE_SRC_FD_TUPLE:
	case SHRIKE_SRC_FD_PATH:
		return p->a != SHRIKE_RESFD;
	default:
		return true;
	}
}

static void fill_param(struct evb *b, const struct shrike_param_spec *p,
		       const struct shrike_args *a, long ret)
{
	const unsigned long *args = a->v;

	if (a->fault && from_args(p)) {
		evb_set(b, 0, SHRIKE_PARAM_FAULT);
		return;
	}
	switch (p->src) {
	case SHRIKE_SRC_RES:
		evb_s64(b, ret);
		break;
	case SHRIKE_SRC_ARG:
		fill_arg(b, p, a);
		break;
	case SHRIKE_SRC_USTR:
		evb_ustr(b, (const char __user *)args[p->a]);
		break;
	case SHRIKE_SRC_DIRPATH:
		shrike_fill_dirpath(b, p->a == SHRIKE_CWD ? AT_FDCWD : (int)args[p->a],
				    (const char __user *)args[p->b]);
		break;
	case SHRIKE_SRC_FD_PATH:
		if (p->a != SHRIKE_RESFD)
			shrike_fill_fdpath(b, (int)args[p->a]);
		else if (ret >= 0)	/* what the open family really opened */
			shrike_fill_fdpath(b, (int)ret);
		else
			evb_set(b, 0, 0);	/* nothing was opened */
		break;
	case SHRIKE_SRC_HOW_FLAGS:
	case SHRIKE_SRC_HOW_MODE:
	case SHRIKE_SRC_HOW_RESOLVE:
		shrike_fill_open_how(b, p->src, (const void __user *)args[p->a], args[p->b]);
		break;
	case SHRIKE_SRC_SOCKADDR:
		shrike_fill_sockaddr(b, (const void __user *)args[p->a], (int)args[p->b]);
		break;
	case SHRIKE_SRC_FD_TUPLE:
		shrike_fill_tuple(b, p->a == SHRIKE_RESFD ? (int)ret : (int)args[p->a]);
		break;
	case SHRIKE_SRC_MSGADDR:
		shrike_fill_msgaddr(b, (const void __user *)args[p->a], a->compat);
		break;
	case SHRIKE_SRC_CTX:
		shrike_evb_ctx(b, current);
		break;
	default:
		/* SHRIKE_SRC_MODNAME: joined by the daemon from a module_load record */
		evb_set(b, 0, 0);
		break;
	}
}

static void fill_phase(struct shrike_session *s, const struct syscall_entry *e,
		       const struct shrike_args *a, long ret, u8 phase)
{
	const struct shrike_event_spec *sp = e->spec;
	u16 type = sp->type;
	struct shrike_cpu *c;
	struct evb b;
	size_t k;

	if (phase == SHRIKE_AT_ENTER)
		type |= SHRIKE_EVT_ENTER;
	if (shrike_args_foreign(a))
		type |= SHRIKE_EVT_COMPAT;
	c = shrike_cpu_get(s);
	if (!c)
		return;
	evb_start(&b, s, c, type, phase == SHRIKE_AT_ENTER ? e->n_enter : e->n_exit);
	for (k = 0; k < sp->nparams; k++)
		if (sp->p[k].phase == phase)
			fill_param(&b, &sp->p[k], a, ret);
	evb_commit(s, &b);
	shrike_cpu_put(c);
}

/*
 * nr is a native syscall number below SHRIKE_MAX_SYSCALLS, selected by the
 * reader; a holds its arguments, whichever ABI they came through.
 */
void shrike_fill_syscall_enter(struct shrike_session *s, long nr, const struct shrike_args *a)
{
	const struct syscall_entry *e = &by_nr[nr];

	if (shrike_defer_paths)
		shrike_defer_syscall_enter();
	/* which exec, through which ABI: sched_process_exec can no longer tell */
	if (nr == __NR_execve || nr == __NR_execveat) {
		struct shrike_inflight x = {
			.kind = SHRIKE_INFLIGHT_EXEC, .nr = nr, .compat = shrike_args_foreign(a),
		};

		shrike_inflight_put(&x);
		return;
	}
	if (e->spec && e->n_enter)
		fill_phase(s, e, a, 0, SHRIKE_AT_ENTER);
}

void shrike_fill_syscall_exit(struct shrike_session *s, long nr, const struct shrike_args *a,
			      long ret)
{
	const struct syscall_entry *e = &by_nr[nr];

	if (shrike_defer_paths)
		shrike_defer_syscall_exit();
	/*
	 * A successful exec is reported by sched_process_exec, with the new
	 * image; only failures are left for syscall exit.
	 */
	if (nr == __NR_execve || nr == __NR_execveat) {
		if (ret < 0) {
			shrike_defer_release(shrike_inflight_forget(current->pid));
			shrike_fill_exec_failed(s, nr, a, ret);
		}
		return;
	}
	if (e->spec)
		fill_phase(s, e, a, ret, SHRIKE_AT_EXIT);
}

/* module_load fires inside init_module/finit_module with the module's name. */
void shrike_fill_module_load(struct shrike_session *s, const char *name)
{
	struct shrike_cpu *c;
	struct evb b;

	if (!shrike_wants(s, __NR_init_module) && !shrike_wants(s, __NR_finit_module))
		return;
	c = shrike_cpu_get(s);
	if (!c)
		return;
	evb_start(&b, s, c, SHRIKE_EVT_MODULE_LOAD, 1);
	evb_kstr(&b, name);
	evb_commit(s, &b);
	shrike_cpu_put(c);
}
