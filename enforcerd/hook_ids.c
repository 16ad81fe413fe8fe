// SPDX-License-Identifier: GPL-2.0-only
/* The kernel's BTF in one pass (hook_ids.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "hook_ids.h"

#define HOOK_PREFIX "bpf_lsm_"

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct hook_id *)a)->name, ((const struct hook_id *)b)->name);
}

int hook_ids_scan(struct hook_ids *h, const struct btf *btf, struct btf_want *wants, size_t n_wants)
{
	size_t cap = 0;
	__u32 n = btf__type_cnt(btf);

	*h = (struct hook_ids){ 0 };
	for (size_t i = 0; i < n_wants; i++)
		wants[i].found = false;
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = t ? btf__name_by_offset(btf, t->name_off) : NULL;

		if (!name || !name[0])
			continue;
		for (size_t i = 0; i < n_wants; i++)
			if (btf_kind(t) == wants[i].kind && strcmp(name, wants[i].name) == 0)
				wants[i].found = true;
		if (!btf_is_func(t) || strncmp(name, HOOK_PREFIX, strlen(HOOK_PREFIX)) != 0)
			continue;
		if (h->n == cap) {
			struct hook_id *v = realloc(h->v, (cap = cap ? 2 * cap : 256) * sizeof(*v));

			if (!v) {
				hook_ids_free(h);
				return -ENOMEM;
			}
			h->v = v;
		}
		h->v[h->n].name = strdup(name + strlen(HOOK_PREFIX));
		if (!h->v[h->n].name) {
			hook_ids_free(h);
			return -ENOMEM;
		}
		h->v[h->n++].id = (int)id;
	}
	if (h->n)
		qsort(h->v, h->n, sizeof(*h->v), by_name);
	return 0;
}

int hook_ids_find(const struct hook_ids *h, const char *hook)
{
	struct hook_id key = { .name = (char *)hook }, *found;

	found = h->n ? bsearch(&key, h->v, h->n, sizeof(*h->v), by_name) : NULL;
	return found ? found->id : -ESRCH;
}

void hook_ids_free(struct hook_ids *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].name);
	free(h->v);
	*h = (struct hook_ids){ 0 };
}
