#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=300
#
# The confinement baseline (docs/policy.md "baseline"): a task a profile
# governs cannot change its mount topology to rename around the path rules
# (bind mounts, a binary mounted over an allowed exec path, tmpfs over an
# allowed directory, umount, move_mount of an open_tree copy, pivot_root)
# or undo what a mount protects (a remount read-write through fspick and
# fsconfig, a read-only flag cleared by mount_setattr, cgroup2's root
# options reset by fsopen), cannot create a user namespace or enter
# another namespace, nor make an io_uring, cannot write what the kernel
# runs as root (core_pattern, modprobe, a module parameter, /sys/power, a cgroup v1
# release_agent; nor take a write
# descriptor of one from another process), cannot load kernel
# code (init_module, finit_module, kexec_file_load), and cannot swap on a
# file of its own, nor freeze or shut down a filesystem. Controls: the same
# operations from outside the cgroup work; reading sysctls inside works; a
# profile with "baseline": {"mount": "allow"} lets the mount through and
# logs it as an audit verdict; a profile in audit mode logs would-deny and
# allows. Every change made here (sysctls, mounts) is undone.
. /enforcer/tests/integration/lib/lib.sh

SCHEMA=/enforcer/docs/events.schema.json
T=/tmp/t70
mkdir -p $T/secret/sub $T/open/x $T/open/y $T/open/z $T/bin $T/cfg $T/mnt-a $T/nr $T/mnt-ro $T/robind
echo secret >$T/secret/sub/data
echo plain >$T/open/file
printf '#!/bin/sh\necho good\n' >$T/bin/good
printf '#!/bin/sh\necho EVIL\n' >$T/bin/evil
chmod 755 $T/bin/good $T/bin/evil
mount -t tmpfs none $T/mnt-a
# A read-only superblock under a writable mount (made read-only by fsconfig,
# which leaves the mount's own flag alone), and a read-only bind mount of a
# writable directory.
mount -t tmpfs none $T/mnt-ro && echo x >$T/mnt-ro/f && enf-baseline reconfigure $T/mnt-ro ro >/dev/null
mount --bind $T/open $T/robind && mount -o remount,bind,ro $T/robind

CORE_PATTERN=$(cat /proc/sys/kernel/core_pattern)
MODPROBE=$(cat /proc/sys/kernel/modprobe)
restore_sysctls() {
	echo "$CORE_PATTERN" >/proc/sys/kernel/core_pattern
	echo "$MODPROBE" >/proc/sys/kernel/modprobe
}
# What the kernel would run as root, in the root cgroup, on a core dump.
printf '#!/bin/sh\ncat /proc/self/cgroup >%s/pwned\nid -u >>%s/pwned\n' $T $T >$T/h
chmod 755 $T/h

# An exec allow-list (only the test's tools and $T/bin/good) and a denied subtree.
PROFILE_BODY='"exec":{"default":"deny","rules":[
  {"action":"allow","path":"/enforcer/**"},{"action":"allow","path":"/bin/**"},
  {"action":"allow","path":"/sbin/**"},{"action":"allow","path":"/usr/**"},
  {"action":"allow","path":"'$T'/bin/good"}]},
 "file":{"default":"allow","rules":[{"action":"deny","path":"'$T'/secret/**","access":["read"]}]}'

start_daemon
compile_and_load t70 '{"name":"t70","mode":"enforce",'"$PROFILE_BODY"'}'
mkdir -p $CG/t70
expect_exit "attach t70" 0 enforcerctl attach t70 $CG/t70
c() { in_cgroup $CG/t70 "$@"; }
nobody() { in_cgroup $CG/t70 enf-asuser 65534 65534 "$@"; }

# The rules themselves hold (so what follows is about getting around them).
expect_eq "read in the denied subtree" EPERM "$(c enf-probe open $T/secret/sub/data r)"
expect_eq "exec outside the allow-list" EPERM "$(c enf-probe exec $T/bin/evil)"
expect_eq "exec of the allow-listed script (control)" good "$(c $T/bin/good)"

# ---- mounts, as root in the cgroup ---------------------------------------------------
expect_eq "bind a subdirectory of the denied subtree elsewhere" EPERM "$(c enf-baseline bind $T/secret/sub $T/open/x)"
expect_eq "...and the file is still unreadable there" ENOENT "$(c enf-probe open $T/open/x/data r)"
expect_eq "bind another binary over the allow-listed exec path" EPERM "$(c enf-baseline bind $T/bin/evil $T/bin/good)"
expect_eq "...and the allow-listed path still runs its own program" good "$(c $T/bin/good 2>&1)"
expect_eq "tmpfs over an allowed directory" EPERM "$(c enf-baseline tmpfs $T/cfg)"
expect_eq "remount read-only" EPERM "$(c enf-baseline remount-ro $T/mnt-a)"
expect_eq "umount" EPERM "$(c enf-baseline umount $T/mnt-a)"
expect_eq "move_mount of an open_tree copy of the denied subtree" EPERM \
	"$(c enf-baseline move-mount $T/secret/sub $T/open/y)"
expect_eq "...nothing was attached" ENOENT "$(c enf-probe open $T/open/y/data r)"
expect_eq "move_mount of an attached mount" EPERM "$(c enf-baseline move-mount-attached $T/mnt-a $T/open/y)"
expect_eq "fsopen + fsmount of a new tmpfs, attached by move_mount" EPERM "$(c enf-baseline fsmount $T/cfg)"
expect_eq "fsmount outside the cgroup (control)" ok "$(enf-baseline fsmount $T/open/y)"
umount $T/open/y
# Undoing what a mount protects without mount(2), through the mount syscalls
# that have no hook: each is refused at its CAP_SYS_ADMIN check (capable),
# told by the syscall's number. fspick + fsconfig reconfigures the superblock;
# mount_setattr changes a mount's flags; fsopen + fsconfig(CMD_CREATE) of
# cgroup2 gives the node's cgroup2 root the new context's options (none:
# nsdelegate, set here outside, would go).
expect_eq "fspick + fsconfig(rw, CMD_RECONFIGURE) of a read-only tmpfs" EPERM \
	"$(c enf-baseline reconfigure $T/mnt-ro rw)"
expect_eq "...and it is still read-only" EROFS "$(c enf-baseline write $T/mnt-ro/f x)"
expect_eq "fspick + fsconfig(ro, CMD_RECONFIGURE) of a writable one" EPERM "$(c enf-baseline reconfigure $T/mnt-a ro)"
expect_eq "mount_setattr clearing a bind mount's read-only flag" EPERM "$(c enf-baseline mount-setattr $T/robind rw)"
expect_eq "...with bit 32 of the syscall's number set" EPERM "$(c enf-baseline mount-setattr-hi $T/robind rw)"
expect_eq "...and it is still read-only" EROFS "$(c enf-baseline write $T/robind/file x)"
cg2_opts() { awk '$2 == "/sys/fs/cgroup" && $3 == "cgroup2" { print $4 }' /proc/mounts; }
if mount -o remount,nsdelegate $CG 2>/dev/null && cg2_opts | grep -q nsdelegate; then
	expect_eq "fsopen + fsconfig(CMD_CREATE) of cgroup2" EPERM "$(c enf-baseline fsopen-create cgroup2)"
	expect_contains "...and cgroup2 keeps nsdelegate" nsdelegate "$(cg2_opts)"
	expect_eq "...outside the cgroup (control)" ok "$(enf-baseline fsopen-create cgroup2)"
	expect_eq "...and nsdelegate is gone: the reset is real" "" "$(cg2_opts | grep -o nsdelegate)"
else
	echo "note: cgroup2 could not take nsdelegate here; its options not tried"
fi
expect_eq "fsopen + fsconfig(CMD_CREATE) of a tmpfs" EPERM "$(c enf-baseline fsopen-create tmpfs)"
expect_eq "...outside the cgroup (control)" ok "$(enf-baseline fsopen-create tmpfs)"
# capable sees every capability check: CAP_SYS_ADMIN outside mount_setattr is not refused.
expect_exit "sethostname in the cgroup (CAP_SYS_ADMIN elsewhere) (control)" 0 c hostname "$(hostname)"
expect_eq "fsconfig(rw, CMD_RECONFIGURE) outside the cgroup (control)" ok "$(enf-baseline reconfigure $T/mnt-ro rw)"
expect_eq "...the tmpfs is writable" ok "$(enf-baseline write $T/mnt-ro/f x)"
expect_eq "...and back to read-only (control)" ok "$(enf-baseline reconfigure $T/mnt-ro ro)"
expect_eq "mount_setattr outside the cgroup (control)" ok "$(enf-baseline mount-setattr $T/robind rw)"
expect_eq "...the bind mount is writable" ok "$(enf-baseline write $T/robind/file plain)"
expect_eq "...and back to read-only (control)" ok "$(enf-baseline mount-setattr $T/robind ro)"
# pivot_root: set up (outside the cgroup) in a mount namespace of its own,
# a root that can be pivoted (the guest's rootfs cannot), then join the
# cgroup and try.
pivot() { # CGROUP: the pivot_root attempt's word
	unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs none '$T'/nr && mkdir -p '$T'/nr/new &&
		mount -t tmpfs none '$T'/nr/new && mkdir '$T'/nr/new/old &&
		echo $$ >"$1/cgroup.procs" && exec enf-baseline pivot-root '$T'/nr /new /new/old' pivot "$1"
}
mkdir -p $CG/t70free
expect_eq "pivot_root in a new mount namespace" EPERM "$(pivot $CG/t70)"
expect_eq "pivot_root outside the cgroup (control)" ok "$(pivot $CG/t70free)"
expect_eq "bind mount outside the cgroup (control)" ok "$(enf-baseline bind $T/secret/sub $T/open/z)"
expect_eq "umount outside the cgroup (control)" ok "$(enf-baseline umount $T/open/z)"
# swapon: the kernel would write every process's memory to the task's file.
# Refused at swapon's capability check, its first; the file is no swap area
# (the system guests swap on a real one: holds.sh), so outside the cgroup the
# kernel goes past that check and refuses the file (the control).
echo junk >$T/swapfile
expect_eq "swapon" EPERM "$(c enf-baseline swapon $T/swapfile)"
expect_eq "swapon outside the cgroup gets past the capability check (control)" EINVAL "$(enf-baseline swapon $T/swapfile)"
expect_eq "swapon, the 32-bit syscall (int 0x80, number 87)" EPERM "$(c enf-baseline swapon $T/swapfile ia32)"
expect_eq "...outside the cgroup (control)" EINVAL "$(enf-baseline swapon $T/swapfile ia32)"
expect_eq "swapoff" EPERM "$(c enf-baseline swapoff $T/swapfile)"
expect_eq "swapoff outside the cgroup (control)" EINVAL "$(enf-baseline swapoff $T/swapfile)"
echo x >$T/open/unlinked
expect_exit "unlink in the cgroup: x86-64's 87, ia32's swapon (control)" 0 c rm $T/open/unlinked
# A filesystem stopped for the node: frozen (FIFREEZE: the root filesystem would hang every
# writer), or shut down. Asked of $T's filesystem, which can be neither: outside the cgroup the
# kernel goes past its capability check and says so (the control), and nothing stops.
expect_eq "FIFREEZE" EPERM "$(c enf-baseline fs-stop freeze $T)"
expect_eq "FIFREEZE outside the cgroup gets past the capability check (control)" EOPNOTSUPP \
	"$(enf-baseline fs-stop freeze $T)"
expect_eq "FITHAW (ending a freeze someone outside made)" EPERM "$(c enf-baseline fs-stop thaw $T)"
expect_eq "FITHAW outside the cgroup gets past the capability check: nothing is frozen (control)" EINVAL \
	"$(enf-baseline fs-stop thaw $T)"
expect_eq "the shutdown ioctl (FS_IOC_SHUTDOWN)" EPERM "$(c enf-baseline fs-stop shutdown $T)"
expect_eq "...outside the cgroup: the filesystem has no such ioctl (control)" ENOTTY \
	"$(enf-baseline fs-stop shutdown $T)"
# A filesystem's administration by ioctl: btrfs (and bcachefs) subvolumes and
# snapshots made and removed, send and tree search (which read files with no
# open), the label. By number, on $T's tmpfs, which has none of them: the
# kernel's answer outside the cgroup (ENOTTY), EPERM in it. The requests beside
# them (START_SYNC shares SUBVOL_CREATE_V2's number, reading; FICLONE shares
# the type) get the kernel's answer in the cgroup too.
admin_requests="0x50009401:BTRFS_IOC_SNAP_CREATE 0x50009403:BTRFS_IOC_RESIZE 0x5000940a:BTRFS_IOC_ADD_DEV
	0x5000940b:BTRFS_IOC_RM_DEV 0x5000940e:BTRFS_IOC_SUBVOL_CREATE 0x5000940f:BTRFS_IOC_SNAP_DESTROY
	0xd0009411:BTRFS_IOC_TREE_SEARCH 0xc0709411:BTRFS_IOC_TREE_SEARCH_V2 0x40089413:BTRFS_IOC_DEFAULT_SUBVOL
	0x50009417:BTRFS_IOC_SNAP_CREATE_V2 0x50009418:BTRFS_IOC_SUBVOL_CREATE_V2 0xc400941b:BTRFS_IOC_SCRUB
	0x941c:BTRFS_IOC_SCRUB_CANCEL 0xc4009420:BTRFS_IOC_BALANCE_V2 0x40049421:BTRFS_IOC_BALANCE_CTL
	0xc0c89425:BTRFS_IOC_SET_RECEIVED_SUBVOL 0xc0c09425:BTRFS_IOC_SET_RECEIVED_SUBVOL_32 0x40489426:BTRFS_IOC_SEND
	0xc0109428:BTRFS_IOC_QUOTA_CTL 0x40189429:BTRFS_IOC_QGROUP_ASSIGN 0x4010942a:BTRFS_IOC_QGROUP_CREATE
	0x8030942b:BTRFS_IOC_QGROUP_LIMIT 0x4040942c:BTRFS_IOC_QUOTA_RESCAN 0x41009432:FS_IOC_SETFSLABEL
	0xca289435:BTRFS_IOC_DEV_REPLACE 0x40309439:BTRFS_IOC_SET_FEATURES 0x5000943a:BTRFS_IOC_RM_DEV_V2
	0x5000943f:BTRFS_IOC_SNAP_DESTROY_V2 0x4008662c:EXT4_IOC_SETFSUUID 0x40086607:EXT4_IOC_GROUP_EXTEND
	0x40286608:EXT4_IOC_GROUP_ADD 0x40086610:EXT4_IOC_RESIZE_FS 0xc0406619:FS_IOC_REMOVE_ENCRYPTION_KEY_ALL_USERS
	0x4010586e:XFS_IOC_FSGROWFSDATA 0x4008586f:XFS_IOC_FSGROWFSLOG 0x40105870:XFS_IOC_FSGROWFSRT
	0xc0105872:XFS_IOC_SET_RESBLKS 0x4004f506:F2FS_IOC_GARBAGE_COLLECT 0xf507:F2FS_IOC_WRITE_CHECKPOINT
	0xc010f508:F2FS_IOC_DEFRAGMENT 0x4008f50a:F2FS_IOC_FLUSH_DEVICE 0x4018f50b:F2FS_IOC_GARBAGE_COLLECT_RANGE
	0x4008f510:F2FS_IOC_RESIZE_FS 0x4010bc04:BCH_IOCTL_DISK_ADD 0x4010bc05:BCH_IOCTL_DISK_REMOVE
	0x4010bc06:BCH_IOCTL_DISK_ONLINE 0x4010bc07:BCH_IOCTL_DISK_OFFLINE 0x4010bc08:BCH_IOCTL_DISK_SET_STATE
	0x4070bc0a:BCH_IOCTL_DATA 0x4018bc0e:BCH_IOCTL_DISK_RESIZE 0x4018bc0f:BCH_IOCTL_DISK_RESIZE_JOURNAL
	0x4020bc10:BCH_IOCTL_SUBVOLUME_CREATE 0x4020bc11:BCH_IOCTL_SUBVOLUME_DESTROY 0x4010bc14:BCH_IOCTL_FSCK_ONLINE
	0x8008bc40:BCHFS_IOC_REINHERIT_ATTRS"
nums=$(for r in $admin_requests; do printf '%s ' ${r%%:*}; done)
names=$(for r in $admin_requests; do printf '%s ' ${r#*:}; done)
expect_each EPERM "refused in the cgroup" "$names" "$(c enf-probe ioctl $T $nums)"
expect_each ENOTTY "outside the cgroup, the kernel's answer (control)" "$names" "$(enf-probe ioctl $T $nums)"
expect_eq "BTRFS_IOC_SNAP_DESTROY from a 32-bit task (file_ioctl_compat)" EPERM "$(c enf-baseline ioctl32 $T 0x5000940f)"
expect_eq "...outside the cgroup, the kernel's answer (control)" ENOTTY "$(enf-baseline ioctl32 $T 0x5000940f)"
expect_eq "BTRFS_IOC_START_SYNC (control: the same number as SUBVOL_CREATE_V2, reading)" ENOTTY \
	"$(c enf-probe ioctl $T 0x80089418)"
echo x >$T/open/clone
expect_eq "FICLONE (control: btrfs's type, a file's own request)" EBADF "$(c enf-probe ioctl $T/open/clone 0x40049409)"
# /dev/mapper/control suspends or remaps any device-mapper volume: refused by its number, under
# any name, even for reading (its ioctls need no more).
mknod $T/dm-control c 10 236
dm=$(enf-probe open $T/dm-control r)
if [ "$dm" != EPERM ]; then
	pass "device-mapper's control device outside the cgroup: the kernel's answer ($dm) (control)"
	expect_eq "...in the cgroup, for reading" EPERM "$(c enf-probe open $T/dm-control r)"
else
	fail "device-mapper's control device outside the cgroup: EPERM, the control must get the kernel's own answer"
fi

# ---- namespaces, as nobody in the cgroup ---------------------------------------------
expect_eq "nobody: outside the cgroup unshare(CLONE_NEWUSER) works (control)" ok \
	"$(enf-asuser 65534 65534 enf-baseline userns)"
expect_eq "nobody: unshare(CLONE_NEWUSER)" EPERM "$(nobody enf-baseline userns)"
expect_exit "nobody: unshare -Urm" 1 nobody unshare -Urm true
expect_exit "nobody: unshare -Urm outside the cgroup (control)" 0 enf-asuser 65534 65534 unshare -Urm true
# Entering namespaces that exist (setns), which no hook sees: a rootless
# container's user namespace, made by nobody outside the cgroup (its owner
# has every capability there), and, as root, another mount namespace, where
# every rule path names something else.
enf-asuser 65534 65534 unshare -U sleep 1000 &
USERNS_HOLDER=$!
unshare -m sleep 1000 &
MNTNS_HOLDER=$!
sleep 0.3
expect_eq "nobody: setns into nobody's user namespace, outside the cgroup (control)" ok \
	"$(enf-asuser 65534 65534 enf-baseline setns $USERNS_HOLDER user)"
# Opening a namespace file of a process outside is ptrace-read's (73); one
# opened outside the cgroup and inherited reaches setns itself.
expect_eq "nobody: open nobody's user namespace file in the cgroup (baseline ptrace-read)" EACCES \
	"$(nobody enf-baseline setns $USERNS_HOLDER user)"
expect_eq "nobody: setns into nobody's user namespace, its file opened outside" EPERM \
	"$(nobody enf-baseline setns-fd 3 3</proc/$USERNS_HOLDER/ns/user)"
expect_eq "setns into another mount namespace, outside the cgroup (control)" ok "$(enf-baseline setns $MNTNS_HOLDER mnt)"
expect_eq "setns into another mount namespace, its file opened outside" EPERM \
	"$(c enf-baseline setns-fd 3 3</proc/$MNTNS_HOLDER/ns/mnt)"
kill $USERNS_HOLDER $MNTNS_HOLDER

# ---- io_uring: a ring takes files no hook decides (IORING_OP_MSG_RING) ---------------
expect_eq "io_uring_setup" EPERM "$(c enf-baseline io-uring)"
expect_eq "nobody: io_uring_setup" EPERM "$(nobody enf-baseline io-uring)"
expect_eq "io_uring_setup outside the cgroup (control)" ok "$(enf-baseline io-uring)"
# A ring made elsewhere and handed over (pidfd_getfd, seccomp's ADDFD; the
# kernel refuses rings over SCM_RIGHTS): held by a process of the profile
# that made it before it moved in, so that the ptrace check lets the taker
# through and file_receive decides.
enf-baseline ring-exec /bin/sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 1000' holder $CG/t70 &
RING_HOLDER=$!
sleep 0.2
expect_eq "take a ring made outside (pidfd_getfd)" EPERM "$(c enf-self pidfd-getfd $RING_HOLDER 3)"
expect_eq "take the ring outside the cgroup (control)" ok "$(enf-self pidfd-getfd $RING_HOLDER 3)"
kill $RING_HOLDER

# ---- what the kernel runs as root ----------------------------------------------------
expect_eq "read core_pattern (control)" ok "$(c enf-probe open /proc/sys/kernel/core_pattern r)"
expect_eq "read a sysctl with cat (control)" "$CORE_PATTERN" "$(c cat /proc/sys/kernel/core_pattern)"
expect_eq "write core_pattern" EPERM "$(c enf-baseline write /proc/sys/kernel/core_pattern "|$T/h")"
rm -f $T/pwned
c sh -c 'kill -SEGV $$' 2>/dev/null
sleep 1
expect_eq "...no core dump handler ran as root" no "$([ -e $T/pwned ] && cat $T/pwned || echo no)"
restore_sysctls
expect_eq "write modprobe" EPERM "$(c enf-baseline write /proc/sys/kernel/modprobe $T/h)"
expect_eq "truncate a sysctl" EPERM "$(c enf-probe open /proc/sys/kernel/modprobe t)"
expect_eq "write /proc/sysrq-trigger" EPERM "$(c enf-baseline write /proc/sysrq-trigger h)"
# Module parameters are the sysctls of modules; some name a program the kernel
# runs as root (drbd's usermode_helper, nfsd's cltrack_prog). printk's are
# built in, so both kernels have them; each write puts back the value read.
PARAM=/sys/module/printk/parameters/time
PARAM_WAS=$(cat $PARAM)
expect_eq "write a module parameter ($PARAM)" EPERM "$(c enf-baseline write $PARAM "$PARAM_WAS")"
expect_eq "truncate it" EPERM "$(c enf-probe open $PARAM t)"
expect_eq "write it outside the cgroup (control)" ok "$(enf-baseline write $PARAM "$PARAM_WAS")"
# /sys/power suspends and hibernates the node, and resume loads a kernel image
# from a device the writer names. Only a file harmless to write back is tried.
POWER=
for f in pm_async pm_freeze_timeout image_size; do
	[ -w /sys/power/$f ] && POWER=/sys/power/$f && break
done
if [ -n "$POWER" ]; then
	POWER_WAS=$(cat $POWER)
	expect_eq "write $POWER" EPERM "$(c enf-baseline write $POWER "$POWER_WAS")"
	expect_eq "write it outside the cgroup (control)" ok "$(enf-baseline write $POWER "$POWER_WAS")"
	# A device's own power directory is not /sys/power.
	DEVPOWER=$(find /sys/devices -path '*/power/control' 2>/dev/null | head -n 1)
	if [ -n "$DEVPOWER" ]; then
		expect_eq "write a device's power/control ($DEVPOWER) (control)" ok \
			"$(c enf-baseline write "$DEVPOWER" "$(cat "$DEVPOWER")")"
	fi
else
	echo "note: no writable file under /sys/power here; not tried"
fi
KSM=/sys/kernel/mm/ksm/pages_to_scan
if [ -w $KSM ]; then
	expect_eq "write a sysfs file that is no module parameter ($KSM) (control)" ok \
		"$(c enf-baseline write $KSM "$(cat $KSM)")"
else
	echo "note: no $KSM here; the sysfs control not tried"
fi
restore_sysctls
expect_eq "write modprobe outside the cgroup (control)" ok "$(enf-baseline write /proc/sys/kernel/modprobe $T/h)"
restore_sysctls
expect_eq "the sysctls are as they were" "$CORE_PATTERN $MODPROBE" \
	"$(cat /proc/sys/kernel/core_pattern) $(cat /proc/sys/kernel/modprobe)"
# A write descriptor of core_pattern opened outside the cgroup, handed over
# by pidfd_getfd (file_receive decides it as it does SCM_RIGHTS): held by
# a process of the profile, so that the ptrace check lets the taker through.
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 1000' holder $CG/t70 3>>/proc/sys/kernel/core_pattern &
HOLDER=$!
sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 1000' holder $CG/t70 3>>$T/open/file &
HOLDER_PLAIN=$!
sleep 0.2
expect_eq "take a write descriptor of core_pattern (pidfd_getfd)" EPERM "$(c enf-self pidfd-getfd $HOLDER 3)"
expect_eq "take a write descriptor of a plain file (control)" ok "$(c enf-self pidfd-getfd $HOLDER_PLAIN 3)"
expect_eq "take the core_pattern descriptor outside the cgroup (control)" ok "$(enf-self pidfd-getfd $HOLDER 3)"
kill $HOLDER $HOLDER_PLAIN
mkdir -p $T/cg1
if mount -t cgroup -o none,name=t70 cgroup $T/cg1 2>/dev/null; then
	expect_eq "write a cgroup v1 release_agent" EPERM "$(c enf-baseline write $T/cg1/release_agent $T/h)"
	expect_eq "write release_agent outside the cgroup (control)" ok "$(enf-baseline write $T/cg1/release_agent $T/h)"
	expect_eq "write notify_on_release (not a helper) (control)" ok "$(c enf-baseline write $T/cg1/notify_on_release 0)"
	umount $T/cg1
else
	echo "note: no cgroup v1 here; release_agent not tried"
fi

# ---- kernel code ---------------------------------------------------------------------
# The hook runs before the kernel parses anything: a junk buffer gets EPERM
# inside (with a baseline:kernel-load event), and the parser's ENOEXEC outside.
head -c 4096 /dev/urandom >$T/junk.ko
expect_eq "init_module of a junk buffer" EPERM "$(c enf-baseline init-module-junk)"
expect_eq "init_module outside the cgroup reaches the parser (control)" ENOEXEC "$(enf-baseline init-module-junk)"
expect_eq "finit_module of a file" EPERM "$(c enf-baseline finit-module $T/junk.ko)"
expect_eq "finit_module outside the cgroup reaches the parser (control)" ENOEXEC "$(enf-baseline finit-module $T/junk.ko)"
expect_eq "kexec_file_load of a file" EPERM "$(c enf-baseline kexec-file $T/junk.ko)"
kx=$(enf-baseline kexec-file $T/junk.ko)
[ "$kx" != EPERM ] && pass "kexec_file_load outside the cgroup reaches the loader (control: $kx)" ||
	fail "kexec_file_load outside the cgroup: $kx"

for h in mount umount move-mount pivot-root mount-api mount-setattr swap fs-stop fs-admin dm-control userns setns helper-write kernel-load io-uring; do
	wait_for_log "\"hook\":\"baseline:$h\"" || true
	expect_contains "a deny event for baseline:$h" '"verdict":"deny","reason":"baseline"' \
		"$(grep "\"hook\":\"baseline:$h\"" "$AUDIT_LOG" | head -n 1)"
done

# ---- opting out, and audit mode --------------------------------------------------------
compile_and_load t70m '{"name":"t70m","mode":"enforce","baseline":{"mount":"allow","io-uring":"allow"},'"$PROFILE_BODY"'}'
mkdir -p $CG/t70m
expect_exit "attach t70m" 0 enforcerctl attach t70m $CG/t70m
expect_contains "enforcerctl show names the opt-out" "baseline: mount allowed (logged)" "$(enforcerctl show t70m)"
expect_contains "...and the io-uring one" "io-uring" "$(enforcerctl show t70m)"
expect_eq "opted out: the bind mount goes through" ok "$(in_cgroup $CG/t70m enf-baseline bind $T/open $T/open/x)"
expect_eq "opted out: the umount too" ok "$(in_cgroup $CG/t70m enf-baseline umount $T/open/x)"
expect_eq "opted out: fsconfig(CMD_RECONFIGURE)" ok "$(in_cgroup $CG/t70m enf-baseline reconfigure $T/mnt-ro rw)"
expect_eq "opted out: mount_setattr" ok "$(in_cgroup $CG/t70m enf-baseline mount-setattr $T/robind rw)"
expect_eq "opted out: swapon gets past the capability check" EINVAL "$(in_cgroup $CG/t70m enf-baseline swapon $T/swapfile)"
expect_eq "opted out: FIFREEZE gets past it too" EOPNOTSUPP "$(in_cgroup $CG/t70m enf-baseline fs-stop freeze $T)"
expect_eq "opted out: FITHAW too" EINVAL "$(in_cgroup $CG/t70m enf-baseline fs-stop thaw $T)"
expect_each ENOTTY "opted out: the kernel's answer" "$names" "$(in_cgroup $CG/t70m enf-probe ioctl $T $nums)"
expect_eq "opted out: device-mapper's control device gets the kernel's answer" "$dm" \
	"$(in_cgroup $CG/t70m enf-probe open $T/dm-control r)"
enf-baseline reconfigure $T/mnt-ro ro >/dev/null
enf-baseline mount-setattr $T/robind ro >/dev/null
# ...but not of the engine's file systems: self-protection, whatever the opt-out.
# "rw" changes nothing on bpffs, which keeps no options to reconfigure (the
# control's); cgroup2's context would reset its root's options, so it has none.
for fs in /sys/fs/bpf /sys/fs/cgroup; do
	expect_eq "opted out: fsconfig(CMD_RECONFIGURE) of $fs (self-protection)" EPERM \
		"$(in_cgroup $CG/t70m enf-baseline reconfigure $fs rw)"
done
expect_eq "...of bpffs outside the cgroup (control)" ok "$(enf-baseline reconfigure /sys/fs/bpf rw)"
wait_for_log '"profile":"t70m","hook":"self:mount-over"' || true
expect_contains "...with a self-protection event" '"verdict":"deny","reason":"self-protection"' \
	"$(grep '"profile":"t70m","hook":"self:mount-over"' "$AUDIT_LOG" | head -n 1)"
expect_eq "opted out of io-uring: io_uring_setup goes through" ok "$(in_cgroup $CG/t70m enf-baseline io-uring)"
enf-baseline ring-exec /bin/sh -c 'echo $$ >"$1/cgroup.procs" && exec sleep 1000' holder $CG/t70m &
RING_HOLDER=$!
sleep 0.2
expect_eq "opted out of io-uring: a ring made outside is taken" ok "$(in_cgroup $CG/t70m enf-self pidfd-getfd $RING_HOLDER 3)"
kill $RING_HOLDER
expect_eq "opted out of mount and io-uring only: userns still refused" EPERM "$(in_cgroup $CG/t70m enf-baseline userns)"
expect_eq "opted out of mount and io-uring only: core_pattern still refused" EPERM \
	"$(in_cgroup $CG/t70m enf-baseline write /proc/sys/kernel/core_pattern "|$T/h")"
restore_sysctls
for h in mount mount-api mount-setattr; do
	wait_for_log "\"profile\":\"t70m\",\"hook\":\"baseline:$h\"" || true
	expect_contains "opted out: baseline:$h logged as an audit verdict" '"verdict":"audit","reason":"baseline"' \
		"$(grep "\"profile\":\"t70m\",\"hook\":\"baseline:$h\"" "$AUDIT_LOG" | head -n 1)"
done

compile_and_load t70a '{"name":"t70a","mode":"audit",'"$PROFILE_BODY"'}'
mkdir -p $CG/t70a
expect_exit "attach t70a" 0 enforcerctl attach t70a $CG/t70a
expect_eq "audit mode: the bind mount goes through" ok "$(in_cgroup $CG/t70a enf-baseline bind $T/open $T/open/x)"
umount $T/open/x
expect_eq "audit mode: userns goes through" ok "$(in_cgroup $CG/t70a enf-baseline userns)"
wait_for_log '"profile":"t70a","hook":"baseline:mount"' || true
expect_contains "audit mode: would-deny logged" '"verdict":"would-deny","reason":"baseline"' \
	"$(grep '"profile":"t70a","hook":"baseline:mount"' "$AUDIT_LOG" | head -n 1)"
expect_contains "report: the baseline's would-deny, named by its operation" '"object": "baseline:mount"' \
	"$(enforcerctl --json report t70a)"
expect_exit "promote t70a: refused while the baseline would deny" 1 enforcerctl promote t70a

out=$(enf-schema-check $SCHEMA "$AUDIT_LOG" 2>&1)
expect_eq "every record is valid against docs/events.schema.json" 0 "$(echo "$out" | grep -c 'invalid record')"
echo "$out" | grep 'invalid record' | head -n 3

umount $T/mnt-a $T/mnt-ro $T/robind 2>/dev/null
restore_sysctls
finish
