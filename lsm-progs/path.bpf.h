/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Path resolution and matching, shared by every path-based hook.
 *
 * 1. path_walk(): from the kernel's struct path (never a user string), walk
 *    dentries up to the root of the task's mount namespace, crossing mount
 *    points, and keep the topmost ENF_TOP_DENTRIES components. Symlinks,
 *    hardlinked names, /proc/self/fd, relative paths and chroot all arrive
 *    here as the object the kernel actually resolved. The walk is bounded
 *    (ENF_PATH_WALK_MAX dentries); past that the path is "unresolved" and the
 *    caller fails closed.
 *
 * 2. trie_match(): walk the profile's path trie from "/" one component at a
 *    time. A rule can only be as deep as ENF_RULE_DEPTH_MAX components, so
 *    the topmost components decide every match however deep the path is:
 *    depth never makes a rule stop matching. The deepest subtree action
 *    seen wins, an exact action on the final component beats all of them.
 */
#ifndef ENF_PATH_BPF_H
#define ENF_PATH_BPF_H

#include "common.bpf.h"

_Static_assert(ENF_TOP_DENTRIES == ENF_RULE_DEPTH_MAX, "top dentries must cover the deepest rule");
_Static_assert((ENF_TOP_DENTRIES & (ENF_TOP_DENTRIES - 1)) == 0, "ring index uses a mask");

struct path_walk {
	struct enf_task_ctx *tc;
	struct dentry *dentry;
	struct mount *mnt;
	__u32 depth;      /* components recorded */
	bool done;
};

static __always_inline struct mount *real_mount_of(struct vfsmount *vfsmnt)
{
	/* container_of with a CO-RE offset: struct mount moves between kernels. */
	return (struct mount *)((void *)vfsmnt - bpf_core_field_offset(struct mount, mnt));
}

static int path_walk_step(__u32 i, void *data)
{
	struct path_walk *w = data;
	struct dentry *d = w->dentry;
	struct mount *mnt = w->mnt;   /* locals: CO-RE must not relocate our own struct */
	struct dentry *up;

	if (d == BPF_CORE_READ(mnt, mnt.mnt_root)) {
		struct mount *parent = BPF_CORE_READ(mnt, mnt_parent);

		if (parent == mnt) {
			/* Root of the namespace (or of a detached tree). */
			w->done = true;
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = parent;
		return 0;
	}

	w->tc->top[w->depth & (ENF_TOP_DENTRIES - 1)] = (__u64)(unsigned long)d;
	w->depth++;
	up = BPF_CORE_READ(d, d_parent);
	if (up == d) {
		/* A disconnected or pseudo dentry (memfd, pipe): it is its own root. */
		w->done = true;
		return 1;
	}
	w->dentry = up;
	return 0;
}

/* 0 with *ret_depth set, or -ENAMETOOLONG when the walk did not reach a root. */
static __always_inline int path_walk(struct enf_task_ctx *tc, const struct path *path,
				     __u32 *ret_depth)
{
	struct path_walk w = {
		.tc = tc,
		.dentry = BPF_CORE_READ(path, dentry),
		.mnt = real_mount_of(BPF_CORE_READ(path, mnt)),
	};

	bpf_loop(ENF_PATH_WALK_MAX, path_walk_step, &w, 0);
	if (!w.done)
		return -ENAMETOOLONG;
	*ret_depth = w.depth;
	return 0;
}

struct trie_match {
	struct enf_task_ctx *tc;
	__u32 instance;
	__u32 depth;
	__u32 node;
	__u32 cls;
	__u32 action;     /* best so far, enum enf_action */
	__u32 rule;
	bool read_error;
};

static __always_inline struct dentry *top_component(struct enf_task_ctx *tc, __u32 depth, __u32 i)
{
	/* Component i counted from the root was recorded at walk index depth-1-i. */
	return (struct dentry *)(unsigned long)tc->top[(depth - 1 - i) & (ENF_TOP_DENTRIES - 1)];
}

static int trie_match_step(__u32 i, void *data)
{
	struct trie_match *m = data;
	struct enf_trie_key *key = &m->tc->key;
	struct enf_node_val *val;
	struct dentry *d;
	__u32 cls = m->cls & (ENF_CLASS_COUNT - 1);

	if (i >= m->depth || i >= ENF_TOP_DENTRIES)
		return 1;
	d = top_component(m->tc, m->depth, i);

	key->instance = m->instance;
	key->parent = m->node;
	__builtin_memset(key->name, 0, sizeof(key->name));
	if (bpf_probe_read_kernel_str(key->name, sizeof(key->name),
				      BPF_CORE_READ(d, d_name.name)) < 0) {
		m->read_error = true;
		return 1;
	}
	val = bpf_map_lookup_elem(&path_trie, key);
	if (!val)
		return 1; /* no rule lies at or below this component */
	m->node = val->node;
	if (i == m->depth - 1) {
		if (val->exact[cls] != ENF_ACT_NONE) {
			m->action = val->exact[cls];
			m->rule = val->exact_rule[cls];
		}
	} else if (val->subtree[cls] != ENF_ACT_NONE) {
		m->action = val->subtree[cls];
		m->rule = val->subtree_rule[cls];
	}
	return 0;
}

/*
 * Match the walked path against an instance's trie for one access class.
 * 0 with *ret_action (ENF_ACT_NONE when no rule matched) and *ret_rule set,
 * -ENOENT when the instance has no root (mid-update), -EFAULT on a read error.
 */
static __always_inline int trie_match(struct enf_task_ctx *tc, __u32 instance, __u32 depth,
				      enum enf_class cls, __u32 *ret_action, __u32 *ret_rule)
{
	struct trie_match m = {
		.tc = tc,
		.instance = instance,
		.depth = depth,
		.cls = cls,
	};
	struct enf_trie_key *key = &tc->key;
	struct enf_node_val *root;
	__u32 c = cls & (ENF_CLASS_COUNT - 1);

	key->instance = instance;
	key->parent = ENF_TRIE_ROOT_PARENT;
	__builtin_memset(key->name, 0, sizeof(key->name));
	root = bpf_map_lookup_elem(&path_trie, key);
	if (!root)
		return -ENOENT;
	m.node = root->node;
	if (depth == 0) {
		m.action = root->exact[c];
		m.rule = root->exact_rule[c];
	} else {
		m.action = root->subtree[c];
		m.rule = root->subtree_rule[c];
		bpf_loop(ENF_TOP_DENTRIES, trie_match_step, &m, 0);
		if (m.read_error)
			return -EFAULT;
	}
	*ret_action = m.action;
	*ret_rule = m.rule;
	return 0;
}

struct path_text {
	struct enf_task_ctx *tc;
	struct enf_event *ev;
	__u32 depth;
	__u32 off;
	bool truncated;
};

/* Room for "/" + one whole component must remain after off. */
#define PATH_TEXT_LIMIT (ENF_PATH_EVENT_MAX - ENF_NAME_MAX - 1)

static int path_text_step(__u32 i, void *data)
{
	struct path_text *t = data;
	struct dentry *d;
	__u32 off = t->off;
	long n;

	if (i >= t->depth || i >= ENF_TOP_DENTRIES)
		return 1;
	if (off > PATH_TEXT_LIMIT) {
		t->truncated = true;
		return 1;
	}
	d = top_component(t->tc, t->depth, i);
	t->ev->path[off] = '/';
	n = bpf_probe_read_kernel_str(&t->ev->path[off + 1], ENF_NAME_MAX,
				      BPF_CORE_READ(d, d_name.name));
	if (n <= 0)
		return 1;
	t->off = off + n; /* n counts the NUL, which the next '/' overwrites */
	return 0;
}

/* Render the walked path into the event, for people; decisions never read it. */
static __always_inline void path_text(struct enf_event *ev, struct enf_task_ctx *tc, __u32 depth)
{
	struct path_text t = { .tc = tc, .ev = ev, .depth = depth };

	if (depth == 0) {
		ev->path[0] = '/';
		ev->path[1] = 0;
		ev->path_len = 2;
		return;
	}
	bpf_loop(ENF_TOP_DENTRIES, path_text_step, &t, 0);
	if (t.off < ENF_PATH_EVENT_MAX)
		ev->path[t.off & (ENF_PATH_EVENT_MAX - 1)] = 0;
	ev->path_len = t.off + 1;
	if (t.truncated || depth > ENF_TOP_DENTRIES)
		ev->flags |= ENF_EVENT_PATH_TRUNCATED;
}

#endif /* ENF_PATH_BPF_H */
