// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-sock: talks raw to enforcerd's control socket, for tests of what a
 * hostile or broken client can send. Prints the daemon's answer (one line)
 * or what happened instead.
 *
 *   enf-sock SOCKET send TEXT       one packet with TEXT, exactly
 *   enf-sock SOCKET repeat N TEXT   one packet with TEXT repeated N times
 *   enf-sock SOCKET nested N        {"cmd": [[[...]]]} nested N deep
 *   enf-sock SOCKET fd-garbage      a load request passing /dev/urandom's bytes as the bundle
 *   enf-sock SOCKET hold SECONDS    connect, send nothing; report when the daemon closes it
 *   enf-sock SOCKET crowd N SECONDS hold N connections at once; report how many were refused
 *
 * Exit status: 0 an answer came (or, for hold, the daemon closed the
 * connection), 1 no answer, 2 usage, 3 cannot connect.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		printf("connect: %s\n", strerror(errno));
		exit(3);
	}
	return s;
}

static int send_packet(int s, const char *buf, size_t len, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = {};
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		mh.msg_control = control.buf;
		mh.msg_controllen = sizeof(control.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(s, &mh, MSG_NOSIGNAL) < 0) {
		printf("send: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Wait for one answer; print it. 0 when one came. */
static int answer(int s, int timeout_ms)
{
	static char buf[1 << 17];
	struct pollfd p = { .fd = s, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0) {
		printf("no answer within %d ms\n", timeout_ms);
		return 1;
	}
	n = recv(s, buf, sizeof(buf) - 1, 0);
	if (n <= 0) {
		printf("closed without an answer\n");
		return 1;
	}
	buf[n] = 0;
	printf("%s\n", buf);
	return 0;
}

int main(int argc, char **argv)
{
	int s;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3)
		goto usage;
	if (strcmp(argv[2], "send") == 0 && argc == 4) {
		s = connect_to(argv[1]);
		if (send_packet(s, argv[3], strlen(argv[3]), -1) < 0)
			return 1;
		return answer(s, 5000);
	}
	if (strcmp(argv[2], "repeat") == 0 && argc == 5) {
		size_t n = strtoul(argv[3], NULL, 10), len = strlen(argv[4]);
		char *buf = malloc(n * len + 1);

		for (size_t i = 0; i < n; i++)
			memcpy(buf + i * len, argv[4], len);
		s = connect_to(argv[1]);
		if (send_packet(s, buf, n * len, -1) < 0)
			return 1;
		return answer(s, 5000);
	}
	if (strcmp(argv[2], "nested") == 0 && argc == 4) {
		size_t n = strtoul(argv[3], NULL, 10), o = 0;
		char *buf = malloc(2 * n + 32);

		o += (size_t)sprintf(buf, "{\"cmd\": ");
		for (size_t i = 0; i < n; i++)
			buf[o++] = '[';
		for (size_t i = 0; i < n; i++)
			buf[o++] = ']';
		buf[o++] = '}';
		s = connect_to(argv[1]);
		if (send_packet(s, buf, o, -1) < 0)
			return 1;
		return answer(s, 5000);
	}
	if (strcmp(argv[2], "fd-garbage") == 0 && argc == 3) {
		int fd = open("/dev/urandom", O_RDONLY);
		const char *req = "{\"cmd\":\"load\"}";

		s = connect_to(argv[1]);
		if (send_packet(s, req, strlen(req), fd) < 0)
			return 1;
		return answer(s, 10000);
	}
	if (strcmp(argv[2], "hold") == 0 && argc == 4) {
		int secs = atoi(argv[3]);
		time_t t0 = time(NULL);
		char c;

		s = connect_to(argv[1]);
		struct pollfd p = { .fd = s, .events = POLLIN };
		if (poll(&p, 1, secs * 1000) > 0 && recv(s, &c, 1, 0) <= 0) {
			printf("closed by the daemon after %ld s\n", (long)(time(NULL) - t0));
			return 0;
		}
		printf("still open after %d s\n", secs);
		return 1;
	}
	if (strcmp(argv[2], "crowd") == 0 && argc == 5) {
		int n = atoi(argv[3]), secs = atoi(argv[4]), refused = 0;
		struct pollfd *p = calloc((size_t)n, sizeof(*p));
		time_t t0;

		for (int i = 0; i < n; i++)
			p[i] = (struct pollfd){ .fd = connect_to(argv[1]), .events = POLLIN };
		/* A refused client gets an answer, then the connection closes; the others hear nothing. */
		t0 = time(NULL);
		while (time(NULL) - t0 < secs) {
			if (poll(p, (nfds_t)n, 500) <= 0)
				continue;
			for (int i = 0; i < n; i++) {
				if (p[i].fd >= 0 && p[i].revents) {
					refused++;
					p[i].fd = -1;
				}
			}
		}
		printf("%d of %d connections refused\n", refused, n);
		return 0;
	}
usage:
	fprintf(stderr, "usage: enf-sock SOCKET send TEXT | repeat N TEXT | nested N | fd-garbage | hold S | crowd N S\n");
	return 2;
}
