/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The audit-then-enforce rollout, daemon side: `report` (the would-deny
 * decisions of a profile, grouped by rule and object, from the decision
 * store) and `promote` (audit -> enforce in one atomic switch, refused
 * while the profile produced would-denies within the window).
 *
 * promote's window starts at the latest of: now - window, the load (or
 * live edit) of the profile's current version, and the start of this
 * daemon (the store is in memory). Would-denies of an earlier version do
 * not count against the fixed one; the answer says which span was checked,
 * so a short span is visible as such.
 */
#ifndef ENFORCER_ROLLOUT_H
#define ENFORCER_ROLLOUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decisions.h"

struct control;

#define ROLLOUT_WINDOW_DEFAULT_USEC (3600LL * 1000000)
#define ROLLOUT_REPORT_LIMIT_DEFAULT 200
#define ROLLOUT_REPORT_LIMIT_MAX     DECISIONS_MAX_GROUPS

/* since_usec 0: everything observed. The reply, or NULL with *ret_errno and err. */
json_t *rollout_report(struct control *c, const char *profile, int64_t since_usec, size_t limit,
		       char *err, size_t size, int *ret_errno);

json_t *rollout_promote(struct control *c, const char *profile, int64_t window_usec, bool force,
			char *err, size_t size, int *ret_errno);

#endif /* ENFORCER_ROLLOUT_H */
