# SPDX-License-Identifier: GPL-2.0-only
# tap.sh - sourced by VM tests: TAP lines, one per assertion.
#
#   tap_ok DESC              ok N - DESC
#   tap_fail DESC [DETAIL]   not ok N - DESC, then DETAIL as '#' lines
#   tap_is GOT WANT DESC     ok when GOT = WANT, else not ok with both shown
#   tap_skip DESC REASON     ok N - DESC # SKIP REASON
#   tap_done                 prints the plan 1..N; status 1 if anything failed
#
# Numbers count per script; the runner only looks for "ok " / "not ok ".
# tap_fail and a failing tap_is return 1, so that a chain of dependent steps
# can stop (check && tap_ok ... || return); scripts should not use set -e.

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

tap_is() {
	if [ "$1" = "$2" ]; then
		tap_ok "$3"
	else
		tap_fail "$3" "got:  '$1'
want: '$2'"
	fi
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP ${2:-}"
}

tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
