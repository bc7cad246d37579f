/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shrike_events.h - the table of events and their parameters, shared by the
 * module (which fills records from it) and the daemon (which decodes them
 * with it), so that the two can never disagree on a layout.
 *
 * A syscall event is up to two records: the *enter* record (type with
 * SHRIKE_EVT_ENTER set) carries the parameters read at syscall entry, the
 * *exit* record the ones read at exit, each in table order. Everything in
 * user memory that the kernel is about to act on (paths, socket addresses,
 * open_how) is read at entry, so another thread rewriting the buffer during
 * the syscall cannot change what is reported (TOCTOU). A syscall with no
 * entry parameter has no enter record. The daemon joins the two by thread.
 *
 * Data only; see docs/ABI.md for the meaning of each parameter.
 */
#ifndef _UAPI_SHRIKE_EVENTS_H
#define _UAPI_SHRIKE_EVENTS_H

#include <linux/types.h>
#include <asm/unistd.h>
#include "shrike.h"

enum shrike_phase {
	SHRIKE_AT_EXIT = 0,
	SHRIKE_AT_ENTER = 1,
};

/* How a parameter is encoded in a record. */
enum shrike_kind {
	SHRIKE_K_S64,		/* 8 bytes signed */
	SHRIKE_K_U64,		/* 8 bytes unsigned */
	SHRIKE_K_STR,		/* NUL-terminated string */
	SHRIKE_K_STRLIST,	/* NUL-terminated strings back to back */
	SHRIKE_K_SOCKADDR,	/* struct sockaddr bytes as the caller passed them (<= 128) */
	SHRIKE_K_TUPLE,		/* struct shrike_tuple */
	SHRIKE_K_CTX,		/* struct shrike_proc_ctx */
};

/* Where the module takes a parameter from; a and b are its operands. */
enum shrike_src {
	SHRIKE_SRC_RES,		/* the syscall's return value */
	SHRIKE_SRC_ARG,		/* argument a, b bytes wide (4: a C int, sign- or zero-extended
				 * by kind; 8: a long)
				 */
	SHRIKE_SRC_USTR,	/* string at argument a */
	SHRIKE_SRC_DIRPATH,	/* directory the path at argument b is relative to: the file of
				 * dirfd argument a (or the cwd when a is SHRIKE_CWD or the fd is
				 * AT_FDCWD); empty when the path is absolute
				 */
	SHRIKE_SRC_SOCKADDR,	/* sockaddr at argument a, length argument b */
	SHRIKE_SRC_FD_TUPLE,	/* addresses of the socket at fd argument a
				 * (SHRIKE_RESFD: the result)
				 */
	SHRIKE_SRC_FD_PATH,	/* path of the file open at fd argument a
				 * (SHRIKE_RESFD: the result; empty when it failed)
				 */
	SHRIKE_SRC_HOW_FLAGS,	/* openat2: open_how.flags at argument a (size argument b) */
	SHRIKE_SRC_HOW_MODE,	/* openat2: open_how.mode */
	SHRIKE_SRC_HOW_RESOLVE,	/* openat2: open_how.resolve */
	SHRIKE_SRC_CTX,		/* the caller's identity after the syscall */
	SHRIKE_SRC_MODNAME,	/* name of the module being loaded (module_load tracepoint) */
	SHRIKE_SRC_MSGADDR,	/* sendmsg: the sockaddr a struct user_msghdr at argument a names */
	SHRIKE_SRC_SPECIAL,	/* filled by dedicated code (exec, fork, exit) */
};

#define SHRIKE_CWD	0xff	/* DIRPATH operand: relative to the cwd */
#define SHRIKE_RESFD	0xfe	/* FD_TUPLE, FD_PATH operand: the fd the syscall returned */

/*
 * Record type flags, above the event type (enum shrike_evt_type, always
 * below SHRIKE_EVT_TYPE_MASK):
 *
 * ENTER: this is the enter record of the event type.
 * COMPAT: the syscall came through the 32-bit x86 ABI (int $0x80, or any
 *   syscall of a 32-bit program). It was decoded with its own number and
 *   argument layout and is reported as the native syscall it is equivalent
 *   to, with the same type and parameters. Set on the enter and the exit
 *   record of a syscall alike, on exec and fork events made through that
 *   ABI, and on the procexit of a task that ended with its exit/exit_group.
 * TASK32: the task runs a 32-bit program (an ia32 executable). With COMPAT
 *   this is an ordinary 32-bit process; COMPAT without it is a 64-bit
 *   program making 32-bit syscalls, which normal programs never do.
 */
#define SHRIKE_EVT_ENTER	0x8000
#define SHRIKE_EVT_COMPAT	0x4000
#define SHRIKE_EVT_TASK32	0x2000
#define SHRIKE_EVT_TYPE_MASK	0x0fff

/* Local addresses of a socket and its peer, in host byte order for ports. */
struct shrike_tuple {
	__u16 family;		/* AF_INET, AF_INET6, AF_UNIX; 0 if not a socket */
	__u16 sport;		/* local port */
	__u16 dport;		/* remote port */
	__u16 proto;		/* IPPROTO_TCP, IPPROTO_UDP, ... for AF_INET/AF_INET6;
				 * 0 otherwise
				 */
	__u8 saddr[16];		/* local address; IPv4 in the first 4 bytes */
	__u8 daddr[16];		/* remote address */
	char path[108];		/* AF_UNIX: the socket's path (or its peer's), NUL-terminated */
	__u32 __pad1;
};

struct shrike_param_spec {
	__u8 phase;		/* enum shrike_phase */
	__u8 kind;		/* enum shrike_kind */
	__u8 src;		/* enum shrike_src */
	__u8 a, b;
	const char *name;	/* evt.arg.NAME */
};

#define SHRIKE_SPEC_MAX_PARAMS	10

struct shrike_event_spec {
	__u16 type;		/* enum shrike_evt_type */
	__s16 nr;		/* x86_64 syscall number, -1 for non-syscall events */
	const char *name;	/* evt.type */
	__u8 nparams;
	struct shrike_param_spec p[SHRIKE_SPEC_MAX_PARAMS];
};

/*
 * Parameter shorthands: X_ read at exit, E_ read at entry. A path argument is
 * two parameters: the raw name at entry (SP_E_STR) and the directory it is
 * relative to (SP_E_DIR).
 */
#define SP_X_RES	{ SHRIKE_AT_EXIT, SHRIKE_K_S64, SHRIKE_SRC_RES, 0, 0, "res" }
/* the returned descriptor again, as Falco's accept "fd" is (the new socket) */
#define SP_X_RESFD	{ SHRIKE_AT_EXIT, SHRIKE_K_S64, SHRIKE_SRC_RES, 0, 0, "fd" }
#define SP_X_INT(i, n)	{ SHRIKE_AT_EXIT, SHRIKE_K_S64, SHRIKE_SRC_ARG, i, 4, n }
#define SP_X_LONG(i, n)	{ SHRIKE_AT_EXIT, SHRIKE_K_S64, SHRIKE_SRC_ARG, i, 8, n }
#define SP_X_UINT(i, n)	{ SHRIKE_AT_EXIT, SHRIKE_K_U64, SHRIKE_SRC_ARG, i, 4, n }
#define SP_X_ULONG(i, n) { SHRIKE_AT_EXIT, SHRIKE_K_U64, SHRIKE_SRC_ARG, i, 8, n }
#define SP_E_STR(i, n)	{ SHRIKE_AT_ENTER, SHRIKE_K_STR, SHRIKE_SRC_USTR, i, 0, n }
#define SP_E_DIR(d, p, n) { SHRIKE_AT_ENTER, SHRIKE_K_STR, SHRIKE_SRC_DIRPATH, d, p, n }
#define SP_E_ADDR(i, l)	{ SHRIKE_AT_ENTER, SHRIKE_K_SOCKADDR, SHRIKE_SRC_SOCKADDR, i, l, "addr" }
#define SP_X_TUPLE(i)	{ SHRIKE_AT_EXIT, SHRIKE_K_TUPLE, SHRIKE_SRC_FD_TUPLE, i, 0, "tuple" }
#define SP_E_FDPATH(i, n) { SHRIKE_AT_ENTER, SHRIKE_K_STR, SHRIKE_SRC_FD_PATH, i, 0, n }
#define SP_X_FDPATH(i, n) { SHRIKE_AT_EXIT, SHRIKE_K_STR, SHRIKE_SRC_FD_PATH, i, 0, n }
/*
 * A path argument read again at exit, as NAME_exit: a path whose page was
 * not resident at entry reads as FAULT there (probes cannot fault), while the
 * kernel faults it in and acts on it; by exit it is resident. And a path that
 * differs from its entry copy was rewritten while the kernel used it.
 */
#define SP_X_AGAIN(i, n) { SHRIKE_AT_EXIT, SHRIKE_K_STR, SHRIKE_SRC_USTR, i, 0, n "_exit" }
/* open family: the path of the file that was opened, from the returned fd */
#define SP_X_OPENED	\
	{ SHRIKE_AT_EXIT, SHRIKE_K_STR, SHRIKE_SRC_FD_PATH, SHRIKE_RESFD, 0, "opened" }
#define SP_X_CTX	{ SHRIKE_AT_EXIT, SHRIKE_K_CTX, SHRIKE_SRC_CTX, 0, 0, "ctx" }
#define SP_X_MODNAME	{ SHRIKE_AT_EXIT, SHRIKE_K_STR, SHRIKE_SRC_MODNAME, 0, 0, "name" }
#define SP_SPECIAL(k, n) { SHRIKE_AT_EXIT, k, SHRIKE_SRC_SPECIAL, 0, 0, n }

/* exec and fork events are filled by dedicated code; each kind shares a schema */
#define SHRIKE_EXEC_EVENT(type, nr, name) { type, nr, name, 5, {			\
	SP_SPECIAL(SHRIKE_K_S64, "res"), SP_SPECIAL(SHRIKE_K_STR, "filename"),		\
	SP_SPECIAL(SHRIKE_K_STRLIST, "argv"), SP_SPECIAL(SHRIKE_K_STR, "exepath"),	\
	SP_SPECIAL(SHRIKE_K_CTX, "ctx") } }
#define SHRIKE_CLONE_EVENT(type, nr, name) { type, nr, name, 3, {			\
	SP_SPECIAL(SHRIKE_K_S64, "res"), SP_SPECIAL(SHRIKE_K_U64, "flags"),		\
	SP_SPECIAL(SHRIKE_K_CTX, "ctx") } }

/*
 * Every event, in type order. The module selects syscall events by nr; the
 * daemon names and decodes every record with it.
 */
static const struct shrike_event_spec shrike_event_specs[] = {
	SHRIKE_EXEC_EVENT(SHRIKE_EVT_EXECVE, __NR_execve, "execve"),
	SHRIKE_EXEC_EVENT(SHRIKE_EVT_EXECVEAT, __NR_execveat, "execveat"),
	SHRIKE_CLONE_EVENT(SHRIKE_EVT_CLONE, __NR_clone, "clone"),
	SHRIKE_CLONE_EVENT(SHRIKE_EVT_CLONE3, __NR_clone3, "clone3"),
	SHRIKE_CLONE_EVENT(SHRIKE_EVT_FORK, __NR_fork, "fork"),
	SHRIKE_CLONE_EVENT(SHRIKE_EVT_VFORK, __NR_vfork, "vfork"),
	{ SHRIKE_EVT_PROCEXIT, -1, "procexit", 2, { SP_SPECIAL(SHRIKE_K_S64, "status"),
		SP_SPECIAL(SHRIKE_K_U64, "flags") } },
	/* files */
	{ SHRIKE_EVT_OPEN, __NR_open, "open", 7, { SP_X_RES,
		SP_E_STR(0, "name"), SP_E_DIR(SHRIKE_CWD, 0, "dirpath"),
		SP_X_UINT(1, "flags"), SP_X_UINT(2, "mode"),
		SP_X_AGAIN(0, "name"), SP_X_OPENED } },
	{ SHRIKE_EVT_OPENAT, __NR_openat, "openat", 8, { SP_X_RES, SP_X_INT(0, "dirfd"),
		SP_E_STR(1, "name"), SP_E_DIR(0, 1, "dirpath"),
		SP_X_UINT(2, "flags"), SP_X_UINT(3, "mode"),
		SP_X_AGAIN(1, "name"), SP_X_OPENED } },
	{ SHRIKE_EVT_OPENAT2, __NR_openat2, "openat2", 9, { SP_X_RES, SP_X_INT(0, "dirfd"),
		SP_E_STR(1, "name"), SP_E_DIR(0, 1, "dirpath"),
		{ SHRIKE_AT_ENTER, SHRIKE_K_U64, SHRIKE_SRC_HOW_FLAGS, 2, 3, "flags" },
		{ SHRIKE_AT_ENTER, SHRIKE_K_U64, SHRIKE_SRC_HOW_MODE, 2, 3, "mode" },
		{ SHRIKE_AT_ENTER, SHRIKE_K_U64, SHRIKE_SRC_HOW_RESOLVE, 2, 3, "resolve" },
		SP_X_AGAIN(1, "name"), SP_X_OPENED } },
	{ SHRIKE_EVT_CREAT, __NR_creat, "creat", 6, { SP_X_RES,
		SP_E_STR(0, "name"), SP_E_DIR(SHRIKE_CWD, 0, "dirpath"),
		SP_X_UINT(1, "mode"),
		SP_X_AGAIN(0, "name"), SP_X_OPENED } },
	{ SHRIKE_EVT_CLOSE, __NR_close, "close", 3, { SP_X_RES, SP_X_INT(0, "fd"),
		SP_E_FDPATH(0, "path") } },
	{ SHRIKE_EVT_UNLINK, __NR_unlink, "unlink", 4, { SP_X_RES,
		SP_E_STR(0, "path"), SP_E_DIR(SHRIKE_CWD, 0, "dirpath"),
		SP_X_AGAIN(0, "path") } },
	{ SHRIKE_EVT_UNLINKAT, __NR_unlinkat, "unlinkat", 6, { SP_X_RES, SP_X_INT(0, "dirfd"),
		SP_E_STR(1, "name"), SP_E_DIR(0, 1, "dirpath"), SP_X_UINT(2, "flags"),
		SP_X_AGAIN(1, "name") } },
	{ SHRIKE_EVT_RENAME, __NR_rename, "rename", 7, { SP_X_RES,
		SP_E_STR(0, "oldpath"), SP_E_DIR(SHRIKE_CWD, 0, "olddir"),
		SP_E_STR(1, "newpath"), SP_E_DIR(SHRIKE_CWD, 1, "newdir"),
		SP_X_AGAIN(0, "oldpath"), SP_X_AGAIN(1, "newpath") } },
	{ SHRIKE_EVT_RENAMEAT, __NR_renameat, "renameat", 7, { SP_X_RES,
		SP_E_STR(1, "oldpath"), SP_E_DIR(0, 1, "olddir"),
		SP_E_STR(3, "newpath"), SP_E_DIR(2, 3, "newdir"),
		SP_X_AGAIN(1, "oldpath"), SP_X_AGAIN(3, "newpath") } },
	{ SHRIKE_EVT_RENAMEAT2, __NR_renameat2, "renameat2", 8, { SP_X_RES,
		SP_E_STR(1, "oldpath"), SP_E_DIR(0, 1, "olddir"),
		SP_E_STR(3, "newpath"), SP_E_DIR(2, 3, "newdir"),
		SP_X_UINT(4, "flags"),
		SP_X_AGAIN(1, "oldpath"), SP_X_AGAIN(3, "newpath") } },
	{ SHRIKE_EVT_MKDIR, __NR_mkdir, "mkdir", 5, { SP_X_RES,
		SP_E_STR(0, "path"), SP_E_DIR(SHRIKE_CWD, 0, "dirpath"), SP_X_UINT(1, "mode"),
		SP_X_AGAIN(0, "path") } },
	{ SHRIKE_EVT_MKDIRAT, __NR_mkdirat, "mkdirat", 6, { SP_X_RES, SP_X_INT(0, "dirfd"),
		SP_E_STR(1, "path"), SP_E_DIR(0, 1, "dirpath"), SP_X_UINT(2, "mode"),
		SP_X_AGAIN(1, "path") } },
	{ SHRIKE_EVT_RMDIR, __NR_rmdir, "rmdir", 4, { SP_X_RES,
		SP_E_STR(0, "path"), SP_E_DIR(SHRIKE_CWD, 0, "dirpath"),
		SP_X_AGAIN(0, "path") } },
	{ SHRIKE_EVT_CHMOD, __NR_chmod, "chmod", 5, { SP_X_RES,
		SP_E_STR(0, "filename"), SP_E_DIR(SHRIKE_CWD, 0, "dirpath"),
		SP_X_UINT(1, "mode"),
		SP_X_AGAIN(0, "filename") } },
	{ SHRIKE_EVT_FCHMOD, __NR_fchmod, "fchmod", 4, { SP_X_RES, SP_X_INT(0, "fd"),
		SP_X_UINT(1, "mode"), SP_E_FDPATH(0, "path") } },
	{ SHRIKE_EVT_FCHMODAT, __NR_fchmodat, "fchmodat", 6, { SP_X_RES, SP_X_INT(0, "dirfd"),
		SP_E_STR(1, "filename"), SP_E_DIR(0, 1, "dirpath"), SP_X_UINT(2, "mode"),
		SP_X_AGAIN(1, "filename") } },
	{ SHRIKE_EVT_CHOWN, __NR_chown, "chown", 6, { SP_X_RES,
		SP_E_STR(0, "path"), SP_E_DIR(SHRIKE_CWD, 0, "dirpath"),
		SP_X_INT(1, "uid"), SP_X_INT(2, "gid"),
		SP_X_AGAIN(0, "path") } },
	{ SHRIKE_EVT_LCHOWN, __NR_lchown, "lchown", 6, { SP_X_RES,
		SP_E_STR(0, "path"), SP_E_DIR(SHRIKE_CWD, 0, "dirpath"),
		SP_X_INT(1, "uid"), SP_X_INT(2, "gid"),
		SP_X_AGAIN(0, "path") } },
	{ SHRIKE_EVT_FCHOWN, __NR_fchown, "fchown", 5, { SP_X_RES, SP_X_INT(0, "fd"),
		SP_X_INT(1, "uid"), SP_X_INT(2, "gid"), SP_E_FDPATH(0, "path") } },
	{ SHRIKE_EVT_FCHOWNAT, __NR_fchownat, "fchownat", 8, { SP_X_RES, SP_X_INT(0, "dirfd"),
		SP_E_STR(1, "pathname"), SP_E_DIR(0, 1, "dirpath"),
		SP_X_INT(2, "uid"), SP_X_INT(3, "gid"), SP_X_UINT(4, "flags"),
		SP_X_AGAIN(1, "pathname") } },
	{ SHRIKE_EVT_SYMLINK, __NR_symlink, "symlink", 5, { SP_X_RES, SP_E_STR(0, "target"),
		SP_E_STR(1, "linkpath"), SP_E_DIR(SHRIKE_CWD, 1, "dirpath"),
		SP_X_AGAIN(1, "linkpath") } },
	{ SHRIKE_EVT_SYMLINKAT, __NR_symlinkat, "symlinkat", 6, { SP_X_RES,
		SP_E_STR(0, "target"), SP_X_INT(1, "linkdirfd"),
		SP_E_STR(2, "linkpath"), SP_E_DIR(1, 2, "dirpath"),
		SP_X_AGAIN(2, "linkpath") } },
	{ SHRIKE_EVT_LINK, __NR_link, "link", 7, { SP_X_RES,
		SP_E_STR(0, "oldpath"), SP_E_DIR(SHRIKE_CWD, 0, "olddir"),
		SP_E_STR(1, "newpath"), SP_E_DIR(SHRIKE_CWD, 1, "newdir"),
		SP_X_AGAIN(0, "oldpath"), SP_X_AGAIN(1, "newpath") } },
	{ SHRIKE_EVT_LINKAT, __NR_linkat, "linkat", 8, { SP_X_RES,
		SP_E_STR(1, "oldpath"), SP_E_DIR(0, 1, "olddir"),
		SP_E_STR(3, "newpath"), SP_E_DIR(2, 3, "newdir"),
		SP_X_UINT(4, "flags"),
		SP_X_AGAIN(1, "oldpath"), SP_X_AGAIN(3, "newpath") } },
	{ SHRIKE_EVT_CHDIR, __NR_chdir, "chdir", 4, { SP_X_RES,
		SP_E_STR(0, "path"), SP_E_DIR(SHRIKE_CWD, 0, "dirpath"),
		SP_X_AGAIN(0, "path") } },
	{ SHRIKE_EVT_FCHDIR, __NR_fchdir, "fchdir", 3, { SP_X_RES, SP_X_INT(0, "fd"),
		SP_X_FDPATH(0, "path") } },
	{ SHRIKE_EVT_CHROOT, __NR_chroot, "chroot", 4, { SP_X_RES,
		SP_E_STR(0, "path"), SP_E_DIR(SHRIKE_CWD, 0, "dirpath"),
		SP_X_AGAIN(0, "path") } },
	/* network */
	{ SHRIKE_EVT_SOCKET, __NR_socket, "socket", 4, { SP_X_RES, SP_X_INT(0, "domain"),
		SP_X_INT(1, "type"), SP_X_INT(2, "proto") } },
	{ SHRIKE_EVT_CONNECT, __NR_connect, "connect", 4, { SP_X_RES, SP_X_INT(0, "fd"),
		SP_E_ADDR(1, 2), SP_X_TUPLE(0) } },
	{ SHRIKE_EVT_ACCEPT, __NR_accept, "accept", 3, { SP_X_RES, SP_X_RESFD,
		SP_X_TUPLE(SHRIKE_RESFD) } },
	{ SHRIKE_EVT_ACCEPT4, __NR_accept4, "accept4", 4, { SP_X_RES, SP_X_RESFD,
		SP_X_TUPLE(SHRIKE_RESFD), SP_X_UINT(3, "flags") } },
	{ SHRIKE_EVT_BIND, __NR_bind, "bind", 4, { SP_X_RES, SP_X_INT(0, "fd"), SP_E_ADDR(1, 2),
		SP_X_TUPLE(0) } },
	{ SHRIKE_EVT_LISTEN, __NR_listen, "listen", 4, { SP_X_RES, SP_X_INT(0, "fd"),
		SP_X_INT(1, "backlog"), SP_X_TUPLE(0) } },
	/* identity */
	{ SHRIKE_EVT_SETUID, __NR_setuid, "setuid", 3, { SP_X_RES, SP_X_INT(0, "uid"), SP_X_CTX } },
	{ SHRIKE_EVT_SETGID, __NR_setgid, "setgid", 3, { SP_X_RES, SP_X_INT(0, "gid"), SP_X_CTX } },
	{ SHRIKE_EVT_SETREUID, __NR_setreuid, "setreuid", 4, { SP_X_RES, SP_X_INT(0, "ruid"),
		SP_X_INT(1, "euid"), SP_X_CTX } },
	{ SHRIKE_EVT_SETREGID, __NR_setregid, "setregid", 4, { SP_X_RES, SP_X_INT(0, "rgid"),
		SP_X_INT(1, "egid"), SP_X_CTX } },
	{ SHRIKE_EVT_SETRESUID, __NR_setresuid, "setresuid", 5, { SP_X_RES, SP_X_INT(0, "ruid"),
		SP_X_INT(1, "euid"), SP_X_INT(2, "suid"), SP_X_CTX } },
	{ SHRIKE_EVT_SETRESGID, __NR_setresgid, "setresgid", 5, { SP_X_RES, SP_X_INT(0, "rgid"),
		SP_X_INT(1, "egid"), SP_X_INT(2, "sgid"), SP_X_CTX } },
	/* processes, namespaces, kernel */
	{ SHRIKE_EVT_PTRACE, __NR_ptrace, "ptrace", 3, { SP_X_RES, SP_X_LONG(0, "request"),
		SP_X_INT(1, "pid") } },
	{ SHRIKE_EVT_KILL, __NR_kill, "kill", 3, { SP_X_RES, SP_X_INT(0, "pid"),
		SP_X_INT(1, "sig") } },
	{ SHRIKE_EVT_TGKILL, __NR_tgkill, "tgkill", 4, { SP_X_RES, SP_X_INT(0, "pid"),
		SP_X_INT(1, "tid"), SP_X_INT(2, "sig") } },
	{ SHRIKE_EVT_MOUNT, __NR_mount, "mount", 5, { SP_X_RES, SP_E_STR(0, "dev"),
		SP_E_STR(1, "dir"), SP_E_STR(2, "type"), SP_X_ULONG(3, "flags") } },
	{ SHRIKE_EVT_UMOUNT2, __NR_umount2, "umount2", 3, { SP_X_RES, SP_E_STR(0, "name"),
		SP_X_UINT(1, "flags") } },
	{ SHRIKE_EVT_SETNS, __NR_setns, "setns", 4, { SP_X_RES, SP_X_INT(0, "fd"),
		SP_E_FDPATH(0, "ns"), SP_X_UINT(1, "nstype") } },
	{ SHRIKE_EVT_UNSHARE, __NR_unshare, "unshare", 2, { SP_X_RES, SP_X_UINT(0, "flags") } },
	{ SHRIKE_EVT_INIT_MODULE, __NR_init_module, "init_module", 4, { SP_X_RES,
		SP_X_ULONG(1, "len"), SP_E_STR(2, "uargs"), SP_X_MODNAME } },
	{ SHRIKE_EVT_FINIT_MODULE, __NR_finit_module, "finit_module", 6, { SP_X_RES,
		SP_X_INT(0, "fd"), SP_E_FDPATH(0, "path"), SP_E_STR(1, "uargs"),
		SP_X_UINT(2, "flags"), SP_X_MODNAME } },
	{ SHRIKE_EVT_MEMFD_CREATE, __NR_memfd_create, "memfd_create", 3, { SP_X_RES,
		SP_E_STR(0, "name"), SP_X_UINT(1, "flags") } },
	{ SHRIKE_EVT_BPF, __NR_bpf, "bpf", 2, { SP_X_RES, SP_X_INT(0, "cmd") } },
	{ SHRIKE_EVT_PRCTL, __NR_prctl, "prctl", 3, { SP_X_RES, SP_X_INT(0, "option"),
		SP_X_ULONG(1, "arg2") } },
	{ SHRIKE_EVT_MODULE_LOAD, -1, "module_load", 1, { SP_SPECIAL(SHRIKE_K_STR, "name") } },
	{ SHRIKE_EVT_PATH, -1, "path", 3, { SP_SPECIAL(SHRIKE_K_U64, "of"),
		SP_SPECIAL(SHRIKE_K_U64, "param"), SP_SPECIAL(SHRIKE_K_STR, "path") } },
	/* descriptors: what a dup'ed fd is (a socket on stdin/stdout is a reverse shell) */
	{ SHRIKE_EVT_DUP, __NR_dup, "dup", 3, { SP_X_RES, SP_X_INT(0, "oldfd"),
		SP_X_TUPLE(SHRIKE_RESFD) } },
	{ SHRIKE_EVT_DUP2, __NR_dup2, "dup2", 4, { SP_X_RES, SP_X_INT(0, "oldfd"),
		SP_X_INT(1, "newfd"), SP_X_TUPLE(SHRIKE_RESFD) } },
	{ SHRIKE_EVT_DUP3, __NR_dup3, "dup3", 5, { SP_X_RES, SP_X_INT(0, "oldfd"),
		SP_X_INT(1, "newfd"), SP_X_TUPLE(SHRIKE_RESFD), SP_X_UINT(2, "flags") } },
	{ SHRIKE_EVT_SENDTO, __NR_sendto, "sendto", 5, { SP_X_RES, SP_X_INT(0, "fd"),
		SP_E_ADDR(4, 5), SP_X_TUPLE(0), SP_X_UINT(3, "flags") } },
	{ SHRIKE_EVT_SENDMSG, __NR_sendmsg, "sendmsg", 5, { SP_X_RES, SP_X_INT(0, "fd"),
		{ SHRIKE_AT_ENTER, SHRIKE_K_SOCKADDR, SHRIKE_SRC_MSGADDR, 1, 0, "addr" },
		SP_X_TUPLE(0), SP_X_UINT(2, "flags") } },
};

/* ARRAY_SIZE is the kernel's; userspace has no such macro */
#ifdef __KERNEL__
#define SHRIKE_N_EVENT_SPECS ARRAY_SIZE(shrike_event_specs)
#else
#define SHRIKE_N_EVENT_SPECS (sizeof(shrike_event_specs) / sizeof(*shrike_event_specs))
#endif

#endif /* _UAPI_SHRIKE_EVENTS_H */
