// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the control socket's request handling, from the packet
 * to the answer: proto_recv() (common/protocol.c), authorisation, dispatch
 * and every command handler of enforcerd/control_commands.c, with rollout.c,
 * decisions.c, live_edit.c, learn.c and state.c as they are. Below them,
 * where the handlers would touch BPF maps and the cgroup tree, is the
 * daemon without a kernel (tests/unit/no_kernel.h). The seam is the link:
 * control.c and control_commands.c are compiled unchanged and driven
 * through control_handle() over a socketpair, exactly as enforcerd's loop
 * drives it.
 *
 * Each input is one request: byte 0 says who sends it and what comes with
 * it, the rest is the packet.
 *   bits 0-1  the peer: 0 root, 1 a member of the read group, 2 anyone else,
 *             3 root in a confined cgroup
 *   bits 2-3  the passed fd: 0 none, 1 a memfd with a compiled profile
 *             ('db'), 2 the same in bundle format 1, 3 a pipe
 *   bit 4     the packet padded with spaces past ENF_MSG_MAX
 * Every run starts from the same daemon: profiles 'web' (enforce, attached
 * to /sys/fs/cgroup/web, one selector) and 'lrn' (learning, synthesized),
 * two events in the `events` ring (the decision store behind `report` and
 * `promote` only grows from run to run), and an /etc/enforcer that
 * `reload` applies (it declares 'web' too, and a profile of its own); no
 * systemd, so units are refused.
 *
 * Invariant: beyond no crash, leak or sanitizer report:
 *  - an empty packet (EOF) closes the connection without an answer; every
 *    other packet gets exactly one answer, a JSON object with a boolean
 *    "ok"; a refusal has a non-empty "error" and a positive "errno";
 *  - authorisation holds: a confined peer is refused with EPERM (or, for
 *    a packet that is not a JSON object, EBADMSG / EMSGSIZE), a peer
 *    neither root nor in the read group never succeeds, and no one but root
 *    changes the registry, the selectors, the kernel or a learn session;
 *  - no descriptor leaks (the passed one included).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_fixture.h"
#include "control.h"
#include "no_kernel.h"
#include "policy.h"
#include "protocol.h"

enum peer { PEER_ROOT, PEER_READER, PEER_OTHER, PEER_CONFINED };
enum passed { PASS_NONE, PASS_BUNDLE, PASS_BUNDLE_FORMAT1, PASS_PIPE };

static const char *const web_policy =
	"{\"name\": \"web\", \"mode\": \"enforce\","
	" \"exec\": {\"default\": \"allow\", \"rules\": [{\"action\": \"deny\", \"path\": \"/usr/bin/wget\"}]},"
	" \"file\": {\"default\": \"allow\", \"rules\": [{\"action\": \"deny\", \"path\": \"/etc/shadow\", \"access\": [\"read\"],"
	"   \"from\": [\"/usr/bin/cat\"]}]},"
	" \"network\": {\"default\": \"allow\", \"rules\": [{\"action\": \"deny\", \"op\": [\"connect\"],"
	"   \"addr\": \"10.0.0.0/8\", \"ports\": [25]}]}}";
static const char *const db_policy =
	"{\"name\": \"db\", \"mode\": \"audit\", \"exec\": {\"default\": \"deny\", \"rules\": ["
	" {\"action\": \"allow\", \"path\": \"/usr/sbin/**\"}]}}";
static const char *const events[] = {
	"{\"time\": \"2024-05-01T10:00:00.000000Z\", \"type\": \"event\", \"profile\": \"web\", \"verdict\": \"would-deny\","
	" \"hook\": \"bprm_check\", \"rule_id\": \"0000abcd\", \"rule\": \"web.json:3:5\", \"path\": \"/usr/bin/wget\"}",
	"{\"time\": \"2024-05-01T10:00:01.000000Z\", \"type\": \"summary\", \"profile\": \"web\", \"verdict\": \"deny\","
	" \"count\": 7, \"op\": \"connect\", \"addr\": \"10.1.2.3\", \"proto\": \"tcp\", \"port\": 25}",
};

static struct {
	char dir[64];
	void *web, *lrn, *db, *db_format1;
	size_t web_len, lrn_len, db_len;
	json_t *events[2];
	struct engine e;
	struct profiles ps;
	struct selectors sel;
	struct state_store st;
	struct learn learn;
	struct decisions decisions;
	struct audit audit;
	struct daemon_info info;
	struct origins origins;
	struct unit_resolver units;
	struct notify notify;
	struct config_status config;
	struct control c;
} d;

/* What /etc/enforcer declares (d.config.dir): a reload takes over 'web'. */
static const struct {
	const char *path, *text;
} etc_files[] = {
	{ "profiles/web.json", "{\"name\": \"web\", \"mode\": \"audit\", \"exec\": {\"default\": \"allow\"}}\n" },
	{ "profiles/etc.json", "{\"name\": \"etc\", \"mode\": \"enforce\", \"network\": {\"default\": \"deny\"}}\n" },
	{ "attachments.d/10-etc.conf", "etc cgroup /sys/fs/cgroup/etc.slice\netc selector etc.slice/*.scope\n"
				      "web cgroup /sys/fs/cgroup/web\n" },
};

static FILE *out; /* stderr as it was: the daemon's own log lines go to /dev/null */

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(out ? out : stderr, "fuzz_control: invariant broken: %s\n", what);
		abort();
	}
}

static void serialise(const char *text, bool learning, void **ret, size_t *ret_len)
{
	struct policy_error err = { .text = "" };
	struct policy_profile *p = NULL;
	struct bundle *b = NULL;
	char msg[512];

	if (learning)
		check(learn_synthesize("lrn", &b, msg, sizeof(msg)) == 0, "fixture: learning profile");
	else
		check(policy_parse_buffer(text, strlen(text), "fixture.json", &p, &err) == 0 &&
		      policy_compile(p, &b, &err) == 0, "fixture: profile compiles");
	check(bundle_serialize(b, ret, ret_len) == 0, "fixture: serialise");
	policy_profile_free(p);
	bundle_free(b);
}

static struct profile *load_fixture(const void *buf, size_t len)
{
	struct bundle *b = NULL;
	struct profile *p = NULL;
	bool replaced;
	char msg[512];

	check(bundle_parse(buf, len, &b, msg, sizeof(msg)) == 0, "fixture: parse");
	check(profiles_load(&d.ps, b, &p, &replaced, msg, sizeof(msg)) == 0, "fixture: load");
	return p;
}

/* The same daemon before every request. */
static void end_sessions(void)
{
	for (size_t i = 0; i < LEARN_MAX_SESSIONS; i++)
		if (d.learn.s[i].used)
			learn_end(&d.learn, &d.learn.s[i]);
}

static void reset(void)
{
	const struct attachment *a;
	struct profile *p;
	unsigned n;
	char msg[512];

	end_sessions();
	no_kernel_free(&d.ps, &d.sel);
	no_kernel_reboot();
	no_kernel_init(&d.e, &d.ps, &d.sel);
	(void)state_remove_all(d.dir);
	d.st.problem[0] = d.st.last_error[0] = 0;
	origins_free(&d.origins);
	config_free(&d.config.applied);
	d.config.ever_applied = false;
	d.config.error[0] = 0;
	/* The decision store is kept from run to run: made anew, its 3 MiB of tables would cost more than the rest. */

	load_fixture(d.web, d.web_len);
	check(selectors_attach_path(&d.sel, "web", "/sys/fs/cgroup/web", &a, msg, sizeof(msg)) == 0, "fixture: attach");
	check(selectors_add(&d.sel, "web", "system.slice/web-*.service", &n, msg, sizeof(msg)) == 0, "fixture: selector");
	p = load_fixture(d.lrn, d.lrn_len);
	check(learn_begin(&d.learn, p, true, msg, sizeof(msg)) == 0, "fixture: learn session");

	memset(&d.c, 0, sizeof(d.c));
	d.c.listen_fd = -1;
	d.c.epoll_fd = -1;
	d.c.read_gid = 4242;
	for (size_t i = 0; i < CONTROL_MAX_CLIENTS; i++)
		d.c.clients[i].fd = -1;
	d.c.profiles = &d.ps;
	d.c.engine = &d.e;
	d.c.audit = &d.audit;
	d.c.selectors = &d.sel;
	d.c.state = &d.st;
	d.c.learn = &d.learn;
	d.c.info = &d.info;
	d.c.decisions = &d.decisions;
	d.c.origins = &d.origins;
	d.c.units = &d.units;
	d.c.notify = &d.notify;
	d.c.config = &d.config;
	for (size_t i = 0; i < 2; i++)
		control_on_event(&d.c, d.events[i]);
}

/* DIR/etc: the configuration directory a reload reads (systemd is not running: units are refused). */
static void write_etc(void)
{
	char path[256];
	FILE *f;

	d.units = (struct unit_resolver){ .fd = -1 };
	d.notify = (struct notify){ .fd = -1 };
	snprintf(path, sizeof(path), "%s/etc", d.dir);
	d.config.dir = strdup(path);
	check(d.config.dir && mkdir(path, 0755) == 0, "configuration directory");
	snprintf(path, sizeof(path), "%s/etc/profiles", d.dir);
	check(mkdir(path, 0755) == 0, "profiles/");
	snprintf(path, sizeof(path), "%s/etc/attachments.d", d.dir);
	check(mkdir(path, 0755) == 0, "attachments.d/");
	for (size_t i = 0; i < sizeof(etc_files) / sizeof(etc_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/etc/%s", d.dir, etc_files[i].path);
		f = fopen(path, "we");
		check(f && fputs(etc_files[i].text, f) >= 0 && fclose(f) == 0, "a file of the configuration");
	}
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	(void)remove(path);
	return 0;
}

/* The temporary directory goes with the process (libFuzzer leaves by exit()). */
static void remove_dir(void)
{
	nftw(d.dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char msg[512];

	(void)argc;
	(void)argv;
	/*
	 * The daemon logs every command to stderr: that FILE is pointed at
	 * /dev/null (FUZZ_CONTROL_LOG=1 keeps it). libFuzzer keeps its own
	 * copy of the pointer and the sanitizers write to fd 2: their reports
	 * are not lost.
	 */
	out = stderr;
	if (!getenv("FUZZ_CONTROL_LOG")) {
		FILE *null = fopen("/dev/null", "we");

		check(null != NULL, "/dev/null");
		stderr = null;
	}
	snprintf(d.dir, sizeof(d.dir), "%s/fuzz_control.XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	check(mkdtemp(d.dir) != NULL, "state directory");
	atexit(remove_dir);
	check(state_open(&d.st, d.dir, &d.origins, msg, sizeof(msg)) == 0, "state_open");
	write_etc();
	check(learn_init(&d.learn, d.dir, &d.ps, &d.e) == 0, "learn_init");
	serialise(web_policy, false, &d.web, &d.web_len);
	serialise(NULL, true, &d.lrn, &d.lrn_len);
	serialise(db_policy, false, &d.db, &d.db_len);
	d.db_format1 = malloc(d.db_len);
	check(d.db_format1 != NULL, "alloc");
	memcpy(d.db_format1, d.db, d.db_len);
	fixture_make_format1(d.db_format1, d.db_len);
	for (size_t i = 0; i < 2; i++)
		check((d.events[i] = json_loads(events[i], 0, NULL)) != NULL, "fixture: events");
	d.audit.log_path = "-";
	d.info = (struct daemon_info){ .pin_dir = "/sys/fs/bpf/enforcer", .hardening = "capabilities and seccomp" };
	no_kernel_init(&d.e, &d.ps, &d.sel);
	check(decisions_init(&d.decisions, 1714557600000000LL) == 0, "decisions");
	return 0;
}

/* The passed descriptor, or -1. */
static int passed_fd(enum passed what)
{
	int fd = -1, p[2];

	switch (what) {
	case PASS_NONE:
		break;
	case PASS_BUNDLE:
	case PASS_BUNDLE_FORMAT1:
		fd = memfd_create("bundle", MFD_CLOEXEC);
		check(fd >= 0, "memfd");
		check(write(fd, what == PASS_BUNDLE ? d.db : d.db_format1, d.db_len) == (ssize_t)d.db_len, "memfd write");
		lseek(fd, 0, SEEK_SET);
		break;
	case PASS_PIPE:
		check(pipe2(p, O_CLOEXEC) == 0, "pipe");
		close(p[1]);
		fd = p[0];
		break;
	}
	return fd;
}

static void send_packet(int sock, const void *buf, size_t len, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control = { 0 };
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
	check(sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)len, "send the request");
}

static int lowest_free_fd(void)
{
	int fd = dup(0);

	close(fd);
	return fd;
}

static size_t sessions(void)
{
	size_t n = 0;

	for (size_t i = 0; i < LEARN_MAX_SESSIONS; i++)
		n += d.learn.s[i].used;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char packet[ENF_MSG_MAX + 64], answer[ENF_MSG_MAX + 1];
	enum peer peer;
	size_t len, n_sessions;
	unsigned long long changes;
	int sv[2], fd, first_free;
	json_t *reply, *ok, *error, *err_no;
	ssize_t n;

	if (size < 1 || size - 1 > ENF_MSG_MAX)
		return -1;
	peer = data[0] & 3;
	len = size - 1;
	memcpy(packet, data + 1, len);
	if (data[0] & 0x10) {
		memset(packet + len, ' ', sizeof(packet) - len);
		len = sizeof(packet);
	}
	first_free = lowest_free_fd(); /* no learn session is open between runs */
	reset();
	check(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0, "socketpair");
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	/* As the daemon's listening socket: each message names its sender, this process. */
	check(setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int)) == 0, "SO_PASSCRED");
	d.c.clients[0] = (struct control_client){
		.fd = sv[0], .pid = getpid(), .uid = peer == PEER_ROOT || peer == PEER_CONFINED ? 0 : 1000,
		.gid = peer == PEER_READER ? 4242 : 1000,
		.admin = peer == PEER_ROOT || peer == PEER_CONFINED, .reader = peer != PEER_OTHER,
		.confined = peer == PEER_CONFINED,
	};
	fd = passed_fd((data[0] >> 2) & 3);
	send_packet(sv[1], packet, len, fd);
	if (fd >= 0)
		close(fd);
	changes = no_kernel.changes;
	n_sessions = sessions();

	control_handle(&d.c, 0);

	n = recv(sv[1], answer, sizeof(answer) - 1, MSG_DONTWAIT);
	if (len == 0) {
		check(n <= 0 && d.c.clients[0].fd < 0, "an empty packet closes the connection, unanswered");
	} else {
		check(n > 0, "a request is answered");
		reply = json_loadb(answer, (size_t)n, 0, NULL);
		ok = json_object_get(reply, "ok");
		error = json_object_get(reply, "error");
		err_no = json_object_get(reply, "errno");
		check(json_is_object(reply) && json_is_boolean(ok), "the answer is an object with a boolean \"ok\"");
		check(json_is_true(ok) || (json_string_length(error) > 0 && json_integer_value(err_no) > 0),
		      "a refusal has an error text and an errno");
		/* A packet that is no request at all is refused as such, before anyone is asked who sent it. */
		check(peer != PEER_CONFINED || (!json_is_true(ok) && (json_integer_value(err_no) == EPERM ||
			json_integer_value(err_no) == EBADMSG || json_integer_value(err_no) == EMSGSIZE)),
		      "a confined peer is refused with EPERM");
		check(peer != PEER_OTHER || !json_is_true(ok), "a peer outside the read group never succeeds");
		json_decref(reply);
		check(recv(sv[1], answer, sizeof(answer) - 1, MSG_DONTWAIT) < 0, "one answer per request");
	}
	check(peer == PEER_ROOT || (no_kernel.changes == changes && sessions() == n_sessions),
	      "only root changes the registry, the selectors, the kernel or a learn session");
	control_close(&d.c);
	close(sv[1]);
	end_sessions();
	check(lowest_free_fd() == first_free, "no descriptor leaks");
	return 0;
}
