/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cgroup id -> path, for events: the kernel reports the cgroup id of the
 * task (a kernfs node id); people want the path. Resolved by file handle
 * (open_by_handle_at on the cgroup2 mount, which needs only
 * CAP_DAC_READ_SEARCH, the one capability the hardened daemon keeps) and
 * cached: ids are never reused, so an answer stays true, and a cgroup that
 * is gone is remembered as such.
 */
#ifndef ENFORCER_CGROUP_NAMES_H
#define ENFORCER_CGROUP_NAMES_H

#include <stddef.h>
#include <stdint.h>

#define CGROUP_NAMES_CACHE 512

struct cgroup_names {
	int root_fd;             /* the cgroup2 mount; -1: paths are never resolved */
	char root[4096];         /* where it is mounted */
	struct {
		uint64_t id;         /* 0: empty slot */
		char *path;          /* NULL: the cgroup could not be resolved (gone) */
	} cache[CGROUP_NAMES_CACHE];
	unsigned long long lookups, misses;
};

/* Open the cgroup2 mount. 0 or -errno (then every lookup falls back to the id). */
int cgroup_names_open(struct cgroup_names *n);
void cgroup_names_close(struct cgroup_names *n);

/*
 * The path of cgroup `id` below the cgroup2 mount ("/" for the root,
 * "/system.slice/x.service"), or NULL when it cannot be told (gone, or no
 * cgroup2 mount). The string belongs to the cache: copy it before the next
 * call.
 */
const char *cgroup_names_get(struct cgroup_names *n, uint64_t id);

#endif /* ENFORCER_CGROUP_NAMES_H */
