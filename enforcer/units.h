/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * systemd units as attachment targets: `enforcerctl attach PROFILE --unit
 * NAME.service`, and `PROFILE unit NAME.service` in /etc/enforcer
 * (config.h). A unit's cgroup is SLICE/UNIT below the cgroup2 mount
 * (system.slice by default; a nested slice a-b.slice is a.slice/a-b.slice),
 * whether the unit runs now or not. The attachment is by that path: the
 * kernel attaches the cgroup systemd creates at each start of the unit
 * inside mkdir (lsm-progs/cgroup_mkdir.bpf.c), before systemd moves the
 * unit's first process in, so its first instruction is confined, across
 * `systemctl restart` and whether enforcerd runs or not.
 *
 * Only systemd knows a unit's slice (Slice=, templates, drop-ins,
 * transient units), so the daemon asks it: `systemctl show`. Its seccomp
 * filter allows neither fork nor exec, so a helper forked at start-up,
 * before the filter and before any BPF object is open, runs systemctl for
 * it: it holds no capability (harden_helper()), reads one unit name per
 * packet from a socket pair and answers with systemctl's output. As uid 0
 * systemctl talks to PID 1 on its private socket, so this works before
 * D-Bus runs (enforcerd starts before sysinit.target).
 *
 * Without systemd as PID 1 (no /run/systemd/system at start-up) there is no
 * helper and unit requests are refused, saying so.
 */
#ifndef ENFORCER_UNITS_H
#define ENFORCER_UNITS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define UNITS_SYSTEMCTL_DEFAULT "/usr/bin/systemctl"
#define UNIT_NAME_MAX 256
#define UNITS_TIMEOUT_SECONDS 15

struct unit_resolver {
	pid_t pid;          /* the helper; 0: systemd is not running */
	int fd;             /* the daemon's end of the socket pair */
	char systemctl[PATH_MAX];
};

struct unit_info {
	char id[UNIT_NAME_MAX];      /* systemd's name (an alias resolves to the unit) */
	char cgroup[PATH_MAX];       /* absolute path below the cgroup2 mount */
	bool running;                /* the cgroup came from ControlGroup= (the unit runs) */
};

/* Fork the helper if systemd is PID 1. 0 (also without systemd), or -errno with msg. */
int units_start(struct unit_resolver *u, const char *systemctl, char *msg, size_t size);
void units_stop(struct unit_resolver *u);

/*
 * A unit name that can be attached: systemd's unit name characters, at most
 * 255 of them, a unit type with a cgroup of its own (service, socket,
 * mount, swap, scope, slice), not a template without an instance. 0 or
 * -EINVAL with msg.
 */
int unit_name_check(const char *name, char *msg, size_t size);

/*
 * Ask systemd for a unit's cgroup: 0 with *ret; -ENOENT (no such unit),
 * -EOPNOTSUPP (systemd is not running), -EINVAL (a name or unit that cannot
 * be attached), -ETIMEDOUT or -EPIPE (systemd or the helper did not
 * answer), each with msg. root is the cgroup2 mount.
 */
int units_resolve(struct unit_resolver *u, const char *root, const char *unit, struct unit_info *ret,
		  char *msg, size_t size);

/*
 * systemctl show's answer (Id=, LoadState=, LoadError=, Slice=,
 * ControlGroup= lines) turned into *ret, as units_resolve() does; exposed
 * for the unit tests. 0 or -errno with msg.
 */
int unit_info_parse(const char *show, const char *root, const char *unit, struct unit_info *ret,
		    char *msg, size_t size);

#endif /* ENFORCER_UNITS_H */
