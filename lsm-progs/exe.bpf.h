/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The executable identity of the current task, for rules limited with
 * 'from': the kernel's own record of what the task runs (mm->exe_file),
 * resolved like any other path and looked up in the profile's trie, whose
 * nodes carry an exe_id for every executable some 'from' names. Resolved at
 * decision time, so tasks that were running before a profile was attached
 * are identified too. The one way to change exe_file after exec,
 * prctl(PR_SET_MM), is denied to confined tasks (exec.bpf.c).
 */
#ifndef ENF_EXE_BPF_H
#define ENF_EXE_BPF_H

#include "path.bpf.h"

/*
 * 0 with *ret_exe_id (0: not an executable any 'from' names), or -errno.
 * w and m are the caller's scratch (the stack has room for one of each);
 * the caller walks its own object afterwards.
 */
static __always_inline int current_exe_id(struct path_walk *w, struct trie_match *m, __u32 *ret_exe_id)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);
	bool check_inodes = w->check_inodes;
	int r;

	*ret_exe_id = 0;
	if (!exe)
		return 0; /* kernel threads have no executable */
	w->check_inodes = false;
	r = path_walk(w, BPF_CORE_READ(exe, f_path.dentry), BPF_CORE_READ(exe, f_path.mnt));
	w->check_inodes = check_inodes;
	if (r < 0)
		return r;
	m->depth = w->depth;
	m->exe_id = 0;
	m->leaf_node = ENF_NO_NODE;
	m->anc_node = ENF_NO_NODE;
	r = trie_match(m);
	if (r < 0)
		return r;
	if (m->full)
		*ret_exe_id = m->leaf_exe_id;
	return 0;
}

#endif /* ENF_EXE_BPF_H */
