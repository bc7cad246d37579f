#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The VM itself, before any shrike code: the right kernel with its modules,
# the cgroup layout asked for, and real LXC containers, privileged and
# id-mapped, whose processes carry the uids and cgroups the daemon will see.
# None of it is a check of shrike: each line is a premise of the tests after
# it ('#' when it holds, a failure when it does not; tests/e2e/lib/tap.sh).
cd "$(dirname "$0")/../.." || exit 1
. tests/e2e/lib/tap.sh
. tests/e2e/lib/lxc.sh

kver=${SHRIKE_VM_KVER:-$(scripts/kver)}
cgroup=${SHRIKE_VM_CGROUP:-v2}
echo "# kernel up for $(cut -d' ' -f1 /proc/uptime) s when the test starts"

# --- the kernel ---
tap_premise_is "$(uname -r)" "$kver" "the VM runs kernel $kver"
# the file name as the kernel's package has it (.ko, or .ko.xz on 6.12)
tap_premise_is "$(modinfo -F filename overlay)" "$(ls /lib/modules/$kver/kernel/fs/overlayfs/overlay.ko*)" \
	"modinfo finds the VM kernel's own modules"
if grep -q '^dummy ' /proc/modules; then
	echo "# premise not tried: modprobe loads a module (dummy is already loaded)"
else
	modprobe dummy numdummies=0
	tap_premise_is "$(awk '$1 == "dummy" { print $1 }' /proc/modules)" dummy "modprobe loads a module"
	modprobe -r dummy
fi

# --- mounts ---
if [ "$cgroup" = v1 ]; then
	tap_premise_is "$(stat -f -c %T /sys/fs/cgroup)" tmpfs "cgroup v1: /sys/fs/cgroup is a tmpfs"
	tap_premise_is "$(stat -f -c %T /sys/fs/cgroup/memory)" cgroupfs "cgroup v1: memory has its hierarchy"
	tap_premise_is "$(awk '$2 == "/sys/fs/cgroup/systemd" { print $4 }' /proc/mounts | grep -o 'name=systemd')" \
		name=systemd "cgroup v1: the name=systemd hierarchy is mounted"
else
	tap_premise_is "$(awk '$2 == "/sys/fs/cgroup" { print $3 }' /proc/mounts)" cgroup2 \
		"cgroup2 is mounted on /sys/fs/cgroup"
fi
tap_premise_is "$(hostname)" shrike-vm "the hostname is shrike-vm"
tap_premise_is "$(stat -f -c %T /var/lib/lxc)" tmpfs "/var/lib/lxc is a fresh tmpfs"

# --- containers ---
lxc_init
start=$(date +%s)
if lxc_make_privileged web1 && lxc_add_user web1 alice 1000 1000 && lxc_start web1; then
	tap_setup "privileged container web1 starts"
else
	tap_setup_fail "privileged container web1 starts"
fi
if lxc_make_idmapped db1 && lxc_add_user db1 bob 1000 1000 && lxc_start db1; then
	tap_setup "id-mapped container db1 starts"
else
	tap_setup_fail "id-mapped container db1 starts"
fi
echo "# both containers created and started in $(($(date +%s) - start)) s"

tap_premise_is "$(lxc-info -n web1 -s -H)" RUNNING "lxc-info: web1 is RUNNING"
tap_premise_is "$(lxc-info -n db1 -s -H)" RUNNING "lxc-info: db1 is RUNNING"

# web1: container root is host root; its init runs in the payload cgroup.
pid=$(lxc-info -n web1 -p -H)
tap_premise_is "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" 0 "web1's init runs as host uid 0"
if [ "$cgroup" = v2 ]; then
	tap_premise_is "$(cat "/proc/$pid/cgroup")" "0::/lxc.payload.web1" "web1's init is in /lxc.payload.web1"
else
	tap_premise_is "$(awk -F: '$2 == "name=systemd" { print $3 }' "/proc/$pid/cgroup")" \
		/lxc.payload.web1 "cgroup v1: web1's init is in /lxc.payload.web1"
fi
tap_premise_is "$(lxc-attach -n web1 -- hostname)" web1 "web1's hostname is its name"

# db1: ids are shifted by 100000 on the host.
tap_premise_is "$(lxc-attach -n db1 -- cat /proc/self/uid_map | awk '{ print $1, $2, $3 }')" \
	"0 100000 65536" "db1's uid map"
tap_premise_is "$(lxc-attach -n db1 -u 1000 -g 1000 -- id -u)" 1000 "uid 1000 in db1 says it is 1000"
tap_premise_is "$(lxc-attach -n db1 -u 1000 -g 1000 -- id -un)" bob "uid 1000 in db1 is bob"
tap_premise_is "$(stat -c %u:%g /var/lib/lxc/db1/rootfs/home/bob)" 101000:101000 \
	"bob's home in db1 belongs to host uid 101000"

# An attached process, seen from the host: find it by its unique argument.
lxc-attach -n db1 -u 1000 -g 1000 -- sleep 1000007 &
attach=$!
spid=
for _ in $(seq 1 50); do
	spid=$(pgrep -x -f 'sleep 1000007') && break
	sleep 0.2
done
if [ -z "$spid" ]; then
	tap_premise_fail "the attached process appears on the host"
else
	tap_premise_is "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$spid/status")" \
		"101000 101000 101000 101000" "db1's uid 1000 is host uid 101000"
	tap_premise_is "$(awk '/^Gid:/ { print $2 }' "/proc/$spid/status")" 101000 \
		"db1's gid 1000 is host gid 101000"
	if [ "$cgroup" = v2 ]; then
		tap_premise_is "$(cat "/proc/$spid/cgroup")" "0::/lxc.payload.db1/.lxc" \
			"lxc-attach puts the process in /lxc.payload.db1/.lxc"
		tap_premise_is "$(lxc-attach -n db1 -- cat /proc/self/cgroup)" "0::/.lxc" \
			"inside db1, the cgroup namespace shows /.lxc"
	else
		# v1 has no rule against processes in inner nodes: no .lxc leaf.
		tap_premise_is "$(awk -F: '{ print $3 }' "/proc/$spid/cgroup" | sort -u)" \
			/lxc.payload.db1 "cgroup v1: lxc-attach puts the process in /lxc.payload.db1 everywhere"
	fi
	tap_premise_is "$(readlink "/proc/$spid/ns/pid")" "$(readlink "/proc/$(lxc-info -n db1 -p -H)/ns/pid")" \
		"the attached process is in db1's pid namespace"
	kill "$spid"
fi
wait "$attach" 2>/dev/null

lxc_stop web1 && lxc_stop db1
tap_premise_is "$(lxc-info -n web1 -s -H) $(lxc-info -n db1 -s -H)" "STOPPED STOPPED" "both containers stop"
lxc_destroy web1 && lxc_destroy db1
tap_premise_is "$(lxc-ls -1)" "" "both containers are destroyed"

bad=$(dmesg | grep -E 'BUG:|WARNING:|Oops|RCU stall|general protection|Call Trace')
tap_premise_is "$bad" "" "the kernel log has no BUG, WARNING, Oops or stall"

tap_done
