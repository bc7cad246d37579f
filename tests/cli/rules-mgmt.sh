# SPDX-License-Identifier: GPL-2.0-only
# Sourced by tests/cli/run (its check, $shrike and $tmp): rules directories,
# the rules: enable/disable steps, watch_config_files during a replay, and
# the program output.
cap=tests/replay/vm-workload.scap
# same DESC WANT FILE: FILE holds exactly WANT
same() {
	if [ "$(cat "$3")" = "$2" ]; then
		echo "ok - cli: $1"
	else
		echo "not ok - cli: $1"
		sed 's/^/#   /' "$3"
	fi
}
rule() {	# NAME CONDITION [TAGS]
	printf -- '- rule: %s\n  desc: d\n  condition: %s\n  output: "%s %%proc.name %%fd.name"\n  priority: WARNING\n  tags: [%s]\n' \
		"$1" "$2" "$1" "${3:-}"
}

# --- directories ---------------------------------------------------------
mkdir -p "$tmp/rules.d/sub" "$tmp/empty.d"
rule second 'evt.type = execve' >"$tmp/rules.d/20-a.yaml"
rule first 'evt.type = openat' >"$tmp/rules.d/10-z.yaml"
rule third 'evt.type = close' >"$tmp/rules.d/30.local"
printf -- '- rule: [broken\n' >"$tmp/rules.d/.10-z.yaml.swp"
printf -- '- rule: [broken\n' >"$tmp/rules.d/20-a.yaml~"
printf -- '- rule: [broken\n' >"$tmp/rules.d/sub/x.yaml"
"$shrike" -r "$tmp/rules.d" -L 2>&1 | cut -f1 >"$tmp/list"
same "-r DIR loads its files in name order, not hidden, backup or subdirectory files" $'first\nsecond\nthird' "$tmp/list"
printf 'rules_files:\n  - %s/\n' "$tmp/rules.d" >"$tmp/dirs.yaml"
check "rules_files: a directory in the configuration" 0 "^third	Warning	active" -- "$shrike" -c "$tmp/dirs.yaml" -L
printf 'rules_file: %s\n' "$tmp/rules.d" >"$tmp/dir1.yaml"
check "rules_file (Falco's older key) takes a directory too" 0 "^first	Warning	active" -- "$shrike" -c "$tmp/dir1.yaml" -L
check "an empty rules directory: a warning, not an error" 0 "rules directory '.*empty.d' holds no rules files" -- \
	"$shrike" -r "$tmp/empty.d" -L
check "a missing rules directory: exit 2 naming it" 2 "cannot open rules file '.*none.d/'" -- "$shrike" -r "$tmp/none.d/" -L

# --- enable / disable ----------------------------------------------------
rule "Netcat Remote Code Execution in Container" 'evt.type = execve' 'network, container' >"$tmp/sel.yaml"
rule "Terminal shell in container" 'evt.type = execve' 'container, shell' >>"$tmp/sel.yaml"
rule "Read sensitive file" 'evt.type = openat' 'filesystem' >>"$tmp/sel.yaml"
printf -- '- rule: Off by default\n  desc: d\n  condition: evt.type = close\n  output: o\n  priority: INFO\n  enabled: false\n' >>"$tmp/sel.yaml"
cat >"$tmp/selcfg.yaml" <<Y
rules:
  - disable:
      rule: "*"
  - enable:
      tag: container
  - disable:
      rule: Terminal*
  - enable:
      rule: Off by default
Y
"$shrike" -c "$tmp/selcfg.yaml" -r "$tmp/sel.yaml" -L 2>&1 | cut -f1,3 >"$tmp/list"
same "rules: steps apply in order, by name glob and tag, over enabled: false" \
	$'Netcat Remote Code Execution in Container\tactive\nTerminal shell in container\tdisabled\nRead sensitive file\tdisabled\nOff by default\tactive' \
	"$tmp/list"
"$shrike" -c "$tmp/selcfg.yaml" -r "$tmp/sel.yaml" -o 'rules[].enable.rule=Term*' -o 'rules[].disable.tag=net*' -L 2>&1 |
	cut -f1,3 >"$tmp/list"
same "-o rules[].enable.rule= and rules[].disable.tag= come after the file's steps" \
	$'Netcat Remote Code Execution in Container\tdisabled\nTerminal shell in container\tactive\nRead sensitive file\tdisabled\nOff by default\tactive' \
	"$tmp/list"
check "a step that matches no rule is a warning" 0 "warning: rules: disable rule 'No such rule' matches no loaded rule" -- \
	"$shrike" -r "$tmp/sel.yaml" -o 'rules[].disable.rule=No such rule' -L
printf 'rules:\n  - enable:\n      rules: x\n' >"$tmp/badsel.yaml"
check "a wrong rules: step: file:line:col" 2 "badsel.yaml:3:7: rules: enable: expected rule or tag, not 'rules'" -- \
	"$shrike" -c "$tmp/badsel.yaml" -r "$tmp/sel.yaml" -L
check "-o rules[] with a wrong operation" 2 "expected enable or disable, not 'remove'" -- \
	"$shrike" -r "$tmp/sel.yaml" -o 'rules[].remove.rule=x' -L
# the disabled rules do not alert in a replay
"$shrike" -e "$cap" -c "$tmp/selcfg.yaml" -r "$tmp/sel.yaml" >"$tmp/alerts" 2>/dev/null
if grep -q '"rule":"Netcat Remote' "$tmp/alerts" && ! grep -q '"rule":"Terminal\|"rule":"Read sensitive' "$tmp/alerts"; then
	echo "ok - cli: a replay alerts on the enabled rules only"
else
	echo "not ok - cli: a replay alerts on the enabled rules only"
fi

# --- watch_config_files during a replay ------------------------------------
# SHRIKE_REPLAY_PACE_US stretches the replay (914 records) to about 7 s.
mkdir -p "$tmp/watch.d"
rule A 'evt.type = openat' >"$tmp/watch.d/10-a.yaml"
SHRIKE_REPLAY_PACE_US=8000 "$shrike" -e "$cap" -r "$tmp/watch.d" >"$tmp/w.out" 2>"$tmp/w.err" &
pid=$!
wait_for() {	# FILE PATTERN: up to 10 s
	local i
	for i in $(seq 100); do grep -q -- "$2" "$1" && return 0; sleep 0.1; done
	return 1
}
wait_for "$tmp/w.out" '"rule":"A"'
rule B 'evt.type = openat' >"$tmp/watch.d/.20-b.tmp"
mv "$tmp/watch.d/.20-b.tmp" "$tmp/watch.d/20-b.yaml"	# as an editor or Ansible would
wait_for "$tmp/w.err" "reloaded"
printf -- '- rule: C\n  condition: evt.type =\n' >"$tmp/watch.d/30-c.yaml"
wait_for "$tmp/w.err" "reload failed"
wait $pid
rc=$?
if [ $rc = 0 ] && [ "$(grep -o '"rule":"[AB]"' "$tmp/w.out" | head -1)" = '"rule":"A"' ] &&
   grep -q '"rule":"B"' "$tmp/w.out"; then
	echo "ok - cli: watch: a file added to a rules directory during a replay is loaded between events"
else
	echo "not ok - cli: watch: a file added to a rules directory during a replay is loaded between events (exit $rc)"
	sed 's/^/#   /' "$tmp/w.err"
fi
if grep -Eq "30-c.yaml:[0-9]+:[0-9]+: error: rule .C.: missing required key .output." "$tmp/w.err" && grep -q "reload failed; keeping the previous" "$tmp/w.err" &&
   [ "$(tail -2 "$tmp/w.out" | grep -o '"rule":"[ABC]"' | sort | tr -d '\n')" = '"rule":"A""rule":"B"' ]; then
	echo "ok - cli: watch: a broken edit is reported and the rules before it stay until the end"
else
	echo "not ok - cli: watch: a broken edit is reported and the rules before it stay until the end"
	{ sed 's/^/#   /' "$tmp/w.err"; tail -2 "$tmp/w.out" | cut -c1-100 | sed 's/^/#   /'; }
fi
# -r /dev/null: a device is not watched, or every write to it on the host would reload
SHRIKE_REPLAY_PACE_US=2000 "$shrike" -e "$cap" -r /dev/null >/dev/null 2>"$tmp/dn.err" &
pid=$!
for i in $(seq 15); do echo x >/dev/null; sleep 0.1; done
wait $pid
if grep -q "records=914" "$tmp/dn.err" && ! grep -q "reloading" "$tmp/dn.err"; then
	echo "ok - cli: watch: writes to /dev/null given as -r do not reload"
else
	echo "not ok - cli: watch: writes to /dev/null given as -r do not reload"
	sed 's/^/#   /' "$tmp/dn.err"
fi
check "watch_config_files: false: no watcher, the replay runs as before" 0 "alerts=314" -- \
	env SHRIKE_REPLAY_PACE_US=0 "$shrike" -e "$cap" -r "$tmp/watch.d/10-a.yaml" -o watch_config_files=false

# --- program_output --------------------------------------------------------
prog() {	# KEEP_ALIVE PROGRAM [MORE -o]: the openat rule over the capture, alerts to the program only
	local ka=$1 p=$2
	shift 2
	timeout 60 "$shrike" -e "$cap" -r "$tmp/watch.d/10-a.yaml" -o stdout_output.enabled=false \
		-o program_output.enabled=true -o "program_output.keep_alive=$ka" -o "program_output.program=$p" "$@"
}
prog true "cat > $tmp/p1" >"$tmp/p.out" 2>"$tmp/p.err"
rc=$?
if [ $rc = 0 ] && [ "$(wc -l <"$tmp/p1")" = 314 ] && grep -q "program output: sent=314 failed=0 dropped=0" "$tmp/p.err" &&
   python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/p1" && [ ! -s "$tmp/p.out" ]; then
	echo "ok - cli: program_output keep_alive: every alert, one JSON line each, to one cat"
else
	echo "not ok - cli: program_output keep_alive: every alert, one JSON line each, to one cat (exit $rc)"
	sed 's/^/#   /' "$tmp/p.err"
fi
rule E 'evt.type = execve' >"$tmp/exec.yaml"
timeout 60 "$shrike" -e "$cap" -r "$tmp/exec.yaml" -o stdout_output.enabled=false -o json_output=false \
	-o program_output.enabled=true -o program_output.keep_alive=false \
	-o "program_output.program=echo \$\$ >> $tmp/pids; cat >> $tmp/p2" >/dev/null 2>"$tmp/p.err"
rc=$?
if [ $rc = 0 ] && [ "$(wc -l <"$tmp/p2")" = 12 ] && [ "$(sort -u "$tmp/pids" | wc -l)" = 12 ] &&
   grep -q ': Warning E ' "$tmp/p2"; then
	echo "ok - cli: program_output without keep_alive: one program per alert (12 alerts, 12 processes), text lines"
else
	echo "not ok - cli: program_output without keep_alive: one program per alert (exit $rc)"
	sed 's/^/#   /' "$tmp/p.err"
fi
start=$(date +%s)
prog true "head -n 1 >> $tmp/p3" >/dev/null 2>"$tmp/p.err"
rc=$?
if [ $rc = 0 ] && grep -q "exited with status 0; starting it again in 100 ms" "$tmp/p.err" &&
   [ "$(wc -l <"$tmp/p3")" -ge 2 ] && [ $(($(date +%s) - start)) -lt 20 ]; then
	echo "ok - cli: program_output: a program that exits is started again, no SIGPIPE, exit 0"
else
	echo "not ok - cli: program_output: a program that exits is started again, no SIGPIPE, exit 0 (exit $rc)"
	sed 's/^/#   /' "$tmp/p.err"
fi
start=$(date +%s)
prog true "sleep 600" -o program_output.queue_size=16 >/dev/null 2>"$tmp/p.err"
rc=$?
if [ $rc = 0 ] && grep -q "replay: records=914 events=592 alerts=314" "$tmp/p.err" &&
   grep -q "the program does not keep up" "$tmp/p.err" &&
   grep -Eq "program output: sent=[0-9]+ failed=0 dropped=[1-9]" "$tmp/p.err" && [ $(($(date +%s) - start)) -lt 20 ]; then
	echo "ok - cli: program_output: a program that never reads costs dropped alerts, the replay finishes"
else
	echo "not ok - cli: program_output: a program that never reads costs dropped alerts, the replay finishes (exit $rc)"
	sed 's/^/#   /' "$tmp/p.err"
fi
check "program_output enabled without a program: exit 1 naming the key" 1 "program_output.program" -- \
	"$shrike" -e "$cap" -r "$tmp/exec.yaml" -o program_output.enabled=true
