/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control socket: accepts enforcerctl connections, authorises each
 * request by the peer's credentials, dispatches it and answers. A bad
 * request gets an error answer; nothing a client sends can stop the daemon.
 */
#ifndef ENFORCER_CONTROL_H
#define ENFORCER_CONTROL_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "audit.h"
#include "profiles.h"

#define CONTROL_MAX_CLIENTS   64
#define CONTROL_IDLE_SECONDS  10

struct control_client {
	int fd;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	bool reader;           /* may run read-only commands */
	bool admin;            /* may change policy */
	time_t last_active;
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
};

int control_open(struct control *c, const char *path, gid_t read_gid, int epoll_fd,
		 struct profiles *ps, struct engine *e, struct audit *a);
void control_close(struct control *c);

/* epoll data tags: the listening socket, or a client index + CONTROL_TAG_CLIENT. */
#define CONTROL_TAG_LISTEN 1
#define CONTROL_TAG_CLIENT 1000

void control_accept(struct control *c);
void control_handle(struct control *c, int client_index);
void control_sweep_idle(struct control *c);

#endif /* ENFORCER_CONTROL_H */
