/* SPDX-License-Identifier: GPL-2.0-only */
/* output_program.c - alerts to a program's stdin by a delivery thread, behind a bounded queue; the program restarted with back-off. */
/*
 * As with the HTTP output, the event loop only copies the alert into the
 * queue; a program that reads slowly, never reads, or hangs in its exit
 * fills the pipe, then the queue, and further alerts are dropped and
 * counted, never waited for. The thread writes to a non-blocking pipe
 * with poll(), in slices of SLICE_MS, so that it notices the exit deadline
 * even while the program is stuck.
 *
 * SIGPIPE: the thread runs with every signal blocked, so a write to a
 * program that is gone raises SIGPIPE at this thread only, where it stays
 * pending (and is taken off) instead of killing the daemon; the write
 * fails with EPIPE, which is how the thread learns the program is gone.
 *
 * keep_alive: one program for every alert. When it ends (or closes its
 * stdin) it is started again for the next alert, after a back-off that
 * doubles, from RESTART_MIN_MS up to RESTART_MAX_MS, while programs keep
 * ending within STABLE_MS of their start (a typo in the command line must
 * not fork a shell a thousand times a second), and the alert that found it
 * gone is written once more to the new one. Without keep_alive, one
 * program per alert, waited for before the next (Falco's popen/pclose).
 *
 * The program gets the daemon's stdout and stderr, as in Falco, in a
 * process group of its own: a Ctrl-C meant for the daemon reaches it only
 * as the end of its input, after the last alerts. A retired program (a
 * reload changed the settings, or the exit) gets its stdin closed and
 * RETIRE_GRACE_MS to end, less if the exit's deadline comes first; then it
 * is killed, with whatever it started (its process group).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "output/output_program.h"
#include "output/sender.h"

#define SLICE_MS		100
#define RESTART_MIN_MS		100ull
#define RESTART_MAX_MS		10000ull
#define STABLE_MS		2000ull
#define KILL_GRACE_MS		1000ull
#define RETIRE_GRACE_MS		5000ull
#define DROP_LOG_EVERY_NS	(10 * 1000000000ull)
#define MS			1000000ull

struct program_sender {
	struct sender base;		/* queue, thread, lock (output/sender.h) */
	char *program;
	int keep_alive;

	/* the thread's own */
	pid_t pid;			/* 0: no program running */
	int wfd;			/* its stdin */
	uint64_t started_ns;
	uint64_t restart_ms;		/* the current back-off */
	uint64_t next_start_ns;
};

static _Atomic uint64_t n_sent, n_failed, n_dropped, n_restarts;
static uint64_t last_drop_log_ns;	/* main thread */
static void sender_free(struct sender *base);
static struct sender_pool pool = { .free = sender_free, .what = "program output" };

enum outcome { SENT, GONE, CUT };

static uint64_t deadline_of(struct program_sender *s)
{
	uint64_t d;

	pthread_mutex_lock(&s->base.lock);
	d = s->base.deadline_ns;
	pthread_mutex_unlock(&s->base.lock);
	return d;
}

static int past_deadline(struct program_sender *s)
{
	uint64_t d = deadline_of(s);

	return d && mono_ns() >= d;
}

/* Sleep until `until` (CLOCK_MONOTONIC), or the deadline if sooner; -1 past the deadline. */
static int sleep_until(struct program_sender *s, uint64_t until)
{
	while (mono_ns() < until) {
		struct timespec ts = { 0, SLICE_MS * 1000000L };

		if (past_deadline(s))
			return -1;
		if (until - mono_ns() < SLICE_MS * MS)
			ts.tv_nsec = (long)(until - mono_ns());
		nanosleep(&ts, NULL);
	}
	return past_deadline(s) ? -1 : 0;
}

/* The child: stdin from the pipe, nothing else of the daemon's, default signals. */
static void exec_program(const char *program, int rfd)
{
	sigset_t none;

	if (rfd == 0)
		fcntl(0, F_SETFD, 0);
	else if (dup2(rfd, 0) < 0)
		_exit(127);
	syscall(SYS_close_range, 3, ~0u, 0);	/* fds not opened O_CLOEXEC */
	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execl("/bin/sh", "sh", "-c", program, (char *)NULL);
	_exit(127);
}

static int start_program(struct program_sender *s)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		log_error("program output: cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		log_error("program output: cannot start '%s': %s", s->program, strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0)
		exec_program(s->program, fds[0]);
	close(fds[0]);
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	s->pid = pid;
	s->wfd = fds[1];
	s->started_ns = mono_ns();
	return 0;
}

/* Reap the program if it has ended; 1 when it has (status in *st), else 0. */
static int ended(struct program_sender *s, int *st)
{
	pid_t r = waitpid(s->pid, st, WNOHANG);

	return r == s->pid || (r < 0 && errno == ECHILD);
}

/* Has the program ended? Left unreaped, so that stop_program gets its status. */
static int exited(struct program_sender *s)
{
	siginfo_t info = { 0 };

	if (waitid(P_PID, (id_t)s->pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
		return errno == ECHILD;
	return info.si_pid != 0;
}

static void describe(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "was killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, len, "ended");
}

/*
 * Close the program's stdin and wait for it to end, until the deadline
 * (or, with `grace`, at most that long); then kill it. *st its status.
 */
static void stop_program(struct program_sender *s, uint64_t grace_ms, int *st)
{
	uint64_t until;
	int sig = SIGTERM;

	*st = 0;
	if (s->wfd >= 0)
		close(s->wfd);
	s->wfd = -1;
	if (!s->pid)
		return;
	until = grace_ms ? mono_ns() + grace_ms * MS : UINT64_MAX;
	for (;;) {
		uint64_t d = deadline_of(s);
		struct timespec ts = { 0, 10 * 1000000L };

		if (ended(s, st))
			break;
		if ((d && mono_ns() >= d) || mono_ns() >= until) {
			/* the whole group: sh -c may have children of its own */
			kill(-s->pid, sig);
			kill(s->pid, sig);
			sig = SIGKILL;
			until = mono_ns() + KILL_GRACE_MS * MS;
			d = 0;
		}
		nanosleep(&ts, NULL);
	}
	s->pid = 0;
}

/* The program is gone (or stopped reading for good): reap it, schedule the next start. */
static void program_gone(struct program_sender *s)
{
	uint64_t lived_ms = (mono_ns() - s->started_ns) / MS;
	char how[64];
	int st;

	stop_program(s, KILL_GRACE_MS, &st);
	describe(st, how, sizeof(how));
	if (!s->keep_alive) {
		log_warn("program output: '%s' %s before reading the alert", s->program, how);
		return;
	}
	s->restart_ms = lived_ms >= STABLE_MS || !s->restart_ms ? RESTART_MIN_MS
			: s->restart_ms * 2 > RESTART_MAX_MS ? RESTART_MAX_MS : s->restart_ms * 2;
	s->next_start_ns = mono_ns() + s->restart_ms * MS;
	log_warn("program output: '%s' %s; starting it again in %llu ms", s->program, how,
		 (unsigned long long)s->restart_ms);
}

static void take_sigpipe(void)
{
	sigset_t pipe_only;
	struct timespec zero = { 0, 0 };

	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	while (sigtimedwait(&pipe_only, NULL, &zero) == SIGPIPE)
		;
}

/* Write all of buf to the running program. */
static enum outcome write_all(struct program_sender *s, const char *buf, size_t len)
{
	while (len) {
		struct pollfd pfd = { .fd = s->wfd, .events = POLLOUT };
		ssize_t w = write(s->wfd, buf, len);
		if (w > 0) {
			buf += w;
			len -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EPIPE) {
			take_sigpipe();
			return GONE;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return GONE;
		/* the pipe is full: the program is slow, stuck, or gone */
		if (past_deadline(s))
			return CUT;
		if (exited(s))
			return GONE;
		poll(&pfd, 1, SLICE_MS);
	}
	return SENT;
}

static enum outcome deliver(struct program_sender *s, const char *line, size_t len)
{
	int tries = 0;

	for (;;) {
		enum outcome o;
		int st;

		if (!s->pid) {
			if (s->next_start_ns && sleep_until(s, s->next_start_ns) < 0)
				return CUT;
			if (s->next_start_ns)
				atomic_fetch_add(&n_restarts, 1);
			s->next_start_ns = 0;
			if (start_program(s) < 0) {
				s->next_start_ns = mono_ns() + RESTART_MAX_MS * MS;
				return GONE;
			}
		}
		o = write_all(s, line, len);
		if (o == SENT && !s->keep_alive) {
			stop_program(s, 0, &st);	/* one per alert: wait for it, as pclose */
			if (past_deadline(s))
				return CUT;
		}
		if (o != GONE)
			return o;
		program_gone(s);
		if (!s->keep_alive || ++tries > 1)
			return GONE;
	}
}

static char *next_alert(struct program_sender *s)
{
	char *line = NULL;

	pthread_mutex_lock(&s->base.lock);
	while (!s->base.queue.count && !s->base.retired)
		pthread_cond_wait(&s->base.wake, &s->base.lock);
	if (!(s->base.deadline_ns && mono_ns() >= s->base.deadline_ns))
		line = strqueue_pop(&s->base.queue);
	pthread_mutex_unlock(&s->base.lock);
	return line;
}

static void *sender_main(void *arg)
{
	struct program_sender *s = arg;
	char *line;
	int st;

	while ((line = next_alert(s))) {
		switch (deliver(s, line, strlen(line))) {
		case SENT:
			atomic_fetch_add(&n_sent, 1);
			break;
		case GONE:
			atomic_fetch_add(&n_failed, 1);
			break;
		case CUT:
			atomic_fetch_add(&n_dropped, 1);
			break;
		}
		free(line);
	}
	if (s->pid) {
		/* EOF: the program finishes its output; one that ignores EOF is killed */
		stop_program(s, RETIRE_GRACE_MS, &st);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			log_warn("program output: the program did not end cleanly at exit");
	}
	pthread_mutex_lock(&s->base.lock);
	atomic_fetch_add(&n_dropped, strqueue_clear(&s->base.queue));	/* left at the deadline */
	pthread_mutex_unlock(&s->base.lock);
	sender_finished(&s->base);
	return NULL;
}

static void sender_free(struct sender *base)
{
	struct program_sender *s = (struct program_sender *)base;

	sender_destroy(&s->base);
	free(s->program);
	free(s);
}

struct program_sender *program_sender_get(const struct program_config *cfg)
{
	struct program_sender *s, *cur = (struct program_sender *)pool.current;

	sender_reap(&pool);
	if (!cfg->program || !*cfg->program) {
		log_error("program output: enabled but no program (program_output.program)");
		return NULL;
	}
	if (cur && !strcmp(cur->program, cfg->program) && cur->keep_alive == cfg->keep_alive &&
	    cur->base.queue.cap == cfg->queue_size) {
		cur->base.refs++;
		return cur;
	}
	s = calloc(1, sizeof(*s));
	if (!s || sender_init(&s->base, cfg->queue_size) < 0) {
		free(s);
		log_error("out of memory");
		return NULL;
	}
	s->program = strdup(cfg->program);
	s->keep_alive = cfg->keep_alive;
	s->wfd = -1;
	/* SIGPIPE blocked in the thread is what keeps the daemon alive (lib/thread.h) */
	if (!s->program || sender_start(&pool, &s->base, sender_main) < 0) {
		if (!s->program)
			log_error("out of memory");
		sender_free(&s->base);
		return NULL;
	}
	return s;
}

void program_sender_put(struct program_sender *s)
{
	if (s)
		sender_put(&pool, &s->base);
}

static void note_drop(void)
{
	uint64_t now = mono_ns(), total = atomic_fetch_add(&n_dropped, 1) + 1;

	if (last_drop_log_ns && now - last_drop_log_ns < DROP_LOG_EVERY_NS)
		return;
	log_warn("program output: the program does not keep up: alert queue full, %llu alerts dropped so far",
		 (unsigned long long)total);
	last_drop_log_ns = now;
}

int program_sender_post(struct program_sender *s, const char *line)
{
	size_t len = strlen(line);
	char *copy = malloc(len + 2);

	if (copy) {
		memcpy(copy, line, len);
		copy[len] = '\n';
		copy[len + 1] = '\0';
	}
	if (sender_post(&s->base, copy) == 0)
		return 0;
	note_drop();
	return -1;
}

void program_senders_shutdown(double seconds)
{
	sender_shutdown(&pool, seconds);
}

void program_stats_get(struct program_stats *st)
{
	st->sent = atomic_load(&n_sent);
	st->failed = atomic_load(&n_failed);
	st->dropped = atomic_load(&n_dropped);
	st->restarts = atomic_load(&n_restarts);
}
