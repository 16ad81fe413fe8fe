// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest helper for the metrics endpoint:
 *   enf-metrics get HOST PORT PATH     GET it; the body to stdout, exit 0 on 200
 *   enf-metrics raw HOST PORT TEXT     send TEXT as is (\r\n spelled "\\r\\n");
 *                                      print the status line
 *   enf-metrics check FILE             strict Prometheus 0.0.4 check
 *                                      (tests/unit/prom_check.h); "valid N samples"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "../unit/prom_check.h"

static char buf[4 << 20];

static int fetch(const char *host, const char *port, const char *request, size_t *ret_len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	struct timeval tv = { .tv_sec = 10 };
	size_t len = 0;
	ssize_t n;
	int fd;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return fprintf(stderr, "enf-metrics: bad address %s\n", host), -1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fprintf(stderr, "enf-metrics: connect %s:%s: %s\n", host, port, strerror(errno)), -1;
	if (write(fd, request, strlen(request)) < 0)
		return fprintf(stderr, "enf-metrics: write: %s\n", strerror(errno)), -1;
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = 0;
	*ret_len = len;
	return 0;
}

/* "\r\n" written as backslash-r backslash-n on the command line. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && (s[1] == 'r' || s[1] == 'n')) {
			*o++ = s[1] == 'r' ? '\r' : '\n';
			s++;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
}

int main(int argc, char **argv)
{
	char req[8192], err[512];
	size_t len = 0;
	char *body;

	if (argc == 3 && strcmp(argv[1], "check") == 0) {
		FILE *f = fopen(argv[2], "r");
		long n;

		if (!f)
			return perror(argv[2]), 2;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		n = prom_check(buf, len, err, sizeof(err));
		if (n < 0)
			return printf("invalid: %s\n", err), 1;
		printf("valid %ld samples\n", n);
		return 0;
	}
	if (argc != 5 || (strcmp(argv[1], "get") && strcmp(argv[1], "raw")))
		return fprintf(stderr, "usage: enf-metrics get|raw HOST PORT PATH|TEXT, or check FILE\n"), 2;
	if (strcmp(argv[1], "raw") == 0) {
		unescape(argv[4]);
		snprintf(req, sizeof(req), "%s", argv[4]);
	} else {
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", argv[4], argv[2]);
	}
	if (fetch(argv[2], argv[3], req, &len) < 0)
		return 1;
	if (strcmp(argv[1], "raw") == 0) {
		buf[strcspn(buf, "\r\n")] = 0;
		printf("%s\n", buf);
		return 0;
	}
	body = strstr(buf, "\r\n\r\n");
	if (strncmp(buf, "HTTP/1.1 200 ", 13) != 0 || !body)
		return fprintf(stderr, "enf-metrics: %.*s\n", (int)strcspn(buf, "\r\n"), buf), 1;
	if (!strstr(buf, "Content-Type: text/plain; version=0.0.4"))
		return fprintf(stderr, "enf-metrics: no 0.0.4 Content-Type\n"), 1;
	fwrite(body + 4, 1, len - (size_t)(body + 4 - buf), stdout);
	return 0;
}
