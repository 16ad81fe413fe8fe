/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Daemon logging: one line per event to stderr (journald adds time and
 * priority). log_error_errno() returns its error so call sites read
 * `return log_error_errno(r, "cannot attach %s: %m", path);`.
 */
#ifndef ENFORCER_LOG_H
#define ENFORCER_LOG_H

#include <errno.h>
#include <stdio.h>

#define log_info(fmt, ...)  fprintf(stderr, "enforcerd: " fmt "\n", ##__VA_ARGS__)
#define log_warn(fmt, ...)  fprintf(stderr, "enforcerd: warning: " fmt "\n", ##__VA_ARGS__)
#define log_error(fmt, ...) fprintf(stderr, "enforcerd: error: " fmt "\n", ##__VA_ARGS__)
#define log_error_errno(r, fmt, ...) ({ \
	int __r = (r); \
	errno = __r < 0 ? -__r : __r; \
	fprintf(stderr, "enforcerd: error: " fmt "\n", ##__VA_ARGS__); \
	__r < 0 ? __r : -__r; })

#endif /* ENFORCER_LOG_H */
