/* SPDX-License-Identifier: GPL-2.0-only */
/* bpf_load.c - load, verify and attach the eBPF driver, with reasons on failure. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "shrike_events.h"
#include "shrike_bpf.h"
#include "shrike.skel.h"
#include "input/bpf_load.h"
#include "input/kernel_x32.h"

/*
 * libbpf's messages (the verifier's log among them) are kept, not printed:
 * on success they are noise, on failure their last lines are the reason.
 */
#define LOG_KEEP	8192

static char log_buf[LOG_KEEP];
static size_t log_len;

static int keep_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int debug = getenv("SHRIKE_BPF_DEBUG") != NULL;	/* docs/DRIVERS.md */
	char *line = NULL;
	size_t n;

	if (level == LIBBPF_DEBUG && !debug)
		return 0;
	/* one message can be the whole verifier log: no fixed-size line */
	if (vasprintf(&line, fmt, ap) < 0)
		return 0;
	if (debug)
		fputs(line, stderr);
	n = strlen(line);
	if (n >= LOG_KEEP) {
		/* keep the end: the verifier's reason is on its last lines */
		memmove(line, line + n - (LOG_KEEP - 1), LOG_KEEP);
		n = LOG_KEEP - 1;
	}
	if (log_len + n >= LOG_KEEP) {
		size_t drop = log_len + n - LOG_KEEP + 1;

		memmove(log_buf, log_buf + drop, log_len - drop);
		log_len -= drop;
	}
	memcpy(log_buf + log_len, line, n);
	log_len += n;
	log_buf[log_len] = '\0';
	free(line);
	return 0;
}

/* The last lines of libbpf's log, on one line each separated by " | ". */
static void log_tail(char *out, size_t outlen, int lines)
{
	const char *p = log_buf + log_len;
	int seen = 0;
	size_t o = 0;

	while (p > log_buf && seen <= lines) {
		p--;
		if (*p == '\n' && p + 1 < log_buf + log_len)
			seen++;
	}
	if (seen > lines)
		p++;
	for (; *p && o + 4 < outlen; p++) {
		if (*p == '\n') {
			if (p[1]) {
				memcpy(out + o, " | ", 3);
				o += 3;
			}
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

static uint64_t pow2_at_least(uint64_t v)
{
	uint64_t p = 4096;

	while (p < v && p < (1ull << 30))
		p <<= 1;
	return p;
}

/* What the kernel must offer, checked first so the error names it. */
static int check_kernel(char *err, size_t errlen)
{
	int rc;

	if (access(BPF_LOAD_BTF, R_OK) != 0) {
		snprintf(err, errlen,
			 "eBPF driver: no kernel BTF at '%s' (%s): the kernel needs "
			 "CONFIG_DEBUG_INFO_BTF", BPF_LOAD_BTF, strerror(errno));
		return -1;
	}
	rc = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL);
	/* the probe says "no" for "not allowed" too: ask the kernel why */
	if (rc != 1) {
		int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);

		if (fd >= 0)
			close(fd);
		else if (errno == EPERM || errno == EACCES)
			rc = -errno;
	}
	if (rc == -EPERM || rc == -EACCES) {
		snprintf(err, errlen, "eBPF driver: not permitted to load programs (%s): it needs "
			 "root (CAP_BPF and CAP_PERFMON)", strerror(-rc));
		return -1;
	}
	if (rc != 1) {
		snprintf(err, errlen, "eBPF driver: the kernel cannot load raw tracepoint programs "
			 "(%s; it needs CONFIG_BPF_SYSCALL and CONFIG_BPF_EVENTS)",
			 rc < 0 ? strerror(-rc) : "not supported");
		return -1;
	}
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1) {
		snprintf(err, errlen, "eBPF driver: the kernel has no BPF ring buffer (Linux >= 5.8)");
		return -1;
	}
	return 0;
}

/* The event table of kmod/uapi/shrike_events.h, by syscall number. */
static int fill_specs(struct shrike_bpf *skel, char *err, size_t errlen)
{
	int fd = bpf_map__fd(skel->maps.specs);
	size_t i, k;

	for (i = 0; i < SHRIKE_N_EVENT_SPECS; i++) {
		const struct shrike_event_spec *sp = &shrike_event_specs[i];
		struct shrike_bpf_spec v = { .type = sp->type, .nparams = sp->nparams };
		__u32 key = (__u32)sp->nr;

		/* exec, fork and exit have their own programs, as in the module */
		if (sp->nr < 0 || sp->nr >= SHRIKE_MAX_SYSCALLS ||
		    sp->p[0].src == SHRIKE_SRC_SPECIAL)
			continue;
		for (k = 0; k < sp->nparams && k < SHRIKE_BPF_MAX_PARAMS; k++) {
			const struct shrike_param_spec *p = &sp->p[k];

			v.p[k] = (struct shrike_bpf_param){ p->phase, p->kind, p->src, p->a, p->b };
			if (p->phase == SHRIKE_AT_ENTER)
				v.n_enter++;
			else
				v.n_exit++;
		}
		if (bpf_map_update_elem(fd, &key, &v, BPF_ANY) < 0) {
			snprintf(err, errlen, "eBPF driver: cannot fill the event table: %s",
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

struct shrike_bpf *bpf_load(uint64_t ring_bytes, uint32_t *ncpus, char *err, size_t errlen)
{
	struct shrike_bpf *skel;
	char tail[1024];
	int n, rc;

	/*
	 * libbpf 1.x raises RLIMIT_MEMLOCK only where the kernel does not
	 * charge BPF memory to the cgroup (< 5.11); it is never needed here.
	 */
	libbpf_set_strict_mode(LIBBPF_STRICT_AUTO_RLIMIT_MEMLOCK);
	libbpf_set_print(keep_log);
	log_len = 0;
	if (check_kernel(err, errlen) < 0)
		return NULL;
	n = libbpf_num_possible_cpus();
	if (n <= 0) {
		snprintf(err, errlen, "eBPF driver: cannot count the CPUs: %s", strerror(-n));
		return NULL;
	}
	skel = shrike_bpf__open();
	if (!skel) {
		log_tail(tail, sizeof(tail), 3);
		snprintf(err, errlen, "eBPF driver: cannot open the programs: %s (%s)",
			 strerror(errno), tail);
		return NULL;
	}
	/*
	 * The daemon runs in the initial pid namespace (it needs the host's
	 * root to load programs), so its pid is the number the programs see.
	 */
	skel->rodata->reader_tgid = (__u32)getpid();
	/* x32 numbers are syscalls only where the kernel has the ABI (bpf/x32.h) */
	skel->rodata->x32_abi = (__u32)kernel_has_x32(KERNEL_X32_KALLSYMS);
	/* one scratch slot and one pending stamp per CPU the programs can run on */
	if (bpf_map__set_max_entries(skel->maps.scratch, (__u32)n) ||
	    bpf_map__set_max_entries(skel->maps.pending, (__u32)n) ||
	    bpf_map__set_max_entries(skel->maps.events, (__u32)pow2_at_least(ring_bytes))) {
		snprintf(err, errlen, "eBPF driver: cannot size the maps");
		goto out_destroy;
	}
	/*
	 * A kernel built without modules has no module_load tracepoint (nor
	 * /proc/modules): that program alone stays out, the rest attach.
	 */
	if (access("/proc/modules", F_OK) < 0)
		bpf_program__set_autoload(skel->progs.shrike_module_load, false);
	rc = shrike_bpf__load(skel);
	if (rc) {
		log_tail(tail, sizeof(tail), 6);
		snprintf(err, errlen, "eBPF driver: the kernel refused the programs (%s); log ends: %s",
			 strerror(-rc), tail);
		goto out_destroy;
	}
	if (fill_specs(skel, err, errlen) < 0)
		goto out_destroy;
	rc = shrike_bpf__attach(skel);
	if (rc) {
		log_tail(tail, sizeof(tail), 3);
		snprintf(err, errlen, "eBPF driver: cannot attach the raw tracepoints (%s): %s",
			 strerror(-rc), tail);
		goto out_destroy;
	}
	*ncpus = (uint32_t)n;
	return skel;

out_destroy:
	shrike_bpf__destroy(skel);
	return NULL;
}

void bpf_unload(struct shrike_bpf *skel)
{
	shrike_bpf__destroy(skel);
}
