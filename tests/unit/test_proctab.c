/* SPDX-License-Identifier: GPL-2.0-only */
/* test_proctab.c - the process table under fork/exec/exit sequences, PID reuse and reordering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "enrich/proctab.h"

/* Build a decoded event by hand, as the pipeline would after event_decode. */
struct fake {
	struct sevent ev;
	char argv[256];
	char exe[64];
	int64_t res;
	uint64_t flags;
};

static void fake_ctx(struct shrike_proc_ctx *c, uint32_t pid, uint32_t ppid, uint64_t start,
		     const char *comm)
{
	memset(c, 0, sizeof(*c));
	c->pid = c->tid = pid;
	c->ppid = ppid;
	c->start_ns = start;
	c->uid = c->host_uid = 0;
	strncpy(c->comm, comm, sizeof(c->comm) - 1);
}

static struct sevent *exec_ev(struct fake *f, uint32_t pid, uint32_t ppid, uint64_t start,
			      const char *comm, const char *exe, const char *args, size_t args_len)
{
	struct sevent *ev = &f->ev;

	memset(f, 0, sizeof(*f));
	ev->schema = schema_of(SHRIKE_EVT_EXECVE);
	ev->type = SHRIKE_EVT_EXECVE;
	ev->nparams = ev->schema->nparams;
	ev->pid = ev->tid = pid;
	f->res = 0;
	ev->params[SHRIKE_P_EXEC_RES] = (struct sparam){ (const char *)&f->res, 8, 0 };
	memcpy(f->argv, args, args_len);
	ev->params[SHRIKE_P_EXEC_ARGV] = (struct sparam){ f->argv, (uint16_t)args_len, 0 };
	strcpy(f->exe, exe);
	ev->params[SHRIKE_P_EXEC_EXEPATH] = (struct sparam){ f->exe, (uint16_t)(strlen(exe) + 1), 0 };
	ev->params[SHRIKE_P_EXEC_FILENAME] = ev->params[SHRIKE_P_EXEC_EXEPATH];
	fake_ctx(&ev->ctx, pid, ppid, start, comm);
	ev->has_ctx = 1;
	return ev;
}

static struct sevent *fork_ev(struct fake *f, uint32_t parent, uint32_t child, uint32_t child_tgid,
			      uint64_t start)
{
	struct sevent *ev = &f->ev;

	memset(f, 0, sizeof(*f));
	ev->schema = schema_of(SHRIKE_EVT_CLONE);
	ev->type = SHRIKE_EVT_CLONE;
	ev->nparams = ev->schema->nparams;
	ev->pid = ev->tid = parent;
	f->res = child;
	ev->params[0] = (struct sparam){ (const char *)&f->res, 8, 0 };
	ev->params[1] = (struct sparam){ (const char *)&f->flags, 8, 0 };
	fake_ctx(&ev->ctx, child_tgid, parent, start, "child");
	ev->ctx.tid = child;
	ev->has_ctx = 1;
	return ev;
}

static struct sevent *exit_ev(struct fake *f, uint32_t pid, uint32_t tid, int group_dead)
{
	struct sevent *ev = &f->ev;

	memset(f, 0, sizeof(*f));
	ev->schema = schema_of(SHRIKE_EVT_PROCEXIT);
	ev->type = SHRIKE_EVT_PROCEXIT;
	ev->nparams = ev->schema->nparams;
	ev->pid = pid;
	ev->tid = tid;
	f->flags = group_dead ? SHRIKE_EXIT_GROUP_DEAD : 0;
	ev->params[0] = (struct sparam){ (const char *)&f->res, 8, 0 };
	ev->params[1] = (struct sparam){ (const char *)&f->flags, 8, 0 };
	return ev;
}

static void feed(struct proctab *pt, struct sevent *ev)
{
	proctab_enrich(pt, ev);
	proctab_after(pt, ev);
}

static int setup(void **state)
{
	struct proctab *pt = calloc(1, sizeof(*pt));

	if (!pt || proctab_init(pt, 1000) < 0)
		return -1;
	pt->no_procfs = 1;	/* never ask this machine's /proc */
	*state = pt;
	return 0;
}

static int teardown(void **state)
{
	proctab_free(*state);
	free(*state);
	return 0;
}

static void test_fork_then_exec(void **state)
{
	struct proctab *pt = *state;
	struct fake f;
	struct proc *p;

	feed(pt, exec_ev(&f, 100, 1, 1000, "bash", "/usr/bin/bash", "bash\0-l", 8));
	feed(pt, fork_ev(&f, 100, 101, 101, 2000));
	p = proctab_get(pt, 101);
	assert_non_null(p);
	assert_string_equal(p->exepath, "/usr/bin/bash");	/* runs the parent's image */
	assert_int_equal(p->ctx.ppid, 100);
	feed(pt, exec_ev(&f, 101, 100, 2000, "cat", "/usr/bin/cat", "cat\0/etc/hostname", 18));
	p = proctab_get(pt, 101);
	assert_string_equal(p->exepath, "/usr/bin/cat");
	assert_memory_equal(p->args, "cat\0/etc/hostname", 18);
	assert_string_equal(p->comm, "cat");
	assert_non_null(proctab_get(pt, 100));	/* the parent is untouched */
	assert_string_equal(proctab_get(pt, 100)->exepath, "/usr/bin/bash");
}

static void test_threads_are_one_process(void **state)
{
	struct proctab *pt = *state;
	struct fake f;
	size_t before;

	feed(pt, exec_ev(&f, 200, 1, 1000, "srv", "/srv", "srv", 4));
	before = pt->count;
	feed(pt, fork_ev(&f, 200, 201, 200, 3000));	/* CLONE_THREAD: tgid stays 200 */
	assert_int_equal(pt->count, before);
	assert_null(proctab_get(pt, 201));
	feed(pt, exit_ev(&f, 200, 201, 0));		/* a thread exits: the process stays */
	assert_non_null(proctab_get(pt, 200));
	feed(pt, exit_ev(&f, 200, 200, 1));		/* the last thread: gone */
	assert_null(proctab_get(pt, 200));
	assert_int_equal(pt->count, before - 1);
}

static void test_pid_reuse_never_inherits(void **state)
{
	struct proctab *pt = *state;
	struct fake f;
	struct proc *p;

	feed(pt, exec_ev(&f, 300, 1, 5000, "old", "/old", "old\0secret-arg", 15));
	feed(pt, exit_ev(&f, 300, 300, 1));
	assert_null(proctab_get(pt, 300));
	/* a new process with the same pid, born by fork from bash */
	feed(pt, exec_ev(&f, 310, 1, 100, "bash", "/usr/bin/bash", "bash", 5));
	feed(pt, fork_ev(&f, 310, 300, 300, 9000));
	p = proctab_get(pt, 300);
	assert_non_null(p);
	assert_string_equal(p->exepath, "/usr/bin/bash");
	assert_memory_equal(p->args, "bash", 5);
}

static void test_lost_exit_then_reuse_by_exec(void **state)
{
	struct proctab *pt = *state;
	struct fake f;
	struct proc *p;

	/* the exit of the first holder of pid 400 was lost (a drop): an exec
	 * with another start time is a new process, not a continuation
	 */
	feed(pt, exec_ev(&f, 400, 1, 1000, "first", "/first", "first\0x", 8));
	feed(pt, exec_ev(&f, 400, 7, 900000000000ull, "second", "/second", "second", 7));
	p = proctab_get(pt, 400);
	assert_string_equal(p->exepath, "/second");
	assert_int_equal(p->ctx.ppid, 7);
	assert_int_equal(p->start_ns, 900000000000ull);
}

/* An event of any syscall from @pid/@tid, a process started at @start. */
static struct sevent *any_ev(struct fake *f, uint32_t pid, uint32_t tid, uint64_t start)
{
	struct sevent *ev = &f->ev;

	memset(f, 0, sizeof(*f));
	ev->type = SHRIKE_EVT_CLOSE;
	ev->schema = schema_of(SHRIKE_EVT_CLOSE);
	ev->nparams = ev->schema->nparams;
	ev->pid = pid;
	ev->tid = tid;
	fake_ctx(&ev->ctx, pid, 1, start, "newcomer");
	ev->ctx.tid = tid;
	ev->has_ctx = 1;
	return ev;
}

/*
 * Records were dropped: the holder of pid 450 exited and another process
 * got the pid, and neither its fork nor its exec was seen. Its first event
 * (from its main thread, whose start time is the process's) must not carry
 * the dead process's image and argv; another thread's event proves nothing.
 */
static void test_reused_pid_seen_only_by_its_events(void **state)
{
	struct proctab *pt = *state;
	struct fake f;
	struct sevent *ev;

	feed(pt, exec_ev(&f, 450, 1, 1000, "old", "/old", "old\0secret", 11));
	/* another thread of the same process: start time of its own */
	ev = any_ev(&f, 450, 451, 5000000000ull);
	proctab_enrich(pt, ev);
	assert_non_null(ev->proc);
	assert_string_equal(ev->proc->exepath, "/old");
	assert_int_equal(pt->pids_reused, 0);
	/* the new holder's main thread */
	ev = any_ev(&f, 450, 450, 7000000000ull);
	proctab_enrich(pt, ev);
	assert_non_null(ev->proc);
	assert_null(ev->proc->exepath);
	assert_null(ev->proc->args);
	assert_int_equal(ev->proc->start_ns, 7000000000ull);
	assert_string_equal(ev->proc->comm, "newcomer");
	assert_int_equal(pt->pids_reused, 1);
	/* and the same process again: not replaced again */
	ev = any_ev(&f, 450, 450, 7000000000ull);
	proctab_enrich(pt, ev);
	assert_int_equal(pt->pids_reused, 1);
}

/* The strings of the table are bounded: past max_bytes, argv is not kept. */
static void test_bytes_bounded(void **state)
{
	static char big[60000];
	struct proctab pt;
	struct fake_big {
		struct fake f;
		char more[60000];
	} *fb = calloc(1, sizeof(*fb));
	uint32_t pid;

	(void)state;
	assert_non_null(fb);
	memset(big, 'a', sizeof(big));
	assert_int_equal(proctab_init(&pt, 100000), 0);
	pt.no_procfs = 1;
	pt.max_bytes = 1u << 20;
	for (pid = 1000; pid < 1100; pid++) {
		struct sevent *ev = exec_ev(&fb->f, pid, 1, pid, "p", "/p", "p", 2);

		/* 60 KB of argv each */
		ev->params[SHRIKE_P_EXEC_ARGV] = (struct sparam){ big, (uint16_t)sizeof(big), 0 };
		feed(&pt, ev);
	}
	assert_int_equal(pt.count, 100);
	/* argv stops being kept at max_bytes; the entries are bounded by count */
	assert_true(pt.bytes <= pt.max_bytes + pt.count * (sizeof(struct proc) + 8));
	assert_true(pt.args_dropped > 0);
	assert_non_null(proctab_get(&pt, 1000)->args);
	assert_null(proctab_get(&pt, 1099)->args);
	assert_string_equal(proctab_get(&pt, 1099)->exepath, "/p");
	for (pid = 1000; pid < 1100; pid++)
		feed(&pt, exit_ev(&fb->f, pid, pid, 1));
	assert_int_equal(pt.bytes, 0);
	proctab_free(&pt);
	free(fb);
}

static void test_exit_before_fork_seen(void **state)
{
	struct proctab *pt = *state;
	struct fake f;

	/* CPUs reordered around the merge delay: the child's exit is processed
	 * before its parent's fork event. The late fork must not resurrect a
	 * process that no longer exists forever: its own exit is gone, so the
	 * entry stays until the pid is reused (bounded by the table size).
	 */
	feed(pt, exec_ev(&f, 500, 1, 1000, "sh", "/bin/sh", "sh", 3));
	feed(pt, exit_ev(&f, 501, 501, 1));
	assert_null(proctab_get(pt, 501));
	feed(pt, fork_ev(&f, 500, 501, 501, 2000));
	assert_non_null(proctab_get(pt, 501));
	/* and a reuse of 501 replaces it cleanly */
	feed(pt, exec_ev(&f, 501, 500, 99999999999ull, "new", "/new", "new", 4));
	assert_string_equal(proctab_get(pt, 501)->exepath, "/new");
}

static void test_table_is_bounded(void **state)
{
	struct proctab pt;
	struct fake f;
	uint32_t pid;

	(void)state;
	assert_int_equal(proctab_init(&pt, 50), 0);
	pt.no_procfs = 1;
	for (pid = 1000; pid < 1200; pid++)
		feed(&pt, exec_ev(&f, pid, 1, pid, "p", "/p", "p", 2));
	assert_true(pt.count <= 50);
	proctab_free(&pt);
}

static void test_setuid_updates_identity(void **state)
{
	struct proctab *pt = *state;
	struct fake f;
	struct sevent ev;

	feed(pt, exec_ev(&f, 600, 1, 1000, "su", "/bin/su", "su", 3));
	memset(&ev, 0, sizeof(ev));
	ev.schema = schema_of(SHRIKE_EVT_SETUID);
	ev.type = SHRIKE_EVT_SETUID;
	ev.pid = ev.tid = 600;
	fake_ctx(&ev.ctx, 600, 1, 1000, "su");
	ev.ctx.uid = 1000;
	ev.ctx.host_uid = 101000;
	ev.has_ctx = 1;
	feed(pt, &ev);
	assert_int_equal(proctab_get(pt, 600)->ctx.uid, 1000);
	assert_int_equal(proctab_get(pt, 600)->ctx.host_uid, 101000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fork_then_exec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads_are_one_process, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pid_reuse_never_inherits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_exit_then_reuse_by_exec, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exit_before_fork_seen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reused_pid_seen_only_by_its_events, setup, teardown),
		cmocka_unit_test(test_bytes_bounded),
		cmocka_unit_test(test_table_is_bounded),
		cmocka_unit_test_setup_teardown(test_setuid_updates_identity, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
