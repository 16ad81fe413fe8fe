/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * enforcerd's command line: the options, their defaults, --help and the
 * exit statuses it documents.
 */
#ifndef ENFORCER_OPTIONS_H
#define ENFORCER_OPTIONS_H

#include <stdbool.h>

#define AUDIT_LOG_DEFAULT "/var/log/enforcer/audit.log"

/* Exit statuses (also in --help). */
#define EXIT_CANNOT_ENFORCE 1
#define EXIT_USAGE          2
#define EXIT_FAILURE_OTHER  3
#define EXIT_PINNED_ABI     4

enum harden_mode { HARDEN_ON, HARDEN_OFF, HARDEN_STRICT };

struct options {
	const char *socket_path;
	const char *audit_log;
	const char *read_group;
	const char *pin_dir;
	const char *state_dir;
	const char *config_dir;
	const char *systemctl;
	const char *service_manager; /* service_manager.h */
	const char *metrics_listen;
	bool metrics_allow_remote;
	bool verbose;
	bool cleanup;
	bool migrate;
	bool reload;
	bool verifier_stats;
	bool self_protect;
	enum harden_mode harden;
	unsigned event_rate;   /* records per second per (cgroup, rule); 0: no limit */
};

#define EVENT_RATE_DEFAULT 20

/* Fill O from the command line (defaults first). 0, or -EINVAL after a message on stderr. */
int parse_args(int argc, char **argv, struct options *o);

#endif /* ENFORCER_OPTIONS_H */
