#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# LXC on a cgroup v1 host (each controller its own hierarchy, plus
# name=systemd): the container is found from the pids hierarchy, for the
# payload layout (/lxc.payload.<name>) and the old one (/lxc/<name>), in a
# privileged and an id-mapped container, for lxc-attach, init-spawned and
# pre-existing processes. Needs a VM booted with cgroup v1:
#   SHRIKE_VM_CGROUP=v1 scripts/vmtest tests/e2e/40-lxc-v1.sh
# and skips in any other boot.
. tests/e2e/lib/lxc_cases.sh	# and tap.sh, shrike.sh, lxc.sh

if [ "${SHRIKE_VM_CGROUP:-}" != v1 ]; then
	tap_skip "LXC on cgroup v1" "this VM runs cgroup ${SHRIKE_VM_CGROUP:-v2}; boot with SHRIKE_VM_CGROUP=v1"
	tap_done
	exit 0
fi

tmp=$(mktemp -d)
ev=$tmp/ev.json

lxc_init
host1000=$(lxc_case_host_user)
tap_premise_is "$(awk -F: '$2 == "pids" { print "v1" }' /proc/self/cgroup)" v1 "pids is a v1 controller"

lxc_case_make v1-web privileged alice:1000 carol:2345 &&
	lxc_case_make v1-db idmapped bob:1000 &&
	lxc_case_make v1-old privileged olga:1000 && lxc_old_layout v1-old ||
	tap_setup_fail "the containers are made"
for c in v1-web v1-db v1-old; do
	lxc_case_start "$c" && tap_setup "container $c runs" || tap_setup_fail "container $c runs"
done
tap_premise_is "$(lxc_case_cgroup "${LXC_CASE_INIT[v1-web]}")" /lxc.payload.v1-web "v1-web's init is in /lxc.payload.v1-web (pids)"
tap_premise_is "$(lxc_case_cgroup "${LXC_CASE_INIT[v1-db]}")" /lxc.payload.v1-db "v1-db's init is in /lxc.payload.v1-db (pids)"
tap_premise_is "$(lxc_case_cgroup "${LXC_CASE_INIT[v1-old]}")" /lxc/v1-old "v1-old's init is in /lxc/v1-old (pids)"

MARK_LOGINUID=101000 lxc_pre_start v1-db 1000 || tap_setup_fail "a shell of bob runs in v1-db"

shrike_load
shrike_start "$ev" || tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"

lxc_pre_poke v1-db && lxc_pre_poke v1-db || tap_setup_fail "the shell in v1-db opens its FIFO"
lxc_init_loop_want v1-web

lxc_mark_host m-v1-host-1000 setpriv --reuid=1000 --regid=1000 --clear-groups
lxc_mark_attach m-v1-web-alice v1-web -u 1000 -g 1000
lxc_mark_attach m-v1-web-carol v1-web -u 2345 -g 2345
lxc_mark_attach m-v1-web-root v1-web
lxc_mark_attach m-v1-db-bob v1-db -u 1000 -g 1000
lxc_mark_attach m-v1-db-root v1-db
lxc_mark_attach m-v1-old-olga v1-old -u 1000 -g 1000
lxc_mark_init m-v1-init-web v1-web alice
lxc_mark_init m-v1-init-web-root v1-web root
lxc_mark_init m-v1-init-db v1-db bob
lxc_mark_init m-v1-init-old v1-old olga
MARK_LOGINUID=1000 lxc_mark_attach m-v1-login-web v1-web -u 1000 -g 1000
MARK_LOGINUID=1000 lxc_mark_attach m-v1-login-db-unmapped v1-db -u 1000 -g 1000
MARK_LOGINUID=101000 lxc_mark_attach m-v1-login-db v1-db -u 1000 -g 1000
sleep 1
mon_web=$(pgrep -f "^\[lxc monitor\] $LXC_PATH v1-web\$" | head -n1)
loop_web=$(lxc_init_loop_pid v1-web)
shrike_stop
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0"
lxc_ev_index "$ev" "$mon_web"

lxc_expect exec:m-v1-host-1000 user.name="$host1000"
lxc_expect exec:m-v1-web-alice user.name=alice container.name=v1-web
lxc_expect exec:m-v1-web-carol user.name=carol
lxc_expect exec:m-v1-web-root user.name=root
lxc_expect exec:m-v1-db-bob user.name=bob user.host_uid=101000 container.name=v1-db
lxc_expect exec:m-v1-db-root user.name=root user.host_uid=100000
lxc_expect exec:m-v1-old-olga user.name=olga container.name=v1-old
lxc_expect exec:m-v1-init-web user.name=alice proc.ppid="$loop_web" proc.pname=init-marker
lxc_expect exec:m-v1-init-web-root user.name=root proc.ppid="$loop_web"
lxc_expect exec:m-v1-init-db user.name=bob
lxc_expect exec:m-v1-init-old user.name=olga container.name=v1-old
lxc_expect exec:m-v1-login-web user.loginuid=1000 user.loginname=alice
lxc_expect exec:m-v1-login-db-unmapped user.loginuid=-1 user.loginname=null
lxc_expect exec:m-v1-login-db user.loginuid=1000 user.loginname=bob
lxc_expect open:/shrike-pre-v1-db.fifo user.name=bob user.host_uid=101000 user.loginuid=1000 \
	user.loginname=bob
lxc_expect open:/shrike-init-v1-web.fifo user.name=root proc.pid="$loop_web"
n=$(lxc_ev "pid:$mon_web" '#count')
if [ -n "$mon_web" ] && [ "$n" != "<none>" ]; then
	tap_is "$(lxc_ev "pid:$mon_web" container.name)" host "the monitor of v1-web ($n events) is a host process"
else
	tap_fail "the monitor of v1-web has events" "pid '$mon_web', events: $n"
fi
case "|$(lxc_ev all:lxc user.name)|" in
*"|$host1000|"*) tap_fail "no container event names the host's uid-1000 user ($host1000)" \
	"user.name: $(lxc_ev all:lxc user.name)
$(lxc_ev_naming "$ev" "$host1000")" ;;
*) tap_ok "no container event names the host's uid-1000 user ($host1000)" ;;
esac

for c in "${LXC_PRE_PID[@]}"; do kill "$c" 2>/dev/null; done
for c in v1-web v1-db v1-old; do lxc_kill "$c"; done
shrike_unload
rm -rf "$tmp"
tap_done
