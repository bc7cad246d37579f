/* SPDX-License-Identifier: GPL-2.0-only */
/* fields_user.c - container.* and the user/group name fields: who and where a process is. */
#include "enrich/container.h"
#include "fields/fields_impl.h"
#include "enrich/identity.h"
#include "enrich/proctab.h"
#include "fields/side.h"

/*
 * One lookup per event (the identity module reuses it for the same evt.num),
 * so user.name and group.name always come from the same version of the files.
 */
static void names_of(const struct sevent *ev, struct identity_names *n)
{
	/* the identity user.uid shows, so that name and id always agree */
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);
	uint32_t pid;

	if (!c) {
		memset(n, 0, sizeof(*n));
		return;
	}
	/* an exiting process has no root left to open: use another of its namespace */
	pid = ev->type == SHRIKE_EVT_PROCEXIT ? 0 : c->pid;
	identity_lookup(ev_identity(ev), c, pid, ev->num, n);
}

void f_user_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct identity_names n;

	(void)r;
	if (ev_replaying(ev)) {
		set_str(o, side_replay_get(ev, SIDE_USER_NAME));
		return;
	}
	names_of(ev, &n);
	set_str(o, n.user);
}

void f_user_homedir(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct identity_names n;

	(void)r;
	if (ev_replaying(ev)) {
		set_str(o, side_replay_get(ev, SIDE_USER_HOMEDIR));
		return;
	}
	names_of(ev, &n);
	set_str(o, n.home);
}

void f_user_shell(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct identity_names n;

	(void)r;
	if (ev_replaying(ev)) {
		set_str(o, side_replay_get(ev, SIDE_USER_SHELL));
		return;
	}
	names_of(ev, &n);
	set_str(o, n.shell);
}

void f_user_loginname(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct identity_names n;

	(void)r;
	if (ev_replaying(ev)) {
		set_str(o, side_replay_get(ev, SIDE_USER_LOGINNAME));
		return;
	}
	names_of(ev, &n);
	set_str(o, n.login);
}

void f_user_host_loginuid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);

	(void)r;
	if (c && c->host_loginuid != SHRIKE_ID_NONE)
		set_id(o, c->host_loginuid);
	else
		o->known = 0;
}

/* The host's name of the login uid: who entered the container, as the host knows them. */
void f_user_host_loginname(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_proc_ctx *c;

	(void)r;
	if (ev_replaying(ev)) {
		set_str(o, side_replay_get(ev, SIDE_USER_HOST_LOGINNAME));
		return;
	}
	c = fields_ctx_of(ev);
	set_str(o, c ? identity_host_user(ev_identity(ev), c->host_loginuid, ev->num) : NULL);
}

void f_group_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct identity_names n;

	(void)r;
	if (ev_replaying(ev)) {
		set_str(o, side_replay_get(ev, SIDE_GROUP_NAME));
		return;
	}
	names_of(ev, &n);
	set_str(o, n.group);
}

static const struct container *container_ev(const struct sevent *ev)
{
	return container_of(ev_containers(ev), ev->proc);
}

void f_container_id(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct container *c;

	(void)r;
	if (ev_replaying(ev)) {
		set_str(o, side_replay_get(ev, SIDE_CONTAINER_ID));
		return;
	}
	c = container_ev(ev);
	set_str(o, c ? c->id : NULL);
}

void f_container_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct container *c;

	(void)r;
	if (ev_replaying(ev)) {
		set_str(o, side_replay_get(ev, SIDE_CONTAINER_NAME));
		return;
	}
	c = container_ev(ev);
	set_str(o, c ? c->name : NULL);
}

/* container.platform, .project and .tags: what a platform that manages the container says */
#define PLATFORM_FIELD(fn, side, member)						\
void fn(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)		\
{											\
	const struct container *c;							\
											\
	(void)r;									\
	if (ev_replaying(ev)) {								\
		set_str(o, side_replay_get(ev, side));					\
		return;									\
	}										\
	c = container_ev(ev);								\
	set_str(o, c ? c->member : NULL);						\
}

PLATFORM_FIELD(f_container_platform, SIDE_CONTAINER_PLATFORM, platform)
PLATFORM_FIELD(f_container_project, SIDE_CONTAINER_PROJECT, project)
PLATFORM_FIELD(f_container_tags, SIDE_CONTAINER_TAGS, tags)

void f_container_nested(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct container *c;

	(void)r;
	if (ev_replaying(ev)) {
		set_str(o, side_replay_get(ev, SIDE_CONTAINER_NESTED));
		return;
	}
	c = container_ev(ev);
	set_str(o, c ? c->nested : NULL);
}

void f_container_type(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct container *c;

	(void)r;
	if (ev_replaying(ev)) {
		set_str(o, side_replay_get(ev, SIDE_CONTAINER_TYPE));
		return;
	}
	c = container_ev(ev);
	set_str(o, c ? c->type_name : NULL);
}
