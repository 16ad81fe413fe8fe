/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What enforcerd asks of the kernel's BTF before loading, in one pass over
 * its types: the BTF id of every LSM hook's attach point (the functions
 * bpf_lsm_HOOK), and whether a few other names are there.
 *
 * libbpf finds each program's attach point itself with a linear search by
 * name of vmlinux BTF (about 125,000 types on Debian's kernels), once per
 * program: most of the 14% of a start libbpf took on 6.1. The programs
 * take their ids from here instead (engine.c, lsm_prepare_load()): a
 * start 6% shorter on both kernels (icount).
 */
#ifndef ENFORCER_HOOK_IDS_H
#define ENFORCER_HOOK_IDS_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

/* A name asked for besides the hooks, of one BTF kind (BTF_KIND_FUNC, ...); found is the answer. */
struct btf_want {
	const char *name;
	int kind;
	bool found;
};

struct hook_ids {
	struct hook_id {
		char *name; /* without the prefix; a copy: the BTF may go */
		int id;
	} *v;
	size_t n; /* sorted by name */
};

/* One pass over btf: fills h and each want's found. 0 or -errno. */
int hook_ids_scan(struct hook_ids *h, const struct btf *btf, struct btf_want *wants, size_t n_wants);

/* The BTF id of bpf_lsm_HOOK, -ESRCH when this kernel has no such hook. */
int hook_ids_find(const struct hook_ids *h, const char *hook);

void hook_ids_free(struct hook_ids *h);

#endif /* ENFORCER_HOOK_IDS_H */
