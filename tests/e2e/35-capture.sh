#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Capture files: the daemon writes one while printing the live stream; the
# capture replays here (no module needed) to the same JSON, and is handed to
# the host (scripts/vmtest) to replay there too.
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh

tmp=$(mktemp -d)
shrike_load
shrike_start "$tmp/live.json" -w "$tmp/cap.scap" || tap_setup_fail "the daemon starts with -w" "$(cat "$SHRIKE_ERR")"
mkdir -p "$tmp/d"
for i in 1 2 3; do
	sh -c "cd $tmp/d && echo $i > f$i && cat f$i >/dev/null && exec /bin/true capture-marker-$i"
done
python3 -c 'import socket; s=socket.socket(); s.settimeout(1)
try: s.connect(("127.0.0.1", 9))
except Exception: pass' || true
sleep 0.5
shrike_stop
tap_is "$SHRIKE_STATUS" 0 "the capturing daemon exits 0"
tap_is "$(ev "$tmp/live.json" count evt.type=execve proc.name=true proc.cwd="$tmp/d")" 3 "the live stream has the marked commands"
build/shrike -e "$tmp/cap.scap" -A -r /dev/null >"$tmp/replay.json" 2>"$tmp/replay.err"
tap_is "$?" 0 "the capture replays"
if cmp -s "$tmp/live.json" "$tmp/replay.json"; then
	tap_ok "replay prints exactly the live JSON ($(wc -l < "$tmp/live.json") events)"
else
	tap_fail "replay prints exactly the live JSON" "$(diff "$tmp/live.json" "$tmp/replay.json" | head -6)"
fi
# a truncated capture: a clear error naming the byte offset, exit 1
size=$(stat -c %s "$tmp/cap.scap")
head -c $((size / 2)) "$tmp/cap.scap" > "$tmp/half.scap"
build/shrike -e "$tmp/half.scap" -r /dev/null >/dev/null 2>"$tmp/half.err"
tap_is "$?" 1 "a truncated capture exits 1"
grep -q 'byte offset' "$tmp/half.err" && tap_ok "and names the byte offset" ||
	tap_fail "and names the byte offset" "$(cat "$tmp/half.err")"
# hand the capture to the host for a replay on another machine
if [ -n "${SHRIKE_VM_OUT:-}" ]; then
	mkdir -p "$SHRIKE_VM_OUT/capture"
	cp "$tmp/cap.scap" "$tmp/live.json" "$SHRIKE_VM_OUT/capture/"
fi
shrike_unload
rm -rf "$tmp"
