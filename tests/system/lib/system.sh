# SPDX-License-Identifier: GPL-2.0-only
# Shared by the system tests (bash, inside a system guest booted by
# tests/vm/system-boot.sh): the checks of tests/lib/checks.sh, and helpers
# for the package and systemd units. Tests run in order in one boot and see
# what earlier ones left (an installed package, a running service); a test
# that needs the package calls install_enforcer, which is idempotent.

. /enforcer/tests/lib/checks.sh

# The package under test, from the payload disk (system-boot.sh --deb).
ENFORCER_DEB=$(ls /enforcer/deb/enforcer_*.deb 2>/dev/null | head -n1)

# install_enforcer: the payload's .deb installed with apt, offline (the
# guest has no network: every dependency must be in the image), unless that
# same version is installed already. Checks it; 0 when installed.
install_enforcer() {
	local want have out t0
	if [ -z "$ENFORCER_DEB" ]; then
		fail "no enforcer_*.deb on the payload (make deb; system-boot.sh --deb FILE)"
		return 1
	fi
	want=$(dpkg-deb -f "$ENFORCER_DEB" Version)
	have=$(dpkg-query -W -f '${db:Status-Abbrev} ${Version}' enforcer 2>/dev/null)
	if [ "$have" = "ii  $want" ]; then
		return 0
	fi
	t0=$(date +%s)
	# apt-get wants a path with a slash to take a file for a package name.
	if out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		"$ENFORCER_DEB" 2>&1); then
		pass "apt-get install ${ENFORCER_DEB##*/} (offline, $(($(date +%s) - t0)) s)"
	else
		fail "apt-get install ${ENFORCER_DEB##*/} failed: $(tail -n 20 <<<"$out")"
		return 1
	fi
	have=$(dpkg-query -W -f '${db:Status-Abbrev} ${Version}' enforcer 2>/dev/null)
	expect_eq "dpkg: enforcer $want installed" "ii  $want" "$have"
	[ "$have" = "ii  $want" ]
}

# wait_active UNIT [SECONDS]: until systemd calls UNIT active (default
# 120 s: loading the programs takes tens of seconds under emulation). 0 when
# it is; its state otherwise, on stdout.
wait_active() {
	local unit=$1 limit=${2:-120} i=0 state
	while :; do
		state=$(systemctl is-active "$unit" 2>/dev/null)
		[ "$state" = active ] && return 0
		case $state in failed | inactive) [ $i -ge 20 ] && break ;; esac
		[ $i -ge $((limit * 10)) ] && break
		sleep 0.1
		i=$((i + 1))
	done
	echo "$state"
	return 1
}

# unit_log UNIT: its status and the end of its journal, indented, for the
# output of a failed check.
unit_log() {
	{
		systemctl status --no-pager --lines=0 "$1" 2>&1
		journalctl --no-pager -o short-monotonic -n 40 -u "$1" 2>&1
	} | sed 's/^/    /'
}
