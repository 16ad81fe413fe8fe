// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "audit_net.h"

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
	}
	return "unknown";
}

/* The policy's words (docs/policy.md), so an event reads like the rule that decided it. */
static const char *op_word(__u32 op)
{
	switch (op) {
	case ENF_NET_CREATE:  return "create";
	case ENF_NET_CONNECT: return "connect";
	case ENF_NET_BIND:    return "bind";
	case ENF_NET_LISTEN:  return "listen";
	case ENF_NET_ACCEPT:  return "accept";
	case ENF_NET_SEND:    return "send";
	}
	return "unknown";
}

static const char *proto_word(__u8 proto)
{
	switch (proto) {
	case ENF_NET_PROTO_TCP:  return "tcp";
	case ENF_NET_PROTO_UDP:  return "udp";
	case ENF_NET_PROTO_ICMP: return "icmp";
	case ENF_NET_PROTO_RAW:  return "raw";
	}
	return "other"; /* a socket outside the vocabulary: only "any" rules applied */
}

static void family_word(__u8 af, char *buf, size_t size)
{
	switch (af) {
	case AF_INET:    snprintf(buf, size, "inet4"); break;
	case AF_INET6:   snprintf(buf, size, "inet6"); break;
	case AF_UNIX:    snprintf(buf, size, "unix"); break;
	case AF_PACKET:  snprintf(buf, size, "packet"); break;
	case AF_NETLINK: snprintf(buf, size, "netlink"); break;
	default:         snprintf(buf, size, "af%u", af); break;
	}
}

void audit_net_fields(json_t *o, const struct enf_event *ev)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	char fam[16], addr[INET6_ADDRSTRLEN] = "";

	if (!audit_is_net_hook(ev->hook))
		return;
	json_object_del(o, "path");
	json_object_del(o, "access");
	family_word(ev->net_family, fam, sizeof(fam));
	json_object_set_new(o, "op", json_string(op_word(ev->net_op)));
	json_object_set_new(o, "family", json_string(fam));
	json_object_set_new(o, "proto", json_string(proto_word(ev->net_proto)));
	if (ev->net_op == ENF_NET_CREATE || (ev->net_family != AF_INET && ev->net_family != AF_INET6))
		return;
	if (memcmp(ev->net_addr, mapped, sizeof(mapped)) == 0)
		inet_ntop(AF_INET, ev->net_addr + 12, addr, sizeof(addr));
	else
		inet_ntop(AF_INET6, ev->net_addr, addr, sizeof(addr));
	json_object_set_new(o, "addr", json_string(addr));
	json_object_set_new(o, "port", json_integer(ev->net_port));
}
