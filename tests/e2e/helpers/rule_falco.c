/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rule_falco.c - the syscalls behind triggers of Falco's stable rules that
 * no ordinary command makes on its own. Copied under the names the rules
 * look for (nginx, sshd, systemd, debugfs), so that the process that does
 * it has that name. Prints what it did, for the test's ground truth.
 *
 * usage: rule_falco MODE [ARGS...]
 *   noop [WORD...]              do nothing (an exec to be seen)
 *   spawn PROG [ARGS...]        fork, the child in a session of its own (no
 *                               controlling terminal) execs PROG; wait
 *   spawn-tty PROG [ARGS...]    the same, the child with a new pty as its
 *                               controlling terminal and stdio; its output
 *                               is copied to stdout
 *   spawn-as UID GID PROG [ARGS...]  the same as spawn, the child as UID:GID
 *   open-after SECONDS PATH     sleep, then open PATH for reading
 *   packet [WORD]               socket(AF_PACKET, SOCK_RAW, ETH_P_ALL)
 *   dup-socket NEWFD            a connected TCP socket on 127.0.0.1, dup2'd
 *                               onto NEWFD
 *   tcp-accept ADDR PORT READY  listen on ADDR:PORT, write READY once
 *                               listening, accept one connection, close it
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* every mode ends within a minute, whatever happens around it */
#define DEADLINE 60

static int wait_child(pid_t child)
{
	int status;

	if (waitpid(child, &status, 0) < 0) {
		perror("waitpid");
		return 1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* the parent of a spawn: copy the pty's output (if any), then wait */
static int spawn(char **argv, int as_user, uid_t uid, gid_t gid, int tty)
{
	int master = -1;
	char *slave = NULL;
	pid_t child;

	if (tty) {
		master = posix_openpt(O_RDWR | O_NOCTTY);
		if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
		    !(slave = ptsname(master))) {
			perror("rule_falco: pty");
			return 1;
		}
	}
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		setsid();
		if (tty) {
			int s = open(slave, O_RDWR);

			if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0) {
				perror("rule_falco: controlling terminal");
				_exit(126);
			}
			dup2(s, 0);
			dup2(s, 1);
			dup2(s, 2);
			if (s > 2)
				close(s);
			close(master);
		}
		if (as_user && (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)) {
			perror("rule_falco: set ids");
			_exit(126);
		}
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (tty) {
		char buf[4096];
		ssize_t n;

		/* EIO once the child and its descendants closed the slave */
		while ((n = read(master, buf, sizeof(buf))) > 0)
			if (write(1, buf, (size_t)n) != n)
				break;
		close(master);
	}
	return wait_child(child);
}

static int open_after(const char *secs, const char *path)
{
	int fd;

	sleep((unsigned int)atoi(secs));
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return 1;
	}
	printf("opened %s\n", path);
	close(fd);
	return 0;
}

static int packet(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0) {
		printf("packet socket: %s\n", strerror(errno));
		return 1;
	}
	printf("packet socket %d\n", fd);
	close(fd);
	return 0;
}

/* a listener, a client connected to it and the accepted end, all ours */
static int dup_socket(const char *newfd_s)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int newfd = atoi(newfd_s), l, c, s, r;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) < 0) {
		perror("rule_falco: listen");
		return 1;
	}
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("rule_falco: connect");
		return 1;
	}
	s = accept(l, NULL, NULL);
	if (s < 0) {
		perror("rule_falco: accept");
		return 1;
	}
	r = dup2(c, newfd);
	/* stdout may be the socket now: report on stderr */
	fprintf(stderr, "dup2 %d\n", r);
	close(s);
	close(l);
	return r == newfd ? 0 : 1;
}

static int tcp_accept(const char *addr, const char *port, const char *ready)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int one = 1, l, s;
	FILE *f;

	a.sin_port = htons((unsigned short)atoi(port));
	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		fprintf(stderr, "rule_falco: bad address '%s'\n", addr);
		return 2;
	}
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0) {
		perror("rule_falco: listen");
		return 1;
	}
	f = fopen(ready, "w");
	if (!f) {
		perror(ready);
		return 1;
	}
	fprintf(f, "listening\n");
	fclose(f);
	s = accept(l, NULL, NULL);
	if (s < 0) {
		perror("rule_falco: accept");
		return 1;
	}
	printf("accepted on %s:%s\n", addr, port);
	close(s);
	close(l);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	alarm(DEADLINE);
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(mode, "noop"))
		return 0;
	if (!strcmp(mode, "spawn") && argc > 2)
		return spawn(argv + 2, 0, 0, 0, 0);
	if (!strcmp(mode, "spawn-tty") && argc > 2)
		return spawn(argv + 2, 0, 0, 0, 1);
	if (!strcmp(mode, "spawn-as") && argc > 4)
		return spawn(argv + 4, 1, (uid_t)atoi(argv[2]), (gid_t)atoi(argv[3]), 0);
	if (!strcmp(mode, "open-after") && argc == 4)
		return open_after(argv[2], argv[3]);
	if (!strcmp(mode, "packet") && argc <= 3)
		return packet();
	if (!strcmp(mode, "dup-socket") && argc == 3)
		return dup_socket(argv[2]);
	if (!strcmp(mode, "tcp-accept") && argc == 5)
		return tcp_accept(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: rule_falco noop|spawn|spawn-tty|spawn-as|open-after|packet|"
		"dup-socket|tcp-accept ...\n");
	return 2;
}
