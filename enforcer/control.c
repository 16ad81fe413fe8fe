// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "log.h"
#include "protocol.h"
#include "util.h"

#define ERRMSG_MAX 1024

/* Who may run a command. */
enum access_level { ACCESS_READ, ACCESS_ADMIN };

struct request {
	struct control *c;
	const struct control_client *client;
	json_t *msg;
	int fd;                /* passed fd, or -1 */
	char err[ERRMSG_MAX];
};

typedef json_t *(*command_fn)(struct request *rq, int *ret_errno);

static json_t *reply_error(int err, const char *text)
{
	return json_pack("{s:b, s:s, s:i}", "ok", 0, "error", text, "errno", err < 0 ? -err : err);
}

/*
 * Unpack the request strictly: unknown keys are errors, so a typo in a
 * client never silently does something else.
 */
static int unpack(struct request *rq, const char *fmt, ...)
{
	json_error_t jerr;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = json_vunpack_ex(rq->msg, &jerr, JSON_STRICT, fmt, ap);
	va_end(ap);
	if (r < 0) {
		snprintf(rq->err, sizeof(rq->err), "malformed request: %s", jerr.text);
		return -EINVAL;
	}
	return 0;
}

static json_t *profile_json(const struct profiles *ps, const struct profile *p)
{
	json_t *att = json_array();

	for (size_t i = 0; i < ps->n_att; i++)
		if (ps->att[i].slot == p->slot)
			json_array_append_new(att, json_string(ps->att[i].cgroup));
	return json_pack("{s:s, s:s, s:I, s:i, s:i, s:s, s:o}",
			 "name", p->bundle->name,
			 "mode", enf_mode_name(p->mode),
			 "generation", (json_int_t)p->generation,
			 "rules", (int)p->bundle->n_rules,
			 "path_nodes", (int)p->bundle->n_nodes,
			 "source", p->bundle->source_file,
			 "attached", att);
}

static json_t *cmd_status(struct request *rq, int *ret_errno)
{
	static const char *const names[] = {
		[ENF_STAT_DECISIONS] = "decisions", [ENF_STAT_DENIED] = "denied",
		[ENF_STAT_AUDITED] = "audited", [ENF_STAT_EVENT_DROPPED] = "events_dropped",
		[ENF_STAT_UNRESOLVED] = "failed_closed_unresolved",
		[ENF_STAT_NO_INSTANCE] = "failed_closed_no_instance",
	};
	const char *cmd;
	json_t *stats;
	size_t n = 0;

	if ((*ret_errno = unpack(rq, "{s:s}", "cmd", &cmd)) < 0)
		return NULL;
	for (size_t i = 0; i < ENF_MAX_PROFILES; i++)
		n += rq->c->profiles->slots[i].used;
	stats = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		uint64_t v = 0;

		if (names[i] && engine_stat(rq->c->engine, i, &v) == 0)
			json_object_set_new(stats, names[i], json_integer((json_int_t)v));
	}
	json_object_set_new(stats, "events_written", json_integer((json_int_t)rq->c->audit->written));
	return json_pack("{s:b, s:i, s:i, s:i, s:i, s:s, s:o}",
			 "ok", 1, "protocol", ENF_PROTOCOL_VERSION, "abi", ENF_ABI_VERSION,
			 "profiles", (int)n, "attachments", (int)rq->c->profiles->n_att,
			 "audit_log", rq->c->audit->log_path, "stats", stats);
}

static json_t *cmd_list(struct request *rq, int *ret_errno)
{
	const char *cmd;
	json_t *arr;

	if ((*ret_errno = unpack(rq, "{s:s}", "cmd", &cmd)) < 0)
		return NULL;
	arr = json_array();
	for (size_t i = 0; i < ENF_MAX_PROFILES; i++)
		if (rq->c->profiles->slots[i].used)
			json_array_append_new(arr, profile_json(rq->c->profiles, &rq->c->profiles->slots[i]));
	return json_pack("{s:b, s:o}", "ok", 1, "profiles", arr);
}

static json_t *cmd_load(struct request *rq, int *ret_errno)
{
	struct bundle *b = NULL;
	struct profile *p;
	const char *cmd;
	bool replaced;
	int r;

	if ((*ret_errno = unpack(rq, "{s:s}", "cmd", &cmd)) < 0)
		return NULL;
	if (rq->fd < 0) {
		snprintf(rq->err, sizeof(rq->err), "'load' needs the compiled profile passed as a file descriptor");
		*ret_errno = -EINVAL;
		return NULL;
	}
	r = bundle_read_fd(rq->fd, &b, rq->err, sizeof(rq->err));
	if (r < 0) {
		*ret_errno = r;
		return NULL;
	}
	r = profiles_load(rq->c->profiles, b, &p, &replaced, rq->err, sizeof(rq->err));
	if (r < 0) {
		bundle_free(b);
		*ret_errno = r;
		return NULL;
	}
	log_info("%s profile '%s' (generation %llu, %u rules, mode %s)", replaced ? "replaced" : "loaded",
		 p->bundle->name, (unsigned long long)p->generation, p->bundle->n_rules, enf_mode_name(p->mode));
	return json_pack("{s:b, s:b, s:o}", "ok", 1, "replaced", replaced,
			 "profile", profile_json(rq->c->profiles, p));
}

static json_t *cmd_unload(struct request *rq, int *ret_errno)
{
	const char *cmd, *name;
	int force = 0;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s?b}", "cmd", &cmd, "profile", &name, "force", &force)) < 0)
		return NULL;
	*ret_errno = profiles_unload(rq->c->profiles, name, force, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	log_info("unloaded profile '%s'", name);
	return json_pack("{s:b}", "ok", 1);
}

static json_t *cmd_mode(struct request *rq, int *ret_errno)
{
	const char *cmd, *name, *mode;
	enum enf_mode m;
	struct profile *p;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s:s}", "cmd", &cmd, "profile", &name, "mode", &mode)) < 0)
		return NULL;
	if (strcmp(mode, "audit") == 0) {
		m = ENF_MODE_AUDIT;
	} else if (strcmp(mode, "enforce") == 0) {
		m = ENF_MODE_ENFORCE;
	} else {
		snprintf(rq->err, sizeof(rq->err), "unknown mode '%s': expected 'audit' or 'enforce'", mode);
		*ret_errno = -EINVAL;
		return NULL;
	}
	*ret_errno = profiles_set_mode(rq->c->profiles, name, m, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	p = profiles_find(rq->c->profiles, name);
	log_info("profile '%s' is now in %s mode (generation %llu)", name, mode, (unsigned long long)p->generation);
	return json_pack("{s:b, s:o}", "ok", 1, "profile", profile_json(rq->c->profiles, p));
}

static json_t *cmd_attach(struct request *rq, int *ret_errno)
{
	const char *cmd, *name, *cgroup;
	const struct attachment *a;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s:s}", "cmd", &cmd, "profile", &name, "cgroup", &cgroup)) < 0)
		return NULL;
	*ret_errno = profiles_attach(rq->c->profiles, name, cgroup, &a, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	log_info("attached profile '%s' to %s", name, a->cgroup);
	return json_pack("{s:b, s:s, s:I, s:i}", "ok", 1, "cgroup", a->cgroup,
			 "cgroup_id", (json_int_t)a->cgroup_id, "level", (int)a->level);
}

static json_t *cmd_detach(struct request *rq, int *ret_errno)
{
	const char *cmd, *cgroup;

	if ((*ret_errno = unpack(rq, "{s:s, s:s}", "cmd", &cmd, "cgroup", &cgroup)) < 0)
		return NULL;
	*ret_errno = profiles_detach(rq->c->profiles, cgroup, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	log_info("detached %s", cgroup);
	return json_pack("{s:b}", "ok", 1);
}

static const struct command {
	const char *name;
	enum access_level access;
	command_fn fn;
} commands[] = {
	{ "status", ACCESS_READ,  cmd_status },
	{ "list",   ACCESS_READ,  cmd_list },
	{ "load",   ACCESS_ADMIN, cmd_load },
	{ "unload", ACCESS_ADMIN, cmd_unload },
	{ "mode",   ACCESS_ADMIN, cmd_mode },
	{ "attach", ACCESS_ADMIN, cmd_attach },
	{ "detach", ACCESS_ADMIN, cmd_detach },
};

static json_t *dispatch(struct request *rq)
{
	const char *name = json_string_value(json_object_get(rq->msg, "cmd"));
	json_t *reply;
	int err = 0;

	if (!name)
		return reply_error(-EINVAL, "malformed request: no \"cmd\" string");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *cmd = &commands[i];

		if (strcmp(cmd->name, name) != 0)
			continue;
		if (cmd->access == ACCESS_ADMIN ? !rq->client->admin : !rq->client->reader) {
			snprintf(rq->err, sizeof(rq->err), "permission denied: '%s' needs %s (you are uid %u)",
				 name, cmd->access == ACCESS_ADMIN ? "root" : "root or the enforcer read group",
				 (unsigned)rq->client->uid);
			return reply_error(-EPERM, rq->err);
		}
		reply = cmd->fn(rq, &err);
		if (!reply)
			return reply_error(err ? err : -EIO, rq->err[0] ? rq->err : strerror(err ? -err : EIO));
		return reply;
	}
	snprintf(rq->err, sizeof(rq->err), "unknown command '%.64s' (see 'enforcerctl --help')", name);
	return reply_error(-EINVAL, rq->err);
}

int control_open(struct control *c, const char *path, gid_t read_gid, int epoll_fd,
		 struct profiles *ps, struct engine *e, struct audit *a)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = CONTROL_TAG_LISTEN };
	_cleanup_free_ char *dir = NULL;
	int probe = -1;

	memset(c, 0, sizeof(*c));
	c->listen_fd = -1;
	for (size_t i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
	c->epoll_fd = epoll_fd;
	c->read_gid = read_gid;
	c->profiles = ps;
	c->engine = e;
	c->audit = a;
	if (strlen(path) >= sizeof(sa.sun_path))
		return log_error_errno(-ENAMETOOLONG, "socket path too long: %s", path);
	c->path = strdup(path);
	dir = strdup(path);
	if (!c->path || !dir)
		return -ENOMEM;
	*strrchr(dir, '/') = 0;
	if (dir[0] && mkdir(dir, 0755) < 0 && errno != EEXIST)
		return log_error_errno(-errno, "cannot create %s: %m", dir);

	/* Refuse to steal the socket of a daemon that is still running. */
	if (proto_connect(path, &probe) == 0) {
		close(probe);
		return log_error_errno(-EADDRINUSE, "another enforcerd is already serving %s; stop it first", path);
	}
	unlink(path);
	strcpy(sa.sun_path, path);
	c->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->listen_fd < 0)
		return log_error_errno(-errno, "cannot create the control socket: %m");
	if (bind(c->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return log_error_errno(-errno, "cannot bind %s: %m", path);
	/* Anyone may connect; every request is authorised by peer credentials. */
	if (chmod(path, 0666) < 0)
		return log_error_errno(-errno, "cannot chmod %s: %m", path);
	if (listen(c->listen_fd, 16) < 0)
		return log_error_errno(-errno, "cannot listen on %s: %m", path);
	if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c->listen_fd, &ev) < 0)
		return log_error_errno(-errno, "epoll: %m");
	return 0;
}

static void client_close(struct control *c, int i)
{
	if (c->clients[i].fd < 0)
		return;
	epoll_ctl(c->epoll_fd, EPOLL_CTL_DEL, c->clients[i].fd, NULL);
	close(c->clients[i].fd);
	c->clients[i].fd = -1;
}

void control_close(struct control *c)
{
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		client_close(c, i);
	if (c->listen_fd >= 0) {
		close(c->listen_fd);
		if (c->path)
			unlink(c->path);
	}
	free(c->path);
	memset(c, 0, sizeof(*c));
	c->listen_fd = -1;
}

static bool in_group(gid_t gid, pid_t pid, gid_t want)
{
	char path[64], line[512];
	FILE *f;
	bool found = gid == want;

	if (found || want == (gid_t)-1)
		return found;
	/* Supplementary groups of the peer, from its /proc status. */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		for (char *tok = strtok(line + 7, " \t\n"); tok && !found; tok = strtok(NULL, " \t\n"))
			found = (gid_t)strtoul(tok, NULL, 10) == want;
	}
	fclose(f);
	return found;
}

void control_accept(struct control *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct epoll_event ev = { .events = EPOLLIN };
	int fd, slot = -1;

	fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (int i = 0; i < CONTROL_MAX_CLIENTS && slot < 0; i++)
		if (c->clients[i].fd < 0)
			slot = i;
	if (slot < 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		json_t *r = reply_error(-EBUSY, "enforcerd is serving too many clients; retry");

		proto_send(fd, r, -1);
		json_decref(r);
		close(fd);
		return;
	}
	c->clients[slot] = (struct control_client){
		.fd = fd, .uid = cred.uid, .gid = cred.gid, .pid = cred.pid,
		.admin = cred.uid == 0,
		.reader = cred.uid == 0 || in_group(cred.gid, cred.pid, c->read_gid),
		.last_active = time(NULL),
	};
	ev.data.u64 = CONTROL_TAG_CLIENT + (unsigned)slot;
	if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		client_close(c, slot);
}

void control_handle(struct control *c, int i)
{
	struct request rq = { .c = c, .client = &c->clients[i], .fd = -1 };
	json_t *reply;
	int r;

	if (i < 0 || i >= CONTROL_MAX_CLIENTS || c->clients[i].fd < 0)
		return;
	c->clients[i].last_active = time(NULL);
	r = proto_recv(c->clients[i].fd, &rq.msg, &rq.fd);
	if (r == -EAGAIN)
		return;
	if (r == -ECONNRESET || r == -ECONNREFUSED || r == -EPIPE) {
		client_close(c, i);
		return;
	}
	if (r == -EMSGSIZE)
		reply = reply_error(r, "request too large or truncated: at most 64 KiB per request");
	else if (r < 0)
		reply = reply_error(r, "malformed request: not a JSON object");
	else
		reply = dispatch(&rq);
	if (reply) {
		proto_send(c->clients[i].fd, reply, -1);
		json_decref(reply);
	}
	json_decref(rq.msg);
	if (rq.fd >= 0)
		close(rq.fd);
	if (r < 0 && r != -EMSGSIZE && r != -EBADMSG)
		client_close(c, i);
}

void control_sweep_idle(struct control *c)
{
	time_t now = time(NULL);

	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->clients[i].fd >= 0 && now - c->clients[i].last_active > CONTROL_IDLE_SECONDS)
			client_close(c, i);
}
