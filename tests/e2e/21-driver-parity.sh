#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The two drivers, field for field (issue 19): the daemon on the module and
# a second daemon on the eBPF driver watch the same moment, while a workload
# runs every syscall family of sysfam on the host and commands as root and
# as a user in an id-mapped LXC container. Every event of the workload must
# be in both streams, equal in every field but its number, time and CPU
# (tests/e2e/lib/parity.py), and so must the alerts the shipped rules raise.
. tests/e2e/lib/lxc_cases.sh	# and tap.sh, shrike.sh, lxc.sh

tmp=$(mktemp -d)
c=t21-par
lxc_init
lxc_case_make "$c" idmapped dana:1000 || tap_setup_fail "the container is made"
lxc_case_start "$c" || tap_setup_fail "container $c runs"

SHRIKE_TEST_DRIVER=kmod shrike_driver_args
shrike_load || tap_setup_fail "insmod shrike.ko"
shrike_start "$tmp/kmod.json" --driver kmod -r rules/shrike_rules.yaml ||
	tap_setup_fail "the daemon runs on the module" "$(cat "$SHRIKE_ERR")"
kmod_pid=$SHRIKE_PID kmod_err=$SHRIKE_ERR
shrike_start "$tmp/bpf.json" --driver bpf -r rules/shrike_rules.yaml ||
	tap_setup_fail "the daemon runs on the eBPF driver" "$(cat "$SHRIKE_ERR")"
bpf_pid=$SHRIKE_PID bpf_err=$SHRIKE_ERR
tap_setup "both daemons run (module: pid $kmod_pid, eBPF: pid $bpf_pid)"

sleep 1
/bin/echo parity-begin >/dev/null
/bin/echo "" an empty argument "" >/dev/null
for fam in files net ids proc ns; do
	mkdir "$tmp/$fam"
	build/helpers/sysfam $fam "$tmp/$fam" >/dev/null 2>>"$tmp/helper.err" ||
		tap_setup_fail "sysfam $fam ran" "$(tail -3 "$tmp/helper.err")"
done
lxc-attach -n "$c" -- /bin/sh -c 'cat /etc/hostname; echo x >/etc/t21; rm /etc/t21; id' >/dev/null 2>&1 ||
	tap_setup_fail "commands ran as root in $c"
lxc-attach -n "$c" -u 1000 -g 1000 -- /bin/sh -c 'cat /etc/passwd; ls /tmp; cat /etc/shadow' >/dev/null 2>&1
/bin/echo parity-end >/dev/null
sleep 1

kill -INT "$kmod_pid" "$bpf_pid" 2>/dev/null
wait "$kmod_pid"
wait "$bpf_pid"
for e in "$kmod_err" "$bpf_err"; do grep 'shrike: stats:' "$e" | tail -n 1 | sed 's/^/# /'; done

python3 tests/e2e/lib/parity.py "$tmp/kmod.json" "$tmp/bpf.json" parity-begin parity-end \
	"$kmod_pid" "$bpf_pid" >"$tmp/parity.out"
grep '^#' "$tmp/parity.out"
val() { sed -n "s/^$1 //p" "$tmp/parity.out"; }
[ "$(val events)" -gt 300 ] 2>/dev/null &&
	tap_premise "the workload made $(val events) events in $(val threads) threads" ||
	tap_premise_fail "the workload made events" "$(cat "$tmp/parity.out")"
tap_is "$(val differ)" 0 "every event of the workload is the same on both drivers, field for field"
tap_is "$(val only_a)/$(val only_b)" 0/0 "no event is on one driver only (module/eBPF)"
tap_is "$(grep -o 'dropped_full=[0-9]*' "$kmod_err" | tail -n 1)/$(grep -o 'dropped_full=[0-9]*' "$bpf_err" | tail -n 1)" \
	dropped_full=0/dropped_full=0 "neither driver dropped anything"

# the alerts: same rules, same events, so the same output lines
alerts() {
	python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1], errors="replace"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if isinstance(e, dict) and "rule" in e and "t21-par" in e.get("output", ""):
        print(e["rule"], "|", e["output"].split(": ", 1)[-1])
PY
}
alerts "$tmp/kmod.json" | sort >"$tmp/kmod.alerts"
alerts "$tmp/bpf.json" | sort >"$tmp/bpf.alerts"
[ -s "$tmp/kmod.alerts" ] && tap_premise "the container's commands raised $(wc -l <"$tmp/kmod.alerts") alerts on the module" ||
	tap_premise_fail "the container's commands raised alerts"
if cmp -s "$tmp/kmod.alerts" "$tmp/bpf.alerts"; then
	tap_ok "the eBPF driver raises the same alerts, with the same output"
else
	tap_fail "the eBPF driver raises the same alerts, with the same output" \
		"$(diff "$tmp/kmod.alerts" "$tmp/bpf.alerts" | head -6)"
fi

shrike_unload
lxc_destroy "$c"
rm -rf "$tmp"
tap_done
