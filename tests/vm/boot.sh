#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one guest kernel under qemu (TCG) with the project in its initramfs,
# run a job there, and judge the result from the console's @@ENF markers.
#
# usage: tests/vm/boot.sh --kernel NAME [--mode test|demo|bench] [--test NAME]...
#                         [--timeout S] [--vm-timeout S] [--log FILE] [--initrd FILE] [--icount]
#                         [--bench-sections LIST] [--smp N]
#   --kernel NAME    a kernel under .cache/kernels/ (bookworm, trixie; fetched if missing)
#   --mode MODE      test (default): tests/integration/*.sh; demo; bench
#   --test NAME      run only this test (repeatable; NAME is the file name without .sh)
#   --timeout S      limit per test (demo/bench: for the whole script) inside the guest
#   --vm-timeout S   limit for the whole qemu run (default: from the number of tests)
#   --log FILE       console log (default build/vm/<kernel>-<mode>.log)
#   --initrd FILE    use this initramfs instead of building build/vm/initramfs.cpio.gz
#   --icount         (bench) the guest's clock counts its instructions, 4 ns each
#                    (qemu -icount shift=2,sleep=off): figures no longer move with
#                    the host's load, and a program's ns per call are instructions x 4
#   --bench-sections LIST  (bench) only these sections of tests/bench/bench.sh,
#                    comma-separated (its BENCH_SECTIONS)
#   --smp N          N virtual CPUs (default: 1; tests: 2, the second offline until a test
#                    brings it up)
#
# Prints "PASS <kernel>/<test>" or "FAIL <kernel>/<test> (<why>)" per test,
# the output of failed tests, and last "<kernel>: N passed, N failed".
# Exit status 0 only if everything passed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
export LC_ALL=C

usage() { sed -n '6,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

kernel='' mode=test per_test='' vm_timeout='' log='' initrd='' icount=0 bench_sections='' smp=''
tests=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) kernel=${2:?--kernel needs a name}; shift 2 ;;
	--mode) mode=${2:?--mode needs test, demo or bench}; shift 2 ;;
	--test) tests+=("${2:?--test needs a name}"); shift 2 ;;
	--timeout) per_test=${2:?--timeout needs seconds}; shift 2 ;;
	--vm-timeout) vm_timeout=${2:?--vm-timeout needs seconds}; shift 2 ;;
	--log) log=${2:?--log needs a file}; shift 2 ;;
	--initrd) initrd=${2:?--initrd needs a file}; shift 2 ;;
	--icount) icount=1; shift ;;
	--bench-sections) bench_sections=${2:?--bench-sections needs a list}; shift 2 ;;
	--smp) smp=${2:?--smp needs a number of CPUs}; shift 2 ;;
	-h|--help) usage 0 ;;
	*) echo "boot.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[[ -n $kernel ]] || { echo "boot.sh: --kernel NAME is required" >&2; usage; }
case $mode in test|demo|bench) ;; *) echo "boot.sh: --mode must be test, demo or bench" >&2; exit 2 ;; esac
[[ $icount = 0 || $mode = bench ]] || { echo "boot.sh: --icount is for --mode bench (tests keep the real clock)" >&2; exit 2; }
[[ -z $bench_sections || $mode = bench ]] || { echo "boot.sh: --bench-sections is for --mode bench" >&2; exit 2; }
[[ -z $bench_sections || $bench_sections =~ ^[a-z]+(,[a-z]+)*$ ]] ||
	{ echo "boot.sh: --bench-sections takes names separated by commas (main,start), got '$bench_sections'" >&2; exit 2; }
# Tests get a second CPU, offline (maxcpus=1 below) until a test that races
# two tasks (93) brings it up. Only then: under TCG a CPU can run code
# another CPU has just patched (an attach or detach rewrites the hook's
# entry with int3 and text_poke_bp) from a stale translation, and the guest
# dies of an int3 in bpf_lsm_*() (seen on 6.12 with two CPUs online
# throughout, 2026-12-07). guest-init takes it down again before every
# test. The benchmarks keep one.
if [[ -z $smp ]]; then
	smp=1
	[[ $mode != test || $(nproc) -lt 2 ]] || smp=2
fi
[[ $smp =~ ^[1-8]$ ]] || { echo "boot.sh: --smp takes 1 to 8 CPUs, got '$smp'" >&2; exit 2; }
for n in "$per_test" "$vm_timeout"; do
	[[ -z $n || $n =~ ^[1-9][0-9]*$ ]] || { echo "boot.sh: timeouts are whole seconds, got '$n'" >&2; exit 2; }
done

passed=0 failed=0
pass() { echo "PASS $kernel/$1"; passed=$((passed + 1)); }
fail() { echo "FAIL $kernel/$1 ($2)"; failed=$((failed + 1)); }
finish() {
	echo "$kernel: $passed passed, $failed failed"
	[[ $failed -eq 0 ]]
	exit
}

# ---- what to run -------------------------------------------------------------
# select_tests, tests_budget, read_markers, judge_*: shared with system-boot.sh.
# shellcheck source=tests/vm/markers.sh
. tests/vm/markers.sh
# shellcheck source=tests/vm/guest-cpu.sh
. tests/vm/guest-cpu.sh
test_dir=tests/integration
expected=()
if [[ $mode == test ]]; then
	select_tests || finish
fi

# ---- kernel and initramfs ------------------------------------------------------
kdir=.cache/kernels/$kernel
if [[ ! -s $kdir/vmlinuz ]]; then
	tests/vm/fetch-kernels.sh "$kernel" >&2 || { fail boot "kernel '$kernel' could not be fetched"; finish; }
fi
mkdir -p build/vm
if [[ -z $initrd ]]; then
	initrd=build/vm/initramfs.cpio.gz
	tests/vm/mkinitramfs.sh "$initrd"
fi
[[ -s $initrd ]] || { fail boot "initramfs $initrd missing"; finish; }
log=${log:-build/vm/$kernel-$mode.log}
mkdir -p "$(dirname "$log")"

# Whole-run bound: boot plus every test's own limit, capped at 40 minutes
# (tests_budget; the kernels boot side by side, so this also bounds the
# whole stage, well inside CI's 90). Demo and bench get a guest limit that
# ends before the cap, so their own verdict still comes back. The whole
# bench on bookworm under icount took more than 1080 guest seconds on
# 2026-12-07 (a daemon start per AppArmor round, 16 s each): 1800.
if [[ $mode != test && -z $per_test ]]; then
	per_test=1800
fi
if [[ -z $vm_timeout ]]; then
	case $mode in
	test) vm_timeout=$(tests_budget 90 "${per_test:-120}") ;;
	*) vm_timeout=$((90 + per_test)) ;;
	esac
	((vm_timeout <= 2400)) || vm_timeout=2400
fi

# no_timer_check: under emulation on a busy host the kernel's early check of
# the IO-APIC timer can miss its window and panic ("IO-APIC + timer doesn't
# work"); seen on 6.1 with both kernels and other work sharing two cores.
# Bench mode also activates AppArmor (with no profile loaded it confines
# nothing): tests/bench/bench.sh measures enforcer beside it, in the same
# boot. Test and demo guests keep the LSM list a user of enforcer needs.
# mitigations=off (not for bench, which measures what a node pays): the
# emulated CPU has none of the flaws, but the kernels still build every
# indirect call into a retpoline, which TCG runs slowly; a guest's run is
# about an eighth shorter without (2026-12-07, bookworm, one guest: four
# tests in 39.5-39.9 s against 44.7-47.6 s).
lsm_list=lockdown,capability,landlock,bpf
[[ $mode != bench ]] || lsm_list=lockdown,capability,landlock,apparmor,bpf
append="console=ttyS0 quiet lsm=$lsm_list panic=-1 oops=panic no_timer_check"
[[ $mode == bench ]] || append+=" mitigations=off"
[[ $mode != test ]] || append+=" maxcpus=1"
append+=" enforcer.mode=$mode enforcer.kernel=$kernel"
[[ -z $per_test ]] || append+=" enforcer.timeout=$per_test"
[[ -z $bench_sections ]] || append+=" enforcer.bench=$bench_sections"
if [[ ${#tests[@]} -gt 0 ]]; then
	append+=" enforcer.tests=$(IFS=,; echo "${tests[*]}")"
fi

# -cpu: guest_cpu (tests/vm/guest-cpu.sh).
# TCG only: /dev/kvm exists on the CI machines but cannot boot a stock
# kernel there (tests/vm/README.md). -nic none: the tests need no network,
# and an emulated NIC with its boot ROM only slows the boot down.
# oops=panic above: an oops in a hook means the kernel state is suspect;
# the test that caused it then shows up as crashed instead of passing on.
qemu=(qemu-system-x86_64 -accel tcg -cpu "$(guest_cpu "$mode")" -m 1024 -smp "$smp" -nographic -no-reboot
	-nic none -kernel "$kdir/vmlinuz" -initrd "$initrd" -append "$append")
[[ $icount = 0 ]] || qemu+=(-icount shift=2,sleep=off)

demo_filter() {
	local on=0 l
	while IFS= read -r l; do
		if [[ $on -eq 0 ]]; then
			[[ $l == *'@@ENF '* ]] || continue
			on=1
			l="@@ENF ${l#*@@ENF }"
		fi
		[[ $l =~ ^\[\ *[0-9]+\.[0-9]+\]\  ]] || printf '%s\n' "$l"
	done
}

start=$(date +%s.%N)
set +e
if [[ $mode != test ]]; then
	# Demo and bench are for a human, live: guest output as it comes,
	# without the firmware's screen codes before /init or the kernel's
	# timestamped messages (all of it stays in the log).
	timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 | sed -u 's/\r$//' | tee "$log" |
		demo_filter
	qemu_rc=${PIPESTATUS[0]}
else
	# A kernel that dies before /init never ran a test: under TCG on a busy
	# host 6.12 once took a double fault in start_kernel (cmpxchg16b in the
	# slab allocator, before any of this project's code). Boot it once more,
	# and say so; a second panic is a failure like any other.
	for attempt in 1 2; do
		timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 | sed 's/\r$//' >"$log"
		qemu_rc=${PIPESTATUS[0]}
		[[ $attempt -eq 1 ]] && ! grep -q '@@ENF LSM' "$log" && grep -q 'Kernel panic' "$log" || break
		cp "$log" "$log.panic"
		echo "boot: $kernel: the kernel panicked before /init ($(grep -m1 -o 'Oops: [^[]*\|Kernel panic - .*' "$log")); booting it once more (first log: $log.panic)"
	done
fi
set -e
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')

# ---- verdict ------------------------------------------------------------------
read_markers
lsm=$(marker_args LSM | head -n1)
release=$(marker_args KERNEL | head -n1)
boot_s=$(marker_args UPTIME | head -n1)
judge_booted "kernel did not boot" || finish
echo "boot: $kernel ($release) reached /init after ${boot_s}s guest uptime; run took ${elapsed}s; LSMs: $lsm"

judge_fatal || finish

if [[ $mode == test ]]; then
	judge_tests "${per_test:-120}"
else
	verdict=$(marker_args "$(tr '[:lower:]' '[:upper:]' <<<"$mode")" | head -n1)
	read -r status rc why <<<"${verdict:-}"
	case ${status:-} in
	PASS) pass "$mode" ;;
	FAIL) fail "$mode" "exit status $rc${why:+, $why}"; [[ $mode == demo ]] || show_tail 40 ;;
	*)
		if [[ $timed_out -eq 1 ]]; then
			fail "$mode" "qemu timed out after ${vm_timeout}s"
		else
			fail "$mode" "no verdict: the guest stopped before the end (qemu exit $qemu_rc)"
		fi
		show_tail 30
		;;
	esac
fi
finish
