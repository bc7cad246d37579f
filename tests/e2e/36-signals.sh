#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Signals: SIGHUP reloads rules without losing events (a broken rules file
# keeps the old ones), SIGTERM stops cleanly with final statistics.
. tests/e2e/lib/tap.sh
. tests/e2e/lib/shrike.sh

tmp=$(mktemp -d)
rule() {	# rule NAME MARKER
	printf -- '- rule: %s\n  desc: test\n  condition: evt.type = execve and proc.cmdline contains "%s"\n  output: "%s ran %%proc.cmdline as %%user.name"\n  priority: WARNING\n' "$1" "$2" "$1"
}
rule "Rule A" hup-marker-a >"$tmp/rules.yaml"
shrike_load
shrike_start "$tmp/out.json" -r "$tmp/rules.yaml" || tap_setup_fail "the daemon starts" "$(cat "$SHRIKE_ERR")"
/bin/true hup-marker-a 1
rule "Rule B" hup-marker-b >"$tmp/rules.yaml"
kill -HUP "$SHRIKE_PID"
sleep 1
/bin/true hup-marker-a 2
/bin/true hup-marker-b 3
printf -- '- rule: broken\n  condition: (\n' >"$tmp/rules.yaml"
kill -HUP "$SHRIKE_PID"
sleep 1
/bin/true hup-marker-b 4
sleep 0.5
kill -TERM "$SHRIKE_PID"
wait "$SHRIKE_PID"
tap_is "$?" 0 "SIGTERM: the daemon exits 0"
grep -q 'shrike: stats: events=' "$SHRIKE_ERR" && tap_ok "SIGTERM: final statistics on stderr" ||
	tap_fail "SIGTERM: final statistics on stderr"
f=$tmp/out.json
tap_is "$(ev "$f" count "rule=Rule A")" 1 "before SIGHUP: rule A fired once"
tap_is "$(ev "$f" count "rule=Rule B" "output~true hup-marker-b 3")" 1 "after SIGHUP: the new rule B fires"
tap_is "$(ev "$f" count "output~true hup-marker-a 2")" 0 "after SIGHUP: the old rule A is gone"
grep -q 'reload failed' "$SHRIKE_ERR" && tap_ok "a broken rules file on SIGHUP is reported" ||
	tap_fail "a broken rules file on SIGHUP is reported" "$(tail -3 "$SHRIKE_ERR")"
tap_is "$(ev "$f" count "rule=Rule B" "output~true hup-marker-b 4")" 1 "and the previous rules keep working"
tap_is "$(ev "$f" count evt.type=execve proc.cmdline="true hup-marker-b 4")" 1 "no event was lost around the reloads"
shrike_unload
rm -rf "$tmp"
