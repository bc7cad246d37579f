#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `make install DESTDIR=...`: the layout, modes, the configuration kept on a
# second install; the packaged configuration loads; the unit passes
# systemd-analyze verify; the man pages render without warnings and document
# every option and configuration key the daemon has.
. tests/e2e/lib/tap.sh
shrike=${SHRIKE:-build/shrike}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
d=$tmp/root

if make -s install DESTDIR="$d" >"$tmp/install.log" 2>&1; then
	tap_setup "make install DESTDIR=... succeeds"
else
	tap_setup_fail "make install DESTDIR=... succeeds" "$(cat "$tmp/install.log")"
fi
want="-rwxr-xr-x /usr/bin/shrike
-rw-r--r-- /etc/shrike/shrike.yaml
-rw-r--r-- /etc/shrike/shrike_rules.local.yaml
-rw-r--r-- /etc/shrike/shrike_rules.yaml
-rw-r--r-- /lib/systemd/system/shrike.service
-rw-r--r-- /usr/share/man/man5/shrike.yaml.5
-rw-r--r-- /usr/share/man/man8/shrike.8"
got=$(cd "$d" && find . -type f -printf '%M /%P\n' | sort -k2)
tap_is "$got" "$(sort -k2 <<<"$want")" "it lays out the daemon, /etc/shrike, the unit and the man pages"
if [ -f rules/shrike_rules.yaml ]; then
	cmp -s rules/shrike_rules.yaml "$d/etc/shrike/shrike_rules.yaml" &&
		tap_ok "the shipped rules are rules/shrike_rules.yaml" ||
		tap_fail "the shipped rules are rules/shrike_rules.yaml"
else
	tap_skip "the shipped rules are rules/shrike_rules.yaml" "no rules/shrike_rules.yaml: a placeholder is installed"
fi
echo "# edited" >>"$d/etc/shrike/shrike.yaml"
make -s install DESTDIR="$d" >"$tmp/install2.log" 2>&1
tap_is "$(tail -n 1 "$d/etc/shrike/shrike.yaml")" "# edited" "a second install keeps an edited shrike.yaml"

# The packaged configuration, with its rules files at this tree's paths.
sed -e "s|/etc/shrike/|$d/etc/shrike/|" packaging/shrike.yaml >"$tmp/shrike.yaml"
"$shrike" -c "$tmp/shrike.yaml" -L >"$tmp/rules.txt" 2>"$tmp/err"
rc=$?
nrules=$(grep -c . "$tmp/rules.txt")
tap_is "$rc" 0 "packaging/shrike.yaml loads with the installed rules files ($nrules rules)"
"$shrike" --help >"$tmp/help"
keys=$(sed -n '/^Configuration keys:/,$p' "$tmp/help" | awk 'NR > 1 { print $1 }')
missing=
for k in $keys; do
	leaf=${k##*.}
	# shown as a key, or commented as Falco's falco.yaml shows an alternative
	grep -qE "^ *(# )?(- )?${leaf}:" packaging/shrike.yaml || missing="$missing $k"
done
tap_is "${missing# }" "" "packaging/shrike.yaml shows every configuration key ($(wc -w <<<"$keys"))"
missing=
for k in $keys; do
	grep -qF ".B $k" packaging/man/shrike.yaml.5 || missing="$missing $k"
done
tap_is "${missing# }" "" "shrike.yaml(5) documents every configuration key"
missing=
for o in $(sed -n 's/^ \{2,6\}\(-[A-Za-z]\|--[a-z]*\)[ ,].*/\1/p' "$tmp/help" | sort -u); do
	grep -qF -- "${o//-/\\-}" packaging/man/shrike.8 || missing="$missing $o"
done
tap_is "${missing# }" "" "shrike(8) documents every option of --help"
for m in packaging/man/shrike.8 packaging/man/shrike.yaml.5; do
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$m" 2>&1 >/dev/null)
	tap_is "$w" "" "$(basename "$m") renders without warnings"
done

# The unit: systemd-analyze verify, with ExecStart pointing at this build
# (verify checks that the programs exist) and no man page lookups.
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$tmp/unit"
	sed "s|^ExecStart=/usr/bin/shrike|ExecStart=$PWD/build/shrike|" packaging/shrike.service \
		>"$tmp/unit/shrike.service"
	out=$(cd "$tmp/unit" && SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --man=no shrike.service 2>&1)
	tap_is "$?:$out" "0:" "systemd-analyze verify shrike.service: no errors, no warnings"
	# every directive is one this systemd knows: an unknown one is only a warning
	printf '[Service]\nNoSuchDirective=1\nExecStart=/bin/true\n' >"$tmp/unit/bad.service"
	out=$(cd "$tmp/unit" && systemd-analyze verify --man=no bad.service 2>&1)
	grep -q "Unknown key.*NoSuchDirective" <<<"$out" &&
		tap_premise "systemd-analyze verify does report an unknown directive" ||
		tap_premise_fail "systemd-analyze verify does report an unknown directive" "$out"
else
	tap_skip "systemd-analyze verify shrike.service" "systemd-analyze is not installed"
fi
grep -q '^ExecStartPre=+/sbin/modprobe shrike$' packaging/shrike.service &&
	grep -q '^ExecStart=/usr/bin/shrike -c /etc/shrike/shrike.yaml$' packaging/shrike.service &&
	grep -q '^Restart=on-failure$' packaging/shrike.service &&
	tap_ok "the unit loads the module, runs the daemon with /etc/shrike/shrike.yaml, restarts on failure" ||
	tap_fail "the unit loads the module, runs the daemon with /etc/shrike/shrike.yaml, restarts on failure"
tap_done
