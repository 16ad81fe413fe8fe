#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The whole test run: the guests, one pipeline per kernel, the kernels side
# by side: the integration tests in the initramfs guest (tests/integration),
# then the system tests in a Debian system with systemd (tests/system). While
# the first guests boot, the host builds the package (--build-deb) and runs
# the host unit tests and the fuzz smoke run; their results print first.
#
# usage: tests/run-all.sh [--unit-only] [--vm-only] [--system-only] [--kernel NAME]...
#                         [--test NAME]... [--timeout S] [--build-deb]
#   --unit-only    host tests only        \  combined, they select stages;
#   --vm-only      initramfs guests only   > without any, all three run
#   --system-only  system guests only     /
#   --build-deb    build the package (make deb-for-check) beside the initramfs
#                  guests; the host tests and the system guests wait for it
#   --kernel NAME  guest kernels to boot (default: bookworm trixie); a system
#                  guest exists for the suites bookworm and trixie
#   --test NAME    only this test of tests/integration or tests/system
#                  (repeatable); stages with no test asked for are skipped
#   --timeout S    per-test limit inside the guests (default 120; system 300)
#
# Last line of output: "N passed, N failed". Exit status 0 only if nothing
# failed, no guest failed to boot and nothing hung.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export LC_ALL=C
exec </dev/null

unit=0 vm=0 system=0 build_deb=0 kernels=() names=() boot_args=() system_args=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--unit-only) unit=1; shift ;;
	--vm-only) vm=1; shift ;;
	--system-only) system=1; shift ;;
	--build-deb) build_deb=1; shift ;;
	--kernel) kernels+=("${2:?--kernel needs a name}"); shift 2 ;;
	--test) names+=("${2:?--test needs a name}"); shift 2 ;;
	--timeout)
		boot_args+=(--timeout "${2:?--timeout needs seconds}")
		system_args+=(--timeout "$2")
		shift 2 ;;
	-h|--help) sed -n '4,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run-all: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[[ ${#kernels[@]} -gt 0 ]] || kernels=(bookworm trixie)
[[ $((unit + vm + system)) -gt 0 ]] || unit=1 vm=1 system=1

passed=0 failed=0
indent() { sed 's/^/    /'; }

# Each --test goes to the guest whose directory has it; a guest stage none
# of them belongs to is skipped (its guests are not booted for nothing).
if [[ ${#names[@]} -gt 0 ]]; then
	vm_tests=0 system_tests=0
	for t in "${names[@]}"; do
		if [[ -f tests/integration/$t.sh ]]; then
			boot_args+=(--test "$t"); vm_tests=1
			[[ $vm -eq 1 ]] || { echo "FAIL $t (an integration test, but the initramfs guests are not selected)"; failed=$((failed + 1)); }
		elif [[ -f tests/system/$t.sh ]]; then
			system_args+=(--test "$t"); system_tests=1
			[[ $system -eq 1 ]] || { echo "FAIL $t (a system test, but the system guests are not selected)"; failed=$((failed + 1)); }
		else
			echo "FAIL $t (no such test: neither tests/integration/$t.sh nor tests/system/$t.sh)"
			failed=$((failed + 1))
		fi
	done
	vm=$((vm & vm_tests)) system=$((system & system_tests))
fi

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
	# The fuzz smoke run: every target side by side for FUZZ_SECONDS (here 10 s;
	# `make fuzz` runs 300), one line each. Its eight targets share the host's
	# two cores with the guests, whose run is the whole stage's length.
	if [[ -f tests/fuzz/run.sh ]]; then
		rc=0
		out=$(FUZZ_SECONDS=${FUZZ_SECONDS:-10} timeout -k 10 600 bash tests/fuzz/run.sh 2>&1) || rc=$?
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

# ---- guests: integration tests, system tests ---------------------------------------
# report OUT LABEL SCRIPT RC: a guest's report (OUT, from SCRIPT, which exited
# RC) into the totals. Its summary line "<LABEL>: N passed, N failed" is
# turned into totals and not echoed, so the last line stays the overall one.
report() {
	local out=$1 label=$2 script=$3 rc=$4 line np nf
	grep -vE "^$label: [0-9]+ passed, [0-9]+ failed$" "$out" || true
	line=$(grep -E "^$label: [0-9]+ passed, [0-9]+ failed$" "$out" | tail -n1 || true)
	if [[ -z $line ]]; then
		echo "FAIL $label/boot ($script ended without a summary, exit status $rc)"
		failed=$((failed + 1))
		return
	fi
	read -r np nf < <(sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/' <<<"$line")
	echo "guests: $label: $np passed, $nf failed"
	passed=$((passed + np))
	failed=$((failed + nf))
	if [[ $rc -ne 0 && $nf -eq 0 ]]; then
		echo "FAIL $label/boot ($script exit status $rc)"
		failed=$((failed + 1))
	fi
}

# start_guests launches the pipelines and returns; finish_guests waits for
# them and reports. The host stage runs in between.
declare -A on_vm=() on_system=() pids=()
run=() builders=()
start_guests() {
	local k
	mkdir -p build/vm
	if [[ $vm -eq 1 ]]; then
		for k in "${kernels[@]}"; do
			# A kernel already in the cache (bookworm, trixie or one placed there
			# by hand) needs no fetch and no network.
			if [[ -s .cache/kernels/$k/vmlinuz ]] || tests/vm/fetch-kernels.sh "$k"; then
				on_vm[$k]=1
			else
				echo "FAIL $k/boot (kernel could not be fetched)"
				failed=$((failed + 1))
			fi
		done
		# One initramfs for all kernels: it holds no modules, only user space.
		if [[ ${#on_vm[@]} -gt 0 ]] && ! tests/vm/mkinitramfs.sh build/vm/initramfs.cpio.gz; then
			echo "FAIL vm/initramfs (tests/vm/mkinitramfs.sh failed)"
			failed=$((failed + 1))
			on_vm=()
		fi
	fi
	if [[ $system -eq 1 ]]; then
		for k in "${kernels[@]}"; do
			case $k in
			bookworm | trixie) on_system[$k]=1 ;;
			*) echo "guests: $k: no system guest (it exists for the suites bookworm and trixie)" ;;
			esac
		done
	fi
	for k in "${kernels[@]}"; do
		[[ -z ${on_vm[$k]:-}${on_system[$k]:-} ]] || run+=("$k")
	done
	[[ ${#run[@]} -gt 0 ]] || return 0

	# The system images (a few minutes each on a fresh cache, mostly
	# download and dpkg) build while the initramfs guests run; system-boot.sh
	# waits for them (system-image.sh locks per image) or finds them cached.
	for k in "${!on_system[@]}"; do
		tests/vm/system-image.sh "$k" >/dev/null 2>"build/vm/$k-system-image.log" &
		builders+=($!)
	done
	echo "guests: ${run[*]} side by side: $([[ $vm -eq 1 ]] && echo "initramfs guest (build/vm/<kernel>-test.log)")$([[ $vm -eq 1 && $system -eq 1 ]] && echo ", then ")$([[ $system -eq 1 ]] && echo "system guest (build/vm/<kernel>-system.log)")"
	# One pipeline per kernel: each TCG guest keeps one host core busy; the
	# reports are printed in order once all are done. Pipeline i boots kernel
	# i's initramfs guest, then the next kernel's system guest: trixie's
	# initramfs run is the longest of the four (its daemon starts verify
	# slowest), and following it with bookworm's system run rather than
	# trixie's evens the two pipelines out (CI's 30-minute budget).
	local n=${#run[@]} i s
	for ((i = 0; i < n; i++)); do
		k=${run[i]} s=${run[(i + 1) % n]}
		rm -f "build/vm/$k-test.rc" "build/vm/$s-system.rc"
		(
			if [[ -n ${on_vm[$k]:-} ]]; then
				rc=0
				tests/vm/boot.sh --kernel "$k" --initrd build/vm/initramfs.cpio.gz \
					--log "build/vm/$k-test.log" "${boot_args[@]}" >"build/vm/$k-test.out" 2>&1 || rc=$?
				echo "$rc" >"build/vm/$k-test.rc"
			fi
			if [[ -n ${on_system[$s]:-} ]]; then
				# The package the system guest installs: wait for its build.
				while [[ $build_deb -eq 1 && ! -e build/vm/deb.rc ]]; do
					kill -0 $$ 2>/dev/null || exit 1
					sleep 2
				done
				rc=0
				tests/vm/system-boot.sh --suite "$s" --log "build/vm/$s-system.log" \
					"${system_args[@]}" >"build/vm/$s-system.out" 2>&1 || rc=$?
				echo "$rc" >"build/vm/$s-system.rc"
			fi
		) &
		pids[$k]=$!
	done
}

finish_guests() {
	local k
	for k in "${run[@]}"; do wait "${pids[$k]}" || true; done
	for k in "${builders[@]}"; do wait "$k" || true; done
	for k in "${run[@]}"; do
		[[ -z ${on_vm[$k]:-} ]] ||
			report "build/vm/$k-test.out" "$k" tests/vm/boot.sh "$(cat "build/vm/$k-test.rc" 2>/dev/null || echo '?')"
	done
	for k in "${run[@]}"; do
		[[ -z ${on_system[$k]:-} ]] ||
			report "build/vm/$k-system.out" "$k-system" tests/vm/system-boot.sh \
				"$(cat "build/vm/$k-system.rc" 2>/dev/null || echo '?')"
	done
}

# The package, for test_deb and the system guests. The guests it would not
# hold up start first: the host's two cores are both busy with guests all
# run long, so what the host does beside them costs them little, and the
# bookworm guest leaves its core idle for seconds between tests (6.1 detaches
# each program through an RCU-tasks grace period).
build_package() {
	local rc=0
	mkdir -p build/vm
	rm -f build/vm/deb.rc
	make -s deb-for-check >build/vm/deb.log 2>&1 || rc=$?
	echo "$rc" >build/vm/deb.rc
	if [[ $rc -eq 0 ]]; then
		echo "PASS package (make deb-for-check)"
		passed=$((passed + 1))
		export ENFORCER_DEB=build/deb/enforcer_current_$(dpkg --print-architecture).deb
	else
		echo "FAIL package (make deb-for-check exit status $rc; build/vm/deb.log ends:)"
		tail -n 30 build/vm/deb.log | indent
		failed=$((failed + 1))
	fi
}

# A system guest waits for deb.rc: one left by an earlier run would let it
# install that run's package, before this one's is built.
[[ $build_deb -eq 0 ]] || rm -f build/vm/deb.rc
[[ $vm -eq 0 && $system -eq 0 ]] || start_guests
[[ $build_deb -eq 0 ]] || build_package
[[ $unit -eq 0 ]] || run_unit
[[ $vm -eq 0 && $system -eq 0 ]] || finish_guests
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
