#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/bench/run.sh [--kernel NAME]... [--no-boot] [--no-build] [--no-workloads] [--report-only] [--icount]
#                    [--out FILE]
#
# The benchmark suite (make bench; not part of make check):
#   1. builds;
#   2. times policyc compile on the host for 10 .. 100,000 rules;
#   3. boots each guest kernel in bench mode, one at a time (less noise),
#      which runs tests/bench/bench.sh inside the guest;
#   4. boots each kernel's system guest in bench mode (Debian with systemd,
#      the package installed; system-boot.sh --bench), one at a time, which
#      runs tests/bench/workloads.sh: nginx, redis and PostgreSQL under no
#      enforcement, AppArmor and the enforcer (build/vm/KERNEL-workloads.log);
#   5. writes docs/benchmarks.md from the compile timings and the
#      "@@BENCH" lines of each boot's console log (build/vm/KERNEL-bench.log).
# --no-boot reuses the last logs; --no-build skips make (and make
# deb-for-check); --no-workloads skips step 4 (its last logs are still
# reported); --report-only rewrites the report from the last compile
# timings and logs. --icount: step 3's guests count time in instructions
# (tests/vm/boot.sh --icount; step 4's always do): figures immune to the
# host's load, instructions x 4 ns. The daemon's start target was set on
# the TCG wall clock, so with --icount each kernel also boots a guest that
# only starts the daemon, on that clock (bench.sh's "start" section;
# build/vm/KERNEL-bench-start.log). For a trial of one part,
# tests/bench/local.conf (never committed) sets bench.sh's variables, e.g.
# BENCH_SECTIONS=apparmor: only enforcer beside AppArmor.
set -euo pipefail
cd "$(dirname "$0")/../.."

kernels=()
boot=1 build=1 compile=1 workloads=1 out=docs/benchmarks.md icount=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) kernels+=("${2:?--kernel needs a name}"); shift 2 ;;
	--no-boot) boot=0; shift ;;
	--icount) icount=(--icount); shift ;;
	--no-build) build=0; shift ;;
	--no-workloads) workloads=0; shift ;;
	--report-only) boot=0 build=0 compile=0; shift ;;
	--out) out=${2:?--out needs a file}; shift 2 ;;
	-h|--help) sed -n '4,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
[[ ${#kernels[@]} -gt 0 ]] || kernels=(bookworm trixie)
command -v python3 >/dev/null || { echo "run.sh: python3 is needed to write the report" >&2; exit 1; }

if [[ $build = 1 ]]; then
	make -j2
	# The workload boots install the package, as the system tests do.
	[[ $boot = 0 || $workloads = 0 ]] || make deb-for-check
fi

# ---- policyc compile time on the host ---------------------------------------------
work=build/bench
mkdir -p "$work"
tsv=$work/compile.tsv
now_ns() { date +%s%N; }

# compile_timing KIND RULES NFILE NEXEC NNET: median wall and CPU (user+sys)
# time of several runs into $tsv. CPU time is the steadier figure when the
# host's cores are shared with guest runs.
compile_timing() {
	local kind=$1 rules=$2 json=$work/p.json pol=$work/p.pol runs=5 walls=() cpus=() err t
	tests/bench/genprofile.sh "bench" "$3" "$4" "$5" /srv/bench/file >"$json"
	((rules < 10000)) || runs=3
	for ((i = 0; i < runs; i++)); do
		if ! err=$(build/bin/policyc compile "$json" -o "$pol" 2>&1 >/dev/null); then
			err=${err//$'\t'/ }
			printf '%s\t%s\tfail\t\t\t\t\tdoes not fit: %s\t\n' "$kind" "$rules" "${err#"$json":}" >>"$tsv"
			echo "  policyc $kind $rules: does not fit"
			return 0
		fi
		t=$({ TIMEFORMAT='%3R %3U %3S'; time build/bin/policyc compile "$json" -o "$pol" >/dev/null 2>&1; } 2>&1)
		read -r wall user sys <<<"$t"
		walls+=("$(awk -v w="$wall" 'BEGIN { printf "%.1f", w * 1000 }')")
		cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", (u + s) * 1000 }')")
	done
	local sw=($(printf '%s\n' "${walls[@]}" | sort -g)) sc=($(printf '%s\n' "${cpus[@]}" | sort -g))
	printf '%s\t%s\tok\t%s\t%s\t%s\t%s\t%s runs\t%s\n' "$kind" "$rules" "${sw[$((runs / 2))]}" \
		"${sw[0]}" "${sw[$((runs - 1))]}" "$(wc -c <"$pol")" "$runs" "${sc[$((runs / 2))]}" >>"$tsv"
	echo "  policyc $kind $rules: ${sw[$((runs / 2))]} ms wall, ${sc[$((runs / 2))]} ms CPU"
}

if [[ $compile = 1 ]]; then
	: >"$tsv"
	echo "policyc compile timing (host)"
	for n in 10 1000 10000 100000; do
		compile_timing file "$n" "$n" 0 0
		compile_timing exec "$n" 0 "$n" 0
		# 100,000 network rules exceed the prefix limit (ENF_MAX_NET_PREFIXES): policyc says so.
		compile_timing network "$n" 0 0 "$n"
		compile_timing mixed "$n" $((n / 3 + n % 3)) $((n / 3)) $((n / 3))
	done
	compile_timing file 262144 262144 0 0   # the most one profile may hold (POLICY_RULES_MAX)
fi

# ---- guest kernels, one at a time ---------------------------------------------------
logs=()
for k in "${kernels[@]}"; do
	if [[ $boot = 1 ]]; then
		echo "bench boot: $k"
		tests/vm/boot.sh --kernel "$k" --mode bench "${icount[@]}" ||
			echo "run.sh: the $k bench boot failed; its log: build/vm/$k-bench.log" >&2
		# The guest cannot tell how its clock runs: the report reads it from here.
		echo "@@BENCH kind=clock icount=$([[ ${#icount[@]} -gt 0 ]] && echo 1 || echo 0)" >>"build/vm/$k-bench.log"
		rm -f "build/vm/$k-bench-start.log"
		if [[ ${#icount[@]} -gt 0 ]]; then
			echo "start boot (TCG wall clock): $k"
			tests/vm/boot.sh --kernel "$k" --mode bench --bench-sections start --log "build/vm/$k-bench-start.log" ||
				echo "run.sh: the $k start boot failed; its log: build/vm/$k-bench-start.log" >&2
		fi
	fi
	logs+=("$k=build/vm/$k-bench.log")
	[[ ! -f build/vm/$k-bench-start.log ]] || logs+=("$k:start=build/vm/$k-bench-start.log")
	# The system guest exists for the Debian suites only.
	case $k in bookworm | trixie) ;; *) continue ;; esac
	if [[ $boot = 1 && $workloads = 1 ]]; then
		echo "workload boot: $k"
		tests/vm/system-boot.sh --suite "$k" --bench ||
			echo "run.sh: the $k workload boot failed; its log: build/vm/$k-workloads.log" >&2
	fi
	logs+=("$k:workloads=build/vm/$k-workloads.log")
done

python3 tests/bench/report.py "$tsv" "${logs[@]}" >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
