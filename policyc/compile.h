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

/* The exe_id of an executable named in a 'from' (compile.c numbers them in the path trie). */
typedef int (*policy_exe_id_fn)(void *ctx, const char *exe, uint32_t *ret_exe_id);

/*
 * The network section into b->net (compile_net.c); appends the section's
 * rules to b->rules, which has room for them; 'from' executables get their
 * exe_id from exe_id(ctx, ...). 0, -EINVAL with err, -ENOMEM.
 */
int policy_compile_net(const struct policy_profile *p, struct bundle *b, policy_exe_id_fn exe_id, void *ctx,
		       struct policy_error *err);

/* Fill err with "file:line:column: " (when src names one) and the message; returns -EINVAL. */
int compile_error(struct policy_error *err, const struct policy_source *src, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* ENFORCER_COMPILE_H */
