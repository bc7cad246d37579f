#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The cgroup layouts LXC has used, each with a real container: the old
# /lxc/<name> (LXC < 4.0), /lxc.payload/<name>, and a container nested in
# another (/lxc.payload.outer/lxc.payload.inner: the outer name, the inner one
# in container.nested). Their
# monitors (/lxc.monitor/<name>) are host processes; a nested container's
# monitor belongs to the outer container. Run on cgroup v2 (see 40-lxc-v1.sh
# for v1).
. tests/e2e/lib/lxc_cases.sh	# and tap.sh, shrike.sh, lxc.sh

tmp=$(mktemp -d)
ev=$tmp/ev.json
old=old.app-2_c		# /lxc/old.app-2_c
sub=sub_3.x		# /lxc.payload/sub_3.x

lxc_init
lxc_case_make "$old" privileged alice:1000 && lxc_old_layout "$old" &&
	lxc_case_make "$sub" privileged sam:1000 &&
	lxc_cgroup_dirs "$sub" "lxc.payload/$sub" "lxc.monitor/$sub" ||
	tap_setup_fail "the containers are made"
for c in "$old" "$sub"; do
	lxc_case_start "$c" && tap_setup "container $c runs" || tap_setup_fail "container $c runs"
done
tap_premise_is "$(lxc_case_cgroup "${LXC_CASE_INIT[$old]}")" "/lxc/$old" "$old's init is in /lxc/$old"
tap_premise_is "$(lxc_case_cgroup "${LXC_CASE_INIT[$sub]}")" "/lxc.payload/$sub" \
	"$sub's init is in /lxc.payload/$sub"
mon_old=$(pgrep -f "^\[lxc monitor\] $LXC_PATH $old\$" | head -n1)
tap_premise_is "$(lxc_case_cgroup "$mon_old")" "/lxc.monitor/$old" "its monitor is in /lxc.monitor/$old"

# ---- nested: inner runs inside outer, started by LXC inside outer ---------
#
# outer sees the host's LXC tools (/usr/bin, /usr/share/lxc, read-only), has
# a writable cgroup2 mount (cgroup:rw, so that LXC inside can make the inner
# container's cgroups) and a /var/lib/lxc holding inner.
nest_make() {
	local r=$LXC_PATH/outer/rootfs ir
	lxc_case_make outer privileged nina:1000 || return
	sed -i 's/^lxc.mount.auto = .*/lxc.mount.auto = cgroup:rw proc:rw sys:rw/' "$LXC_PATH/outer/config"
	cat >>"$LXC_PATH/outer/config" <<-EOF
	lxc.mount.entry = /usr/bin usr/bin none ro,bind,create=dir 0 0
	lxc.mount.entry = /usr/sbin usr/sbin none ro,bind,create=dir 0 0
	lxc.mount.entry = /usr/share/lxc usr/share/lxc none ro,bind,create=dir 0 0
	lxc.mount.entry = tmpfs run tmpfs defaults,create=dir 0 0
	EOF
	mkdir -p "$r/var/lib/lxc" "$r/etc/lxc" || return
	cp /etc/lxc/default.conf "$r/etc/lxc/" || return
	cp -a "$(_lxc_base)" "$r/var/lib/lxc/inner" || return
	sed -i -e 's|^lxc.rootfs.path = .*|lxc.rootfs.path = dir:/var/lib/lxc/inner/rootfs|' \
		-e 's|^lxc.uts.name = .*|lxc.uts.name = "inner"|' "$r/var/lib/lxc/inner/config"
	ir=$r/var/lib/lxc/inner/rootfs
	LXC_CASE_ROOTFS[inner]=$ir
	chmod u-s,g-s "$ir/bin/busybox"
	echo 'ivan:x:1000:1000:ivan:/home/ivan:/bin/sh' >>"$ir/etc/passwd"
	echo 'ivan:x:1000:' >>"$ir/etc/group"
	lxc_case_init_loop inner
}

nest_start() {
	local i
	lxc_case_start outer || return
	lxc-attach -n outer -- /usr/bin/lxc-start -n inner -d -l DEBUG -o /tmp/inner.log || return
	for i in $(seq 1 60); do
		lxc-attach -n outer -- /usr/bin/lxc-attach -n inner -- true 2>/dev/null && break
		sleep 1
	done
	for i in $(seq 1 100); do
		LXC_CASE_INIT[inner]=$(lxc_case_pid_in /sys/fs/cgroup/lxc.payload.outer/lxc.payload.inner)
		[ -n "${LXC_CASE_INIT[inner]}" ] && [ -s "${LXC_CASE_ROOTFS[inner]}/shrike-init-inner.gt" ] &&
			return 0
		sleep 0.2
	done
	return 1
}

nested=1
if [ "${SHRIKE_VM_CGROUP:-v2}" != v2 ]; then
	nested=0 why="nesting is tested on cgroup v2 only"
elif ! nest_make || ! nest_start; then
	nested=0 why="LXC could not start a container inside another here: $(
		lxc-attach -n outer -- /bin/cat /tmp/inner.log 2>/dev/null | grep -m3 ERROR)"
fi
if [ $nested = 1 ]; then
	tap_premise_is "$(lxc_case_cgroup "${LXC_CASE_INIT[inner]}")" /lxc.payload.outer/lxc.payload.inner \
		"inner's init is in /lxc.payload.outer/lxc.payload.inner"
	mon_inner=$(pgrep -f "^\[lxc monitor\] /var/lib/lxc inner\$" | head -n1)
fi

shrike_load
shrike_start "$ev" || tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"

lxc_mark_attach m-old-alice "$old" -u 1000 -g 1000
lxc_mark_attach m-old-root "$old"
lxc_mark_init m-old-init "$old" alice
lxc_mark_attach m-sub-sam "$sub" -u 1000 -g 1000
lxc_mark_init m-sub-init "$sub" sam
if [ $nested = 1 ]; then
	lxc_mark_attach m-outer-nina outer -u 1000 -g 1000
	lxc_mark_cmd m-inner-ivan inner lxc-attach -n outer -- /usr/bin/lxc-attach -n inner -u 1000 -g 1000 --
	lxc_mark_cmd m-inner-root inner lxc-attach -n outer -- /usr/bin/lxc-attach -n inner --
	lxc_mark_init m-inner-init inner ivan
fi
sleep 1
loop_old=$(lxc_init_loop_pid "$old")
shrike_stop
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0"
lxc_ev_index "$ev" "$mon_old" ${mon_inner:+"$mon_inner"}

lxc_expect exec:m-old-alice user.name=alice container.name="$old"
lxc_expect exec:m-old-root user.name=root
lxc_expect exec:m-old-init user.name=alice proc.ppid="$loop_old"
tap_premise_is "${LXC_WANT[exec:m-old-alice$LXC_TAB#cgroup]}" /.lxc "m-old-alice ran in /lxc/$old/.lxc"
lxc_expect exec:m-sub-sam user.name=sam container.name="$sub"
lxc_expect exec:m-sub-init user.name=sam
# monitor_is PID CONTAINER WHAT: the monitor's events carry CONTAINER
monitor_is() {
	local n
	n=$(lxc_ev "pid:$1" '#count')
	if [ -n "$1" ] && [ "$n" != "<none>" ]; then
		tap_is "$(lxc_ev "pid:$1" container.name)" "$2" "$3 ($n events) is in $2"
	else
		tap_fail "$3 has events" "pid '$1', events: $n"
	fi
}
monitor_is "$mon_old" host "the monitor of $old (/lxc.monitor/$old)"

if [ $nested = 1 ]; then
	# the outer container names them all; inner is reported, not trusted
	lxc_expect exec:m-outer-nina user.name=nina container.name=outer container.nested='<none>'
	lxc_expect exec:m-inner-ivan user.name=ivan container.name=outer container.id=outer \
		container.nested=inner
	lxc_expect exec:m-inner-root user.name=root container.name=outer container.id=outer \
		container.nested=inner
	lxc_expect exec:m-inner-init user.name=ivan container.name=outer container.id=outer \
		container.nested=inner
	monitor_is "$mon_inner" outer "inner's monitor (/lxc.payload.outer/lxc.monitor.inner)"
else
	tap_skip "a container nested in another" "$why"
fi

lxc-attach -n outer -- /usr/bin/lxc-stop -n inner -k 2>/dev/null
for c in "$old" "$sub" outer; do lxc_kill "$c"; done
shrike_unload
rm -rf "$tmp"
tap_done
