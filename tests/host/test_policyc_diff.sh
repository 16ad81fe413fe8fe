#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# policyc diff from the command line: the exit status scripts rely on
# (diff(1)'s: 0 same, 1 different, 2 trouble), the line format, and that
# decisions are compared rather than text. Prints PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.."
B=build/bin
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0

check() { # NAME CONDITION-RESULT(0/1) DETAIL
	if [[ $2 -eq 0 ]]; then echo "PASS $1"; passed=$((passed + 1)); else echo "FAIL $1: $3"; failed=$((failed + 1)); fi
}
run() { out=$("$@" 2>&1); rc=$?; }

cp policies/web-exec.json "$T/a.json"
# The same decisions, rules in another order and the file laid out differently.
cat >"$T/same.json" <<'JSON'
{"name": "other-name", "mode": "audit", "exec": {"default": "allow", "rules": [
 {"action": "deny", "path": "/usr/bin/nc"}, {"action": "deny", "path": "/usr/bin/curl"},
 {"action": "deny", "path": "/usr/bin/wget"}]}}
JSON
run $B/policyc diff "$T/a.json" "$T/same.json"
check "diff: the same decisions written differently exit 0" $([[ $rc -eq 0 && $out == *"no differences"* ]]; echo $?) "rc=$rc out=$out"

# B drops the nc rule and enforces.
sed -e '/usr\/bin\/nc/d' -e 's/"audit"/"enforce"/' -e 's/"\/usr\/bin\/curl" },/"\/usr\/bin\/curl" }/' "$T/a.json" >"$T/b.json"
run $B/policyc check "$T/b.json"
check "diff: the edited profile is valid" $([[ $rc -eq 0 ]]; echo $?) "$out"
run $B/policyc diff "$T/a.json" "$T/b.json"
check "diff: different decisions exit 1" $([[ $rc -eq 1 ]]; echo $?) "rc=$rc out=$out"
check "diff: a rule only A has is a '>' line (B allows more) naming the path" \
	$(grep -qx '> exec /usr/bin/nc: A deny, B allow' <<<"$out"; echo $?) "$out"
check "diff: A's deciding rule with its file:line:column" \
	$(grep -qF "    A: deny by rule 0x" <<<"$out" && grep -qF "($T/a.json:9:7)" <<<"$out"; echo $?) "$out"
check "diff: B's side is its default" $(grep -qxF '    B: allow by default (exec.default)' <<<"$out"; echo $?) "$out"
check "diff: the mode is a '<' line (audit allows more)" \
	$(grep -qx '< mode: A audit, B enforce (audit mode denies nothing)' <<<"$out"; echo $?) "$out"
check "diff: the last line counts both directions" \
	$([[ $(tail -n1 <<<"$out") == "2 differences: 1 where A allows more (<), 1 where B allows more (>)" ]]; echo $?) "$out"
run $B/policyc diff --ignore-mode "$T/a.json" "$T/b.json"
check "diff --ignore-mode: the mode line is gone" $([[ $rc -eq 1 && $out != *"mode:"* && $out == *"1 difference:"* ]]; echo $?) "$out"
run $B/policyc diff --ignore-mode "$T/b.json" "$T/a.json"
check "diff B A: the same difference, the other way round" \
	$(grep -qx '< exec /usr/bin/nc: A allow, B deny' <<<"$out"; echo $?) "$out"
run $B/policyc diff --json "$T/a.json" "$T/b.json"
check "diff --json: exit 1 and a document saying so" \
	$([[ $rc -eq 1 && $out == *'"same": false'* && $out == *'"more_permissive": "b"'* && $out == *'"path": "/usr/bin/nc"'* ]]; echo $?) "$out"
run $B/policyc diff --json "$T/a.json" "$T/same.json"
check "diff --json: exit 0 and same" $([[ $rc -eq 0 && $out == *'"same": true'* && $out == *'"differences": []'* ]]; echo $?) "$out"

# Trouble is 2, whatever the cause, with the reason on stderr.
printf '{"name": "x", "mode": "enforce", "exec": {"default": "maybe"}}\n' >"$T/bad.json"
run $B/policyc diff "$T/a.json" "$T/bad.json"
check "diff: an invalid profile exits 2 with its file:line:column" \
	$([[ $rc -eq 2 && $out == *"$T/bad.json:1:"*"exec.default"* ]]; echo $?) "rc=$rc out=$out"
run $B/policyc diff "$T/a.json" "$T/missing.json"
check "diff: a missing file exits 2 naming it" $([[ $rc -eq 2 && $out == *"$T/missing.json"* ]]; echo $?) "rc=$rc out=$out"
run $B/policyc diff "$T/a.json"
check "diff: one profile is a usage error (2)" $([[ $rc -eq 2 && $out == *"expected two profiles"* ]]; echo $?) "rc=$rc out=$out"
run $B/policyc diff --frob "$T/a.json" "$T/b.json"
check "diff: an unknown option exits 2" $([[ $rc -eq 2 ]]; echo $?) "rc=$rc out=$out"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
