/* SPDX-License-Identifier: GPL-2.0-only */
/* A bundle's path rules in the kernel: trie nodes, 'from' actions, inode identities. */
#ifndef ENFORCER_PROFILES_PATH_H
#define ENFORCER_PROFILES_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "engine.h"

/*
 * Write everything under `instance` (nothing is visible until the profile
 * is switched to it). *ret_flags gets the ENF_PROFILE_* flags the hooks
 * need. On failure nothing of the instance is left. 0 or -errno with msg.
 */
int path_rules_insert(const struct engine *e, const struct bundle *b, uint32_t instance,
		      uint8_t *ret_flags, char *msg, size_t size);
void path_rules_remove(const struct engine *e, const struct bundle *b, uint32_t instance);

#endif /* ENFORCER_PROFILES_PATH_H */
