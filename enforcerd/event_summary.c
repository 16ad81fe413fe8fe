// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "audit.h"
#include "engine.h"
#include "event_summary.h"
#include "log.h"
#include "util.h"

int rate_key_cmp(const struct enf_rate_key *a, const struct enf_rate_key *b)
{
	return memcmp(a, b, sizeof(*a));
}

size_t rate_seen_find(const struct rate_seen *seen, size_t n, const struct enf_rate_key *key, int *found)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = rate_key_cmp(&seen[mid].key, key);

		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static long long realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int poll_rates(struct event_summary *s, struct audit *a);

void event_summary_init(struct event_summary *s, const struct engine *e)
{
	memset(s, 0, sizeof(*s));
	s->engine = e;
	s->rates_fd = engine_map_fd(e, "event_rates");
	s->last_ns = realtime_ns();
	/*
	 * What happened before this daemon started was an earlier daemon's to
	 * report (it summarises once more as it stops): start from the totals
	 * as they are.
	 */
	(void)engine_stat(e, ENF_STAT_EVENT_LOST_UNTRACKED, &s->lost_untracked_seen);
	if (s->rates_fd >= 0)
		(void)poll_rates(s, NULL);
}

void event_summary_free(struct event_summary *s)
{
	free(s->seen);
	memset(s, 0, sizeof(*s));
	s->rates_fd = -1;
}

/* The entry for key, inserted with zero totals if new. NULL on ENOMEM. */
static struct rate_seen *seen_entry(struct event_summary *s, const struct enf_rate_key *key)
{
	int found;
	size_t i = rate_seen_find(s->seen, s->n, key, &found);

	if (found)
		return &s->seen[i];
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct rate_seen *p = realloc(s->seen, cap * sizeof(*p));

		if (!p)
			return NULL;
		s->seen = p;
		s->cap = cap;
	}
	memmove(&s->seen[i + 1], &s->seen[i], (s->n - i) * sizeof(*s->seen));
	memset(&s->seen[i], 0, sizeof(*s->seen));
	s->seen[i].key = *key;
	s->n++;
	return &s->seen[i];
}

static json_t *summary_head(const char *since, const char *now)
{
	return json_pack("{s:s, s:s, s:s}", "type", "summary", "time", now, "since", since);
}

static void emit_key(struct event_summary *s, struct audit *a, const struct enf_rate_key *k,
		     const struct enf_rate_val *now_v, const struct enf_rate_val *was, const char *since,
		     const char *now)
{
	uint64_t agg = now_v->aggregated - was->aggregated, drop = now_v->dropped - was->dropped;
	json_t *o = summary_head(since, now), *totals;

	if (!o)
		return;
	audit_decision_fields(a, o, k->slot, 0, k->rule_id, k->hook, k->verdict, k->reason, k->cgroup_id);
	json_object_set_new(o, "count", json_integer((json_int_t)(agg + drop)));
	json_object_set_new(o, "aggregated", json_integer((json_int_t)agg));
	json_object_set_new(o, "dropped", json_integer((json_int_t)drop));
	json_object_set_new(o, "delivered", json_integer((json_int_t)(now_v->delivered - was->delivered)));
	totals = json_pack("{s:I, s:I, s:I}", "delivered", (json_int_t)now_v->delivered,
			   "aggregated", (json_int_t)now_v->aggregated, "dropped", (json_int_t)now_v->dropped);
	json_object_set_new(o, "totals", totals);
	audit_emit(a, o);
	json_decref(o);
	s->written++;
}

/* a == NULL: only take note of the totals (start-up). */
static int poll_rates(struct event_summary *s, struct audit *a)
{
	char since[64], now[64];
	struct enf_rate_key key, next;
	struct enf_rate_val val;
	bool more;

	audit_format_time(s->last_ns, since, sizeof(since));
	audit_format_time(realtime_ns(), now, sizeof(now));
	more = bpf_map_get_next_key(s->rates_fd, NULL, &next) == 0;
	while (more) {
		struct rate_seen *e;

		key = next;
		more = bpf_map_get_next_key(s->rates_fd, &key, &next) == 0;
		if (bpf_map_lookup_elem(s->rates_fd, &key, &val) < 0)
			continue; /* deleted meanwhile */
		e = seen_entry(s, &key);
		if (!e)
			return log_error_errno(-ENOMEM, "cannot keep event totals: %m");
		if (a && (val.aggregated != e->seen.aggregated || val.dropped != e->seen.dropped))
			emit_key(s, a, &key, &val, &e->seen, since, now);
		e->seen = val;
	}
	return 0;
}

int event_summary_poll(struct event_summary *s, struct audit *a)
{
	char since[64], now[64];
	long long now_ns = realtime_ns();
	uint64_t lost = 0;
	int r;

	if (s->rates_fd < 0)
		return 0;
	audit_format_time(s->last_ns, since, sizeof(since));
	audit_format_time(now_ns, now, sizeof(now));
	r = poll_rates(s, a);
	if (r < 0)
		return r;
	if (engine_stat(s->engine, ENF_STAT_EVENT_LOST_UNTRACKED, &lost) == 0 && lost != s->lost_untracked_seen) {
		json_t *o = summary_head(since, now);

		if (o) {
			json_object_set_new(o, "untracked", json_true());
			json_object_set_new(o, "count", json_integer((json_int_t)(lost - s->lost_untracked_seen)));
			json_object_set_new(o, "dropped", json_integer((json_int_t)(lost - s->lost_untracked_seen)));
			audit_emit(a, o);
			json_decref(o);
			s->written++;
		}
		s->lost_untracked_seen = lost;
	}
	s->last_ns = now_ns;
	return 0;
}

void event_summary_metrics(const struct event_summary *s, const struct audit *a, json_t *arr)
{
	static const char *const outcome[] = { "delivered", "aggregated", "dropped" };

	for (size_t i = 0; i < s->n; i++) {
		const struct rate_seen *e = &s->seen[i];
		const uint64_t v[] = { e->seen.delivered, e->seen.aggregated, e->seen.dropped };
		json_t *fields = json_object();

		if (!fields)
			return;
		audit_decision_fields((struct audit *)a, fields, e->key.slot, 0, e->key.rule_id, e->key.hook,
				      e->key.verdict, e->key.reason, e->key.cgroup_id);
		for (size_t k = 0; k < ARRAY_SIZE(outcome); k++) {
			json_t *rid = json_object_get(fields, "rule_id");
			json_t *labels = json_pack("{s:O, s:O, s:O, s:O, s:O, s:s, s:s}",
						   "profile", json_object_get(fields, "profile"),
						   "cgroup", json_object_get(fields, "cgroup"),
						   "hook", json_object_get(fields, "hook"),
						   "verdict", json_object_get(fields, "verdict"),
						   "reason", json_object_get(fields, "reason"),
						   "rule_id", rid ? json_string_value(rid) : "",
						   "outcome", outcome[k]);

			if (!labels)
				continue;
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:I, s:o}", "name", "enforcer_event_records_total",
							     "type", "counter",
							     "help", "decisions per cgroup and rule by what became of their event "
							     "(delivered, aggregated by the rate limit, dropped: ring buffer full)",
							     "value", (json_int_t)v[k], "labels", labels));
		}
		json_decref(fields);
	}
}
