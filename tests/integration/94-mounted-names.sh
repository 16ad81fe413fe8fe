#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A name that another mount namespace has a mount on (docs/bypasses.md,
# found by review): removing it (unlink, rmdir, a rename over it) detaches
# that namespace's mount, and renaming it carries the mount to the new
# name, with no umount asked; the kernel answers EBUSY only for a mount of
# the task's own namespace. So a confined root whose rules allow the
# rename could undo a unit's BindReadOnlyPaths= over a file. A holder in a
# mount namespace of its own binds a file over each name (and a tmpfs over
# a directory); in the cgroup each route is refused (baseline word mount,
# event hook baseline:umount) and the holder still sees its mount; outside
# it the same goes through and the mount is gone, the control; a name
# nobody mounts on, and the opt-out, go ahead in the cgroup.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

T=/tmp/t94
mkdir -p $T/d $T/plaind
for f in hidden f1 f2 f3 new new2 plain; do echo "$f" >$T/$f; done
unshare -m sh -c "mount --make-rprivate / && for f in f1 f2 f3; do mount --bind $T/hidden $T/\$f || exit 1; done &&
	mount -t tmpfs none $T/d && touch $T/ready && exec sleep 1000" &
H=$!
wait_file $T/ready || { fail "the holder could not mount in its namespace"; finish; }
held() { cat /proc/$H/root$T/$1 2>/dev/null || echo gone; }
expect_eq "the holder's namespace has the bind mount over f1 (control)" hidden "$(held f1)"
expect_eq "...and here f1 is the file itself (control)" f1 "$(cat $T/f1)"
expect_eq "the holder's namespace has a tmpfs on d (control)" tmpfs \
	"$(awk -v d=$T/d '$2 == d { print $3 }' /proc/$H/mounts)"

start_daemon
baseline_pair mnt mount '"file":{"default":"allow"}'
C=$CG/mnt
COPT=$CG/mntopt

expect_eq "in the cgroup: unlink of a name mounted on elsewhere" EPERM "$(in_cgroup $C enf-probe unlink $T/f1)"
expect_eq "...the holder's mount is still there" hidden "$(held f1)"
expect_eq "in the cgroup: a rename over it" EPERM "$(in_cgroup $C enf-probe rename $T/new $T/f2)"
expect_eq "...the holder's mount is still there" hidden "$(held f2)"
expect_eq "in the cgroup: a rename of it" EPERM "$(in_cgroup $C enf-probe rename $T/f3 $T/f3moved)"
expect_eq "...still under its name" hidden "$(held f3)"
expect_eq "in the cgroup: an exchange with it" EPERM "$(in_cgroup $C enf-probe exchange $T/new $T/f3)"
expect_eq "in the cgroup: rmdir of a directory mounted on elsewhere" EPERM "$(in_cgroup $C enf-probe rmdir $T/d)"
expect_eq "...the holder's tmpfs is still there" tmpfs "$(awk -v d=$T/d '$2 == d { print $3 }' /proc/$H/mounts)"
expect_eq "in the cgroup: unlink of a name nobody mounts on (control)" ok "$(in_cgroup $C enf-probe unlink $T/plain)"
expect_eq "in the cgroup: rmdir of a directory nobody mounts on (control)" ok "$(in_cgroup $C enf-probe rmdir $T/plaind)"
expect_eq "in the cgroup: a rename of a plain name (control)" ok "$(in_cgroup $C enf-probe rename $T/new2 $T/new3)"
if wait_for_log '"profile":"mnt".*"hook":"baseline:umount"\|"hook":"baseline:umount".*"profile":"mnt"'; then
	pass "the refusals are logged: baseline:umount"
else
	fail "no baseline:umount event of mnt in the audit log"
fi
expect_eq "opted out of mount: a rename over a name mounted on elsewhere goes ahead" ok \
	"$(in_cgroup $COPT enf-probe rename $T/new3 $T/f2)"
expect_eq "...and the holder's mount went with it: the moved file is there" new2 "$(held f2)"

expect_eq "outside the cgroup: unlink of it (control)" ok "$(enf-probe unlink $T/f1)"
expect_eq "...the holder's mount went with it (control)" gone "$(held f1)"
expect_eq "outside the cgroup: rmdir of the directory (control)" ok "$(enf-probe rmdir $T/d)"
expect_eq "...the holder's tmpfs went with it (control)" "" "$(awk -v d=$T/d '$2 == d { print $3 }' /proc/$H/mounts)"
kill $H 2>/dev/null
finish
