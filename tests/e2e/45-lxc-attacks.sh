#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An attacker inside a container (and a host user) against the identity
# fields (issue 16): each attack is made as a real process would make it,
# and the fields of its event are asserted against ground truth.
#
#   forged cgroups  root in t45-web (cgroup:rw) makes child cgroups named
#                   lxc/host, lxc.payload.ci-runner, lxc.monitor.t45-web and
#                   moves into them: still t45-web (the outermost boundary,
#                   which the host made), the rest in container.nested
#   deep cgroup     a cgroup path of 20 levels of 240 bytes (longer than
#                   PATH_MAX): still t45-web, and the daemon keeps up
#   host user       a cgroup user@1000.service/.../lxc.payload.t45-web made
#                   for a process of the host's uid 1000: user-1000/t45-web,
#                   never the system container t45-web
#   chroot          a jail in t45-web whose passwd calls uid 1000 mallory: a
#                   process of uid 1000 in it is alice, t45-web's name, and so
#                   is everyone else in t45-web afterwards
#   FUSE /etc       t45-fuse's /etc becomes a FUSE mount that never answers:
#                   host and other-container events keep coming (each within
#                   2 s), t45-fuse's keep the names they had, and when the
#                   mount goes its names are read again
. tests/e2e/lib/lxc_cases.sh	# and tap.sh, shrike.sh, lxc.sh

tmp=$(mktemp -d)
ev=$tmp/ev.json
web=t45-web fuse=t45-fuse other=t45-other
fuse_pid=

lxc_init
host1000=$(lxc_case_host_user)

lxc_case_make "$web" privileged alice:1000 &&
	sed -i 's/^lxc.mount.auto = .*/lxc.mount.auto = cgroup:rw proc:rw sys:rw/' "$LXC_PATH/$web/config" &&
	lxc_case_make "$fuse" privileged carol:1000 &&
	lxc_case_make "$other" idmapped bob:1000 ||
	tap_setup_fail "the containers are made"
for c in "$web" "$fuse" "$other"; do
	lxc_case_start "$c" || tap_setup_fail "container $c runs"
done
lxc_pre_start "$fuse" 1000 || tap_setup_fail "a shell of carol runs in $fuse"

shrike_load
shrike_start "$ev" || tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"

# latency KEY CONTAINER CMD...: run "echo KEY" under CMD (lxc_mark_cmd's
# way, in this shell: its ground truth is kept); LAT = the seconds from its
# end (the echo has run) until the daemon printed its exec, or "never"
latency() {
	local key=$1 cont=$2 t0 t1
	shift 2
	LAT=never
	lxc_mark_cmd "$key" "$cont" "$@" || return
	t0=$(date +%s.%N)
	lxc_ev_wait "$ev" "$key" || return
	t1=$(date +%s.%N)
	LAT=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
}

# within SECS LAT WHAT: LAT is a number below SECS. The bounds tell "never
# waits on the container" from "waits for IDENTITY_STUCK_MS (5 s)"; TCG on a
# loaded host adds up to a second or two to any wall-clock figure.
within() {
	if [ "$2" != never ] && awk -v l="$2" -v s="$1" 'BEGIN { exit !(l < s) }'; then
		tap_ok "$3 (${2} s)"
	else
		tap_fail "$3" "took ${2} s, more than $1 s"
	fi
}

latency m-base host
tap_diag "a host command reaches the output in $LAT s before any attack"

# ---- cgroups a container names itself ------------------------------------------
# in_cgroup DIR: a prefix for lxc-attach that moves the shell into the cgroup
# DIR (created, relative to the container's cgroup root) before the marker
in_cgroup() {
	echo "mkdir -p /sys/fs/cgroup/$1 && echo \$\$ >/sys/fs/cgroup/$1/cgroup.procs && exec \"\$@\""
}
lxc_mark_cmd m-forge-host "$web" lxc-attach -n "$web" -- /bin/sh -c "$(in_cgroup lxc/host)" sh
lxc_mark_cmd m-forge-ci "$web" lxc-attach -n "$web" -- /bin/sh -c "$(in_cgroup lxc.payload.ci-runner)" sh
lxc_mark_cmd m-forge-mon "$web" lxc-attach -n "$web" -- /bin/sh -c "$(in_cgroup lxc.monitor.$web)" sh

# 20 levels of 240 bytes: 4820 bytes, beyond PATH_MAX (made one level at a
# time: no single path argument is that long; cd -P, or the shell would
# build the whole path)
deep='d=dddddddddddddddddddddddddddddddddddddddd; d=$d$d$d$d$d$d
cd -P /sys/fs/cgroup || exit 1
i=0; while [ $i -lt 20 ]; do mkdir $d && cd -P $d || exit 1; i=$((i + 1)); done
echo $$ >cgroup.procs && exec "$@"'
lxc_mark_cmd m-deep "$web" lxc-attach -n "$web" -- /bin/sh -c "$deep" sh
latency m-after-deep host
within 8 "$LAT" "after the deep cgroup, a host command is reported"

# ---- a host user's own "container" named like a system one -------------------
ucg=/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/lxc.payload.$web
lxc_mark_cmd m-user-ct host /bin/sh -c "mkdir -p $ucg && echo \$\$ >$ucg/cgroup.procs &&
	exec setpriv --reuid=1000 --regid=1000 --clear-groups \"\$@\"" sh

# ---- a chroot with its own passwd ----------------------------------------------
root=$LXC_PATH/$web/rootfs
mkdir -p "$root/jail/bin" "$root/jail/etc" "$root/jail/proc" &&
	cp "$root/bin/busybox" "$root/jail/bin/busybox" &&
	ln -sf busybox "$root/jail/bin/sh" &&
	printf 'root:x:0:0::/:/bin/sh\nmallory:x:1000:1000::/:/bin/sh\n' >"$root/jail/etc/passwd" &&
	printf 'root:x:0:\nmallory:x:1000:\n' >"$root/jail/etc/group" ||
	tap_setup_fail "the jail is made"
ln -sf busybox "$root/jail/bin/echo"
# lxc_mark_cmd appends /bin/sh -c SCRIPT: su runs SCRIPT ($3) as the jail's mallory
jail='mount -t proc proc /jail/proc && exec chroot /jail /bin/busybox su -s /bin/sh mallory -c "$3"'
lxc_mark_cmd m-jail "$web" lxc-attach -n "$web" -- /bin/sh -c "$jail" sh
sleep 1.5	# the namespace's files are due to be checked again
lxc_mark_attach m-after-jail "$web" -u 1000 -g 1000

# ---- a FUSE /etc that never answers ---------------------------------------------
# seen_open: the daemon printed an open of carol's FIFO
seen_open() {
	local i
	for i in $(seq 1 150); do
		grep -qF "\"fd.name\":\"/shrike-pre-$fuse.fifo\"" "$ev" && return 0
		sleep 0.2
	done
	return 1
}
lxc_pre_poke "$fuse"
seen_open || tap_premise_fail "the daemon reported carol's FIFO open before the stall"
"$SHRIKE_REPO/build/helpers/fuse_stall" "${LXC_CASE_INIT[$fuse]}" /etc >"$tmp/fuse.out" 2>&1 &
fuse_pid=$!
for i in $(seq 1 50); do grep -q ready "$tmp/fuse.out" && break; sleep 0.2; done
if grep -q ready "$tmp/fuse.out"; then
	tap_setup "a FUSE /etc is mounted in $fuse"
	sleep 1.5	# due for a check: the next event of t45-fuse reads /etc
	lxc_pre_poke "$fuse"
	latency m-fuse-host host
	within 4 "$LAT" "while $fuse's /etc hangs, a host command is reported"
	latency m-fuse-other "$other" lxc-attach -n "$other" -u 1000 -g 1000 --
	within 4 "$LAT" "while $fuse's /etc hangs, a command in $other is reported"
	lxc_pre_poke "$fuse"
	sleep 4	# past IDENTITY_STUCK_MS (5 s) since the read began: said once
	lxc_pre_poke "$fuse"
	latency m-fuse-host2 host
	within 4 "$LAT" "a host command is reported after more events of $fuse"
	kill "$fuse_pid"
	wait "$fuse_pid" 2>/dev/null
	nsenter -t "${LXC_CASE_INIT[$fuse]}" -m -- umount -l /etc ||
		tap_setup_fail "the dead FUSE mount is unmounted"
	sleep 1.5
	lxc_pre_poke "$fuse"
else
	tap_setup_fail "a FUSE /etc is mounted in $fuse" "$(cat "$tmp/fuse.out")"
fi

sleep 1
shrike_stop
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0"
lxc_ev_index "$ev"

lxc_expect exec:m-forge-host container.nested=host
lxc_expect exec:m-forge-ci container.nested=ci-runner
lxc_expect exec:m-forge-mon container.nested='<none>'
lxc_expect exec:m-deep container.nested='<none>'
lxc_expect exec:m-user-ct container.type=lxc container.id="user-1000/$web" \
	container.name="user-1000/$web" user.name="$host1000"
lxc_expect exec:m-jail user.name=alice
lxc_expect exec:m-after-jail user.name=alice
case "|$(lxc_ev all:lxc user.name)|" in
*"|mallory|"*) tap_fail "no event names the jail's user mallory" "$(lxc_ev_naming "$ev" mallory)" ;;
*) tap_ok "no event names the jail's user mallory" ;;
esac
case "|$(lxc_ev all:lxc container.name)|$(lxc_ev all:lxc container.id)|" in
*"|host|"*) tap_fail "no container process is the host" "$(lxc_ev all:lxc container.name)" ;;
*) tap_ok "no container process is the host" ;;
esac
lxc_expect exec:m-fuse-other user.name=bob
lxc_expect exec:m-fuse-host
lxc_expect exec:m-after-deep
# every open of carol's FIFO: carol, before, during and after the stall
lxc_expect open:/shrike-pre-$fuse.fifo user.name=carol
if grep -q "mount namespace .* have not answered" "$SHRIKE_ERR"; then
	tap_ok "the daemon said that $fuse's files do not answer"
else
	tap_fail "the daemon said that $fuse's files do not answer" "$(tail -n 5 "$SHRIKE_ERR")"
fi

[ -z "$fuse_pid" ] || kill "$fuse_pid" 2>/dev/null
for p in "${LXC_PRE_PID[@]}"; do kill "$p" 2>/dev/null; done
for c in "$web" "$fuse" "$other"; do lxc_kill "$c"; done
rmdir "$ucg" 2>/dev/null
shrike_unload
rm -rf "$tmp"
tap_done
