#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The eBPF driver on this host's own kernel (no VM, no module): the daemon
# runs with --driver bpf while a workload opens a known file, connects to a
# listener and execs a known binary; each event's fields are checked against
# what the workload itself reports (its pid, euid, the connection's ports,
# the exec'd child's pid).
#
# Needs root, kernel BTF (/sys/kernel/btf/vmlinux) and BPF raw tracepoints,
# as `make test` has them (it runs as root; Debian's kernels and CI's have
# BTF): a host without what it needs is a failure with the reason, not a skip.
. tests/e2e/lib/tap.sh
shrike=${SHRIKE:-build/shrike}
tmp=$(mktemp -d)
dpid=
cleanup() {
	[ -z "$dpid" ] || kill "$dpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# tap_checks FILE DESC: the lines "ok<TAB>desc" / "not ok<TAB>desc<TAB>detail"
# a python check wrote, as TAP; DESC fails when it wrote none (it crashed)
tap_checks() {
	local res desc detail
	while IFS=$'\t' read -r res desc detail; do
		if [ "$res" = ok ]; then
			tap_ok "$desc"
		else
			tap_fail "$desc" "$detail"
		fi
	done <"$1"
	grep -q '^ok\|^not ok' "$1" || tap_fail "$2" "$(tail -n 5 "$1")"
}

if [ "$(id -u)" != 0 ]; then
	tap_premise_fail "the eBPF driver is loaded by root" "running as uid $(id -u)"
	tap_done
	exit
fi
if [ ! -r /sys/kernel/btf/vmlinux ]; then
	tap_premise_fail "the kernel has BTF (/sys/kernel/btf/vmlinux)" \
		"no /sys/kernel/btf/vmlinux: this kernel cannot run the eBPF driver"
	tap_done
	exit
fi
tap_premise "kernel $(uname -r) has BTF"

cat >"$tmp/rules.yaml" <<'YAML'
- rule: Workload event
  desc: the events the checks look at
  condition: evt.type in (openat, open, close, connect, execve, execveat)
  output: "%evt.type by %proc.name"
  priority: INFO
YAML

# daemon_start OUT ERR DESC ARGS...: the daemon with --driver bpf in the
# background (dpid), stdout to OUT, stderr to ERR, until it says "running:"
# (10 s at most); the workloads start only then. Ends the test if it fails.
daemon_start() {
	local out=$1 err=$2 desc=$3
	shift 3
	"$shrike" --driver bpf "$@" >"$out" 2>"$err" &
	dpid=$!
	for _ in $(seq 1 100); do
		grep -q 'running:' "$err" && break
		kill -0 "$dpid" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q 'running:' "$err"; then
		tap_setup_fail "$desc" "$(tail -n 5 "$err")"
		tap_done
		exit
	fi
	tap_setup "$desc"
}

daemon_start "$tmp/out.json" "$tmp/err" "the daemon runs with --driver bpf" \
	-r "$tmp/rules.yaml" -A -M 20 -w "$tmp/bpf.scap"
if grep -q 'driver: bpf' "$tmp/err"; then
	tap_ok "the daemon says it uses the eBPF driver"
else
	tap_fail "the daemon says it uses the eBPF driver" "$(head -n 3 "$tmp/err")"
fi

marker=$tmp/bpf-marker-$$.txt
echo marker >"$marker"
chmod 755 "$tmp"	# the workload runs as nobody
chmod 644 "$marker"
tag=bpf-marker-$$-$RANDOM
# The workload, a python3 script whose own view is the ground truth.
cat >"$tmp/workload.py" <<'PY'
import json, os, socket, sys
marker, tag = sys.argv[1], sys.argv[2]
out = open(sys.argv[3], "w")	# opened while still root
# not root: the ids must be the workload's, not the daemon's
os.setgroups([])
os.setgid(65534)
os.setuid(65534)
truth = {"pid": os.getpid(), "euid": os.geteuid(), "egid": os.getegid()}
fd = os.open(marker, os.O_RDONLY)
truth["fd"] = fd
os.close(fd)
# relative to the working directory: the path is resolved at entry
os.chdir(os.path.dirname(marker))
fd = os.open(os.path.basename(marker), os.O_RDONLY)
os.close(fd)
lst = socket.socket()
lst.bind(("127.0.0.1", 0))
lst.listen(1)
s = socket.socket()
s.connect(lst.getsockname())
truth["lport"], truth["rport"] = s.getsockname()[1], lst.getsockname()[1]
s.close()
lst.close()
child = os.fork()
if child == 0:
    os.execv("/bin/echo", ["echo", tag])
os.waitpid(child, 0)
truth["child"] = child
json.dump(truth, out)
PY
sleep 0.5
python3 "$tmp/workload.py" "$marker" "$tag" "$tmp/truth.json" >/dev/null
rc=$?
tap_premise_is "$rc" 0 "the workload ran" || { tap_done; exit; }
# the merge delay and a pass: the events are out within a second
sleep 1.5
kill -INT "$dpid"
wait "$dpid"
drc=$?
dpid=
tap_is "$drc" 0 "the daemon stops cleanly on SIGINT"

python3 - "$tmp/out.json" "$tmp/truth.json" "$marker" "$tag" >"$tmp/checks" 2>&1 <<'PY'
import json, sys
out, truth, marker, tag = sys.argv[1:5]
t = json.load(open(truth))
events = []
for line in open(out):
    e = json.loads(line)
    if "output_fields" not in e:
        events.append(e)

def check(desc, ok, detail=""):
    print(("ok" if ok else "not ok") + "\t" + desc + ("\t" + detail if not ok else ""))

def one(desc, pred):
    found = [e for e in events if pred(e)]
    check(desc, len(found) >= 1, "no such event among %d" % len(events))
    return found[0] if found else {}

def same(desc, e, key, want):
    check("%s: %s = %r" % (desc, key, want), e.get(key) == want, "got %r" % e.get(key))

o = one("openat of the marker file by the workload",
        lambda e: e.get("evt.type") in ("openat", "open") and e.get("proc.pid") == t["pid"]
        and e.get("fd.name") == marker)
same("openat", o, "evt.res", t["fd"])
same("openat", o, "proc.name", "python3")
same("openat", o, "user.uid", t["euid"])
same("openat", o, "group.gid", t["egid"])
same("openat", o, "evt.arg.name", marker)
r = one("openat of the marker by a relative name",
        lambda e: e.get("evt.type") == "openat" and e.get("proc.pid") == t["pid"]
        and e.get("evt.arg.name") == marker.rsplit("/", 1)[1])
same("relative openat", r, "evt.arg.dirpath", marker.rsplit("/", 1)[0])
same("relative openat", r, "fd.name", marker)
check("openat: proc.cmdline names the workload script",
      "workload.py" in (o.get("proc.cmdline") or ""), "got %r" % o.get("proc.cmdline"))
c = one("close of that fd by the workload",
        lambda e: e.get("evt.type") == "close" and e.get("proc.pid") == t["pid"]
        and e.get("evt.rawarg.fd") == t["fd"] and e.get("evt.time", "") > o.get("evt.time", ""))
same("close", c, "evt.res", 0)
same("close", c, "fd.name", marker)
# its connect to the listener, named by the address it passed: not just
# any connect of its pid (glibc tries nscd's socket first when Python
# looks up a user, e.g. for ~ with HOME unset)
n = one("connect by the workload to the listener",
        lambda e: e.get("evt.type") == "connect" and e.get("proc.pid") == t["pid"]
        and e.get("evt.arg.addr") == "127.0.0.1:%d" % t["rport"])
same("connect", n, "evt.res", 0)
same("connect", n, "fd.rip", "127.0.0.1")
same("connect", n, "fd.rport", t["rport"])
same("connect", n, "fd.name", "127.0.0.1:%d->127.0.0.1:%d" % (t["lport"], t["rport"]))
x = one("execve of /bin/echo by the workload's child",
        lambda e: e.get("evt.type") == "execve" and e.get("proc.pid") == t["child"])
same("execve", x, "evt.res", 0)
same("execve", x, "proc.name", "echo")
same("execve", x, "proc.cmdline", "echo " + tag)
same("execve", x, "proc.ppid", t["pid"])
same("execve", x, "user.uid", t["euid"])
check("execve: proc.exepath is echo's binary",
      (x.get("proc.exepath") or "").endswith("/bin/echo"), "got %r" % x.get("proc.exepath"))
same("execve", x, "container.type", "host")
times = [e["evt.time"] for e in events]
check("events come out in time order", times == sorted(times),
      "first out of order at %d" % next((i for i in range(1, len(times)) if times[i] < times[i - 1]), -1))
PY
tap_checks "$tmp/checks" "the checks ran"

# the records are the module's: a capture of them replays to the same events
"$shrike" -e "$tmp/bpf.scap" -r "$tmp/rules.yaml" -A >"$tmp/replayed.json" 2>"$tmp/replay.err"
rc=$?
python3 - "$tmp/out.json" "$tmp/replayed.json" >"$tmp/cmp" 2>&1 <<'PY'
import json, sys
def events(p):
    return [e for e in map(json.loads, open(p)) if "output_fields" not in e]
a, b = events(sys.argv[1]), events(sys.argv[2])
diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
assert len(a) == len(b) and not diff, "live %d, replayed %d events; first difference at %s" % (
    len(a), len(b), diff[:1])
print(len(a))
PY
if [ $rc = 0 ] && [ "$(cat "$tmp/cmp")" -gt 0 ] 2>/dev/null; then
	tap_ok "its capture (-w) replays to the same $(cat "$tmp/cmp") events, field for field"
else
	tap_fail "its capture (-w) replays to the same events, field for field" \
		"exit $rc: $(tail -n 2 "$tmp/cmp" "$tmp/replay.err")"
fi

# auto: the module where it is there or loads, else eBPF
if [ -e /dev/shrike ] || modprobe -q shrike 2>/dev/null; then
	want=kmod
else
	want=bpf
fi
tap_premise "the module is $([ $want = kmod ] || echo "not ")available here"
"$shrike" -r "$tmp/rules.yaml" -M 0.5 >/dev/null 2>"$tmp/auto.err"
if grep -q "driver: $want (chosen by driver: auto)" "$tmp/auto.err"; then
	tap_ok "driver auto chooses $want"
else
	tap_fail "driver auto chooses $want" "$(head -n 3 "$tmp/auto.err")"
fi

# not root: a clear refusal, exit 1
setpriv --reuid=65534 --regid=65534 --clear-groups "$shrike" --driver bpf -r "$tmp/rules.yaml" -M 1 \
	>/dev/null 2>"$tmp/nobody.err"
rc=$?
if [ $rc = 1 ] && grep -q "eBPF driver: not permitted to load programs.*root" "$tmp/nobody.err"; then
	tap_ok "as nobody: exit 1, 'not permitted ... root'"
else
	tap_fail "as nobody: exit 1, 'not permitted ... root'" "exit $rc: $(head -n 2 "$tmp/nobody.err")"
fi

# ---- 32-bit syscalls: int $0x80, and a 32-bit program ----------------------------------
# The host-only part of tests/e2e/25-ia32.sh: tests/e2e/helpers/ia32.c makes
# every syscall shrike reports through int $0x80 (socketcall, the 16-bit id
# calls, umount, clone, exec, ...; garbage in the registers' upper halves)
# and prints what each event must say; the same calls made natively must
# come out the same, unmarked. x32 numbers are reported where the kernel
# has the x32 ABI (as the module reports them), and not where they did
# nothing. open32 is an ordinary 32-bit program.
ia32=build/helpers/ia32
open32=$PWD/build/helpers/i386/open32
if [ ! -x "$ia32" ] || [ ! -x "$open32" ]; then
	tap_setup_fail "the 32-bit helpers are built" "no $ia32 or $open32: make helpers"
	tap_done
	exit
fi
types="open, openat, openat2, creat, close, mkdir, mkdirat, rmdir, unlink, unlinkat, chmod,
  fchmod, fchmodat, chown, lchown, fchown, fchownat, symlink, symlinkat, link, linkat, rename,
  renameat, renameat2, chdir, fchdir, dup, dup2, dup3, socket, bind, listen, connect, accept,
  accept4, sendto, sendmsg, setuid, setgid, setreuid, setregid, setresuid, setresgid, fork,
  vfork, clone, clone3, kill, ptrace, tgkill, prctl, memfd_create, bpf, init_module,
  finit_module, execve, execveat, setns, unshare, mount, umount2, chroot"
cat >"$tmp/rules32.yaml" <<YAML
- rule: Helper event
  desc: the syscalls of the 32-bit helpers, and only theirs (fewer records to drop)
  condition: evt.type in ($(tr -d '\n' <<<"$types")) and proc.name in (ia32, open32, true)
  output: "%evt.type by %proc.name"
  priority: DEBUG
YAML
daemon_start "$tmp/ia32.json" "$tmp/ia32.err" "the daemon runs again, for 32-bit syscalls and paths" \
	-r "$tmp/rules32.yaml" -A -o buffer_size=8388608 -w "$tmp/ia32.scap"
mkdir "$tmp/ia32-c" "$tmp/ia32-n"
# Some kernels run no 32-bit code at all, IA32_EMULATION or not (a guest
# under PVM, ia32_emulation=0): an i386 program's exec fails with ENOEXEC
# (the shell's 126) and int $0x80 faults. There the 32-bit half is left to
# the VM, whose 25-ia32 runs on both drivers; the native and x32 halves
# still run here.
"$open32" /dev/null >/dev/null 2>&1
can32=$?
: >"$tmp/expect32"
if [ "$can32" = 126 ]; then
	tap_diag "kernel $(uname -r) runs no 32-bit code (an i386 program's exec: ENOEXEC)"
elif env IA32_EXPECT="container.name=host container.type=host" "$ia32" compat "$tmp/ia32-c" \
	>"$tmp/expect32" 2>"$tmp/helper.err"; then
	tap_setup "the ia32 helper ran with int \$0x80"
	"$open32" /etc/passwd
	tap_premise_is "$?" 0 "open32 (a 32-bit program) opened /etc/passwd"
else
	tap_setup_fail "the ia32 helper ran with int \$0x80" "$(tail -n 3 "$tmp/helper.err")"
fi
if sh -c 'echo $$ >"$1/native.pid"; exec env IA32_EXPECT="container.name=host" "$2" native "$1/ia32-n"' \
	sh "$tmp" "$ia32" >"$tmp/expect-native" 2>>"$tmp/helper.err" &&
	"$ia32" compat "$tmp/ia32-c" x32 >"$tmp/x32" 2>>"$tmp/helper.err"; then
	tap_setup "the ia32 helper ran natively and with x32 numbers"
else
	tap_setup_fail "the ia32 helper ran natively and with x32 numbers" "$(tail -n 3 "$tmp/helper.err")"
fi
# paths as d_path() writes them (what /proc/PID/fd shows, the ground truth):
# unlinked files and directories end in " (deleted)", pseudo files carry
# their filesystem's name (pipe:[N], socket:[N], anon_inode:[...], uts:[N],
# /memfd:NAME (deleted)). fchdir() to each fd records its path, a failure
# (ENOTDIR) included.
mkdir "$tmp/paths"
cat >"$tmp/paths.py" <<'PY'
import json, os, socket, sys
d = sys.argv[1]
out = open(sys.argv[2], "w")
truth = {"pid": os.getpid(), "fchdir": []}
def link(fd):
    return os.readlink("/proc/self/fd/%d" % fd)
def fchdir(what, fd):
    truth["fchdir"].append([what, fd, link(fd)])
    try:
        os.fchdir(fd)
    except OSError:
        pass
os.mkdir(d + "/gone")
g = os.open(d + "/gone", os.O_RDONLY | os.O_DIRECTORY)
os.rmdir(d + "/gone")
truth["gone"] = link(g)
fchdir("a deleted directory", g)
# relative names against it: through the fd, and as the working directory
for name, at in (("nofile-at", g), ("nofile-cwd", None)):
    try:
        os.open(name, os.O_RDONLY, dir_fd=at)
    except OSError:
        pass
os.chdir(d)
f = os.open(d + "/gone-file", os.O_CREAT | os.O_WRONLY, 0o600)
os.unlink(d + "/gone-file")
fchdir("a deleted file", f)
r, w = os.pipe()
fchdir("a pipe", r)
tcp, unix = socket.socket(), socket.socket(socket.AF_UNIX)
fchdir("a TCP socket", tcp.fileno())
fchdir("a unix socket", unix.fileno())
fchdir("an eventfd", os.eventfd(0))
fchdir("a memfd", os.memfd_create("shrike-memfd"))
fchdir("a namespace", os.open("/proc/self/ns/uts", os.O_RDONLY))
fchdir("a pidfd", os.pidfd_open(os.getpid()))
# what an open of the pipe by its /proc name opened: the pipe
o = os.open("/proc/self/fd/%d" % r, os.O_RDONLY)
truth["reopened"] = [o, link(o)]
json.dump(truth, out)
PY
python3 "$tmp/paths.py" "$tmp/paths" "$tmp/paths.json"
tap_premise_is "$?" 0 "the path workload ran"
sleep 1.5
kill -INT "$dpid"
wait "$dpid"
drc=$?
dpid=
tap_is "$drc" 0 "the daemon stops cleanly"
grep 'stats:' "$tmp/ia32.err" | tail -n 1 | sed 's/^/# /'
ev32() {
	python3 tests/e2e/lib/events.py "$tmp/ia32.json" "$@"
}
# events.py's own lines, "ok - DESC" or "not ok - DESC" (and "#" details)
expect32() {
	local res desc
	while read -r res desc; do
		case $res in
		ok) tap_ok "$2: ${desc#- }" ;;
		not) tap_fail "$2: ${desc#ok - }" ;;
		\#) tap_diag "$desc" ;;
		esac
	done < <(ev32 expect "$1")
}
if [ "$can32" = 126 ]; then
	tap_skip "int \$0x80 and a 32-bit program on the host" \
		"kernel $(uname -r) runs no 32-bit code; the VM's 25-ia32 checks them on the eBPF driver"
else
	n=$(grep -c '^EXPECT' "$tmp/expect32")
	[ "$n" -ge 90 ] && tap_premise "the helper expects $n 32-bit events" ||
		tap_premise_fail "the helper expects at least 90 32-bit events" "only $n EXPECT lines"
	expect32 "$tmp/expect32" "int \$0x80"
fi
n=$(grep -c '^EXPECT' "$tmp/expect-native")
[ "$n" -ge 90 ] && tap_premise "the helper expects $n native events" ||
	tap_premise_fail "the helper expects at least 90 native events" "only $n EXPECT lines"
expect32 "$tmp/expect-native" "native"
npid=$(cat "$tmp/native.pid")
tap_is "$(ev32 count proc.pid="$npid" evt.is_compat=true)" 0 "no event of the native run is marked 32-bit"
n=$(grep -c '^EXPECT' "$tmp/x32")
[ "$n" -ge 2 ] && tap_premise "the helper expects $n x32 events" ||
	tap_premise_fail "the helper expects x32 events" "only $n EXPECT lines"
# this kernel's x32 numbers (CONFIG_X86_X32_ABI): reported when it has them
if grep -qE ' (x32_sys_call(_table)?|__x64_compat_sys_[a-z0-9_]+)$' /proc/kallsyms; then
	expect32 "$tmp/x32" "x32"
else
	tap_is "$(grep -c ' evt.res=-38 ' "$tmp/x32")" "$(grep -c '^EXPECT' "$tmp/x32")" \
		"without the x32 ABI every x32 number failed with ENOSYS"
	sed 's/^EXPECT 1 /EXPECT 0 /' "$tmp/x32" >"$tmp/x32-none"
	expect32 "$tmp/x32-none" "x32 numbers, not reported"
fi
tap_is "$(ev32 count evt.arg.name=/decoy)" 0 \
	"an x32 openat's path is never read at the decoy its pointer cut to 32 bits names"
if [ "$can32" != 126 ]; then
	tap_is "$(ev32 count evt.type=open proc.exepath="$open32" fd.name=/etc/passwd evt.arg.flags=O_RDONLY \
		evt.is_compat=true proc.is_32bit=true)" 1 "open32: its open is marked evt.is_compat and proc.is_32bit"
	tap_is "$(ev32 count evt.type=execve proc.exepath="$open32" evt.res=0 evt.is_compat=null \
		proc.is_32bit=true)" 1 "open32: its exec (a native execve of a 32-bit program): proc.is_32bit only"
	tap_is "$(ev32 count evt.type=procexit proc.exepath="$open32" evt.arg.status=0 evt.is_compat=true \
		proc.is_32bit=true)" 1 "open32: its exit (the 32-bit exit_group): both"
fi
"$shrike" -e "$tmp/ia32.scap" -r "$tmp/rules32.yaml" -A >"$tmp/ia32-replay.json" 2>"$tmp/ia32-replay.err"
rc=$?
if [ $rc = 0 ] && cmp -s "$tmp/ia32.json" "$tmp/ia32-replay.json"; then
	tap_ok "the capture replays to exactly the live JSON, markers included ($(wc -l <"$tmp/ia32.json") lines)"
else
	tap_fail "the capture replays to exactly the live JSON, markers included" \
		"exit $rc: $(diff "$tmp/ia32.json" "$tmp/ia32-replay.json" | head -n 4)"
fi

python3 - "$tmp/ia32.json" "$tmp/paths.json" >"$tmp/path-checks" 2>&1 <<'PY'
import json, sys
events = [e for e in map(json.loads, open(sys.argv[1])) if "output_fields" not in e]
t = json.load(open(sys.argv[2]))
mine = [e for e in events if e.get("proc.pid") == t["pid"]]
def check(desc, got, want):
    ok = got == want
    print(("ok" if ok else "not ok") + "\t" + desc + ("" if ok else "\tgot %r, want %r" % (got, want)))
def first(**kv):
    return next((e for e in mine if all(e.get(k) == v for k, v in kv.items())), {})
for what, fd, want in t["fchdir"]:
    e = first(**{"evt.type": "fchdir", "evt.rawarg.fd": fd})
    check("fchdir to %s: evt.arg.path is %s" % (what, want), e.get("evt.arg.path"), want)
for name in ("nofile-at", "nofile-cwd"):
    e = first(**{"evt.type": "openat", "evt.arg.name": name})
    check("openat %s in a deleted directory: evt.arg.dirpath is %s" % (name, t["gone"]),
          e.get("evt.arg.dirpath"), t["gone"])
fd, want = t["reopened"]
e = first(**{"evt.type": "openat", "evt.res": fd})
check("an open of /proc/self/fd/N of a pipe: evt.arg.opened is %s" % want, e.get("evt.arg.opened"), want)
PY
tap_checks "$tmp/path-checks" "the path checks ran"

stats=$(grep 'stats:' "$tmp/err" | tail -n 1)
seen=$(sed -n 's/.* seen=\([0-9]*\).*/\1/p' <<<"$stats")
if [ -n "$seen" ] && [ "$seen" -gt 0 ]; then
	tap_ok "the driver's counters are read (seen=$seen)"
else
	tap_fail "the driver's counters are read" "$stats"
fi
tap_done
