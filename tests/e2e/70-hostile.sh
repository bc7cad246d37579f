#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Hostile containers: what a container controls (its files, its argv and
# paths, its process and syscall rate) must not crash, hang or blind the
# daemon, nor make it report wrong identities for anyone else.
#
#   files     t70-evil's /etc/passwd becomes a FIFO, a 1 GiB sparse file, a
#             symlink loop, a symlink to a host-only path, 1 MiB of NULs:
#             its uid-1000 user is then nameless (null), never a host name
#   argv      a process with 1 MiB of argv; a path of 4095 bytes (PATH_MAX-1)
#             and one of 4096 (ENAMETOOLONG)
#   processes short-lived processes (fork and exit, every 16th also execs)
#             as fast as the VM spawns them, for
#             SHRIKE_HOSTILE_FLOOD seconds (default 20; 60 with
#             SHRIKE_STRESS=full); meanwhile a marked command in t70-good
#             must come out with t70-good's name and user; afterwards one must
#             come out within 8 s (measured 1.8-4.8 s on a loaded 2-core
#             host under TCG); the daemon's RSS stays bounded
#   evasion   with bufsize=262144 a syscall flood from t70-evil overflows the
#             rings: the drop alert must come while the flood still runs
#             (not after it, when the rings drain) and the flood's own exec
#             must still be reported. Its latency is printed, not asserted: a
#             wall-clock bound under TCG measures the host's load, not shrike
#             (0.5-1.5 s seen on 2-core hosts)
. tests/e2e/lib/lxc_cases.sh	# and tap.sh, shrike.sh, lxc.sh

flood_secs=${SHRIKE_HOSTILE_FLOOD:-$([ "${SHRIKE_STRESS:-}" = full ] && echo 60 || echo 20)}
tmp=$(mktemp -d)
chmod 755 "$tmp"
ev=$tmp/ev.json
evil=t70-evil good=t70-good
etc=$LXC_PATH/$evil/rootfs/etc

now() { date +%s.%N; }
rss_kb() { awk '$1 == "VmRSS:" { print $2 }' "/proc/$SHRIKE_PID/status" 2>/dev/null; }
alive() { kill -0 "$SHRIKE_PID" 2>/dev/null; }

# stop_daemon: SIGINT, and a hang is a failure (killed after 30 s)
stop_daemon() {
	local i
	kill -INT "$SHRIKE_PID" 2>/dev/null
	for i in $(seq 1 300); do
		alive || break
		sleep 0.1
	done
	if alive; then
		tap_fail "the daemon stops within 30 s of SIGINT (it hangs)" "$(tail -n 5 "$SHRIKE_ERR")"
		kill -KILL "$SHRIKE_PID"
	fi
	wait "$SHRIKE_PID"
	SHRIKE_STATUS=$?
}

# seconds until the daemon has printed KEY's exec (or 30 when it never does)
wait_key() {
	local t0 i
	t0=$(now)
	for i in $(seq 1 300); do
		grep -qF "\"proc.cmdline\":\"echo $1\"" "$ev" && break
		sleep 0.1
	done
	awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.1f\n", a - b }'
}

lxc_init
lxc_case_make "$evil" privileged alice:1000 && lxc_case_make "$good" idmapped bob:1000 &&
	lxc_case_start "$evil" && lxc_case_start "$good" &&
	tap_setup "containers $evil (privileged) and $good (id-mapped) run" ||
	tap_setup_fail "containers $evil (privileged) and $good (id-mapped) run"
cp "$SHRIKE_REPO/build/helpers/stress_workers" "$LXC_PATH/$evil/rootfs/stress_workers"
cp -a "$etc/passwd" "$tmp/passwd.real"
# a host-only file that a symlink in the container names
printf '%s\n' 'hostdecoy:x:1000:1000:decoy:/decoy:/bin/sh' >/root/shrike-host-only-passwd

shrike_load
shrike_start "$ev" || tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"
rss_start=$(rss_kb)

# ---- the container's files ----------------------------------------------------
# step KEY: let the daemon see the new file (it revalidates each second), run
# `echo KEY` as uid 1000 in the evil container, wait until it is printed. The
# wanted values are fixed (uid 1000, no name, group alice): the files are
# too hostile for the ground-truth probe of lxc_cases.sh to read.
step() {
	sleep 2
	lxc-attach -n "$evil" -u 1000 -g 1000 -- /bin/echo "$1" >/dev/null 2>&1
	[ "$(wait_key "$1" | cut -d. -f1)" -lt 30 ] ||
		tap_fail "$1: the daemon prints the event within 30 s"
	alive || tap_fail "$1: the daemon is still running"
}
setpw() { rm -rf "${etc:?}/passwd" "$etc/passwd2"; }

setpw; mkfifo "$etc/passwd"
step m-h-fifo
setpw; truncate -s 1G "$etc/passwd"
step m-h-sparse1g
setpw; ln -s passwd2 "$etc/passwd"; ln -s passwd "$etc/passwd2"
step m-h-symloop
setpw; ln -s /root/shrike-host-only-passwd "$etc/passwd"
step m-h-hostlink
setpw; head -c $((1 << 20)) /dev/zero >"$etc/passwd"
step m-h-nuls
setpw; cp -a "$tmp/passwd.real" "$etc/passwd"
step m-h-restored
files_tried=5

# ---- argv and paths -------------------------------------------------------------
mkdir -p "$LXC_PATH/$evil/rootfs/lp"
chmod 777 "$LXC_PATH/$evil/rootfs/lp"
lxc-attach -n "$evil" -u 1000 -g 1000 -- /stress_workers bigargv 1048576 m70-bigargv \
	>"$tmp/bigargv.out" 2>&1
tap_premise_is "$(head -n1 "$tmp/bigargv.out")" "argv_bytes=1048576 args=18" "a process execs with 1 MiB of argv"
lxc-attach -n "$evil" -u 1000 -g 1000 -- /stress_workers longpath /lp >"$tmp/longpath.out" 2>&1
longpath=$(sed -n 's/^path=//p' "$tmp/longpath.out")
tap_premise_is "${#longpath} $(sed -n 's/^longer=//p' "$tmp/longpath.out")" "4095 ENAMETOOLONG" \
	"a path of 4095 bytes opens, one of 4096 fails with ENAMETOOLONG"
sleep 1
alive && tap_ok "the daemon still runs after them" || tap_fail "the daemon still runs after them"

# ---- a process flood ---------------------------------------------------------------
sleep 1
rss_before=$(rss_kb)
lxc-attach -n "$evil" -- /stress_workers spawn "$flood_secs" 2 >"$tmp/spawn.out" 2>&1 &
flood=$!
sleep $((flood_secs / 2))
lxc_mark_attach m-h-during "$good" -u 1000 -g 1000
during_done=$(now)
wait $flood
flood_end=$(now)
rss_flood=$(rss_kb)
echo "# process flood in $evil: $(cat "$tmp/spawn.out")"
rate=$(sed -n 's/.*rate=\([0-9]*\).*/\1/p' "$tmp/spawn.out")
[ "${rate:-0}" -gt 0 ] && tap_premise "the flood ran ($rate processes/s reached in the VM)" ||
	tap_premise_fail "the flood ran" "$(cat "$tmp/spawn.out")"
lxc_mark_attach m-h-after "$good" -u 1000 -g 1000
lat=$(wait_key m-h-after)
echo "# the marked command after the flood was printed $lat s after it ran"
awk -v x="$lat" 'BEGIN { exit !(x < 8) }' && tap_ok "a command after the flood is reported within 8 s (${lat} s)" ||
	tap_fail "a command after the flood is reported within 8 s" "took ${lat} s"
sleep 2
rss_after=$(rss_kb)
echo "# daemon VmRSS: ${rss_start} kB at start, ${rss_before} kB before the flood, ${rss_flood} kB at its end, ${rss_after} kB after"
[ -n "$rss_after" ] && [ $((rss_after - rss_before)) -lt 16384 ] &&
	tap_ok "the daemon's RSS stays bounded: grew by $((rss_after - rss_before)) kB (< 16 MiB)" ||
	tap_fail "the daemon's RSS stays bounded (< 16 MiB growth)" "before ${rss_before} kB, after ${rss_after} kB"
stop_daemon
tap_is "$SHRIKE_STATUS" 0 "the daemon exits 0 after all that"
grep 'shrike: stats:' "$SHRIKE_ERR" | sed 's/^/# /'

# ---- what it reported ------------------------------------------------------------------
lxc_ev_index "$ev"
# exec:KEY's count, container, uid, user and group names
fields() {
	local f out=
	for f in '#count' container.name user.uid user.name user.homedir group.name; do
		out="$out $(lxc_ev "exec:$1" "$f")"
	done
	echo "${out# }"
}
for k in fifo sparse1g symloop hostlink nuls; do
	tap_is "$(fields "m-h-$k")" "1 $evil 1000 null null alice" \
		"passwd as $k: alice's command has no user name (null), nor a host one"
done
tap_is "$(fields m-h-restored)" "1 $evil 1000 alice /home/alice alice" \
	"passwd restored: the name comes back"
lxc_expect exec:m-h-during user.name=bob container.name=$good
lxc_expect exec:m-h-after user.name=bob container.name=$good
tap_is "$(ev "$ev" count evt.type=execve proc.name=true proc.cmdline~"true m70-bigargv CCCC" container.name=$evil)" 1 \
	"the 1 MiB argv exec is reported once, its cmdline cut"
n=$(ev "$ev" get proc.cmdline evt.type=execve proc.cmdline~"true m70-bigargv" | wc -c)
[ "$n" -le 4200 ] && tap_ok "its cmdline is cut near the snap length ($n bytes)" ||
	tap_fail "its cmdline is cut near the snap length" "$n bytes"
tap_is "$(ev "$ev" count evt.type=openat evt.res=3 fd.name="$longpath")" 1 \
	"the open of the 4095-byte path carries the whole path"
tap_is "$(ev "$ev" count evt.type=openat proc.name=stress_workers evt.res=-36)" 1 \
	"the open of the 4096-byte path is reported with ENAMETOOLONG"
spawned=$(sed -n 's/^spawned=\([0-9]*\).*/\1/p' "$tmp/spawn.out")
# the children exec /proc/self/exe: proc.name "exe", exepath the binary
got=$(ev "$ev" count evt.type=execve proc.exepath=/stress_workers proc.cmdline~" exit" container.name=$evil)
echo "# flood: $spawned processes spawned, $got of their execs reported"
[ "${got:-0}" -gt 0 ] && tap_ok "the flood's execs are reported with the evil container's name" ||
	tap_fail "the flood's execs are reported with the evil container's name"

# ---- evasion: flooding the rings -----------------------------------------------------
shrike_unload
shrike_load bufsize=262144 &&
	tap_setup "insmod shrike.ko bufsize=262144" || tap_setup_fail "insmod shrike.ko bufsize=262144"
ev2=$tmp/ev2.json
shrike_start "$ev2" || tap_setup_fail "the daemon starts on small rings" "$(cat "$SHRIKE_ERR")"
sleep 2
flood_run=6
lxc-attach -n "$evil" -- /bin/sh -c \
	"/stress_workers flood $flood_run & /stress_workers flood $flood_run; wait" >"$tmp/flood.out" 2>&1
sleep 2
stop_daemon
echo "# syscall flood: $(tr '\n' ' ' <"$tmp/flood.out")"
grep 'shrike: stats:' "$SHRIKE_ERR" | sed 's/^/# /'
python3 - "$ev2" "$evil" "stress_workers flood $flood_run" >"$tmp/evasion.out" <<'EOF'
import json, sys, datetime
def t(s):	# "2026-11-28T10:00:00.123456789Z" -> seconds
    d = datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return d.timestamp() + float("0." + s[20:-1])
start, alerts, execs = None, [], 0
for line in open(sys.argv[1], errors="replace"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("evt.type") == "execve" and e.get("proc.cmdline") == sys.argv[3] \
            and e.get("container.name") == sys.argv[2]:
        execs += 1
        start = t(e["evt.time"]) if start is None else min(start, t(e["evt.time"]))
    if e.get("rule") == "Falco internal: syscall event drop":
        alerts.append(e)
first = [a for a in alerts if start is not None and t(a["time"]) >= start]
print("execs=%d" % execs)
print("alerts=%d" % len(alerts))
print("n_drops=%s" % (first[0]["output_fields"]["n_drops"] if first else 0))
print("latency=%.3f" % (t(first[0]["time"]) - start if first else 99))
EOF
sed 's/^/# evasion: /' "$tmp/evasion.out"
val() { sed -n "s/^$1=//p" "$tmp/evasion.out"; }
tap_is "$(val execs)" 2 "the flood's own execs are reported (both processes)"
[ "$(val alerts)" -ge 1 ] 2>/dev/null && tap_ok "the drop alert is raised ($(val alerts) alerts)" ||
	tap_fail "the drop alert is raised" "$(cat "$tmp/evasion.out")"
[ "$(val n_drops)" -gt 0 ] 2>/dev/null && tap_ok "it counts the dropped events ($(val n_drops))" ||
	tap_fail "it counts the dropped events"
awk -v x="$(val latency)" -v d="$flood_run" 'BEGIN { exit !(x < d) }' &&
	tap_ok "it comes while the flood still runs ($(val latency) s after its start, of ${flood_run} s)" ||
	tap_fail "it comes while the flood still runs" "$(val latency) s after its start, of ${flood_run} s"
shrike_unload

rm -rf "$LXC_PATH/$evil/rootfs/lp"	# too deep for lxc-destroy's own rmdir
lxc_destroy "$evil"
lxc_destroy "$good"
rm -f /root/shrike-host-only-passwd
echo "# hostile inputs tried: $files_tried passwd files, 1 MiB argv, 4095/4096-byte paths, ${spawned:-0} processes, 2 syscall floods"
dmesg_clean && tap_ok "dmesg has no BUG/WARNING/Oops" || tap_fail "dmesg has no BUG/WARNING/Oops" "$(dmesg | tail -20)"
rm -rf "$tmp"
tap_done
