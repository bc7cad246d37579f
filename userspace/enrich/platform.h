/* SPDX-License-Identifier: GPL-2.0-only */
/* platform.h - which platform made an LXC container (Proxmox VE, Incus, LXD), from host-side facts */
#ifndef SHRIKE_PLATFORM_H
#define SHRIKE_PLATFORM_H

#include <stddef.h>
#include "enrich/resolver.h"

#define PLATFORM_LXC		"lxc"
#define PLATFORM_PROXMOX	"proxmox"
#define PLATFORM_INCUS		"incus"
#define PLATFORM_LXD		"lxd"

/*
 * What a platform calls a container. Every string is malloc'd (NULL: none),
 * platform is one of the constants above.
 */
struct platform_info {
	const char *platform;
	char *name;	/* container.name: Proxmox's hostname, Incus's instance */
	char *project;	/* Incus/LXD project */
	char *tags;	/* Proxmox tags, as its configuration writes them */
};

void platform_info_clear(struct platform_info *pi);

/*
 * One look at the host for LXC container @id, run by a resolver worker: the
 * facts may sit on a filesystem that can hang (Proxmox's /etc/pve is a FUSE
 * filesystem). Nothing a container controls decides it:
 *
 * - the lxcpath its monitor was started with (the monitor's command line,
 *   "[lxc monitor] LXCPATH NAME", found through the monitor's cgroup):
 *   /var/lib/incus/containers is Incus, /var/lib/lxd/containers and the
 *   snap's /var/snap/lxd/common/lxd/containers are LXD, whose liblxc name is
 *   "PROJECT_INSTANCE" outside the default project;
 * - on a Proxmox host (@root/etc/pve/lxc is a directory), the container's
 *   own configuration @root/etc/pve/lxc/ID.conf: its hostname and tags.
 *
 * @root is "" on a real host (a directory that stands for / in tests);
 * @mounts are the cgroup mounts to look for the monitor's cgroup in.
 */
struct platform_job {
	struct resolver_job rj;		/* first: the resolver's handle */
	struct platform_info out;
	char *root, *id;
	char *mounts[2];
};

/* A job for @id, to submit to a resolver (its release frees it). NULL: out of memory. */
struct platform_job *platform_job_new(const char *root, const char *id, const char *mount1,
				      const char *mount2);

/* Does @root/etc/pve/lxc exist (a Proxmox VE host)? Blocking: call it off the event path. */
int platform_is_proxmox(const char *root);

/* ---- the parsers, apart for tests ---- */

/* The lxcpath of a monitor of @id from its command line; malloc'd, NULL if it is not one. */
char *platform_monitor_lxcpath(const char *cmdline, size_t len, const char *id);

/* hostname: and tags: of a Proxmox container configuration (its main section). */
void platform_pve_conf(const char *conf, char **hostname, char **tags);

/* Incus/LXD: "PROJECT_INSTANCE" or "INSTANCE" (the default project). */
void platform_split_project(const char *id, char **project, char **instance);

#endif /* SHRIKE_PLATFORM_H */
