# SPDX-License-Identifier: GPL-2.0-only
# lxc_cases.sh - sourced by the 40-lxc-* VM tests (it sources tap.sh, shrike.sh
# and lxc.sh, each unless already there): containers with known users, marked commands run in every context a
# process can have (host, lxc-attach, the container's own init), the ground
# truth of each read inside the VM while it runs, and assertions that the
# daemon's event for it carries exactly that.
#
#   lxc_case_make NAME privileged|idmapped [USER:UID...]
#                                   a container with these users (gid = uid)
#                                   and an init-spawned marker loop
#   lxc_case_init_loop NAME         (done by lxc_case_make) the init-spawned loop
#   lxc_case_start NAME             start it, remember its init's pid
#   lxc_case_pid_in CGROUPDIR       host pid of the init among a cgroup's processes
#   lxc_case_cgroup PID             PID's cgroup as the host sees it
#   lxc_case_host_user              the host's uid-1000 user (added if none)
#   lxc_mark_cmd KEY CONTAINER CMD...  run "echo KEY" under CMD (e.g. nested lxc-attach)
#   lxc_mark_host KEY [CMD...]      run it on the host (under CMD, e.g. setpriv)
#   lxc_mark_attach KEY NAME [OPT...]  run it with lxc-attach -n NAME OPT...
#   lxc_mark_init KEY NAME USER     have the container's init loop run it as USER
#   lxc_pre_start NAME UID          a process of uid UID in NAME that opens
#                                   /shrike-pre-NAME.fifo in a loop (start it
#                                   before the daemon)
#   lxc_pre_poke NAME               make it open the FIFO again
#   lxc_init_loop_pid NAME          host pid of the init loop
#   lxc_init_loop_want NAME         its probe as the wanted values of its FIFO opens
#   lxc_ev_wait FILE KEY            wait until the daemon printed KEY's exec
#   lxc_ev_index FILE [PID...]      index the daemon's events (once, at the end)
#   lxc_ev KEY FIELD                a field of the indexed events of KEY
#   lxc_expect KEY [FIELD=VALUE...] assert KEY's event against its ground truth
#
# MARK_LOGINUID=N in the environment of a lxc_mark_* call runs it from a
# shell that first wrote N to /proc/self/loginuid (as a login would).
#
# A KEY is "m-..." (no spaces): the command is `/bin/echo KEY`, whose execve
# event has proc.cmdline "echo KEY". Just before that exec, the same process
# records what it is (the probe below, run by the shell that then execs echo,
# so same pid and credentials), and the test reads the container's passwd and
# group right then: the wanted values are fixed when the command ran, not when
# the daemon happened to look.
declare -F tap_ok >/dev/null || . tests/e2e/lib/tap.sh
declare -F shrike_start >/dev/null || . tests/e2e/lib/shrike.sh
declare -F lxc_init >/dev/null || . tests/e2e/lib/lxc.sh

# The ground-truth probe, for sh -c (busybox ash and dash): pid and session
# id in its own pid namespace, effective uid and gid as its own user
# namespace shows them, login uid as its own namespace shows it (4294967295:
# unset or unmappable), and its cgroup (v2, or the pids hierarchy of v1) as
# its cgroup namespace shows it. Printed as "gt VPID EUID EGID LOGINUID SID
# CGROUP". (The comm of the shells probed has no spaces: stat splits on them.)
LXC_GT_SH='read lu </proc/self/loginuid
read st </proc/self/stat; set -- $st
while read k r e x; do case $k in Uid:) u=$e;; Gid:) g=$e;; esac; done </proc/self/status
c0= cp=
while read l; do case $l in 0::*) c0=${l#0::};; *:pids:*) cp=${l#*:pids:};; esac; done </proc/self/cgroup
echo "gt $$ $u $g $lu $6 ${cp:-$c0}"'

# What lxc_expect compares, in this order. proc.vpid ties the event to the
# probe's process; the rest is what SPEC's "field semantics" define.
LXC_FIELDS="container.name container.id container.type proc.vpid proc.sid user.uid user.host_uid
	user.name user.homedir user.shell group.gid group.host_gid group.name
	user.loginuid user.loginname"

declare -A LXC_CASE_INIT=()	# container -> host pid of its init
declare -A LXC_CASE_ROOTFS=()	# container -> rootfs directory, if not the usual
declare -A LXC_WANT=()		# "KEY<TAB>FIELD" -> wanted value
declare -A LXC_GT=()		# KEY -> the probe's line, or "" if it did not run
declare -A LXC_GT_ERR=()	# KEY -> what the command printed when it failed
declare -A LXC_EV=()		# "KEY<TAB>FIELD" -> value, from lxc_ev_index
LXC_TAB=$'\t'

_lxc_rootfs() {
	echo "${LXC_CASE_ROOTFS[$1]:-$LXC_PATH/$1/rootfs}"
}

# ---- containers -------------------------------------------------------------

# lxc_case_init_loop NAME: a loop that the container's init starts (an
# inittab respawn line), so that its children's parent chain is the
# container's own init and not lxc-attach. It writes its own probe to
# /shrike-init-NAME.gt, then for each "USER KEY" line written to
# /shrike-init-NAME.fifo runs the probe and `echo KEY` as USER (su, as root:
# no password), their output in /shrike-init-NAME.out. Reading the FIFO is
# also an openat by a process that may predate the daemon.
lxc_case_init_loop() {
	local name=$1 root
	root=$(_lxc_rootfs "$1")
	{
		echo '#!/bin/sh'
		echo '# started by init from /etc/inittab; see tests/e2e/lib/lxc_cases.sh'
		echo "{ $LXC_GT_SH
} >/shrike-init-$name.gt"
		echo "gt='$LXC_GT_SH'"
		echo 'while :; do'
		echo "	read u key </shrike-init-$name.fifo || continue"
		echo '	[ -n "$key" ] || continue'
		echo "	su -s /bin/sh \"\$u\" -c \"\$gt; exec /bin/echo \$key\" >/shrike-init-$name.out 2>&1"
		echo 'done'
	} >"$root/etc/init-marker" || return
	chmod 755 "$root/etc/init-marker"
	mkfifo -m 600 "$root/shrike-init-$name.fifo" || return
	echo '::respawn:/etc/init-marker' >>"$root/etc/inittab" || return
	chown --reference="$root/etc/inittab" "$root/etc/init-marker" "$root/shrike-init-$name.fifo"
}

lxc_case_make() {
	local name=$1 kind=$2 u
	shift 2
	case $kind in
	privileged) lxc_make_privileged "$name" && lxc_drop_suid "$name" ;;
	idmapped) lxc_make_idmapped "$name" ;;
	*) echo "lxc_case_make: unknown kind '$kind'" >&2; return 2 ;;
	esac || return
	for u; do
		lxc_add_user "$name" "${u%%:*}" "${u#*:}" "${u#*:}" || return
	done
	lxc_case_init_loop "$name"
}

# lxc_case_start NAME: start, and wait until its init loop has started too.
lxc_case_start() {
	local name=$1 root i
	root=$(_lxc_rootfs "$name")
	rm -f "$root/shrike-init-$name.gt"
	lxc_start "$name" || return
	LXC_CASE_INIT[$name]=$(lxc_init_pid "$name")
	for i in $(seq 1 100); do
		[ -s "$root/shrike-init-$name.gt" ] && return 0
		sleep 0.2
	done
	echo "lxc: the init loop of '$name' did not start" >&2
	return 1
}

# The name of the host's uid 1000, creating "hostuser" (uid and gid 1000) on
# the VM's overlay root if the host has none: the classic wrong-name case
# needs a host user with a container user's uid and another name.
lxc_case_host_user() {
	local name
	name=$(awk -F: '$3 == 1000 { print $1; exit }' /etc/passwd)
	if [ -z "$name" ]; then
		name=hostuser
		echo "$name:x:1000:1000:host user:/home/$name:/bin/sh" >>/etc/passwd
		grep -q '^[^:]*:[^:]*:1000:' /etc/group || echo "$name:x:1000:" >>/etc/group
	fi
	echo "$name"
}

# lxc_case_pid_in CGROUPDIR: host pid of the init (pid 1 in its namespace)
# among the processes of a cgroup directory, for a container whose init
# lxc-info cannot name (nested).
lxc_case_pid_in() {
	local p
	for p in $(cat "$1/cgroup.procs" 2>/dev/null); do
		[ "$(awk '/^NSpid:/ { print $NF }' "/proc/$p/status" 2>/dev/null)" = 1 ] &&
			{ echo "$p"; return 0; }
	done
	return 1
}

# lxc_case_cgroup PID: the cgroup of PID as the host sees it: the pids
# hierarchy's on cgroup v1, else the v2 one.
lxc_case_cgroup() {
	awk -F: '$2 == "pids" { p = $3 } $1 == "0" { z = $3 } END { print (p != "" ? p : z) }' \
		"/proc/$1/cgroup"
}

# ---- ground truth -------------------------------------------------------------

# _lxc_pw ROOT ID FIELD: field FIELD (1 name, 6 home, 7 shell) of the first
# passwd line of ROOT with uid ID, "null" if none. Read through the root the
# process has (/proc/<pid>/root): its own file, as the container sees it.
# Only a regular file is read (a FIFO would block us); a test that points
# the container's files elsewhere states the names it wants instead.
_lxc_pw() {
	local v=
	[ -f "$1/etc/passwd" ] &&
		v=$(awk -F: -v id="$2" -v f="$3" 'NF >= 7 && $3 == id { print $f; exit }' "$1/etc/passwd" 2>/dev/null |
			tr -d '\0')
	echo "${v:-null}"
}

_lxc_gr() {
	local v=
	[ -f "$1/etc/group" ] &&
		v=$(awk -F: -v id="$2" 'NF >= 3 && $3 == id { print $1; exit }' "$1/etc/group" 2>/dev/null |
			tr -d '\0')
	echo "${v:-null}"
}

# _lxc_map MAPFILE ID: ID of a namespace as the initial one sees it ("" file: the same)
_lxc_map() {
	[ -n "$1" ] || { echo "$2"; return; }
	awk -v id="$2" '$1 <= id && id < $1 + $3 { print $2 + id - $1; found = 1; exit }
		END { if (!found) print "unmapped" }' "$1"
}

# _lxc_want KEY CONTAINER GTLINE: the wanted fields of KEY, from the probe's
# line and CONTAINER's files now ("host": the host's).
_lxc_want() {
	local key=$1 cont=$2 gt=$3 root=/ map= gmap= init
	local _g vpid uid gid lu sid cg
	read -r _g vpid uid gid lu sid cg <<<"$gt"
	if [ "$cont" != host ]; then
		init=${LXC_CASE_INIT[$cont]:-}
		root=/proc/$init/root
		map=/proc/$init/uid_map
		gmap=/proc/$init/gid_map
	fi
	LXC_WANT[$key$LXC_TAB#cgroup]=$cg
	LXC_WANT[$key$LXC_TAB#count]=1
	LXC_WANT[$key${LXC_TAB}container.name]=$cont
	LXC_WANT[$key${LXC_TAB}container.id]=$cont
	LXC_WANT[$key${LXC_TAB}container.type]=$([ "$cont" = host ] && echo host || echo lxc)
	LXC_WANT[$key${LXC_TAB}proc.vpid]=$vpid
	LXC_WANT[$key${LXC_TAB}proc.sid]=$sid
	LXC_WANT[$key${LXC_TAB}user.uid]=$uid
	LXC_WANT[$key${LXC_TAB}group.gid]=$gid
	LXC_WANT[$key${LXC_TAB}user.host_uid]=$(_lxc_map "$map" "$uid")
	LXC_WANT[$key${LXC_TAB}group.host_gid]=$(_lxc_map "$gmap" "$gid")
	LXC_WANT[$key${LXC_TAB}user.name]=$(_lxc_pw "$root" "$uid" 1)
	if [ "${LXC_WANT[$key${LXC_TAB}user.name]}" = null ]; then
		LXC_WANT[$key${LXC_TAB}user.homedir]=null
		LXC_WANT[$key${LXC_TAB}user.shell]=null
	else
		LXC_WANT[$key${LXC_TAB}user.homedir]=$(_lxc_pw "$root" "$uid" 6)
		LXC_WANT[$key${LXC_TAB}user.shell]=$(_lxc_pw "$root" "$uid" 7)
	fi
	LXC_WANT[$key${LXC_TAB}group.name]=$(_lxc_gr "$root" "$gid")
	if [ "$lu" = 4294967295 ]; then
		LXC_WANT[$key${LXC_TAB}user.loginuid]=-1
		LXC_WANT[$key${LXC_TAB}user.loginname]=null
	else
		LXC_WANT[$key${LXC_TAB}user.loginuid]=$lu
		LXC_WANT[$key${LXC_TAB}user.loginname]=$(_lxc_pw "$root" "$lu" 1)
	fi
}

# _lxc_record KEY CONTAINER OUTPUT: take the probe's line from OUTPUT.
_lxc_record() {
	local key=$1 cont=$2 out=$3 gt
	gt=$(printf '%s\n' "$out" | grep -m1 '^gt ')
	if [ -z "$gt" ] || ! printf '%s\n' "$out" | grep -qx -- "$key"; then
		LXC_GT[exec:$key]=
		LXC_GT_ERR[exec:$key]=$out
		return 1
	fi
	LXC_GT[exec:$key]=$gt
	_lxc_want "exec:$key" "$cont" "$gt"
}

# Run "$@", from a shell whose login uid is $MARK_LOGINUID if that is set.
_lxc_run() {
	if [ -n "${MARK_LOGINUID:-}" ]; then
		(echo "$MARK_LOGINUID" >/proc/self/loginuid && exec "$@")
	else
		"$@"
	fi
}

# lxc_mark_cmd KEY CONTAINER CMD...: CMD... /bin/sh -c 'probe; exec /bin/echo KEY',
# a process of CONTAINER ("host" for the host)
lxc_mark_cmd() {
	local key=$1 cont=$2 out
	shift 2
	out=$(_lxc_run "$@" /bin/sh -c "$LXC_GT_SH
exec /bin/echo $key" </dev/null 2>&1)
	_lxc_record "$key" "$cont" "$out"
}

lxc_mark_host() {
	local key=$1
	shift
	lxc_mark_cmd "$key" host "$@"
}

lxc_mark_attach() {
	local key=$1 name=$2
	shift 2
	lxc_mark_cmd "$key" "$name" lxc-attach -n "$name" "$@" --
}

# lxc_mark_init KEY NAME USER: the FIFO write blocks until the loop reads;
# then wait for KEY in the loop's output.
lxc_mark_init() {
	local key=$1 name=$2 user=$3 root i
	root=$(_lxc_rootfs "$name")
	rm -f "$root/shrike-init-$name.out"
	if ! timeout 30 sh -c 'echo "$1" >"$2"' _ "$user $key" "$root/shrike-init-$name.fifo"; then
		LXC_GT[exec:$key]=
		LXC_GT_ERR[exec:$key]="the init loop of $name did not read its FIFO within 30 s"
		return 1
	fi
	for i in $(seq 1 150); do
		grep -qx -- "$key" "$root/shrike-init-$name.out" 2>/dev/null && break
		sleep 0.2
	done
	_lxc_record "$key" "$name" "$(cat "$root/shrike-init-$name.out" 2>&1)"
}

# The init loop's own process (it started with the container, maybe before
# the daemon): its host pid, and its probe as the wanted values of its FIFO
# opens (key open:/shrike-init-NAME.fifo). The open it was blocked in when
# the daemon started has no enter event; the next ones do: a test wanting
# them runs two lxc_mark_init or more on the container.
lxc_init_loop_pid() {
	pgrep -P "${LXC_CASE_INIT[$1]}" -x init-marker | head -n1
}

lxc_init_loop_want() {
	local name=$1 root
	root=$(_lxc_rootfs "$name")
	LXC_GT[open:/shrike-init-$name.fifo]=$(cat "$root/shrike-init-$name.gt")
	_lxc_want "open:/shrike-init-$name.fifo" "$name" "$(cat "$root/shrike-init-$name.gt")"
	unset "LXC_WANT[open:/shrike-init-$name.fifo$LXC_TAB#count]"
}

# lxc_pre_start NAME UID: a shell of uid UID in NAME (lxc-attach, in the
# background) that writes its probe, then opens /shrike-pre-NAME.fifo again
# and again (each open an openat event of a process older than the daemon).
# Waits until it runs; sets LXC_PRE_PID[NAME] to the host lxc-attach's pid.
declare -A LXC_PRE_PID=()
lxc_pre_start() {
	local name=$1 uid=$2 root i
	root=$(_lxc_rootfs "$name")
	mkfifo -m 666 "$root/shrike-pre-$name.fifo" || return
	install -m 666 /dev/null "$root/shrike-pre-$name.gt" || return
	_lxc_run lxc-attach -n "$name" -u "$uid" -g "$uid" -- /bin/sh -c "{ $LXC_GT_SH
} >/shrike-pre-$name.gt
while :; do read x </shrike-pre-$name.fifo; done" >/dev/null 2>&1 &
	LXC_PRE_PID[$name]=$!
	for i in $(seq 1 100); do
		if [ -s "$root/shrike-pre-$name.gt" ]; then
			LXC_GT[open:/shrike-pre-$name.fifo]=$(cat "$root/shrike-pre-$name.gt")
			_lxc_want "open:/shrike-pre-$name.fifo" "$name" "${LXC_GT[open:/shrike-pre-$name.fifo]}"
			unset "LXC_WANT[open:/shrike-pre-$name.fifo$LXC_TAB#count]"
			return 0
		fi
		sleep 0.2
	done
	return 1
}

lxc_pre_poke() {
	timeout 30 sh -c 'echo poke >"$1"' _ "$(_lxc_rootfs "$1")/shrike-pre-$1.fifo"
}

# ---- the daemon's events ------------------------------------------------------

lxc_ev_wait() {
	local i
	for i in $(seq 1 150); do
		grep -qF "\"proc.cmdline\":\"echo $2\"" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# lxc_ev_index FILE [PID...]: one pass of lxc_events.py over FILE, loaded
# into LXC_EV. PIDs: also index every event of these processes (pid:PID).
lxc_ev_index() {
	local f=$1 idx k fl v
	shift
	idx=$(mktemp)
	python3 "$SHRIKE_REPO/tests/e2e/lib/lxc_events.py" "$f" "$idx" "$@" || return
	while IFS=$LXC_TAB read -r k fl v; do
		LXC_EV[$k$LXC_TAB$fl]=$v
	done <"$idx"
	rm -f "$idx"
}

# lxc_ev_naming FILE NAME: the first LXC events of FILE whose user.name or
# user.loginname is NAME, a line each, so a failure shows which process it was.
lxc_ev_naming() {
	python3 - "$1" "$2" <<'PY'
import json, sys
keep = ("evt.type", "evt.time", "proc.pid", "proc.ppid", "proc.cmdline", "proc.exepath",
        "container.name", "user.uid", "user.host_uid", "user.name", "user.loginname")
n = 0
for line in open(sys.argv[1], errors="replace"):
    try:
        ev = json.loads(line)
    except ValueError:
        continue
    if not isinstance(ev, dict) or ev.get("container.type") != "lxc":
        continue
    if sys.argv[2] in (ev.get("user.name"), ev.get("user.loginname")):
        print(json.dumps({k: ev.get(k) for k in keep}))
        n += 1
        if n == 6:
            break
PY
}

# lxc_ev KEY FIELD: "<none>" when KEY has no event or the field is absent
lxc_ev() {
	local v=${LXC_EV[$1$LXC_TAB$2]-<none>}
	echo "$v"
}

# lxc_expect KEY [FIELD=VALUE...]: one assertion per field of LXC_FIELDS
# (and of the overrides, which replace a computed value), plus that KEY ran
# and, for an exec, that it has exactly one event. On the first mismatch the
# whole event is shown once.
lxc_expect() {
	local key=$1 desc kv f got want shown=0
	shift
	desc=${key#exec:}
	local -A over=()
	local fields extra=
	fields=$(echo $LXC_FIELDS)	# one line, single spaces
	for kv; do
		over[${kv%%=*}]=${kv#*=}
		case " $fields " in *" ${kv%%=*} "*) ;; *) extra="$extra ${kv%%=*}" ;; esac
	done
	if [ -z "${LXC_GT[$key]:-}" ]; then
		tap_fail "$desc: the marked command ran and reported its ground truth" \
			"${LXC_GT_ERR[$key]:-no output}"
		return 1
	fi
	if [ -n "${LXC_WANT[$key$LXC_TAB#count]:-}" ]; then
		tap_is "$(lxc_ev "$key" '#count')" 1 "$desc: exactly one execve event" || shown=1
	else
		got=$(lxc_ev "$key" '#count')
		[ "$got" != "<none>" ] && [ "$got" -ge 1 ] && tap_ok "$desc: has events ($got)" ||
			{ tap_fail "$desc: has events" "got: $got"; shown=1; }
	fi
	for f in $fields $extra; do
		want=${over[$f]-${LXC_WANT[$key$LXC_TAB$f]-<unset>}}
		got=$(lxc_ev "$key" "$f")
		if ! tap_is "$got" "$want" "$desc: $f"; then
			[ $shown = 1 ] || _lxc_show "$key"
			shown=1
		fi
	done
	[ $shown = 0 ]
}

_lxc_show() {
	local k out=
	for k in "${!LXC_EV[@]}"; do
		case $k in "$1$LXC_TAB"*) out="$out ${k#*$LXC_TAB}=${LXC_EV[$k]}" ;; esac
	done
	tap_diag "the event:$(printf '%s\n' $out | sort | grep -E '^(proc|user|group|container|evt\.type|fd\.name)' | tr '\n' ' ')"
}
