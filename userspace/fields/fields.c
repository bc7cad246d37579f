/* SPDX-License-Identifier: GPL-2.0-only */
/* fields.c - extracting field values from an enriched event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fields/fields.h"
#include "enrich/proctab.h"


#include "fields/fields_impl.h"

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

/* an event made by hand (no context) is on the boot clock */
static int64_t boot_offset(const struct sevent *ev)
{
	return ev->enrich ? ev->enrich->boot_offset_ns : 0;
}

static void f_evt_time(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	static char buf[48];
	int64_t t = (int64_t)ev->ts + boot_offset(ev);
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
	set_uint(o, ev->ts + (uint64_t)boot_offset(ev));
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

static void f_evt_is_compat(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_int(o, (ev->flags & SHRIKE_EVT_COMPAT) != 0);
	o->type = RF_BOOL;
}

static void f_proc_is_32bit(const struct sevent *ev, const struct rf_ref *r, struct rf_value *o)
{
	(void)r;
	set_int(o, (ev->flags & SHRIKE_EVT_TASK32) != 0);
	o->type = RF_BOOL;
}

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
	{ "user.name", RF_STR, FIELD_F_STREAM, "name of user.uid in the passwd file of the process's own root, null if absent", f_user_name },
	{ "user.homedir", RF_STR, FIELD_F_STREAM, "home directory of user.uid, from the same passwd file", f_user_homedir },
	{ "user.shell", RF_STR, FIELD_F_STREAM, "login shell of user.uid, from the same passwd file", f_user_shell },
	{ "user.host_uid", RF_INT, FIELD_F_STREAM, "effective uid in the initial user namespace", f_user_host_uid },
	{ "user.loginuid", RF_INT, FIELD_F_STREAM, "audit login uid in the process's user namespace, -1 if unset", f_user_loginuid },
	{ "user.loginname", RF_STR, FIELD_F_STREAM, "name of user.loginuid in the same passwd file, null when -1 or absent", f_user_loginname },
	{ "user.host_loginuid", RF_INT, FIELD_F_KNOWN, "audit login uid as the host sees it (who logged in, also when the container cannot map it); null when unset", f_user_host_loginuid },
	{ "user.host_loginname", RF_STR, FIELD_F_KNOWN, "name of user.host_loginuid in the host's passwd; null when unset or absent", f_user_host_loginname },
	{ "group.gid", RF_INT, FIELD_F_STREAM, "effective gid in the process's own user namespace", f_group_gid },
	{ "group.name", RF_STR, FIELD_F_STREAM, "name of group.gid in the group file of the process's own root, null if absent", f_group_name },
	{ "group.host_gid", RF_INT, FIELD_F_STREAM, "effective gid in the initial user namespace", f_group_host_gid },
	{ "container.id", RF_STR, FIELD_F_STREAM, "host for host processes, the outermost LXC container's liblxc name (Proxmox: the VMID; user-UID/name for a host user's container)", f_container_id },
	{ "container.name", RF_STR, FIELD_F_STREAM, "host for host processes, the outermost LXC container's name (Proxmox: its hostname; Incus/LXD: the instance; user-UID/name for a host user's container)", f_container_name },
	{ "container.platform", RF_STR, FIELD_F_KNOWN, "what manages the LXC container: lxc, proxmox, incus or lxd (from host-side facts)", f_container_platform },
	{ "container.project", RF_STR, FIELD_F_KNOWN, "the Incus or LXD project of the container", f_container_project },
	{ "container.tags", RF_STR, FIELD_F_KNOWN, "the Proxmox tags of the container, as its configuration writes them", f_container_tags },
	{ "container.type", RF_STR, FIELD_F_STREAM, "host, or lxc for an LXC container", f_container_type },
	{ "container.nested", RF_STR, FIELD_F_KNOWN, "containers found below the container's cgroup, outermost first, joined with / (reported, never trusted)", f_container_nested },
	{ "proc.vpid", RF_INT, FIELD_F_STREAM, "process id in its own pid namespace (as the container sees it)", f_proc_vpid },
	{ "proc.cwd", RF_STR, FIELD_F_STREAM, "current working directory, as the process's root sees it", f_proc_cwd },
	{ "proc.tty", RF_INT, FIELD_F_STREAM, "controlling terminal device number, 0 if none", f_proc_tty },
	{ "proc.sid", RF_INT, FIELD_F_STREAM, "session id (in the process's pid namespace)", f_proc_sid },
	{ "proc.pname", RF_STR, FIELD_F_STREAM, "name of the parent process", f_proc_pname },
	{ "proc.pexepath", RF_STR, 0, "executable path of the parent process", f_proc_pexepath },
	{ "proc.pcmdline", RF_STR, 0, "command line of the parent process", f_proc_pcmdline },
	{ "proc.aname", RF_STR, FIELD_F_INDEX, "name of the Nth ancestor: [0] self, [1] parent, [2] grandparent", f_proc_aname },
	{ "proc.apid", RF_INT, FIELD_F_INDEX, "pid of the Nth ancestor: [0] self, [1] parent, [2] grandparent", f_proc_apid },
	{ "proc.duration", RF_RELTIME, 0, "ns since the process started", f_proc_duration },
	{ "proc.is_exe_from_memfd", RF_BOOL, 0, "the executable is a memfd (fileless execution)", f_proc_is_exe_from_memfd },
	{ "thread.cap_effective", RF_STR, 0, "effective capabilities, by name, space-separated", f_thread_cap_effective },
	{ "evt.arg", RF_STR, FIELD_F_KEY | FIELD_F_INDEX, "a syscall argument by name (evt.arg.flags) or position (evt.arg[0]) as Falco renders it: flags and enums by their names (O_TRUNC|O_CREAT|O_WRONLY, AF_PACKET, PTRACE_ATTACH; the table below), a uid or gid by its container-local name (alice, <NA>), a descriptor by its file (<f>/etc/passwd), modes in octal, other numbers in decimal", f_evt_arg },
	{ "evt.rawarg", RF_INT, FIELD_F_KEY, "a syscall argument by name as its number, for =, <, >, ranges (evt.rawarg.mode); a string argument as text", f_evt_rawarg },
	{ "fd.num", RF_INT, FIELD_F_KNOWN, "the file descriptor the event is about", f_fd_num },
	{ "fd.name", RF_STR, FIELD_F_KNOWN, "file: absolute path; socket: client->server as Falco has it (lip:lport->rip:rport, rip:rport->lip:lport for accept), a bound or listening one without a peer its own lip:lport; unix socket: its path", f_fd_name },
	{ "fd.typechar", RF_STR, FIELD_F_KNOWN, "f file, 4 IPv4 socket, 6 IPv6 socket, u unix socket", f_fd_typechar },
	{ "fd.lip", RF_IPADDR, FIELD_F_KNOWN, "local IP address of a socket", f_fd_lip },
	{ "fd.lport", RF_PORT, FIELD_F_KNOWN, "local port of a socket", f_fd_lport },
	{ "fd.rip", RF_IPADDR, FIELD_F_KNOWN, "remote IP address of a socket", f_fd_rip },
	{ "fd.rport", RF_PORT, FIELD_F_KNOWN, "remote port of a socket", f_fd_rport },
	{ "evt.res.text", RF_STR, 0, "the result as Falco's rules see evt.res: SUCCESS or the errno name", f_evt_res_text },
	{ "evt.rawres", RF_INT, 0, "the result as a number (evt.res too)", f_evt_rawres },
	{ "evt.args", RF_STR, 0, "every argument as name=value text, one that stands for something as its number and that: flags=577(O_TRUNC|O_CREAT|O_WRONLY), uid=1000(alice), fd=3(<f>/etc/passwd)", f_evt_args },
	{ "evt.is_open_read", RF_BOOL, 0, "an open-family event opening for reading", f_evt_is_open_read },
	{ "evt.is_open_write", RF_BOOL, 0, "an open-family event opening for writing (or creating, truncating)", f_evt_is_open_write },
	{ "evt.is_open_exec", RF_BOOL, 0, "an open of an executable file (not captured: always false)", f_evt_is_open_exec },
	{ "evt.is_compat", RF_BOOL, FIELD_F_TRUE, "the syscall came through the 32-bit x86 ABI (int $0x80, or a 32-bit program) or with an x32 number (bit 30); decoded as its native twin, with the same evt.type and arguments; in -A output only when true", f_evt_is_compat },
	{ "proc.is_32bit", RF_BOOL, FIELD_F_TRUE, "the process runs a 32-bit (ia32) program; evt.is_compat without it is a 64-bit program making 32-bit syscalls; in -A output only when true", f_proc_is_32bit },
	{ "fd.directory", RF_STR, 0, "directory part of a file's fd.name", f_fd_directory },
	{ "fd.filename", RF_STR, 0, "file name part of a file's fd.name", f_fd_filename },
	{ "fd.nameraw", RF_STR, 0, "the path as the caller passed it", f_fd_nameraw },
	{ "fd.type", RF_STR, 0, "file, ipv4, ipv6 or unix", f_fd_type },
	{ "fd.l4proto", RF_STR, 0, "tcp, udp, icmp or raw for IP sockets", f_fd_l4proto },
	{ "fd.connected", RF_BOOL, 0, "the socket connected (or is connecting)", f_fd_connected },
	{ "fd.name_changed", RF_BOOL, 0, "the socket's name was set by this event (connect)", f_fd_name_changed },
	{ "fd.path_rewritten", RF_BOOL, 0, "the path passed to the syscall was rewritten in memory while the kernel used it (its entry and exit copies differ); fd.name then names what the kernel opened", f_fd_path_rewritten },
	{ "fd.ip", RF_IPADDR, 0, "remote (else local) IP address", f_fd_ip },
	{ "fd.net", RF_IPADDR, 0, "fd.ip, for matching against networks (a.b.c.d/n)", f_fd_ip },
	{ "fd.sip", RF_IPADDR, 0, "server IP address", f_fd_sip },
	{ "fd.snet", RF_IPADDR, 0, "fd.sip, for matching against networks", f_fd_sip },
	{ "fd.sport", RF_PORT, 0, "server port", f_fd_sport },
	{ "fd.cip", RF_IPADDR, 0, "client IP address", f_fd_cip },
	{ "fd.cnet", RF_IPADDR, 0, "fd.cip, for matching against networks", f_fd_cip },
	{ "fd.cport", RF_PORT, 0, "client port", f_fd_cport },
	{ "fd.sockfamily", RF_STR, 0, "ip or unix for sockets", f_fd_sockfamily },
	{ "fd.port", RF_PORT, 0, "the server port of a socket", f_fd_port },
	{ "fd.rnet", RF_IPADDR, 0, "fd.rip, for matching against networks", f_fd_rip },
	{ "fd.lnet", RF_IPADDR, 0, "fd.lip, for matching against networks", f_fd_lip },
	{ "proc.aexe", RF_STR, FIELD_F_INDEX, "argv[0] of the Nth ancestor", f_proc_aexe },
	{ "proc.env", RF_STR, FIELD_F_KEY, "environment (not captured: unknown)", f_unknown },
	{ "thread.cap_permitted", RF_STR, 0, "permitted capabilities (not captured: unknown)", f_unknown },
	{ "fd.sip.name", RF_STR, 0, "DNS name of the server (not resolved: unknown)", f_unknown },
	{ "proc.pexe", RF_STR, 0, "argv[0] of the parent process", f_proc_pexe },
	{ "proc.aexepath", RF_STR, FIELD_F_INDEX, "executable path of the Nth ancestor", f_proc_aexepath },
	{ "proc.sname", RF_STR, 0, "name of the session leader", f_proc_sname },
	{ "proc.exe_ino.ctime", RF_ABSTIME, 0, "executable inode change time (not captured: unknown)", f_unknown },
	{ "proc.exe_ino.mtime", RF_ABSTIME, 0, "executable inode modification time (not captured: unknown)", f_unknown },
	{ "proc.exe_ino.ctime_duration_proc_start", RF_RELTIME, 0, "(not captured: unknown)", f_unknown },
	{ "proc.is_exe_upper_layer", RF_BOOL, 0, "executable in an overlay upper layer (LXC: unknown)", f_unknown },
	{ "container.privileged", RF_BOOL, 0, "an LXC container sharing the host's user namespace", f_container_privileged },
	{ "container.start_ts", RF_ABSTIME, 0, "container start time (unknown)", f_unknown },
	{ "container.image.repository", RF_STR, 0, "container image (LXC has none: unknown)", f_unknown },
	{ "container.image", RF_STR, 0, "container image (LXC has none: unknown)", f_unknown },
	{ "k8s.ns.name", RF_STR, 0, "Kubernetes namespace (unknown)", f_unknown },
	{ "k8s.pod.name", RF_STR, 0, "Kubernetes pod (unknown)", f_unknown },
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

/* The value of ref into a zeroed out. */
static inline void extract_zeroed(const struct sevent *ev, const struct rf_ref *ref, struct rf_value *out)
{
	if (ref->id < 0 || (size_t)ref->id >= sizeof(table) / sizeof(table[0]))
		return;
	out->type = table[ref->id].type;
	table[ref->id].get(ev, ref, out);
}

void fields_extract(const struct sevent *ev, const struct rf_ref *ref, struct rf_value *out)
{
	memset(out, 0, sizeof(*out));
	extract_zeroed(ev, ref, out);
}

/* Fields whose [N] counts ancestors: without an index they mean "any
 * ancestor" in a condition (Falco), starting at the parent.
 */
static int is_ancestor_field(const char *name)
{
	return !strcmp(name, "proc.aname") || !strcmp(name, "proc.apid") ||
	       !strcmp(name, "proc.aexepath") || !strcmp(name, "proc.aexe");
}

/*
 * evt.rawarg.KEY is what the parameter KEY is: a signed or unsigned number,
 * or text. Every event with a parameter of that name encodes it the same way.
 */
static enum rf_type arg_key_type(const char *key)
{
	int kind = -1;
	size_t i, k;

	for (i = 0; i < SHRIKE_N_EVENT_SPECS; i++)
		for (k = 0; k < shrike_event_specs[i].nparams; k++) {
			const struct shrike_param_spec *p = &shrike_event_specs[i].p[k];

			if (strcmp(p->name, key))
				continue;
			if (kind >= 0 && kind != p->kind)
				return RF_STR;
			kind = p->kind;
		}
	return kind == SHRIKE_K_S64 ? RF_INT : kind == SHRIKE_K_U64 ? RF_UINT : RF_STR;
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
	ref->flags = 0;
	if (ref->key && !strcmp(name, "evt.rawarg"))
		ref->type = arg_key_type(ref->key);
	if (!arg && is_ancestor_field(name)) {
		ref->flags = RF_FLAG_MULTI;
		ref->index = 1;
	}
	return 0;
}

/* The rules engine zeroed out (rule_extract): no second memset per value. */
static void ops_extract(void *ctx, const void *event, const struct rf_ref *ref, struct rf_value *out)
{
	(void)ctx;
	extract_zeroed(event, ref, out);
}

/* evt.res is a number, and Falco's string "SUCCESS"/"ENOENT" when a rule asks so */
static const char *ops_text_twin(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "evt.res") ? NULL : "evt.res.text";
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
	.text_twin = ops_text_twin,
	.check_value = fields_check_value,
};
