/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: accepts enforcerctl connections, authorises each
 * request by the peer's credentials, dispatches it and answers. A bad
 * request gets an error answer; nothing a client sends can stop the daemon.
 *
 * Limits: one request per packet, at most ENF_MSG_MAX bytes (larger or
 * truncated packets get an error); CONTROL_MAX_CLIENTS connections; a
 * connection idle for CONTROL_IDLE_SECONDS is closed (followers of
 * `events --follow` excepted); the daemon never blocks on a client:
 * answers and events that do not fit the socket buffer are dropped and
 * counted.
 *
 * Authorisation: root may do everything; members of --read-group may run
 * read-only commands; a peer in a confined cgroup (one a profile governs)
 * gets nothing, whatever its uid (the kernel also refuses its connect(),
 * see lsm-progs/self.bpf.c).
 */
#ifndef ENFORCER_CONTROL_H
#define ENFORCER_CONTROL_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "audit.h"
#include "config_apply.h"
#include "learn.h"
#include "decisions.h"
#include "metrics_http.h"
#include "notify.h"
#include "origin.h"
#include "profiles.h"
#include "selectors.h"
#include "state.h"
#include "units.h"

#define CONTROL_MAX_CLIENTS   64
#define CONTROL_IDLE_SECONDS  10
#define CONTROL_RECENT_EVENTS 256   /* kept for `events` */

struct control_client {
	int fd;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	bool reader;           /* may run read-only commands */
	bool admin;            /* may change policy */
	bool confined;         /* in a cgroup a profile governs: refused */
	bool follower;         /* receives every new event */
	char *filter_profile;  /* follower: only this profile's events (NULL: all) */
	time_t last_active;
	unsigned long long dropped;
};

struct control_counters {
	unsigned long long accepted, refused_busy, requests, errors, denied, malformed, oversized,
		confined_refused, events_dropped;
};

/* What the daemon shows in status and stats beside the registry. */
struct daemon_info {
	const char *pin_dir;
	bool adopted;              /* pinned state of an earlier daemon was adopted */
	bool self_protection;
	char hardening[256];       /* "capabilities and seccomp", or why not */
	time_t started;
};

struct control {
	int listen_fd;
	int epoll_fd;
	char *path;
	gid_t read_gid;        /* (gid_t)-1: only root */
	struct control_client clients[CONTROL_MAX_CLIENTS];
	struct profiles *profiles;
	struct engine *engine;
	struct audit *audit;
	struct selectors *selectors;
	struct state_store *state;
	struct learn *learn;
	struct daemon_info *info;
	struct decisions *decisions;   /* fed every audit record (control_on_event) */
	struct metrics_http *http;     /* the --metrics-listen endpoint, NULL when off */
	struct origins *origins;       /* what /etc/enforcer owns, and unit labels (origin.h) */
	struct unit_resolver *units;   /* systemd units -> cgroup paths (units.h) */
	struct config_status *config;  /* /etc/enforcer and its last reload (config_apply.h) */
	struct notify *notify;         /* the service manager, if any (notify.h) */
	json_t *recent[CONTROL_RECENT_EVENTS];   /* ring of the latest events */
	size_t recent_next;
	unsigned long long events_seen;
	struct control_counters n;
	bool shutdown;             /* a client asked the daemon to stop */
	bool remove_enforcement;   /* ... and to remove everything */
};

int control_open(struct control *c, const char *path, gid_t read_gid, int epoll_fd);
void control_close(struct control *c);

/* The sockfs inode of the listening socket (for the kernel's connect check), 0 if none. */
unsigned long long control_socket_ino(const struct control *c);

/* epoll data tags: the listening socket, or a client index + CONTROL_TAG_CLIENT. */
#define CONTROL_TAG_LISTEN 1
#define CONTROL_TAG_CLIENT 1000

void control_accept(struct control *c);
void control_handle(struct control *c, int client_index);
void control_sweep_idle(struct control *c);

/* One line for the service manager's STATUS=: what is enforced, and a failed reload if any. */
void control_status_line(const struct control *c, char *buf, size_t size);

/* An audit record: count it in the decision store, keep it for `events`, send it to followers. */
void control_on_event(void *ctx, json_t *event);

#endif /* ENFORCER_CONTROL_H */
