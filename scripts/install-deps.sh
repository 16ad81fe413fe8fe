#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install every Debian package the build and the tests need, on a fresh
# bookworm machine, as root, without asking anything; then the npm packages
# of the Kubernetes manifest validator, as tests/host/kubernetes/package-lock.json
# pins them. Idempotent: when everything is present it only queries dpkg and
# compares one checksum, so a warm CI machine pays nothing.
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
#  - apparmor: its parser goes into the bench guest (tests/vm/mkinitramfs.sh),
#    which measures enforcer beside AppArmor profiles (tests/bench/bench.sh).
#  - umoci: `make image` (scripts/make-image.sh: the root file system
#    mmdebstrap makes, as an OCI image); inotify-tools: the DaemonSet's
#    config-reload script, run by tests/host/test_kubernetes_reload.sh.
#  - nodejs, npm: tests/host/test_kubernetes_manifests.sh validates the
#    manifests with npm packages (below). Only where no node and npm are on
#    the PATH: a machine with another Node.js (NodeSource's package
#    conflicts with Debian's npm) keeps it; 18 (bookworm's) or newer.
packages=(
	make gcc libc6-dev clang llvm pkg-config
	libbpf-dev libelf-dev zlib1g-dev libjansson-dev libseccomp-dev libcap-dev
	libclang-rt-14-dev bpftool
	qemu-system-x86 busybox-static cpio gzip
	mmdebstrap e2fsprogs
	kmod iproute2 procps mawk xz-utils zstd
	ca-certificates debian-archive-keyring
	debhelper dpkg-dev lintian man-db groff-base jq bash-completion git
	umoci inotify-tools apparmor
)
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	packages+=(nodejs npm)
fi

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

export DEBIAN_FRONTEND=noninteractive
# apt's and npm's chatter (and debconf's "delaying package configuration"
# notice) goes to a log that is shown only when something fails, so CI logs
# stay short.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
run_quiet() {
	if ! "$@" </dev/null >>"$log" 2>&1; then
		echo "install-deps: '$*' failed:" >&2
		cat "$log" >&2
		exit 1
	fi
}

if [[ ${#missing[@]} -eq 0 ]]; then
	echo "install-deps: all ${#packages[@]} packages already installed"
else
	# Only now refresh the lists: a warm machine never touches the network.
	run_quiet apt-get update -qq
	run_quiet apt-get install -y -qq --no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		"${missing[@]}"
	echo "install-deps: installed ${#missing[@]} package(s): ${missing[*]}"
fi

# ---- npm: the Kubernetes manifest validator --------------------------------------
# `npm ci` installs exactly what the lock names (versions and sha512 hashes)
# into .cache/kubernetes-validate (git-ignored; worktrees share .cache), with
# no install scripts; the test runs offline from there. A stamp of the
# lock's checksum skips the work when nothing changed.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src=$root/tests/host/kubernetes
dest=$root/.cache/kubernetes-validate
want=$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)
if [[ $(cat "$dest/node_modules/.enforcer-lock-sha256" 2>/dev/null) == "$want" ]]; then
	echo "install-deps: the npm packages of tests/host/kubernetes are installed"
else
	mkdir -p "$dest"
	cp "$src/package.json" "$src/package-lock.json" "$dest/"
	run_quiet env -C "$dest" npm ci --ignore-scripts --no-audit --no-fund --omit=dev
	echo "$want" >"$dest/node_modules/.enforcer-lock-sha256"
	echo "install-deps: installed the npm packages of tests/host/kubernetes ($(ls "$dest/node_modules" | wc -l) entries)"
fi
