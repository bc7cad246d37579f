#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Who and where, for LXC (issue 5): container.name and the container-local
# user of every kind of process, against ground truth read in the VM.
#
# A privileged container (web1), an id-mapped one (db1) and one whose name has
# dots, dashes and underscores (my.app-1_b), each with a user at uid 1000
# whose name is not the host's uid-1000 user, and a uid (2345) that only the
# containers know. Marked commands (/bin/echo m-...) run on the host, through
# lxc-attach and from each container's own init, with and without an audit
# login uid. Processes that started before the daemon, a user renamed in a
# running container, and a container stopped and started again under the same
# name get the same scrutiny.
. tests/e2e/lib/lxc_cases.sh	# and tap.sh, shrike.sh, lxc.sh

tmp=$(mktemp -d)
ev=$tmp/ev.json
dots=my.app-1_b

lxc_init
host1000=$(lxc_case_host_user)
tap_premise_is "$(awk -F: '$3 == 2345' /etc/passwd)" "" "the host has no uid 2345"

lxc_case_make web1 privileged alice:1000 carol:2345 &&
	lxc_case_make db1 idmapped bob:1000 dave:2345 &&
	lxc_case_make "$dots" privileged erin:1000 ||
	tap_setup_fail "the containers are made"
for c in web1 db1 "$dots"; do
	lxc_case_start "$c" && tap_setup "container $c runs" || tap_setup_fail "container $c runs"
	tap_premise_is "$(lxc_case_cgroup "${LXC_CASE_INIT[$c]}")" "/lxc.payload.$c" \
		"$c's init is in /lxc.payload.$c"
done
tap_premise_is "$(awk -F: '$3 == 1000 { print $1; exit }' "/proc/${LXC_CASE_INIT[web1]}/root/etc/passwd")" alice \
	"web1's uid 1000 is alice, the host's is $host1000"

# Before the daemon: a user's shell in each container, with a login uid.
MARK_LOGINUID=1000 lxc_pre_start web1 1000 || tap_setup_fail "a shell of alice runs in web1"
MARK_LOGINUID=101000 lxc_pre_start db1 1000 || tap_setup_fail "a shell of bob runs in db1"

shrike_load
shrike_start "$ev" || tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"

# Processes older than the daemon: each FIFO open is an openat of theirs.
for c in web1 db1; do
	lxc_pre_poke "$c" && lxc_pre_poke "$c" || tap_setup_fail "the shell in $c opens its FIFO"
done
for c in web1 db1; do
	lxc_init_loop_want "$c"
done

# The host: root, the host's uid-1000 user, a uid the host does not know.
lxc_mark_host m-host-root
lxc_mark_host m-host-1000 setpriv --reuid=1000 --regid=1000 --clear-groups
lxc_mark_host m-host-2345 setpriv --reuid=2345 --regid=2345 --clear-groups

# lxc-attach (cgroup .../.lxc)
lxc_mark_attach m-web1-alice web1 -u 1000 -g 1000
lxc_mark_attach m-web1-carol web1 -u 2345 -g 2345
lxc_mark_attach m-web1-root web1
lxc_mark_attach m-db1-bob db1 -u 1000 -g 1000
lxc_mark_attach m-db1-dave db1 -u 2345 -g 2345
lxc_mark_attach m-db1-root db1
lxc_mark_attach m-dots-erin "$dots" -u 1000 -g 1000

# Spawned by the container's own init (cgroup /lxc.payload.NAME)
lxc_mark_init m-init-web1-alice web1 alice
lxc_mark_init m-init-web1-carol web1 carol
lxc_mark_init m-init-db1-bob db1 bob
lxc_mark_init m-init-db1-root db1 root

# Audit login uid: 1000 on the host is alice's in web1 (the same uid space),
# unmappable in db1 (its users are 100000 and up on the host); 101000 on the
# host is bob's 1000 in db1; 2345 only has a name inside.
MARK_LOGINUID=1000 lxc_mark_host m-login-host
MARK_LOGINUID=1000 lxc_mark_attach m-login-web1 web1 -u 1000 -g 1000
MARK_LOGINUID=2345 lxc_mark_attach m-login-web1-2345 web1
MARK_LOGINUID=1000 lxc_mark_attach m-login-db1-unmapped db1 -u 1000 -g 1000
MARK_LOGINUID=101000 lxc_mark_attach m-login-db1 db1 -u 1000 -g 1000
# an admin logged in as themselves, then root enters the container (sudo
# lxc-attach, pct enter): root inside, the admin's login on the host side
MARK_LOGINUID=1000 lxc_mark_attach m-login-web1-root web1
MARK_LOGINUID=1000 lxc_mark_attach m-login-db1-root db1

# Renaming users in running containers: alice -> alicia (privileged), bob ->
# bobby (id-mapped; sed -i makes a new file, given back to the container's
# root). Once the daemon has printed the old names.
lxc_ev_wait "$ev" m-login-db1 || tap_fail "the daemon caught up before the renames"
sed -i 's/^alice:/alicia:/' "$LXC_PATH/web1/rootfs/etc/passwd"
sed -i 's/^bob:/bobby:/' "$LXC_PATH/db1/rootfs/etc/passwd"
chown 100000:100000 "$LXC_PATH/db1/rootfs/etc/passwd"
sleep 3
lxc_mark_attach m-rename-web1 web1 -u 1000 -g 1000
lxc_mark_init m-rename-init-web1 web1 alicia
lxc_mark_attach m-rename-db1 db1 -u 1000 -g 1000

# Stopped and started again under the same name, its uid 1000 renamed while
# it was down: the names of the new instance.
lxc_ev_wait "$ev" m-dots-erin || tap_fail "the daemon caught up before the restart"
lxc_stop "$dots"
sed -i 's/^erin:/frank:/' "$LXC_PATH/$dots/rootfs/etc/passwd"
old_init=${LXC_CASE_INIT[$dots]}
lxc_case_start "$dots" || tap_setup_fail "$dots starts again"
[ "${LXC_CASE_INIT[$dots]}" != "$old_init" ] && tap_premise "$dots has a new init" ||
	tap_premise_fail "$dots has a new init" "init pid ${LXC_CASE_INIT[$dots]} both times"
lxc_mark_attach m-dots-again "$dots" -u 1000 -g 1000
lxc_mark_init m-dots-again-init "$dots" frank

sleep 1
mon_web1=$(pgrep -f "^\[lxc monitor\] $LXC_PATH web1\$" | head -n1)
mon_db1=$(pgrep -f "^\[lxc monitor\] $LXC_PATH db1\$" | head -n1)
loop_web1=$(lxc_init_loop_pid web1)
loop_db1=$(lxc_init_loop_pid db1)
loop_dots=$(lxc_init_loop_pid "$dots")
shrike_stop
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0"
lxc_ev_index "$ev" "$mon_web1" "$mon_db1"
tap_is "$(lxc_ev '#' '#bad')" 0 "every output line is a JSON object"

# ---- host processes
lxc_expect exec:m-host-root
lxc_expect exec:m-host-1000 user.name="$host1000"
lxc_expect exec:m-host-2345 user.name=null

# ---- lxc-attach
lxc_expect exec:m-web1-alice user.name=alice user.host_loginuid='<none>' user.host_loginname='<none>'
lxc_expect exec:m-web1-carol user.name=carol
lxc_expect exec:m-web1-root user.name=root
lxc_expect exec:m-db1-bob user.name=bob user.host_uid=101000
lxc_expect exec:m-db1-dave user.name=dave user.host_uid=102345
lxc_expect exec:m-db1-root user.name=root user.host_uid=100000
lxc_expect exec:m-dots-erin user.name=erin container.name="$dots"
for k in m-web1-alice m-db1-bob m-dots-erin; do
	c=$(lxc_ev "exec:$k" container.name)
	tap_premise_is "${LXC_WANT[exec:$k$LXC_TAB#cgroup]}" "/.lxc" "$k ran in $c's .lxc cgroup (as it sees it)"
done

# ---- spawned by the container's init: parent is the init's loop
lxc_expect exec:m-init-web1-alice user.name=alice proc.ppid="$loop_web1" proc.pname=init-marker
lxc_expect exec:m-init-web1-carol user.name=carol proc.ppid="$loop_web1"
lxc_expect exec:m-init-db1-bob user.name=bob proc.ppid="$loop_db1" user.host_uid=101000
lxc_expect exec:m-init-db1-root user.name=root proc.ppid="$loop_db1"
tap_premise_is "$(awk '{ print $4 }' "/proc/$loop_web1/stat")" "${LXC_CASE_INIT[web1]}" \
	"web1's loop is a child of the container's init"
tap_premise_is "${LXC_WANT[exec:m-init-web1-alice$LXC_TAB#cgroup]}" "/" \
	"m-init-web1-alice ran in web1's own cgroup (not .lxc)"

# ---- login uid
lxc_expect exec:m-login-host user.loginuid=1000 user.loginname="$host1000" \
	user.host_loginuid=1000 user.host_loginname="$host1000"
lxc_expect exec:m-login-web1 user.loginuid=1000 user.loginname=alice \
	user.host_loginuid=1000 user.host_loginname="$host1000"
lxc_expect exec:m-login-web1-2345 user.loginuid=2345 user.loginname=carol \
	user.host_loginuid=2345 user.host_loginname='<none>'
# the admin (host login uid 1000) who entered the id-mapped container: lost
# to user.loginuid (unmappable there), kept by the host-side login fields
lxc_expect exec:m-login-db1-unmapped user.loginuid=-1 user.loginname=null \
	user.host_loginuid=1000 user.host_loginname="$host1000"
lxc_expect exec:m-login-db1 user.loginuid=1000 user.loginname=bob \
	user.host_loginuid=101000 user.host_loginname='<none>'
lxc_expect exec:m-login-web1-root user.uid=0 user.name=root user.loginuid=1000 user.loginname=alice \
	user.host_loginuid=1000 user.host_loginname="$host1000"
lxc_expect exec:m-login-db1-root user.uid=0 user.name=root user.loginuid=-1 user.loginname=null \
	user.host_loginuid=1000 user.host_loginname="$host1000"

# ---- older than the daemon (found by its /proc scan)
lxc_expect open:/shrike-pre-web1.fifo user.name=alice user.loginuid=1000 user.loginname=alice
lxc_expect open:/shrike-pre-db1.fifo user.name=bob user.host_uid=101000 user.loginuid=1000 \
	user.loginname=bob
lxc_expect open:/shrike-init-web1.fifo user.name=root proc.pid="$loop_web1"
lxc_expect open:/shrike-init-db1.fifo user.name=root proc.pid="$loop_db1" user.host_uid=100000

# ---- renamed users
lxc_expect exec:m-rename-web1 user.name=alicia
lxc_expect exec:m-rename-init-web1 user.name=alicia
lxc_expect exec:m-rename-db1 user.name=bobby

# ---- stopped and started again
lxc_expect exec:m-dots-again user.name=frank container.name="$dots"
lxc_expect exec:m-dots-again-init user.name=frank proc.ppid="$loop_dots"

# ---- the monitors are host processes
for m in web1:$mon_web1 db1:$mon_db1; do
	n=$(lxc_ev "pid:${m#*:}" '#count')
	if [ -n "${m#*:}" ] && [ "$n" != "<none>" ]; then
		tap_is "$(lxc_ev "pid:${m#*:}" container.name)" host \
			"the monitor of ${m%%:*} (/lxc.monitor.${m%%:*}, $n events) is a host process"
	else
		tap_fail "the monitor of ${m%%:*} has events" "pid '${m#*:}', events: $n"
	fi
done

# ---- never the host's name for a container user
case "|$(lxc_ev all:lxc user.name)|$(lxc_ev all:lxc user.loginname)|" in
*"|$host1000|"*) tap_fail "no container event names the host's uid-1000 user ($host1000)" \
	"user.name: $(lxc_ev all:lxc user.name)
$(lxc_ev_naming "$ev" "$host1000")" ;;
*) tap_ok "no container event names the host's uid-1000 user ($host1000)" ;;
esac
case "|$(lxc_ev all:lxc container.name)|" in
*"|host|"* | *"|null|"*) tap_fail "every LXC event has its container's name" \
	"container.name: $(lxc_ev all:lxc container.name)" ;;
*) tap_ok "every LXC event has its container's name" ;;
esac

for c in "${LXC_PRE_PID[@]}"; do kill "$c" 2>/dev/null; done
for c in web1 db1 "$dots"; do lxc_kill "$c"; done
shrike_unload
rm -rf "$tmp"
tap_done
