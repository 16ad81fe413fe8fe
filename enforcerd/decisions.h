/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's memory of what the profiles decided: fed every record the
 * audit pipeline produces (one "event" per decision, or a "summary" whose
 * "count" stands for decisions the kernel aggregated), it answers
 * Prometheus (decisions by profile, rule and verdict), `enforcerctl report`
 * (would-denies grouped by rule and object, with first and last time) and
 * `enforcerctl promote` (any would-deny within a window?).
 *
 * Counts: every record adds its weight (1, or a summary's count) to exactly
 * one counter and, when its verdict is deny or would-deny, to exactly one
 * group, so the sums equal events + summary counts.
 *
 * Memory is bounded and nothing is silently dropped:
 *  - at most DECISIONS_MAX_COUNTERS (profile, rule, verdict) counters; a
 *    record whose counter does not fit is added to the overflow counter of
 *    its verdict (profile and rule "(overflow)") and to `overflowed`;
 *  - at most DECISIONS_MAX_GROUPS (profile, rule, verdict, object) groups;
 *    past DECISIONS_MAX_GROUPS - DECISIONS_GROUP_RESERVE, a new object is
 *    folded into its rule's "(other objects)" group; when even that cannot
 *    be created, into one "(overflow)" group per verdict (the reserve
 *    guarantees those exist);
 *  - per group, DECISIONS_BUCKETS buckets of DECISIONS_BUCKET_SECONDS:
 *    counts are exact per minute for the last hour; older counts move to
 *    the group's `older` count (with its last time), so a window reaching
 *    further back counts them when they may fall inside it (over-counting
 *    by at most the part of `older` before the window, never under).
 * Object names are at most the kernel's path length (ENF_PATH_MAX), so the
 * store holds at most about DECISIONS_MAX_GROUPS * 4 KiB of strings.
 *
 * The store lives in the daemon's memory: after a restart it starts empty,
 * and every answer says since when it has observed ("observed_since").
 */
#ifndef ENFORCER_DECISIONS_H
#define ENFORCER_DECISIONS_H

#include <jansson.h>

#include "workload_id.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DECISIONS_MAX_COUNTERS   4096
#define DECISIONS_MAX_GROUPS     2048
#define DECISIONS_GROUP_RESERVE  8      /* overflow groups: one per verdict kept */
#define DECISIONS_BUCKETS        60
#define DECISIONS_BUCKET_SECONDS 60
#define DECISIONS_MAX_PROFILES   256    /* remembered load times; oldest forgotten first */

#define DECISIONS_OVERFLOW       "(overflow)"
#define DECISIONS_OTHER_OBJECTS  "(other objects)"

enum decision_verdict { DV_ALLOW, DV_DENY, DV_WOULD_DENY, DV_AUDIT, DV_UNKNOWN, DV_COUNT };

struct decision_counter {
	char *profile;
	char *rule;               /* rule id ("0000002a") or the reason: "default", "unresolved", ... */
	enum decision_verdict verdict;
	uint64_t count;
};

struct decision_bucket {
	int64_t slot;             /* time / DECISIONS_BUCKET_SECONDS; 0: unused */
	uint64_t count;
};

#define DECISIONS_GROUP_WORKLOADS 4

struct decision_group {
	char *profile, *rule, *object;
	char *rule_source;        /* "web.json:3:5", "live edit", or "" */
	char *rule_text;
	char *hook;
	enum decision_verdict verdict;
	uint64_t count;
	int64_t first_usec, last_usec;
	uint64_t older;           /* counted before the oldest bucket */
	int64_t older_last_usec;
	struct decision_bucket buckets[DECISIONS_BUCKETS];
	/* The first containers it came from ("NAMESPACE/POD/CONTAINER", or "RUNTIME ID"), and whether others did too. */
	char *workloads[DECISIONS_GROUP_WORKLOADS];
	bool more_workloads;
};

struct decision_profile {
	char *name;
	int64_t loaded_usec;      /* its current version was loaded (or edited) then */
};

struct decisions {
	int64_t started_usec;     /* observing since */
	struct decision_counter *counters;
	size_t n_counters;
	struct decision_group *groups;
	size_t n_groups;
	uint32_t *counter_index, *group_index;   /* open addressing: slot + 1, 0 empty */
	struct decision_profile profiles[DECISIONS_MAX_PROFILES];
	size_t n_profiles;
	uint64_t records[2];      /* events, summaries */
	uint64_t overflowed[2];   /* decisions folded: [0] counters, [1] groups */
	uint64_t malformed;       /* records without a profile or verdict: counted, not grouped */
	/*
	 * Decisions by the container runtime and Kubernetes QoS class of the
	 * task's workload (its "workload" object; runtime and QoS none for a
	 * task no container holds): words of fixed sets, so the metric's
	 * labels stay bounded however many containers come and go.
	 */
	uint64_t by_workload[WORKLOAD_RUNTIME_CRI + 1][WORKLOAD_QOS_BESTEFFORT + 1][DV_COUNT];
};

int decisions_init(struct decisions *d, int64_t now_usec);
void decisions_free(struct decisions *d);

/* One audit record (borrowed). now_usec stands in for a record without a time. */
void decisions_record(struct decisions *d, json_t *record, int64_t now_usec);

/* A new version of the profile is in force (load, replace, rule edit). */
void decisions_profile_loaded(struct decisions *d, const char *profile, int64_t now_usec);

/* When the profile's current version was loaded, or 0 if not seen since the store started. */
int64_t decisions_profile_loaded_at(const struct decisions *d, const char *profile);

/* Decisions of a group at or after since_usec (see the bound on `older` above). */
uint64_t decisions_group_count_since(const struct decision_group *g, int64_t since_usec);

/*
 * The groups of one profile and verdict with decisions at or after
 * since_usec, largest count first, at most limit of them:
 * {"total": N, "groups": [...], "groups_total": n, "omitted": n - shown,
 *  "rules": [{"rule", "rule_source", "rule_text", "count"}...] (all rules, largest first)}.
 * NULL on ENOMEM.
 */
json_t *decisions_query(const struct decisions *d, const char *profile, enum decision_verdict v,
			int64_t since_usec, size_t limit);

/* Append this store's metric objects ({"name","type","help","value","labels"}) to arr. */
void decisions_metrics(const struct decisions *d, json_t *arr);

const char *decision_verdict_name(enum decision_verdict v);

#endif /* ENFORCER_DECISIONS_H */
