/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuse_stall.c - for tests/e2e/45-lxc-attacks.sh. fuse_stall PID DIR: mount a FUSE filesystem that never answers on DIR in
 * the mount namespace of PID (a container's /etc, as its privileged root
 * could), print "ready", and hold it until killed. Nobody ever reads the
 * FUSE device, so not even the INIT request is answered: every lookup below
 * DIR waits (killably) for as long as this process lives. Killing it aborts
 * the connection: the waiters get ENOTCONN, and DIR stays a dead mount until
 * unmounted.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char path[64], opts[128];
	int dev, ns;

	if (argc != 3) {
		fprintf(stderr, "usage: fuse_stall PID DIR\n");
		return 2;
	}
	dev = open("/dev/fuse", O_RDWR);
	if (dev < 0) {
		perror("fuse_stall: /dev/fuse");
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/%s/ns/mnt", argv[1]);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWNS) < 0) {
		perror("fuse_stall: setns");
		return 1;
	}
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", dev);
	if (mount("shrike-stall", argv[2], "fuse", MS_NOSUID | MS_NODEV, opts) < 0) {
		perror("fuse_stall: mount");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
