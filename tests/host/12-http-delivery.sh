#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The HTTP output's delivery, fed by replaying a capture (no module), against
# tests/host/http_sink.py: HTTPS with the server verified by a CA of the
# test's own (openssl) and mutual TLS with a client certificate; backing off
# while the collector is away instead of a retry cycle per alert; the spool,
# which keeps alerts over an outage and a restart and delivers them in order,
# and its bound. Generous limits, no tight timing: the daemon gives the HTTP
# output at most 5 s at exit (OUTPUTS_FLUSH_SECONDS).
. tests/host/lib.sh

# Fewer alerts than 10-outputs.sh: enough to see order, few enough to be
# delivered again from the spool within the flush.
cat >"$tmp/rules.yaml" <<'EOF'
- rule: Test event
  desc: an alert for each event of these types
  condition: evt.type in (execve, clone, connect)
  output: "%evt.type by %proc.name (user=%user.name container=%container.name)"
  priority: NOTICE
  tags: [test]
EOF

# replay_http NAME [options]: replay with the HTTP output on
replay_http() {
	local name=$1
	shift
	replay "$name" -o http_output.enabled=true "$@"
}

# delivered LOG: the alerts the collector answered 2xx, normalised, in order
delivered() {
	python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if 200 <= r["status"] < 300:
        print(json.dumps(json.loads(r["body"]), sort_keys=True))
PY
}

norm() {
	python3 tests/host/alerts.py norm "$1"
}

# ---- TLS: a CA, a server certificate for 127.0.0.1, a client certificate ----------
certs=$tmp/certs
mkdir -p "$certs/capath"
gen_certs() {
	local k="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
	openssl req -x509 $k -keyout "$certs/ca.key" -out "$certs/ca.crt" -days 2 -subj "/CN=shrike test CA" &&
	openssl req $k -keyout "$certs/server.key" -out "$certs/server.csr" -subj "/CN=127.0.0.1" &&
	printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$certs/server.ext" &&
	openssl x509 -req -in "$certs/server.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -CAcreateserial \
		-out "$certs/server.crt" -days 2 -extfile "$certs/server.ext" &&
	openssl req $k -keyout "$certs/client.key" -out "$certs/client.csr" -subj "/CN=shrike-test-client" &&
	printf 'extendedKeyUsage=clientAuth\n' >"$certs/client.ext" &&
	openssl x509 -req -in "$certs/client.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -CAcreateserial \
		-out "$certs/client.crt" -days 2 -extfile "$certs/client.ext" &&
	cp "$certs/ca.crt" "$certs/capath/" && openssl rehash "$certs/capath"
}
if ! command -v openssl >/dev/null; then
	tap_skip "HTTPS and mutual TLS" "no openssl(1) to make certificates"
elif ! gen_certs >"$tmp/err" 2>&1; then
	tap_setup_fail "make a CA, a server and a client certificate" "$(tail -5 "$tmp/err")"
else
	tap_setup "a CA, a server certificate for 127.0.0.1 and a client certificate (openssl)"
	sink tls --tls "$certs/server.crt" "$certs/server.key" --client-ca "$certs/ca.crt"
	url=https://127.0.0.1:$port/
	mtls=(-o http_output.mtls=true -o "http_output.client_cert=$certs/client.crt"
	      -o "http_output.client_key=$certs/client.key")

	replay_http mtls -o "http_output.url=$url" -o "http_output.ca_cert=$certs/ca.crt" "${mtls[@]}" \
		-o http_output.user_agent=shrike-test/1
	n=$(wc -l <"$tmp/mtls.out")
	if [ "$n" -ge 20 ]; then
		tap_premise "the replay raises $n alerts"
	else
		tap_premise_fail "the replay raises at least 20 alerts" "$(tail -3 "$tmp/mtls.err")"
	fi
	if norm "$tmp/mtls.out" >"$tmp/a.stdout" && delivered "$tmp/tls.log" >"$tmp/a.tls" && cmp -s "$tmp/a.stdout" "$tmp/a.tls"; then
		tap_ok "mTLS: the collector got every alert, in order, over HTTPS (server verified with ca_cert)"
	else
		tap_fail "mTLS: the collector got every alert, in order" "$(tail -3 "$tmp/mtls.err"; cat "$tmp/tls.log.tls" 2>/dev/null | head -3)"
	fi
	tap_is "$(python3 -c 'import json,sys; print(sorted({json.loads(l)["client"] for l in open(sys.argv[1])}))' "$tmp/tls.log")" \
		"['shrike-test-client']" "mTLS: every request came with the client certificate (CN shrike-test-client)"
	tap_is "$(python3 -c 'import json,sys; print(sorted({json.loads(l)["user_agent"] for l in open(sys.argv[1])}))' "$tmp/tls.log")" \
		"['shrike-test/1']" "http_output.user_agent is the User-Agent"
	tap_is "$(http_counts mtls)" "$n 0 0" "mTLS: sent=$n failed=0 dropped=0"

	: >"$tmp/tls.log"
	replay_http nocert -o "http_output.url=$url" -o "http_output.ca_cert=$certs/ca.crt" -o http_output.max_retries=0
	tap_is "$(wc -l <"$tmp/tls.log") $(http_counts nocert | cut -d' ' -f1)" "0 0" \
		"mTLS: without a client certificate the collector takes nothing (sent=0)"
	[ -s "$tmp/tls.log.tls" ] && tap_ok "mTLS: and it refused the handshake ($(head -c 80 "$tmp/tls.log.tls"))" ||
		tap_fail "mTLS: the collector refused a handshake without a client certificate"

	replay_http noca -o "http_output.url=$url" "${mtls[@]}" -o http_output.max_retries=0
	tap_is "$(wc -l <"$tmp/tls.log") $(http_counts noca | cut -d' ' -f1)" "0 0" \
		"a server certificate of an unknown CA is refused (no ca_cert: the system's CAs)"
	grep -q "http output: cannot deliver to '$url': .*certificate" "$tmp/noca.err" &&
		tap_ok "and the warning says it is the certificate" ||
		tap_fail "the warning names the certificate problem" "$(grep 'http output' "$tmp/noca.err")"

	: >"$tmp/tls.log"
	replay_http bundle -o "http_output.url=$url" -o "http_output.ca_bundle=$certs/ca.crt" "${mtls[@]}"
	tap_is "$(http_counts bundle) $(delivered "$tmp/tls.log" | wc -l)" "$n 0 0 $n" "ca_bundle verifies the server as ca_cert does"
	: >"$tmp/tls.log"
	replay_http capath -o "http_output.url=$url" -o "http_output.ca_path=$certs/capath" "${mtls[@]}"
	tap_is "$(http_counts capath) $(delivered "$tmp/tls.log" | wc -l)" "$n 0 0 $n" "ca_path (a rehashed directory) verifies the server"
	: >"$tmp/tls.log"
	replay_http insecure -o "http_output.url=$url" -o http_output.insecure=true "${mtls[@]}"
	tap_is "$(http_counts insecure) $(delivered "$tmp/tls.log" | wc -l)" "$n 0 0 $n" "insecure=true: no server verification"

	"$shrike" -e "$cap" -r "$tmp/rules.yaml" -o http_output.enabled=true -o "http_output.url=$url" \
		-o http_output.mtls=true -o "http_output.client_cert=$certs/client.crt" \
		-o "http_output.client_key=$certs/nope.key" >/dev/null 2>"$tmp/bad.err"
	tap_is "$? $(grep -c "http_output.client_key: cannot read '$certs/nope.key'" "$tmp/bad.err")" "1 1" \
		"mtls with a missing key: exit 1, naming the key and the file"
	"$shrike" -e "$cap" -r "$tmp/rules.yaml" -o http_output.enabled=true -o "http_output.url=$url" \
		-o http_output.mtls=true >/dev/null 2>"$tmp/bad.err"
	tap_is "$? $(grep -c "http_output.mtls: client_cert and client_key" "$tmp/bad.err")" "1 1" \
		"mtls without client_cert and client_key: exit 1, saying so"
	"$shrike" -e "$cap" -r "$tmp/rules.yaml" -o http_output.enabled=true -o "http_output.url=$url" \
		-o "http_output.ca_cert=$certs/none.crt" >/dev/null 2>"$tmp/bad.err"
	tap_is "$? $(grep -c "http_output.ca_cert: cannot read '$certs/none.crt'" "$tmp/bad.err")" "1 1" \
		"a ca_cert that cannot be read: exit 1, naming it"
fi

# ---- backing off: a collector that is away costs one retry cycle, not one per alert --
# Every answer is 503. max_retries=2: the first alert is tried 3 times, then
# the sender waits 1 s, 2 s, 4 s... with one try each: in the 5 s the exit
# gives, a handful of requests, all for the first alert (it keeps its place).
# Without the back-off it would be 3 per alert, 0.6 s apart: some 25.
sink away --status 503
replay_http away -o "http_output.url=http://127.0.0.1:$port/" -o http_output.max_retries=2
n=$(wc -l <"$tmp/away.out")
reqs=$(wc -l <"$tmp/away.log")
[ "$reqs" -ge 3 ] && [ "$reqs" -le 8 ] &&
	tap_ok "collector away (503): $reqs requests in the daemon's life, for $n alerts" ||
	tap_fail "collector away (503): between 3 and 8 requests" "$reqs requests for $n alerts"
tap_is "$(python3 -c 'import json,sys; print(len({json.loads(l)["body"] for l in open(sys.argv[1])}))' "$tmp/away.log")" 1 \
	"collector away: every request was for the first alert: it keeps its place"
tap_is "$(http_counts away)" "0 0 $n" "collector away, no spool: the alerts still queued at exit are dropped (sent=0 failed=0 dropped=$n)"
tap_is "$(grep -c "http output: cannot deliver to 'http://127.0.0.1:$port/': HTTP status 503 (backing off" "$tmp/away.err")" 1 \
	"collector away: one warning, naming the URL and the status"
awk -v s="$(cat "$tmp/away.secs")" 'BEGIN { exit !(s < 15) }' &&
	tap_ok "collector away: the daemon exits within the flush ($(cat "$tmp/away.secs") s)" ||
	tap_fail "collector away: the daemon exits within the flush" "$(cat "$tmp/away.secs") s"

# Away for its first 3 answers, then back: the first alert's round fails, the
# probe a second later succeeds, and everything is delivered, in order.
sink back --fail-first 3
replay_http back -o "http_output.url=http://127.0.0.1:$port/" -o http_output.max_retries=2
norm "$tmp/back.out" >"$tmp/a.back"
delivered "$tmp/back.log" >"$tmp/d.back"
cmp -s "$tmp/a.back" "$tmp/d.back" && tap_ok "collector back after 3 503s: every alert delivered once, in order" ||
	tap_fail "collector back: every alert delivered once, in order" "$(http_counts back); $(wc -l <"$tmp/d.back") of $n"
tap_is "$(http_counts back)" "$n 0 0" "collector back: sent=$n failed=0 dropped=0"
grep -q "http output: delivering to 'http://127.0.0.1:$port/' again" "$tmp/back.err" &&
	tap_ok "collector back: the log says so" || tap_fail "collector back: the log says so" "$(grep http "$tmp/back.err")"

# ---- the spool: an outage, then a restart with the collector back ----------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
spool=$tmp/spool
replay_http down -o "http_output.url=http://127.0.0.1:$port/" -o "http_output.spool_dir=$spool" \
	-o http_output.max_retries=1 -o hostname=first-run
tap_is "$(cat "$tmp/down.rc") $(http_counts down)" "0 0 0 0 $n $n" \
	"collector down, spool: exit 0; sent=0 failed=0 dropped=0 spooled=$n in_spool=$n"
tap_is "$(stat -c %a "$spool") $(find "$spool" -type f -name '*.json' -perm 600 | wc -l)" "700 $n" \
	"the spool directory is 0700, with one 0600 file per alert"
for f in "$spool"/*.json; do cat "$f"; echo; done >"$tmp/spooled"
norm "$tmp/spooled" >"$tmp/a.spooled"
norm "$tmp/down.out" >"$tmp/a.down"
cmp -s "$tmp/a.down" "$tmp/a.spooled" && tap_ok "the spool holds the alerts in order" ||
	tap_fail "the spool holds the alerts in order" "$(diff "$tmp/a.down" "$tmp/a.spooled" | head -3 | cut -c1-200)"
awk -v s="$(cat "$tmp/down.secs")" 'BEGIN { exit !(s < 15) }' &&
	tap_ok "collector down, spool: the daemon exits within the flush ($(cat "$tmp/down.secs") s)" ||
	tap_fail "collector down, spool: the daemon exits within the flush" "$(cat "$tmp/down.secs") s"

sink up
replay_http up -o "http_output.url=http://127.0.0.1:$port/" -o "http_output.spool_dir=$spool" -o hostname=second-run
norm "$tmp/up.out" >"$tmp/a.up"
cat "$tmp/a.down" "$tmp/a.up" >"$tmp/a.both"
delivered "$tmp/up.log" >"$tmp/d.up"
cmp -s "$tmp/a.both" "$tmp/d.up" &&
	tap_ok "restart with the collector back: the $n spooled alerts first, then the $n new ones, all in order" ||
	tap_fail "restart: spooled alerts first, then the new ones, in order" \
		"$(http_counts up); $(wc -l <"$tmp/d.up") delivered of $((2 * n)); $(grep http "$tmp/up.err")"
# (the new alerts queue behind the spooled ones, in the spool, until it is empty)
read -r sent failed dropped spooled left <<<"$(http_counts up)"
tap_is "$sent $failed $dropped $left $(find "$spool" -type f | wc -l)" "$((2 * n)) 0 0 0 0" \
	"restart: sent=$((2 * n)) failed=0 dropped=0, nothing left in the spool"
grep -q "http output: $n alerts in the spool '$spool' go first" "$tmp/up.err" &&
	tap_ok "restart: the log says how many alerts the spool held" ||
	tap_fail "restart: the log says how many alerts the spool held" "$(grep http "$tmp/up.err")"

# Away then back within one run, with the spool: delivered in order, none lost.
sink spoolback --fail-first 2
replay_http spoolback -o "http_output.url=http://127.0.0.1:$port/" -o "http_output.spool_dir=$tmp/spool2" \
	-o http_output.max_retries=1
norm "$tmp/spoolback.out" >"$tmp/a.spoolback"
delivered "$tmp/spoolback.log" >"$tmp/d.spoolback"
cmp -s "$tmp/a.spoolback" "$tmp/d.spoolback" &&
	tap_ok "collector away then back in one run, spool: every alert delivered once, in order" ||
	tap_fail "collector away then back, spool: every alert delivered in order" \
		"$(http_counts spoolback); $(wc -l <"$tmp/d.spoolback") of $n"
read -r sent failed dropped spooled left <<<"$(http_counts spoolback)"
tap_is "$sent $failed $dropped $left" "$n 0 0 0" "and counted: sent=$n failed=0 dropped=0 in_spool=0 (spooled=$spooled on the way)"

# A full spool keeps the oldest alerts and drops the newest, counted.
sed -i 's/condition: .*/condition: evt.type in (execve, clone, connect, openat, close)/' "$tmp/rules.yaml"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
replay_http full -o "http_output.url=http://127.0.0.1:$port/" -o "http_output.spool_dir=$tmp/spool3" \
	-o http_output.spool_max_bytes=65536 -o http_output.max_retries=0
n=$(wc -l <"$tmp/full.out")
read -r sent failed dropped spooled left <<<"$(http_counts full)"
bytes=$(cat "$tmp/spool3"/*.json | wc -c)
[ "${spooled:-0}" -ge 10 ] && [ "$spooled" -lt "$n" ] && [ "$((spooled + dropped))" = "$n" ] && [ "$left" = "$spooled" ] &&
	[ "$bytes" -le 65536 ] &&
	tap_ok "spool_max_bytes=65536: $spooled of $n alerts kept ($bytes bytes), $dropped counted as dropped" ||
	tap_fail "a full spool: kept + dropped = $n, within the bound" "$(http_counts full); $bytes bytes"
for f in "$tmp/spool3"/*.json; do cat "$f"; echo; done >"$tmp/spooled3"
norm "$tmp/spooled3" >"$tmp/a.spooled3"
norm "$tmp/full.out" >"$tmp/a.full"
head -n "${spooled:-0}" "$tmp/a.full" >"$tmp/a.first"
cmp -s "$tmp/a.first" "$tmp/a.spooled3" && tap_ok "a full spool holds the oldest alerts: the newest were dropped" ||
	tap_fail "a full spool holds the oldest alerts" "$(diff "$tmp/a.first" "$tmp/a.spooled3" | head -3 | cut -c1-200)"
tap_is "$(grep -c "the spool '$tmp/spool3' takes no more alerts: full" "$tmp/full.err")" 1 "a full spool: one warning"

"$shrike" -e "$cap" -r "$tmp/rules.yaml" -o http_output.enabled=true \
	-o "http_output.spool_dir=$tmp/no/such/dir" >/dev/null 2>"$tmp/bad.err"
tap_is "$? $(grep -c "http_output.spool_dir: cannot open '$tmp/no/such/dir'" "$tmp/bad.err")" "1 1" \
	"a spool directory that cannot be made: exit 1, naming it"
tap_done
