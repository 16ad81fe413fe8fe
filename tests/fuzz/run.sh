#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build every fuzz target (libFuzzer + ASan + UBSan; the Makefile lists the
# targets and their sources) into build/fuzz/ and run them side by side for
# a bounded time. One line per target: "PASS fuzz/NAME (...)" or
# "FAIL fuzz/NAME: ..."; exit status 0 only if nothing crashed, leaked, timed
# out or tripped a sanitizer or an invariant.
#
# usage: tests/fuzz/run.sh [--no-build] [TARGET...]   (FUZZ_SECONDS=20 each by default)
#        FUZZ_SECONDS=300 tests/fuzz/run.sh           (what `make fuzz` does)
#        tests/fuzz/run.sh --replay TARGET FILE...    (run inputs once, e.g. a crash-*)
#   FUZZ_JOBS=N  targets run at once (default: all of them; this is what keeps
#                the smoke run in `make check` near FUZZ_SECONDS of wall time)
#
# Seeds: tests/fuzz/corpus/TARGET/ (small tracked files, regression inputs
# among them) plus what this tree makes: the unit-test policies and
# policies/*.json, compiled with the fresh policyc for the bundle reader.
# They are copied to build/fuzz/corpus/TARGET/ and the fuzzer grows only
# that copy, so a run never changes the repository.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
export LC_ALL=C

out=build/fuzz
secs=${FUZZ_SECONDS:-20}
build=1 replay=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--no-build) build=0; shift ;;
	--replay) replay=1; shift; break ;;
	-h|--help) sed -n '4,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "fuzz: unknown option '$1'" >&2; exit 2 ;;
	*) break ;;
	esac
done

if ! [[ $secs =~ ^[0-9]+$ ]] || [[ $secs -lt 1 ]]; then
	echo "fuzz: FUZZ_SECONDS must be a positive number of seconds, got '$secs'" >&2
	exit 2
fi
all=$(make --no-print-directory -s fuzz-targets)
if [[ $replay -eq 1 ]]; then
	targets=("${1:?--replay needs a TARGET and FILEs}")
	shift
else
	read -r -a targets <<<"${*:-$all}"
fi
for t in "${targets[@]}"; do
	if [[ " $all " != *" $t "* ]]; then
		echo "fuzz: no target '$t' (the Makefile's FUZZ_TARGETS: $all)" >&2
		exit 2
	fi
done
jobs=${FUZZ_JOBS:-${#targets[@]}}

if [[ $build -eq 1 ]]; then
	if ! command -v "${CLANG:-clang}" >/dev/null; then
		echo "fuzz: ${CLANG:-clang} not found (Debian: clang, libclang-rt-14-dev)" >&2
		exit 1
	fi
	# policyc compiles the bundle seeds.
	mkdir -p "$out"
	if ! make --no-print-directory -s -j2 build/bin/policyc "${targets[@]/#/$out/fuzz_}" >"$out/build.log" 2>&1; then
		echo "FAIL fuzz/build: make of the fuzz targets failed; the end of $out/build.log:"
		tail -n 30 "$out/build.log" | sed 's/^/    /'
		exit 1
	fi
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

if [[ $replay -eq 1 ]]; then
	exec "$out/fuzz_${targets[0]}" -close_fd_mask=0 "$@"
fi

# Per-target options: the longest input worth trying, and a dictionary if there is one.
max_len() {
	case $1 in
	bundle|policy|observations) echo 16384 ;;
	workload_id) echo 8192 ;; # past PATH_MAX
	*) echo 4096 ;;
	esac
}

seed() { # TARGET: fill build/fuzz/corpus/TARGET
	local t=$1 dir=$out/corpus/$1 f
	rm -rf "$dir"
	mkdir -p "$dir"
	[[ -d tests/fuzz/corpus/$t ]] && cp tests/fuzz/corpus/"$t"/* "$dir"/
	case $t in
	policy)
		for f in tests/unit/policies/*.json tests/unit/policies/invalid/*.json policies/*.json; do
			[[ -f $f ]] && cp "$f" "$dir/seed-$(tr '/' '_' <<<"$f")"
		done ;;
	bundle)
		for f in tests/unit/policies/*.json policies/*.json; do
			build/bin/policyc compile "$f" -o "$dir/seed-$(basename "$f" .json).pol" >/dev/null 2>&1 ||
				echo "fuzz: note: $f did not compile into a seed" >&2
		done ;;
	esac
}

run_one() { # TARGET: runs it, writes build/fuzz/TARGET.log and build/fuzz/TARGET.result
	local t=$1 log=$out/$1.log rc=0 dict=()
	[[ -f tests/fuzz/$t.dict ]] && dict=(-dict="tests/fuzz/$t.dict")
	rm -f "$out/$t".crash-* "$out/$t".leak-* "$out/$t".timeout-* "$out/$t".oom-*
	"$out/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
		"${dict[@]}" -artifact_prefix="$out/$t." -print_final_stats=1 "$out/corpus/$t" >"$log" 2>&1 || rc=$?
	local runs eps
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
	if [[ $rc -ne 0 ]] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: |invariant broken' "$log"; then
		{
			echo "FAIL fuzz/$t: exit status $rc; $log ends:"
			grep -E 'invariant broken|runtime error|ERROR: |SUMMARY: ' "$log" | head -n 5 | sed 's/^/    /'
			ls "$out/$t".crash-* "$out/$t".leak-* "$out/$t".timeout-* "$out/$t".oom-* 2>/dev/null |
				sed "s|^|    reproducer (tests/fuzz/run.sh --replay $t FILE): |" || true
		} >"$out/$t.result"
	else
		echo "PASS fuzz/$t (${secs}s: ${runs:-?} runs, ${eps:-?} exec/s)" >"$out/$t.result"
	fi
}

mkdir -p "$out"
for t in "${targets[@]}"; do
	seed "$t"
done
echo "fuzz: ${#targets[@]} targets, ${secs}s each, $jobs at a time (logs: $out/TARGET.log)"
running=0
for t in "${targets[@]}"; do
	run_one "$t" &
	running=$((running + 1))
	if [[ $running -ge $jobs ]]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait

failed=0
for t in "${targets[@]}"; do
	cat "$out/$t.result"
	grep -q '^PASS ' "$out/$t.result" || failed=$((failed + 1))
done
exit $((failed > 0))
