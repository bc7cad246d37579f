/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stress_mmap.c - mappings of /dev/shrike that devcheck does not try: huge
 * lengths, offsets past the end, PROT_EXEC, MAP_FIXED over other mappings,
 * mremap (grow, shrink, move), munmap of half a ring, a mapping that outlives
 * its fd or is inherited by a child, and read/write/lseek on the device.
 * One TAP line per check. Runs as root with the module loaded, no reader,
 * and nothing else mapping the device.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "../../../kmod/uapi/shrike.h"
#include "tap.h"

static const char *err_of(void *m)
{
	return m == MAP_FAILED ? strerrorname_np(errno) : "mapped";
}

/* A mapping that must be refused: any errno, but not success. */
static void refused(void *m, size_t len, const char *what)
{
	const char *e = err_of(m);

	check(m == MAP_FAILED, "%s is refused (%s)", what, e);
	if (m != MAP_FAILED)
		munmap(m, len);
}

static int ring_ok(const void *m, unsigned int cpu, const struct shrike_info *info)
{
	const struct shrike_ring_ctrl *c = m;

	return c->cpu == cpu && c->ring_bytes == info->ring_bytes;
}

/* Whether a fresh open is refused as busy (a session is still alive). */
static const char *try_open(void)
{
	int fd = open(SHRIKE_DEVICE, O_RDONLY);

	if (fd < 0)
		return strerrorname_np(errno);
	close(fd);
	return "OPENED";
}

int main(void)
{
	struct shrike_info info;
	long page = getpagesize();
	size_t stride, half;
	char *m, *m2, *anon;
	int fd, status, rc;
	pid_t child;
	char buf[16], last;

	fd = open(SHRIKE_DEVICE, O_RDWR);
	check(fd >= 0, "root opens the device read-write");
	if (fd < 0)
		return 1;
	if (ioctl(fd, SHRIKE_IOC_GET_INFO, &info) < 0)
		return 1;
	stride = info.map_stride;
	half = (stride / 2) & ~(size_t)(page - 1);

	/* lengths and offsets */
	refused(mmap(NULL, 1ul << 40, PROT_READ, MAP_SHARED, fd, 0), 1ul << 40,
		"a mapping of 1 TiB");
	refused(mmap(NULL, stride * 2, PROT_READ, MAP_SHARED, fd, 0), stride * 2,
		"a mapping of two rings at once");
	refused(mmap(NULL, stride + page, PROT_READ, MAP_SHARED, fd, 0), stride + page,
		"a mapping one page longer than a ring");
	refused(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0), page,
		"a mapping of the control page alone");
	refused(mmap(NULL, stride, PROT_READ, MAP_SHARED, fd, (off_t)(stride * 1024)), stride,
		"a mapping at cpu 1024");
	refused(mmap(NULL, stride, PROT_READ, MAP_SHARED, fd, (off_t)1 << 46), stride,
		"a mapping at offset 2^46");
	refused(mmap(NULL, stride, PROT_READ, MAP_SHARED, fd, (off_t)(0x7fffffffffffffffll & ~(page - 1))),
		stride, "a mapping at the largest offset");
	refused(mmap(NULL, stride, PROT_READ, MAP_SHARED, fd, -page), stride,
		"a mapping at a negative offset");
	refused(mmap(NULL, stride, PROT_READ, MAP_SHARED | MAP_GROWSDOWN, fd, 0), stride,
		"a MAP_GROWSDOWN mapping");

	/* executable: the ring holds bytes other users chose (argv, paths) */
	refused(mmap(NULL, stride, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0), stride,
		"an executable (PROT_EXEC) mapping");
	m = mmap(NULL, stride, PROT_READ, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "a read-only mapping of cpu 0 (%s)", err_of(m));
	if (m == MAP_FAILED)
		return 1;
	errno = 0;
	check(mprotect(m, stride, PROT_READ | PROT_EXEC) < 0,
	      "mprotect of a ring to executable is refused (%s)",
	      errno ? strerrorname_np(errno) : "allowed");
	mprotect(m, stride, PROT_READ);
	check(mprotect(m, stride, PROT_READ | PROT_WRITE) < 0, "mprotect to writable is refused");

	/* MAP_FIXED over an anonymous mapping, then over another ring */
	anon = mmap(NULL, stride, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(anon, 0x5a, stride);
	m2 = mmap(anon, stride, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	check(m2 == anon && ring_ok(m2, 0, &info),
	      "MAP_FIXED over an anonymous mapping shows cpu 0's ring (%s)", err_of(m2));
	if (info.ncpus > 1) {
		m2 = mmap(anon, stride, PROT_READ, MAP_SHARED | MAP_FIXED, fd, (off_t)stride);
		check(m2 == anon && ring_ok(m2, 1, &info),
		      "MAP_FIXED of cpu 1 over cpu 0's mapping shows cpu 1 (%s)", err_of(m2));
	}
	m2 = mmap(anon + page, page, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	check(m2 == MAP_FAILED, "MAP_FIXED of one page into a ring mapping is refused (%s)",
	      err_of(m2));
	check(ring_ok(anon, info.ncpus > 1 ? 1 : 0, &info),
	      "the ring mapped around a refused MAP_FIXED still reads");
	munmap(anon, stride);

	/* mremap: growing is refused (VM_DONTEXPAND), moving and shrinking work */
	m2 = mremap(m, stride, stride * 2, MREMAP_MAYMOVE);
	check(m2 == MAP_FAILED, "mremap growing a ring is refused (%s)", err_of(m2));
	if (m2 != MAP_FAILED)
		m = m2;
	anon = mmap(NULL, stride * 2, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	m2 = mremap(m, stride, stride, MREMAP_MAYMOVE | MREMAP_FIXED, anon + stride);
	check(m2 != MAP_FAILED && ring_ok(m2, 0, &info),
	      "mremap moving a ring keeps it readable (%s)", err_of(m2));
	if (m2 != MAP_FAILED)
		m = m2;
	m2 = mremap(m, stride, page, 0);
	check(m2 == m && ring_ok(m2, 0, &info), "mremap shrinking a ring to its control page (%s)",
	      err_of(m2));
	munmap(anon, stride * 2);	/* also what is left of the ring */

	/* munmap of half; the rest outlives the fd and keeps the session */
	m = mmap(NULL, stride, PROT_READ, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "a second mapping of cpu 0 (%s)", err_of(m));
	if (m == MAP_FAILED)
		return 1;
	rc = munmap(m + half, stride - half);
	check(rc == 0, "munmap of the second half of a ring (%s)",
	      rc ? strerrorname_np(errno) : "done");
	last = ((volatile char *)m)[half - 1];
	(void)last;
	check(ring_ok(m, 0, &info), "the first half is still readable, to its last byte");
	check(read(fd, buf, sizeof(buf)) < 0, "read() on the device fails (%s)",
	      strerrorname_np(errno));
	check(write(fd, buf, sizeof(buf)) < 0, "write() on the device fails (%s)",
	      strerrorname_np(errno));
	check(lseek(fd, 0, SEEK_SET) < 0 && errno == ESPIPE, "lseek() fails with ESPIPE");
	close(fd);
	check(!strcmp(try_open(), "EBUSY"), "after close, the half mapping keeps the session (%s)",
	      try_open());
	check(system("rmmod shrike 2>/dev/null") != 0, "rmmod is refused while only a mapping is left");

	/* a child inherits the mapping; the session lives until the child is gone */
	child = fork();
	if (child == 0) {
		pause();
		_exit(ring_ok(m, 0, &info) ? 0 : 1);
	}
	munmap(m, half);
	check(!strcmp(try_open(), "EBUSY"), "a child's inherited mapping keeps the session (%s)",
	      try_open());
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	check(!strcmp(try_open(), "OPENED"), "once the child is gone the device opens again (%s)",
	      try_open());

	printf("# stress_mmap: %d checks\n", tap_n);
	return tap_failed;
}
