/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ia32.c - a 64-bit program that makes the syscalls shrike reports through
 * the 32-bit ABI (int $0x80), and prints what each event must say as
 *
 *   EXPECT 1 evt.type=TYPE proc.vpid=PID field=value ...
 *
 * (the format of sysfam.c, checked by tests/e2e/lib/events.py). PID is the
 * process as its own pid namespace numbers it, so that the lines hold in a
 * container too; every call is made by a process's main thread. Every
 * buffer a syscall gets is below 4 GiB (mmap MAP_32BIT): a 32-bit syscall
 * has 32-bit pointers. The upper halves of the registers carry garbage on
 * purpose: the kernel ignores them, and the events must say what the
 * kernel did. Ground truth comes from the kernel where it can (fstat,
 * getsockname), results are the ones the calls returned.
 *
 * In "native" mode it makes the same calls through the 64-bit ABI, and the
 * events must not be marked 32-bit. The -A stream prints evt.is_compat and
 * proc.is_32bit only when true: events.py reads an absent field as null.
 *
 * usage: ia32 compat|native DIR [FAMILY...]
 *   DIR       an empty scratch directory
 *   FAMILY    files net ids proc exec ns toctou (default: all of them), or
 *             one: a single open (for the rule on 32-bit syscalls), or
 *             x32: syscalls with x32 numbers (in compat mode)
 * Environment: IA32_EXPECT, more field=value filters for every line (e.g.
 * container.name=web1); IA32_PIDNS, set when the helper runs in a pid
 * namespace of its own (a container): pids it sees are not the host's.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/net.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* 32-bit syscall numbers (arch/x86/entry/syscalls/syscall_32.tbl): a stable ABI. */
enum {
	NR32_exit = 1, NR32_fork = 2, NR32_open = 5, NR32_close = 6, NR32_creat = 8,
	NR32_link = 9, NR32_unlink = 10, NR32_execve = 11, NR32_chdir = 12, NR32_chmod = 15,
	NR32_lchown16 = 16, NR32_mount = 21, NR32_umount = 22, NR32_setuid16 = 23,
	NR32_ptrace = 26, NR32_kill = 37, NR32_rename = 38, NR32_mkdir = 39, NR32_rmdir = 40,
	NR32_dup = 41, NR32_setgid16 = 46, NR32_umount2 = 52, NR32_chroot = 61, NR32_dup2 = 63,
	NR32_setreuid16 = 70, NR32_setregid16 = 71, NR32_symlink = 83, NR32_fchmod = 94,
	NR32_fchown16 = 95, NR32_socketcall = 102, NR32_clone = 120, NR32_init_module = 128,
	NR32_fchdir = 133, NR32_setresuid16 = 164, NR32_setresgid16 = 170, NR32_prctl = 172,
	NR32_chown16 = 182, NR32_vfork = 190, NR32_lchown = 198, NR32_setreuid = 203,
	NR32_setregid = 204, NR32_fchown = 207, NR32_setresuid = 208, NR32_setresgid = 210,
	NR32_chown = 212, NR32_setuid = 213, NR32_setgid = 214, NR32_tgkill = 270,
	NR32_openat = 295, NR32_mkdirat = 296, NR32_fchownat = 298, NR32_unlinkat = 301,
	NR32_renameat = 302, NR32_linkat = 303, NR32_symlinkat = 304, NR32_fchmodat = 306,
	NR32_unshare = 310, NR32_dup3 = 330, NR32_setns = 346, NR32_finit_module = 350,
	NR32_renameat2 = 353, NR32_memfd_create = 356, NR32_bpf = 357, NR32_execveat = 358,
	NR32_socket = 359, NR32_bind = 361, NR32_connect = 362, NR32_listen = 363,
	NR32_accept4 = 364, NR32_sendto = 369, NR32_sendmsg = 370, NR32_clone3 = 435,
	NR32_openat2 = 437,
	NR32_accept = -1,	/* none: only through socketcall */
};

/* what the kernel must ignore in a 32-bit syscall's registers */
#define HIGH_GARBAGE	0x5a5a5a5a00000000ul

static int compat;		/* 1: int $0x80; 0: the native syscall instruction */
static const char *dir;		/* the scratch directory, as this process sees it */
static const char *extra = "";	/* IA32_EXPECT */
static int tid;			/* getpid(): the caller of the calls */

/*
 * int $0x80 from 64-bit code: the number in eax, arguments in ebx, ecx,
 * edx, esi, edi, ebp. rbp is saved in r9 around the call, as it may be the
 * frame pointer; r8-r11 are not preserved by every kernel's entry code.
 */
static long int80(long nr, unsigned long a1, unsigned long a2, unsigned long a3,
		  unsigned long a4, unsigned long a5, unsigned long a6)
{
	register unsigned long r8 __asm__("r8") = (uint32_t)a6 | HIGH_GARBAGE;
	long ret = nr;

	__asm__ volatile("mov %%rbp, %%r9\n\t"
			 "mov %%r8, %%rbp\n\t"
			 "int $0x80\n\t"
			 "mov %%r9, %%rbp"
			 : "+a"(ret), "+r"(r8)
			 : "b"((uint32_t)a1 | HIGH_GARBAGE), "c"((uint32_t)a2 | HIGH_GARBAGE),
			   "d"((uint32_t)a3 | HIGH_GARBAGE), "S"((uint32_t)a4 | HIGH_GARBAGE),
			   "D"((uint32_t)a5 | HIGH_GARBAGE)
			 : "r9", "r10", "r11", "memory", "cc");
	return (int)ret;
}

/* The syscall through the ABI of the mode: the result, or -errno as the kernel returns it. */
static long sc(long n32, long n64, const long *a)
{
	long r;

	if (compat)
		return int80(n32, a[0], a[1], a[2], a[3], a[4], a[5]);
	r = syscall(n64, a[0], a[1], a[2], a[3], a[4], a[5]);
	return r < 0 ? -errno : r;
}

#define SC(name, ...)	sc(NR32_##name, SYS_##name, (const long[6]){ __VA_ARGS__ })
#define P(p)		((long)(uintptr_t)(p))

static void raw_exit(int code)
{
	if (compat)
		int80(NR32_exit, code, 0, 0, 0, 0, 0);
	syscall(SYS_exit, code);
}

/* ---- memory below 4 GiB -------------------------------------------------- */

static char *lo, *lo_end;

static void *lo_alloc(size_t n)
{
	char *p = lo;

	lo += (n + 15) & ~(size_t)15;
	if (lo > lo_end) {
		fprintf(stderr, "ia32: out of low memory\n");
		exit(1);
	}
	memset(p, 0, n);
	return p;
}

static char *lo_str(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(lo_alloc(n), s, n);
}

static char *lo_path(const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = lo_alloc(n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* A NULL-terminated array of pointers the way the mode's ABI lays it out. */
static long lo_argv(const char *const *v)
{
	size_t i, n = 0;

	while (v[n])
		n++;
	if (compat) {
		uint32_t *a = lo_alloc((n + 1) * sizeof(*a));

		for (i = 0; i < n; i++)
			a[i] = (uint32_t)P(lo_str(v[i]));
		return P(a);
	}
	char **a = lo_alloc((n + 1) * sizeof(*a));

	for (i = 0; i < n; i++)
		a[i] = lo_str(v[i]);
	return P(a);
}

/* ---- expectations ---------------------------------------------------------- */

static void __attribute__((format(printf, 3, 4))) expect_tid(const char *type, int t,
							     const char *fmt, ...)
{
	va_list ap;

	printf("EXPECT 1 evt.type=%s proc.vpid=%d ", type, t);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" evt.is_compat=%s proc.is_32bit=null user.uid=%d %s\n", compat ? "true" : "null",
	       (int)geteuid(), extra);
	fflush(stdout);
}

#define expect(type, ...)	expect_tid(type, tid, __VA_ARGS__)

/* ---- files ------------------------------------------------------------------- */

static void files(void)
{
	char *a = lo_path("a.txt"), *b = lo_path("b.txt"), *d = lo_path("d");
	struct open_how *how = lo_alloc(sizeof(*how));
	int fd, dfd, r;

	how->flags = O_RDONLY | O_CLOEXEC;
	how->resolve = RESOLVE_NO_SYMLINKS;
	fd = SC(open, P(a), O_CREAT | O_WRONLY | O_TRUNC, 0640);
	expect("open", "evt.res=%d fd.num=%d fd.name=%s evt.rawarg.flags=%d evt.rawarg.mode=%d", fd, fd, a,
	       O_CREAT | O_WRONLY | O_TRUNC, 0640);
	expect("close", "evt.res=%ld evt.rawarg.fd=%d fd.name=%s", SC(close, fd), fd, a);
	fd = SC(open, P(lo_str("/etc/shadow")), O_RDONLY);
	expect("open", "evt.res=%d fd.name=/etc/shadow evt.rawarg.flags=0", fd);
	if (fd >= 0)
		SC(close, fd);
	if (chdir(dir))
		exit(1);
	fd = SC(openat, AT_FDCWD, P(lo_str("a.txt")), O_RDONLY);
	expect("openat", "evt.res=%d evt.rawarg.dirfd=-100 evt.arg.name=a.txt fd.name=%s evt.arg.dirpath=%s",
	       fd, a, dir);
	SC(close, fd);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	fd = SC(openat, dfd, P(lo_str("a.txt")), O_RDONLY);
	expect("openat", "evt.res=%d evt.rawarg.dirfd=%d fd.name=%s", fd, dfd, a);
	SC(close, fd);
	fd = SC(openat2, AT_FDCWD, P(a), P(how), sizeof(*how));
	expect("openat2", "evt.res=%d fd.name=%s evt.rawarg.flags=%d evt.rawarg.resolve=%d", fd, a,
	       O_RDONLY | O_CLOEXEC, RESOLVE_NO_SYMLINKS);
	SC(close, fd);
	fd = SC(creat, P(b), 0600);
	expect("creat", "evt.res=%d fd.name=%s evt.rawarg.mode=%d", fd, b, 0600);
	SC(close, fd);
	expect("mkdir", "evt.res=%ld evt.arg.path=%s evt.rawarg.mode=%d", SC(mkdir, P(d), 0750), d, 0750);
	expect("mkdirat", "evt.res=%ld evt.rawarg.dirfd=%d fd.name=%s/e",
	       SC(mkdirat, dfd, P(lo_str("e")), 0700), dfd, dir);
	expect("rmdir", "evt.res=%ld fd.name=%s", SC(rmdir, P(d)), d);
	expect("unlinkat", "evt.res=%ld evt.rawarg.flags=%d fd.name=%s/e",
	       SC(unlinkat, dfd, P(lo_str("e")), AT_REMOVEDIR), AT_REMOVEDIR, dir);
	expect("chmod", "evt.res=%ld fd.name=%s evt.rawarg.mode=%d", SC(chmod, P(a), 04755), a, 04755);
	fd = SC(open, P(a), O_RDONLY);
	expect("open", "evt.res=%d fd.name=%s", fd, a);
	expect("fchmod", "evt.res=%ld evt.rawarg.fd=%d fd.name=%s evt.rawarg.mode=%d", SC(fchmod, fd, 0644), fd, a, 0644);
	expect("fchmodat", "evt.res=%ld fd.name=%s evt.rawarg.mode=%d",
	       SC(fchmodat, dfd, P(lo_str("a.txt")), 0600), a, 0600);

	/*
	 * uids and gids: the 16-bit calls take old_uid_t, so only the low 16
	 * bits count and 0xffff means -1; the *32 ones are the native calls.
	 */
	r = compat ? int80(NR32_chown16, P(a), 0xabcd0000 | 1001, 0xffff, 0, 0, 0) :
		     SC(chown, P(a), 1001, -1);
	expect("chown", "evt.res=%d fd.name=%s evt.arg.uid=1001 evt.arg.gid=-1", r, a);
	expect("chown", "evt.res=%ld fd.name=%s evt.arg.uid=1002 evt.arg.gid=1003",
	       SC(chown, P(a), 1002, 1003), a);
	r = compat ? int80(NR32_lchown16, P(a), 0, 0x10000, 0, 0, 0) : SC(lchown, P(a), 0, 0);
	expect("lchown", "evt.res=%d fd.name=%s evt.arg.uid=0 evt.arg.gid=0", r, a);
	expect("lchown", "evt.res=%ld fd.name=%s evt.arg.uid=-1 evt.arg.gid=0",
	       SC(lchown, P(a), -1, 0), a);
	r = compat ? int80(NR32_fchown16, fd, 1000, 0xffff, 0, 0, 0) : SC(fchown, fd, 1000, -1);
	expect("fchown", "evt.res=%d evt.rawarg.fd=%d fd.name=%s evt.arg.uid=1000 evt.arg.gid=-1", r, fd, a);
	expect("fchown", "evt.res=%ld evt.rawarg.fd=%d fd.name=%s evt.arg.uid=-1 evt.arg.gid=1000",
	       SC(fchown, fd, -1, 1000), fd, a);
	SC(close, fd);
	expect("fchownat", "evt.res=%ld fd.name=%s evt.arg.uid=5 evt.arg.gid=6 evt.rawarg.flags=%d",
	       SC(fchownat, dfd, P(lo_str("a.txt")), 5, 6, AT_SYMLINK_NOFOLLOW), a,
	       AT_SYMLINK_NOFOLLOW);

	/* names */
	expect("symlink", "evt.res=%ld evt.arg.target=a.txt fd.name=%s/s1",
	       SC(symlink, P(lo_str("a.txt")), P(lo_str("s1"))), dir);
	expect("symlinkat", "evt.res=%ld evt.arg.target=/etc/shadow fd.name=%s/s2",
	       SC(symlinkat, P(lo_str("/etc/shadow")), dfd, P(lo_str("s2"))), dir);
	expect("link", "evt.res=%ld evt.arg.oldpath=%s evt.arg.newpath=l1 evt.arg.newdir=%s",
	       SC(link, P(a), P(lo_str("l1"))), a, dir);
	expect("linkat", "evt.res=%ld evt.arg.oldpath=a.txt evt.arg.newpath=l2 evt.rawarg.flags=0",
	       SC(linkat, dfd, P(lo_str("a.txt")), dfd, P(lo_str("l2")), 0));
	expect("rename", "evt.res=%ld evt.arg.oldpath=l1 evt.arg.newpath=l3 evt.arg.olddir=%s",
	       SC(rename, P(lo_str("l1")), P(lo_str("l3"))), dir);
	expect("renameat", "evt.res=%ld evt.arg.oldpath=l3 evt.arg.newpath=l4",
	       SC(renameat, dfd, P(lo_str("l3")), dfd, P(lo_str("l4"))));
	expect("renameat2", "evt.res=%ld evt.arg.oldpath=l4 evt.arg.newpath=l2 evt.rawarg.flags=%d",
	       SC(renameat2, dfd, P(lo_str("l4")), dfd, P(lo_str("l2")), RENAME_NOREPLACE),
	       RENAME_NOREPLACE);
	expect("unlink", "evt.res=%ld fd.name=%s/l2", SC(unlink, P(lo_str("l2"))), dir);
	expect("unlink", "evt.res=%ld fd.name=%s/nope", SC(unlink, P(lo_str("nope"))), dir);
	expect("chdir", "evt.res=%ld fd.name=/", SC(chdir, P(lo_str("/"))));
	expect("fchdir", "evt.res=%ld evt.rawarg.fd=%d evt.arg.path=%s", SC(fchdir, dfd), dfd, dir);

	/* descriptors */
	fd = SC(open, P(a), O_RDONLY);
	expect("open", "evt.res=%d fd.name=%s", fd, a);
	r = SC(dup, fd);
	expect("dup", "evt.res=%d evt.arg.oldfd=%d", r, fd);
	SC(close, r);
	expect("dup2", "evt.res=%ld evt.arg.oldfd=%d evt.arg.newfd=100", SC(dup2, fd, 100), fd);
	expect("dup3", "evt.res=%ld evt.arg.oldfd=%d evt.arg.newfd=101 evt.rawarg.flags=%d",
	       SC(dup3, fd, 101, O_CLOEXEC), fd, O_CLOEXEC);
	SC(close, 100);
	SC(close, 101);
	SC(close, fd);
	close(dfd);
}

/* ---- network --------------------------------------------------------------- */

/*
 * A socket call through the 32-bit ABI: socketcall(call, array of u32 in
 * user memory) or the call's own number (via_socketcall 0); natively the
 * native syscall either way, so that both runs expect the same events.
 */
static long sock(int call, long n32, long n64, int nargs, const long *args, int via_socketcall)
{
	long r;
	int i;

	if (!compat) {
		r = syscall(n64, args[0], args[1], args[2], args[3], args[4], args[5]);
		return r < 0 ? -errno : r;
	}
	if (via_socketcall) {
		uint32_t *a = lo_alloc(6 * sizeof(*a));

		for (i = 0; i < nargs; i++)
			a[i] = (uint32_t)args[i];
		return int80(NR32_socketcall, call, P(a), 0, 0, 0, 0);
	}
	return int80(n32, args[0], args[1], args[2], args[3], args[4], args[5]);
}

#define SOCK(call, name, via, ...) \
	sock(SYS_##call, NR32_##name, SYS_##name, 6, (const long[6]){ __VA_ARGS__ }, via)

static struct sockaddr_in *lo_inet(uint16_t port)
{
	struct sockaddr_in *sa = lo_alloc(sizeof(*sa));

	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa->sin_port = htons(port);
	return sa;
}

static uint16_t local_port(int s)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	getsockname(s, (struct sockaddr *)&sa, &len);
	return ntohs(sa.sin_port);
}

/* Sockets, addresses and sends, once through socketcall and once through the socket calls' own numbers. */
static void net_way(int via)
{
	struct sockaddr_in *srv = lo_inet(0), *dst;
	uint32_t *len32 = lo_alloc(sizeof(*len32));
	char *buf = lo_str("abc");
	int l, c, a, u, rcv, r;
	uint16_t sport, cport, uport;

	l = SOCK(SOCKET, socket, via, AF_INET, SOCK_STREAM, 0);
	expect("socket", "evt.res=%d evt.rawarg.domain=%d evt.arg.type=%d evt.arg.proto=0", l, AF_INET,
	       SOCK_STREAM);
	expect("bind", "evt.res=%ld evt.rawarg.fd=%d evt.arg.addr=127.0.0.1:0 fd.lip=127.0.0.1",
	       SOCK(BIND, bind, via, l, P(srv), sizeof(*srv)), l);
	sport = local_port(l);
	srv->sin_port = htons(sport);
	expect("listen", "evt.res=%ld evt.rawarg.fd=%d evt.arg.backlog=7 fd.lport=%u",
	       SOCK(LISTEN, listen, via, l, 7), l, sport);
	c = SOCK(SOCKET, socket, via, AF_INET, SOCK_STREAM, 0);
	expect("socket", "evt.res=%d evt.rawarg.domain=%d evt.arg.type=%d", c, AF_INET, SOCK_STREAM);
	r = SOCK(CONNECT, connect, via, c, P(srv), sizeof(*srv));
	cport = local_port(c);
	expect("connect", "evt.res=%d evt.rawarg.fd=%d evt.arg.addr=127.0.0.1:%u fd.rip=127.0.0.1 "
	       "fd.rport=%u fd.lport=%u fd.name=127.0.0.1:%u->127.0.0.1:%u fd.typechar=4", r, c, sport,
	       sport, cport, cport, sport);
	*len32 = sizeof(struct sockaddr_in);
	if (via) {
		/* socketcall has accept; the 32-bit ABI's own numbers only accept4 */
		a = SOCK(ACCEPT, accept, 1, l, P(lo_alloc(sizeof(struct sockaddr_in))), P(len32));
		expect("accept", "evt.res=%d evt.rawarg.fd=%d fd.rip=127.0.0.1 fd.rport=%u fd.lport=%u "
		       "evt.arg.fd=<4t>127.0.0.1:%u->127.0.0.1:%u", a, a, cport, sport, cport, sport);
	} else {
		a = SOCK(ACCEPT4, accept4, 0, l, P(lo_alloc(sizeof(struct sockaddr_in))), P(len32),
			 SOCK_CLOEXEC);
		expect("accept4", "evt.res=%d evt.rawarg.fd=%d evt.rawarg.flags=%d fd.rip=127.0.0.1 "
		       "fd.rport=%u fd.lport=%u evt.arg.fd=<4t>127.0.0.1:%u->127.0.0.1:%u", a, a,
		       SOCK_CLOEXEC, cport, sport, cport, sport);
	}
	if (via) {
		/* socketcall's send() is sendto() with no address */
		r = compat ? int80(NR32_socketcall, SYS_SEND,
				   P(memcpy(lo_alloc(16), (uint32_t[4]){ c, (uint32_t)P(buf), 1, 0 }, 16)),
				   0, 0, 0, 0) :
			     SOCK(SENDTO, sendto, 0, c, P(buf), 1, 0, 0, 0);
		expect("sendto", "evt.res=%d evt.rawarg.fd=%d evt.arg.addr=null fd.rport=%u "
		       "evt.rawarg.flags=0", r, c, sport);
	}
	SC(close, a);
	SC(close, c);
	SC(close, l);

	/* datagrams to a socket of ours, with the address in the call and in a msghdr */
	rcv = socket(AF_INET, SOCK_DGRAM, 0);
	dst = lo_inet(0);
	bind(rcv, (struct sockaddr *)dst, sizeof(*dst));
	uport = local_port(rcv);
	dst->sin_port = htons(uport);
	u = SOCK(SOCKET, socket, via, AF_INET, SOCK_DGRAM, 0);
	expect("socket", "evt.res=%d evt.arg.type=%d", u, SOCK_DGRAM);
	expect("sendto", "evt.res=%ld evt.rawarg.fd=%d evt.arg.addr=127.0.0.1:%u evt.rawarg.flags=%d",
	       SOCK(SENDTO, sendto, via, u, P(buf), 3, MSG_DONTWAIT, P(dst), sizeof(*dst)), u, uport,
	       MSG_DONTWAIT);
	if (compat) {
		/* struct compat_msghdr and compat_iovec: 32-bit pointers and lengths */
		uint32_t *iov = lo_alloc(2 * sizeof(*iov)), *mh = lo_alloc(7 * sizeof(*mh));

		iov[0] = (uint32_t)P(buf);
		iov[1] = 3;
		mh[0] = (uint32_t)P(dst);
		mh[1] = sizeof(*dst);
		mh[2] = (uint32_t)P(iov);
		mh[3] = 1;
		r = SOCK(SENDMSG, sendmsg, via, u, P(mh), MSG_DONTWAIT);
	} else {
		struct iovec *iov = lo_alloc(sizeof(*iov));
		struct msghdr *mh = lo_alloc(sizeof(*mh));

		iov->iov_base = buf;
		iov->iov_len = 3;
		mh->msg_name = dst;
		mh->msg_namelen = sizeof(*dst);
		mh->msg_iov = iov;
		mh->msg_iovlen = 1;
		r = SOCK(SENDMSG, sendmsg, via, u, P(mh), MSG_DONTWAIT);
	}
	expect("sendmsg", "evt.res=%d evt.rawarg.fd=%d evt.arg.addr=127.0.0.1:%u evt.rawarg.flags=%d", r, u,
	       uport, MSG_DONTWAIT);
	SC(close, u);
	close(rcv);
}

static void net(void)
{
	net_way(1);
	net_way(0);
}

/* ---- identity ----------------------------------------------------------------- */

/* The 16-bit calls: only the low 16 bits count, 0xffff is -1. */
static long id16(long n32, long n64, long a, long b, long c)
{
	if (!compat) {
		long r = syscall(n64, a == 0xffff ? -1 : a, b == 0xffff ? -1 : b, c == 0xffff ? -1 : c);

		return r < 0 ? -errno : r;
	}
	return int80(n32, 0xbeef0000 | a, 0xbeef0000 | b, 0xbeef0000 | c, 0, 0, 0);
}

static void ids(void)
{
	pid_t child;

	fflush(stdout);
	child = fork();
	if (child == 0) {
		tid = getpid();
		expect("setuid", "evt.res=%ld evt.rawarg.uid=%d", id16(NR32_setuid16, SYS_setuid, geteuid(), 0, 0),
		       (int)geteuid());
		expect("setgid", "evt.res=%ld evt.rawarg.gid=%d", id16(NR32_setgid16, SYS_setgid, getegid(), 0, 0),
		       (int)getegid());
		expect("setreuid", "evt.res=%ld evt.rawarg.ruid=-1 evt.rawarg.euid=-1",
		       id16(NR32_setreuid16, SYS_setreuid, 0xffff, 0xffff, 0));
		expect("setregid", "evt.res=%ld evt.rawarg.rgid=-1 evt.rawarg.egid=-1",
		       id16(NR32_setregid16, SYS_setregid, 0xffff, 0xffff, 0));
		expect("setresuid", "evt.res=%ld evt.rawarg.ruid=-1 evt.rawarg.euid=-1 evt.rawarg.suid=-1",
		       id16(NR32_setresuid16, SYS_setresuid, 0xffff, 0xffff, 0xffff));
		expect("setresgid", "evt.res=%ld evt.rawarg.rgid=-1 evt.rawarg.egid=-1 evt.rawarg.sgid=-1",
		       id16(NR32_setresgid16, SYS_setresgid, 0xffff, 0xffff, 0xffff));
		expect("setreuid", "evt.res=%ld evt.rawarg.ruid=-1 evt.rawarg.euid=-1", SC(setreuid, -1, -1));
		expect("setregid", "evt.res=%ld evt.rawarg.rgid=-1 evt.rawarg.egid=-1", SC(setregid, -1, -1));
		expect("setgid", "evt.res=%ld evt.rawarg.gid=%d", SC(setgid, getegid()), (int)getegid());
		expect("setresgid", "evt.res=%ld evt.rawarg.rgid=1000 evt.rawarg.egid=1000 evt.rawarg.sgid=1000 "
		       "group.gid=1000", SC(setresgid, 1000, 1000, 1000));
		expect("setresuid", "evt.res=%ld evt.rawarg.ruid=1000 evt.rawarg.euid=1000 evt.rawarg.suid=1000",
		       SC(setresuid, 1000, 1000, 1000));
		expect("setuid", "evt.res=%ld evt.rawarg.uid=0", SC(setuid, 0));
		expect("setuid", "evt.res=%ld evt.rawarg.uid=0", id16(NR32_setuid16, SYS_setuid, 0, 0, 0));
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, NULL, 0);
}

/* ---- processes ---------------------------------------------------------------- */

/* vfork, and in the child an exit with code 5 at once: the child runs on our stack. */
static long vfork_exit5(void)
{
	long r;

	if (compat)
		__asm__ volatile("mov $190, %%eax\n\t"
				 "int $0x80\n\t"
				 "test %%eax, %%eax\n\t"
				 "jnz 1f\n\t"
				 "mov $1, %%eax\n\t"
				 "mov $5, %%ebx\n\t"
				 "int $0x80\n"
				 "1:"
				 : "=a"(r) : : "rbx", "r8", "r9", "r10", "r11", "memory", "cc");
	else
		__asm__ volatile("mov $58, %%eax\n\t"
				 "syscall\n\t"
				 "test %%rax, %%rax\n\t"
				 "jnz 1f\n\t"
				 "mov $60, %%eax\n\t"
				 "mov $5, %%edi\n\t"
				 "syscall\n"
				 "1:"
				 : "=a"(r) : : "rdi", "rcx", "r11", "memory", "cc");
	return (int)r;
}

/*
 * A new process that exits at once with code: the parent's side of it. The
 * event's result is the child's tid as the host numbers it, which a process
 * in a container cannot know: checked on the host only (IA32_PIDNS unset).
 */
static void child_exits(const char *type, long r, int code, unsigned long flags)
{
	if (r == 0)
		raw_exit(code);
	waitpid(r, NULL, __WALL);
	if (getenv("IA32_PIDNS"))
		expect(type, "evt.rawarg.flags=%lu", flags);
	else
		expect(type, "evt.res=%ld evt.rawarg.flags=%lu", r, flags);
	expect_tid("procexit", r, "evt.arg.status=%d", code << 8);
}

static void proc(void)
{
	struct clone_args *ca = lo_alloc(sizeof(*ca));
	pid_t child;
	int fd;

	fflush(stdout);
	child_exits("fork", SC(fork, 0), 7, SIGCHLD);
	child_exits("clone", SC(clone, SIGCHLD, 0, 0, 0, 0), 3, SIGCHLD);
	ca->exit_signal = SIGCHLD;
	child_exits("clone3", SC(clone3, P(ca), sizeof(*ca)), 4, SIGCHLD);
	child_exits("vfork", vfork_exit5(), 5, CLONE_VM | CLONE_VFORK | SIGCHLD);

	child = fork();
	if (child == 0) {
		for (;;)
			pause();
	}
	expect("kill", "evt.res=%ld evt.arg.pid=%d evt.rawarg.sig=0", SC(kill, child, 0), child);
	expect("ptrace", "evt.res=%ld evt.rawarg.request=%d evt.arg.pid=%d",
	       SC(ptrace, PTRACE_ATTACH, child, 0, 0), PTRACE_ATTACH, child);
	waitpid(child, NULL, __WALL);
	expect("tgkill", "evt.res=%ld evt.arg.pid=%d evt.arg.tid=%d evt.rawarg.sig=%d",
	       SC(tgkill, child, child, SIGKILL), child, child, SIGKILL);
	waitpid(child, NULL, 0);
	expect("prctl", "evt.res=%ld evt.rawarg.option=%d", SC(prctl, PR_SET_NAME, P(lo_str("ia32-x"))),
	       PR_SET_NAME);
	prctl(PR_SET_NAME, "ia32");
	fd = SC(memfd_create, P(lo_str("shrike-ia32")), MFD_CLOEXEC);
	expect("memfd_create", "evt.res=%d evt.arg.name=shrike-ia32 evt.rawarg.flags=%d", fd, MFD_CLOEXEC);
	SC(close, fd);
	expect("bpf", "evt.res=%ld evt.rawarg.cmd=5", SC(bpf, 5, 0, 0));
	expect("init_module", "evt.res=%ld evt.arg.len=0 evt.arg.uargs=x=1",
	       SC(init_module, 0, 0, P(lo_str("x=1"))));
	fd = open("/dev/null", O_RDONLY);
	expect("finit_module", "evt.res=%ld evt.rawarg.fd=%d evt.arg.path=/dev/null evt.arg.uargs=",
	       SC(finit_module, fd, P(lo_str("")), 0), fd);
	close(fd);
}

/* ---- exec ------------------------------------------------------------------------ */

static void exec(void)
{
	const char *argv[] = { "true", "ia32-exec", NULL }, *envp[] = { NULL };
	long av = lo_argv(argv), ev = lo_argv(envp);
	char *bin = lo_str("/bin/true");
	pid_t child;
	int st;

	fflush(stdout);
	child = fork();
	if (child == 0) {
		SC(execve, P(bin), av, ev);
		_exit(127);
	}
	waitpid(child, &st, 0);
	expect_tid("execve", child, "evt.res=0 evt.arg.filename=/bin/true proc.cmdline~ia32-exec");
	child = fork();
	if (child == 0) {
		SC(execveat, AT_FDCWD, P(bin), av, ev, 0);
		_exit(127);
	}
	waitpid(child, &st, 0);
	expect_tid("execveat", child, "evt.res=0 evt.arg.filename=/bin/true proc.cmdline~ia32-exec");
	/* failures come back: the arguments are read from the caller's memory */
	expect("execve", "evt.res=%ld evt.arg.filename=/nonexistent/ia32",
	       SC(execve, P(lo_str("/nonexistent/ia32")), av, ev));
	expect("execveat", "evt.res=%ld evt.arg.filename=nope",
	       SC(execveat, AT_FDCWD, P(lo_str("nope")), av, ev, 0));
}

/* ---- mounts and namespaces ------------------------------------------------------ */

static void ns(void)
{
	pid_t child;

	fflush(stdout);
	child = fork();
	if (child == 0) {
		char *m = lo_path("mnt"), *tmpfs = lo_str("tmpfs"), *dev = lo_str("shrike-tmp");
		int fd = open("/proc/self/ns/uts", O_RDONLY);
		struct stat st;
		long r;

		tid = getpid();
		fstat(fd, &st);
		expect("setns", "evt.res=%ld evt.rawarg.fd=%d evt.rawarg.nstype=%d evt.arg.ns=uts:[%lu]",
		       SC(setns, fd, CLONE_NEWUTS), fd, CLONE_NEWUTS, (unsigned long)st.st_ino);
		expect("unshare", "evt.res=%ld evt.rawarg.flags=%d", SC(unshare, CLONE_NEWNS | CLONE_NEWUTS),
		       CLONE_NEWNS | CLONE_NEWUTS);
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
		mkdir(m, 0700);
		expect("mount", "evt.res=%ld evt.arg.dev=shrike-tmp evt.arg.dir=%s evt.arg.type=tmpfs "
		       "evt.rawarg.flags=%d", SC(mount, P(dev), P(m), P(tmpfs), MS_NOSUID, 0), m, MS_NOSUID);
		/* the 32-bit ABI's one-argument umount is umount2 with no flags */
		r = compat ? int80(NR32_umount, P(m), MNT_DETACH, 0, 0, 0, 0) : SC(umount2, P(m), 0);
		expect("umount2", "evt.res=%ld evt.arg.name=%s evt.rawarg.flags=0", r, m);
		SC(mount, P(dev), P(m), P(tmpfs), MS_NOSUID, 0);
		expect("umount2", "evt.res=%ld evt.arg.name=%s evt.rawarg.flags=%d",
		       SC(umount2, P(m), MNT_DETACH), m, MNT_DETACH);
		expect("chroot", "evt.res=%ld fd.name=%s", SC(chroot, P(lo_str(dir))), dir);
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, NULL, 0);
}

/*
 * TOCTOU on socketcall: a connect is held inside the kernel (a unix socket
 * whose backlog is full waits for an accept) while another thread rewrites
 * the argument array (another fd, another address) and the address itself.
 * The event must name what the kernel acted on: the array and the address
 * as they were at entry.
 */
static uint32_t *toctou_args;
static struct sockaddr_un *toctou_addr, *toctou_decoy;
static int toctou_listener, toctou_other;

static void *rewrite_then_accept(void *arg)
{
	int a1, a2;

	(void)arg;
	usleep(300 * 1000);	/* the main thread is now blocked in connect */
	toctou_args[0] = toctou_other;
	toctou_args[1] = (uint32_t)P(toctou_decoy);
	snprintf(toctou_addr->sun_path, sizeof(toctou_addr->sun_path), "%s/decoy-sock", dir);
	a1 = accept(toctou_listener, NULL, NULL);	/* makes room: the blocked connect completes */
	a2 = accept(toctou_listener, NULL, NULL);
	close(a1);
	close(a2);
	return NULL;
}

static void toctou(void)
{
	char *sock = lo_path("sock");
	pthread_t th;
	int c1, c2, r;

	toctou_addr = lo_alloc(sizeof(*toctou_addr));
	toctou_decoy = lo_alloc(sizeof(*toctou_decoy));
	toctou_addr->sun_family = toctou_decoy->sun_family = AF_UNIX;
	snprintf(toctou_addr->sun_path, sizeof(toctou_addr->sun_path), "%s", sock);
	snprintf(toctou_decoy->sun_path, sizeof(toctou_decoy->sun_path), "%s/decoy2", dir);
	toctou_listener = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(toctou_listener, (struct sockaddr *)toctou_addr, sizeof(*toctou_addr));
	listen(toctou_listener, 0);
	c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c1, (struct sockaddr *)toctou_addr, sizeof(*toctou_addr));	/* fills the backlog */
	toctou_other = c1;
	c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	toctou_args = lo_alloc(6 * sizeof(*toctou_args));
	toctou_args[0] = c2;
	toctou_args[1] = (uint32_t)P(toctou_addr);
	toctou_args[2] = sizeof(*toctou_addr);
	pthread_create(&th, NULL, rewrite_then_accept, NULL);
	if (compat)
		r = int80(NR32_socketcall, SYS_CONNECT, P(toctou_args), 0, 0, 0, 0);
	else
		r = connect(c2, (struct sockaddr *)toctou_addr, sizeof(*toctou_addr)) ? -errno : 0;
	pthread_join(th, NULL);
	expect("connect", "evt.res=%d evt.rawarg.fd=%d evt.arg.addr=%s", r, c2, sock);
	close(c1);
	close(c2);
	close(toctou_listener);
}

/* One harmless 32-bit syscall, for the rule that watches them: creates DIR/ia32-one. */
static void one(void)
{
	char *f = lo_path("ia32-one");
	int fd = SC(open, P(f), O_CREAT | O_WRONLY, 0600);

	expect("open", "evt.res=%d fd.name=%s", fd, f);
	SC(close, fd);
}

/* ---- x32 numbers ------------------------------------------------------------------ */

#define X32_BIT		0x40000000l
#define NRX32_execve	520	/* the x32 execve: argv of 32-bit pointers */

/*
 * The syscall instruction with an x32 number: any 64-bit program can make
 * it. Debian answers ENOSYS unless booted with syscall.x32=y; the event is
 * due either way, with what the call said.
 */
static long x32call(long nr, long a1, long a2, long a3, long a4)
{
	register long r10 __asm__("r10") = a4;
	long ret = nr | X32_BIT;

	__asm__ volatile("syscall"
			 : "+a"(ret)
			 : "D"(a1), "S"(a2), "d"(a3), "r"(r10)
			 : "rcx", "r11", "memory", "cc");
	return ret;
}

/*
 * Run in compat mode (the events are marked). An x32 openat is the native
 * openat: its path pointer is 64 bits wide, and where it points cut to 32
 * bits lies a decoy the event must not show. The x32 execve has its own
 * number and a 32-bit argv.
 */
static void x32(void)
{
	const char *argv[] = { "true", "x32-exec", NULL }, *envp[] = { NULL };
	char hi[256];	/* on the stack: above 4 GiB */
	uintptr_t cut = (uint32_t)(uintptr_t)hi;
	long fd;
	void *m;

	snprintf(hi, sizeof(hi), "%s/x32-hi", dir);
	m = mmap((void *)(cut & ~4095ul), 8192, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (m != MAP_FAILED)
		strcpy((char *)cut, "/decoy");
	fd = x32call(SYS_openat, AT_FDCWD, P(hi), O_CREAT | O_WRONLY, 0600);
	expect("openat", "evt.res=%ld evt.arg.name=%s evt.rawarg.flags=%d", fd, hi,
	       O_CREAT | O_WRONLY);
	if (fd >= 0)
		close((int)fd);
	expect("execve", "evt.res=%ld evt.arg.filename=/nonexistent/x32",
	       x32call(NRX32_execve, P(lo_str("/nonexistent/x32")), lo_argv(argv), lo_argv(envp), 0));
}

/* "one" and "x32" are not part of the default run */
static const struct {
	const char *name;
	void (*run)(void);
} families[] = {
	{ "files", files }, { "net", net }, { "ids", ids }, { "proc", proc },
	{ "exec", exec }, { "ns", ns }, { "toctou", toctou }, { "one", one },
	{ "x32", x32 },
};

static int run(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (!strcmp(name, families[i].name)) {
			families[i].run();
			return 0;
		}
	}
	fprintf(stderr, "ia32: unknown family '%s'\n", name);
	return 2;
}

int main(int argc, char **argv)
{
	size_t i;
	int a;

	if (argc < 3 || (strcmp(argv[1], "compat") && strcmp(argv[1], "native"))) {
		fprintf(stderr, "usage: ia32 compat|native DIR [FAMILY...]\n");
		return 2;
	}
	compat = !strcmp(argv[1], "compat");
	dir = argv[2];
	if (getenv("IA32_EXPECT"))
		extra = getenv("IA32_EXPECT");
	tid = getpid();
	lo = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (lo == MAP_FAILED || (uintptr_t)lo >= (1ul << 32) - (1 << 20)) {
		perror("ia32: mmap below 4 GiB");
		return 1;
	}
	lo_end = lo + (1 << 20);
	if (argc == 3) {
		for (i = 0; families[i].run != one; i++)	/* one and x32 come last */
			families[i].run();
		return 0;
	}
	for (a = 3; a < argc; a++)
		if (run(argv[a]))
			return 2;
	return 0;
}
