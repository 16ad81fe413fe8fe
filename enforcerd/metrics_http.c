// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "epoll_tags.h"
#include "metrics_http.h"
#include "metrics_prometheus.h"
#include "util.h"

int metrics_http_parse(const char *spec, bool allow_remote, struct sockaddr_storage *ret_sa,
		       socklen_t *ret_len, char *err, size_t size)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ret_sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ret_sa;
	char host[64];
	const char *colon, *h = spec;
	size_t hlen;
	char *end;
	unsigned long port;
	bool loopback;

	memset(ret_sa, 0, sizeof(*ret_sa));
	colon = strrchr(spec, ':');
	if (!colon)
		goto bad;
	hlen = (size_t)(colon - spec);
	if (hlen >= 2 && spec[0] == '[' && spec[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof(host))
		goto bad;
	memcpy(host, h, hlen);
	host[hlen] = 0;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port == 0 || port > 65535)
		goto bad;
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
		*ret_len = sizeof(*in);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
		*ret_len = sizeof(*in6);
	} else {
		goto bad;
	}
	if (!loopback && !allow_remote) {
		snprintf(err, size, "--metrics-listen %s is not a loopback address: the metrics name profiles, "
			 "rules and paths. Use 127.0.0.1:PORT or [::1]:PORT, or add --metrics-allow-remote", spec);
		return -EINVAL;
	}
	return 0;
bad:
	snprintf(err, size, "--metrics-listen '%s': expected ADDRESS:PORT with a numeric address, "
		 "e.g. 127.0.0.1:9464 or [::1]:9464 (port 1-65535)", spec);
	return -EINVAL;
}

int metrics_http_open(struct metrics_http *h, const char *spec, bool allow_remote, int epoll_fd,
		      char *err, size_t size)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = METRICS_TAG_LISTEN };
	struct sockaddr_storage sa;
	socklen_t len;
	int one = 1, r;

	h->listen_fd = -1;
	h->epoll_fd = epoll_fd;
	for (size_t i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++)
		h->clients[i].fd = -1;
	h->open = true;
	r = metrics_http_parse(spec, allow_remote, &sa, &len, err, size);
	if (r < 0)
		return r;
	snprintf(h->where, sizeof(h->where), "%s", spec);
	h->listen_fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->listen_fd < 0 ||
	    setsockopt(h->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(h->listen_fd, (struct sockaddr *)&sa, len) < 0 || listen(h->listen_fd, 16) < 0 ||
	    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, h->listen_fd, &ev) < 0) {
		r = -errno;
		snprintf(err, size, "cannot listen on %s for metrics: %s", spec, strerror(-r));
		metrics_http_close(h);
		return r;
	}
	return 0;
}

static void client_close(struct metrics_http *h, int i)
{
	struct metrics_http_client *c = &h->clients[i];

	if (c->fd < 0)
		return;
	epoll_ctl(h->epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->resp);
	c->fd = -1;
	c->resp = NULL;
	c->req_len = c->resp_len = c->resp_off = 0;
}

void metrics_http_close(struct metrics_http *h)
{
	if (!h->open)
		return;
	for (int i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++)
		client_close(h, i);
	if (h->listen_fd >= 0)
		close(h->listen_fd);
	h->listen_fd = -1;
}

void metrics_http_accept(struct metrics_http *h)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd, slot = -1;

	while ((fd = accept4(h->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (int i = 0; i < METRICS_HTTP_MAX_CLIENTS && slot < 0; i++)
			if (h->clients[i].fd < 0)
				slot = i;
		if (slot < 0) {
			/* Busy: no answer is better than blocking the loop on a write. */
			h->refused_busy++;
			close(fd);
			continue;
		}
		h->clients[slot].fd = fd;
		h->clients[slot].started = time(NULL);
		ev.data.u64 = METRICS_TAG_CLIENT + (unsigned)slot;
		if (epoll_ctl(h->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
			client_close(h, slot);
		slot = -1;
	}
}

/* Write what the socket takes; the rest waits for EPOLLOUT. Closes when done or broken. */
static void flush(struct metrics_http *h, int i)
{
	struct metrics_http_client *c = &h->clients[i];
	struct epoll_event ev = { .events = EPOLLOUT, .data.u64 = METRICS_TAG_CLIENT + (unsigned)i };

	while (c->resp_off < c->resp_len) {
		ssize_t n = send(c->fd, c->resp + c->resp_off, c->resp_len - c->resp_off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			epoll_ctl(h->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
			return;
		}
		if (n <= 0)
			break;
		c->resp_off += (size_t)n;
	}
	client_close(h, i);
}

static void respond(struct metrics_http *h, int i, const char *status, const char *type, const char *body,
		    size_t body_len, bool head)
{
	struct metrics_http_client *c = &h->clients[i];
	char hdr[256];
	int n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n", status, type, body_len);

	c->resp = malloc((size_t)n + body_len);
	if (!c->resp) {
		client_close(h, i);
		return;
	}
	memcpy(c->resp, hdr, (size_t)n);
	if (!head)
		memcpy(c->resp + n, body, body_len);
	c->resp_len = (size_t)n + (head ? 0 : body_len);
	flush(h, i);
}

static void error_reply(struct metrics_http *h, int i, const char *status, const char *text)
{
	h->rejected++;
	respond(h, i, status, "text/plain; charset=utf-8", text, strlen(text), false);
}

/* A complete request header is in c->req: answer it. */
static void answer(struct metrics_http *h, int i)
{
	struct metrics_http_client *c = &h->clients[i];
	_cleanup_free_ char *text = NULL;
	char method[8], target[256];
	size_t len = 0;
	bool head;

	if (sscanf(c->req, "%7s %255s HTTP/1.%*1[01]", method, target) != 2 || strchr(target, '\r')) {
		error_reply(h, i, "400 Bad Request", "malformed request line\n");
		return;
	}
	head = strcmp(method, "HEAD") == 0;
	if (!head && strcmp(method, "GET") != 0) {
		error_reply(h, i, "405 Method Not Allowed", "only GET /metrics\n");
		return;
	}
	target[strcspn(target, "?")] = 0;
	if (strcmp(target, "/metrics") != 0) {
		error_reply(h, i, "404 Not Found", "only /metrics is served here\n");
		return;
	}
	if (h->render(h->render_ctx, &text, &len) < 0) {
		error_reply(h, i, "500 Internal Server Error", "cannot collect the metrics (out of memory)\n");
		return;
	}
	h->served++;
	respond(h, i, "200 OK", PROMETHEUS_CONTENT_TYPE, text, len, head);
}

void metrics_http_handle(struct metrics_http *h, int i)
{
	struct metrics_http_client *c;
	ssize_t n;

	if (i < 0 || i >= METRICS_HTTP_MAX_CLIENTS || h->clients[i].fd < 0)
		return;
	c = &h->clients[i];
	if (c->resp) {
		flush(h, i);
		return;
	}
	n = recv(c->fd, c->req + c->req_len, sizeof(c->req) - 1 - c->req_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(h, i);
		return;
	}
	c->req_len += (size_t)n;
	c->req[c->req_len] = 0;
	if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
		answer(h, i);
	else if (c->req_len == sizeof(c->req) - 1)
		error_reply(h, i, "431 Request Header Fields Too Large", "request header over 4 KiB\n");
}

void metrics_http_sweep(struct metrics_http *h)
{
	time_t now = time(NULL);

	if (!h->open)
		return;
	for (int i = 0; i < METRICS_HTTP_MAX_CLIENTS; i++)
		if (h->clients[i].fd >= 0 && now - h->clients[i].started >= METRICS_HTTP_TIMEOUT_SECONDS) {
			h->timed_out++;
			client_close(h, i);
		}
}
