#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Watching the live daemon: Debian's prometheus scrapes its /metrics.
#
#   scrape    the daemon runs on the real module with the web server on
#             127.0.0.1:8765; /healthz is 200 {"status":"ok"}; promtool
#             check metrics passes on the live /metrics; the per-CPU figures
#             are there for every CPU with the module's ring size
#   prometheus  a real prometheus (Debian's, from the host's root) scrapes
#             it every second: its HTTP API says up{job="shrike"} == 1 and
#             has shrike_events_total > 0
#   drops     with bufsize=262144 a syscall flood (stress_workers flood, one
#             per CPU) overflows the rings: the drop counters move, in
#             /metrics and in prometheus, and end equal to the daemon's own
#             stats line; the drop alert is counted; /healthz still answers
#             (from its own thread) during the flood and is 200 after it
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh

port=8765
prom_port=9090
tmp=$(mktemp -d)
url=http://127.0.0.1:$port
prom_pid=

scrape() { curl -s -m 10 "$url/metrics"; }
# metric FILE NAME: sum over every sample of the family NAME
metric() { N=$2 awk 'index($0, ENVIRON["N"] "{") == 1 || $1 == ENVIRON["N"] { s += $NF } END { printf "%.0f\n", s }' "$1"; }
# promq QUERY: the value of the first sample of an instant query, or "none"
promq() {
	curl -s -m 10 -G "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" |
		python3 -c 'import json, sys
try:
    r = json.load(sys.stdin)["data"]["result"]
    print(r[0]["value"][1] if r else "none")
except Exception:
    print("none")'
}
# prom_wait QUERY AWK_TEST SECS: until the query's value passes the test (x is the value)
prom_wait() {
	local i v
	for i in $(seq 1 "$3"); do
		v=$(promq "$1")
		[ "$v" != none ] && awk -v x="$v" "BEGIN { exit !($2) }" && { echo "$v"; return 0; }
		sleep 1
	done
	echo "$v"
	return 1
}
cleanup() {
	[ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && wait "$prom_pid" 2>/dev/null
	kill -INT "$SHRIKE_PID" 2>/dev/null
}
trap cleanup EXIT

shrike_unload
shrike_load bufsize=262144 && tap_setup "insmod shrike.ko bufsize=262144" ||
	tap_setup_fail "insmod shrike.ko bufsize=262144"
# -A: every syscall captured, so that the flood overflows the rings; the
# stream itself is not needed (the metrics are the subject), and would be
# hundreds of MB of tmpfs under the flood
SHRIKE_ERR=$tmp/shrike.err
"$SHRIKE_REPO/build/shrike" -A "${SHRIKE_DRIVER_ARGS[@]}" -o webserver.enabled=true -o webserver.listen_port=$port \
	-o webserver.prometheus_metrics_enabled=true >/dev/null 2>"$SHRIKE_ERR" &
SHRIKE_PID=$!
shrike_await &&
	tap_setup "the daemon runs with the web server on 127.0.0.1:$port" ||
	tap_setup_fail "the daemon runs with the web server" "$(cat "$SHRIKE_ERR")"

# ---- the endpoints, live ----
code=$(curl -s -m 10 -o "$tmp/healthz" -w '%{http_code}' "$url/healthz")
tap_is "$code $(cat "$tmp/healthz")" '200 {"status":"ok"}' "/healthz is 200 {\"status\":\"ok\"} on an idle host"
sleep 1
scrape >"$tmp/m1.txt"
if command -v promtool >/dev/null; then
	if promtool check metrics <"$tmp/m1.txt" >"$tmp/promtool.out" 2>&1; then
		tap_ok "promtool check metrics passes on the live /metrics"
	else
		tap_fail "promtool check metrics passes on the live /metrics" "$(head -20 "$tmp/promtool.out")"
	fi
else
	tap_skip "promtool check metrics passes on the live /metrics" "no promtool (Debian: prometheus)"
fi
d=$SHRIKE_TEST_DRIVER
grep -q '^shrike_build_info{version="[0-9.]*",driver="'"$d"'",abi="[0-9]*"} 1$' "$tmp/m1.txt" &&
	tap_ok "build info names the $d driver" || tap_fail "build info names the $d driver" "$(grep build_info "$tmp/m1.txt")"
ncpu=$(nproc)
if is_bpf; then
	# one BPF ring buffer for all CPUs: no ring of its own per CPU
	tap_is "$(grep -c '^shrike_ring_size_bytes{cpu="[0-9]*"} 0$' "$tmp/m1.txt")" "$ncpu" \
		"shrike_ring_size_bytes is 0 for each of the $ncpu CPUs (eBPF: one shared ring)"
else
	bufsize=$(cat /sys/module/shrike/parameters/bufsize)
	tap_is "$(grep -c '^shrike_ring_size_bytes{cpu="[0-9]*"} '"$bufsize"'$' "$tmp/m1.txt")" "$ncpu" \
		"shrike_ring_size_bytes is the module's bufsize ($bufsize) for each of the $ncpu CPUs"
fi
tap_is "$(grep -c '^shrike_kernel_events_dropped_total{cpu="[0-9]*",reason="full"} ' "$tmp/m1.txt")" "$ncpu" \
	"shrike_kernel_events_dropped_total{reason=\"full\"} has a sample per CPU"
seen=$(metric "$tmp/m1.txt" shrike_kernel_events_total)
[ "${seen:-0}" -gt 0 ] && tap_ok "shrike_kernel_events_total counts what the probes saw ($seen)" ||
	tap_fail "shrike_kernel_events_total counts what the probes saw" "$(grep kernel_events_total "$tmp/m1.txt")"
ss -Hltn "sport = :$port" | awk '{ print $4 }' >"$tmp/listen"
tap_is "$(tr '\n' ' ' <"$tmp/listen")" "127.0.0.1:$port " "it listens on 127.0.0.1:$port only"

# ---- a real prometheus scrapes it ----
if ! command -v prometheus >/dev/null; then
	tap_skip "prometheus scrapes the daemon: up{job=\"shrike\"} == 1" "no prometheus binary"
	tap_skip "prometheus has shrike_events_total > 0" "no prometheus binary"
else
	cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: shrike
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
	mkdir -p "$tmp/tsdb"
	prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
		--web.listen-address=127.0.0.1:$prom_port >"$tmp/prometheus.log" 2>&1 &
	prom_pid=$!
	for i in $(seq 1 120); do
		curl -s -m 2 -o /dev/null "http://127.0.0.1:$prom_port/-/ready" && break
		kill -0 "$prom_pid" 2>/dev/null || break
		sleep 1
	done
	if curl -s -m 2 -o /dev/null -f "http://127.0.0.1:$prom_port/-/ready"; then
		tap_setup "prometheus is ready on 127.0.0.1:$prom_port"
	else
		tap_setup_fail "prometheus is ready on 127.0.0.1:$prom_port" "$(tail -20 "$tmp/prometheus.log")"
	fi
	v=$(prom_wait 'up{job="shrike"}' 'x == 1' 60) && tap_ok "prometheus scrapes the daemon: up{job=\"shrike\"} == 1" ||
		tap_fail "prometheus scrapes the daemon: up{job=\"shrike\"} == 1" "value: $v
$(curl -s -m 5 "http://127.0.0.1:$prom_port/api/v1/targets" | head -c 2000)"
	v=$(prom_wait 'shrike_events_total{job="shrike"}' 'x > 0' 30) &&
		tap_ok "prometheus has shrike_events_total > 0 ($v)" ||
		tap_fail "prometheus has shrike_events_total > 0" "value: $v"
fi

# ---- a syscall flood on small rings: the drop counters move ----
before=$(metric "$tmp/m1.txt" shrike_kernel_events_dropped_total)
flood=()
for i in $(seq 1 "$ncpu"); do
	"$SHRIKE_REPO/build/helpers/stress_workers" flood 6 >"$tmp/flood$i.out" 2>&1 &
	flood+=($!)
done
sleep 3
t0=$(date +%s.%N)
code=$(curl -s -m 10 -o "$tmp/healthz.flood" -w '%{http_code}' "$url/healthz")
lat=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "%.2f", a - b }')
echo "# /healthz during the flood: $code $(cat "$tmp/healthz.flood") in $lat s"
[ "$code" = 200 ] || [ "$code" = 503 ] &&
	tap_ok "/healthz answers during the flood ($code in $lat s): the web server does not wait for the event loop" ||
	tap_fail "/healthz answers during the flood" "curl: $code after $lat s"
wait "${flood[@]}"
echo "# flood: $(cat "$tmp"/flood*.out | tr '\n' ' ')"
sleep 3		# the rings drain; the sample is at most 100 ms old
scrape >"$tmp/m2.txt"
after=$(metric "$tmp/m2.txt" shrike_kernel_events_dropped_total)
echo "# dropped (full + nested): $before before the flood, $after after"
[ "${after:-0}" -gt "${before:-0}" ] &&
	tap_ok "shrike_kernel_events_dropped_total moves under the flood ($before -> $after)" ||
	tap_fail "shrike_kernel_events_dropped_total moves under the flood" "$before -> $after"
da=$(metric "$tmp/m2.txt" shrike_drop_alerts_total)
[ "${da:-0}" -ge 1 ] && tap_ok "shrike_drop_alerts_total counts the drop alerts ($da)" ||
	tap_fail "shrike_drop_alerts_total counts the drop alerts" "$da"
code=$(curl -s -m 10 -o "$tmp/healthz.after" -w '%{http_code}' "$url/healthz")
tap_is "$code $(cat "$tmp/healthz.after")" '200 {"status":"ok"}' "/healthz is 200 again after the flood"
if [ -n "$prom_pid" ]; then
	v=$(prom_wait 'sum(shrike_kernel_events_dropped_total{job="shrike"})' "x > ${before:-0}" 20) &&
		tap_ok "prometheus sees the drop counters move ($v)" ||
		tap_fail "prometheus sees the drop counters move" "value: $v, before the flood: $before"
fi
full=$(N='reason="full"' awk 'index($0, "shrike_kernel_events_dropped_total{") == 1 && index($0, ENVIRON["N"]) { s += $NF }
	END { printf "%.0f\n", s }' "$tmp/m2.txt")
if [ -n "$prom_pid" ]; then
	kill "$prom_pid" 2>/dev/null
	wait "$prom_pid" 2>/dev/null
	prom_pid=
fi
kill -INT "$SHRIKE_PID"
wait "$SHRIKE_PID"
tap_is "$?" 0 "the daemon exits 0"
stats=$(grep 'shrike: stats:' "$SHRIKE_ERR" | tail -n 1)
echo "# $stats"
tap_is "$full" "$(sed -n 's/.* dropped_full=\([0-9]*\) .*/\1/p' <<<"$stats")" \
	"the last scrape's drops for a full ring are the stats line's dropped_full"
shrike_unload
dmesg_clean && tap_ok "dmesg has no BUG/WARNING/Oops" || tap_fail "dmesg has no BUG/WARNING/Oops" "$(dmesg | tail -20)"
trap - EXIT
rm -rf "$tmp"
tap_done
