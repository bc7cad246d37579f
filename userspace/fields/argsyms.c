/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * argsyms.c - the one table of symbolic parameter renderings: which
 * parameter of which event renders with which names, and the names.
 *
 * Falco's driver turns each syscall's flags into its own bit values and
 * libsinsp prints names from per-family tables, in the tables' order; rules
 * written for Falco test those names (evt.arg.flags contains O_TRUNC). shrike
 * keeps the kernel's numbers (evt.rawarg) and maps them straight to the
 * same names, in the same order, so that the text is what Falco prints.
 * Values are x86_64 Linux's (the 32-bit ABI is decoded to the same ones).
 * The table also says which parameters Falco names from outside the
 * number: uids and gids (the user's name, fields_user.c) and descriptors
 * (the file, fields_fd.c, from the parameter named as their via).
 * The renderer (fields_fd.c), evt.args, -A, --list-args and the rule
 * loader's checks all read this table.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "fields/argsyms.h"
#include "input/schema.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* A family of names over the raw value, its number in decimal (most of them) */
#define NAMED_FLAGS(id, syms) { id, ARGSYM_FLAGS, ARGSYM_DEC, syms, N(syms), NULL, NULL, 0 }
#define NAMED_ENUM(id, syms) { id, ARGSYM_ENUM, ARGSYM_DEC, syms, N(syms), NULL, NULL, 0 }

/* ---- open flags: Falco's names and order; access mode as two pseudo bits ---- */

/*
 * O_RDONLY is 0 in the kernel, so it cannot be tested as a bit: the access
 * mode becomes two bits above the kernel's flags (read, write), as Falco's
 * driver does, and O_RDWR is both. Bits Falco has no name for (O_NOFOLLOW,
 * O_PATH, O_NOATIME...) print no name, as in Falco; evt.rawarg has them.
 */
#define OPEN_RD		(1ULL << 32)
#define OPEN_WR		(1ULL << 33)

static uint64_t open_to_bits(uint64_t raw)
{
	uint64_t b = raw & ~3ULL & 0xffffffffULL;

	switch (raw & 3) {
	case 1: return b | OPEN_WR;
	case 2: return b | OPEN_RD | OPEN_WR;
	default: return b | OPEN_RD;	/* 0, and 3 (invalid, read as O_RDONLY by Falco too) */
	}
}

/* dup3 takes only O_CLOEXEC: no access mode, so 0 is O_NONE */
static uint64_t cloexec_to_bits(uint64_t raw)
{
	return raw & 02000000;
}

/*
 * O_SYNC is __O_SYNC plus O_DSYNC and O_TMPFILE is __O_TMPFILE plus
 * O_DIRECTORY; each name tests its own bit, so an O_SYNC open prints O_SYNC
 * and O_DSYNC, an O_TMPFILE one O_DIRECTORY and O_TMPFILE, as in Falco.
 */
static const struct argsym file_flags[] = {
	{ "O_LARGEFILE", 0100000 },
	{ "O_DIRECTORY", 0200000 },
	{ "O_DIRECT", 040000 },
	{ "O_TRUNC", 01000 },
	{ "O_SYNC", 04000000 },
	{ "O_NONBLOCK", 04000 },
	{ "O_EXCL", 0200 },
	{ "O_DSYNC", 010000 },
	{ "O_APPEND", 02000 },
	{ "O_CREAT", 0100 },
	{ "O_RDWR", OPEN_RD | OPEN_WR },
	{ "O_WRONLY", OPEN_WR },
	{ "O_RDONLY", OPEN_RD },
	{ "O_CLOEXEC", 02000000 },
	{ "O_NONE", 0 },
	{ "O_TMPFILE", 020000000 },
};

static const struct argsym_family open_flags_f = {
	"open flags", ARGSYM_FLAGS, ARGSYM_DEC, file_flags, N(file_flags), open_to_bits, NULL, 0
};
static const struct argsym_family dup3_flags_f = {
	"dup3 flags", ARGSYM_FLAGS, ARGSYM_DEC, file_flags, N(file_flags), cloexec_to_bits, NULL, 0
};

/* ---- *at ---- */

static const struct argsym unlinkat_syms[] = { { "AT_REMOVEDIR", 0x200 } };
static const struct argsym linkat_syms[] = {
	{ "AT_SYMLINK_FOLLOW", 0x400 }, { "AT_EMPTY_PATH", 0x1000 },
};
static const struct argsym fchownat_syms[] = {
	{ "AT_SYMLINK_NOFOLLOW", 0x100 }, { "AT_EMPTY_PATH", 0x1000 },
};
static const struct argsym renameat2_syms[] = {
	{ "RENAME_NOREPLACE", 1 }, { "RENAME_EXCHANGE", 2 }, { "RENAME_WHITEOUT", 4 },
};
static const struct argsym resolve_syms[] = {
	{ "RESOLVE_BENEATH", 0x08 }, { "RESOLVE_IN_ROOT", 0x10 },
	{ "RESOLVE_NO_MAGICLINKS", 0x02 }, { "RESOLVE_NO_SYMLINKS", 0x04 },
	{ "RESOLVE_NO_XDEV", 0x01 }, { "RESOLVE_CACHED", 0x20 },
};

static const struct argsym_family unlinkat_f = NAMED_FLAGS("unlinkat flags", unlinkat_syms);
static const struct argsym_family linkat_f = NAMED_FLAGS("linkat flags", linkat_syms);
static const struct argsym_family fchownat_f = NAMED_FLAGS("fchownat flags", fchownat_syms);
static const struct argsym_family renameat2_f = NAMED_FLAGS("renameat2 flags", renameat2_syms);
static const struct argsym_family resolve_f = NAMED_FLAGS("openat2 resolve", resolve_syms);

/* ---- descriptors, users and groups: what they stand for, from the event ---- */

/*
 * Falco prints a descriptor as the file its fd table holds for it. shrike
 * keeps no fd table: the file comes from the parameter of the same event
 * that says what the descriptor is (argsym_use.via), so a descriptor the
 * event says nothing more about (a file dup'ed) stays a number.
 */
static const struct argsym at_fdcwd_syms[] = { { "AT_FDCWD", (uint64_t)-100 } };

#define FD_FAMILY(id, type) \
	{ id, ARGSYM_FD, ARGSYM_DEC, at_fdcwd_syms, N(at_fdcwd_syms), NULL, NULL, type }

/*
 * A directory an *at call or fchdir uses: 'd', as Falco types a directory
 * opened with O_DIRECTORY (opendir's way; one opened without it is 'f' there)
 */
static const struct argsym_family dir_fd_f = FD_FAMILY("directory descriptor", 'd');
static const struct argsym_family file_fd_f = FD_FAMILY("file descriptor", 'f');
static const struct argsym_family sock_fd_f = FD_FAMILY("socket descriptor", 0);

/*
 * Falco types setuid's and setresuid's ids as users and the gid ones as
 * groups (PT_UID, PT_GID) and names them; chown's owner and group are plain
 * numbers there (PT_UINT32), and stay numbers here. Falco's setregid types
 * its gids as uids, which names them from passwd: shrike names them as the
 * groups they are.
 */
static const struct argsym_family user_f = { "uid", ARGSYM_USER, ARGSYM_DEC, NULL, 0, NULL, NULL, 0 };
static const struct argsym_family group_f = {
	"gid", ARGSYM_GROUP, ARGSYM_DEC, NULL, 0, NULL, NULL, 0
};

/* ---- modes ---- */

/* chmod's mode names, lowest bit first as Falco lists them; file-type bits have none */
static const struct argsym mode_syms[] = {
	{ "S_IXOTH", 01 }, { "S_IWOTH", 02 }, { "S_IROTH", 04 },
	{ "S_IXGRP", 010 }, { "S_IWGRP", 020 }, { "S_IRGRP", 040 },
	{ "S_IXUSR", 0100 }, { "S_IWUSR", 0200 }, { "S_IRUSR", 0400 },
	{ "S_ISVTX", 01000 }, { "S_ISGID", 02000 }, { "S_ISUID", 04000 },
};

static const struct argsym_family chmod_mode_f = {
	"chmod mode", ARGSYM_FLAGS, ARGSYM_OCT, mode_syms, N(mode_syms), NULL, NULL, 0
};
/* open's mode has no names in Falco, only octal; mkdir's is printed in hex */
static const struct argsym_family octal_f = {
	"octal", ARGSYM_NUMBER, ARGSYM_OCT, NULL, 0, NULL, NULL, 0
};
static const struct argsym_family hex_f = {
	"hex", ARGSYM_NUMBER, ARGSYM_HEX, NULL, 0, NULL, NULL, 0
};

/* ---- sockets ---- */

/* Falco's order; aliases (AF_LOCAL and AF_UNIX, AF_ROUTE and AF_NETLINK) both print */
static const struct argsym af_syms[] = {
	{ "AF_NFC", 39 }, { "AF_ALG", 38 }, { "AF_CAIF", 37 }, { "AF_IEEE802154", 36 },
	{ "AF_PHONET", 35 }, { "AF_ISDN", 34 }, { "AF_RXRPC", 33 }, { "AF_IUCV", 32 },
	{ "AF_BLUETOOTH", 31 }, { "AF_TIPC", 30 }, { "AF_CAN", 29 }, { "AF_LLC", 26 },
	{ "AF_WANPIPE", 25 }, { "AF_PPPOX", 24 }, { "AF_IRDA", 23 }, { "AF_SNA", 22 },
	{ "AF_RDS", 21 }, { "AF_ATMSVC", 20 }, { "AF_ECONET", 19 }, { "AF_ASH", 18 },
	{ "AF_PACKET", 17 }, { "AF_ROUTE", 16 }, { "AF_NETLINK", 16 }, { "AF_KEY", 15 },
	{ "AF_SECURITY", 14 }, { "AF_NETBEUI", 13 }, { "AF_DECnet", 12 }, { "AF_ROSE", 11 },
	{ "AF_INET6", 10 }, { "AF_X25", 9 }, { "AF_ATMPVC", 8 }, { "AF_BRIDGE", 7 },
	{ "AF_NETROM", 6 }, { "AF_APPLETALK", 5 }, { "AF_IPX", 4 }, { "AF_AX25", 3 },
	{ "AF_INET", 2 }, { "AF_LOCAL", 1 }, { "AF_UNIX", 1 }, { "AF_UNSPEC", 0 },
};

static const struct argsym_family af_f = NAMED_ENUM("socket domain", af_syms);

/*
 * sendto and sendmsg flags: Falco records none, so there is no Falco text
 * to follow; the kernel's MSG_ names, lowest bit first, in the same style.
 */
static const struct argsym msg_syms[] = {
	{ "MSG_OOB", 0x1 }, { "MSG_PEEK", 0x2 }, { "MSG_DONTROUTE", 0x4 },
	{ "MSG_CTRUNC", 0x8 }, { "MSG_PROXY", 0x10 }, { "MSG_TRUNC", 0x20 },
	{ "MSG_DONTWAIT", 0x40 }, { "MSG_EOR", 0x80 }, { "MSG_WAITALL", 0x100 },
	{ "MSG_FIN", 0x200 }, { "MSG_SYN", 0x400 }, { "MSG_CONFIRM", 0x800 },
	{ "MSG_RST", 0x1000 }, { "MSG_ERRQUEUE", 0x2000 }, { "MSG_NOSIGNAL", 0x4000 },
	{ "MSG_MORE", 0x8000 }, { "MSG_WAITFORONE", 0x10000 }, { "MSG_BATCH", 0x40000 },
	{ "MSG_ZEROCOPY", 0x4000000 }, { "MSG_FASTOPEN", 0x20000000 },
	{ "MSG_CMSG_CLOEXEC", 0x40000000 },
};

static const struct argsym_family msg_f = NAMED_FLAGS("send flags", msg_syms);

/* ---- processes and namespaces ---- */

/* Falco's order, without its own pseudo flags (CLONE_INVERTED, NAME_CHANGED...) */
static const struct argsym clone_syms[] = {
	{ "CLONE_FILES", 0x400 }, { "CLONE_FS", 0x200 }, { "CLONE_IO", 0x80000000 },
	{ "CLONE_NEWIPC", 0x08000000 }, { "CLONE_NEWNET", 0x40000000 },
	{ "CLONE_NEWNS", 0x20000 }, { "CLONE_NEWPID", 0x20000000 },
	{ "CLONE_NEWUTS", 0x04000000 }, { "CLONE_PARENT", 0x8000 },
	{ "CLONE_PARENT_SETTID", 0x100000 }, { "CLONE_PTRACE", 0x2000 },
	{ "CLONE_SIGHAND", 0x800 }, { "CLONE_SYSVSEM", 0x40000 }, { "CLONE_THREAD", 0x10000 },
	{ "CLONE_UNTRACED", 0x800000 }, { "CLONE_VM", 0x100 }, { "CLONE_NEWUSER", 0x10000000 },
	{ "CLONE_CHILD_CLEARTID", 0x200000 }, { "CLONE_CHILD_SETTID", 0x1000000 },
	{ "CLONE_SETTLS", 0x80000 }, { "CLONE_VFORK", 0x4000 }, { "CLONE_NEWCGROUP", 0x02000000 },
};

static const struct argsym_family clone_f = NAMED_FLAGS("clone flags", clone_syms);

/* Falco's x86 ptrace requests; a request it does not know is PTRACE_UNKNOWN */
static const struct argsym ptrace_syms[] = {
	{ "PTRACE_SINGLEBLOCK", 33 }, { "PTRACE_SYSEMU_SINGLESTEP", 32 }, { "PTRACE_SYSEMU", 31 },
	{ "PTRACE_ARCH_PRCTL", 30 }, { "PTRACE_SET_THREAD_AREA", 26 },
	{ "PTRACE_GET_THREAD_AREA", 25 }, { "PTRACE_OLDSETOPTIONS", 21 },
	{ "PTRACE_SETFPXREGS", 19 }, { "PTRACE_GETFPXREGS", 18 }, { "PTRACE_SETFPREGS", 15 },
	{ "PTRACE_GETFPREGS", 14 }, { "PTRACE_SETREGS", 13 }, { "PTRACE_GETREGS", 12 },
	{ "PTRACE_SETSIGMASK", 0x420b }, { "PTRACE_GETSIGMASK", 0x420a },
	{ "PTRACE_PEEKSIGINFO", 0x4209 }, { "PTRACE_LISTEN", 0x4208 },
	{ "PTRACE_INTERRUPT", 0x4207 }, { "PTRACE_SEIZE", 0x4206 }, { "PTRACE_SETREGSET", 0x4205 },
	{ "PTRACE_GETREGSET", 0x4204 }, { "PTRACE_SETSIGINFO", 0x4203 },
	{ "PTRACE_GETSIGINFO", 0x4202 }, { "PTRACE_GETEVENTMSG", 0x4201 },
	{ "PTRACE_SETOPTIONS", 0x4200 }, { "PTRACE_SYSCALL", 24 }, { "PTRACE_DETACH", 17 },
	{ "PTRACE_ATTACH", 16 }, { "PTRACE_SINGLESTEP", 9 }, { "PTRACE_KILL", 8 },
	{ "PTRACE_CONT", 7 }, { "PTRACE_POKEUSR", 6 }, { "PTRACE_POKEDATA", 5 },
	{ "PTRACE_POKETEXT", 4 }, { "PTRACE_PEEKUSR", 3 }, { "PTRACE_PEEKDATA", 2 },
	{ "PTRACE_PEEKTEXT", 1 }, { "PTRACE_TRACEME", 0 },
};

static const struct argsym_family ptrace_f = {
	"ptrace request", ARGSYM_ENUM, ARGSYM_DEC, ptrace_syms, N(ptrace_syms), NULL, "PTRACE_UNKNOWN", 0
};

/* the standard signals by name; 0 and the real-time signals stay numbers, as in Falco */
static const struct argsym sig_syms[] = {
	{ "SIGHUP", 1 }, { "SIGINT", 2 }, { "SIGQUIT", 3 }, { "SIGILL", 4 }, { "SIGTRAP", 5 },
	{ "SIGABRT", 6 }, { "SIGBUS", 7 }, { "SIGFPE", 8 }, { "SIGKILL", 9 }, { "SIGUSR1", 10 },
	{ "SIGSEGV", 11 }, { "SIGUSR2", 12 }, { "SIGPIPE", 13 }, { "SIGALRM", 14 },
	{ "SIGTERM", 15 }, { "SIGSTKFLT", 16 }, { "SIGCHLD", 17 }, { "SIGCONT", 18 },
	{ "SIGSTOP", 19 }, { "SIGTSTP", 20 }, { "SIGTTIN", 21 }, { "SIGTTOU", 22 },
	{ "SIGURG", 23 }, { "SIGXCPU", 24 }, { "SIGXFSZ", 25 }, { "SIGVTALRM", 26 },
	{ "SIGPROF", 27 }, { "SIGWINCH", 28 }, { "SIGIO", 29 }, { "SIGPWR", 30 }, { "SIGSYS", 31 },
};

static const struct argsym_family sig_f = NAMED_ENUM("signal", sig_syms);

/* the prctl options Falco names (others print as numbers) */
static const struct argsym prctl_syms[] = {
	{ "PR_GET_DUMPABLE", 3 }, { "PR_SET_DUMPABLE", 4 }, { "PR_GET_KEEPCAPS", 7 },
	{ "PR_SET_KEEPCAPS", 8 }, { "PR_SET_NAME", 15 }, { "PR_GET_NAME", 16 },
	{ "PR_GET_SECCOMP", 21 }, { "PR_SET_SECCOMP", 22 }, { "PR_CAPBSET_READ", 23 },
	{ "PR_CAPBSET_DROP", 24 }, { "PR_GET_SECUREBITS", 27 }, { "PR_SET_SECUREBITS", 28 },
	{ "PR_MCE_KILL", 33 }, { "PR_SET_MM", 35 }, { "PR_SET_CHILD_SUBREAPER", 36 },
	{ "PR_GET_CHILD_SUBREAPER", 37 }, { "PR_SET_NO_NEW_PRIVS", 38 },
	{ "PR_GET_NO_NEW_PRIVS", 39 }, { "PR_GET_TID_ADDRESS", 40 }, { "PR_SET_THP_DISABLE", 41 },
	{ "PR_GET_THP_DISABLE", 42 }, { "PR_CAP_AMBIENT", 47 },
};

static const struct argsym_family prctl_f = NAMED_ENUM("prctl option", prctl_syms);

/* ---- mounts: Falco prints the MS_ and MNT_ names without their prefix ---- */

/* mount(2)'s old magic number in the top half means "no flags there" */
static uint64_t mount_to_bits(uint64_t raw)
{
	if ((raw & 0xffff0000ULL) == 0xc0ed0000ULL)
		raw &= 0xffff;
	return raw & 0xffffffffULL;
}

static const struct argsym mount_syms[] = {
	{ "RDONLY", 1 }, { "NOSUID", 2 }, { "NODEV", 4 }, { "NOEXEC", 8 },
	{ "SYNCHRONOUS", 16 }, { "REMOUNT", 32 }, { "MANDLOCK", 64 }, { "DIRSYNC", 128 },
	{ "NOATIME", 1 << 10 }, { "NODIRATIME", 1 << 11 }, { "BIND", 1 << 12 },
	{ "MOVE", 1 << 13 }, { "REC", 1 << 14 }, { "SILENT", 1 << 15 }, { "POSIXACL", 1 << 16 },
	{ "UNBINDABLE", 1 << 17 }, { "PRIVATE", 1 << 18 }, { "SLAVE", 1 << 19 },
	{ "SHARED", 1 << 20 }, { "RELATIME", 1 << 21 }, { "KERNMOUNT", 1 << 22 },
	{ "I_VERSION", 1 << 23 }, { "STRICTATIME", 1 << 24 }, { "LAZYTIME", 1 << 25 },
	{ "NOSEC", 1 << 28 }, { "BORN", 1 << 29 }, { "ACTIVE", 1 << 30 }, { "NOUSER", 1ULL << 31 },
};
static const struct argsym umount_syms[] = {
	{ "FORCE", 1 }, { "DETACH", 2 }, { "EXPIRE", 4 }, { "NOFOLLOW", 8 },
};

static const struct argsym_family mount_f = {
	"mount flags", ARGSYM_FLAGS, ARGSYM_DEC, mount_syms, N(mount_syms), mount_to_bits, NULL, 0
};
static const struct argsym_family umount_f = NAMED_FLAGS("umount2 flags", umount_syms);

/* ---- kernel: modules, memfd, bpf ---- */

static const struct argsym finit_syms[] = {
	{ "MODULE_INIT_IGNORE_MODVERSIONS", 1 }, { "MODULE_INIT_IGNORE_VERMAGIC", 2 },
	{ "MODULE_INIT_COMPRESSED_FILE", 4 },
};
static const struct argsym memfd_syms[] = {
	{ "MFD_CLOEXEC", 1 }, { "MFD_ALLOW_SEALING", 2 }, { "MFD_HUGETLB", 4 },
};
/* BPF_PROG_RUN is BPF_PROG_TEST_RUN's newer name: both print, as in Falco */
static const struct argsym bpf_syms[] = {
	{ "BPF_MAP_CREATE", 0 }, { "BPF_MAP_LOOKUP_ELEM", 1 }, { "BPF_MAP_UPDATE_ELEM", 2 },
	{ "BPF_MAP_DELETE_ELEM", 3 }, { "BPF_MAP_GET_NEXT_KEY", 4 }, { "BPF_PROG_LOAD", 5 },
	{ "BPF_OBJ_PIN", 6 }, { "BPF_OBJ_GET", 7 }, { "BPF_PROG_ATTACH", 8 },
	{ "BPF_PROG_DETACH", 9 }, { "BPF_PROG_TEST_RUN", 10 }, { "BPF_PROG_RUN", 10 },
	{ "BPF_PROG_GET_NEXT_ID", 11 }, { "BPF_MAP_GET_NEXT_ID", 12 },
	{ "BPF_PROG_GET_FD_BY_ID", 13 }, { "BPF_MAP_GET_FD_BY_ID", 14 },
	{ "BPF_OBJ_GET_INFO_BY_FD", 15 }, { "BPF_PROG_QUERY", 16 },
	{ "BPF_RAW_TRACEPOINT_OPEN", 17 }, { "BPF_BTF_LOAD", 18 }, { "BPF_BTF_GET_FD_BY_ID", 19 },
	{ "BPF_TASK_FD_QUERY", 20 }, { "BPF_MAP_LOOKUP_AND_DELETE_ELEM", 21 },
	{ "BPF_MAP_FREEZE", 22 }, { "BPF_BTF_GET_NEXT_ID", 23 }, { "BPF_MAP_LOOKUP_BATCH", 24 },
	{ "BPF_MAP_LOOKUP_AND_DELETE_BATCH", 25 }, { "BPF_MAP_UPDATE_BATCH", 26 },
	{ "BPF_MAP_DELETE_BATCH", 27 }, { "BPF_LINK_CREATE", 28 }, { "BPF_LINK_UPDATE", 29 },
	{ "BPF_LINK_GET_FD_BY_ID", 30 }, { "BPF_LINK_GET_NEXT_ID", 31 },
	{ "BPF_ENABLE_STATS", 32 }, { "BPF_ITER_CREATE", 33 }, { "BPF_LINK_DETACH", 34 },
	{ "BPF_PROG_BIND_MAP", 35 },
};

static const struct argsym_family finit_f = NAMED_FLAGS("finit_module flags", finit_syms);
static const struct argsym_family memfd_f = NAMED_FLAGS("memfd flags", memfd_syms);
static const struct argsym_family bpf_f = NAMED_ENUM("bpf command", bpf_syms);

/* ---- which parameter of which event: the one table ---- */

static const struct argsym_use uses[] = {
	{ "clone", "flags", &clone_f, NULL }, { "clone3", "flags", &clone_f, NULL },
	{ "fork", "flags", &clone_f, NULL }, { "vfork", "flags", &clone_f, NULL },
	{ "open", "flags", &open_flags_f, NULL }, { "open", "mode", &octal_f, NULL },
	{ "openat", "dirfd", &dir_fd_f, "dirpath" }, { "openat", "flags", &open_flags_f, NULL },
	{ "openat", "mode", &octal_f, NULL },
	{ "openat2", "dirfd", &dir_fd_f, "dirpath" }, { "openat2", "flags", &open_flags_f, NULL },
	{ "openat2", "mode", &octal_f, NULL }, { "openat2", "resolve", &resolve_f, NULL },
	{ "creat", "mode", &octal_f, NULL },
	{ "close", "fd", &file_fd_f, "path" },
	{ "unlinkat", "dirfd", &dir_fd_f, "dirpath" }, { "unlinkat", "flags", &unlinkat_f, NULL },
	{ "renameat2", "flags", &renameat2_f, NULL },
	{ "mkdir", "mode", &hex_f, NULL }, { "mkdirat", "dirfd", &dir_fd_f, "dirpath" },
	{ "mkdirat", "mode", &hex_f, NULL },
	{ "chmod", "mode", &chmod_mode_f, NULL }, { "fchmod", "fd", &file_fd_f, "path" },
	{ "fchmod", "mode", &chmod_mode_f, NULL },
	{ "fchmodat", "dirfd", &dir_fd_f, "dirpath" }, { "fchmodat", "mode", &chmod_mode_f, NULL },
	{ "fchown", "fd", &file_fd_f, "path" },
	{ "fchownat", "dirfd", &dir_fd_f, "dirpath" }, { "fchownat", "flags", &fchownat_f, NULL },
	{ "symlinkat", "linkdirfd", &dir_fd_f, "dirpath" },
	{ "linkat", "flags", &linkat_f, NULL },
	{ "fchdir", "fd", &dir_fd_f, "path" },
	{ "socket", "domain", &af_f, NULL },
	{ "connect", "fd", &sock_fd_f, "tuple" }, { "bind", "fd", &sock_fd_f, "tuple" },
	{ "listen", "fd", &sock_fd_f, "tuple" },
	/* the accepted connection (the result), as Falco's accept "fd" */
	{ "accept", "fd", &sock_fd_f, "tuple" }, { "accept4", "fd", &sock_fd_f, "tuple" },
	{ "accept4", "flags", &hex_f, NULL },
	{ "sendto", "fd", &sock_fd_f, "tuple" }, { "sendmsg", "fd", &sock_fd_f, "tuple" },
	/* the returned copy's socket is the one both descriptors stand for */
	{ "dup", "oldfd", &sock_fd_f, "tuple" },
	{ "dup2", "oldfd", &sock_fd_f, "tuple" }, { "dup2", "newfd", &sock_fd_f, "tuple" },
	{ "dup3", "oldfd", &sock_fd_f, "tuple" }, { "dup3", "newfd", &sock_fd_f, "tuple" },
	{ "setuid", "uid", &user_f, NULL }, { "setgid", "gid", &group_f, NULL },
	{ "setreuid", "ruid", &user_f, NULL }, { "setreuid", "euid", &user_f, NULL },
	{ "setregid", "rgid", &group_f, NULL }, { "setregid", "egid", &group_f, NULL },
	{ "setresuid", "ruid", &user_f, NULL }, { "setresuid", "euid", &user_f, NULL },
	{ "setresuid", "suid", &user_f, NULL },
	{ "setresgid", "rgid", &group_f, NULL }, { "setresgid", "egid", &group_f, NULL },
	{ "setresgid", "sgid", &group_f, NULL },
	{ "ptrace", "request", &ptrace_f, NULL },
	{ "kill", "sig", &sig_f, NULL }, { "tgkill", "sig", &sig_f, NULL },
	{ "mount", "flags", &mount_f, NULL }, { "umount2", "flags", &umount_f, NULL },
	{ "setns", "fd", &file_fd_f, "ns" }, { "setns", "nstype", &clone_f, NULL },
	{ "unshare", "flags", &clone_f, NULL },
	{ "finit_module", "fd", &file_fd_f, "path" }, { "finit_module", "flags", &finit_f, NULL },
	{ "memfd_create", "flags", &memfd_f, NULL },
	{ "bpf", "cmd", &bpf_f, NULL },
	{ "prctl", "option", &prctl_f, NULL },
	{ "dup3", "flags", &dup3_flags_f, NULL },
	{ "sendto", "flags", &msg_f, NULL }, { "sendmsg", "flags", &msg_f, NULL },
};

size_t argsym_uses(const struct argsym_use **out)
{
	*out = uses;
	return N(uses);
}

/* ---- rendering ---- */

static size_t put(char *buf, size_t cap, size_t at, const char *sep, const char *name)
{
	int w;

	if (at >= cap)
		return cap;
	w = snprintf(buf + at, cap - at, "%s%s", sep, name);
	if (w < 0 || (size_t)w >= cap - at)
		return cap;
	return at + (size_t)w;
}

size_t argsym_names(const struct argsym_family *f, uint64_t raw, char *buf, size_t cap)
{
	size_t at = 0, i;
	const char *sep = "";
	uint64_t initial, left;

	buf[0] = '\0';
	/* a user, a group or a file is named from the event (fields_fd.c), not from here */
	if (!f || f->kind == ARGSYM_NUMBER || argsym_is_id(f))
		return 0;
	if (f->kind == ARGSYM_ENUM || f->kind == ARGSYM_FD) {
		for (i = 0; i < f->nsyms; i++) {
			if (f->syms[i].value != raw)
				continue;
			at = put(buf, cap, at, sep, f->syms[i].name);
			sep = "|";
		}
		if (!at && f->unknown)
			at = put(buf, cap, at, "", f->unknown);
		return at;
	}
	/*
	 * Falco's walk: a name matches when all its bits are still set (a
	 * zero-valued name only when the value is 0); its bits are then taken
	 * away, so O_RDWR hides O_WRONLY and O_RDONLY; a name equal to the
	 * whole value ends the walk.
	 */
	initial = left = f->to_bits ? f->to_bits(raw) : raw;
	for (i = 0; i < f->nsyms; i++) {
		uint64_t v = f->syms[i].value;

		if (!((v == 0 && initial == 0) || (v && left && (left & v) == v)))
			continue;
		left &= ~v;
		at = put(buf, cap, at, sep, f->syms[i].name);
		sep = "|";
		if (v == initial)
			break;
	}
	return at;
}

void argsym_number(const struct argsym_family *f, uint64_t raw, int is_signed, char *buf,
		   size_t cap)
{
	enum argsym_base b = f ? f->base : ARGSYM_DEC;

	if (b == ARGSYM_OCT)
		snprintf(buf, cap, "%#" PRIo64, raw);
	else if (b == ARGSYM_HEX)
		snprintf(buf, cap, "%" PRIX64, raw);
	else if (is_signed)
		snprintf(buf, cap, "%" PRId64, (int64_t)raw);
	else
		snprintf(buf, cap, "%" PRIu64, raw);
}

int argsym_is_id(const struct argsym_family *f)
{
	return f && (f->kind == ARGSYM_USER || f->kind == ARGSYM_GROUP);
}

int argsym_has(const struct argsym_family *f, const char *name)
{
	size_t i;

	if (!f)
		return 0;
	if (f->unknown && !strcmp(f->unknown, name))
		return 1;
	for (i = 0; i < f->nsyms; i++)
		if (!strcmp(f->syms[i].name, name))
			return 1;
	return 0;
}

/*
 * By event type and parameter index, built once: the renderer asks for every
 * parameter of every -A event, and a search of the table per call would cost
 * more than the rendering.
 */
static const struct argsym_family *by_param[SHRIKE_EVT_MAX][SCHEMA_MAX_PARAMS];
static int8_t via_of[SHRIKE_EVT_MAX][SCHEMA_MAX_PARAMS];	/* index + 1; 0: none */
static pthread_once_t by_param_once = PTHREAD_ONCE_INIT;

static void by_param_init(void)
{
	size_t i;

	for (i = 0; i < N(uses); i++) {
		int t = schema_type_by_name(uses[i].event);
		const struct event_schema *sc = t >= 0 ? schema_of((uint16_t)t) : NULL;
		int k = sc ? schema_param_index(sc, uses[i].param) : -1;
		int v = sc && uses[i].via ? schema_param_index(sc, uses[i].via) : -1;

		if (k < 0 || t >= SHRIKE_EVT_MAX)
			continue;
		by_param[t][k] = uses[i].family;
		via_of[t][k] = (int8_t)(v + 1);
	}
}

const struct argsym_family *argsym_at(int type, int index)
{
	if (type < 0 || type >= SHRIKE_EVT_MAX || index < 0 || index >= SCHEMA_MAX_PARAMS)
		return NULL;
	pthread_once(&by_param_once, by_param_init);
	return by_param[type][index];
}

int argsym_via(int type, int index)
{
	if (!argsym_at(type, index))
		return -1;
	return via_of[type][index] - 1;
}
