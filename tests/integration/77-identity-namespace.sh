#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A rule names a path as the confined task sees it. For a task in its own
# mount namespace (a container, after pivot_root), /etc/secret is the
# container's file, which the daemon's namespace does not even have: its
# identity must be taken there, or a hard link to it (shipped in the image,
# made before confinement) reads freely. Identities are added at attach
# and again when the profile is replaced. Controls: an allowed file in the
# container, the hard link read outside the cgroup.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

ctr=/srv/ctr
mkdir -p $ctr/bin $ctr/etc $ctr/tmp
cp /bin/busybox $ctr/bin/busybox
ln -s busybox $ctr/bin/sh
ln -s busybox $ctr/bin/sleep
cp /enforcer/tests/guest/enf-probe /enforcer/tests/guest/enf-asuser $ctr/bin/
echo secret >$ctr/etc/secret
echo pub >$ctr/etc/public
ln $ctr/etc/secret $ctr/tmp/hl
[ -e /etc/secret ] && { fail "the guest has /etc/secret: the test needs it absent outside the container"; finish; }

# The "container": its own mount namespace rooted at $ctr, set up
# unconfined (as a runtime does), then moved into the confined cgroup. Its
# task runs as nobody: the daemon reaches its root as another user.
# (The initramfs root cannot be pivot_root'ed away: moving the new root
# over / and chrooting into it, as switch_root does, names files the same way.)
unshare -m sh -c "mount --make-rprivate / && mount --bind $ctr $ctr && cd $ctr && mount --move . / &&
	exec chroot . /bin/enf-asuser 65534 65534 /bin/sleep 600" &
CTR=$!
i=0
while [ $i -lt 50 ] && [ "$(awk '/^Uid:/ { print $2 }' /proc/$CTR/status 2>/dev/null)" != 65534 ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "the container sees its own /etc" pub "$(cat /proc/$CTR/root/etc/public 2>&1)"
mkdir -p $CG/t77
echo $CTR >$CG/t77/cgroup.procs

start_daemon
compile_and_load ns '{"name":"ns","mode":"enforce","file":{"default":"allow","rules":[
  {"action":"deny","path":"/etc/secret","access":["read"]}]}}'
expect_exit "attach" 0 enforcerctl attach ns $CG/t77
# In the container's namespace and root, in the confined cgroup. setns()
# into a mount namespace moves the task to that namespace's root, so no
# /proc/PID/root (a root outside the task's namespace, refused as foreign)
# is opened. The namespace first, then the cgroup, as a runtime does: a
# governed task may not setns (baseline userns). The container has no
# cgroup2 mount, so the task joins through a descriptor opened outside.
c() {
	nsenter -t $CTR -m /bin/sh -c 'echo $$ >&3 && exec /bin/enf-probe "$@"' c "$@" 3>$CG/t77/cgroup.procs
}

expect_eq "read /etc/secret in the container (path)" EPERM "$(c open /etc/secret r)"
expect_eq "read an allowed file in the container (control)" ok "$(c open /etc/public r)"
expect_eq "read the secret through a hard link in the container (identity)" EPERM "$(c open /tmp/hl r)"
expect_eq "read the hard link outside the cgroup (control)" ok "$(enf-probe open $ctr/tmp/hl r)"
wait_for_log '"path":"/tmp/hl"'
expect_contains "the hard-link denial was decided by identity" '"via_inode":true' \
	"$(grep '"path":"/tmp/hl"' "$AUDIT_LOG" | head -n 1)"

# Replacing the profile resolves the identities again for its attachments.
compile_and_load ns '{"name":"ns","mode":"enforce","file":{"default":"allow","rules":[
  {"action":"deny","path":"/etc/secret","access":["read","write"]}]}}'
expect_eq "after a reload, the hard link is still denied" EPERM "$(c open /tmp/hl r)"
expect_eq "after a reload, the allowed file reads (control)" ok "$(c open /etc/public r)"

# A restart onto an instance an older build pinned writes the profile again
# (state.c): the attachment, restored after it, brings the container's view.
stop_daemon
expect_eq "the pinned profile made to look older" "1 ok" "$(enf-self bpf-age-profiles $PIN_DIR/maps/profiles)"
restart_daemon
expect_eq "after the restart, the hard link is still denied" EPERM "$(c open /tmp/hl r)"
expect_eq "after the restart, the allowed file reads (control)" ok "$(c open /etc/public r)"

kill $CTR 2>/dev/null
finish
