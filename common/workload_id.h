/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Workload identity from a cgroup v2 path: which container runtime made the
 * cgroup, the container's id, and for a Kubernetes pod its UID and QoS
 * class, read from the names kubelet and the runtimes give their cgroups
 * (workload_id.c cites each convention). No runtime or API is asked.
 *
 * What a path says is a claim of whoever could create the cgroup: a
 * delegated subtree (rootless podman or docker, below user@UID.service) can
 * take any name, so such an identity is flagged `rootless` and must not be
 * trusted beyond that user's own cgroups.
 */
#ifndef ENFORCER_WORKLOAD_ID_H
#define ENFORCER_WORKLOAD_ID_H

#include <stdbool.h>

enum workload_runtime {
	WORKLOAD_RUNTIME_NONE = 0, /* not a container's cgroup, as far as its name tells */
	WORKLOAD_RUNTIME_CONTAINERD = 1,
	WORKLOAD_RUNTIME_CRIO = 2,
	WORKLOAD_RUNTIME_DOCKER = 3,
	WORKLOAD_RUNTIME_PODMAN = 4,
	/* A container of a Kubernetes pod whose cgroup (cgroupfs driver: the bare id) does not name the runtime. */
	WORKLOAD_RUNTIME_CRI = 5,
};

enum workload_qos {
	WORKLOAD_QOS_NONE = 0, /* not a Kubernetes pod */
	WORKLOAD_QOS_GUARANTEED = 1,
	WORKLOAD_QOS_BURSTABLE = 2,
	WORKLOAD_QOS_BESTEFFORT = 3,
};

/* Which naming the path follows: systemd units (slices and scopes) or plain directories. */
enum workload_driver {
	WORKLOAD_DRIVER_NONE = 0,
	WORKLOAD_DRIVER_SYSTEMD = 1,
	WORKLOAD_DRIVER_CGROUPFS = 2,
};

#define WORKLOAD_CONTAINER_ID_LEN 64 /* lowercase hex, as every runtime here makes them */
#define WORKLOAD_POD_UID_LEN 36      /* 8-4-4-4-12 lowercase hex; a static pod's is 32 hex (kubelet's md5) */

struct workload_id {
	enum workload_runtime runtime;
	enum workload_driver driver;
	/* The runtime's monitor (conmon of CRI-O or podman) beside the container, not the container itself. */
	bool monitor;
	/* Below a user@UID.service: a delegated subtree, named by that user. */
	bool rootless;
	char container_id[WORKLOAD_CONTAINER_ID_LEN + 1]; /* "" when runtime is NONE */
	char pod_uid[WORKLOAD_POD_UID_LEN + 1];           /* "" when not in a Kubernetes pod */
	enum workload_qos qos;                            /* NONE exactly when pod_uid is "" */
	/*
	 * The length of the container's own cgroup path, the path read without
	 * its leading '/' ("machine.slice/libpod-ID.scope"); 0 when runtime is
	 * NONE. A path longer than this is one of the container's sub-cgroups.
	 */
	size_t container_len;
};

/*
 * The identity of the cgroup at path: the path from the root of the cgroup2
 * hierarchy, as /proc/PID/cgroup's "0::" line and cgroup_kernel_path() give
 * it (the leading '/' is optional; "/sys/fs/cgroup" is not part of it).
 * The cgroup's descendants have its identity: the first (outermost)
 * container cgroup of the path decides, and what lies below it (a
 * container's own sub-cgroups, crun's "container" subgroup) is not read,
 * so a container cannot rename itself from inside.
 *
 * 0 with *ret filled (runtime NONE and no pod for a path no convention
 * knows: that is not an error); -EINVAL when the path is malformed (an
 * empty, "." or ".." component) or names a runtime's or kubelet's cgroup
 * with a malformed id (not 64 lowercase hex, a pod UID of the wrong shape);
 * -ENAMETOOLONG when a component read is longer than NAME_MAX or the part
 * read longer than PATH_MAX. *ret is untouched on failure.
 */
int workload_id_from_cgroup(const char *path, struct workload_id *ret);

/*
 * The same from the text of /proc/PID/cgroup: its cgroup v2 line ("0::PATH",
 * a " (deleted)" suffix dropped). -ENOENT when there is none (a cgroup v1
 * only system), else as workload_id_from_cgroup().
 */
int workload_id_from_proc_cgroup(const char *text, struct workload_id *ret);

/* The words of the enums ("containerd", "cri-o", "burstable", "systemd", ...); NULL for a value without one. */
const char *workload_runtime_name(enum workload_runtime r);
const char *workload_qos_name(enum workload_qos q);
const char *workload_driver_name(enum workload_driver d);
/* And back: 0, or -EINVAL for a word that is none. */
int workload_runtime_from_word(const char *word, enum workload_runtime *ret);
int workload_qos_from_word(const char *word, enum workload_qos *ret);

#endif /* ENFORCER_WORKLOAD_ID_H */
