#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A reused pid after a forced drop (issue 16): the daemon is stopped while
# a syscall flood fills its small rings, so that the exit of process A and
# the fork and exec of process B, which then gets A's pid, are all dropped.
# B's first event after the daemon resumes must be B's (its command line
# read afresh), never the dead A's, and the stats must count the reuse. B is
# alive when the daemon reads that event: a process already gone by then
# cannot be told from the dead one (docs/SECURITY.md).
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh

tmp=$(mktemp -d)
ev=$tmp/ev.json
fifo=$tmp/fifo
mkfifo "$fifo"

shrike_unload
if shrike_load bufsize=262144; then
	tap_setup "insmod shrike.ko bufsize=262144"
else
	tap_setup_fail "insmod shrike.ko bufsize=262144"
fi
shrike_start "$ev" || tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"

# A: a static busybox sleep, which opens nothing once it runs
busybox sleep 1000 &
a=$!
for i in $(seq 1 150); do
	grep -q "\"proc.pid\":$a,.*\"evt.type\":\"execve\"\|\"evt.type\":\"execve\".*\"proc.pid\":$a," "$ev" && break
	sleep 0.2
done

# flood: each redirection is an openat and a close (armed with -A)
flood() {
	local i=0
	while [ $i -lt "$1" ]; do
		: </dev/null
		i=$((i + 1))
	done
}

# every CPU's ring: one flood pinned to each
flood_all() {
	local cpu pids=
	for cpu in $(seq 0 $(($(nproc) - 1))); do
		(taskset -pc "$cpu" $BASHPID >/dev/null && flood "$1") &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086
	wait $pids
}

kill -STOP "$SHRIKE_PID"
flood_all 20000	# the rings are full from here on
kill "$a"
wait "$a" 2>/dev/null
# B gets A's pid: its fork and exec land in full rings too
echo $((a - 1)) >/proc/sys/kernel/ns_last_pid
sh -c 'read x <"$0"; read x <"$0"' "$fifo" &
b=$!
flood_all 2000
tap_premise_is "$b" "$a" "B has A's pid"
kill -CONT "$SHRIKE_PID"
# the daemon has drained once it reports what runs after the resume
sleep 2
/bin/echo m-reuse-sync >/dev/null
for i in $(seq 1 300); do
	grep -qF '"proc.cmdline":"echo m-reuse-sync"' "$ev" && break
	sleep 0.2
done
# The write end stays open from "go" to "done": B reopens the FIFO for its
# second read at once, and a writer that had closed after "go" could be
# gone by then (B would see EOF and exit) or still there (B's reopen would
# pair with it, read EOF when it closes, and "done" would wait forever for
# a reader).
exec 4>"$fifo"		# B's open of the FIFO returns: its first event since the drop
echo go >&4
sleep 2			# B stays alive while the daemon looks at it
echo done >&4
exec 4>&-
wait "$b"
sleep 1
shrike_stop
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0"

python3 - "$ev" "$a" >"$tmp/opens" <<'PY'
import json, sys
pid = int(sys.argv[2])
for line in open(sys.argv[1], errors="replace"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("proc.pid") == pid and e.get("evt.type") == "openat":
        print("%s|%s" % (e.get("proc.name"), e.get("proc.cmdline")))
PY
if grep -q . "$tmp/opens"; then
	tap_premise "B's open of the FIFO after the drop is reported ($(wc -l <"$tmp/opens") openat)"
else
	tap_premise_fail "B's open of the FIFO after the drop is reported" "$(tail -n 3 "$SHRIKE_ERR")"
fi
if grep -q 'sleep' "$tmp/opens"; then
	tap_fail "B's events never carry dead A's command line" "$(sort -u "$tmp/opens")"
else
	tap_ok "B's events never carry dead A's command line"
fi
tap_is "$(tail -n 1 "$tmp/opens" | cut -d'|' -f1)" sh "B's open of the FIFO after the drop names B (sh)"
reused=$(grep -o 'pids_reused=[0-9]*' "$SHRIKE_ERR" | tail -n 1 | cut -d= -f2)
if [ "${reused:-0}" -ge 1 ]; then
	tap_ok "the stats count the reused pid (pids_reused=$reused)"
else
	tap_fail "the stats count the reused pid" "$(grep 'stats' "$SHRIKE_ERR" | tail -n 1)"
fi
tap_diag "the daemon's table saw: $(sort "$tmp/opens" | uniq -c | tr '\n' ';')"
dropped=$(grep -o 'dropped_full=[0-9]*' "$SHRIKE_ERR" | tail -n 1 | cut -d= -f2)
if [ "${dropped:-0}" -gt 0 ]; then
	tap_premise "records were dropped (dropped_full=$dropped)"
else
	tap_premise_fail "records were dropped" "$(grep 'stats' "$SHRIKE_ERR" | tail -n 1)"
fi

shrike_unload
shrike_load
rm -rf "$tmp"
tap_done
