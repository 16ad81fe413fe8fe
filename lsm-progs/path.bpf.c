// SPDX-License-Identifier: GPL-2.0-only
/*
 * The loops of path resolution and matching (path.bpf.h says what each
 * does): the dentry walk, the trie match and the path text, each a
 * bpf_loop() whose callback is verified at every call site and, from 6.8
 * on, once per step until a step changes nothing the verifier tracks.
 *
 * So that loading stays fast, each loop sits in a global function, which
 * the verifier checks once per program that calls it whatever the callers'
 * states, and what a step carries to the next lives in the task's scratch
 * (tc->walk, tc->trie, tc->text), where the verifier tracks no values: the
 * stack context of a callback holds only what no step changes. Global
 * functions take scalars and pointers to plain memory; kernel objects
 * arrive as numbers, probe-read or, where the kernel has bpf_rdonly_cast(),
 * loaded through KERNEL_OBJECT(): the inode numbers and the mounts of a
 * walk, a probe read's 90 instructions against a load's 8 (icount, 6.12).
 * The dentry's window stays one probe read there too: its seven loads
 * saved 30-100 instructions an open, for 4,400 more to verify. The scratch is the caller's
 * (tc, NULL when it has none: a lookup is a helper call on every
 * decision), memory the 6.1 verifier does not accept as a map key: keys
 * are built on the stack, but for a long name's (trie_edge()).
 */
#include "common.bpf.h"
#include "path.bpf.h"

/* ---- the walk --------------------------------------------------------------- */

/* What no step of the walk changes (the rest is in tc->walk). */
struct path_walk {
	struct enf_task_ctx *tc;
	__u32 instance;
	bool check_inodes;    /* look up the identity of every dentry on the way */
	bool ident_of_tc;     /* the leaf's identity is tc->leaf_ident's, not the walked leaf's (a new name) */
};

/*
 * Whether inode number ino may have an identity entry (inode_filter,
 * enforcer_abi.h): an array lookup the verifier inlines, no helper call.
 * No filter element cannot happen (an array has all its elements); it
 * would mean look everything up.
 */
static __always_inline bool inode_may_be_named(__u64 ino)
{
	__u32 zero = 0, bit = enf_inode_filter_bit(ino);
	struct enf_inode_filter *f = bpf_map_lookup_elem(&inode_filter, &zero);

	if (!f)
		return true;
	return f->word[(bit / 64) & (ENF_INODE_FILTER_WORDS - 1)] & (1ULL << (bit % 64));
}

/* Whether inode (an address; 0 for a negative dentry: the object to be created) has an identity in instance. */
static __always_inline bool inode_known(__u32 instance, __u64 inode_addr, __u64 *ret_dev, __u64 *ret_ino,
					__u32 *ret_node)
{
	struct enf_inode_key key = { .instance = instance };
	struct inode *inode = (struct inode *)(unsigned long)inode_addr;
	struct enf_inode_val *v;

	if (!inode)
		return false;
	key.ino = rdonly_cast_usable ? KERNEL_OBJECT(struct inode, inode_addr)->i_ino : BPF_CORE_READ(inode, i_ino);
	if (!inode_may_be_named(key.ino))
		return false;
	key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
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
 * Offsets in the walk's window (tc->window), which starts at d_seq and holds
 * d_parent, d_name, d_inode and the first bytes of the inline name: what a
 * step needs, read in one copy that reads d_seq first (a rename makes it odd
 * while it writes the name, then even and greater: see read_component()).
 * CO-RE constants: the verifier sees plain numbers, and the checks against
 * the window's size below cost nothing at run time.
 */
static __always_inline __u32 window_base(void)
{
	return bpf_core_field_offset(struct dentry, d_seq.seqcount.sequence);
}

/* The address of dentry d's d_parent, for a step that reads only that. */
static __always_inline void *dentry_parent_field(__u64 d)
{
	return (void *)(unsigned long)(d + bpf_core_field_offset(struct dentry, d_parent));
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

/* d_inode of dentry d from its window just read (a layout the window does not cover: read it). */
static __always_inline __u64 window_inode(struct enf_task_ctx *tc, __u64 d)
{
	const __u32 o_inode = bpf_core_field_offset(struct dentry, d_inode) - window_base();

	if (o_inode > ENF_DENTRY_WINDOW - 8)
		return (__u64)(unsigned long)BPF_CORE_READ((struct dentry *)(unsigned long)d, d_inode);
	return *(__u64 *)((char *)tc->window + o_inode);
}

/* d_parent of dentry d from its window just read (a layout the window does not cover: read it). */
static __always_inline __u64 window_parent(struct enf_task_ctx *tc, __u64 d)
{
	const __u32 o_parent = bpf_core_field_offset(struct dentry, d_parent) - window_base();

	if (o_parent > ENF_DENTRY_WINDOW - 8)
		return (__u64)(unsigned long)BPF_CORE_READ((struct dentry *)(unsigned long)d, d_parent);
	return *(__u64 *)((char *)tc->window + o_parent);
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
 * Read dentry d's d_seq (__d_move() makes it odd while it moves d, then
 * even again) into *seq: false when unreadable. Into map memory, not the
 * stack: the deepest call chains (bprm_check's) are at 6.1's 512 bytes.
 */
static __always_inline bool read_dentry_seq(__u64 d, __u32 *seq)
{
	return bpf_probe_read_kernel(seq, sizeof(*seq),
				     (void *)(unsigned long)(d + bpf_core_field_offset(struct dentry, d_seq.seqcount.sequence))) == 0;
}

/*
 * The node's rename sequence: rename_lock (fs/dcache.c), the seqlock that
 * d_move() and d_exchange() hold for writing around __d_move(), the one
 * place where a dentry in the tree gets another name or parent (a rename,
 * or d_splice_alias() moving a directory's alias). So when it reads the
 * same, and even, before and after a walk, no dentry the walk read was
 * being renamed meanwhile: one read at each end instead of two per
 * dentry (read_component()). Its address is rename_lock_addr (maps.bpf.h);
 * when that is 0, or the sequence cannot be read, each dentry is read
 * between two reads of its d_seq. read_lock_seq() reads the sequence of
 * the seqlock at address lock (mount_lock's too: path_memos).
 */
static __always_inline bool read_lock_seq(__u64 lock, __u32 *seq)
{
	struct seqcount_spinlock *count;

	if (!lock)
		return false;
	if (rdonly_cast_usable) {
		/* A struct's type (bpf_rdonly_cast() takes no typedef): seqlock_t's first member's. */
		count = KERNEL_OBJECT(struct seqcount_spinlock, lock + bpf_core_field_offset(seqlock_t, seqcount));
		*seq = count->seqcount.sequence;
		return true;
	}
	return bpf_probe_read_kernel(seq, sizeof(*seq),
				     (void *)(unsigned long)(lock + bpf_core_field_offset(seqlock_t, seqcount.seqcount.sequence))) == 0;
}

static __always_inline bool read_rename_seq(__u32 *seq)
{
	return read_lock_seq(rename_lock_addr, seq);
}

/*
 * Read dentry d as component slot: its window, then the dentry, its name
 * pointer and length, and, when the window holds the whole name (ENF_WINDOW_NAME_MAX
 * at most, inline: most names), the name itself as the trie key wants it.
 * The bytes of the inline name past the NUL are whatever a longer earlier
 * name left: they are masked off by length. False when d could not be
 * read whole: unreadable, or renamed meanwhile.
 *
 * A rename writes the inline name in place and only then its length
 * (copy_name(), swap_names()), under d_seq. A read between the two is the
 * new bytes cut to the old length, a name d never had (abc renamed to
 * wwwx, read as www: a rule's name, found by review). So d_seq, read first
 * with the window (one copy reads upwards), must be even; the caller reads
 * d once more when not. And no rename may have run meanwhile: the node's
 * rename sequence reads the same at the walk's end (enf_path_walk()) or, when
 * it cannot say (tc->walk.each_dentry), d_seq reads the same again after
 * the window. The name and the parent read then are a name d had, and its
 * parent then.
 *
 * A longer name is read when it is matched, after the walk. One stored
 * elsewhere stays as it was (a rename gives the dentry another allocation,
 * and the old one is freed after RCU, which this program holds). One in
 * the inline buffer (up to 31 bytes on 6.1, 39 on 6.12) may be overwritten
 * by then: it keeps the d_seq read here, and the match reads d_seq once
 * more after the name (trie_edge()).
 */
static __always_inline bool read_component(struct enf_task_ctx *tc, __u32 slot, __u64 d)
{
	const __u32 base = window_base();
	const __u32 o_len = bpf_core_field_offset(struct dentry, d_name.len) - base;
	const __u32 o_name = bpf_core_field_offset(struct dentry, d_name.name) - base;
	const __u32 o_inline = window_inline_name();
	struct walked_name *c;

	/* What is kept between reads is in the scratch, not on the stack: 6.1's 512 bytes are all taken. */
	if (bpf_probe_read_kernel(tc->window, sizeof(tc->window), (void *)(unsigned long)(d + base)) < 0)
		return false;
	if (*(__u32 *)tc->window & 1)
		return false; /* a rename is writing it */
	slot &= ENF_TOP_DENTRIES - 1;
	c = &tc->name[slot];
	tc->top[slot] = d;
	c->is_short = 0;
	c->in_place = 0;
	if (o_len > ENF_DENTRY_WINDOW - 4 || o_name > ENF_DENTRY_WINDOW - 8) {
		/* A layout the window does not cover (no kernel we know): read the name pointer. */
		c->ptr = (__u64)(unsigned long)BPF_CORE_READ((struct dentry *)(unsigned long)d, d_name.name);
		c->len = 0;
		goto check;
	}
	c->len = *(__u32 *)((char *)tc->window + o_len);
	c->ptr = *(__u64 *)((char *)tc->window + o_name);
	if (o_inline == ENF_NO_INLINE_NAME || c->ptr != d + base + o_inline)
		goto check;
	/*
	 * A name the window holds whole is kept (the many short names: no more
	 * reads); a longer one, in the inline buffer too, is read when matched,
	 * against d_seq (trie_edge()).
	 */
	if (c->len > ENF_WINDOW_NAME_MAX || o_inline > ENF_DENTRY_WINDOW - ENF_WINDOW_NAME_MAX) {
		c->in_place = 1;
		c->seq = *(__u32 *)tc->window;
		goto check;
	}
	c->word[0] = name_word(*(__u64 *)((char *)tc->window + o_inline), c->len, 0);
	c->word[1] = name_word(*(__u32 *)((char *)tc->window + o_inline + 8), c->len, 1);
	c->word[2] = 0;
	c->is_short = 1;
check:
	if (!tc->walk.each_dentry)
		return true; /* the node's rename sequence vouches for it at the walk's end */
	return read_dentry_seq(d, &tc->walk.seq) && tc->walk.seq == *(__u32 *)tc->window;
}

/*
 * Enter mount mnt: one read gives what the walk needs of it (struct mount
 * keeps mnt_parent, mnt_mountpoint and mnt.mnt_root side by side), into
 * tc->mount. False when it could not be read (the walk then fails closed).
 */
static __always_inline bool enter_mount(struct enf_task_ctx *tc, __u64 mnt)
{
	struct mount *m = (struct mount *)(unsigned long)mnt;
	const __u32 base = bpf_core_field_offset(struct mount, mnt_parent);
	const __u32 o_point = bpf_core_field_offset(struct mount, mnt_mountpoint) - base;
	const __u32 o_root = bpf_core_field_offset(struct mount, mnt.mnt_root) - base;

	tc->walk.below = tc->walk.mnt;
	tc->walk.mnt = mnt;
	if (o_point > sizeof(tc->mount) - 8 || o_root > sizeof(tc->mount) - 8) {
		/* A layout the window does not cover (no kernel we know): three reads. */
		tc->mount.parent = (__u64)(unsigned long)BPF_CORE_READ(m, mnt_parent);
		tc->mount.mountpoint = (__u64)(unsigned long)BPF_CORE_READ(m, mnt_mountpoint);
		tc->mount.root = (__u64)(unsigned long)BPF_CORE_READ(m, mnt.mnt_root);
		return tc->mount.root != 0;
	}
	if (rdonly_cast_usable) {
		m = KERNEL_OBJECT(struct mount, mnt);
		tc->mount.parent = (__u64)(unsigned long)m->mnt_parent;
		tc->mount.mountpoint = (__u64)(unsigned long)m->mnt_mountpoint;
		tc->mount.root = (__u64)(unsigned long)m->mnt.mnt_root;
		return tc->mount.root != 0; /* a load that faults reads 0 */
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
	struct walk_state *s = &tc->walk;
	__u64 d = s->dentry;
	__u64 up;

	/*
	 * Identities: here when this step reads no window (a mount's root, the
	 * leaf's included: a bind mount's root is a directory or file the
	 * rules may name, checked before crossing; beside the path) or the
	 * leaf's is another dentry's; else from the window below, which holds
	 * d_inode.
	 */
	if (w->check_inodes) {
		struct dentry *dp = (struct dentry *)(unsigned long)d;

		if (i == s->rereads) { /* the first step (no dentry was read again before it) */
			/* A name about to be given to an existing object carries that object's identity. */
			if (w->ident_of_tc)
				dp = (struct dentry *)(unsigned long)tc->leaf_ident;
			if (w->ident_of_tc || d == tc->mount.root)
				s->leaf_hit = inode_known(w->instance, (__u64)(unsigned long)BPF_CORE_READ(dp, d_inode),
							  &tc->hits.leaf_dev, &tc->hits.leaf_ino, &tc->hits.leaf_node);
		} else if (!s->anc_hit && (s->beside || d == tc->mount.root)) {
			if (inode_known(w->instance, (__u64)(unsigned long)BPF_CORE_READ(dp, d_inode),
					&tc->hits.anc_dev, &tc->hits.anc_ino, &tc->hits.anc_node))
				s->anc_hit = s->beside ? ENF_ANC_BESIDE : ENF_ANC_AT(s->depth);
		}
	}

	/*
	 * Beside the path: d is above the root of a bind mount of a
	 * subdirectory, in the same file system, and only its identity counts
	 * (checked above). Up to the file system's root or the first hit, then
	 * on to the mountpoint as usual. Each step counts against the walk's
	 * bound.
	 */
	if (s->beside) {
		if (bpf_probe_read_kernel(&up, sizeof(up), dentry_parent_field(d)) < 0)
			return 1; /* not done: the caller fails closed */
		if (up != d && !s->anc_hit) {
			s->dentry = up;
			return 0;
		}
		s->beside = false;
		s->dentry = tc->mount.mountpoint;
		return enter_mount(tc, tc->mount.parent) ? 0 : 1;
	}

	if (d == tc->mount.root) {
		if (tc->mount.parent == s->mnt) {
			/* Root of the namespace, of another one, or of a detached tree. */
			s->done = true;
			s->tree_root = true;
			return 1;
		}
		/*
		 * A bind mount's root need not be its file system's root: a rule
		 * naming a directory above it (a denied subtree whose subdirectory
		 * was bind mounted elsewhere) is met only by climbing there. Not
		 * once an identity was met: each carries its path's effective
		 * restrictions, ancestors' included (profiles_path.c).
		 */
		if (w->check_inodes && !s->leaf_hit && !s->anc_hit) {
			if (bpf_probe_read_kernel(&up, sizeof(up), dentry_parent_field(d)) < 0)
				return 1;
			if (up != d) {
				s->beside = true;
				s->dentry = up;
				return 0;
			}
		}
		s->dentry = tc->mount.mountpoint;
		return enter_mount(tc, tc->mount.parent) ? 0 : 1;
	}

	/*
	 * One read gives the parent, the name, the inode and, when short, the
	 * name's bytes. Read again, once, at the next step (the same dentry)
	 * when a rename changed it meanwhile; then not done: the caller fails
	 * closed.
	 */
	if (!read_component(tc, s->depth, d)) {
		if (s->rereading)
			return 1;
		s->rereading = 1;
		s->rereads++;
		return 0;
	}
	s->rereading = 0;
	if (w->check_inodes && i == s->rereads && !w->ident_of_tc)
		s->leaf_hit = inode_known(w->instance, window_inode(tc, d), &tc->hits.leaf_dev, &tc->hits.leaf_ino,
					  &tc->hits.leaf_node);
	else if (w->check_inodes && i != s->rereads && !s->anc_hit &&
		 inode_known(w->instance, window_inode(tc, d), &tc->hits.anc_dev, &tc->hits.anc_ino, &tc->hits.anc_node))
		s->anc_hit = ENF_ANC_AT(s->depth);
	s->depth++;
	up = window_parent(tc, d);
	if (up == d) {
		/*
		 * Its own parent, and not its mount's root: a pseudo dentry
		 * (memfd, pipe, socket, nsfs) or a disconnected one (opened by
		 * handle while out of the dentry cache). Told apart by the
		 * mount (walk_named_nowhere()).
		 */
		s->done = true;
		s->self_root = true;
		return 1;
	}
	s->dentry = up;
	return 0;
}

__noinline int enf_path_walk(struct enf_task_ctx *tc, __u64 dentry, __u64 vfsmnt, __u32 instance, __u32 pflags)
{
	struct path_walk w = {};
	__u32 *now;

	if (!tc)
		return -ENOMEM;
	w.tc = tc;
	w.instance = instance;
	w.check_inodes = pflags & ENF_PROFILE_HAS_INODES;
	w.ident_of_tc = pflags & ENF_MATCH_IDENT;
	/* Odd: a rename is under way, which would send the walk round again at its end. */
	tc->walk.each_dentry = (pflags & ENF_WALK_EACH_DENTRY) || !read_rename_seq(&tc->walk.seq) || (tc->walk.seq & 1);
	tc->walk.dentry = dentry;
	tc->walk.depth = 0;
	tc->walk.done = false;
	tc->walk.leaf_hit = false;
	tc->walk.anc_hit = 0;
	tc->walk.tree_root = false;
	tc->walk.self_root = false;
	tc->walk.beside = false;
	tc->walk.rereading = 0;
	tc->walk.rereads = 0; /* steps count from the walk's first: see path_walk_step() */
	tc->walk.mnt = 0; /* enter_mount() moves it to .below: the object's own mount has none */
	/* container_of with a CO-RE offset: struct mount moves between kernels. */
	if (!enter_mount(tc, vfsmnt - bpf_core_field_offset(struct mount, mnt)))
		return -ENAMETOOLONG;
	bpf_loop(ENF_PATH_WALK_MAX, path_walk_step, &w, 0);
	if (!tc->walk.done)
		return -ENAMETOOLONG;
	/* The rename sequence vouches for what each dentry's d_seq did not (read_component()). */
	now = (__u32 *)tc->window; /* the read buffer: the stack has no room (read_dentry_seq()) */
	if (!tc->walk.each_dentry && !(read_rename_seq(now) && *now == tc->walk.seq))
		return -EAGAIN;
	return 0;
}

/* ---- the trie match ------------------------------------------------------------ */

/* What no step of the match changes (the rest is in tc->trie). */
struct trie_match {
	struct enf_task_ctx *tc;
	__u32 instance;
	__u32 depth;
	__u32 exe_id;         /* task's executable in this instance; 0 = none */
	bool  contents;       /* match what lies below the leaf (a directory's content): its subtree side */
};

/*
 * The side of node val a match applies (exact or subtree), merged with the
 * node's rules limited to the task's executable (fa, NULL when none) at
 * the same specificity: at equal specificity the larger enum enf_action
 * wins, the node's own on a tie. Into tc->side: the node comes from one of
 * two maps and either side, and the verifier would follow the classes'
 * loop once for each such pointer; copied, it is one piece of scratch.
 */
static __always_inline void node_side(struct enf_task_ctx *tc, struct enf_node_val *val,
				      struct enf_actions *fa, bool exact)
{
	struct class_actions *side = &tc->side;
	const __u8 *acts_from;
	const __u32 *rules_from;

	if (exact) {
		__builtin_memcpy(side->action, val->exact, sizeof(side->action));
		__builtin_memcpy(side->rule, val->exact_rule, sizeof(side->rule));
	} else {
		__builtin_memcpy(side->action, val->subtree, sizeof(side->action));
		__builtin_memcpy(side->rule, val->subtree_rule, sizeof(side->rule));
	}
	if (!fa)
		return;
	barrier_var(fa); /* the side's address after the null check: see inode_restrict() */
	acts_from = exact ? fa->exact : fa->subtree;
	rules_from = exact ? fa->exact_rule : fa->subtree_rule;
	for (int c = 0; c < ENF_CLASS_COUNT; c++) {
		if (acts_from[c] > side->action[c]) {
			side->action[c] = acts_from[c];
			side->rule[c] = rules_from[c];
		}
	}
}

/* Apply tc->side to the running result: deeper (more specific) replaces whatever a shallower node said. */
static __always_inline void apply_side(struct enf_task_ctx *tc)
{
	for (int c = 0; c < ENF_CLASS_COUNT; c++) {
		if (tc->side.action[c] != ENF_ACT_NONE) {
			tc->res.out.action[c] = tc->side.action[c];
			tc->res.out.rule[c] = tc->side.rule[c];
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

/*
 * Whether the walk met its ancestor identity (ENF_ANC_AT()) where the name
 * has `matched` of its depth components. Read from the scratch, not kept
 * in the match's context: a word more there took the rename program's
 * call chain past 6.1's 512 bytes of stack.
 */
static __always_inline bool anc_met_at(const struct enf_task_ctx *tc, __u32 depth, __u32 matched)
{
	__u32 k = tc->walk.anc_hit;

	return k && k != ENF_ANC_BESIDE && matched + (k - 1) == depth;
}

/*
 * The node the match has reached (tc->trie.node) after `matched`
 * components: whether it is an inode hit's rule node (the ancestor's
 * only at the length where the walk met it: ENF_ANC_AT()), what the whole
 * path reached when last, and its actions
 * applied: the final component's side (exact, or subtree for contents)
 * when last, the subtree side otherwise.
 */
static __always_inline void reach_node(struct trie_match *m, struct enf_node_val *val, __u32 matched, bool last)
{
	struct enf_task_ctx *tc = m->tc;
	struct enf_actions *fa;

	tc->trie.node = val->node;
	if (val->flags & ENF_NODE_FROM)
		tc->trie.from_seen = true;
	if (tc->trie.node == tc->trie.anc_node && anc_met_at(tc, m->depth, matched))
		tc->trie.anc_on_path = true;
	if (last) {
		if (tc->trie.node == tc->trie.leaf_node)
			tc->trie.leaf_on_path = true;
		tc->trie.leaf_exe_id = val->exe_id;
		tc->trie.leaf_flags = val->flags;
		tc->trie.full = true;
	}
	fa = from_actions(m->instance, tc->trie.node, m->exe_id);
	node_side(tc, val, fa, last && !m->contents);
	apply_side(tc);
}

static __always_inline struct dentry *top_component(struct enf_task_ctx *tc, __u32 depth, __u32 i)
{
	/* Component i counted from the root was recorded at walk index depth-1-i. */
	return (struct dentry *)(unsigned long)tc->top[(depth - 1 - i) & (ENF_TOP_DENTRIES - 1)];
}

/*
 * Whether component idx, a name read in place (read_component()), may
 * have changed since the walk: its dentry moved, or was moving, after the
 * walk's d_seq. The walk's window is free by now: d_seq is read there.
 */
static __always_inline bool name_moved(struct enf_task_ctx *tc, struct walked_name *c, __u32 idx)
{
	__u32 *now = (__u32 *)tc->window;

	if (!c->in_place)
		return false;
	return (c->seq & 1) || !read_dentry_seq(tc->top[idx & (ENF_TOP_DENTRIES - 1)], now) || *now != c->seq;
}

/*
 * The edge from tc->trie.node named like component idx of the walk:
 * path_trie for a short name (one small key to hash), path_trie_long
 * otherwise (enforcer_abi.h). A short inline name was read by the walk
 * already. A long name's key does not fit the stack: it is built in the
 * scratch, looked up as a map value for it (see above), only then.
 */
static __always_inline struct enf_node_val *trie_edge(struct trie_match *m, __u32 idx)
{
	struct enf_task_ctx *tc = m->tc;
	struct walked_name *c = &tc->name[idx & (ENF_TOP_DENTRIES - 1)];
	struct enf_trie_long_key *lkey;
	struct enf_task_ctx *scratch;
	struct enf_trie_key key;
	const unsigned char *name;
	long n;

	key.instance = m->instance;
	key.parent = tc->trie.node;
	if (c->is_short) {
		for (__u32 k = 0; k < ENF_SHORT_NAME_MAX / 8; k++)
			((__u64 *)key.name)[k] = c->word[k];
		return bpf_map_lookup_elem(&path_trie, &key);
	}
	name = (const unsigned char *)(unsigned long)c->ptr;
	__builtin_memset(key.name, 0, sizeof(key.name));
	n = bpf_probe_read_kernel_str(key.name, sizeof(key.name), name);
	if (n < 0)
		goto fault;
	if (n < ENF_SHORT_NAME_MAX) {
		if (name_moved(tc, c, idx))
			goto fault;
		return bpf_map_lookup_elem(&path_trie, &key); /* the whole name fitted */
	}
	scratch = task_scratch();
	if (!scratch)
		goto fault;
	lkey = &scratch->key;
	lkey->instance = m->instance;
	lkey->parent = tc->trie.node;
	__builtin_memset(lkey->name, 0, sizeof(lkey->name));
	if (bpf_probe_read_kernel_str(lkey->name, sizeof(lkey->name), name) < 0)
		goto fault;
	if (name_moved(tc, c, idx))
		goto fault;
	return bpf_map_lookup_elem(&path_trie_long, lkey);
fault:
	tc->trie.read_error = true;
	return NULL;
}

static int trie_match_step(__u32 i, void *data)
{
	struct trie_match *m = data;
	struct enf_node_val *val;

	if (i >= m->depth || i >= ENF_TOP_DENTRIES)
		return 1;
	val = trie_edge(m, m->depth - 1 - i);
	if (!val)
		return 1; /* no rule lies at or below this component */
	reach_node(m, val, i + 1, i == m->depth - 1);
	return 0;
}

__noinline int enf_trie_match(struct enf_task_ctx *tc, __u32 instance, __u32 depth, __u32 exe_id, __u32 pflags)
{
	struct enf_trie_key key = { .instance = instance, .parent = ENF_TRIE_ROOT_PARENT };
	struct trie_match m = {};
	struct enf_node_val *root;

	if (!tc)
		return -ENOMEM;
	m.tc = tc;
	m.instance = instance;
	m.depth = depth;
	m.exe_id = exe_id;
	m.contents = pflags & ENF_MATCH_CONTENTS;
	__builtin_memset(&tc->res.out, 0, sizeof(tc->res.out));
	tc->trie.leaf_exe_id = 0;
	tc->trie.leaf_flags = 0;
	tc->trie.full = false;
	tc->trie.read_error = false;
	tc->trie.leaf_on_path = false;
	tc->trie.anc_on_path = false;
	tc->trie.from_seen = false;

	root = bpf_map_lookup_elem(&path_trie, &key);
	if (!root)
		return -ENOENT;
	reach_node(&m, root, 0, depth == 0);
	if (depth == 0)
		return 0;
	bpf_loop(ENF_TOP_DENTRIES, trie_match_step, &m, 0);
	return tc->trie.read_error ? -EFAULT : 0;
}

/*
 * The exe_id kept for the current task (exe_ids, path.bpf.h) when it was
 * resolved for this exec (exec_id), exe_file and instance under the
 * current attach_gen; -1 when none is. Global functions of their own, so
 * that neither the entry's pointer nor the generation sits in
 * enf_exe_id()'s frame across the walk: 6.1 allows the deepest call chain
 * 512 bytes of stack.
 */
__noinline int enf_exe_id_kept(__u64 exec_id, __u64 exe, __u32 instance)
{
	struct enf_config *cfg = engine_settings();
	struct enf_exe_cache *c;
	__u64 gen;

	if (!cfg)
		return -1;
	gen = *(volatile __u64 *)&cfg->attach_gen;
	c = bpf_task_storage_get(&exe_ids, bpf_get_current_task_btf(), NULL, 0);
	if (!c || !gen || c->gen != gen || c->exec_id != exec_id || c->exe_file != exe || c->instance != instance)
		return -1;
	return (int)c->exe_id;
}

/*
 * Keep exe_id for the current task, this exec, exe_file and instance, under
 * the attach_gen of now, read after the walk: a start that reissued the
 * instance while this task was preempted mid-walk would be taken for the
 * old one here, as by the decision's own re-check of the instance
 * (profile_recheck()).
 */
__noinline int enf_exe_id_keep(__u64 exec_id, __u64 exe, __u32 instance, __u32 exe_id)
{
	struct enf_config *cfg = engine_settings();
	struct enf_exe_cache *c;

	if (!cfg)
		return 0;
	c = bpf_task_storage_get(&exe_ids, bpf_get_current_task_btf(), NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!c)
		return 0;
	c->gen = *(volatile __u64 *)&cfg->attach_gen;
	c->exec_id = exec_id;
	c->exe_file = exe;
	c->instance = instance;
	c->exe_id = exe_id;
	return 0;
}

/* The exe_id (0: no 'from' names it) of the file at (dentry, mnt) in instance, or -errno. */
static __always_inline int exe_id_of(struct enf_task_ctx *tc, __u32 instance, __u64 dentry, __u64 mnt)
{
	int r;

	r = path_walk(tc, dentry, mnt, instance, 0);
	if (r < 0)
		return r;
	tc->trie.leaf_node = ENF_NO_NODE;
	tc->trie.anc_node = ENF_NO_NODE;
	r = enf_trie_match(tc, instance, tc->walk.depth, 0, 0);
	if (r < 0)
		return r;
	return tc->trie.full ? (int)tc->trie.leaf_exe_id : 0;
}

__noinline int enf_exe_id(struct enf_task_ctx *tc, __u32 instance)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 exe = (__u64)(unsigned long)BPF_CORE_READ(task, mm, exe_file);
	__u64 exec_id = BPF_CORE_READ(task, self_exec_id);
	struct file *f = (struct file *)(unsigned long)exe;
	int r;

	if (!tc)
		return -ENOMEM;
	if (!exe)
		return 0; /* kernel threads have no executable */
	r = enf_exe_id_kept(exec_id, exe, instance);
	if (r >= 0)
		return r;
	r = exe_id_of(tc, instance, (__u64)(unsigned long)BPF_CORE_READ(f, f_path.dentry),
		      (__u64)(unsigned long)BPF_CORE_READ(f, f_path.mnt));
	if (r < 0)
		return r;
	(void)enf_exe_id_keep(exec_id, exe, instance, (__u32)r);
	return r;
}

__noinline int enf_file_exe_id(struct enf_task_ctx *tc, __u32 instance, __u64 dentry, __u64 mnt)
{
	if (!tc)
		return -ENOMEM;
	return exe_id_of(tc, instance, dentry, mnt);
}

/* ---- a match taken without walking (path_memos) ---------------------------- */

/*
 * Reads of one kernel word each, for the memo: direct loads where the
 * kernel has bpf_rdonly_cast(), probe reads before (rdonly_cast_usable).
 */
static __always_inline __u64 dentry_inode_of(__u64 d)
{
	if (rdonly_cast_usable)
		return (__u64)(unsigned long)KERNEL_OBJECT(struct dentry, d)->d_inode;
	return (__u64)(unsigned long)BPF_CORE_READ((struct dentry *)(unsigned long)d, d_inode);
}

static __always_inline __u64 dentry_parent_of(__u64 d)
{
	if (rdonly_cast_usable)
		return (__u64)(unsigned long)KERNEL_OBJECT(struct dentry, d)->d_parent;
	return (__u64)(unsigned long)BPF_CORE_READ((struct dentry *)(unsigned long)d, d_parent);
}

static __always_inline __u64 inode_ino_of(__u64 inode)
{
	if (!inode)
		return 0;
	if (rdonly_cast_usable)
		return KERNEL_OBJECT(struct inode, inode)->i_ino;
	return BPF_CORE_READ((struct inode *)(unsigned long)inode, i_ino);
}

static __always_inline __u64 inode_sb_of(__u64 inode)
{
	if (rdonly_cast_usable)
		return (__u64)(unsigned long)KERNEL_OBJECT(struct inode, inode)->i_sb;
	return (__u64)(unsigned long)BPF_CORE_READ((struct inode *)(unsigned long)inode, i_sb);
}

/* The struct mount at the root of the current task's mount namespace. */
static __always_inline __u64 current_ns_root(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return (__u64)(unsigned long)UNTRUSTED(struct task_struct, task)->nsproxy->mnt_ns->root;
}

/* enf_dirs_move_only_by_rename() (path.bpf.h) for the superblock at sb. */
static __always_inline bool dirs_move_only_by_rename(__u64 sb)
{
	return enf_dirs_move_only_by_rename(BPF_CORE_READ((struct super_block *)(unsigned long)sb, s_magic));
}

/*
 * How long a kept match may be taken: the sequences are 32 bits, and 2^31
 * write sections of rename_lock or mount_lock (each a rename or a mount
 * operation, under a lock the node shares) do not fit in 30 s.
 */
#define PATH_MEMO_LIFETIME_NS 30000000000ull

/*
 * Where the memo is consulted at all: both sequences can be read, and the
 * match is the task's own of a plain name (not a new name with another
 * object's identity, not as another executable, not a directory's
 * contents).
 */
#define PATH_MEMO_NOT_FOR (ENF_MATCH_IDENT | ENF_MATCH_CONTENTS | ENF_MATCH_EXE_FIELD | ENF_WALK_EACH_DENTRY)

static __always_inline bool path_memo_usable(__u32 pflags)
{
	return rename_lock_addr && mount_lock_addr && !(pflags & PATH_MEMO_NOT_FOR);
}

/* Before a walk that may be kept: what it is made under (path_memos' walk_*). */
static __always_inline void path_memo_begin(struct enf_path_memo *pm)
{
	struct enf_config *cfg = engine_settings();
	__u32 zero = 0;
	__u64 *freed = bpf_map_lookup_elem(&dir_inodes_freed, &zero);

	pm->walk_gen = 0;
	if (!cfg || !freed || !read_lock_seq(mount_lock_addr, &pm->walk_mount_seq))
		return;
	pm->walk_dirs_freed = *(volatile __u64 *)freed;
	pm->walk_gen = *(volatile __u64 *)&cfg->attach_gen;
}

__noinline int enf_path_memo_take(struct enf_task_ctx *tc, struct enf_path_memo *pm, int status)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct enf_profile_val *prof;
	struct walked_name *c;
	struct enf_config *cfg;
	__u64 d, dir, inode, *freed;
	__u32 zero = 0, seq = 0, slot = (__u32)status - 1;
	int exe_id = 0;

	if (!tc)
		return 0;
	/*
	 * A label is this decision's match or none: a decision that matches
	 * nothing (learn mode) must not keep the task's earlier one.
	 */
	tc->matched.seq = 0;
	if (!pm || status <= 0 || !path_memo_usable(0))
		return 0;
	d = tc->obj_dentry;
	if (!pm->kept || pm->leaf != d)
		goto walk;
	/* From here a miss is for the kept leaf: the memo is dropped, so that a wrapped sequence cannot revive it. */
	prof = bpf_map_lookup_elem(&profiles, &slot);
	if (!prof || !path_memo_usable(prof->flags))
		goto drop;
	if (pm->mnt != tc->obj_mnt || d == pm->mnt_root || pm->instance != prof->instance || pm->pflags != prof->flags ||
	    bpf_ktime_get_ns() - pm->kept_ns > PATH_MEMO_LIFETIME_NS)
		goto drop;
	cfg = engine_settings();
	freed = bpf_map_lookup_elem(&dir_inodes_freed, &zero);
	if (!cfg || !freed || *(volatile __u64 *)&cfg->attach_gen != pm->attach_gen ||
	    *(volatile __u64 *)freed != pm->dirs_freed)
		goto drop;
	if (prof->flags & ENF_PROFILE_HAS_FROM) {
		exe_id = enf_exe_id_kept(BPF_CORE_READ(task, self_exec_id),
					 (__u64)(unsigned long)BPF_CORE_READ(task, mm, exe_file), prof->instance);
		if (exe_id < 0)
			goto drop;
	}
	if ((__u32)exe_id != pm->exe_id)
		goto drop;
	if (!read_lock_seq(mount_lock_addr, &seq) || seq != pm->mount_seq)
		goto drop;
	if (!read_lock_seq(rename_lock_addr, &seq) || seq != pm->rename_seq)
		goto drop;
	if (current_ns_root() != pm->ns_root)
		goto drop;
	/* The leaf as a walk's first step reads it: its name, its directory, its inode. */
	tc->walk.each_dentry = false;
	if (!read_component(tc, 0, d))
		goto drop;
	c = &tc->name[0];
	_Static_assert(ENF_SHORT_NAME_MAX / 8 == 3, "a name is compared as three words");
	if (!c->is_short || c->len != pm->name_len || c->word[0] != pm->name[0] || c->word[1] != pm->name[1] ||
	    c->word[2] != pm->name[2])
		goto drop;
	dir = window_parent(tc, d);
	inode = window_inode(tc, d);
	if ((prof->flags & ENF_PROFILE_HAS_INODES) && inode_ino_of(inode) != pm->leaf_ino)
		goto drop;
	inode = dentry_inode_of(dir);
	if (!inode || inode != pm->dir_inode || inode_sb_of(inode) != pm->dir_sb || inode_ino_of(inode) != pm->dir_ino)
		goto drop;
	/* Nothing moved while the leaf and its directory were read. */
	if (!read_lock_seq(rename_lock_addr, &seq) || seq != pm->rename_seq)
		goto drop;
	tc->res = pm->res;
	tc->walk.depth = pm->res.depth;
	return (int)prof->instance + 1;
drop:
	pm->kept = 0;
walk:
	/*
	 * What the walk to come is made under, where the match may be kept:
	 * at the name's second match in a row (enf_path_memo_keep()). A task
	 * that opens one name after another reads nothing more.
	 */
	if (pm->missed == d)
		path_memo_begin(pm);
	else
		pm->walk_gen = 0;
	return 0;
}

__noinline int enf_path_memo_keep(struct enf_task_ctx *tc, struct enf_path_memo *pm)
{
	struct vfsmount *mnt;
	__u64 d, dir, inode, leaf, sb, gen, leaf_ino = 0;
	__u32 pflags, seq;

	if (!tc || !pm)
		return 0;
	/* What enf_path_memo_take() read before this decision's walk; used once, whatever follows. */
	gen = pm->walk_gen;
	pm->walk_gen = 0;
	/* The label of this decision's match (enf_match_object()): made, by walk, of this object. */
	seq = tc->matched.seq;
	pflags = tc->matched.pflags;
	d = tc->obj_dentry;
	if (!seq || tc->matched.dentry != d || !path_memo_usable(pflags))
		return 0;
	/* Kept at a name's second match in a row: a task that opens one file after another keeps nothing. */
	if (pm->missed != d) {
		pm->missed = d;
		return 0;
	}
	if (!gen)
		return 0;
	pm->kept = 0;
	/*
	 * A walk begun with no mount changing that ended at the task's
	 * namespace root, whose first component was the leaf itself (not a
	 * mount's root), with a name kept whole.
	 */
	if ((pm->walk_mount_seq & 1) || !tc->walk.tree_root || !tc->walk.depth || tc->top[0] != d ||
	    !tc->name[0].is_short || tc->walk.mnt != current_ns_root())
		return 0;
	dir = dentry_parent_of(d);
	inode = dentry_inode_of(dir);
	if (!inode)
		return 0;
	sb = inode_sb_of(inode);
	if (!dirs_move_only_by_rename(sb))
		return 0;
	/*
	 * The leaf's identity now must be the one its walk met: an unlink and a
	 * create since may have given the name another inode. The walk's hit,
	 * or none for a number the inode filter rules out; else not kept.
	 */
	leaf = dentry_inode_of(d);
	if (!leaf)
		return 0;
	if (pflags & ENF_PROFILE_HAS_INODES) {
		leaf_ino = inode_ino_of(leaf);
		if (tc->walk.leaf_hit ? leaf_ino != tc->hits.leaf_ino : inode_may_be_named(leaf_ino))
			return 0;
	}
	mnt = (struct vfsmount *)(unsigned long)tc->obj_mnt;
	pm->mnt_root = (__u64)(unsigned long)BPF_CORE_READ(mnt, mnt_root);
	pm->leaf = d;
	pm->mnt = tc->obj_mnt;
	pm->ns_root = tc->walk.mnt;
	pm->dir_inode = inode;
	pm->dir_sb = sb;
	pm->dir_ino = inode_ino_of(inode);
	pm->leaf_ino = leaf_ino;
	pm->name[0] = tc->name[0].word[0];
	pm->name[1] = tc->name[0].word[1];
	pm->name[2] = tc->name[0].word[2];
	pm->name_len = tc->name[0].len;
	pm->instance = tc->matched.instance;
	pm->exe_id = tc->matched.exe_id;
	pm->pflags = pflags;
	pm->rename_seq = seq - 1;
	pm->mount_seq = pm->walk_mount_seq;
	pm->attach_gen = gen;
	pm->dirs_freed = pm->walk_dirs_freed;
	pm->res = tc->res;
	pm->kept_ns = bpf_ktime_get_ns();
	pm->kept = 1;
	return 0;
}

/* ---- the namespace root ----------------------------------------------------- */

/* Whether mount a receives mounts from mount b: its slave, or its peer (same shared group). */
static __always_inline bool receives_mounts_from(struct mount *a, __u64 b)
{
	int group = BPF_CORE_READ(a, mnt_group_id);

	return (__u64)(unsigned long)BPF_CORE_READ(a, mnt_master) == b ||
	       (group && BPF_CORE_READ((struct mount *)(unsigned long)b, mnt_group_id) == group);
}

__noinline int enf_foreign_root(__u64 mnt, __u64 below)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct mount *m = (struct mount *)(unsigned long)mnt;
	struct mount *root = UNTRUSTED(struct task_struct, task)->nsproxy->mnt_ns->root;
	struct mount *top;

	if ((__u64)(unsigned long)root == mnt)
		return 0;
	/*
	 * The namespace the task's was copied from and still receives mounts
	 * from (systemd's slave copy for a unit's PrivateTmp=, ProtectSystem=...;
	 * a socket bound outside it, as sd_notify's): mounts made there appear
	 * here, so the names agree. Told by propagation, at the root mount
	 * (the task's root mount a slave or a peer of the one the walk ended
	 * at) or, on a system booted through an initramfs, whose bottom mount
	 * (rootfs) is private, one mount up: the task's root directory's mount
	 * a slave or a peer of the one the walk crossed into the root from.
	 * Same tree, same root directory. A private copy, or a namespace copied
	 * from the task's, may rename: still foreign.
	 */
	if (BPF_CORE_READ(m, mnt.mnt_root) == root->mnt.mnt_root && BPF_CORE_READ(m, mnt.mnt_sb) == root->mnt.mnt_sb) {
		if (receives_mounts_from(root, mnt))
			return 0;
		/* container_of with a CO-RE offset: struct mount moves between kernels. */
		top = (struct mount *)((unsigned long)BPF_CORE_READ(task, fs, root.mnt) -
				       bpf_core_field_offset(struct mount, mnt));
		if (below && receives_mounts_from(top, below))
			return 0;
	}
	return !kernel_own_mount(m);
}

/* ---- the text --------------------------------------------------------------- */

/* What no step of a render changes (the rest is in tc->text). */
struct path_text {
	struct enf_task_ctx *tc;
	struct enf_event *ev;
	__u32 depth;
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
	struct enf_task_ctx *tc = t->tc;						\
	struct dentry *d;								\
	__u32 off = tc->text.off;							\
	long n;										\
											\
	if (i >= t->depth || i >= ENF_TOP_DENTRIES)					\
		return 1;								\
	if (off > (fmax) - ENF_NAME_MAX - 1) {						\
		tc->text.truncated = true;						\
		return 1;								\
	}										\
	d = top_component(tc, t->depth, i);						\
	t->ev->field[off] = '/';							\
	n = bpf_probe_read_kernel_str(&t->ev->field[off + 1], ENF_NAME_MAX,		\
				      BPF_CORE_READ(d, d_name.name));			\
	if (n <= 0)									\
		return 1;								\
	tc->text.off = off + n; /* n counts the NUL, which the next '/' overwrites */	\
	return 0;									\
}											\
											\
/*											\
 * The walked path (tc, depth) as text into ev's field. Returns the length	\
 * with NUL; tc->text.truncated says whether it was cut.			\
 */											\
static __always_inline __u32 fn(struct enf_task_ctx *tc, struct enf_event *ev, __u32 depth) \
{											\
	struct path_text t = { .tc = tc, .ev = ev, .depth = depth };			\
	__u32 off;									\
											\
	_Static_assert(((fmax) & ((fmax) - 1)) == 0, "the mask below needs a power of two"); \
	tc->text.off = 0;								\
	tc->text.truncated = depth > ENF_TOP_DENTRIES;					\
	if (depth == 0) {								\
		ev->field[0] = '/';							\
		ev->field[1] = 0;							\
		return 2;								\
	}										\
	bpf_loop(ENF_TOP_DENTRIES, fn##_step, &t, 0);					\
	off = tc->text.off;								\
	if (off < (fmax))								\
		ev->field[off & ((fmax) - 1)] = 0;					\
	return off + 1;									\
}

DEFINE_PATH_TEXT(path_text_render, path, ENF_PATH_EVENT_MAX)
DEFINE_PATH_TEXT(exe_text_render, exe, ENF_EXE_EVENT_MAX)

__noinline int enf_path_text(struct enf_event *ev, struct enf_task_ctx *tc, __u32 depth)
{
	if (!ev || !tc)
		return 0;
	ev->path_len = path_text_render(tc, ev, depth);
	if (tc->text.truncated)
		ev->flags |= ENF_EVENT_PATH_TRUNCATED;
	return 0;
}

__noinline int enf_exe_text(struct enf_event *ev, struct enf_task_ctx *tc)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);

	if (!ev || !tc || !exe || (ev->flags & ENF_EVENT_IN_INTERRUPT))
		return 0; /* no scratch to walk in (event.bpf.c); kernel threads have no executable */
	tc->matched.seq = 0; /* the walk below is no longer the last match's (enf_path_memo_keep()) */
	if (path_walk(tc, (__u64)(unsigned long)BPF_CORE_READ(exe, f_path.dentry),
			  (__u64)(unsigned long)BPF_CORE_READ(exe, f_path.mnt), 0, 0) < 0) {
		ev->flags |= ENF_EVENT_EXE_TRUNCATED;
		return 0;
	}
	(void)exe_text_render(tc, ev, tc->walk.depth);
	if (tc->text.truncated)
		ev->flags |= ENF_EVENT_EXE_TRUNCATED;
	return 0;
}
