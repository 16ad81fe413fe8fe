/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The service manager's notification protocol (sd_notify(3)): one datagram
 * of newline-separated VAR=VALUE assignments to the unix socket named in
 * $NOTIFY_SOCKET ("/path", or "@name" for the abstract namespace).
 *
 * Written here rather than linked from libsystemd (sd_notify(3) documents the
 * protocol as stable and invites reimplementing it): the socket is created
 * once at start-up, before the seccomp filter (enforcer/harden.c), which
 * allows sendto() but not socket(); each message is then one sendto(). With
 * no $NOTIFY_SOCKET (not started by systemd, or Type=simple) every call is a
 * no-op, so the daemon runs the same with and without a service manager.
 *
 * What enforcerd sends: STATUS= as it starts, READY=1 once every program is
 * attached and the persisted and /etc/enforcer state are applied, RELOADING=1
 * (with MONOTONIC_USEC=) and READY=1 around a reload, STOPPING=1 at exit.
 */
#ifndef ENFORCER_NOTIFY_H
#define ENFORCER_NOTIFY_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

struct notify {
	int fd;                    /* -1: no service manager to tell */
	struct sockaddr_un addr;
	socklen_t addr_len;
};

/* Read $NOTIFY_SOCKET and make the socket. 0 (also without one), or -errno with msg. */
int notify_open(struct notify *n, char *msg, size_t size);
void notify_close(struct notify *n);

/*
 * Send one message, e.g. notify_send(n, "READY=1\nSTATUS=%s", text). A
 * newline inside a STATUS= value would start a new assignment: the caller's
 * values are single lines (notify_status() flattens them). 0 or -errno.
 */
int notify_send(struct notify *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* STATUS=TEXT (newlines become spaces), optionally after other assignments (NULL: none). */
int notify_status(struct notify *n, const char *assignments, const char *text);

/* RELOADING=1 with the MONOTONIC_USEC= systemd 253+ requires beside it. */
int notify_reloading(struct notify *n);

#endif /* ENFORCER_NOTIFY_H */
