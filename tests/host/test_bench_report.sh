#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/bench/report.py's "Beside AppArmor" section from made-up bench logs:
# the targets are computed from the rounds (met and not met), a
# configuration whose check failed is said to be untimed, a boot without
# AppArmor says its rows were skipped, and a log without the section leaves
# the targets "not measured". Also bench.sh's refusal of a section or depth
# it does not know (before it touches anything). Prints PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.."
# shellcheck source=tests/host/lib/check.sh
. tests/host/lib/check.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
: >"$T/compile.tsv"

# op ROUND CFG DEPTH NS [AT]: one timed loop's record.
op() { echo "@@BENCH kind=op phase=apparmor round=$1 cfg=$2 op=openclose depth=$3${5:+ at=$5} ns=$4"; }
meta() { echo "@@BENCH kind=meta kernel=6.1.0-test lsm=lockdown,capability,landlock,apparmor,bpf cpus=1 rounds=4 n_open=30000 n_stat=1 n_fork=1 n_conn=1 sections=apparmor"; }
aameta() { echo "@@BENCH kind=aameta lsm=lockdown,capability,landlock,apparmor,bpf apparmor=$1 parser=/usr/sbin/apparmor_parser parser_version=3.0.8 enter=/proc/self/attr/apparmor/exec rounds=3 depths=3,10 n_open=30000"; }

# Three rounds. Depth 3: enforcer's deny-list costs 1.2x AppArmor's in its
# fastest round (in rounds 2 and 3 the host was busy: 2000 ns, so the
# median round says 1.8x), its allow-list 0.9x; depth 10: deny-list 0.95x,
# allow-list 1.1x. Enforcer loaded and unconfined: 1.01x nothing confined.
# aa_allow fails its check in round 2, so it has no time there.
{
	meta
	aameta active
	for r in 1 2 3; do
		for d in 3 10; do
			op $r none $d 1000 start
			op $r aa_loaded $d 1000
			op $r aa_deny $d 1100
			[ $r = 2 ] || op $r aa_allow $d 1000
			op $r none $d 1000 mid
			op $r enf_loaded $d 1010
			if [ $d = 3 ] && [ $r = 1 ]; then op $r enf_deny $d 1320; op $r enf_allow $d 900
			elif [ $d = 3 ]; then op $r enf_deny $d 2000; op $r enf_allow $d 900
			else op $r enf_deny $d 1045; op $r enf_allow $d 1100; fi
			op $r none $d 1000 end
		done
		for c in none none none aa_loaded aa_deny enf_loaded enf_deny enf_allow; do
			echo "@@BENCH kind=aacheck round=$r cfg=$c result=ok"
		done
		if [ $r = 2 ]; then res=fail; else res=ok; fi
		echo "@@BENCH kind=aacheck round=$r cfg=aa_allow result=$res"
	done
} >"$T/active.log"
# ctx: the report's lines about this section, as a failure's detail.
ctx() { grep -E 'AppArmor|enforcer|nothing confined|^\| [0-9]+ \||Error' <<<"$out" | cut -c1-220; }
out=$(python3 tests/bench/report.py "$T/compile.tsv" "k=$T/active.log" 2>&1)
target() { grep -F "| k | open+close depth $1" <<<"$out" | grep -F "$2"; }
check "report: enforcer deny-list 1.2x AppArmor's at depth 3 (fastest rounds) is not met" \
	$(target 3 "enforcer deny-list / AppArmor deny-list" | grep -qF '| ≤ 1.00× | 1.200× | **not met** |'; echo $?) "$(ctx)"
check "report: enforcer allow-list 0.9x AppArmor's at depth 3 is met" \
	$(target 3 "enforcer allow-list / AppArmor allow-list" | grep -qF '| ≤ 1.00× | 0.900× | met |'; echo $?) "$(ctx)"
check "report: enforcer deny-list 0.95x AppArmor's at depth 10 is met" \
	$(target 10 "enforcer deny-list / AppArmor deny-list" | grep -qF '| 0.950× | met |'; echo $?) "$(ctx)"
check "report: enforcer allow-list 1.1x AppArmor's at depth 10 is not met" \
	$(target 10 "enforcer allow-list / AppArmor allow-list" | grep -qF '| 1.100× | **not met** |'; echo $?) "$(ctx)"
check "report: enforcer loaded, unconfined 1.01x nothing confined is met" \
	$(target 3 "enforcer loaded, unconfined" | grep -qF '| ≤ 1.02× | 1.010× | met |'; echo $?) "$(ctx)"
check "report: a configuration whose check failed is said to be untimed in that round" \
	$(grep -F '| AppArmor allow-list' <<<"$out" | grep -qF '2 of 3 passed; **failed in round 2: not timed there**'; echo $?) "$(ctx)"
check "report: per configuration the fastest and median ns, and the ratios to nothing confined" \
	$(grep -F '| AppArmor deny-list' <<<"$out" | grep -qF '| 1,100 (1,100) | 1.100 | 1.100 / 1.100 / 1.100 |'; echo $?) "$(ctx)"
check "report: enforcer / AppArmor, fastest and per round (min / median / max)" \
	$(grep -qF '| 3 | deny-list | 1.200 | 1.200 / 1.818 / 1.818 |' <<<"$out"; echo $?) "$(ctx)"
check "report: what each adds over nothing confined (deny-list, depth 3: 0.32 / 0.10)" \
	$(grep -F '| 3 | deny-list |' <<<"$out" | grep -qF '| 3.20 |'; echo $?) "$(ctx)"

# A boot without AppArmor in the LSM list: enforcer rows only, said so.
{
	meta
	aameta apparmor-not-in-the-lsm-list
	for d in 3 10; do
		op 1 none $d 1000 start
		op 1 none $d 1000 mid
		op 1 enf_deny $d 1300
		op 1 none $d 1000 end
	done
} >"$T/skipped.log"
out=$(python3 tests/bench/report.py "$T/compile.tsv" "k=$T/skipped.log" 2>&1)
check "report: without AppArmor, its rows are skipped with a note naming why" \
	$(grep -qF '**AppArmor rows skipped in this boot** (apparmor not in the lsm list)' <<<"$out" &&
		grep -F '| AppArmor deny-list' <<<"$out" | grep -qF '| skipped | skipped | skipped |'; echo $?) "$(ctx)"
check "report: without AppArmor, the enforcer / AppArmor targets are not measured" \
	$(target 3 "enforcer deny-list / AppArmor deny-list" | grep -qF '| not measured | n/a |'; echo $?) "$(ctx)"
check "report: without AppArmor, enforcer's rows are still there" \
	$(grep -F '| enforcer `file.default: allow`' <<<"$out" | grep -qF '| 1,300 (1,300) | 1.300 | 1.300 / 1.300 / 1.300 |'; echo $?) "$(ctx)"

# A log from before the section (or a run without it): no section, targets not measured.
meta >"$T/none.log"
out=$(python3 tests/bench/report.py "$T/compile.tsv" "k=$T/none.log" 2>&1)
check "report: a log without the section has no such section and unmeasured targets" \
	$(! grep -qF 'Beside AppArmor' <<<"$out" &&
		[[ $(grep -cF '| not measured | n/a |' <<<"$(grep -F 'AppArmor' <<<"$out")") -eq 6 ]]; echo $?) "$(ctx)"

# The start target is judged on the TCG wall clock, the clock it was set on: an icount
# run's starts are a row not judged, and a start-only guest's (run.sh --icount boots one)
# are the judged row; one with no start recorded reads not met.
{
	meta
	for ms in 15800 15900 16000; do echo "@@BENCH kind=daemon event=start ms=$ms"; done
	echo "@@BENCH kind=clock icount=1"
} >"$T/icount.log"
{
	meta
	for ms in 5200 6100 9000; do echo "@@BENCH kind=daemon event=start ms=$ms"; done
} >"$T/start.log"
{
	meta
	for ms in 11000 12000 13000; do echo "@@BENCH kind=daemon event=start ms=$ms"; done
} >"$T/slow.log"
meta >"$T/nostart.log"
out=$(python3 tests/bench/report.py "$T/compile.tsv" "k=$T/icount.log" "k:start=$T/start.log" \
	"j=$T/icount.log" "j:start=$T/slow.log" "m=$T/icount.log" "m:start=$T/nostart.log" 2>&1)
check "report: the icount clock's start is shown, not judged" \
	$(grep -F '| k | enforcerd start, icount clock' <<<"$out" | grep -qF '| n/a | 15.9 s | not judged |'; echo $?) "$(ctx)"
check "report: the TCG wall clock's start is judged: met" \
	$(grep -F '| k | enforcerd start, TCG wall clock' <<<"$out" | grep -qF '(median of 3 starts, 5.2-9.0 s) | ≤ 10 s | 6.1 s | met |'; echo $?) "$(ctx)"
check "report: the TCG wall clock's start is judged: not met" \
	$(grep -F '| j | enforcerd start, TCG wall clock' <<<"$out" | grep -qF '| ≤ 10 s | 12.0 s | **not met** |'; echo $?) "$(ctx)"
check "report: a start guest that recorded no start is not met, and says where its log is" \
	$(grep -F '| m | enforcerd start, TCG wall clock' <<<"$out" | grep -qF '**not met**' &&
		grep -qF 'No start recorded' <<<"$out"; echo $?) "$(ctx)"

# bench.sh refuses what it does not know before it touches anything, and
# before it looks for the guest (so these lines never run it on the host:
# ENFORCER_MODE is not "bench" here).
out=$(BENCH_SECTIONS="apparmor bogus" sh tests/bench/bench.sh 2>&1)
rc=$?
check "bench.sh: an unknown BENCH_SECTIONS name is refused, naming the known ones" \
	$([[ $rc -eq 2 && $out == *"unknown section 'bogus' (known: main scale prog edit audit apparmor start)"* ]]; echo $?) "rc=$rc $out"
out=$(BENCH_SECTIONS=apparmor BENCH_AA_DEPTHS="3 2" sh tests/bench/bench.sh 2>&1)
rc=$?
check "bench.sh: a BENCH_AA_DEPTHS depth below 3 is refused" \
	$([[ $rc -eq 2 && $out == *"BENCH_AA_DEPTHS: '2' is not a depth of 3 to 99"* ]]; echo $?) "rc=$rc $out"
out=$(BENCH_SECTIONS=apparmor sh tests/bench/bench.sh 2>&1)
rc=$?
check "bench.sh: outside the bench guest it refuses to run" \
	$([[ $rc -eq 2 && $out == *"runs inside the bench guest only"* ]]; echo $?) "rc=$rc $out"
# boot.sh hands --bench-sections to the guest's command line: names only, and in bench mode only
# (refused before it builds or boots anything).
out=$(tests/vm/boot.sh --kernel bookworm --mode bench --bench-sections 'start;reboot' 2>&1)
rc=$?
check "boot.sh: --bench-sections takes section names only" \
	$([[ $rc -eq 2 && $out == *"takes names separated by commas"* ]]; echo $?) "rc=$rc $out"
out=$(tests/vm/boot.sh --kernel bookworm --bench-sections start 2>&1)
rc=$?
check "boot.sh: --bench-sections is for bench mode" \
	$([[ $rc -eq 2 && $out == *"is for --mode bench"* ]]; echo $?) "rc=$rc $out"
finish
