/* SPDX-License-Identifier: GPL-2.0-only */
/* watch.c - inotify on the configuration and rules paths, in a thread; a settled change raises a flag for the event loop. */
/*
 * Editors and configuration tools seldom write a file in place: vim and
 * Ansible write a new file and rename it over the old, which replaces the
 * inode a watch on the file would follow. So the thread watches the
 * directory that holds each file, and takes the events that name it
 * (written, created, renamed to or from, removed, attributes), and a rules
 * directory itself, where any file but the hidden and backup names that
 * rules_files.c leaves out counts. A path that is a link is watched at
 * its target too (a configuration managed as a link into a checkout).
 *
 * After a change the thread waits until WATCH_SETTLE_MS pass without
 * another, then raises the flag the event loop reads, and sets its watches
 * up again: a directory may have been replaced, or one that was missing
 * created. The event loop starts the reload (reload.c), as on SIGHUP; the
 * thread never touches the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/thread.h"
#include "watch.h"

#define DIR_EVENTS (IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
		    IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

/* One thing to look for: events in dir about name (NULL: any file of a rules directory). */
struct target {
	char *dir, *name;
	int wd;
};

struct paths {
	char **v;
	size_t n;
};

struct watch {
	pthread_t thread;
	int ctl[2];			/* a byte: look at `next` (or stop) */
	atomic_int changed;
	pthread_mutex_t lock;		/* protects next and stop */
	struct paths next;		/* the paths of a watch_update, not yet taken */
	int have_next, stop;

	/* the thread's own */
	int ifd;
	struct paths paths;		/* configuration first, then rules */
	struct target *t;
	size_t nt;
};

static void paths_free(struct paths *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

static int paths_set(struct paths *p, const char *config_path, const char *const *rules, size_t n)
{
	size_t i;

	p->v = calloc(n + 1, sizeof(char *));
	p->n = 0;
	if (!p->v)
		return -1;
	if (config_path && !(p->v[p->n++] = strdup(config_path)))
		goto out_free;
	for (i = 0; i < n; i++)
		if (!(p->v[p->n++] = strdup(rules[i])))
			goto out_free;
	return 0;

out_free:
	paths_free(p);
	return -1;
}

static void targets_free(struct target *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(t[i].dir);
		free(t[i].name);
	}
	free(t);
}

static void add_target(struct watch *w, const char *dir, const char *name, int quiet)
{
	struct target *t = realloc(w->t, (w->nt + 1) * sizeof(*t));
	int wd;

	if (!t)
		return;
	w->t = t;
	wd = inotify_add_watch(w->ifd, dir, DIR_EVENTS);
	if (wd < 0) {
		if (!quiet)
			log_warn("watch_config_files: cannot watch '%s': %s", dir, strerror(errno));
		return;
	}
	t[w->nt].dir = strdup(dir);
	t[w->nt].name = name ? strdup(name) : NULL;
	t[w->nt].wd = wd;
	w->nt++;
}

/* A file: its directory, for its name. */
static void add_file(struct watch *w, const char *path, int quiet)
{
	char *d = strdup(path), *b = strdup(path);

	if (d && b)
		add_target(w, dirname(d), basename(b), quiet);
	free(d);
	free(b);
}

static void add_path(struct watch *w, const char *path, int quiet)
{
	char real[PATH_MAX];
	struct stat st;
	int exists = stat(path, &st) == 0;

	/*
	 * Not a device or a FIFO (-r /dev/null): every write to /dev/null
	 * anywhere on the host would be a change.
	 */
	if (exists && !S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return;
	add_file(w, path, quiet);	/* created, replaced or removed, file or directory */
	if (exists && S_ISDIR(st.st_mode))
		add_target(w, path, NULL, quiet);
	else if (realpath(path, real) && strcmp(real, path))
		add_file(w, real, 1);
}

/*
 * The watches for the paths as they are now. Always in the same inotify
 * instance: a directory watched before keeps its watch (and the events
 * already queued on it), one replaced gets a new one, and only those no
 * longer needed are removed; so no change falls between two sets.
 */
static void targets_build(struct watch *w, int quiet)
{
	struct target *old = w->t;
	size_t nold = w->nt, i, k;

	if (w->ifd < 0)
		return;
	w->t = NULL;
	w->nt = 0;
	for (i = 0; i < w->paths.n; i++)
		add_path(w, w->paths.v[i], quiet);
	for (i = 0; i < nold; i++) {
		for (k = 0; k < w->nt && w->t[k].wd != old[i].wd; k++)
			;
		if (k == w->nt)
			inotify_rm_watch(w->ifd, old[i].wd);
	}
	targets_free(old, nold);
}

/* Left out of a rules directory (rules_files.c): not a change to the rules. */
static int ignored_name(const char *name)
{
	size_t len = strlen(name);

	return !len || name[0] == '.' || name[len - 1] == '~';
}

/* Does the event concern one of our targets? */
static int relevant(struct watch *w, const struct inotify_event *ev)
{
	size_t i;

	if (ev->mask & IN_Q_OVERFLOW)
		return 1;
	for (i = 0; i < w->nt; i++) {
		const struct target *t = &w->t[i];

		if (t->wd != ev->wd)
			continue;
		if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
			return 1;
		if (!ev->len)
			continue;
		if (t->name ? !strcmp(t->name, ev->name) : !ignored_name(ev->name))
			return 1;
	}
	return 0;
}

/* Read what inotify has; 1 if any of it is ours. */
static int drain(struct watch *w)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	int hit = 0;
	ssize_t n;

	while ((n = read(w->ifd, buf, sizeof(buf))) > 0) {
		char *p;

		for (p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			hit |= relevant(w, ev);
			p += sizeof(*ev) + ev->len;
		}
	}
	return hit;
}

/* The control pipe: 1 to stop; takes new paths if there are. */
static int control(struct watch *w)
{
	char c[64];
	int stop;

	while (read(w->ctl[0], c, sizeof(c)) > 0)
		;
	pthread_mutex_lock(&w->lock);
	stop = w->stop;
	if (w->have_next) {
		paths_free(&w->paths);
		w->paths = w->next;
		w->next = (struct paths){ 0 };
		w->have_next = 0;
		targets_build(w, 0);
	}
	pthread_mutex_unlock(&w->lock);
	return stop;
}

static void *watch_main(void *arg)
{
	struct watch *w = arg;
	uint64_t settle_ns = 0;		/* 0: nothing pending */

	targets_build(w, 0);
	for (;;) {
		struct pollfd p[2] = { { .fd = w->ctl[0], .events = POLLIN }, { .fd = w->ifd, .events = POLLIN } };
		int timeout = -1;

		if (settle_ns) {
			uint64_t now = mono_ns();

			if (now >= settle_ns) {
				atomic_store_explicit(&w->changed, 1, memory_order_release);
				settle_ns = 0;
				targets_build(w, 1);	/* what was replaced, at its new inode */
				continue;
			}
			timeout = (int)((settle_ns - now) / 1000000) + 1;
		}
		if (poll(p, w->ifd >= 0 ? 2 : 1, timeout) < 0 && errno != EINTR)
			break;
		if ((p[0].revents & POLLIN) && control(w))
			break;
		if (w->ifd >= 0 && (p[1].revents & POLLIN) && drain(w))
			settle_ns = mono_ns() + WATCH_SETTLE_MS * 1000000ull;
	}
	return NULL;
}

struct watch *watch_start(const char *config_path, const char *const *rules, size_t n)
{
	struct watch *w = calloc(1, sizeof(*w));
	int err;

	if (!w || pipe2(w->ctl, O_NONBLOCK | O_CLOEXEC) < 0) {
		log_warn("watch_config_files: cannot start: %s", strerror(errno));
		free(w);
		return NULL;
	}
	w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ifd < 0)
		log_warn("watch_config_files: inotify: %s", strerror(errno));
	pthread_mutex_init(&w->lock, NULL);
	if (paths_set(&w->paths, config_path, rules, n) < 0)
		goto out_free;
	err = thread_start(&w->thread, NULL, watch_main, w);
	if (err) {
		log_warn("watch_config_files: cannot start the thread: %s", strerror(err));
		goto out_free;
	}
	return w;

out_free:
	paths_free(&w->paths);
	if (w->ifd >= 0)
		close(w->ifd);
	close(w->ctl[0]);
	close(w->ctl[1]);
	pthread_mutex_destroy(&w->lock);
	free(w);
	return NULL;
}

static void poke(struct watch *w)
{
	char c = 1;

	if (write(w->ctl[1], &c, 1) < 0 && errno != EAGAIN)
		log_warn("watch_config_files: %s", strerror(errno));
}

void watch_update(struct watch *w, const char *config_path, const char *const *rules, size_t n)
{
	struct paths p;

	if (!w || paths_set(&p, config_path, rules, n) < 0)
		return;
	pthread_mutex_lock(&w->lock);
	paths_free(&w->next);
	w->next = p;
	w->have_next = 1;
	pthread_mutex_unlock(&w->lock);
	poke(w);
}

int watch_changed(struct watch *w)
{
	if (!w || !atomic_load_explicit(&w->changed, memory_order_acquire))
		return 0;
	return atomic_exchange_explicit(&w->changed, 0, memory_order_acq_rel);
}

void watch_stop(struct watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_mutex_unlock(&w->lock);
	poke(w);
	pthread_join(w->thread, NULL);
	targets_free(w->t, w->nt);
	if (w->ifd >= 0)
		close(w->ifd);
	paths_free(&w->paths);
	paths_free(&w->next);
	close(w->ctl[0]);
	close(w->ctl[1]);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
