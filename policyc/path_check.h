/* SPDX-License-Identifier: GPL-2.0-only */
// Checking the paths users write in profiles (and give to `policyc explain`):
// absolute, normalised, within the limits the kernel side can walk, and with
// no wildcard other than a trailing "/**". Each refusal explains itself and,
// where one exists, suggests the normalised spelling.
#ifndef ENFORCER_PATH_CHECK_H
#define ENFORCER_PATH_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#define POLICY_PATH_MAX 4095 /* bytes, NUL excluded: PATH_MAX - 1 */

enum policy_path_flags {
	POLICY_PATH_SUBTREE_OK = 1u << 0, // accept a trailing "/**"
	/* a real path, not a rule: '*', '?', '[' are ordinary characters, any depth */
	POLICY_PATH_LITERAL    = 1u << 1,
};

// 0 with *ret_base (malloc'ed; for "/a/**" it is "/a", for "/**" it is "/")
// and *ret_subtree set; -EINVAL with `why` ("expected ..., found ...");
// -ENOMEM. `what` names the value in messages ("an executable path").
int policy_path_check(const char *s, size_t len, unsigned flags, const char *what,
		      char **ret_base, bool *ret_subtree, char *why, size_t why_size);

/*
 * Quote a user string for a message: JSON escapes, cut to about 80
 * characters with "..." so a 4 KiB path cannot push the message out.
 */
void policy_quote(const char *s, size_t len, char *out, size_t out_size);

#endif /* ENFORCER_PATH_CHECK_H */
