#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install every Debian package the build and the tests need, on a fresh
# bookworm machine, as root, without asking anything. Idempotent: when all
# packages are present it only queries dpkg, so a warm CI machine pays nothing.
#
# usage: scripts/install-deps.sh
set -euo pipefail

# The list is what `make`, `make check` and `make fuzz` use. Notes on the
# less obvious entries:
#  - libc6-dev: gcc only *recommends* it, and --no-install-recommends would
#    leave us without crt1.o and libc.a (guest helpers are linked -static).
#  - libclang-rt-14-dev: the libFuzzer runtime for clang -fsanitize=fuzzer.
#  - debian-archive-keyring: tests/vm/fetch-kernels.sh verifies the trixie
#    archive with it.
#  - busybox-static, cpio, qemu-system-x86: the guest-kernel test harness
#    (tests/vm/); qemu's firmware (seabios) comes in as a dependency.
#  - kmod, iproute2, procps: host-side tools the scripts and tests call.
#  - mmdebstrap, e2fsprogs: the system guests' images (tests/vm/system-image.sh:
#    a Debian root file system, then mkfs.ext4 -d).
#  - debhelper, dpkg-dev, lintian: `make deb` (debian/) and tests/host/test_deb.sh;
#    man-db, groff-base, jq, bash-completion: the man page and completion
#    tests (tests/host/test_manpages.sh, test_completion.sh).
packages=(
	make gcc libc6-dev clang llvm pkg-config
	libbpf-dev libelf-dev zlib1g-dev libjansson-dev libseccomp-dev libcap-dev
	libclang-rt-14-dev bpftool
	qemu-system-x86 busybox-static cpio gzip
	mmdebstrap e2fsprogs
	kmod iproute2 procps mawk xz-utils zstd
	ca-certificates debian-archive-keyring
	debhelper dpkg-dev lintian man-db groff-base jq bash-completion git
)

if [[ $(id -u) -ne 0 ]]; then
	echo "install-deps: must run as root (it calls apt-get install)" >&2
	exit 1
fi

# One dpkg-query for all packages; unknown packages make it exit non-zero
# and print nothing for them, which we treat as "missing".
missing=()
installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${packages[@]}" 2>/dev/null || true)
for p in "${packages[@]}"; do
	if ! grep -qE "^${p//+/\\+}(:[a-z0-9]+)? ii " <<<"$installed"; then
		missing+=("$p")
	fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
	echo "install-deps: all ${#packages[@]} packages already installed"
	exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# apt's chatter (and debconf's "delaying package configuration" notice) goes
# to a log that is shown only when something fails, so CI logs stay short.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run_apt() {
	if ! "$@" </dev/null >>"$log" 2>&1; then
		echo "install-deps: '$*' failed:" >&2
		cat "$log" >&2
		exit 1
	fi
}
# Only now refresh the lists: a warm machine never touches the network.
run_apt apt-get update -qq
run_apt apt-get install -y -qq --no-install-recommends \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	"${missing[@]}"
echo "install-deps: installed ${#missing[@]} package(s): ${missing[*]}"
