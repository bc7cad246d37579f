// SPDX-License-Identifier: GPL-2.0
/*
 * inflight.c - what a thread's syscall entry knew that its exit, or the
 * sched_process_exec that ends it, needs again.
 *
 * Two facts do not survive to the end of a syscall: which exec a task made
 * (a successful exec rewrites the syscall number to the new image's execve,
 * in either ABI, and clears or sets the 32-bit status for the new image) and
 * the arguments of a 32-bit socketcall (they are in user memory, where
 * another thread may rewrite them once the kernel has its copy). They are
 * kept here, per thread, from entry to exit. So are, where paths are
 * deferred (defer.c), the references an entry took for its path parameters:
 * parked here, they are queued for resolution at the syscall's exit, so that
 * a syscall that blocks (an open of a FIFO) keeps no task work pending.
 *
 * A small open-addressed table with no lock: a slot belongs to the thread
 * whose tid it holds, and only that thread reads, writes or frees it (the
 * probes run in the context of the syscall's own task, sched_process_exit in
 * the exiting task's), so threads only race to claim a free slot, which
 * cmpxchg() settles. A full table, or an entry made while nobody listened,
 * only means the exit falls back to what it can still see.
 */
#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/hash.h>
#include <linux/bits.h>
#include "internal.h"

#define INFLIGHT_BITS	10
#define INFLIGHT_SLOTS	BIT(INFLIGHT_BITS)
#define INFLIGHT_PROBE	16	/* slots looked at from a tid's home slot */

static struct shrike_inflight table[INFLIGHT_SLOTS];

static struct shrike_inflight *slot_at(u32 tid, unsigned int i)
{
	return &table[(hash_32(tid, INFLIGHT_BITS) + i) & (INFLIGHT_SLOTS - 1)];
}

static struct shrike_inflight *find(u32 tid)
{
	unsigned int i;

	for (i = 0; i < INFLIGHT_PROBE; i++) {
		struct shrike_inflight *e = slot_at(tid, i);

		if (READ_ONCE(e->tid) == tid)
			return e;
	}
	return NULL;
}

static void slot_free(struct shrike_inflight *slot)
{
	/* our reads of the slot are done before another thread can claim it */
	smp_store_release(&slot->tid, 0);
}

/* The current thread's slot, claimed (empty) if it has none; NULL when full. */
static struct shrike_inflight *find_or_claim(void)
{
	u32 tid = current->pid;
	struct shrike_inflight *slot = find(tid);
	unsigned int i;

	for (i = 0; !slot && i < INFLIGHT_PROBE; i++) {
		struct shrike_inflight *free = slot_at(tid, i);

		if (!READ_ONCE(free->tid) && cmpxchg(&free->tid, 0, tid) == 0) {
			slot = free;
			slot->kind = 0;
			slot->parked = NULL;
		}
	}
	return slot;
}

/*
 * Only between sessions: no probe is registered, so no thread touches its
 * slot. Returns what syscalls that never reached their exit parked, in one
 * chain, for the caller to release.
 */
struct shrike_defer_item *shrike_inflight_reset(void)
{
	struct shrike_defer_item *all = NULL, *d;
	size_t i;

	for (i = 0; i < INFLIGHT_SLOTS; i++) {
		if (!table[i].tid || !table[i].parked)
			continue;
		for (d = table[i].parked; d->next; d = d->next)
			;
		d->next = all;
		all = table[i].parked;
	}
	memset(table, 0, sizeof(table));
	return all;
}

/* Records e for the current thread, replacing what it had. */
void shrike_inflight_put(const struct shrike_inflight *e)
{
	struct shrike_inflight *slot = find_or_claim();

	if (!slot)
		return;
	slot->kind = e->kind;
	slot->nr = e->nr;
	slot->compat = e->compat;
	memcpy(slot->args, e->args, sizeof(slot->args));
}

/*
 * What thread tid (the current thread, or its tid before an exec made it
 * the group leader) recorded, if it is of this kind; the slot is freed.
 */
bool shrike_inflight_take(u32 tid, u8 kind, struct shrike_inflight *out)
{
	struct shrike_inflight *slot = find(tid);
	bool found;

	if (!slot)
		return false;
	found = slot->kind == kind;
	if (found)
		*out = *slot;
	if (slot->parked)
		slot->kind = 0;		/* the parked paths wait for the exit */
	else
		slot_free(slot);
	return found;
}

/*
 * The thread exits (or its syscall is not reported): whatever it left, e.g.
 * inside a syscall it never finished, goes. Returns what it had parked, for
 * the caller to release.
 */
struct shrike_defer_item *shrike_inflight_forget(u32 tid)
{
	struct shrike_inflight *slot = find(tid);
	struct shrike_defer_item *parked;

	if (!slot)
		return NULL;
	parked = slot->parked;
	slot_free(slot);
	return parked;
}

/* Keep d with the current thread's syscall until its exit; false when the table is full. */
bool shrike_inflight_park(struct shrike_defer_item *d)
{
	struct shrike_inflight *slot = find_or_claim();

	if (!slot)
		return false;
	d->next = slot->parked;
	slot->parked = d;
	return true;
}

/* What the current thread's syscall parked, now its own to queue or release. */
struct shrike_defer_item *shrike_inflight_unpark(void)
{
	struct shrike_inflight *slot = find(current->pid);
	struct shrike_defer_item *chain;

	if (!slot || !slot->parked)
		return NULL;
	chain = slot->parked;
	slot->parked = NULL;
	if (!slot->kind)
		slot_free(slot);
	return chain;
}
