/* SPDX-License-Identifier: GPL-2.0-only */
/* fields_impl.h - helpers shared by the field extractors (fields*.c). */
#ifndef SHRIKE_FIELDS_IMPL_H
#define SHRIKE_FIELDS_IMPL_H

#include <stdlib.h>
#include <string.h>
#include "enrich/enrich.h"
#include "fields/fields.h"

/* Per-field scratch for values built on demand (e.g. proc.cmdline). Grows
 * to the largest value once; no allocation per event after warm-up.
 */
struct scratch {
	char *buf;
	size_t cap;
};

static inline char *scratch_get(struct scratch *s, size_t need)
{
	if (need > s->cap) {
		char *n = realloc(s->buf, need);

		if (!n)
			return NULL;
		s->buf = n;
		s->cap = need;
	}
	return s->buf;
}

static inline void set_str(struct rf_value *out, const char *s)
{
	if (!s) {
		out->known = 0;
		return;
	}
	out->known = 1;
	out->type = RF_STR;
	out->s = s;
	out->slen = strlen(s);
}

static inline void set_int(struct rf_value *out, int64_t v)
{
	out->known = 1;
	out->type = RF_INT;
	out->i = v;
	out->u = (uint64_t)v;
}

static inline void set_bool(struct rf_value *out, int b)
{
	out->known = 1;
	out->type = RF_BOOL;
	out->i = b != 0;
	out->u = (uint64_t)out->i;
}

static inline void set_uint(struct rf_value *out, uint64_t v)
{
	out->known = 1;
	out->type = RF_UINT;
	out->u = v;
	out->i = (int64_t)v;
}

/* An id with SHRIKE_ID_NONE meaning "no mapping" becomes -1, as Falco prints. */
static inline void set_id(struct rf_value *out, uint32_t id)
{
	set_int(out, id == SHRIKE_ID_NONE ? -1 : (int64_t)id);
}


/*
 * What the pipeline gave ev (enrich.h); NULL, as for an event made by hand,
 * when it gave none.
 */
static inline struct proctab *ev_procs(const struct sevent *ev)
{
	return ev->enrich ? ev->enrich->procs : NULL;
}

static inline struct container_ctx *ev_containers(const struct sevent *ev)
{
	return ev->enrich ? ev->enrich->containers : NULL;
}

static inline struct identity_ctx *ev_identity(const struct sevent *ev)
{
	return ev->enrich ? ev->enrich->identity : NULL;
}

/* Names come from the capture's side records (side.h), not from this host. */
static inline int ev_replaying(const struct sevent *ev)
{
	return ev->enrich && ev->enrich->replaying;
}

/* fields_proc.c */
const struct shrike_proc_ctx *fields_ctx_of(const struct sevent *ev);
void f_proc_pid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_tid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_ppid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_exepath(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_exe(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_args(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_cmdline(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_user_uid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_user_host_uid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_user_loginuid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_group_gid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_group_host_gid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_cwd(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_tty(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_sid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_vpid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_pname(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_pexepath(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_pcmdline(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_aname(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_apid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_duration(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_is_exe_from_memfd(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_thread_cap_effective(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);

/* fields_compat.c */
void f_fd_sockfamily(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_port(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_aexe(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_evt_res_text(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_evt_is_open_read(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_evt_is_open_write(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_evt_is_open_exec(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_evt_rawres(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_evt_args(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_directory(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_filename(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_nameraw(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_type(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_l4proto(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_connected(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_name_changed(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_path_rewritten(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_sip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_sport(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_cip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_cport(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_ip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_pexe(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_aexepath(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_proc_sname(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_container_privileged(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_unknown(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);

/* fields_fd.c */
void f_evt_arg(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_evt_rawarg(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_num(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_typechar(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_rip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_rport(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_lip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_fd_lport(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void fields_fd_name(const struct sevent *ev, struct scratch *s, struct scratch *conn,
		    struct rf_value *o);
/* Render parameter i of ev as text into s; NULL if it has no value. */
const char *fields_param_text(const struct sevent *ev, int i, struct scratch *s);
/*
 * A number parameter i that has a rendering (argsyms.h): its number as
 * Falco prints it into num, and the text Falco shows for it beyond the
 * number, "" when there is none: the names of its flags, the user a uid
 * is ("<NA>" when it has no name), the file a descriptor is
 * ("<f>/etc/passwd"). The text may be built in s, and lasts until the next
 * call with s or the next event. NULL, writing nothing, for any other
 * parameter.
 */
const char *fields_param_names(const struct sevent *ev, int i, char *num, size_t ncap,
			       struct scratch *s);

/* fields_check.c: rule_field_ops.check_value (rule_fields.h) */
char *fields_check_value(void *ctx, const char *text, const struct rf_ref *ref, const char *op,
			 const char *value, const uint64_t *types);

/* fields_user.c */
void f_user_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_user_homedir(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_user_shell(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_user_loginname(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_group_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_container_id(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_container_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_container_type(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_user_host_loginuid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_user_host_loginname(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_container_platform(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_container_project(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_container_tags(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
void f_container_nested(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o);
/*
 * The name of the user (group) uid (gid) parameter i of ev stands for, from
 * the files user.name (group.name) is read from for the calling process, or
 * from the capture's side records on replay; NULL when unknown (or -1).
 */
const char *fields_arg_id_name(const struct sevent *ev, int i);
/* The same for ev's k-th uid or gid parameter (side records); NULL when it has none. */
const char *fields_arg_id_name_nth(const struct sevent *ev, int k);

#endif /* SHRIKE_FIELDS_IMPL_H */
