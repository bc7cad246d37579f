/* SPDX-License-Identifier: GPL-2.0 */
/*
 * maps.h - the eBPF driver's maps: the ring buffer the records go to, the
 * per-CPU state a record is built in, and what the daemon fills or reads.
 */
#ifndef SHRIKE_BPF_MAPS_H
#define SHRIKE_BPF_MAPS_H

/* sized by the loader from the configured buffer size */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} events SEC(".maps");

/*
 * A record is built here, then copied into the ring in one piece: a ring
 * reservation must have a size known to the verifier, a record's is not.
 * Indexed by CPU (max_entries set by the loader): bigger than a per-CPU
 * array value may be. The programs run with preemption disabled, so a slot
 * has one writer; busy catches the case where that does not hold.
 */
struct scratch {
	__u32 len;		/* record bytes so far */
	__u16 nparams, idx;	/* declared parameters, next one */
	__u32 busy;
	__u8 compat;		/* 32-bit ABI: each argument is 32 bits wide, longs too */
	__u8 fault;		/* the arguments could not be read (a socketcall's array) */
	__u16 __pad0;
	__u64 args[8];		/* the syscall's 6 arguments (8: indexes are masked) */
	__s64 ret;		/* its result (0 at entry) */
	/* struct shrike_bpf_sample, then the record */
	char out[sizeof(struct shrike_bpf_sample) + SHRIKE_BPF_REC_MAX + 2 * SHRIKE_BPF_SNAPLEN];
	/* a path is assembled here from its last component backwards */
	char path[2 * SHRIKE_BPF_SNAPLEN + 256];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct shrike_bpf_counters);
} counters SEC(".maps");

/*
 * The stamp of the record a CPU is copying into the ring right now, 0 when
 * none: shrike_ring_ctrl.pending_ts for this driver. Memory-mapped by the
 * reader, which must not pass a record about to appear with an older stamp.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} pending SEC(".maps");

/* SHRIKE_IOC_SET_MASK for this driver: key 0, filled by the daemon */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct shrike_syscall_mask);
} selection SEC(".maps");

/* the event table by syscall number, filled by the daemon before attaching */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SHRIKE_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct shrike_bpf_spec);
} specs SEC(".maps");

/*
 * Which exec a thread is in (execve or execveat, with EXEC_KEPT_COMPAT when
 * made through the 32-bit ABI), kept at syscall entry for
 * sched_process_exec, which can no longer tell (as the module's inflight.c).
 */
#define EXEC_KEPT_COMPAT	0x80000000u
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u32);
} inflight SEC(".maps");

/* Which fork-family syscall a thread is in, and clone()'s flags argument. */
struct fork_kept {
	__u32 nr;
	__u32 compat;		/* made through the 32-bit ABI */
	__u64 arg0;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct fork_kept);
} inflight_fork SEC(".maps");

/*
 * A 32-bit socketcall's argument array as read at its entry, kept for its
 * exit (kmod/inflight.c SHRIKE_INFLIGHT_SOCKETCALL): the kernel acted on its
 * own copy, which another thread cannot rewrite; ours it can.
 */
struct sock_kept {
	__s32 nr;		/* the native syscall it stands for */
	__u32 args[6];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct sock_kept);
} inflight_sock SEC(".maps");

#endif /* SHRIKE_BPF_MAPS_H */
