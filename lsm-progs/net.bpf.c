// SPDX-License-Identifier: GPL-2.0-only
/*
 * Network enforcement at the socket LSM hooks (docs/network.md).
 *
 *   socket_create   family, type, protocol        op create (user sockets only)
 *   socket_connect  the kernel's sockaddr copy    op connect; AF_UNSPEC (disconnect) passes
 *   socket_bind     the kernel's sockaddr copy    op bind
 *   socket_listen   the socket's bound address    op listen
 *   socket_accept   the listener's bound address  op accept (the peer is not known yet)
 *   socket_sendmsg  msg->msg_name (kernel copy)   op send for datagrams with an explicit
 *                                                 destination; op connect for TCP Fast Open
 *
 * Sockets the kernel created for itself are not decided (net_kern_sock()).
 * Every hook's signature is the same in 6.1, 6.12 and 6.18.
 */
#include "net.bpf.h"

/*
 * Decide d->net (op, family, proto, and for NET_ADDR port and addr) for
 * the profile in d->prof, and return what the hook returns. A family
 * without a policy word meets the rules with family "any" (and the
 * section default). kind is an enum net_kind. 0 or -EPERM.
 */
__noinline int enf_net_conclude(struct decision *d, __u32 kind, __u32 af)
{
	bool has_addr = kind == NET_ADDR;
	int m;

	if (!d)
		return -EPERM; /* never: the hooks pass their own decision */
	if (kind == NET_SKIP)
		return 0;
	if (kind == NET_ADDR && !net_has_ports(d->net.proto))
		d->net.port = 0;
	if (d->prof.mode == ENF_MODE_LEARN) {
		/* Learn never denies; what could not be read is counted, not recorded. */
		if (kind == NET_UNRESOLVED)
			stat_inc(ENF_STAT_LEARN_UNRESOLVED);
		else
			enf_learn_net(d, has_addr);
		return 0;
	}
	if (kind == NET_UNRESOLVED) {
		d->action = ENF_ACT_DENY;
		d->reason = ENF_REASON_UNRESOLVED;
		stat_inc(ENF_STAT_UNRESOLVED);
		return finish(d, NULL, 0);
	}
	/*
	 * Once more if the instance moved meanwhile (profile_recheck(),
	 * verdict.bpf.h), as enf_decide_object() does. Written out twice: the
	 * 6.1 verifier refused the loop form.
	 */
	m = net_match_once(d, af, has_addr);
	if (m == -EAGAIN)
		m = net_match_once(d, af, has_addr);
	if (m < 0) {
		bool gone = m == -EAGAIN || m == -ENOENT;

		d->action = ENF_ACT_DENY;
		d->reason = gone ? ENF_REASON_NO_INSTANCE : ENF_REASON_UNRESOLVED;
		stat_inc(gone ? ENF_STAT_NO_INSTANCE : ENF_STAT_UNRESOLVED);
	} else if (d->action == ENF_ACT_NONE) {
		d->action = d->prof.defaults[ENF_SECTION_NETWORK];
		d->reason = ENF_REASON_DEFAULT;
	} else {
		d->reason = ENF_REASON_RULE;
	}
	return finish(d, NULL, 0);
}

/* What the socket is: fills d->net's op, family and proto; returns the family. */
static __always_inline __u32 net_socket_info(struct decision *d, struct socket *sock, struct sock *sk, __u32 op)
{
	__u32 af = sk->__sk_common.skc_family;

	d->has_net = true;
	d->net.op = op;
	d->net.family = (__u8)af;
	d->net.proto = net_proto_of(af, sock->type, sk->sk_protocol);
	return af;
}

/*
 * Prologue of the hooks on an existing socket: true with d->slot, d->prof,
 * d->net's op/family/proto, *ret_af and *ret_sk set when there is
 * something to decide; false with *ret set when not (the kernel's own
 * socket, no profile governs the task, or the governing profile failed
 * closed). The socket is read through the hook's typed pointers (direct
 * loads: a helper call each cost about as much as the rest of the
 * prologue); 6.12 types sock->sk as possibly NULL.
 */
static __always_inline bool net_begin(struct decision *d, struct socket *sock, __u32 op, __u32 *ret_af, int *ret,
				      struct sock **ret_sk)
{
	int status = current_profile_status();
	struct sock *sk;

	*ret = 0;
	if (status == 0)
		return false; /* most tasks: nothing of the socket is read */
	sk = sock->sk;
	if (sk && net_kern_sock(sk))
		return false;
	if (profile_of_status(status, d, ret) <= 0)
		return false;
	if (!sk) {
		/* Never seen: a socket the hooks are given has its sock. Fail closed. */
		d->has_net = true;
		d->net.op = op;
		*ret = net_conclude(d, NET_UNRESOLVED, 0);
		return false;
	}
	*ret_af = net_socket_info(d, sock, sk, op);
	*ret_sk = sk;
	return true;
}

/* A sockaddr read in the layout `as_af` (AF_INET or AF_INET6), else unresolved. */
static __always_inline enum net_kind net_addr_kind(struct decision *d, const void *sa, int len, int as_af)
{
	if (as_af != NET_AF_INET && as_af != NET_AF_INET6)
		return NET_UNRESOLVED;
	if (net_read_sockaddr(sa, len, as_af, &d->net) < 0)
		return NET_UNRESOLVED;
	return NET_ADDR;
}

SEC("lsm/socket_create")
int BPF_PROG(enf_socket_create, int family, int type, int protocol, int kern, int ret)
{
	struct decision d = { .hook = ENF_HOOK_SOCKET_CREATE };
	int r;

	if (ret != 0)
		return ret; /* an earlier LSM's denial stands */
	if (kern)
		return 0;   /* the kernel's own sockets, created on behalf of a subsystem */
	r = profile_of_status(current_profile_status(), &d, &ret);
	if (r <= 0)
		return r < 0 ? ret : 0;
	d.has_net = true;
	d.net.op = ENF_NET_CREATE;
	d.net.family = (__u8)family;
	d.net.proto = net_proto_of(family, type, protocol);
	return net_conclude(&d, NET_NO_ADDR, family);
}

/*
 * connect, and sendmsg with TCP Fast Open, which connects from inside
 * sendmsg without passing socket_connect. AF_UNSPEC is "disconnect" to
 * connect and refused by Fast Open: nothing to decide. Names of other
 * families are refused by the inet protocols; we fail closed rather than
 * guess. An IPv6 socket may be given an AF_INET name (UDP reads it as
 * IPv4), so the name's family picks the layout.
 */
static __always_inline enum net_kind net_connect_kind(struct decision *d, struct sock *sk, __u32 af,
						      const void *sa, int len, __u32 how)
{
	enum net_kind k;
	int fam;

	if (!net_is_inet(af))
		return NET_NO_ADDR;
	fam = net_read_sa_family(sa, len);
	if (fam == NET_AF_UNSPEC)
		return NET_SKIP;
	k = net_addr_kind(d, sa, len, fam);
	if (k == NET_ADDR && net_route_unspecified(sk, &d->net, how) < 0)
		return NET_UNRESOLVED;
	return k;
}

SEC("lsm/socket_connect")
int BPF_PROG(enf_socket_connect, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	struct decision d = { .hook = ENF_HOOK_SOCKET_CONNECT };
	struct sock *sk;
	__u32 af = 0;

	if (ret != 0)
		return ret;
	if (!net_begin(&d, sock, ENF_NET_CONNECT, &af, &ret, &sk))
		return ret;
	return net_conclude(&d, net_connect_kind(&d, sk, af, address, addrlen, 0), af);
}

/*
 * bind: the local address. AF_UNSPEC is read in the socket's own layout
 * (inet_bind accepts it as AF_INET with INADDR_ANY).
 */
static __always_inline enum net_kind net_bind_kind(struct decision *d, __u32 af, const void *sa, int len)
{
	int fam;

	if (!net_is_inet(af))
		return NET_NO_ADDR;
	fam = net_read_sa_family(sa, len);
	return net_addr_kind(d, sa, len, fam == NET_AF_UNSPEC ? (int)af : fam);
}

SEC("lsm/socket_bind")
int BPF_PROG(enf_socket_bind, struct socket *sock, struct sockaddr *address, int addrlen, int ret)
{
	struct decision d = { .hook = ENF_HOOK_SOCKET_BIND };
	struct sock *sk;
	__u32 af = 0;

	if (ret != 0)
		return ret;
	if (!net_begin(&d, sock, ENF_NET_BIND, &af, &ret, &sk))
		return ret;
	return net_conclude(&d, net_bind_kind(&d, af, address, addrlen), af);
}

/* listen: the address and port the socket is bound to. */
SEC("lsm/socket_listen")
int BPF_PROG(enf_socket_listen, struct socket *sock, int backlog, int ret)
{
	struct decision d = { .hook = ENF_HOOK_SOCKET_LISTEN };
	enum net_kind k = NET_NO_ADDR;
	struct sock *sk;
	__u32 af = 0;

	if (ret != 0)
		return ret;
	if (!net_begin(&d, sock, ENF_NET_LISTEN, &af, &ret, &sk))
		return ret;
	if (net_is_inet(af)) {
		net_local_addr(sk, af, &d.net);
		k = NET_ADDR;
	}
	return net_conclude(&d, k, af);
}

/*
 * accept: decided as listen is, on the listener's address, but kept on the
 * listener (accept_memos, struct enf_accept_memo in enforcer_abi.h): a
 * server takes many connections on one listener, and the match (a trie
 * lookup, a scan of the rules, the profile's re-check) is most of a
 * confined accept's cost. What the memo is checked against is read anew
 * at every accept; only the match is skipped.
 */

/* Whether memo holds a decision for d (slot, profile state, address) under attach_gen gen. */
static __always_inline bool accept_memo_fits(const struct enf_accept_memo *memo, const struct decision *d,
					     __u64 gen)
{
	/* Both addresses are 4-byte aligned (the stack refuses wider unaligned reads). */
	const __u32 *a = (const __u32 *)memo->addr, *b = (const __u32 *)d->net.addr;

	return memo->attach_gen == gen && memo->generation == d->prof.generation && memo->slot == d->slot &&
	       memo->instance == d->prof.instance && memo->port == d->net.port &&
	       memo->family == d->net.family && memo->proto == d->net.proto &&
	       !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]));
}

static __always_inline void accept_memo_keep(struct sock *sk, const struct decision *d, __u64 gen)
{
	struct enf_accept_memo *memo;

	memo = bpf_sk_storage_get(&accept_memos, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
	if (!memo)
		return; /* out of memory: the next accept matches again */
	memo->attach_gen = gen;
	memo->generation = d->prof.generation;
	memo->slot = d->slot;
	memo->instance = d->prof.instance;
	memo->port = d->net.port;
	memo->family = d->net.family;
	memo->proto = d->net.proto;
	__builtin_memcpy(memo->addr, d->net.addr, sizeof(memo->addr));
}

SEC("lsm/socket_accept")
int BPF_PROG(enf_socket_accept, struct socket *sock, struct socket *newsock, int ret)
{
	struct decision d = { .hook = ENF_HOOK_SOCKET_ACCEPT };
	struct enf_accept_memo *memo;
	struct enf_config *cfg;
	struct sock *sk;
	__u64 gen = 0;
	__u32 af = 0;

	if (ret != 0)
		return ret;
	/*
	 * attach_gen before the governance check: a memo kept under it can
	 * only be older than what decided, never newer (a start that reissues
	 * an instance changes it first).
	 */
	cfg = engine_settings();
	if (cfg)
		gen = *(volatile __u64 *)&cfg->attach_gen;
	if (!net_begin(&d, sock, ENF_NET_ACCEPT, &af, &ret, &sk))
		return ret;
	if (!net_is_inet(af))
		return net_conclude(&d, NET_NO_ADDR, af);
	net_local_addr(sk, af, &d.net);
	/*
	 * Learn records every accept; 'from' rules depend on the executable
	 * too. And only a listener whose port bind() chose: it keeps that port
	 * until it is closed (bind() refuses a socket that has one). One whose
	 * port listen() picked gives it up when disconnected and can be bound
	 * elsewhere, and a memo written without a lock by accepts racing that
	 * could pair one decision's address with another's port.
	 */
	if (d.prof.mode == ENF_MODE_LEARN || (d.prof.flags & ENF_PROFILE_HAS_FROM) ||
	    !(BPF_CORE_READ_BITFIELD(sk, sk_userlocks) & NET_SOCK_BINDPORT_LOCK))
		gen = 0;
	if (gen) {
		memo = bpf_sk_storage_get(&accept_memos, sk, NULL, 0);
		if (memo && accept_memo_fits(memo, &d, gen)) {
			stat_inc(ENF_STAT_DECISIONS); /* as finish() counts an allow */
			return 0;
		}
	}
	ret = net_conclude(&d, NET_ADDR, af);
	if (ret == 0 && gen && d.action == ENF_ACT_ALLOW)
		accept_memo_keep(sk, &d, gen);
	return ret;
}

/*
 * sendmsg with an explicit destination (msg_name, a kernel copy by now).
 * Without one a socket sends to the peer its connect already checked.
 *  - TCP: the name matters only to Fast Open (MSG_FASTOPEN), which
 *    connects from inside sendmsg: checked as connect.
 *  - other inet sockets (UDP, ping, raw, ...): checked as send. An IPv4
 *    socket reads an AF_UNSPEC name as AF_INET (udp_sendmsg, raw_sendmsg
 *    do); an IPv6 UDP socket takes AF_UNSPEC as "no name"; other IPv6
 *    sockets read it as AF_INET6 (rawv6_sendmsg does).
 *  - unix datagram, packet, netlink: send, by family. Unix stream and
 *    seqpacket sockets ignore or refuse a name.
 */
static __always_inline enum net_kind net_send_kind(struct decision *d, struct socket *sock, struct sock *sk,
						   __u32 af, struct msghdr *msg, void *name)
{
	int len = BPF_CORE_READ(msg, msg_namelen), fam;
	__u32 how = BPF_CORE_READ(msg, msg_controllen) ? NET_ROUTE_CMSG : 0;

	if (!net_is_inet(af)) {
		if (af == NET_AF_UNIX && (sock->type & NET_SOCK_TYPE_MASK) != SOCK_DGRAM)
			return NET_SKIP;
		return NET_NO_ADDR;
	}
	if (d->net.proto == ENF_NET_PROTO_TCP) {
		if (!(BPF_CORE_READ(msg, msg_flags) & NET_MSG_FASTOPEN))
			return NET_SKIP; /* TCP ignores the name outside Fast Open */
		d->net.op = ENF_NET_CONNECT;
		return net_connect_kind(d, sk, af, name, len, 0); /* TCP takes no IP_PKTINFO */
	}
	fam = net_read_sa_family(name, len);
	if (fam == NET_AF_UNSPEC) {
		if (af == NET_AF_INET6 && d->net.proto == ENF_NET_PROTO_UDP)
			return NET_SKIP;
		fam = af;
	}
	if (net_addr_kind(d, name, len, fam) != NET_ADDR)
		return NET_UNRESOLVED;
	if (net_route_unspecified(sk, &d->net, how | NET_ROUTE_SENDMSG) < 0)
		return NET_UNRESOLVED;
	return NET_ADDR;
}

SEC("lsm/socket_sendmsg")
int BPF_PROG(enf_socket_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	struct decision d = { .hook = ENF_HOOK_SOCKET_SENDMSG };
	struct sock *sk;
	void *name;
	__u32 af = 0;

	if (ret != 0)
		return ret;
	name = BPF_CORE_READ(msg, msg_name);
	if (!name)
		return 0; /* to the connected peer */
	if (!net_begin(&d, sock, ENF_NET_SEND, &af, &ret, &sk))
		return ret;
	return net_conclude(&d, net_send_kind(&d, sock, sk, af, msg, name), af);
}
