#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# The daemon's desired state survives what the kernel forgets: after a
# "reboot" (pins gone) it restores profiles, modes, live edits and
# attachments, including to a cgroup created later. --cleanup removes
# everything. (A corrupt state file: 57-state-corrupt; another ABI: 56-upgrade.)
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

for p in wget curl nc; do install_program /usr/bin/$p; done
start_daemon
compile_and_load web '{"name":"web","mode":"audit","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/wget"}]}}'
mkdir -p $CG/t54
expect_exit "attach" 0 enforcerctl attach web $CG/t54
expect_exit "mode enforce (the bundle says audit)" 0 enforcerctl mode web enforce
expect_exit "a live rule" 0 enforcerctl rule add web exec '{"action":"deny","path":"/usr/bin/nc"}'
expect_eq "denied: wget" EPERM "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/wget)"
expect_eq "denied: nc (live rule)" EPERM "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/nc)"

# Persisted, atomically: the state and one bundle per profile, no temporaries.
expect_contains "state.json names the profile and its mode" '"mode": "enforce"' "$(cat $STATE_DIR/state.json)"
expect_contains "state.json names the attachment" "\"cgroup\": \"$CG/t54\"" "$(cat $STATE_DIR/state.json)"
expect_eq "one bundle file: superseded versions are gone" 1 "$(ls $STATE_DIR | grep -c '\.pol$')"
expect_eq "no temporary files left" 0 "$(ls $STATE_DIR | grep -c '\.tmp\.')"

# A reboot: the kernel forgets the policy, the state directory does not;
# and this time the cgroup is created only after the daemon starts.
kill9_daemon
forget_policy
expect_eq "kernel state gone: nc runs" ok "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/nc)"
rmdir $CG/t54
restart_daemon
expect_contains "a missing cgroup is pending" "waiting $CG/t54" "$(enforcerctl list)"
mkdir $CG/t54
i=0
while [ $i -lt 50 ] && ! enforcerctl list | grep -q "attached $CG/t54"; do sleep 0.1; i=$((i + 1)); done
expect_contains "attached when it appears" "attached $CG/t54" "$(enforcerctl list)"
expect_eq "restored: wget denied" EPERM "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/wget)"
expect_eq "restored: the live rule too" EPERM "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/nc)"
expect_eq "restored: curl runs (control)" ok "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/curl)"
expect_contains "restored: the mode set live, not the bundle's" "web  mode=enforce" "$(enforcerctl list)"
expect_contains "restored: the live rule is shown as one" "live edit" "$(enforcerctl show web)"

# --cleanup: everything goes.
kill9_daemon
expect_exit "enforcerd --cleanup" 0 enforcerd --cleanup --state-dir "$STATE_DIR"
wait_detached
expect_eq "after --cleanup: the exec runs" ok "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/wget)"
expect_eq "after --cleanup: no pins" no "$( [ -e $PIN_DIR ] && echo yes || echo no)"
expect_eq "after --cleanup: no state" no "$( [ -e $STATE_DIR/state.json ] && echo yes || echo no)"
lc_elapsed
finish
