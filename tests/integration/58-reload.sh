#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# An upgrade within one ABI: the new daemon (here --reload, which behaves
# as a new build would) loads its programs with the pinned maps reused,
# attaches them beside the old ones, then swaps the link pins; the old
# programs detach only once the new ones are attached. A confined loop
# retrying a denied exec never gets through, an allowed exec never fails,
# and afterwards each hook has one program, not two.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

setup_web $CG/t58
expect_eq "one bprm program before" 1 "$(prog_count enf_bprm_check)"
old_id=$(bpftool prog show | sed -n 's/^\([0-9]*\): lsm  name enf_bprm_check .*/\1/p')

in_cgroup $CG/t58 enf-loop --out /tmp/loop.out --stop /tmp/loop.stop --ready /tmp/loop.ready --pause-us 2000 \
	exec:/usr/bin/wget exec:/usr/bin/curl &
LOOP=$!
wait_file /tmp/loop.ready || fail "the workload loop did not start"
kill9_daemon
restart_daemon --reload
expect_contains "the new programs replaced the old ones without a gap" "replaced its programs without a gap" "$(cat $DAEMON_LOG)"
sleep 0.5
touch /tmp/loop.stop
wait $LOOP
cat /tmp/loop.out
expect_eq "denied exec: zero successes through the upgrade" 0 "$(count /tmp/loop.out exec:/usr/bin/wget ok)"
n=$(count /tmp/loop.out exec:/usr/bin/wget eperm)
if [ "${n:-0}" -gt 10 ]; then pass "the loop really retried ($n denials)"; else fail "too few attempts: $n"; fi
expect_eq "allowed exec: zero denials (control)" 0 "$(count /tmp/loop.out exec:/usr/bin/curl eperm)"
wait_detached_old() {
	i=0
	while [ $i -lt 100 ] && bpftool prog show id "$old_id" >/dev/null 2>&1; do sleep 0.1; i=$((i + 1)); done
}
wait_detached_old
expect_eq "one bprm program after, not two" 1 "$(prog_count enf_bprm_check)"
new_id=$(bpftool prog show | sed -n 's/^\([0-9]*\): lsm  name enf_bprm_check .*/\1/p')
if [ -n "$new_id" ] && [ "$new_id" != "$old_id" ]; then pass "it is the new program ($old_id -> $new_id)"; else fail "program ids $old_id -> $new_id"; fi
expect_contains "the registry came through" "attached $CG/t58" "$(enforcerctl list)"
expect_exit "the upgraded daemon edits the policy" 0 enforcerctl mode web audit
expect_eq "and the edit takes effect" ok "$(in_cgroup $CG/t58 enf-probe exec /usr/bin/wget)"
lc_elapsed
finish
