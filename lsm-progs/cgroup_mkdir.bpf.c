// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attachments follow their cgroup path (issue 13). Attachments are keyed by
 * cgroup id, and a cgroup removed and created again at the same path (what
 * `systemctl restart` does to a unit's cgroup) has a new id. The daemon
 * keeps the path of every explicit attachment in cgroup_paths; this program
 * looks a new cgroup's path up there and writes attachments[its id] inside
 * mkdir itself.
 *
 * Why there is no window (kernel/cgroup/cgroup.c, cgroup_mkdir(), the same
 * in 6.1 and 6.12): the tracepoint fires after cgroup_create() gave the
 * cgroup its id and kernfs node, and before kernfs_activate() makes the
 * directory visible, all under cgroup_mutex (cgroup_kn_lock_live()). Until
 * kernfs_activate() the node cannot be looked up, so no one can open the
 * directory or its cgroup.procs: no task can be written into it, and
 * clone3(CLONE_INTO_CGROUP) needs a descriptor of it. Writing cgroup.procs
 * also takes cgroup_mutex. So the entry is in the map before the first task
 * can enter; mkdir(2) returns after this.
 *
 * Why attach_gen is not changed here: a cached answer
 * (lsm-progs/cgroup.bpf.h) is kept per task for the task's own cgroup id,
 * and cgroup ids are never reused. The new cgroup has no task and no
 * descendant, so no task can hold a cached answer that the new entry
 * should change; a daemon-side write of the settings (which replaces the
 * whole value) could meanwhile race with a write from here.
 *
 * levels_mask: the daemon sets the bit of every path it puts here (the
 * depth of a path is the depth of whatever cgroup is created there) before
 * it adds the path, so the new entry is never skipped by the walk.
 *
 * When the update fails (no memory for the element) the cgroup is
 * attached by the daemon when it sees the cgroup (enforcerd/selectors.c),
 * late; it counts those and logs them. A tracepoint cannot fail mkdir.
 *
 * enf_cgrp_rmdir removes the entry of a removed cgroup, so that ids of
 * cgroups that no longer exist do not pile up in the map while no daemon
 * runs (a unit restarted in a loop) until it is full and a new entry no
 * longer fits. It fires after cgroup_destroy_locked() succeeded: rmdir
 * refuses a cgroup with tasks or live children, and a task can no longer
 * enter it, so no task is governed by that entry any more.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "maps.bpf.h"

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(enf_cgrp_mkdir, struct cgroup *cgrp, const char *path)
{
	struct enf_cgroup_path_key key = {};
	struct enf_attach_key akey;
	struct enf_attach_val aval, *val;
	long n;

	/* The tracepoint fires for every hierarchy; attachments are on cgroup2's (hierarchy 0). */
	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0)
		return 0;
	/*
	 * n counts the NUL: n == sizeof(key) is a path of sizeof - 1
	 * characters or a truncated one, and the daemon never stores either,
	 * so a truncated path cannot match a stored prefix of it.
	 */
	n = bpf_probe_read_kernel_str(key.path, sizeof(key.path), path);
	if (n <= 1 || n >= (long)sizeof(key.path))
		return 0;
	val = bpf_map_lookup_elem(&cgroup_paths, &key);
	if (!val)
		return 0;
	akey.cgroup_id = BPF_CORE_READ(cgrp, kn, id);
	aval.slot = val->slot;
	aval.level = (__u32)BPF_CORE_READ(cgrp, level);
	bpf_map_update_elem(&attachments, &akey, &aval, BPF_ANY);
	return 0;
}

SEC("tp_btf/cgroup_rmdir")
int BPF_PROG(enf_cgrp_rmdir, struct cgroup *cgrp, const char *path)
{
	struct enf_attach_key akey;

	if (BPF_CORE_READ(cgrp, root, hierarchy_id) != 0)
		return 0;
	akey.cgroup_id = BPF_CORE_READ(cgrp, kn, id);
	bpf_map_delete_elem(&attachments, &akey);
	return 0;
}
