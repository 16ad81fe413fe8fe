/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where each profile, attachment and selector comes from: declared in
 * /etc/enforcer (config.h: the profile's file; the attachment's or
 * selector's FILE:LINE), or made live with enforcerctl (no record). An
 * attachment made for a systemd unit also records the unit (units.h), live
 * or declared. Records are keyed by the object's name in the registry: a
 * profile's name, an attachment's cgroup path (holding or pending), a
 * selector's glob. They are persisted in state.json beside the objects.
 *
 * The precedence rule (docs/configuration.md): /etc/enforcer owns what it
 * declares. A live edit of a declared object (load or unload of its
 * profile, mode, promote, rule add/del, attach or detach at its path or
 * glob) is refused, naming the file to edit instead: the next reload would
 * silently undo it. Live objects are left alone by reloads, unless /etc
 * comes to declare the same name; then the reload takes it over and says
 * so. So the two never fight: at any moment every object has one owner.
 */
#ifndef ENFORCER_ORIGIN_H
#define ENFORCER_ORIGIN_H

#include <stddef.h>

#include "profiles.h"
#include "selectors.h"

enum origin_kind { ORIGIN_PROFILE, ORIGIN_PATH, ORIGIN_SELECTOR };

struct origin_entry {
	enum origin_kind kind;
	char *key;           /* profile name, cgroup path, or selector glob */
	char *declared;      /* "FILE" or "FILE:LINE" in /etc/enforcer; NULL: made live */
	char *unit;          /* ORIGIN_PATH: the systemd unit it was made for; NULL otherwise */
};

struct origins {
	struct origin_entry *v;
	size_t n;
};

void origins_free(struct origins *o);

const struct origin_entry *origin_find(const struct origins *o, enum origin_kind kind, const char *key);

/* The declaring FILE or FILE:LINE of an object, or NULL when it is live. */
const char *origin_declared(const struct origins *o, enum origin_kind kind, const char *key);

/* The record of the path attachment made for a unit (by the unit's name), or NULL. */
const struct origin_entry *origin_find_unit(const struct origins *o, const char *unit);

/* Create or replace a record (strings copied; both NULL removes it). 0 or -ENOMEM. */
int origin_set(struct origins *o, enum origin_kind kind, const char *key, const char *declared, const char *unit);

void origin_forget(struct origins *o, enum origin_kind kind, const char *key);

/*
 * Drop the records of live path attachments that no longer exist (unit
 * labels of a detached cgroup, or of one a forced unload detached).
 * Declared records stay until a reload removes their declaration.
 */
void origins_prune(struct origins *o, const struct profiles *ps, const struct selectors *sel);

/* The name of the kind, for messages: "profile", "attachment", "selector". */
const char *origin_kind_name(enum origin_kind kind);

#endif /* ENFORCER_ORIGIN_H */
