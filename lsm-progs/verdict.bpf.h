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
#include "cgroup.bpf.h"


/* What a network hook reports about the operation (copied into the event). */
struct net_info {
	__u32 op;         /* ENF_NET_* bit (enum enf_net_op) */
	__u16 port;       /* host byte order */
	__u8  family;     /* AF_* */
	__u8  proto;      /* enum enf_net_proto */
	__u8  addr[16];   /* IPv6 or IPv4-mapped */
};

/*
 * No implicit padding: finish() hands a pointer to this to a global
 * function (enf_emit_event), and the verifier insists that every byte a
 * global function may read is initialised.
 */
struct decision {
	__u32 slot;
	__u32 _pad0;
	struct enf_profile_val prof;  /* copied once: one generation decides */
	__u32 action;                 /* enum enf_action after defaults */
	__u32 rule;
	__u32 reason;                 /* enum enf_reason */
	__u32 cls;                    /* enum enf_class */
	__u32 hook;                   /* enum enf_hook */
	__u32 event_flags;            /* ENF_EVENT_* to add */
	__u32 has_net;
	struct net_info net;          /* when has_net */
	__u32 _pad1;
};
_Static_assert(sizeof(struct decision) == 8 + 24 + 7 * 4 + 24 + 4, "struct decision has padding");

static __always_inline __u32 section_of(enum enf_class cls)
{
	return cls == ENF_CLASS_EXEC ? ENF_SECTION_EXEC : ENF_SECTION_FILE;
}

/* The record's fields that come from the decision and the task (event.bpf.c, learn.bpf.c). */
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
	ev->exe[0] = 0;
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
 * The event of one decision, rate limited per (cgroup, rule): delivered,
 * aggregated or dropped, each counted (lsm-progs/event.bpf.c). A global
 * function, verified once per program rather than at every finish().
 * path_depth: 0 when there is no object path, else 1 + the number of
 * components of the object's walk in the task's scratch. Called from the
 * hook or from a decision function (enf_decide_object(),
 * enf_net_conclude(), ...), with the record's walks (enf_event_fill(),
 * enf_exe_text()) below it: the whole chain shares 512 bytes of stack.
 */
extern int enf_emit_event(struct decision *d, __u32 verdict, __u32 path_depth);

/* 1 in an interrupt, 0 in a task's process context (event.bpf.c says who calls it and why). */
extern int enf_in_interrupt(void);

/*
 * Turn d->action into the hook's return value and emit an event for every
 * verdict other than a plain allow. tc may be NULL (no path to report).
 * The verdict is fixed before the event is attempted and does not read
 * its outcome.
 */
static __always_inline int finish(struct decision *d, struct enf_task_ctx *tc, __u32 depth)
{
	__u32 verdict;
	int error = 0;

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
	(void)enf_emit_event(d, verdict, tc ? depth + 1 : 0);
	return error;
}

/* Options of check_object(). */
#define CHECK_GUARD_MOVE  (1u << 0) /* the object is being moved away: refuse to carry guarded paths */
/*
 * An executable mapping of the object (mmap_file, file_mprotect), decided
 * as its exec class, except that where no exec rule names the file and the
 * exec default would refuse it, a file the profile lets the workload
 * neither write nor create is allowed: shared libraries need no rules.
 */
#define CHECK_MAPPING     (1u << 1)

/*
 * The decision may take the task's last match of the same name without
 * walking (path_memos, maps.bpf.h), and keeps this one for that: only
 * where the hook is hot and decides one object (file_open), so that only
 * its program verifies the memo's functions.
 */
#define CHECK_PATH_MEMO   (1u << 2)

/* Deny (or would-deny in audit mode) because the decision could not be made. */
static __always_inline int fail_closed(struct decision *d, enum enf_reason reason,
				       struct enf_task_ctx *tc, __u32 depth)
{
	d->action = ENF_ACT_DENY;
	d->reason = reason;
	stat_inc(reason == ENF_REASON_NO_INSTANCE ? ENF_STAT_NO_INSTANCE : ENF_STAT_UNRESOLVED);
	return finish(d, tc, depth);
}

/* The profile status names (current_profile_status()), in the map: NULL when it names none, or it is gone. */
static __always_inline struct enf_profile_val *profile_val_of(int status)
{
	__u32 slot = (__u32)status - 1;

	return status > 0 ? bpf_map_lookup_elem(&profiles, &slot) : NULL;
}

/*
 * After matching against d->prof.instance: 0 when the profile still points
 * at that instance (the daemon removes an old instance's entries only after
 * switching away from it, so the match saw them intact), -EAGAIN when it
 * moved (d->prof now holds the new state: match once more), -ENOENT when
 * the profile is gone.
 */
static __always_inline int profile_recheck(struct decision *d)
{
	__u32 slot = d->slot; /* a key on the stack: d may be a global function's argument */
	struct enf_profile_val *prof = bpf_map_lookup_elem(&profiles, &slot);

	if (!prof)
		return -ENOENT;
	if (prof->instance == d->prof.instance)
		return 0;
	d->prof = *prof;
	return -EAGAIN;
}

/*
 * The profile that status (current_profile_status(), cgroup.bpf.h) names: 1 with d->slot and d->prof set, 0 when
 * no profile governs the task, -1 when that cannot be told (then *ret
 * holds the fail-closed return value).
 */
static __always_inline int profile_of_status(int status, struct decision *d, int *ret)
{
	struct enf_profile_val *prof;

	if (status == 0)
		return 0;
	if (status < 0) {
		*ret = fail_closed(d, ENF_REASON_UNRESOLVED, NULL, 0);
		return -1;
	}
	d->slot = (__u32)status - 1;
	prof = bpf_map_lookup_elem(&profiles, &d->slot);
	if (!prof) {
		*ret = fail_closed(d, ENF_REASON_NO_INSTANCE, NULL, 0);
		return -1;
	}
	d->prof = *prof;
	return 1;
}

/*
 * The status an operation of `hook` is decided under: exec is decided for
 * the service manager's tasks too (current_exec_status(), cgroup.bpf.h),
 * every other operation is theirs to make.
 */
static __always_inline int hook_status(__u32 hook)
{
	int status;

	if (hook != ENF_HOOK_BPRM_CHECK)
		return current_profile_status();
	status = current_exec_status();
	return status > 0 ? status & ~ENF_STATUS_MANAGER : status;
}

/* The governing profile of the current task, as profile_of_status(). */
static __always_inline int governing_profile(struct decision *d, int *ret)
{
	return profile_of_status(current_profile_status(), d, ret);
}

/*
 * As governing_profile(), but silent: 1 with d->slot and d->prof set, 0
 * otherwise. For the learn path (enf_learn_object(), learn.bpf.c), where
 * finish() and its event do not fit the 512-byte stack: its caller
 * (decide_object(), the fileless exec) decides again instead, which fails
 * closed with an event.
 */
static __always_inline int governing_profile_quiet(struct decision *d)
{
	struct enf_profile_val *prof;
	int status = hook_status(d->hook);

	if (status <= 0)
		return 0;
	d->slot = (__u32)status - 1;
	prof = bpf_map_lookup_elem(&profiles, &d->slot);
	if (!prof)
		return 0;
	d->prof = *prof;
	return 1;
}

/*
 * A kernel pointer as a plain number. Global BPF functions take scalars,
 * not typed kernel pointers; they only read through them with CO-RE probe
 * reads, which is what the hooks would do anyway.
 */
static __always_inline __u64 as_scalar(const void *p)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &p);
	return v;
}

/*
 * The decision engine lives in decide.bpf.c as global functions: the
 * verifier checks each once per program instead of once per inlined copy
 * and caller state, which keeps loading fast on every kernel.
 */
extern int enf_decide_object(struct enf_task_ctx *tc, __u32 class_mask, __u32 hook_opts, int status, __u32 taken);

/* enf_decide_object()'s hook_opts: the hook and check_object()'s options in one argument (five at most). */
#define DECIDE_HOW(hook, opts) ((__u32)(hook) | ((__u32)(opts) << 16))
#define DECIDE_HOOK(how)       ((how) & 0xffffu)
#define DECIDE_OPTS(how)       ((how) >> 16)

/* enf_decide_refer()'s option: the object is a directory (its content moves with it). */
#define REFER_DIR (1u << 0)
extern int enf_decide_refer(struct enf_task_ctx *tc, __u32 hook_opts, int status);
extern int enf_decide_fileless(__u64 dentry, __u64 mnt, __u32 hook, __u32 had_name);

/*
 * What the decision functions return when the governing profile is in
 * learn mode: the hook then records the operation itself, with
 * enf_learn_object() (learn.bpf.c). The hook calls it, not the decision
 * function, because a call chain shares one 512-byte stack and there is no
 * room for the learn walk below the decision's frame. Never a verdict:
 * decisions are 0 or -errno.
 */
#define ENF_DECIDE_LEARN 1
/*
 * What enf_decide_object() returns when it took the match the hook found
 * unwalked (its `taken`, enf_path_memo_take()) and the decision has an
 * event: the event's path needs the walk, which the hook asks for by
 * deciding again with taken 0. Never a verdict either.
 */
#define ENF_DECIDE_WALK 2
/*
 * What enf_decide_fileless() returns for a file that had a name (unlinked
 * after it was opened) where it would allow: the hook decides it by that
 * name as well (exec.bpf.c). Never a verdict either.
 */
#define ENF_DECIDE_BY_NAME 2
extern int enf_learn_object(__u64 dentry, __u64 mnt, __u32 what, __u32 hook);

/*
 * What a hook returns for a decision function's result. Kernels from 6.11
 * on check that an LSM program returns 0 or -errno (>= -4095), and a global
 * function's result is an unknown number to the verifier. Fail closed:
 * anything but 0 is a denial.
 */
static __always_inline int lsm_verdict(int r)
{
	return r == 0 ? 0 : -EPERM;
}

/*
 * The whole decision for an operation on a kernel-resolved object (dentry in
 * a mount) under the profile status names (current_profile_status()):
 * what its rules say for every access class in class_mask (the most
 * severe wins), and what to return. 0 for tasks no profile governs,
 * before anything of the object is read.
 *
 * The object reaches the decision engine through the task's scratch: a
 * global function takes no kernel pointers (they become plain numbers
 * there), and a store into the scratch costs nothing where a probe read
 * to launder them would cost a helper call each.
 */
static __always_inline int decide_object(int status, const struct dentry *dentry, const struct vfsmount *mnt,
					 __u32 class_mask, enum enf_hook hook, __u32 opts)
{
	struct enf_path_memo *pm = NULL;
	struct enf_task_ctx *tc;
	__u32 taken = 0;
	int r;

	if (status == 0)
		return 0;
	tc = task_scratch();
	if (tc) {
		tc->obj_dentry = (__u64)(unsigned long)dentry;
		tc->obj_mnt = (__u64)(unsigned long)mnt;
	}
	if (opts & CHECK_PATH_MEMO) {
		pm = path_memo();
		taken = enf_path_memo_take(tc, pm, status);
	}
	/* No scratch: the engine fails closed, with an event. */
	r = enf_decide_object(tc, class_mask, DECIDE_HOW(hook, opts), status, taken);
	if ((opts & CHECK_PATH_MEMO) && r == ENF_DECIDE_WALK) {
		taken = 0;
		r = enf_decide_object(tc, class_mask, DECIDE_HOW(hook, opts), status, 0);
	}
	if ((opts & CHECK_PATH_MEMO) && !taken)
		(void)enf_path_memo_keep(tc, pm);
	if (r == ENF_DECIDE_LEARN) { /* from here, not from the engine: see ENF_DECIDE_LEARN */
		r = enf_learn_object(as_scalar(dentry), as_scalar(mnt), class_mask, hook);
		/* It left learn mode meanwhile: decide under what governs now (fails closed, with its event). */
		if (r == -EAGAIN)
			r = enf_decide_object(tc, class_mask, DECIDE_HOW(hook, opts), hook_status(hook), 0);
	}
	return lsm_verdict(r);
}

/* As decide_object(), asking first which profile governs the task. */
static __always_inline int check_object(const struct dentry *dentry, const struct vfsmount *mnt,
					__u32 class_mask, enum enf_hook hook, __u32 opts)
{
	return decide_object(current_profile_status(), dentry, mnt, class_mask, hook, opts);
}

static __always_inline int check_path(const struct path *path, __u32 class_mask, enum enf_hook hook)
{
	/* Loads through the hook's typed pointer (an untrusted copy where the verifier would search BTF): no helper call. */
	return check_object(UNTRUSTED(const struct path, path)->dentry, UNTRUSTED(const struct path, path)->mnt, class_mask,
			    hook, 0);
}

#endif /* ENF_VERDICT_BPF_H */
