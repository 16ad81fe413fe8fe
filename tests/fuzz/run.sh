#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the policy fuzzer (libFuzzer + ASan + UBSan) into build/fuzz/ and run
# it for a bounded time. Exit status 0 only if nothing crashed, leaked, timed
# out or tripped a sanitizer.
#
# usage: tests/fuzz/run.sh            (FUZZ_SECONDS=60 by default)
#        FUZZ_SECONDS=600 tests/fuzz/run.sh
#        tests/fuzz/run.sh build/fuzz/crash-...   (replay one input)
#
# The tracked seeds (tests/fuzz/corpus/ and the unit-test fixtures) are
# copied to build/fuzz/corpus/ and the fuzzer grows only that copy, so a run
# never changes the repository.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

CLANG=${CLANG:-clang}
secs=${FUZZ_SECONDS:-60}
out=build/fuzz
bin=$out/fuzz_policy
log=$out/fuzz.log

if ! [[ $secs =~ ^[0-9]+$ ]] || [[ $secs -lt 1 ]]; then
	echo "fuzz: FUZZ_SECONDS must be a positive number of seconds, got '$secs'" >&2
	exit 2
fi
if ! command -v "$CLANG" >/dev/null; then
	echo "fuzz: $CLANG not found (Debian: clang, libclang-rt-14-dev)" >&2
	exit 1
fi

mkdir -p "$out"
"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -Icommon -Ipolicyc \
	tests/fuzz/fuzz_policy.c policyc/parse.c policyc/json_pos.c policyc/path_check.c \
	policyc/canonical.c policyc/explain.c common/baseline.c -ljansson -o "$bin"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

if [[ $# -gt 0 ]]; then
	exec "$bin" "$@"
fi

rm -rf "$out/corpus"
mkdir -p "$out/corpus"
cp tests/fuzz/corpus/* "$out/corpus/"
for f in tests/unit/policies/*.json tests/unit/policies/invalid/*.json policies/*.json; do
	[[ -f $f ]] && cp "$f" "$out/corpus/seed-$(echo "$f" | tr '/' '_')"
done

echo "fuzz: running $bin for ${secs}s (log: $log)"
rc=0
"$bin" -max_total_time="$secs" -detect_leaks=1 -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
	-dict=tests/fuzz/policy.dict -artifact_prefix="$out/" -print_final_stats=1 \
	"$out/corpus" >"$log" 2>&1 || rc=$?

grep -E '^#[0-9]+ +DONE|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb|new_units_added)' "$log" || true
if [[ $rc -ne 0 ]] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: |invariant broken' "$log"; then
	echo "fuzz: FAILED (exit status $rc); the end of $log:" >&2
	tail -n 60 "$log" >&2
	ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-* 2>/dev/null | sed 's/^/fuzz: reproducer: /' >&2 || true
	exit 1
fi
echo "fuzz: ok"
