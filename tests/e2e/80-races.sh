#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Races: the module's probes, on every syscall (a reader selects them all),
# while other threads change what the syscalls' fds, paths and mounts stand
# for (build/helpers/races, see tests/e2e/helpers/races.c), and while the
# readers come and go under them. Made for the debug kernel (make
# vmtest-debug: KASAN, lockdep, atomic-sleep checks), where the kernel log is
# the real verdict; it runs on any kernel. Not part of the suite that
# `make test` boots (scripts/vmtest leaves it out: it switches tracepoints
# under load for minutes, which wants single-threaded TCG); alone:
#   SHRIKE_RACE_SECONDS=5 SHRIKE_RACE_KILLS=1 SHRIKE_RACE_CYCLES=1 \
#       scripts/vmtest --debug tests/e2e/80-races.sh
#
# Ten phases of SHRIKE_RACE_SECONDS each (default 5; make vmtest-debug: 60):
#   1 fd churn                  with a reader attached        (a)
#   2 rename storm              with a reader attached        (b)
#   3 mount storm               with a reader attached        (c)
#   4 all three at once         with a reader attached
#   5 fd churn                  readers SIGKILLed and restarted (d)
#   6 all three                 readers SIGKILLed and restarted (d)
#   7 all three                 rmmod/insmod cycles: rmmod refused while a
#                               reader is attached, done once it stopped (e)
#   8 fd churn                  under the daemon (build/shrike -A)
#   9 all three                 the daemon SIGKILLed and restarted
#  10 fd churn                  on the smallest rings (bufsize=262144): full
#                               rings, drops
# Phases 5-7 go on past their time until SHRIKE_RACE_KILLS readers (default
# 5) were killed, or SHRIKE_RACE_CYCLES cycles (default 3) done: a reader's
# start switches tracepoints on, seconds under a debug kernel and TCG.
# Then the module must still deliver: the daemon reports `cat /etc/hostname`'s
# openat. Prints "# race workloads: S s (M min)" and the iteration counts.
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh

secs=${SHRIKE_RACE_SECONDS:-5}
min_kills=${SHRIKE_RACE_KILLS:-5}
min_cycles=${SHRIKE_RACE_CYCLES:-3}
cap=$((secs * 5 > 300 ? secs * 5 : 300))	# phases 5-7 end here, minimum or not
H=$SHRIKE_REPO/build/helpers
tmp=$(mktemp -d)
chmod 755 "$tmp"
base_dmesg=$(dmesg | wc -l)
race_secs=0
declare -A iters=([fd]=0 [rename]=0 [mount]=0)

ring_areas() { grep -c '\[shrike\]' /proc/vmallocinfo; }


# daemon_start: build/shrike -A (every event, no rules), its JSON thrown
# away (the workloads make millions of events); SHRIKE_PID, SHRIKE_ERR
daemon_start() {
	SHRIKE_ERR=$tmp/daemon.err
	"$SHRIKE_REPO/build/shrike" -A -r /dev/null >/dev/null 2>"$SHRIKE_ERR" &
	SHRIKE_PID=$!
	shrike_await
}

# race_start NAME MODE [SECS]: the workload in the background for $secs
# seconds (SECS 0: until SIGTERM), in a fresh directory; RACE_PID, output in
# $tmp/NAME.out
race_start() {
	mkdir -p "$tmp/$1"
	"$H/races" "$2" "${3:-$secs}" "$tmp/$1" >"$tmp/$1.out" 2>"$tmp/$1.err" &
	RACE_PID=$!
	RACE_T0=$SECONDS
}

# race_more MIN N: the workload is still wanted: its time is not up or N is
# below MIN, and the cap is not reached
race_more() {
	local el=$((SECONDS - RACE_T0))
	race_alive && [ "$el" -lt "$cap" ] && { [ "$el" -lt "$secs" ] || [ "$2" -lt "$1" ]; }
}

# race_alive: the workload still runs
race_alive() { kill -0 "$RACE_PID" 2>/dev/null; }

# race_check NAME DESC: waits for the workload, checks that it ran (status 0,
# every counted syscall done at least once), adds up its time and iterations
race_check() {
	local name=$1 desc=$2 st zero w n
	wait "$RACE_PID"
	st=$?
	# the attempts, not the successes (_ok), may not be 0
	zero=$(grep -E '^[a-z]+\.[a-z_]+=0$' "$tmp/$name.out" | grep -vE '(_ok|kind_fail)=' | tr '\n' ' ')
	n=$(sed -n 's/^[a-z]*\.seconds=//p' "$tmp/$name.out")
	race_secs=$((race_secs + ${n:-0}))
	for w in fd rename mount; do
		n=$(sed -n "s/^$w\.iters=//p" "$tmp/$name.out")
		[ -z "$n" ] || iters[$w]=$((iters[$w] + n))
	done
	echo "# $name: $(grep -E '\.(seconds|iters|finit_errors)=' "$tmp/$name.out" | tr '\n' ' ')"
	if [ "$st" = 0 ] && [ -z "$zero" ] && grep -q '\.iters=[1-9]' "$tmp/$name.out"; then
		tap_premise "$desc: the workload ran ($(grep '\.iters=' "$tmp/$name.out" | tr '\n' ' '))"
	else
		tap_premise_fail "$desc: the workload ran" "exit $st; counts at 0: ${zero:-none}
$(cat "$tmp/$name.out" "$tmp/$name.err")"
	fi
	rm -rf "${tmp:?}/$name"
}

# reader_check DESC: stops the reader, which must have seen events and no
# corrupt record
reader_check() {
	reader_stop
	local st=$?
	if [ "$st" = 0 ] && grep -q 'events=[1-9]' "$tmp/reader.out"; then
		tap_ok "$1: the reader got events, none corrupt ($(cat "$tmp/reader.out"))"
	else
		tap_fail "$1: the reader got events, none corrupt" "exit $st: $(cat "$tmp/reader.out")"
	fi
}

# phase_reader N NAME MODE: the workload with one reader attached throughout
phase_reader() {
	local desc="$1 $3 with a reader"
	if ! reader_start; then
		tap_setup_fail "$desc: the reader starts" "$(cat "$tmp/reader.out")"
		return
	fi
	race_start "$2" "$3"
	race_check "$2" "$desc"
	reader_check "$desc"
}

# phase_kills N NAME MODE: readers SIGKILLed after 0.5-2 s, restarted, until
# the workload ends
phase_kills() {
	local desc="$1 $3, readers SIGKILLed" kills=0 why=
	race_start "$2" "$3" 0
	while race_more "$min_kills" "$kills"; do
		if ! reader_start; then
			why="the reader did not start: $(cat "$tmp/reader.out")"
			break
		fi
		sleep "$((RANDOM % 4 / 2)).$((RANDOM % 10))5"
		kill -KILL "$READER_PID"
		wait "$READER_PID" 2>/dev/null
		kills=$((kills + 1))
	done
	kill -TERM "$RACE_PID" 2>/dev/null
	race_check "$2" "$desc"
	[ -z "$why" ] && [ "$kills" -ge "$min_kills" ] &&
		tap_ok "$desc: $kills readers killed mid-stream, each restarted ($((SECONDS - RACE_T0)) s)" ||
		tap_fail "$desc: $min_kills readers killed mid-stream and restarted" \
			"$kills kills in $((SECONDS - RACE_T0)) s; ${why:-the ${cap} s cap was reached}"
	sleep 0.5
	tap_is "$(ring_areas)" 0 "$desc: no ring area left after the killed readers"
}

# phase_cycles N NAME MODE: insmod, reader, rmmod refused, reader stopped,
# rmmod, until the workload ends
phase_cycles() {
	local desc="$1 $3, rmmod/insmod cycles" cycles=0 refused=0 why=
	race_start "$2" "$3" 0
	while race_more "$min_cycles" "$cycles"; do
		if ! shrike_load 2>"$tmp/err"; then
			why="insmod: $(cat "$tmp/err")"; break
		fi
		if ! reader_start; then
			why="the reader did not start: $(cat "$tmp/reader.out")"; break
		fi
		sleep 0.5
		if rmmod shrike >"$tmp/rmmod.out" 2>&1; then
			why="rmmod succeeded while a reader was attached"; break
		fi
		grep -q 'in use' "$tmp/rmmod.out" && refused=$((refused + 1))
		reader_stop
		if [ $? != 0 ]; then
			why="the reader saw a corrupt record: $(cat "$tmp/reader.out")"; break
		fi
		if ! rmmod shrike 2>"$tmp/err"; then
			why="rmmod after the reader stopped: $(cat "$tmp/err")"; break
		fi
		cycles=$((cycles + 1))
	done
	kill -TERM "$RACE_PID" 2>/dev/null
	# after a failed cycle: no reader left behind
	[ -z "$why" ] || { kill -TERM "$READER_PID" 2>/dev/null; wait "$READER_PID" 2>/dev/null; }
	race_check "$2" "$desc"
	[ -z "$why" ] && [ "$cycles" -ge "$min_cycles" ] &&
		tap_ok "$desc: $cycles cycles of insmod, reader, rmmod ($((SECONDS - RACE_T0)) s)" ||
		tap_fail "$desc: $min_cycles cycles of insmod, reader, rmmod" \
			"$cycles cycles in $((SECONDS - RACE_T0)) s; ${why:-the ${cap} s cap was reached}"
	tap_is "$refused" "$cycles" "$desc: rmmod refused (in use) while a reader was attached, in every cycle"
}

# phase_daemon N NAME MODE KILLS: the workload under the daemon, which is
# SIGKILLed and restarted KILLS times along the way
phase_daemon() {
	local desc="$1 $3 under the daemon" k=0 why=
	[ "$4" = 0 ] || desc="$desc, SIGKILLed and restarted"
	daemon_start || { tap_setup_fail "$desc: the daemon starts" "$(cat "$SHRIKE_ERR")"; return; }
	race_start "$2" "$3"
	while [ "$k" -lt "$4" ] && race_alive; do
		sleep "$((secs / ($4 + 1)))"
		kill -KILL "$SHRIKE_PID"
		wait "$SHRIKE_PID" 2>/dev/null
		k=$((k + 1))
		daemon_start || { why="restart $k: $(cat "$SHRIKE_ERR")"; break; }
	done
	race_check "$2" "$desc"
	shrike_stop
	tap_is "$SHRIKE_STATUS${why:+ $why}" 0 "$desc: the daemon ran to the end and exits 0"
	grep 'shrike: stats:' "$SHRIKE_ERR" | sed 's/^/# /'
	# records its decoder refused, and why (shown, not judged: an exit
	# whose enter was dropped with a full ring can pair with a stale one)
	grep 'skipping record' "$SHRIKE_ERR" | sed 's/ ([0-9]* so far)//' | sort | uniq -c | sort -rn | head -n 5 | sed 's/^/# /'
}

shrike_unload
shrike_load && tap_setup "insmod shrike.ko" || tap_setup_fail "insmod shrike.ko"
echo "# $secs s per phase, 10 phases"

phase_reader 1 p1 fd
phase_reader 2 p2 rename
phase_reader 3 p3 mount
phase_reader 4 p4 all
phase_kills 5 p5 fd
phase_kills 6 p6 all
phase_cycles 7 p7 all
shrike_load
phase_daemon 8 p8 fd 0
phase_daemon 9 p9 all 3
shrike_unload
if shrike_load bufsize=262144; then
	phase_reader 10 p10 fd
else
	tap_setup_fail "insmod shrike.ko bufsize=262144"
fi
grep -q 'dropped=[1-9]' "$tmp/reader.out" && echo "# phase 10: the small rings dropped events: $(cat "$tmp/reader.out")"

# ---- still delivering -------------------------------------------------------
shrike_unload
shrike_load
f=$tmp/final.json
if shrike_start "$f" -r /dev/null; then
	cat /etc/hostname >/dev/null
	sleep 1
	shrike_stop
	tap_is "$SHRIKE_STATUS" 0 "after the races: the daemon exits 0"
	n=$(ev "$f" count evt.type=openat proc.name=cat fd.name=/etc/hostname)
	[ "${n:-0}" -ge 1 ] && tap_ok "after the races: the daemon reports cat's openat of /etc/hostname" ||
		tap_fail "after the races: the daemon reports cat's openat of /etc/hostname" \
			"$(ev "$f" count proc.name=cat) events from cat; $(ev "$f" distinct evt.type proc.name=cat)"
else
	tap_setup_fail "after the races: the daemon starts" "$(cat "$SHRIKE_ERR")"
fi
shrike_unload && tap_ok "rmmod at the end" || tap_fail "rmmod at the end"
tap_is "$(ring_areas)" 0 "no ring area left at the end"
grep -q ' races ' /proc/mounts && tap_fail "no tmpfs of the mount storm is left mounted" "$(grep ' races ' /proc/mounts)"

echo "# race workloads: $race_secs s ($((race_secs / 60)) min $((race_secs % 60)) s) in all"
echo "# race iterations: fd=${iters[fd]} rename=${iters[rename]} mount=${iters[mount]}"
bad=$(dmesg | tail -n +$((base_dmesg + 1)) | grep -E 'BUG:|WARNING:|Oops|KASAN|general protection|circular locking|recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called|list_(add|del) corruption|ODEBUG')
[ -z "$bad" ] && tap_ok "dmesg has no BUG, WARNING, Oops, KASAN, lockdep, RCU, atomic-sleep, list or ODEBUG report" ||
	tap_fail "dmesg has no BUG, WARNING, Oops, KASAN, lockdep, RCU, atomic-sleep, list or ODEBUG report" "$(printf '%s\n' "$bad" | head -n 20)"
rm -rf "$tmp"
tap_done
