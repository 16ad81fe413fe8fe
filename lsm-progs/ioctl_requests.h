/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ioctl requests file_ioctl decides (lsm-progs/baseline.bpf.c), as the
 * kernel numbers them but without the argument's size: a 32-bit task's
 * variant of a request (FS_IOC32_SETFLAGS, BTRFS_IOC_SET_RECEIVED_SUBVOL_32,
 * XFS_IOC_ATTRMULTI_BY_HANDLE_32) differs from the 64-bit one only there,
 * so one request stands for both. asm-generic's encoding (x86, arm64,
 * riscv): direction in bits 30-31 (1 write, 2 read), size in 16-29, type in
 * 8-15, number in 0-7. Plain definitions, so that tests/unit/
 * test_ioctl_requests.c holds them to the kernel's uapi headers where the
 * host has them.
 */
#ifndef ENF_IOCTL_REQUESTS_H
#define ENF_IOCTL_REQUESTS_H

#define IOC_REQUEST(cmd)       ((cmd) & 0xC000FFFFu)
#define IOC_REQ(dir, type, nr) (((dir) << 30) | ((type) << 8) | (nr))
#define IOC_NONE  0u
#define IOC_W     1u
#define IOC_R     2u
#define IOC_WR    3u

/*
 * A file's attributes, set through any descriptor of it, whatever it was
 * opened for: the file rules' setattr, on the descriptor's path.
 */
#define REQ_FS_SETFLAGS           IOC_REQ(IOC_W, 'f', 2)    /* FS_IOC_SETFLAGS (chattr: immutable, append-only, ...) */
#define REQ_FS_FSSETXATTR         IOC_REQ(IOC_W, 'X', 32)   /* FS_IOC_FSSETXATTR: the same flags, project id, extent size */
#define REQ_FS_SETVERSION         IOC_REQ(IOC_W, 'v', 2)    /* FS_IOC_SETVERSION: the inode's generation (NFS handles) */
#define REQ_EXT4_SETVERSION       IOC_REQ(IOC_W, 'f', 4)    /* EXT4_IOC_SETVERSION: the same (fs/ext4/ext4.h, not uapi) */
#define REQ_FS_SET_ENCRYPTION     IOC_REQ(IOC_R, 'f', 19)   /* FS_IOC_SET_ENCRYPTION_POLICY (an _IOR, as numbered): an empty directory's */
#define REQ_FAT_SET_ATTRIBUTES    IOC_REQ(IOC_W, 'r', 0x11) /* FAT_IOCTL_SET_ATTRIBUTES: vfat's and exfat's chmod */
#define REQ_BTRFS_SUBVOL_SETFLAGS IOC_REQ(IOC_W, 0x94, 26)  /* BTRFS_IOC_SUBVOL_SETFLAGS: a subvolume made or unmade read-only */
#define REQ_EXT4_MIGRATE          IOC_REQ(IOC_NONE, 'f', 9) /* EXT4_IOC_MIGRATE: the extents flag, as chattr +e (fs/ext4/ext4.h) */
#define REQ_F2FS_SET_PIN_FILE     IOC_REQ(IOC_W, 0xf5, 13)  /* F2FS_IOC_SET_PIN_FILE: no owner or write check */
#define REQ_F2FS_RELEASE_COMPRESS IOC_REQ(IOC_R, 0xf5, 18)  /* F2FS_IOC_RELEASE_COMPRESS_BLOCKS: writes then fail, for good */
#define REQ_F2FS_RESERVE_COMPRESS IOC_REQ(IOC_R, 0xf5, 19)  /* F2FS_IOC_RESERVE_COMPRESS_BLOCKS: undoes it */
/* Write and setattr: the file made read-only for good, a Merkle tree written beside it. */
#define REQ_FS_ENABLE_VERITY      IOC_REQ(IOC_W, 'f', 133)  /* FS_IOC_ENABLE_VERITY */

/*
 * A filesystem's own administration (the baseline's mount word): btrfs and
 * bcachefs subvolumes and snapshots made, removed, made the default or
 * marked received, which no path hook sees (a snapshot is every file of a
 * subvolume under new names); btrfs send and tree search, which read
 * files' contents with no open; devices added, removed or replaced,
 * resizes, balances, scrubs, quotas and features, the filesystem's label
 * and UUID, every user's encryption keys.
 * Most ask CAP_SYS_ADMIN; a new subvolume or snapshot only the directory's
 * permissions (and the source's owner), bcachefs's removal too.
 */
#define REQ_BTRFS_SNAP_CREATE      IOC_REQ(IOC_W, 0x94, 1)
#define REQ_BTRFS_RESIZE           IOC_REQ(IOC_W, 0x94, 3)
#define REQ_BTRFS_ADD_DEV          IOC_REQ(IOC_W, 0x94, 10)
#define REQ_BTRFS_RM_DEV           IOC_REQ(IOC_W, 0x94, 11)
#define REQ_BTRFS_SUBVOL_CREATE    IOC_REQ(IOC_W, 0x94, 14)
#define REQ_BTRFS_SNAP_DESTROY     IOC_REQ(IOC_W, 0x94, 15)
#define REQ_BTRFS_TREE_SEARCH      IOC_REQ(IOC_WR, 0x94, 17) /* and _V2 */
#define REQ_BTRFS_DEFAULT_SUBVOL   IOC_REQ(IOC_W, 0x94, 19)
#define REQ_BTRFS_SNAP_CREATE_V2   IOC_REQ(IOC_W, 0x94, 23)
#define REQ_BTRFS_SUBVOL_CREATE_V2 IOC_REQ(IOC_W, 0x94, 24) /* not BTRFS_IOC_START_SYNC, an _IOR of the same number */
#define REQ_BTRFS_SCRUB            IOC_REQ(IOC_WR, 0x94, 27)
#define REQ_BTRFS_SCRUB_CANCEL     IOC_REQ(IOC_NONE, 0x94, 28)
#define REQ_BTRFS_BALANCE_V2       IOC_REQ(IOC_WR, 0x94, 32)
#define REQ_BTRFS_BALANCE_CTL      IOC_REQ(IOC_W, 0x94, 33)
#define REQ_BTRFS_SET_RECEIVED     IOC_REQ(IOC_WR, 0x94, 37)
#define REQ_BTRFS_SEND             IOC_REQ(IOC_W, 0x94, 38)
#define REQ_BTRFS_QUOTA_CTL        IOC_REQ(IOC_WR, 0x94, 40)
#define REQ_BTRFS_QGROUP_ASSIGN    IOC_REQ(IOC_W, 0x94, 41)
#define REQ_BTRFS_QGROUP_CREATE    IOC_REQ(IOC_W, 0x94, 42)
#define REQ_BTRFS_QGROUP_LIMIT     IOC_REQ(IOC_R, 0x94, 43) /* an _IOR, as numbered */
#define REQ_BTRFS_QUOTA_RESCAN     IOC_REQ(IOC_W, 0x94, 44)
#define REQ_FS_SETFSLABEL          IOC_REQ(IOC_W, 0x94, 50) /* btrfs, XFS, ext4 */
#define REQ_BTRFS_DEV_REPLACE      IOC_REQ(IOC_WR, 0x94, 53)
#define REQ_BTRFS_SET_FEATURES     IOC_REQ(IOC_W, 0x94, 57)
#define REQ_BTRFS_RM_DEV_V2        IOC_REQ(IOC_W, 0x94, 58)
#define REQ_BTRFS_SNAP_DESTROY_V2  IOC_REQ(IOC_W, 0x94, 63)
/* ext4 (fs/ext4/ext4.h, not uapi): its UUID, its size (CAP_SYS_RESOURCE) */
#define REQ_EXT4_SETFSUUID         IOC_REQ(IOC_W, 'f', 44)
#define REQ_EXT4_GROUP_EXTEND      IOC_REQ(IOC_W, 'f', 7)
#define REQ_EXT4_GROUP_ADD         IOC_REQ(IOC_W, 'f', 8)
#define REQ_EXT4_RESIZE_FS         IOC_REQ(IOC_W, 'f', 16)
/* Every user's encryption keys removed, their files locked (ext4, f2fs) */
#define REQ_FS_REMOVE_KEY_ALL_USERS IOC_REQ(IOC_WR, 'f', 25)
/* XFS (xfs_fs.h): grown, or every free block reserved (ENOSPC for everyone) */
#define REQ_XFS_GROWFSDATA         IOC_REQ(IOC_W, 'X', 110)
#define REQ_XFS_GROWFSLOG          IOC_REQ(IOC_W, 'X', 111)
#define REQ_XFS_GROWFSRT           IOC_REQ(IOC_W, 'X', 112)
#define REQ_XFS_SET_RESBLKS        IOC_REQ(IOC_WR, 'X', 114)
/* f2fs (uapi linux/f2fs.h): resized, collected, checkpointed, defragmented */
#define REQ_F2FS_GARBAGE_COLLECT   IOC_REQ(IOC_W, 0xf5, 6)
#define REQ_F2FS_WRITE_CHECKPOINT  IOC_REQ(IOC_NONE, 0xf5, 7)
#define REQ_F2FS_DEFRAGMENT        IOC_REQ(IOC_WR, 0xf5, 8)
#define REQ_F2FS_FLUSH_DEVICE      IOC_REQ(IOC_W, 0xf5, 10)
#define REQ_F2FS_GC_RANGE          IOC_REQ(IOC_W, 0xf5, 11)
#define REQ_F2FS_RESIZE_FS         IOC_REQ(IOC_W, 0xf5, 16)
/*
 * bcachefs (fs/bcachefs/bcachefs_ioctl.h, 6.7 to 6.17): reached through any
 * file of the filesystem. Devices added, removed, brought on or off line,
 * their state, data moved, resized, an online fsck; subvolumes; and
 * REINHERIT_ATTRS, which rewrites a named child's options (project id,
 * compression, replicas) with no permission check at all.
 */
#define REQ_BCACHEFS_DISK_ADD       IOC_REQ(IOC_W, 0xbc, 4)
#define REQ_BCACHEFS_DISK_REMOVE    IOC_REQ(IOC_W, 0xbc, 5)
#define REQ_BCACHEFS_DISK_ONLINE    IOC_REQ(IOC_W, 0xbc, 6)
#define REQ_BCACHEFS_DISK_OFFLINE   IOC_REQ(IOC_W, 0xbc, 7)
#define REQ_BCACHEFS_DISK_SET_STATE IOC_REQ(IOC_W, 0xbc, 8)
#define REQ_BCACHEFS_DATA           IOC_REQ(IOC_W, 0xbc, 10)
#define REQ_BCACHEFS_DISK_RESIZE    IOC_REQ(IOC_W, 0xbc, 14)
#define REQ_BCACHEFS_RESIZE_JOURNAL IOC_REQ(IOC_W, 0xbc, 15)
#define REQ_BCACHEFS_SUBVOL_CREATE  IOC_REQ(IOC_W, 0xbc, 16)
#define REQ_BCACHEFS_SUBVOL_DESTROY IOC_REQ(IOC_W, 0xbc, 17)
#define REQ_BCACHEFS_FSCK_ONLINE    IOC_REQ(IOC_W, 0xbc, 20)
#define REQ_BCACHEFS_REINHERIT      IOC_REQ(IOC_R, 0xbc, 64)

/*
 * A filesystem stopped for the whole node (the baseline's mount word, event
 * hook baseline:fs-stop, as remounting it read-only would be): FIFREEZE
 * blocks every writer of the filesystem until someone thaws it (the root
 * filesystem: the node hangs, enforcerd with it); the shutdown ioctl that
 * ext4, XFS, f2fs, exFAT, CIFS and bcachefs share (EXT4_IOC_SHUTDOWN,
 * XFS_IOC_GOINGDOWN, F2FS_IOC_SHUTDOWN, ...: one number) fails every later
 * I/O of it until it is mounted again. FITHAW too: the freeze it ends is someone else's (a
 * backup's snapshot, taken while nothing writes), and a task that may not
 * freeze has no freeze of its own to end. All three take CAP_SYS_ADMIN,
 * that of the filesystem's user namespace.
 */
#define REQ_FIFREEZE    IOC_REQ(IOC_WR, 'X', 119) /* FIFREEZE (fsfreeze -f) */
#define REQ_FITHAW      IOC_REQ(IOC_WR, 'X', 120) /* FITHAW (fsfreeze -u) */
#define REQ_FS_SHUTDOWN IOC_REQ(IOC_R, 'X', 125)  /* FS_IOC_SHUTDOWN */

/*
 * Typing into a terminal (the baseline's tty-inject word): TIOCSTI puts a
 * character into a terminal's input as if typed, and whoever reads the
 * terminal next takes it: the shell that ran `enforcerctl run` in that
 * terminal, outside every profile, once the command exits; a login on the
 * console. The kernel allows it on the task's own controlling terminal
 * (unless dev.tty.legacy_tiocsti is 0, from 6.2) and on any terminal with
 * CAP_SYS_ADMIN. TIOCLINUX's TIOCL_PASTESEL pastes a virtual console's
 * selection the same way; its subcode is a byte in the task's memory, which
 * the task can change after any check here, so TIOCLINUX is refused whole.
 * asm-generic's numbers, from before the direction and size fields.
 */
#define REQ_TIOCSTI   IOC_REQ(IOC_NONE, 'T', 0x12) /* TIOCSTI, 0x5412 */
#define REQ_TIOCLINUX IOC_REQ(IOC_NONE, 'T', 0x1C) /* TIOCLINUX, 0x541C */

/*
 * Extended attributes by handle (the baseline's xattrs word): XFS's
 * ATTRMULTI_BY_HANDLE sets and removes any attribute of any inode of the
 * filesystem, security.capability and ACLs included, past inode_setxattr.
 */
#define REQ_XFS_ATTRMULTI_BY_HANDLE IOC_REQ(IOC_W, 'X', 123)

/*
 * Every request above with what file_ioctl makes of it (ioctl_kind() in
 * baseline.bpf.c: SETATTR, WRITE_SETATTR, FS_ADMIN, FS_STOP, TTY_INJECT,
 * XATTR): one list for the program and for its unit test.
 */
#define ENF_IOCTL_REQUESTS(X) \
	X(REQ_FS_SETFLAGS, SETATTR) \
	X(REQ_FS_FSSETXATTR, SETATTR) \
	X(REQ_FS_SETVERSION, SETATTR) \
	X(REQ_EXT4_SETVERSION, SETATTR) \
	X(REQ_FS_SET_ENCRYPTION, SETATTR) \
	X(REQ_FAT_SET_ATTRIBUTES, SETATTR) \
	X(REQ_BTRFS_SUBVOL_SETFLAGS, SETATTR) \
	X(REQ_EXT4_MIGRATE, SETATTR) \
	X(REQ_F2FS_SET_PIN_FILE, SETATTR) \
	X(REQ_F2FS_RELEASE_COMPRESS, SETATTR) \
	X(REQ_F2FS_RESERVE_COMPRESS, SETATTR) \
	X(REQ_FS_ENABLE_VERITY, WRITE_SETATTR) \
	X(REQ_BTRFS_SNAP_CREATE, FS_ADMIN) \
	X(REQ_BTRFS_RESIZE, FS_ADMIN) \
	X(REQ_BTRFS_ADD_DEV, FS_ADMIN) \
	X(REQ_BTRFS_RM_DEV, FS_ADMIN) \
	X(REQ_BTRFS_SUBVOL_CREATE, FS_ADMIN) \
	X(REQ_BTRFS_SNAP_DESTROY, FS_ADMIN) \
	X(REQ_BTRFS_TREE_SEARCH, FS_ADMIN) \
	X(REQ_BTRFS_DEFAULT_SUBVOL, FS_ADMIN) \
	X(REQ_BTRFS_SNAP_CREATE_V2, FS_ADMIN) \
	X(REQ_BTRFS_SUBVOL_CREATE_V2, FS_ADMIN) \
	X(REQ_BTRFS_SCRUB, FS_ADMIN) \
	X(REQ_BTRFS_SCRUB_CANCEL, FS_ADMIN) \
	X(REQ_BTRFS_BALANCE_V2, FS_ADMIN) \
	X(REQ_BTRFS_BALANCE_CTL, FS_ADMIN) \
	X(REQ_BTRFS_SET_RECEIVED, FS_ADMIN) \
	X(REQ_BTRFS_SEND, FS_ADMIN) \
	X(REQ_BTRFS_QUOTA_CTL, FS_ADMIN) \
	X(REQ_BTRFS_QGROUP_ASSIGN, FS_ADMIN) \
	X(REQ_BTRFS_QGROUP_CREATE, FS_ADMIN) \
	X(REQ_BTRFS_QGROUP_LIMIT, FS_ADMIN) \
	X(REQ_BTRFS_QUOTA_RESCAN, FS_ADMIN) \
	X(REQ_FS_SETFSLABEL, FS_ADMIN) \
	X(REQ_BTRFS_DEV_REPLACE, FS_ADMIN) \
	X(REQ_BTRFS_SET_FEATURES, FS_ADMIN) \
	X(REQ_BTRFS_RM_DEV_V2, FS_ADMIN) \
	X(REQ_BTRFS_SNAP_DESTROY_V2, FS_ADMIN) \
	X(REQ_EXT4_SETFSUUID, FS_ADMIN) \
	X(REQ_EXT4_GROUP_EXTEND, FS_ADMIN) \
	X(REQ_EXT4_GROUP_ADD, FS_ADMIN) \
	X(REQ_EXT4_RESIZE_FS, FS_ADMIN) \
	X(REQ_FS_REMOVE_KEY_ALL_USERS, FS_ADMIN) \
	X(REQ_XFS_GROWFSDATA, FS_ADMIN) \
	X(REQ_XFS_GROWFSLOG, FS_ADMIN) \
	X(REQ_XFS_GROWFSRT, FS_ADMIN) \
	X(REQ_XFS_SET_RESBLKS, FS_ADMIN) \
	X(REQ_F2FS_GARBAGE_COLLECT, FS_ADMIN) \
	X(REQ_F2FS_WRITE_CHECKPOINT, FS_ADMIN) \
	X(REQ_F2FS_DEFRAGMENT, FS_ADMIN) \
	X(REQ_F2FS_FLUSH_DEVICE, FS_ADMIN) \
	X(REQ_F2FS_GC_RANGE, FS_ADMIN) \
	X(REQ_F2FS_RESIZE_FS, FS_ADMIN) \
	X(REQ_BCACHEFS_DISK_ADD, FS_ADMIN) \
	X(REQ_BCACHEFS_DISK_REMOVE, FS_ADMIN) \
	X(REQ_BCACHEFS_DISK_ONLINE, FS_ADMIN) \
	X(REQ_BCACHEFS_DISK_OFFLINE, FS_ADMIN) \
	X(REQ_BCACHEFS_DISK_SET_STATE, FS_ADMIN) \
	X(REQ_BCACHEFS_DATA, FS_ADMIN) \
	X(REQ_BCACHEFS_DISK_RESIZE, FS_ADMIN) \
	X(REQ_BCACHEFS_RESIZE_JOURNAL, FS_ADMIN) \
	X(REQ_BCACHEFS_SUBVOL_CREATE, FS_ADMIN) \
	X(REQ_BCACHEFS_SUBVOL_DESTROY, FS_ADMIN) \
	X(REQ_BCACHEFS_FSCK_ONLINE, FS_ADMIN) \
	X(REQ_BCACHEFS_REINHERIT, FS_ADMIN) \
	X(REQ_FIFREEZE, FS_STOP) \
	X(REQ_FITHAW, FS_STOP) \
	X(REQ_FS_SHUTDOWN, FS_STOP) \
	X(REQ_TIOCSTI, TTY_INJECT) \
	X(REQ_TIOCLINUX, TTY_INJECT) \
	X(REQ_XFS_ATTRMULTI_BY_HANDLE, XATTR)

#endif /* ENF_IOCTL_REQUESTS_H */
