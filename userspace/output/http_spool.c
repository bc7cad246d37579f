/* SPDX-License-Identifier: GPL-2.0-only */
/* http_spool.c - the HTTP output's alerts kept on disk, in order, while the collector is away. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/log.h"
#include "lib/readfile.h"
#include "output/http_spool.h"

/* One alert's body at most: an alert is a few KiB even with long command lines. */
#define SPOOL_ALERT_MAX		(1u << 20)
/* "0000000000000001.json" */
#define SEQ_DIGITS		16
#define NAME_SIZE		(SEQ_DIGITS + sizeof(".json"))
#define TMP_SIZE		(1 + SEQ_DIGITS + sizeof(".tmp"))

struct spool {
	char *dir;
	int dfd;		/* the directory, and its flock */
	uint64_t max_bytes;
	uint64_t bytes, count;	/* of the alerts stored */
	uint64_t head, tail;	/* sequence numbers: the oldest, the next to write */
};

static void seq_name(char *buf, uint64_t seq)
{
	snprintf(buf, NAME_SIZE, "%016" PRIx64 ".json", seq);
}

/* The sequence number of an alert's file name, 0 if name is not one. */
static uint64_t name_seq(const char *name)
{
	uint64_t seq = 0;
	int i;

	if (strlen(name) != NAME_SIZE - 1 || strcmp(name + SEQ_DIGITS, ".json"))
		return 0;
	for (i = 0; i < SEQ_DIGITS; i++) {
		char c = name[i];

		if (c >= '0' && c <= '9')
			seq = seq << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			seq = seq << 4 | (uint64_t)(c - 'a' + 10);
		else
			return 0;
	}
	return seq == UINT64_MAX ? 0 : seq;
}

static int is_tmp_name(const char *name)
{
	size_t n = strlen(name);

	return n == TMP_SIZE - 1 && name[0] == '.' && !strcmp(name + n - 4, ".tmp");
}

/* What the directory holds: its alerts' count, bytes and range; leftover temporary files go. */
static int scan(struct spool *sp)
{
	uint64_t lo = UINT64_MAX, hi = 0, seq;
	struct dirent *e;
	struct stat st;
	DIR *d;
	int fd = openat(sp->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || !(d = fdopendir(fd))) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return -err;
	}
	sp->count = sp->bytes = 0;
	while ((e = readdir(d))) {
		if (is_tmp_name(e->d_name)) {
			unlinkat(sp->dfd, e->d_name, 0);
			continue;
		}
		seq = name_seq(e->d_name);
		if (!seq || fstatat(sp->dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		sp->count++;
		sp->bytes += (uint64_t)st.st_size;
		lo = seq < lo ? seq : lo;
		hi = seq > hi ? seq : hi;
	}
	closedir(d);
	sp->head = sp->count ? lo : 1;
	sp->tail = sp->count ? hi + 1 : 1;
	return 0;
}

struct spool *spool_open(const char *dir, uint64_t max_bytes)
{
	struct spool *sp = calloc(1, sizeof(*sp));
	struct stat st;

	if (!sp || !(sp->dir = strdup(dir))) {
		log_error("out of memory");
		free(sp);
		return NULL;
	}
	sp->max_bytes = max_bytes;
	sp->head = sp->tail = 1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		goto out_err;
	sp->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sp->dfd < 0)
		goto out_err;
	if (fstat(sp->dfd, &st) == 0 && (st.st_mode & 077))
		log_warn("http_output.spool_dir: '%s' is readable by others (mode %03o); alerts are sensitive",
			 dir, (unsigned)(st.st_mode & 0777));
	return sp;

out_err:
	log_error("http_output.spool_dir: cannot open '%s': %s", dir, strerror(errno));
	free(sp->dir);
	free(sp);
	return NULL;
}

int spool_acquire(struct spool *sp)
{
	if (flock(sp->dfd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? -EWOULDBLOCK : -errno;
	return scan(sp);
}

int spool_append(struct spool *sp, const char *body, size_t len)
{
	char tmp[TMP_SIZE], name[NAME_SIZE];
	size_t done = 0;
	int fd, err = 0;

	if (len > SPOOL_ALERT_MAX)
		return -EFBIG;
	if (sp->bytes + len > sp->max_bytes)
		return -ENOSPC;
	snprintf(tmp, sizeof(tmp), ".%016" PRIx64 ".tmp", sp->tail);
	seq_name(name, sp->tail);
	fd = openat(sp->dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t n = write(fd, body + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && renameat(sp->dfd, tmp, sp->dfd, name) < 0)
		err = -errno;
	if (err) {
		unlinkat(sp->dfd, tmp, 0);
		return err;
	}
	sp->tail++;
	sp->count++;
	sp->bytes += len;
	return 0;
}

int spool_peek(struct spool *sp, char **body, size_t *len)
{
	char name[NAME_SIZE];
	int fd, ret, rescanned = 0;

	for (;;) {
		if (!sp->count)
			return -ENOENT;
		seq_name(name, sp->head);
		fd = openat(sp->dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0)
			break;
		/* removed behind our back: find the oldest again */
		if (errno != ENOENT || rescanned++)
			return -errno;
		ret = scan(sp);
		if (ret < 0)
			return ret;
	}
	ret = read_whole_fd(fd, 4096, SPOOL_ALERT_MAX, body, len);
	close(fd);
	return ret;
}

void spool_pop(struct spool *sp)
{
	char name[NAME_SIZE];
	struct stat st;

	if (!sp->count)
		return;
	seq_name(name, sp->head);
	if (fstatat(sp->dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		sp->bytes -= (uint64_t)st.st_size < sp->bytes ? (uint64_t)st.st_size : sp->bytes;
	if (unlinkat(sp->dfd, name, 0) < 0 && errno != ENOENT)
		log_warn("http output: cannot remove '%s/%s' from the spool: %s", sp->dir, name, strerror(errno));
	sp->head++;
	if (--sp->count == 0)
		sp->bytes = 0;
}

uint64_t spool_count(const struct spool *sp)
{
	return sp->count;
}

const char *spool_dir(const struct spool *sp)
{
	return sp->dir;
}

void spool_close(struct spool *sp)
{
	if (!sp)
		return;
	close(sp->dfd);
	free(sp->dir);
	free(sp);
}
