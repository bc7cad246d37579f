/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * opbench.c - times N repetitions of one operation and prints nanoseconds per
 * operation. Run with QEMU's -icount shift=0 (one guest nanosecond per guest
 * instruction) this reads guest instructions per operation.
 *
 * usage: opbench [-r REPS] getppid N
 *        opbench [-r REPS] openat N FILE        openat(O_RDONLY) + close of FILE
 *        opbench [-r REPS] connect N PORT       UDP connect to 127.0.0.1:PORT (closed)
 *        opbench [-r REPS] forkexec N PROGRAM   fork, execve PROGRAM, waitpid
 *
 * A warm-up of N/4 untimed operations comes first, then REPS (default 1)
 * timed rounds of N back to back. Back to back matters when a consumer
 * (a daemon reading the events) shares the CPU: it lags the producer by up
 * to its polling interval, and with rounds in a row each one carries the
 * previous one's lag in and its own out, so every round holds one round's
 * worth of consumer work (the warm-up fills the pipe before the first).
 *
 * Output, one line per round: "<op> <N> <round> <total ns> <ns per op>".
 * Exit 1 if an operation did not behave as expected (a broken loop is not
 * timed).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static int die(const char *what)
{
	fprintf(stderr, "opbench: %s: %s\n", what, strerror(errno));
	return -1;
}

static int run_getppid(long n, const char *arg)
{
	long i;

	(void)arg;
	/* the raw syscall: glibc could one day cache it */
	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}

static int run_openat(long n, const char *path)
{
	long i;

	for (i = 0; i < n; i++) {
		int fd = openat(AT_FDCWD, path, O_RDONLY);

		if (fd < 0)
			return die(path);
		close(fd);
	}
	return 0;
}

/*
 * connect() of a UDP socket to a closed loopback port, again and again on
 * the same socket: the syscall with its address (what a monitor records),
 * without the TCP handshake. A refused TCP connect was the first choice, but
 * its cost inside one boot jumps between ~24,000 and ~50,000 instructions
 * with the kernel's softirq state, which hides a monitor's few thousand.
 */
static int run_connect(long n, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	long i;

	if (fd < 0)
		return die("socket");
	sa.sin_port = htons((unsigned short)atoi(port));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < n; i++) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			close(fd);
			return die("connect");
		}
	}
	close(fd);
	return 0;
}

static int run_forkexec(long n, const char *prog)
{
	char *const argv[] = { (char *)prog, NULL };
	char *const envp[] = { NULL };
	long i;

	for (i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0)
			return die("fork");
		if (pid == 0) {
			execve(prog, argv, envp);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0)
			return die("waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "opbench: %s exited with status 0x%x\n", prog, status);
			return -1;
		}
	}
	return 0;
}

static const struct {
	const char *name;
	int (*run)(long n, const char *arg);
	int needs_arg;
} ops[] = {
	{ "getppid", run_getppid, 0 },
	{ "openat", run_openat, 1 },
	{ "connect", run_connect, 1 },
	{ "forkexec", run_forkexec, 1 },
};

int main(int argc, char **argv)
{
	int reps = 1, opt, r;
	const char *arg;
	size_t i;
	long n;

	while ((opt = getopt(argc, argv, "r:")) != -1) {
		if (opt != 'r' || (reps = atoi(optarg)) < 1)
			goto usage;
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		goto usage;
	n = atol(argv[1]);
	arg = argc > 2 ? argv[2] : NULL;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(argv[0], ops[i].name) || n <= 0 || argc != 2 + ops[i].needs_arg)
			continue;
		/* page faults, dentry and socket caches, and the consumer's pipe */
		if (ops[i].run(n / 4 + 1, arg) < 0)
			return 1;
		for (r = 1; r <= reps; r++) {
			unsigned long long t0 = now_ns(), t1;

			if (ops[i].run(n, arg) < 0)
				return 1;
			t1 = now_ns();
			printf("%s %ld %d %llu %.1f\n", argv[0], n, r, t1 - t0,
			       (double)(t1 - t0) / (double)n);
			fflush(stdout);
		}
		return 0;
	}
usage:
	fprintf(stderr, "usage: opbench [-r REPS] getppid|openat|connect|forkexec N [FILE|PORT|PROGRAM]\n");
	return 2;
}
