/* SPDX-License-Identifier: GPL-2.0-only */
/* fields_user.c - container.* and the user/group name fields: who and where a process is. */
#include "enrich/container.h"
#include "fields/argsyms.h"
#include "fields/fields_impl.h"
#include "enrich/identity.h"
#include "enrich/proctab.h"
#include "fields/side.h"

/*
 * The names of c's ids, from the files of c's own root. An exiting process
 * has no root left to open: another process of its namespace is used.
 */
static void lookup_ids(const struct sevent *ev, const struct shrike_proc_ctx *c,
		       struct identity_names *n)
{
	uint32_t pid = ev->type == SHRIKE_EVT_PROCEXIT ? 0 : c->pid;

	identity_lookup(ev_identity(ev), c, pid, ev->num, n);
}

/*
 * One lookup per event (the identity module reuses it for the same evt.num),
 * so user.name and group.name always come from the same version of the files.
 */
static void names_of(const struct sevent *ev, struct identity_names *n)
{
	/* the identity user.uid shows, so that name and id always agree */
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);

	if (!c) {
		memset(n, 0, sizeof(*n));
		return;
	}
	lookup_ids(ev, c, n);
}

/*
 * The name of a uid (gid) an argument gives, from the same files as the
 * caller's own user.name: the id is one of the caller's user namespace
 * (setuid(1000) asks for its uid 1000), named by its own root's passwd.
 */
static const char *id_name_live(const struct sevent *ev, uint32_t id, int group)
{
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);
	struct shrike_proc_ctx asked;
	struct identity_names n;

	if (!c || id == SHRIKE_ID_NONE)
		return NULL;
	asked = *c;
	asked.uid = group ? SHRIKE_ID_NONE : id;
	asked.gid = group ? id : SHRIKE_ID_NONE;
	asked.loginuid = SHRIKE_ID_NONE;
	lookup_ids(ev, &asked, &n);
	return group ? n.group : n.user;
}

/* Which of ev's uid and gid parameters i is (0 for the first), or -1. */
static int id_slot(const struct sevent *ev, int i)
{
	int k, slot = 0;

	if (!argsym_is_id(argsym_at(ev->type, i)))
		return -1;
	for (k = 0; k < i; k++)
		slot += argsym_is_id(argsym_at(ev->type, k));
	return slot;
}

const char *fields_arg_id_name(const struct sevent *ev, int i)
{
	const struct argsym_family *f = argsym_at(ev->type, i);
	int slot = id_slot(ev, i);

	if (slot < 0 || (ev->params[i].flags & (SHRIKE_PARAM_FAULT | SPARAM_MISSING)))
		return NULL;
	/* a replay names the id as the live run did, never from this host's files */
	if (ev_replaying(ev))
		return slot < SIDE_ARG_IDS ? side_replay_get(ev, SIDE_ARG_ID0 + slot) : NULL;
	return id_name_live(ev, (uint32_t)sparam_u64(&ev->params[i]), f->kind == ARGSYM_GROUP);
}

const char *fields_arg_id_name_nth(const struct sevent *ev, int k)
{
	int i;

	for (i = 0; ev->schema && i < ev->schema->nparams; i++)
		if (id_slot(ev, i) == k)
			return fields_arg_id_name(ev, i);
	return NULL;
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
