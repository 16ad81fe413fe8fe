#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The whole test run: host unit tests (and the fuzz smoke run, if any), then
# the integration tests inside every guest kernel, booted in parallel.
#
# usage: tests/run-all.sh [--unit-only|--vm-only] [--kernel NAME]... [--test NAME]...
#                         [--timeout S]
#   --kernel NAME  guest kernels to boot (default: bookworm trixie)
#   --test NAME    only this integration test (repeatable)
#   --timeout S    per-test limit inside the guests (default 120)
#
# Last line of output: "N passed, N failed". Exit status 0 only if nothing
# failed, no kernel failed to boot and nothing hung.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export LC_ALL=C
exec </dev/null

unit=1 vm=1 kernels=() boot_args=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--unit-only) vm=0; shift ;;
	--vm-only) unit=0; shift ;;
	--kernel) kernels+=("${2:?--kernel needs a name}"); shift 2 ;;
	--test) boot_args+=(--test "${2:?--test needs a name}"); shift 2 ;;
	--timeout) boot_args+=(--timeout "${2:?--timeout needs seconds}"); shift 2 ;;
	-h|--help) sed -n '6,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run-all: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[[ ${#kernels[@]} -gt 0 ]] || kernels=(bookworm trixie)
if [[ $unit -eq 0 && $vm -eq 0 ]]; then
	echo "run-all: --unit-only and --vm-only exclude each other" >&2
	exit 2
fi

passed=0 failed=0
indent() { sed 's/^/    /'; }

# ---- host: unit tests ------------------------------------------------------------
run_unit() {
	local src bin name out rc np nf line
	# A test source without its binary means the build is stale or broken;
	# silently running fewer tests would hide that.
	for src in tests/unit/test_*.c; do
		[[ -f $src ]] || continue
		name=$(basename "$src" .c)
		if [[ ! -x build/tests/unit/$name ]]; then
			echo "FAIL $name (not built: build/tests/unit/$name missing, run make)"
			failed=$((failed + 1))
		fi
	done
	# Host shell tests (tests/host/test_*.sh) speak the same PASS/FAIL lines.
	for bin in build/tests/unit/test_* tests/host/test_*.sh; do
		[[ -f $bin && -x $bin ]] || continue
		name=${bin##*/}
		name=${name%.sh}
		rc=0
		out=$(timeout -k 5 300 "$bin" 2>&1) || rc=$?
		np=$(grep -c '^PASS ' <<<"$out" || true)
		nf=$(grep -c '^FAIL ' <<<"$out" || true)
		while IFS= read -r line; do
			case $line in
			'PASS '* | 'FAIL '*) echo "${line%% *} $name/${line#* }" ;;
			esac
		done <<<"$out"
		passed=$((passed + np))
		failed=$((failed + nf))
		if [[ $rc -ne 0 && $nf -eq 0 ]]; then
			if [[ $rc -eq 124 ]]; then
				echo "FAIL $name (timed out after 300s)"
			else
				echo "FAIL $name (exit status $rc without a FAIL line)"
			fi
			failed=$((failed + 1))
		fi
		# The rest of a failing binary's output explains the failure.
		if [[ $rc -ne 0 || $nf -ne 0 ]]; then
			grep -Ev '^(PASS|FAIL) |^[0-9]+ passed, [0-9]+ failed$' <<<"$out" | tail -n 100 | indent || true
		fi
	done
	# The fuzz smoke run: every target side by side for FUZZ_SECONDS (20 s), one line each.
	if [[ -f tests/fuzz/run.sh ]]; then
		rc=0
		out=$(timeout -k 10 600 bash tests/fuzz/run.sh 2>&1) || rc=$?
		np=$(grep -c '^PASS ' <<<"$out" || true)
		nf=$(grep -c '^FAIL ' <<<"$out" || true)
		grep -E '^(PASS|FAIL) ' <<<"$out" || true
		passed=$((passed + np))
		failed=$((failed + nf))
		if [[ $rc -ne 0 && $nf -eq 0 ]]; then
			echo "FAIL fuzz (tests/fuzz/run.sh exit status $rc without a FAIL line)"
			failed=$((failed + 1))
		fi
		if [[ $rc -ne 0 || $nf -ne 0 ]]; then
			grep -Ev '^(PASS|FAIL) ' <<<"$out" | tail -n 60 | indent || true
		fi
	fi
}

# ---- guests: integration tests -------------------------------------------------------
run_vm() {
	local k rc line np nf
	local -A pids=() rcs=()
	local ok_kernels=()
	for k in "${kernels[@]}"; do
		# A kernel already in the cache (bookworm, trixie or one placed there
		# by hand) needs no fetch and no network.
		if [[ -s .cache/kernels/$k/vmlinuz ]] || tests/vm/fetch-kernels.sh "$k"; then
			ok_kernels+=("$k")
		else
			echo "FAIL $k/boot (kernel could not be fetched)"
			failed=$((failed + 1))
		fi
	done
	[[ ${#ok_kernels[@]} -gt 0 ]] || return 0
	mkdir -p build/vm
	# One initramfs for all kernels: it holds no modules, only user space.
	if ! tests/vm/mkinitramfs.sh build/vm/initramfs.cpio.gz; then
		echo "FAIL vm/initramfs (tests/vm/mkinitramfs.sh failed)"
		failed=$((failed + 1))
		return 0
	fi
	echo "vm: booting ${ok_kernels[*]} (side by side; logs: build/vm/<kernel>-test.log)"
	# Each TCG guest keeps one host core busy; they run side by side and
	# their reports are printed in order once all are done.
	for k in "${ok_kernels[@]}"; do
		tests/vm/boot.sh --kernel "$k" --initrd build/vm/initramfs.cpio.gz \
			--log "build/vm/$k-test.log" "${boot_args[@]}" >"build/vm/$k-test.out" 2>&1 &
		pids[$k]=$!
	done
	for k in "${ok_kernels[@]}"; do
		rc=0
		wait "${pids[$k]}" || rc=$?
		rcs[$k]=$rc
	done
	for k in "${ok_kernels[@]}"; do
		# The summary line is "<kernel>: N passed, N failed"; it is turned into
		# totals here and not echoed, so the last line stays the overall one.
		grep -vE "^$k: [0-9]+ passed, [0-9]+ failed$" "build/vm/$k-test.out" || true
		line=$(grep -E "^$k: [0-9]+ passed, [0-9]+ failed$" "build/vm/$k-test.out" | tail -n1 || true)
		if [[ -z $line ]]; then
			echo "FAIL $k/boot (tests/vm/boot.sh ended without a summary, exit status ${rcs[$k]})"
			failed=$((failed + 1))
			continue
		fi
		read -r np nf < <(sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"$line")
		echo "vm: $k: $np passed, $nf failed"
		passed=$((passed + np))
		failed=$((failed + nf))
		if [[ ${rcs[$k]} -ne 0 && $nf -eq 0 ]]; then
			echo "FAIL $k/boot (tests/vm/boot.sh exit status ${rcs[$k]})"
			failed=$((failed + 1))
		fi
	done
}

[[ $unit -eq 0 ]] || run_unit
[[ $vm -eq 0 ]] || run_vm
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
