/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rule_ptrace.c - ptrace the way an injector does and the way a debugged
 * program does. attach/seize: fork a child, attach to it with
 * PTRACE_ATTACH or PTRACE_SEIZE, detach, kill it. traceme: a child asks to
 * be traced by its parent (PTRACE_TRACEME), which attaches to nothing (the
 * near miss). Prints the child's pid as its own pid namespace sees it.
 *
 * usage: rule_ptrace attach|seize|traceme
 */

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	pid_t child;
	long req;

	if (argc != 2) {
		fprintf(stderr, "usage: rule_ptrace attach|seize|traceme\n");
		return 2;
	}
	if (!strcmp(argv[1], "traceme")) {
		child = fork();
		if (child == 0) {
			ptrace(PTRACE_TRACEME, 0, NULL, NULL);
			_exit(0);
		}
		waitpid(child, NULL, 0);
		printf("traceme child %d\n", (int)child);
		return 0;
	}
	if (!strcmp(argv[1], "attach"))
		req = PTRACE_ATTACH;
	else if (!strcmp(argv[1], "seize"))
		req = PTRACE_SEIZE;
	else {
		fprintf(stderr, "rule_ptrace: unknown mode '%s'\n", argv[1]);
		return 2;
	}
	child = fork();
	if (child == 0) {
		for (;;)
			pause();
	}
	if (ptrace(req, child, NULL, NULL) < 0) {
		perror("ptrace");
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return 1;
	}
	if (req == PTRACE_ATTACH)
		waitpid(child, NULL, __WALL);
	ptrace(PTRACE_DETACH, child, NULL, NULL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	printf("%s child %d\n", argv[1], (int)child);
	return 0;
}
