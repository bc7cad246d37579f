/* SPDX-License-Identifier: GPL-2.0 */
/* internal.h - declarations shared by the files of the shrike module. */
#ifndef SHRIKE_INTERNAL_H
#define SHRIKE_INTERNAL_H

#include <linux/types.h>
#include <linux/wait.h>
#include <linux/mutex.h>
#include <linux/irq_work.h>
#include <linux/smp.h>
#include <linux/bitops.h>
#include <linux/atomic.h>
#include <linux/sched.h>
#include <linux/pid.h>
#include <linux/nospec.h>
#include "uapi/shrike.h"

struct linux_binprm;
struct pt_regs;
struct task_struct;

/* One CPU's ring: a vmalloc_user area holding the control page and data. */
struct shrike_cpu {
	void *base;			/* control page, then data area */
	struct shrike_ring_ctrl *ctrl;
	char *data;
	char *scratch;			/* SHRIKE_MAX_EVENT bytes: events are built here */
	bool busy;			/* a probe is filling scratch on this CPU */
};

/*
 * One open of /dev/shrike. Only one exists at a time: probes are registered
 * with it as their data pointer while it lives, so they need no global.
 */
struct shrike_session {
	struct shrike_cpu *cpus;	/* nr_cpu_ids entries; ctrl NULL: no ring */
	u64 ring_bytes;			/* per CPU, after the memory cap */
	u64 map_stride;
	u64 ring_budget;		/* bytes all rings may take, fixed at open */
	atomic64_t ring_mem;		/* bytes the rings take now */
	atomic64_t ring_gen;		/* rings allocated so far */
	atomic64_t n_noring;		/* events seen on a CPU without a ring */
	int hp_state;			/* the CPU hotplug state, or 0 */
	u64 gen;			/* sessions started before it, + 1 */
	u32 snaplen;
	unsigned long mask[BITS_TO_LONGS(SHRIKE_MAX_SYSCALLS)];
	struct pid *reader;		/* the reader's thread group (held): its own
					 * syscalls are not reported
					 */
	int waiting;			/* reader sleeps in poll: wake it */
	wait_queue_head_t wq;
	struct irq_work wake_work;	/* wakes wq outside the probe's atomic context */
	struct mutex ioctl_lock;	/* serialises CONSUME and mask updates */
};

/* The running session, for what runs outside the probes (defer.c); NULL when none. */
extern struct shrike_session __rcu *shrike_live;

/* main.c */
extern unsigned long shrike_bufsize;
extern unsigned long shrike_maxmem;

/* ring.c */
int shrike_rings_alloc(struct shrike_session *s);
void shrike_rings_free(struct shrike_session *s);
void shrike_ring_commit(struct shrike_session *s, struct shrike_cpu *c, u32 len);
bool shrike_rings_pending(struct shrike_session *s);
int shrike_ring_consume(struct shrike_session *s, const struct shrike_consume *req);
void shrike_counters_sum(struct shrike_session *s, struct shrike_counters *out);

/* probes.c */
int shrike_probes_register(struct shrike_session *s);
void shrike_probes_unregister(struct shrike_session *s);

/* dev.c */
int shrike_dev_register(void);
void shrike_dev_unregister(void);

/*
 * A syscall's arguments in the order and with the meaning the native
 * (x86_64) syscall gives them, whichever ABI the call came through:
 * syscalls_ia32.c translates the 32-bit one.
 */
struct shrike_args {
	unsigned long v[6];
	bool compat;		/* 32-bit ABI: each argument is 32 bits wide, longs too */
	bool x32;		/* came with an x32 number (syscalls_x32.c) */
	bool fault;		/* could not be read (a socketcall's array): none is known */
};

/* fill_proc.c: events about process life (exec, fork, exit) */
void shrike_fill_exec(struct shrike_session *s, struct linux_binprm *bprm, pid_t old_tid);
void shrike_fill_exec_failed(struct shrike_session *s, long nr, const struct shrike_args *a,
			     long ret);
void shrike_fill_fork(struct shrike_session *s, struct task_struct *child);
void shrike_fill_exit(struct shrike_session *s, struct task_struct *p);

/* syscalls.c: every other syscall, driven by uapi/shrike_events.h */
void shrike_syscalls_init(void);
void shrike_native_args(struct pt_regs *regs, struct shrike_args *a);
void shrike_fill_syscall_enter(struct shrike_session *s, long nr, const struct shrike_args *a);
void shrike_fill_syscall_exit(struct shrike_session *s, long nr, const struct shrike_args *a,
			      long ret);
void shrike_fill_module_load(struct shrike_session *s, const char *name);

/* syscalls_ia32.c: the 32-bit ABI, as the native syscalls it stands for */
void shrike_ia32_enter(struct shrike_session *s, struct pt_regs *regs, long nr);
void shrike_ia32_exit(struct shrike_session *s, struct pt_regs *regs, long ret);
long shrike_ia32_args(struct pt_regs *regs, long nr, struct shrike_args *a);

/* syscalls_x32.c: x32 numbers, as the native syscalls they stand for */
void shrike_x32_enter(struct shrike_session *s, struct pt_regs *regs);
void shrike_x32_exit(struct shrike_session *s, struct pt_regs *regs, long ret);

/* Did the syscall come through another ABI than the native one? (evt.is_compat) */
static inline bool shrike_args_foreign(const struct shrike_args *a)
{
	return a->compat || a->x32;
}

/* inflight.c: what a thread's syscall entry knew, kept for its exit */
enum {
	SHRIKE_INFLIGHT_EXEC = 1,	/* an exec: which one, through which ABI */
	SHRIKE_INFLIGHT_SOCKETCALL,	/* a 32-bit socketcall and its arguments */
};

/*
 * A path a probe did not resolve (defer.c): what names it, and the record
 * and parameter its SHRIKE_EVT_PATH record completes.
 */
struct shrike_defer_item {
	struct callback_head work;
	struct shrike_defer_item *next;	/* parked with the same syscall's entry */
	struct file *file;		/* held; NULL: the working directory */
	u64 gen;			/* the session it was made for */
	u16 of;				/* the record's type, with its flags */
	u16 param;			/* the parameter's index in that record */
};

struct shrike_inflight {
	u32 tid;		/* the thread it belongs to; 0: a free slot */
	u8 kind;		/* SHRIKE_INFLIGHT_*, 0: none (parked paths only) */
	u8 compat;		/* the syscall came through the 32-bit ABI */
	s16 nr;			/* the native syscall number it stands for */
	u32 args[6];		/* socketcall: the arguments as read at entry */
	/* the entry's deferred paths, queued at exit (defer.c); kept by put and take */
	struct shrike_defer_item *parked;
};

struct shrike_defer_item *shrike_inflight_reset(void);
void shrike_inflight_put(const struct shrike_inflight *e);
bool shrike_inflight_take(u32 tid, u8 kind, struct shrike_inflight *out);
struct shrike_defer_item *shrike_inflight_forget(u32 tid);
bool shrike_inflight_park(struct shrike_defer_item *d);
struct shrike_defer_item *shrike_inflight_unpark(void);

/* defer.c: paths resolved on the way back to user space (PREEMPT_RT) */
void shrike_defer_release(struct shrike_defer_item *chain);
void shrike_defer_syscall_enter(void);
void shrike_defer_syscall_exit(void);
void shrike_defer_drain(void);

/*
 * Claim this CPU's scratch buffer for one event. Probes run with preemption
 * disabled, so only a probe firing inside another one could find it busy.
 */
static inline struct shrike_cpu *shrike_cpu_get(struct shrike_session *s)
{
	struct shrike_cpu *c = &s->cpus[smp_processor_id()];

	/* a CPU's ring is in place before the CPU runs anything (ring.c) */
	if (unlikely(!READ_ONCE(c->ctrl))) {
		atomic64_inc(&s->n_noring);
		return NULL;
	}
	WRITE_ONCE(c->ctrl->n_seen, c->ctrl->n_seen + 1);
	if (c->busy) {
		WRITE_ONCE(c->ctrl->n_drop_nested, c->ctrl->n_drop_nested + 1);
		return NULL;
	}
	c->busy = true;
	return c;
}

static inline void shrike_cpu_put(struct shrike_cpu *c)
{
	c->busy = false;
}

/*
 * Is syscall nr selected, and is the caller not the reader itself? The
 * reader is known by its struct pid, not a pid number: a number can be
 * reused by another process once the reader dies, which would then go
 * unmonitored. The index is clamped under speculation (Spectre v1): nr comes
 * from userspace.
 */
static inline bool shrike_wants(const struct shrike_session *s, long nr)
{
	if ((unsigned long)nr >= SHRIKE_MAX_SYSCALLS)
		return false;
	nr = array_index_nospec(nr, SHRIKE_MAX_SYSCALLS);
	return test_bit(nr, s->mask) && task_tgid(current) != s->reader;
}

#endif /* SHRIKE_INTERNAL_H */
