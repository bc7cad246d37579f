/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shrike.h - the ABI shared by the shrike kernel module and its readers.
 *
 * Data only: everything that crosses the kernel/user boundary is declared
 * here, with fixed-width types and explicit padding, so that a 64-bit daemon,
 * a capture file written on one host and a reader on another all agree.
 * Bump SHRIKE_ABI_VERSION on any incompatible change. See docs/ABI.md.
 */
#ifndef _UAPI_SHRIKE_H
#define _UAPI_SHRIKE_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define SHRIKE_ABI_VERSION	3
/*
 * The oldest ABI whose records this one still reads unchanged (capture files
 * keep the ABI they were written with). 2 added rings for online CPUs only,
 * two counters, the 32-bit flags of the record type and parameters appended
 * at the end of a phase: a record of ABI 1 reads as one with the new flags
 * clear and the new parameters missing. 3 added deferred paths (a record
 * type and a parameter marker that older records never carry).
 */
#define SHRIKE_RECORD_ABI_MIN	1
#define SHRIKE_DEVICE		"/dev/shrike"

/*
 * Ring buffers: one per CPU that exists, each a single-producer byte ring.
 * CPUs are numbered 0 .. ncpus - 1, but only those online when the device was
 * opened, and those brought online since, have a ring: mapping a CPU without
 * one fails with ENODEV. When a CPU comes online later its ring appears and
 * shrike_counters.ring_gen changes; the reader then maps the new ring.
 *
 * Reader view of CPU n: mmap(PROT_READ, MAP_SHARED) of map_stride bytes at
 * offset n * map_stride. The first page is struct shrike_ring_ctrl, the
 * remaining ring_bytes (a power of two) are the data area. The mapping is
 * read-only: the reader hands consumed space back with SHRIKE_IOC_CONSUME, so
 * the kernel never trusts a position written by userspace.
 *
 * head and tail are free-running byte counters; the byte at position p lives
 * at data[p & (ring_bytes - 1)]. The producer publishes head with a release
 * store after the event bytes are written; the reader loads it with acquire.
 * Events never wrap: when one does not fit before the end of the data area,
 * the producer writes a SHRIKE_EVT_PAD record covering the rest and starts
 * the event at offset 0. Every record starts 8-byte aligned and its len is a
 * multiple of 8, so a pad record always has room for its first 8 bytes.
 */
struct shrike_ring_ctrl {
	__u64 head;		/* bytes produced; written by the kernel only */
	__u64 tail;		/* bytes consumed; moved by SHRIKE_IOC_CONSUME */
	__u64 n_seen;		/* events the probes tried to record */
	__u64 n_drop_full;	/* events dropped whole because the ring was full */
	__u64 n_fault;		/* parameters that could not be read from user memory */
	__u64 n_drop_nested;	/* events dropped because a probe re-entered on this CPU */
	__u64 ring_bytes;	/* size of the data area, same as shrike_info */
	__u32 cpu;
	__u32 __pad0;
	/*
	 * Timestamp of the record being copied in right now, 0 when none: the
	 * reader merges CPUs by time and must not pass a record that is about
	 * to appear with an older stamp (a vCPU can stall in the middle).
	 */
	__u64 pending_ts;
};

/*
 * Record layout in the data area:
 *
 *   struct shrike_evt_hdr
 *   __u16 plen[nparams]		length and flags of each parameter
 *   (zero padding to 8 bytes)
 *   parameter bytes, back to back, in the order of the event's schema
 *   (zero padding to 8 bytes; hdr.len covers it)
 *
 * Integers inside parameters are native-endian and may be unaligned: read
 * them with memcpy. A string parameter includes its terminating NUL. A string
 * list (argv) is a run of NUL-terminated strings. A parameter that could not
 * be read has SHRIKE_PARAM_FAULT set and length 0; one cut at the snap length
 * has SHRIKE_PARAM_TRUNC set (a cut string still ends in NUL). Both flags
 * with length 0 (SHRIKE_PARAM_DEFER): a path the probe could not resolve
 * where it ran, which a SHRIKE_EVT_PATH record of the same thread brings
 * later (docs/ABI.md "Deferred paths").
 */
struct shrike_evt_hdr {
	__u32 len;		/* whole record incl. header and padding, multiple of 8 */
	__u16 type;		/* enum shrike_evt_type, with the SHRIKE_EVT_ENTER,
				 * _COMPAT and _TASK32 flags of shrike_events.h
				 */
	__u16 nparams;		/* number of entries in plen[] */
	__u64 ts;		/* CLOCK_BOOTTIME in ns when the event happened */
	__u32 tid;		/* thread id in the initial pid namespace */
	__u32 pid;		/* thread group id in the initial pid namespace */
};

#define SHRIKE_PARAM_LEN_MASK	0x3fff
#define SHRIKE_PARAM_TRUNC	0x4000
#define SHRIKE_PARAM_FAULT	0x8000
#define SHRIKE_PARAM_DEFER	(SHRIKE_PARAM_FAULT | SHRIKE_PARAM_TRUNC)

/* Largest record the kernel ever writes; readers reject anything larger. */
#define SHRIKE_MAX_EVENT	(64 * 1024)
/* Hard limits of the snap length (bytes kept of a path, argv or buffer). */
#define SHRIKE_SNAPLEN_MIN	64
#define SHRIKE_SNAPLEN_MAX	SHRIKE_PARAM_LEN_MASK
#define SHRIKE_SNAPLEN_DEFAULT	4096

/*
 * Event types. Syscall events are recorded at syscall exit, plus an enter
 * record (type | SHRIKE_EVT_ENTER) for those with arguments read at entry;
 * see shrike_events.h. Values are stable: append only.
 */
enum shrike_evt_type {
	SHRIKE_EVT_PAD = 0,		/* filler to the end of the data area */
	SHRIKE_EVT_EXECVE = 1,		/* execve() finished: P_EXEC_* */
	SHRIKE_EVT_EXECVEAT = 2,	/* execveat() finished: P_EXEC_* */
	SHRIKE_EVT_CLONE = 3,		/* new task via clone(): P_CLONE_* */
	SHRIKE_EVT_CLONE3 = 4,		/* new task via clone3(): P_CLONE_* */
	SHRIKE_EVT_FORK = 5,		/* new task via fork(): P_CLONE_* */
	SHRIKE_EVT_VFORK = 6,		/* new task via vfork(): P_CLONE_* */
	SHRIKE_EVT_PROCEXIT = 7,	/* a task exited: P_EXIT_* */
	/* syscalls: parameters in kmod/uapi/shrike_events.h */
	SHRIKE_EVT_OPEN = 8,
	SHRIKE_EVT_OPENAT = 9,
	SHRIKE_EVT_OPENAT2 = 10,
	SHRIKE_EVT_CREAT = 11,
	SHRIKE_EVT_CLOSE = 12,
	SHRIKE_EVT_UNLINK = 13,
	SHRIKE_EVT_UNLINKAT = 14,
	SHRIKE_EVT_RENAME = 15,
	SHRIKE_EVT_RENAMEAT = 16,
	SHRIKE_EVT_RENAMEAT2 = 17,
	SHRIKE_EVT_MKDIR = 18,
	SHRIKE_EVT_MKDIRAT = 19,
	SHRIKE_EVT_RMDIR = 20,
	SHRIKE_EVT_CHMOD = 21,
	SHRIKE_EVT_FCHMOD = 22,
	SHRIKE_EVT_FCHMODAT = 23,
	SHRIKE_EVT_CHOWN = 24,
	SHRIKE_EVT_LCHOWN = 25,
	SHRIKE_EVT_FCHOWN = 26,
	SHRIKE_EVT_FCHOWNAT = 27,
	SHRIKE_EVT_SYMLINK = 28,
	SHRIKE_EVT_SYMLINKAT = 29,
	SHRIKE_EVT_LINK = 30,
	SHRIKE_EVT_LINKAT = 31,
	SHRIKE_EVT_CHDIR = 32,
	SHRIKE_EVT_FCHDIR = 33,
	SHRIKE_EVT_CHROOT = 34,
	SHRIKE_EVT_SOCKET = 35,
	SHRIKE_EVT_CONNECT = 36,
	SHRIKE_EVT_ACCEPT = 37,
	SHRIKE_EVT_ACCEPT4 = 38,
	SHRIKE_EVT_BIND = 39,
	SHRIKE_EVT_LISTEN = 40,
	SHRIKE_EVT_SETUID = 41,
	SHRIKE_EVT_SETGID = 42,
	SHRIKE_EVT_SETREUID = 43,
	SHRIKE_EVT_SETREGID = 44,
	SHRIKE_EVT_SETRESUID = 45,
	SHRIKE_EVT_SETRESGID = 46,
	SHRIKE_EVT_PTRACE = 47,
	SHRIKE_EVT_KILL = 48,
	SHRIKE_EVT_TGKILL = 49,
	SHRIKE_EVT_MOUNT = 50,
	SHRIKE_EVT_UMOUNT2 = 51,
	SHRIKE_EVT_SETNS = 52,
	SHRIKE_EVT_UNSHARE = 53,
	SHRIKE_EVT_INIT_MODULE = 54,
	SHRIKE_EVT_FINIT_MODULE = 55,
	SHRIKE_EVT_MEMFD_CREATE = 56,
	SHRIKE_EVT_BPF = 57,
	SHRIKE_EVT_PRCTL = 58,
	/* module_load tracepoint: the name, joined to [f]init_module by the daemon */
	SHRIKE_EVT_MODULE_LOAD = 59,
	SHRIKE_EVT_DUP = 60,
	SHRIKE_EVT_DUP2 = 61,
	SHRIKE_EVT_DUP3 = 62,
	SHRIKE_EVT_SENDTO = 63,
	SHRIKE_EVT_SENDMSG = 64,
	/* a deferred path parameter of an earlier record of this thread: P_PATH_* */
	SHRIKE_EVT_PATH = 65,
	SHRIKE_EVT_MAX
};

/* execve/execveat parameters */
enum {
	SHRIKE_P_EXEC_RES,	/* __s64: 0 or -errno */
	SHRIKE_P_EXEC_FILENAME,	/* string: path as passed to exec (kernel's copy on success) */
	SHRIKE_P_EXEC_ARGV,	/* string list: argv */
	SHRIKE_P_EXEC_EXEPATH,	/* string: executable file as the task's root sees it;
				 * empty on failure
				 */
	SHRIKE_P_EXEC_CTX,	/* struct shrike_proc_ctx of the calling task */
	SHRIKE_P_EXEC_NPARAMS
};

/* clone/clone3/fork/vfork parameters; the header names the parent thread */
enum {
	SHRIKE_P_CLONE_RES,	/* __s64: the child's tid (initial pid namespace) */
	SHRIKE_P_CLONE_FLAGS,	/* __u64: clone flags
				 * (0 for fork, CLONE_VM|CLONE_VFORK for vfork)
				 */
	SHRIKE_P_CLONE_CTX,	/* struct shrike_proc_ctx of the child */
	SHRIKE_P_CLONE_NPARAMS
};

/* process exit parameters; the header names the exiting thread */
enum {
	SHRIKE_P_EXIT_CODE,	/* __s64: exit code as wait(2) would report it */
	SHRIKE_P_EXIT_FLAGS,	/* __u64: SHRIKE_EXIT_* */
	SHRIKE_P_EXIT_NPARAMS
};

#define SHRIKE_EXIT_GROUP_DEAD	0x1	/* last thread of its thread group */

/*
 * path parameters: a parameter the probe wrote as SHRIKE_PARAM_DEFER, of
 * the last record of this thread whose type is SHRIKE_P_PATH_OF
 */
enum {
	SHRIKE_P_PATH_OF,	/* __u64: the record's type, with its flags (ENTER, ...) */
	SHRIKE_P_PATH_PARAM,	/* __u64: the parameter's index in that record */
	SHRIKE_P_PATH_PATH,	/* string: the path; FAULT when it could not be resolved */
	SHRIKE_P_PATH_NPARAMS
};

#define SHRIKE_ID_NONE		0xffffffffu	/* uid/gid with no mapping in the namespace */

/*
 * Who a task is, captured at exec and fork: enough for the daemon to build
 * its process table entry and to find the container and the user database.
 */
struct shrike_proc_ctx {
	__u32 pid;		/* thread group id, initial pid namespace */
	__u32 tid;		/* thread id, initial pid namespace */
	__u32 ppid;		/* real parent's thread group id */
	__u32 vpid;		/* thread group id in the task's own pid namespace */
	__u32 uid, gid;		/* effective ids in the task's own user namespace */
	__u32 ruid, rgid;	/* real ids in the task's own user namespace */
	__u32 host_uid, host_gid;	/* effective ids in the initial user namespace */
	__u32 loginuid;		/* audit login uid mapped into the task's user ns, or NONE */
	__u32 host_loginuid;	/* audit login uid in the initial user ns, or NONE (unset) */
	__u32 sid;		/* session id, task's own pid namespace */
	__u32 tty;		/* controlling tty as /proc/<pid>/stat shows it, 0 if none */
	__u64 cgroup_id;	/* cgroup v2 (default hierarchy) cgroup id = its inode */
	__u64 cgroup1_id;	/* cgroup id in the v1 hierarchy of the pids controller */
	__u32 cgroup1_hier;	/* that hierarchy's id (as in /proc/cgroups); 0 if none */
	__u32 flags;		/* SHRIKE_CTX_* */
	__u64 userns, mntns, pidns, netns, cgroupns, utsns;	/* namespace inode numbers */
	__u64 start_ns;		/* task start, CLOCK_BOOTTIME ns: tells PID reuse apart */
	__u64 cap_effective;	/* effective capability mask */
	char comm[16];		/* task comm, NUL-terminated */
};

#define SHRIKE_CTX_KTHREAD	0x1	/* kernel thread */

/* SHRIKE_IOC_GET_INFO: what the reader needs to map and validate the rings */
struct shrike_info {
	__u32 abi_version;
	__u32 ncpus;		/* rings are numbered 0 .. ncpus - 1 */
	__u64 ring_bytes;	/* data area size per CPU, power of two */
	__u64 map_stride;	/* bytes per CPU mapping: control page + data area */
	__u32 max_event;	/* SHRIKE_MAX_EVENT */
	__u32 snaplen;		/* current snap length */
	__u32 nr_syscalls;	/* syscall numbers accepted are 0 .. nr_syscalls - 1 */
	__u32 __pad0;
};

/* SHRIKE_IOC_CONSUME: hand bytes of one CPU's ring back to the producer */
struct shrike_consume {
	__u32 cpu;
	__u32 __pad0;		/* must be 0 */
	__u64 tail;		/* new tail: old tail <= tail <= head, on a record boundary */
};

#define SHRIKE_MAX_SYSCALLS	512
/* SHRIKE_IOC_SET_MASK: the syscalls that produce events, one bit per number */
struct shrike_syscall_mask {
	__u64 bits[SHRIKE_MAX_SYSCALLS / 64];
};

/* SHRIKE_IOC_GET_COUNTERS: sums over all CPUs of the ring counters */
struct shrike_counters {
	__u64 n_seen;
	__u64 n_drop_full;
	__u64 n_fault;
	__u64 n_drop_nested;
	__u64 n_drop_noring;	/* events on a CPU that has no ring (its ring could not be
				 * allocated within the memory cap); counted in n_seen too
				 */
	__u64 ring_gen;		/* rings allocated so far in this session: when it grows,
				 * a CPU came online and its ring can be mapped
				 */
};

#define SHRIKE_IOC_MAGIC	'S'
#define SHRIKE_IOC_GET_INFO	_IOR(SHRIKE_IOC_MAGIC, 1, struct shrike_info)
#define SHRIKE_IOC_CONSUME	_IOW(SHRIKE_IOC_MAGIC, 2, struct shrike_consume)
#define SHRIKE_IOC_ENABLE	_IO(SHRIKE_IOC_MAGIC, 3)	/* arg: syscall number */
#define SHRIKE_IOC_DISABLE	_IO(SHRIKE_IOC_MAGIC, 4)	/* arg: syscall number */
#define SHRIKE_IOC_SET_MASK	_IOW(SHRIKE_IOC_MAGIC, 5, struct shrike_syscall_mask)
#define SHRIKE_IOC_GET_COUNTERS	_IOR(SHRIKE_IOC_MAGIC, 6, struct shrike_counters)
#define SHRIKE_IOC_SET_SNAPLEN	_IO(SHRIKE_IOC_MAGIC, 7)	/* arg: bytes */

#endif /* _UAPI_SHRIKE_H */
