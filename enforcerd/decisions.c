// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decisions.h"
#include "metrics_prometheus.h"
#include "time_arg.h"
#include "util.h"

/* Open addressing at most half full: power-of-two tables twice the bounds. */
#define COUNTER_TABLE (2 * DECISIONS_MAX_COUNTERS)
#define GROUP_TABLE   (2 * DECISIONS_MAX_GROUPS)

static const char *const verdict_names[DV_COUNT] = {
	[DV_ALLOW] = "allow", [DV_DENY] = "deny", [DV_WOULD_DENY] = "would-deny", [DV_AUDIT] = "audit",
	[DV_UNKNOWN] = "unknown",
};

const char *decision_verdict_name(enum decision_verdict v)
{
	return v < DV_COUNT ? verdict_names[v] : "unknown";
}

static enum decision_verdict verdict_parse(const char *s)
{
	for (int v = 0; s && v < DV_UNKNOWN; v++)
		if (strcmp(s, verdict_names[v]) == 0)
			return v;
	return DV_UNKNOWN;
}

static uint32_t hash_str(uint32_t h, const char *s)
{
	/* and a terminator, so "a"+"bc" differs from "ab"+"c" */
	return fnv1a32(fnv1a32_str(h, s), "\xff", 1);
}

static uint32_t key_hash(const char *profile, const char *rule, enum decision_verdict v, const char *object)
{
	uint8_t verdict = (uint8_t)v;
	uint32_t h = FNV1A32_OFFSET;

	h = hash_str(h, profile);
	h = hash_str(h, rule);
	h = fnv1a32(h, &verdict, 1);
	return object ? hash_str(h, object) : h;
}

int decisions_init(struct decisions *d, int64_t now_usec)
{
	memset(d, 0, sizeof(*d));
	d->started_usec = now_usec;
	d->counters = calloc(DECISIONS_MAX_COUNTERS, sizeof(*d->counters));
	d->groups = calloc(DECISIONS_MAX_GROUPS, sizeof(*d->groups));
	d->counter_index = calloc(COUNTER_TABLE, sizeof(*d->counter_index));
	d->group_index = calloc(GROUP_TABLE, sizeof(*d->group_index));
	if (!d->counters || !d->groups || !d->counter_index || !d->group_index) {
		decisions_free(d);
		return -ENOMEM;
	}
	return 0;
}

void decisions_free(struct decisions *d)
{
	for (size_t i = 0; d->counters && i < d->n_counters; i++) {
		free(d->counters[i].profile);
		free(d->counters[i].rule);
	}
	for (size_t i = 0; d->groups && i < d->n_groups; i++) {
		struct decision_group *g = &d->groups[i];

		free(g->profile);
		free(g->rule);
		free(g->object);
		free(g->rule_source);
		free(g->rule_text);
		free(g->hook);
		for (size_t k = 0; k < DECISIONS_GROUP_WORKLOADS; k++)
			free(g->workloads[k]);
	}
	for (size_t i = 0; i < d->n_profiles; i++)
		free(d->profiles[i].name);
	free(d->counters);
	free(d->groups);
	free(d->counter_index);
	free(d->group_index);
	memset(d, 0, sizeof(*d));
}

static struct decision_counter *counter_get(struct decisions *d, const char *profile, const char *rule,
					    enum decision_verdict v, bool overflow)
{
	uint32_t h = key_hash(profile, rule, v, NULL) & (COUNTER_TABLE - 1);
	struct decision_counter *c;

	for (; d->counter_index[h]; h = (h + 1) & (COUNTER_TABLE - 1)) {
		c = &d->counters[d->counter_index[h] - 1];
		if (c->verdict == v && strcmp(c->profile, profile) == 0 && strcmp(c->rule, rule) == 0)
			return c;
	}
	/* The last DV_COUNT places are kept for the per-verdict overflow counters. */
	if (d->n_counters >= (overflow ? DECISIONS_MAX_COUNTERS : DECISIONS_MAX_COUNTERS - DV_COUNT))
		return NULL;
	c = &d->counters[d->n_counters];
	*c = (struct decision_counter){ .profile = strdup(profile), .rule = strdup(rule), .verdict = v };
	if (!c->profile || !c->rule) {
		free(c->profile);
		free(c->rule);
		return NULL;
	}
	d->counter_index[h] = (uint32_t)++d->n_counters;
	return c;
}

enum group_kind { GROUP_NORMAL, GROUP_OTHER, GROUP_OVERFLOW };

static struct decision_group *group_get(struct decisions *d, const char *profile, const char *rule,
					enum decision_verdict v, const char *object, enum group_kind kind)
{
	static const size_t limit[] = {
		[GROUP_NORMAL] = DECISIONS_MAX_GROUPS - DECISIONS_GROUP_RESERVE,
		[GROUP_OTHER] = DECISIONS_MAX_GROUPS - 2,   /* two overflow groups: deny, would-deny */
		[GROUP_OVERFLOW] = DECISIONS_MAX_GROUPS,
	};
	uint32_t h = key_hash(profile, rule, v, object) & (GROUP_TABLE - 1);
	struct decision_group *g;

	for (; d->group_index[h]; h = (h + 1) & (GROUP_TABLE - 1)) {
		g = &d->groups[d->group_index[h] - 1];
		if (g->verdict == v && strcmp(g->profile, profile) == 0 && strcmp(g->rule, rule) == 0 &&
		    strcmp(g->object, object) == 0)
			return g;
	}
	if (d->n_groups >= limit[kind])
		return NULL;
	g = &d->groups[d->n_groups];
	*g = (struct decision_group){ .profile = strdup(profile), .rule = strdup(rule), .object = strdup(object),
				      .verdict = v };
	if (!g->profile || !g->rule || !g->object) {
		free(g->profile);
		free(g->rule);
		free(g->object);
		return NULL;
	}
	d->group_index[h] = (uint32_t)++d->n_groups;
	return g;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* What was acted on, as one string: the path (and access kind), or the socket operation. */
static void object_name(json_t *r, char *buf, size_t size)
{
	const char *path = str(r, "path"), *access = str(r, "access"), *op = str(r, "op");
	json_t *port = json_object_get(r, "port");

	if (path && access && strcmp(access, "exec") != 0)
		snprintf(buf, size, "%s (%s)", path, access);
	else if (path)
		snprintf(buf, size, "%s", path);
	else if (op && str(r, "addr"))
		snprintf(buf, size, strchr(str(r, "addr"), ':') ? "%s %s [%s]:%lld" : "%s %s %s:%lld", op,
			 str(r, "proto") ?: "?", str(r, "addr"), (long long)json_integer_value(port));
	else if (op)
		snprintf(buf, size, "%s %s %s", op, str(r, "family") ?: "?", str(r, "proto") ?: "?");
	else if (str(r, "hook") && (strncmp(str(r, "hook"), "baseline:", 9) == 0 || strncmp(str(r, "hook"), "self:", 5) == 0))
		snprintf(buf, size, "%s", str(r, "hook")); /* the baseline and self-protection refuse an operation, not an object */
	else
		snprintf(buf, size, "(aggregated)");
}

static void bucket_add(struct decision_group *g, int64_t t_usec, uint64_t n)
{
	int64_t slot = t_usec / USEC_PER_SEC / DECISIONS_BUCKET_SECONDS;
	struct decision_bucket *b = &g->buckets[slot % DECISIONS_BUCKETS];

	if (slot <= 0 || b->slot > slot) {
		/* Older than what the buckets hold (a late summary): it still counts. */
		g->older += n;
		if (t_usec > g->older_last_usec)
			g->older_last_usec = t_usec;
		return;
	}
	if (b->slot != slot) {
		if (b->count) {
			int64_t end = (b->slot + 1) * DECISIONS_BUCKET_SECONDS * USEC_PER_SEC - 1;

			g->older += b->count;
			if (end > g->older_last_usec)
				g->older_last_usec = end;
		}
		*b = (struct decision_bucket){ .slot = slot };
	}
	b->count += n;
}

/* Remember which container a group's decision came from, the first few of them. */
static void group_workload(struct decision_group *g, json_t *w)
{
	const char *ns = str(w, "namespace"), *pod = str(w, "pod"), *name = str(w, "container");
	const char *id = str(w, "container_id");
	char label[3 * 256 + 8];
	size_t k;

	if (!json_is_object(w))
		return;
	if (ns || pod || name)
		snprintf(label, sizeof(label), "%s/%s/%s", ns ?: "-", pod ?: "-", name ?: "-");
	else
		snprintf(label, sizeof(label), "%s %.12s", str(w, "runtime") ?: "pod", id ?: str(w, "pod_uid") ?: "?");
	for (k = 0; k < DECISIONS_GROUP_WORKLOADS && g->workloads[k]; k++)
		if (strcmp(g->workloads[k], label) == 0)
			return;
	if (k == DECISIONS_GROUP_WORKLOADS)
		g->more_workloads = true;
	else
		g->workloads[k] = strdup(label);
}

static void group_add(struct decisions *d, json_t *r, const char *profile, const char *rule,
		      enum decision_verdict v, int64_t t, uint64_t n)
{
	char object[4352];
	struct decision_group *g;

	object_name(r, object, sizeof(object));
	g = group_get(d, profile, rule, v, object, GROUP_NORMAL);
	if (!g) {
		g = group_get(d, profile, rule, v, DECISIONS_OTHER_OBJECTS, GROUP_OTHER);
		if (!g)
			g = group_get(d, DECISIONS_OVERFLOW, DECISIONS_OVERFLOW, v, DECISIONS_OVERFLOW, GROUP_OVERFLOW);
		d->overflowed[1] += n;
		if (!g)
			return; /* only on ENOMEM: `overflowed` still has it */
	}
	if (!g->rule_source && str(r, "rule"))
		g->rule_source = strdup(str(r, "rule"));
	if (!g->rule_text && str(r, "rule_text"))
		g->rule_text = strdup(str(r, "rule_text"));
	if (!g->hook && str(r, "hook"))
		g->hook = strdup(str(r, "hook"));
	if (!g->count || t < g->first_usec)
		g->first_usec = t;
	if (t > g->last_usec)
		g->last_usec = t;
	g->count += n;
	bucket_add(g, t, n);
	group_workload(g, json_object_get(r, "workload"));
}

static void count_by_workload(struct decisions *d, json_t *w, enum decision_verdict v, uint64_t n)
{
	enum workload_runtime rt = WORKLOAD_RUNTIME_NONE;
	enum workload_qos q = WORKLOAD_QOS_NONE;
	const char *word;

	if ((word = json_string_value(json_object_get(w, "runtime"))) && workload_runtime_from_word(word, &rt) < 0)
		rt = WORKLOAD_RUNTIME_NONE;
	if ((word = json_string_value(json_object_get(w, "qos"))) && workload_qos_from_word(word, &q) < 0)
		q = WORKLOAD_QOS_NONE;
	if ((unsigned)rt < ARRAY_SIZE(d->by_workload) && (unsigned)q < ARRAY_SIZE(d->by_workload[0]) && v < DV_COUNT)
		d->by_workload[rt][q][v] += n;
}

void decisions_record(struct decisions *d, json_t *r, int64_t now_usec)
{
	const char *type = str(r, "type"), *profile = str(r, "profile"), *rule = str(r, "rule_id");
	enum decision_verdict v = verdict_parse(str(r, "verdict"));
	struct decision_counter *c;
	bool summary = type && strcmp(type, "summary") == 0;
	uint64_t n = 1;
	int64_t t;

	if (summary) {
		json_t *count = json_object_get(r, "count");

		if (!json_is_integer(count) || json_integer_value(count) < 0) {
			d->malformed++;
			return;
		}
		n = (uint64_t)json_integer_value(count);
	}
	d->records[summary]++;
	count_by_workload(d, json_object_get(r, "workload"), v, n);
	if (!profile || v == DV_UNKNOWN)
		d->malformed++;
	if (!profile)
		profile = "(unknown)";
	if (!rule)
		rule = str(r, "reason") ?: "(none)";
	if (!str(r, "time") || rfc3339_parse(str(r, "time"), &t) < 0)
		t = now_usec;

	c = counter_get(d, profile, rule, v, false);
	if (!c) {
		c = counter_get(d, DECISIONS_OVERFLOW, DECISIONS_OVERFLOW, v, true);
		d->overflowed[0] += n;
	}
	if (c)
		c->count += n;
	if (v == DV_DENY || v == DV_WOULD_DENY)
		group_add(d, r, profile, rule, v, t, n);
}

void decisions_profile_loaded(struct decisions *d, const char *profile, int64_t now_usec)
{
	struct decision_profile *p = NULL;
	char *name;

	for (size_t i = 0; i < d->n_profiles && !p; i++)
		if (strcmp(d->profiles[i].name, profile) == 0)
			p = &d->profiles[i];
	if (p) {
		p->loaded_usec = now_usec;
		return;
	}
	name = strdup(profile);
	if (!name)
		return;
	if (d->n_profiles == DECISIONS_MAX_PROFILES) {
		/* Forget the one loaded longest ago: it falls back to "observed since start". */
		size_t oldest = 0;

		for (size_t i = 1; i < d->n_profiles; i++)
			if (d->profiles[i].loaded_usec < d->profiles[oldest].loaded_usec)
				oldest = i;
		free(d->profiles[oldest].name);
		d->profiles[oldest] = d->profiles[--d->n_profiles];
	}
	d->profiles[d->n_profiles++] = (struct decision_profile){ .name = name, .loaded_usec = now_usec };
}

int64_t decisions_profile_loaded_at(const struct decisions *d, const char *profile)
{
	for (size_t i = 0; i < d->n_profiles; i++)
		if (strcmp(d->profiles[i].name, profile) == 0)
			return d->profiles[i].loaded_usec;
	return 0;
}

uint64_t decisions_group_count_since(const struct decision_group *g, int64_t since_usec)
{
	uint64_t n = 0;

	if (!g->count || g->last_usec < since_usec)
		return 0;
	if (g->first_usec >= since_usec)
		return g->count;
	for (size_t i = 0; i < DECISIONS_BUCKETS; i++) {
		const struct decision_bucket *b = &g->buckets[i];

		if (b->count && (b->slot + 1) * DECISIONS_BUCKET_SECONDS * USEC_PER_SEC > since_usec)
			n += b->count;
	}
	if (g->older && g->older_last_usec >= since_usec)
		n += g->older;
	return n;
}

struct ranked {
	const struct decision_group *g;
	uint64_t n;
};

static int by_count(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->n != y->n)
		return x->n < y->n ? 1 : -1;
	if (x->g->last_usec != y->g->last_usec)
		return x->g->last_usec < y->g->last_usec ? 1 : -1;
	return strcmp(x->g->object, y->g->object);
}

static json_t *time_json(int64_t usec)
{
	char buf[64];

	rfc3339_format(usec, buf, sizeof(buf));
	return json_string(buf);
}

/* Sum the ranked groups by rule, largest first. */
static json_t *rules_of(const struct ranked *rk, size_t n)
{
	_cleanup_free_ struct ranked *rules = calloc(n ? n : 1, sizeof(*rules));
	json_t *arr = json_array();
	size_t nr = 0;

	if (!rules || !arr) {
		json_decref(arr);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (k < nr && strcmp(rules[k].g->rule, rk[i].g->rule) != 0)
			k++;
		if (k == nr)
			rules[nr++] = (struct ranked){ .g = rk[i].g };
		rules[k].n += rk[i].n;
	}
	qsort(rules, nr, sizeof(*rules), by_count);
	for (size_t k = 0; k < nr; k++) {
		const struct decision_group *g = rules[k].g;

		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I}", "rule", g->rule,
						     "rule_source", g->rule_source ?: "", "rule_text",
						     g->rule_text ?: "", "count", (json_int_t)rules[k].n));
	}
	return arr;
}

json_t *decisions_query(const struct decisions *d, const char *profile, enum decision_verdict v,
			int64_t since_usec, size_t limit)
{
	_cleanup_free_ struct ranked *rk = calloc(d->n_groups ? d->n_groups : 1, sizeof(*rk));
	json_t *groups, *o;
	uint64_t total = 0;
	size_t n = 0;

	if (!rk)
		return NULL;
	for (size_t i = 0; i < d->n_groups; i++) {
		const struct decision_group *g = &d->groups[i];
		uint64_t c;

		if (g->verdict != v || strcmp(g->profile, profile) != 0)
			continue;
		c = decisions_group_count_since(g, since_usec);
		if (!c)
			continue;
		rk[n++] = (struct ranked){ .g = g, .n = c };
		total += c;
	}
	qsort(rk, n, sizeof(*rk), by_count);
	groups = json_array();
	for (size_t i = 0; groups && i < n && i < limit; i++) {
		const struct decision_group *g = rk[i].g;

		json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o}", "rule", g->rule, "rule_source",
				      g->rule_source ?: "", "rule_text", g->rule_text ?: "", "hook", g->hook ?: "",
				      "object", g->object, "count", (json_int_t)rk[i].n, "first_seen",
				      time_json(g->first_usec), "last_seen", time_json(g->last_usec));

		if (e && g->workloads[0]) {
			json_t *ws = json_array();

			for (size_t k = 0; k < DECISIONS_GROUP_WORKLOADS && g->workloads[k]; k++)
				json_array_append_new(ws, json_string(g->workloads[k]));
			json_object_set_new(e, "workloads", ws);
			json_object_set_new(e, "more_workloads", json_boolean(g->more_workloads));
		}
		json_array_append_new(groups, e);
	}
	o = json_pack("{s:I, s:i, s:i, s:o, s:o}", "total", (json_int_t)total, "groups_total", (int)n,
		      "omitted", (int)(n > limit ? n - limit : 0), "groups", groups, "rules", rules_of(rk, n));
	return o;
}

void decisions_metrics(const struct decisions *d, json_t *arr)
{
	for (size_t i = 0; i < d->n_counters; i++) {
		const struct decision_counter *c = &d->counters[i];

		metrics_add(arr, "enforcer_rule_decisions_total", "counter",
			   "decisions the audit pipeline reported, by profile, rule (id or reason) and verdict; "
			   "summaries count what they aggregated", c->count,
			   json_pack("{s:s, s:s, s:s}", "profile", c->profile, "rule", c->rule, "verdict",
				     decision_verdict_name(c->verdict)));
	}
	for (size_t rt = 0; rt < ARRAY_SIZE(d->by_workload); rt++)
		for (size_t q = 0; q < ARRAY_SIZE(d->by_workload[0]); q++)
			for (size_t v = 0; v < DV_UNKNOWN; v++) {
				if (!d->by_workload[rt][q][v])
					continue;
				metrics_add(arr, "enforcer_workload_decisions_total", "counter",
					    "decisions the audit pipeline reported, by the task's container runtime and "
					    "Kubernetes QoS class (none: no container holds it) and verdict",
					    d->by_workload[rt][q][v],
					    json_pack("{s:s, s:s, s:s}", "runtime", workload_runtime_name(rt) ?: "none",
						      "qos", workload_qos_name(q) ?: "none", "verdict",
						      decision_verdict_name(v)));
			}
	metrics_add(arr, "enforcer_audit_records_total", "counter", "audit records the daemon consumed, by type",
		   d->records[0], json_pack("{s:s}", "type", "event"));
	metrics_add(arr, "enforcer_audit_records_total", "counter", "audit records the daemon consumed, by type",
		   d->records[1], json_pack("{s:s}", "type", "summary"));
	metrics_add(arr, "enforcer_decision_store_overflow_total", "counter",
		   "decisions counted under an (overflow) or (other objects) entry because the store was full",
		   d->overflowed[0], json_pack("{s:s}", "table", "counters"));
	metrics_add(arr, "enforcer_decision_store_overflow_total", "counter",
		   "decisions counted under an (overflow) or (other objects) entry because the store was full",
		   d->overflowed[1], json_pack("{s:s}", "table", "groups"));
	metrics_add(arr, "enforcer_decision_groups", "gauge", "deny and would-deny groups (profile, rule, object) held",
		   d->n_groups, NULL);
}
