// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: workload_id_from_cgroup() (common/workload_id.c), which
 * reads cgroup names any process allowed to mkdir in cgroupfs chooses (a
 * container below its own cgroup, a user in a delegated subtree).
 *
 * Invariant: beyond no crash or sanitizer report:
 *  - it returns 0, -EINVAL or -ENAMETOOLONG, and on 0 the identity is well
 *    formed: a container id is 64 lowercase hex and present exactly when a
 *    runtime is; a pod UID is 8-4-4-4-12 or 32 lowercase hex and present
 *    exactly when a QoS class is; monitor and rootless only with a runtime;
 *    a driver exactly when there is a container or a pod;
 *  - a leading '/' changes nothing;
 *  - a container's descendants are the container: PATH + "/x" has PATH's
 *    identity when PATH names a container;
 *  - /proc/PID/cgroup's "0::PATH" line gives what PATH gives.
 * The input up to its first NUL byte is the path.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload_id.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_workload_id: invariant broken: %s\n", what);
		abort();
	}
}

static bool lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool uid_ok(const char *u)
{
	size_t n = strlen(u);

	if (n == 32)
		return lower_hex(u, 32);
	if (n != WORKLOAD_POD_UID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? u[i] != '-' : !lower_hex(u + i, 1))
			return false;
	return true;
}

static bool same(const struct workload_id *a, const struct workload_id *b)
{
	return a->runtime == b->runtime && a->driver == b->driver && a->monitor == b->monitor &&
	       a->rootless == b->rootless && a->qos == b->qos && strcmp(a->container_id, b->container_id) == 0 &&
	       strcmp(a->pod_uid, b->pod_uid) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = strnlen((const char *)data, size);
	char *path = malloc(n + 8), *text = malloc(n + 8);
	struct workload_id w, w2;
	int r, r2;

	if (!path || !text)
		goto out;
	memcpy(path + 1, data, n);
	path[0] = '/';
	path[n + 1] = 0;

	r = workload_id_from_cgroup(path + 1, &w);
	check(r == 0 || r == -EINVAL || r == -ENAMETOOLONG, "0, -EINVAL or -ENAMETOOLONG");
	if (path[1] != '/') {
		r2 = workload_id_from_cgroup(path, &w2);
		check(r2 == r && (r < 0 || same(&w, &w2)), "a leading '/' changes nothing");
	}
	if (r < 0)
		goto out;
	check((w.runtime == WORKLOAD_RUNTIME_NONE) == (w.container_id[0] == 0), "a container id exactly with a runtime");
	check(!w.container_id[0] ||
		      (strlen(w.container_id) == WORKLOAD_CONTAINER_ID_LEN && lower_hex(w.container_id, WORKLOAD_CONTAINER_ID_LEN)),
	      "a container id is 64 lowercase hex");
	check((w.qos == WORKLOAD_QOS_NONE) == (w.pod_uid[0] == 0), "a pod UID exactly with a QoS class");
	check(!w.pod_uid[0] || uid_ok(w.pod_uid), "a pod UID is well formed");
	check((!w.monitor && !w.rootless) || w.runtime != WORKLOAD_RUNTIME_NONE, "monitor and rootless only with a runtime");
	check((w.driver == WORKLOAD_DRIVER_NONE) == (w.runtime == WORKLOAD_RUNTIME_NONE && !w.pod_uid[0]),
	      "a driver exactly with a container or a pod");
	check(workload_runtime_name(w.runtime) && workload_qos_name(w.qos) && workload_driver_name(w.driver),
	      "every value has its word");

	if (w.runtime != WORKLOAD_RUNTIME_NONE && n > 0) {
		memcpy(path + n + 1, "/x", 3);
		r2 = workload_id_from_cgroup(path + 1, &w2);
		check(r2 == 0 && same(&w, &w2), "a container's descendant is the container");
		path[n + 1] = 0;
	}
	if (!memchr(path, '\n', n + 1) && n + 1 <= PATH_MAX &&
	    (n < 10 || memcmp(path + n + 1 - 10, " (deleted)", 10) != 0)) {
		snprintf(text, n + 8, "0::%s\n", path + 1);
		r2 = workload_id_from_proc_cgroup(text, &w2);
		check(r2 == 0 && same(&w, &w2), "/proc/PID/cgroup's line gives what the path gives");
	}
out:
	free(path);
	free(text);
	return 0;
}
