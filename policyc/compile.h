/* SPDX-License-Identifier: GPL-2.0-only */
/* From a validated profile (policy.h) to the map contents enforcerd loads (bundle.h). */
#ifndef ENFORCER_COMPILE_H
#define ENFORCER_COMPILE_H

#include "bundle.h"
#include "policy.h"

/*
 * 0 with *ret_bundle set; -EINVAL with err filled for a profile this version
 * cannot enforce exactly (it is refused, never approximated); -ENOMEM etc.
 */
int policy_compile(const struct policy_profile *p, struct bundle **ret_bundle, struct policy_error *err);

/* One line of canonical JSON for a path rule, as stored in the bundle. Caller frees. */
char *policy_path_rule_text(const struct policy_path_rule *rule, enum enf_section section);

#endif /* ENFORCER_COMPILE_H */
