/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the control socket (control.c) and the command handlers
 * (control_commands.c) share: a request, and the table of commands with who
 * may run each. control.c authorises and dispatches; the handlers never
 * look at credentials.
 */
#ifndef ENFORCER_CONTROL_INTERNAL_H
#define ENFORCER_CONTROL_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "control.h"

#define ERRMSG_MAX 1024

/* Who may run a command. */
enum access_level { ACCESS_READ, ACCESS_ADMIN };

/* One request: the message without its "cmd" (dispatch took it), the passed fd, the error text. */
struct request {
	struct control *c;
	struct control_client *client;
	/* What this request's sender may do: the client's, narrowed by who sent it (control_handle()). */
	bool confined, admin, reader;
	const char *cmd;       /* the command's name (its table entry's) */
	json_t *msg;
	int fd;                /* passed fd, or -1 */
	char err[ERRMSG_MAX];
};

typedef json_t *(*command_fn)(struct request *rq, int *ret_errno);

struct control_command {
	const char *name;
	enum access_level access;
	bool changes_state;    /* persisted before the answer */
	command_fn fn;
};

extern const struct control_command control_commands[];
extern const size_t n_control_commands;

/*
 * The attachment that governs the cgroup at abs (absolute): its own, or its
 * nearest attached ancestor's; NULL when none governs it.
 */
const struct attachment *control_governing(const struct profiles *ps, const char *abs);

/* An error answer; the text may be cut mid-character or hold any bytes. */
json_t *control_reply_error(int err, const char *text);

#endif /* ENFORCER_CONTROL_INTERNAL_H */
