#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# A corrupt state file is reported and kept aside, never silently dropped,
# and never costs the enforcement the kernel still holds: profiles the
# daemon cannot name are adopted as orphan-SLOT until an admin replaces
# them. After a reboot (the kernel holds no policy) the daemon starts
# empty, says so, and keeps every corrupt file.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

setup_web $CG/t57
expect_eq "denied" EPERM "$(in_cgroup $CG/t57 enf-probe exec /usr/bin/wget)"

# A corrupt state file while the kernel still enforces: kept aside, reported, enforcement kept.
kill9_daemon
printf '{"format": 1, "abi": 2, "next_inst' >$STATE_DIR/state.json
restart_daemon
out=$(enforcerctl status)
expect_contains "status reports the corrupt state" "STATE PROBLEM" "$out"
expect_contains "and where it was kept" "kept as $STATE_DIR/state.json.corrupt-" "$out"
expect_eq "the corrupt file is kept" 1 "$(ls $STATE_DIR | grep -c '^state.json.corrupt-')"
expect_eq "enforcement the kernel held is still in force" EPERM "$(in_cgroup $CG/t57 enf-probe exec /usr/bin/wget)"
out=$(enforcerctl list)
expect_contains "the kernel's profile is kept as an orphan" "orphan-" "$out"
expect_contains "with its attachment" "attached $CG/t57" "$out"
orphan=$(enforcerctl list | sed -n 's/^\(orphan-[0-9]*\) .*/\1/p')
expect_exit "the admin loads the profile again" 0 enforcerctl load /tmp/web.pol
expect_exit "re-points the cgroup to it" 0 enforcerctl attach web $CG/t57
expect_exit "and unloads the orphan" 0 enforcerctl unload "$orphan"
expect_eq "enforced by the reloaded profile" EPERM "$(in_cgroup $CG/t57 enf-probe exec /usr/bin/wget)"

# A corrupt state file after a reboot: nothing to adopt; reported and kept, the daemon starts empty.
kill9_daemon
forget_policy
printf 'garbage' >$STATE_DIR/state.json
restart_daemon
expect_contains "reported" "STATE PROBLEM" "$(enforcerctl status)"
expect_eq "both corrupt files are kept" 2 "$(ls $STATE_DIR | grep -c '^state.json.corrupt-')"
expect_contains "the daemon runs with nothing loaded" "no profiles loaded" "$(enforcerctl list)"

lc_elapsed
finish

