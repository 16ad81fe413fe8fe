/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which profile governs the current task: the nearest ancestor cgroup
 * (the task's own cgroup included) that has an attachment.
 *
 * Every level is looked at, however deep the hierarchy: a workload that
 * may create cgroups cannot nest itself out of its profile. Levels where
 * no attachment exists are skipped without a lookup (config.levels_mask),
 * so a task on a host with no attachments pays one array lookup.
 */
#ifndef ENF_CGROUP_BPF_H
#define ENF_CGROUP_BPF_H

#include "maps.bpf.h"

struct cgroup_walk {
	int level;        /* the task's cgroup depth */
	__u64 mask;
	__u32 deep;
	__u32 slot;
	bool found;
};

static int cgroup_walk_step(__u32 i, void *data)
{
	struct cgroup_walk *w = data;
	int lvl = w->level - (int)i;
	struct enf_attach_key key = {};
	struct enf_attach_val *val;

	if (lvl < 0)
		return 1;
	if (lvl < 64) {
		if (!(w->mask & (1ULL << lvl)))
			return 0;
	} else if (!w->deep) {
		return 0;
	}
	key.cgroup_id = bpf_get_current_ancestor_cgroup_id(lvl);
	val = bpf_map_lookup_elem(&attachments, &key);
	if (!val)
		return 0;
	w->slot = val->slot;
	w->found = true;
	return 1;
}

/*
 * 1 with *ret_slot set when a profile governs the current task, 0 when none
 * does, -errno when that cannot be determined (the caller fails closed).
 */
static __always_inline int current_profile_slot(__u32 *ret_slot)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cgroup_walk w = {};
	struct enf_config *cfg;
	__u32 zero = 0;
	long n;

	cfg = bpf_map_lookup_elem(&settings, &zero);
	if (!cfg)
		return -ENOENT;
	if (!cfg->levels_mask && !cfg->deep_levels)
		return 0;

	w.level = BPF_CORE_READ(task, cgroups, dfl_cgrp, level);
	w.mask = cfg->levels_mask;
	w.deep = cfg->deep_levels;
	if (w.level < 0)
		return -EINVAL;
	n = bpf_loop(w.level + 1, cgroup_walk_step, &w, 0);
	if (n < 0)
		return (int)n;
	if (!w.found)
		return 0;
	*ret_slot = w.slot;
	return 1;
}

#endif /* ENF_CGROUP_BPF_H */
