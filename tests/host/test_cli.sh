#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Host-side tests of the binaries' behaviour that needs no BPF-LSM: error
# messages and exit codes, and enforcerd's refusal on a kernel that cannot
# enforce (this build machine: lockdown). Prints PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.."
B=build/bin
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0

check() { # NAME CONDITION-RESULT(0/1) DETAIL
	if [[ $2 -eq 0 ]]; then echo "PASS $1"; passed=$((passed + 1)); else echo "FAIL $1: $3"; failed=$((failed + 1)); fi
}

# run CMD...: sets rc and out (stdout+stderr)
run() { out=$("$@" 2>&1); rc=$?; }

run $B/enforcerctl --socket "$T/none.sock" status
check "enforcerctl without a daemon exits 3" $([[ $rc -eq 3 ]]; echo $?) "rc=$rc out=$out"
check "enforcerctl without a daemon says so" $([[ $out == *"cannot reach enforcerd at $T/none.sock"*"Is enforcerd running"* ]]; echo $?) "$out"

run $B/enforcerctl frobnicate
check "unknown command exits 2" $([[ $rc -eq 2 && $out == *"unknown command 'frobnicate'"* ]]; echo $?) "rc=$rc out=$out"
run $B/enforcerctl attach onlyone
check "missing argument exits 2 with the synopsis" $([[ $rc -eq 2 && $out == *"attach PROFILE CGROUP"* ]]; echo $?) "rc=$rc out=$out"
run $B/enforcerctl --socket "$T/none.sock" load "$T/missing.pol"
check "load of a missing file exits 3 and names it" $([[ $rc -eq 3 && $out == *"$T/missing.pol"* ]]; echo $?) "rc=$rc out=$out"

# learn: generation from an observations file, and usage errors (docs/learn.md).
printf '%s\n' '{"kind":"exec","path":"/bin/app"}' '{"kind":"file","access":["read"],"path":"/etc/app.conf"}' \
	'{"kind":"net","op":"connect","family":"inet4","proto":"tcp","addr":"10.0.0.1","port":443}' >"$T/obs.jsonl"
run $B/policyc generate "$T/obs.jsonl" --name app --mode enforce -o "$T/app.json"
check "policyc generate writes a profile" $([[ $rc -eq 0 && -s $T/app.json ]]; echo $?) "rc=$rc out=$out"
run $B/policyc compile "$T/app.json" -o "$T/app.pol"
check "the generated profile compiles" $([[ $rc -eq 0 ]]; echo $?) "$out"
run $B/policyc generate - --name app --mode enforce <"$T/obs.jsonl"
check "policyc generate reads stdin, same text" $([[ $rc -eq 0 && $out == "$(cat "$T/app.json")" ]]; echo $?) "$out"
printf '%s\n' '{"kind":"exec","path":"/bin/app"}' '{"kind":"exec"' >"$T/bad.jsonl"
run $B/policyc generate "$T/bad.jsonl"
check "policyc generate: a malformed line exits 1 naming file and line" \
	$([[ $rc -eq 1 && $out == *"$T/bad.jsonl:line 2"* ]]; echo $?) "rc=$rc out=$out"
run $B/policyc generate "$T/obs.jsonl" --subtree-threshold many
check "policyc generate: a bad threshold exits 2" $([[ $rc -eq 2 && $out == *"--subtree-threshold"* ]]; echo $?) "rc=$rc out=$out"
run $B/enforcerctl learn start app
check "enforcerctl learn start without --cgroup exits 2" $([[ $rc -eq 2 && $out == *"--cgroup CGROUP"* ]]; echo $?) "rc=$rc out=$out"
run $B/enforcerctl learn frob
check "enforcerctl learn: unknown verb exits 2" $([[ $rc -eq 2 && $out == *"start, status, profile or stop"* ]]; echo $?) "rc=$rc out=$out"
run $B/enforcerctl learn stop app --mode learn
check "enforcerctl learn stop: --mode learn is refused" $([[ $rc -eq 2 && $out == *"audit or enforce"* ]]; echo $?) "rc=$rc out=$out"

# enforcerd must agree with the support ladder, in one message.
run $B/enforcerctl check
check_rc=$rc check_out=$out
run timeout 10 $B/enforcerd --socket "$T/d.sock" --audit-log "$T/audit.log"
if [[ $check_rc -ne 0 ]]; then
	check "enforcerd exits 1 where the kernel cannot enforce" $([[ $rc -eq 1 ]]; echo $?) "rc=$rc out=$out"
	check "enforcerd prints exactly one line" $([[ $(wc -l <<<"$out") -eq 1 ]]; echo $?) "$out"
	check "enforcerd says it cannot enforce and why" \
		$([[ $out == *"cannot enforce on this kernel"* && ( $out == *lockdown* || $out == *'"bpf"'* || $out == *BTF* ) ]]; echo $?) "$out"
	check "enforcerd prints no raw libbpf output" $([[ $out != *"libbpf:"* ]]; echo $?) "$out"
	if [[ $check_out == *"lockdown"*"integrity"* || $check_out == *"lockdown          integrity"* ]]; then
		check "under lockdown the message names lockdown and the fix" \
			$([[ $out == *'lockdown mode "integrity"'* && $out == *"boot"* ]]; echo $?) "$out"
	fi
else
	# A host that can enforce: the daemon must come up and answer.
	check "enforcerd runs where the kernel can enforce" $([[ $rc -eq 124 ]]; echo $?) "rc=$rc out=$out"
fi

# policyc: malformed JSON carries file:line:column; output is deterministic.
printf '{"name":"web",\n  "mode": "enforce",\n  "exec": {"default": "allow" "rules": []}}\n' >"$T/bad.json"
run $B/policyc compile "$T/bad.json" -o "$T/bad.pol"
check "policyc: malformed JSON exits 1" $([[ $rc -eq 1 ]]; echo $?) "rc=$rc"
check "policyc: error names file:line:column" $([[ $out == *"$T/bad.json:3:"* ]]; echo $?) "$out"
check "policyc: no bundle written on error" $([[ ! -e $T/bad.pol ]]; echo $?) "$T/bad.pol exists"

cp policies/web-exec.json "$T/web.json"
run $B/policyc compile "$T/web.json" -o "$T/a.pol"
check "policyc compiles the example profile" $([[ $rc -eq 0 ]]; echo $?) "$out"
run $B/policyc compile "$T/web.json" -o "$T/b.pol"
check "policyc output is deterministic" $(cmp -s "$T/a.pol" "$T/b.pol"; echo $?) "bundles differ"
run $B/policyc dump "$T/a.pol"
check "policyc dump shows the rules with file:line" $([[ $rc -eq 0 && $out == *"$T/web.json:7:7"* && $out == *"/usr/bin/wget"* ]]; echo $?) "$out"

# Lifecycle verbs and options: usage errors never reach a daemon.
run $B/enforcerctl rule add web exec
check "rule add without the rule exits 2 with the synopsis" $([[ $rc -eq 2 && $out == *"rule add PROFILE"* ]]; echo $?) "rc=$rc out=$out"
run $B/enforcerctl rule frob
check "rule with an unknown verb exits 2" $([[ $rc -eq 2 ]]; echo $?) "rc=$rc out=$out"
run $B/enforcerctl shutdown --now
check "shutdown with an unknown option exits 2" $([[ $rc -eq 2 && $out == *"--remove-enforcement"* ]]; echo $?) "rc=$rc out=$out"
run $B/enforcerctl events --bogus
check "events with an unknown option exits 2" $([[ $rc -eq 2 ]]; echo $?) "rc=$rc out=$out"
# events --count: a number 0-256 (the daemon keeps 256), checked before the daemon is asked.
for bad in abc 12x '' -1 257 99999999999999999999; do
	run $B/enforcerctl --socket "$T/none.sock" events --count "$bad"
	check "events --count '$bad' exits 2 naming the option and its range" \
		$([[ $rc -eq 2 && $out == *"--count takes a number of events 0-256"*"'$bad'"* ]]; echo $?) "rc=$rc out=$out"
done
for good in 0 256; do # control: a number in range gets as far as the (missing) daemon
	run $B/enforcerctl --socket "$T/none.sock" events --count $good
	check "events --count $good is accepted (exit 3: no daemon)" \
		$([[ $rc -eq 3 && $out == *"cannot reach enforcerd"* ]]; echo $?) "rc=$rc out=$out"
done
printf 'status\nmode web "unterminated\n' >"$T/batch.txt"
run $B/enforcerctl --socket "$T/none.sock" batch "$T/batch.txt"
check "batch: an unterminated quote is a usage error, a missing daemon exit 3" \
	$([[ $rc -eq 3 && $out == *"unterminated quote"* ]]; echo $?) "rc=$rc out=$out"
run $B/enforcerd --harden=maybe
check "enforcerd --harden takes on, off or strict" $([[ $rc -eq 2 && $out == *"on, off or strict"* ]]; echo $?) "rc=$rc out=$out"
run $B/enforcerd --pin-dir relative/dir
check "enforcerd wants absolute directories" $([[ $rc -eq 2 && $out == *"absolute"* ]]; echo $?) "rc=$rc out=$out"
run $B/enforcerd --cleanup --pin-dir "$T/pins" --state-dir "$T/state" --socket "$T/none.sock"
check "enforcerd --cleanup with nothing to remove succeeds" $([[ $rc -eq 0 && $out == *"removed all enforcement"* ]]; echo $?) "rc=$rc out=$out"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
