/* SPDX-License-Identifier: GPL-2.0-only */
/* A bundle's path rules in the kernel: trie nodes, 'from' actions, inode identities. */
#ifndef ENFORCER_PROFILES_PATH_H
#define ENFORCER_PROFILES_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "engine.h"

/*
 * The highest exe_id b's 'from' entries name (enf_profile_val.from_exes):
 * the refer rule compares the rules of executables 0 (none named) to it.
 */
uint32_t path_from_exes(const struct bundle *b);

/*
 * Write everything under `instance` (nothing is visible until the profile
 * is switched to it). *ret_flags gets the ENF_PROFILE_* flags the hooks
 * need. On failure nothing of the instance is left. 0 or -errno with msg.
 */
int path_rules_insert(const struct engine *e, const struct bundle *b, uint32_t instance,
		      uint8_t *ret_flags, char *msg, size_t size);
void path_rules_remove(const struct engine *e, const struct bundle *b, uint32_t instance);

/*
 * Add the identities of the instance's restricted paths as the tasks of
 * another mount namespace name them (inode_id.h): a rule names paths as the
 * confined task sees them, and a container's /etc is not the daemon's.
 * *ret_count is how many were added. 0 or -errno with msg (a full map).
 */
struct ns_view;
int path_identities_add_view(const struct engine *e, const struct bundle *b, uint32_t instance,
			     const struct ns_view *view, uint32_t *ret_count, char *msg, size_t size);

#endif /* ENFORCER_PROFILES_PATH_H */
