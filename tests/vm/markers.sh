# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2154  # the caller sets tests, test_dir, log, qemu_rc, vm_timeout
# Sourced (bash) by boot.sh and system-boot.sh: the host side of the @@ENF
# marker protocol (tests/vm/README.md) and the choice of tests to run. Both
# guests speak the same protocol, so a test is judged the same way in both.
#
# The caller defines pass NAME and fail NAME WHY, and sets:
#   test_dir    where the tests live (tests/integration, tests/system)
#   tests=()    the --test names asked for (empty: all)
#   log         the console log, once qemu has run
#   qemu_rc     qemu's exit status (124/137: killed by timeout)
#   vm_timeout  the limit qemu ran under

# select_tests: set expected=() to the tests to run, in the guest's order
# (byte order, LC_ALL=C). Returns 1, after a FAIL line each, when a --test
# name has no file or names a helper; 2 when there is no test at all.
select_tests() {
	local t f missing=0
	expected=()
	for t in "${tests[@]}"; do
		if [[ ! -f $test_dir/$t.sh ]]; then
			fail "$t" "no such test: $test_dir/$t.sh"
			missing=1
		elif [[ $t == lib* || $t == _* ]]; then
			fail "$t" "$test_dir/$t.sh is a helper (lib*.sh, _*.sh), not a test"
			missing=1
		fi
	done
	[[ $missing -eq 0 ]] || return 1
	for f in "$test_dir"/*.sh; do
		[[ -f $f ]] || continue
		t=${f##*/}; t=${t%.sh}
		# lib*.sh and _*.sh are helpers the tests source (as in the guests).
		[[ $t != lib* && $t != _* ]] || continue
		if [[ ${#tests[@]} -gt 0 ]]; then
			[[ " ${tests[*]} " == *" $t "* ]] || continue
		fi
		expected+=("$t")
	done
	if [[ ${#expected[@]} -eq 0 ]]; then
		fail tests "no tests in $test_dir/*.sh"
		return 2
	fi
}

# test_limit TEST PER_TEST: the guest's limit for TEST: PER_TEST, or more
# if the test asks for it in a line "# enforcer-test: timeout=N" (the
# guests read the same line).
test_limit() {
	local own
	own=$(sed -n 's/^# enforcer-test: timeout=\([0-9][0-9]*\)$/\1/p' "$test_dir/$1.sh" 2>/dev/null | head -n1)
	if [[ -n $own ]] && ((own > $2)); then echo "$own"; else echo "$2"; fi
}

# tests_budget BOOT PER_TEST: seconds for the whole qemu run: BOOT plus
# every expected test's limit, capped at 40 minutes so a wedged guest never
# holds CI for long.
tests_budget() {
	local boot=$1 per=$2 t sum
	sum=$boot
	for t in "${expected[@]}"; do
		sum=$((sum + $(test_limit "$t" "$per") + 10))
	done
	((sum <= 2400)) || sum=2400
	echo "$sum"
}

# read_markers: every marker of the log, and whether qemu was killed.
read_markers() {
	markers=$(grep -ao '@@ENF .*' "$log" || true)
	timed_out=0
	[[ $qemu_rc -ne 124 && $qemu_rc -ne 137 ]] || timed_out=1
}

marker_args() { awk -v m="$1" '$2 == m { sub(/^@@ENF [A-Z]+ ?/, ""); print }' <<<"$markers"; }

# Output of one test: its failed checks first (a long test's tail may not
# hold them, and CI's view of the log is cut in the middle), then its
# prefixed console lines, bounded so CI logs stay readable.
show_output() {
	awk -v p="$1| " 'index($0, p "FAIL: ") == 1 { print "    failed check: " substr($0, length(p) + 1) }' "$log" | head -n 20
	awk -v p="$1| " 'index($0, p) == 1 { print "    " $0 }' "$log" | tail -n 200
}
# What the console showed from a test's start on, other than its own
# output: the head of a kernel panic or oops names the cause.
show_crash() {
	echo "    --- console after @@ENF BEGIN $1 ($log) ---"
	awk -v b="@@ENF BEGIN $1" -v p="$1| " '
		index($0, b) { on = 1; next }
		on && index($0, p) != 1 { print "    " $0 }' "$log" | head -n 50
}
show_tail() {
	echo "    --- last console lines ($log) ---"
	tail -n "${1:-30}" "$log" | sed 's/^/    /'
}

# judge_booted WHAT: fail "boot" unless the guest printed its LSM marker
# (its first), naming WHAT it should have reached.
judge_booted() {
	grep -q '^@@ENF LSM' <<<"$markers" && return 0
	if [[ $timed_out -eq 1 ]]; then
		fail boot "$1: no @@ENF LSM marker within ${vm_timeout}s"
	else
		fail boot "$1: no @@ENF LSM marker; qemu exit $qemu_rc"
	fi
	show_tail 40
	return 1
}

# judge_fatal: fail "boot" if the guest said it cannot run tests.
judge_fatal() {
	local fatal
	fatal=$(marker_args FATAL | head -n1)
	[[ -n $fatal ]] || return 0
	fail boot "guest: $fatal"
	awk 'index($0, "dmesg| ") == 1 { print "    " $0 }' "$log"
	return 1
}

# judge_tests PER_TEST: one PASS or FAIL per expected test (and per test the
# guest ran unasked), from BEGIN/RESULT/MISSING/DONE. A test that began and
# never ended hung or crashed the guest; one that never began was not run.
judge_tests() {
	local per=$1 t status rc secs done_n aborted=0
	local -A result=() began=() took=()
	local order=()
	while read -r t; do
		[[ -n $t ]] || continue
		began[$t]=1
		order+=("$t")
	done < <(marker_args BEGIN)
	# RESULT NAME STATUS RC SECONDS (guests before 2026-12-05 sent no seconds).
	while read -r t status rc secs; do
		[[ -n $t ]] || continue
		result[$t]="$status $rc"
		secs=${secs%$'\r'}
		[[ $secs =~ ^[0-9]+$ ]] && took[$t]=$secs
	done < <(marker_args RESULT)
	# Expected tests the guest never began are reported after those it ran.
	for t in "${expected[@]}"; do
		[[ -n ${began[$t]:-} ]] || order+=("$t")
	done
	for t in "${order[@]}"; do
		if [[ -z ${began[$t]:-} ]]; then
			if [[ $timed_out -eq 1 ]]; then
				fail "$t" "not run: qemu timed out before it"
			else
				fail "$t" "not run: the guest never began it"
			fi
			continue
		fi
		if [[ -z ${result[$t]:-} ]]; then
			if [[ $timed_out -eq 1 ]]; then
				fail "$t" "began but no RESULT: qemu timed out after ${vm_timeout}s (guest hung)"
			else
				fail "$t" "began but no RESULT: the guest crashed or powered off (qemu exit $qemu_rc)"
			fi
			show_output "$t"
			show_crash "$t"
			aborted=1
			continue
		fi
		read -r status rc <<<"${result[$t]}"
		case $status in
		PASS) pass "$t" ;;
		TIMEOUT) fail "$t" "TIMEOUT: killed after $(test_limit "$t" "$per")s"; show_output "$t" ;;
		*) fail "$t" "exit status $rc"; show_output "$t" ;;
		esac
	done
	while read -r t; do
		[[ -n $t ]] && fail "$t" "the guest has no $test_dir/$t.sh (stale guest files?)"
	done < <(marker_args MISSING)
	while read -r l; do
		[[ -n $l ]] && echo "note: $l"
	done < <(marker_args NOTE)
	# The tests pass without the hold, but each reset then takes ~5 s more:
	# the run would drift past CI's budget with nothing failing.
	while read -r l; do
		[[ -n $l ]] && fail hold "guest-init could not hold the hooks (enf-empty-lsm --hold): $l"
	done < <(marker_args UNHELD)
	# Where the guest's time went (the whole run must fit CI's budget): the
	# tests' own seconds, and the slowest. The rest of the run is boot and
	# the reset between tests (guest-init; the NOTE lines above are its
	# own: how many hooks it held, without which each reset takes about
	# 5 s more).
	if [[ ${#took[@]} -gt 0 ]]; then
		for t in "${!took[@]}"; do echo "${took[$t]} $t"; done | sort -rn |
			awk '{ s += $1; if (NR <= 5) top = top (NR > 1 ? ", " : "") $2 " " $1 "s" }
				END { printf "time: tests took %ds in all; slowest: %s\n", s, top }'
	fi
	done_n=$(marker_args DONE | head -n1)
	# A missing DONE is its own failure only when no test already took the
	# blame for the guest stopping.
	if [[ -z $done_n && $aborted -eq 0 ]]; then
		if [[ $timed_out -eq 1 ]]; then
			fail vm "qemu timed out after ${vm_timeout}s: no @@ENF DONE"
		else
			fail vm "no @@ENF DONE: the guest stopped before finishing (qemu exit $qemu_rc)"
		fi
	elif [[ -n $done_n && $done_n -eq 0 ]]; then
		fail vm "zero tests ran in the guest"
	fi
}
