// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-notify: the service manager's end of sd_notify(3), for the tests.
 * Binds a unix datagram socket (the NOTIFY_SOCKET a test gives enforcerd)
 * and appends each message it receives to OUT as one line, its
 * assignments joined by '|' and prefixed with the sender's pid:
 *
 *   pid=123 STATUS=Loading the BPF-LSM programs ...
 *   pid=123 READY=1|STATUS=Enforcing: ...
 *
 *   enf-notify SOCKET OUT [--ready FILE] [--on-ready CMD [ARGS...]]
 *
 * --on-ready runs CMD (and waits for it) the moment the first READY=1
 * arrives, before reading anything else, and appends "on-ready: " and its
 * output: what a unit ordered after the service sees at its first
 * instruction. --ready FILE is created once the socket is bound. Runs
 * until SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void append(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0)
		return;
	if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0)
		perror("enf-notify: write");
	close(fd);
}

static void run_on_ready(const char *out, char **cmd)
{
	char buf[4096], line[4200];
	int pipefd[2], status;
	size_t used = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	close(pipefd[1]);
	while (used < sizeof(buf) - 1 && (n = read(pipefd[0], buf + used, sizeof(buf) - 1 - used)) > 0)
		used += (size_t)n;
	buf[used] = 0;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = *(p + 1) ? ' ' : 0;
	snprintf(line, sizeof(line), "on-ready: %s", buf);
	append(out, line);
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *sock, *out, *ready = NULL;
	char **on_ready = NULL;
	int fd, one = 1, i;
	int seen_ready = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: enf-notify SOCKET OUT [--ready FILE] [--on-ready CMD [ARGS...]]\n");
		return 2;
	}
	sock = argv[1];
	out = argv[2];
	for (i = 3; i < argc; i++) {
		if (strcmp(argv[i], "--ready") == 0 && i + 1 < argc) {
			ready = argv[++i];
		} else if (strcmp(argv[i], "--on-ready") == 0 && i + 1 < argc) {
			on_ready = &argv[i + 1];
			break;
		} else {
			fprintf(stderr, "enf-notify: unexpected argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (strlen(sock) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "enf-notify: socket path too long\n");
		return 2;
	}
	strcpy(sa.sun_path, sock);
	unlink(sock);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
		perror("enf-notify: socket");
		return 1;
	}
	signal(SIGCHLD, SIG_DFL);
	if (ready)
		close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	for (;;) {
		char buf[4096], line[4200], cbuf[CMSG_SPACE(sizeof(struct ucred))];
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm;
		int pid = 0;
		ssize_t n = recvmsg(fd, &mh, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("enf-notify: recvmsg");
			return 1;
		}
		buf[n] = 0;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS)
				pid = ((struct ucred *)CMSG_DATA(cm))->pid;
		for (char *p = buf; *p; p++)
			if (*p == '\n')
				*p = '|';
		snprintf(line, sizeof(line), "pid=%d %s", pid, buf);
		append(out, line);
		if (on_ready && !seen_ready && (strncmp(buf, "READY=1", 7) == 0 || strstr(buf, "|READY=1"))) {
			seen_ready = 1;
			run_on_ready(out, on_ready);
		}
	}
}
