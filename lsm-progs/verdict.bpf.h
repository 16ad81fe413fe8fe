/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * From a matched action to what the hook returns, plus the audit event.
 * The verdict is computed first and never depends on whether an event
 * could be reserved: a full ring buffer costs a record (counted), not
 * enforcement.
 */
#ifndef ENF_VERDICT_BPF_H
#define ENF_VERDICT_BPF_H

#include "common.bpf.h"
#include "path.bpf.h"


/* What a network hook reports about the operation (copied into the event). */
struct net_info {
	__u32 op;         /* POLICY_NET_* bit */
	__u16 port;       /* host byte order */
	__u8  family;     /* AF_* */
	__u8  proto;      /* enum policy_net_proto */
	__u8  addr[16];   /* IPv6 or IPv4-mapped */
};

struct decision {
	__u32 slot;
	struct enf_profile_val prof;  /* copied once: one generation decides */
	__u32 action;                 /* enum enf_action after defaults */
	__u32 rule;
	__u32 reason;                 /* enum enf_reason */
	__u32 cls;                    /* enum enf_class */
	__u32 hook;                   /* enum enf_hook */
	__u32 event_flags;            /* ENF_EVENT_* to add */
	bool has_net;
	struct net_info net;          /* when has_net */
};

static __always_inline __u32 section_of(enum enf_class cls)
{
	return cls == ENF_CLASS_EXEC ? ENF_SECTION_EXEC : ENF_SECTION_FILE;
}

static __always_inline void fill_event(struct enf_event *ev, const struct decision *d,
				       __u32 verdict, int error)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	ev->timestamp_ns = bpf_ktime_get_ns();
	ev->generation = d->prof.generation;
	ev->cgroup_id = bpf_get_current_cgroup_id();
	ev->hook = d->hook;
	ev->verdict = verdict;
	ev->mode = d->prof.mode;
	ev->slot = d->slot;
	ev->instance = d->prof.instance;
	ev->rule_id = d->rule;
	ev->reason = d->reason;
	ev->access_class = d->cls;
	ev->error = error;
	ev->pid = (__u32)pid_tgid;
	ev->tgid = pid_tgid >> 32;
	ev->ppid = BPF_CORE_READ(task, real_parent, tgid);
	ev->uid = (__u32)uid_gid;
	ev->gid = uid_gid >> 32;
	ev->flags = d->event_flags;
	ev->path_len = 0;
	ev->path[0] = 0;
	if (d->has_net) {
		ev->net_op = d->net.op;
		ev->net_port = d->net.port;
		ev->net_family = d->net.family;
		ev->net_proto = d->net.proto;
		__builtin_memcpy(ev->net_addr, d->net.addr, sizeof(ev->net_addr));
	} else {
		ev->net_op = 0;
		ev->net_port = 0;
		ev->net_family = 0;
		ev->net_proto = 0;
		__builtin_memset(ev->net_addr, 0, sizeof(ev->net_addr));
	}
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
}

/*
 * Turn d->action into the hook's return value and emit an event for every
 * verdict other than a plain allow. tc may be NULL (no path to report).
 */
static __always_inline int finish(struct decision *d, struct enf_task_ctx *tc, __u32 depth)
{
	__u32 verdict;
	int error = 0;
	struct enf_event *ev;

	stat_inc(ENF_STAT_DECISIONS);
	switch (d->action) {
	case ENF_ACT_ALLOW:
		return 0;
	case ENF_ACT_AUDIT:
		verdict = ENF_VERDICT_AUDIT;
		stat_inc(ENF_STAT_AUDITED);
		break;
	default: /* ENF_ACT_DENY, and anything unexpected: fail closed */
		if (d->prof.mode == ENF_MODE_AUDIT && d->reason != ENF_REASON_NO_INSTANCE) {
			verdict = ENF_VERDICT_WOULD_DENY;
			stat_inc(ENF_STAT_AUDITED);
		} else {
			verdict = ENF_VERDICT_DENY;
			error = -EPERM;
			stat_inc(ENF_STAT_DENIED);
		}
		break;
	}

	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		stat_inc(ENF_STAT_EVENT_DROPPED);
		return error;
	}
	fill_event(ev, d, verdict, error);
	if (tc)
		path_text(ev, tc, depth);
	bpf_ringbuf_submit(ev, 0);
	return error;
}

/* One match; -EAGAIN when the profile moved to another instance meanwhile. */
static __always_inline int match_once(struct decision *d, struct enf_task_ctx *tc, __u32 depth, int *ret)
{
	struct enf_profile_val *prof;

	*ret = trie_match(tc, d->prof.instance, depth, d->cls, &d->action, &d->rule);
	prof = bpf_map_lookup_elem(&profiles, &d->slot);
	if (!prof)
		return -ENOENT;
	if (prof->instance == d->prof.instance)
		return 0;
	d->prof = *prof;
	return -EAGAIN;
}

/*
 * The daemon removes an old instance's nodes right after switching the
 * profile to a new one. A match over an instance that is still current
 * after the match saw its nodes intact; otherwise match once more against
 * the new instance, and fail closed (-EAGAIN) if that one moved too.
 * Written out twice: the 6.1 verifier refuses the loop form here.
 */
static __always_inline int match_stable(struct decision *d, struct enf_task_ctx *tc, __u32 depth)
{
	int r, m;

	m = match_once(d, tc, depth, &r);
	if (m == -EAGAIN)
		m = match_once(d, tc, depth, &r);
	if (m < 0)
		return -EAGAIN;
	return r;
}

/* Deny (or would-deny in audit mode) because the decision could not be made. */
static __always_inline int fail_closed(struct decision *d, enum enf_reason reason,
				       struct enf_task_ctx *tc, __u32 depth)
{
	d->action = ENF_ACT_DENY;
	d->reason = reason;
	stat_inc(reason == ENF_REASON_NO_INSTANCE ? ENF_STAT_NO_INSTANCE : ENF_STAT_UNRESOLVED);
	return finish(d, tc, depth);
}

/*
 * The whole decision for an operation on a kernel-resolved path: which
 * profile governs the task, what its rules say about this path and access
 * class, and what to return. 0 for tasks no profile governs.
 */
static __always_inline int check_path(const struct path *path, enum enf_class cls, enum enf_hook hook)
{
	struct decision d = { .cls = cls, .hook = hook };
	struct enf_profile_val *prof;
	struct enf_task_ctx *tc;
	__u32 depth = 0;
	int r;

	r = current_profile_slot(&d.slot);
	if (r == 0)
		return 0;
	if (r < 0)
		return fail_closed(&d, ENF_REASON_UNRESOLVED, NULL, 0);

	prof = bpf_map_lookup_elem(&profiles, &d.slot);
	if (!prof)
		return fail_closed(&d, ENF_REASON_NO_INSTANCE, NULL, 0);
	d.prof = *prof;

	tc = bpf_task_storage_get(&task_ctx, bpf_get_current_task_btf(), NULL,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!tc)
		return fail_closed(&d, ENF_REASON_UNRESOLVED, NULL, 0);
	if (path_walk(tc, path, &depth) < 0)
		return fail_closed(&d, ENF_REASON_UNRESOLVED, tc, depth);

	r = match_stable(&d, tc, depth);
	if (r == -EAGAIN || r == -ENOENT)
		return fail_closed(&d, ENF_REASON_NO_INSTANCE, tc, depth);
	if (r < 0)
		return fail_closed(&d, ENF_REASON_UNRESOLVED, tc, depth);

	if (d.action == ENF_ACT_NONE) {
		d.action = d.prof.defaults[section_of(cls)];
		d.reason = ENF_REASON_DEFAULT;
	} else {
		d.reason = ENF_REASON_RULE;
	}
	return finish(&d, tc, depth);
}

#endif /* ENF_VERDICT_BPF_H */
