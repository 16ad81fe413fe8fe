/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarative configuration: what /etc/enforcer (--config-dir) declares.
 *
 *   /etc/enforcer/profiles/NAME.json      one profile per file (docs/policy.md), named
 *                                         after its file; compiled by the daemon
 *   /etc/enforcer/attachments.d/NAME.conf one attachment per line:
 *
 *       # PROFILE  KIND      TARGET
 *       web        unit      nginx.service
 *       web        cgroup    /sys/fs/cgroup/system.slice/app.service
 *       pods       selector  kubepods.slice/ ** /cri-containerd-*.scope   (no spaces)
 *       app        workload  namespace=prod,container=app
 *
 * Files are read in name order; other names (editor backups, dpkg's
 * .dpkg-dist and .dpkg-old) are ignored. The files and directories must be
 * owned by root and not writable by group or others: whoever can write
 * them decides what is enforced.
 *
 * config_read() reads, compiles and checks everything, and resolves units
 * through systemd, without changing anything: an error anywhere refuses
 * the whole configuration with FILE:LINE:COLUMN and what to change, so a
 * bad file can never be half-applied. config_apply.h applies what it read.
 */
#ifndef ENFORCER_CONFIG_H
#define ENFORCER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "bundle.h"
#include "units.h"

#define CONFIG_DIR_DEFAULT "/etc/enforcer"
#define CONFIG_LINE_MAX 4096
#define CONFIG_FILE_MAX (1u << 20)

/* A workload line is read as a selector (CONFIG_SELECTOR, key WORKLOAD_SELECTOR_PREFIX "SPEC"). */
enum config_kind { CONFIG_CGROUP, CONFIG_UNIT, CONFIG_SELECTOR, CONFIG_WORKLOAD };

struct config_profile {
	char *file;              /* DIR/profiles/NAME.json */
	struct bundle *bundle;   /* compiled from it; NULL once applied (the registry has a copy) */
};

struct config_attachment {
	char *profile;
	enum config_kind kind;
	char *key;               /* the registry's name of it: a cgroup path (cgroup, unit) or a normalised glob */
	char *unit;              /* CONFIG_UNIT: systemd's name of the unit */
	char *where;             /* FILE:LINE */
};

/* What the configuration was read from, to tell later whether it changed on disk. */
struct config_stamp {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	bool dir;
};

struct config {
	char *dir;
	struct config_profile *profiles;
	size_t n_profiles;
	struct config_attachment *att;
	size_t n_att;
	struct config_stamp *stamps;
	size_t n_stamps;
};

/* What config_read() needs from the daemon. */
struct config_env {
	const char *cgroup_root;      /* the cgroup2 mount */
	const char *daemon_cgroup;    /* never attached, nor its ancestors ("" if unknown) */
	/* A unit's cgroup (units_resolve()); NULL: units are refused. */
	int (*resolve_unit)(void *ctx, const char *unit, struct unit_info *ret, char *msg, size_t size);
	void *ctx;
};

/*
 * Read dir (a missing directory declares nothing). 0 with *ret, or -errno
 * with the first problem in err ("FILE:LINE:COL: ..."); nothing is kept.
 */
int config_read(const char *dir, const struct config_env *env, struct config *ret, char *err, size_t size);
void config_free(struct config *c);

const struct config_profile *config_find_profile(const struct config *c, const char *name);
const struct config_attachment *config_find_attachment(const struct config *c, enum config_kind kind, const char *key);

/*
 * What changed on disk since c was read: 0 with NULL in *ret_text when
 * nothing, or a malloc'ed "FILE (modified), DIR (files added or removed)".
 */
int config_changes_on_disk(const struct config *c, char **ret_text);

/* "cgroup", "unit", "selector". */
const char *config_kind_name(enum config_kind kind);

#endif /* ENFORCER_CONFIG_H */
