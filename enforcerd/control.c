// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket: connections, peer credentials, authorisation and
 * dispatch (control.h). The commands themselves are in control_commands.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cgroup.h"
#include "control.h"
#include "control_internal.h"
#include "epoll_tags.h"
#include "log.h"
#include "protocol.h"
#include "time_arg.h"
#include "util.h"

static const struct control_command *find_command(const char *name)
{
	for (size_t i = 0; i < n_control_commands; i++)
		if (strcmp(control_commands[i].name, name) == 0)
			return &control_commands[i];
	return NULL;
}

/*
 * Authorise, then run: the command's name is read here, once, and taken out
 * of the message, so each handler unpacks only its own arguments.
 */
static json_t *dispatch(struct request *rq)
{
	const char *name = json_string_value(json_object_get(rq->msg, "cmd"));
	const struct control_command *cmd;
	struct control *c = rq->c;
	json_t *reply;
	int err = 0;

	if (rq->confined) {
		c->n.denied++;
		return control_reply_error(-EPERM, "permission denied: requests from a cgroup a profile governs are refused; "
				   "run enforcerctl from an unconfined cgroup");
	}
	if (!name) {
		c->n.malformed++;
		return control_reply_error(-EINVAL, "malformed request: no \"cmd\" string");
	}
	cmd = find_command(name);
	if (!cmd) {
		c->n.malformed++;
		snprintf(rq->err, sizeof(rq->err), "unknown command '%.64s' (see 'enforcerctl --help')", name);
		return control_reply_error(-EINVAL, rq->err);
	}
	if (cmd->access == ACCESS_ADMIN ? !rq->admin : !rq->reader) {
		c->n.denied++;
		snprintf(rq->err, sizeof(rq->err), "permission denied: '%s' needs %s (you are uid %u)",
			 cmd->name, cmd->access == ACCESS_ADMIN ? "root" : "root or the enforcer read group",
			 (unsigned)rq->client->uid);
		return control_reply_error(-EPERM, rq->err);
	}
	rq->cmd = cmd->name;
	json_object_del(rq->msg, "cmd");
	reply = cmd->fn(rq, &err);
	if (!reply)
		return control_reply_error(err ? err : -EIO, rq->err[0] ? rq->err : strerror(err ? -err : EIO));
	if (cmd->changes_state) {
		int r = state_save(c->state, c->profiles, c->selectors);

		/* In force but not persisted: say so; the next successful save catches up. */
		json_object_set_new(reply, "persisted", json_boolean(r == 0));
		if (r < 0)
			json_object_set_new(reply, "warning", json_kstring(c->state->last_error, sizeof(c->state->last_error)));
	}
	return reply;
}

int control_open(struct control *c, const char *path, gid_t read_gid, int epoll_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = CONTROL_TAG_LISTEN };
	_cleanup_free_ char *dir = NULL;
	int probe = -1;

	c->listen_fd = -1;
	for (size_t i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
	c->epoll_fd = epoll_fd;
	c->read_gid = read_gid;
	if (strlen(path) >= sizeof(sa.sun_path))
		return log_error_errno(-ENAMETOOLONG, "socket path too long: %s", path);
	c->path = strdup(path);
	dir = strdup(path);
	if (!c->path || !dir)
		return -ENOMEM;
	if (strrchr(dir, '/'))
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
	/*
	 * Every message then carries its sender's pid and uid (sender_rights()).
	 * On the listening socket, not each accepted one: a connection inherits
	 * it at accept, and a message sent before a later setsockopt would
	 * arrive with pid 0 and no uid.
	 */
	if (setsockopt(c->listen_fd, SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int)) < 0)
		return log_error_errno(-errno, "cannot ask for senders' credentials on the control socket: %m");
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

unsigned long long control_socket_ino(const struct control *c)
{
	struct stat st;

	if (c->listen_fd < 0 || fstat(c->listen_fd, &st) < 0)
		return 0;
	return (unsigned long long)st.st_ino;
}

static void client_close(struct control *c, int i)
{
	if (c->clients[i].fd < 0)
		return;
	epoll_ctl(c->epoll_fd, EPOLL_CTL_DEL, c->clients[i].fd, NULL);
	close(c->clients[i].fd);
	free(c->clients[i].filter_profile);
	c->clients[i] = (struct control_client){ .fd = -1 };
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
	for (size_t i = 0; i < CONTROL_RECENT_EVENTS; i++)
		json_decref(c->recent[i]);
	free(c->path);
	memset(c->recent, 0, sizeof(c->recent));
	c->path = NULL;
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

/*
 * Is the peer in a cgroup some attachment governs (the attached cgroup or
 * below)? Read from /proc at accept time; the kernel's check on connect()
 * is the one that cannot race (lsm-progs/self.bpf.c).
 */
static bool peer_confined(const struct control *c, pid_t pid)
{
	char rel[PATH_MAX], full[PATH_MAX + 4096];

	if (cgroup_of_pid(pid, rel, sizeof(rel)) < 0)
		return c->profiles->n_att > 0; /* cannot tell: refuse while anything is confined */
	snprintf(full, sizeof(full), "%s%s", c->selectors->root, strcmp(rel, "/") ? rel : "");
	return control_governing(c->profiles, full) != NULL;
}

const struct attachment *control_governing(const struct profiles *ps, const char *abs)
{
	const struct attachment *best = NULL;

	for (size_t i = 0; i < ps->n_att; i++) {
		const struct attachment *a = &ps->att[i];
		size_t n = strlen(a->cgroup);

		if (strncmp(abs, a->cgroup, n) != 0 || (abs[n] != 0 && abs[n] != '/' && strcmp(a->cgroup, "/") != 0))
			continue;
		if (!best || strlen(best->cgroup) < n)
			best = a;
	}
	return best;
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
		json_t *r = control_reply_error(-EBUSY, "enforcerd is serving too many clients; retry");

		c->n.refused_busy++;
		proto_send(fd, r, -1);
		json_decref(r);
		close(fd);
		return;
	}
	c->n.accepted++;
	c->clients[slot] = (struct control_client){
		.fd = fd, .uid = cred.uid, .gid = cred.gid, .pid = cred.pid,
		.admin = cred.uid == 0,
		.reader = cred.uid == 0 || in_group(cred.gid, cred.pid, c->read_gid),
		.confined = peer_confined(c, cred.pid),
		.last_active = time(NULL),
	};
	if (c->clients[slot].confined) {
		c->n.confined_refused++;
		log_warn("control: refusing pid %d (uid %u): it runs in a confined cgroup", (int)cred.pid, (unsigned)cred.uid);
	}
	ev.data.u64 = CONTROL_TAG_CLIENT + (unsigned)slot;
	if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		client_close(c, slot);
}

/*
 * What a request's sender may do. The connection's rights were decided at
 * accept, but a descriptor outlives that: the process that connected may
 * be confined since (a profile attached to its cgroup), and another
 * process may hold the descriptor now (inherited, passed, pidfd_getfd
 * within the domain). The kernel names the sender of each message
 * (SO_PASSCRED on the listening socket, control_open(); a governed task
 * cannot name another pid: baseline:forged-sender), so a request gets what both the connection and
 * its sender may (found by review). A sender that cannot be told (no
 * credentials, pid 0, a dead process whose cgroup cannot be read) is
 * confined while any profile is attached.
 */
static void sender_rights(struct control *c, const struct control_client *client, const struct ucred *sender,
			  struct request *rq)
{
	bool same = sender && sender->pid == client->pid;

	if (!sender || sender->pid <= 0) {
		rq->confined = client->confined || c->profiles->n_att > 0;
		rq->admin = rq->reader = false;
		return;
	}
	rq->confined = client->confined || (c->profiles->n_att > 0 && peer_confined(c, sender->pid));
	rq->admin = client->admin && (same || sender->uid == 0);
	rq->reader = client->reader && (same || sender->uid == 0 || sender->uid == client->uid ||
					in_group(sender->gid, sender->pid, c->read_gid));
}

void control_handle(struct control *c, int i)
{
	struct request rq = { .c = c, .fd = -1 };
	struct ucred sender;
	bool has_sender;
	json_t *reply;
	int r;

	if (i < 0 || i >= CONTROL_MAX_CLIENTS || c->clients[i].fd < 0)
		return;
	rq.client = &c->clients[i];
	rq.confined = rq.client->confined;
	rq.admin = rq.client->admin;
	rq.reader = rq.client->reader;
	c->clients[i].last_active = time(NULL);
	r = proto_recv_cred(c->clients[i].fd, &rq.msg, &rq.fd, &sender, &has_sender);
	if (r == 0)
		sender_rights(c, rq.client, has_sender ? &sender : NULL, &rq);
	if (r == -EAGAIN)
		return;
	if (r == -ECONNRESET || r == -ECONNREFUSED || r == -EPIPE) {
		client_close(c, i);
		return;
	}
	c->n.requests++;
	if (r == -EMSGSIZE) {
		c->n.oversized++;
		reply = control_reply_error(r, "request too large or truncated: at most 64 KiB per request");
	} else if (r < 0) {
		c->n.malformed++;
		reply = control_reply_error(r, "malformed request: not a JSON object");
	} else {
		reply = dispatch(&rq);
	}
	if (reply) {
		if (!json_is_true(json_object_get(reply, "ok")))
			c->n.errors++;
		if (proto_send(c->clients[i].fd, reply, -1) == -EMSGSIZE) {
			json_t *e = control_reply_error(-EMSGSIZE, "the answer is larger than 64 KiB; ask for less "
						"(e.g. 'events --count N')");
			proto_send(c->clients[i].fd, e, -1);
			json_decref(e);
		}
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
		if (c->clients[i].fd >= 0 && !c->clients[i].follower &&
		    now - c->clients[i].last_active > CONTROL_IDLE_SECONDS)
			client_close(c, i);
}

void control_on_event(void *ctx, json_t *event)
{
	struct control *c = ctx;
	size_t k = c->recent_next;
	json_t *msg = NULL;

	if (c->decisions)
		decisions_record(c->decisions, event, time_now_usec());
	json_decref(c->recent[k]);
	c->recent[k] = json_incref(event);
	c->recent_next = (k + 1) % CONTROL_RECENT_EVENTS;
	c->events_seen++;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *cl = &c->clients[i];

		if (cl->fd < 0 || !cl->follower)
			continue;
		if (cl->filter_profile &&
		    strcmp(json_string_value(json_object_get(event, "profile")) ?: "", cl->filter_profile) != 0)
			continue;
		if (!msg)
			msg = json_pack("{s:O}", "event", event);
		/* Non-blocking: a slow follower loses events, the daemon never waits. */
		if (msg && proto_send(cl->fd, msg, -1) < 0) {
			cl->dropped++;
			c->n.events_dropped++;
		}
	}
	json_decref(msg);
}
