#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Rings sized to reality: one per CPU that exists (a CPU offline when the
# device is opened has none; it gets one when it comes online, and the
# daemon maps it and reads its events), all of them within the maxmem cap
# (smaller rings to fit, ENOMEM when even the smallest do not), and the
# drops of a CPU left without a ring counted, never silent.
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh

tmp=$(mktemp -d)
chmod 755 "$tmp"
cpu1=/sys/devices/system/cpu/cpu1/online
# the rings: vmalloc areas of the module's (named in brackets) mappable by users
user_areas() { grep '\[shrike\]' /proc/vmallocinfo | grep -c ' user '; }
ring_bytes() { dmesg | sed -n 's/.*shrike: rings of \([0-9]*\) bytes per cpu.*/\1/p' | tail -n 1; }

if [ ! -w "$cpu1" ]; then
	tap_skip "a CPU offline at open has no ring" "no second CPU that can go offline"
	tap_done
	exit
fi

shrike_unload
shrike_load || tap_setup_fail "insmod shrike.ko"

# --- a CPU offline when the daemon starts -------------------------------------
echo 0 >"$cpu1"
tap_premise_is "$(cat "$cpu1")" 0 "cpu1 is offline"
shrike_start "$tmp/ev.json" -r /dev/null || tap_setup_fail "the daemon starts with cpu1 offline" "$(cat "$SHRIKE_ERR")"
tap_is "$(user_areas)" 1 "one ring: for the one CPU online"
echo 1 >"$cpu1"
tap_premise_is "$(cat "$cpu1")" 1 "cpu1 is back online"
tap_is "$(user_areas)" 2 "cpu1 got its ring when it came online"
# the daemon notices (it looks at the counters ten times a second) and maps it
sleep 1
taskset -c 1 cat /etc/hostname >/dev/null
taskset -c 1 sh -c 'echo shrike-cpu1-marker >/dev/null'
sleep 1
shrike_stop
# the successful exec of sh by taskset, pinned to cpu1 (taskset's PATH search
# adds failed ones)
n=$(ev "$tmp/ev.json" count evt.type=execve evt.cpu=1 evt.res=0 proc.name=sh 'proc.cmdline~shrike-cpu1-marker')
tap_is "$n" 1 "an exec on cpu1, which had no ring at the start, reaches the daemon"
tap_is "$(grep -o 'dropped_noring=[0-9]*' "$SHRIKE_ERR")" "dropped_noring=0" "no event was left without a ring"
tap_is "$(user_areas)" 0 "the rings are freed when the daemon closes the device"
shrike_unload

# --- the memory cap -------------------------------------------------------------
# 2 CPUs x (8 MiB + a page) do not fit in 1 MiB: the rings are halved until
# they do (256 KiB each), and the kernel log says so
dmesg -C
shrike_load maxmem=1048576 || tap_setup_fail "insmod shrike.ko maxmem=1048576"
shrike_start "$tmp/cap.json" -r /dev/null || tap_setup_fail "the daemon starts with maxmem=1 MiB" "$(cat "$SHRIKE_ERR")"
tap_is "$(ring_bytes)" 262144 "maxmem=1 MiB: rings of 256 KiB per CPU instead of 8 MiB"
cat /etc/hostname >/dev/null
sleep 0.5
shrike_stop
tap_is "$SHRIKE_STATUS" 0 "the daemon runs and stops cleanly with the smaller rings"
tap_is "$(ev "$tmp/cap.json" count evt.type=openat 'fd.name=/etc/hostname')" 1 \
	"an open reaches the daemon through the smaller rings"
shrike_unload

# not even two rings of 256 KiB fit in 300,000 bytes: the open fails, no OOM
shrike_load maxmem=300000 || tap_setup_fail "insmod shrike.ko maxmem=300000"
"$SHRIKE_REPO/build/shrike" -r /dev/null -M 2 >/dev/null 2>"$tmp/nomem.err"
rc=$?
tap_is "$rc" 1 "maxmem=300000: the daemon exits 1"
grep -q 'Cannot allocate memory' "$tmp/nomem.err" &&
	tap_ok "it says the device could not allocate its rings" ||
	tap_fail "it says the device could not allocate its rings" "$(cat "$tmp/nomem.err")"
tap_is "$(user_areas)" 0 "nothing is left allocated after the failed open"
shrike_unload
shrike_load

dmesg_clean && tap_ok "dmesg is clean" || tap_fail "dmesg is clean" "$(dmesg | tail -20)"
rm -rf "$tmp"
tap_done
