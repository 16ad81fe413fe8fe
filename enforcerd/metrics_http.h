/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The opt-in Prometheus endpoint (`enforcerd --metrics-listen ADDR:PORT`):
 * a minimal HTTP/1.x server for GET /metrics, run from the daemon's epoll
 * loop. It never blocks enforcement work: sockets are non-blocking, a
 * request is read as it arrives, the answer is written as the socket takes
 * it (EPOLLOUT for the rest).
 *
 * Limits: loopback addresses only unless --metrics-allow-remote (the
 * metrics name profiles, rules and paths); METRICS_HTTP_MAX_CLIENTS
 * connections (more are closed at once and counted); a request header of
 * at most METRICS_HTTP_REQUEST_MAX bytes (else 431); a connection lives
 * METRICS_HTTP_TIMEOUT_SECONDS at most; one request per connection
 * (Connection: close). Other paths get 404, other methods 405.
 */
#ifndef ENFORCER_METRICS_HTTP_H
#define ENFORCER_METRICS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#define METRICS_HTTP_MAX_CLIENTS     8
#define METRICS_HTTP_REQUEST_MAX     4096
#define METRICS_HTTP_TIMEOUT_SECONDS 5

struct metrics_http_client {
	int fd;
	time_t started;
	size_t req_len;
	char req[METRICS_HTTP_REQUEST_MAX];
	char *resp;
	size_t resp_len, resp_off;
};

struct metrics_http {
	bool open;             /* clients[] initialised: metrics_http_open() was called */
	int listen_fd, epoll_fd;
	char where[80];        /* "127.0.0.1:9464", for logs */
	/* The exposition text, rendered for each request (malloc'd). 0 or -errno. */
	int (*render)(void *ctx, char **ret_text, size_t *ret_len);
	void *render_ctx;
	struct metrics_http_client clients[METRICS_HTTP_MAX_CLIENTS];
	unsigned long long served, rejected, timed_out, refused_busy;
};

/*
 * Parse "127.0.0.1:9464", "[::1]:9464" or "localhost:9464" (no name
 * lookups). Non-loopback addresses are refused unless allow_remote.
 * 0 or -EINVAL with a message naming the fix.
 */
int metrics_http_parse(const char *spec, bool allow_remote, struct sockaddr_storage *ret_sa,
		       socklen_t *ret_len, char *err, size_t size);

int metrics_http_open(struct metrics_http *h, const char *spec, bool allow_remote, int epoll_fd,
		      char *err, size_t size);
void metrics_http_close(struct metrics_http *h);

void metrics_http_accept(struct metrics_http *h);
void metrics_http_handle(struct metrics_http *h, int client_index);
/* Close connections past their time. */
void metrics_http_sweep(struct metrics_http *h);

#endif /* ENFORCER_METRICS_HTTP_H */
