/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shrike_bpf.h - what the eBPF driver's programs and the daemon's loader
 * share beyond the records themselves: the value types of the maps the
 * daemon fills or reads. The records are kmod/uapi's, byte for byte.
 *
 * Data only, fixed-width types, like kmod/uapi/shrike.h.
 */
#ifndef SHRIKE_BPF_H
#define SHRIKE_BPF_H

/*
 * Largest record the programs build (the module's limit is 64 KiB; with the
 * snap length capped at SHRIKE_BPF_SNAPLEN the largest record, an exec with
 * filename, argv and executable path, stays far below this).
 */
#define SHRIKE_BPF_REC_MAX	32768
/* Bytes kept of a string parameter: the module's default snap length. */
#define SHRIKE_BPF_SNAPLEN	4096
/* Directory levels a path walk follows before it gives up (TRUNC). */
#define SHRIKE_BPF_PATH_DEPTH	48

/*
 * One parameter of the event table (struct shrike_param_spec without its
 * name): the daemon copies kmod/uapi/shrike_events.h into the "specs" map at
 * load, so the programs walk the very table the module and the decoder use.
 */
struct shrike_bpf_param {
	__u8 phase, kind, src, a, b;
};

#define SHRIKE_BPF_MAX_PARAMS	10

/* "specs" map value, indexed by native syscall number; type 0: not captured */
struct shrike_bpf_spec {
	__u16 type;
	__u8 nparams;
	__u8 n_enter, n_exit;	/* parameters per phase; no enter record when 0 */
	__u8 __pad[3];
	struct shrike_bpf_param p[SHRIKE_BPF_MAX_PARAMS];
};

/* "counters" map value, one per CPU: the module's ring counters */
struct shrike_bpf_counters {
	__u64 n_seen;
	__u64 n_drop_full;
	__u64 n_fault;
	__u64 n_drop_nested;
};

/*
 * Each ring buffer sample is this prefix followed by one record: the ring
 * is shared by all CPUs, the reader still reports which CPU wrote a record
 * (capture files keep it).
 */
struct shrike_bpf_sample {
	__u32 cpu;
	__u32 __pad0;
};

#endif /* SHRIKE_BPF_H */
