#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one system guest: a Debian system (systemd as PID 1) with its own
# kernel, from the image tests/vm/system-image.sh caches, plus a payload disk
# with the project's .deb and tests/system. The guest runs the tests once
# multi-user.target is reached and powers off; the verdict comes from the
# console's @@ENF markers, as for the initramfs guests (tests/vm/boot.sh).
#
# usage: tests/vm/system-boot.sh --suite NAME [--test NAME]... [--timeout S]
#                                [--vm-timeout S] [--log FILE] [--deb FILE] [--demo|--bench]
#   --suite NAME     bookworm (6.1) or trixie (6.12): the image and its kernel
#   --test NAME      run only this test of tests/system (repeatable)
#   --timeout S      limit per test inside the guest (default 300; demo: 600)
#   --vm-timeout S   limit for the whole qemu run (default: from the tests)
#   --log FILE       console log (default build/vm/<suite>-system.log;
#                    --bench: build/vm/<suite>-workloads.log)
#   --deb FILE       the package to test (default: what make deb built last)
#   --demo           no tests: the demo (tests/demo/nginx.sh, make demo), its
#                    transcript shown live; the guest gets both host cores
#   --bench          no tests: the workload benchmarks (tests/bench/workloads.sh,
#                    make bench) in the bench image (system-image.sh --bench),
#                    AppArmor in the LSM list; its progress shown live
#
# Prints "PASS <suite>-system/<test>" or "FAIL <suite>-system/<test> (<why>)"
# per test (the demo: one verdict, "demo"), the output of failed tests, and
# last "<suite>-system: N passed, N failed". Exit status 0 only if all passed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
export LC_ALL=C

usage() { sed -n '9,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

suite='' per_test='' vm_timeout='' log='' deb='' mode=test
tests=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--suite) suite=${2:?--suite needs bookworm or trixie}; shift 2 ;;
	--test) tests+=("${2:?--test needs a name}"); shift 2 ;;
	--timeout) per_test=${2:?--timeout needs seconds}; shift 2 ;;
	--vm-timeout) vm_timeout=${2:?--vm-timeout needs seconds}; shift 2 ;;
	--log) log=${2:?--log needs a file}; shift 2 ;;
	--deb) deb=${2:?--deb needs a file}; shift 2 ;;
	--demo) mode=demo; shift ;;
	--bench) mode=bench; shift ;;
	-h|--help) usage 0 ;;
	*) echo "system-boot.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
case $suite in
bookworm|trixie) ;;
'') echo "system-boot.sh: --suite NAME is required" >&2; usage ;;
*) echo "system-boot.sh: unknown suite '$suite' (bookworm, trixie)" >&2; exit 2 ;;
esac
if [[ $mode != test && ${#tests[@]} -gt 0 ]]; then
	echo "system-boot.sh: --$mode runs the $mode, not tests: drop --test" >&2
	exit 2
fi
if [[ -z $per_test ]]; then
	case $mode in demo) per_test=600 ;; bench) per_test=1500 ;; *) per_test=300 ;; esac
fi
for n in "$per_test" "$vm_timeout"; do
	[[ -z $n || $n =~ ^[1-9][0-9]*$ ]] || { echo "system-boot.sh: timeouts are whole seconds, got '$n'" >&2; exit 2; }
done

label=$suite-system
[[ $mode != bench ]] || label=$suite-workloads
passed=0 failed=0
pass() { echo "PASS $label/$1"; passed=$((passed + 1)); }
fail() { echo "FAIL $label/$1 ($2)"; failed=$((failed + 1)); }
finish() {
	echo "$label: $passed passed, $failed failed"
	[[ $failed -eq 0 ]]
	exit
}

# shellcheck source=tests/vm/markers.sh
. tests/vm/markers.sh
# shellcheck source=tests/vm/guest-cpu.sh
. tests/vm/guest-cpu.sh
test_dir=tests/system
if [[ $mode == test ]]; then
	select_tests || finish
fi

# ---- image ---------------------------------------------------------------------
image_args=("$suite")
[[ $mode != bench ]] || image_args=(--bench "$suite")
if ! image=$(tests/vm/system-image.sh "${image_args[@]}"); then
	fail boot "the $suite image could not be built (tests/vm/system-image.sh ${image_args[*]})"
	finish
fi

# ---- payload: what this run brings to the guest --------------------------------
# The .deb comes from this one place; a missing one is not the harness's
# failure but the tests' (they say "no .deb").
# make deb leaves build/deb/enforcer_current_<arch>.deb, a link to the
# package it built.
if [[ -z $deb ]]; then
	deb=build/deb/enforcer_current_$(dpkg --print-architecture).deb
	[[ -e $deb ]] || deb=''
fi
if [[ -n $deb ]]; then
	[[ -f $deb ]] || { fail payload "--deb $deb: no such file"; finish; }
	deb=$(realpath "$deb")
fi

mkdir -p build/vm
stage=$(mktemp -d "build/vm/.$label-payload.XXXXXX")
payload=build/vm/$label-payload.ext4
trap 'rm -rf "$stage"' EXIT
install -m 755 tests/vm/system-runner "$stage/run-system-tests"
mkdir -p "$stage/tests" "$stage/deb"
cp -a tests/system tests/lib tests/demo "$stage/tests/"
[[ $mode != bench ]] || cp -a tests/bench "$stage/tests/"
# Static helpers (enf-probe & co) for tests that need a stand-in program.
if [[ -d build/tests/guest ]]; then cp -a build/tests/guest "$stage/tests/guest"; fi
cp -a policies "$stage/policies"
[[ -z $deb ]] || cp "$deb" "$stage/deb/"
{
	echo "kernel=$suite"
	echo "tests=$(IFS=,; echo "${tests[*]}")"
	echo "timeout=$per_test"
	echo "mode=$mode"
} >"$stage/config"
size_mb=$(($(du -sm "$stage" | cut -f1) + 16))
if ! out=$(mkfs.ext4 -q -F -L enf-payload -d "$stage" "$payload" "${size_mb}M" 2>&1); then
	fail payload "mkfs.ext4 -d failed: $out"
	finish
fi

# ---- boot ------------------------------------------------------------------------
log=${log:-build/vm/$label.log}
mkdir -p "$(dirname "$log")"
# Boot to multi-user and power-off take 30-90 s under emulation on a busy
# host; the tests' own limits come on top.
if [[ -z $vm_timeout ]]; then
	if [[ $mode != test ]]; then vm_timeout=$((240 + per_test)); else vm_timeout=$(tests_budget 240 "$per_test"); fi
fi
# The tests of both suites run side by side, a core each; the demo boots
# alone and gets both (systemd starts units in parallel; TCG runs a thread per CPU).
# The workload benchmarks keep one, as the initramfs bench does: the load
# generator and the service share it, and a second guest's run disturbs less.
smp=1
[[ $mode == demo ]] && smp=$(($(nproc) > 1 ? 2 : 1))

# The same lsm= line and emulation settings as the initramfs guests
# (boot.sh: no_timer_check, oops=panic). -snapshot: every write goes to a
# temporary overlay, so the cached image stays as built.
lsm_list=lockdown,capability,landlock,bpf
# The workload benchmarks compare with AppArmor, so its LSM is on in that
# boot only; the profiles are the benchmark's own (tests/bench/apparmor/),
# not the distribution's, which apparmor.service would compile at every
# boot under emulation.
extra_append=''
[[ $mode != bench ]] || { lsm_list=lockdown,capability,landlock,apparmor,bpf; extra_append=' systemd.mask=apparmor.service'; }
# mitigations=off outside the benchmarks: boot.sh says why.
[[ $mode == bench ]] || extra_append+=' mitigations=off'
append="console=ttyS0 root=/dev/vda rw quiet lsm=$lsm_list panic=-1 oops=panic no_timer_check$extra_append"
qemu=(qemu-system-x86_64 -accel tcg -cpu "$(guest_cpu "$mode")" -m 1536 -smp "$smp" -nographic -no-reboot -snapshot
	-nic none -kernel "$image/vmlinuz" -initrd "$image/initrd.img" -append "$append"
	-drive "file=$image/rootfs.ext4,if=virtio,format=raw"
	-drive "file=$payload,if=virtio,format=raw")
# The benchmarks' clock counts guest instructions (4 ns each, about real
# time on these hosts), not host time: other guests loading the host's
# cores then slow the run down without changing what it measures (without
# it one configuration's throughput varied 4x between rounds of one boot).
# sleep=off: an idle guest's clock jumps to its next timer.
[[ $mode != bench ]] || qemu+=(-icount shift=2,sleep=off)

touch "$image/last-used"
start=$(date +%s.%N)
set +e
if [[ $mode == bench ]]; then
	# Progress for a human, live: the guest's "wl:" lines (the @@BENCH
	# records stay in the log for tests/bench/report.py).
	echo "workloads: booting Debian $suite ($(cat "$image/release" 2>/dev/null)) with AppArmor in the LSM list (log: $log)"
	timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 | sed -u 's/\r$//' | tee "$log" |
		awk '/^wl: / { print; fflush() }'
	qemu_rc=${PIPESTATUS[0]}
elif [[ $mode == demo ]]; then
	# For a human, live: from the guest's first marker on, what the demo
	# prints, without the markers, the boot report, or kernel messages (all
	# of it stays in the log).
	echo "demo: booting Debian $suite ($(cat "$image/release" 2>/dev/null)) to multi-user.target under qemu; the demo starts there (log: $log)"
	timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 | sed -u 's/\r$//' | tee "$log" |
		awk '/@@ENF /{ on = 1 } on && !/@@ENF / && !/^boot\| / && !/^\[ *[0-9]+\.[0-9]+\] / { print; fflush() }'
	qemu_rc=${PIPESTATUS[0]}
else
	timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 | sed 's/\r$//' >"$log"
	qemu_rc=${PIPESTATUS[0]}
fi
set -e
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')

# ---- verdict ---------------------------------------------------------------------
read_markers
# The boot hook says FATAL before any other marker when the payload disk
# is missing.
judge_fatal || finish
judge_booted "the system did not reach multi-user.target" || finish
lsm=$(marker_args LSM | head -n1)
release=$(marker_args KERNEL | head -n1)
read -r mu_s us_s < <(marker_args BOOT | head -n1) || true
echo "boot: $label ($release) reached multi-user.target after ${mu_s:-?}s guest uptime" \
	"(systemd started at ${us_s:-?}s); run took ${elapsed}s; LSMs: $lsm"
if [[ $mode != test ]]; then
	word=${mode^^}
	read -r status rc < <(marker_args "$word" | head -n1) || true
	case ${status:-} in
	PASS) pass "$mode" ;;
	FAIL) fail "$mode" "exit status $rc: a step did not behave as shown (above)" ;;
	*)
		if [[ $timed_out -eq 1 ]]; then fail "$mode" "qemu timed out after ${vm_timeout}s"
		else fail "$mode" "no verdict: the guest stopped before the end (qemu exit $qemu_rc)"; fi
		show_tail 30
		;;
	esac
else
	judge_tests "$per_test"
fi
finish
