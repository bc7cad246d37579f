#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The process table against /proc ground truth: processes that started
# before the daemon, parent and ancestor fields, cwd tracking through chdir,
# a live process's fields compared with /proc/<pid>, and PID reuse.
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh

tmp=$(mktemp -d)
mkdir -p "$tmp/pre" "$tmp/work dir" "$tmp/x"
mkfifo "$tmp/pre/go"
# Started before the daemon: waits on a FIFO, then execs.
(cd "$tmp/pre" && exec bash -c 'read x < go; exec /bin/true prebooted-marker') &
pre=$!
shrike_load
shrike_start "$tmp/ev.json" || tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"
echo go > "$tmp/pre/go"
wait $pre

# chdir tracking, relative and absolute
sh -c 'cd "'"$tmp"'/work dir" && cd ../x && exec /bin/true cwd-marker'
# A live process: read its /proc while it runs
(cd "$tmp/x" && exec sleep 60) &
live=$!
sleep 1
while [ "$(readlink /proc/$live/exe)" != "$(readlink -f /bin/sleep)" ]; do sleep 0.2; done
gt_cmdline=$(tr '\0' ' ' < /proc/$live/cmdline | sed 's/ $//')
gt_exe=$(readlink /proc/$live/exe)
gt_cwd=$(readlink /proc/$live/cwd)
gt_ppid=$(awk '{print $4}' /proc/$live/stat)
gt_sid=$(awk '{print $6}' /proc/$live/stat)
gt_tty=$(awk '{print $7}' /proc/$live/stat)
kill $live
wait $live

# PID reuse: pid N runs "true reuse-a" and exits; then a forked subshell that
# never execs gets N again and opens a file.
sh -c 'echo $$ > '"$tmp"'/reuse; exec /bin/true reuse-a'
n=$(cat "$tmp/reuse")
echo $((n - 1)) > /proc/sys/kernel/ns_last_pid
( echo $BASHPID > "$tmp/reuse2"; : < /etc/hostname )
n2=$(cat "$tmp/reuse2")
sleep 0.5
shrike_stop
f=$tmp/ev.json

tap_is "$(ev "$f" get proc.cwd evt.type=execve proc.cmdline="true prebooted-marker")" "$tmp/pre" \
	"a process from before the daemon keeps its cwd from the /proc scan"
tap_is "$(ev "$f" get proc.pname evt.type=execve proc.cmdline="true prebooted-marker")" "bash" \
	"its parent's name comes from the scan too"
tap_is "$(ev "$f" get proc.cwd evt.type=execve proc.cmdline="true cwd-marker")" "$tmp/x" \
	"cwd follows chdir through a relative path"
tap_is "$(ev "$f" get proc.cmdline evt.type=execve proc.pid=$live)" "$gt_cmdline" "live process: proc.cmdline = /proc/pid/cmdline"
tap_is "$(ev "$f" get proc.exepath evt.type=execve proc.pid=$live)" "$gt_exe" "live process: proc.exepath = /proc/pid/exe"
tap_is "$(ev "$f" get proc.cwd evt.type=execve proc.pid=$live)" "$gt_cwd" "live process: proc.cwd = /proc/pid/cwd"
tap_is "$(ev "$f" get proc.ppid evt.type=execve proc.pid=$live)" "$gt_ppid" "live process: proc.ppid = /proc/pid/stat"
tap_is "$(ev "$f" get proc.sid evt.type=execve proc.pid=$live)" "$gt_sid" "live process: proc.sid = /proc/pid/stat"
tap_is "$(ev "$f" get proc.tty evt.type=execve proc.pid=$live)" "$gt_tty" "live process: proc.tty = /proc/pid/stat"
tap_is "$(ev "$f" get proc.pname evt.type=execve proc.pid=$live)" "bash" "live process: proc.pname"
if [ "$n2" = "$n" ]; then
	tap_premise "the kernel reused pid $n"
	tap_is "$(ev "$f" count evt.type=openat proc.pid=$n fd.name=/etc/hostname)" 1 "the new process's open is reported"
	tap_is "$(ev "$f" get proc.name evt.type=openat proc.pid=$n fd.name=/etc/hostname)" "bash" \
		"pid reuse: the new process is not named after the dead one"
	tap_is "$(ev "$f" get proc.exepath evt.type=openat proc.pid=$n fd.name=/etc/hostname)" "$(readlink -f /bin/bash)" \
		"pid reuse: nor has its image"
else
	tap_skip "pid reuse" "could not force pid $n again (got $n2)"
fi
shrike_unload
rm -rf "$tmp"
