#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one guest kernel under qemu (TCG) with the project in its initramfs,
# run a job there, and judge the result from the console's @@ENF markers.
#
# usage: tests/vm/boot.sh --kernel NAME [--mode test|demo|bench] [--test NAME]...
#                         [--timeout S] [--vm-timeout S] [--log FILE] [--initrd FILE]
#   --kernel NAME    a kernel under .cache/kernels/ (bookworm, trixie; fetched if missing)
#   --mode MODE      test (default): tests/integration/*.sh; demo; bench
#   --test NAME      run only this test (repeatable; NAME is the file name without .sh)
#   --timeout S      limit per test (demo/bench: for the whole script) inside the guest
#   --vm-timeout S   limit for the whole qemu run (default: from the number of tests)
#   --log FILE       console log (default build/vm/<kernel>-<mode>.log)
#   --initrd FILE    use this initramfs instead of building build/vm/initramfs.cpio.gz
#
# Prints "PASS <kernel>/<test>" or "FAIL <kernel>/<test> (<why>)" per test,
# the output of failed tests, and last "<kernel>: N passed, N failed".
# Exit status 0 only if everything passed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
export LC_ALL=C

usage() { sed -n '6,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

kernel='' mode=test per_test='' vm_timeout='' log='' initrd=''
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
	-h|--help) usage 0 ;;
	*) echo "boot.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[[ -n $kernel ]] || { echo "boot.sh: --kernel NAME is required" >&2; usage; }
case $mode in test|demo|bench) ;; *) echo "boot.sh: --mode must be test, demo or bench" >&2; exit 2 ;; esac
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
expected=()
if [[ $mode == test ]]; then
	missing=0
	for t in "${tests[@]}"; do
		if [[ ! -f tests/integration/$t.sh ]]; then
			fail "$t" "no such test: tests/integration/$t.sh"
			missing=1
		elif [[ $t == lib* || $t == _* ]]; then
			fail "$t" "tests/integration/$t.sh is a helper (lib*.sh, _*.sh), not a test"
			missing=1
		fi
	done
	[[ $missing -eq 0 ]] || finish
	# Same order as the guest's glob (byte order: LC_ALL=C).
	for f in tests/integration/*.sh; do
		[[ -f $f ]] || continue
		t=${f##*/}; t=${t%.sh}
		# lib*.sh and _*.sh are helpers the tests source (as in guest-init).
		[[ $t != lib* && $t != _* ]] || continue
		if [[ ${#tests[@]} -gt 0 ]]; then
			[[ " ${tests[*]} " == *" $t "* ]] || continue
		fi
		expected+=("$t")
	done
	if [[ ${#expected[@]} -eq 0 ]]; then
		fail tests "no tests in tests/integration/*.sh"
		finish
	fi
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
# so a wedged guest never holds CI for long (the kernels boot side by side,
# so this also bounds the whole stage, well inside CI's 90). Demo and bench get a guest
# limit that ends before the cap, so their own verdict still comes back.
if [[ $mode != test && -z $per_test ]]; then
	per_test=1080
fi
if [[ -z $vm_timeout ]]; then
	case $mode in
	test)
		vm_timeout=$((90 + ${#expected[@]} * (${per_test:-120} + 10)))
		# Tests that ask for more time than the default (guest-init reads the same line).
		for t in "${expected[@]}"; do
			own=$(sed -n 's/^# enforcer-test: timeout=\([0-9][0-9]*\)$/\1/p' "tests/integration/$t.sh" | head -n1)
			[[ -z $own ]] || ((own <= ${per_test:-120})) || vm_timeout=$((vm_timeout + own - ${per_test:-120}))
		done
		;;
	*) vm_timeout=$((90 + per_test)) ;;
	esac
	((vm_timeout <= 2400)) || vm_timeout=2400
fi

# no_timer_check: under emulation on a busy host the kernel's early check of
# the IO-APIC timer can miss its window and panic ("IO-APIC + timer doesn't
# work"); seen on 6.1 with both kernels and other work sharing two cores.
append="console=ttyS0 quiet lsm=lockdown,capability,landlock,bpf panic=-1 oops=panic no_timer_check"
append+=" enforcer.mode=$mode enforcer.kernel=$kernel"
[[ -z $per_test ]] || append+=" enforcer.timeout=$per_test"
if [[ ${#tests[@]} -gt 0 ]]; then
	append+=" enforcer.tests=$(IFS=,; echo "${tests[*]}")"
fi

# TCG only: /dev/kvm exists on the CI machines but cannot boot a stock
# kernel there (tests/vm/README.md). -nic none: the tests need no network,
# and an emulated NIC with its boot ROM only slows the boot down.
# oops=panic above: an oops in a hook means the kernel state is suspect;
# the test that caused it then shows up as crashed instead of passing on.
qemu=(qemu-system-x86_64 -accel tcg -cpu max -m 1024 -smp 1 -nographic -no-reboot
	-nic none -kernel "$kdir/vmlinuz" -initrd "$initrd" -append "$append")

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
	timeout -k 10 "$vm_timeout" "${qemu[@]}" </dev/null 2>&1 | sed 's/\r$//' >"$log"
	qemu_rc=${PIPESTATUS[0]}
fi
set -e
elapsed=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')

# ---- verdict ------------------------------------------------------------------
markers=$(grep -ao '@@ENF .*' "$log" || true)
marker_args() { awk -v m="$1" '$2 == m { sub(/^@@ENF [A-Z]+ ?/, ""); print }' <<<"$markers"; }

# Output of one test: its prefixed console lines, bounded so CI logs stay
# readable; the full log is named.
show_output() {
	awk -v p="$1| " 'index($0, p) == 1 { print "    " $0 }' "$log" | tail -n 200
}
# What the console showed from a test's start on, other than its own
# output: the head of a kernel panic or oops names the cause.
show_crash() {
	echo "    --- console after @@ENF BEGIN $1 ($log) ---"
	awk -v b="@@ENF BEGIN $1" -v p="$1| " '
		index($0, b) { on = 1; next }
		on && index($0, p) != 1 { print "    " $0 }' "$log" | head -n 50
}
show_tail() {
	echo "    --- last console lines ($log) ---"
	tail -n "${1:-30}" "$log" | sed 's/^/    /'
}

lsm=$(marker_args LSM | head -n1)
release=$(marker_args KERNEL | head -n1)
boot_s=$(marker_args UPTIME | head -n1)
timed_out=0
[[ $qemu_rc -ne 124 && $qemu_rc -ne 137 ]] || timed_out=1

if ! grep -q '^@@ENF LSM' <<<"$markers"; then
	if [[ $timed_out -eq 1 ]]; then
		fail boot "kernel did not boot: no @@ENF LSM marker within ${vm_timeout}s"
	else
		fail boot "kernel did not boot: no @@ENF LSM marker; qemu exit $qemu_rc"
	fi
	show_tail 40
	finish
fi
echo "boot: $kernel ($release) reached /init after ${boot_s}s guest uptime; run took ${elapsed}s; LSMs: $lsm"

fatal=$(marker_args FATAL | head -n1)
if [[ -n $fatal ]]; then
	fail boot "guest: $fatal"
	awk 'index($0, "dmesg| ") == 1 { print "    " $0 }' "$log"
	finish
fi

if [[ $mode == test ]]; then
	declare -A result=() began=()
	aborted=0
	order=()
	while read -r t; do
		[[ -n $t ]] || continue
		began[$t]=1
		order+=("$t")
	done < <(marker_args BEGIN)
	while read -r t status rc; do
		[[ -n $t ]] && result[$t]="$status $rc"
	done < <(marker_args RESULT)
	# Expected tests the guest never began are reported after those it ran.
	for t in "${expected[@]}"; do
		[[ -n ${began[$t]:-} ]] || order+=("$t")
	done
	for t in "${order[@]}"; do
		if [[ -z ${began[$t]:-} ]]; then
			if [[ $timed_out -eq 1 ]]; then
				fail "$t" "not run: qemu timed out before it"
			else
				fail "$t" "not run: the guest never began it"
			fi
			continue
		fi
		if [[ -z ${result[$t]:-} ]]; then
			if [[ $timed_out -eq 1 ]]; then
				fail "$t" "began but no RESULT: qemu timed out after ${vm_timeout}s (guest hung)"
			else
				fail "$t" "began but no RESULT: the guest crashed or powered off (qemu exit $qemu_rc)"
			fi
			show_output "$t"
			show_crash "$t"
			aborted=1
			continue
		fi
		read -r status rc <<<"${result[$t]}"
		case $status in
		PASS) pass "$t" ;;
		TIMEOUT) fail "$t" "TIMEOUT: killed after ${per_test:-120}s"; show_output "$t" ;;
		*) fail "$t" "exit status $rc"; show_output "$t" ;;
		esac
	done
	while read -r t; do
		[[ -n $t ]] && fail "$t" "the guest has no tests/integration/$t.sh (stale initramfs?)"
	done < <(marker_args MISSING)
	done_n=$(marker_args DONE | head -n1)
	# A missing DONE is its own failure only when no test already took the
	# blame for the guest stopping.
	if [[ -z $done_n && $aborted -eq 0 ]]; then
		if [[ $timed_out -eq 1 ]]; then
			fail vm "qemu timed out after ${vm_timeout}s: no @@ENF DONE"
		else
			fail vm "no @@ENF DONE: the guest stopped before finishing (qemu exit $qemu_rc)"
		fi
	elif [[ -n $done_n && $done_n -eq 0 ]]; then
		fail vm "zero tests ran in the guest"
	fi
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
