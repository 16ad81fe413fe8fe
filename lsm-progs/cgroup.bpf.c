// SPDX-License-Identifier: GPL-2.0-only
/* The cgroup walks of cgroup.bpf.h as global functions: see there. */
#include "common.bpf.h"
#include "cgroup.bpf.h"

__noinline long current_cgroup_walk(__u64 mask, __u32 deep)
{
	return cgroup_walk_status(mask, deep);
}

/*
 * How far up current_manager_exe() looks for the maker: systemd's forked
 * child (or its executor) is the maker's own; its helpers "(sd-pam)" (for
 * PAMName=, which waits for the session's end) and 257's
 * "(sd-pidns-child)" (for PrivatePIDs=, which goes on with the setup) are
 * one fork below, and what those fork two. A level cost about 2,000
 * instructions to verify in all (each program verifies this function); a
 * manager's task deeper down is governed (fail closed).
 */
#define MANAGER_FORK_DEPTH 3

__noinline __u64 current_manager_exe(void)
{
	struct task_struct *t = bpf_get_current_task_btf(), *p;
	__u64 exe = current_exe_file(), p_exe, maker_exe = 0;
	struct inode *inode, *maker_inode;
	__u32 kind;

	if (!exe)
		return 0;
	inode = BPF_CORE_READ((struct file *)(unsigned long)exe, f_inode);
	kind = manager_inode_kind(inode);
	if (kind != ENF_SELF_MANAGER)
		return kind == ENF_SELF_RUNTIME ? exe : 0;
	/*
	 * Up through forks without exec (the same exe_file) to the first
	 * ungoverned ancestor, the maker. Nothing of the loop is used after it
	 * but maker_exe: the verifier goes on from every exit as from one.
	 */
	for (int i = 0; i < MANAGER_FORK_DEPTH; i++) {
		p = BPF_CORE_READ(t, real_parent);
		p_exe = (__u64)(unsigned long)BPF_CORE_READ(p, mm, exe_file);
		if (cgroup_profile_status((__u64)(unsigned long)BPF_CORE_READ(p, cgroups, dfl_cgrp)) == 0) {
			maker_exe = p_exe;
			break;
		}
		if (p_exe != exe)
			return 0; /* an exec on the way: a governed task's, the workload's */
		t = p;
	}
	if (!maker_exe)
		return 0;
	maker_inode = BPF_CORE_READ((struct file *)(unsigned long)maker_exe, f_inode);
	if (manager_inode_kind(maker_inode) != ENF_SELF_MANAGER)
		return 0;
	/* Forked by the maker, not exec'd since; or exec'd another of the manager's executables (the executor). */
	return maker_exe == exe || maker_inode != inode ? exe : 0;
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
