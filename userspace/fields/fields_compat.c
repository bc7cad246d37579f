/* SPDX-License-Identifier: GPL-2.0-only */
/* fields_compat.c - the rest of the fields Falco's own rules use. */
/*
 * So that a Falco rules file loads unchanged. Fields about container images,
 * Kubernetes or overlay layers have no meaning for LXC and are always
 * unknown (null): rules comparing them simply do not match.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "fields/fields_impl.h"
#include "enrich/proctab.h"

static int is_open(const struct sevent *ev)
{
	switch (ev->type) {
	case SHRIKE_EVT_OPEN:
	case SHRIKE_EVT_OPENAT:
	case SHRIKE_EVT_OPENAT2:
	case SHRIKE_EVT_CREAT:
		return 1;
	}
	return 0;
}

/* open flags of an open-family event (creat is O_CREAT|O_WRONLY|O_TRUNC) */
static int open_flags(const struct sevent *ev, uint64_t *flags)
{
	int i;

	if (!is_open(ev))
		return -1;
	if (ev->type == SHRIKE_EVT_CREAT) {
		*flags = O_CREAT | O_WRONLY | O_TRUNC;
		return 0;
	}
	i = SCHEMA_PARAM(ev, "flags");
	if (i < 0 || (ev->params[i].flags & (SHRIKE_PARAM_FAULT | SPARAM_MISSING)))
		return -1;
	*flags = sparam_u64(&ev->params[i]);
	return 0;
}

void f_evt_is_open_read(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	uint64_t fl;

	(void)r;
	if (open_flags(ev, &fl) < 0)
		set_bool(o, 0);
	else
		set_bool(o, (fl & O_ACCMODE) == O_RDONLY || (fl & O_ACCMODE) == O_RDWR);
}

void f_evt_is_open_write(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	uint64_t fl;

	(void)r;
	if (open_flags(ev, &fl) < 0)
		set_bool(o, 0);
	else
		set_bool(o, (fl & O_ACCMODE) == O_WRONLY || (fl & O_ACCMODE) == O_RDWR ||
			    (fl & (O_CREAT | O_TRUNC)));
}

void f_evt_is_open_exec(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)ev;
	(void)r;
	/* shrike does not capture the opened file's mode bits */
	set_bool(o, 0);
}

void f_evt_rawres(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	if (ev->schema && ev->nparams && !strcmp(ev->schema->params[0].name, "res"))
		set_int(o, sparam_s64(&ev->params[0]));
	else
		o->known = 0;
}

/*
 * evt.res as Falco's rules see it: "SUCCESS", or the errno's name ("ENOENT").
 * The JSON event stream keeps the number (the SPEC's evt.res); rules that
 * need the number use evt.rawres.
 */
void f_evt_res_text(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static char num[32];
	int64_t res;
	const char *name;

	(void)r;
	if (!ev->schema || !ev->nparams || strcmp(ev->schema->params[0].name, "res")) {
		o->known = 0;
		return;
	}
	res = sparam_s64(&ev->params[0]);
	if (res >= 0 || ev->type == SHRIKE_EVT_CLONE || ev->type == SHRIKE_EVT_CLONE3 ||
	    ev->type == SHRIKE_EVT_FORK || ev->type == SHRIKE_EVT_VFORK) {
		set_str(o, res >= 0 ? "SUCCESS" : NULL);
		if (res < 0) {
			snprintf(num, sizeof(num), "%lld", (long long)res);
			set_str(o, num);
		}
		return;
	}
	name = res > -4096 ? strerrorname_np((int)-res) : NULL;
	if (!name) {
		snprintf(num, sizeof(num), "%lld", (long long)res);
		name = num;
	}
	set_str(o, name);
}

/* The text of parameter i in evt.args: its number or text, and into *names what it stands for. */
static const char *args_value(const struct sevent *ev, int i, char *num, size_t ncap,
			      const char **names, struct scratch *s, struct scratch *tmp)
{
	const struct param_schema *p = &ev->schema->params[i];
	const char *v;

	*names = "";
	if (ev->params[i].flags & (SHRIKE_PARAM_FAULT | SPARAM_MISSING))
		return "<NA>";
	v = fields_param_names(ev, i, num, ncap, s);
	if (v) {
		*names = v;
		return num;
	}
	if (p->kind == SHRIKE_K_S64) {
		snprintf(num, ncap, "%lld", (long long)sparam_s64(&ev->params[i]));
		return num;
	}
	if (p->kind == SHRIKE_K_U64) {
		snprintf(num, ncap, "%llu", (unsigned long long)sparam_u64(&ev->params[i]));
		return num;
	}
	v = fields_param_text(ev, i, tmp);
	return v ? v : "<NA>";
}

/*
 * evt.args: "name=value name=value", as Falco's text output shows them: a
 * parameter that stands for something, with it in parentheses after the
 * number (flags=577(O_TRUNC|O_CREAT|O_WRONLY), uid=1000(alice),
 * fd=3(<f>/etc/passwd)). The buffer grows to the longest text seen.
 */
void f_evt_args(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static struct scratch s, names_s, tmp;
	size_t n = 0;
	int i;

	(void)r;
	if (!ev->schema || !scratch_get(&s, 1)) {
		o->known = 0;
		return;
	}
	s.buf[0] = '\0';
	for (i = 0; i < ev->schema->nparams; i++) {
		const struct param_schema *p = &ev->schema->params[i];
		const char *names, *v;
		char num[32];
		int w;

		if (p->kind == SHRIKE_K_CTX || p->kind == SHRIKE_K_TUPLE || !strcmp(p->name, "res"))
			continue;
		v = args_value(ev, i, num, sizeof(num), &names, &names_s, &tmp);
		/* Falco's form: the number, then what it stands for in parentheses */
		w = snprintf(NULL, 0, "%s%s=%s%s%s%s", n ? " " : "", p->name, v, names[0] ? "(" : "",
			     names, names[0] ? ")" : "");
		if (w < 0 || !scratch_get(&s, n + (size_t)w + 1))
			break;
		snprintf(s.buf + n, (size_t)w + 1, "%s%s=%s%s%s%s", n ? " " : "", p->name, v,
			 names[0] ? "(" : "", names, names[0] ? ")" : "");
		n += (size_t)w;
	}
	set_str(o, s.buf);
}

/* fd.directory / fd.filename: the two halves of fd.name for files */
static const char *file_name(const struct sevent *ev, struct rf_value *tmp)
{
	static struct scratch s, conn;
	struct rf_ref ref = { .index = -1 };

	f_fd_typechar(ev, &ref, tmp);
	if (!tmp->known || strcmp(tmp->s, "f"))
		return NULL;
	fields_fd_name(ev, &s, &conn, tmp);
	return tmp->known ? tmp->s : NULL;
}

void f_fd_directory(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static struct scratch s;
	struct rf_value v;
	const char *name = file_name(ev, &v), *slash;
	char *buf;

	(void)r;
	slash = name ? strrchr(name, '/') : NULL;
	if (!slash || !(buf = scratch_get(&s, (size_t)(slash - name) + 2))) {
		o->known = 0;
		return;
	}
	memcpy(buf, name, (size_t)(slash - name));
	buf[slash - name] = '\0';
	set_str(o, slash == name ? "/" : buf);
}

void f_fd_filename(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct rf_value v;
	const char *name = file_name(ev, &v), *slash;

	(void)r;
	slash = name ? strrchr(name, '/') : NULL;
	set_str(o, slash ? slash + 1 : name);
}

/* fd.nameraw: the path as the caller passed it, before resolution */
void f_fd_nameraw(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct event_schema *sc = ev->schema;

	(void)r;
	if (sc && sc->path >= 0) {
		set_str(o, sparam_str(&ev->params[sc->path]));
		return;
	}
	{
		static struct scratch s, conn;

		fields_fd_name(ev, &s, &conn, o);
	}
}

void f_fd_type(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct rf_value v;

	f_fd_typechar(ev, r, &v);
	if (!v.known) {
		o->known = 0;
		return;
	}
	set_str(o, !strcmp(v.s, "f") ? "file" : !strcmp(v.s, "4") ? "ipv4" :
		   !strcmp(v.s, "6") ? "ipv6" : !strcmp(v.s, "u") ? "unix" : NULL);
}

static const struct shrike_tuple *tuple(const struct sevent *ev)
{
	int i = SCHEMA_PARAM(ev, "tuple");

	if (i < 0 || ev->params[i].len != sizeof(struct shrike_tuple))
		return NULL;
	return (const struct shrike_tuple *)ev->params[i].p;
}

/* connected: connect or accept succeeded (or is in progress) */
void f_fd_connected(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	int64_t res;

	(void)r;
	if (!tuple(ev) || !ev->nparams) {
		o->known = 0;
		return;
	}
	res = sparam_s64(&ev->params[0]);
	set_bool(o, ev->type != SHRIKE_EVT_BIND && (res >= 0 || res == -115 /* EINPROGRESS */));
}

void f_fd_name_changed(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	/* names are resolved once per event; they never change under a rule */
	set_bool(o, ev->type == SHRIKE_EVT_CONNECT);
}

/* server side: for accept we are the server, for connect the peer is */
static int we_serve(const struct sevent *ev)
{
	return ev->type == SHRIKE_EVT_ACCEPT || ev->type == SHRIKE_EVT_ACCEPT4 ||
	       ev->type == SHRIKE_EVT_BIND || ev->type == SHRIKE_EVT_LISTEN;
}

void f_fd_sip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	if (we_serve(ev))
		f_fd_lip(ev, r, o);
	else
		f_fd_rip(ev, r, o);
}

void f_fd_sport(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	if (we_serve(ev))
		f_fd_lport(ev, r, o);
	else
		f_fd_rport(ev, r, o);
}

void f_fd_cip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	if (we_serve(ev))
		f_fd_rip(ev, r, o);
	else
		f_fd_lip(ev, r, o);
}

void f_fd_cport(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	if (we_serve(ev))
		f_fd_rport(ev, r, o);
	else
		f_fd_lport(ev, r, o);
}

/* fd.ip / fd.net: the remote address (Falco matches either end; the peer is what rules mean) */
void f_fd_ip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	f_fd_rip(ev, r, o);
	if (!o->known)
		f_fd_lip(ev, r, o);
}

void f_proc_pexe(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct proctab *procs = ev_procs(ev);
	const struct proc *p = ev->proc && procs && ev->proc->has_ctx ?
		proctab_get(procs, ev->proc->ctx.ppid) : NULL;

	(void)r;
	set_str(o, p ? p->args : NULL);
}

void f_proc_aexepath(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct proctab *procs = ev_procs(ev);
	const struct proc *p = ev->proc;
	int n = r->index < 0 ? 1 : r->index;

	while (p && n-- > 0)
		p = p->has_ctx && procs && p->ctx.ppid != p->pid ?
			proctab_get(procs, p->ctx.ppid) : NULL;
	set_str(o, p ? p->exepath : NULL);
}

/* proc.sname: the session leader's name */
void f_proc_sname(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);
	struct proctab *procs = ev_procs(ev);
	const struct proc *p;

	(void)r;
	/* sid is in the process's pid namespace: only comparable on the host's */
	p = c && c->sid && c->vpid == c->pid && procs ? proctab_get(procs, c->sid) : NULL;
	set_str(o, p ? p->comm : NULL);
}

/* A privileged LXC container shares the host's user namespace. */
void f_container_privileged(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static uint64_t host_userns;
	const struct shrike_proc_ctx *c = fields_ctx_of(ev);
	struct rf_value type;
	struct rf_ref tref = { .index = -1 };

	(void)r;
	f_container_type(ev, &tref, &type);
	if (!c || !type.known || strcmp(type.s, "lxc")) {
		o->known = 0;
		return;
	}
	if (!host_userns) {
		struct stat st;

		host_userns = stat("/proc/self/ns/user", &st) == 0 ? st.st_ino : 1;
	}
	set_bool(o, c->userns == host_userns);
}

/* Meaningless for LXC (images, Kubernetes, overlay layers): always unknown. */
void f_unknown(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)ev;
	(void)r;
	o->known = 0;
}

void f_fd_sockfamily(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct rf_value t;

	f_fd_typechar(ev, r, &t);
	set_str(o, !t.known ? NULL : !strcmp(t.s, "4") || !strcmp(t.s, "6") ? "ip" :
		   !strcmp(t.s, "u") ? "unix" : NULL);
}

/* fd.port: the server port, fd.rport's counterpart rules use for "any end" */
void f_fd_port(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	f_fd_sport(ev, r, o);
}

void f_proc_aexe(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct proctab *procs = ev_procs(ev);
	const struct proc *p = ev->proc;
	int n = r->index < 0 ? 1 : r->index;

	while (p && n-- > 0)
		p = p->has_ctx && procs && p->ctx.ppid != p->pid ?
			proctab_get(procs, p->ctx.ppid) : NULL;
	set_str(o, p ? p->args : NULL);
}
