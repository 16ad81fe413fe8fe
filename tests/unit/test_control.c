// SPDX-License-Identifier: GPL-2.0-only
/*
 * `enforcerctl load` as the daemon answers it: enforcerd/control{,_commands}.c as they are,
 * driven through control_handle() over a socketpair, over the daemon
 * without a kernel (no_kernel.h). A bundle of the format-1 build is refused
 * with the message that says to recompile (enforcerctl prints the daemon's
 * "error" text), and nothing is loaded; the same bundle in format 2 loads.
 * A refusal whose text is cut inside a UTF-8 character is still answered.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bundle_fixture.h"
#include "control.h"
#include "no_kernel.h"
#include "protocol.h"
#include "unit.h"
#include "util.h"

static struct engine e;
static struct profiles ps;
static struct selectors sel;
static struct state_store st;
static struct learn learn;
static struct decisions decisions;
static struct audit audit = { .log_path = "-" };
static struct daemon_info info = { .pin_dir = "/sys/fs/bpf/enforcer", .hardening = "none" };
static struct origins origins;
static struct unit_resolver units = { .fd = -1 };
static struct notify notify = { .fd = -1 };
static struct control c;

/* One request from root with fd passed (-1: none); the answer, parsed. */
static json_t *ask(const char *request, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = { 0 };
	struct iovec iov = { .iov_base = (void *)request, .iov_len = strlen(request) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			     .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	static char answer[ENF_MSG_MAX + 1];
	int sv[2];
	ssize_t n;

	/* As control_open() has the listening socket do: every message names its sender. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0 ||
	    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int)) < 0)
		return NULL;
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (fd < 0) {
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
	}
	if (sendmsg(sv[1], &mh, 0) < 0)
		return NULL;
	c.clients[0] = (struct control_client){ .fd = sv[0], .admin = true, .reader = true };
	control_handle(&c, 0);
	n = recv(sv[1], answer, sizeof(answer) - 1, MSG_DONTWAIT);
	close(sv[0]);
	close(sv[1]);
	c.clients[0].fd = -1;
	return n > 0 ? json_loadb(answer, (size_t)n, 0, NULL) : NULL;
}

/*
 * A request on a connection accepted from uid 0 and unconfined: the
 * answer's "ok", or -1 when there is none. With passcred the kernel names
 * this process as the sender, as on the daemon's socket (SO_PASSCRED on
 * the listening socket, control_open()).
 */
static int ok_of(const char *request, bool passcred)
{
	static char answer[ENF_MSG_MAX + 1];
	json_t *reply;
	int sv[2], ok = -1;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if ((!passcred || setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int)) == 0) &&
	    send(sv[1], request, strlen(request), 0) > 0) {
		c.clients[0] = (struct control_client){ .fd = sv[0], .pid = getpid(), .admin = true, .reader = true };
		control_handle(&c, 0);
		n = recv(sv[1], answer, sizeof(answer) - 1, MSG_DONTWAIT);
		reply = n > 0 ? json_loadb(answer, (size_t)n, 0, NULL) : NULL;
		if (reply)
			ok = json_is_true(json_object_get(reply, "ok"));
		json_decref(reply);
	}
	close(sv[0]);
	close(sv[1]);
	c.clients[0].fd = -1;
	return ok;
}

/* This process's cgroup, as an attachment's path below /sys/fs/cgroup; "" when unknown. */
static const char *own_cgroup(void)
{
	static char path[PATH_MAX + 32];
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	char line[PATH_MAX];

	path[0] = 0;
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(path, sizeof(path), "/sys/fs/cgroup%s", strcmp(line + 3, "/") ? line + 3 : "");
		}
	return path;
}

/*
 * A connection made before its process was confined, or a descriptor of it
 * another process holds: each request is decided by its own sender too.
 */
static void test_sender_confined_since(void)
{
	struct attachment *saved = ps.att;
	size_t n_saved = ps.n_att;
	struct attachment own = { .cgroup = (char *)own_cgroup() };

	EXPECT_EQ(ok_of("{\"cmd\":\"list\"}", true), 1, "sender: an admin request from an unconfined root is answered");
	EXPECT_EQ(ok_of("{\"cmd\":\"list\"}", false), 0, "sender: a request that names no sender is refused");
	if (!EXPECT_TRUE(own.cgroup[0], "sender: this process's cgroup is known"))
		return;
	ps.att = &own;
	ps.n_att = 1;
	EXPECT_EQ(ok_of("{\"cmd\":\"list\"}", true), 0,
		  "sender: the same connection's request, its sender's cgroup attached since, is refused");
	ps.att = saved;
	ps.n_att = n_saved;
	EXPECT_EQ(ok_of("{\"cmd\":\"list\"}", true), 1, "sender: answered again once nothing governs it (control)");
}

static int memfd_with(const void *buf, size_t len)
{
	int fd = memfd_create("bundle", MFD_CLOEXEC);

	if (fd >= 0 && (write(fd, buf, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int main(void)
{
	char dir[] = "/tmp/test_control.XXXXXX", msg[512];
	_cleanup_free_ void *buf = NULL;
	struct bundle *b = fixture_compile("tests/unit/policies/allowlist.json");
	json_t *reply;
	size_t len = 0;
	int fd;

	if (!EXPECT_TRUE(b && bundle_serialize(b, &buf, &len) == 0, "compile and serialise a profile") ||
	    !EXPECT_TRUE(mkdtemp(dir) != NULL, "temporary state directory") ||
	    !EXPECT_OK(state_open(&st, dir, &origins, msg, sizeof(msg)), "state directory") ||
	    !EXPECT_OK(learn_init(&learn, dir, &ps, &e), "learn") ||
	    !EXPECT_OK(decisions_init(&decisions, 0), "decisions"))
		return unit_done();
	no_kernel_init(&e, &ps, &sel);
	c = (struct control){ .listen_fd = -1, .epoll_fd = -1, .read_gid = (gid_t)-1, .profiles = &ps, .engine = &e,
			      .audit = &audit, .selectors = &sel, .state = &st, .learn = &learn, .info = &info,
			      .decisions = &decisions, .origins = &origins, .units = &units, .notify = &notify };
	for (size_t i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c.clients[i].fd = -1;

	/* The bundle as the format-1 build wrote it. */
	fixture_make_format1(buf, len);
	fd = memfd_with(buf, len);
	reply = ask("{\"cmd\":\"load\"}", fd);
	close(fd);
	EXPECT_TRUE(reply && json_is_false(json_object_get(reply, "ok")), "load of a format-1 bundle is refused");
	EXPECT_EQ(json_integer_value(json_object_get(reply, "errno")), EPROTO, "... as another format (EPROTO)");
	EXPECT_CONTAINS(json_string_value(json_object_get(reply, "error")),
			"bundle format 1 / ABI", "... naming the bundle's format");
	EXPECT_CONTAINS(json_string_value(json_object_get(reply, "error")),
			"recompile the profile with this version's policyc", "... and saying to recompile");
	EXPECT_TRUE(profiles_find(&ps, b->name) == NULL, "... and nothing is loaded");
	json_decref(reply);

	/* Positive control: the same bundle in format 2 loads. */
	bundle_free(b);
	free(buf);
	buf = NULL;
	b = fixture_compile("tests/unit/policies/allowlist.json");
	if (EXPECT_TRUE(b && bundle_serialize(b, &buf, &len) == 0, "control: serialise in format 2")) {
		fd = memfd_with(buf, len);
		reply = ask("{\"cmd\":\"load\"}", fd);
		close(fd);
		EXPECT_TRUE(reply && json_is_true(json_object_get(reply, "ok")), "control: the format-2 bundle loads");
		EXPECT_TRUE(profiles_find(&ps, b->name) != NULL, "control: ... and is in the registry");
		json_decref(reply);
	}
	bundle_free(b);

	/*
	 * An unknown command is named in the refusal, cut at 64 bytes: cut inside
	 * a UTF-8 character, the refusal was not valid JSON text and no answer
	 * was sent at all (fuzz_control).
	 */
	{
		char req[512] = "{\"cmd\":\"x";

		for (int i = 0; i < 70; i++)
			strcat(req, "\xd2\x8a");
		strcat(req, "\"}");
		reply = ask(req, -1);
		EXPECT_TRUE(reply && json_is_false(json_object_get(reply, "ok")), "a long unknown command in UTF-8 is answered");
		EXPECT_CONTAINS(json_string_value(json_object_get(reply, "error")), "unknown command 'x",
				"... naming it");
		json_decref(reply);
	}
	test_sender_confined_since();
	control_close(&c);
	no_kernel_free(&ps, &sel);
	learn_free(&learn);
	decisions_free(&decisions);
	origins_free(&origins);
	state_remove_all(dir);
	rmdir(dir);
	state_close(&st);
	return unit_done();
}
