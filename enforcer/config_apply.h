/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Applying /etc/enforcer (config.h) to the running daemon: at start-up,
 * before READY=1, and at each reload (SIGHUP, `enforcerctl reload`,
 * `systemctl reload enforcerd`).
 *
 * A reload reads, compiles and checks the whole configuration first
 * (config_read()); any error refuses it with FILE:LINE:COLUMN and nothing
 * changes. Then it brings the registry to what /etc declares, in an order
 * that never leaves a declared cgroup unconfined: profiles are loaded or
 * replaced first (each one atomic switch; an unchanged profile is not
 * touched, its generation stays), then attachments and selectors are made
 * or re-pointed (one map update each), and only then is what /etc no longer
 * declares detached and unloaded. If a step fails in the kernel, the steps
 * done are undone in reverse and the reload fails saying why: the daemon
 * goes on exactly as before.
 *
 * Ownership (origin.h): afterwards every declared object is recorded as
 * /etc's; a live object of the same name is taken over (reported). A
 * profile /etc no longer declares cannot be unloaded while live
 * attachments or selectors use it: the reload is refused, naming them.
 */
#ifndef ENFORCER_CONFIG_APPLY_H
#define ENFORCER_CONFIG_APPLY_H

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

#include "config.h"

struct control;

/* The outcome of the last reloads, for status and metrics. */
struct config_status {
	char *dir;
	struct config applied;        /* what the last successful reload read (its stamps; bundles handed over) */
	bool ever_applied;
	time_t last_attempt, last_success;
	char error[2048];             /* why the last reload failed; "" when it succeeded */
	unsigned long long reloads, failures;
};

void config_status_free(struct config_status *s);

/*
 * Read and apply the configuration. Returns 0 with the changes made (a
 * JSON array of one-line strings, also logged), or -errno with err; the
 * outcome is recorded in c->config and the state saved. With notify, the
 * service manager hears RELOADING=1 before and READY=1 after (also after a
 * failure: the daemon runs on, unchanged).
 */
int config_reload(struct control *c, bool notify, json_t **ret_changes, char *err, size_t size);

#endif /* ENFORCER_CONFIG_APPLY_H */
