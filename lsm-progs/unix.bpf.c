// SPDX-License-Identifier: GPL-2.0-only
/*
 * Deputies behind unix sockets (docs/network.md "Unix sockets"): the peer
 * a unix socket reaches, as the kernel resolved it.
 *
 *   unix_stream_connect  stream and seqpacket connect: the listening peer
 *   unix_may_send        every datagram (connected or not) and datagram
 *                        connect: the receiving peer
 *
 * The socket hooks (net.bpf.c) decide unix sockets by family only; a
 * profile that lets a task use unix sockets at all would let it reach
 * /run/docker.sock, containerd, systemd's private socket or D-Bus, each a
 * deputy acting with its own privileges. So the peer is decided:
 *  - a peer bound to a file-system name is decided as write on that path
 *    (the decision engine, enf_decide_object()): connecting needs write
 *    permission on the socket inode in DAC too (unix_find_bsd), and
 *    AppArmor asks for "w". The path is the one the peer was bound to
 *    (unix_sk(other)->path), whatever name the client used to find it: a
 *    symlink, a hard link or a bind mount of the socket leads to the same
 *    decision.
 *  - a peer with an abstract name is reachable only within the task's
 *    profile domain (Landlock's LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET,
 *    security/landlock/task.c): the profile governing the cgroup the
 *    peer socket was made in (sk_cgrp_data) must be the task's own. Else
 *    refused (reason domain), unless the profile opts out of the baseline
 *    word "unix-abstract" (ENF_BASELINE_UNIX_ABSTRACT): allowed and logged.
 *  - an unnamed peer (socketpair, a socket never bound) is reachable only
 *    through a descriptor the task already holds: not decided here.
 *
 * The program on unix_stream_connect also refuses confined tasks the
 * daemon's control socket (self-protection, self.bpf.h): after the peer's
 * decision, and on its own: it holds in audit and learn mode and without
 * any rule, and names its own reason; the peer's decision follows the
 * profile's mode. Both must allow.
 */
#include "common.bpf.h"
#include "cgroup.bpf.h"
#include "verdict.bpf.h"
#include "self.bpf.h"

#define UNIX_AF_UNIX 1

/*
 * Which profile governs the cgroup the socket `sk` was made in: 1 with
 * *ret_slot, 0 when none, -errno when that cannot be told.
 */
static __always_inline int sock_profile_slot(struct sock *sk, __u32 *ret_slot)
{
	return slot_of_status(cgroup_profile_status((__u64)(unsigned long)BPF_CORE_READ(sk, sk_cgrp_data.cgroup)),
			      ret_slot);
}

/*
 * An abstract peer: allowed when the profile that governs the task
 * governs the peer socket's cgroup too. The record names the peer
 * (tc->unix_addr, rendered by enf_emit_event()).
 */
static __always_inline int unix_abstract_check(int status, struct sock *other, struct unix_address *addr,
					       enum enf_hook hook, __u32 op)
{
	struct decision d = { .hook = hook };
	struct enf_task_ctx *tc;
	__u32 peer_slot = 0;
	int r, ret = 0;

	r = profile_of_status(status, &d, &ret);
	if (r <= 0)
		return r < 0 ? ret : 0;
	if (d.prof.mode == ENF_MODE_LEARN)
		return 0; /* learn confines nothing; there is no rule to learn for an abstract name */
	r = sock_profile_slot(other, &peer_slot);
	if (r > 0 && peer_slot == d.slot)
		return 0;
	d.has_net = true;
	d.net.op = op;
	d.net.family = UNIX_AF_UNIX;
	d.net.proto = ENF_NET_PROTO_ANY;
	tc = task_scratch();
	if (tc)
		tc->unix_addr = (__u64)(unsigned long)addr;
	if (r < 0) {
		d.action = ENF_ACT_DENY;
		d.reason = ENF_REASON_UNRESOLVED;
		stat_inc(ENF_STAT_UNRESOLVED);
	} else if (d.prof.baseline_optout & ENF_BASELINE_UNIX_ABSTRACT) {
		d.action = ENF_ACT_AUDIT;
		d.reason = ENF_REASON_BASELINE;
	} else {
		d.action = ENF_ACT_DENY;
		d.reason = ENF_REASON_DOMAIN;
	}
	return finish(&d, NULL, 0);
}

/* The peer `other` of a unix socket operation, decided for the current task. */
static __always_inline int unix_peer_check(struct sock *other, enum enf_hook hook, __u32 op)
{
	int status = current_profile_status();
	struct unix_sock *u = (struct unix_sock *)other;
	struct unix_address *addr;
	struct dentry *dentry;

	if (status == 0)
		return 0; /* most tasks: nothing of the peer is read */
	if (!other)
		return 0;
	dentry = BPF_CORE_READ(u, path.dentry);
	if (dentry)
		return decide_object(status, dentry, BPF_CORE_READ(u, path.mnt), CLASS_BIT(ENF_CLASS_WRITE), hook, 0);
	addr = BPF_CORE_READ(u, addr);
	if (!addr)
		return 0; /* unnamed: reachable only through a descriptor already held */
	return unix_abstract_check(status, other, addr, hook, op);
}

SEC("lsm/unix_stream_connect")
int BPF_PROG(enf_unix_connect, struct sock *sock, struct sock *other, struct sock *newsk, int ret)
{
	if (ret != 0)
		return ret; /* an earlier LSM's denial stands */
	ret = unix_peer_check(other, ENF_HOOK_UNIX_CONNECT, ENF_NET_CONNECT);
	if (ret != 0)
		return ret;
	if (control_socket(other) && enf_self_refuse(ENF_HOOK_SELF_CONNECT))
		return -EPERM;
	return 0;
}

SEC("lsm/unix_may_send")
int BPF_PROG(enf_unix_send, struct socket *sock, struct socket *other, int ret)
{
	if (ret != 0)
		return ret;
	return unix_peer_check(BPF_CORE_READ(other, sk), ENF_HOOK_UNIX_SEND, ENF_NET_SEND);
}
