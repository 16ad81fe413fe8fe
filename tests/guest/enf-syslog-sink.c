// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-syslog-sink: a stand-in syslog daemon for the audit destination
 * test. Binds a datagram socket at SOCKET and appends every message it
 * receives, as one line, to OUT, until killed. The guest has no syslogd
 * that keeps long messages whole (busybox truncates them).
 *
 *   enf-syslog-sink SOCKET OUT
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char buf[65536];
	FILE *out;
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: enf-syslog-sink SOCKET OUT\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("enf-syslog-sink: socket");
		return 1;
	}
	out = fopen(argv[2], "a");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n < 0)
			continue;
		while (n > 0 && buf[n - 1] == '\n')
			n--;
		buf[n] = 0;
		fprintf(out, "%s\n", buf);
		fflush(out);
	}
}
