// SPDX-License-Identifier: GPL-2.0-only
/*
 * The event of a decision: rate limited per (cgroup, profile, rule, hook,
 * verdict, reason), every outcome counted, the record filled and
 * submitted.
 *
 * A flood (one task denied a million times) must produce counts, not a
 * storm of records that would fill the ring buffer and hide every other
 * cgroup's events: per key, the first `burst` records of each window are
 * delivered and the rest only counted (aggregated). Every decision that
 * reaches here ends in exactly one of delivered, aggregated or dropped,
 * counted per CPU in `stats` and, when the key has an entry, in its
 * event_rates totals; the daemon reports the per-key deltas as "summary"
 * records. When event_rates is full a key gets no entry: its records are
 * never rate limited (so nothing is aggregated that no total would show)
 * and the decision is counted as untracked.
 *
 * Nothing here decides: the hook's return value is fixed before
 * enf_emit_event() runs and does not read its result.
 */
#include "common.bpf.h"
#include "verdict.bpf.h"

#define NSEC_PER_MSEC 1000000ull

/*
 * A new key's first value, from .rodata rather than the stack: every byte
 * of enf_emit_event()'s frame counts against the 512 its call chain has
 * (the hook, perhaps a decision function, above it; the record's walks
 * below).
 */
static const struct enf_rate_val rate_zero;

/* The decision's entry in event_rates, made if new; NULL when the map is full. */
static __always_inline struct enf_rate_val *rate_entry(const struct decision *d, __u32 verdict)
{
	struct enf_rate_key key = {
		.cgroup_id = bpf_get_current_cgroup_id(),
		.slot = d->slot,
		.rule_id = d->rule,
		.hook = (__u8)d->hook,
		.verdict = (__u8)verdict,
		.reason = (__u8)d->reason,
	};
	struct enf_rate_val *v;

	v = bpf_map_lookup_elem(&event_rates, &key);
	if (v)
		return v;
	/* NOEXIST: another CPU may have created it meanwhile; then use that one. */
	(void)bpf_map_update_elem(&event_rates, &key, &rate_zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&event_rates, &key);
}

/*
 * Within the key's budget for the current window? The window fields are
 * plain stores: two CPUs racing at a window boundary may deliver a record
 * or two more than the budget, which costs nothing in accounting (each
 * record is still counted exactly once, below).
 */
static __always_inline bool within_budget(struct enf_rate_val *v)
{
	__u32 zero = 0;
	struct enf_event_limits *lim = bpf_map_lookup_elem(&event_limits, &zero);
	__u64 now, window;

	if (!lim || lim->burst == 0)
		return true;
	window = (lim->window_ms ? lim->window_ms : 1000) * NSEC_PER_MSEC;
	now = bpf_ktime_get_ns();
	if (now - v->window_start_ns >= window) {
		v->window_start_ns = now;
		v->window_used = 0;
	}
	if (v->window_used >= lim->burst)
		return false;
	__sync_fetch_and_add(&v->window_used, 1);
	return true;
}

/*
 * An abstract unix peer's name (unix.bpf.c keeps its struct unix_address in
 * the task's scratch) into the record's path, without the leading NUL; the
 * daemon prints it as addr "@name". Names with a NUL inside end there.
 */
static __always_inline void unix_name_text(struct enf_event *ev, __u64 addr)
{
	const struct unix_address *a = (const void *)addr;
	__u64 src, n;
	int len;

	if (!a)
		return;
	/* len counts sun_family (2 bytes) and the leading NUL of the name */
	len = BPF_CORE_READ(a, len);
	if (len <= 3)
		return;
	n = (__u64)len - 3;
	barrier_var(n); /* bound n's own register: the verifier checks the one passed */
	if (n > 107)
		n = 107; /* sizeof(sun_path) - 1 */
	src = addr + bpf_core_field_offset(struct unix_address, name) + 3;
	if (bpf_probe_read_kernel(ev->path, n, (const void *)src) < 0)
		return;
	ev->path[n] = 0;
	ev->path_len = n + 1;
}

/*
 * 1 when the program runs in an interrupt (NMI, hardirq, or serving a
 * softirq: not a task that merely disabled them), not in a task's own
 * process context. file_send_sigiotask is called from softirq and hardirq
 * (kill_fasync() of a socket, a timer): there `current` is whichever task
 * was interrupted, perhaps in the middle of one of its own decisions, whose
 * walk lives in the task's scratch. An event raised there must not walk
 * into that scratch: it would overwrite the walk under the decision and
 * make it match another path (the executable's). Its callers put
 * ENF_EVENT_IN_INTERRUPT in the decision's event flags, and the record
 * then takes nothing from the scratch (enf_event_fill(), enf_exe_text()).
 * A global function of its own, called only by the programs of that hook:
 * on 6.1 each program that reads a per-CPU variable costs the verifier a
 * linear kallsyms search (about 25 ms of a start under icount each, when
 * every program had it). On x86 the count is the per-CPU __preempt_count
 * (6.1, 6.15 on) or pcpu_hot.preempt_count (6.2 to 6.14); a kernel with
 * neither counts as process context. Masks of include/linux/preempt.h.
 */
extern const int __preempt_count __ksym __weak;
struct pcpu_hot___enf {
	int preempt_count;
} __attribute__((preserve_access_index));
extern const struct pcpu_hot___enf pcpu_hot __ksym __weak;

#define ENF_PREEMPT_NMI_MASK       0x00f00000
#define ENF_PREEMPT_HARDIRQ_MASK   0x000f0000
#define ENF_PREEMPT_SOFTIRQ_OFFSET 0x00000100

__noinline int enf_in_interrupt(void)
{
	int count;

	if (&__preempt_count)
		count = *(const int *)bpf_this_cpu_ptr(&__preempt_count);
	else if (&pcpu_hot && bpf_core_field_exists(struct pcpu_hot___enf, preempt_count))
		count = ((const struct pcpu_hot___enf *)bpf_this_cpu_ptr(&pcpu_hot))->preempt_count;
	else
		return 0;
	return (count & (ENF_PREEMPT_NMI_MASK | ENF_PREEMPT_HARDIRQ_MASK | ENF_PREEMPT_SOFTIRQ_OFFSET)) != 0;
}

/*
 * The reserved record's contents but the executable: the decision's and the
 * task's fields, and with the task's scratch tc (NULL: none) the object's
 * path or a unix peer's name. A global function of its own:
 * enf_emit_event() arrives here in several states (with a rate entry or
 * without, ...), and the verifier would follow all of this once for each.
 * The executable is the caller's to add (enf_exe_text()): called from
 * here it would be one frame deeper, and a socket hook's chain has no room
 * for that on 6.1 (512 bytes of stack).
 */
__noinline int enf_event_fill(struct enf_event *ev, struct enf_task_ctx *tc, struct decision *d, __u32 verdict,
			      __u32 path_depth)
{
	if (!ev || !d)
		return 0;
	/* What finish() returns for this verdict: a denial is EPERM, anything else 0. */
	fill_event(ev, d, verdict, verdict == ENF_VERDICT_DENY ? -EPERM : 0);
	/* In an interrupt the scratch is not this record's (above): no path, no name; nor in enf_exe_text(). */
	if (!tc || (ev->flags & ENF_EVENT_IN_INTERRUPT))
		return 0;
	/* A global function: verified once per program, whatever state reaches it here. */
	if (path_depth)
		enf_path_text(ev, tc, path_depth - 1);
	else if (d->has_net && (d->hook == ENF_HOOK_UNIX_CONNECT || d->hook == ENF_HOOK_UNIX_SEND))
		unix_name_text(ev, tc->unix_addr);
	return 0;
}

__noinline int enf_emit_event(struct decision *d, __u32 verdict, __u32 path_depth)
{
	struct enf_rate_val *rate;
	struct enf_task_ctx *tc;
	struct enf_event *ev;

	if (!d)
		return 0;
	rate = rate_entry(d, verdict);
	if (!rate) {
		stat_inc(ENF_STAT_EVENT_UNTRACKED);
	} else if (!within_budget(rate)) {
		__sync_fetch_and_add(&rate->aggregated, 1);
		stat_inc(ENF_STAT_EVENT_AGGREGATED);
		return 0;
	}

	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		if (rate)
			__sync_fetch_and_add(&rate->dropped, 1);
		else
			stat_inc(ENF_STAT_EVENT_LOST_UNTRACKED);
		stat_inc(ENF_STAT_EVENT_DROPPED);
		return 0;
	}
	/* Counted now: a reserved record is always submitted, and `rate` need not outlive the walk. */
	if (rate)
		__sync_fetch_and_add(&rate->delivered, 1);
	stat_inc(ENF_STAT_EVENT_DELIVERED);
	/* In an interrupt the scratch is not this record's (enf_in_interrupt()): not even looked up. */
	tc = (d->event_flags & ENF_EVENT_IN_INTERRUPT) ? NULL : task_scratch();
	enf_event_fill(ev, tc, d, verdict, path_depth);
	enf_exe_text(ev, tc);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}
