// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "audit.h"
#include "audit_net.h"
#include "canonical.h"

bool audit_is_net_hook(__u32 hook)
{
	return hook >= ENF_HOOK_SOCKET_CREATE && hook <= ENF_HOOK_SOCKET_SENDMSG;
}

const char *audit_net_hook_name(__u32 hook)
{
	switch (hook) {
	case ENF_HOOK_SOCKET_CREATE:  return "socket_create";
	case ENF_HOOK_SOCKET_CONNECT: return "socket_connect";
	case ENF_HOOK_SOCKET_BIND:    return "socket_bind";
	case ENF_HOOK_SOCKET_LISTEN:  return "socket_listen";
	case ENF_HOOK_SOCKET_ACCEPT:  return "socket_accept";
	case ENF_HOOK_SOCKET_SENDMSG: return "socket_sendmsg";
	case ENF_HOOK_UNIX_CONNECT:   return "unix_stream_connect";
	case ENF_HOOK_UNIX_SEND:      return "unix_may_send";
	}
	return "unknown";
}

/* The socket's family in the policy's words (docs/policy.md), "afN" outside them. */
static void family_word(__u8 af, char *buf, size_t size)
{
	uint32_t bit = af == AF_INET ? ENF_NET_FAMILY_INET4 : af == AF_INET6 ? ENF_NET_FAMILY_INET6 :
		       af == AF_UNIX ? ENF_NET_FAMILY_UNIX : af == AF_PACKET ? ENF_NET_FAMILY_PACKET :
		       af == AF_NETLINK ? ENF_NET_FAMILY_NETLINK : 0;
	const char *w = enf_net_family_name(bit);

	if (w)
		snprintf(buf, size, "%s", w);
	else
		snprintf(buf, size, "af%u", af);
}

/*
 * A unix hook's record about an abstract peer (lsm-progs/unix.bpf.c): no
 * file names it, so it reads like a socket record, with the name as addr
 * "@name" (the notation of ss and AppArmor). A peer with a file-system
 * name is an ordinary path record (write on the socket).
 */
static bool unix_abstract_record(const struct enf_event *ev)
{
	return (ev->hook == ENF_HOOK_UNIX_CONNECT || ev->hook == ENF_HOOK_UNIX_SEND) && ev->net_family == AF_UNIX;
}

void audit_net_fields(json_t *o, const struct enf_event *ev)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	char fam[16], addr[INET6_ADDRSTRLEN] = "";
	bool abstract = unix_abstract_record(ev);

	if (!audit_is_net_hook(ev->hook) && !abstract)
		return;
	json_object_del(o, "path");
	json_object_del(o, "access");
	family_word(ev->net_family, fam, sizeof(fam));
	json_object_set_new(o, "op", json_string(enf_net_op_name(ev->net_op) ?: "unknown"));
	json_object_set_new(o, "family", json_string(fam));
	/* A socket outside the protocol vocabulary: only rules with proto "any" applied to it. */
	json_object_set_new(o, "proto", json_string(ev->net_proto == ENF_NET_PROTO_ANY ? "other" :
						    enf_net_proto_name((enum enf_net_proto)ev->net_proto)));
	if (abstract) {
		char name[1 + sizeof(ev->path)];

		/* An empty abstract name has nothing to print. */
		if (snprintf(name, sizeof(name), "@%.*s", (int)sizeof(ev->path), ev->path) > 1)
			json_object_set_new(o, "addr", json_kstring(name, sizeof(name)));
		return;
	}
	if (ev->net_op == ENF_NET_CREATE || (ev->net_family != AF_INET && ev->net_family != AF_INET6))
		return;
	if (memcmp(ev->net_addr, mapped, sizeof(mapped)) == 0)
		inet_ntop(AF_INET, ev->net_addr + 12, addr, sizeof(addr));
	else
		inet_ntop(AF_INET6, ev->net_addr, addr, sizeof(addr));
	json_object_set_new(o, "addr", json_string(addr));
	json_object_set_new(o, "port", json_integer(ev->net_port));
}
