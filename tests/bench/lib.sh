# SPDX-License-Identifier: GPL-2.0-only
# lib.sh - sourced by the benchmark's VM scripts: start, watch and stop the
# event consumers (the shrike daemon, sysdig), read their CPU time.

# The helpers below watch the consumer with shell builtins only: every
# process they started would be events for the consumer they are watching.

# a sleep that starts no process: read with a timeout from a FIFO nobody writes
_bench_fifo=$(mktemp -u /tmp/bench-sleep.XXXXXX)
mkfifo "$_bench_fifo"
exec {_bench_sleep_fd}<>"$_bench_fifo"
rm -f "$_bench_fifo"
nap() {
	read -r -t "$1" -u "$_bench_sleep_fd" _ || true
}

# cpu_ticks PID: sets TICKS to PID's user + system time in clock ticks
# (USER_HZ), 0 if it is gone
cpu_ticks() {
	local stat
	TICKS=0
	read -r stat <"/proc/$1/stat" 2>/dev/null || return 0
	# fields after "pid (comm) ": state is the 1st, utime the 12th, stime the 13th
	read -r -a stat <<<"${stat##*) }"
	TICKS=$((stat[11] + stat[12]))
}

# wait_idle PID: until PID used at most 2 ticks in 0.5 s, twice in a row:
# a consumer that has drained its rings. Not zero: each check reads
# /proc/PID/stat, an openat the consumer itself receives. Under -icount a
# busy guest pays for the wait in instructions, an idle one does not.
wait_idle() {
	local pid=$1 quiet=0 a i
	for ((i = 1; i <= 600; i++)); do
		cpu_ticks "$pid"
		a=$TICKS
		nap 0.5
		cpu_ticks "$pid"
		kill -0 "$pid" 2>/dev/null || return 1
		if [ $((TICKS - a)) -le 2 ]; then
			quiet=$((quiet + 1))
			[ $quiet -ge 2 ] && return 0
		else
			quiet=0
		fi
		[ $((i % 20)) -eq 0 ] && echo "bench: waiting for pid $pid to go idle ($((TICKS - a)) ticks in 0.5 s)" >&2
	done
	return 1
}

# shrike_up ERRFILE ARGS...: build/shrike ARGS in the background, stdout to
# /dev/null; waits until it has opened the rings and gone idle. Sets CONSUMER.
shrike_up() {
	local err=$1 i
	shift
	build/shrike "$@" >/dev/null 2>"$err" &
	CONSUMER=$!
	for ((i = 0; i < 600; i++)); do
		grep -q 'shrike: running' "$err" 2>/dev/null && break
		kill -0 "$CONSUMER" 2>/dev/null || { cat "$err" >&2; return 1; }
		nap 0.1
	done
	wait_idle "$CONSUMER"
}

# sysdig_up ERRFILE ARGS...: sysdig -v ARGS in the background (stdout to
# /dev/null, the -v summary to ERRFILE); waits until it has the driver
# open and has finished reading /proc. Sets CONSUMER.
sysdig_up() {
	local err=$1 i
	shift
	sysdig -v "$@" >"$err" 2>&1 &
	CONSUMER=$!
	for ((i = 0; i < 600; i++)); do
		ls -l "/proc/$CONSUMER/fd" 2>/dev/null | grep -q '/dev/scap' && break
		kill -0 "$CONSUMER" 2>/dev/null || { cat "$err" >&2; return 1; }
		nap 0.1
	done
	wait_idle "$CONSUMER"
}

# consumer_down: SIGINT (both print their statistics), wait for the exit
consumer_down() {
	kill -INT "$CONSUMER" 2>/dev/null
	wait "$CONSUMER"
}

# shrike_stat ERRFILE KEY: a number from the daemon's last "stats:" line
shrike_stat() {
	grep 'shrike: stats:' "$1" | tail -n 1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# sysdig_stat ERRFILE LABEL: "Driver Events" or "Driver Drops" from sysdig -v
sysdig_stat() {
	sed -n "s/^$2:\([0-9]*\).*/\1/p" "$1" | tail -n 1
}

# consumer_up KIND ERRFILE: the consumer of KIND as the measured
# configurations run it: shrike with the caller's daemon_args (shrike-bpf:
# the same on the eBPF driver), sysdig with the caller's filter. Sets CONSUMER.
consumer_up() {
	if [ "$1" = shrike ]; then
		shrike_up "$2" "${daemon_args[@]}"
	elif [ "$1" = shrike-bpf ]; then
		shrike_up "$2" --driver bpf "${daemon_args[@]}"
	else
		sysdig_up "$2" -q "$filter"
	fi
}

# consumer_counts KIND ERRFILE: SEEN and DROPPED (full buffers) as the
# stopped consumer's driver counted them
consumer_counts() {
	if [ "$1" = shrike ] || [ "$1" = shrike-bpf ]; then
		SEEN=$(shrike_stat "$2" seen)
		DROPPED=$(shrike_stat "$2" dropped_full)
	else
		SEEN=$(sysdig_stat "$2" 'Driver Events')
		DROPPED=$(sysdig_stat "$2" 'Driver Drops')
	fi
}
