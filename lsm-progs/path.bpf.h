/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Path resolution and matching, shared by every path-based hook; the loops
 * live in path.bpf.c as global functions (see there why).
 *
 * 1. enf_path_walk(): from a kernel-resolved object (dentry + mount; never a user
 *    string), walk dentries up to the root of the task's mount namespace,
 *    crossing mount points, and keep the topmost ENF_TOP_DENTRIES components.
 *    Symlinks, /proc/self/fd, relative paths and chroot all arrive here as
 *    the object the kernel actually resolved. The walk is bounded
 *    (ENF_PATH_WALK_MAX dentries); past that the path is "unresolved" and the
 *    caller fails closed. When the profile names inodes, every dentry on the
 *    way is also looked up by identity (dev, ino): a hard link or a bind
 *    mount reaches the same inode under another name. Above the root of a
 *    bind mount of a subdirectory, the directories up to its file system's
 *    root are looked up too (beside the path). A walk that ends at a root
 *    other than the task's mount namespace root is foreign (enf_foreign_root()).
 *
 * 2. enf_trie_match(): walk the profile's path trie from "/" one component at a
 *    time, for all access classes at once. A rule can only be as deep as
 *    ENF_RULE_DEPTH_MAX components, so the topmost components decide every
 *    match however deep the path is: depth never makes a rule stop
 *    matching. Per class, the deepest subtree action seen wins and an exact
 *    action on the final component beats all of them; rules limited to the
 *    task's executable ('from') merge with the node's own at the same
 *    specificity.
 */
#ifndef ENF_PATH_BPF_H
#define ENF_PATH_BPF_H

#include "common.bpf.h"

_Static_assert(ENF_TOP_DENTRIES == ENF_RULE_DEPTH_MAX, "top dentries must cover the deepest rule");
_Static_assert((ENF_TOP_DENTRIES & (ENF_TOP_DENTRIES - 1)) == 0, "ring index uses a mask");

#define ENF_NO_NODE 0xffffffffu

/*
 * Where the walk met the nearest ancestor's identity (walk_state.anc_hit):
 * ENF_ANC_AT(k) when it was the dentry above k recorded components (a
 * component's, or a mount's root whose mountpoint is recorded next), so
 * that the name reaches it after depth - k components; ENF_ANC_BESIDE when
 * it was met climbing above a bind mount's root, or too deep to say: never
 * on the name. The match counts the identity as met by name only where it
 * reaches the identity's node at that length (reach_node()): reaching it
 * elsewhere on the path (a bind mount of /srv/data at /srv/mirror, below
 * /srv's rule) is another name.
 */
#define ENF_ANC_BESIDE 255u
#define ENF_ANC_AT(k) ((k) < ENF_ANC_BESIDE - 1 ? (__u8)((k) + 1) : (__u8)ENF_ANC_BESIDE)

/* Options beside the profile's flags (ENF_PROFILE_*, the low bits) of the walk, the match and enf_match_object(). */
#define ENF_WALK_EACH_DENTRY (1u << 29) /* read each dentry between two reads of its d_seq (path_walk()) */
#define ENF_MATCH_IDENT    (1u << 30) /* the leaf's inode identity is tc->leaf_ident's: a new name for it */
#define ENF_MATCH_CONTENTS (1u << 31) /* match what lies below the leaf directory: its subtree side */

/*
 * In match_result.leaf_flags beside the leaf node's ENF_NODE_*: the walk met
 * an identity with ENF_IDENT_RULES_BELOW (the leaf's or its nearest
 * ancestor's) whose node the match did not reach by name: another name for
 * a place with rules below it (inode_restrict()). The refer rule refuses
 * moves there (enf_refer_view()).
 */
#define ENF_LEAF_ALIAS_GUARDED (1u << 7)
_Static_assert(!(ENF_LEAF_ALIAS_GUARDED & (ENF_NODE_GUARDED | ENF_NODE_FROM)), "a bit no node flag has");

/*
 * Bits 8-28 of enf_match_object()'s options: 0 matches as the task's own
 * executable; ENF_MATCH_AS_EXE(id) as the executable with exe_id id (0:
 * one no 'from' names), whatever the task runs. The refer rule compares
 * every executable's rules (enf_decide_refer()).
 */
#define ENF_MATCH_EXE_SHIFT 8
#define ENF_MATCH_EXE_FIELD (((1u << 21) - 1) << ENF_MATCH_EXE_SHIFT)
#define ENF_MATCH_AS_EXE(id) ((((id) + 1) << ENF_MATCH_EXE_SHIFT) & ENF_MATCH_EXE_FIELD)
_Static_assert(ENF_MAX_TRIE_NODES + 1 < (1u << 21), "an exe_id (at most one per trie node) fits the field");
_Static_assert((ENF_MATCH_EXE_FIELD & (ENF_WALK_EACH_DENTRY | 0xffu)) == 0, "the field is beside the other options");

static __always_inline struct enf_task_ctx *task_scratch(void)
{
	return bpf_task_storage_get(&task_ctx, bpf_get_current_task_btf(), NULL,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/*
 * The functions below work in the task's scratch tc (task_scratch(), NULL
 * when there is none), which the caller has looked up already.
 *
 * Walk from the dentry at address `dentry` in the vfsmount at `vfsmnt` into
 * the scratch: tc->walk (depth, where it ended), the topmost components
 * (tc->top, tc->name) and, when pflags has ENF_PROFILE_HAS_INODES, the
 * first inode identities of `instance` met (tc->hits). 0, -ENAMETOOLONG
 * when the walk did not reach a root (or a read failed), -ENOMEM without
 * scratch, -EAGAIN when a rename ran on the node meanwhile (path_walk()).
 */
extern int enf_path_walk(struct enf_task_ctx *tc, __u64 dentry, __u64 vfsmnt, __u32 instance, __u32 pflags);

/*
 * enf_path_walk() as every caller wants it. A walk trusts the node's
 * rename sequence (rename_lock) to say that no name it read was being
 * changed: read before and after, it must be even and the same, or the
 * walk says -EAGAIN. It is then walked again reading each dentry between
 * two reads of its d_seq, which a rename of another dentry leaves alone:
 * a node that renames all the time costs its walks a second read per
 * dentry, never a refusal. One read at each end instead of one per
 * dentry: an open+close 20-190 instructions less at depth 3, 600-800 at
 * depth 10 (icount; docs/benchmarks.md). Here and not inside: a walk begun again
 * in the loop cost each program calling it 500 more instructions to
 * verify, and a frame more overflows 6.1's 512 bytes of stack.
 */
static __always_inline int path_walk(struct enf_task_ctx *tc, __u64 dentry, __u64 vfsmnt, __u32 instance,
				     __u32 pflags)
{
	int r = enf_path_walk(tc, dentry, vfsmnt, instance, pflags);

	if (r != -EAGAIN)
		return r;
	stat_inc(ENF_STAT_WALK_BEGUN_AGAIN);
	return enf_path_walk(tc, dentry, vfsmnt, instance, pflags | ENF_WALK_EACH_DENTRY);
}

/*
 * Match the last walk's depth topmost components against an instance's
 * trie, all classes at once, into tc->res.out (ENF_ACT_NONE where no rule
 * matched) and tc->trie; tc->trie.leaf_node and anc_node name the walk's
 * inode hits (ENF_NO_NODE: none). exe_id: the task's executable in this
 * instance, 0 for none; pflags: ENF_MATCH_CONTENTS. 0, -ENOENT when the
 * instance has no root (mid-update), -EFAULT on a read error, -ENOMEM.
 */
extern int enf_trie_match(struct enf_task_ctx *tc, __u32 instance, __u32 depth, __u32 exe_id, __u32 pflags);

/*
 * The current task's executable identity for rules limited with 'from':
 * the kernel's own record of what the task runs (mm->exe_file), resolved
 * like any other path and looked up in the profile's trie, whose nodes
 * carry an exe_id for every executable some 'from' names. Resolved at
 * decision time, so tasks that were running before a profile was attached
 * are identified too. The one way to change exe_file after exec,
 * prctl(PR_SET_MM), is denied to confined tasks (exec.bpf.c). The answer
 * is kept per task (exe_ids, each thread its own) from the first decision
 * that needs it after an exec, for that exec, exe_file, instance and
 * attach_gen: renaming the executable afterwards changes nothing until one
 * of those changes (an exec, a rule edit, an attachment change, a daemon
 * start), where it was resolved at every decision before. The exe_id (0:
 * not an executable any 'from' names), or -errno. It uses the scratch:
 * walk the object afterwards.
 */
extern int enf_exe_id(struct enf_task_ctx *tc, __u32 instance);

/*
 * The exe_id of the file (dentry, mnt) about to be executed, in instance
 * (0: no 'from' names it), or -errno: the walk and match of enf_exe_id()
 * for a file that is not yet the task's executable (bprm_check,
 * exec.bpf.c). Not kept. It uses the scratch.
 */
extern int enf_file_exe_id(struct enf_task_ctx *tc, __u32 instance, __u64 dentry, __u64 mnt);

/*
 * Whether a directory of a filesystem with magic number `magic` gets
 * another place only through d_move(), under rename_lock: ext2-4, XFS,
 * tmpfs and ramfs, whose renames are all rename(2)'s. Not a network
 * filesystem (its server renames; the client may meet the directory at
 * its new place through a new dentry), FUSE (likewise), kernfs (sysfs and
 * cgroup renames drop the dentry instead), overlayfs (its inode numbers
 * need not be unique), nor btrfs (subvolumes share a superblock and
 * number their inodes alike). The path memo keeps matches only there, and
 * counts only their directory inodes freed (dir_inodes_freed): /proc's,
 * freed with every process that was looked at, would empty it.
 */
static __always_inline bool enf_dirs_move_only_by_rename(unsigned long magic)
{
	return magic == 0xEF53 /* ext2, ext3, ext4 */ || magic == 0x58465342 /* XFS */ ||
	       magic == 0x01021994 /* tmpfs */ || magic == 0x858458f6 /* ramfs */;
}

/*
 * A match taken without walking (path_memos, maps.bpf.h; pm: the task's,
 * path_memo()), for the object in tc (obj_dentry, obj_mnt) of the current
 * task under the profile status names (current_profile_status()): the
 * instance + 1, with tc->res and tc->walk.depth set from the task's kept
 * match, when the leaf, its name, its directory, its mount and everything
 * they rest on are as they were when it was kept; 0 otherwise, having read
 * what the walk to come is made under where it may be kept. Only the leaf
 * is read: a decision that reports decides again by walk
 * (ENF_DECIDE_WALK). enf_path_memo_keep(): after a
 * decision that walked, keep its match (tc->res, labelled tc->matched by
 * enf_match_object()) when it can be taken so, at a name's second match
 * in a row. Both do nothing where the memo cannot be used (no mount_lock
 * address, no task storage, a match that was not the task's own plain
 * one).
 */
extern int enf_path_memo_take(struct enf_task_ctx *tc, struct enf_path_memo *pm, int status);
extern int enf_path_memo_keep(struct enf_task_ctx *tc, struct enf_path_memo *pm);

/* The current task's path memo (NULL: none), looked up once per decision and handed to both. */
static __always_inline struct enf_path_memo *path_memo(void)
{
	return bpf_task_storage_get(&path_memos, bpf_get_current_task_btf(), NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/*
 * The last walk's depth components as text into ev->path, with ev->path_len
 * and ENF_EVENT_PATH_TRUNCATED; for people, decisions never read it.
 */
extern int enf_path_text(struct enf_event *ev, struct enf_task_ctx *tc, __u32 depth);

/*
 * The task's executable as the kernel knows it (mm->exe_file) into ev->exe,
 * ENF_EVENT_EXE_TRUNCATED when cut; nothing without scratch. It walks into
 * the scratch: call it after the object's path has been rendered.
 */
extern int enf_exe_text(struct enf_event *ev, struct enf_task_ctx *tc);

/*
 * A mount no task can name, whose objects no rule is about: the kernel's
 * own. MNT_INTERNAL: kern_mount()s, where shmem behind memfd, pipes,
 * sockets, nsfs and anonymous inodes live. MNT_NS_INTERNAL: a private
 * clone the kernel made for itself (clone_private_mount(): overlayfs's
 * layers, whose backing files 6.12 opens through file_open, and whose
 * copy-up opens a temporary file in the work directory, beside the upper
 * layer's root). An open_tree() clone belongs to no namespace (NULL) and
 * is not one of these.
 */
static __always_inline bool kernel_own_mount(struct mount *m)
{
	return (BPF_CORE_READ(m, mnt.mnt_flags) & MNT_INTERNAL) ||
	       (__u64)(unsigned long)BPF_CORE_READ(m, mnt_ns) == (__u64)-EINVAL;
}

/*
 * Whether a walk that ended at the root of mount mnt (tc->walk.tree_root)
 * named the object from a root other than the current task's mount
 * namespace root: a detached tree (open_tree(OPEN_TREE_CLONE), fsmount) or
 * another namespace (/proc/PID/root, a descriptor passed in). Such a name
 * is relative to a root the task may have chosen, so no rule can be
 * trusted to match it. The kernel's own mounts (kernel_own_mount()) have
 * no name anywhere and are decided as before. Chroot changes nothing: the walk goes on past it to the
 * namespace root. A few loads, once per walk; a global function, whose
 * reads need no room in its caller's frame (the walks' call chain has
 * 512 bytes of stack in all).
 */
extern int enf_foreign_root(__u64 mnt, __u64 below);

/*
 * Whether the last walk ended at a disconnected dentry: its own parent,
 * short of its mount's root, on a mount tasks can name. open_by_handle_at()
 * gives one when the file's dentry has left the dentry cache
 * (CAP_DAC_READ_SEARCH), or a file outside the root of the bind mount the
 * handle was opened through; the walk from it never meets the names rules
 * give, so it is refused, as AppArmor (without attach_disconnected) and
 * Landlock do. Not on the kernel's own mounts (kernel_own_mount()): pipes,
 * memfd and nsfs dentries are their own roots there, and an overlay's
 * copy-up opens beside its private layer mount's root after the overlay
 * file's own open was decided.
 */
static __always_inline bool walk_named_nowhere(const struct enf_task_ctx *tc)
{
	return tc->walk.self_root && !kernel_own_mount((struct mount *)(unsigned long)tc->walk.mnt);
}

/*
 * Restrictions that follow the object itself (hard links, bind mounts), after
 * a walk of `instance` with inode identities and its match (tc->walk,
 * tc->trie): the leaf's exact actions (its subtree actions when matching a
 * directory's content), else the first named ancestor's subtree actions,
 * into tc->res.out, with tc->res.via_inode set when they changed it. Only
 * deny and audit are taken: identity never grants. A hit the trie match
 * already reached under its own rule path adds nothing (the path's more
 * specific rules stand), so identity only speaks for other names.
 * 0, or -ENOMEM (the caller fails closed).
 *
 * What each class gets from identity is gathered in tc->ident first: a
 * pointer to a map value, or a flag, kept across the classes' loop would
 * give the verifier one state per combination to follow through it.
 */
static __always_inline int inode_restrict(struct enf_task_ctx *tc, __u32 instance, bool contents)
{
	struct class_actions *id = &tc->ident;
	struct class_actions *out = &tc->res.out;
	bool leaf = tc->walk.leaf_hit && !tc->trie.leaf_on_path;
	bool anc = tc->walk.anc_hit && !tc->trie.anc_on_path;
	struct enf_task_ctx *scratch;
	struct enf_inode_key *key;
	struct enf_inode_val *v;

	if (!leaf && !anc)
		return 0;
	/*
	 * One key for both lookups, in the scratch (the stack is full), found
	 * again through its own lookup: tc is a global function's argument,
	 * which the 6.1 verifier does not take as a map key's memory. Only
	 * here, where an identity was hit, not on every decision.
	 */
	scratch = task_scratch();
	if (!scratch)
		return -ENOMEM; /* tc is this task's scratch; only a busy storage lock could refuse: fail closed */
	key = &scratch->ikey;
	_Static_assert(ENF_ACT_NONE == 0, "zeroed actions are none");
	__builtin_memset(id, 0, sizeof(*id));
	key->instance = instance;
	key->_pad = 0;
	if (anc) {
		key->dev = tc->hits.anc_dev;
		key->ino = tc->hits.anc_ino;
		v = bpf_map_lookup_elem(&inodes, key);
		if (v) {
			for (int c = 0; c < ENF_CLASS_COUNT; c++) {
				id->action[c] = v->actions.subtree[c];
				id->rule[c] = v->actions.subtree_rule[c];
			}
			if (v->flags & ENF_IDENT_RULES_BELOW)
				tc->res.leaf_flags |= ENF_LEAF_ALIAS_GUARDED;
		}
	}
	if (leaf) {
		key->dev = tc->hits.leaf_dev;
		key->ino = tc->hits.leaf_ino;
		v = bpf_map_lookup_elem(&inodes, key);
		if (v) {
			/*
			 * The side is chosen under the null check, and barrier_var()
			 * keeps the compiler from computing its address before (the
			 * verifier refuses arithmetic on a pointer that may be null).
			 */
			const __u8 *act;
			const __u32 *rule;

			barrier_var(v);
			if (v->flags & ENF_IDENT_RULES_BELOW)
				tc->res.leaf_flags |= ENF_LEAF_ALIAS_GUARDED;
			act = contents ? v->actions.subtree : v->actions.exact;
			rule = contents ? v->actions.subtree_rule : v->actions.exact_rule;
			/* The leaf's own action, where it has one, over the ancestor's. */
			for (int c = 0; c < ENF_CLASS_COUNT; c++) {
				if (act[c] != ENF_ACT_NONE) {
					id->action[c] = act[c];
					id->rule[c] = rule[c];
				}
			}
		}
	}
	for (int c = 0; c < ENF_CLASS_COUNT; c++) {
		__u8 a = id->action[c];

		if (a >= ENF_ACT_AUDIT && a > out->action[c]) {
			out->action[c] = a;
			out->rule[c] = id->rule[c];
			tc->res.via_inode = 1;
		}
	}
	return 0;
}

#endif /* ENF_PATH_BPF_H */
