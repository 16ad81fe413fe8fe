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

/*
 * The network section into b->net (compile_net.c); appends the section's
 * rules to b->rules, which has room for them. 0, -EINVAL with err, -ENOMEM.
 */
int policy_compile_net(const struct policy_profile *p, struct bundle *b, struct policy_error *err);

/* Fill err with "file:line:column: " (when src names one) and the message; returns -EINVAL. */
int compile_error(struct policy_error *err, const struct policy_source *src, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* ENFORCER_COMPILE_H */
