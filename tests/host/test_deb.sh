#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Debian package, as `make deb` builds it (scripts/make-deb.sh, here into
# a directory of its own so that build/deb is left alone), or the package
# ENFORCER_DEB names: every file it must ship, with its mode and owner;
# conffiles; maintainer scripts; man pages that render; programs that run;
# lintian without errors. Prints PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib/check.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8

for tool in dpkg-deb dpkg-buildpackage dh lintian man; do
	command -v $tool >/dev/null || check "deb: $tool is installed" 1 "missing: run scripts/install-deps.sh"
done
[[ $failed -eq 0 ]] || finish

if [[ -n ${ENFORCER_DEB-} ]]; then
	deb=$ENFORCER_DEB
	changes=""
else
	before=$(git status --porcelain --ignored)
	# The debug symbols package is not checked here: not building it saves time.
	out=$(DEB_BUILD_OPTIONS="noautodbgsym ${DEB_BUILD_OPTIONS-}" scripts/make-deb.sh --out "$T/deb" 2>&1)
	rc=$?
	after=$(git status --porcelain --ignored)
	deb=$(tail -n 1 <<<"$out")
	check "make-deb builds a package" $([[ $rc -eq 0 && -f $deb ]]; echo $?) "exit status $rc: $(tail -n 30 <<<"$out")"
	[[ $rc -eq 0 && -f $deb ]] || finish
	arch=$(dpkg-architecture -qDEB_HOST_ARCH)
	check "enforcer_current_$arch.deb is the package" \
		$([[ $(readlink -f "$T/deb/enforcer_current_$arch.deb") == "$(readlink -f "$deb")" ]]; echo $?) \
		"$(ls -l "$T/deb")"
	version=$(dpkg-deb -f "$deb" Version)
	check "the version ($version) names HEAD's commit" \
		$([[ $version == *"$(git rev-parse --short HEAD)"* ]]; echo $?) "HEAD is $(git rev-parse --short HEAD)"
	units=$(grep -E '^ +TEST +build/tests/unit/test_' "$T/deb/build.log")
	nunits=$(ls tests/unit/test_*.c | wc -l)
	check "the build ran the $nunits unit tests, all passing" \
		$([[ $(grep -c ' 0 failed$' <<<"$units") -eq $nunits ]]; echo $?) "$units"
	check "the build left the tree as it was (git status, ignored files included)" \
		$([[ $before == "$after" ]]; echo $?) "$(diff <(echo "$before") <(echo "$after"))"
	changes=$(ls "$T"/deb/*.changes 2>/dev/null)
fi
echo "deb: $deb ($(stat -c %s "$deb") bytes)"

# ---- files, modes, owners ------------------------------------------------------
dpkg-deb -c "$deb" | awk '{ p = $6; sub(/\/$/, "", p); print p, $1, $2 }' >"$T/contents"
unit=./lib/systemd/system/enforcerd.service
grep -q '^./usr/lib/systemd/system/enforcerd.service ' "$T/contents" && unit=./usr/lib/systemd/system/enforcerd.service
want=(
	"./usr/sbin/enforcerd -rwxr-xr-x"
	"./usr/sbin/enforcerctl -rwxr-xr-x"
	"./usr/bin/policyc -rwxr-xr-x"
	"$unit -rw-r--r--"
	"./etc/enforcer drwxr-xr-x"
	"./etc/enforcer/profiles drwxr-xr-x"
	"./etc/enforcer/attachments.d drwxr-xr-x"
	"./etc/enforcer/README -rw-r--r--"
	"./etc/logrotate.d/enforcer -rw-r--r--"
	"./var/lib/enforcer drwx------"
	"./usr/share/doc/enforcer/copyright -rw-r--r--"
	"./usr/share/doc/enforcer/changelog.gz -rw-r--r--"
	"./usr/share/doc/enforcer/README.md -rw-r--r--"
)
for f in policies/*.json; do want+=("./usr/share/enforcer/profiles/${f##*/} -rw-r--r--"); done
for f in docs/man/*.[158]; do want+=("./usr/share/man/man${f##*.}/${f##*/}.gz -rw-r--r--"); done
for f in packaging/bash-completion/*; do want+=("./usr/share/bash-completion/completions/${f##*/} -rw-r--r--"); done
for w in "${want[@]}"; do
	path=${w% *} mode=${w##* }
	got=$(awk -v p="$path" '$1 == p { print $2, $3 }' "$T/contents")
	check "ships $path $mode root/root" $([[ $got == "$mode root/root" ]]; echo $?) "found: '${got:-nothing}'"
done
others=$(awk '$3 != "root/root"' "$T/contents")
check "every file is root's" $([[ -z $others ]]; echo $?) "$others"
stray=$(grep -E '^\./(usr/local|build|home|tmp|root)(/| )' "$T/contents")
check "nothing under /usr/local, /tmp or a build path" $([[ -z $stray ]]; echo $?) "$stray"

# ---- control: dependencies, conffiles, maintainer scripts ------------------------
deps=$(dpkg-deb -f "$deb" Depends)
check "Depends names the shared libraries (libbpf1, libjansson4, libseccomp2)" \
	$([[ $deps == *libbpf1* && $deps == *libjansson4* && $deps == *libseccomp2* ]]; echo $?) "Depends: $deps"
dpkg-deb -e "$deb" "$T/control"
etc=$(awk '$2 !~ /^d/ && $1 ~ /^\.\/etc\// { print substr($1, 2) }' "$T/contents" | sort)
conf=$(sort "$T/control/conffiles" 2>/dev/null)
check "conffiles are exactly the files under /etc ($(echo $etc))" \
	$([[ -n $etc && $conf == "$etc" ]]; echo $?) "conffiles: $(echo $conf); /etc: $(echo $etc)"
for s in preinst postinst prerm postrm; do
	[[ -f $T/control/$s ]] || continue
	out=$(sh -n "$T/control/$s" 2>&1)
	check "$s is valid sh" $? "$out"
done
check "postinst enables and starts enforcerd.service" \
	$(grep -q "deb-systemd-helper.*enable.*enforcerd.service" "$T/control/postinst" &&
	  grep -q "deb-systemd-invoke.*enforcerd.service" "$T/control/postinst"; echo $?) "$(cat "$T/control/postinst")"
check "prerm stops the daemon and removes enforcement on remove only" \
	$(awk '/deb-systemd-invoke stop/ { stop = NR } /enforcerd --cleanup/ { clean = NR }
		END { exit !(stop && clean > stop) }' "$T/control/prerm" &&
	  grep -q '"$1" = remove ] && \[ -d "$pin_dir" ]' "$T/control/prerm"; echo $?) "$(cat "$T/control/prerm")"
check "postrm purge deletes /var/lib/enforcer and /var/log/enforcer" \
	$(grep -q 'rm -rf /var/lib/enforcer /var/log/enforcer' "$T/control/postrm"; echo $?) "$(cat "$T/control/postrm")"

# ---- what is in it works -----------------------------------------------------------
dpkg-deb -x "$deb" "$T/root"
for p in usr/sbin/enforcerd usr/sbin/enforcerctl usr/bin/policyc; do
	out=$("$T/root/$p" --help 2>&1)
	check "/$p --help runs" $([[ $? -eq 0 && $out == *sage* ]]; echo $?) "$out"
done
out=$("$T/root/usr/bin/policyc" check "$T"/root/usr/share/enforcer/profiles/*.json 2>&1)
check "the shipped profiles are valid" $? "$out"
grep -q "^ExecStart=/usr/sbin/enforcerd " "$T/root/$unit"
check "the unit runs /usr/sbin/enforcerd" $? "$(grep ExecStart "$T/root/$unit")"
grep -q "^ExecStart=/usr/sbin/enforcerd .*--migrate" "$T/root/$unit"
check "the unit migrates pins of another ABI version (an upgrade across one)" $? "$(grep ExecStart "$T/root/$unit")"
for page in "$T"/root/usr/share/man/man*/*.gz; do
	out=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	check "man ${page##*/} renders without a warning" $([[ -z $out ]] && man -l "$page" 2>/dev/null | grep -q '^NAME'; echo $?) "$out"
done

# ---- lintian -----------------------------------------------------------------------
out=$(lintian --fail-on error $deb $changes 2>&1)
rc=$?
check "lintian finds no error ($(grep -c '^W: ' <<<"$out") warnings, $(grep -c '^I: ' <<<"$out") notes)" \
	$([[ $rc -eq 0 ]] && ! grep -q '^E: ' <<<"$out"; echo $?) "$(grep -E '^(E|W): ' <<<"$out")"
grep -E '^(W|I): ' <<<"$out" | sed 's/^/  lintian: /'

finish
