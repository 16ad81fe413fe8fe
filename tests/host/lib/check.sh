# SPDX-License-Identifier: GPL-2.0-only
#
# Verdicts of a host test, in the lines tests/run-all.sh counts:
#   check NAME RESULT DETAIL   PASS NAME when RESULT is 0, else FAIL NAME: DETAIL
#   finish                     the summary line "N passed, N failed"; exits
#                              non-zero when anything failed
passed=0 failed=0

check() {
	if [[ $2 -eq 0 ]]; then
		echo "PASS $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1: $3"
		failed=$((failed + 1))
	fi
}

finish() {
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
	exit
}
