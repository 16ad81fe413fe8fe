/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Path resolution and matching, shared by every path-based hook.
 *
 * 1. path_walk(): from a kernel-resolved object (dentry + mount; never a user
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
 *    other than the task's mount namespace root is foreign (foreign_root()).
 *
 * 2. trie_match(): walk the profile's path trie from "/" one component at a
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

struct path_walk {
	struct enf_task_ctx *tc;
	__u64 dentry;         /* kernel addresses as numbers: only ever probe-read */
	__u64 mnt;            /* struct mount; what the walk needs of it is in tc->mount */
	__u32 depth;          /* components recorded */
	bool done;
	/* inode identity: the first hit on the leaf and on an ancestor */
	bool check_inodes;
	__u32 instance;
	bool leaf_hit, anc_hit;          /* which of tc->hits is set (kept there: the stack is full) */
	bool ident_of_tc;     /* the leaf's identity is tc->leaf_ident's, not the walked leaf's (a new name) */
	bool tree_root;       /* the walk ended at the root of a mount with no parent (foreign_root()) */
	bool beside;          /* climbing above a bind mount's root for identities (path_walk_step()) */
};

static __always_inline struct mount *real_mount_of(struct vfsmount *vfsmnt)
{
	/* container_of with a CO-RE offset: struct mount moves between kernels. */
	return (struct mount *)((void *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
}

static __always_inline bool inode_known(__u32 instance, struct dentry *d, __u64 *ret_dev, __u64 *ret_ino,
					__u32 *ret_node)
{
	struct enf_inode_key key = { .instance = instance };
	struct inode *inode = BPF_CORE_READ(d, d_inode);
	struct enf_inode_val *v;

	if (!inode)
		return false; /* negative dentry: the object to be created */
	key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	key.ino = BPF_CORE_READ(inode, i_ino);
	v = bpf_map_lookup_elem(&inodes, &key);
	if (!v)
		return false;
	*ret_dev = key.dev;
	*ret_ino = key.ino;
	*ret_node = v->node;
	return true;
}

/* Kernels before 6.14 call the inline name d_iname (6.14: d_shortname). */
struct dentry___iname {
	unsigned char d_iname[32];
} __attribute__((preserve_access_index));

#define ENF_NO_INLINE_NAME 0xffffu

/*
 * Offsets in the walk's window (tc->window), which starts at d_parent. CO-RE
 * constants: the verifier sees plain numbers, and the checks against the
 * window's size below cost nothing at run time.
 */
static __always_inline __u32 window_base(void)
{
	return bpf_core_field_offset(struct dentry, d_parent);
}

static __always_inline __u32 window_inline_name(void)
{
	__u32 off = ENF_NO_INLINE_NAME;

	if (bpf_core_field_exists(struct dentry, d_shortname))
		off = bpf_core_field_offset(struct dentry, d_shortname) - window_base();
	else if (bpf_core_field_exists(struct dentry___iname, d_iname))
		off = bpf_core_field_offset(struct dentry___iname, d_iname) - window_base();
	return off;
}

/* Bytes [8k, 8k+8) of a name of len bytes, with everything from len on zeroed. */
static __always_inline __u64 name_word(__u64 w, __u32 len, __u32 k)
{
	__u32 start = k * 8;

	if (len <= start)
		return 0;
	if (len >= start + 8)
		return w;
	return w & ((1ULL << ((len - start) * 8)) - 1);
}

/*
 * Record dentry d (its window just read) as component slot: the dentry, its
 * name pointer and length, and, when the name is short and stored inline
 * (the case of almost every name), the name itself as the trie key wants it.
 * The bytes of d_iname past the NUL are whatever a longer earlier name
 * left: they are masked off by length.
 */
static __always_inline void record_component(struct enf_task_ctx *tc, __u32 slot, __u64 d)
{
	const __u32 base = window_base();
	const __u32 o_len = bpf_core_field_offset(struct dentry, d_name.len) - base;
	const __u32 o_name = bpf_core_field_offset(struct dentry, d_name.name) - base;
	const __u32 o_inline = window_inline_name();
	struct walked_name *c;
	__u64 ptr;
	__u32 len;

	slot &= ENF_TOP_DENTRIES - 1;
	c = &tc->name[slot];
	tc->top[slot] = d;
	c->is_short = 0;
	if (o_len > ENF_DENTRY_WINDOW - 4 || o_name > ENF_DENTRY_WINDOW - 8) {
		/* A layout the window does not cover (no kernel we know): read the name pointer. */
		c->ptr = (__u64)(unsigned long)BPF_CORE_READ((struct dentry *)(unsigned long)d, d_name.name);
		c->len = 0;
		return;
	}
	len = *(__u32 *)((char *)tc->window + o_len);
	ptr = *(__u64 *)((char *)tc->window + o_name);
	c->ptr = ptr;
	c->len = len;
	if (o_inline > ENF_DENTRY_WINDOW - ENF_SHORT_NAME_MAX || len > ENF_SHORT_NAME_LEN ||
	    ptr != d + base + o_inline)
		return;
	for (__u32 k = 0; k < ENF_SHORT_NAME_MAX / 8; k++)
		c->word[k] = name_word(*(__u64 *)((char *)tc->window + o_inline + 8 * k), len, k);
	c->is_short = 1;
}

/*
 * Enter mount mnt: one read gives what the walk needs of it (struct mount
 * keeps mnt_parent, mnt_mountpoint and mnt.mnt_root side by side), into
 * tc->mount. False when it could not be read (the walk then fails closed).
 */
static __always_inline bool enter_mount(struct path_walk *w, __u64 mnt)
{
	struct mount *m = (struct mount *)(unsigned long)mnt;
	const __u32 base = bpf_core_field_offset(struct mount, mnt_parent);
	const __u32 o_point = bpf_core_field_offset(struct mount, mnt_mountpoint) - base;
	const __u32 o_root = bpf_core_field_offset(struct mount, mnt.mnt_root) - base;
	struct enf_task_ctx *tc = w->tc;

	w->mnt = mnt;
	if (o_point > sizeof(tc->mount) - 8 || o_root > sizeof(tc->mount) - 8) {
		/* A layout the window does not cover (no kernel we know): three reads. */
		tc->mount.parent = (__u64)(unsigned long)BPF_CORE_READ(m, mnt_parent);
		tc->mount.mountpoint = (__u64)(unsigned long)BPF_CORE_READ(m, mnt_mountpoint);
		tc->mount.root = (__u64)(unsigned long)BPF_CORE_READ(m, mnt.mnt_root);
		return tc->mount.root != 0;
	}
	if (bpf_probe_read_kernel(tc->window, sizeof(tc->mount), (void *)(unsigned long)(mnt + base)) < 0)
		return false;
	tc->mount.parent = tc->window[0];
	tc->mount.mountpoint = *(__u64 *)((char *)tc->window + o_point);
	tc->mount.root = *(__u64 *)((char *)tc->window + o_root);
	return true;
}

static int path_walk_step(__u32 i, void *data)
{
	struct path_walk *w = data;
	struct enf_task_ctx *tc = w->tc;
	__u64 d = w->dentry;  /* locals: CO-RE must not relocate our own struct */
	__u64 up;

	/* A bind mount's root is a directory the rules may name: check it before crossing. */
	if (w->check_inodes) {
		struct dentry *dp = (struct dentry *)(unsigned long)d;

		if (i == 0) {
			/* A name about to be given to an existing object carries that object's identity. */
			if (w->ident_of_tc)
				dp = (struct dentry *)(unsigned long)tc->leaf_ident;
			w->leaf_hit = inode_known(w->instance, dp, &tc->hits.leaf_dev, &tc->hits.leaf_ino,
						  &tc->hits.leaf_node);
		} else if (!w->anc_hit) {
			w->anc_hit = inode_known(w->instance, dp, &tc->hits.anc_dev, &tc->hits.anc_ino,
						 &tc->hits.anc_node);
		}
	}

	/*
	 * Beside the path: d is above the root of a bind mount of a
	 * subdirectory, in the same file system, and only its identity counts
	 * (checked above). Up to the file system's root or the first hit, then
	 * on to the mountpoint as usual. Each step counts against the walk's
	 * bound.
	 */
	if (w->beside) {
		if (bpf_probe_read_kernel(&up, sizeof(up), (void *)(unsigned long)(d + window_base())) < 0)
			return 1; /* not done: the caller fails closed */
		if (up != d && !w->anc_hit) {
			w->dentry = up;
			return 0;
		}
		w->beside = false;
		w->dentry = tc->mount.mountpoint;
		return enter_mount(w, tc->mount.parent) ? 0 : 1;
	}

	if (d == tc->mount.root) {
		if (tc->mount.parent == w->mnt) {
			/* Root of the namespace, of another one, or of a detached tree. */
			w->done = true;
			w->tree_root = true;
			return 1;
		}
		/*
		 * A bind mount's root need not be its file system's root: a rule
		 * naming a directory above it (a denied subtree whose subdirectory
		 * was bind mounted elsewhere) is met only by climbing there. Not
		 * once an identity was met: each carries its path's effective
		 * restrictions, ancestors' included (profiles_path.c).
		 */
		if (w->check_inodes && !w->leaf_hit && !w->anc_hit) {
			if (bpf_probe_read_kernel(&up, sizeof(up), (void *)(unsigned long)(d + window_base())) < 0)
				return 1;
			if (up != d) {
				w->beside = true;
				w->dentry = up;
				return 0;
			}
		}
		w->dentry = tc->mount.mountpoint;
		return enter_mount(w, tc->mount.parent) ? 0 : 1;
	}

	/* One read gives the parent, the name and, when short, the name's bytes. */
	if (bpf_probe_read_kernel(tc->window, sizeof(tc->window), (void *)(unsigned long)(d + window_base())) < 0)
		return 1; /* not done: the caller fails closed */
	record_component(tc, w->depth, d);
	w->depth++;
	up = tc->window[0]; /* d_parent starts the window */
	if (up == d) {
		/* A disconnected or pseudo dentry (memfd, pipe): it is its own root. */
		w->done = true;
		return 1;
	}
	w->dentry = up;
	return 0;
}

/*
 * Whether a walk that ended at the root of mount mnt (w->tree_root) named
 * the object from a root other than the current task's mount namespace
 * root: a detached tree (open_tree(OPEN_TREE_CLONE), fsmount) or another
 * namespace (/proc/PID/root, a descriptor passed in). Such a name is
 * relative to a root the task may have chosen, so no rule can be trusted
 * to match it. Kernel-internal mounts (MNT_INTERNAL: shmem behind memfd,
 * pipes, anonymous inodes) have no name anywhere and are decided as before.
 * Chroot changes nothing: the walk goes on past it to the namespace root.
 * Three loads through BTF pointers (no helper call), once per walk.
 */
static __always_inline bool foreign_root(__u64 mnt)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mount *m = (struct mount *)(unsigned long)mnt;

	if ((__u64)(unsigned long)task->nsproxy->mnt_ns->root == mnt)
		return false;
	/*
	 * A private mount the kernel made for itself (clone_private_mount():
	 * overlayfs's layers, whose backing files 6.12 opens through
	 * file_open) belongs to MNT_NS_INTERNAL, which no task can reach;
	 * open_tree() clones belong to no namespace (NULL).
	 */
	if ((__u64)(unsigned long)BPF_CORE_READ(m, mnt_ns) == (__u64)-EINVAL)
		return false;
	return !(BPF_CORE_READ(m, mnt.mnt_flags) & MNT_INTERNAL);
}

/*
 * Walk from (dentry, mnt). 0 with w->depth set, or -ENAMETOOLONG when the
 * walk did not reach a root (or a read failed). The caller initialises tc,
 * check_inodes and instance.
 */
static __always_inline int path_walk(struct path_walk *w, struct dentry *dentry, struct vfsmount *vfsmnt)
{
	w->dentry = (__u64)(unsigned long)dentry;
	w->depth = 0;
	w->done = false;
	w->leaf_hit = false;
	w->anc_hit = false;
	w->tree_root = false;
	w->beside = false;
	if (!enter_mount(w, (__u64)(unsigned long)real_mount_of(vfsmnt)))
		return -ENAMETOOLONG;
	bpf_loop(ENF_PATH_WALK_MAX, path_walk_step, w, 0);
	return w->done ? 0 : -ENAMETOOLONG;
}

struct trie_match {
	struct enf_task_ctx *tc;
	__u32 instance;
	__u32 depth;
	__u32 node;
	__u32 exe_id;         /* task's executable in this instance; 0 = none */
	struct class_actions *out; /* in the task's scratch */
	__u32 leaf_exe_id;    /* exe_id of the node the whole path reached */
	__u8  leaf_flags;
	bool  full;           /* every component of the path is a trie node */
	bool  read_error;
	bool  contents;       /* match what lies below the leaf (a directory's content): its subtree side */
	/* inode hits whose rule node this match passed through: the path decides there */
	__u32 leaf_node, anc_node;   /* ENF_NO_NODE when there is no hit */
	bool  leaf_on_path, anc_on_path;
};

/* At equal specificity the larger enum enf_action wins. */
static __always_inline void take(__u8 *action, __u32 *rule, __u8 a, __u32 r)
{
	if (a > *action) {
		*action = a;
		*rule = r;
	}
}

/* Apply one node's actions (exact or subtree side) to the running result. */
static __always_inline void apply_node(struct trie_match *m, const __u8 *acts, const __u32 *rules,
				       const __u8 *from_acts, const __u32 *from_rules)
{
	for (int c = 0; c < ENF_CLASS_COUNT; c++) {
		__u8 a = acts[c];
		__u32 r = rules[c];

		if (from_acts)
			take(&a, &r, from_acts[c], from_rules[c]);
		if (a != ENF_ACT_NONE) {
			/* deeper (more specific) replaces whatever a shallower node said */
			m->out->action[c] = a;
			m->out->rule[c] = r;
		}
	}
}

static __always_inline struct enf_actions *from_actions(__u32 instance, __u32 node, __u32 exe_id)
{
	struct enf_from_key key = { .instance = instance, .node = node, .exe_id = exe_id };

	if (!exe_id)
		return NULL;
	return bpf_map_lookup_elem(&from_rules, &key);
}

static __always_inline struct dentry *top_component(struct enf_task_ctx *tc, __u32 depth, __u32 i)
{
	/* Component i counted from the root was recorded at walk index depth-1-i. */
	return (struct dentry *)(unsigned long)tc->top[(depth - 1 - i) & (ENF_TOP_DENTRIES - 1)];
}

/*
 * The edge from m->node named like component idx of the walk: path_trie for
 * a short name (one small key to hash), path_trie_long otherwise
 * (enforcer_abi.h). A short inline name was read by the walk already.
 */
static __always_inline struct enf_node_val *trie_edge(struct trie_match *m, __u32 idx)
{
	struct enf_trie_key *key = &m->tc->skey;
	struct enf_trie_long_key *lkey = &m->tc->key;
	struct walked_name *c = &m->tc->name[idx & (ENF_TOP_DENTRIES - 1)];
	const unsigned char *name;
	long n;

	key->instance = m->instance;
	key->parent = m->node;
	if (c->is_short) {
		for (__u32 k = 0; k < ENF_SHORT_NAME_MAX / 8; k++)
			((__u64 *)key->name)[k] = c->word[k];
		return bpf_map_lookup_elem(&path_trie, key);
	}
	name = (const unsigned char *)(unsigned long)c->ptr;
	__builtin_memset(key->name, 0, sizeof(key->name));
	n = bpf_probe_read_kernel_str(key->name, sizeof(key->name), name);
	if (n < 0)
		goto fault;
	if (n < ENF_SHORT_NAME_MAX)
		return bpf_map_lookup_elem(&path_trie, key); /* the whole name fitted */
	lkey->instance = m->instance;
	lkey->parent = m->node;
	__builtin_memset(lkey->name, 0, sizeof(lkey->name));
	if (bpf_probe_read_kernel_str(lkey->name, sizeof(lkey->name), name) < 0)
		goto fault;
	return bpf_map_lookup_elem(&path_trie_long, lkey);
fault:
	m->read_error = true;
	return NULL;
}

static int trie_match_step(__u32 i, void *data)
{
	struct trie_match *m = data;
	struct enf_node_val *val;
	struct enf_actions *fa;

	if (i >= m->depth || i >= ENF_TOP_DENTRIES)
		return 1;
	val = trie_edge(m, m->depth - 1 - i);
	if (!val)
		return 1; /* no rule lies at or below this component */
	m->node = val->node;
	if (m->node == m->anc_node)
		m->anc_on_path = true;
	fa = from_actions(m->instance, m->node, m->exe_id);
	if (i == m->depth - 1) {
		if (m->node == m->leaf_node)
			m->leaf_on_path = true;
		if (m->contents)
			apply_node(m, val->subtree, val->subtree_rule, fa ? fa->subtree : NULL,
				   fa ? fa->subtree_rule : NULL);
		else
			apply_node(m, val->exact, val->exact_rule, fa ? fa->exact : NULL, fa ? fa->exact_rule : NULL);
		m->leaf_exe_id = val->exe_id;
		m->leaf_flags = val->flags;
		m->full = true;
	} else {
		apply_node(m, val->subtree, val->subtree_rule, fa ? fa->subtree : NULL, fa ? fa->subtree_rule : NULL);
	}
	return 0;
}

/*
 * Match a walked path against an instance's trie, all classes at once.
 * 0 with m->out filled (ENF_ACT_NONE where no rule matched), -ENOENT when
 * the instance has no root (mid-update), -EFAULT on a read error. The
 * caller sets tc, out, instance, depth and exe_id.
 */
static __always_inline int trie_match(struct trie_match *m)
{
	struct enf_trie_key *key = &m->tc->skey;
	struct enf_node_val *root;
	struct enf_actions *fa;

	__builtin_memset(m->out, 0, sizeof(*m->out));
	m->leaf_exe_id = 0;
	m->leaf_flags = 0;
	m->full = false;
	m->read_error = false;
	m->leaf_on_path = false;
	m->anc_on_path = false;

	key->instance = m->instance;
	key->parent = ENF_TRIE_ROOT_PARENT;
	__builtin_memset(key->name, 0, sizeof(key->name));
	root = bpf_map_lookup_elem(&path_trie, key);
	if (!root)
		return -ENOENT;
	m->node = root->node;
	if (m->node == m->anc_node)
		m->anc_on_path = true;
	fa = from_actions(m->instance, m->node, m->exe_id);
	if (m->depth == 0) {
		if (m->node == m->leaf_node)
			m->leaf_on_path = true;
		if (m->contents)
			apply_node(m, root->subtree, root->subtree_rule, fa ? fa->subtree : NULL,
				   fa ? fa->subtree_rule : NULL);
		else
			apply_node(m, root->exact, root->exact_rule, fa ? fa->exact : NULL, fa ? fa->exact_rule : NULL);
		m->leaf_exe_id = root->exe_id;
		m->leaf_flags = root->flags;
		m->full = true;
		return 0;
	}
	apply_node(m, root->subtree, root->subtree_rule, fa ? fa->subtree : NULL, fa ? fa->subtree_rule : NULL);
	bpf_loop(ENF_TOP_DENTRIES, trie_match_step, m, 0);
	if (m->read_error)
		return -EFAULT;
	return 0;
}

/*
 * Restrictions that follow the object itself (hard links, bind mounts): the
 * leaf's exact actions (its subtree actions when matching a directory's
 * content), else the first named ancestor's subtree actions.
 * Only deny and audit are taken: identity never grants. A hit the trie
 * match already reached under its own rule path adds nothing (the path's
 * more specific rules stand), so identity only speaks for other names.
 */
static __always_inline bool inode_restrict(const struct path_walk *w, const struct trie_match *m,
					   struct class_actions *out)
{
	struct enf_inode_key *key = &w->tc->ikey; /* one key for both lookups: the stack is full */
	const __u8 *leaf_act = NULL, *anc_act = NULL;
	const __u32 *leaf_rule = NULL, *anc_rule = NULL;
	struct enf_inode_val *v;
	bool changed = false;

	key->instance = w->instance;
	key->_pad = 0;
	/*
	 * The side of each map value is chosen under its own null check, and
	 * barrier_var() keeps the compiler from computing its address before
	 * (the verifier refuses arithmetic on a pointer that may be null).
	 */
	if (w->leaf_hit && !m->leaf_on_path) {
		key->dev = w->tc->hits.leaf_dev;
		key->ino = w->tc->hits.leaf_ino;
		v = bpf_map_lookup_elem(&inodes, key);
		if (v) {
			barrier_var(v);
			leaf_act = m->contents ? v->actions.subtree : v->actions.exact;
			leaf_rule = m->contents ? v->actions.subtree_rule : v->actions.exact_rule;
		}
	}
	if (w->anc_hit && !m->anc_on_path) {
		key->dev = w->tc->hits.anc_dev;
		key->ino = w->tc->hits.anc_ino;
		v = bpf_map_lookup_elem(&inodes, key);
		if (v) {
			barrier_var(v);
			anc_act = v->actions.subtree;
			anc_rule = v->actions.subtree_rule;
		}
	}
	for (int c = 0; c < ENF_CLASS_COUNT; c++) {
		__u8 a = ENF_ACT_NONE;
		__u32 r = 0;

		if (leaf_act && leaf_rule) {
			a = leaf_act[c];
			r = leaf_rule[c];
		}
		if (a == ENF_ACT_NONE && anc_act && anc_rule) {
			a = anc_act[c];
			r = anc_rule[c];
		}
		if (a >= ENF_ACT_AUDIT && a > out->action[c]) {
			out->action[c] = a;
			out->rule[c] = r;
			changed = true;
		}
	}
	return changed;
}

struct path_text {
	struct enf_task_ctx *tc;
	struct enf_event *ev;
	__u32 depth;
	__u32 off;
	bool truncated;
};

/*
 * Render walked components into a fixed-size text field of the event (the
 * object's path, the executable's path). One callback per field: the
 * verifier bounds the write offset by the field's size, so the field is a
 * compile-time choice. Room for "/" + one whole component must remain
 * after off; a path that does not fit ends at a component boundary and
 * is flagged.
 */
#define DEFINE_PATH_TEXT(fn, field, fmax)						\
static int fn##_step(__u32 i, void *data)						\
{											\
	struct path_text *t = data;							\
	struct dentry *d;								\
	__u32 off = t->off;								\
	long n;										\
											\
	if (i >= t->depth || i >= ENF_TOP_DENTRIES)					\
		return 1;								\
	if (off > (fmax) - ENF_NAME_MAX - 1) {						\
		t->truncated = true;							\
		return 1;								\
	}										\
	d = top_component(t->tc, t->depth, i);						\
	t->ev->field[off] = '/';							\
	n = bpf_probe_read_kernel_str(&t->ev->field[off + 1], ENF_NAME_MAX,		\
				      BPF_CORE_READ(d, d_name.name));			\
	if (n <= 0)									\
		return 1;								\
	t->off = off + n; /* n counts the NUL, which the next '/' overwrites */		\
	return 0;									\
}											\
											\
/*											\
 * The walked path (t->tc, t->depth) as text into t->ev, for people; decisions	\
 * never read it. Returns the length with NUL; t->truncated says whether it	\
 * was cut. The caller's t can serve several renders: stack is scarce.		\
 */											\
static __always_inline __u32 fn(struct path_text *t)				\
{											\
	struct enf_event *ev = t->ev;							\
											\
	_Static_assert(((fmax) & ((fmax) - 1)) == 0, "the mask below needs a power of two"); \
	t->off = 0;									\
	t->truncated = t->depth > ENF_TOP_DENTRIES;					\
	if (t->depth == 0) {								\
		ev->field[0] = '/';							\
		ev->field[1] = 0;							\
		return 2;								\
	}										\
	bpf_loop(ENF_TOP_DENTRIES, fn##_step, t, 0);					\
	if (t->off < (fmax))								\
		ev->field[t->off & ((fmax) - 1)] = 0;					\
	return t->off + 1;								\
}

DEFINE_PATH_TEXT(path_text_render, path, ENF_PATH_EVENT_MAX)

static __always_inline void path_text(struct enf_event *ev, struct enf_task_ctx *tc, __u32 depth)
{
	struct path_text t = { .tc = tc, .ev = ev, .depth = depth };

	ev->path_len = path_text_render(&t);
	if (t.truncated)
		ev->flags |= ENF_EVENT_PATH_TRUNCATED;
}

#endif /* ENF_PATH_BPF_H */
