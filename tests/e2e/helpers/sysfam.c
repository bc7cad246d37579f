/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sysfam.c - performs real syscalls with known arguments, one family at a
 * time, and prints what shrike must report for each as a line
 *
 *   EXPECT <n> <field>=<value> ...
 *
 * meaning "exactly n events match all these fields". Ground truth comes from
 * the kernel itself where it can (fstat of an opened fd, getsockname and
 * getpeername of a socket), not from what we meant to do.
 *
 * usage: sysfam FAMILY DIR   (DIR: an empty scratch directory)
 * families: files net ids proc ns toctou
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
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

static const char *dir;
static int tid;

static void expect(int n, const char *type, const char *fmt, ...)
{
	va_list ap;

	printf("EXPECT %d evt.type=%s proc.tid=%d ", n, type, tid);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static char *path(const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		exit(1);
	return p;
}

static void files(void)
{
	char *a = path("a.txt"), *b = path("b.txt"), *d = path("d");
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS };
	int fd, dfd;

	fd = syscall(SYS_open, a, O_CREAT | O_WRONLY | O_TRUNC, 0640);
	expect(1, "open", "evt.res=%d fd.num=%d fd.name=%s evt.rawarg.flags=%d evt.rawarg.mode=%d", fd, fd, a,
	       O_CREAT | O_WRONLY | O_TRUNC, 0640);
	expect(1, "close", "evt.res=0 evt.rawarg.fd=%d fd.name=%s evt.arg.fd=<f>%s", fd, a, a);
	close(fd);
	fd = syscall(SYS_open, "/nonexistent/shrike", O_RDONLY);
	expect(1, "open", "evt.res=%d fd.name=/nonexistent/shrike", -ENOENT);
	if (chdir(dir))
		exit(1);
	fd = syscall(SYS_openat, AT_FDCWD, "a.txt", O_RDONLY);
	expect(1, "openat", "evt.res=%d evt.rawarg.dirfd=-100 evt.arg.name=a.txt fd.name=%s evt.arg.dirpath=%s",
	       fd, a, dir);
	close(fd);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	fd = syscall(SYS_openat, dfd, "a.txt", O_RDONLY);
	expect(1, "openat", "evt.res=%d evt.rawarg.dirfd=%d fd.name=%s", fd, dfd, a);
	close(fd);
	fd = syscall(SYS_openat2, AT_FDCWD, a, &how, sizeof(how));
	expect(1, "openat2", "evt.res=%d fd.name=%s evt.rawarg.flags=%d evt.rawarg.resolve=%d", fd, a,
	       O_RDONLY | O_CLOEXEC, RESOLVE_NO_SYMLINKS);
	close(fd);
	fd = syscall(SYS_creat, b, 0600);
	expect(1, "creat", "evt.res=%d fd.name=%s evt.rawarg.mode=%d", fd, b, 0600);
	close(fd);
	expect(1, "mkdir", "evt.res=%d evt.arg.path=%s evt.rawarg.mode=%d", (int)syscall(SYS_mkdir, d, 0750), d, 0750);
	expect(1, "mkdirat", "evt.res=%d evt.rawarg.dirfd=%d fd.name=%s/e", (int)syscall(SYS_mkdirat, dfd, "e", 0700), dfd, dir);
	expect(1, "rmdir", "evt.res=%d fd.name=%s", (int)syscall(SYS_rmdir, d), d);
	expect(1, "unlinkat", "evt.res=%d evt.rawarg.flags=%d fd.name=%s/e",
	       (int)syscall(SYS_unlinkat, dfd, "e", AT_REMOVEDIR), AT_REMOVEDIR, dir);
	expect(1, "chmod", "evt.res=%d fd.name=%s evt.rawarg.mode=%d", (int)syscall(SYS_chmod, a, 04755), a, 04755);
	fd = open(a, O_RDONLY);
	/* the file an fd-only call changed is named, as the fd was at the call's entry */
	expect(1, "fchmod", "evt.res=%d evt.rawarg.fd=%d evt.arg.fd=<f>%s fd.name=%s evt.rawarg.mode=%d",
	       (int)syscall(SYS_fchmod, fd, 0644), fd, a, a, 0644);
	expect(1, "fchown", "evt.res=%d evt.rawarg.fd=%d evt.arg.fd=<f>%s fd.name=%s evt.arg.uid=1000 evt.arg.gid=-1",
	       (int)syscall(SYS_fchown, fd, 1000, -1), fd, a, a);
	close(fd);
	expect(1, "fchmodat", "evt.res=%d fd.name=%s evt.rawarg.mode=%d",
	       (int)syscall(SYS_fchmodat, dfd, "a.txt", 0600), a, 0600);
	expect(1, "chown", "evt.res=%d fd.name=%s evt.arg.uid=1001 evt.arg.gid=1002", (int)syscall(SYS_chown, a, 1001, 1002), a);
	expect(1, "lchown", "evt.res=%d fd.name=%s evt.arg.uid=0 evt.arg.gid=0", (int)syscall(SYS_lchown, a, 0, 0), a);
	expect(1, "fchownat", "evt.res=%d fd.name=%s evt.arg.uid=5 evt.arg.gid=6 evt.rawarg.flags=%d",
	       (int)syscall(SYS_fchownat, dfd, "a.txt", 5, 6, AT_SYMLINK_NOFOLLOW), a, AT_SYMLINK_NOFOLLOW);
	expect(1, "symlink", "evt.res=%d evt.arg.target=a.txt fd.name=%s/s1", (int)syscall(SYS_symlink, "a.txt", "s1"), dir);
	expect(1, "symlinkat", "evt.res=%d evt.arg.target=/etc/shadow fd.name=%s/s2",
	       (int)syscall(SYS_symlinkat, "/etc/shadow", dfd, "s2"), dir);
	expect(1, "link", "evt.res=%d evt.arg.oldpath=%s evt.arg.newpath=l1 evt.arg.newdir=%s", (int)syscall(SYS_link, a, "l1"), a, dir);
	expect(1, "linkat", "evt.res=%d evt.arg.oldpath=a.txt evt.arg.newpath=l2 evt.rawarg.flags=0",
	       (int)syscall(SYS_linkat, dfd, "a.txt", dfd, "l2", 0));
	expect(1, "rename", "evt.res=%d evt.arg.oldpath=l1 evt.arg.newpath=l3 evt.arg.olddir=%s",
	       (int)syscall(SYS_rename, "l1", "l3"), dir);
	expect(1, "renameat", "evt.res=%d evt.arg.oldpath=l3 evt.arg.newpath=l4",
	       (int)syscall(SYS_renameat, dfd, "l3", dfd, "l4"));
	expect(1, "renameat2", "evt.res=%d evt.arg.oldpath=l4 evt.arg.newpath=l2 evt.rawarg.flags=%d",
	       (int)syscall(SYS_renameat2, dfd, "l4", dfd, "l2", RENAME_NOREPLACE) ? -errno : 0, RENAME_NOREPLACE);
	expect(1, "unlink", "evt.res=%d fd.name=%s/l2", (int)syscall(SYS_unlink, "l2"), dir);
	expect(1, "unlink", "evt.res=%d fd.name=%s/nope", -ENOENT, dir), syscall(SYS_unlink, "nope");
	expect(1, "chdir", "evt.res=%d fd.name=/", (int)syscall(SYS_chdir, "/"));
	expect(1, "fchdir", "evt.res=%d evt.rawarg.fd=%d evt.arg.fd=<d>%s evt.arg.path=%s",
	       (int)syscall(SYS_fchdir, dfd), dfd, dir, dir);
	if (fork() == 0) {
		tid = getpid();
		expect(1, "chroot", "evt.res=%d fd.name=%s", (int)syscall(SYS_chroot, dir), dir);
		_exit(0);
	}
	wait(NULL);
	close(dfd);
}

static int tcp_listener(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	expect(1, "bind", "evt.res=%d evt.rawarg.fd=%d evt.arg.fd~<4t>127.0.0.1: evt.arg.addr=127.0.0.1:0 "
	       "fd.lip=127.0.0.1", bind(s, (struct sockaddr *)sa, sizeof(*sa)), s);
	getsockname(s, (struct sockaddr *)sa, &len);
	return s;
}

static void net(void)
{
	struct sockaddr_in srv, cli, peer;
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT,
				   .sin6_port = htons(1) };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	socklen_t len;
	int l, c, a, u, u2, r;

	l = tcp_listener(&srv);
	expect(1, "socket", "evt.res=%d evt.rawarg.domain=%d evt.arg.domain=AF_INET evt.arg.type=%d "
	       "evt.arg.proto=0", l, AF_INET, SOCK_STREAM);
	/* a server socket is named by its own address alone, as Falco names it */
	expect(1, "listen", "evt.res=%d evt.rawarg.fd=%d evt.arg.backlog=7 fd.typechar=4 fd.lip=127.0.0.1 "
	       "fd.lport=%u fd.name=127.0.0.1:%u evt.arg.fd=<4t>127.0.0.1:%u", listen(l, 7), l,
	       ntohs(srv.sin_port), ntohs(srv.sin_port), ntohs(srv.sin_port));
	c = socket(AF_INET, SOCK_STREAM, 0);
	r = connect(c, (struct sockaddr *)&srv, sizeof(srv));
	len = sizeof(cli);
	getsockname(c, (struct sockaddr *)&cli, &len);
	expect(1, "connect", "evt.res=%d evt.rawarg.fd=%d fd.rip=127.0.0.1 fd.rport=%u fd.lport=%u "
	       "fd.name=127.0.0.1:%u->127.0.0.1:%u fd.typechar=4 evt.arg.fd=<4t>127.0.0.1:%u->127.0.0.1:%u",
	       r, c, ntohs(srv.sin_port), ntohs(cli.sin_port), ntohs(cli.sin_port), ntohs(srv.sin_port),
	       ntohs(cli.sin_port), ntohs(srv.sin_port));
	len = sizeof(peer);
	a = accept4(l, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
	/* fd is the accepted connection, as in Falco: from its peer to us */
	expect(1, "accept4", "evt.res=%d evt.rawarg.fd=%d evt.rawarg.flags=%d evt.arg.flags=80000 "
	       "fd.rip=127.0.0.1 fd.rport=%u fd.lport=%u evt.arg.fd=<4t>127.0.0.1:%u->127.0.0.1:%u",
	       a, a, SOCK_CLOEXEC, ntohs(peer.sin_port), ntohs(srv.sin_port), ntohs(peer.sin_port),
	       ntohs(srv.sin_port));
	close(a);
	close(c);
	/* a closed port: the target still shows, from the address passed in */
	close(l);
	c = socket(AF_INET, SOCK_STREAM, 0);
	expect(1, "connect", "evt.res=%d evt.rawarg.fd=%d fd.rip=127.0.0.1 fd.rport=%u evt.arg.fd~<4t>",
	       connect(c, (struct sockaddr *)&srv, sizeof(srv)) ? -errno : 0, c, ntohs(srv.sin_port));
	close(c);
	c = socket(AF_INET6, SOCK_STREAM, 0);
	expect(1, "connect", "evt.res=%d fd.rip=::1 fd.rport=1 fd.typechar=6 evt.arg.addr=::1:1",
	       connect(c, (struct sockaddr *)&s6, sizeof(s6)) ? -errno : 0);
	close(c);
	snprintf(un.sun_path, sizeof(un.sun_path), "%s/sock", dir);
	u = socket(AF_UNIX, SOCK_STREAM, 0);
	expect(1, "bind", "evt.res=%d evt.arg.addr=%s", bind(u, (struct sockaddr *)&un, sizeof(un)), un.sun_path);
	listen(u, 1);
	u2 = socket(AF_UNIX, SOCK_STREAM, 0);
	expect(1, "connect", "evt.res=%d fd.name=%s fd.typechar=u",
	       connect(u2, (struct sockaddr *)&un, sizeof(un)), un.sun_path);
	a = accept(u, NULL, NULL);
	expect(1, "accept", "evt.res=%d evt.rawarg.fd=%d fd.typechar=u evt.arg.fd~<u>", a, a);
	close(a);
	close(u2);
	close(u);
	/* an unreadable address is flagged, never garbage */
	c = socket(AF_INET, SOCK_STREAM, 0);
	expect(1, "connect", "evt.res=%d evt.arg.addr=null", connect(c, (void *)8, 16) ? -errno : 0);
	close(c);
}

static void ids(void)
{
	/* ids show as names, Falco's way; the numbers are evt.rawarg's */
	expect(1, "setuid", "evt.res=%d evt.rawarg.uid=0 evt.arg.uid=root user.uid=0", setuid(0));
	expect(1, "setgid", "evt.res=%d evt.rawarg.gid=0 evt.arg.gid=root", setgid(0));
	expect(1, "setreuid", "evt.res=%d evt.rawarg.ruid=-1 evt.arg.ruid=<NONE> evt.arg.euid=<NONE>",
	       setreuid(-1, -1));
	expect(1, "setregid", "evt.res=%d evt.rawarg.rgid=-1 evt.arg.rgid=<NONE> evt.arg.egid=<NONE>",
	       setregid(-1, -1));
	if (fork() == 0) {
		tid = getpid();
		expect(1, "setresgid", "evt.res=%d evt.rawarg.rgid=1000 evt.rawarg.egid=1000 "
		       "evt.rawarg.sgid=1000 group.gid=1000", setresgid(1000, 1000, 1000));
		expect(1, "setresuid", "evt.res=%d evt.rawarg.ruid=1000 evt.rawarg.euid=1000 "
		       "evt.rawarg.suid=1000 user.uid=1000 user.host_uid=1000", setresuid(1000, 1000, 1000));
		expect(1, "setuid", "evt.res=%d evt.rawarg.uid=0 evt.arg.uid=root user.uid=1000",
		       setuid(0) ? -errno : 0);
		_exit(0);
	}
	wait(NULL);
}

static void proc(void)
{
	pid_t child = fork();
	int fd;

	if (child == 0) {
		pause();
		_exit(0);
	}
	expect(1, "kill", "evt.res=0 evt.arg.pid=%d evt.rawarg.sig=0 evt.arg.sig=0", child), kill(child, 0);
	expect(1, "ptrace", "evt.res=%d evt.rawarg.request=%d evt.arg.request=PTRACE_ATTACH evt.arg.pid=%d",
	       (int)ptrace(PTRACE_ATTACH, child, 0, 0), PTRACE_ATTACH, child);
	waitpid(child, NULL, 0);
	expect(1, "tgkill", "evt.res=0 evt.arg.pid=%d evt.arg.tid=%d evt.rawarg.sig=%d evt.arg.sig=SIGKILL",
	       child, child, SIGKILL),
		syscall(SYS_tgkill, child, child, SIGKILL);
	waitpid(child, NULL, 0);
	expect(1, "prctl", "evt.res=%d evt.rawarg.option=%d evt.arg.option=PR_SET_NAME",
	       prctl(PR_SET_NAME, "sysfam-x"), PR_SET_NAME);
	fd = memfd_create("shrike-memfd", MFD_CLOEXEC);
	expect(1, "memfd_create", "evt.res=%d evt.arg.name=shrike-memfd evt.rawarg.flags=%d evt.arg.flags=MFD_CLOEXEC", fd, MFD_CLOEXEC);
	close(fd);
	expect(1, "bpf", "evt.res=%d evt.rawarg.cmd=5 evt.arg.cmd=BPF_PROG_LOAD", (int)syscall(SYS_bpf, 5, NULL, 0) ? -errno : 0);
	expect(1, "init_module", "evt.res=%d evt.arg.len=0 evt.arg.uargs=x=1",
	       syscall(SYS_init_module, NULL, 0, "x=1") ? -errno : 0);
	fd = open("/dev/null", O_RDONLY);
	expect(1, "finit_module", "evt.res=%d evt.rawarg.fd=%d evt.arg.fd=<f>/dev/null evt.arg.path=/dev/null "
	       "evt.arg.uargs=",
	       syscall(SYS_finit_module, fd, "", 0) ? -errno : 0, fd);
	close(fd);
}

static void ns(void)
{
	pid_t child = fork();

	if (child == 0) {
		char *m = path("mnt");
		int fd = open("/proc/self/ns/uts", O_RDONLY);
		struct stat st;

		tid = getpid();
		fstat(fd, &st);
		expect(1, "setns", "evt.res=%d evt.rawarg.fd=%d evt.rawarg.nstype=%d evt.arg.nstype=CLONE_NEWUTS "
		       "evt.arg.ns=uts:[%lu] evt.arg.fd=<f>uts:[%lu]", setns(fd, CLONE_NEWUTS), fd, CLONE_NEWUTS,
		       (unsigned long)st.st_ino, (unsigned long)st.st_ino);
		expect(1, "unshare", "evt.res=%d evt.rawarg.flags=%d evt.arg.flags=CLONE_NEWNS|CLONE_NEWUTS", unshare(CLONE_NEWNS | CLONE_NEWUTS),
		       CLONE_NEWNS | CLONE_NEWUTS);
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
		mkdir(m, 0700);
		expect(1, "mount", "evt.res=%d evt.arg.dev=shrike-tmp evt.arg.dir=%s evt.arg.type=tmpfs "
		       "evt.rawarg.flags=%d evt.arg.flags=NOSUID", mount("shrike-tmp", m, "tmpfs", MS_NOSUID, NULL), m, MS_NOSUID);
		expect(1, "umount2", "evt.res=%d evt.arg.name=%s evt.rawarg.flags=%d evt.arg.flags=DETACH", umount2(m, MNT_DETACH),
		       m, MNT_DETACH);
		_exit(0);
	}
	waitpid(child, NULL, 0);
}

/*
 * TOCTOU, made deterministic: the syscall is held inside the kernel (an open
 * of a FIFO waits for a writer; a connect to a unix socket whose backlog is
 * full waits for an accept) while another thread rewrites the very buffer it
 * was given. Only a monitor that read the argument at entry reports what the
 * kernel acted on.
 */
static char toctou_path[256];
static struct sockaddr_un toctou_addr;
static int toctou_listener;

static void *rewrite_then_release(void *arg)
{
	const char *fifo = arg;
	int fd;

	usleep(300 * 1000);	/* the main thread is now blocked in the syscall */
	snprintf(toctou_path, sizeof(toctou_path), "%s/decoy", dir);
	fd = open(fifo, O_WRONLY);	/* lets the blocked open of the FIFO return */
	usleep(100 * 1000);
	close(fd);
	return NULL;
}

static void *rewrite_then_accept(void *arg)
{
	int a1, a2;

	(void)arg;
	usleep(300 * 1000);
	snprintf(toctou_addr.sun_path, sizeof(toctou_addr.sun_path), "%s/decoy-sock", dir);
	a1 = accept(toctou_listener, NULL, NULL);	/* makes room: the blocked connect completes */
	a2 = accept(toctou_listener, NULL, NULL);
	close(a1);
	close(a2);
	return NULL;
}

/*
 * A path in a page that is not mapped when the syscall starts: the probe's
 * non-faulting read at entry fails, the kernel faults the page in and opens
 * the file. The event must still name it (the copy read again at exit, and
 * the file that was opened).
 */
static void fault_at_entry(void)
{
	char *target = path("faulted"), *holder = path("path-holder");
	size_t n = strlen(target) + 1;
	int fd, hfd;
	char *m;

	close(open(target, O_CREAT | O_WRONLY, 0600));
	hfd = open(holder, O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (hfd < 0 || write(hfd, target, n) != (ssize_t)n)
		return;
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, hfd, 0);
	if (m == MAP_FAILED)
		return;
	/* the page stays in the page cache, but no longer in our page table */
	madvise(m, 4096, MADV_DONTNEED);
	fd = syscall(SYS_openat, AT_FDCWD, m, O_RDONLY);
	expect(1, "openat", "evt.res=%d fd.name=%s evt.arg.name=null evt.arg.name_exit=%s evt.arg.opened=%s",
	       fd, target, target, target);
	close(fd);
	munmap(m, 4096);
	close(hfd);
}

static void toctou(void)
{
	char *fifo = path("fifo"), *sock = path("sock");
	pthread_t th;
	int fd, c1, c2;
	struct stat st;

	mkfifo(fifo, 0600);
	close(open(path("decoy"), O_CREAT | O_WRONLY, 0600));
	snprintf(toctou_path, sizeof(toctou_path), "%s", fifo);
	pthread_create(&th, NULL, rewrite_then_release, fifo);
	fd = syscall(SYS_open, toctou_path, O_RDONLY);
	pthread_join(th, NULL);
	fstat(fd, &st);
	/*
	 * ground truth: we hold the FIFO, not the decoy; the copy read at exit
	 * shows the rewrite, and the opened file is the FIFO
	 */
	expect(1, "open", "evt.res=%d fd.name=%s evt.arg.name=%s evt.arg.name_exit=%s/decoy evt.arg.opened=%s",
	       fd, S_ISFIFO(st.st_mode) ? fifo : "?", fifo, dir, fifo);
	close(fd);
	fault_at_entry();

	toctou_addr.sun_family = AF_UNIX;
	snprintf(toctou_addr.sun_path, sizeof(toctou_addr.sun_path), "%s", sock);
	toctou_listener = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(toctou_listener, (struct sockaddr *)&toctou_addr, sizeof(toctou_addr));
	listen(toctou_listener, 0);
	c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(c1, (struct sockaddr *)&toctou_addr, sizeof(toctou_addr));	/* fills the backlog */
	c2 = socket(AF_UNIX, SOCK_STREAM, 0);
	pthread_create(&th, NULL, rewrite_then_accept, NULL);
	expect(1, "connect", "evt.res=%d evt.rawarg.fd=%d evt.arg.addr=%s",
	       connect(c2, (struct sockaddr *)&toctou_addr, sizeof(toctou_addr)) ? -errno : 0, c2, sock);
	pthread_join(th, NULL);
	close(c1);
	close(c2);
}

/* init_module of a module file's bytes: the event must name the module */
static int initmod(const char *file)
{
	struct stat st;
	char *img;
	int fd = open(file, O_RDONLY), r;

	if (fd < 0 || fstat(fd, &st) < 0 || !(img = malloc(st.st_size)) ||
	    read(fd, img, st.st_size) != st.st_size)
		return 1;
	close(fd);
	r = syscall(SYS_init_module, img, (unsigned long)st.st_size, "");
	expect(1, "init_module", "evt.res=%d evt.arg.len=%lld evt.arg.name=crc7 evt.arg.uargs=",
	       r ? -errno : 0, (long long)st.st_size);
	free(img);
	return r != 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: sysfam FAMILY DIR\n");
		return 2;
	}
	dir = argv[2];
	tid = getpid();
	if (!strcmp(argv[1], "initmod"))
		return initmod(argv[2]);
	if (!strcmp(argv[1], "files"))
		files();
	else if (!strcmp(argv[1], "net"))
		net();
	else if (!strcmp(argv[1], "ids"))
		ids();
	else if (!strcmp(argv[1], "proc"))
		proc();
	else if (!strcmp(argv[1], "ns"))
		ns();
	else if (!strcmp(argv[1], "toctou"))
		toctou();
	else
		return 2;
	return 0;
}
