/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stress_reader.c - the smallest complete reader of /dev/shrike, for the
 * stress tests: opens the device, selects every syscall, maps every ring,
 * and drains them (poll, walk, CONSUME) until SIGTERM or SIGINT, checking
 * each record the way the daemon does (userspace/input/ring.c). Starts in a few
 * milliseconds, where the daemon scans /proc and loads rules first.
 *
 *   stress_reader [-r READYFILE] [-m MARKER] [-s SNAPLEN]
 *
 * READYFILE is written once the rings are mapped. MARKER: exec records
 * holding these bytes are counted. At exit prints
 *   events=N markers=N corrupt=N seen=N dropped=N
 * and exits 0, or 1 if a record broke the ring's rules, 2 if the device
 * could not be set up (the open's errno name is printed: EBUSY, EPERM...).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "../../../kmod/uapi/shrike.h"

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

struct ring {
	const struct shrike_ring_ctrl *ctrl;
	const char *data;
	unsigned long long pos;
};

int main(int argc, char **argv)
{
	const char *ready = NULL, *marker = NULL;
	unsigned long long events = 0, markers = 0, corrupt = 0;
	struct shrike_syscall_mask mask;
	struct shrike_counters cnt = { 0 };
	struct shrike_info info;
	struct sigaction sa;
	struct ring *rings;
	unsigned long snaplen = 0;
	unsigned int cpu, i;
	int fd, c;

	while ((c = getopt(argc, argv, "r:m:s:")) != -1) {
		switch (c) {
		case 'r': ready = optarg; break;
		case 'm': marker = optarg; break;
		case 's': snaplen = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: stress_reader [-r READYFILE] [-m MARKER] [-s SNAPLEN]\n");
			return 2;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	fd = open(SHRIKE_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("open: %s\n", strerrorname_np(errno));
		return 2;
	}
	if (ioctl(fd, SHRIKE_IOC_GET_INFO, &info) < 0 || info.abi_version != SHRIKE_ABI_VERSION) {
		printf("GET_INFO failed\n");
		return 2;
	}
	memset(&mask, 0, sizeof(mask));
	for (i = 0; i < info.nr_syscalls; i++)
		mask.bits[i / 64] |= 1ull << (i % 64);
	if (ioctl(fd, SHRIKE_IOC_SET_MASK, &mask) < 0) {
		printf("SET_MASK: %s\n", strerrorname_np(errno));
		return 2;
	}
	if (snaplen && ioctl(fd, SHRIKE_IOC_SET_SNAPLEN, snaplen) < 0) {
		printf("SET_SNAPLEN: %s\n", strerrorname_np(errno));
		return 2;
	}
	rings = calloc(info.ncpus, sizeof(*rings));
	if (!rings)
		return 2;
	for (cpu = 0; cpu < info.ncpus; cpu++) {
		void *m = mmap(NULL, info.map_stride, PROT_READ, MAP_SHARED, fd,
			       (off_t)cpu * (off_t)info.map_stride);

		if (m == MAP_FAILED && errno == ENODEV)
			continue;	/* a CPU without a ring (offline at open) */
		if (m == MAP_FAILED) {
			printf("mmap cpu %u: %s\n", cpu, strerrorname_np(errno));
			return 2;
		}
		rings[cpu].ctrl = m;
		rings[cpu].data = (const char *)m + getpagesize();
		rings[cpu].pos = rings[cpu].ctrl->tail;
	}
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f) {
			fprintf(f, "ready %d\n", getpid());
			fclose(f);
		}
	}

	while (!stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		poll(&pfd, 1, 100);
		for (cpu = 0; cpu < info.ncpus && !corrupt; cpu++) {
			struct ring *r = &rings[cpu];
			unsigned long long head;
			struct shrike_consume req = { .cpu = cpu };

			if (!r->ctrl)
				continue;
			head = __atomic_load_n(&r->ctrl->head, __ATOMIC_ACQUIRE);

			if (head < r->pos || head - r->pos > info.ring_bytes || (head & 7)) {
				corrupt++;
				break;
			}
			while (r->pos < head) {
				unsigned long long off = r->pos & (info.ring_bytes - 1);
				unsigned long long to_end = info.ring_bytes - off;
				const struct shrike_evt_hdr *h = (const void *)(r->data + off);
				unsigned int len = h->len;

				if (head - r->pos < 8 || len < 8 || (len & 7) || len > head - r->pos ||
				    len > to_end || (h->type == SHRIKE_EVT_PAD && len != to_end) ||
				    (h->type != SHRIKE_EVT_PAD &&
				     (len < sizeof(*h) || len > SHRIKE_MAX_EVENT))) {
					corrupt++;
					break;
				}
				if (h->type != SHRIKE_EVT_PAD) {
					events++;
					if (marker && (h->type == SHRIKE_EVT_EXECVE ||
						       h->type == SHRIKE_EVT_EXECVEAT) &&
					    memmem(h, len, marker, strlen(marker)))
						markers++;
				}
				r->pos += len;
			}
			if (corrupt)
				break;
			req.tail = r->pos;
			if (ioctl(fd, SHRIKE_IOC_CONSUME, &req) < 0) {
				printf("CONSUME: %s\n", strerrorname_np(errno));
				corrupt++;
			}
		}
		if (corrupt)
			break;
	}
	ioctl(fd, SHRIKE_IOC_GET_COUNTERS, &cnt);
	printf("events=%llu markers=%llu corrupt=%llu seen=%llu dropped=%llu\n", events, markers,
	       corrupt, (unsigned long long)cnt.n_seen, (unsigned long long)cnt.n_drop_full);
	return corrupt ? 1 : 0;
}
