#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=1200
#
# Removal (issue 15): what `apt-get remove` and `apt-get purge` do to
# enforcement and to /etc/enforcer (debian/enforcer.prerm, .postrm):
#  - remove: the daemon stops and the enforcement goes (no enforcerctl would
#    be left to inspect or undo it); /etc/enforcer and /var/lib/enforcer stay,
#    so installing again restores every profile and attachment;
#  - purge: the state and logs go, and the package's own files in
#    /etc/enforcer; the administrator's declarations there stay.
# Runs last: it removes the package (and installs it again at the end).
. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/declared.sh

ready_enforcer
cp /bin/true /usr/local/bin/enf-denied
declare_profile rm '{"name": "rm", "mode": "enforce", "exec": {"default": "allow", "rules": [{"action": "deny", "path": "/usr/local/bin/enf-denied"}]}}'
declare_attachments rm 'rm unit enf-rm.service'
probe_unit enf-rm.service -- exec /usr/local/bin/enf-denied
expect_exit "declared: reload" 0 reload_enforcer
expect_eq "installed: denied" EPERM "$(run_probe_unit enf-rm.service)"

# ---- remove -----------------------------------------------------------------------------------------
if out=$(DEBIAN_FRONTEND=noninteractive apt-get remove -y enforcer 2>&1); then pass "apt-get remove enforcer"; else fail "apt-get remove: $(tail -n 10 <<<"$out")"; fi
echo "$out" | grep enforcer: | sed 's/^/    /'
expect_eq "removed: dpkg keeps its configuration (rc)" rc "$(dpkg-query -W -f '${db:Status-Abbrev}' enforcer | tr -d ' ')"
expect_eq "removed: the daemon is gone" inactive "$(systemctl is-active enforcerd.service 2>/dev/null)"
expect_eq "removed: nothing pinned" no "$([ -e /sys/fs/bpf/enforcer ] && echo yes || echo no)"
expect_eq "removed: the unit runs unconfined (enforcement went with the package)" ok "$(run_probe_unit enf-rm.service)"
expect_eq "removed: the declared profile is still in /etc/enforcer" yes "$([ -f $ETC/profiles/rm.json ] && echo yes || echo no)"
expect_eq "removed: the persisted state is kept" yes "$([ -f /var/lib/enforcer/state.json ] && echo yes || echo no)"

# ---- install again: everything comes back -----------------------------------------------------------
install_enforcer || finish
wait_active enforcerd.service 400 >/dev/null || fail "enforcerd is not active after the reinstall"
expect_eq "installed again: denied again (from /etc and the kept state)" EPERM "$(run_probe_unit enf-rm.service)"

# ---- purge ------------------------------------------------------------------------------------------------
if out=$(DEBIAN_FRONTEND=noninteractive apt-get purge -y enforcer 2>&1); then pass "apt-get purge enforcer"; else fail "apt-get purge: $(tail -n 10 <<<"$out")"; fi
expect_eq "purged: dpkg knows nothing of it" "" "$(dpkg-query -W -f '${db:Status-Abbrev}' enforcer 2>/dev/null | tr -d ' ' | grep -v '^un$')"
expect_eq "purged: nothing pinned" no "$([ -e /sys/fs/bpf/enforcer ] && echo yes || echo no)"
expect_eq "purged: the state is gone" no "$([ -e /var/lib/enforcer ] && echo yes || echo no)"
expect_eq "purged: the audit logs are gone" no "$([ -e /var/log/enforcer ] && echo yes || echo no)"
expect_eq "purged: the administrator's declarations stay" yes "$([ -f $ETC/profiles/rm.json ] && echo yes || echo no)"
expect_eq "purged: the unit runs unconfined" ok "$(run_probe_unit enf-rm.service)"

# Leave the system as the tests found it: the package installed, nothing of ours declared.
rm -f $ETC/profiles/rm.json $ETC/attachments.d/rm.conf /etc/systemd/system/enf-rm.service
systemctl daemon-reload
install_enforcer
finish
