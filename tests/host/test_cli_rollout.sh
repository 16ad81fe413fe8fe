#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side checks of report, promote, stats --prometheus and
# --metrics-listen that need no daemon: bad arguments are usage errors
# (exit 2) naming the problem and the fix, found before anything is asked
# or loaded. Prints PASS/FAIL lines. (The round trip itself: integration
# test 62-audit-report-promote.)
set -u
cd "$(dirname "$0")/../.."
B=build/bin
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
S=(--socket "$T/none.sock")
passed=0 failed=0

check() { # NAME CONDITION-RESULT(0/1) DETAIL
	if [[ $2 -eq 0 ]]; then echo "PASS $1"; passed=$((passed + 1)); else echo "FAIL $1: $3"; failed=$((failed + 1)); fi
}
run() { out=$("$@" 2>&1); rc=$?; }

run $B/enforcerctl "${S[@]}" report
check "report without a profile: usage" $([[ $rc -eq 2 && $out == *"report PROFILE [--since T]"* ]]; echo $?) "rc=$rc $out"
run $B/enforcerctl "${S[@]}" report web --since yesterday
check "report --since a word: usage, says what is accepted" \
	$([[ $rc -eq 2 && $out == *"neither a duration (30s, 10m, 2h, 1h30m) nor an RFC 3339 time"* ]]; echo $?) "rc=$rc $out"
run $B/enforcerctl "${S[@]}" report web --since 2099-01-01T00:00:00Z
check "report --since the future: usage" $([[ $rc -eq 2 && $out == *"in the future"* ]]; echo $?) "rc=$rc $out"
run $B/enforcerctl "${S[@]}" report web --since 2026-01-01T00:00:00
check "report --since without an offset: usage" $([[ $rc -eq 2 ]]; echo $?) "rc=$rc $out"
run $B/enforcerctl "${S[@]}" report web --limit 0
check "report --limit 0: usage" $([[ $rc -eq 2 && $out == *"1-2048"* ]]; echo $?) "rc=$rc $out"
run $B/enforcerctl "${S[@]}" report web --since 10m
check "report with good arguments reaches for the daemon" $([[ $rc -eq 3 && $out == *"cannot reach enforcerd"* ]]; echo $?) "rc=$rc $out"

run $B/enforcerctl "${S[@]}" promote
check "promote without a profile: usage" $([[ $rc -eq 2 && $out == *"promote PROFILE [--window DURATION] [--force]"* ]]; echo $?) "rc=$rc $out"
run $B/enforcerctl "${S[@]}" promote web --window 10
check "promote --window without a unit: usage" $([[ $rc -eq 2 && $out == *"with a unit s, m, h or d"* ]]; echo $?) "rc=$rc $out"
run $B/enforcerctl "${S[@]}" promote web --window 0m
check "promote --window 0: usage" $([[ $rc -eq 2 && $out == *"longer than 0s"* ]]; echo $?) "rc=$rc $out"
run $B/enforcerctl "${S[@]}" promote web --frobnicate
check "promote with an unknown option: usage" $([[ $rc -eq 2 && $out == *"unexpected argument '--frobnicate'"* ]]; echo $?) "rc=$rc $out"

run $B/enforcerctl "${S[@]}" stats --openmetrics
check "stats with an unknown option: usage" $([[ $rc -eq 2 && $out == *"stats [--prometheus]"* ]]; echo $?) "rc=$rc $out"

run $B/enforcerd --socket "$T/d.sock" --metrics-listen 0.0.0.0:9464
check "--metrics-listen on every address: refused before loading" \
	$([[ $rc -eq 2 && $out == *"not a loopback address"*"--metrics-allow-remote"* ]]; echo $?) "rc=$rc $out"
run $B/enforcerd --socket "$T/d.sock" --metrics-listen 127.0.0.1
check "--metrics-listen without a port: usage" $([[ $rc -eq 2 && $out == *"expected ADDRESS:PORT"* ]]; echo $?) "rc=$rc $out"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
