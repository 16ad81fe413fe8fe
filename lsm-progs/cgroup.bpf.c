// SPDX-License-Identifier: GPL-2.0-only
/* The cgroup walks of cgroup.bpf.h as global functions: see there. */
#include "common.bpf.h"
#include "cgroup.bpf.h"

__noinline long current_cgroup_walk(__u64 mask, __u32 deep)
{
	return cgroup_walk_status(mask, deep);
}

__noinline __u64 current_manager_exe(void)
{
	__u64 exe = current_exe_file();

	if (!exe || !service_manager_inode(BPF_CORE_READ((struct file *)(unsigned long)exe, f_inode)))
		return 0;
	return exe;
}

__noinline int current_exec_status(void)
{
	bool manager = false;
	__u32 slot = 0;
	int r;

	/* A call of its own: its stack is not added to the decision engine's deepest chain. */
	r = current_governance(&slot, &manager);
	if (r <= 0)
		return r;
	return ((int)slot + 1) | (manager ? ENF_STATUS_MANAGER : 0);
}

__noinline int cgroup_profile_status(__u64 cgrp)
{
	__u32 slot = 0;
	int r;

	r = cgroup_profile_slot((struct cgroup *)(unsigned long)cgrp, &slot);
	return r > 0 ? (int)slot + 1 : r;
}
