#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The demo `make demo` boots: a web-server profile that forbids download
# tools, first in audit mode (everything runs, would-denies are logged),
# then promoted to enforce (the same commands fail with EPERM), with an
# unconfined shell beside it as the control. Exits non-zero if anything
# does not behave as shown.
set -u
say() { printf '\n=== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
status=0
expect() { # WANT GOT WHAT
	if [ "$1" = "$2" ]; then echo "    -> $2 (as expected: $3)"; else echo "    -> $2, EXPECTED $1: $3"; status=1; fi
}

for tool in /usr/bin/wget /usr/bin/curl /usr/bin/python3; do
	rm -f $tool; cp /enforcer/tests/guest/enf-probe $tool
done

say "kernel $(uname -r), active LSMs: $(cat /sys/kernel/security/lsm)"
show enforcerctl check

say "start enforcerd"
enforcerd --audit-log /tmp/audit.log >/tmp/enforcerd.log 2>&1 &
daemon=$!
# Loading and verifying every program takes 5-10 s under emulation, more on a busy host.
for i in $(seq 1200); do
	enforcerctl status >/dev/null 2>&1 && break
	kill -0 $daemon 2>/dev/null || break
	sleep 0.1
done
cat /tmp/enforcerd.log
enforcerctl status >/dev/null 2>&1 || { echo "demo: enforcerd did not start (its log is above)"; exit 1; }

say "compile and load the profile (audit mode)"
cat /enforcer/policies/web-exec.json
show policyc compile /enforcer/policies/web-exec.json -o /tmp/web.pol
show enforcerctl load /tmp/web.pol
mkdir -p /sys/fs/cgroup/web
show enforcerctl attach web /sys/fs/cgroup/web
show enforcerctl list

confined() { sh -c 'echo $$ >/sys/fs/cgroup/web/cgroup.procs && exec "$@"' confined "$@"; }

say "audit mode: the workload runs everything; would-denies are logged"
printf '$ (in web) wget\n'; expect ok "$(confined enf-probe exec /usr/bin/wget)" "audit mode allows"
printf '$ (in web) python3\n'; expect ok "$(confined enf-probe exec /usr/bin/python3)" "not in the profile"
sleep 0.3
echo "audit log:"; cat /tmp/audit.log

say "promote to enforce (one atomic switch)"
show enforcerctl mode web enforce
printf '$ (in web) wget\n'; expect EPERM "$(confined enf-probe exec /usr/bin/wget)" "denied by rule"
printf '$ (in web) curl\n'; expect EPERM "$(confined enf-probe exec /usr/bin/curl)" "denied by rule"
printf '$ (in web) python3\n'; expect ok "$(confined enf-probe exec /usr/bin/python3)" "allowed by default"
printf '$ (unconfined) wget\n'; expect ok "$(enf-probe exec /usr/bin/wget)" "no profile outside the cgroup"
printf '$ enforcerctl run --profile web -- /usr/bin/curl\n'
enforcerctl run --profile web -- /usr/bin/curl; expect 126 "$?" "run: the command could not execute"
sleep 0.3
echo "audit log (enforce):"; grep '"verdict":"deny"' /tmp/audit.log

say "counters"
show enforcerctl status
kill %1 2>/dev/null
exit $status
