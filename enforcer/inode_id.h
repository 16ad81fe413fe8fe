/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The identity the kernel gives an object: (sb->s_dev, i_ino), which is
 * what the BPF side reads (inode->i_sb->s_dev). stat()'s st_dev is not
 * always the superblock's: btrfs reports a subvolume's anonymous device,
 * overlayfs may report a layer's. The superblock's device is what
 * /proc/self/mountinfo prints for the mount that holds the object, found
 * by statx()'s mount id.
 */
#ifndef ENFORCER_INODE_ID_H
#define ENFORCER_INODE_ID_H

#include <stdint.h>

struct mount_devs;

/* A snapshot of the mounts' superblock devices (the daemon's own namespace): 0 or -errno. */
int mount_devs_read(struct mount_devs **ret);
void mount_devs_free(struct mount_devs *m);

/*
 * The kernel's identity of path (symlinks followed, as the kernel's
 * resolution would): 0 with *ret_dev in the kernel's dev_t encoding
 * (MAJOR << 20 | MINOR) and *ret_ino, or -errno. m may be NULL (one is
 * read for this call); a mount the snapshot does not know (mounted since)
 * is read again once.
 */
int inode_identity(struct mount_devs *m, const char *path, uint64_t *ret_dev, uint64_t *ret_ino);

/*
 * As inode_identity(), for a path that leads into task pid's mounts: a
 * magic link under /proc/PID (exe, fd/N), which reaches the object in that
 * task's mount namespace, whose mount ids the daemon's own (systemd gives
 * the hardened daemon a namespace of its own) does not know.
 */
int inode_identity_in(int pid, const char *path, uint64_t *ret_dev, uint64_t *ret_ino);

/*
 * Another task's mount namespace, to resolve paths as the tasks of a
 * confined cgroup see them (a container's root, its own /usr): its root
 * and its mounts, taken through /proc/PID. Symlinks resolve inside that
 * root (openat2 RESOLVE_IN_ROOT), never into the daemon's.
 */
struct ns_view;

int ns_view_open(int pid, struct ns_view **ret);
void ns_view_free(struct ns_view *v);

/* As inode_identity(), for path as the view's tasks name it. */
int ns_view_identity(const struct ns_view *v, const char *path, uint64_t *ret_dev, uint64_t *ret_ino);

#endif /* ENFORCER_INODE_ID_H */
