#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The module under stress, while 4 workers loop open/close, connect and
# fork/exec: load/unload cycles with a reader attached in between, rmmod
# refused while a reader is attached, readers killed with SIGKILL and
# restarted, two readers at once, random ioctls from root and from a
# non-root holder of the fd, hostile mmap requests. The rings' vmalloc areas
# must all be gone after each session and VmallocUsed back to its baseline
# after unload; the kernel log must stay free of BUG, WARNING, Oops, RCU
# stalls and KASAN reports.
#
# Iterations: SHRIKE_STRESS=full gives the issue's numbers (50 load/unload
# cycles, 20 SIGKILLed readers, 200,000 random ioctls per uid); make test runs
# a quick set (6 cycles, 8 kills, 20,000 ioctls per uid), since every open and
# close of the device patches kernel text (tracepoints), which costs seconds
# under TCG. SHRIKE_STRESS_CYCLES and SHRIKE_STRESS_KILLS override either.
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh

if [ "${SHRIKE_STRESS:-}" = full ]; then
	cycles=50 kills=20 ioctls=100000
else
	cycles=6 kills=8 ioctls=10000
fi
cycles=${SHRIKE_STRESS_CYCLES:-$cycles}
kills=${SHRIKE_STRESS_KILLS:-$kills}
H=$SHRIKE_REPO/build/helpers
tmp=$(mktemp -d)
chmod 755 "$tmp"
ncpus=$(nproc --all)

vmalloc_kb() { awk '$1 == "VmallocUsed:" { print $2 }' /proc/meminfo; }
# vmalloc areas the module holds right now (/proc/vmallocinfo names the
# caller's module): per cpu the ring (VM_USERMAP: "user"), its scratch buffer,
# and for large rings the ring's page array (vmalloc'ed too when it exceeds a
# page, with the same caller)
ring_areas() { grep -c '\[shrike\]' /proc/vmallocinfo; }
user_areas() { grep '\[shrike\]' /proc/vmallocinfo | grep -c ' user '; }
dmesg_bad() { dmesg | grep -E 'BUG:|WARNING:|Oops|RCU stall|rcu_.* self-detected|KASAN|general protection|list_del corruption'; }

shrike_unload
base_vmalloc=$(vmalloc_kb)
base_dmesg=$(dmesg | wc -l)
tap_premise_is "$(ring_areas)" 0 "no ring areas before the first load"

# 20 ms between rounds: load on both vCPUs that still leaves the test room
"$H/stress_workers" work 4 0 20 >"$tmp/workers.out" 2>&1 &
workers=$!
sleep 1
kill -0 $workers 2>/dev/null && tap_setup "4 workers loop open/close, connect and fork/exec" ||
	tap_setup_fail "4 workers loop open/close, connect and fork/exec" "$(cat "$tmp/workers.out")"

# ---- load/unload cycles -----------------------------------------------------
start=$SECONDS
ok=0 why=
areas_seen=
for i in $(seq 1 "$cycles"); do
	# every third cycle with the smallest buffer, so that rings fill and wrap
	if [ $((i % 3)) = 0 ]; then p=bufsize=262144; else p=; fi
	if ! shrike_load $p 2>"$tmp/err"; then
		why="cycle $i: insmod $p: $(cat "$tmp/err")"; break
	fi
	if ! reader_start -m "cycle-$i"; then
		why="cycle $i: the reader did not start: $(cat "$tmp/reader.out")"; break
	fi
	if [ -z "$areas_seen" ]; then
		areas_seen="$(user_areas) $(ring_areas)"
		grep shrike /proc/vmallocinfo >"$tmp/areas"
	fi
	/bin/true "cycle-$i"
	if [ "$i" = 1 ]; then
		rmmod shrike >"$tmp/rmmod.out" 2>&1 && rc=0 || rc=$?
	fi
	sleep 0.2
	reader_stop
	st=$?
	if [ $st != 0 ] || ! grep -q "markers=[1-9]" "$tmp/reader.out"; then
		why="cycle $i: reader exit $st: $(cat "$tmp/reader.out")"; break
	fi
	if [ "$(ring_areas)" != 0 ]; then
		why="cycle $i: $(ring_areas) ring areas left after the reader closed"; break
	fi
	if ! rmmod shrike 2>"$tmp/err"; then
		why="cycle $i: rmmod: $(cat "$tmp/err")"; break
	fi
	ok=$i
done
echo "# $ok of $cycles load/unload cycles in $((SECONDS - start)) s"
tap_is "$ok" "$cycles" "$cycles cycles of insmod, reader (sees its exec, no corrupt record), close, rmmod" ||
	tap_diag "$why"
tap_is "$areas_seen" "$ncpus $((3 * ncpus))" \
	"a session maps one ring per cpu, with its page array and scratch buffer ($ncpus cpus)" ||
	tap_diag "possible cpus: $(cat /sys/devices/system/cpu/possible)" "$(cat "$tmp/areas")"
[ "$rc" != 0 ] && grep -q 'in use' "$tmp/rmmod.out" &&
	tap_ok "rmmod while a reader is attached is refused: in use" ||
	tap_fail "rmmod while a reader is attached is refused: in use" "exit $rc: $(cat "$tmp/rmmod.out")"

# ---- readers killed with SIGKILL and restarted ----------------------------------
shrike_load
start=$SECONDS
ok=0 why=
for i in $(seq 1 "$kills"); do
	if ! reader_start; then
		why="kill $i: the reader did not start: $(cat "$tmp/reader.out")"; break
	fi
	sleep 0.$((RANDOM % 4 + 1))
	kill -KILL "$READER_PID"
	wait "$READER_PID" 2>/dev/null
	ok=$i
done
echo "# $ok of $kills SIGKILLed readers in $((SECONDS - start)) s"
tap_is "$ok" "$kills" "$kills readers killed with SIGKILL under load, each restarted" || tap_diag "$why"
sleep 0.5
tap_is "$(ring_areas)" 0 "no ring area is left after the killed readers"

# the daemon itself, killed while it drains
if shrike_start "$tmp/d1.json"; then
	sleep 1
	kill -KILL "$SHRIKE_PID"
	wait "$SHRIKE_PID" 2>/dev/null
	shrike_start "$tmp/d2.json" && tap_ok "the daemon starts again after one was SIGKILLed" ||
		tap_fail "the daemon starts again after one was SIGKILLed" "$(cat "$SHRIKE_ERR")"
	marker=stress-exec-$$
	/bin/true "$marker" one two
	sleep 1
	shrike_stop
	tap_is "$(ev "$tmp/d2.json" get proc.cmdline evt.type=execve proc.name=true \
		proc.cmdline="true $marker one two")" "true $marker one two" \
		"the restarted daemon reports an exec with its arguments"
	tap_is "$(ev "$tmp/d2.json" bad)" 0 "every line it printed is a JSON object"
else
	tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"
fi

# ---- two readers at once --------------------------------------------------------
if reader_start -m second-reader-marker; then
	first=$READER_PID
	tap_is "$("$H/stress_reader" -r /dev/null 2>&1 | head -n1)" "open: EBUSY" \
		"a second reader gets EBUSY"
	"$SHRIKE_REPO/build/shrike" -A -M 2 >/dev/null 2>"$tmp/second.err"
	tap_is "$?" 1 "the daemon as a second reader exits 1"
	grep -qi 'busy' "$tmp/second.err" && tap_ok "and says the device is busy" ||
		tap_fail "and says the device is busy" "$(cat "$tmp/second.err")"
	/bin/true second-reader-marker
	sleep 0.3
	READER_PID=$first
	reader_stop
	tap_is "$?" 0 "the first reader saw no corrupt record"
	grep -q 'markers=1 ' "$tmp/reader.out" && tap_ok "the first reader still gets events after the refusals" ||
		tap_fail "the first reader still gets events after the refusals" "$(cat "$tmp/reader.out")"
else
	tap_setup_fail "a first reader starts" "$(cat "$tmp/reader.out")"
fi

# ---- who may open ---------------------------------------------------------------
tap_is "$(setpriv --reuid=65534 --regid=65534 --clear-groups "$H/devcheck" open)" EACCES \
	"nobody cannot open the 0600 node"
chmod 0666 /dev/shrike
tap_is "$(setpriv --reuid=65534 --regid=65534 --clear-groups "$H/devcheck" open)" EPERM \
	"nobody cannot open it even when the node is 0666: CAP_SYS_ADMIN is checked"
tap_is "$(setpriv --reuid=0 --inh-caps=-all --bounding-set=-sys_admin "$H/devcheck" open)" EPERM \
	"root without CAP_SYS_ADMIN cannot open it"
chmod 0600 /dev/shrike

# ---- hostile requests -------------------------------------------------------------
"$H/devcheck" >"$tmp/devcheck.out" 2>&1
if grep -q '^not ok' "$tmp/devcheck.out" || [ ! -s "$tmp/devcheck.out" ]; then
	tap_fail "devcheck under load" "$(grep '^not ok' "$tmp/devcheck.out")"
else
	tap_ok "devcheck under load: $(grep -c '^ok' "$tmp/devcheck.out") checks pass"
fi
"$H/stress_mmap"
for uid in 0 65534; do
	out=$("$H/ioctl_fuzz" -n "$ioctls" -s "$RANDOM" $([ $uid = 0 ] || echo "-u $uid") 2>&1)
	printf '%s\n' "$out" | grep -E '^(ok|not ok|#)'
	printf '%s\n' "$out" | grep -q '^ok - after' ||
		tap_fail "ioctl_fuzz as uid $uid runs to the end" "$(printf '%s\n' "$out" | tail -n 5)"
done
tap_is "$(ring_areas)" 0 "no ring area is left after the hostile sessions"

# ---- the end ------------------------------------------------------------------------
kill -TERM $workers
wait $workers
tap_is "$(grep -c '^worker' "$tmp/workers.out")" 4 "the 4 workers ran to the end"
echo "# worker iterations: $(grep '^worker' "$tmp/workers.out" | tr '\n' ' ')"
shrike_unload && tap_ok "rmmod at the end" || tap_fail "rmmod at the end"
after=$(vmalloc_kb)
echo "# VmallocUsed: ${base_vmalloc} kB before the first load, ${after} kB after the last unload"
# a leaked session would hold 2 x (8 MiB + 64 KiB) per cpu
[ $((after - base_vmalloc)) -lt 2048 ] &&
	tap_ok "VmallocUsed is back to its baseline (within 2 MiB)" ||
	tap_fail "VmallocUsed is back to its baseline (within 2 MiB)" "before ${base_vmalloc} kB, after ${after} kB"
bad=$(dmesg | tail -n +$((base_dmesg + 1)) | grep -E 'BUG:|WARNING:|Oops|RCU stall|rcu_.* self-detected|KASAN|general protection|list_del corruption')
[ -z "$bad" ] && tap_ok "dmesg has no BUG, WARNING, Oops, RCU stall or KASAN report" ||
	tap_fail "dmesg has no BUG, WARNING, Oops, RCU stall or KASAN report" "$bad"
rm -rf "$tmp"
tap_done
