/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Profile generation from learn observations (docs/learn.md): the
 * observations a learning profile recorded (one JSON object per line, the
 * format enforcerd writes) in, a v1 allow-list profile out, every section
 * "default": "deny", every observed operation allowed by a rule.
 *
 * Used by `policyc generate` and by enforcerd (`enforcerctl learn profile`).
 * The output is deterministic: the same observations in any order give the
 * same text.
 */
#ifndef ENFORCER_GENERATE_H
#define ENFORCER_GENERATE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "enforcer_abi.h"

#define GENERATE_DEFAULT_THRESHOLD 8         /* files in one directory before it becomes a subtree rule */
#define GENERATE_MAX_OBSERVATIONS  (1u << 20)
#define GENERATE_MAX_LINE          8192      /* one observation, in bytes */

struct generate_options {
	const char *name;             /* the profile's name */
	enum enf_mode mode;           /* ENF_MODE_AUDIT or ENF_MODE_ENFORCE */
	unsigned subtree_threshold;   /* 0: never generalise to a subtree */
};

struct generator;

int generator_new(struct generator **ret);
void generator_free(struct generator *g);

/*
 * Add one observation line (JSON text, no newline needed). Lines of kind
 * "session" are bookkeeping and ignored. 0, or -EINVAL with err naming
 * what is wrong ("line 3: ..."); -E2BIG past GENERATE_MAX_OBSERVATIONS.
 */
int generator_add_line(struct generator *g, const char *line, size_t len, unsigned lineno,
		       char *err, size_t err_size);

/*
 * The profile, malloc'ed JSON text ending in a newline. Observations a v1
 * profile cannot allow without allowing much more (a socket family outside
 * the vocabulary, a file name with '*', '?' or '[' directly under a broad
 * directory) are left out, each with one line in *ret_warnings (malloc'ed,
 * NULL when none). 0 or -errno with err.
 */
int generator_profile(struct generator *g, const struct generate_options *o, char **ret_text,
		      char **ret_warnings, char *err, size_t err_size);

/*
 * The whole pipeline on a stream of observation lines (blank lines
 * skipped): the profile text, checked to parse and compile. Errors name
 * in_name and the line. 0 or -errno with err.
 */
int generate_from_stream(FILE *in, const char *in_name, const struct generate_options *o, char **ret_text,
			 char **ret_warnings, char *err, size_t err_size);

/*
 * Whether dir ("/usr/lib") is too broad to become a subtree rule (the list is in
 * docs/learn.md): every directory fewer than two components deep, and
 * /usr/X, /home/X, /var/{lib,log,tmp,cache,spool,mail}, /run/user,
 * /sys/fs, /sys/kernel, /proc/X.
 */
int generate_dir_too_broad(const char *dir);

#endif /* ENFORCER_GENERATE_H */
