# SPDX-License-Identifier: GPL-2.0-only
# shrike.sh - sourced by VM tests: load the module, run the daemon in the
# background with its JSON going to a file, stop it, ask about its events.

SHRIKE_REPO=${SHRIKE_REPO:-$(pwd)}
EVENTS_PY="$SHRIKE_REPO/tests/e2e/lib/events.py"

# The driver the daemon runs with. SHRIKE_TEST_DRIVER=bpf (scripts/vmtest's
# eBPF pass) runs the same tests, with the same expectations, on the eBPF
# driver: the module stays out, and what a test asks of the module's rings
# (bufsize=) is asked of the daemon (buffer_size). SHRIKE_DRIVER_ARGS go on
# every daemon command line that reads the kernel.
SHRIKE_TEST_DRIVER=${SHRIKE_TEST_DRIVER:-kmod}
shrike_driver_args() {
	SHRIKE_DRIVER_ARGS=()
	[ "$SHRIKE_TEST_DRIVER" = bpf ] && SHRIKE_DRIVER_ARGS=(--driver bpf "$@")
	return 0
}
shrike_driver_args

# is_bpf: the tests run on the eBPF driver (module-only checks stay out)
is_bpf() {
	[ "$SHRIKE_TEST_DRIVER" = bpf ]
}

# shrike_load [PARAM=VALUE...]: insmod unless already loaded, with
# $SHRIKE_KMOD_PARAMS first (e.g. defer_paths=1 to run a suite the
# PREEMPT_RT way on any kernel); on the eBPF driver, bufsize= becomes the
# daemon's buffer_size and nothing is loaded
shrike_load() {
	local p
	if is_bpf; then
		shrike_driver_args
		for p in "$@"; do
			case $p in bufsize=*) SHRIKE_DRIVER_ARGS+=(-o "buffer_size=${p#bufsize=}") ;; esac
		done
		return 0
	fi
	grep -q '^shrike ' /proc/modules 2>/dev/null && return 0
	# shellcheck disable=SC2086 # a list of parameters
	insmod "$SHRIKE_REPO/shrike.ko" ${SHRIKE_KMOD_PARAMS:-} "$@"
}

shrike_unload() {
	is_bpf && { shrike_driver_args; return 0; }
	grep -q '^shrike ' /proc/modules 2>/dev/null || return 0
	rmmod shrike
}

# shrike_start OUTFILE [daemon options...]: runs build/shrike -A in the
# background and waits until it has opened the rings and scanned /proc.
shrike_start() {
	local out=$1
	shift
	SHRIKE_ERR=${out%.json}.err
	"$SHRIKE_REPO/build/shrike" -A "${SHRIKE_DRIVER_ARGS[@]}" "$@" >"$out" 2>"$SHRIKE_ERR" &
	SHRIKE_PID=$!
	shrike_await
}

# shrike_await: until the daemon SHRIKE_PID says it runs (20 s), in SHRIKE_ERR
shrike_await() {
	local i
	for i in $(seq 1 200); do
		grep -q 'shrike: running' "$SHRIKE_ERR" 2>/dev/null && return 0
		kill -0 "$SHRIKE_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# shrike_stop: SIGINT, then wait for the final statistics
shrike_stop() {
	kill -INT "$SHRIKE_PID" 2>/dev/null
	wait "$SHRIKE_PID"
	SHRIKE_STATUS=$?
}

# ev FILE CMD ARGS...: see events.py
ev() {
	python3 "$EVENTS_PY" "$@"
}

# reader_start [OPTS...]: build/helpers/stress_reader in the background (every
# syscall selected), until its rings are mapped (30 s at most); READER_PID,
# its output in $tmp/reader.out ($tmp: the calling test's scratch directory)
reader_start() {
	rm -f "$tmp/ready"
	"$SHRIKE_REPO/build/helpers/stress_reader" -r "$tmp/ready" "$@" >"$tmp/reader.out" 2>&1 &
	READER_PID=$!
	local i
	for i in $(seq 1 600); do
		[ -s "$tmp/ready" ] && return 0
		kill -0 "$READER_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# reader_stop: SIGTERM; its status is 0 when it saw no corrupt record
reader_stop() {
	kill -TERM "$READER_PID" 2>/dev/null
	wait "$READER_PID"
}

dmesg_clean() {
	! dmesg | grep -qE 'BUG:|WARNING:|Oops|RCU stall|KASAN|general protection'
}
