# SPDX-License-Identifier: GPL-2.0-only
# lib.sh - sourced by the host tests of the outputs (10-, 11-, 12-): TAP,
# a scratch directory that goes at exit with the collectors started in it,
# and the daemon run over a capture (no module).
#
#   $tmp                     the scratch directory; $shrike the daemon; $cap the capture
#   sink NAME [options]      starts tests/host/http_sink.py (its log in NAME.log);
#                            its port in $port, its URL in $url
#   replay NAME [options]    the daemon over $cap with $tmp/rules.yaml: stdout in
#                            NAME.out, stderr in NAME.err, exit status in NAME.rc,
#                            wall seconds in NAME.secs
#   http_counts NAME         "sent failed dropped", then "spooled in_spool" with a
#                            spool, from the daemon's last line on stderr
. tests/e2e/lib/tap.sh
shrike=${SHRIKE:-build/shrike}
cap=tests/host/demo.scap
tmp=$(mktemp -d)
pids=()
cleanup() {
	[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

sink() {
	local name=$1 i
	shift
	python3 tests/host/http_sink.py "$tmp/$name.port" "$tmp/$name.log" "$@" >/dev/null 2>&1 &
	pids+=($!)
	for i in $(seq 1 100); do
		[ -s "$tmp/$name.port" ] && break
		sleep 0.1
	done
	port=$(cat "$tmp/$name.port")
	url=http://127.0.0.1:$port/
}

replay() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s.%N)
	"$shrike" -e "$cap" -r "$tmp/rules.yaml" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.1f\n", $2 - $1 }' >"$tmp/$name.secs"
}

http_counts() {
	sed -n 's/^shrike: http output: sent=\([0-9]*\) failed=\([0-9]*\) dropped=\([0-9]*\)\( spooled=\([0-9]*\) in_spool=\([0-9]*\)\)\{0,1\}$/\1 \2 \3 \5 \6/p' \
		"$tmp/$1.err" | tail -n 1 | sed 's/ *$//'
}
