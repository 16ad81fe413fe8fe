/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The syslog destination of the audit log (--audit-log syslog[:SOCKET]):
 * one datagram per record to the local syslog socket (default /dev/log),
 * facility authpriv, severity notice, tag "enforcerd". Sends never block
 * the daemon; a record the socket does not take is counted, not retried.
 * The socket is made once at start-up (the hardened daemon may not create
 * sockets) and reconnected on SIGHUP or when syslogd was restarted.
 */
#ifndef ENFORCER_AUDIT_SYSLOG_H
#define ENFORCER_AUDIT_SYSLOG_H

#include <stdbool.h>

#define AUDIT_SYSLOG_DEFAULT "/dev/log"

struct audit_syslog {
	int fd;
	char path[108];          /* sun_path */
	unsigned long long sent, errors;
};

/* Is this --audit-log value a syslog destination? Sets *ret_socket (never NULL then). */
bool audit_syslog_spec(const char *spec, const char **ret_socket);

/* Create the socket and connect it. 0, or -errno with msg naming the fix. */
int audit_syslog_open(struct audit_syslog *s, const char *socket_path, char *msg, size_t size);
int audit_syslog_reconnect(struct audit_syslog *s);
void audit_syslog_close(struct audit_syslog *s);

/* One record. 0 or -errno (counted in s->errors). */
int audit_syslog_send(struct audit_syslog *s, const char *line);

#endif /* ENFORCER_AUDIT_SYSLOG_H */
