/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A container's identity beyond its cgroup path (workload_id.h): its name,
 * pod, namespace and image, read from the annotations of its OCI bundle,
 * which the runtime writes from what kubelet (or podman) told it; and the
 * workload selectors that match on them ("namespace=prod,container=app").
 *
 * Used by enforcerd (events, list, attachment by workload) and by the OCI
 * hook in enforcerctl, which decides alone whether a container must be
 * confined when the daemon cannot be asked.
 */
#ifndef ENFORCER_WORKLOAD_H
#define ENFORCER_WORKLOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "workload_id.h"

/* Kubernetes' own bounds (a DNS-1123 subdomain; an image reference is bounded here). */
#define WORKLOAD_NAME_MAX  253
#define WORKLOAD_IMAGE_MAX 512

struct workload {
	struct workload_id id;                 /* from the cgroup path */
	char container[WORKLOAD_NAME_MAX + 1]; /* "" when no annotation names it */
	char pod[WORKLOAD_NAME_MAX + 1];
	char namespace[WORKLOAD_NAME_MAX + 1];
	char image[WORKLOAD_IMAGE_MAX + 1];
	bool sandbox;                          /* the pod's infrastructure (pause) container */
	bool annotated;                        /* the names above came from the bundle's annotations */
};

/*
 * Fill w's names from an OCI annotations object (the bundle's config.json
 * "annotations", or the OCI state a hook reads), by the keys of the runtime
 * that w->id names (containerd's io.kubernetes.cri.*, CRI-O's and podman's
 * io.kubernetes.pod.* and io.kubernetes.cri-o.*; workload.c lists them).
 * A value that is not a string, is longer than its bound or holds a
 * control character is not used. -EPERM with msg when the annotations name
 * another pod than the cgroup path does (a pod UID mismatch): then nothing
 * is taken from them. 0 otherwise, w->annotated telling whether a name was found.
 */
int workload_annotate(struct workload *w, json_t *annotations, char *msg, size_t size);

/*
 * Where the runtime w->id names keeps the bundle's config.json for that
 * container id, written into paths[] (up to max, each PATH_MAX); returns
 * how many. Only root's runtimes: a rootless runtime's files are its user's.
 */
size_t workload_config_paths(const struct workload_id *id, char (*paths)[4096], size_t max);

/*
 * Read the annotations of the config.json at path into w. The file must be
 * a regular file owned by root and not writable by group or others (the
 * runtime's own), at most 4 MiB. 0, -ENOENT when there is no such file, or
 * -errno with msg.
 */
int workload_read_config(struct workload *w, const char *path, char *msg, size_t size);

/*
 * A podman container's name and image from libpod's record in the
 * containers.json at path (containers/storage), for those the annotations
 * did not give; the file must be root's as above, at most 64 MiB. 0 (also
 * when the id is not there), -ENOENT, or -errno with msg.
 */
int workload_read_podman_names(struct workload *w, const char *path, char *msg, size_t size);

/* The same from root's podman store, for a podman container still missing a name or image. 0 or -errno with msg. */
int workload_podman_fill(struct workload *w, char *msg, size_t size);

/* Identity of a cgroup (path from the cgroup2 root), with its bundle's annotations when one is found. 0 or -errno. */
int workload_identify(const char *cgroup_path, struct workload *w, char *msg, size_t size);

/* w as a JSON object for events and `list` ({} members left out when empty); NULL when not a container. */
json_t *workload_to_json(const struct workload *w);

/*
 * A workload selector: conditions on a container's identity, all of which
 * must hold. Written "KEY=GLOB[,KEY=GLOB...]", each key at most once:
 * runtime, namespace, pod, container, image. A glob is fnmatch(3)'s, '*'
 * crossing '/' (images have them). A condition on a name the container's
 * bundle does not give never holds. Pod infrastructure (sandbox)
 * containers and runtime monitors are never matched: they run the
 * runtime's code, not the workload's. Nor are rootless containers, whose
 * cgroups their user names (workload.c, eligible()).
 */
enum workload_key {
	WORKLOAD_KEY_RUNTIME,
	WORKLOAD_KEY_NAMESPACE,
	WORKLOAD_KEY_POD,
	WORKLOAD_KEY_CONTAINER,
	WORKLOAD_KEY_IMAGE,
	WORKLOAD_KEYS
};

#define WORKLOAD_SELECTOR_MAX 900 /* with its prefix, within a selector glob's bound */
/* What names a workload selector where selectors are named by one string (a glob cannot start with it). */
#define WORKLOAD_SELECTOR_PREFIX "workload:"

struct workload_selector {
	char *glob[WORKLOAD_KEYS]; /* NULL: no condition on that key */
};

/* Parse spec; 0, or -EINVAL with the reason (and its column, 1-based) in msg. */
int workload_selector_parse(const char *spec, struct workload_selector *ret, char *msg, size_t size);
void workload_selector_free(struct workload_selector *s);
/* The canonical text: keys in the order of enum workload_key. 0 or -ENAMETOOLONG. */
int workload_selector_format(const struct workload_selector *s, char *out, size_t size);
bool workload_selector_match(const struct workload_selector *s, const struct workload *w);
/* Why it does or does not match, one line for `explain`-style answers. */
void workload_selector_explain(const struct workload_selector *s, const struct workload *w, char *out, size_t size);

const char *workload_key_name(enum workload_key k);

#endif /* ENFORCER_WORKLOAD_H */
