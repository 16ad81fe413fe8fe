#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the container image of the Kubernetes DaemonSet (`make image`) from
# the Debian package, with Debian's tools only: mmdebstrap installs Debian
# bookworm (minbase) with the package, its dependencies and inotify-tools,
# and umoci turns that root file system into an OCI image.
#
# usage: scripts/make-image.sh [--deb FILE] [--out DIR] [--suite SUITE]
#   --deb FILE   the package (default build/deb/enforcer_current_ARCH.deb)
#   --out DIR    where the image goes (default build/image; emptied first)
#   --suite S    the Debian suite of the image (default bookworm)
#
# Output: DIR/enforcer_TAG_ARCH.oci.tar, an OCI image layout in a tar (one
# layer), tagged TAG: the package's version with '+' and '~' as '-' and '_'
# (an image tag allows neither). Load it with skopeo (Debian's package):
#   skopeo copy oci-archive:DIR/enforcer_TAG_ARCH.oci.tar docker://REGISTRY/enforcer:TAG
# The last line printed is its path.
#
# Root is needed: mmdebstrap's root mode gives the files their owners in
# the image (CI runs as root). With SOURCE_DATE_EPOCH (default: HEAD's
# commit time) the image is the same bit for bit for the same package and
# the same state of the Debian mirror.
#
# The image differs from a plain install of the package in one way, made
# for the DaemonSet (packaging/kubernetes/daemonset.yaml): /etc/enforcer/
# profiles and attachments.d are links to configmap/..data, where the pod
# mounts its ConfigMap: the kubelet makes a ConfigMap volume's directory
# writable by everyone (mode 0777), which the daemon refuses for its
# configuration, while ..data, the directory the kubelet swaps in at each
# change, is root's and 0755 (docs/kubernetes.md).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LC_ALL=C
die() { echo "make-image: $*" >&2; exit 1; }

deb="" out="$root/build/image" suite=bookworm
while [[ $# -gt 0 ]]; do
	case $1 in
	--deb) deb=${2:?--deb needs a file}; shift 2 ;;
	--out) out=${2:?--out needs a directory}; shift 2 ;;
	--suite) suite=${2:?--suite needs a suite}; shift 2 ;;
	-h | --help) sed -n '4,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "make-image: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

# shellcheck source=tests/vm/debian-archive.sh
. "$root/tests/vm/debian-archive.sh"

[[ $(id -u) -eq 0 ]] || die "must run as root (mmdebstrap's root mode: the files' owners in the image)"
for tool in mmdebstrap mmtarfilter umoci dpkg-deb; do
	command -v $tool >/dev/null || die "$tool is missing: run scripts/install-deps.sh (mmdebstrap, umoci)"
done
arch=$(dpkg --print-architecture)
[[ -n $deb ]] || deb=$root/build/deb/enforcer_current_$arch.deb
[[ -f $deb ]] || die "no package at $deb: run 'make deb' first (make image does)"
deb=$(readlink -f "$deb")
version=$(dpkg-deb -f "$deb" Version)
tag=$(tr '+~' '-_' <<<"$version")
[[ $tag =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "version $version gives no valid image tag ($tag)"

if [[ -z ${SOURCE_DATE_EPOCH-} ]]; then
	SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null) || die "not a git checkout: set SOURCE_DATE_EPOCH"
fi
export SOURCE_DATE_EPOCH
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

uri=$(debian_uri)
security=$(debian_security_uri)
if debian_keyring_has "$suite"; then
	signed="signed-by=$DEBIAN_KEYRING"
else
	echo "make-image: warning: $DEBIAN_KEYRING lacks the $suite key; building $suite unverified" >&2
	signed="trusted=yes"
fi
sources=("deb [$signed] $uri $suite main" "deb [$signed] $uri $suite-updates main")
[[ -z $security ]] || sources+=("deb [$signed] $security $suite-security main")

rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
log=$out/build.log

# The DaemonSet's layout of /etc/enforcer (see the head of this file). The
# runtime provides resolv.conf and hostname: the build machine's would make
# the image differ from one machine to the next.
layout='set -e
rm -rf "$1/etc/enforcer/profiles" "$1/etc/enforcer/attachments.d"
mkdir -p "$1/etc/enforcer/configmap"
ln -s configmap/..data "$1/etc/enforcer/profiles"
ln -s configmap/..data "$1/etc/enforcer/attachments.d"
rm -f "$1/etc/resolv.conf" "$1/etc/hostname"'

echo "  IMAGE    $out/enforcer_${tag}_$arch.oci.tar ($suite, $version; log: $log)"
t0=$(date +%s)
# Documentation, manual pages and translations are left out (the copyright
# files stay); the runtime mounts /dev, so the layer has no device nodes.
if ! mmdebstrap --mode=root --variant=minbase --format=tar \
	--include="$deb" --include=inotify-tools --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount \
	--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--customize-hook="$layout" \
	"$suite" - "${sources[@]}" </dev/null 2>"$log" |
	mmtarfilter '--path-exclude=/dev/*' >"$work/rootfs.tar"; then
	tail -n 40 "$log" >&2
	die "mmdebstrap failed (last lines above; the whole log is $log)"
fi

# The OCI image: one layer, the root file system as it is; the entry point
# is the daemon (the DaemonSet gives the command line of each container).
layout_dir=$work/oci
ref=$layout_dir:$tag
umoci init --layout "$layout_dir"
umoci new --image "$ref"
umoci raw add-layer --image "$ref" --history.created "$created" \
	--history.created_by "scripts/make-image.sh: mmdebstrap $suite minbase + $(basename "$deb") + inotify-tools" \
	"$work/rootfs.tar"
umoci config --image "$ref" --no-history --created "$created" \
	--author "enforcer maintainers" --architecture "$arch" --os linux \
	--config.entrypoint /usr/sbin/enforcerd --config.workingdir / \
	--config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	--config.label "org.opencontainers.image.title=enforcer" \
	--config.label "org.opencontainers.image.version=$version" \
	--config.label "org.opencontainers.image.revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)" \
	--config.label "org.opencontainers.image.created=$created" \
	--config.label "org.opencontainers.image.base.name=debian:$suite (mmdebstrap minbase)"
umoci gc --layout "$layout_dir"

image=$out/enforcer_${tag}_$arch.oci.tar
tar -C "$layout_dir" --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
	-cf "$image" .

# What the DaemonSet relies on must be in the layer.
listing=$(tar -tvf "$work/rootfs.tar")
for want in ./usr/sbin/enforcerd ./usr/sbin/enforcerctl ./usr/bin/policyc ./usr/bin/nsenter ./usr/bin/inotifywait \
	./usr/bin/sh ./etc/enforcer/configmap/; do
	grep -qE " $want( -> .*)?\$" <<<"$listing" || die "the image lacks $want"
done
for link in profiles attachments.d; do
	grep -q " ./etc/enforcer/$link -> configmap/..data\$" <<<"$listing" ||
		die "/etc/enforcer/$link is not the link to configmap/..data"
done

t1=$(date +%s)
digest=$(sed -n 's/.*"digest":"\(sha256:[0-9a-f]*\)".*/\1/p' "$layout_dir/index.json")
{
	echo "image: $image"
	echo "tag: $tag"
	echo "manifest: $digest"
	echo "layer: $(du -m "$work/rootfs.tar" | cut -f1) MiB unpacked; archive $(du -m "$image" | cut -f1) MiB"
	echo "packages: $(tar -xOf "$work/rootfs.tar" ./var/lib/dpkg/status | grep -c '^Package: ')"
	echo "built in $((t1 - t0)) s (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
} | tee "$out/image.txt" | sed 's/^/  /'
echo "$image"
