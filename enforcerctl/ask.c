// SPDX-License-Identifier: GPL-2.0-only
/* enforcerctl: asking the daemon (a request, its answer, the exit status it means). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "cgroup.h"
#include "enforcerctl.h"
#include "print.h"
#include "protocol.h"
#include "support.h"
#include "time_arg.h"
#include "util.h"
#include "vocab.h"

/*
 * Send one request and wait for the answer on a new connection, which
 * *ret_sock keeps open when not NULL (events --follow). Returns 0 with
 * *ret_reply set (ok or not), or an exit status after printing why the
 * daemon could not be asked.
 */
int call_keep(const struct ctl *ctl, json_t *req, int fd, json_t **ret_reply, int *ret_sock)
{
	_cleanup_close_ int sock = -1;
	int r;

	r = proto_connect(ctl->socket_path, &sock);
	if (r < 0) {
		fprintf(stderr, "%s: cannot reach enforcerd at %s: %s. Is enforcerd running? "
			"(start it with 'systemctl start enforcerd', or pass --socket)\n",
			prog, ctl->socket_path, strerror(-r));
		json_decref(req);
		return EXIT_LOCAL;
	}
	r = proto_send(sock, req, fd);
	json_decref(req);
	if (r < 0) {
		fprintf(stderr, "%s: cannot send the request to enforcerd: %s\n", prog, strerror(-r));
		return EXIT_LOCAL;
	}
	r = proto_recv(sock, ret_reply, NULL);
	if (r < 0) {
		fprintf(stderr, "%s: no valid answer from enforcerd: %s\n", prog, strerror(-r));
		return EXIT_LOCAL;
	}
	if (ret_sock)
		*ret_sock = TAKE_FD(sock);
	return 0;
}

int call(const struct ctl *ctl, json_t *req, int fd, json_t **ret_reply)
{
	return call_keep(ctl, req, fd, ret_reply, NULL);
}

/* Print the reply's error (if any) and map it to an exit status. */
int reply_status(const struct ctl *ctl, json_t *reply)
{
	if (json_is_true(json_object_get(reply, "ok")))
		return 0;
	if (ctl->json) {
		json_dumpf(reply, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	fprintf(stderr, "%s: %s\n", prog, json_string_value(json_object_get(reply, "error")) ?: "request failed");
	return EXIT_REFUSED;
}

/* Ask, then either print JSON or let `human` print; returns the exit status. */
int ask(const struct ctl *ctl, json_t *req, int fd, void (*human)(json_t *reply))
{
	json_t *reply = NULL;
	int r = call(ctl, req, fd, &reply);

	if (r)
		return r;
	r = reply_status(ctl, reply);
	if (r == 0) {
		if (ctl->json) {
			json_dumpf(reply, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			putchar('\n');
		} else if (human) {
			human(reply);
		}
	}
	json_decref(reply);
	return r;
}

/* A command that takes no arguments and prints the daemon's answer. */
int ask_plain(struct ctl *ctl, int argc, const char *name, void (*human)(json_t *reply))
{
	if (expect_args(argc, 0, 0, name))
		return EXIT_USAGE;
	return ask(ctl, json_pack("{s:s}", "cmd", name), -1, human);
}

/*
 * A request whose answer may be larger than one packet: the daemon writes
 * it into a memfd passed along. Returns 0 with the answer's bytes in
 * *ret_text (NUL-terminated), or an exit status after printing why.
 */
int ask_into_memfd(const struct ctl *ctl, json_t *req, char **ret_text, size_t *ret_len)
{
	_cleanup_close_ int fd = memfd_create("enforcerctl-answer", MFD_CLOEXEC);
	json_t *reply = NULL;
	int r;

	if (fd < 0) {
		fprintf(stderr, "%s: memfd_create: %s\n", prog, strerror(errno));
		json_decref(req);
		return EXIT_LOCAL;
	}
	r = call(ctl, req, fd, &reply);
	if (r)
		return r;
	r = reply_status(ctl, reply);
	json_decref(reply);
	if (r)
		return r;
	if (lseek(fd, 0, SEEK_SET) < 0 || (r = read_fd_all(fd, 256u << 20, ret_text, ret_len)) < 0) {
		fprintf(stderr, "%s: cannot read the answer back: %s\n", prog, strerror(errno));
		return EXIT_LOCAL;
	}
	return 0;
}
