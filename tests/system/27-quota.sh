#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Disk quotas administered from inside (docs/bypasses.md, found by review):
# quotactl(2) and quotactl_fd(2) pass no path hook, so a confined root
# could turn a filesystem's quota enforcement off (every tenant may then
# fill it), set another user's limits (its writes then fail) and change the
# grace times: what btrfs's qgroup ioctls do, which the mount word refuses.
# On a real ext4 with the quota feature (a loop file, usrquota): each of
# those is refused in the cgroup (baseline:fs-admin, the mount word) and
# goes through outside it, the controls; reading the quotas and syncing
# them stay allowed inside, and a profile that opts out of the mount word
# sets limits. The filesystem's knobs in /sys/fs/ext4 likewise.
# enforcer-test: timeout=300

. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/declared.sh

ready_enforcer
modprobe quota_v2 2>/dev/null
if ! command -v mkfs.ext4 >/dev/null; then
	fail "no mkfs.ext4 here (e2fsprogs in tests/vm/system-packages)"
	finish
fi
Q=/srv/t27
finish_cleanup() {
	opt_out_pair_remove
	loop_filesystem_remove
}
# usrquota: the limits enforced from the mount on.
loop_filesystem $Q 64M usrquota mkfs.ext4 -q -F -O quota -E quotatype=usrquota
DEV=$(findmnt -n -o SOURCE $Q)

opt_out_pair t27 mount '"file":{"default":"allow"}'
q() { enf-baseline quotactl "$@"; }

lines0=$(audit_lines)

# What reads or syncs: allowed on both sides, through the mount point and the device.
for what in sync getinfo getquota; do
	expect_eq "$what outside the cgroup (control)" ok "$(q $Q $what)"
	expect_eq "$what in the cgroup: allowed" ok "$(c enf-baseline quotactl $Q $what)"
done
expect_eq "getinfo by the device ($DEV) in the cgroup: allowed" ok "$(c enf-baseline quotactl "$DEV" getinfo)"

# What changes the quotas: refused in the cgroup, through either syscall.
for what in setquota setinfo quotaoff; do
	expect_eq "$what in the cgroup (quotactl_fd)" EPERM "$(c enf-baseline quotactl $Q $what)"
	expect_eq "$what in the cgroup (quotactl on $DEV)" EPERM "$(c enf-baseline quotactl "$DEV" $what)"
done
expect_eq "...enforcement is still on (quotaon outside: already on)" EEXIST "$(q $Q quotaon)"
expect_eq "quotaoff outside the cgroup (control)" ok "$(q $Q quotaoff)"
expect_eq "quotaon in the cgroup" EPERM "$(c enf-baseline quotactl $Q quotaon)"
expect_eq "quotaon outside the cgroup (control)" ok "$(q $Q quotaon)"
expect_eq "setquota outside the cgroup (control)" ok "$(q $Q setquota)"
expect_eq "setinfo outside the cgroup (control)" ok "$(q $Q setinfo)"
expect_eq "setquota under the opt-out (control)" ok "$(copt enf-baseline quotactl $Q setquota)"

# The same filesystem's knobs in sysfs: trigger_fs_error raises an error
# (with errors=remount-ro, the root's default on Debian, it goes read-only).
# Opened for writing, nothing written.
K=/sys/fs/ext4/${DEV##*/}
expect_eq "reading $K/errors_count in the cgroup (control)" ok "$(c enf-probe open $K/errors_count r)"
expect_eq "opening $K/trigger_fs_error for writing in the cgroup" EPERM "$(c enf-probe open $K/trigger_fs_error w)"
expect_eq "...outside the cgroup (control)" ok "$(enf-probe open $K/trigger_fs_error w)"
expect_eq "...under the opt-out (control)" ok "$(copt enf-probe open $K/trigger_fs_error w)"

if audit_has_since "$lines0" '"profile":"t27".*"hook":"baseline:fs-admin"\|"hook":"baseline:fs-admin".*"profile":"t27"'; then
	pass "the refusals are logged: baseline:fs-admin"
else
	fail "no baseline:fs-admin event of t27 in $AUDIT_LOG"
fi
finish
