/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's persisted desired state (STATE_DIR, default
 * /var/lib/enforcer): state.json (state_file.h) plus, per loaded profile
 * version, its bundle NAME-INSTANCE.pol and its canonical document
 * NAME-INSTANCE.json (what rebuilds it when an ABI or bundle format change
 * makes the bundle unreadable; the rebuilt bundle is stored again in this
 * build's format). Every file is written atomically (temporary file, fsync,
 * rename, fsync of the directory); state.json is written after the files
 * it names, and superseded files are removed only after that, so a crash
 * at any point leaves a readable state.
 *
 * Restore reconciles three sources: state.json (what the admin asked for
 * and was acknowledged), the pinned maps (what the kernel enforces now, if
 * an earlier daemon left them) and the cgroup tree. Enforcement the kernel
 * holds is never dropped because a file is missing or damaged: a corrupt
 * state.json is renamed aside (state.json.corrupt-TIME) and reported, and
 * kernel profiles it cannot name are kept as "orphan-SLOT" until an admin
 * unloads them.
 */
#ifndef ENFORCER_STATE_H
#define ENFORCER_STATE_H

#include <stdbool.h>

#include "origin.h"
#include "profiles.h"
#include "selectors.h"

#define STATE_DIR_DEFAULT "/var/lib/enforcer"

struct state_store {
	char *dir;
	struct origins *origins;   /* persisted beside the objects they describe (origin.h); may be NULL */
	char problem[2048];     /* what restore could not use, for status; "" if nothing */
	unsigned long long saves, save_errors;
	char last_error[512];
};

/* Create the directory (0700); origins may be NULL. 0 or -errno with msg. */
int state_open(struct state_store *st, const char *dir, struct origins *origins, char *msg, size_t size);
void state_close(struct state_store *st);

/*
 * Bring the registry and the kernel maps to the persisted state (see
 * above). Problems that do not stop the daemon land in st->problem and the
 * log; 0, or -errno with msg when the daemon cannot go on.
 */
int state_restore(struct state_store *st, struct profiles *ps, struct selectors *sel, char *msg, size_t size);

/* Persist the registry. 0 or -errno (logged, counted in save_errors). */
int state_save(struct state_store *st, const struct profiles *ps, const struct selectors *sel);

/* Remove the persisted state (for `--cleanup`). 0 or -errno. */
int state_remove_all(const char *dir);

/* True for a registry entry whose rules the daemon does not have (adopted orphan). */
bool profile_is_orphan(const struct profile *p);

#endif /* ENFORCER_STATE_H */
