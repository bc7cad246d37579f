/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rule_suid.c - the last step of a privilege escalation: installed set-uid
 * root and run by an ordinary user, it makes its real uid root too
 * (setuid(0)) and runs a command as full root. Run with "-u UID" it drops
 * to UID instead, the everyday use of the same syscall (the near miss).
 *
 * usage: rule_suid [-u UID] COMMAND [ARGS...]
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	uid_t uid = 0;
	int first = 1;

	if (argc > 2 && !strcmp(argv[1], "-u")) {
		uid = (uid_t)strtoul(argv[2], NULL, 10);
		first = 3;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: rule_suid [-u UID] COMMAND [ARGS...]\n");
		return 2;
	}
	if (setuid(uid) < 0) {
		perror("setuid");
		return 1;
	}
	execv(argv[first], &argv[first]);
	perror(argv[first]);
	return 1;
}
