# SPDX-License-Identifier: GPL-2.0-only
# alerts.sh - sourced by VM tests of rules: checks of the daemon's alerts,
# queued and answered by one run of events.py at the end (python starts
# slowly in an emulated VM). Needs lib/shrike.sh (ev), $f (the file of
# alerts, one JSON object a line) and $tmp (the test's scratch directory).
#
#   check_is DESC WANT RULE CMD ARGS...   events.py's answer to CMD ARGS is WANT
#   alert_ok RULE PRIORITY DESC FILTER... alerts of RULE match, with that priority
#   field_is RULE FIELD WANT DESC FILTER... output_fields.FIELD of the matches
#   count_is RULE N DESC FILTER...        N alerts of RULE match
#   no_alert RULE DESC FILTER...          no alert of RULE matches
#   check_run                             a TAP line for each, in order
#
# FILTER is events.py's: output_fields.FIELD=VALUE, FIELD~SUBSTRING. A check
# that fails shows the first alerts of its RULE as '#' lines.

# the alerts of a rule, as printed, for diagnostics
alerts_of() {
	grep -F "\"rule\":\"$1\"" "$f" | head -n 5 | cut -c1-900
}

# the queued checks: descriptions, answers wanted, rules to show
QN=0
QDESC=() QWANT=() QRULE=()

# check_is DESC WANT RULE CMD ARGS...: events.py's answer to CMD ARGS is
# WANT (RULE: whose alerts to show when it is not)
check_is() {
	QDESC[QN]=$1 QWANT[QN]=$2 QRULE[QN]=$3
	shift 3
	printf '%s\x1f' "$@" >>"$tmp/queries"
	echo >>"$tmp/queries"
	QN=$((QN + 1))
}

check_run() {
	local got i
	mapfile -t got < <(ev "$f" batch "$tmp/queries")
	for ((i = 0; i < QN; i++)); do
		if [ "${got[i]}" = "${QWANT[i]}" ]; then
			tap_ok "${QDESC[i]}"
		else
			tap_fail "${QDESC[i]}" "got:  '${got[i]}'
want: '${QWANT[i]}'
alerts of '${QRULE[i]}':
$(alerts_of "${QRULE[i]}")"
		fi
	done
}

# alert_ok RULE PRIORITY DESC FILTER...: alerts of RULE match the filters
# (events.py syntax: output_fields.FIELD=VALUE, FIELD~SUBSTRING) and have
# the rule's priority
alert_ok() {
	local rule=$1 prio=$2 desc=$3
	shift 3
	check_is "$desc: '$rule' alert, $prio" "$prio" "$rule" distinct priority "rule=$rule" "$@"
}

# field_is RULE FIELD WANT DESC FILTER...: output_fields.FIELD of the
# matching alerts of RULE
field_is() {
	local rule=$1 field=$2 want=$3 desc=$4
	shift 4
	check_is "$desc" "$want" "$rule" distinct "output_fields.$field" "rule=$rule" "$@"
}

# count_is RULE N DESC FILTER...: N alerts of RULE match
count_is() {
	local rule=$1 n=$2 desc=$3
	shift 3
	check_is "$desc" "$n" "$rule" count "rule=$rule" "$@"
}

# no_alert RULE DESC FILTER...: no alert of RULE matches
no_alert() {
	local rule=$1 desc=$2
	shift 2
	count_is "$rule" 0 "$desc: no '$rule' alert" "$@"
}

