/* SPDX-License-Identifier: GPL-2.0-only */
/* fields_fd.c - syscall arguments and the file or socket an event is about. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include "fields/argsyms.h"
#include "fields/fields_impl.h"

/* An address and port pulled out of a sockaddr or a tuple. */
struct endpoint {
	int family;		/* 0: none */
	uint8_t addr[16];
	uint16_t port;
	const char *path;	/* AF_UNIX */
	size_t pathlen;
};

#define param_of(ev, name) SCHEMA_PARAM(ev, name)

static int param_ok(const struct sevent *ev, int i)
{
	return i >= 0 && !(ev->params[i].flags & (SHRIKE_PARAM_FAULT | SPARAM_MISSING));
}

static void sockaddr_endpoint(const struct sparam *p, struct endpoint *e)
{
	uint16_t fam, port;

	memset(e, 0, sizeof(*e));
	if (p->len < 2)
		return;
	memcpy(&fam, p->p, 2);
	if (fam == AF_INET && p->len >= 8) {
		memcpy(&port, p->p + 2, 2);
		memcpy(e->addr, p->p + 4, 4);
	} else if (fam == AF_INET6 && p->len >= 24) {
		memcpy(&port, p->p + 2, 2);
		memcpy(e->addr, p->p + 8, 16);
	} else if (fam == AF_UNIX) {
		e->family = fam;
		e->path = p->p + 2;
		e->pathlen = strnlen(e->path, p->len - 2);
		if (e->pathlen == 0 && p->len > 3) {	/* abstract */
			e->path = p->p + 3;
			e->pathlen = strnlen(e->path, p->len - 3);
		}
		return;
	} else {
		return;
	}
	e->family = fam;
	e->port = ntohs(port);
}

static const struct shrike_tuple *tuple_of(const struct sevent *ev)
{
	int i = param_of(ev, "tuple");

	if (!param_ok(ev, i) || ev->params[i].len != sizeof(struct shrike_tuple))
		return NULL;
	return (const struct shrike_tuple *)ev->params[i].p;
}

/* tcp, udp, icmp or raw: the IP protocol of the event's socket */
void f_fd_l4proto(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	const struct shrike_tuple *tp = tuple_of(ev);
	uint16_t proto = 0;

	(void)r;
	if (tp)
		memcpy(&proto, &tp->proto, sizeof(proto));
	set_str(o, proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" :
		   proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 ? "icmp" :
		   proto == IPPROTO_RAW ? "raw" : NULL);
}

/* The remote end: what the kernel holds, else what the caller asked for. */
static void remote_endpoint(const struct sevent *ev, struct endpoint *e)
{
	struct shrike_tuple t;
	const struct shrike_tuple *tp = tuple_of(ev);
	int a = param_of(ev, "addr");

	memset(e, 0, sizeof(*e));
	if (tp) {
		memcpy(&t, tp, sizeof(t));
		if ((t.family == AF_INET || t.family == AF_INET6) && t.dport &&
		    ev->type != SHRIKE_EVT_BIND) {
			e->family = t.family;
			memcpy(e->addr, t.daddr, 16);
			e->port = t.dport;
			return;
		}
	}
	if (param_ok(ev, a) && ev->type != SHRIKE_EVT_BIND)
		sockaddr_endpoint(&ev->params[a], e);
}

static void local_endpoint(const struct sevent *ev, struct endpoint *e)
{
	struct shrike_tuple t;
	const struct shrike_tuple *tp = tuple_of(ev);
	int a = param_of(ev, "addr");

	memset(e, 0, sizeof(*e));
	if (tp) {
		memcpy(&t, tp, sizeof(t));
		if ((t.family == AF_INET || t.family == AF_INET6) && (t.sport || ev->type != SHRIKE_EVT_BIND)) {
			e->family = t.family;
			memcpy(e->addr, t.saddr, 16);
			e->port = t.sport;
			return;
		}
	}
	if (param_ok(ev, a) && ev->type == SHRIKE_EVT_BIND)
		sockaddr_endpoint(&ev->params[a], e);
}

static const char *ip_text(const struct endpoint *e, char *buf, size_t cap)
{
	if (e->family != AF_INET && e->family != AF_INET6)
		return NULL;
	return inet_ntop(e->family, e->addr, buf, (socklen_t)cap);
}

static int is_socket_event(const struct sevent *ev)
{
	return param_of(ev, "tuple") >= 0;
}

/* Directory + name, unless the name is absolute; "" name stays as is. */
static const char *join_path(const char *dir, const char *name, struct scratch *s)
{
	size_t dl, nl;
	char *buf;

	if (!name || name[0] == '/' || !dir || !*dir)
		return name;
	dl = strlen(dir);
	nl = strlen(name);
	buf = scratch_get(s, dl + nl + 2);
	if (!buf)
		return NULL;
	memcpy(buf, dir, dl);
	if (dl && buf[dl - 1] != '/')
		buf[dl++] = '/';
	memcpy(buf + dl, name, nl + 1);
	return buf;
}

/*
 * The path argument i was rewritten in user memory while the kernel used it:
 * its copies at entry and at exit are both readable and differ.
 */
static int path_rewritten(const struct sevent *ev, int i)
{
	int x = ev->schema->again[i];

	return x >= 0 && param_ok(ev, i) && param_ok(ev, x) &&
	       (ev->params[i].len != ev->params[x].len ||
		memcmp(ev->params[i].p, ev->params[x].p, ev->params[i].len));
}

/*
 * Path argument i (entry copy), resolved against the directory in i + 1. When
 * the entry copy could not be read (a page not resident then) or was
 * rewritten during the syscall, what the kernel did says more: the file an
 * open really opened, else the copy read at exit.
 */
static const char *path_of(const struct sevent *ev, int i, struct scratch *s)
{
	const struct event_schema *sc = ev->schema;
	int x = sc->again[i], o = sc->opened;
	/* sparam_str: an empty parameter has no NUL to read */
	const char *dir = param_ok(ev, i + 1) ? sparam_str(&ev->params[i + 1]) : NULL;

	if (param_ok(ev, i) && !path_rewritten(ev, i))
		return join_path(dir, sparam_str(&ev->params[i]), s);
	if (o >= 0 && param_ok(ev, o) && ev->params[o].len)
		return sparam_str(&ev->params[o]);
	if (x >= 0 && param_ok(ev, x))
		return join_path(dir, sparam_str(&ev->params[x]), s);
	return param_ok(ev, i) ? join_path(dir, sparam_str(&ev->params[i]), s) : NULL;
}

void f_fd_path_rewritten(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	int i = ev->schema ? ev->schema->path : -1;

	(void)r;
	if (i < 0 || ev->schema->again[i] < 0) {
		o->known = 0;
		return;
	}
	set_bool(o, path_rewritten(ev, i));
}

/* The first path parameter of a file event, resolved against its directory. */
static const char *event_path(const struct sevent *ev, struct scratch *s)
{
	const struct event_schema *sc = ev->schema;
	int i;

	/* a path argument comes before any fd path in every schema */
	if (sc && sc->path >= 0)
		return path_of(ev, sc->path, s);
	for (i = 0; sc && i + 1 < sc->nparams; i++) {
		if (sc->params[i].src == SHRIKE_SRC_FD_PATH)
			return param_ok(ev, i) ? sparam_str(&ev->params[i]) : NULL;
	}
	if (sc && sc->nparams && sc->params[sc->nparams - 1].src == SHRIKE_SRC_FD_PATH)
		return param_ok(ev, sc->nparams - 1) ? sparam_str(&ev->params[sc->nparams - 1]) : NULL;
	return NULL;
}

void f_fd_name(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static struct scratch s, conn;

	(void)r;
	fields_fd_name(ev, &s, &conn, o);
}

/* fd.name built in the caller's buffers, so other fields can use it without
 * overwriting the value fd.name itself handed out for this event.
 */
void fields_fd_name(const struct sevent *ev, struct scratch *s, struct scratch *conn, struct rf_value *o)
{
	struct endpoint l, rem;
	char lb[INET6_ADDRSTRLEN], rb[INET6_ADDRSTRLEN];

	if (!is_socket_event(ev)) {
		set_str(o, event_path(ev, s));
		return;
	}
	local_endpoint(ev, &l);
	remote_endpoint(ev, &rem);
	if (rem.family == AF_UNIX || (!rem.family && !l.family)) {
		const struct shrike_tuple *t = tuple_of(ev);

		if (rem.family == AF_UNIX) {
			char *b = scratch_get(conn, rem.pathlen + 1);

			if (b) {
				memcpy(b, rem.path, rem.pathlen);
				b[rem.pathlen] = '\0';
			}
			set_str(o, b);
		} else {
			set_str(o, t && t->family == AF_UNIX ? t->path : NULL);
		}
		return;
	}
	{
		char *b = scratch_get(conn, 2 * INET6_ADDRSTRLEN + 32);
		const char *ls = ip_text(&l, lb, sizeof(lb));
		const char *rs = ip_text(&rem, rb, sizeof(rb));

		if (!b) {
			o->known = 0;
			return;
		}
		/* client->server, as Falco names a connection: an accepted one is
		 * the peer's to us, any other ours to the peer; a server socket
		 * (bound or listening, no peer) is its own address alone */
		if ((ev->type == SHRIKE_EVT_BIND || ev->type == SHRIKE_EVT_LISTEN) && !rem.port)
			snprintf(b, 2 * INET6_ADDRSTRLEN + 32, "%s:%u", ls ? ls : "0.0.0.0", l.port);
		else if (ev->type == SHRIKE_EVT_ACCEPT || ev->type == SHRIKE_EVT_ACCEPT4)
			snprintf(b, 2 * INET6_ADDRSTRLEN + 32, "%s:%u->%s:%u", rs ? rs : "0.0.0.0",
				 rem.port, ls ? ls : "0.0.0.0", l.port);
		else
			snprintf(b, 2 * INET6_ADDRSTRLEN + 32, "%s:%u->%s:%u", ls ? ls : "0.0.0.0",
				 l.port, rs ? rs : "0.0.0.0", rem.port);
		set_str(o, b);
	}
}

void f_fd_num(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	int i = param_of(ev, "fd");
	int64_t res;

	(void)r;
	if (param_ok(ev, i)) {
		set_int(o, sparam_s64(&ev->params[i]));
		return;
	}
	/* open, socket and accept return the new fd */
	switch (ev->type) {
	case SHRIKE_EVT_OPEN: case SHRIKE_EVT_OPENAT: case SHRIKE_EVT_OPENAT2:
	case SHRIKE_EVT_CREAT: case SHRIKE_EVT_SOCKET: case SHRIKE_EVT_ACCEPT:
	case SHRIKE_EVT_ACCEPT4: case SHRIKE_EVT_MEMFD_CREATE:
	case SHRIKE_EVT_DUP: case SHRIKE_EVT_DUP2: case SHRIKE_EVT_DUP3:
		res = sparam_s64(&ev->params[0]);
		set_int(o, res);
		return;
	}
	o->known = 0;
}

void f_fd_typechar(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static struct scratch s;
	const struct shrike_tuple *t;
	struct endpoint e;
	int fam = 0;

	(void)r;
	if (!is_socket_event(ev)) {
		set_str(o, event_path(ev, &s) ? "f" : NULL);
		return;
	}
	t = tuple_of(ev);
	if (t)
		memcpy(&fam, &t->family, sizeof(t->family));
	if (!fam) {
		remote_endpoint(ev, &e);
		fam = e.family;
	}
	set_str(o, fam == AF_INET ? "4" : fam == AF_INET6 ? "6" : fam == AF_UNIX ? "u" : NULL);
}

static void endpoint_ip(const struct endpoint *e, struct rf_value *o, char *buf, size_t cap)
{
	set_str(o, ip_text(e, buf, cap));
	if (o->known)
		o->type = RF_IPADDR;
}

void f_fd_rip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static char buf[INET6_ADDRSTRLEN];
	struct endpoint e;

	(void)r;
	remote_endpoint(ev, &e);
	endpoint_ip(&e, o, buf, sizeof(buf));
}

void f_fd_lip(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static char buf[INET6_ADDRSTRLEN];
	struct endpoint e;

	(void)r;
	local_endpoint(ev, &e);
	endpoint_ip(&e, o, buf, sizeof(buf));
}

void f_fd_rport(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct endpoint e;

	(void)r;
	remote_endpoint(ev, &e);
	if (e.family == AF_INET || e.family == AF_INET6)
		set_uint(o, e.port), o->type = RF_PORT;
	else
		o->known = 0;
}

void f_fd_lport(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	struct endpoint e;

	(void)r;
	local_endpoint(ev, &e);
	if (e.family == AF_INET || e.family == AF_INET6)
		set_uint(o, e.port), o->type = RF_PORT;
	else
		o->known = 0;
}

const char *fields_param_text(const struct sevent *ev, int i, struct scratch *s)
{
	const struct sparam *p = &ev->params[i];
	uint8_t kind = ev->schema->params[i].kind;
	struct endpoint e;
	char *buf;

	if (p->flags & (SHRIKE_PARAM_FAULT | SPARAM_MISSING))
		return NULL;
	switch (kind) {
	case SHRIKE_K_STR:
		return p->len ? p->p : "";
	case SHRIKE_K_SOCKADDR: {
		char ip[INET6_ADDRSTRLEN];

		sockaddr_endpoint(p, &e);
		buf = scratch_get(s, INET6_ADDRSTRLEN + 16 + e.pathlen);
		if (!buf)
			return NULL;
		if (e.family == AF_UNIX)
			snprintf(buf, s->cap, "%.*s", (int)e.pathlen, e.path);
		else if (ip_text(&e, ip, sizeof(ip)))
			snprintf(buf, s->cap, "%s:%u", ip, e.port);
		else
			return NULL;
		return buf;
	}
	default:
		return NULL;
	}
}

/* The longest names any family prints (every clone flag at once), with room to spare. */
#define PARAM_NAMES_MAX 1024

/*
 * The file or socket descriptor parameter i stands for, as Falco prints it
 * from its fd table: "<type>name", built in s. The name is the one the event
 * gives through the parameter argsyms.c names as i's via: a socket's fd.name
 * ("10.0.0.1:5000->10.0.0.2:80") typed as fd.typechar types it, or a path
 * typed by the family. NULL when the event does not say.
 */
static const char *fd_file_text(const struct sevent *ev, int i, const struct argsym_family *f,
				struct scratch *s)
{
	static struct scratch name_s, conn;
	struct rf_ref r = { .index = -1 };
	int v = argsym_via(ev->type, i);
	char type[3] = { f->fd_type, 0, 0 };
	const char *name;
	struct rf_value o;
	char *buf;
	size_t need;

	if (v < 0 || !param_ok(ev, v))
		return NULL;
	if (ev->schema->params[v].kind == SHRIKE_K_TUPLE) {
		f_fd_typechar(ev, &r, &o);
		if (!o.known)
			return NULL;
		type[0] = o.s[0];
		/* Falco's protocol letter is the first of fd.l4proto: "<4t>" for tcp */
		if (type[0] == '4' || type[0] == '6') {
			f_fd_l4proto(ev, &r, &o);
			type[1] = o.known ? o.s[0] : 0;
		}
		fields_fd_name(ev, &name_s, &conn, &o);
		name = o.known ? o.s : NULL;
	} else {
		name = sparam_str(&ev->params[v]);
	}
	if (!name || !*name)
		return NULL;
	need = strlen(name) + sizeof(type) + 2;
	buf = scratch_get(s, need);
	if (!buf)
		return NULL;
	snprintf(buf, need, "<%s>%s", type, name);
	return buf;
}

/*
 * A negative descriptor, as Falco resolves one: AT_FDCWD by name, any other
 * as the errno it would be as a result (-1: EPERM), else nothing.
 */
static const char *fd_negative_text(const struct argsym_family *f, int64_t fd, struct scratch *s)
{
	const char *e;
	char *buf = scratch_get(s, PARAM_NAMES_MAX);

	if (!buf)
		return NULL;
	if (argsym_names(f, (uint64_t)fd, buf, PARAM_NAMES_MAX))
		return buf;
	e = fd > -4096 ? strerrorname_np((int)-fd) : NULL;
	return e ? e : "";
}

/* A uid or gid as Falco names it: the name, <NA> when it has none, <NONE> for -1. */
static const char *id_text(const struct sevent *ev, int i, uint64_t raw)
{
	const char *name;

	if ((uint32_t)raw == SHRIKE_ID_NONE)
		return "<NONE>";
	name = fields_arg_id_name(ev, i);
	return name && *name ? name : "<NA>";
}

const char *fields_param_names(const struct sevent *ev, int i, char *num, size_t ncap,
			       struct scratch *s)
{
	const struct argsym_family *f;
	uint8_t kind = ev->schema->params[i].kind;
	const char *t;
	uint64_t raw;
	char *buf;

	if (kind != SHRIKE_K_S64 && kind != SHRIKE_K_U64)
		return NULL;
	f = argsym_at(ev->type, i);
	if (!f)
		return NULL;
	raw = sparam_u64(&ev->params[i]);
	argsym_number(f, raw, kind == SHRIKE_K_S64, num, ncap);
	if (argsym_is_id(f))
		return id_text(ev, i, raw);
	if (f->kind == ARGSYM_FD && (int64_t)raw < 0)
		return fd_negative_text(f, (int64_t)raw, s);
	if (f->kind == ARGSYM_FD)
		return (t = fd_file_text(ev, i, f, s)) ? t : "";
	buf = scratch_get(s, PARAM_NAMES_MAX);
	if (!buf)
		return "";
	argsym_names(f, raw, buf, PARAM_NAMES_MAX);
	return buf;
}

/* Parameter i of the event by name (key) or position (index), or -1. */
static int arg_index(const struct sevent *ev, const struct rf_ref *r)
{
	int i = -1;

	if (!ev->schema)
		return -1;
	if (r->key)
		i = schema_param_index(ev->schema, r->key);
	else if (r->index >= 0 && r->index < ev->schema->nparams)
		i = r->index;
	if (i < 0 || (ev->params[i].flags & (SHRIKE_PARAM_FAULT | SPARAM_MISSING)))
		return -1;
	return i;
}

/* evt.rawarg.NAME: the parameter as the kernel gave it, a number or text. */
void f_evt_rawarg(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static struct scratch s;
	int i = arg_index(ev, r);

	if (i < 0) {
		o->known = 0;
		return;
	}
	switch (ev->schema->params[i].kind) {
	case SHRIKE_K_S64:
		set_int(o, sparam_s64(&ev->params[i]));
		return;
	case SHRIKE_K_U64:
		set_uint(o, sparam_u64(&ev->params[i]));
		return;
	default:
		set_str(o, fields_param_text(ev, i, &s));
	}
}

/*
 * evt.arg.NAME / evt.arg[N]: as Falco's evt.arg, what a parameter stands
 * for when it has a rendering (argsyms.h): the names of a flag or enum
 * parameter ("O_TRUNC|O_CREAT|O_WRONLY", "AF_PACKET"), the user a uid is
 * ("alice", "<NA>"), the file a descriptor is ("<f>/etc/passwd"); else its
 * number as Falco prints it (octal modes: "0755"). Other numbers, and a
 * descriptor the event says nothing more about, stay numbers (compared as
 * their decimal text), strings text.
 */
void f_evt_arg(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	/*
	 * One buffer per parameter: the rules engine keeps each evt.arg.KEY's
	 * text for the whole event, so evt.arg.mode must not overwrite the
	 * evt.arg.flags it read before.
	 */
	static struct scratch text[SCHEMA_MAX_PARAMS];
	char num[32];
	int i = arg_index(ev, r);
	const char *names = i >= 0 ? fields_param_names(ev, i, num, sizeof(num), &text[i]) : NULL;
	char *buf;

	/* a descriptor that stands for nothing known stays the number it is */
	if (!names || (!names[0] && argsym_at(ev->type, i)->kind == ARGSYM_FD)) {
		f_evt_rawarg(ev, r, o);
		return;
	}
	if (!names[0]) {
		buf = scratch_get(&text[i], strlen(num) + 1);
		if (buf)
			memcpy(buf, num, strlen(num) + 1);
		names = buf;
	}
	set_str(o, names);
}
