/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The service manager's executables, whose tasks in a confined cgroup
 * prepare the unit rather than run the workload (ENF_SELF_MANAGER,
 * lsm-progs/cgroup.bpf.h). enforcerd --service-manager names them:
 *   auto  PID 1's executable when PID 1 is systemd, and the
 *         systemd-executor it keeps open (systemd 255 on) or installs;
 *         and the OCI runtimes installed (crun, runc), which prepare a
 *         container the OCI hook attached before its entrypoint;
 *   none  no task is the manager: setup steps are decided by the profile;
 *   PATH[:PATH...]  these files (tests; another manager).
 */
#ifndef ENF_SERVICE_MANAGER_H
#define ENF_SERVICE_MANAGER_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include <stddef.h>

#include "enforcer_abi.h"

#define SERVICE_MANAGER_MAX 8

/* 0 when spec is one of the forms above, else -EINVAL with the reason in err. */
int service_manager_spec_valid(const char *spec, char *err, size_t errlen);

/*
 * The paths whose inodes are the manager's executables under spec, at
 * most SERVICE_MANAGER_MAX, into paths, and the self kind of each into
 * kinds (an OCI runtime's, ENF_SELF_RUNTIME, or systemd's,
 * ENF_SELF_MANAGER: named paths are systemd's); the count.
 */
size_t service_manager_paths(const char *spec, char paths[][PATH_MAX], enum enf_self_kind kinds[], size_t max);

/* Whether a self kind is one of the manager's executables (systemd's or an OCI runtime's). */
static inline bool service_manager_kind(enum enf_self_kind kind)
{
	return kind == ENF_SELF_MANAGER || kind == ENF_SELF_RUNTIME;
}

struct service_manager_seen {
	bool known;
	dev_t dev;
	ino_t ino;
};

/*
 * Under auto: whether PID 1's executable is another file than when last
 * asked (systemctl daemon-reexec after an upgrade), so the identities must
 * be written again. Cheap enough for every turn of the main loop.
 */
bool service_manager_moved(const char *spec, struct service_manager_seen *seen);

#endif
