#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fetch and cache the Debian cloud kernels the guest tests boot:
#   bookworm  the current bookworm 6.1 cloud kernel (the system's own apt state)
#   trixie    trixie's 6.12 cloud kernel (a private apt state, same mirror)
# Result: .cache/kernels/<name>/{vmlinuz,version,package,config,modules/}.
# A cached kernel is never re-fetched (no network at all); --refresh forces it.
#
# usage: tests/vm/fetch-kernels.sh [--refresh] [bookworm|trixie]...
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache="$root/.cache/kernels"
refresh=0
names=()
for arg in "$@"; do
	case $arg in
	--refresh) refresh=1 ;;
	-h|--help) sed -n '3,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	bookworm|trixie) names+=("$arg") ;;
	*) echo "fetch-kernels: unknown kernel '$arg' (known: bookworm trixie)" >&2; exit 2 ;;
	esac
done
[[ ${#names[@]} -gt 0 ]] || names=(bookworm trixie)

die() { echo "fetch-kernels: $*" >&2; exit 1; }

# Quiet apt, but keep its words for the error message when it fails.
apt_quiet() {
	local out
	if ! out=$("$@" </dev/null 2>&1); then
		printf '%s\n' "$out" >&2
		die "'$*' failed"
	fi
}

# debian_uri, debian_keyring_has, DEBIAN_KEYRING
# shellcheck source=tests/vm/debian-archive.sh
. "$root/tests/vm/debian-archive.sh"

# Modules a test loads itself (the cloud kernels build them as modules),
# uncompressed so busybox insmod takes them: overlayfs, whose stat() device
# is not its superblock's (tests/integration/76-identity-superblock.sh);
# loop, for a file system whose dentries leave the cache and a block device
# of its own (ext2_on_loop in tests/integration/lib/lib.sh: tests 85, 86).
guest_modules=(overlay loop)

keep_modules() {
	local to=$1 from=() d m f
	shift
	for d in "$@"; do [[ -d $d ]] && from+=("$d"); done
	[[ ${#from[@]} -gt 0 ]] || die "the kernel package has no module directory"
	mkdir -p "$to"
	for m in "${guest_modules[@]}"; do
		f=$(find "${from[@]}" \( -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" \) | head -n1)
		[[ -n $f ]] || die "the kernel package has no module $m"
		case $f in
		*.xz) xz -dc "$f" >"$to/$m.ko" ;;
		*.zst) zstd -qdc "$f" >"$to/$m.ko" ;;
		*) cp "$f" "$to/$m.ko" ;;
		esac
	done
}

# Unpack the image package and keep only what the harness uses: the kernel,
# its config (to check CONFIG_BPF_LSM & co when something looks wrong), and
# which package/version it came from.
install_kernel() {
	local name=$1 deb=$2 dest="$cache/$1" tmp
	tmp=$(mktemp -d "$cache/.unpack-$name.XXXXXX")
	dpkg-deb -x "$deb" "$tmp"
	local vmlinuz
	vmlinuz=$(find "$tmp/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n1)
	[[ -n $vmlinuz ]] || die "$deb has no boot/vmlinuz-*"
	local release=${vmlinuz##*/vmlinuz-}
	rm -rf "$dest.new"
	mkdir -p "$dest.new"
	mv "$vmlinuz" "$dest.new/vmlinuz"
	if [[ -f $tmp/boot/config-$release ]]; then mv "$tmp/boot/config-$release" "$dest.new/config"; fi
	# bookworm keeps modules in /lib, trixie (merged /usr) in /usr/lib.
	keep_modules "$dest.new/modules" "$tmp"/{,usr/}lib/modules/"$release"
	printf '%s\n' "$release" >"$dest.new/version"
	dpkg-deb -f "$deb" Package Version | awk '{ printf "%s%s", (NR > 1 ? "=" : ""), $2 } END { print "" }' \
		>"$dest.new/package"
	rm -rf "$tmp" "$dest"
	# Rename last, so an interrupted fetch never leaves a half cache behind.
	mv "$dest.new" "$dest"
}

# $1 = kernel name, rest = apt options selecting the apt state to use.
fetch_with() {
	local name=$1; shift
	local pkg dl
	# The metapackage always depends on the current ABI's image package.
	pkg=$(apt-cache "$@" depends linux-image-cloud-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
	[[ -n $pkg ]] || return 1
	dl=$(mktemp -d "$cache/.download-$name.XXXXXX")
	if ! (cd "$dl" && apt-get "$@" -qq download "$pkg" </dev/null >/dev/null 2>"$dl/err"); then
		cat "$dl/err" >&2
		rm -rf "$dl"
		return 1
	fi
	install_kernel "$name" "$dl"/*.deb
	rm -rf "$dl"
}

fetch_bookworm() {
	# The machine's own lists may be missing (fresh image) or stale (the
	# archive dropped the old ABI's .deb): refresh once, then retry.
	if ! fetch_with bookworm; then
		apt_quiet apt-get update -qq
		fetch_with bookworm || die "cannot download the bookworm cloud kernel (linux-image-cloud-amd64)"
	fi
}

fetch_trixie() {
	local state="$cache/.apt-trixie" uri signed
	uri=$(debian_uri)
	mkdir -p "$state/lists/partial" "$state/cache/archives/partial"
	# Only a keyring without the trixie key (an old point release) falls back
	# to trusted=yes: the download then rests on the mirror being the same
	# one the system trusts for its own packages.
	if debian_keyring_has trixie; then
		signed="Signed-By: $DEBIAN_KEYRING"
	else
		echo "fetch-kernels: warning: $DEBIAN_KEYRING lacks the trixie key; fetching trixie unverified" >&2
		signed="Trusted: yes"
	fi
	cat >"$state/sources.sources" <<-SRC
	Types: deb
	URIs: $uri
	Suites: trixie
	Components: main
	Architectures: amd64
	$signed
	SRC
	local opts=(
		-o Dir::Etc::sourcelist="$state/sources.sources"
		-o Dir::Etc::sourceparts=/dev/null
		-o Dir::State::Lists="$state/lists"
		-o Dir::Cache="$state/cache"
		-o Dir::State::status=/dev/null
		-o APT::Architectures=amd64
		-o Acquire::Languages=none
		-o Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false
	)
	apt_quiet apt-get "${opts[@]}" -qq update
	fetch_with trixie "${opts[@]}" || die "cannot download the trixie cloud kernel (linux-image-cloud-amd64 from $uri trixie)"
	# The lists are ~10 MB and only needed again with --refresh.
	rm -rf "$state"
}

has_modules() {
	local m
	for m in "${guest_modules[@]}"; do
		[[ -s $cache/$1/modules/$m.ko ]] || return 1
	done
}

mkdir -p "$cache"
for name in "${names[@]}"; do
	if [[ $refresh -eq 0 && -s $cache/$name/vmlinuz && -s $cache/$name/version ]] && has_modules "$name"; then
		continue
	fi
	"fetch_$name"
	echo "fetch-kernels: $name: $(cat "$cache/$name/package") ($(cat "$cache/$name/version"))"
done
