#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The audit log's schema (docs/events.schema.json) and its checker
# (tests/guest/enf-schema-check, which the guest tests run on real
# events): records of every kind pass, and each way of breaking one (a
# field missing, mistyped, misspelt, out of its enum, an extra field) is
# refused, naming the field. Prints PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.."
CHECK=build/tests/guest/enf-schema-check
SCHEMA=docs/events.schema.json
passed=0 failed=0

check() { # NAME CONDITION-RESULT(0/1) DETAIL
	if [[ $2 -eq 0 ]]; then echo "PASS $1"; passed=$((passed + 1)); else echo "FAIL $1: $3"; failed=$((failed + 1)); fi
}

file_event='{"type":"event","time":"2026-11-25T01:02:03.000004Z","profile":"web","hook":"file_open","verdict":"deny","reason":"rule","cgroup_id":1234,"cgroup":"/t61","rule_id":"0a1b2c3d","rule":"/tmp/web.json:2:2","rule_text":"{\"action\":\"deny\"}","mode":"enforce","generation":3,"pid":10,"tgid":10,"ppid":1,"uid":0,"gid":0,"comm":"cat","exe":"/bin/busybox","path":"/srv/secret","access":"read","errno":1}'
net_event='{"type":"event","time":"2026-11-25T01:02:03.000004Z","profile":"net","hook":"socket_connect","verdict":"would-deny","reason":"default","cgroup_id":99,"cgroup":"id:99","mode":"audit","generation":1,"pid":10,"tgid":10,"ppid":1,"uid":0,"gid":0,"comm":"nc","exe":"/usr/bin/nc","errno":0,"op":"connect","family":"inet4","proto":"tcp","addr":"127.0.0.1","port":80}'
summary='{"type":"summary","time":"2026-11-25T01:02:04.000000Z","since":"2026-11-25T01:02:03.000000Z","profile":"web","hook":"file_open","verdict":"deny","reason":"rule","cgroup_id":1234,"cgroup":"/t61","rule_id":"0a1b2c3d","rule":"/tmp/web.json:2:2","rule_text":"{}","count":980,"aggregated":980,"dropped":0,"delivered":20,"totals":{"delivered":20,"aggregated":980,"dropped":0}}'
untracked='{"type":"summary","time":"2026-11-25T01:02:04.000000Z","since":"2026-11-25T01:02:03.000000Z","untracked":true,"count":5,"dropped":5}'

run() { out=$(printf '%s\n' "$1" | "$CHECK" "$SCHEMA" 2>&1); rc=$?; }

if [[ ! -x $CHECK ]]; then
	echo "FAIL schema checker not built ($CHECK): run make"
	exit 1
fi
for rec in file_event net_event summary untracked; do
	run "${!rec}"
	check "valid $rec passes" $([[ $rc -eq 0 && $out == *"1 records, 1 valid, 0 invalid"* ]]; echo $?) "$out"
done

# bad NAME SED-EXPRESSION EXPECTED-IN-OUTPUT: break file_event (or $base) one way; it must fail, naming why.
bad() {
	local rec
	rec=$(sed -e "$2" <<<"${base:-$file_event}")
	if [[ $rec == "${base:-$file_event}" ]]; then
		check "$1" 1 "the edit '$2' changed nothing"
		return
	fi
	run "$rec"
	check "$1 is refused" $([[ $rc -eq 1 && $out == *"$3"* ]]; echo $?) "rc=$rc out=$out"
}
bad "a missing field (exe)" 's/"exe":"\/bin\/busybox",//' "'exe' is missing"
bad "a missing field (cgroup)" 's/"cgroup":"\/t61",//' "'cgroup' is missing"
bad "a mistyped field (pid as a string)" 's/"pid":10/"pid":"10"/' '/pid: wrong type'
bad "a mistyped field (errno negative)" 's/"errno":1/"errno":-1/' '/errno: below the minimum'
bad "an unknown verdict" 's/"verdict":"deny"/"verdict":"maybe"/' '/verdict: value "maybe" is not in the enum'
bad "a misspelt field" 's/"comm"/"command"/' "'comm' is missing"
bad "an extra field" 's/"errno":1/"errno":1,"extra":1/' '/extra: property not in the schema'
bad "a rule id that is not 8 hex digits" 's/"rule_id":"0a1b2c3d"/"rule_id":"0x1b2c3d"/' '/rule_id: does not match'
bad "a time without microseconds" 's/03.000004Z/03Z/' '/time: does not match'
bad "a file event without its path" 's/"path":"\/srv\/secret",//' 'matches none of anyOf'
base=$summary
bad "a summary without its count" 's/"count":980,//' "'count' is missing"
bad "a summary with a mistyped total" 's/"dropped":0}/"dropped":"0"}/' '/totals/dropped: wrong type'
base=
run "not json"
check "a line that is not JSON is refused" $([[ $rc -eq 1 && $out == *"not JSON"* ]]; echo $?) "$out"
out=$(printf '' | "$CHECK" "$SCHEMA" 2>&1); rc=$?
check "no records at all is a failure, not a pass" $([[ $rc -eq 1 ]]; echo $?) "rc=$rc $out"
out=$(printf '{}\n' | "$CHECK" <(echo '{"type":"object","uniqueItems":true}') 2>&1); rc=$?
check "a schema keyword the checker does not implement is refused" \
	$([[ $rc -eq 2 && $out == *"'uniqueItems' is not supported"* ]]; echo $?) "rc=$rc $out"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
