/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadgen.c - as many captured syscalls per second as the machine allows:
 * worker processes in tight loops of openat+close of a file or TCP connect
 * to a closed loopback port, for a fixed time.
 *
 * usage: loadgen SECONDS OPEN_WORKERS CONNECT_WORKERS FILE PORT
 *
 * Prints one line: "seconds S open_ops N connect_ops N syscalls N
 * syscalls_per_s R" (openat+close counts two syscalls, connect one).
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long open_loop(double end, const char *path)
{
	long n = 0;

	while ((n & 255) || now_s() < end) {
		int fd = openat(AT_FDCWD, path, O_RDONLY);

		if (fd < 0)
			return -1;
		close(fd);
		n++;
	}
	return n;
}

static long connect_loop(double end, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	long n = 0;

	if (fd < 0)
		return -1;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while ((n & 255) || now_s() < end) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno != ECONNREFUSED)
			return -1;
		n++;
	}
	close(fd);
	return n;
}

int main(int argc, char **argv)
{
	long totals[2] = { 0, 0 };
	double secs, start, end;
	int nopen, nconn, i, p[2];

	if (argc != 6 || (secs = atof(argv[1])) <= 0 || (nopen = atoi(argv[2])) < 0 ||
	    (nconn = atoi(argv[3])) < 0 || nopen + nconn == 0) {
		fprintf(stderr, "usage: loadgen SECONDS OPEN_WORKERS CONNECT_WORKERS FILE PORT\n");
		return 2;
	}
	if (pipe(p) < 0)
		return 1;
	start = now_s();
	end = start + secs;
	for (i = 0; i < nopen + nconn; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			long rec[2];

			rec[0] = i < nopen ? 0 : 1;
			rec[1] = i < nopen ? open_loop(end, argv[4]) : connect_loop(end, atoi(argv[5]));
			if (rec[1] < 0) {
				fprintf(stderr, "loadgen: worker %d: %s\n", i, strerror(errno));
				_exit(1);
			}
			if (write(p[1], rec, sizeof(rec)) != sizeof(rec))
				_exit(1);
			_exit(0);
		}
	}
	close(p[1]);
	for (i = 0; i < nopen + nconn; i++) {
		long rec[2];
		int status;

		if (read(p[0], rec, sizeof(rec)) != sizeof(rec))
			return 1;
		totals[rec[0]] += rec[1];
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			return 1;
	}
	secs = now_s() - start;
	printf("seconds %.3f open_ops %ld connect_ops %ld syscalls %ld syscalls_per_s %.0f\n", secs,
	       totals[0], totals[1], 2 * totals[0] + totals[1],
	       (double)(2 * totals[0] + totals[1]) / secs);
	return 0;
}
