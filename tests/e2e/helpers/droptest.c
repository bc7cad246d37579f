/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * droptest.c - a stalled reader: select openat, let a child flood the rings
 * without consuming, then drain everything and check the counters add up
 * exactly (delivered + dropped = seen) and that every delivered record is
 * well-formed. Prints TAP lines. Run with the module loaded with a small
 * bufsize and no other reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../../../kmod/uapi/shrike.h"
#include "../../../kmod/uapi/shrike_events.h"
#include "tap.h"

/* Walk one ring from its tail to its head; count records, reject torn ones. */
static int drain(int fd, const struct shrike_info *info, void *map, uint32_t cpu,
		 uint64_t *delivered, uint64_t *bad)
{
	const struct shrike_ring_ctrl *ctrl = map;
	const char *data = (const char *)map + (info->map_stride - info->ring_bytes);
	uint64_t head = __atomic_load_n(&ctrl->head, __ATOMIC_ACQUIRE);
	uint64_t pos = ctrl->tail;
	struct shrike_consume req = { .cpu = cpu };

	while (pos < head) {
		const struct shrike_evt_hdr *h = (const void *)(data + (pos & (info->ring_bytes - 1)));
		uint64_t to_end = info->ring_bytes - (pos & (info->ring_bytes - 1));
		uint32_t sum = 0, i;
		uint16_t plen;

		if (h->len < 8 || (h->len & 7) || h->len > head - pos || h->len > to_end) {
			(*bad)++;
			return -1;
		}
		if (h->type != SHRIKE_EVT_PAD) {
			size_t off = (sizeof(*h) + h->nparams * 2 + 7) & ~7ul;

			for (i = 0; i < h->nparams; i++) {
				memcpy(&plen, (const char *)h + sizeof(*h) + 2 * i, 2);
				sum += plen & SHRIKE_PARAM_LEN_MASK;
			}
			if ((h->type & ~SHRIKE_EVT_ENTER) >= SHRIKE_EVT_MAX || off + sum > h->len)
				(*bad)++;
			else
				(*delivered)++;
		}
		pos += h->len;
	}
	req.tail = pos;
	return ioctl(fd, SHRIKE_IOC_CONSUME, &req);
}

int main(int argc, char **argv)
{
	int flood = argc > 1 ? atoi(argv[1]) : 20000;
	struct shrike_syscall_mask mask = { { 0 } }, none = { { 0 } };
	struct shrike_counters c1, c2;
	struct shrike_info info;
	uint64_t delivered = 0, bad = 0;
	void **maps;
	uint32_t cpu;
	int fd, i, rounds;
	pid_t child;

	fd = open(SHRIKE_DEVICE, O_RDONLY);
	if (fd < 0 || ioctl(fd, SHRIKE_IOC_GET_INFO, &info) < 0) {
		perror("open " SHRIKE_DEVICE);
		return 1;
	}
	maps = calloc(info.ncpus, sizeof(*maps));
	for (cpu = 0; cpu < info.ncpus; cpu++) {
		maps[cpu] = mmap(NULL, info.map_stride, PROT_READ, MAP_SHARED, fd,
				 (off_t)cpu * (off_t)info.map_stride);
		if (maps[cpu] == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
	}
	mask.bits[__NR_openat / 64] |= 1ull << (__NR_openat % 64);
	ioctl(fd, SHRIKE_IOC_SET_MASK, &mask);
	child = fork();
	if (child == 0) {
		for (i = 0; i < flood; i++)
			close(syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY));
		_exit(0);
	}
	waitpid(child, NULL, 0);
	ioctl(fd, SHRIKE_IOC_SET_MASK, &none);
	/* process exits are always reported: drain until the counters stand still */
	for (rounds = 0; rounds < 100; rounds++) {
		ioctl(fd, SHRIKE_IOC_GET_COUNTERS, &c1);
		for (cpu = 0; cpu < info.ncpus; cpu++)
			drain(fd, &info, maps[cpu], cpu, &delivered, &bad);
		ioctl(fd, SHRIKE_IOC_GET_COUNTERS, &c2);
		if (!memcmp(&c1, &c2, sizeof(c1)))
			break;
	}
	printf("# ring %llu bytes/cpu, flood %d openat: seen %llu delivered %llu dropped_full %llu "
	       "dropped_nested %llu bad %llu\n", (unsigned long long)info.ring_bytes, flood,
	       (unsigned long long)c2.n_seen, (unsigned long long)delivered,
	       (unsigned long long)c2.n_drop_full, (unsigned long long)c2.n_drop_nested,
	       (unsigned long long)bad);
	check(c2.n_drop_full > 0, "the stalled reader's rings overflowed (drops counted)");
	check(delivered + c2.n_drop_full + c2.n_drop_nested + c2.n_drop_noring == c2.n_seen,
	      "delivered + dropped = seen, exactly");
	check(bad == 0, "every delivered record is whole and well-formed");
	check(delivered >= (uint64_t)(info.ring_bytes / SHRIKE_MAX_EVENT), "the rings were filled before dropping");
	return tap_failed;
}
