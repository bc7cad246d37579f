/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * races.c - race workloads for tests/e2e/80-races.sh (make vmtest-debug):
 * threads that change what an fd number, a path or a mount point stands for,
 * beside threads whose syscalls make the module's probes resolve exactly
 * those (an fd to its file or socket, a relative path to its directory).
 * Most of the syscalls fail (EBADF, EINVAL, ENOENT, ENOTSOCK...): what is
 * tested is that the module, which runs on every one of them with every
 * syscall selected, stays memory- and lock-clean while the objects change
 * under it. The debug kernel's KASAN, lockdep and friends are the judges.
 *
 *   races fd SECS DIR      fd churn: churners dup2() a fresh fd of one of
 *                          8 kinds (a pipe end, a socketpair end, an AF_UNIX
 *                          stream socket connected to a listener whose
 *                          accepter closes the peer at once, an unconnected
 *                          one, a memfd, an eventfd, a directory, an O_PATH
 *                          fd) onto two shared fd numbers, close the
 *                          originals and the partners, and close the shared
 *                          numbers every third round; users call openat(fd,
 *                          "relative"), connect(fd), setns(fd, 0),
 *                          finit_module(fd, "", 0), fchdir(fd) and read(fd,
 *                          0 bytes) on those numbers
 *   races rename SECS DIR  rename storm: DIR/r/a/b/c/f; renamers move a <-> x
 *                          and a/b <-> a/y; openers open a/b/c/f, x/b/c/f,
 *                          a/y/c/f relative to their cwd and c/f relative to
 *                          an fd of a/b; chdir-ers chdir into a/b/c and open
 *                          f and ../c/f from there
 *   races mount SECS DIR   mount storm, in a mount namespace of its own: a
 *                          tmpfs mounted on DIR/m (with sub/f in it), bind-
 *                          mounted on DIR/bind, unmounted (plainly or
 *                          detached), in a loop; openers open m/sub/f and
 *                          bind/sub/f relative to an fd of DIR, and sub/f
 *                          relative to an fd of m/sub; a chdir-er chdirs
 *                          into m/sub and opens f
 *   races all SECS DIR     the three at once
 *
 * Each thread that changes its cwd first unshares its fs_struct
 * (unshare(CLONE_FS)), so cwds are per thread. SECS 0: until SIGTERM or
 * SIGINT (either also ends a timed run early). At the end prints one
 * key=value line per count (WORKLOAD.COUNT=N), e.g. fd.churn=1234, and
 * WORKLOAD.iters, the syscalls it made in all; exits 0, or 1 when a syscall
 * that must fail succeeded (finit_module: the count is fd.finit_ok) or a
 * workload could not be set up. fd.finit_errors lists finit_module's
 * errnos with their counts (EINVAL:12,EBADF:3,...).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#define NTARGETS 2
static const int targets[NTARGETS] = { 100, 101 };	/* the shared fd numbers */

static volatile sig_atomic_t stop;
static const char *dir;		/* the scratch directory, absolute */
static int failed;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* A count, shared by the threads of a workload; printed at the end. */
struct count {
	const char *name;
	unsigned long n;
};

enum {
	FD_CHURN, FD_OPENAT, FD_OPENAT_OK, FD_CONNECT, FD_CONNECT_OK, FD_SETNS,
	FD_FINIT, FD_FINIT_OK, FD_FCHDIR, FD_FCHDIR_OK, FD_READ, FD_ACCEPT, FD_KIND_FAIL,
	RN_RENAME, RN_RENAME_OK, RN_OPEN, RN_OPEN_OK, RN_CHDIR, RN_CHDIR_OK,
	MN_MOUNT, MN_MOUNT_OK, MN_BIND_OK, MN_UMOUNT, MN_UMOUNT_OK, MN_DETACH_OK,
	MN_OPEN, MN_OPEN_OK, MN_CHDIR, MN_CHDIR_OK,
	NCOUNTS
};

static struct count counts[NCOUNTS] = {
	[FD_CHURN] = { "fd.churn" }, [FD_OPENAT] = { "fd.openat" },
	[FD_OPENAT_OK] = { "fd.openat_ok" }, [FD_CONNECT] = { "fd.connect" },
	[FD_CONNECT_OK] = { "fd.connect_ok" }, [FD_SETNS] = { "fd.setns" },
	[FD_FINIT] = { "fd.finit" }, [FD_FINIT_OK] = { "fd.finit_ok" },
	[FD_FCHDIR] = { "fd.fchdir" }, [FD_FCHDIR_OK] = { "fd.fchdir_ok" },
	[FD_READ] = { "fd.read" }, [FD_ACCEPT] = { "fd.accept" },
	[FD_KIND_FAIL] = { "fd.kind_fail" },
	[RN_RENAME] = { "rename.rename" }, [RN_RENAME_OK] = { "rename.rename_ok" },
	[RN_OPEN] = { "rename.open" }, [RN_OPEN_OK] = { "rename.open_ok" },
	[RN_CHDIR] = { "rename.chdir" }, [RN_CHDIR_OK] = { "rename.chdir_ok" },
	[MN_MOUNT] = { "mount.mount" }, [MN_MOUNT_OK] = { "mount.mount_ok" },
	[MN_BIND_OK] = { "mount.bind_ok" }, [MN_UMOUNT] = { "mount.umount" },
	[MN_UMOUNT_OK] = { "mount.umount_ok" }, [MN_DETACH_OK] = { "mount.detach_ok" },
	[MN_OPEN] = { "mount.open" }, [MN_OPEN_OK] = { "mount.open_ok" },
	[MN_CHDIR] = { "mount.chdir" }, [MN_CHDIR_OK] = { "mount.chdir_ok" },
};

/* finit_module's failures by errno: fd.finit_errors=EINVAL:12,EBADF:3... */
static unsigned long finit_errno[4096];

static void inc(int c)
{
	__atomic_fetch_add(&counts[c].n, 1, __ATOMIC_RELAXED);
}

/* inc(c), and inc(ok) too when the syscall's result r says it worked */
static long tally(long r, int c, int ok)
{
	inc(c);
	if (r >= 0)
		inc(ok);
	return r;
}

static void close_if(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* A thread of its own cwd: chdir() and fchdir() then move only this one. */
static void own_cwd(void)
{
	if (unshare(CLONE_FS) < 0) {
		perror("races: unshare(CLONE_FS)");
		failed = 1;
	}
}

static void path(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", dir, rel);
}

/* ---- fd churn ------------------------------------------------------------ */

static struct sockaddr_un listen_addr;	/* abstract, named after our pid */
static socklen_t listen_len;
static int listen_fd = -1;

enum { K_PIPE, K_SOCKPAIR, K_UNIX_CONNECTED, K_UNIX_FRESH, K_MEMFD, K_EVENTFD,
       K_DIR, K_OPATH, NKINDS };

/* A new fd of KIND; *partner gets the fd to close after it is installed
 * (the pipe's other end, the socketpair's peer), or -1. */
static int make_fd(int kind, int *partner)
{
	int p[2], fd = -1;
	char buf[4096];

	*partner = -1;
	switch (kind) {
	case K_PIPE:
		if (pipe2(p, O_CLOEXEC) < 0)
			return -1;
		fd = p[0];
		*partner = p[1];
		break;
	case K_SOCKPAIR:
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, p) < 0)
			return -1;
		fd = p[0];
		*partner = p[1];
		break;
	case K_UNIX_CONNECTED:
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		/* EAGAIN when the backlog is full: then it is a fresh one */
		if (fd >= 0)
			connect(fd, (struct sockaddr *)&listen_addr, listen_len);
		break;
	case K_UNIX_FRESH:
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		break;
	case K_MEMFD:
		fd = memfd_create("races", MFD_CLOEXEC);
		break;
	case K_EVENTFD:
		fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		break;
	case K_DIR:
		path(buf, sizeof(buf), "fd");
		fd = open(buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		break;
	case K_OPATH:
		path(buf, sizeof(buf), "fd");
		fd = open(buf, O_PATH | O_DIRECTORY | O_CLOEXEC);
		break;
	}
	return fd;
}

static void *fd_churner(void *arg)
{
	unsigned long i = (unsigned long)arg;

	while (!stop) {
		int partner, target = targets[i % NTARGETS];
		int fd = make_fd(i % NKINDS, &partner);

		if (fd < 0) {
			inc(FD_KIND_FAIL);
		} else {
			dup2(fd, target);
			close(fd);
			close_if(partner);
		}
		if (i % 3 == 0)
			close(targets[(i / 3) % NTARGETS]);
		inc(FD_CHURN);
		i++;
	}
	return NULL;
}

static void *fd_user(void *arg)
{
	unsigned long i = (unsigned long)arg;
	char buf[1];

	own_cwd();
	while (!stop) {
		int target = targets[(i / 6) % NTARGETS];
		long r;

		switch (i % 6) {
		case 0:
			r = tally(openat(target, "relative", O_RDONLY | O_CLOEXEC),
				  FD_OPENAT, FD_OPENAT_OK);
			close_if(r);
			break;
		case 1:
			tally(connect(target, (struct sockaddr *)&listen_addr, listen_len),
			      FD_CONNECT, FD_CONNECT_OK);
			break;
		case 2:
			setns(target, 0);
			inc(FD_SETNS);
			break;
		case 3:
			r = syscall(SYS_finit_module, target, "", 0);
			inc(FD_FINIT);
			if (r >= 0) {
				inc(FD_FINIT_OK);
				fprintf(stderr, "races: finit_module(%d) succeeded\n", target);
			} else if (errno > 0 && errno < 4096) {
				__atomic_fetch_add(&finit_errno[errno], 1, __ATOMIC_RELAXED);
			}
			break;
		case 4:
			tally(fchdir(target), FD_FCHDIR, FD_FCHDIR_OK);
			break;
		case 5:
			/* 0 bytes: returns at once on every kind, blocks on none */
			r = read(target, buf, 0);
			(void)r;
			inc(FD_READ);
			break;
		}
		i++;
	}
	return NULL;
}

/* Accepts and closes at once: the peer of a connected socket goes away
 * while the users work on it. */
static void *fd_accepter(void *arg)
{
	(void)arg;
	while (!stop) {
		int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);

		if (fd >= 0) {
			close(fd);
			inc(FD_ACCEPT);
		} else {
			usleep(1000);
		}
	}
	return NULL;
}

static int fd_setup(void)
{
	char buf[4096];
	int fd;

	path(buf, sizeof(buf), "fd");
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -1;
	path(buf, sizeof(buf), "fd/relative");
	fd = open(buf, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	listen_addr.sun_family = AF_UNIX;
	/* abstract: sun_path[0] is NUL, the name follows */
	snprintf(listen_addr.sun_path + 1, sizeof(listen_addr.sun_path) - 1,
		 "shrike-races-%d", (int)getpid());
	listen_len = offsetof(struct sockaddr_un, sun_path) + 1 +
		     strlen(listen_addr.sun_path + 1);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&listen_addr, listen_len) < 0 ||
	    listen(listen_fd, 64) < 0)
		return -1;
	return 0;
}

/* ---- rename storm ---------------------------------------------------------- */

static void *rn_renamer(void *arg)
{
	unsigned long i = 0, which = (unsigned long)arg;
	char a[4096], b[4096], c[4096], d[4096];

	if (which == 0) {
		path(a, sizeof(a), "r/a");
		path(b, sizeof(b), "r/x");
	} else {
		path(a, sizeof(a), "r/a/b");
		path(b, sizeof(b), "r/a/y");
		path(c, sizeof(c), "r/x/b");
		path(d, sizeof(d), "r/x/y");
	}
	while (!stop) {
		int back = i & 1;

		if (which == 0 || (i & 2)) {
			tally(rename(back ? b : a, back ? a : b), RN_RENAME, RN_RENAME_OK);
		} else {
			/* the same move, under a's other name */
			tally(rename(back ? d : c, back ? c : d), RN_RENAME, RN_RENAME_OK);
		}
		i++;
	}
	return NULL;
}

static void *rn_opener(void *arg)
{
	static const char *const rel[] = { "a/b/c/f", "x/b/c/f", "a/y/c/f", "x/y/c/f" };
	unsigned long i = (unsigned long)arg;
	char buf[4096];

	own_cwd();
	path(buf, sizeof(buf), "r");
	if (chdir(buf) < 0) {
		failed = 1;
		return NULL;
	}
	while (!stop) {
		long r;

		if (i % 3 != 2) {
			r = tally(openat(AT_FDCWD, rel[i % 4], O_RDONLY | O_CLOEXEC), RN_OPEN, RN_OPEN_OK);
			close_if(r);
		} else {
			int dfd = tally(openat(AT_FDCWD, i & 8 ? "x/b" : "a/b",
					       O_RDONLY | O_DIRECTORY | O_CLOEXEC), RN_OPEN, RN_OPEN_OK);

			if (dfd >= 0) {
				r = tally(openat(dfd, "c/f", O_RDONLY | O_CLOEXEC), RN_OPEN, RN_OPEN_OK);
				close_if(r);
				close(dfd);
			}
		}
		i++;
	}
	return NULL;
}

static void *rn_chdirer(void *arg)
{
	unsigned long i = (unsigned long)arg;
	char in[2][4096], home[4096];

	own_cwd();
	path(in[0], sizeof(in[0]), "r/a/b/c");
	path(in[1], sizeof(in[1]), "r/x/b/c");
	path(home, sizeof(home), "r");
	while (!stop) {
		if (tally(chdir(in[i & 1]), RN_CHDIR, RN_CHDIR_OK) == 0) {
			long r;

			r = tally(openat(AT_FDCWD, "f", O_RDONLY | O_CLOEXEC), RN_OPEN, RN_OPEN_OK);
			close_if(r);
			r = tally(openat(AT_FDCWD, "../c/f", O_RDONLY | O_CLOEXEC), RN_OPEN, RN_OPEN_OK);
			close_if(r);
			tally(chdir(".."), RN_CHDIR, RN_CHDIR_OK);
		}
		tally(chdir(home), RN_CHDIR, RN_CHDIR_OK);
		i++;
	}
	return NULL;
}

static int rn_setup(void)
{
	char buf[4096];
	int fd;

	path(buf, sizeof(buf), "r");
	mkdir(buf, 0755);
	path(buf, sizeof(buf), "r/a");
	mkdir(buf, 0755);
	path(buf, sizeof(buf), "r/a/b");
	mkdir(buf, 0755);
	path(buf, sizeof(buf), "r/a/b/c");
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -1;
	path(buf, sizeof(buf), "r/a/b/c/f");
	fd = open(buf, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

/* ---- mount storm -------------------------------------------------------------- */

static void *mn_mounter(void *arg)
{
	unsigned long i = 0;
	char m[4096], bind[4096], sub[4096], f[4096];

	(void)arg;
	path(m, sizeof(m), "m");
	path(bind, sizeof(bind), "bind");
	path(sub, sizeof(sub), "m/sub");
	path(f, sizeof(f), "m/sub/f");
	while (!stop) {
		if (tally(mount("races", m, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=755"),
			  MN_MOUNT, MN_MOUNT_OK) == 0) {
			int fd;

			mkdir(sub, 0755);
			fd = open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			close_if(fd);
			if (i & 1)
				tally(mount(m, bind, NULL, MS_BIND, NULL), MN_MOUNT, MN_BIND_OK);
		}
		/* plain first (EBUSY while a file or a cwd is in it), then detached */
		if (i & 1)
			tally(umount2(bind, MNT_DETACH), MN_UMOUNT, MN_DETACH_OK);
		if (tally(umount2(m, 0), MN_UMOUNT, MN_UMOUNT_OK) < 0)
			tally(umount2(m, MNT_DETACH), MN_UMOUNT, MN_DETACH_OK);
		i++;
	}
	/* nothing left mounted on either (stacked mounts included) */
	while (umount2(bind, MNT_DETACH) == 0)
		;
	while (umount2(m, MNT_DETACH) == 0)
		;
	return NULL;
}

static void *mn_opener(void *arg)
{
	unsigned long i = (unsigned long)arg;
	int top;

	top = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0) {
		failed = 1;
		return NULL;
	}
	while (!stop) {
		long r;

		if (i % 3 == 2) {
			int sub = tally(openat(top, "m/sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC),
					MN_OPEN, MN_OPEN_OK);

			if (sub >= 0) {
				r = tally(openat(sub, "f", O_RDONLY | O_CLOEXEC), MN_OPEN, MN_OPEN_OK);
				close_if(r);
				close(sub);
			}
		} else {
			r = tally(openat(top, i & 1 ? "bind/sub/f" : "m/sub/f", O_RDONLY | O_CLOEXEC),
				  MN_OPEN, MN_OPEN_OK);
			close_if(r);
		}
		i++;
	}
	close(top);
	return NULL;
}

static void *mn_chdirer(void *arg)
{
	char sub[4096];

	(void)arg;
	own_cwd();
	path(sub, sizeof(sub), "m/sub");
	while (!stop) {
		if (tally(chdir(sub), MN_CHDIR, MN_CHDIR_OK) == 0) {
			long r = tally(openat(AT_FDCWD, "f", O_RDONLY | O_CLOEXEC), MN_OPEN, MN_OPEN_OK);

			close_if(r);
			usleep(500);
		}
		/* out of the mount: a cwd inside keeps a plain umount busy */
		tally(chdir(dir), MN_CHDIR, MN_CHDIR_OK);
	}
	return NULL;
}

static int mn_setup(void)
{
	char buf[4096];

	/* our own mount namespace, nothing propagating out: the mounts go away
	 * with us, even when we are killed */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		perror("races: mount namespace");
		return -1;
	}
	path(buf, sizeof(buf), "m");
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -1;
	path(buf, sizeof(buf), "bind");
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* ---- main ---------------------------------------------------------------------- */

struct thread_spec {
	void *(*fn)(void *);
	int n;
};

static pthread_t threads[64];
static int nthreads;

static void start(const struct thread_spec *spec)
{
	int i;

	for (; spec->fn; spec++) {
		for (i = 0; i < spec->n && nthreads < 64; i++) {
			if (pthread_create(&threads[nthreads], NULL, spec->fn,
					   (void *)(unsigned long)i) != 0) {
				perror("races: pthread_create");
				failed = 1;
				stop = 1;
				return;
			}
			nthreads++;
		}
	}
}

static const struct thread_spec fd_threads[] = {
	{ fd_churner, 2 }, { fd_user, 4 }, { fd_accepter, 1 }, { NULL, 0 }
};
static const struct thread_spec rn_threads[] = {
	{ rn_renamer, 2 }, { rn_opener, 2 }, { rn_chdirer, 2 }, { NULL, 0 }
};
static const struct thread_spec mn_threads[] = {
	{ mn_mounter, 1 }, { mn_opener, 2 }, { mn_chdirer, 1 }, { NULL, 0 }
};

static void print_counts(const char *prefix)
{
	unsigned long iters = 0;
	size_t len = strlen(prefix);
	int c;

	for (c = 0; c < NCOUNTS; c++) {
		const char *n = counts[c].name;

		if (strncmp(n, prefix, len) || n[len] != '.')
			continue;
		printf("%s=%lu\n", n, counts[c].n);
		/* the syscalls made: the counts that are not _ok / _eXXX splits */
		if (!strstr(n, "_ok") && strcmp(n + len + 1, "kind_fail"))
			iters += counts[c].n;
	}
	if (!strcmp(prefix, "fd")) {
		const char *sep = "";

		printf("fd.finit_errors=");
		for (c = 1; c < 4096; c++) {
			if (finit_errno[c]) {
				printf("%s%s:%lu", sep, strerrorname_np(c) ?: "?", finit_errno[c]);
				sep = ",";
			}
		}
		printf("\n");
	}
	printf("%s.iters=%lu\n", prefix, iters);
}

int main(int argc, char **argv)
{
	static char absdir[4096];
	struct sigaction sa;
	struct timespec t0, t;
	const char *mode;
	int secs, do_fd, do_rn, do_mn, i;

	if (argc != 4) {
		fprintf(stderr, "usage: races fd|rename|mount|all SECS DIR\n");
		return 2;
	}
	mode = argv[1];
	secs = atoi(argv[2]);
	if (!realpath(argv[3], absdir)) {
		perror(argv[3]);
		return 2;
	}
	dir = absdir;
	do_fd = !strcmp(mode, "fd") || !strcmp(mode, "all");
	do_rn = !strcmp(mode, "rename") || !strcmp(mode, "all");
	do_mn = !strcmp(mode, "mount") || !strcmp(mode, "all");
	if (!do_fd && !do_rn && !do_mn) {
		fprintf(stderr, "races: unknown workload '%s'\n", mode);
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* before any thread: unshare(CLONE_NEWNS) wants a lone thread */
	if ((do_mn && mn_setup() < 0) || (do_fd && fd_setup() < 0) || (do_rn && rn_setup() < 0)) {
		fprintf(stderr, "races: cannot set up %s in %s: %s\n", mode, dir, strerror(errno));
		return 1;
	}
	if (do_fd)
		start(fd_threads);
	if (do_rn)
		start(rn_threads);
	if (do_mn)
		start(mn_threads);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		usleep(100000);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (secs > 0 && t.tv_sec - t0.tv_sec >= secs)
			stop = 1;
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t);

	for (i = 0; i < NTARGETS; i++)
		close(targets[i]);
	printf("%s.seconds=%ld\n", mode, (long)(t.tv_sec - t0.tv_sec));
	if (do_fd)
		print_counts("fd");
	if (do_rn)
		print_counts("rename");
	if (do_mn)
		print_counts("mount");
	if (counts[FD_FINIT_OK].n)
		failed = 1;
	return failed;
}
