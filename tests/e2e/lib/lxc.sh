# SPDX-License-Identifier: GPL-2.0-only
# lxc.sh - sourced by VM tests (inside the VM, as root): real LXC 5.0
# containers made with the busybox template.
#
#   lxc_init                          host-wide LXC settings, once per VM
#   lxc_make_privileged NAME          a container that runs as real root
#   lxc_make_idmapped NAME            a container whose uid 0 is 100000 outside
#   lxc_add_user NAME USER UID GID    a user in the container's /etc/passwd
#   lxc_start NAME / lxc_stop NAME    start and wait until attachable / stop
#   lxc_destroy NAME                  stop if running, and remove
#
# All VM tests share one boot: a test destroys the containers it made, so
# that the next one can make its own under the same names.
#
# Each returns non-zero on failure, with LXC's own messages on stderr.
#
# lxc-create -t busybox takes 20 s to minutes under emulation (the template
# forks one `ln -s` per busybox applet), so it runs once: scripts/vm runs it on
# the host (1 s) and passes the result as $SHRIKE_VM_LXC_BASE; without that it
# runs here, into a base container outside /var/lib/lxc. Each container is a
# copy of the base with its own config, which is all `lxc-copy` would do (it
# needs rsync, which lxc only recommends).

LXC_PATH=/var/lib/lxc	# every lxc-* call here passes it (-P): a test may set another for a call
LXC_BASE=/var/lib/shrike-lxc-base	# the base made in the VM, if needed
LXC_IDMAP_HOST=100000			# container uid/gid 0 on the host
LXC_IDMAP_RANGE=65536
LXC_START_TIMEOUT=${LXC_START_TIMEOUT:-60}	# seconds, emulation is slow

lxc_init() {
	mkdir -p /etc/lxc || return
	# No network (the busybox rootfs does not need one; nothing to set up on
	# the host side), and no AppArmor profile: the VM loads none.
	cat >/etc/lxc/default.conf <<-EOF || return
	lxc.net.0.type = empty
	lxc.apparmor.profile = unconfined
	EOF
	# root may map these ids into the containers it starts (newuidmap).
	echo "root:$LXC_IDMAP_HOST:$LXC_IDMAP_RANGE" >/etc/subuid || return
	echo "root:$LXC_IDMAP_HOST:$LXC_IDMAP_RANGE" >/etc/subgid
}

# _lxc_base: prints the base container's directory, creating it if needed.
_lxc_base() {
	if [ -f "${SHRIKE_VM_LXC_BASE:-}/config" ]; then
		echo "$SHRIKE_VM_LXC_BASE"
		return 0
	fi
	if [ ! -f "$LXC_BASE/base/config" ]; then
		mkdir -p "$LXC_BASE" || return
		local log=/tmp/lxc-create-base.log
		if ! lxc-create -P "$LXC_BASE" -n base -t busybox >"$log" 2>&1; then
			echo "lxc: lxc-create -t busybox failed:" >&2
			cat "$log" >&2
			rm -rf "$LXC_BASE/base"
			return 1
		fi
	fi
	echo "$LXC_BASE/base"
}

# _lxc_copy NAME: a new container NAME, a copy of the base. The config names
# the rootfs path and the hostname; everything else is the template's.
_lxc_copy() {
	local name=$1 dir=$LXC_PATH/$1
	if [ -e "$dir" ]; then
		echo "lxc: container '$name' already exists" >&2
		return 1
	fi
	local base
	base=$(_lxc_base) || return
	cp -a "$base" "$dir" || return
	sed -i -e "s|^lxc.rootfs.path = .*|lxc.rootfs.path = dir:$dir/rootfs|" \
		-e "s|^lxc.uts.name = .*|lxc.uts.name = \"$name\"|" "$dir/config"
}

lxc_make_privileged() {
	_lxc_copy "$1"
}

# An unprivileged container started by root: its ids 0..65535 are
# 100000..165535 on the host, so its rootfs must belong to 100000 and its
# directory be traversable by that uid.
lxc_make_idmapped() {
	local name=$1 dir=$LXC_PATH/$1
	_lxc_copy "$name" || return
	chown -R "$LXC_IDMAP_HOST:$LXC_IDMAP_HOST" "$dir/rootfs" || return
	chmod 755 "$dir" || return
	cat >>"$dir/config" <<-EOF
	lxc.idmap = u 0 $LXC_IDMAP_HOST $LXC_IDMAP_RANGE
	lxc.idmap = g 0 $LXC_IDMAP_HOST $LXC_IDMAP_RANGE
	EOF
}

# _lxc_hostid NAME ID u|g: the host id of the container's ID.
_lxc_hostid() {
	local base
	base=$(awk -v k="$3" '$1 == "lxc.idmap" && $3 == k && $4 == 0 { print $5; exit }' \
		"$LXC_PATH/$1/config")
	echo $((${base:-0} + $2))
}

# lxc_add_user NAME USER UID GID: appends the user and its group and makes
# its home. Appending keeps the files' owner (100000 in an id-mapped one);
# the new home belongs to the user as the container maps it.
lxc_add_user() {
	local name=$1 user=$2 uid=$3 gid=$4
	local root=$LXC_PATH/$name/rootfs
	[ -f "$root/etc/passwd" ] || { echo "lxc: no container '$name'" >&2; return 1; }
	echo "$user:x:$uid:$gid:$user:/home/$user:/bin/sh" >>"$root/etc/passwd" || return
	grep -q "^[^:]*:[^:]*:$gid:" "$root/etc/group" ||
		echo "$user:x:$gid:" >>"$root/etc/group" || return
	mkdir -p "$root/home/$user" || return
	chown "$(_lxc_hostid "$name" "$uid" u):$(_lxc_hostid "$name" "$gid" g)" "$root/home/$user"
}

# lxc_start NAME: starts it in the background and returns once a command can
# be attached to it. LXC's debug log is in /tmp/lxc-NAME.log.
lxc_start() {
	local name=$1 log=/tmp/lxc-$1.log deadline=$((SECONDS + LXC_START_TIMEOUT)) in=()
	# LXC_START_CGROUP=DIR: lxc-start runs in that cgroup, as a systemd unit's would
	[ -n "${LXC_START_CGROUP:-}" ] &&
		in=(sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$LXC_START_CGROUP")
	if ! "${in[@]}" lxc-start -P "$LXC_PATH" -n "$name" -d -l DEBUG -o "$log"; then
		echo "lxc: lxc-start -n $name failed:" >&2
		grep -E 'ERROR|WARN' "$log" | tail -n 20 >&2
		return 1
	fi
	while [ "$SECONDS" -lt "$deadline" ]; do
		lxc-attach -P "$LXC_PATH" -n "$name" -- true 2>/dev/null && return 0
		sleep 0.5
	done
	echo "lxc: container '$name' not attachable after ${LXC_START_TIMEOUT}s:" >&2
	lxc-info -P "$LXC_PATH" -n "$name" >&2
	grep -E 'ERROR|WARN' "$log" | tail -n 20 >&2
	return 1
}

# lxc_stop NAME: asks its init to halt (SIGUSR1 for busybox init), kills it
# if it has not stopped within 10 s.
lxc_stop() {
	lxc-stop -P "$LXC_PATH" -n "$1" -t 10 2>/dev/null || lxc-stop -P "$LXC_PATH" -n "$1" -k
}

lxc_destroy() {
	if [ "$(lxc-info -P "$LXC_PATH" -n "$1" -s -H 2>/dev/null)" != STOPPED ]; then
		lxc-stop -P "$LXC_PATH" -n "$1" -k 2>/dev/null
	fi
	lxc-destroy -P "$LXC_PATH" -n "$1"
}

# ---- added for the 40-lxc-* tests ------------------------------------------
#
#   lxc_drop_suid NAME                the rootfs's busybox without its setuid bit
#   lxc_cgroup_dirs NAME DIR MONDIR   container cgroups at /DIR, its monitor at /MONDIR
#   lxc_old_layout NAME               cgroups at /lxc/NAME, monitor at /lxc.monitor/NAME
#   lxc_init_pid NAME                 host pid of the container's init
#   lxc_kill NAME                     stop at once (SIGKILL), for cleanup

# The busybox template installs /bin/busybox setuid root (for su and passwd),
# so in a privileged container every applet starts with euid 0 and drops it
# only after exec: an exec event then rightly shows uid 0 for any user. Tests
# that want a user's own uid in the exec event drop the bit. (An id-mapped
# container loses it anyway when lxc_make_idmapped chowns the rootfs.)
lxc_drop_suid() {
	chmod u-s,g-s "$LXC_PATH/$1/rootfs/bin/busybox"
}

# Where LXC puts the container's cgroup (DIR, relative to the cgroup root;
# lxc-attach puts its processes in DIR/.lxc) and its monitor's. LXC 5 only
# takes the two keys together (lxc.container.conf(5)).
lxc_cgroup_dirs() {
	cat >>"$LXC_PATH/$1/config" <<-EOF
	lxc.cgroup.dir.container = $2
	lxc.cgroup.dir.monitor = $3
	EOF
}

# The layout of LXC before 4.0.
lxc_old_layout() {
	lxc_cgroup_dirs "$1" "lxc/$1" "lxc.monitor/$1"
}

lxc_init_pid() {
	lxc-info -P "$LXC_PATH" -n "$1" -p -H 2>/dev/null
}

lxc_kill() {
	lxc-stop -P "$LXC_PATH" -n "$1" -k 2>/dev/null
}
