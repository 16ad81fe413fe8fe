#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: Debian's nginx in a real Debian system under qemu, confined by
# the shipped nginx-static profile: audit mode, real traffic, report, promote,
# then attacks from inside nginx.service refused and logged with the rule's
# file:line (tests/demo/nginx.sh), shown live. Exit status is the demo's.
#
# usage: tests/vm/demo.sh [--suite bookworm|trixie] [--timeout S] [--initramfs [--kernel NAME]]
#   --suite NAME   the Debian system to boot (default bookworm)
#   --timeout S    limit for the demo inside the guest (default 600)
#   --initramfs    the small demo instead (tests/demo/demo.sh): a stand-in
#                  program in a bare initramfs guest, no package, no systemd
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

suite=bookworm kernel=bookworm initramfs=0 args=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--suite) suite=${2:?--suite needs bookworm or trixie}; shift 2 ;;
	--kernel) kernel=${2:?--kernel needs a name}; shift 2 ;;
	--timeout) args+=(--timeout "${2:?--timeout needs seconds}"); shift 2 ;;
	--initramfs) initramfs=1; shift ;;
	-h|--help) sed -n '3,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

if [[ $initramfs -eq 1 ]]; then
	[[ -s .cache/kernels/$kernel/vmlinuz ]] || tests/vm/fetch-kernels.sh "$kernel"
	echo "demo: booting $kernel ($(cat ".cache/kernels/$kernel/version")) under qemu; the guest's console follows"
	# boot.sh streams the console live in demo mode and judges the verdict.
	exec tests/vm/boot.sh --kernel "$kernel" --mode demo "${args[@]}"
fi

# The package the guest installs: the last one built, unless a file git
# knows (tracked, or untracked and not ignored) changed since, tests/ aside:
# the package holds none of it (about a minute to build it again on two cores).
deb=build/deb/enforcer_current_$(dpkg --print-architecture).deb
stale=1
if [[ -e $deb ]]; then
	stale=$(git ls-files -z --cached --others --exclude-standard -- . ':!tests/' |
		xargs -0 -r sh -c 'for f; do [ "$f" -nt "$0" ] && { echo 1; exit; }; done; echo 0' "$deb")
fi
if [[ $stale != 0 ]]; then
	echo "demo: building the package (make deb-for-check)"
	t=$(date +%s)
	make -s deb-for-check >/dev/null
	echo "demo: $(readlink "$deb") built in $(($(date +%s) - t)) s"
else
	echo "demo: the package is up to date: $(readlink "$deb")"
fi
t=$(date +%s)
rc=0
tests/vm/system-boot.sh --suite "$suite" --demo "${args[@]}" || rc=$?
echo "demo: $(($(date +%s) - t)) s from qemu's start to its power-off (image build included, when there was one)"
exit "$rc"
