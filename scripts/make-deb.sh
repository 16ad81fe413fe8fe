#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the enforcer Debian package from a copy of this tree (`make deb`).
#
# usage: scripts/make-deb.sh [--version V] [--out DIR] [--verbose]
#   --version V  the package version (default: from git, below)
#   --out DIR    where the package goes (default build/deb; emptied first)
#   --verbose    show dpkg-buildpackage's output (else only on failure)
#
# The copy is what git tracks plus the untracked files it does not ignore,
# as they are in the working tree: uncommitted edits are packaged (what a
# developer tests is what they changed), nothing ignored is (build/,
# .cache/), and the build never writes into the tree.
#
# The version: a tag vX.Y on HEAD gives X.Y; N commits after it, X.Y+gitN.HASH;
# no tag, POLICYC_VERSION~git<commit date>.<commit count>.HASH (so it sorts
# below the release it leads to, and commits of one day by their order).
# Uncommitted changes add +dirty<UTC time>, so each such build installs over
# the one before. debian/changelog in the copy carries it.
#
# Output: DIR/enforcer_VERSION_ARCH.deb (and its -dbgsym, .buildinfo,
# .changes) and the stable name DIR/enforcer_current_ARCH.deb, a link to it;
# the last line printed is the package's path.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version="" out="$root/build/deb" verbose=0
while [[ $# -gt 0 ]]; do
	case $1 in
	--version) version=${2:?--version needs a version}; shift 2 ;;
	--out) out=${2:?--out needs a directory}; shift 2 ;;
	--verbose) verbose=1; shift ;;
	-h | --help) sed -n '4,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "make-deb: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

die() { echo "make-deb: $*" >&2; exit 1; }

cd "$root"
git rev-parse --git-dir >/dev/null 2>&1 ||
	die "$root is not a git checkout: the version and the file list come from git (or run dpkg-buildpackage -b -us -uc in a copy)"
for tool in dpkg-buildpackage dh dpkg-architecture; do
	command -v $tool >/dev/null || die "$tool is missing: run scripts/install-deps.sh (it installs debhelper and dpkg-dev)"
done

if [[ -z $version ]]; then
	hash=$(git rev-parse --short HEAD)
	if desc=$(git describe --tags --long --match 'v[0-9]*' 2>/dev/null); then
		# v1.2-3-gabcdef -> 1.2 or 1.2+git3.abcdef
		base=${desc%-*-g*} base=${base#v} n=${desc%-g*} n=${n##*-}
		version=$base
		[[ $n == 0 ]] || version+="+git$n.$hash"
	else
		base=$(sed -nE 's/^#define POLICYC_VERSION "([^"]+)"$/\1/p' policyc/main.c)
		[[ -n $base ]] || die "no version tag and no POLICYC_VERSION in policyc/main.c: pass --version"
		version="$base~git$(git log -1 --format=%cd --date=format:%Y%m%d).$(git rev-list --count HEAD).$hash"
	fi
	# untracked files git does not ignore count as changes too
	if [[ -n $(git status --porcelain --untracked-files=normal) ]]; then
		version+="+dirty$(date -u +%y%m%d%H%M%S)"
	fi
fi
[[ $version =~ ^[0-9][A-Za-z0-9.+~]*$ ]] ||
	die "'$version' is not a native Debian version (a digit first, then letters, digits and . + ~)"

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
src=$out/src
rm -rf "$out"
mkdir -p "$src"

# The tree's files, deleted ones left out.
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do
		[[ -e $f || -L $f ]] && printf '%s\0' "$f"
	done |
	tar -C "$root" --null -T - -cf - | tar -C "$src" -xf -

# The version, and when and from what it was built, into the copy's changelog.
describe=$(git describe --tags --always --dirty)
sed -i -E "1s/^enforcer \([^)]*\)/enforcer ($version)/" "$src/debian/changelog"
sed -i "3i\\  * Built by make deb from $describe." "$src/debian/changelog"
sed -i -E "0,/^ -- /s/^( -- .*>  ).*$/\1$(date -R -u)/" "$src/debian/changelog"

log=$out/build.log
echo "  DEB      $out/enforcer_${version}_$arch.deb (log: $log)"
rc=0
if [[ $verbose -eq 1 ]]; then
	(cd "$src" && dpkg-buildpackage -b -us -uc --jobs-try=auto) 2>&1 | tee "$log" || rc=$?
else
	(cd "$src" && dpkg-buildpackage -b -us -uc --jobs-try=auto) >"$log" 2>&1 || rc=$?
fi
deb=$out/enforcer_${version}_$arch.deb
if [[ $rc -ne 0 || ! -f $deb ]]; then
	[[ $verbose -eq 1 ]] || tail -n 60 "$log" >&2
	die "dpkg-buildpackage failed (exit status $rc); the whole log is $log"
fi
ln -sf "${deb##*/}" "$out/enforcer_current_$arch.deb"
echo "$deb"
