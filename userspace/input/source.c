/* SPDX-License-Identifier: GPL-2.0-only */
/* source.c - choosing the driver (--driver, key driver) and opening it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "input/source.h"
#include "lib/log.h"

int source_driver_parse(const char *s, enum source_driver *d)
{
	if (!strcmp(s, "auto"))
		*d = SOURCE_AUTO;
	else if (!strcmp(s, "kmod"))
		*d = SOURCE_KMOD;
	else if (!strcmp(s, "bpf"))
		*d = SOURCE_BPF;
	else
		return -1;
	return 0;
}

/* `modprobe shrike`, quietly: 0 when it loaded (or was loaded). */
static int modprobe_shrike(void)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execlp("modprobe", "modprobe", "-q", "shrike", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/*
 * auto: the module is the primary driver, so it wins whenever it is there
 * or can be loaded; the eBPF driver is for hosts that cannot load it. A
 * device named with -D is the module's: auto means that device.
 */
static enum source_driver choose(const struct source_params *p)
{
	if (p->driver != SOURCE_AUTO)
		return p->driver;
	if (p->device_given || access(p->device, F_OK) == 0)
		return SOURCE_KMOD;
	if (modprobe_shrike() == 0 && access(p->device, F_OK) == 0)
		return SOURCE_KMOD;
	return SOURCE_BPF;
}

int source_open(struct source *s, const struct source_params *p, char *err, size_t errlen)
{
	enum source_driver d = choose(p);
	int rc;

	memset(s, 0, sizeof(*s));
	if (d == SOURCE_KMOD)
		rc = source_kmod_open(s, p->device, err, errlen);
	else
		rc = source_bpf_open(s, p->buffer_size, err, errlen);
	if (rc == 0)
		log_info("driver: %s%s", source_name(s),
			 p->driver == SOURCE_AUTO ? " (chosen by driver: auto)" : "");
	return rc;
}

void source_close(struct source *s)
{
	if (s->ops)
		s->ops->close(s->impl);
	memset(s, 0, sizeof(*s));
}
