/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bundle's network prefix entries in the kernel's net_rules LPM trie,
 * under one profile instance. Part of the registry's atomic switch
 * (profiles.c): written under the new instance before the switch, removed
 * for the old instance after it.
 */
#ifndef ENFORCER_PROFILES_NET_H
#define ENFORCER_PROFILES_NET_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"
#include "engine.h"

/* Write every entry of b under instance; on failure none stays. 0 or -errno with msg. */
int net_rules_insert(const struct engine *e, const struct bundle *b, uint32_t instance, char *msg, size_t size);

/* Remove every entry of b under instance (missing ones are fine). */
void net_rules_remove(const struct engine *e, const struct bundle *b, uint32_t instance);

#endif /* ENFORCER_PROFILES_NET_H */
