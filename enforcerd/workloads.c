// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "workloads.h"

void workloads_free(struct workloads *c)
{
	for (size_t i = 0; i < WORKLOADS_CACHE; i++) {
		free(c->slot[i]);
		c->slot[i] = NULL;
	}
}

static struct workload *find(struct workloads *c, const char *id)
{
	for (size_t i = 0; i < WORKLOADS_CACHE; i++)
		if (c->slot[i] && strcmp(c->slot[i]->id.container_id, id) == 0)
			return c->slot[i];
	return NULL;
}

/* Keep w (a copy), replacing what was known of its container; the oldest goes when full. */
static void keep(struct workloads *c, const struct workload *w)
{
	struct workload *have = find(c, w->id.container_id);

	if (!have) {
		have = c->slot[c->next];
		if (!have) {
			have = malloc(sizeof(*have));
			if (!have)
				return; /* only a cache: asked again next time */
			c->slot[c->next] = have;
		}
		c->next = (c->next + 1) % WORKLOADS_CACHE;
	}
	*have = *w;
}

/* The names of a known container under another of its cgroups (a sub-cgroup): the path's own id fields stay. */
static void names_from(struct workload *dst, const struct workload *known)
{
	struct workload_id id = dst->id;

	*dst = *known;
	dst->id = id;
}

int workloads_get(struct workloads *c, const char *cgroup_path, struct workload *ret)
{
	struct workload w = { 0 };
	const struct workload *known;
	char msg[512];
	int r;

	c->lookups++;
	r = workload_id_from_cgroup(cgroup_path, &w.id);
	if (r < 0)
		return r;
	/*
	 * A rootless container is what its path says: its user chose the name,
	 * the id included, so it borrows no names a root container of that id has.
	 */
	if (w.id.runtime == WORKLOAD_RUNTIME_NONE || w.id.monitor || w.id.rootless) {
		*ret = w;
		return 0;
	}
	known = find(c, w.id.container_id);
	if (known) {
		names_from(&w, known);
		*ret = w;
		return 0;
	}
	c->reads++;
	r = workload_identify(cgroup_path, &w, msg, sizeof(msg));
	if (r < 0 && r != -ENOENT) {
		/* The path's identity stands; the bundle's names do not. */
		log_warn("workload %.12s: %s", w.id.container_id, msg);
		c->refused++;
		w.annotated = false;
		w.container[0] = w.pod[0] = w.namespace[0] = w.image[0] = 0;
	}
	keep(c, &w);
	*ret = w;
	return 0;
}

int workloads_learn(struct workloads *c, const char *cgroup_path, const char *id, json_t *annotations,
		    struct workload *ret, char *msg, size_t size)
{
	struct workload w = { 0 };
	int r;

	r = workload_id_from_cgroup(cgroup_path, &w.id);
	if (r < 0) {
		snprintf(msg, size, "%s: not a cgroup path any runtime writes (%s)", cgroup_path, strerror(-r));
		return r;
	}
	if (w.id.runtime == WORKLOAD_RUNTIME_NONE) {
		snprintf(msg, size, "%s: no container runtime's cgroup (the container's process must be in its own cgroup "
			 "when the hook runs: createRuntime, not prestart)", cgroup_path);
		return -ESRCH;
	}
	if (strcmp(w.id.container_id, id) != 0) {
		snprintf(msg, size, "%s is container %.12s's cgroup, not %.12s's", cgroup_path, w.id.container_id, id);
		return -ESRCH;
	}
	r = workload_annotate(&w, annotations, msg, size);
	if (r == 0)
		r = workload_podman_fill(&w, msg, size);
	if (r < 0) {
		c->refused++;
		return r;
	}
	c->hooked++;
	keep(c, &w);
	*ret = w;
	return 0;
}

void workloads_removed(struct workloads *c, const char *cgroup_path)
{
	struct workload_id id;
	const char *p = cgroup_path + (*cgroup_path == '/');

	if (workload_id_from_cgroup(p, &id) < 0 || id.runtime == WORKLOAD_RUNTIME_NONE || id.container_len != strlen(p))
		return;
	for (size_t i = 0; i < WORKLOADS_CACHE; i++) {
		if (c->slot[i] && strcmp(c->slot[i]->id.container_id, id.container_id) == 0) {
			free(c->slot[i]);
			c->slot[i] = NULL;
		}
	}
}
