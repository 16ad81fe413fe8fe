#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot a guest kernel in demo mode and show tests/demo/demo.sh running in it,
# live. Exit status is the demo's: the guest reports @@ENF DEMO PASS|FAIL.
#
# usage: tests/vm/demo.sh [--kernel NAME] [--timeout S]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

kernel=bookworm args=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) kernel=${2:?--kernel needs a name}; shift 2 ;;
	--timeout) args+=(--timeout "${2:?--timeout needs seconds}"); shift 2 ;;
	-h|--help) sed -n '3,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

if [[ ! -f tests/demo/demo.sh ]]; then
	echo "demo.sh: tests/demo/demo.sh does not exist yet: nothing to show" >&2
	exit 1
fi
[[ -s .cache/kernels/$kernel/vmlinuz ]] || tests/vm/fetch-kernels.sh "$kernel"
echo "demo: booting $kernel ($(cat ".cache/kernels/$kernel/version")) under qemu; the guest's console follows"
# boot.sh streams the console live in demo mode and judges the verdict.
exec tests/vm/boot.sh --kernel "$kernel" --mode demo "${args[@]}"
