// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "audit_syslog.h"
#include "util.h"

bool audit_syslog_spec(const char *spec, const char **ret_socket)
{
	if (strcmp(spec, "syslog") == 0) {
		*ret_socket = AUDIT_SYSLOG_DEFAULT;
		return true;
	}
	if (strncmp(spec, "syslog:", 7) == 0) {
		*ret_socket = spec + 7;
		return true;
	}
	return false;
}

int audit_syslog_reconnect(struct audit_syslog *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memcpy(sa.sun_path, s->path, sizeof(s->path));
	/* A datagram socket may be connected again: the hardened daemon never needs a new one. */
	if (connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

int audit_syslog_open(struct audit_syslog *s, const char *socket_path, char *msg, size_t size)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (socket_path[0] != '/' || strlen(socket_path) >= sizeof(s->path)) {
		snprintf(msg, size, "--audit-log syslog:SOCKET needs an absolute socket path of at most %zu bytes, "
			 "got '%s'", sizeof(s->path) - 1, socket_path);
		return -EINVAL;
	}
	snprintf(s->path, sizeof(s->path), "%s", socket_path);
	s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		r = -errno;
		snprintf(msg, size, "cannot create a socket for syslog: %s", strerror(-r));
		return r;
	}
	r = audit_syslog_reconnect(s);
	if (r < 0) {
		snprintf(msg, size, "cannot connect to the syslog socket %s: %s (is a syslog daemon running? "
			 "--audit-log syslog:SOCKET names another socket)", s->path, strerror(-r));
		audit_syslog_close(s);
		return r;
	}
	return 0;
}

void audit_syslog_close(struct audit_syslog *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static int send_once(struct audit_syslog *s, const char *line)
{
	char head[64], stamp[32];
	struct iovec iov[2];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	time_t now = time(NULL);
	struct tm tm;
	int n;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(head, sizeof(head), "<%d>%s enforcerd[%d]: ", LOG_AUTHPRIV | LOG_NOTICE, stamp, (int)getpid());
	iov[0] = (struct iovec){ .iov_base = head, .iov_len = (size_t)n };
	iov[1] = (struct iovec){ .iov_base = (void *)line, .iov_len = strlen(line) };
	return sendmsg(s->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int audit_syslog_send(struct audit_syslog *s, const char *line)
{
	int r;

	if (s->fd < 0) {
		s->errors++;
		return -ENOTCONN;
	}
	r = send_once(s, line);
	/* syslogd restarted: its socket is a new one at the same path. */
	if ((r == -ECONNREFUSED || r == -ENOTCONN) && audit_syslog_reconnect(s) == 0)
		r = send_once(s, line);
	if (r < 0)
		s->errors++;
	else
		s->sent++;
	return r;
}
