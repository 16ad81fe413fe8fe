#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=900
#
# A real service attached with --unit through /etc/enforcer (issue 15): nginx
# may not read one file. Its workers' open() is refused (nginx answers 500,
# its answer to an open() error other than EACCES, and logs EPERM), a process in nginx's cgroup is refused too, the event is
# in the audit log with nginx's cgroup; the same read outside is allowed,
# and so is every other page. It stays so after `systemctl restart nginx`
# and after `systemctl restart enforcerd`. A reload with a broken profile
# file changes nothing and says why.
. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/declared.sh

NGINX=system.slice/nginx.service
SECRET=/var/www/html/secret.html
ready_enforcer
wait_active nginx.service 60 >/dev/null || fail "nginx is not active"
echo "the secret" >$SECRET
chmod 644 $SECRET
http() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "http://127.0.0.1/$1"; }
expect_eq "before: nginx serves the file (control)" 200 "$(http secret.html)"

WEB='{"name": "web", "mode": "enforce",
 "file": {"default": "allow", "rules": [{"action": "deny", "path": "/var/www/html/secret.html", "access": ["read"]}]}}'
declare_profile web "$WEB"
declare_attachments web '# nginx may not read the secret
web unit nginx.service'
expect_exit "systemctl reload enforcerd" 0 reload_enforcer
out=$(enforcerctl list)
expect_contains "list: nginx's cgroup, as the unit, declared in /etc" "unit nginx.service; declared in $ETC/attachments.d/web.conf:2" "$out"

# confined CONTEXT: what must hold whenever nginx is attached.
confined() {
	local n
	n=$(audit_lines)
	: >/var/log/nginx/error.log
	# nginx answers 403 for EACCES only; any other error of open(), EPERM included, is a 500.
	expect_eq "$1: nginx may not read the file (its open() fails: 500)" 500 "$(http secret.html)"
	expect_eq "$1: other pages are served (control)" 200 "$(http)"
	expect_eq "$1: a process in nginx's cgroup: EPERM" EPERM "$(in_unit $NGINX enf-probe open $SECRET r)"
	expect_eq "$1: the same read outside: allowed (control)" ok "$(enf-probe open $SECRET r)"
	if audit_has_since "$n" "\"cgroup\":\"/$NGINX\".*secret.html"; then
		pass "$1: the denial is in the audit log, with nginx's cgroup"
	else
		fail "$1: no event for $SECRET from /$NGINX in $AUDIT_LOG: $(tail -n 3 $AUDIT_LOG)"
	fi
	expect_contains "$1: nginx logged the refusal" "secret.html\" failed (1: Operation not permitted)" "$(cat /var/log/nginx/error.log)"
}
confined "attached"

systemctl restart nginx.service
wait_active nginx.service 60 >/dev/null || fail "nginx did not restart"
confined "after systemctl restart nginx"

systemctl restart enforcerd.service
wait_active enforcerd.service 400 >/dev/null || fail "enforcerd did not restart"
confined "after systemctl restart enforcerd"

# A broken profile file: the reload fails, says where, and changes nothing.
gen=$(enforcerctl list | sed -n 's/^web  mode=enforce generation=\([0-9]*\) .*/\1/p')
printf '%s\n' '{"name": "web", "mode": "enforce",' ' "file": {"default": "allow", "rules": [{"action": "deny", "path": "/var/www/html/secret.html" "access": ["read"]}]}}' >$ETC/profiles/web.json
reload_enforcer
rc=$?
if [ $rc -ne 0 ]; then pass "systemctl reload with a broken profile: fails (exit $rc)"; else fail "systemctl reload with a broken profile succeeded"; fi
journal=$(journalctl --no-pager -u enforcerd.service -n 40 2>&1)
expect_contains "the journal says where" "$ETC/profiles/web.json:2:" "$journal"
expect_contains "... and that nothing changed" "reload refused, nothing changed" "$journal"
expect_contains "systemctl status shows it" "LAST RELOAD FAILED: $ETC/profiles/web.json:2:" "$(systemctl show -P StatusText enforcerd.service)"
expect_eq "the service stays active" active "$(systemctl is-active enforcerd.service)"
expect_contains "the profile in force is the same version" "web  mode=enforce generation=$gen " "$(enforcerctl list)"
confined "after the refused reload"

declare_profile web "$WEB"
expect_exit "fixed: reload" 0 reload_enforcer
rm -f $ETC/profiles/web.json $ETC/attachments.d/web.conf
expect_exit "clean-up: reload" 0 reload_enforcer
expect_eq "detached: nginx serves the file again (control)" 200 "$(http secret.html)"
rm -f $SECRET
finish
