// SPDX-License-Identifier: GPL-2.0-only
/*
 * Learn mode: record what a workload does, deduplicated in the kernel.
 *
 * A task whose governing profile is in ENF_MODE_LEARN is never denied by
 * its rules: the hooks skip matching and call here. Each distinct
 * observation (path and access class mask, or socket op and tuple) is sent
 * to the ring buffer once per profile slot; learn_seen remembers what was
 * sent.
 *
 * Paths: the text is built in the reserved record itself (no scratch buffer
 * another task could overwrite), then hashed; a repeat is discarded. A
 * failed reservation inserts nothing, so the observation is recorded the
 * next time it happens (counted as dropped). Sockets: the tuple is the key,
 * inserted first; when the reservation then fails the key is removed again.
 *
 * When learn_seen is full the record is sent anyway (counted): losing an
 * observation would make the generated profile deny what the workload
 * does; the daemon deduplicates again.
 *
 * Self-protection (self.bpf.c) and the prctl(PR_SET_MM) refusal still apply
 * to learning tasks: they protect the engine, not the profile.
 */
#include "common.bpf.h"
#include "verdict.bpf.h"
#include "learn.bpf.h"

#define EEXIST 17

struct path_hash {
	struct enf_event *ev;
	__u32 len;
	__u64 h1, h2;
};

/* FNV-1a and a multiplicative mix with a different constant: two independent 64-bit hashes. */
static int path_hash_step(__u32 i, void *data)
{
	struct path_hash *h = data;
	__u64 c;

	if (i >= h->len)
		return 1;
	c = (__u8)h->ev->path[i & (ENF_PATH_EVENT_MAX - 1)];
	h->h1 = (h->h1 ^ c) * 0x100000001b3ULL;
	h->h2 = (h->h2 + c + 1) * 0x9e3779b97f4a7c15ULL;
	h->h2 ^= h->h2 >> 29;
	return 0;
}

/* Insert the key; 1 when it was new (or could not be remembered), 0 when already seen. */
static __always_inline int learn_first(const struct enf_learn_key *key)
{
	__u32 one = 1;
	/*
	 * As int: up to 6.3 a map's update op returns int, and the verifier
	 * calls it directly (no helper wrapper), so on x86 the upper half of
	 * r0 is not the sign: a 64-bit compare with -EEXIST never matches
	 * on 6.1.
	 */
	int r = (int)bpf_map_update_elem(&learn_seen, key, &one, BPF_NOEXIST);

	if (r == -EEXIST)
		return 0;
	if (r < 0)
		stat_inc(ENF_STAT_LEARN_SEEN_FULL);
	return 1;
}

/*
 * A path operation (`what`: the class mask, | ENF_LEARN_FILELESS) of a task
 * whose decision function returned ENF_DECIDE_LEARN. The governing profile
 * is looked up again: should it have left learn mode in between (an admin
 * switched it), -EAGAIN sends the caller to decide again under the profile
 * that governs now (failing closed, with its event), rather than allowing
 * under a profile that now enforces.
 */
__noinline int enf_learn_object(__u64 dentry, __u64 mnt, __u32 what, __u32 hook)
{
	struct decision d = { .hook = hook };
	struct enf_task_ctx *tc;
	struct enf_learn_key key = {};
	struct path_hash h = {};
	struct enf_event *ev;

	/* Silent here (no room for an event this deep): the caller decides again on -EAGAIN. */
	if (governing_profile_quiet(&d) <= 0 || d.prof.mode != ENF_MODE_LEARN)
		return -EAGAIN;
	if (what & ENF_LEARN_FILELESS)
		d.event_flags = ENF_EVENT_FILELESS;
	tc = task_scratch();
	if (!tc) {
		stat_inc(ENF_STAT_LEARN_UNRESOLVED);
		return 0;
	}
	if (path_walk(tc, dentry, mnt, 0, 0) < 0) {
		stat_inc(ENF_STAT_LEARN_UNRESOLVED);
		return 0;
	}
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		stat_inc(ENF_STAT_LEARN_DROPPED);
		return 0;
	}
	fill_event(ev, &d, ENF_VERDICT_LEARN, 0);
	ev->access_class = what & 0xffff;
	enf_path_text(ev, tc, tc->walk.depth);

	h.ev = ev;
	h.len = ev->path_len;
	h.h1 = 0xcbf29ce484222325ULL;
	h.h2 = 0x84222325cbf29ce4ULL;
	bpf_loop(ENF_PATH_EVENT_MAX, path_hash_step, &h, 0);
	key.slot = d.slot;
	key.what = what;
	key.hash[0] = h.h1;
	key.hash[1] = h.h2;
	key.path_len = h.len;
	if (!learn_first(&key)) {
		bpf_ringbuf_discard(ev, 0);
		return 0;
	}
	stat_inc(ENF_STAT_LEARN_RECORDED);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

__noinline int enf_learn_net(struct decision *d, __u32 has_addr)
{
	struct enf_learn_key key = {};
	struct enf_event *ev;
	bool added;

	if (!d)
		return 0;
	if (!has_addr) {
		d->net.port = 0;
		__builtin_memset(d->net.addr, 0, sizeof(d->net.addr));
	}
	key.slot = d->slot;
	key.what = d->net.op;
	key.family = d->net.family;
	key.proto = d->net.proto;
	key.port = d->net.port;
	__builtin_memcpy(key.addr, d->net.addr, sizeof(key.addr));
	added = learn_first(&key);
	if (!added)
		return 0;
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		/* Forget it, so it is recorded when it happens again. */
		bpf_map_delete_elem(&learn_seen, &key);
		stat_inc(ENF_STAT_LEARN_DROPPED);
		return 0;
	}
	fill_event(ev, d, ENF_VERDICT_LEARN, 0);
	ev->access_class = 0;
	stat_inc(ENF_STAT_LEARN_RECORDED);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}
