#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# Pinned state of another ABI version: a new daemon refuses it with a
# message naming both versions and the way forward, and the old programs
# keep enforcing meanwhile; --migrate rebuilds the policy from the state
# directory into fresh maps and only then detaches the old programs, so a
# workload retrying a denied exec throughout never gets through.
# (An upgrade within one ABI is 50-restart-no-gap's --reload.)
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

setup_web $CG/t56
kill9_daemon
expect_eq "fake an older ABI in the pins" ok "$(enf-self bpf-poke $PIN_DIR/maps/settings 12 1)"
ABI=$(policyc --version | sed -n 's/.*ABI \([0-9]*\).*/\1/p')
expect_exit "a daemon of ABI $ABI refuses pinned ABI 1 (exit 4)" 4 enforcerd --audit-log "$AUDIT_LOG" --state-dir "$STATE_DIR"
out=$(cat /tmp/expect_exit.out)
echo "$out"
expect_contains "the refusal names the pinned version" "ABI version 1" "$out"
expect_contains "and its own" "ABI version $ABI" "$out"
expect_contains "and the way forward" "enforcerd --migrate" "$out"
expect_eq "nothing was half-loaded: the pins are as they were" "1" "$(ls $PIN_DIR/links | grep -c '^enf_bprm_check$')"
expect_eq "the old programs still enforce" EPERM "$(in_cgroup $CG/t56 enf-probe exec /usr/bin/wget)"

in_cgroup $CG/t56 enf-loop --out /tmp/loop.out --stop /tmp/loop.stop --ready /tmp/loop.ready --pause-us 5000 \
	exec:/usr/bin/wget exec:/usr/bin/curl &
LOOP=$!
wait_file /tmp/loop.ready || fail "the workload did not start"
restart_daemon --migrate
sleep 0.5
touch /tmp/loop.stop
wait $LOOP
cat /tmp/loop.out
expect_eq "migration: the denied exec never ran" 0 "$(count /tmp/loop.out exec:/usr/bin/wget ok)"
expect_eq "migration: the allowed exec never failed" 0 "$(count /tmp/loop.out exec:/usr/bin/curl eperm)"
expect_contains "migration: logged" "migrated: the programs of the old ABI are detached" "$(cat $DAEMON_LOG)"
expect_eq "migration: the old ABI's pins are gone" 0 "$(ls /sys/fs/bpf | grep -c old-abi)"
expect_eq "migration: one program per hook" 1 "$(prog_count enf_bprm_check)"
expect_eq "migration: enforced by the new programs" EPERM "$(in_cgroup $CG/t56 enf-probe exec /usr/bin/wget)"
expect_contains "migration: the registry is the state's" "attached $CG/t56" "$(enforcerctl list)"
lc_elapsed
finish
