# SPDX-License-Identifier: GPL-2.0-only
# tap.sh - sourced by VM and host tests: TAP lines, one per check of shrike.
#
#   tap_ok DESC              ok N - DESC
#   tap_fail DESC [DETAIL]   not ok N - DESC, then DETAIL as '#' lines
#   tap_is GOT WANT DESC     ok when GOT = WANT, else not ok with both shown
#   tap_skip DESC REASON     ok N - DESC # SKIP REASON (counted as skipped)
#   tap_done                 prints the plan 1..N; status 1 if anything failed
#
# What is not a check of shrike: a step the checks need (the module loads,
# a container starts, the daemon starts, a package installs) or a fact about
# the environment they rely on (a premise: the guest runs the kernel asked
# for; the ground truth of a workload: the command did run as uid 1000).
# It holds: one '#' line, not counted. It fails: a not ok, counted as a
# failure, since the checks after it mean nothing.
#
#   tap_setup DESC                 # setup: DESC
#   tap_setup_fail DESC [DETAIL]   not ok N - setup: DESC, then DETAIL
#   tap_premise DESC               # premise: DESC
#   tap_premise_fail DESC [DETAIL] not ok N - premise: DESC, then DETAIL
#   tap_premise_is GOT WANT DESC   tap_premise, or tap_premise_fail with both
#
# Numbers count per script; the runner only looks for "ok " / "not ok " and
# a "# SKIP" directive (scripts/tap-count). tap_fail, tap_setup_fail,
# tap_premise_fail and a failing tap_is or tap_premise_is return 1, so that
# a chain of dependent steps can stop (check && tap_ok ... || return). So
# never "X && tap_fail ... || tap_ok ...": after a failure that prints a
# pass too; write it as if/else. Scripts should not use set -e.

TAP_N=0
TAP_FAILED=0

# Prints its arguments as TAP diagnostics, one '#   ' line per input line.
tap_diag() {
	printf '%s\n' "$@" | sed 's/^/#   /'
}

tap_ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

tap_fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	[ $# -lt 2 ] || [ -z "$2" ] || tap_diag "$2"
	return 1
}

# _tap_compare PASS FAIL GOT WANT DESC: PASS DESC when GOT = WANT, else
# FAIL DESC with both shown
_tap_compare() {
	if [ "$3" = "$4" ]; then
		"$1" "$5"
	else
		"$2" "$5" "got:  '$3'
want: '$4'"
	fi
}

tap_is() {
	_tap_compare tap_ok tap_fail "$@"
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP ${2:-}"
}

tap_setup() {
	echo "# setup: $1"
}

tap_setup_fail() {
	tap_fail "setup: $1" "${2:-}"
}

tap_premise() {
	echo "# premise: $1"
}

tap_premise_fail() {
	tap_fail "premise: $1" "${2:-}"
}

tap_premise_is() {
	_tap_compare tap_premise tap_premise_fail "$@"
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
