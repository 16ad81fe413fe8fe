/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ENFORCER_CGROUP_H
#define ENFORCER_CGROUP_H

#include <stddef.h>
#include <stdint.h>

/*
 * Resolve a cgroup v2 directory: its canonical path, its id (what
 * bpf_get_current_ancestor_cgroup_id() returns) and its depth below the
 * cgroup2 mount. 0, or -errno with a message naming the problem and fix.
 */
int cgroup_resolve(const char *path, char **ret_canonical, uint64_t *ret_id, uint32_t *ret_level,
		   char *msg, size_t size);

/* The id of a cgroup v2 directory (its kernfs node id). 0 or -errno. */
int cgroup_id_of(const char *path, uint64_t *ret_id);

/*
 * The mount namespaces the tasks of a cgroup and its descendants live in,
 * other than the caller's: one pid of each into pids[] (at most max, and
 * at most CGROUP_MAX_NAMESPACES), *ret_n how many. A namespace seen through
 * a task that exits meanwhile is skipped. 0 or -errno.
 */
#define CGROUP_MAX_NAMESPACES 64
int cgroup_foreign_mount_namespaces(const char *cgroup_dir, int *pids, size_t max, size_t *ret_n);

/* Where cgroup2 is mounted (from /proc/self/mountinfo). 0 or -ENOENT. */
int cgroup2_mount_root(char *buf, size_t size);

/*
 * The kernel's name of a cgroup2 directory given by its absolute path (which
 * need not exist): its path from the root of the cgroup2 hierarchy, with a
 * leading '/', as the cgroup tracepoints give it (kernfs_path()), and its
 * depth (cgroup->level). Differs from the path below the mount when the
 * mount is of a subtree (a cgroup namespace). 0, -ENOENT (no cgroup2 mount),
 * -EINVAL (not below it) or -ENAMETOOLONG.
 */
int cgroup_kernel_path(const char *abs, char *out, size_t size, uint32_t *ret_level);

/*
 * The cgroup v2 path of a process (pid 0: the caller) from the root of the
 * hierarchy, as its /proc/PID/cgroup "0::" line gives it ("/" or
 * "/system.slice/x.service"). 0, -ENOENT (no such process, or no cgroup v2
 * line) or -ENAMETOOLONG.
 */
int cgroup_of_pid(int pid, char *out, size_t size);

/* The path of abs (absolute) relative to the mount root (no leading '/'; "" for the root), or NULL. */
const char *cgroup_relative(const char *root, const char *abs);

/*
 * Would attaching this cgroup (absolute, canonical) confine the daemon,
 * which runs in daemon_cgroup ("" if unknown)? It is the daemon's cgroup or
 * an ancestor: the daemon and every admin shell beside it would be
 * confined, and the control plane refuses confined peers. 0, or -EPERM
 * with msg.
 */
int cgroup_check_not_daemon(const char *daemon_cgroup, const char *cgroup, char *msg, size_t size);

#endif /* ENFORCER_CGROUP_H */
