// SPDX-License-Identifier: GPL-2.0-only
/*
 * The decision engine for path-based hooks, as global BPF functions.
 *
 * A global function is verified once per program, on its own, whatever
 * calls it; an inlined one is verified again for every copy and caller
 * state. Every file hook calls enf_decide_object(), which calls
 * enf_match_object() up to twice, so this is the difference between a
 * fraction of a second and minutes of verification under emulation.
 *
 * Global functions take scalars and pointers to plain memory only: kernel
 * objects arrive as numbers (see as_scalar() in verdict.bpf.h) and are only
 * read through CO-RE probe reads.
 */
#include "common.bpf.h"
#include "verdict.bpf.h"
#include "learn.bpf.h"

/*
 * The task's executable identity (when the profile uses 'from'), the walk
 * of the object (tc->obj_dentry in tc->obj_mnt, with inode identities when
 * the profile names any) and the match of every access class, for one
 * instance, into the task's scratch (tc->res). pflags: the profile's flags
 * plus ENF_MATCH_*. 0 or -errno; -EXDEV when the object's name is not in
 * the task's mount namespace (foreign_root()).
 */
__noinline int enf_match_object(struct enf_task_ctx *tc, __u32 instance, __u32 pflags)
{
	__u32 exe_id = 0;
	int r;

	if (!tc)
		return -ENOMEM;
	tc->res.depth = 0;
	tc->res.full = 0;
	tc->res.via_inode = 0;
	if (pflags & ENF_PROFILE_HAS_FROM) {
		r = enf_exe_id(tc, instance);
		if (r < 0)
			return r;
		exe_id = r;
	}
	r = enf_path_walk(tc, tc->obj_dentry, tc->obj_mnt, instance, pflags);
	tc->res.depth = tc->walk.depth;
	if (r < 0)
		return r;
	if (tc->walk.tree_root && foreign_root(tc->walk.mnt, tc->walk.below))
		return -EXDEV;
	tc->trie.leaf_node = tc->walk.leaf_hit ? tc->hits.leaf_node : ENF_NO_NODE;
	tc->trie.anc_node = tc->walk.anc_hit ? tc->hits.anc_node : ENF_NO_NODE;
	r = enf_trie_match(tc, instance, tc->walk.depth, exe_id, pflags);
	if (r < 0)
		return r;
	r = inode_restrict(tc, instance, pflags & ENF_MATCH_CONTENTS);
	if (r < 0)
		return r;
	tc->res.leaf_flags = tc->trie.leaf_flags;
	tc->res.full = tc->trie.full;
	return 0;
}

/*
 * One match and a re-check that the profile still points at the instance
 * matched: the daemon removes an old instance's entries right after
 * switching to a new one, so a match over an instance that is still
 * current afterwards saw its entries intact. -EAGAIN: it moved, d->prof
 * now holds the new state.
 */
static __always_inline int match_once(struct enf_task_ctx *tc, struct decision *d, int *ret)
{
	*ret = enf_match_object(tc, d->prof.instance, d->prof.flags);
	return profile_recheck(d);
}

/* Whether the profile denies class c (a file access) on the matched object, by rule or by default. */
static __always_inline bool file_class_denied(const struct decision *d, const struct match_result *res, int c)
{
	__u32 a = res->out.action[c];

	if (a == ENF_ACT_NONE)
		a = d->prof.defaults[ENF_SECTION_FILE];
	return a == ENF_ACT_DENY;
}

_Static_assert((ENF_CLASS_COUNT & (ENF_CLASS_COUNT - 1)) == 0, "pick_class_step() masks the class");

/* What no step of the pick of the most severe class changes (the pick itself is in tc->pick). */
struct class_pick {
	struct enf_task_ctx *tc;
	__u32 class_mask;
	__u8  defaults[ENF_SECTION_COUNT];
};

/*
 * Class c, if requested, against the most severe so far: its rule's action
 * on the match in tc->res, or its section's default. A loop of its own
 * (bpf_loop) rather than unrolled: each class it picks would be another
 * state for the verifier to follow through the rest of the decision.
 */
static int pick_class_step(__u32 c, void *data)
{
	struct class_pick *p = data;
	struct enf_task_ctx *tc = p->tc;
	__u32 a, reason = ENF_REASON_RULE;

	if (c >= ENF_CLASS_COUNT)
		return 1;
	/* The compiler may index with another copy of c than the one compared: bound that one too. */
	barrier_var(c);
	c &= ENF_CLASS_COUNT - 1;
	if (!(p->class_mask & (1u << c)))
		return 0;
	a = tc->res.out.action[c];
	if (a == ENF_ACT_NONE) {
		a = p->defaults[section_of(c)];
		reason = ENF_REASON_DEFAULT;
	}
	if (a > tc->pick.action) {
		tc->pick.action = a;
		tc->pick.rule = reason == ENF_REASON_RULE ? tc->res.out.rule[c] : 0;
		tc->pick.reason = reason;
		tc->pick.cls = c;
	}
	return 0;
}

/*
 * How many classes from 0 the pick must look at to see every class in
 * mask: the highest set bit's position + 1 (an open for reading asks for
 * two steps, not ENF_CLASS_COUNT: each is a callback).
 */
static __always_inline __u32 class_span(__u32 mask)
{
	__u32 n = 0;

	_Static_assert(ENF_CLASS_COUNT == 8, "class_span() looks at 8 bits");
	mask &= 0xff;
	if (mask >> 4) {
		n += 4;
		mask >>= 4;
	}
	if (mask >> 2) {
		n += 2;
		mask >>= 2;
	}
	if (mask >> 1) {
		n += 1;
		mask >>= 1;
	}
	return n + (mask & 1);
}

/*
 * The decision for the object the hook put in tc (check_object()), under
 * the profile status names (current_profile_status()). tc may be NULL
 * (no scratch could be had): that fails closed.
 */
__noinline int enf_decide_object(struct enf_task_ctx *tc, __u32 class_mask, __u32 hook_opts, int status)
{
	struct decision d = { .hook = DECIDE_HOOK(hook_opts) };
	__u32 opts = DECIDE_OPTS(hook_opts);
	struct class_pick pick = {};
	struct match_result *res;
	int r, m, ret = 0;

	r = profile_of_status(status, &d, &ret);
	if (r <= 0)
		return ret;
	if (d.prof.mode == ENF_MODE_LEARN)
		return ENF_DECIDE_LEARN;
	/* What a failure before the classes are weighed reports: the first class asked for. */
	for (int c = ENF_CLASS_COUNT - 1; c >= 0; c--)
		if (class_mask & CLASS_BIT(c))
			d.cls = c;
	if (!tc)
		return fail_closed(&d, ENF_REASON_UNRESOLVED, NULL, 0);
	res = &tc->res;

	/* Once more if the instance moved meanwhile; fail closed if it moved again. */
	m = match_once(tc, &d, &r);
	if (m == -EAGAIN)
		m = match_once(tc, &d, &r);
	if (m < 0 || r == -ENOENT)
		return fail_closed(&d, ENF_REASON_NO_INSTANCE, tc, res->depth);
	if (r == -EXDEV)
		return fail_closed(&d, ENF_REASON_FOREIGN, tc, res->depth);
	if (r < 0)
		return fail_closed(&d, ENF_REASON_UNRESOLVED, tc, res->depth);

	/* The most severe verdict over the requested classes decides. */
	pick.tc = tc;
	pick.class_mask = class_mask;
	__builtin_memcpy(pick.defaults, d.prof.defaults, sizeof(pick.defaults));
	tc->pick.action = ENF_ACT_NONE;
	tc->pick.rule = 0;
	tc->pick.reason = 0;
	tc->pick.cls = 0;
	bpf_loop(class_span(class_mask), pick_class_step, &pick, 0);
	d.action = tc->pick.action;
	d.rule = tc->pick.rule;
	d.reason = tc->pick.reason;
	d.cls = tc->pick.cls;
	/*
	 * An executable mapping the exec default alone refuses: allowed when
	 * the workload could not have put the file there under this profile
	 * (write and create both denied). The same match gave every class.
	 */
	if ((opts & CHECK_MAPPING) && d.reason == ENF_REASON_DEFAULT && d.action > ENF_ACT_ALLOW &&
	    file_class_denied(&d, res, ENF_CLASS_WRITE) && file_class_denied(&d, res, ENF_CLASS_CREATE))
		d.action = ENF_ACT_ALLOW;
	if ((opts & CHECK_GUARD_MOVE) && res->full && (res->leaf_flags & ENF_NODE_GUARDED) &&
	    d.action < ENF_ACT_DENY) {
		d.action = ENF_ACT_DENY;
		d.rule = 0;
		d.reason = ENF_REASON_GUARD;
	}
	if (res->via_inode)
		d.event_flags |= ENF_EVENT_VIA_INODE;
	return finish(&d, tc, res->depth);
}

/*
 * The action that decides class c for the match in tc->res: its rule's, or
 * the section default. *rule: the rule's id, 0 for a default.
 */
static __always_inline __u8 effective_action(const struct decision *d, const struct match_result *res,
					     int c, __u32 *rule)
{
	__u8 a = res->out.action[c];

	*rule = res->out.rule[c];
	if (a == ENF_ACT_NONE) {
		a = d->prof.defaults[section_of(c)];
		*rule = 0;
	}
	return a;
}

/*
 * One pass of the refer rule over one view of the object (its own name,
 * or with ENF_MATCH_CONTENTS what lies below a directory): match the new
 * name (carrying the object's inode identity, which follows it there),
 * keep its effective actions, match the old name, and raise the pick
 * (tc->pick, refer_match()) to the old name's action in every class where
 * the new name would be less restrictive (deny > audit > allow). 0 or a
 * match's -errno.
 */
static __always_inline int refer_view(struct enf_task_ctx *tc, struct decision *d, __u32 view)
{
	struct match_result *res = &tc->res;
	__u32 rule;
	int r;

	tc->obj_dentry = tc->refer.new_dentry;
	tc->obj_mnt = tc->refer.new_mnt;
	tc->leaf_ident = tc->refer.old_dentry;
	r = enf_match_object(tc, d->prof.instance, d->prof.flags | ENF_MATCH_IDENT | view);
	if (r < 0)
		return r;
	for (int c = 0; c < ENF_CLASS_COUNT; c++)
		tc->refer.action[c] = effective_action(d, res, c, &rule);

	tc->obj_dentry = tc->refer.old_dentry;
	tc->obj_mnt = tc->refer.old_mnt;
	r = enf_match_object(tc, d->prof.instance, d->prof.flags | view);
	if (r < 0)
		return r;
	for (int c = 0; c < ENF_CLASS_COUNT; c++) {
		__u8 a = effective_action(d, res, c, &rule);

		if (a > tc->refer.action[c] && a > tc->pick.action) {
			tc->pick.action = a;
			tc->pick.rule = rule;
			tc->pick.cls = c;
		}
	}
	if (res->via_inode)
		d->event_flags |= ENF_EVENT_VIA_INODE;
	return 0;
}

/* Both views of a directory, the object's own otherwise; the pick into d. */
static __always_inline int refer_match(struct enf_task_ctx *tc, struct decision *d, bool dir)
{
	int r;

	tc->pick.action = ENF_ACT_ALLOW;
	tc->pick.rule = 0;
	tc->pick.cls = 0;
	d->event_flags = 0;
	r = refer_view(tc, d, 0);
	if (r >= 0 && dir)
		r = refer_view(tc, d, ENF_MATCH_CONTENTS);
	d->action = tc->pick.action;
	d->rule = tc->pick.rule;
	d->cls = tc->pick.cls;
	return r;
}

/*
 * The refer rule (Landlock's name for it; security/landlock/fs.c,
 * current_check_refer_path()): a rename or a link must never give an
 * object a name under which it is less restricted, in any class, than
 * under its old one. The hook put the old and new names in tc->refer
 * (check_refer()). A directory carries everything below it: the names
 * a rule gives inside it are refused by the guard (CHECK_GUARD_MOVE), so
 * what is left to compare is the directory itself and what its content
 * inherits. A class whose old action is deny refuses the move; one that is
 * only audited is allowed with an audit event (audit rules never deny).
 * The event names the old name, with reason refer.
 */
__noinline int enf_decide_refer(struct enf_task_ctx *tc, __u32 hook_opts, int status)
{
	struct decision d = { .hook = DECIDE_HOOK(hook_opts), .reason = ENF_REASON_REFER };
	bool dir = DECIDE_OPTS(hook_opts) & REFER_DIR;
	int r, m, ret = 0;

	r = profile_of_status(status, &d, &ret);
	if (r <= 0)
		return ret;
	if (d.prof.mode == ENF_MODE_LEARN)
		return 0; /* the rename's own classes were learned; a profile is a set of names */
	if (!tc)
		return fail_closed(&d, ENF_REASON_UNRESOLVED, NULL, 0);

	/* All matches under one instance: once more if it moved meanwhile. */
	r = refer_match(tc, &d, dir);
	m = profile_recheck(&d);
	if (m == -EAGAIN) {
		r = refer_match(tc, &d, dir);
		m = profile_recheck(&d);
	}
	if (m < 0 || r == -ENOENT)
		return fail_closed(&d, ENF_REASON_NO_INSTANCE, tc, tc->res.depth);
	if (r == -EXDEV)
		return fail_closed(&d, ENF_REASON_FOREIGN, tc, tc->res.depth);
	if (r < 0)
		return fail_closed(&d, ENF_REASON_UNRESOLVED, tc, tc->res.depth);
	return finish(&d, tc, tc->res.depth);
}

/*
 * Exec (or an executable mapping, per hook) of a file with no name: no path
 * rule can name it, so the profile's exec.fileless setting decides, or the
 * exec default. The walk only gives the event its text ("/memfd:name").
 */
__noinline int enf_decide_fileless(__u64 dentry, __u64 mnt, __u32 hook)
{
	struct decision d = { .hook = hook, .cls = ENF_CLASS_EXEC,
			      .reason = ENF_REASON_FILELESS, .event_flags = ENF_EVENT_FILELESS };
	struct enf_task_ctx *tc;
	int r, ret = 0;

	r = profile_of_status(hook_status(hook), &d, &ret);
	if (r <= 0)
		return ret;
	if (d.prof.mode == ENF_MODE_LEARN)
		return ENF_DECIDE_LEARN;
	d.action = d.prof.fileless_exec != ENF_ACT_NONE ? d.prof.fileless_exec
							 : d.prof.defaults[ENF_SECTION_EXEC];
	tc = task_scratch();
	if (!tc)
		return finish(&d, NULL, 0); /* the decision stands; only the event loses its path */
	if (enf_path_walk(tc, dentry, mnt, 0, 0) < 0)
		return finish(&d, NULL, 0);
	return finish(&d, tc, tc->walk.depth);
}
