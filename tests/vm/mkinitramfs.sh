#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the guest initramfs: static busybox with its applet links, /init
# (tests/vm/guest-init), the project's binaries, tests and policies under
# /enforcer/, and the shared libraries every dynamic ELF in it needs.
#
# usage: tests/vm/mkinitramfs.sh OUT.cpio.gz
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 OUT.cpio.gz" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$(realpath -m "$1")

warn() { echo "mkinitramfs: warning: $*" >&2; }
die() { echo "mkinitramfs: $*" >&2; exit 1; }

busybox=$(command -v busybox || true)
[[ -n $busybox ]] || die "busybox not found: run scripts/install-deps.sh (busybox-static)"

mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$(dirname "$out")/.initramfs.XXXXXX")
trap 'rm -rf "$stage" "$stage.cpio.gz"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,run,root,etc,lib64} \
	"$stage"/enforcer/{bin,tests/guest}
# The kernel opens /dev/console for PID 1 before devtmpfs is mounted.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || warn "cannot mknod /dev/console (guest-init copes)"
mknod -m 666 "$stage/dev/null" c 1 3 2>/dev/null || true

# Same layout as `busybox --install -s` run inside the guest, without
# needing the guest: --list-full names each applet's directory.
cp "$busybox" "$stage/bin/busybox"
"$busybox" --list-full | while read -r applet; do
	[[ $applet == bin/busybox ]] || ln -s /bin/busybox "$stage/$applet"
done
install -m 755 "$root/tests/vm/guest-init" "$stage/init"

# An unprivileged user, for tests that check what a non-root process may do.
cat >"$stage/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat >"$stage/etc/group" <<'GR'
root:x:0:
nogroup:x:65534:
GR

# copy_tree SRC DEST: contents of SRC into the stage, if SRC exists.
copy_tree() {
	[[ -d $root/$1 ]] || return 1
	mkdir -p "$stage/$2"
	cp -a "$root/$1/." "$stage/$2/"
}

if [[ -d $root/build/bin ]] && compgen -G "$root/build/bin/*" >/dev/null; then
	copy_tree build/bin enforcer/bin
else
	warn "build/bin is empty or missing: no enforcer binaries in the guest (run make)"
fi
copy_tree build/tests/guest enforcer/tests/guest || true
# The programs' object, for the hooks it attaches to (guest-init holds each
# hook's trampoline with enf-empty-lsm --hold).
if [[ -f $root/build/enforcer.bpf.o ]]; then
	mkdir -p "$stage/enforcer/lib"
	cp "$root/build/enforcer.bpf.o" "$stage/enforcer/lib/"
else
	warn "build/enforcer.bpf.o missing: the test guest cannot hold the hooks (run make)"
fi
copy_tree tests/integration enforcer/tests/integration || warn "tests/integration missing"
copy_tree tests/lib enforcer/tests/lib || warn "tests/lib missing (the checks the tests source)"
copy_tree tests/demo enforcer/tests/demo || true
copy_tree tests/bench enforcer/tests/bench || true
copy_tree policies enforcer/policies || warn "policies/ missing"
# The schemas the tests validate real output against (docs/events.schema.json).
mkdir -p "$stage/enforcer/docs"
cp "$root"/docs/*.schema.json "$stage/enforcer/docs/" 2>/dev/null || warn "docs/*.schema.json missing"

# Kernel modules tests load themselves, per kernel release (fetch-kernels.sh).
for kdir in "$root"/.cache/kernels/*/; do
	[[ -s $kdir/version && -d $kdir/modules ]] || continue
	mkdir -p "$stage/enforcer/modules/$(cat "$kdir/version")"
	cp "$kdir"/modules/*.ko "$stage/enforcer/modules/$(cat "$kdir/version")/"
done

# bpftool lets tests and benchmarks look at loaded programs (and read
# run_time_ns); it is optional.
if bpftool=$(command -v bpftool); then
	cp "$(realpath "$bpftool")" "$stage/usr/sbin/bpftool"
fi

# The Debian apparmor package's parser, with the configuration it ships (its
# parser.conf pins the feature set profiles are compiled for): the benchmarks
# load AppArmor profiles beside enforcer's. Optional like bpftool; without
# it the bench says the AppArmor rows were skipped.
if parser=$(PATH=$PATH:/sbin:/usr/sbin command -v apparmor_parser); then
	cp "$(realpath "$parser")" "$stage/usr/sbin/apparmor_parser"
	if [[ -r /etc/apparmor/parser.conf ]]; then
		mkdir -p "$stage/etc/apparmor"
		cp /etc/apparmor/parser.conf "$stage/etc/apparmor/"
	fi
	if [[ -d /usr/share/apparmor-features ]]; then
		mkdir -p "$stage/usr/share"
		cp -a /usr/share/apparmor-features "$stage/usr/share/"
	fi
fi

# Libraries: follow ldd for every dynamic ELF. Paths are kept as ldd prints
# them, which is where the guest's dynamic loader (no ld.so.cache) looks.
declare -A copied=()
copy_lib() {
	local lib=$1
	[[ -n ${copied[$lib]:-} ]] && return 0
	copied[$lib]=1
	mkdir -p "$stage$(dirname "$lib")"
	cp -L "$lib" "$stage$lib"
}
while IFS= read -r -d '' f; do
	# ELF magic, so scripts are not handed to ldd.
	[[ $(head -c 4 "$f" | tr -d '\0') == $'\x7fELF' ]] || continue
	deps=$(ldd "$f" 2>/dev/null) || continue   # static: "not a dynamic executable"
	while read -r a b c _; do
		if [[ $b == '=>' && $c == 'not' ]]; then
			die "${f#"$stage"}: shared library $a not found on the host"
		elif [[ $b == '=>' && $c == /* ]]; then
			copy_lib "$c"
		elif [[ $a == /* ]]; then
			copy_lib "$a"
		fi
	done <<<"$deps"
	copy_lib /lib64/ld-linux-x86-64.so.2
done < <(find "$stage/enforcer" "$stage/usr" -type f -print0)

# Sorted names (a stable listing to diff) and root ownership (the guest runs
# as root). Written aside and renamed, so a concurrent boot never reads a
# half-written archive.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$stage.cpio.gz"
mv "$stage.cpio.gz" "$out"
