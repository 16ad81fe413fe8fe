#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (once) and cache the disk image of a system guest: a Debian root
# file system of one suite with systemd as PID 1, the suite's own cloud
# kernel and initrd, the packages in tests/vm/system-packages, and a boot
# hook that runs the tests of a payload disk (tests/vm/system-boot.sh).
#
# usage: tests/vm/system-image.sh [--refresh] [--bench] SUITE      (bookworm or trixie)
#
# Prints the image's directory on stdout: .cache/system/<suite>-<key>/ with
# rootfs.ext4, vmlinuz, initrd.img, release, packages (name=version),
# build.txt and build.log. <key> hashes this script (but its comments)
# and the package list: changing either builds a new image; an unchanged
# one is reused without any network. --refresh rebuilds it anyway (a new point release, a new
# kernel ABI). --bench adds tests/bench/system-packages (the workload
# benchmarks' load generators and AppArmor's tools), a separate image
# (.cache/system/<suite>-bench-<key>/), so the tests' image stays as it is.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export LC_ALL=C

die() { echo "system-image: $*" >&2; exit 1; }
usage() { sed -n '4,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

refresh=0 suite='' bench=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--refresh) refresh=1; shift ;;
	--bench) bench=1; shift ;;
	-h|--help) usage 0 ;;
	bookworm|trixie) [[ -z $suite ]] || usage; suite=$1; shift ;;
	*) echo "system-image: unknown argument '$1' (suites: bookworm trixie)" >&2; usage ;;
	esac
done
[[ -n $suite ]] || usage

# shellcheck source=tests/vm/debian-archive.sh
. "$root/tests/vm/debian-archive.sh"

lists=("$root/tests/vm/system-packages")
[[ $bench -eq 0 ]] || lists+=("$root/tests/bench/system-packages")
for list in "${lists[@]}"; do
	[[ -r $list ]] || die "$list missing"
done
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "${lists[@]}")
[[ ${#packages[@]} -gt 0 ]] || die "${lists[*]} name no package"

# Comment lines do not count: rewording one rebuilds nothing.
key=$({ echo "$suite"; grep -v '^[[:space:]]*#' "${BASH_SOURCE[0]}"; printf '%s\n' "${packages[@]}"; } |
	sha256sum | cut -c1-12)
cache=$root/.cache/system
flavour=$suite
[[ $bench -eq 0 ]] || flavour=$suite-bench
dest=$cache/$flavour-$key
mkdir -p "$cache"

ready() { [[ -s $dest/rootfs.ext4 && -s $dest/vmlinuz && -s $dest/initrd.img && -s $dest/release ]]; }

# Worktrees share .cache: one build per key at a time; a second caller
# waits and then finds the image ready.
exec 9>"$cache/.$flavour-$key.lock"
flock 9
if [[ $refresh -eq 0 ]] && ready; then
	touch "$dest/last-used"
	printf '%s\n' "$dest"
	exit 0
fi
command -v mmdebstrap >/dev/null || die "mmdebstrap not found: run scripts/install-deps.sh"
command -v mkfs.ext4 >/dev/null || die "mkfs.ext4 not found: run scripts/install-deps.sh (e2fsprogs)"
[[ $(id -u) -eq 0 ]] || die "must run as root (mmdebstrap's root mode, ownership in the image)"

uri=$(debian_uri)
if debian_keyring_has "$suite"; then
	signed="signed-by=$DEBIAN_KEYRING"
else
	echo "system-image: warning: $DEBIAN_KEYRING lacks the $suite key; building $suite unverified" >&2
	signed="trusted=yes"
fi

work=$(mktemp -d "$cache/.build-$suite.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/root
log=$work/mmdebstrap.log
echo "system-image: building $suite ($key) from $uri: ${#packages[@]} packages" >&2
t0=$(date +%s)

# MODULES=dep would size the initrd for the build machine, not the guest;
# "list" keeps it to what the guest needs to mount its root (the cloud
# kernels build virtio as modules; ext4 is built in), which is smaller and
# faster to unpack under emulation than "most". The files must exist before
# the kernel's postinst builds the initrd, hence the essential hook (and
# modules.d rather than /etc/initramfs-tools/modules, a conffile).
initramfs_conf='mkdir -p "$1/etc/initramfs-tools/conf.d"
printf "%s\n" MODULES=list COMPRESS=gzip >"$1/etc/initramfs-tools/conf.d/enforcer-guest.conf"
mkdir -p "$1/usr/share/initramfs-tools/modules.d"
printf "%s\n" virtio_pci virtio_blk >"$1/usr/share/initramfs-tools/modules.d/enforcer-guest"'

# No man-db index: `man NAME` finds pages without it, and dpkg's man-db
# trigger has no index to update when a test installs a package with man
# pages (under emulation, in the guest).
mandb_off='echo "man-db man-db/auto-update boolean false" | chroot "$1" debconf-set-selections'

# force-unsafe-io: dpkg's fsyncs protect an installation from a crash; a
# build that crashes is thrown away anyway.
if ! mmdebstrap --mode=root --variant=minbase --format=directory \
	--include="$(IFS=,; echo "${packages[*]}")" --dpkgopt=force-unsafe-io \
	--essential-hook="$initramfs_conf" --essential-hook="$mandb_off" \
	"$suite" "$rootfs" \
	"deb [$signed] $uri $suite main" "deb [$signed] $uri $suite-updates main" \
	</dev/null >"$log" 2>&1; then
	tail -n 40 "$log" >&2
	die "mmdebstrap failed for $suite (last lines above)"
fi

# ---- the system around the packages --------------------------------------------
# The root is the first virtio disk; nothing to fsck (every boot starts
# from the same image, writes go to qemu's -snapshot overlay).
printf '/dev/vda / ext4 rw,errors=remount-ro 0 0\n' >"$rootfs/etc/fstab"
echo enforcer-system >"$rootfs/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 enforcer-system\n::1 localhost ip6-localhost ip6-loopback\n' \
	>"$rootfs/etc/hosts"
# A fixed id: mmdebstrap empties it, and an empty one makes every boot a
# first boot with a new random id.
systemd-machine-id-setup --root="$rootfs" >/dev/null 2>&1 ||
	od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$rootfs/etc/machine-id"

# The boot hook: mount the payload disk (label enf-payload, made per run by
# system-boot.sh) and run its runner; the runner prints the @@ENF markers
# on the serial console. The runner lives on the payload, so changing the
# tests or the runner never rebuilds this image.
mkdir -p "$rootfs/usr/local/libexec" "$rootfs/enforcer"
cat >"$rootfs/usr/local/libexec/enforcer-payload" <<'HOOK'
#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the payload disk's tests (see tests/vm/system-image.sh).
dev=/dev/disk/by-label/enf-payload
for _ in $(seq 300); do
	[[ -b $dev ]] && break
	sleep 0.1
done
if ! mount -o ro "$dev" /enforcer; then
	echo "@@ENF FATAL payload disk $dev could not be mounted"
	sleep 0.5
	exit 1
fi
exec /enforcer/run-system-tests
HOOK
chmod 755 "$rootfs/usr/local/libexec/enforcer-payload"
cat >"$rootfs/etc/systemd/system/enforcer-payload.service" <<'UNIT'
# SPDX-License-Identifier: GPL-2.0-only
[Unit]
Description=enforcer system tests from the payload disk
After=multi-user.target
# The guest exists to run the tests once: off it goes either way (the
# files are in qemu's snapshot overlay; no clean unmount needed).
SuccessAction=poweroff-force
FailureAction=poweroff-force

[Service]
# simple, not oneshot: the boot is finished once this has started, so the
# tests see a system that finished booting (systemd-analyze works, and
# is-system-running says running or degraded). The host bounds the run.
Type=simple
ExecStart=/usr/local/libexec/enforcer-payload
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/ttyS0

[Install]
WantedBy=multi-user.target
UNIT
systemctl --root="$rootfs" --quiet enable enforcer-payload.service
# The console belongs to the markers: no login prompt on it.
systemctl --root="$rootfs" --quiet mask serial-getty@ttyS0.service getty@tty1.service getty-static.service
# Boot time is test time, twice per CI run, under emulation: the services
# only some tests use are installed but not started at boot (those tests
# systemctl start them); nginx stays, as every boot's working service.
# e2scrub_reap checks LVM snapshots there are none of.
systemctl --root="$rootfs" --quiet disable postgresql.service redis-server.service memcached.service
systemctl --root="$rootfs" --quiet mask e2scrub_reap.service
# /etc and /var are as new as /usr: no ldconfig.service or other
# ConditionNeedsUpdate= work at every boot (the stamps systemd-update-done
# would write after the first).
usr_ns=$(stat -c %.9Y "$rootfs/usr" | tr -d .)
for d in etc var; do
	printf 'TIMESTAMP_NSEC=%s\n' "$usr_ns" >"$rootfs/$d/.updated"
	touch -r "$rootfs/usr" "$rootfs/$d/.updated"
done

# ---- kernel, initrd, image -----------------------------------------------------
vmlinuz=$(find "$rootfs/boot" -maxdepth 1 -name 'vmlinuz-*' | sort -V | tail -n1)
[[ -n $vmlinuz ]] || die "$suite: no /boot/vmlinuz-* (linux-image-cloud-amd64 missing from the list?)"
release=${vmlinuz##*/vmlinuz-}
[[ -s $rootfs/boot/initrd.img-$release ]] || die "$suite: no /boot/initrd.img-$release (initramfs-tools?)"
mkdir -p "$work/out"
cp "$vmlinuz" "$work/out/vmlinuz"
cp "$rootfs/boot/initrd.img-$release" "$work/out/initrd.img"
echo "$release" >"$work/out/release"
chroot "$rootfs" dpkg-query -W -f '${Package}=${Version}\n' >"$work/out/packages"

# Room for what the tests install and write (the overlay is qemu's; this is
# only free space in the file system), sparse on the host.
used_mb=$(du -sm "$rootfs" | cut -f1)
size_mb=$((used_mb + used_mb / 4 + 512))
if ! out=$(mkfs.ext4 -q -F -L enf-system -d "$rootfs" "$work/out/rootfs.ext4" "${size_mb}M" 2>&1); then
	printf '%s\n' "$out" >&2
	die "mkfs.ext4 -d failed for $suite"
fi
t1=$(date +%s)
{
	echo "suite=$suite key=$key mirror=$uri"
	echo "kernel=$release"
	echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ) seconds=$((t1 - t0))"
	echo "root_mb=$used_mb image_mb=$size_mb packages=$(wc -l <"$work/out/packages")"
} >"$work/out/build.txt"
cp "$log" "$work/out/build.log"
touch "$work/out/last-used"
rm -rf "$dest"
mv "$work/out" "$dest"
echo "system-image: $suite: built in $((t1 - t0)) s: kernel $release, $used_mb MB in a $size_mb MB image" >&2

# Images of other keys (an older package list, another worktree's) go once
# nobody has booted them for a day.
# A test image and a bench image of the same suite are not each other's old keys.
others=()
[[ $bench -eq 1 ]] || others=(! -name "$suite-bench-*")
find "$cache" -mindepth 1 -maxdepth 1 -type d -name "$flavour-*" ! -name "$flavour-$key" "${others[@]}" |
	while read -r old; do
		[[ -n $(find "$old/last-used" -mmin -1440 2>/dev/null) ]] || rm -rf "$old"
	done
printf '%s\n' "$dest"
