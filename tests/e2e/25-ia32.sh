#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# 32-bit syscalls, end to end. A 64-bit program (tests/e2e/helpers/ia32.c)
# makes every syscall shrike reports through int $0x80: socketcall and the
# socket calls' own numbers, the 16-bit uid/gid calls, the one-argument
# umount, fork/vfork/clone/clone3, exec and exit, with garbage in the upper
# halves of the registers. It runs on the host, in a privileged container
# (as root) and in an id-mapped one (as bob, uid 1000 inside, 101000 on the
# host). Each event must have the native syscall's evt.type and arguments,
# compared to ground truth, the evt.is_compat marker, and the container and
# user it ran as. The same calls made natively must not be marked. x32
# numbers (openat with a 64-bit path pointer, the x32 execve) are captured
# the same way where the kernel has the x32 ABI, and not reported where it
# has none (they did nothing). An
# ordinary 32-bit program (helpers/i386/open32) is marked evt.is_compat and
# proc.is_32bit. A capture of all of it replays to the same JSON.
#
# The -A stream prints evt.is_compat and proc.is_32bit only when true:
# events.py reads an absent field as null, so "=null" expects "not marked".
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh
. tests/e2e/lib/lxc.sh

tmp=$(mktemp -d)
chmod 755 "$tmp"
web=$LXC_PATH/t25-web/rootfs
db=$LXC_PATH/t25-db/rootfs
o32_host=$PWD/build/helpers/i386/open32

lxc_init
if lxc_make_privileged t25-web && lxc_make_idmapped t25-db && lxc_add_user t25-db bob 1000 1000; then
	for c in web db; do
		root=${!c}
		mkdir -p "$root/usr/local/bin" "$root/tmp/t25"
		install -m 755 build/helpers/ia32 build/helpers/i386/open32 "$root/usr/local/bin/"
	done
	chown -R 100000:100000 "$db/usr/local/bin"
	chown 101000:101000 "$db/tmp/t25"	# bob's
	lxc_start t25-web && lxc_start t25-db && tap_setup "containers t25-web and t25-db run" ||
		tap_setup_fail "containers t25-web and t25-db run"
else
	tap_setup_fail "containers t25-web and t25-db are created"
fi
# loopback in each container's network namespace, for the network family
lxc-attach -n t25-web -- ip link set lo up
lxc-attach -n t25-db -- ip link set lo up

shrike_load || tap_setup_fail "insmod shrike.ko"
shrike_start "$tmp/ev.json" -r /dev/null -w "$tmp/cap.scap" && tap_setup "the daemon starts (-A, with a capture)" ||
	tap_setup_fail "the daemon starts (-A, with a capture)" "$(cat "$SHRIKE_ERR")"

# ---- the syscalls ------------------------------------------------------------------

# helper RUN-NAME EXPECT-FILE COMMAND...: the helper's EXPECT lines to the
# file (the workload the checks below are about: a setup step)
helper() {
	local name=$1 out=$2
	shift 2
	if "$@" >>"$out" 2>>"$tmp/helper.err"; then
		tap_setup "helper: $name ran"
	else
		tap_setup_fail "helper: $name ran" "$(tail -3 "$tmp/helper.err")"
	fi
}

mkdir "$tmp/host-c" "$tmp/host-n"
helper "int \$0x80 on the host" "$tmp/expect" \
	env IA32_EXPECT="container.name=host container.type=host" build/helpers/ia32 compat "$tmp/host-c"
helper "the same natively on the host" "$tmp/expect-native" \
	sh -c 'echo $$ >"$1/native.pid"; exec env IA32_EXPECT="container.name=host" build/helpers/ia32 native "$1/host-n"' \
	sh "$tmp"
helper "int \$0x80 as root in t25-web (privileged)" "$tmp/expect" \
	timeout 120 lxc-attach -n t25-web -- env IA32_PIDNS=1 \
	IA32_EXPECT="container.name=t25-web container.type=lxc" /usr/local/bin/ia32 compat /tmp/t25
helper "int \$0x80 as bob in t25-db (id-mapped)" "$tmp/expect" \
	timeout 120 lxc-attach -n t25-db -u 1000 -g 1000 -- env IA32_PIDNS=1 \
	IA32_EXPECT="container.name=t25-db user.host_uid=101000 group.gid=1000" \
	/usr/local/bin/ia32 compat /tmp/t25

# x32 numbers (the syscall instruction, number | 0x40000000): any 64-bit program's.
# They are syscalls only where the kernel has the x32 ABI (Debian's generic
# kernels build it in, off unless booted with syscall.x32=y; the cloud kernels
# leave it out): without it each is an ENOSYS that did nothing, and must not
# be reported as the call it did not make. kallsyms tells: the x32 table
# (x32_sys_call_table on 6.1, the x32_sys_call dispatcher from 6.9 on) and
# the x32 compat entries (__x64_compat_sys_*) exist only with the ABI.
x32=$tmp/expect
grep -qE ' (x32_sys_call(_table)?|__x64_compat_sys_[a-z0-9_]+)$' /proc/kallsyms || x32=$tmp/expect-nox32
helper "x32 numbers on the host" "$x32" \
	env IA32_EXPECT="container.name=host" build/helpers/ia32 compat "$tmp/host-c" x32
helper "x32 numbers as bob in t25-db (id-mapped)" "$x32" \
	timeout 120 lxc-attach -n t25-db -u 1000 -g 1000 -- env IA32_PIDNS=1 \
	IA32_EXPECT="container.name=t25-db user.host_uid=101000" /usr/local/bin/ia32 compat /tmp/t25 x32

# an ordinary 32-bit program, on the host and in each container
"$o32_host" /etc/passwd
echo "host $?" >"$tmp/o32.status"
lxc-attach -n t25-web -- /usr/local/bin/open32 /etc/passwd
echo "web $?" >>"$tmp/o32.status"
lxc-attach -n t25-db -u 1000 -g 1000 -- /usr/local/bin/open32 /etc/passwd
echo "db $?" >>"$tmp/o32.status"

sleep 0.5
shrike_stop
f=$tmp/ev.json
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0"
tap_is "$(grep -o 'dropped_full=[0-9]*' "$SHRIKE_ERR")" "dropped_full=0" "nothing was dropped"
tap_is "$(grep -o 'bad_records=[0-9]*' "$SHRIKE_ERR")" "bad_records=0" "every record decoded"
tap_is "$(ev "$f" bad)" 0 "every output line is a JSON object"

# ---- every 32-bit syscall, as the native one, marked ------------------------------------
n_expect=$(grep -c '^EXPECT' "$tmp/expect")
[ "$n_expect" -ge 250 ] && tap_premise "the helpers expect $n_expect 32-bit events" ||
	tap_premise_fail "the helpers expect at least 250 32-bit events" "only $n_expect EXPECT lines"
ev "$f" expect "$tmp/expect"

if [ "$x32" != "$tmp/expect" ]; then
	tap_is "$(grep -c ' evt.res=-38 ' "$x32")" "$(grep -c '^EXPECT' "$x32")" \
		"without the x32 ABI (no x32 table in kallsyms) every x32 number failed with ENOSYS"
	sed 's/^EXPECT 1 /EXPECT 0 /' "$x32" >"$tmp/expect-nox32-none"
	ev "$f" expect "$tmp/expect-nox32-none"
fi
tap_is "$(ev "$f" count evt.arg.name=/decoy)" 0 \
	"an x32 openat's path is read where the kernel reads it (64 bits), not at the decoy below 4 GiB"

# ---- the same natively: the same events, not marked ---------------------------------------
ev "$f" expect "$tmp/expect-native"
npid=$(cat "$tmp/native.pid")
tap_is "$(ev "$f" count proc.pid="$npid" evt.is_compat=true)" 0 "no event of the native run is marked 32-bit"
n=$(ev "$f" count proc.pid="$npid")
[ "$n" -ge 60 ] && tap_ok "  and it has its events ($n)" || tap_fail "  and it has its events" "only $n"
tap_is "$(ev "$f" count proc.pid="$npid" proc.is_32bit=true)" 0 "  nor marked as a 32-bit program"

# ---- an ordinary 32-bit program ----------------------------------------------------------
tap_premise_is "$(tr '\n' ' ' <"$tmp/o32.status")" "host 0 web 0 db 0 " "open32 opened /etc/passwd each time"
for where in "host $o32_host" "t25-web /usr/local/bin/open32" "t25-db /usr/local/bin/open32"; do
	read -r cname exe <<<"$where"
	tap_is "$(ev "$f" count evt.type=open proc.exepath="$exe" container.name="$cname" \
		fd.name=/etc/passwd evt.arg.flags=O_RDONLY evt.is_compat=true proc.is_32bit=true)" 1 \
		"$cname: a 32-bit program's open is marked evt.is_compat and proc.is_32bit"
	tap_is "$(ev "$f" count evt.type=execve proc.exepath="$exe" container.name="$cname" evt.res=0 \
		evt.is_compat=null proc.is_32bit=true)" 1 \
		"$cname: its exec (a native execve of a 32-bit program): proc.is_32bit only"
	tap_is "$(ev "$f" count evt.type=procexit proc.exepath="$exe" container.name="$cname" \
		evt.arg.status=0 evt.is_compat=true proc.is_32bit=true)" 1 \
		"$cname: its exit (the 32-bit exit): both"
done
tap_is "$(ev "$f" get user.host_uid evt.type=open proc.exepath=/usr/local/bin/open32 container.name=t25-db)" \
	101000 "t25-db: bob's 32-bit program runs as host uid 101000"

# ---- capture and replay -------------------------------------------------------------------
build/shrike -e "$tmp/cap.scap" -A -r /dev/null >"$tmp/replay.json" 2>"$tmp/replay.err"
tap_is "$?" 0 "the capture replays"
if cmp -s "$f" "$tmp/replay.json"; then
	tap_ok "replay prints exactly the live JSON, markers included ($(wc -l <"$f") events)"
else
	tap_fail "replay prints exactly the live JSON, markers included" "$(diff "$f" "$tmp/replay.json" | head -6)"
fi
live_n=$(ev "$f" count evt.is_compat=true)
tap_is "$(ev "$tmp/replay.json" count evt.is_compat=true)" "$live_n" "the replay has the live run's $live_n marked events"

# ---- cleanup ------------------------------------------------------------------------------
lxc_stop t25-web
lxc_stop t25-db
lxc_destroy t25-web
lxc_destroy t25-db
shrike_unload
dmesg_clean && tap_ok "dmesg has no BUG/WARNING/Oops" || tap_fail "dmesg has no BUG/WARNING/Oops" "$(dmesg | tail -20)"
rm -rf "$tmp"
tap_done
