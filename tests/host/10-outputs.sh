#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Outputs, configured together, fed by replaying a capture (no module):
# stdout, the file and an HTTP collector (tests/host/http_sink.py on
# 127.0.0.1) get the same alerts; the collector gets each as a JSON POST; a
# slow or dead collector does not hold up event processing and what it
# misses is counted. (SIGHUP needs the live daemon: 60-ship.sh; syslog and
# hostile values: 11-hostile-text.sh; TLS, back-off, spool: 12-http-delivery.sh.)
. tests/host/lib.sh
version=$(awk -F' *:?= *' '$1 == "VERSION" { print $2; exit }' Makefile)

# Alerts on the events of most syscalls, so that there are hundreds.
cat >"$tmp/rules.yaml" <<'EOF'
- rule: Test event
  desc: an alert for each event of these types
  condition: evt.type in (execve, execveat, clone, clone3, openat, open, close, connect, exit)
  output: "%evt.type by %proc.name (user=%user.name container=%container.name)"
  priority: NOTICE
  tags: [test]
EOF

# ---- every output at once ---------------------------------------------------
sink ok
replay all -o file_output.enabled=true -o "file_output.filename=$tmp/alerts.json" \
	-o http_output.enabled=true -o "http_output.url=$url"
tap_is "$(cat "$tmp/all.rc")" 0 "replay with stdout, file and HTTP outputs exits 0"
n=$(wc -l <"$tmp/all.out")
[ "$n" -ge 100 ] && tap_ok "$n alerts on stdout" || tap_fail "at least 100 alerts on stdout" "got $n; $(cat "$tmp/all.err")"
python3 tests/host/alerts.py norm "$tmp/all.out" >"$tmp/a.stdout" 2>"$tmp/err" &&
	tap_ok "every stdout line is a JSON object" || tap_fail "every stdout line is a JSON object" "$(cat "$tmp/err")"
python3 - "$tmp/a.stdout" >"$tmp/err" 2>&1 <<'PY' && tap_ok "every alert has Falco's keys and source syscall" ||
import json, sys
for line in open(sys.argv[1]):
    a = json.loads(line)
    keys = {"time", "rule", "priority", "source", "hostname", "output", "output_fields", "tags"}
    assert keys <= set(a), "missing %s" % (keys - set(a))
    assert a["source"] == "syscall" and a["rule"] == "Test event" and a["priority"] == "Notice", a
    assert isinstance(a["output_fields"], dict) and "proc.name" in a["output_fields"], a
PY
	tap_fail "every alert has Falco's keys and source syscall" "$(tail -n 3 "$tmp/err")"
python3 tests/host/alerts.py norm "$tmp/alerts.json" >"$tmp/a.file" 2>"$tmp/err"
cmp -s "$tmp/a.stdout" "$tmp/a.file" && tap_ok "the file output has the same $n alerts" ||
	tap_fail "the file output has the same $n alerts" "$(cat "$tmp/err"; diff "$tmp/a.stdout" "$tmp/a.file" | head -3)"
if python3 tests/host/alerts.py http "$tmp/ok.log" >"$tmp/a.http" 2>"$tmp/err" &&
   cmp -s "$tmp/a.stdout" "$tmp/a.http"; then
	tap_ok "the collector got each alert once, in order, as a JSON POST (Content-Type: application/json)"
else
	tap_fail "the collector got each alert once, in order, as a JSON POST (Content-Type: application/json)" \
		"$(cat "$tmp/err"; wc -l <"$tmp/a.http"; diff "$tmp/a.stdout" "$tmp/a.http" | head -3 | cut -c1-200)"
fi
tap_is "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["user_agent"])' "$tmp/ok.log")" \
	"shrike/$version" "requests carry User-Agent shrike/$version"
tap_is "$(http_counts all)" "$n 0 0" "stderr counts them: sent=$n failed=0 dropped=0"

# ---- text output: stdout and the file in text, the collector still JSON ---
: >"$tmp/ok.log"
replay text -o json_output=false -o file_output.enabled=true -o "file_output.filename=$tmp/alerts.txt" \
	-o http_output.enabled=true -o "http_output.url=$url"
tap_is "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: Notice [a-z_0-9]+ by ' "$tmp/text.out")" "$n" \
	"json_output=false: $n text lines on stdout"
cmp -s "$tmp/text.out" "$tmp/alerts.txt" && tap_ok "and the same lines in the file" ||
	tap_fail "and the same lines in the file" "$(diff "$tmp/text.out" "$tmp/alerts.txt" | head -3)"
python3 tests/host/alerts.py http "$tmp/ok.log" >"$tmp/a.http2" 2>"$tmp/err"
cmp -s "$tmp/a.stdout" "$tmp/a.http2" && tap_ok "the collector still gets the JSON alerts" ||
	tap_fail "the collector still gets the JSON alerts" "$(cat "$tmp/err"; head -c 300 "$tmp/ok.log")"

# ---- outputs off and on -------------------------------------------------------
replay quiet -o stdout_output.enabled=false -o file_output.enabled=true \
	-o "file_output.filename=$tmp/only.json" -o file_output.keep_alive=false
tap_is "$(wc -c <"$tmp/quiet.out") $(wc -l <"$tmp/only.json")" "0 $n" \
	"stdout_output.enabled=false: nothing on stdout, all $n in the file (keep_alive=false)"

# ---- a slow collector: nothing waits for it -----------------------------------
# Each answer takes 3 s; the queue holds 4. The replay of $n alerts must not
# take $n x 3 s: alerts past the queue are dropped, and at exit the queue
# gets at most 5 s.
sink slow --delay 3
replay slow -o http_output.enabled=true -o "http_output.url=$url" -o http_output.queue_size=4
tap_is "$(cat "$tmp/slow.rc") $(wc -l <"$tmp/slow.out")" "0 $n" "slow collector: exit 0, all $n alerts on stdout"
secs=$(sed -n 's/.* seconds=\([0-9.]*\) .*/\1/p' "$tmp/slow.err")
awk -v s="$secs" 'BEGIN { exit !(s != "" && s < 2) }' &&
	tap_ok "slow collector: event processing took ${secs}s, not $((n * 3))s" ||
	tap_fail "slow collector: event processing took under 2 s" "seconds=$secs"
awk -v s="$(cat "$tmp/slow.secs")" 'BEGIN { exit !(s < 15) }' &&
	tap_ok "slow collector: the daemon exits within the 5 s flush ($(cat "$tmp/slow.secs") s)" ||
	tap_fail "slow collector: the daemon exits within the 5 s flush" "$(cat "$tmp/slow.secs") s"
read -r sent failed dropped <<<"$(http_counts slow)"
tap_is "$((sent + failed + dropped))" "$n" "slow collector: sent + failed + dropped = $n ($sent + $failed + $dropped)"
[ "${dropped:-0}" -ge $((n - 8)) ] && tap_ok "slow collector: the alerts the queue could not hold are counted as dropped" ||
	tap_fail "slow collector: at least $((n - 8)) dropped" "$(cat "$tmp/slow.err")"
# an attempt cut short by the flush deadline (counted as dropped) may still
# reach the collector
got=$(wc -l <"$tmp/slow.log")
[ "$got" -ge "$sent" ] && [ "$got" -le $((sent + 1)) ] &&
	tap_ok "slow collector: it got the $sent alerts counted as sent (and $((got - sent)) cut short)" ||
	tap_fail "slow collector: it got the alerts counted as sent, and at most one cut short" "got $got, sent $sent, failed $failed"

# ---- no collector at all ----------------------------------------------------
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
replay down -o http_output.enabled=true -o "http_output.url=http://127.0.0.1:$port/" -o http_output.max_retries=1
tap_is "$(cat "$tmp/down.rc") $(wc -l <"$tmp/down.out")" "0 $n" "collector down: exit 0, all $n alerts on stdout"
read -r sent failed dropped <<<"$(http_counts down)"
tap_is "$sent $((failed + dropped))" "0 $n" "collector down: none sent, $n failed or dropped ($failed + $dropped)"
grep -q "http output: cannot deliver to 'http://127.0.0.1:$port/'" "$tmp/down.err" &&
	tap_ok "collector down: one warning names the URL" ||
	tap_fail "collector down: one warning names the URL" "$(cat "$tmp/down.err")"
awk -v s="$(cat "$tmp/down.secs")" 'BEGIN { exit !(s < 15) }' &&
	tap_ok "collector down: the daemon exits within the flush ($(cat "$tmp/down.secs") s)" ||
	tap_fail "collector down: the daemon exits within the flush" "$(cat "$tmp/down.secs") s"

# ---- retries: a refusal is tried 1 + max_retries times, then counted as failed ---
# (an answer that means "away", such as 503, backs off instead: 12-http-delivery.sh)
sink err --status 500
replay err -o http_output.enabled=true -o "http_output.url=$url" -o http_output.max_retries=2
python3 -c 'import json,sys
reqs = [json.loads(l)["body"] for l in open(sys.argv[1])]
print(" ".join(str(sum(1 for r in reqs if r == b)) for b in dict.fromkeys(reqs)))' "$tmp/err.log" >"$tmp/tries"
read -r first second _ <"$tmp/tries"
tap_is "$first ${second:-none}" "3 3" "HTTP 500: the first two alerts were tried 3 times each (max_retries=2)"
read -r sent failed dropped <<<"$(http_counts err)"
[ "$sent" = 0 ] && [ "${failed:-0}" -ge 2 ] && [ "$((failed + dropped))" = "$n" ] &&
	tap_ok "HTTP 500: refused alerts are counted as failed ($failed), the rest dropped at exit ($dropped)" ||
	tap_fail "HTTP 500: refused alerts are counted as failed" "$(http_counts err)"
grep -q "http output: '$url' refuses alerts: HTTP status 500" "$tmp/err.err" &&
	tap_ok "HTTP 500: the warning names the status" ||
	tap_fail "HTTP 500: the warning names the status" "$(cat "$tmp/err.err")"

# ---- bad settings ---------------------------------------------------------------
"$shrike" -e "$cap" -r "$tmp/rules.yaml" -o http_output.enabled=true -o http_output.url=ftp://x/ \
	>/dev/null 2>"$tmp/bad.err"
tap_is "$? $(grep -c "'ftp://x/' is not an http:// or https:// URL" "$tmp/bad.err")" "1 1" \
	"an ftp:// URL is refused, naming it"
"$shrike" -e "$cap" -r "$tmp/rules.yaml" -o file_output.enabled=true \
	-o file_output.filename=/nonexistent/dir/a.json >/dev/null 2>"$tmp/bad.err"
tap_is "$? $(grep -c "cannot open alert file '/nonexistent/dir/a.json'" "$tmp/bad.err")" "1 1" \
	"an alert file that cannot be opened is an error, naming it"
tap_done
