/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Network matching, shared by the socket hooks (net.bpf.c).
 *
 * What a hook decides on is what the kernel will act on, read from kernel
 * memory: the sockaddr copy the kernel made for connect, bind and sendmsg,
 * the socket's own family, type and protocol, and for listen/accept the
 * address and port the socket is bound to (struct sock).
 *
 * One LPM lookup per decision: net_rules holds, per profile instance and
 * address prefix, every rule that can apply to an address in the prefix,
 * inherited ones included, already in precedence order (policyc pushes
 * them down). The first rule whose op, family, protocol, port and
 * executable match decides; none matching leaves the section default.
 * IPv4 is looked up IPv4-mapped, so an IPv6 socket talking to
 * ::ffff:a.b.c.d meets exactly the IPv4 rules. Operations without an
 * address (create; unix, packet and netlink sockets) look up the
 * instance's ::/0 entry, where rules with an address never match them.
 */
#ifndef ENF_NET_BPF_H
#define ENF_NET_BPF_H

#include "common.bpf.h"
#include <bpf/bpf_endian.h>
#include "cgroup.bpf.h"
#include "verdict.bpf.h"
#include "learn.bpf.h"

/* vmlinux.h carries types, not macros. */
#define NET_AF_UNSPEC     0
#define NET_AF_UNIX       1
#define NET_AF_INET       2
#define NET_AF_INET6      10
#define NET_AF_NETLINK    16
#define NET_AF_PACKET     17
#define NET_SOCK_TYPE_MASK 0xf
#define NET_SOCK_BINDPORT_LOCK 8   /* sk_userlocks: bind() chose the port */
#define NET_IPPROTO_ICMPV6 58
#define NET_MSG_FASTOPEN  0x20000000
#define NET_SIN6_LEN_RFC2133 24   /* sockaddr_in6 without sin6_scope_id: the kernel's minimum */

_Static_assert(sizeof(struct sockaddr_in) == 16, "sockaddr_in");

/*
 * The ENF_NET_FAMILY_* bit of an AF_* family; ENF_NET_FAMILY_OTHER for the
 * families without a word, which only rules with family "any" match.
 */
static __always_inline __u32 net_family_bit(__u32 af)
{
	switch (af) {
	case NET_AF_INET:    return ENF_NET_FAMILY_INET4;
	case NET_AF_INET6:   return ENF_NET_FAMILY_INET6;
	case NET_AF_UNIX:    return ENF_NET_FAMILY_UNIX;
	case NET_AF_PACKET:  return ENF_NET_FAMILY_PACKET;
	case NET_AF_NETLINK: return ENF_NET_FAMILY_NETLINK;
	}
	return ENF_NET_FAMILY_OTHER;
}

static __always_inline bool net_is_inet(__u32 af)
{
	return af == NET_AF_INET || af == NET_AF_INET6;
}

/*
 * The policy protocol of an inet socket from its type and protocol (the
 * protocol as the kernel resolved it, or 0 at creation for "the default"):
 * stream TCP (and MPTCP, which is TCP on the wire) is tcp; datagram UDP
 * (and UDP-Lite) is udp, ping sockets are icmp; every SOCK_RAW socket is
 * raw. Anything else (SCTP, ...) and every non-inet socket is "none of
 * them": only rules with proto "any" apply.
 */
static __always_inline __u8 net_proto_of(__u32 af, __u32 type, __u32 protocol)
{
	if (!net_is_inet(af))
		return ENF_NET_PROTO_ANY;
	switch (type & NET_SOCK_TYPE_MASK) {
	case SOCK_STREAM:
		if (protocol == 0 || protocol == IPPROTO_TCP || protocol == IPPROTO_MPTCP)
			return ENF_NET_PROTO_TCP;
		return ENF_NET_PROTO_ANY;
	case SOCK_DGRAM:
		if (protocol == 0 || protocol == IPPROTO_UDP || protocol == IPPROTO_UDPLITE)
			return ENF_NET_PROTO_UDP;
		if ((af == NET_AF_INET && protocol == IPPROTO_ICMP) ||
		    (af == NET_AF_INET6 && protocol == NET_IPPROTO_ICMPV6))
			return ENF_NET_PROTO_ICMP;
		return ENF_NET_PROTO_ANY;
	case SOCK_RAW:
		return ENF_NET_PROTO_RAW;
	}
	return ENF_NET_PROTO_ANY;
}

/*
 * Sockets the kernel made for itself (sock_create_kern: NFS, SMB, tunnels)
 * act for a subsystem, not for the task whose context they run in; their
 * creation is not decided (socket_create's kern), and neither is their use.
 * User space cannot reach them: they have no file.
 */
static __always_inline bool net_kern_sock(struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD(sk, sk_kern_sock); /* sk: the hook's typed pointer, not NULL */
}

/* Ports exist for tcp and udp; raw and ping sockets match as port 0. */
static __always_inline bool net_has_ports(__u8 proto)
{
	return proto != ENF_NET_PROTO_RAW && proto != ENF_NET_PROTO_ICMP;
}

static __always_inline void net_set_v4(__u8 addr[16], __be32 a)
{
	__builtin_memset(addr, 0, 10);
	addr[10] = 0xff;
	addr[11] = 0xff;
	__builtin_memcpy(addr + 12, &a, 4);
}

static __always_inline bool net_is_mapped(const __u8 addr[16])
{
	for (int i = 0; i < 10; i++)
		if (addr[i])
			return false;
	return addr[10] == 0xff && addr[11] == 0xff;
}

/*
 * Read a sockaddr the kernel copied in, in the layout `as_af` says
 * (AF_INET or AF_INET6, whatever its own sa_family field claims: callers
 * pick the layout the protocol will use). The address lands in n->addr,
 * IPv4 mapped; the port in n->port. 0, or -EINVAL when the kernel copy is
 * too short for that layout (the protocol refuses it too; we fail closed).
 */
static __always_inline int net_read_sockaddr(const void *sa, int len, __u32 as_af, struct net_info *n)
{
	if (as_af == NET_AF_INET) {
		struct sockaddr_in sin;

		if (len < (int)sizeof(sin) || bpf_probe_read_kernel(&sin, sizeof(sin), sa) < 0)
			return -EINVAL;
		net_set_v4(n->addr, sin.sin_addr.s_addr);
		n->port = bpf_ntohs(sin.sin_port);
		return 0;
	}
	if (as_af == NET_AF_INET6) {
		struct {
			__be16 family;
			__be16 port;
			__be32 flowinfo;
			__u8 addr[16];
		} sin6;

		_Static_assert(sizeof(sin6) == NET_SIN6_LEN_RFC2133, "sockaddr_in6 head");
		if (len < (int)sizeof(sin6) || bpf_probe_read_kernel(&sin6, sizeof(sin6), sa) < 0)
			return -EINVAL;
		__builtin_memcpy(n->addr, sin6.addr, 16);
		n->port = bpf_ntohs(sin6.port);
		return 0;
	}
	return -EINVAL;
}

/* sa_family of a kernel sockaddr copy; -EINVAL when shorter than the field. */
static __always_inline int net_read_sa_family(const void *sa, int len)
{
	__u16 fam;

	if (!sa || len < (int)sizeof(fam) || bpf_probe_read_kernel(&fam, sizeof(fam), sa) < 0)
		return -EINVAL;
	return fam;
}

/* An all-zero address: the 4 IPv4 bytes of a mapped one (v4), or all 16. Unrolled: constant bounds. */
static __always_inline bool net_is_any(const __u8 a[16], bool v4)
{
	bool any = true;

	for (int i = 12; i < 16; i++)
		any = any && !a[i];
	if (v4)
		return any;
	for (int i = 0; i < 12; i++)
		any = any && !a[i];
	return any;
}

/* Options of net_route_unspecified(). */
#define NET_ROUTE_SENDMSG (1u << 0) /* a datagram's name: udpv6_sendmsg reads np->saddr, cmsgs may choose */
#define NET_ROUTE_CMSG    (1u << 1) /* the sendmsg carries control messages (IP_PKTINFO) */

/*
 * Where a connection or a datagram to an unspecified address really goes,
 * so that a rule on 127.0.0.0/8 or ::1 is not passed by naming 0.0.0.0 or ::.
 *  - IPv4 0.0.0.0 (ip_route_output_key_hash_rcu): the route's source
 *    address, which is the socket's inet_saddr when bound, else 127.0.0.1;
 *    but an unbound socket with an output device (SO_BINDTODEVICE,
 *    IP_UNICAST_IF) gets that device's address (inet_select_addr), and an
 *    IP_PKTINFO control message may choose source and device per datagram.
 *    Neither is known here: unresolved, which fails closed.
 *  - IPv6 :: (tcp_v6_connect, __ip6_datagram_connect, udpv6_sendmsg):
 *    ::ffff:127.0.0.1 when the socket's own address is v4-mapped
 *    (sk_v6_rcv_saddr; np->saddr for udpv6_sendmsg), else ::1.
 * 0, or -EINVAL for unresolved.
 */
static __always_inline int net_route_unspecified(struct sock *sk, struct net_info *n, __u32 how)
{
	struct inet_sock *inet = (struct inet_sock *)sk;
	__u8 own[16];

	if (net_is_mapped(n->addr)) {
		__be32 saddr;

		if (!net_is_any(n->addr, true))
			return 0;
		saddr = BPF_CORE_READ(inet, inet_saddr);
		if (saddr) {
			net_set_v4(n->addr, saddr);
			return 0;
		}
		if ((how & NET_ROUTE_CMSG) || BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if) ||
		    BPF_CORE_READ(inet, uc_index))
			return -EINVAL;
		net_set_v4(n->addr, bpf_htonl(0x7f000001));
		return 0;
	}
	if (!net_is_any(n->addr, false))
		return 0;
	if (how & NET_ROUTE_SENDMSG)
		BPF_CORE_READ_INTO(&own, inet, pinet6, saddr.in6_u.u6_addr8);
	else
		BPF_CORE_READ_INTO(&own, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
	if (net_is_mapped(own))
		net_set_v4(n->addr, bpf_htonl(0x7f000001));
	else
		n->addr[15] = 1;
	return 0;
}

/*
 * The address and port a socket is bound to (listen, accept). sk is the
 * hook's typed pointer (net_begin()): direct loads, not a helper call each.
 */
static __always_inline void net_local_addr(struct sock *sk, __u32 af, struct net_info *n)
{
	n->port = sk->__sk_common.skc_num;
	if (af == NET_AF_INET)
		net_set_v4(n->addr, sk->__sk_common.skc_rcv_saddr);
	else
		__builtin_memcpy(n->addr, sk->__sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8, sizeof(n->addr));
}

_Static_assert((ENF_NET_RULES_PER_PREFIX & (ENF_NET_RULES_PER_PREFIX - 1)) == 0, "net_scan_step() masks i");

/* What no step of net_scan() changes. */
struct net_scan {
	const struct enf_net_val *val;
	struct decision *d;
	__u32 count;          /* val->count, read once */
	__u32 af;             /* AF_*: its policy bit is found at every step, not once as a constant the verifier would follow */
	__u32 exe_id;
};

/* Rule i of the entry: 1 (stop) with d->action and d->rule when it matches the operation. */
static int net_scan_step(__u32 i, void *data)
{
	struct net_scan *s = data;
	struct decision *d = s->d;
	const struct enf_net_rule *r;

	if (i >= s->count || i >= ENF_NET_RULES_PER_PREFIX)
		return 1;
	/* The compiler may index with another copy of i than the one compared: bound that one too. */
	barrier_var(i);
	r = &s->val->rules[i & (ENF_NET_RULES_PER_PREFIX - 1)];
	if (!(r->ops & d->net.op) || !(r->families & net_family_bit(s->af)))
		return 0;
	if (r->proto != ENF_NET_PROTO_ANY && r->proto != d->net.proto)
		return 0;
	if (d->net.port < r->port_lo || d->net.port > r->port_hi)
		return 0;
	if (r->exe_id && r->exe_id != s->exe_id)
		return 0;
	d->action = r->action;
	d->rule = r->rule_id;
	return 1;
}

/*
 * First rule of the entry matching the operation: d->action and d->rule
 * (NONE, 0 when no rule matches). A bpf_loop() rather than a bounded loop,
 * which the verifier would follow rule by rule; d is the caller's argument
 * (enf_net_conclude()), memory whose contents it does not track, so a step
 * changes nothing it follows.
 */
static __always_inline void net_scan(const struct enf_net_val *val, struct decision *d,
				     __u32 af, __u32 exe_id)
{
	struct net_scan s = { .val = val, .d = d, .count = val->count, .af = af,
			      .exe_id = exe_id };

	d->action = ENF_ACT_NONE;
	d->rule = 0;
	bpf_loop(ENF_NET_RULES_PER_PREFIX, net_scan_step, &s, 0);
}

/*
 * One lookup and scan; -EAGAIN when the profile moved to another instance
 * meanwhile, -ENOENT when it vanished, -EINVAL when the task's executable
 * could not be resolved for rules with 'from'.
 */
static __always_inline int net_match_once(struct decision *d, __u32 af, bool has_addr)
{
	struct enf_net_key key = {};
	struct enf_net_val *val;
	__u32 exe_id = 0;

	if (d->prof.flags & ENF_PROFILE_HAS_FROM) {
		int e = enf_exe_id(task_scratch(), d->prof.instance);

		if (e < 0)
			return -EINVAL;
		exe_id = e;
	}
	key.prefixlen = has_addr ? ENF_NET_PREFIX_FULL : ENF_NET_PREFIX_INSTANCE;
	key.instance = d->prof.instance;
	if (has_addr)
		__builtin_memcpy(key.addr, d->net.addr, sizeof(key.addr));
	val = bpf_map_lookup_elem(&net_rules, &key);
	if (val) {
		net_scan(val, d, af, exe_id);
	} else {
		d->action = ENF_ACT_NONE;
		d->rule = 0;
	}
	return profile_recheck(d);
}

/* What a hook found out before matching: net_conclude() takes it from there. */
enum net_kind {
	NET_SKIP       = 0, /* nothing the policy decides (disconnect, name the protocol ignores) */
	NET_NO_ADDR    = 1, /* decide by family: create; unix, packet and netlink sockets */
	NET_ADDR       = 2, /* decide by address too: d->net.addr and port are filled */
	NET_UNRESOLVED = 3, /* the operation could not be read: fail closed */
};

/*
 * Decide d->net for the profile in d->prof and return what the hook
 * returns (net.bpf.c). A global function: verified once per program with
 * kind and af unknown, rather than once for every kind a hook can reach
 * with everything it knows by then, which made the network programs most
 * of the daemon's start-up time.
 */
extern int enf_net_conclude(struct decision *d, __u32 kind, __u32 af);

static __always_inline int net_conclude(struct decision *d, enum net_kind kind, __u32 af)
{
	return lsm_verdict(enf_net_conclude(d, kind, af));
}

#endif /* ENF_NET_BPF_H */
