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
 * objects arrive as numbers (see as_scalar() in verdict.bpf.h) and are
 * read through CO-RE probe reads or, where the kernel has
 * bpf_rdonly_cast(), loads through KERNEL_OBJECT() (common.bpf.h).
 */
#include "common.bpf.h"
#include "verdict.bpf.h"
#include "learn.bpf.h"

/* enf_match_object()'s result when it took the task's last match (match_memos): a success. */
#define ENF_MATCH_KEPT 1
/* match_once()'s when the hook took the task's last match without walking (path_memos): a success. */
#define ENF_MATCH_UNWALKED 2

_Static_assert((ENF_MEMO_DEPTH & (ENF_MEMO_DEPTH - 1)) == 0, "the memo's steps mask the component index");

/* What no step of a comparison or a copy of names between the walk and a memo changes. */
struct memo_names {
	const struct enf_task_ctx *tc;
	struct enf_match_memo *memo;
};

/*
 * The names are compared and copied by bpf_loop() callbacks, checked once
 * each by the verifier: as plain loops they were checked once per
 * component and per caller state: a third more instructions to verify,
 * over all programs. A step that stops returns 1, so bpf_loop(depth + 1, ...)
 * returns depth + 1 only when every component passed and the last step
 * said so.
 */
static int memo_name_same_step(__u32 i, void *data)
{
	struct memo_names *w = data;
	const struct walked_name *c;
	const struct memo_name *m;

	if (i >= w->tc->walk.depth || i >= ENF_MEMO_DEPTH)
		return 1;
	/* The compiler may index with another copy of i than the one compared: bound that one too. */
	barrier_var(i);
	i &= ENF_MEMO_DEPTH - 1;
	c = &w->tc->name[i];
	m = &w->memo->name[i];
	_Static_assert(ENF_SHORT_NAME_MAX / 8 == 3, "a name is compared as three words");
	if (!c->is_short || c->len != m->len || c->word[0] != m->word[0] || c->word[1] != m->word[1] ||
	    c->word[2] != m->word[2])
		return 1;
	return 0;
}

static int memo_name_keep_step(__u32 i, void *data)
{
	struct memo_names *w = data;
	const struct walked_name *c;
	struct memo_name *m;

	if (i >= w->tc->walk.depth || i >= ENF_MEMO_DEPTH)
		return 1;
	barrier_var(i); /* as above */
	i &= ENF_MEMO_DEPTH - 1;
	c = &w->tc->name[i];
	if (!c->is_short)
		return 1;
	m = &w->memo->name[i];
	m->word[0] = c->word[0];
	m->word[1] = c->word[1];
	m->word[2] = c->word[2];
	m->len = c->len;
	return 0;
}

/*
 * The memo's functions are global: their frames are not on the call chain
 * of the walks, which has 512 bytes of stack in all, and
 * enf_match_object() never tests the memo itself, which would give the
 * verifier two states to follow through the rest of the match. Each takes
 * the memo as looked up (NULL when there is none) and does nothing then.
 * A new name carrying another object's identity (ENF_MATCH_IDENT) is
 * matched every time.
 *
 * enf_memo_begin(): attach_gen before the walk. Identities added to the
 * instance while the walk runs (a container's view, at attach) come with
 * a later one, so a match that may have missed them is kept under the
 * earlier.
 */
__noinline int enf_memo_begin(struct enf_match_memo *memo)
{
	struct enf_config *cfg = engine_settings();

	if (!memo)
		return 0;
	memo->walk_gen = cfg ? *(volatile __u64 *)&cfg->attach_gen : 0;
	return 0;
}

/*
 * Whether a memo applies: scratch and memo were had, and the match is not
 * of a name given another object's identity, nor made as another
 * executable than the task's.
 */
static __always_inline bool memo_applies(const struct enf_task_ctx *tc, const struct enf_match_memo *memo, __u32 pflags)
{
	return tc && memo && !(pflags & (ENF_MATCH_IDENT | ENF_MATCH_EXE_FIELD));
}

/*
 * 1 with tc->res set from memo when memo holds a match made under what
 * this one is made under (memo->walk_gen, instance, exe_id, pflags) and
 * the walk in tc read what that match's walk read: the same names and the
 * same identities. 0 otherwise.
 */
__noinline int enf_memo_take(struct enf_task_ctx *tc, struct enf_match_memo *memo, __u32 instance, __u32 exe_id,
			     __u32 pflags)
{
	struct memo_names w = { .tc = tc, .memo = memo };
	__u32 depth;

	if (!memo_applies(tc, memo, pflags))
		return 0;
	if (!memo->kept || !memo->walk_gen || memo->attach_gen != memo->walk_gen || memo->instance != instance ||
	    memo->exe_id != exe_id || memo->pflags != pflags)
		return 0;
	depth = tc->walk.depth;
	if (memo->depth != depth || depth > ENF_MEMO_DEPTH || memo->leaf_hit != tc->walk.leaf_hit ||
	    memo->anc_hit != tc->walk.anc_hit)
		return 0;
	if (tc->walk.leaf_hit && (memo->hits.leaf_dev != tc->hits.leaf_dev || memo->hits.leaf_ino != tc->hits.leaf_ino ||
				  memo->hits.leaf_node != tc->hits.leaf_node))
		return 0;
	if (tc->walk.anc_hit && (memo->hits.anc_dev != tc->hits.anc_dev || memo->hits.anc_ino != tc->hits.anc_ino ||
				 memo->hits.anc_node != tc->hits.anc_node))
		return 0;
	if (bpf_loop(depth + 1, memo_name_same_step, &w, 0) != depth + 1)
		return 0;
	tc->res.out = memo->res.out;
	tc->res.leaf_flags = memo->res.leaf_flags;
	tc->res.full = memo->res.full;
	tc->res.via_inode = memo->res.via_inode;
	tc->res.from_seen = memo->res.from_seen;
	return 1;
}

/*
 * A hint of the path the walk in tc read: its depth and the first words of
 * its last two names. Equal hints say only that two paths may be the same.
 */
static __always_inline __u64 walk_hint(const struct enf_task_ctx *tc)
{
	__u64 h = tc->walk.depth;

	h = (h ^ tc->name[0].word[0]) * 0x9E3779B97F4A7C15ULL;
	h = (h ^ tc->name[0].len) * 0x9E3779B97F4A7C15ULL;
	return (h ^ tc->name[1].word[0]) * 0x9E3779B97F4A7C15ULL;
}

/*
 * Keep the match just made (tc->res, the walk in tc) in memo, under what
 * it was made under: when the path that missed before this one was this
 * one too (walk_hint()). Copying the names is most of what keeping costs,
 * so a task that opens one file after another keeps nothing and keeps
 * the memo it had; one that opens a file twice keeps it at the second
 * open. Nothing is kept when a name is not kept whole, the path is too
 * deep, or no attach_gen was read.
 */
__noinline int enf_memo_keep(struct enf_task_ctx *tc, struct enf_match_memo *memo, __u32 instance, __u32 exe_id,
			     __u32 pflags)
{
	struct memo_names w = { .tc = tc, .memo = memo };
	__u32 depth;
	__u64 hint;

	if (!memo_applies(tc, memo, pflags))
		return 0;
	hint = walk_hint(tc);
	if (memo->missed != hint) {
		memo->missed = hint;
		return 0;
	}
	memo->kept = 0;
	depth = tc->walk.depth;
	if (!memo->walk_gen || depth > ENF_MEMO_DEPTH || bpf_loop(depth + 1, memo_name_keep_step, &w, 0) != depth + 1)
		return 0;
	memo->attach_gen = memo->walk_gen;
	memo->instance = instance;
	memo->exe_id = exe_id;
	memo->pflags = pflags;
	memo->depth = depth;
	memo->hits = tc->hits;
	memo->leaf_hit = tc->walk.leaf_hit;
	memo->anc_hit = tc->walk.anc_hit;
	memo->res = tc->res;
	memo->kept = 1;
	return 0;
}

/*
 * Label the match just made (tc->res, by the walk in tc) with what it was
 * made under, for the path memo (enf_path_memo_keep()): the walk's rename
 * sequence when it trusted it (even, + 1), else nothing to keep.
 */
static __always_inline void label_match(struct enf_task_ctx *tc, __u32 instance, __u32 exe_id, __u32 pflags)
{
	tc->matched.instance = instance;
	tc->matched.exe_id = exe_id;
	tc->matched.pflags = pflags;
	tc->matched.dentry = tc->obj_dentry;
	tc->matched.seq = tc->walk.each_dentry || (tc->walk.seq & 1) ? 0 : tc->walk.seq + 1;
}

/*
 * The task's executable identity (when the profile uses 'from' and pflags
 * names no other: ENF_MATCH_AS_EXE()), the walk
 * of the object (tc->obj_dentry in tc->obj_mnt, with inode identities when
 * the profile names any) and the match of every access class, for one
 * instance, into the task's scratch (tc->res). pflags: the profile's flags
 * plus ENF_MATCH_*. 0 or -errno; -EXDEV when the object's name is not in
 * the task's mount namespace (enf_foreign_root()), -ESTALE when it has no
 * name at all (walk_named_nowhere()); ENF_MATCH_KEPT when the
 * match was taken from the task's last one (match_memos): the walk read
 * the same as that one did.
 */
__noinline int enf_match_object(struct enf_task_ctx *tc, __u32 instance, __u32 pflags)
{
	struct enf_match_memo *memo;
	__u32 exe_id = 0;
	int r;

	if (!tc)
		return -ENOMEM;
	tc->res.depth = 0;
	tc->res.full = 0;
	tc->res.via_inode = 0;
	tc->res.from_seen = 0;
	tc->matched.seq = 0;
	memo = bpf_task_storage_get(&match_memos, bpf_get_current_task_btf(), NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	(void)enf_memo_begin(memo);
	if (pflags & ENF_MATCH_EXE_FIELD) {
		exe_id = ((pflags & ENF_MATCH_EXE_FIELD) >> ENF_MATCH_EXE_SHIFT) - 1;
	} else if (pflags & ENF_PROFILE_HAS_FROM) {
		r = enf_exe_id(tc, instance);
		if (r < 0)
			return r;
		exe_id = r;
	}
	r = path_walk(tc, tc->obj_dentry, tc->obj_mnt, instance, pflags);
	tc->res.depth = tc->walk.depth;
	if (r < 0)
		return r;
	if (tc->walk.tree_root && enf_foreign_root(tc->walk.mnt, tc->walk.below))
		return -EXDEV;
	if (walk_named_nowhere(tc))
		return -ESTALE;
	if (enf_memo_take(tc, memo, instance, exe_id, pflags)) {
		stat_inc(ENF_STAT_MATCH_MEMO);
		label_match(tc, instance, exe_id, pflags);
		return ENF_MATCH_KEPT;
	}
	tc->trie.leaf_node = tc->walk.leaf_hit ? tc->hits.leaf_node : ENF_NO_NODE;
	tc->trie.anc_node = tc->walk.anc_hit ? tc->hits.anc_node : ENF_NO_NODE;
	r = enf_trie_match(tc, instance, tc->walk.depth, exe_id, pflags);
	if (r < 0)
		return r;
	tc->res.leaf_flags = tc->trie.leaf_flags;
	r = inode_restrict(tc, instance, pflags & ENF_MATCH_CONTENTS);
	if (r < 0) {
		tc->matched.seq = 0; /* inode_restrict() wrote its key over the label */
		return r;
	}
	tc->res.full = tc->trie.full;
	tc->res.from_seen = tc->trie.from_seen;
	(void)enf_memo_keep(tc, memo, instance, exe_id, pflags);
	label_match(tc, instance, exe_id, pflags);
	return 0;
}

/*
 * One match and a re-check that the profile still points at the instance
 * matched: the daemon removes an old instance's entries right after
 * switching to a new one, so a match over an instance that is still
 * current afterwards saw its entries intact. -EAGAIN: it moved, d->prof
 * now holds the new state.
 */
static __always_inline int match_once(struct enf_task_ctx *tc, struct decision *d, int *ret, __u32 taken)
{
	/*
	 * The hook took the task's last match unwalked under the instance the
	 * decision read (enf_path_memo_take()): that match read none of the
	 * instance's entries now, as a kept one below.
	 */
	if (taken && taken - 1 == d->prof.instance) {
		stat_inc(ENF_STAT_MATCH_MEMO);
		*ret = ENF_MATCH_UNWALKED;
		return 0;
	}
	*ret = enf_match_object(tc, d->prof.instance, d->prof.flags);
	/*
	 * A kept match reads none of the instance's entries. It was made by an
	 * earlier decision of this task under this instance; had the daemon
	 * been removing them then, it had switched the profile away from the
	 * instance before, and this decision, which read the profile after
	 * that one ended, would not have read this instance.
	 */
	if (*ret == ENF_MATCH_KEPT) {
		*ret = 0;
		return 0;
	}
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
__noinline int enf_decide_object(struct enf_task_ctx *tc, __u32 class_mask, __u32 hook_opts, int status, __u32 taken)
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
	m = match_once(tc, &d, &r, taken);
	if (m == -EAGAIN)
		m = match_once(tc, &d, &r, 0);
	if (m < 0 || r == -ENOENT)
		return fail_closed(&d, ENF_REASON_NO_INSTANCE, tc, res->depth);
	if (r == -EXDEV)
		return fail_closed(&d, ENF_REASON_FOREIGN, tc, res->depth);
	if (r == -ESTALE)
		return fail_closed(&d, ENF_REASON_DISCONNECTED, tc, res->depth);
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
	/* A match taken without walking read only the leaf: one with an event is made again, by walk. */
	if (r == ENF_MATCH_UNWALKED && d.action != ENF_ACT_ALLOW)
		return ENF_DECIDE_WALK;
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
 * A move refused whatever its classes (another name for a guarded place,
 * too many programs to compare): the event names the move's own class.
 */
static __always_inline void refuse_move(struct enf_task_ctx *tc, const struct decision *d)
{
	tc->pick.action = ENF_ACT_DENY;
	tc->pick.rule = 0;
	tc->pick.cls = d->hook == ENF_HOOK_PATH_LINK ? ENF_CLASS_LINK : ENF_CLASS_RENAME;
}

/*
 * One pass of the refer rule over one view of the object (its own name,
 * or with ENF_MATCH_CONTENTS what lies below a directory), as one
 * executable (as_exe: 0 for the task's own, else ENF_MATCH_AS_EXE()):
 * match the new name (carrying the object's inode identity, which follows
 * it there), keep its effective actions, match the old name, and raise the
 * pick (tc->pick, refer_match()) to the old name's action in every class
 * where the new name would be less restrictive (deny > audit > allow), or
 * to deny where either name is another for a place with rules below it.
 * 1 when either match reached a node some 'from' rule names, else 0; or a
 * match's -errno. A global function: the loop over executables
 * (refer_every_exe()) verifies one call per executable, not the body.
 */
__noinline int enf_refer_view(struct enf_task_ctx *tc, struct decision *d, __u32 view, __u32 as_exe)
{
	struct match_result *res;
	bool from_seen, alias;
	__u32 rule;
	int r;

	if (!tc || !d)
		return -EINVAL;
	res = &tc->res;

	tc->obj_dentry = tc->refer.new_dentry;
	tc->obj_mnt = tc->refer.new_mnt;
	tc->leaf_ident = tc->refer.old_dentry;
	r = enf_match_object(tc, d->prof.instance, d->prof.flags | ENF_MATCH_IDENT | view | as_exe);
	if (r < 0)
		return r;
	from_seen = res->from_seen;
	alias = res->leaf_flags & ENF_LEAF_ALIAS_GUARDED;
	for (int c = 0; c < ENF_CLASS_COUNT; c++)
		tc->refer.action[c] = effective_action(d, res, c, &rule);

	tc->obj_dentry = tc->refer.old_dentry;
	tc->obj_mnt = tc->refer.old_mnt;
	r = enf_match_object(tc, d->prof.instance, d->prof.flags | view | as_exe);
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
	/*
	 * Another name (a bind mount's) for a place with rules below it, at
	 * either end: the guard by name (CHECK_GUARD_MOVE) cannot tell which
	 * of those names this is, nor does 'from' apply there. Refused.
	 */
	if (alias || (res->leaf_flags & ENF_LEAF_ALIAS_GUARDED))
		refuse_move(tc, d);
	if (res->via_inode)
		d->event_flags |= ENF_EVENT_VIA_INODE;
	return from_seen || res->from_seen;
}

/*
 * The most executables the refer rule compares one by one: the verifier
 * checks each turn of the loop (a call of enf_refer_view()), so it needs
 * a bound. Not bpf_loop(): its callback's frame took the walk's call
 * chain past 512 bytes of stack on 6.1. A profile whose 'from' rules name
 * more has every move that reaches one of their nodes refused.
 */
#define ENF_REFER_EXES_MAX 32
_Static_assert(ENF_MATCH_AS_EXE(ENF_REFER_EXES_MAX - 1) >> ENF_MATCH_EXE_SHIFT == ENF_REFER_EXES_MAX,
	       "every exe_id the loop compares fits ENF_MATCH_AS_EXE()");

/*
 * One view as the task's executable, then, where either name reached a
 * node that a 'from' rule names, as every executable the profile's 'from'
 * rules name and as one they do not (exe_id 0): a move that gives no more
 * to the mover may give more to another program of the domain, which then
 * reads what no rule let it read (php-fpm moving a denied directory into
 * the tree nginx alone may serve). Where no such node was reached, every
 * executable's match is the task's. 0 or a match's -errno.
 */
static __always_inline int refer_every_exe(struct enf_task_ctx *tc, struct decision *d, __u32 view)
{
	int r;

	r = enf_refer_view(tc, d, view, 0);
	if (r <= 0)
		return r;
	if (d->prof.from_exes >= ENF_REFER_EXES_MAX) {
		refuse_move(tc, d);
		return 0;
	}
	for (__u32 exe_id = 0; exe_id < ENF_REFER_EXES_MAX; exe_id++) {
		if (exe_id > d->prof.from_exes)
			break;
		r = enf_refer_view(tc, d, view, ENF_MATCH_AS_EXE(exe_id));
		if (r < 0)
			return r;
	}
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
	r = refer_every_exe(tc, d, 0);
	if (r >= 0 && dir)
		r = refer_every_exe(tc, d, ENF_MATCH_CONTENTS);
	d->action = tc->pick.action;
	d->rule = tc->pick.rule;
	d->cls = tc->pick.cls;
	return r;
}

/*
 * The refer rule (Landlock's name for it; security/landlock/fs.c,
 * current_check_refer_path()): a rename or a link must never give an
 * object a name under which it is less restricted, in any class, than
 * under its old one, for any program of the domain (refer_every_exe()).
 * The hook put the old and new names in tc->refer
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
	if (r == -ESTALE)
		return fail_closed(&d, ENF_REASON_DISCONNECTED, tc, tc->res.depth);
	if (r < 0)
		return fail_closed(&d, ENF_REASON_UNRESOLVED, tc, tc->res.depth);
	return finish(&d, tc, tc->res.depth);
}

/*
 * Exec (or an executable mapping, per hook) of a file with no name: no path
 * rule can name it, so the profile's exec.fileless setting decides, or the
 * exec default. The walk only gives the event its text ("/memfd:name").
 * A file that had a name (had_name: unlinked since it was opened) and that
 * this would allow under an exec default of allow is ENF_DECIDE_BY_NAME:
 * the rules of the name it had decide it too, so unlinking a binary that a
 * rule denies does not make it runnable (found by review). Under a default
 * of deny only the fileless setting decides, as before: what it allows
 * includes any code the task writes into a memfd.
 */
__noinline int enf_decide_fileless(__u64 dentry, __u64 mnt, __u32 hook, __u32 had_name)
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
	if (had_name && d.action == ENF_ACT_ALLOW && d.prof.defaults[ENF_SECTION_EXEC] == ENF_ACT_ALLOW)
		return ENF_DECIDE_BY_NAME;
	tc = task_scratch();
	if (!tc)
		return finish(&d, NULL, 0); /* the decision stands; only the event loses its path */
	if (path_walk(tc, dentry, mnt, 0, 0) < 0)
		return finish(&d, NULL, 0);
	return finish(&d, tc, tc->walk.depth);
}
