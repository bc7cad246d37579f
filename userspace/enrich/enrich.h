/* SPDX-License-Identifier: GPL-2.0-only */
/* enrich.h - what an event's fields know beyond the event: processes, containers, users. */
#ifndef SHRIKE_ENRICH_H
#define SHRIKE_ENRICH_H

#include <stdint.h>

struct proctab;
struct container_ctx;
struct identity_ctx;

/*
 * The pipeline owns one and points each event at it (sevent.enrich) before
 * the event goes on, so that the field extractors reach these explicitly
 * rather than through globals. A NULL part, or no context at all (an event
 * made by hand), makes the fields that need it unknown.
 */
struct enrich_ctx {
	struct proctab *procs;			/* ancestry: proc.pname, proc.aname[N], ... */
	struct container_ctx *containers;	/* container.*: live only */
	struct identity_ctx *identity;		/* user.name, group.name, ...: live only */
	/* replaying a capture: container and user names come from its side records (side.h) */
	int replaying;
	/* CLOCK_REALTIME - CLOCK_BOOTTIME of the host that made the events (the
	 * records carry boot time): evt.time, evt.rawtime, the alerts' time
	 */
	int64_t boot_offset_ns;
};

#endif /* SHRIKE_ENRICH_H */
