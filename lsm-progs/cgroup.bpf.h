/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which profile governs a task: the nearest ancestor cgroup (the task's
 * own cgroup included) that has an attachment. current_governance() for
 * the current task (cached), task_profile_slot() for any other.
 *
 * Every level is looked at, however deep the hierarchy: a workload that
 * may create cgroups cannot nest itself out of its profile. Levels where
 * no attachment exists are skipped without a lookup (config.levels_mask),
 * so a task on a host with no attachments pays one array lookup; on other
 * hosts the answer is kept per task (current_governance()).
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

/* Whether an attachment may live at cgroup depth lvl (config.levels_mask, deep_levels). */
static __always_inline bool level_may_attach(int lvl, __u64 mask, __u32 deep)
{
	if (lvl < 64)
		return mask & (1ULL << lvl);
	return deep;
}

static int cgroup_walk_step(__u32 i, void *data)
{
	struct cgroup_walk *w = data;
	int lvl = w->level - (int)i;
	struct enf_attach_key key = {};
	struct enf_attach_val *val;

	if (lvl < 0)
		return 1;
	if (!level_may_attach(lvl, w->mask, w->deep))
		return 0;
	key.cgroup_id = bpf_get_current_ancestor_cgroup_id(lvl);
	val = bpf_map_lookup_elem(&attachments, &key);
	if (!val)
		return 0;
	w->slot = val->slot;
	w->found = true;
	return 1;
}

/*
 * The walk itself (current_cgroup_walk(), cgroup.bpf.c): 1 + the slot when
 * an attachment governs, 0 when none does, -errno. A global function of
 * its own: its caller reaches it in several states (with a cache entry or
 * without, ...), and the verifier would follow the loop once for each.
 */
extern long current_cgroup_walk(__u64 mask, __u32 deep);

static __always_inline long cgroup_walk_status(__u64 mask, __u32 deep)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct cgroup_walk w = {};
	long n;

	w.level = BPF_CORE_READ(task, cgroups, dfl_cgrp, level);
	w.mask = mask;
	w.deep = deep;
	if (w.level < 0)
		return -EINVAL;
	n = bpf_loop(w.level + 1, cgroup_walk_step, &w, 0);
	if (n < 0)
		return n;
	if (!w.found)
		return 0;
	return (long)w.slot + 1;
}

/* As current_cgroup_walk(): 1 with *ret_slot set, 0 when no attachment governs, -errno. */
static __always_inline int cgroup_walk(const struct enf_config *cfg, __u32 *ret_slot)
{
	long status = current_cgroup_walk(cfg->levels_mask, cfg->deep_levels);

	if (status <= 0)
		return (int)status;
	*ret_slot = (__u32)(status - 1);
	return 1;
}

/*
 * The service manager inside a confined cgroup. systemd moves its forked
 * child into the unit's cgroup (or clones it there, CLONE_INTO_CGROUP)
 * before it builds the unit's sandbox (mount namespace, PrivateTmp=,
 * ProtectSystem=, credentials, cgroup files) and execs the service; from
 * 255 on the child first execs systemd-executor to do that. Those steps
 * are the manager's, configured by the unit, and the profile is the
 * workload's: it applies from the service's first exec, as AppArmor's
 * profile does from the exec that carries it. So such a task is not
 * governed, except for exec: what it execs is decided by the profile
 * (bprm_check, exec.bpf.c). It runs one of the manager's executables
 * (self_inodes, kind ENF_SELF_MANAGER, which the daemon fills from PID 1
 * when PID 1 is systemd), and so does a user's systemd --user, which is
 * PID 1's binary. So the inode is not enough (found by review: a user unit
 * with StandardInput=file:SECRET read a file the user's slice denies). The
 * task must also have been made by an ungoverned task running one of them
 * (PID 1, or a user manager outside any profile), with at most two forks
 * between (systemd's helpers: "(sd-pam)", 257's "(sd-pidns-child)" and
 * what they fork), and either not have exec'd since (systemd's forked
 * child) or have exec'd another of them (systemd-executor, 255 on):
 * current_manager_exe(). A user manager under the profile was exec'd as a
 * copy of PID 1's binary, and is the workload's, as is what it forks. An
 * OCI runtime's executable (ENF_SELF_RUNTIME: crun, runc) is the manager
 * whoever made it (conmon or a containerd shim, no manager), as before.
 * A governed task that is not the manager may never exec one of the
 * manager's executables (a workload reparented to PID 1 would otherwise
 * pass for its executor), and exe_file changes only by exec or PR_SET_MM
 * (denied, exec.bpf.c): the workload has no way to become the manager.
 */
static __always_inline __u32 manager_inode_kind(struct inode *inode)
{
	__u32 kind;

	if (!inode)
		return 0;
	kind = self_inode_kind(BPF_CORE_READ(inode, i_sb, s_dev), BPF_CORE_READ(inode, i_ino));
	return kind == ENF_SELF_MANAGER || kind == ENF_SELF_RUNTIME ? kind : 0;
}

/* One of the manager's executables, systemd's or an OCI runtime's. */
static __always_inline bool service_manager_inode(struct inode *inode)
{
	return manager_inode_kind(inode) != 0;
}

/* The current task's exe_file as a number (0 for a kernel thread). */
static __always_inline __u64 current_exe_file(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return (__u64)(unsigned long)BPF_CORE_READ(task, mm, exe_file);
}

/*
 * Whether the current task, governed by a profile, is the service manager
 * preparing a unit (see above): the exe_file it was found for when it is
 * (kept in the cache), 0 when not. A global function (cgroup.bpf.c):
 * verified once per program rather than at each of its callers' states.
 */
extern __u64 current_manager_exe(void);

/*
 * 1 with *ret_slot set when a profile governs the current task, 0 when none
 * does, -errno when that cannot be determined (the caller fails closed);
 * *manager says whether the task is the service manager preparing the
 * unit (see above; only when 1). Every hook of every task on the node asks
 * this first, and most tasks are governed by nothing, so the answer of the
 * walk is kept per task (gov_cache) with the cgroup it was found for and
 * settings.attach_gen, which the daemon changes after every write to the
 * attachments map (and at every start). A cached answer is used only when
 * both still match:
 *  - attach_gen is read before the walk, so an attachment written after
 *    that read comes with a later attach_gen and the answer is not reused;
 *  - a cgroup's ancestors never change (cgroup2 has no reparenting), so
 *    the same cgroup under the same attachments has the same answer;
 *  - the cgroup id is read before and after the walk and the answer kept
 *    only when they agree: a task moved mid-walk keeps nothing. (Moving it
 *    away and back within one walk takes an unconfined writer to
 *    cgroup.procs, who could as well leave it where it is.)
 * Cgroup ids are never reused. No cache entry (storage full, nested
 * hook): the walk decides, as before. The manager answer is kept with the
 * exe_file it was found for and asked again when that changed (the
 * manager exec'd the service): two files alive at once during an exec
 * never share an address.
 */
static __always_inline int current_governance(__u32 *ret_slot, bool *manager)
{
	struct task_struct *task;
	struct enf_gov_cache *c;
	struct enf_config *cfg;
	__u64 gen, cgid, manager_exe;
	int r;

	*manager = false;
	cfg = engine_settings();
	if (!cfg)
		return -ENOENT;
	if (!cfg->levels_mask && !cfg->deep_levels)
		return 0;
	gen = *(volatile __u64 *)&cfg->attach_gen; /* before the walk, see above */
	task = bpf_get_current_task_btf();
	/*
	 * The helper, not loads through task (task->cgroups->dfl_cgrp->kn->id):
	 * the same at run time (within 25 instructions either way), but from
	 * 6.2 on the verifier looks every pointer loaded from a trusted task up
	 * in vmlinux BTF by name, a linear search, and every program verifies
	 * this function: that was a third of enforcerd's start on 6.12.
	 */
	cgid = bpf_get_current_cgroup_id();
	c = bpf_task_storage_get(&gov_cache, task, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (c && gen && c->gen == gen && c->cgroup_id == cgid) {
		if (!c->found)
			return 0;
		if (c->manager_exe && c->manager_exe != current_exe_file())
			c->manager_exe = current_manager_exe();
		*manager = c->manager_exe != 0;
		*ret_slot = c->slot;
		return 1;
	}
	r = cgroup_walk(cfg, ret_slot);
	manager_exe = r > 0 ? current_manager_exe() : 0;
	*manager = manager_exe != 0;
	if (r >= 0 && c && gen && bpf_get_current_cgroup_id() == cgid) {
		c->cgroup_id = cgid;
		c->slot = r ? *ret_slot : 0;
		c->found = r;
		c->manager_exe = manager_exe;
		c->gen = gen;
	}
	return r;
}

/*
 * The same walk for a cgroup other than current's (a ptrace target's, the
 * one a peer socket was made in): bpf_get_current_ancestor_cgroup_id() only
 * knows current, so the ancestors are read from the cgroup itself,
 * cgrp->ancestors[level]->kn->id, which is what that helper returns for
 * current. cgroup.ancestors[] (6.0 on) is a flexible array: its offset is
 * relocated (CO-RE), the index is plain arithmetic. 32 bytes: the unix
 * hooks call this deep in a 6.1 stack that has no room for more.
 */
struct other_cgroup_walk {
	__u64 ancestors;  /* address of the cgroup's ancestors[0] */
	__u64 mask;
	int level;
	__u32 deep;
	__u32 slot;
	int found;        /* 1: a profile governs it, 0: none, -1: an ancestor could not be read */
};

static int other_cgroup_walk_step(__u32 i, void *data)
{
	struct other_cgroup_walk *w = data;
	int lvl = w->level - (int)i;
	struct enf_attach_key key = {};
	struct enf_attach_val *val;
	struct cgroup *anc = NULL;

	if (lvl < 0)
		return 1;
	if (!level_may_attach(lvl, w->mask, w->deep))
		return 0;
	if (bpf_probe_read_kernel(&anc, sizeof(anc), (void *)(w->ancestors + (__u64)lvl * sizeof(anc))) < 0 || !anc ||
	    !(key.cgroup_id = BPF_CORE_READ(anc, kn, id))) {
		w->found = -1;
		return 1;
	}
	val = bpf_map_lookup_elem(&attachments, &key);
	if (!val)
		return 0;
	w->slot = val->slot;
	w->found = 1;
	return 1;
}

/*
 * 1 with *ret_slot set when a profile governs cgroup cgrp, 0 when none
 * does, -errno when that cannot be told (the caller fails closed). Not
 * cached: its callers (ptrace attach, unix connects to abstract names) are
 * rare.
 */
static __always_inline int cgroup_profile_slot(struct cgroup *cgrp, __u32 *ret_slot)
{
	struct other_cgroup_walk w = {};
	struct enf_config *cfg;
	long n;

	cfg = engine_settings();
	if (!cfg)
		return -ENOENT;
	if (!cfg->levels_mask && !cfg->deep_levels)
		return 0;
	if (!cgrp)
		return -EFAULT;
	w.level = BPF_CORE_READ(cgrp, level);
	w.ancestors = (__u64)(unsigned long)cgrp + bpf_core_field_offset(struct cgroup, ancestors);
	w.mask = cfg->levels_mask;
	w.deep = cfg->deep_levels;
	if (w.level < 0)
		return -EINVAL;
	n = bpf_loop(w.level + 1, other_cgroup_walk_step, &w, 0);
	if (n < 0)
		return (int)n;
	if (w.found < 0)
		return -EFAULT;
	if (!w.found)
		return 0;
	*ret_slot = w.slot;
	return 1;
}

/*
 * The walks as global functions (cgroup.bpf.c): each verified once per
 * program that calls it, however many hooks or caller states reach it.
 *
 * current_profile_status(): whether a profile governs the current task: 0
 * when none does (or the task is the service manager preparing the unit) (the case of most tasks: a hook then returns at once,
 * before reading its objects or calling into the decision engine), 1 +
 * the profile's slot when one does, -errno when that cannot be told (the
 * engine then fails closed). The decision engine takes this answer rather
 * than asking again.
 *
 * cgroup_profile_status(): the same for cgroup `cgrp` (an address: global
 * functions take numbers, not kernel pointers), by cgroup_profile_slot().
 */
extern int cgroup_profile_status(__u64 cgrp);

/*
 * For exec (bprm_check): as current_profile_status(), but the service
 * manager's tasks are governed too, with ENF_STATUS_MANAGER added to a
 * positive status: what the manager execs is the workload's first
 * instruction, which the profile decides. The one global function of the
 * question (current_profile_status() wraps it inline: a call level more
 * would not fit the deepest chains' stack on 6.1).
 */
#define ENF_STATUS_MANAGER (1 << 24)
extern int current_exec_status(void);

static __always_inline int current_profile_status(void)
{
	int status = current_exec_status();

	return status > 0 && (status & ENF_STATUS_MANAGER) ? 0 : status;
}

/* A status as the slot functions answer: 1 with *ret_slot set, 0, or -errno. */
static __always_inline int slot_of_status(int status, __u32 *ret_slot)
{
	if (status <= 0)
		return status;
	*ret_slot = (__u32)status - 1;
	return 1;
}

/* Which profile governs task t (not current): as cgroup_profile_slot(). */
static __always_inline int task_profile_slot(struct task_struct *t, __u32 *ret_slot)
{
	return slot_of_status(cgroup_profile_status((__u64)(unsigned long)BPF_CORE_READ(t, cgroups, dfl_cgrp)),
			      ret_slot);
}

#endif /* ENF_CGROUP_BPF_H */
