#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The daemon's desired state survives what the kernel forgets: after a
# "reboot" (pins gone) it restores profiles, modes, live edits and
# attachments, including to a cgroup created later. A corrupt state file is
# kept aside and reported, and never costs the enforcement the kernel still
# holds. --cleanup removes everything. (Another ABI: 56-upgrade.)
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

# A reboot: the kernel forgets (pins gone), the state directory does not;
# and this time the cgroup is created only after the daemon starts.
kill9_daemon
rm -rf $PIN_DIR
expect_eq "kernel state gone: nc runs" ok "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/nc)"
rmdir $CG/t54
restart_daemon
expect_contains "a missing cgroup is pending" "pending $CG/t54" "$(enforcerctl list)"
mkdir $CG/t54
i=0
while [ $i -lt 50 ] && ! enforcerctl list | grep -q "attached $CG/t54"; do sleep 0.1; i=$((i + 1)); done
expect_contains "attached when it appears" "attached $CG/t54" "$(enforcerctl list)"
expect_eq "restored: wget denied" EPERM "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/wget)"
expect_eq "restored: the live rule too" EPERM "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/nc)"
expect_eq "restored: curl runs (control)" ok "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/curl)"
expect_contains "restored: the mode set live, not the bundle's" "web  mode=enforce" "$(enforcerctl list)"
expect_contains "restored: the live rule is shown as one" "live edit" "$(enforcerctl show web)"

# A corrupt state file while the kernel still enforces: kept aside, reported, enforcement kept.
kill9_daemon
printf '{"format": 1, "abi": 2, "next_inst' >$STATE_DIR/state.json
restart_daemon
out=$(enforcerctl status)
expect_contains "status reports the corrupt state" "STATE PROBLEM" "$out"
expect_contains "and where it was kept" "kept as $STATE_DIR/state.json.corrupt-" "$out"
expect_eq "the corrupt file is kept" 1 "$(ls $STATE_DIR | grep -c '^state.json.corrupt-')"
expect_eq "enforcement the kernel held is still in force" EPERM "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/wget)"
out=$(enforcerctl list)
expect_contains "the kernel's profile is kept as an orphan" "orphan-" "$out"
expect_contains "with its attachment" "attached $CG/t54" "$out"
orphan=$(enforcerctl list | sed -n 's/^\(orphan-[0-9]*\) .*/\1/p')
expect_exit "the admin loads the profile again" 0 enforcerctl load /tmp/web.pol
expect_exit "in enforce mode" 0 enforcerctl mode web enforce
expect_exit "re-points the cgroup to it" 0 enforcerctl attach web $CG/t54
expect_exit "and unloads the orphan" 0 enforcerctl unload "$orphan"
expect_eq "enforced by the reloaded profile" EPERM "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/wget)"

# A corrupt state file after a reboot: nothing to adopt; reported and kept, the daemon starts empty.
kill9_daemon
rm -rf $PIN_DIR
printf 'garbage' >$STATE_DIR/state.json
restart_daemon
expect_contains "reported" "STATE PROBLEM" "$(enforcerctl status)"
expect_eq "both corrupt files are kept" 2 "$(ls $STATE_DIR | grep -c '^state.json.corrupt-')"
expect_contains "the daemon runs with nothing loaded" "no profiles loaded" "$(enforcerctl list)"

# --cleanup: everything goes.
kill9_daemon
expect_exit "enforcerd --cleanup" 0 enforcerd --cleanup --state-dir "$STATE_DIR"
expect_eq "after --cleanup: the exec runs" ok "$(in_cgroup $CG/t54 enf-probe exec /usr/bin/wget)"
expect_eq "after --cleanup: no pins" no "$( [ -e $PIN_DIR ] && echo yes || echo no)"
expect_eq "after --cleanup: no state" no "$( [ -e $STATE_DIR/state.json ] && echo yes || echo no)"
finish
