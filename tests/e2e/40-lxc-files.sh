#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A container's /etc/passwd and /etc/group are the container's to write, so
# an attacker's: the daemon must resolve them inside the container's root
# (a symlink to an absolute host path means the container's file of that
# name, never the host's), and survive a FIFO, garbage, a huge file, a
# directory or no file at all, with null names and every other field right.
# Each case replaces the files in the running container, waits for the
# daemon's revalidation (1 s) and runs a marked command as uid 1000.
. tests/e2e/lib/lxc_cases.sh	# and tap.sh, shrike.sh, lxc.sh

tmp=$(mktemp -d)
ev=$tmp/ev.json
c=evil1
etc=$LXC_PATH/$c/rootfs/etc

# Decoys on the host, at the paths the container's symlinks will name.
printf '%s\n' 'decoyroot:x:0:0:decoy:/decoy:/bin/decoy' \
	'decoyhost:x:1000:1000:decoy:/decoy:/bin/decoy' >/etc/shrike-decoy-passwd
printf '%s\n' 'decoyrootgrp:x:0:' 'decoygrp:x:1000:' >/etc/shrike-decoy-group

lxc_init
lxc_case_make "$c" privileged alice:1000 || tap_setup_fail "container $c is made"
cp -a "$etc/passwd" "$tmp/passwd.real"
cp -a "$etc/group" "$tmp/group.real"
lxc_case_start "$c" && tap_setup "container $c runs" || tap_setup_fail "container $c runs"

shrike_load
shrike_start "$ev" || tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"

# step KEY: let the daemon see the new files, run KEY as uid 1000, and wait
# until the daemon has printed it (so the next change comes after).
step() {
	sleep 2
	lxc_mark_attach "$1" "$c" -u 1000 -g 1000
	lxc_ev_wait "$ev" "$1" || tap_fail "$1: the daemon prints the event within 30 s"
}

# setfile NAME: remove the container's etc/NAME, whatever it is now
setfile() {
	rm -rf "${etc:?}/$1"
}

step m-files-real

# Absolute symlinks to paths that exist on the host only.
setfile passwd; ln -s /etc/shrike-decoy-passwd "$etc/passwd"
setfile group; ln -s /etc/shrike-decoy-group "$etc/group"
step m-files-abs-missing

# The same symlinks once the container has files of those names: its own.
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'inroot:x:1000:1000:in root:/home/inroot:/bin/ash' \
	>"$etc/shrike-decoy-passwd"
printf '%s\n' 'root:x:0:' 'ingrp:x:1000:' >"$etc/shrike-decoy-group"
step m-files-abs-inroot

# Climbing out with "..": stops at the container's root.
setfile passwd; ln -s ../../../../../../../../etc/shrike-decoy-passwd "$etc/passwd"
step m-files-dotdot

# A FIFO nobody writes: reading it would block the daemon forever.
setfile passwd; mkfifo "$etc/passwd"
cp -a "$tmp/group.real" "$etc/group.new" && mv "$etc/group.new" "$etc/group"
step m-files-fifo
kill -0 "$SHRIKE_PID" 2>/dev/null && tap_ok "the daemon still runs after a FIFO passwd" ||
	tap_fail "the daemon still runs after a FIFO passwd"

# Garbage: random bytes (no ':'), NULs, and alice's line with a NUL inside.
setfile passwd
{
	head -c 20000 /dev/urandom | tr -d ':'
	printf '\0\0\0\n\0\n'
	printf 'ali\0ce:x:1000:1000:alice:/home/alice:/bin/sh\n'
	head -c 20000 /dev/urandom | tr -d ':'
} >"$etc/passwd"
step m-files-garbage
kill -0 "$SHRIKE_PID" 2>/dev/null && tap_ok "the daemon still runs after a garbage passwd" ||
	tap_fail "the daemon still runs after a garbage passwd"

# Over the daemon's size cap (4 MiB), though its first line is right: refused
# whole, not read in part.
setfile passwd
{
	echo 'alice:x:1000:1000:alice:/home/alice:/bin/sh'
	yes '# padding padding padding padding padding padding padding padding padding' |
		head -c $((5 << 20))
} >"$etc/passwd"
step m-files-huge

setfile passwd; mkdir "$etc/passwd"
step m-files-dir

setfile passwd; ln -s passwd "$etc/passwd"
step m-files-loop

setfile passwd
step m-files-none

# Back to the real file: names come back.
cp -a "$tmp/passwd.real" "$etc/passwd"
step m-files-restored

# The same change while the daemon lags behind (stopped): by the time it
# reads the events, the processes that ran in the container are gone, but
# the container's init still lives; the file it must read is the new one.
# (Once more than a few short-lived processes came and went, the daemon has
# no live process of the container left in mind to open its root through.)
kill -STOP "$SHRIKE_PID"
for i in 1 2 3 4 5; do
	lxc-attach -n "$c" -u 1000 -g 1000 -- /bin/true </dev/null
done
sed -i 's/^alice:/alina:/' "$etc/passwd"
sleep 2
lxc_mark_attach m-files-lagged "$c" -u 1000 -g 1000
kill -CONT "$SHRIKE_PID"
lxc_ev_wait "$ev" m-files-lagged || tap_fail "m-files-lagged: the daemon prints the event within 30 s"

lxc_mark_host m-files-host
sleep 1
shrike_stop
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0 after all that"
grep -q 'shrike: stats: events=' "$SHRIKE_ERR" && tap_ok "and prints its statistics" ||
	tap_fail "and prints its statistics" "$(tail -5 "$SHRIKE_ERR")"
lxc_ev_index "$ev"

none='user.name=null user.homedir=null user.shell=null'
lxc_expect exec:m-files-real user.name=alice group.name=alice
# shellcheck disable=SC2086
{
lxc_expect exec:m-files-abs-missing $none group.name=null
lxc_expect exec:m-files-abs-inroot user.name=inroot user.homedir=/home/inroot user.shell=/bin/ash \
	group.name=ingrp
lxc_expect exec:m-files-dotdot user.name=inroot user.homedir=/home/inroot user.shell=/bin/ash \
	group.name=ingrp
lxc_expect exec:m-files-fifo $none group.name=alice
lxc_expect exec:m-files-garbage $none group.name=alice
lxc_expect exec:m-files-huge $none group.name=alice
lxc_expect exec:m-files-dir $none group.name=alice
lxc_expect exec:m-files-loop $none group.name=alice
lxc_expect exec:m-files-none $none group.name=alice
}
lxc_expect exec:m-files-restored user.name=alice group.name=alice
lxc_expect exec:m-files-lagged user.name=alina group.name=alice
lxc_expect exec:m-files-host user.name=root

names="|$(lxc_ev all:lxc user.name)|$(lxc_ev all:lxc group.name)|$(lxc_ev all:lxc user.loginname)|"
case $names in
*decoy*) tap_fail "no event names a user or group of the host's decoy files" "$names" ;;
*) tap_ok "no event names a user or group of the host's decoy files" ;;
esac

lxc_kill "$c"
shrike_unload
rm -f /etc/shrike-decoy-passwd /etc/shrike-decoy-group
rm -rf "$tmp"
tap_done
