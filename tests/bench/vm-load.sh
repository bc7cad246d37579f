#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Inside the VM without -icount (real time, two vCPUs): drops and the
# consumer's CPU share at the highest syscall rate the VM generates, then the
# daemon's memory with many live processes and many mount namespaces.
# Started by tests/bench/bench; results in /out (load.tsv, mem.tsv).
#
# usage: vm-load.sh SCAP_KO SECONDS NPROCS NNS SYSDIG_FILTER [DAEMON ARGS...]
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/bench/lib.sh

scap_ko=$1 secs=$2 nprocs=$3 nns=$4 filter=$5
shift 5
daemon_args=("$@")
out=${SHRIKE_VM_OUT:?}
bin=build/bench
work=/tmp/shrike-bench
port=1
open_workers=2 connect_workers=2
hz=$(getconf CLK_TCK)

mkdir -p "$work"
: >"$work/file"
cp "$bin/loadgen" "$bin/spawn" "$work/"
: >"$out/load.tsv"
: >"$out/mem.tsv"

now() { date +%s.%N; }

# load CONFIG [KIND]: the load generator, with the consumer of KIND running
load() {
	local config=$1 kind=${2:-} t0 t1 s0 s1 seen=0 dropped=0 events=0 ticks=0 elapsed=0 r
	if [ -n "$kind" ]; then
		consumer_up "$kind" "$work/load.err" || return 1
		cpu_ticks "$CONSUMER"
		t0=$TICKS
		s0=$(now)
	fi
	r=$("$work/loadgen" "$secs" "$open_workers" "$connect_workers" "$work/file" "$port") || return 1
	if [ -n "$kind" ]; then
		wait_idle "$CONSUMER"
		cpu_ticks "$CONSUMER"
		t1=$TICKS
		s1=$(now)
		consumer_down
		ticks=$((t1 - t0))
		elapsed=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.3f", b - a }')
		consumer_counts "$kind" "$work/load.err"
		seen=$SEEN dropped=$DROPPED
		if [ "$kind" = shrike ]; then
			events=$(shrike_stat "$work/load.err" events)
		else
			events=$(sed -n 's/.*Captured Events: \([0-9]*\).*/\1/p' "$work/load.err" | tail -n 1)
		fi
	fi
	# config, loadgen seconds, syscalls, syscalls/s, consumer: events seen
	# by the driver, dropped, delivered, CPU seconds, seconds watched
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$config" \
		"$(awk '{ print $2 }' <<<"$r")" "$(awk '{ print $8 }' <<<"$r")" \
		"$(awk '{ print $10 }' <<<"$r")" "${seen:-0}" "${dropped:-0}" "${events:-0}" \
		"$(awk -v t="$ticks" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }')" "$elapsed" \
		>>"$out/load.tsv"
	echo "load $config: $r; seen ${seen:-0} dropped ${dropped:-0} events ${events:-0} cpu ${ticks} ticks in ${elapsed}s"
}

# rss STATE COUNT: the daemon's resident memory now
rss() {
	local kb hwm
	kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$CONSUMER/status")
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$CONSUMER/status")
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$kb" "$hwm" >>"$out/mem.tsv"
	echo "rss $1 ($2): $kb kB, peak $hwm kB"
}

# spawn_up KIND N [DIR]: N live processes (see spawn.c); sets SPAWN
spawn_up() {
	"$work/spawn" "$@" >"$work/spawn.out" &
	SPAWN=$!
	local i
	for i in $(seq 1 3000); do
		grep -q '^ready' "$work/spawn.out" && return 0
		kill -0 "$SPAWN" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

spawn_down() {
	kill -TERM "$SPAWN"
	wait "$SPAWN"
}

set -e
# --- drops and CPU share under load ---
load none
insmod shrike.ko
load shrike-daemon shrike
rmmod shrike
insmod "$scap_ko"
load scap-sysdig sysdig
rmmod scap

# --- memory ---
# -A: every event is enriched (user and container names looked up), so the
# caches fill as they would with rules that name those fields
insmod shrike.ko
# room for the processes (threads-max scales with memory, pid_max with CPUs)
echo $((nprocs * 2 + 4096)) >/proc/sys/kernel/threads-max
[ "$(cat /proc/sys/kernel/pid_max)" -ge $((nprocs * 2 + 4096)) ] ||
	echo $((nprocs * 2 + 4096)) >/proc/sys/kernel/pid_max
shrike_up "$work/mem.err" -A "${daemon_args[@]}"
rss idle "$(ls -d /proc/[0-9]* | wc -l) processes"
spawn_up procs "$nprocs"
wait_idle "$CONSUMER"
rss "procs-forked" "$nprocs"
consumer_down
# the same processes found by the /proc scan of a daemon started after them
shrike_up "$work/mem.err" -A "${daemon_args[@]}"
rss "procs-scanned" "$nprocs"
spawn_down
wait_idle "$CONSUMER"
rss "procs-exited" 0
# mount namespaces, each with its own /etc/passwd, one exec as uid 1000 in each
mkdir -p "$work/passwd"
consumer_down
build/shrike -A "${daemon_args[@]}" >"$work/mem.json" 2>"$work/mem.err" &
CONSUMER=$!
for i in $(seq 1 600); do grep -q 'shrike: running' "$work/mem.err" && break; sleep 0.1; done
wait_idle "$CONSUMER"
rss "ns-before" 0
spawn_up mntns "$nns" "$work/passwd"
wait_idle "$CONSUMER"
rss "ns-cached" "$nns"
spawn_down
consumer_down
rmmod shrike
set +e
# did the daemon name each namespace's own user? (u<i>_1 is uid 1000 in namespace i)
named=$(grep -o '"user.name":"u[0-9]*_1"' "$work/mem.json" | sort -u | wc -l)
printf 'ns-names\t%s\t%s\t0\n' "$nns" "$named" >>"$out/mem.tsv"
echo "distinct container-local user names seen: $named of $nns"
dmesg | grep -E 'BUG:|WARNING:|Oops|RCU stall' && exit 1
exit 0
