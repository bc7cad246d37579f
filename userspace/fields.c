/* fields.c - extracting field values from an enriched event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fields.h"
#include "proctab.h"

int64_t fields_boot_offset_ns;

#include "fields_impl.h"

static const struct shrike_proc_ctx *ctx_of(const struct sevent *ev)
{
	/* the event's own identity when it carries the caller's (exec) */
	if (ev->has_ctx && ev->ctx.tid == ev->tid)
		return &ev->ctx;
	if (ev->proc && ev->proc->has_ctx)
		return &ev->proc->ctx;
	return NULL;
}

static void f_evt_num(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_uint(o, ev->num);
}

static void f_evt_cpu(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_int(o, ev->cpu);
}

static void f_evt_time(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static char buf[48];
	int64_t t = (int64_t)ev->ts + fields_boot_offset_ns;
	time_t sec = (time_t)(t / 1000000000);
	struct tm tm;

	(void)r;
	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + 19, sizeof(buf) - 19, ".%09lldZ", (long long)(t % 1000000000));
	set_str(o, buf);
	o->type = RF_STR;
}

static void f_evt_rawtime(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_uint(o, ev->ts + (uint64_t)fields_boot_offset_ns);
	o->type = RF_ABSTIME;
}

static void f_evt_type(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_str(o, ev->schema ? ev->schema->name : NULL);
}

static void f_evt_res(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	if (ev->nparams && ev->schema && ev->schema->params[0].kind == SHRIKE_K_S64 &&
	    !strcmp(ev->schema->params[0].name, "res"))
		set_int(o, sparam_s64(&ev->params[0]));
	else
		o->known = 0;
}

static void f_proc_pid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_int(o, ev->pid);
}

static void f_proc_tid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_int(o, ev->tid);
}

static void f_proc_ppid(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_proc_ctx *c = ctx_of(ev);

	(void)r;
	if (c)
		set_int(o, c->ppid);
	else
		o->known = 0;
}

static void f_proc_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_proc_ctx *c = ctx_of(ev);

	(void)r;
	set_str(o, c ? c->comm : NULL);
}

static void f_proc_exepath(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_str(o, ev->proc ? ev->proc->exepath : NULL);
}

/* proc.exe: argv[0] as the process gave it */
static void f_proc_exe(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
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

static void f_proc_args(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static struct scratch s;

	(void)r;
	if (!ev->proc || !ev->proc->args) {
		set_str(o, ev->proc ? "" : NULL);
		return;
	}
	join_args(ev->proc, 0, &s, o);
}

static void f_proc_cmdline(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
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
static void fn(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)	\
{											\
	const struct shrike_proc_ctx *c = ctx_of(ev);					\
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

static const struct field_def table[] = {
	{ "evt.num", RF_UINT, FIELD_F_STREAM, "event number in this run", f_evt_num },
	{ "evt.time", RF_STR, FIELD_F_STREAM, "event time, ISO-8601 UTC with nanoseconds", f_evt_time },
	{ "evt.rawtime", RF_ABSTIME, 0, "event time in ns since the epoch", f_evt_rawtime },
	{ "evt.cpu", RF_INT, FIELD_F_STREAM, "CPU the event happened on", f_evt_cpu },
	{ "evt.type", RF_STR, FIELD_F_STREAM, "event type: the syscall or process event name", f_evt_type },
	{ "evt.res", RF_INT, FIELD_F_STREAM, "result: 0 or -errno for syscalls, the new tid for clone", f_evt_res },
	{ "proc.pid", RF_INT, FIELD_F_STREAM, "process id (initial pid namespace)", f_proc_pid },
	{ "proc.tid", RF_INT, FIELD_F_STREAM, "thread id (initial pid namespace)", f_proc_tid },
	{ "proc.ppid", RF_INT, FIELD_F_STREAM, "parent process id", f_proc_ppid },
	{ "proc.name", RF_STR, FIELD_F_STREAM, "process name (comm)", f_proc_name },
	{ "proc.exe", RF_STR, 0, "argv[0] as the process was started", f_proc_exe },
	{ "proc.exepath", RF_STR, FIELD_F_STREAM, "full path of the executable, as the process's root sees it", f_proc_exepath },
	{ "proc.args", RF_STR, 0, "arguments after argv[0], space-separated", f_proc_args },
	{ "proc.cmdline", RF_STR, FIELD_F_STREAM, "process name and arguments", f_proc_cmdline },
	{ "user.uid", RF_INT, FIELD_F_STREAM, "effective uid in the process's own user namespace", f_user_uid },
	{ "user.host_uid", RF_INT, FIELD_F_STREAM, "effective uid in the initial user namespace", f_user_host_uid },
	{ "user.loginuid", RF_INT, FIELD_F_STREAM, "audit login uid in the process's user namespace, -1 if unset", f_user_loginuid },
	{ "group.gid", RF_INT, FIELD_F_STREAM, "effective gid in the process's own user namespace", f_group_gid },
	{ "group.host_gid", RF_INT, FIELD_F_STREAM, "effective gid in the initial user namespace", f_group_host_gid },
	{ "evt.arg", RF_STR, FIELD_F_KEY | FIELD_F_INDEX, "a syscall argument by name (evt.arg.flags) or position (evt.arg[0])", f_evt_arg },
	{ "fd.num", RF_INT, FIELD_F_FD, "the file descriptor the event is about", f_fd_num },
	{ "fd.name", RF_STR, FIELD_F_FD, "file: absolute path; socket: lip:lport->rip:rport; unix socket: its path", f_fd_name },
	{ "fd.typechar", RF_STR, FIELD_F_FD, "f file, 4 IPv4 socket, 6 IPv6 socket, u unix socket", f_fd_typechar },
	{ "fd.lip", RF_IPADDR, FIELD_F_FD, "local IP address of a socket", f_fd_lip },
	{ "fd.lport", RF_PORT, FIELD_F_FD, "local port of a socket", f_fd_lport },
	{ "fd.rip", RF_IPADDR, FIELD_F_FD, "remote IP address of a socket", f_fd_rip },
	{ "fd.rport", RF_PORT, FIELD_F_FD, "remote port of a socket", f_fd_rport },
};

const struct field_def *fields_table(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

int fields_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, name))
			return (int)i;
	return -1;
}

void fields_extract(const struct sevent *ev, const struct rf_ref *ref, struct rf_value *out)
{
	memset(out, 0, sizeof(*out));
	if (ref->id < 0 || (size_t)ref->id >= sizeof(table) / sizeof(table[0]))
		return;
	out->type = table[ref->id].type;
	table[ref->id].get(ev, ref, out);
}

static int ops_resolve(void *ctx, const char *name, const char *arg, struct rf_ref *ref)
{
	int id = fields_find(name);

	(void)ctx;
	if (id < 0)
		return -1;
	if (arg && !(table[id].flags & (FIELD_F_INDEX | FIELD_F_KEY)))
		return -2;
	ref->index = -1;
	ref->key = NULL;
	if (arg) {
		char *end;
		long n = strtol(arg, &end, 10);

		if (*end == '\0' && n >= 0 && n < 64 && (table[id].flags & FIELD_F_INDEX))
			ref->index = (int)n;
		else if (table[id].flags & FIELD_F_KEY)
			ref->key = arg;
		else
			return -2;
	}
	ref->id = id;
	ref->type = table[id].type;
	ref->flags = table[id].flags;
	return 0;
}

static void ops_extract(void *ctx, const void *event, const struct rf_ref *ref, struct rf_value *out)
{
	(void)ctx;
	fields_extract(event, ref, out);
}

static int ops_evt_type_id(void *ctx, const char *name)
{
	(void)ctx;
	return schema_type_by_name(name);
}

static int ops_event_type(void *ctx, const void *event)
{
	(void)ctx;
	return ((const struct sevent *)event)->type;
}

const struct rule_field_ops fields_rule_ops = {
	.resolve = ops_resolve,
	.extract = ops_extract,
	.evt_type_id = ops_evt_type_id,
	.event_type = ops_event_type,
};
