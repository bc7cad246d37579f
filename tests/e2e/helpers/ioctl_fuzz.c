/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ioctl_fuzz.c - random ioctl commands and arguments on /dev/shrike, from
 * two threads at once, while a third drains the rings.
 *
 *   ioctl_fuzz [-n ITERATIONS] [-s SEED] [-u UID]
 *
 * Commands: the six real ones (with random sizes and directions of the
 * same 'S' numbers too) and random 32-bit numbers. Arguments: NULL, small
 * numbers, kernel addresses, unmapped and read-only user memory, buffers of
 * random bytes, and plausible values (syscall numbers around nr_syscalls,
 * snap lengths around the limits, CONSUME positions around head and tail).
 *
 * -u UID: open the device as root, then drop to UID (all capabilities gone)
 * before fuzzing: the handler must hold up against a holder of the fd that
 * is not root. Errors are expected; the kernel must survive (checked by the
 * caller in dmesg) and the real ioctls must still work afterwards. Prints
 * counts per errno and "ok"/"not ok" for the after-check.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "../../../kmod/uapi/shrike.h"

static int fd;
static struct shrike_info info;
static long iterations = 20000;
static unsigned int seed = 1;
static volatile int done;
static unsigned long counts[256];	/* by errno (0: success) */
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static void *ro_page, *none_page;
static const struct shrike_ring_ctrl **ctrls;

static const unsigned int real_cmds[] = {
	SHRIKE_IOC_GET_INFO, SHRIKE_IOC_CONSUME, SHRIKE_IOC_ENABLE, SHRIKE_IOC_DISABLE,
	SHRIKE_IOC_SET_MASK, SHRIKE_IOC_GET_COUNTERS, SHRIKE_IOC_SET_SNAPLEN,
};
#define N_REAL (sizeof(real_cmds) / sizeof(real_cmds[0]))

static uint64_t rnd64(unsigned int *s)
{
	return ((uint64_t)rand_r(s) << 42) ^ ((uint64_t)rand_r(s) << 21) ^ (uint64_t)rand_r(s);
}

static unsigned int pick_cmd(unsigned int *s)
{
	unsigned int c = real_cmds[rand_r(s) % N_REAL];

	switch (rand_r(s) % 8) {
	case 0:	/* same number, another size */
		return (c & ~_IOC_SIZEMASK) | ((rand_r(s) & _IOC_SIZEMASK) << _IOC_SIZESHIFT);
	case 1:	/* same number, another direction */
		return (c & ~(_IOC_DIRMASK << _IOC_DIRSHIFT)) | ((rand_r(s) & 3u) << _IOC_DIRSHIFT);
	case 2:	/* any number of type 'S' */
		return _IOC(rand_r(s) & 3u, 'S', rand_r(s) & 0xff, rand_r(s) & _IOC_SIZEMASK);
	case 3:
		return (unsigned int)rnd64(s);
	default:
		return c;
	}
}

/* An argument for cmd: a pointer of some kind or a number. */
static unsigned long pick_arg(unsigned int *s, unsigned int cmd, char *buf, size_t buflen)
{
	size_t i;

	switch (rand_r(s) % 12) {
	case 0:
		return 0;
	case 1:
		return rand_r(s) % 4096;
	case 2:
		return 0xffff800000000000ul + (rnd64(s) & 0x7fffffffffffull);	/* kernel */
	case 3:
		return (unsigned long)none_page + (rand_r(s) % 4096);		/* PROT_NONE */
	case 4:
		return (unsigned long)ro_page;				/* read-only */
	case 5:
		return (unsigned long)rnd64(s);
	case 6:	/* plausible syscall numbers and snap lengths */
		switch (rand_r(s) % 4) {
		case 0: return info.nr_syscalls + (rand_r(s) % 5) - 2;
		case 1: return rand_r(s) % (info.nr_syscalls + 1);
		case 2: return SHRIKE_SNAPLEN_MIN + (rand_r(s) % 3) - 1;
		default: return SHRIKE_SNAPLEN_MAX + (rand_r(s) % 3) - 1;
		}
	case 7: {	/* a CONSUME request near a ring's real positions */
		struct shrike_consume *c = (void *)buf;
		unsigned int cpu = rand_r(s) % (info.ncpus + 1);

		memset(c, 0, sizeof(*c));
		c->cpu = cpu;
		if (cpu < info.ncpus) {
			uint64_t head = __atomic_load_n(&ctrls[cpu]->head, __ATOMIC_ACQUIRE);
			uint64_t tail = ctrls[cpu]->tail;

			switch (rand_r(s) % 4) {
			case 0: c->tail = head; break;
			case 1: c->tail = tail - 8; break;
			case 2: c->tail = head + 8; break;
			default: c->tail = tail + (rand_r(s) % 64); break;
			}
		}
		if (rand_r(s) % 8 == 0)
			c->__pad0 = rand_r(s);
		return (unsigned long)buf;
	}
	default:	/* random bytes, e.g. a random mask */
		for (i = 0; i < buflen; i++)
			buf[i] = (char)rand_r(s);
		if (cmd == SHRIKE_IOC_SET_MASK && rand_r(s) % 2) {
			/* mostly valid masks: only bits below nr_syscalls */
			struct shrike_syscall_mask *m = (void *)buf;

			for (i = info.nr_syscalls; i < SHRIKE_MAX_SYSCALLS; i++)
				m->bits[i / 64] &= ~(1ull << (i % 64));
		}
		/* sometimes the end of the buffer, so that a large copy runs off it */
		return (unsigned long)buf + (rand_r(s) % 4 == 0 ? buflen - rand_r(s) % 64 : 0);
	}
}

static void *fuzz_thread(void *arg)
{
	unsigned int s = seed * 2654435761u + (unsigned int)(uintptr_t)arg;
	size_t buflen = 2 * 4096;
	char *buf = mmap(NULL, buflen + 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long local[256] = { 0 };
	long i;

	/* a guard page after the buffer */
	mprotect(buf + buflen, 4096, PROT_NONE);
	for (i = 0; i < iterations; i++) {
		unsigned int cmd = pick_cmd(&s);
		unsigned long arg = pick_arg(&s, cmd, buf, buflen);
		long rc = ioctl(fd, cmd, arg);

		local[rc < 0 ? (errno & 0xff) : 0]++;
	}
	pthread_mutex_lock(&count_lock);
	for (i = 0; i < 256; i++)
		counts[i] += local[i];
	pthread_mutex_unlock(&count_lock);
	return NULL;
}

/* Drains the rings so that CONSUME requests near head mean something. */
static void *drain_thread(void *arg)
{
	(void)arg;
	while (!done) {
		unsigned int cpu;

		for (cpu = 0; cpu < info.ncpus; cpu++) {
			struct shrike_consume c = {
				.cpu = cpu,
				.tail = __atomic_load_n(&ctrls[cpu]->head, __ATOMIC_ACQUIRE),
			};

			ioctl(fd, SHRIKE_IOC_CONSUME, &c);
		}
		usleep(1000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[3];
	struct shrike_info after;
	struct shrike_counters cnt;
	unsigned int cpu;
	int c, uid = -1, ok = 1, i;

	while ((c = getopt(argc, argv, "n:s:u:")) != -1) {
		switch (c) {
		case 'n': iterations = atol(optarg); break;
		case 's': seed = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'u': uid = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: ioctl_fuzz [-n ITERATIONS] [-s SEED] [-u UID]\n");
			return 2;
		}
	}
	fd = open(SHRIKE_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("not ok - open: %s\n", strerrorname_np(errno));
		return 1;
	}
	if (ioctl(fd, SHRIKE_IOC_GET_INFO, &info) < 0)
		return 1;
	ctrls = calloc(info.ncpus, sizeof(*ctrls));
	for (cpu = 0; cpu < info.ncpus; cpu++) {
		void *m = mmap(NULL, info.map_stride, PROT_READ, MAP_SHARED, fd,
			       (off_t)cpu * (off_t)info.map_stride);

		if (m == MAP_FAILED)
			return 1;
		ctrls[cpu] = m;
	}
	ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	none_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (uid >= 0 && (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0)) {
		printf("not ok - cannot drop to uid %d\n", uid);
		return 1;
	}

	pthread_create(&t[2], NULL, drain_thread, NULL);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, fuzz_thread, (void *)(uintptr_t)i);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	done = 1;
	pthread_join(t[2], NULL);

	printf("# ioctl_fuzz: %ld calls (seed %u, uid %d):", 2 * iterations, seed, (int)getuid());
	for (i = 0; i < 256; i++)
		if (counts[i])
			printf(" %s=%lu", i ? strerrorname_np(i) : "ok", counts[i]);
	printf("\n");

	/* the device still answers sensibly: a session in a sane state */
	if (ioctl(fd, SHRIKE_IOC_GET_INFO, &after) < 0 || after.abi_version != info.abi_version ||
	    after.ncpus != info.ncpus || after.ring_bytes != info.ring_bytes ||
	    after.map_stride != info.map_stride || after.nr_syscalls != info.nr_syscalls)
		ok = 0;
	if (ioctl(fd, SHRIKE_IOC_SET_SNAPLEN, (unsigned long)SHRIKE_SNAPLEN_DEFAULT) < 0 ||
	    ioctl(fd, SHRIKE_IOC_GET_COUNTERS, &cnt) < 0 ||
	    ioctl(fd, SHRIKE_IOC_ENABLE, 0ul) < 0)
		ok = 0;
	printf("%s - after %ld random ioctls as uid %d the real ones still work\n",
	       ok ? "ok" : "not ok", 2 * iterations, (int)getuid());
	return ok ? 0 : 1;
}
