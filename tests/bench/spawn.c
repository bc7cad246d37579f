/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * spawn.c - many live processes for the daemon's memory benchmark.
 *
 * usage: spawn procs N            N children that sleep (fork only)
 *        spawn mntns N DIR        N children, each in its own mount namespace
 *                                 with DIR/passwd.<i> bind-mounted over
 *                                 /etc/passwd (written here, a few users
 *                                 each), that then become uid/gid 1000
 *                                 (named u<i>_1 in that file) and exec
 *                                 "spawn sleep": the exec is an event from
 *                                 inside the namespace
 *        spawn sleep              sleep until killed
 *
 * Prints "ready N" on stdout once every child exists (and, for mntns, has
 * exec'd), then waits for SIGTERM/SIGINT and kills its children. Children
 * are in the parent's process group and die with it on SIGKILL of the group.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define USERS_PER_FILE 16

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void sleep_forever(void)
{
	/* the parent's handlers came along with fork: the default is to die */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	/* the parent may die first: go with it */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;)
		pause();
}

static int write_passwd(const char *path, long i)
{
	FILE *f = fopen(path, "w");
	int k;

	if (!f)
		return -1;
	fprintf(f, "root:x:0:0:root ns %ld:/root:/bin/sh\n", i);
	for (k = 1; k <= USERS_PER_FILE; k++)
		fprintf(f, "u%ld_%d:x:%d:%d:user %d of namespace %ld:/home/u%ld_%d:/bin/sh\n", i, k,
			999 + k, 999 + k, k, i, i, k);
	return fclose(f);
}

/* The child of "mntns": a private mount namespace with its own passwd. */
static void ns_child(const char *self, const char *passwd)
{
	char *const argv[] = { (char *)self, "sleep", NULL };

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(passwd, "/etc/passwd", NULL, MS_BIND, NULL) < 0 ||
	    setgid(1000) < 0 || setuid(1000) < 0) {
		fprintf(stderr, "spawn: namespace for %s: %s\n", passwd, strerror(errno));
		_exit(1);
	}
	execv(self, argv);
	_exit(127);
}

static int spawn(long n, const char *dir, const char *self)
{
	int sync[2], status;
	long i;

	/* every child holds the write end until it is in place: EOF means ready */
	if (pipe2(sync, O_CLOEXEC) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char path[4096];
		pid_t pid;

		if (dir) {
			snprintf(path, sizeof(path), "%s/passwd.%ld", dir, i);
			if (write_passwd(path, i) < 0) {
				fprintf(stderr, "spawn: %s: %s\n", path, strerror(errno));
				return -1;
			}
		}
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "spawn: fork %ld: %s\n", i, strerror(errno));
			return -1;
		}
		if (pid == 0) {
			close(sync[0]);
			if (dir)
				ns_child(self, path);	/* the exec closes the write end */
			close(sync[1]);
			sleep_forever();
		}
	}
	close(sync[1]);
	while (read(sync[0], &i, 1) > 0)
		;
	close(sync[0]);
	if (waitpid(-1, &status, WNOHANG) > 0) {
		fprintf(stderr, "spawn: a child exited early (status 0x%x)\n", status);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop };
	char self[4096];
	ssize_t len;
	long n;

	if (argc == 2 && !strcmp(argv[1], "sleep"))
		sleep_forever();
	if (argc < 3 || (strcmp(argv[1], "procs") && strcmp(argv[1], "mntns")) ||
	    (n = atol(argv[2])) <= 0 || (!strcmp(argv[1], "mntns") && argc != 4)) {
		fprintf(stderr, "usage: spawn procs N | spawn mntns N DIR | spawn sleep\n");
		return 2;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		return 1;
	self[len] = '\0';
	/* our own process group: the children go with it, the caller's shell does not */
	setpgid(0, 0);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (spawn(n, argc == 4 ? argv[3] : NULL, self) < 0) {
		kill(0, SIGKILL);
		return 1;
	}
	printf("ready %ld\n", n);
	fflush(stdout);
	while (!stop)
		pause();
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}
