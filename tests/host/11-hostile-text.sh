#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Hostile values in every text output: the demo capture rewritten
# (tests/host/hostile.py) so that its processes' command lines and names and
# its user and container names carry terminal escapes, a forged log line,
# carriage returns, C1 and bidirectional controls and invalid UTF-8. Text
# alerts (stdout, file, syslog) and the -A stream must still be one line per
# alert or event, valid UTF-8 without a control character, with the values
# escaped so that they unescape to their exact bytes; JSON (alerts, -A) must
# be valid UTF-8, invalid bytes as U+FFFD, and alerts unchanged for valid input.
. tests/host/lib.sh

cat >"$tmp/rules.yaml" <<'EOF'
- rule: Test event
  desc: an alert for each event of these types, naming the values a process or container chooses
  condition: evt.type in (execve, execveat, clone, clone3, openat, open, close, connect, exit)
  output: "%evt.type by %proc.name cmd=%proc.cmdline (user=%user.name container=%container.name)"
  priority: NOTICE
  tags: [test]
EOF

# sizeof(struct shrike_proc_ctx), to find the strings of the capture's PROC blocks
printf '#include <stdio.h>\n#include "shrike.h"\nint main(void) { printf("%%zu\\n", sizeof(struct shrike_proc_ctx)); return 0; }\n' |
	${CC:-cc} -x c -Ikmod/uapi -o "$tmp/ctxsize" - || { tap_setup_fail "build the struct size probe"; tap_done; exit; }
if ! python3 tests/host/hostile.py "$("$tmp/ctxsize")" tests/host/demo.scap "$tmp/hostile.scap" 2>"$tmp/err"; then
	tap_setup_fail "rewrite the demo capture with hostile values" "$(cat "$tmp/err")"
	tap_done
	exit
fi
tap_setup "the demo capture rewritten with hostile values (tests/host/hostile.py)"
cap=$tmp/hostile.scap

# safe NAME FILE: every line of FILE is valid UTF-8 without control characters
safe() {
	if python3 tests/host/hostile.py safe "$2" >"$tmp/err" 2>&1; then
		tap_ok "$1: valid UTF-8, no control, line-breaking or bidi character"
	else
		tap_fail "$1: valid UTF-8, no control, line-breaking or bidi character" "$(cut -c1-300 "$tmp/err")"
	fi
}

# ---- JSON alerts: the reference count, and valid UTF-8 -------------------------
replay json
n=$(wc -l <"$tmp/json.out")
tap_is "$(cat "$tmp/json.rc")" 0 "JSON alerts: the hostile capture replays (exit 0)"
[ "$n" -ge 100 ] && tap_ok "JSON alerts: $n alerts" || tap_fail "JSON alerts: at least 100 alerts" "$(tail -3 "$tmp/json.err")"
got=$(python3 tests/host/hostile.py json "$tmp/json.out" 2>&1)
if [[ $got =~ ^cmdline=([1-9][0-9]*)\ user=$n\ container=$n$ ]]; then
	jc=${BASH_REMATCH[1]}
	tap_ok "JSON alerts: valid UTF-8 JSON; hostile cmdline ($jc), user and container name ($n) with U+FFFD for each invalid byte"
else
	tap_fail "JSON alerts: valid UTF-8 JSON with the hostile values" "$(cut -c1-300 <<<"$got")"
fi

# ---- text alerts on stdout and in the file ---------------------------------------
replay text -o json_output=false -o file_output.enabled=true -o "file_output.filename=$tmp/alerts.txt"
tap_is "$(cat "$tmp/text.rc") $(wc -l <"$tmp/text.out")" "0 $n" "text alerts: exit 0, one line per alert ($n)"
tap_is "$(grep -cvE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: Notice [a-z_0-9]+ by ' "$tmp/text.out")" 0 \
	"text alerts: every line starts as an alert does (no forged line)"
safe "text alerts on stdout" "$tmp/text.out"
tap_is "$(python3 tests/host/hostile.py text "$tmp/text.out")" "cmdline=${jc:-none} user=$n container=$n" \
	"text alerts: the hostile values unescape to their exact bytes, in the same alerts as JSON"
grep -aqF 'id\x1b[2J\x1b[H\nshrike: 00:00:00.000000000: Critical forged line\r\x07\x7f\xc2\x9b31m\xe2\x80\xae' "$tmp/text.out" &&
	grep -aqF 'caf'$'\xc3\xa9'' \\x41 \xff\xc0\xaf\xed\xa0\x80\xe2\x82 (user=evil\x1b]0;owned\x07\nroot \xe2\x80\xa8'$'\xf0\x9f\x98\x80''\x80 container=box\r\x1b[31m\\n\xc3)' "$tmp/text.out" &&
	tap_ok "text alerts: ESC, CSI, OSC, BEL, DEL, CR, LF, C1, RLO as \\xNN/\\n/\\r, invalid UTF-8 as \\xNN, backslash doubled, valid UTF-8 kept" ||
	tap_fail "text alerts: the expected escapes" "$(grep -a -m1 forged "$tmp/text.out" | cut -c1-400)"
cmp -s "$tmp/text.out" "$tmp/alerts.txt" && tap_ok "text alerts: the file output has the same lines" ||
	tap_fail "text alerts: the file output has the same lines" "$(diff "$tmp/text.out" "$tmp/alerts.txt" | head -3 | cut -c1-200)"

# ---- syslog: needs /dev/log, so a private mount namespace with its own /dev ------
# (root and unshare(1); the host's /dev is untouched)
cat >"$tmp/syslog.sh" <<'EOF'
set -e
tmp=$1 shrike=$2 cap=$3
mkdir -p "$tmp/hostdev"
mount --bind /dev "$tmp/hostdev"
mount -t tmpfs -o mode=755 none /dev
for n in null zero urandom random; do touch /dev/$n; mount --bind "$tmp/hostdev/$n" /dev/$n; done
ln -s /proc/self/fd /dev/fd
python3 tests/host/syslog_sink.py /dev/log "$tmp/syslog.log" & sink=$!
for i in $(seq 1 100); do [ -s "$tmp/syslog.log.ready" ] && break; sleep 0.1; done
"$shrike" -e "$cap" -r "$tmp/rules.yaml" -o json_output=false -o stdout_output.enabled=false \
	-o syslog_output.enabled=true 2>"$tmp/syslog.err"
for i in $(seq 1 50); do [ "$(wc -l <"$tmp/syslog.log")" -ge "$4" ] && break; sleep 0.1; done
kill $sink
EOF
if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	tap_skip "syslog: one message per text alert, escaped like the others" "needs root and unshare -m"
elif ! unshare -m --propagation private bash "$tmp/syslog.sh" "$tmp" "$shrike" "$cap" "$n" >"$tmp/err" 2>&1; then
	tap_setup_fail "run the daemon with a syslog sink in its own mount namespace" "$(tail -5 "$tmp/err")"
else
	tap_setup "the daemon ran with a syslog sink on /dev/log in its own mount namespace"
	# each datagram, as the sink got it: "<PRI>date shrike[pid]: " + the alert
	python3 - "$tmp/syslog.log" >"$tmp/syslog.txt" 2>"$tmp/err" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    m = re.match(r"<29>.*? shrike\[\d+\]: (.*)\Z", json.loads(line), re.S)
    if not m:
        sys.exit("not a shrike message at level notice: %r" % line[:200])
    sys.stdout.buffer.write(m.group(1).encode("utf-8") + b"\n")
PY
	tap_is "$(wc -l <"$tmp/syslog.txt")" "$n" "syslog: one message per alert ($n), level notice"
	cmp -s "$tmp/text.out" "$tmp/syslog.txt" &&
		tap_ok "syslog: each message is the escaped text line, nothing more (no newline, no control character)" ||
		tap_fail "syslog: each message is the escaped text line" \
			"$(cat "$tmp/err"; diff "$tmp/text.out" "$tmp/syslog.txt" | head -3 | cut -c1-200)"
fi

# ---- the -A stream: JSON and text -------------------------------------------------
"$shrike" -e "$cap" -r /dev/null -A >"$tmp/events.json" 2>"$tmp/err"
events=$(wc -l <"$tmp/events.json")
got=$(python3 tests/host/hostile.py json "$tmp/events.json" 2>&1)
if [[ $got =~ ^cmdline=([1-9][0-9]*)\ user=([1-9][0-9]*)\ container=([1-9][0-9]*)$ ]]; then
	ecounts="cmdline=${BASH_REMATCH[1]} user=${BASH_REMATCH[2]} container=${BASH_REMATCH[3]}"
	tap_ok "-A JSON: $events events, valid UTF-8 JSON; hostile values with U+FFFD for invalid bytes ($ecounts)"
else
	ecounts=none
	tap_fail "-A JSON: valid UTF-8 JSON with the hostile values" "$(cut -c1-300 <<<"$got")"
fi
"$shrike" -e "$cap" -r /dev/null -A -o json_output=false >"$tmp/events.txt" 2>"$tmp/err"
tap_is "$(wc -l <"$tmp/events.txt")" "$events" "-A text: one line per event ($events)"
safe "-A text" "$tmp/events.txt"
tap_is "$(python3 tests/host/hostile.py text "$tmp/events.txt")" "$ecounts" \
	"-A text: the hostile values unescape to their exact bytes, in the same events as JSON"

# ---- ordinary values pass unchanged ------------------------------------------------
# The demo capture's own values: each text line is the JSON alert's "output" as it is.
"$shrike" -e tests/host/demo.scap -r "$tmp/rules.yaml" >"$tmp/demo.json" 2>/dev/null
"$shrike" -e tests/host/demo.scap -r "$tmp/rules.yaml" -o json_output=false >"$tmp/demo.txt" 2>/dev/null
python3 -c 'import json, sys
for line in open(sys.argv[1]): print(json.loads(line)["output"])' "$tmp/demo.json" >"$tmp/demo.output"
[ -s "$tmp/demo.txt" ] && cmp -s "$tmp/demo.txt" "$tmp/demo.output" &&
	tap_ok "demo capture: text lines are the alerts' output, unchanged ($(wc -l <"$tmp/demo.txt"))" ||
	tap_fail "demo capture: text lines are the alerts' output, unchanged" \
		"$(diff "$tmp/demo.txt" "$tmp/demo.output" | head -3 | cut -c1-200)"
tap_done
