#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# Enforcement does not depend on the daemon being alive. A confined loop
# retries a denied exec (and an allowed one, the positive control) while
# the daemon is SIGKILLed and started again: not one denied exec succeeds,
# not one allowed exec fails. The restarted daemon adopts the pinned state
# as they are (same build: nothing reloaded), restores its registry, and
# can edit the policy it did not load. A clean stop keeps enforcement too;
# only an explicit command removes it. (An upgrade: 58-reload.)
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

setup_web $CG/t50
expect_eq "denied exec before anything happens" EPERM "$(in_cgroup $CG/t50 enf-probe exec /usr/bin/wget)"
expect_eq "allowed exec before anything happens (control)" ok "$(in_cgroup $CG/t50 enf-probe exec /usr/bin/curl)"
expect_eq "pinned: one link per program" 1 "$(ls $PIN_DIR/links | grep -c '^enf_bprm_check$')"
expect_eq "pinned: the policy maps" yes "$( [ -e $PIN_DIR/maps/profiles ] && [ -e $PIN_DIR/maps/attachments ] && echo yes)"

in_cgroup $CG/t50 enf-loop --out /tmp/loop.out --stop /tmp/loop.stop --ready /tmp/loop.ready --pause-us 2000 \
	exec:/usr/bin/wget exec:/usr/bin/curl &
LOOP=$!
wait_file /tmp/loop.ready || fail "the workload loop did not start"
sleep 0.5

# A crash.
pid=$DAEMON_PID
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
expect_eq "enforcerd killed with SIGKILL (exit status 128+9)" 137 "$?"
expect_eq "the killed enforcerd is gone" gone "$([ -d /proc/$pid ] && echo alive || echo gone)"
DAEMON_PID=
expect_eq "no daemon: denied exec still denied" EPERM "$(in_cgroup $CG/t50 enf-probe exec /usr/bin/wget)"
expect_eq "no daemon: allowed exec still runs" ok "$(in_cgroup $CG/t50 enf-probe exec /usr/bin/curl)"
expect_eq "no daemon: a new child cgroup is confined too" EPERM \
	"$(mkdir -p $CG/t50/late && in_cgroup $CG/t50/late enf-probe exec /usr/bin/wget)"
sleep 1
restart_daemon
sleep 0.5

# A second crash right after the adoption.
kill9_daemon
restart_daemon
sleep 0.5
touch /tmp/loop.stop
wait $LOOP
cat /tmp/loop.out
wget_ok=$(count /tmp/loop.out exec:/usr/bin/wget ok)
wget_denied=$(count /tmp/loop.out exec:/usr/bin/wget eperm)
curl_ok=$(count /tmp/loop.out exec:/usr/bin/curl ok)
expect_eq "denied exec: zero successes before, during and after two crashes" 0 "$wget_ok"
if [ "${wget_denied:-0}" -gt 10 ]; then pass "the loop really retried ($wget_denied denials)"; else fail "too few attempts: $wget_denied"; fi
expect_eq "allowed exec: zero denials throughout (control)" 0 "$(count /tmp/loop.out exec:/usr/bin/curl eperm)"
expect_eq "allowed exec: no other failures" 0 "$(count /tmp/loop.out exec:/usr/bin/curl other)"
if [ "${curl_ok:-0}" -gt 10 ]; then pass "allowed exec ran throughout ($curl_ok times)"; else fail "allowed exec ran $curl_ok times"; fi

# The new daemon knows what the old one enforced, and controls it.
out=$(enforcerctl list)
expect_contains "list after restart shows the profile" "web  mode=enforce" "$out"
expect_contains "list after restart shows the attachment" "attached $CG/t50" "$out"
expect_contains "status says the pinned state was adopted" '"adopted": true' "$(enforcerctl --json status)"
expect_eq "one bprm program attached, not two" 1 "$(prog_count enf_bprm_check)"
expect_exit "the restarted daemon switches the adopted profile to audit" 0 enforcerctl mode web audit
expect_eq "audit mode via the new daemon: runs" ok "$(in_cgroup $CG/t50 enf-probe exec /usr/bin/wget)"
expect_exit "and back to enforce" 0 enforcerctl mode web enforce
expect_eq "enforce via the new daemon: denied" EPERM "$(in_cgroup $CG/t50 enf-probe exec /usr/bin/wget)"
if wait_for_log '"verdict":"deny"'; then pass "events reach the audit log after the restart"; else fail "no deny event"; fi

# A clean stop keeps enforcement.
stop_daemon
expect_eq "after a clean stop: still denied" EPERM "$(in_cgroup $CG/t50 enf-probe exec /usr/bin/wget)"

# Only an explicit command removes it.
restart_daemon
expect_exit "shutdown --remove-enforcement" 0 enforcerctl shutdown --remove-enforcement
i=0
while kill -0 "$DAEMON_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
wait_detached
expect_eq "after removal: the exec runs" ok "$(in_cgroup $CG/t50 enf-probe exec /usr/bin/wget)"
expect_eq "after removal: no pins" no "$( [ -e $PIN_DIR ] && echo yes || echo no)"
expect_eq "after removal: no program attached" 0 "$(prog_count enf_bprm_check)"

lc_elapsed
finish
