#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A filesystem that administers itself through ioctls no path hook sees
# (docs/bypasses.md, found by review): on btrfs a confined root could
#  - read a file its rules deny with `btrfs send`, which streams every file
#    of a read-only subvolume with no open of any of them;
#  - remove a whole subvolume its rules keep from deletion (`btrfs
#    subvolume delete`: no path_rmdir, no path_unlink);
#  - make a snapshot: every file of a subvolume under new names, past the
#    create rules and the refer rule;
#  - make a read-only subvolume writable (`btrfs property set ro false`):
#    setattr without path_chmod.
# On a real btrfs (a loop file, btrfs-progs): each is refused in the
# cgroup (the first three by the baseline's mount word, event hook
# baseline:fs-admin; the flag as setattr on the subvolume's path, hook
# file_ioctl) and goes through outside it, the controls; the plain
# operations the rules decide are refused beside them, and a profile that
# opts out of the mount word gets the send's stream.
# enforcer-test: timeout=600

. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/declared.sh

ready_enforcer
modprobe btrfs 2>/dev/null
if ! command -v mkfs.btrfs >/dev/null || ! grep -qw btrfs /proc/filesystems; then
	fail "no btrfs here (btrfs-progs in tests/vm/system-packages, the kernel's btrfs module)"
	finish
fi

B=/srv/t26
finish_cleanup() {
	opt_out_pair_remove
	loop_filesystem_remove
}
loop_filesystem $B 320M "" mkfs.btrfs -q
btrfs -q subvolume create $B/data >/dev/null
echo "the secret of t26" >$B/data/secret
btrfs -q subvolume create $B/keep >/dev/null
btrfs -q subvolume create $B/ro >/dev/null
btrfs -q subvolume snapshot -r $B/data $B/data.ro >/dev/null
btrfs property set $B/ro ro true

BODY='"file":{"default":"allow","rules":[
 {"action":"deny","path":"'$B'/data/secret","access":["read"]},
 {"action":"deny","path":"'$B'/data.ro/secret","access":["read"]},
 {"action":"deny","path":"'$B'/keep","access":["delete"]},
 {"action":"deny","path":"'$B'/ro","access":["setattr"]}]}'
opt_out_pair t26 mount "$BODY"
sends_secret() { if "$@" 2>/dev/null | grep -aq "the secret of t26"; then echo yes; else echo no; fi; }

lines0=$(audit_lines)

# The rules hold for the plain operations.
expect_eq "reading the secret in the cgroup (the rule)" EPERM "$(c enf-probe open $B/data.ro/secret r)"
expect_exit "rmdir of the kept subvolume in the cgroup (the rule)" 1 c rmdir $B/keep
expect_eq "chmod of the read-only subvolume in the cgroup (the rule)" EPERM "$(c enf-probe chmod $B/ro)"

# send: the read-only snapshot's files in a stream.
expect_eq "btrfs send of the snapshot outside the cgroup carries the secret (control)" yes \
	"$(sends_secret btrfs -q send $B/data.ro)"
expect_eq "btrfs send in the cgroup: no secret" no "$(sends_secret c btrfs -q send $B/data.ro)"
expect_contains "...the kernel refused its request" "send ioctl failed with -1: Operation not permitted" \
	"$(c btrfs -q send -f /dev/null $B/data.ro 2>&1)"
expect_eq "btrfs send under the opt-out: the stream, logged (control)" yes \
	"$(sends_secret copt btrfs -q send $B/data.ro)"

# A subvolume removed: refused in the cgroup, the kept one still there.
expect_exit "btrfs subvolume delete of the kept subvolume in the cgroup" 1 c btrfs -q subvolume delete $B/keep
expect_eq "...it is still there" yes "$([ -d $B/keep ] && echo yes)"
btrfs -q subvolume create $B/spare >/dev/null
expect_exit "btrfs subvolume delete outside the cgroup (control)" 0 btrfs -q subvolume delete $B/spare

# A snapshot: every file of a subvolume under new names.
expect_exit "btrfs subvolume snapshot in the cgroup" 1 c btrfs -q subvolume snapshot $B/data $B/copy
expect_eq "...no copy" no "$([ -e $B/copy ] && echo yes || echo no)"
expect_exit "btrfs subvolume snapshot outside the cgroup (control)" 0 btrfs -q subvolume snapshot $B/data $B/copy
btrfs -q subvolume delete $B/copy >/dev/null

# Without any capability: a user makes subvolumes where it may write, and
# snapshots of its own, which the kernel checks by permissions alone.
mkdir $B/pub
chown 65534:65534 $B/pub
btrfs -q subvolume create $B/pub/mine >/dev/null
chown 65534:65534 $B/pub/mine
echo mine >$B/pub/mine/f
nob=(setpriv --reuid=65534 --regid=65534 --clear-groups)
expect_exit "as nobody in the cgroup: a snapshot of its own subvolume" 1 c "${nob[@]}" btrfs -q subvolume snapshot $B/pub/mine $B/pub/copy
expect_exit "...outside the cgroup (control)" 0 "${nob[@]}" btrfs -q subvolume snapshot $B/pub/mine $B/pub/copy
expect_exit "as nobody in the cgroup: a new subvolume" 1 c "${nob[@]}" btrfs -q subvolume create $B/pub/new
expect_exit "...outside the cgroup (control)" 0 "${nob[@]}" btrfs -q subvolume create $B/pub/new

# A read-only subvolume made writable: setattr on its path.
expect_exit "btrfs property set ro false in the cgroup" 1 c btrfs property set $B/ro ro false
expect_eq "...still read-only" "ro=true" "$(btrfs property get $B/ro ro)"
expect_exit "outside the cgroup (control)" 0 btrfs property set $B/ro ro false
btrfs property set $B/ro ro true

# The label through sysfs, as FS_IOC_SETFSLABEL would set it (opened for writing, nothing written).
L=/sys/fs/btrfs/$(findmnt -n -o UUID $B)/label
expect_eq "opening $L for writing in the cgroup" EPERM "$(c enf-probe open $L w)"
expect_eq "...outside the cgroup (control)" ok "$(enf-probe open $L w)"
expect_eq "reading it in the cgroup (control)" ok "$(c enf-probe open $L r)"

for h in baseline:fs-admin file_ioctl; do
	if audit_has_since "$lines0" "\"profile\":\"t26\".*\"hook\":\"$h\"\|\"hook\":\"$h\".*\"profile\":\"t26\""; then
		pass "the refusals are logged: $h"
	else
		fail "no $h event of t26 in $AUDIT_LOG"
	fi
done
finish
