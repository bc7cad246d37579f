/* SPDX-License-Identifier: GPL-2.0-only */
/* readfile.c - reading a file whole, bounded: container and user files alike. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "lib/readfile.h"

char *read_small_at(int dfd, const char *name, size_t cap, size_t *lenp)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char *buf;

	if (fd < 0)
		return NULL;
	if (read_whole_fd(fd, 4096, cap, &buf, lenp) < 0)
		buf = NULL;
	close(fd);
	return buf;
}

int read_whole_fd(int fd, size_t hint, size_t cap, char **bufp, size_t *lenp)
{
	size_t size = (hint < cap ? hint : cap) + 1, len = 0;
	char *buf = malloc(size + 1), *nb;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == size) {
			if (size > cap)
				goto out_big;
			size = size * 2 > cap + 1 ? cap + 1 : size * 2;
			nb = realloc(buf, size + 1);
			if (!nb)
				goto out_nomem;
			buf = nb;
		}
		n = read(fd, buf + len, size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out_errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > cap)
		goto out_big;
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
out_big:
	free(buf);
	return -EFBIG;
out_nomem:
	free(buf);
	return -ENOMEM;
out_errno:
	n = -errno;
	free(buf);
	return (int)n;
}
