// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "protocol.h"
#include "util.h"

int proto_send(int sock, json_t *msg, int fd)
{
	_cleanup_free_ char *text = json_dumps(msg, JSON_COMPACT);
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = {};
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (!text)
		return -ENOMEM;
	iov.iov_base = text;
	iov.iov_len = strlen(text);
	if (iov.iov_len > ENF_MSG_MAX)
		return -EMSGSIZE;
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
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return 0;
}

int proto_recv(int sock, json_t **ret_msg, int *ret_fd)
{
	return proto_recv_cred(sock, ret_msg, ret_fd, NULL, NULL);
}

int proto_recv_cred(int sock, json_t **ret_msg, int *ret_fd, struct ucred *ret_cred, bool *ret_has_cred)
{
	_cleanup_free_ char *buf = malloc(ENF_MSG_MAX + 1);
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = buf, .iov_len = ENF_MSG_MAX };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	_cleanup_close_ int fd = -1;
	json_error_t jerr;
	json_t *msg;
	ssize_t n;

	*ret_msg = NULL;
	if (ret_fd)
		*ret_fd = -1;
	if (ret_has_cred)
		*ret_has_cred = false;
	if (!buf)
		return -ENOMEM;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;

	/* Take every passed fd so none leaks, keep at most the first. */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct ucred)) && ret_cred && ret_has_cred) {
			memcpy(ret_cred, CMSG_DATA(c), sizeof(*ret_cred));
			*ret_has_cred = true;
			continue;
		}
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int f;

			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fd < 0 && ret_fd)
				fd = f;
			else
				close(f);
		}
	}
	if (n == 0)
		return -ECONNRESET;
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		return -EMSGSIZE;
	msg = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
	if (!msg)
		return -EBADMSG;
	if (!json_is_object(msg)) {
		json_decref(msg);
		return -EBADMSG;
	}
	*ret_msg = msg;
	if (ret_fd)
		*ret_fd = TAKE_FD(fd);
	return 0;
}

int proto_connect(const char *path, int *ret_sock)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int s = -1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	*ret_sock = TAKE_FD(s);
	return 0;
}
