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
/* Write and setattr: the file made read-only for good, a Merkle tree written beside it. */
#define REQ_FS_ENABLE_VERITY      IOC_REQ(IOC_W, 'f', 133)  /* FS_IOC_ENABLE_VERITY */

/*
 * A filesystem's own administration (the baseline's mount word): btrfs and
 * bcachefs subvolumes and snapshots made, removed, made the default or
 * marked received, which no path hook sees (a snapshot is every file of a
 * subvolume under new names); btrfs send and tree search, which read
 * files' contents with no open; devices added, removed or replaced,
 * resizes, balances, scrubs, quotas and features, the filesystem's label.
 * Most ask CAP_SYS_ADMIN; a new subvolume or snapshot only the directory's
 * permissions (and the source's owner), bcachefs's removal too.
 */
#define REQ_BTRFS_SNAP_CREATE      IOC_REQ(IOC_W, 0x94, 1)
#define REQ_BTRFS_RESIZE           IOC_REQ(IOC_W, 0x94, 3)
#define REQ_BTRFS_ADD_DEV          IOC_REQ(IOC_W, 0x94, 10)
#define REQ_BTRFS_RM_DEV           IOC_REQ(IOC_W, 0x94, 11)
#define REQ_BTRFS_BALANCE          IOC_REQ(IOC_W, 0x94, 12)
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
#define REQ_BCACHEFS_SUBVOL_CREATE  IOC_REQ(IOC_W, 0xbc, 16) /* fs/bcachefs/bcachefs_ioctl.h (6.7 to 6.17) */
#define REQ_BCACHEFS_SUBVOL_DESTROY IOC_REQ(IOC_W, 0xbc, 17)

/*
 * Extended attributes by handle (the baseline's xattrs word): XFS's
 * ATTRMULTI_BY_HANDLE sets and removes any attribute of any inode of the
 * filesystem, security.capability and ACLs included, past inode_setxattr.
 */
#define REQ_XFS_ATTRMULTI_BY_HANDLE IOC_REQ(IOC_W, 'X', 123)

#endif /* ENF_IOCTL_REQUESTS_H */
