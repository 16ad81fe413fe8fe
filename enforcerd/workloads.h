/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's memory of container identities (common/workload.h), keyed by
 * container id: read once from the cgroup path and the bundle's
 * annotations, or told by the OCI hook (control `container-start`), then
 * used by workload selectors, events and `list`. A container's names never
 * change while it lives; a new container has a new id.
 */
#ifndef ENFORCER_WORKLOADS_H
#define ENFORCER_WORKLOADS_H

#include <stdint.h>

#include "workload.h"

#define WORKLOADS_CACHE 512

struct workloads {
	struct workload *slot[WORKLOADS_CACHE]; /* by container id; NULL: empty */
	unsigned next;                          /* the slot the next new container replaces */
	unsigned long long lookups, reads, hooked, refused;
};

void workloads_free(struct workloads *c);

/*
 * The identity of the cgroup at path (from the cgroup2 root). 0 with *ret
 * filled (runtime NONE for a cgroup that is no container's), or -errno
 * for a path no runtime writes.
 */
int workloads_get(struct workloads *c, const char *cgroup_path, struct workload *ret);

/*
 * What the OCI hook says of a starting container: its cgroup path and its
 * bundle's annotations. The path must name a container whose id is id.
 * 0 with *ret, or -errno with msg.
 */
int workloads_learn(struct workloads *c, const char *cgroup_path, const char *id, json_t *annotations,
		    struct workload *ret, char *msg, size_t size);

/* The cgroup at path (from the cgroup2 root) was removed: a container's own cgroup takes its identity with it. */
void workloads_removed(struct workloads *c, const char *cgroup_path);

#endif /* ENFORCER_WORKLOADS_H */
