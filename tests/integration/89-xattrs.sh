#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Extended attributes that grant or decide access: file capabilities, ACLs,
# security.* labels and trusted.* (overlayfs's own names).
#
# No path hook sees setxattr(2) or removexattr(2), so a profile's rules
# never did: a confined root that its rules refuse `chmod u+s` (setattr)
# and writes under a directory could still give a program there file
# capabilities (security.capability: whoever runs it on the node gains
# them) or give any user write access to a file by an ACL (seen before the
# fix on bookworm). The baseline's "xattrs" word now refuses, to a governed
# task, every attribute write and removal outside the user. namespace
# (hook baseline:xattr): inode_setxattr and inode_removexattr, and
# inode_set_acl and inode_remove_acl where ACLs have hooks of their own
# (6.2 and later).
#
# On 6.1 the kernel skips its own capability check for security.* when a
# hook of the BPF LSM answers 0 (security_inode_setxattr calls
# cap_inode_setxattr only when every hook says 1), so any user can set and
# remove security.* attributes of any file while "bpf" is in the LSM list,
# and the engine's program answers 1 there to give the check back.
# Controls: the same writes outside the cgroup; user.* in the cgroup; the
# opt-out; overlayfs copying attributes up for a confined writer (the
# kernel's own writes, under the mounter's credentials). An io_uring
# request under a registered personality (other credentials) is still
# the task's.
# enforcer-test: timeout=300
. /enforcer/tests/integration/lib/lib.sh

T=/tmp/t89
O=/tmp/t89o
mkdir -p $T $O
# tmpfs keeps security.*, trusted.* and ACLs; user.* only from 6.6 on.
mount -t tmpfs -o mode=755 t89 $T || { fail "mount tmpfs"; finish; }
mount -t tmpfs -o mode=755 t89o $O || { fail "mount tmpfs"; finish; }
finish_cleanup() {
	stop_daemon
	umount $O/merged 2>/dev/null
	umount $O $T 2>/dev/null
}
cp /enforcer/tests/guest/enf-probe $T/prog
echo data >$T/file
chmod 644 $T/file
set_as_root() { enf-baseline setxattr "$@"; }
got() { enf-baseline getxattr "$@"; }
nobody_out() { enf-baseline --as 65534:65534 "$@"; }
kernel=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
if [ "$kernel" -ge 6006 ]; then user_xattr=ok; else user_xattr=EOPNOTSUPP; fi

# Before the daemon: what the kernel does with "bpf" in the LSM list and no
# program on the hook (a note; the check is with the daemon running), and
# what `enforcerctl check` says of it (the guests' list ends with bpf).
echo "note: before the daemon, nobody setting security.t89 on root's file: $(nobody_out setxattr $T/file security.t89 x)"
enf-baseline removexattr $T/file security.t89 >/dev/null
if [ "$kernel" -lt 6010 ]; then skipped=true; else skipped=false; fi
expect_contains "enforcerctl check --json: whether the kernel skips the check without the daemon ($skipped)" \
	"\"xattr_cap_check_needs_enforcerd\": $skipped" "$(enforcerctl --json check)"
expect_eq "...and in words, only where it does" $skipped \
	"$(if enforcerctl check | grep -q '^security.\* xattrs unchecked'; then echo true; else echo false; fi)"

start_daemon
expect_eq "file capabilities set as root outside the cgroup (control)" ok "$(set_as_root $T/prog security.capability fcap)"
expect_eq "nobody outside the cgroup: security.* of root's file (the kernel's own capability check)" EPERM \
	"$(nobody_out setxattr $T/file security.t89 x)"
expect_eq "nobody outside the cgroup: removing a file's capabilities (the kernel's own check)" EPERM \
	"$(nobody_out removexattr $T/prog security.capability)"
expect_eq "...still there" ok "$(got $T/prog security.capability)"
expect_eq "nobody outside the cgroup: trusted.* (control: CAP_SYS_ADMIN)" EPERM "$(nobody_out setxattr $T/file trusted.t89 x)"

# A deny-list whose rules refuse writes and chmod/chown under $T.
PROFILE='"file":{"default":"allow","rules":[{"action":"deny","path":"'$T'/**","access":["write","setattr"]}]}'
baseline_pair xattr xattrs "$PROFILE"
c() { in_cgroup $CG/xattr "$@"; }

expect_exit "chmod u+s in the cgroup (control: the setattr rule holds)" 1 c chmod u+s $T/prog
expect_eq "root in the cgroup: removing the program's file capabilities" EPERM \
	"$(c enf-baseline removexattr $T/prog security.capability)"
expect_eq "...still there" ok "$(got $T/prog security.capability)"
enf-baseline removexattr $T/prog security.capability >/dev/null
expect_eq "root in the cgroup: giving the program file capabilities" EPERM \
	"$(c enf-baseline setxattr $T/prog security.capability fcap)"
expect_eq "...none given" ENODATA "$(got $T/prog security.capability)"
expect_eq "root in the cgroup: an ACL giving nobody write access" EPERM \
	"$(c enf-baseline setxattr $T/file system.posix_acl_access acl)"
expect_eq "...no ACL" ENODATA "$(got $T/file system.posix_acl_access)"
expect_eq "...nobody still cannot write it" EACCES "$(nobody_out write $T/file x)"
expect_eq "root in the cgroup: trusted.*" EPERM "$(c enf-baseline setxattr $T/file trusted.t89 x)"
expect_eq "root in the cgroup: security.*" EPERM "$(c enf-baseline setxattr $T/file security.t89 x)"
expect_eq "ACL set outside the cgroup (control)" ok "$(set_as_root $T/file system.posix_acl_access acl)"
expect_eq "...nobody can write it now (control: the ACL grants)" ok "$(nobody_out write $T/file x)"
expect_eq "root in the cgroup: removing the ACL" EPERM "$(c enf-baseline removexattr $T/file system.posix_acl_access)"
expect_eq "...still there" ok "$(got $T/file system.posix_acl_access)"
wait_for_log '"hook":"baseline:xattr"' || true
expect_contains "the refusals are logged" '"reason":"baseline"' \
	"$(grep '"hook":"baseline:xattr"' "$AUDIT_LOG" | grep '"profile":"xattr"' | head -n 1)"
expect_eq "user.* in the cgroup (control: not refused)" $user_xattr "$(c enf-baseline setxattr $T/file user.t89 x)"
expect_eq "user.overlay.* in the cgroup (a userxattr overlay's own names)" EPERM \
	"$(c enf-baseline setxattr $T/file user.overlay.opaque y)"

# XFS sets and removes any inode's attributes by handle (ATTRMULTI_BY_HANDLE:
# security.capability, ACLs), past inode_setxattr. By number, on tmpfs, which
# has no such request: the kernel's answer outside the cgroup; the 32-bit
# task's number differs only in size.
for n in 0x4048587b 0x4024587b; do
	expect_eq "XFS_IOC_ATTRMULTI_BY_HANDLE ($n)" EPERM "$(c enf-probe ioctl $T $n)"
	expect_eq "...outside the cgroup, the kernel's answer (control)" ENOTTY "$(enf-probe ioctl $T $n)"
	expect_eq "...the opted-out profile: the kernel's answer" ENOTTY "$(in_cgroup $CG/xattropt enf-probe ioctl $T $n)"
done

# The opt-out: allowed and logged.
expect_eq "the opted-out profile gives file capabilities" ok \
	"$(in_cgroup $CG/xattropt enf-baseline setxattr $T/prog security.capability fcap)"
wait_for_log '"profile":"xattropt".*"verdict":"audit"' || true
expect_contains "...logged (audit)" '"verdict":"audit"' \
	"$(grep '"hook":"baseline:xattr"' "$AUDIT_LOG" | grep '"profile":"xattropt"' | head -n 1)"

# Through io_uring (its baseline word allowed): an io-wq worker runs the
# request, under the personality the ring registered before the task's
# credentials changed, so its credentials are overridden as overlayfs's
# are; the request is still the task's.
compile_and_load xattruring '{"name":"xattruring","mode":"enforce","baseline":{"io-uring":"allow"},'"$PROFILE"'}'
mkdir -p $CG/xattruring
expect_exit "attach xattruring" 0 enforcerctl attach xattruring $CG/xattruring
expect_eq "trusted.* by an io_uring request under a personality, outside the cgroup (control)" ok \
	"$(enf-baseline io-uring-setxattr $T/file trusted.t91 x)"
expect_eq "...set" ok "$(got $T/file trusted.t91)"
expect_eq "the same request in the cgroup" EPERM "$(in_cgroup $CG/xattruring enf-baseline io-uring-setxattr $T/file trusted.t92 x)"
expect_eq "...not set" ENODATA "$(got $T/file trusted.t92)"

# The kernel writes attributes for a confined task too: overlayfs copies a
# file's up when it is first written, and marks a directory made where one
# was removed opaque (trusted.overlay.opaque), under the mounter's
# credentials. Those are not the task's writes.
mod=/enforcer/modules/$(uname -r)/overlay.ko
grep -qw overlay /proc/filesystems || insmod "$mod" || fail "insmod $mod"
mkdir -p $O/lower/dir $O/upper $O/work $O/merged
echo data >$O/lower/file
enf-baseline setxattr $O/lower/file trusted.t89 x >/dev/null
mount -t overlay overlay -o lowerdir=$O/lower,upperdir=$O/upper,workdir=$O/work $O/merged || fail "mount overlay"
expect_eq "a confined write to a lower file with an attribute: the copy-up (control)" ok \
	"$(c enf-baseline write $O/merged/file more)"
expect_eq "...copied its attribute up" ok "$(got $O/upper/file trusted.t89)"
expect_exit "a confined rmdir, then mkdir of a lower directory (opaque, control)" 0 \
	c sh -c "rmdir $O/merged/dir && mkdir $O/merged/dir"
expect_eq "...made opaque by the kernel" ok "$(got $O/upper/dir trusted.overlay.opaque)"
expect_eq "a confined setxattr on the overlay is still refused" EPERM \
	"$(c enf-baseline setxattr $O/merged/file trusted.t90 x)"

finish
