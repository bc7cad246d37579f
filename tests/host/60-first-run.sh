#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The README's first command as a new user runs it: `git clone` into a fresh
# `mktemp -d`, then `make run` there (nothing built, no build/ directory).
# On a kernel that cannot load modules (CI, a container) it boots the VM
# with two LXC containers and a demo workload for SHRIKE_DEMO_SECONDS: the
# alerts it prints must name alice in web1 and bob in id-mapped db1, each
# with the container's own user name. On a host that loads the module it
# runs the daemon here: it must come up with the shipped rules.
. tests/e2e/lib/tap.sh
src=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
secs=${SHRIKE_FIRST_RUN_SECONDS:-45}

if ! git clone -q "$src" "$tmp/clone" 2>"$tmp/err"; then
	tap_setup_fail "git clone of $src" "$(cat "$tmp/err")"
	tap_done
	exit
fi
tap_setup "a fresh clone of $(git -C "$src" rev-parse --short HEAD) in $tmp/clone"
cd "$tmp/clone" || exit 1
SHRIKE_DEMO_SECONDS=$secs timeout 1500 make run >"$tmp/out" 2>"$tmp/err" &
pid=$!
# here (not in the VM): the daemon runs until stopped
for i in $(seq 1 600); do
	kill -0 $pid 2>/dev/null || break
	grep -q 'running shrike in a QEMU VM' "$tmp/out" && break
	if grep -q 'shrike: running' "$tmp/err"; then
		sleep 5
		pkill -INT -f "build/shrike -r rules/shrike_rules.yaml" 2>/dev/null
		break
	fi
	sleep 1
done
wait $pid
rc=$?
tap_is "$rc" 0 "make run from a fresh clone exits 0"
if ! grep -q 'running shrike in a QEMU VM' "$tmp/out"; then
	if grep -q 'shrike: running' "$tmp/err"; then
		tap_ok "make run runs the daemon here with the shipped rules"
	else
		tap_fail "make run runs the daemon here with the shipped rules" "$(tail -n 15 "$tmp/err")"
	fi
	tap_done
	exit
fi
tap_diag "$(head -n 1 "$tmp/out")"
host1000=$(awk -F: '$3 == 1000 { print $1; exit }' /etc/passwd)
python3 - "$tmp/out" "${host1000:-hostuser}" >"$tmp/found" <<'PY'
import json, sys
seen = set()
for line in open(sys.argv[1], errors="replace"):
    try:
        a = json.loads(line)
    except ValueError:
        continue
    if not isinstance(a, dict) or "rule" not in a:
        continue
    f = a.get("output_fields") or {}
    seen.add("%s|%s|%s" % (a["rule"], f.get("container.name"), f.get("user.name")))
    if f.get("container.type") == "lxc" and f.get("user.name") in (sys.argv[2], "hostuser"):
        seen.add("HOST-NAMED " + line.strip()[:300])
print("\n".join(sorted(seen)))
PY
for want in "Shell spawned in a container|web1|alice" "Shell spawned in a container|db1|bob"; do
	c=$(echo "$want" | cut -d'|' -f2)
	if grep -qxF "$want" "$tmp/found"; then
		tap_ok "make run prints the alert '${want%%|*}' for ${want##*|} in $c"
	else
		tap_fail "make run prints the alert '${want%%|*}' for ${want##*|} in $c" \
			"alerts (rule|container|user): $(tr '\n' ' ' <"$tmp/found")
$(tail -n 20 "$tmp/err")"
	fi
done
if grep -q '^HOST-NAMED' "$tmp/found"; then
	tap_fail "no container alert of make run names the host's uid-1000 user" "$(grep -m1 '^HOST-NAMED' "$tmp/found")"
else
	tap_ok "no container alert of make run names the host's uid-1000 user"
fi
tap_done
