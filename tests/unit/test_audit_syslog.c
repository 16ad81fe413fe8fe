// SPDX-License-Identifier: GPL-2.0-only
/*
 * The syslog destination of the audit log (enforcerd/audit_syslog.c), the
 * opening of its file (open_append_regular(), common/util.c) and the
 * cgroup id -> path resolution of events (enforcerd/cgroup_names.c),
 * against a real datagram socket, a FIFO and the host's own cgroup2
 * hierarchy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "audit_syslog.h"
#include "cgroup_names.h"
#include "unit.h"
#include "util.h"

/* A stand-in syslogd at path: a bound datagram socket. */
static int serve(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return fd;
}

static ssize_t receive(int fd, char *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = 0;
	return n;
}

/* What reopening the log may meet at its name: only a regular file is written. */
static void test_log_file_open(void)
{
	char dir[] = "/tmp/enf-logopen-XXXXXX", log[128], fifo[128], symlinked[128], second[128];
	int fd, reader;

	if (!EXPECT_TRUE(mkdtemp(dir), "mkdtemp"))
		return;
	snprintf(log, sizeof(log), "%s/audit.log", dir);
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	snprintf(symlinked, sizeof(symlinked), "%s/link", dir);
	fd = open_append_regular(log);
	EXPECT_TRUE(fd >= 0 && write(fd, "a\n", 2) == 2, "log open: a missing file is created and written");
	EXPECT_TRUE(fd >= 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK) && (fcntl(fd, F_GETFL) & O_APPEND),
		    "log open: appending, blocking like any file");
	if (fd >= 0)
		close(fd);
	EXPECT_TRUE(mkfifo(fifo, 0600) == 0, "mkfifo");
	EXPECT_TRUE(open_append_regular(fifo) == -EINVAL, "log open: a FIFO with no reader is refused, not waited on");
	reader = open(fifo, O_RDONLY | O_NONBLOCK);
	EXPECT_TRUE(reader >= 0 && open_append_regular(fifo) == -EINVAL, "log open: a FIFO someone reads is refused");
	if (reader >= 0)
		close(reader);
	EXPECT_TRUE(symlink(log, symlinked) == 0 && open_append_regular(symlinked) == -ELOOP,
		    "log open: a symlink is refused, even to a regular file");
	EXPECT_TRUE(open_append_regular("/dev/null") == -EINVAL, "log open: a device is refused");
	snprintf(second, sizeof(second), "%s/second", dir);
	EXPECT_TRUE(link(log, second) == 0, "a second name for the log");
	EXPECT_TRUE(open_append_regular(log) == -EMLINK, "log open: a file with another hard link is refused");
	unlink(second);
	fd = open_append_regular(log);
	EXPECT_TRUE(fd >= 0, "log open: ... and opened again once it has one name (control)");
	if (fd >= 0)
		close(fd);
	unlink(symlinked);
	unlink(fifo);
	unlink(log);
	rmdir(dir);
}

static void test_spec(void)
{
	const char *sock = NULL;

	EXPECT_TRUE(audit_syslog_spec("syslog", &sock) && strcmp(sock, "/dev/log") == 0, "spec: syslog is /dev/log");
	EXPECT_TRUE(audit_syslog_spec("syslog:/run/x.sock", &sock) && strcmp(sock, "/run/x.sock") == 0,
		    "spec: syslog:SOCKET names the socket");
	EXPECT_TRUE(!audit_syslog_spec("/var/log/enforcer/audit.log", &sock), "spec: a file is not syslog");
	EXPECT_TRUE(!audit_syslog_spec("-", &sock), "spec: stdout is not syslog");
	EXPECT_TRUE(!audit_syslog_spec("syslogger", &sock), "spec: a file named syslog-something is not syslog");
}

static void test_send(void)
{
	char dir[] = "/tmp/enf-syslog-XXXXXX", path[128], buf[8192], msg[256];
	struct audit_syslog s;
	int srv, r;

	if (!EXPECT_TRUE(mkdtemp(dir), "mkdtemp"))
		return;
	snprintf(path, sizeof(path), "%s/log", dir);

	r = audit_syslog_open(&s, path, msg, sizeof(msg));
	EXPECT_EQ(r, -ENOENT, "open: no syslogd is an error");
	EXPECT_TRUE(strstr(msg, path) && strstr(msg, "syslog:SOCKET"), "open: the message names the socket and the fix");
	r = audit_syslog_open(&s, "relative/log", msg, sizeof(msg));
	EXPECT_EQ(r, -EINVAL, "open: a relative socket path is refused");

	srv = serve(path);
	if (!EXPECT_TRUE(srv >= 0, "bind a stand-in syslogd"))
		return;
	if (!EXPECT_OK(audit_syslog_open(&s, path, msg, sizeof(msg)), "open"))
		return;
	EXPECT_OK(audit_syslog_send(&s, "{\"type\":\"event\"}"), "send a record");
	EXPECT_TRUE(receive(srv, buf, sizeof(buf)) > 0, "the record arrives as one datagram");
	EXPECT_TRUE(strncmp(buf, "<85>", 4) == 0, "priority authpriv.notice (85)");
	EXPECT_TRUE(strstr(buf, " enforcerd[") && strstr(buf, "]: {\"type\":\"event\"}"),
		    "tag enforcerd[pid], then the record");

	/* syslogd restarted: a new socket at the same path; the next send reconnects. */
	close(srv);
	srv = serve(path);
	EXPECT_OK(audit_syslog_send(&s, "{\"n\":2}"), "send after a syslogd restart");
	EXPECT_TRUE(receive(srv, buf, sizeof(buf)) > 0 && strstr(buf, "{\"n\":2}"), "the restarted syslogd gets it");

	/* No syslogd at all: the record is counted as an error, the daemon goes on. */
	close(srv);
	unlink(path);
	EXPECT_TRUE(audit_syslog_send(&s, "{\"n\":3}") < 0, "send with no syslogd fails");
	EXPECT_EQ(s.errors, 1, "and is counted");
	EXPECT_EQ(s.sent, 2, "the others were sent");
	audit_syslog_close(&s);
	rmdir(dir);
}

static void test_cgroup_names(void)
{
	struct cgroup_names n;
	char dir[4200];
	const char *p;
	struct stat st;

	if (cgroup_names_open(&n) < 0 || geteuid() != 0) {
		printf("skip cgroup names: no cgroup2 mount here, or not root\n");
		cgroup_names_close(&n);
		return;
	}
	snprintf(dir, sizeof(dir), "%s/enf-unit-%d", n.root, (int)getpid());
	if (!EXPECT_TRUE(mkdir(dir, 0755) == 0 && stat(dir, &st) == 0, "make a cgroup"))
		goto out;
	p = cgroup_names_get(&n, st.st_ino);
	EXPECT_TRUE(p && strncmp(p, "/enf-unit-", 10) == 0, "a cgroup's id resolves to its path below the mount");
	EXPECT_TRUE(cgroup_names_get(&n, st.st_ino) == p, "the second lookup comes from the cache");
	rmdir(dir);
	stat(n.root, &st);
	p = cgroup_names_get(&n, st.st_ino);
	EXPECT_TRUE(p && strcmp(p, "/") == 0, "the root cgroup is /");
	EXPECT_TRUE(cgroup_names_get(&n, 0x7fffffffffffULL) == NULL, "an id nobody has resolves to nothing");
out:
	cgroup_names_close(&n);
}

int main(void)
{
	test_spec();
	test_log_file_open();
	test_send();
	test_cgroup_names();
	return unit_done();
}
