/* SPDX-License-Identifier: GPL-2.0-only */
/* test_argsyms.c - parameters rendered as Falco renders them (evt.arg, evt.args, evt.rawarg), rules that test the names, and the load warnings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fields/argsyms.h"
#include "fields/fields.h"
#include "fields/side.h"
#include "input/event.h"
#include "rules/rule_engine.h"
#include "field_check.h"

/* One event built by hand: every number parameter 0, every other one absent. */
struct tevent {
	struct sevent ev;
	uint64_t num[SCHEMA_MAX_PARAMS];
};

static void tev_init(struct tevent *t, const char *type)
{
	int i, id = schema_type_by_name(type);

	assert_true(id > 0);
	memset(t, 0, sizeof(*t));
	t->ev.type = (uint16_t)id;
	t->ev.schema = schema_of((uint16_t)id);
	t->ev.nparams = t->ev.schema->nparams;
	for (i = 0; i < t->ev.nparams; i++) {
		uint8_t k = t->ev.schema->params[i].kind;

		if (k == SHRIKE_K_S64 || k == SHRIKE_K_U64) {
			t->ev.params[i].p = (const char *)&t->num[i];
			t->ev.params[i].len = 8;
		} else {
			t->ev.params[i].flags = SPARAM_MISSING;
		}
	}
}

static void tev_set(struct tevent *t, const char *param, uint64_t v)
{
	int i = schema_param_index(t->ev.schema, param);

	assert_true(i >= 0);
	t->num[i] = v;
}

/* Parameter param of t is the text str (its NUL included, as the module sends it). */
static void tev_str(struct tevent *t, const char *param, const char *str)
{
	int i = schema_param_index(t->ev.schema, param);

	assert_true(i >= 0);
	t->ev.params[i].p = str;
	t->ev.params[i].len = (uint32_t)strlen(str) + 1;
	t->ev.params[i].flags = 0;
}

/* The event's socket tuple is *tp. */
static void tev_tuple(struct tevent *t, const struct shrike_tuple *tp)
{
	int i = schema_param_index(t->ev.schema, "tuple");

	assert_true(i >= 0);
	t->ev.params[i].p = (const char *)tp;
	t->ev.params[i].len = sizeof(*tp);
	t->ev.params[i].flags = 0;
}

/* evt.arg.<param> of t is the text want */
static void tev_arg_is(const struct tevent *t, const char *param, const char *want)
{
	struct rf_ref ref = { .id = fields_find("evt.arg"), .index = -1, .key = param };
	struct rf_value v;

	fields_extract(&t->ev, &ref, &v);
	assert_int_equal(v.known, 1);
	assert_int_equal(v.type, RF_STR);
	assert_string_equal(v.s, want);
}

/* evt.rawarg.<param> of t is the number want */
static void tev_rawarg_is(const struct tevent *t, const char *param, int64_t want)
{
	struct rf_ref ref = { .id = fields_find("evt.rawarg"), .index = -1, .key = param };
	struct rf_value v;

	fields_extract(&t->ev, &ref, &v);
	assert_int_equal(v.known, 1);
	assert_int_equal(v.type, RF_INT);
	assert_int_equal(v.i, want);
}

/* evt.arg.<param> of a <type> event whose <param> is raw: want */
static void arg_is(const char *type, const char *param, uint64_t raw, const char *want)
{
	struct tevent t;
	struct rf_ref ref = { .id = fields_find("evt.arg"), .index = -1, .key = param };
	struct rf_value v;

	tev_init(&t, type);
	tev_set(&t, param, raw);
	fields_extract(&t.ev, &ref, &v);
	assert_int_equal(v.known, 1);
	assert_int_equal(v.type, RF_STR);
	assert_string_equal(v.s, want);
	assert_int_equal(v.slen, strlen(want));
}

/* evt.arg.<param> of a <type> event is the plain number raw (no names to show) */
static void arg_plain(const char *type, const char *param, uint64_t raw)
{
	struct tevent t;
	struct rf_ref ref = { .id = fields_find("evt.arg"), .index = -1, .key = param };
	struct rf_value v;

	tev_init(&t, type);
	tev_set(&t, param, raw);
	fields_extract(&t.ev, &ref, &v);
	assert_int_equal(v.known, 1);
	assert_true(v.type == RF_INT || v.type == RF_UINT);
	assert_int_equal(v.u, raw);
}

static void test_open_flags(void **state)
{
	(void)state;
	arg_is("openat", "flags", 01 | 0100 | 01000, "O_TRUNC|O_CREAT|O_WRONLY");
	arg_is("open", "flags", 0, "O_RDONLY");
	arg_is("openat2", "flags", 02 | 02000000, "O_RDWR|O_CLOEXEC");
	arg_is("openat", "flags", 02000 | 01, "O_APPEND|O_WRONLY");
	arg_is("openat", "flags", 0200000 | 04000 | 02000000, "O_DIRECTORY|O_NONBLOCK|O_RDONLY|O_CLOEXEC");
	/* O_TMPFILE is __O_TMPFILE with O_DIRECTORY: both print; O_SYNC likewise with O_DSYNC */
	arg_is("openat", "flags", 020200000 | 02, "O_DIRECTORY|O_RDWR|O_TMPFILE");
	arg_is("openat", "flags", 04010000 | 01, "O_SYNC|O_DSYNC|O_WRONLY");
	arg_is("openat", "flags", 0100000 | 040000 | 0200, "O_LARGEFILE|O_DIRECT|O_EXCL|O_RDONLY");
	/* bits Falco has no name for print nothing: O_NOFOLLOW, O_PATH, O_NOCTTY */
	arg_is("openat", "flags", 0400000 | 010000000 | 0400, "O_RDONLY");
}

static void test_at_families(void **state)
{
	(void)state;
	arg_is("openat", "dirfd", (uint64_t)-100, "AT_FDCWD");
	/* a directory the event does not name stays its number */
	arg_plain("unlinkat", "dirfd", 3);
	arg_is("symlinkat", "linkdirfd", (uint64_t)-100, "AT_FDCWD");
	arg_is("unlinkat", "flags", 0x200, "AT_REMOVEDIR");
	arg_is("unlinkat", "flags", 0, "0");
	arg_is("linkat", "flags", 0x400 | 0x1000, "AT_SYMLINK_FOLLOW|AT_EMPTY_PATH");
	arg_is("fchownat", "flags", 0x100, "AT_SYMLINK_NOFOLLOW");
	arg_is("renameat2", "flags", 1 | 4, "RENAME_NOREPLACE|RENAME_WHITEOUT");
	arg_is("renameat2", "flags", 2, "RENAME_EXCHANGE");
	arg_is("openat2", "resolve", 0x10 | 0x02, "RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS");
	arg_is("openat2", "resolve", 0x08 | 0x01 | 0x20, "RESOLVE_BENEATH|RESOLVE_NO_XDEV|RESOLVE_CACHED");
	arg_is("dup3", "flags", 0, "O_NONE");
	arg_is("dup3", "flags", 02000000, "O_CLOEXEC");
}

static void test_modes(void **state)
{
	(void)state;
	arg_is("chmod", "mode", 04755,
	       "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID");
	arg_is("fchmodat", "mode", 02000, "S_ISGID");
	/* busybox passes S_IFREG along: the file type has no name */
	arg_is("fchmod", "mode", 0100000 | 0644, "S_IROTH|S_IRGRP|S_IWUSR|S_IRUSR");
	arg_is("chmod", "mode", 0, "0");
	/* open's mode is octal without names, mkdir's hex, as Falco prints them */
	arg_is("openat", "mode", 0644, "0644");
	arg_is("creat", "mode", 0, "0");
	arg_is("mkdir", "mode", 0755, "1ED");
	arg_is("mkdirat", "mode", 0777, "1FF");
}

static void test_sockets(void **state)
{
	(void)state;
	arg_is("socket", "domain", 17, "AF_PACKET");
	arg_is("socket", "domain", 2, "AF_INET");
	arg_is("socket", "domain", 10, "AF_INET6");
	/* aliases both print, as Falco prints them */
	arg_is("socket", "domain", 1, "AF_LOCAL|AF_UNIX");
	arg_is("socket", "domain", 16, "AF_ROUTE|AF_NETLINK");
	arg_is("socket", "domain", 99, "99");
	/* Falco prints socket's type as a plain number, accept4's flags in hex */
	arg_plain("socket", "type", 3);
	arg_plain("listen", "backlog", 128);
	arg_is("accept4", "flags", 0x80000 | 0x800, "80800");
	arg_is("sendto", "flags", 0x4000 | 0x40, "MSG_DONTWAIT|MSG_NOSIGNAL");
	arg_is("sendmsg", "flags", 0, "0");
}

static void test_processes(void **state)
{
	(void)state;
	arg_is("ptrace", "request", 16, "PTRACE_ATTACH");
	arg_is("ptrace", "request", 0x4206, "PTRACE_SEIZE");
	arg_is("ptrace", "request", 0, "PTRACE_TRACEME");
	arg_is("ptrace", "request", 5, "PTRACE_POKEDATA");
	arg_is("ptrace", "request", 9999, "PTRACE_UNKNOWN");
	arg_is("kill", "sig", 9, "SIGKILL");
	arg_is("tgkill", "sig", 15, "SIGTERM");
	arg_is("kill", "sig", 0, "0");
	arg_is("kill", "sig", 34, "34");
	arg_is("clone", "flags", 0x1200011, "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID");
	arg_is("vfork", "flags", 0x4100, "CLONE_VM|CLONE_VFORK");
	arg_is("clone", "flags", 0x10000 | 0x800 | 0x100 | 0x400 | 0x200,
	       "CLONE_FILES|CLONE_FS|CLONE_SIGHAND|CLONE_THREAD|CLONE_VM");
	arg_is("unshare", "flags", 0x20000 | 0x10000000, "CLONE_NEWNS|CLONE_NEWUSER");
	arg_is("setns", "nstype", 0x40000000, "CLONE_NEWNET");
	arg_is("setns", "nstype", 0, "0");
	arg_is("prctl", "option", 15, "PR_SET_NAME");
	arg_is("prctl", "option", 38, "PR_SET_NO_NEW_PRIVS");
	arg_is("prctl", "option", 1, "1");
}

static void test_kernel(void **state)
{
	(void)state;
	arg_is("mount", "flags", 4096 | 16384, "BIND|REC");
	/* the old magic number in the top half is not flags */
	arg_is("mount", "flags", 0xc0ed0000 | 1 | 2, "RDONLY|NOSUID");
	arg_is("mount", "flags", 0, "0");
	arg_is("umount2", "flags", 2, "DETACH");
	arg_is("umount2", "flags", 1 | 8, "FORCE|NOFOLLOW");
	arg_is("finit_module", "flags", 3, "MODULE_INIT_IGNORE_MODVERSIONS|MODULE_INIT_IGNORE_VERMAGIC");
	arg_is("memfd_create", "flags", 1 | 2, "MFD_CLOEXEC|MFD_ALLOW_SEALING");
	arg_is("bpf", "cmd", 5, "BPF_PROG_LOAD");
	arg_is("bpf", "cmd", 10, "BPF_PROG_TEST_RUN|BPF_PROG_RUN");
}

/* evt.rawarg stays the number; evt.args shows number and names, Falco's way */
static void test_rawarg_and_args(void **state)
{
	struct tevent t;
	struct rf_ref ref = { .id = fields_find("evt.rawarg"), .index = -1, .key = "flags" };
	struct rf_value v;

	(void)state;
	tev_init(&t, "openat");
	tev_set(&t, "dirfd", (uint64_t)-100);
	tev_set(&t, "flags", 577);
	tev_set(&t, "mode", 0644);
	fields_extract(&t.ev, &ref, &v);
	assert_int_equal(v.known, 1);
	assert_int_equal(v.type, RF_UINT);
	assert_int_equal(v.u, 577);
	field(&t.ev, "evt.args",
	      "dirfd=-100(AT_FDCWD) name=<NA> dirpath=<NA> flags=577(O_TRUNC|O_CREAT|O_WRONLY) "
	      "mode=0644 name_exit=<NA> opened=<NA>");
	tev_init(&t, "ptrace");
	tev_set(&t, "request", 16);
	tev_set(&t, "pid", 42);
	field(&t.ev, "evt.args", "request=16(PTRACE_ATTACH) pid=42");
}

/* ---- rules over the real fields ---- */

static int match(struct rule_engine *e, const struct sevent *ev)
{
	return rule_engine_match(e, ev, NULL, NULL);
}

static struct rule_engine *load(const char *yaml, struct rule_diag *d)
{
	struct rule_engine *e = rule_engine_new(&fields_rule_ops);

	rule_diag_init(d);
	assert_int_equal(rule_engine_load_string(e, "a.yaml", yaml, strlen(yaml), d), 0);
	assert_int_equal(rule_engine_compile(e, d), 0);
	return e;
}

/* The checks of Falco's four stable rules that need the names, on synthetic events. */
static void test_falco_conditions(void **state)
{
	static const char yaml[] =
		"- rule: trunc\n  desc: d\n  condition: evt.type in (open, openat, openat2) and "
		"evt.arg.flags contains \"O_TRUNC\"\n  output: o\n  priority: WARNING\n"
		"- rule: packet\n  desc: d\n  condition: evt.type = socket and evt.arg.domain contains "
		"AF_PACKET\n  output: o\n  priority: WARNING\n"
		"- rule: attach\n  desc: d\n  condition: evt.type = ptrace and (evt.arg.request contains "
		"PTRACE_POKETEXT or evt.arg.request contains PTRACE_POKEDATA or evt.arg.request contains "
		"PTRACE_ATTACH or evt.arg.request contains PTRACE_SEIZE or evt.arg.request contains "
		"PTRACE_SETREGS)\n  output: o\n  priority: WARNING\n"
		"- rule: traceme\n  desc: d\n  condition: evt.type = ptrace and evt.arg.request contains "
		"PTRACE_TRACEME\n  output: o\n  priority: WARNING\n"
		"- rule: raw\n  desc: d\n  condition: evt.type = openat and evt.rawarg.flags = 577\n"
		"  output: o\n  priority: WARNING\n"
		/* two parameters read in one event: each keeps its own text */
		"- rule: two\n  desc: d\n  condition: evt.type = openat and evt.arg.flags contains O_TRUNC "
		"and evt.arg.mode = 0644 and evt.arg.dirfd = AT_FDCWD and evt.arg.flags contains O_CREAT\n"
		"  output: o\n  priority: WARNING\n";
	struct rule_diag d;
	struct rule_engine *e = load(yaml, &d);
	struct tevent t;

	(void)state;
	assert_int_equal(d.warnings, 0);
	tev_init(&t, "openat");
	tev_set(&t, "flags", 577);
	assert_int_equal(match(e, &t.ev), 2);	/* trunc and raw */
	tev_set(&t, "mode", 0644);
	tev_set(&t, "dirfd", (uint64_t)-100);
	assert_int_equal(match(e, &t.ev), 3);	/* and two */
	tev_set(&t, "flags", 01 | 0100);
	assert_int_equal(match(e, &t.ev), 0);
	tev_init(&t, "open");
	tev_set(&t, "flags", 02 | 01000);
	assert_int_equal(match(e, &t.ev), 1);
	tev_init(&t, "socket");
	tev_set(&t, "domain", 17);
	assert_int_equal(match(e, &t.ev), 1);
	tev_set(&t, "domain", 2);
	assert_int_equal(match(e, &t.ev), 0);
	tev_init(&t, "ptrace");
	tev_set(&t, "request", 16);
	assert_int_equal(match(e, &t.ev), 1);
	tev_set(&t, "request", 0x4206);
	assert_int_equal(match(e, &t.ev), 1);
	tev_set(&t, "request", 13);
	assert_int_equal(match(e, &t.ev), 1);	/* PTRACE_SETREGS */
	tev_set(&t, "request", 0);
	assert_int_equal(match(e, &t.ev), 1);	/* only traceme */
	tev_set(&t, "request", 12);
	assert_int_equal(match(e, &t.ev), 0);	/* PTRACE_GETREGS is no attach */
	tev_set(&t, "request", 17);
	assert_int_equal(match(e, &t.ev), 0);
	rule_engine_free(e);
	rule_diag_free(&d);
}

static int has_warning(const struct rule_diag *d, unsigned line, unsigned col, const char *part)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!d->msgs[i].is_error && d->msgs[i].line == line && d->msgs[i].col == col &&
		    strstr(d->msgs[i].msg, part))
			return 1;
	return 0;
}

/* Checks that can never hold load, each with one warning at its place; good ones warn nothing. */
static void test_load_warnings(void **state)
{
	static const char yaml[] =
		"- rule: a\n  desc: d\n  condition: evt.type = openat and evt.arg.flags contains O_FOO\n"
		"  output: o\n  priority: WARNING\n"
		"- rule: b\n  desc: d\n  condition: evt.type = socket and evt.arg.proto = IPPROTO_TCP\n"
		"  output: o\n  priority: WARNING\n"
		"- rule: c\n  desc: d\n  condition: evt.type = nosuchsyscall or evt.type = bpf\n"
		"  output: o\n  priority: WARNING\n"
		"- rule: d\n  desc: d\n  condition: evt.type = bpf and evt.arg.cmd in (5, BPF_PROG_LOAD)\n"
		"  output: o\n  priority: WARNING\n"
		"- rule: e\n  desc: d\n  condition: evt.type = execve and k8s.ns.name = x and k8s.ns.name != y\n"
		"  output: o\n  priority: WARNING\n"
		"- rule: f\n  desc: d\n  condition: evt.type = execve and evt.arg.nosuch exists\n"
		"  output: o\n  priority: WARNING\n"
		"- rule: g\n  desc: d\n  condition: evt.type = openat and evt.arg.flags contains O_TRUNC and "
		"evt.arg.flags icontains trunc and evt.arg.dirfd = AT_FDCWD and evt.arg.mode = 0644 and "
		"evt.arg.flags = \"O_RDONLY|O_CLOEXEC\" and evt.rawarg.flags = 577 and evt.arg.name startswith /etc\n"
		"  output: o\n  priority: WARNING\n"
		/* judged on the rule's event types: openat's flags have names, procexit's do not */
		"- macro: m577\n  condition: evt.arg.flags = 577\n"
		"- rule: h\n  desc: d\n  condition: evt.type = openat and (m577 or (m577 and m577))\n"
		"  output: o\n  priority: WARNING\n"
		"- rule: i\n  desc: d\n  condition: evt.type = procexit and m577\n"
		"  output: o\n  priority: WARNING\n"
		"- rule: j\n  desc: d\n  condition: evt.type = openat and evt.arg.mode = 420\n"
		"  output: o\n  priority: WARNING\n";
	struct rule_diag d;
	struct rule_engine *e = load(yaml, &d);

	(void)state;
	assert_true(has_warning(&d, 3, 59, "no evt.arg.flags shows 'O_FOO'"));
	assert_true(has_warning(&d, 8, 52, "evt.arg.proto is a number"));
	assert_true(has_warning(&d, 13, 14, "no event type of that name"));
	assert_true(has_warning(&d, 18, 49, "evt.arg.cmd shows 5 as BPF_PROG_LOAD"));
	assert_true(has_warning(&d, 23, 36, "k8s.ns.name: shrike never fills this field"));
	assert_true(has_warning(&d, 28, 36, "no event has a parameter 'nosuch'"));
	assert_true(has_warning(&d, 37, 30, "rule 'h': evt.arg.flags = 577 can never hold: "
				 "evt.arg.flags shows 577 as O_TRUNC|O_CREAT|O_WRONLY"));
	assert_true(has_warning(&d, 50, 51, "rule 'j': evt.arg.mode = 420 can never hold: "
				 "evt.arg.mode shows the number in octal"));
	/* once per field and place, and nothing about rules g and i */
	assert_int_equal(d.warnings, 8);
	assert_int_equal(d.errors, 0);
	rule_engine_free(e);
	rule_diag_free(&d);
}

/*
 * Descriptors as Falco prints them from its fd table: "<type>name" in
 * evt.arg and in parentheses in evt.args, the number in evt.rawarg; here the
 * name comes from the parameter of the event that says what the fd is.
 */
static void test_descriptors(void **state)
{
	struct shrike_tuple tcp = { .family = 2, .sport = 40000, .dport = 4444, .proto = 6 };
	struct shrike_tuple un = { .family = 1 };
	struct tevent t;

	(void)state;
	tev_init(&t, "openat");
	tev_set(&t, "dirfd", 7);
	tev_str(&t, "name", "passwd");
	tev_str(&t, "dirpath", "/etc");
	tev_set(&t, "flags", 0);
	tev_arg_is(&t, "dirfd", "<d>/etc");
	tev_rawarg_is(&t, "dirfd", 7);
	field(&t.ev, "evt.args", "dirfd=7(<d>/etc) name=passwd dirpath=/etc flags=0(O_RDONLY) mode=0 "
	      "name_exit=<NA> opened=<NA>");
	/* an absolute path says nothing of its dirfd: the number alone */
	tev_str(&t, "name", "/etc/passwd");
	tev_str(&t, "dirpath", "");
	field(&t.ev, "evt.args", "dirfd=7 name=/etc/passwd dirpath= flags=0(O_RDONLY) mode=0 "
	      "name_exit=<NA> opened=<NA>");
	tev_init(&t, "fchdir");
	tev_set(&t, "fd", 5);
	tev_str(&t, "path", "/srv/www");
	tev_arg_is(&t, "fd", "<d>/srv/www");
	field(&t.ev, "evt.args", "fd=5(<d>/srv/www) path=/srv/www");
	tev_init(&t, "finit_module");
	tev_set(&t, "fd", 4);
	tev_str(&t, "path", "/lib/modules/evil.ko");
	tev_arg_is(&t, "fd", "<f>/lib/modules/evil.ko");
	/* a socket: its family and protocol letters, then fd.name */
	memcpy(tcp.saddr, "\xc0\xa8\x01\x02", 4);
	memcpy(tcp.daddr, "\x0a\x01\x02\x03", 4);
	tev_init(&t, "connect");
	tev_set(&t, "fd", 3);
	tev_tuple(&t, &tcp);
	tev_arg_is(&t, "fd", "<4t>192.168.1.2:40000->10.1.2.3:4444");
	tev_rawarg_is(&t, "fd", 3);
	field(&t.ev, "evt.args", "fd=3(<4t>192.168.1.2:40000->10.1.2.3:4444) addr=<NA>");
	tcp.proto = 17;
	tev_arg_is(&t, "fd", "<4u>192.168.1.2:40000->10.1.2.3:4444");
	snprintf(un.path, sizeof(un.path), "/run/nscd/socket");
	tev_tuple(&t, &un);
	tev_arg_is(&t, "fd", "<u>/run/nscd/socket");
	/* dup2 of a socket onto stdin: both descriptors are that socket */
	tev_init(&t, "dup2");
	tev_set(&t, "oldfd", 3);
	tev_set(&t, "newfd", 0);
	tcp.proto = 6;
	tev_tuple(&t, &tcp);
	field(&t.ev, "evt.args", "oldfd=3(<4t>192.168.1.2:40000->10.1.2.3:4444) "
	      "newfd=0(<4t>192.168.1.2:40000->10.1.2.3:4444)");
	/* a file dup'ed: the event does not say which, the numbers stay */
	memset(&un, 0, sizeof(un));
	tev_tuple(&t, &un);
	field(&t.ev, "evt.args", "oldfd=3 newfd=0");
	/* accept's fd is the connection it returned, as Falco's is: its tuple,
	 * client to server (the peer to us) */
	tev_init(&t, "accept");
	tev_set(&t, "fd", 4);
	tev_tuple(&t, &tcp);
	tev_arg_is(&t, "fd", "<4t>10.1.2.3:4444->192.168.1.2:40000");
	tev_rawarg_is(&t, "fd", 4);
	/* and a failed one the error it was */
	tev_set(&t, "fd", (uint64_t)-11);
	memset(&un, 0, sizeof(un));
	tev_tuple(&t, &un);
	tev_arg_is(&t, "fd", "EAGAIN");
	/* negative ones: AT_FDCWD, else the errno they would be, as Falco resolves them */
	arg_is("close", "fd", (uint64_t)-9, "EBADF");
	arg_is("close", "fd", (uint64_t)-1, "EPERM");
	arg_is("fchmod", "fd", (uint64_t)-100, "AT_FDCWD");
	tev_init(&t, "close");
	tev_set(&t, "fd", (uint64_t)-9);
	/* its path, read through it, could not be (a bad descriptor has none) */
	field(&t.ev, "evt.args", "fd=-9(EBADF) path=<NA>");
	tev_set(&t, "fd", (uint64_t)-5000);
	field(&t.ev, "evt.args", "fd=-5000 path=<NA>");
}

/*
 * A uid or gid with no identity to name it from (an event made by hand):
 * <NA>, as Falco prints an unknown user; -1 (no change) is <NONE>. Names
 * from a container's passwd: test_identity.c.
 */
static void test_ids_unknown(void **state)
{
	struct tevent t;

	(void)state;
	arg_is("setuid", "uid", 1000, "<NA>");
	arg_is("setgid", "gid", 0, "<NA>");
	arg_is("setreuid", "euid", (uint64_t)-1, "<NONE>");
	tev_init(&t, "setresuid");
	tev_set(&t, "ruid", (uint64_t)-1);
	tev_set(&t, "euid", 0);
	tev_set(&t, "suid", (uint64_t)-2);
	field(&t.ev, "evt.args", "ruid=-1(<NONE>) euid=0(<NA>) suid=-2(<NA>)");
	tev_rawarg_is(&t, "ruid", -1);
	tev_rawarg_is(&t, "suid", -2);
	/* chown's owner and group are plain numbers in Falco (PT_UINT32) */
	arg_plain("chown", "uid", 1000);
	arg_plain("fchownat", "gid", 0);
}

/* uids and names, descriptors and numbers: which comparisons can never hold */
static void test_id_fd_warnings(void **state)
{
	static const char yaml[] =
		"- rule: a\n  desc: d\n  condition: evt.type = setuid and evt.arg.uid = 0\n"
		"  output: o\n  priority: WARNING\n"
		"- rule: b\n  desc: d\n  condition: evt.type = openat and evt.arg.dirfd = -100\n"
		"  output: o\n  priority: WARNING\n"
		/* none of these warns: a name, chown's number, a descriptor's number or text */
		"- rule: c\n  desc: d\n  condition: (evt.type = setuid and evt.arg.uid in (root, nobody)) or "
		"(evt.type = chown and evt.arg.uid = 0) or (evt.type = close and evt.arg.fd = 3) or "
		"(evt.type = connect and evt.arg.fd startswith \"<4t>\")\n"
		"  output: o\n  priority: WARNING\n";
	struct rule_diag d;
	struct rule_engine *e = load(yaml, &d);

	(void)state;
	assert_true(has_warning(&d, 3, 50, "rule 'a': evt.arg.uid = 0 can never hold: evt.arg.uid "
				"shows the name the id has (<NA> when none), as Falco does; compare "
				"numbers with evt.rawarg.uid"));
	assert_true(has_warning(&d, 8, 52, "evt.arg.dirfd shows -100 as AT_FDCWD"));
	assert_int_equal(d.warnings, 2);
	rule_engine_free(e);
	rule_diag_free(&d);
}

/* Every (event, parameter) of the table exists and is a number; names are unique per family. */
static void test_table_sound(void **state)
{
	const struct argsym_use *u;
	size_t n = argsym_uses(&u), i, a, b;

	(void)state;
	assert_true(n > 30);
	for (i = 0; i < n; i++) {
		int t = schema_type_by_name(u[i].event);
		const struct event_schema *sc;
		int k;

		assert_true(t > 0);
		sc = schema_of((uint16_t)t);
		k = schema_param_index(sc, u[i].param);
		if (k < 0)
			fail_msg("%s has no parameter %s", u[i].event, u[i].param);
		assert_true(sc->params[k].kind == SHRIKE_K_S64 || sc->params[k].kind == SHRIKE_K_U64);
		assert_ptr_equal(argsym_at(t, k), u[i].family);
		/* a descriptor's via is a path or the socket tuple; only descriptors have one */
		if (u[i].via) {
			int v = schema_param_index(sc, u[i].via);

			assert_int_equal(u[i].family->kind, ARGSYM_FD);
			if (v < 0)
				fail_msg("%s has no parameter %s", u[i].event, u[i].via);
			assert_true(sc->params[v].kind == SHRIKE_K_STR ||
				    sc->params[v].kind == SHRIKE_K_TUPLE);
			assert_int_equal(argsym_via(t, k), v);
		} else {
			assert_int_equal(argsym_via(t, k), -1);
		}
		for (a = 0; a < u[i].family->nsyms; a++)
			for (b = a + 1; b < u[i].family->nsyms; b++)
				assert_string_not_equal(u[i].family->syms[a].name, u[i].family->syms[b].name);
	}
}

/* The side records hold the names of SIDE_ARG_IDS uid/gid arguments: no event has more. */
static void test_side_slots(void **state)
{
	int t, k, n;

	(void)state;
	for (t = 0; t < SHRIKE_EVT_MAX; t++) {
		const struct event_schema *sc = schema_of((uint16_t)t);

		for (k = 0, n = 0; sc && k < sc->nparams; k++)
			n += argsym_is_id(argsym_at(t, k));
		assert_true(n <= SIDE_ARG_IDS);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_flags),
		cmocka_unit_test(test_at_families),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_sockets),
		cmocka_unit_test(test_processes),
		cmocka_unit_test(test_kernel),
		cmocka_unit_test(test_rawarg_and_args),
		cmocka_unit_test(test_falco_conditions),
		cmocka_unit_test(test_load_warnings),
		cmocka_unit_test(test_table_sound),
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_ids_unknown),
		cmocka_unit_test(test_id_fd_warnings),
		cmocka_unit_test(test_side_slots),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
