/* SPDX-License-Identifier: GPL-2.0-only */
/* The network part of audit events: hook names and the socket operation's fields. */
#ifndef ENFORCER_AUDIT_NET_H
#define ENFORCER_AUDIT_NET_H

#include <jansson.h>
#include <stdbool.h>

#include "enforcer_abi.h"

/* Is the event's hook one of the socket hooks (ENF_HOOK_SOCKET_*)? */
bool audit_is_net_hook(__u32 hook);

/* "socket_connect", ...; "unknown" for other hooks. */
const char *audit_net_hook_name(__u32 hook);

/*
 * For events of socket hooks: replace the path fields with what the
 * operation was about: "op", "family", "proto", and where there is one,
 * "addr" (IPv4-mapped addresses as IPv4) and "port". Other events are left alone.
 */
void audit_net_fields(json_t *o, const struct enf_event *ev);

#endif /* ENFORCER_AUDIT_NET_H */
