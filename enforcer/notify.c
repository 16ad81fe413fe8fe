// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"

int notify_open(struct notify *n, char *msg, size_t size)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct timeval tv = { .tv_sec = 5 };
	size_t len;

	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (!path || !path[0])
		return 0;
	len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof(n->addr.sun_path)) {
		snprintf(msg, size, "NOTIFY_SOCKET=%s is not a unix socket path ('/...' or '@...'); the service "
			 "manager will not hear that enforcerd is ready", path);
		return -EINVAL;
	}
	n->addr.sun_family = AF_UNIX;
	memcpy(n->addr.sun_path, path, len);
	if (path[0] == '@')
		n->addr.sun_path[0] = 0;   /* the abstract namespace: the name is not NUL-terminated */
	n->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] == '/'));
	n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (n->fd < 0) {
		int r = -errno;

		snprintf(msg, size, "cannot create the notification socket: %s", strerror(-r));
		return r;
	}
	/* A service manager that stops reading must not stop the daemon for long. */
	(void)setsockopt(n->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return 0;
}

void notify_close(struct notify *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

int notify_send(struct notify *n, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int len;

	if (n->fd < 0)
		return 0;
	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		return -EINVAL;
	if ((size_t)len >= sizeof(buf))
		len = sizeof(buf) - 1;
	if (sendto(n->fd, buf, (size_t)len, MSG_NOSIGNAL, (struct sockaddr *)&n->addr, n->addr_len) < 0)
		return -errno;
	return 0;
}

int notify_status(struct notify *n, const char *assignments, const char *text)
{
	char line[1024];
	size_t i;

	if (n->fd < 0)
		return 0;
	for (i = 0; text[i] && i < sizeof(line) - 1; i++)
		line[i] = text[i] == '\n' ? ' ' : text[i];
	line[i] = 0;
	return assignments ? notify_send(n, "%s\nSTATUS=%s", assignments, line) : notify_send(n, "STATUS=%s", line);
}

int notify_reloading(struct notify *n)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return notify_send(n, "RELOADING=1\nMONOTONIC_USEC=%llu",
			   (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000);
}
