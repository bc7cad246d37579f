/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rule_memfd.c - runs a program the way fileless malware does: copies it
 * into an anonymous memory file (memfd_create) and executes that, so no
 * file on disk is ever executed. The "file" mode executes the same program
 * through an fd of the file itself, the same execveat(AT_EMPTY_PATH) call
 * without a memfd: the near miss of the fileless-execution rule.
 *
 * usage: rule_memfd memfd|file PROGRAM ARGV0 [ARGS...]
 *   e.g. rule_memfd memfd /bin/busybox echo marker   (busybox runs "echo")
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

static int copy_to_memfd(const char *prog)
{
	char buf[65536];
	ssize_t n;
	int in, mfd;

	in = open(prog, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		perror(prog);
		return -1;
	}
	mfd = memfd_create("rule-fileless", MFD_CLOEXEC);
	if (mfd < 0) {
		perror("memfd_create");
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(mfd, buf, (size_t)n) != n) {
			perror("write");
			n = -1;
			break;
		}
	}
	close(in);
	if (n < 0) {
		close(mfd);
		return -1;
	}
	return mfd;
}

int main(int argc, char **argv)
{
	int fd;

	if (argc < 4 || (strcmp(argv[1], "memfd") && strcmp(argv[1], "file"))) {
		fprintf(stderr, "usage: rule_memfd memfd|file PROGRAM ARGV0 [ARGS...]\n");
		return 2;
	}
	if (!strcmp(argv[1], "memfd"))
		fd = copy_to_memfd(argv[2]);
	else
		fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	syscall(SYS_execveat, fd, "", &argv[3], environ, AT_EMPTY_PATH);
	perror("execveat");
	return 1;
}
