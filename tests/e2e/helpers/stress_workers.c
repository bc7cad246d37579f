/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stress_workers.c - load for the stress and hostile-container tests.
 *
 *   stress_workers work N SECS [MS]  N workers, each looping open/close,
 *                                    connect to 127.0.0.1 (refused), and
 *                                    fork + exec of this binary ("exit"),
 *                                    pausing MS milliseconds between rounds
 *                                    (default 0)
 *   stress_workers spawn SECS [PAR]  short-lived processes from PAR spawners
 *                                    (default 2), as fast as they go: vfork
 *                                    and exit, every 16th execs "exit";
 *                                    prints the rate reached
 *   stress_workers flood SECS        openat/close of /proc/self/stat as fast as
 *                                    possible (a syscall flood)
 *   stress_workers bigargv BYTES KEY exec /bin/true KEY and filler arguments
 *                                    of 64 KiB up to BYTES of argv in all
 *   stress_workers longpath DIR      under DIR, a path of exactly PATH_MAX - 1
 *                                    (4095) bytes: mkdir its directories,
 *                                    open(O_CREAT) it, print it; then one
 *                                    byte longer, printing the errno
 *   stress_workers exit              exits 0 (what the others exec)
 *
 * SECS 0: until SIGTERM. Counts go to stdout as key=value.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void handle_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

static int done(double end)
{
	return stop || (end > 0 && now() >= end);
}

static void exec_self(void)
{
	char *args[] = { "stress_workers", "exit", NULL };

	execv("/proc/self/exe", args);
	_exit(127);
}

static unsigned long work_loop(double end, int pause_ms)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(1) };
	unsigned long n = 0;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	while (!done(end)) {
		int fd = open("/proc/self/stat", O_RDONLY);
		pid_t p;

		if (fd >= 0)
			close(fd);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0) {
			connect(fd, (struct sockaddr *)&sin, sizeof(sin));
			close(fd);
		}
		p = fork();
		if (p == 0)
			exec_self();
		if (p > 0)
			waitpid(p, NULL, 0);
		n++;
		if (pause_ms)
			usleep(pause_ms * 1000);
	}
	return n;
}

static int cmd_work(int n, double secs, int pause_ms)
{
	double end = secs > 0 ? now() + secs : 0;
	pid_t pids[64];
	int i;

	if (n < 1 || n > 64)
		return 2;
	handle_signals();
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			printf("worker%d=%lu\n", i, work_loop(end, pause_ms));
			_exit(0);
		}
	}
	/* SIGTERM here stops the workers (not the caller's process group) */
	while (wait(NULL) > 0 || errno == EINTR) {
		if (stop) {
			for (i = 0; i < n; i++)
				if (pids[i] > 0)
					kill(pids[i], SIGTERM);
			stop = 0;
		}
	}
	return 0;
}

static int cmd_spawn(double secs, int par)
{
	double start = now(), end = secs > 0 ? start + secs : 0, el;
	unsigned long total = 0;
	int fds[2], i;

	if (pipe(fds) < 0)
		return 1;
	handle_signals();
	for (i = 0; i < par; i++) {
		if (fork() == 0) {
			unsigned long n = 0;

			close(fds[0]);
			while (!done(end)) {
				/* fork and exit; one in 16 also execs (an exec event
				 * for the daemon to enrich)
				 */
				int do_exec = (n & 15) == 0;
				pid_t p = vfork();

				if (p == 0) {
					if (do_exec)
						exec_self();
					_exit(0);
				}
				if (p > 0 && waitpid(p, NULL, 0) == p)
					n++;
			}
			if (write(fds[1], &n, sizeof(n)) != sizeof(n))
				_exit(1);
			_exit(0);
		}
	}
	close(fds[1]);
	for (i = 0; i < par; i++) {
		unsigned long n;

		while (read(fds[0], &n, sizeof(n)) < 0 && errno == EINTR)
			;
		total += n;
	}
	while (wait(NULL) > 0 || errno == EINTR)
		;
	el = now() - start;
	printf("spawned=%lu seconds=%.1f rate=%.0f\n", total, el, total / el);
	return 0;
}

static int cmd_flood(double secs)
{
	double start = now(), end = secs > 0 ? start + secs : 0;
	unsigned long n = 0;

	handle_signals();
	while (!done(end)) {
		int fd = open("/proc/self/stat", O_RDONLY);

		if (fd >= 0)
			close(fd);
		n++;
	}
	printf("opens=%lu rate=%.0f\n", n, n / (now() - start));
	return 0;
}

static int cmd_bigargv(size_t bytes, const char *key)
{
	size_t chunk = 64 * 1024, used = strlen("/bin/true") + 1 + strlen(key) + 1;
	size_t n = bytes / chunk + 2, i = 0;
	char **args = calloc(n + 3, sizeof(*args));

	if (!args)
		return 1;
	args[i++] = "/bin/true";
	args[i++] = (char *)key;
	while (used + chunk <= bytes) {
		char *a = malloc(chunk);

		if (!a)
			return 1;
		memset(a, 'A' + (int)(i % 26), chunk - 1);
		a[chunk - 1] = '\0';
		args[i++] = a;
		used += chunk;
	}
	if (bytes > used + 1) {	/* the rest, to BYTES exactly */
		char *a = malloc(bytes - used);

		if (!a)
			return 1;
		memset(a, 'z', bytes - used - 1);
		a[bytes - used - 1] = '\0';
		args[i++] = a;
		used = bytes;
	}
	printf("argv_bytes=%zu args=%zu\n", used, i);
	fflush(stdout);
	execv("/bin/true", args);
	printf("exec: %s\n", strerror(errno));
	return 1;
}

static int cmd_longpath(const char *dir)
{
	char path[PATH_MAX + 2];
	size_t len;
	int fd;

	if (strlen(dir) + 2 >= sizeof(path))
		return 1;
	strcpy(path, dir);
	len = strlen(path);
	/* directories of up to 200 bytes, then the file, to exactly PATH_MAX - 1 */
	while (PATH_MAX - 1 - len > 201) {
		path[len++] = '/';
		memset(path + len, 'd', 200);
		len += 200;
		path[len] = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			printf("mkdir: %s\n", strerror(errno));
			return 1;
		}
	}
	path[len++] = '/';
	memset(path + len, 'f', PATH_MAX - 1 - len);
	len = PATH_MAX - 1;
	path[len] = '\0';
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	printf("len=%zu open=%s\n", strlen(path), fd >= 0 ? "ok" : strerror(errno));
	if (fd >= 0)
		close(fd);
	printf("path=%s\n", path);
	/* one byte more than the kernel takes */
	path[len] = 'g';
	path[len + 1] = '\0';
	fd = open(path, O_RDONLY);
	printf("longer=%s\n", fd >= 0 ? "opened" : strerrorname_np(errno));
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "exit"))
		return 0;
	if (!strcmp(cmd, "work") && (argc == 4 || argc == 5))
		return cmd_work(atoi(argv[2]), atof(argv[3]), argc == 5 ? atoi(argv[4]) : 0);
	if (!strcmp(cmd, "spawn") && argc >= 3)
		return cmd_spawn(atof(argv[2]), argc > 3 ? atoi(argv[3]) : 2);
	if (!strcmp(cmd, "flood") && argc == 3)
		return cmd_flood(atof(argv[2]));
	if (!strcmp(cmd, "bigargv") && argc == 4)
		return cmd_bigargv(strtoul(argv[2], NULL, 0), argv[3]);
	if (!strcmp(cmd, "longpath") && argc == 3)
		return cmd_longpath(argv[2]);
	fprintf(stderr, "usage: stress_workers work N SECS [MS] | spawn SECS [PAR] | flood SECS |\n"
			"       bigargv BYTES KEY | longpath DIR | exit\n");
	return 2;
}
