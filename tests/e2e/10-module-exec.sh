#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The foundation, end to end on a real kernel: the module loads and refuses
# bad requests, the daemon streams exec events with the right identity, events
# from both CPUs arrive merged in time order, and LXC processes show their
# container-local uid next to the host uid.
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh
. tests/e2e/lib/lxc.sh

tmp=$(mktemp -d)
chmod 777 "$tmp"	# the uid 1000 command writes its pid here

shrike_unload	# a test before us in this boot may have left it loaded
abi=$(awk '$2 == "SHRIKE_ABI_VERSION" { print $3 }' kmod/uapi/shrike.h)
announced=$(dmesg | grep -c "shrike: loaded, abi $abi,")
shrike_load && tap_setup "insmod shrike.ko" || tap_setup_fail "insmod shrike.ko"
tap_is "$(( $(dmesg | grep -c "shrike: loaded, abi $abi,") - announced ))" 1 \
	"the module announces itself once in dmesg, with the header's ABI ($abi)"
tap_is "$(stat -c '%A %U' /dev/shrike)" "crw------- root" "the device node is root-only"
tap_is "$(setpriv --reuid=65534 --regid=65534 --clear-groups build/helpers/devcheck open)" \
	EACCES "a non-root user cannot open the device"
build/helpers/devcheck

# Containers first, so that the daemon's events are about our commands only.
lxc_init
lxc_make_privileged t10-web && lxc_add_user t10-web alice 1000 1000
# The busybox template makes busybox setuid root, so its applets would really
# exec with euid 0 in the privileged container; this test wants plain uids.
chmod u-s /var/lib/lxc/t10-web/rootfs/bin/busybox
lxc_make_idmapped t10-db && lxc_add_user t10-db bob 1000 1000
lxc_start t10-web && lxc_start t10-db && tap_setup "containers t10-web and t10-db run" ||
	tap_setup_fail "containers t10-web and t10-db run"

shrike_start "$tmp/ev.json" && tap_setup "the daemon starts" ||
	tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"
if rmmod shrike 2>/dev/null; then
	tap_fail "rmmod is refused while the daemon reads"
else
	tap_ok "rmmod is refused while the daemon reads"
fi

# A known command with known arguments, as root, loginuid unset
sh -c 'echo $$ > '"$tmp"'/p1; exec /bin/true marker-one "two words"'
p1=$(cat "$tmp/p1")
# The same as uid 1000 with audit loginuid 1000 set by a "login"
(echo 1000 > /proc/self/loginuid
 exec setpriv --reuid=1000 --regid=1000 --clear-groups \
	sh -c 'echo $$ > '"$tmp"'/p2; exec /bin/true marker-two')
p2=$(cat "$tmp/p2")
# A failing exec
sh -c 'echo $$ > '"$tmp"'/p3; exec /nonexistent/prog marker-three' 2>/dev/null
p3=$(cat "$tmp/p3")
# Work on both CPUs at once
workers=
for cpu in 0 1; do
	taskset -c $cpu sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true cpu-marker; done' &
	workers="$workers $!"
done
wait $workers	# not a bare wait: the daemon runs in the background too
# Inside the containers, as uid 1000
lxc-attach -n t10-web -u 1000 -g 1000 -- /bin/echo marker-t10-web >/dev/null
web_uid=$(lxc-attach -n t10-web -u 1000 -g 1000 -- id -u)
lxc-attach -n t10-db -u 1000 -g 1000 -- /bin/echo marker-t10-db >/dev/null
sleep 0.5
shrike_stop
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0 on SIGINT"
grep -q 'shrike: stats: events=' "$SHRIKE_ERR" && tap_ok "the daemon prints its stats at exit" ||
	tap_fail "the daemon prints its stats at exit"

f=$tmp/ev.json
tap_is "$(ev "$f" bad)" 0 "every output line is a JSON object"
tap_is "$(ev "$f" count evt.type=execve proc.pid="$p1" proc.name=true)" 1 "the root command appears exactly once"
tap_is "$(ev "$f" get proc.cmdline evt.type=execve proc.pid="$p1" proc.name=true)" "true marker-one two words" "its proc.cmdline"
tap_is "$(ev "$f" get proc.name evt.type=execve proc.pid="$p1" proc.name=true)" "true" "its proc.name"
tap_is "$(ev "$f" get proc.exepath evt.type=execve proc.pid="$p1" proc.name=true)" "$(readlink -f /bin/true)" "its proc.exepath"
tap_is "$(ev "$f" get proc.ppid evt.type=execve proc.pid="$p1" proc.name=true)" "$$" "its proc.ppid is this shell"
tap_is "$(ev "$f" get evt.res evt.type=execve proc.pid="$p1" proc.name=true)" 0 "its evt.res"
tap_is "$(ev "$f" get user.uid evt.type=execve proc.pid="$p1" proc.name=true)" 0 "its user.uid"
tap_is "$(ev "$f" get user.loginuid evt.type=execve proc.pid="$p1" proc.name=true)" -1 "its user.loginuid is -1 (unset)"
tap_is "$(ev "$f" get proc.cmdline evt.type=execve proc.pid="$p2" proc.name=true)" "true marker-two" "the uid 1000 command appears once"
tap_is "$(ev "$f" get user.uid evt.type=execve proc.pid="$p2" proc.name=true)" 1000 "its user.uid"
tap_is "$(ev "$f" get user.host_uid evt.type=execve proc.pid="$p2" proc.name=true)" 1000 "its user.host_uid"
tap_is "$(ev "$f" get group.gid evt.type=execve proc.pid="$p2" proc.name=true)" 1000 "its group.gid"
tap_is "$(ev "$f" get user.loginuid evt.type=execve proc.pid="$p2" proc.name=true)" 1000 "its user.loginuid"
tap_is "$(ev "$f" get evt.res evt.type=execve proc.pid="$p3" evt.res=-2)" -2 "a failed exec reports -ENOENT"
tap_is "$(ev "$f" count evt.type=execve proc.cmdline="true cpu-marker")" 20 "all 20 execs on both CPUs arrive"
tap_is "$(ev "$f" distinct evt.cpu evt.type=execve proc.cmdline="true cpu-marker")" "0 1" "they came from both CPUs"
tap_is "$(ev "$f" ordered)" ok "events are merged in time order"
case $(ev "$f" get evt.type proc.pid=$$ evt.res="$p1") in
clone|clone3|fork|vfork) tap_ok "this shell's fork of the first command is reported with the child's pid" ;;
*) tap_fail "this shell's fork of the first command is reported with the child's pid" ;;
esac
tap_premise_is "$web_uid" 1000 "lxc-attach -u 1000 runs as uid 1000 in the privileged container"
tap_is "$(ev "$f" get user.uid evt.type=execve proc.cmdline="echo marker-t10-web")" 1000 "privileged container: user.uid"
tap_is "$(ev "$f" get user.host_uid evt.type=execve proc.cmdline="echo marker-t10-web")" 1000 "privileged container: user.host_uid"
tap_is "$(ev "$f" get user.uid evt.type=execve proc.cmdline="echo marker-t10-db")" 1000 "id-mapped container: user.uid"
tap_is "$(ev "$f" get user.host_uid evt.type=execve proc.cmdline="echo marker-t10-db")" 101000 "id-mapped container: user.host_uid"
tap_is "$(ev "$f" get group.gid evt.type=execve proc.cmdline="echo marker-t10-db")" 1000 "id-mapped container: group.gid"
tap_is "$(ev "$f" get proc.exepath evt.type=execve proc.cmdline="echo marker-t10-db")" /bin/busybox "id-mapped container: exepath as the container sees it"

lxc_stop t10-web; lxc_stop t10-db
shrike_unload && tap_ok "rmmod after the reader closed" || tap_fail "rmmod after the reader closed"
dmesg_clean && tap_ok "dmesg has no BUG/WARNING/Oops" || tap_fail "dmesg has no BUG/WARNING/Oops" "$(dmesg | tail -20)"
rm -rf "$tmp"
