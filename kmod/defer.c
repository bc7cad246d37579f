// SPDX-License-Identifier: GPL-2.0
/*
 * defer.c - paths resolved after the probe, where sleeping is allowed.
 *
 * d_path() walks under rename_lock and mount_lock and, when a rename or a
 * mount change races with the walk, takes them as locks. On PREEMPT_RT those
 * are sleeping locks, which a probe (preemption disabled) must never take.
 * So there (or with defer_paths=1) a probe does not resolve a path: it marks
 * the parameter SHRIKE_PARAM_DEFER and hands what names the path, a file it
 * holds a reference to or "the working directory", to a task work. That runs
 * in the task's own process context on its way back to user space (or in
 * do_exit), resolves the path against the task's own root as the probe would
 * have, and writes a SHRIKE_EVT_PATH record naming the record type and the
 * parameter it completes; the daemon joins it into the event (docs/ABI.md
 * "Deferred paths"). The working directory is read then: only another
 * thread sharing it (CLONE_FS) can have changed it in between, a race the
 * kernel's own lookup has too.
 *
 * Work items come from a fixed pool, since a probe must not allocate (on RT
 * not even GFP_ATOMIC): a full pool makes the parameter FAULT, as an
 * unreadable one. An item is busy only from the probe to the task's next
 * return to user space, unless a tracer stops the task in between. A pending
 * work holds a module reference (rmmod fails with EBUSY until it ran) and
 * names its session by generation: one that outlives its session writes
 * nothing.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/file.h>
#include <linux/dcache.h>
#include <linux/path.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/rcupdate.h>
#include <linux/bitops.h>
#include <linux/delay.h>
#include "event.h"
#include "fill.h"

bool shrike_defer_paths = IS_ENABLED(CONFIG_PREEMPT_RT);
module_param_named(defer_paths, shrike_defer_paths, bool, 0444);
MODULE_PARM_DESC(defer_paths,
		 "resolve paths on the way back to user space, not in the probe (default: on PREEMPT_RT)");

#define DEFER_SLOTS	4096

static struct shrike_defer_item items[DEFER_SLOTS];
static unsigned long busy[BITS_TO_LONGS(DEFER_SLOTS)];
static atomic_t hint = ATOMIC_INIT(0);
static atomic_t queued = ATOMIC_INIT(0);	/* task works not yet run */

struct shrike_session __rcu *shrike_live;

static struct shrike_defer_item *item_get(void)
{
	unsigned int start = (unsigned int)atomic_inc_return(&hint) % DEFER_SLOTS;
	unsigned int i, n;

	for (n = 0; n < DEFER_SLOTS; n++) {
		i = (start + n) % DEFER_SLOTS;
		if (!test_bit(i, busy) && !test_and_set_bit_lock(i, busy))
			return &items[i];
	}
	return NULL;
}

static void item_put(struct shrike_defer_item *d)
{
	clear_bit_unlock(d - items, busy);
}

/* Items never queued: their references go (legal in a probe: fput defers). */
void shrike_defer_release(struct shrike_defer_item *chain)
{
	while (chain) {
		struct shrike_defer_item *next = chain->next;

		if (chain->file)
			fput(chain->file);
		item_put(chain);
		chain = next;
	}
}

/* Write the SHRIKE_EVT_PATH record, if d's session still runs. Process context. */
static void write_path(const struct shrike_defer_item *d, const char *path)
{
	struct shrike_session *s;
	struct shrike_cpu *c;
	struct evb b;

	rcu_read_lock();
	s = rcu_dereference(shrike_live);
	if (s && s->gen == d->gen) {
		preempt_disable();
		c = shrike_cpu_get(s);
		if (c) {
			evb_start(&b, s, c, SHRIKE_EVT_PATH, SHRIKE_P_PATH_NPARAMS);
			evb_u64(&b, d->of);
			evb_u64(&b, d->param);
			if (path)
				evb_kstr(&b, path);
			else
				evb_set(&b, 0, SHRIKE_PARAM_FAULT);
			evb_commit(s, &b);
			shrike_cpu_put(c);
		}
		preempt_enable();
	}
	rcu_read_unlock();
}

static void defer_run(struct callback_head *work)
{
	struct shrike_defer_item *d = container_of(work, struct shrike_defer_item, work);
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	const char *p = NULL;
	struct path pwd;

	if (buf && d->file) {
		p = d_path(&d->file->f_path, buf, PATH_MAX);
	} else if (buf && current->fs) {	/* gone once do_exit passed exit_fs() */
		get_fs_pwd(current->fs, &pwd);
		p = d_path(&pwd, buf, PATH_MAX);
		path_put(&pwd);
	}
	write_path(d, IS_ERR_OR_NULL(p) ? NULL : p);
	kfree(buf);
	if (d->file)
		fput(d->file);
	item_put(d);
	atomic_dec(&queued);
	module_put(THIS_MODULE);
}

/* Resolve d when the current thread returns to user space; false if it cannot. */
static bool queue(struct shrike_defer_item *d)
{
	init_task_work(&d->work, defer_run);
	__module_get(THIS_MODULE);
	atomic_inc(&queued);
	if (task_work_add(current, &d->work, TWA_RESUME)) {
		/* the task is past running its works: exiting */
		atomic_dec(&queued);
		module_put(THIS_MODULE);
		return false;
	}
	return true;
}

/* A selected syscall enters: what an earlier one parked and never took is stale. */
void shrike_defer_syscall_enter(void)
{
	shrike_defer_release(shrike_inflight_unpark());
}

/* A selected syscall exits: its entry's paths are resolved on the way out. */
void shrike_defer_syscall_exit(void)
{
	struct shrike_defer_item *d = shrike_inflight_unpark(), *next;

	for (; d; d = next) {
		next = d->next;
		d->next = NULL;
		if (!queue(d))
			shrike_defer_release(d);	/* its PATH record never comes */
	}
}

/*
 * The session ends (no probe runs any more): wait a little for the works
 * queued on threads about to return to user space, so that rmmod right
 * after is not refused for them. A thread a tracer stopped may keep one.
 */
void shrike_defer_drain(void)
{
	int i;

	for (i = 0; i < 100 && atomic_read(&queued); i++)
		usleep_range(1000, 2000);
}

/*
 * In a probe: the path of @file (a reference the caller gives up), or of the
 * working directory when @file is NULL, as the next parameter of @b.
 */
void shrike_defer_path(struct evb *b, struct file *file)
{
	struct shrike_defer_item *d = item_get();

	if (!d)
		goto fault;
	d->file = file;
	d->gen = b->s->gen;
	d->of = evb_hdr(b)->type;
	d->param = b->idx;
	d->next = NULL;
	/*
	 * An entry's path waits, parked, for the syscall's exit: a syscall that
	 * blocks must not keep a task work (and a module reference) pending.
	 */
	if (!((d->of & SHRIKE_EVT_ENTER) ? shrike_inflight_park(d) : queue(d))) {
		item_put(d);
		goto fault;
	}
	evb_set_deferred(b);
	return;
fault:
	if (file)
		fput(file);
	evb_set(b, 0, SHRIKE_PARAM_FAULT);
}
