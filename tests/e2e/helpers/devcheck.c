/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * devcheck.c - drives /dev/shrike with bad and good requests and prints one
 * TAP line per check. Runs inside the VM with the module loaded and no other
 * reader. "devcheck open" only tries to open (for the non-root test) and
 * prints the errno name it got.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "../../../kmod/uapi/shrike.h"
#include "tap.h"

/* rc must be -1 with errno == want */
static void expect_err(long rc, int want, const char *what)
{
	int e = errno;

	check(rc == -1 && e == want, "%s fails with %s (got rc=%ld %s)", what, strerrorname_np(want),
	      rc, rc == -1 ? strerrorname_np(e) : "no error");
}

int main(int argc, char **argv)
{
	struct shrike_info info;
	struct shrike_syscall_mask mask;
	struct shrike_consume cons;
	struct shrike_counters cnt;
	void *m;
	int fd, fd2;

	if (argc > 1 && !strcmp(argv[1], "open")) {
		fd = open(SHRIKE_DEVICE, O_RDONLY);
		printf("%s\n", fd < 0 ? strerrorname_np(errno) : "OPENED");
		return 0;
	}
	/* read-write, so that a writable mapping reaches the driver's own check */
	fd = open(SHRIKE_DEVICE, O_RDWR);
	check(fd >= 0, "root opens the device");
	if (fd < 0)
		return 1;
	check(ioctl(fd, SHRIKE_IOC_GET_INFO, &info) == 0 && info.abi_version == SHRIKE_ABI_VERSION,
	      "GET_INFO reports abi %d", SHRIKE_ABI_VERSION);
	check(info.ncpus == (unsigned)sysconf(_SC_NPROCESSORS_CONF), "one ring per cpu (%u)", info.ncpus);
	check(info.ring_bytes == 8u << 20, "default ring is 8 MiB (%llu)",
	      (unsigned long long)info.ring_bytes);
	check(info.map_stride == info.ring_bytes + (unsigned)getpagesize(),
	      "map stride is a control page plus the ring");

	fd2 = open(SHRIKE_DEVICE, O_RDONLY);
	expect_err(fd2, EBUSY, "a second reader");

	expect_err(ioctl(fd, _IO('S', 99)), ENOTTY, "unknown ioctl 'S' 99");
	expect_err(ioctl(fd, 0x12345678), ENOTTY, "random ioctl 0x12345678");
	expect_err(ioctl(fd, SHRIKE_IOC_ENABLE, 100000UL), EINVAL, "enabling syscall 100000");
	expect_err(ioctl(fd, SHRIKE_IOC_ENABLE, (unsigned long)info.nr_syscalls), EINVAL,
		   "enabling syscall nr_syscalls");
	expect_err(ioctl(fd, SHRIKE_IOC_ENABLE, -1UL), EINVAL, "enabling syscall -1");
	check(ioctl(fd, SHRIKE_IOC_ENABLE, 0UL) == 0, "enabling syscall 0 works");
	check(ioctl(fd, SHRIKE_IOC_DISABLE, 0UL) == 0, "disabling syscall 0 works");
	memset(&mask, 0, sizeof(mask));
	mask.bits[SHRIKE_MAX_SYSCALLS / 64 - 1] = 1ull << 63;
	expect_err(ioctl(fd, SHRIKE_IOC_SET_MASK, &mask), EINVAL, "a mask with bit 511 set");
	expect_err(ioctl(fd, SHRIKE_IOC_SET_MASK, (void *)8), EFAULT, "a mask at a bad address");
	expect_err(ioctl(fd, SHRIKE_IOC_GET_INFO, (void *)8), EFAULT, "GET_INFO to a bad address");
	expect_err(ioctl(fd, SHRIKE_IOC_SET_SNAPLEN, 10UL), EINVAL, "snaplen 10");
	expect_err(ioctl(fd, SHRIKE_IOC_SET_SNAPLEN, 1UL << 20), EINVAL, "snaplen 1 MiB");
	check(ioctl(fd, SHRIKE_IOC_GET_COUNTERS, &cnt) == 0, "GET_COUNTERS works");

	cons = (struct shrike_consume){ .cpu = info.ncpus, .tail = 0 };
	expect_err(ioctl(fd, SHRIKE_IOC_CONSUME, &cons), EINVAL, "CONSUME for a cpu past the last");
	cons = (struct shrike_consume){ .cpu = 0, .tail = 1ull << 40 };
	expect_err(ioctl(fd, SHRIKE_IOC_CONSUME, &cons), EINVAL, "CONSUME past head");
	cons = (struct shrike_consume){ .cpu = 0, .__pad0 = 1 };
	expect_err(ioctl(fd, SHRIKE_IOC_CONSUME, &cons), EINVAL, "CONSUME with nonzero padding");

	m = mmap(NULL, info.map_stride, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	expect_err(m == MAP_FAILED ? -1 : 0, EACCES, "a writable mapping");
	m = mmap(NULL, info.map_stride / 2, PROT_READ, MAP_SHARED, fd, 0);
	expect_err(m == MAP_FAILED ? -1 : 0, EINVAL, "a mapping of half a ring");
	m = mmap(NULL, info.map_stride, PROT_READ, MAP_SHARED, fd, (off_t)getpagesize());
	expect_err(m == MAP_FAILED ? -1 : 0, EINVAL, "a mapping at a misaligned offset");
	m = mmap(NULL, info.map_stride, PROT_READ, MAP_SHARED, fd,
		 (off_t)(info.map_stride * info.ncpus));
	expect_err(m == MAP_FAILED ? -1 : 0, EINVAL, "a mapping past the last cpu");
	m = mmap(NULL, info.map_stride, PROT_READ, MAP_PRIVATE, fd, 0);
	expect_err(m == MAP_FAILED ? -1 : 0, EINVAL, "a private mapping");
	m = mmap(NULL, info.map_stride, PROT_READ, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "a read-only mapping of cpu 0 works");
	if (m != MAP_FAILED) {
		const struct shrike_ring_ctrl *c = m;

		check(c->ring_bytes == info.ring_bytes && c->cpu == 0,
		      "the control page describes cpu 0's ring");
		expect_err(mprotect(m, info.map_stride, PROT_READ | PROT_WRITE), EACCES,
			   "mprotect to writable");
		munmap(m, info.map_stride);
	}
	close(fd);
	fd = open(SHRIKE_DEVICE, O_RDONLY);
	check(fd >= 0, "the device can be opened again after close");
	close(fd);
	printf("# devcheck: %d checks\n", tap_n);
	return tap_failed;
}
