// SPDX-License-Identifier: GPL-2.0-only
/* Data only: control_commands.c and metrics.c both print it, and tests link it without either. */
#include "metrics.h"
#include "util.h"

/*
 * The kernel's counters (the stats map), each named once: its key in
 * `enforcerctl status` and its metric name and help.
 */
const struct kernel_stat_name kernel_stat_names[] = {
	{ ENF_STAT_DECISIONS, "decisions", "enforcer_decisions_total",
	  "hook invocations that reached a profile" },
	{ ENF_STAT_DENIED, "denied", "enforcer_denied_total",
	  "operations denied" },
	{ ENF_STAT_AUDITED, "audited", "enforcer_audited_total",
	  "operations allowed and logged (audit rules, would-deny)" },
	{ ENF_STAT_EVENT_DROPPED, "events_dropped", "enforcer_events_lost_total",
	  "events the ring buffer had no room for (verdicts unaffected)" },
	{ ENF_STAT_UNRESOLVED, "failed_closed_unresolved", "enforcer_failed_closed_unresolved_total",
	  "denied because the object could not be resolved" },
	{ ENF_STAT_NO_INSTANCE, "failed_closed_no_instance", "enforcer_failed_closed_no_instance_total",
	  "denied because profile state was missing" },
	{ ENF_STAT_SELF_DENIED, "self_protection_denied", "enforcer_self_protection_denied_total",
	  "attempts on the engine itself that were refused" },
	{ ENF_STAT_MATCH_MEMO, "matches_memoized", "enforcer_matches_memoized_total",
	  "path matches taken from the task's last one: the walk read the same names and identities, "
	  "or (file_open) nothing it rests on changed, unwalked" },
	{ ENF_STAT_LEARN_RECORDED, "learn_recorded", "enforcer_learn_recorded_total",
	  "learn mode: distinct observations sent" },
	{ ENF_STAT_LEARN_DROPPED, "learn_dropped", "enforcer_learn_dropped_total",
	  "learn mode: observations the ring buffer had no room for (sent again when repeated)" },
	{ ENF_STAT_LEARN_SEEN_FULL, "learn_seen_full", "enforcer_learn_seen_full_total",
	  "learn mode: observations sent undeduplicated, the kernel's table full" },
	{ ENF_STAT_LEARN_UNRESOLVED, "learn_unresolved", "enforcer_learn_unresolved_total",
	  "learn mode: operations allowed but not recorded (path not walkable)" },
	{ ENF_STAT_WALK_BEGUN_AGAIN, "walks_begun_again", "enforcer_path_walks_begun_again_total",
	  "path walks begun again, each dentry checked on its own: a rename ran on the node while they read" },
	{ ENF_STAT_EVENT_DELIVERED, "events_delivered", "enforcer_events_delivered_total",
	  "event records the kernel put in the ring buffer" },
	{ ENF_STAT_EVENT_AGGREGATED, "events_aggregated", "enforcer_events_aggregated_total",
	  "decisions over the event rate limit: counted in summary records" },
	{ ENF_STAT_EVENT_UNTRACKED, "events_untracked", "enforcer_events_untracked_total",
	  "decisions with no per-rule accounting (its map was full)" },
	{ ENF_STAT_EVENT_LOST_UNTRACKED, "events_dropped_untracked", "enforcer_events_lost_untracked_total",
	  "of those, events the ring buffer had no room for" },
};
const size_t n_kernel_stat_names = ARRAY_SIZE(kernel_stat_names);
