#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A file opened by handle has no path when its dentry has left the cache.
#
# Root in a confined cgroup has CAP_DAC_READ_SEARCH, so open_by_handle_at.
# name_to_handle_at is a lookup, not an open: it takes a handle of a
# denied file. Once the file's dentry leaves the dentry cache (memory
# pressure; drop_caches here), open_by_handle_at builds a disconnected
# dentry, its own parent, named "/": a walk from it never meets the denied
# path. It was read, reopened through /proc/self/fd, executed and given a
# new name with linkat(AT_EMPTY_PATH), on both kernels. Such an object has
# no name any rule can match, as AppArmor and Landlock treat it: refused
# (reason "disconnected") for a governed task, for every class.
#
# The file system is ext2 on a loop device: tmpfs and the initramfs keep
# every dentry, so their handles always open connected.
# Controls: the same handles while the dentries are cached (decided by
# name: the denied file refused by its rule, the allowed one read), and
# outside the cgroup (read, executed, linked). The same holds for a
# connected file outside the root of the bind mount a handle is opened
# through. An overlay's copy-up, the kernel's own open beside its private
# mount's root, is not refused: test 76.
# enforcer-test: timeout=240
. /enforcer/tests/integration/lib/lib.sh

T=/tmp/t85
rm -rf $T && mkdir -p $T
ext2_on_loop $T/img 8 $T/mnt || finish
mkdir -p $T/mnt/d
echo secret >$T/mnt/d/secret
echo public >$T/mnt/d/public
mkdir -p $T/mnt/sub && echo secret >$T/mnt/sub/f
mkdir -p $T/mnt/other $T/bd && echo other >$T/mnt/other/o
install_program $T/mnt/d/prog
install_program $T/mnt/d/secret-prog

start_daemon
compile_and_load disc '{"name":"disc","mode":"enforce","file":{"default":"allow","rules":[
  {"action":"deny","path":"'$T'/mnt/d/secret","access":["read"]},
  {"action":"deny","path":"'$T'/mnt/sub/**","access":["read"]}]},
  "exec":{"default":"allow","rules":[{"action":"deny","path":"'$T'/mnt/d/secret-prog"}]}}'
mkdir -p $CG/t85
expect_exit "attach" 0 enforcerctl attach disc $CG/t85
c() { in_cgroup $CG/t85 enf-probe "$@"; }

for f in secret public prog secret-prog; do
	expect_eq "name_to_handle_at $f in the cgroup (a lookup)" ok "$(c handle-save $T/mnt/d/$f $T/h-$f)"
done
expect_eq "name_to_handle_at sub/f in the cgroup (a lookup)" ok "$(c handle-save $T/mnt/sub/f $T/h-sub)"
expect_eq "name_to_handle_at other/o in the cgroup (a lookup)" ok "$(c handle-save $T/mnt/other/o $T/h-other)"

# Connected: the dentries are cached, the walk names them.
expect_eq "connected: read the denied file by handle" EPERM "$(c handle $T/mnt $T/h-secret r)"
expect_eq "connected: read the allowed file by handle (control)" ok "$(c handle $T/mnt $T/h-public r)"
expect_eq "connected: execveat the allowed program by handle (control)" ok "$(c handle $T/mnt $T/h-prog exec)"
expect_eq "connected: read a file of the denied subtree by handle" EPERM "$(c handle $T/mnt $T/h-sub r)"

# Disconnected: drop the dentries (nothing holds them), then open by handle.
drop() { sync; echo 2 >/proc/sys/vm/drop_caches; }
drop
expect_eq "disconnected: read a file of the denied subtree by handle" EPERM "$(c handle $T/mnt $T/h-sub r)"
drop
expect_eq "disconnected: read the denied file by handle" EPERM "$(c handle $T/mnt $T/h-secret r)"
drop
expect_eq "disconnected: reopen through /proc/self/fd" EPERM "$(c handle $T/mnt $T/h-secret reopen)"
drop
expect_eq "disconnected: execveat the denied program" EPERM "$(c handle $T/mnt $T/h-secret-prog exec)"
drop
expect_eq "disconnected: give the denied file a new name (linkat AT_EMPTY_PATH)" EPERM \
	"$(c handle $T/mnt $T/h-secret link $T/mnt/leaked)"
expect_eq "no new name" ENOENT "$(enf-probe open $T/mnt/leaked r)"
drop
expect_eq "disconnected: read an allowed file by handle (no name: refused too)" EPERM \
	"$(c handle $T/mnt $T/h-public r)"
drop
expect_eq "disconnected: execveat an allowed program (no name: refused too)" EPERM "$(c handle $T/mnt $T/h-prog exec)"
drop
expect_eq "disconnected: an O_PATH descriptor alone (no open)" ok "$(c handle $T/mnt $T/h-secret path)"
wait_for_log '"reason":"disconnected"' || true
expect_contains "the refusal is logged with reason disconnected" '"reason":"disconnected"' \
	"$(grep '"reason":"disconnected"' "$AUDIT_LOG" | head -n 1)"

# A handle opened through a bind mount of a subdirectory (d at $T/bd) may
# name a file outside that root: its dentry is connected, but its walk
# climbs past the mount's root to the file system's, which is its own
# parent, and no name under $T/bd is the file's.
mount --bind $T/mnt/d $T/bd || fail "bind mount $T/mnt/d"
cat $T/mnt/other/o $T/mnt/d/public >/dev/null
expect_eq "through a bind mount: a file inside its root by handle (control)" ok "$(c handle $T/bd $T/h-public r)"
expect_eq "through a bind mount: a file outside its root by handle" EPERM "$(c handle $T/bd $T/h-other r)"
expect_eq "through a bind mount, outside the cgroup: the file outside its root (control)" ok \
	"$(enf-probe handle $T/bd $T/h-other r)"
umount $T/bd

# Outside the cgroup nothing is governed.
drop
expect_eq "outside the cgroup: read the denied file by handle (control)" ok "$(enf-probe handle $T/mnt $T/h-secret r)"
drop
expect_eq "outside the cgroup: execveat by handle (control)" ok "$(enf-probe handle $T/mnt $T/h-secret-prog exec)"
drop
expect_eq "outside the cgroup: linkat by handle (control)" ok "$(enf-probe handle $T/mnt $T/h-secret link $T/mnt/linked)"
# Connected again, by a lookup: decided by name as before.
cat $T/mnt/d/public >/dev/null
expect_eq "connected again: read the allowed file by handle" ok "$(c handle $T/mnt $T/h-public r)"

stop_daemon
ext2_off_loop $T/mnt
finish
