/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control protocol between enforcerctl and enforcerd.
 *
 * A SOCK_SEQPACKET unix socket: every message is one JSON object in one
 * packet, so there is no framing to get wrong and a truncated request is
 * detectable (MSG_TRUNC). A request may carry one file descriptor
 * (SCM_RIGHTS): `load` passes the bundle that way, so the daemon reads
 * exactly what the client opened and never opens a path on its behalf.
 *
 * Request:  {"cmd": "attach", "profile": "web", "cgroup": "/sys/fs/cgroup/x"}
 * Response: {"ok": true, ...} or {"ok": false, "error": "text", "errno": N}
 */
#ifndef ENFORCER_PROTOCOL_H
#define ENFORCER_PROTOCOL_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/socket.h>

#define ENF_SOCKET_DEFAULT   "/run/enforcer/enforcer.sock"
#define ENF_MSG_MAX          (64 * 1024)   /* one request or response */
#define ENF_PROTOCOL_VERSION 1
#define ENF_EVENTS_RECENT    256           /* `events`: the daemon keeps this many, --count asks for 0..this */

/* Send one JSON object, with fd attached when fd >= 0. 0 or -errno. */
int proto_send(int sock, json_t *msg, int fd);

/*
 * Receive one JSON object (and a passed fd into *ret_fd, -1 if none; pass
 * NULL to refuse fds). 0, -ECONNRESET on EOF, -EMSGSIZE when truncated,
 * -EBADMSG when not a JSON object. On error *ret_msg is NULL.
 */
int proto_recv(int sock, json_t **ret_msg, int *ret_fd);
/*
 * As proto_recv(), and the sender's credentials when the kernel attached
 * them (SO_PASSCRED on sock: every message carries its sender's pid and
 * uid, whoever holds the connection now): *ret_has_cred says whether.
 */
int proto_recv_cred(int sock, json_t **ret_msg, int *ret_fd, struct ucred *ret_cred, bool *ret_has_cred);

/* Connect to the daemon's socket. 0 or -errno. */
int proto_connect(const char *path, int *ret_sock);

#endif /* ENFORCER_PROTOCOL_H */
