#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=1200
#
# Upgrade (issue 15): installing a newer build of the package over the old
# one while a confined loop retries a denied exec gives zero successes; an
# allowed exec in the same loop never fails. The newer build is the payload's
# package with a higher version (dpkg-deb -R, then -b): dpkg and the
# maintainer scripts take the upgrade path (the daemon is restarted by the
# package). The daemon is stopped and the pins are made to say an older
# ABI version first, as an upgrade across one finds them: the unit's
# --migrate rebuilds the policy in new maps before the old programs go
# (without it the daemon would exit 4 and stay down). The old version is put back at the end for the tests
# that follow, which adopts the migrated pins (the same ABI).
. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/declared.sh

ready_enforcer
cp /bin/true /usr/local/bin/enf-denied
declare_profile loop '{"name": "loop", "mode": "enforce", "exec": {"default": "allow", "rules": [{"action": "deny", "path": "/usr/local/bin/enf-denied"}]}}'
declare_attachments loop 'loop unit enf-loop.service'
rm -f /run/enf-loop.out /run/enf-loop.stop /run/enf-loop.ready
cat >/etc/systemd/system/enf-loop.service <<'UNIT'
[Unit]
Description=enforcer test: a confined loop retrying a denied exec
[Service]
ExecStart=/enforcer/tests/guest/enf-loop --out /run/enf-loop.out --stop /run/enf-loop.stop --ready /run/enf-loop.ready --pause-us 2000 exec:/usr/local/bin/enf-denied exec:/bin/true
UNIT
systemctl daemon-reload
expect_exit "declared: reload" 0 reload_enforcer
systemctl start enf-loop.service
i=0
while [ $i -lt 300 ] && [ ! -e /run/enf-loop.ready ]; do sleep 0.1; i=$((i + 1)); done
[ -e /run/enf-loop.ready ] && pass "the loop runs" || fail "the loop did not start: $(systemctl status --no-pager enf-loop.service 2>&1 | tail -n 5)"

old=$(dpkg-query -W -f '${Version}' enforcer)
new="$old+upgrade1"
work=$(mktemp -d)
dpkg-deb -R "$ENFORCER_DEB" $work/pkg
sed -i "s/^Version: .*/Version: $new/" $work/pkg/DEBIAN/control
dpkg-deb -b $work/pkg $work/enforcer_${new}_$(dpkg --print-architecture).deb >/dev/null
pid0=$(systemctl show -P MainPID enforcerd.service)
# Stopped first: a daemon writes the settings with its own ABI version (at
# its stop too), and this one's is the new one.
expect_exit "the daemon stops; its enforcement stays pinned" 0 systemctl stop enforcerd.service
abi=$(policyc --version | sed -n 's/.*ABI \([0-9]*\).*/\1/p')
expect_eq "the pins say ABI $((abi - 1)) (as an older build left them)" ok \
	"$(/enforcer/tests/guest/enf-self bpf-poke /sys/fs/bpf/enforcer/maps/settings 12 $((abi - 1)))"
since=$(date '+%Y-%m-%d %H:%M:%S')
if out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y $work/enforcer_${new}_*.deb 2>&1); then
	pass "apt-get install of the newer build ($old -> $new)"
else
	fail "apt-get install of the newer build: $(tail -n 15 <<<"$out")"
fi
expect_eq "dpkg: the newer version is installed" "ii  $new" "$(dpkg-query -W -f '${db:Status-Abbrev} ${Version}' enforcer)"
wait_active enforcerd.service 400 >/dev/null || fail "enforcerd is not active after the upgrade"
pid1=$(systemctl show -P MainPID enforcerd.service)
if [ -n "$pid1" ] && [ "$pid1" != 0 ] && [ "$pid1" != "$pid0" ]; then pass "the upgrade restarted the daemon ($pid0 -> $pid1)"; else fail "daemon pid $pid0 -> $pid1"; fi
expect_contains "the new daemon migrated the older ABI's pins" "migrated: the programs of the old ABI are detached" \
	"$(journalctl --no-pager -u enforcerd.service --since "$since" 2>&1)"
expect_eq "no pins of the older ABI are left" 0 "$(ls /sys/fs/bpf | grep -c old-abi)"
sleep 1
touch /run/enf-loop.stop
i=0
while [ $i -lt 100 ] && systemctl is-active --quiet enf-loop.service; do sleep 0.1; i=$((i + 1)); done
cat /run/enf-loop.out
count() { awk -v op="$1" -v f="$2" '$1 == op { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' /run/enf-loop.out; }
expect_eq "denied exec: zero successes through the upgrade" 0 "$(count exec:/usr/local/bin/enf-denied ok)"
n=$(count exec:/usr/local/bin/enf-denied eperm)
if [ "${n:-0}" -gt 10 ]; then pass "the loop really retried ($n denials)"; else fail "too few attempts: '$n'"; fi
expect_eq "allowed exec: zero denials (control)" 0 "$(count exec:/bin/true eperm)"

# Back to the payload's version for the tests that follow (a downgrade: dpkg -i allows it).
if out=$(DEBIAN_FRONTEND=noninteractive dpkg -i "$ENFORCER_DEB" 2>&1); then pass "dpkg -i back to $old"; else fail "dpkg -i back to $old: $(tail -n 10 <<<"$out")"; fi
wait_active enforcerd.service 400 >/dev/null || fail "enforcerd is not active after the downgrade"
rm -rf $work
rm -f $ETC/profiles/loop.json $ETC/attachments.d/loop.conf /etc/systemd/system/enf-loop.service
systemctl daemon-reload
expect_exit "clean-up: reload" 0 reload_enforcer
finish
