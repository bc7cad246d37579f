#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Inside the -icount VM (one vCPU, one guest nanosecond per instruction):
# guest instructions per operation for each workload under each
# configuration, then one capture of a common workload by each tool for the
# replay comparison on the host. Started by tests/bench/bench; results in /out.
#
# usage: vm-icount.sh SCAP_KO SCALE SYSDIG_FILTER [DAEMON ARGS...]
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/bench/lib.sh

scap_ko=$1 scale=$2 filter=$3
shift 3
daemon_args=("$@")
out=${SHRIKE_VM_OUT:?}
bin=build/bench
reps=3
work=/tmp/shrike-bench
port=1			# nothing listens on it (UDP connect does not ask)

# workload name, operations per round, argument
count() { awk -v n="$1" -v s="$scale" 'BEGIN { n = int(n * s); print n < 1 ? 1 : n }'; }
workloads=(
	"getppid $(count 300000) -"
	"openat $(count 30000) $work/file"
	"connect $(count 30000) $port"
	"forkexec $(count 200) $work/true"
)

# everything the workloads touch on tmpfs: exec or open over 9p waits for
# the host, and under -icount the guest clock jumps over such waits
mkdir -p "$work"
: >"$work/file"
cp "$bin/true" "$bin/opbench" "$work/"
ss -lun 2>/dev/null | grep -q ":$port " && { echo "port $port is open in the VM" >&2; exit 1; }

: >"$out/icount.tsv"
: >"$out/consumer.tsv"
echo "# $(uname -r), $(nproc) cpu, $(awk '/MemTotal/ { print $2 " kB" }' /proc/meminfo)" >"$out/icount.env"

# run CONFIG: every workload, REPS timed rounds each, into icount.tsv
run() {
	local config=$1 w name n arg
	for w in "${workloads[@]}"; do
		read -r name n arg <<<"$w"
		run_one "$config" "$name" "$n" "$arg" || return 1
	done
}

run_one() {
	local config=$1 name=$2 n=$3 arg=$4
	[ "$arg" = - ] && arg=
	# shellcheck disable=SC2086
	"$work/opbench" -r "$reps" "$name" "$n" $arg >"$work/op.out" || return 1
	awk -v c="$config" '{ print c "\t" $1 "\t" $3 "\t" $5 }' "$work/op.out" >>"$out/icount.tsv"
	echo "$config: $(awk '{ printf "%s ", $5 }' "$work/op.out") ($name)"
}

# run_consumed CONFIG KIND: like run, with a consumer started for each
# workload (so drops and CPU time are per workload) and stopped after it
run_consumed() {
	local config=$1 kind=$2 w name n arg t0 t1
	for w in "${workloads[@]}"; do
		read -r name n arg <<<"$w"
		consumer_up "$kind" "$work/consumer.err" || return 1
		cpu_ticks "$CONSUMER"
		t0=$TICKS
		run_one "$config" "$name" "$n" "$arg" || return 1
		wait_idle "$CONSUMER"
		cpu_ticks "$CONSUMER"
		t1=$TICKS
		consumer_down
		consumer_counts "$kind" "$work/consumer.err"
		# operations: the warm-up (n/4 + 1) and the timed rounds
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$config" "$name" $((n / 4 + 1 + reps * n)) \
			$((t1 - t0)) "${SEEN:-0}" "${DROPPED:-0}" >>"$out/consumer.tsv"
		echo "$config: $name: consumer $((t1 - t0)) ticks, seen ${SEEN:-?}, dropped ${DROPPED:-?}"
	done
}

set -e
run none
insmod "$bin/emptyprobe/emptyprobe.ko"
run emptyprobe
rmmod emptyprobe
# the eBPF driver's floor: raw tracepoint programs that return at once
rm -f "$work/emptybpf.ready"
"$bin/emptybpf" "$work/emptybpf.ready" &
empty_bpf=$!
for _ in $(seq 1 100); do
	[ -s "$work/emptybpf.ready" ] && break
	sleep 0.1
done
[ -s "$work/emptybpf.ready" ] || { echo "emptybpf did not attach" >&2; exit 1; }
run emptybpf
kill "$empty_bpf"
wait "$empty_bpf" || true
insmod shrike.ko
run shrike-noreader
run_consumed shrike-daemon shrike
rmmod shrike
# the eBPF driver, with nothing of the module loaded
run_consumed shrike-bpf shrike-bpf
insmod "$scap_ko"
run_consumed scap-sysdig sysdig
rmmod scap
set +e

# --- captures for the replay comparison (same workload for both tools) ---
capture_workload() {
	"$work/opbench" openat "$(count 20000)" "$work/file" >/dev/null &&
	"$work/opbench" connect "$(count 20000)" "$port" >/dev/null &&
	"$work/opbench" forkexec "$(count 100)" "$work/true" >/dev/null
}
insmod shrike.ko
shrike_up "$work/cap-shrike.err" -w "$work/shrike.cap" "${daemon_args[@]}" || exit 1
capture_workload || exit 1
wait_idle "$CONSUMER"
consumer_down
rmmod shrike
insmod "$scap_ko"
sysdig_up "$work/cap-sysdig.err" -w "$work/sysdig.scap" || exit 1
capture_workload || exit 1
wait_idle "$CONSUMER"
consumer_down
rmmod scap
cp "$work/shrike.cap" "$work/sysdig.scap" "$work/cap-shrike.err" "$work/cap-sysdig.err" "$out/"
echo "captures: $(stat -c '%n %s' "$out/shrike.cap" "$out/sysdig.scap" | tr '\n' ' ')"
# what this boot cost: a busy guest second is a billion instructions
awk -v hz="$(getconf CLK_TCK)" '/^cpu / { busy = $2 + $3 + $4 + $7 + $8
	printf "guest: %.1f G instructions busy, %.0f s idle skipped\n", busy / hz, $5 / hz }' /proc/stat
dmesg | grep -E 'BUG:|WARNING:|Oops|RCU stall' && exit 1
exit 0
