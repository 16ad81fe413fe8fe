#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=1200
#
# Ordering (issue 15): with After=enforcerd.service a unit's very first
# exec is already decided by its profile. Two units try the same denied
# ExecStartPre= and are attached through /etc/enforcer by unit; they differ
# only in ordering. With enforcement removed (enforcerd --cleanup: nothing
# pinned, nothing persisted, only /etc declares), all three are started in
# one transaction: the unit ordered after enforcerd fails at its first
# exec, the one ordered before it (the control) runs unconfined, because
# enforcerd is not ready then. First, with enforcerd running, a unit that
# starts later is refused at its first exec too (its cgroup is attached
# inside the mkdir systemd makes it with).
. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/declared.sh

ready_enforcer
cp /bin/true /usr/local/bin/enf-denied
declare_profile order '{"name": "order", "mode": "enforce", "exec": {"default": "allow", "rules": [{"action": "deny", "path": "/usr/local/bin/enf-denied"}]}}'
declare_attachments order 'order unit enf-after.service
order unit enf-before.service'
unit() {   # unit NAME ORDERING
	cat >/etc/systemd/system/$1 <<UNIT
[Unit]
Description=enforcer test: a denied ExecStartPre ($2)
$2
[Service]
Type=oneshot
# Stays loaded after it ran (active, exited): its timestamps are read below.
RemainAfterExit=yes
ExecStartPre=/usr/local/bin/enf-denied
ExecStart=/bin/true
UNIT
}
unit enf-after.service After=enforcerd.service
# DefaultDependencies=no: a default unit comes after sysinit.target, which comes after enforcerd.
unit enf-before.service $'DefaultDependencies=no\nBefore=enforcerd.service'
systemctl daemon-reload
expect_exit "declared: reload" 0 reload_enforcer
out=$(enforcerctl list)
expect_contains "the units are attached before they ever ran" "waiting /sys/fs/cgroup/system.slice/enf-after.service" "$out"

# unit_journal_eperm: enf-after's last journal lines, once they hold the
# executor's EPERM: its own line reaches the journal after systemd's (waits
# up to 5 s).
unit_journal_eperm() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		journalctl --no-pager -u enf-after.service -n 20 2>&1 | grep -q "Operation not permitted" && break
		sleep 0.5
	done
	journalctl --no-pager -u enf-after.service -n 20 2>&1
}

n=$(audit_lines)
expect_exit "enforcerd running: the unit's start fails" 1 systemctl start enf-after.service
expect_contains "... at its first exec, ExecStartPre, with EPERM" "Operation not permitted" "$(unit_journal_eperm)"
if audit_has_since "$n" '"cgroup":"/system.slice/enf-after.service".*enf-denied'; then
	pass "... and the denial is logged with the unit's cgroup"
else
	fail "no event for enf-denied from enf-after.service: $(tail -n 3 $AUDIT_LOG)"
fi

# ---- ordering, from nothing enforced ---------------------------------------------------------------
systemctl stop enforcerd.service
expect_exit "enforcerd --cleanup: every pin and the persisted state removed" 0 enforcerd --cleanup
systemctl reset-failed enf-after.service enf-before.service 2>/dev/null
expect_exit "nothing enforced now: the unit runs (control)" 0 systemctl start enf-after.service
systemctl stop enf-after.service
# One transaction: enforcerd (slow to load under emulation), and both units.
systemctl start enforcerd.service enf-after.service enf-before.service
after=$(systemctl show -P Result enf-after.service)
before=$(systemctl show -P Result enf-before.service)
expect_eq "After=enforcerd.service: failed at its first exec" exit-code "$after"
expect_eq "Before=enforcerd.service: ran, unconfined (control)" success "$before"
ready=$(systemctl show -P ActiveEnterTimestampMonotonic enforcerd.service)
t_before=$(systemctl show -P InactiveExitTimestampMonotonic enf-before.service)
t_pre=$(systemctl show -P InactiveExitTimestampMonotonic enf-after.service)
echo "enforcerd ready at ${ready} us; enf-before started at ${t_before} us, enf-after at ${t_pre} us"
if [ "${ready:-0}" -gt 0 ] && [ "${t_pre:-0}" -ge "$ready" ]; then
	pass "enf-after started only after enforcerd was READY"
else
	fail "enf-after started at '$t_pre', enforcerd ready at '$ready'"
fi
if [ "${t_before:-0}" -gt 0 ] && [ "$t_before" -lt "$ready" ]; then
	pass "enf-before started before enforcerd was READY (the window the ordering closes)"
else
	fail "enf-before started at '$t_before', enforcerd ready at '$ready'"
fi
expect_contains "the journal: EPERM at ExecStartPre" "Operation not permitted" "$(unit_journal_eperm)"

systemctl stop enf-before.service
systemctl reset-failed enf-after.service enf-before.service 2>/dev/null
rm -f $ETC/profiles/order.json $ETC/attachments.d/order.conf /etc/systemd/system/enf-after.service \
	/etc/systemd/system/enf-before.service
systemctl daemon-reload
expect_exit "clean-up: reload" 0 reload_enforcer
finish
