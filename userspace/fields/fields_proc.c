/* SPDX-License-Identifier: GPL-2.0-only */
/* fields_proc.c - the process an event belongs to: identity, image, ancestry. */
#include <stdio.h>
#include "fields/fields_impl.h"
#include "enrich/proctab.h"

/* The identity to report: the event's own when it carries the caller's
 * (exec, set*id: the state after the syscall), else the process table's.
 */
const struct shrike_proc_ctx *fields_ctx_of(const struct sevent *ev)
{
	/* the event's own identity when it carries the caller's (exec) */
	if (ev->has_ctx && ev->ctx.tid == ev->tid)
		return &ev->ctx;
	if (ev->proc && ev->proc->has_ctx)
		return &ev->proc->ctx;
	return NULL;
}

void f_proc_pid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_int(o, ev->pid);
}

void f_proc_tid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_int(o, ev->tid);
}

void f_proc_ppid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);

	(void)r;
	if (c)
		set_int(o, c->ppid);
	else
		o->known = 0;
}

void f_proc_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);

	(void)r;
	set_str(o, c ? c->comm : NULL);
}

void f_proc_exepath(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_str(o, ev->proc ? ev->proc->exepath : NULL);
}

/* proc.exe: argv[0] as the process gave it */
void f_proc_exe(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_str(o, ev->proc ? ev->proc->args : NULL);
}

/* Join argv[first..] with spaces; cmdline is "name args" as Falco prints. */
static void join_args(const struct proc *p, int with_name, struct scratch *s, struct rf_value *o)
{
	size_t name_len = with_name ? strlen(p->comm) : 0;
	size_t a0 = p->args ? strnlen(p->args, p->args_len) : 0;
	size_t rest = p->args_len > a0 ? p->args_len - a0 - 1 : 0;
	char *buf = scratch_get(s, name_len + rest + 2);
	size_t n = 0, i;

	if (!buf) {
		o->known = 0;
		return;
	}
	if (with_name) {
		memcpy(buf, p->comm, name_len);
		n = name_len;
	}
	if (rest) {
		if (n)
			buf[n++] = ' ';
		for (i = 0; i < rest; i++) {
			char ch = p->args[a0 + 1 + i];

			buf[n++] = ch ? ch : ' ';
		}
		/* the last argument's NUL became a trailing space */
		while (n && buf[n - 1] == ' ')
			n--;
	}
	buf[n] = '\0';
	set_str(o, buf);
}

void f_proc_args(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static struct scratch s;

	(void)r;
	if (!ev->proc || !ev->proc->args) {
		set_str(o, ev->proc ? "" : NULL);
		return;
	}
	join_args(ev->proc, 0, &s, o);
}

void f_proc_cmdline(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static struct scratch s;

	(void)r;
	if (!ev->proc) {
		o->known = 0;
		return;
	}
	join_args(ev->proc, 1, &s, o);
}

#define CTX_ID_FIELD(fn, member)							\
void fn(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)	\
{											\
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);					\
											\
	(void)r;									\
	if (c)										\
		set_id(o, c->member);							\
	else										\
		o->known = 0;								\
}

CTX_ID_FIELD(f_user_uid, uid)
CTX_ID_FIELD(f_user_host_uid, host_uid)
CTX_ID_FIELD(f_user_loginuid, loginuid)
CTX_ID_FIELD(f_group_gid, gid)
CTX_ID_FIELD(f_group_host_gid, host_gid)


/* Ancestry fields walk the process table the pipeline gives with the event. */
static const struct proc *parent_of(struct proctab *procs, const struct proc *p)
{
	if (!p || !p->has_ctx || !procs || p->ctx.ppid == 0 || p->ctx.ppid == p->pid)
		return NULL;
	return proctab_get(procs, p->ctx.ppid);
}

/* The n-th ancestor: 0 is the process itself, 1 its parent, ... */
static const struct proc *ancestor(const struct sevent *ev, int n)
{
	struct proctab *procs = ev_procs(ev);
	const struct proc *p = ev->proc;

	while (p && n-- > 0)
		p = parent_of(procs, p);
	return p;
}

void f_proc_cwd(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_str(o, ev->proc ? ev->proc->cwd : NULL);
}

void f_proc_tty(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);

	(void)r;
	if (c)
		set_int(o, c->tty);
	else
		o->known = 0;
}

void f_proc_sid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);

	(void)r;
	if (c)
		set_int(o, c->sid);
	else
		o->known = 0;
}

void f_proc_vpid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);

	(void)r;
	if (c && c->vpid)
		set_int(o, c->vpid);
	else
		o->known = 0;
}

void f_proc_pname(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct proc *p = ancestor(ev, 1);

	(void)r;
	set_str(o, p ? p->comm : NULL);
}

void f_proc_pexepath(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct proc *p = ancestor(ev, 1);

	(void)r;
	set_str(o, p ? p->exepath : NULL);
}

void f_proc_pcmdline(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static struct scratch s;
	const struct proc *p = ancestor(ev, 1);

	(void)r;
	if (!p) {
		o->known = 0;
		return;
	}
	join_args(p, 1, &s, o);
}

/* proc.aname[N] / proc.apid[N]; without an index, the parent. */
void f_proc_aname(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct proc *p = ancestor(ev, r->index < 0 ? 1 : r->index);

	set_str(o, p ? p->comm : NULL);
}

void f_proc_apid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct proc *p = ancestor(ev, r->index < 0 ? 1 : r->index);

	if (p)
		set_int(o, p->pid);
	else
		o->known = 0;
}

void f_proc_duration(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);

	(void)r;
	if (!c || !c->start_ns || c->start_ns > ev->ts) {
		o->known = 0;
		return;
	}
	set_uint(o, ev->ts - c->start_ns);
	o->type = RF_RELTIME;
}

/* An image executed from a memfd shows as "/memfd:NAME (deleted)". */
void f_proc_is_exe_from_memfd(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	if (!ev->proc || !ev->proc->exepath) {
		o->known = 0;
		return;
	}
	o->known = 1;
	o->type = RF_BOOL;
	o->i = !strncmp(ev->proc->exepath, "/memfd:", 7);
	o->u = (uint64_t)o->i;
}

/* Capability names by bit, as capabilities(7) spells them. */
static const char *const cap_names[] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

/*
 * thread.cap_effective as Falco prints it: the names of the effective
 * capabilities separated by spaces (rules test it with contains).
 */
void f_thread_cap_effective(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static struct scratch s;
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);
	size_t n = 0, i;
	char *buf;

	(void)r;
	if (!c) {
		o->known = 0;
		return;
	}
	buf = scratch_get(&s, 1024);
	if (!buf) {
		o->known = 0;
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++) {
		size_t l = strlen(cap_names[i]);

		if (!(c->cap_effective & (1ull << i)) || n + l + 2 > 1024)
			continue;
		if (n)
			buf[n++] = ' ';
		memcpy(buf + n, cap_names[i], l + 1);
		n += l;
	}
	set_str(o, buf);
}
