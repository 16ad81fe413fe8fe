// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's decision store and what it feeds (host-testable parts of
 * metrics, report and promote):
 *  - times: durations and RFC 3339, bad input refused with a message;
 *  - decisions: events and summaries add up per (profile, rule, verdict);
 *    deny/would-deny groups by object with count, first and last; counts
 *    within a window from the minute buckets; the bounds (overflow counted,
 *    never lost);
 *  - the Prometheus renderer: its output passes a strict format check,
 *    labels escaped, one HELP/TYPE per name, samples of a name together;
 *  - --metrics-listen addresses: loopback only unless allowed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decisions.h"
#include "metrics_http.h"
#include "metrics_prometheus.h"
#include "prom_check.h"
#include "time_arg.h"
#include "unit.h"

#define T0 1764034957000000LL /* 2025-11-25T01:42:37Z */

static void test_time_args(void)
{
	int64_t v = 0;
	char err[512] = "";

	EXPECT_OK(duration_parse("30s", &v, err, sizeof(err)), "duration: 30s");
	EXPECT_EQ(v, 30 * USEC_PER_SEC, "duration: 30s in usec");
	EXPECT_OK(duration_parse("1h30m", &v, err, sizeof(err)), "duration: 1h30m");
	EXPECT_EQ(v, 5400 * USEC_PER_SEC, "duration: 1h30m in usec");
	EXPECT_EQ(duration_parse("10", &v, err, sizeof(err)), -EINVAL, "duration: a bare number is refused");
	EXPECT_CONTAINS(err, "expected a number with a unit", "duration: the message names the fix");
	EXPECT_EQ(duration_parse("5x", &v, err, sizeof(err)), -EINVAL, "duration: unknown unit refused");
	EXPECT_EQ(duration_parse("", &v, err, sizeof(err)), -EINVAL, "duration: empty refused");
	EXPECT_EQ(duration_parse("99999999999h", &v, err, sizeof(err)), -EINVAL, "duration: absurdly long refused");

	EXPECT_OK(rfc3339_parse("2025-11-25T01:42:37Z", &v), "rfc3339: UTC");
	EXPECT_EQ(v, T0, "rfc3339: UTC value");
	EXPECT_OK(rfc3339_parse("2025-11-25T02:42:37.250000+01:00", &v), "rfc3339: offset and fraction");
	EXPECT_EQ(v, T0 + 250000, "rfc3339: offset applied, fraction kept");
	EXPECT_OK(rfc3339_parse("2025-11-25T01:42:37.123456Z", &v), "rfc3339: the audit log's own format");
	EXPECT_EQ(rfc3339_parse("2025-11-25T01:42:37", &v), -EINVAL, "rfc3339: no offset refused");
	EXPECT_EQ(rfc3339_parse("2025-13-25T01:42:37Z", &v), -EINVAL, "rfc3339: month 13 refused");
	EXPECT_EQ(rfc3339_parse("2025-11-25T01:42:37Zjunk", &v), -EINVAL, "rfc3339: trailing text refused");

	EXPECT_OK(since_parse("10m", T0, &v, err, sizeof(err)), "since: a duration");
	EXPECT_EQ(v, T0 - 600 * USEC_PER_SEC, "since: a duration back from now");
	EXPECT_OK(since_parse("2025-11-25T01:00:00Z", T0, &v, err, sizeof(err)), "since: a time");
	EXPECT_EQ(since_parse("yesterday", T0, &v, err, sizeof(err)), -EINVAL, "since: words refused");
	EXPECT_CONTAINS(err, "neither a duration", "since: the message says what is accepted");
	EXPECT_EQ(since_parse("2030-01-01T00:00:00Z", T0, &v, err, sizeof(err)), -EINVAL, "since: the future refused");
}

static json_t *event(const char *verdict, const char *rule_id, const char *path, int64_t t)
{
	char when[64];
	json_t *o;

	rfc3339_format(t, when, sizeof(when));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "time", when, "hook", "bprm_check_security",
		      "verdict", verdict, "profile", "web", "path", path, "access", "exec");
	if (rule_id) {
		json_object_set_new(o, "rule_id", json_string(rule_id));
		json_object_set_new(o, "rule", json_string("/tmp/web.json:1:60"));
	} else {
		json_object_set_new(o, "reason", json_string("default"));
	}
	return o;
}

static void feed(struct decisions *d, json_t *o, int64_t now)
{
	decisions_record(d, o, now);
	json_decref(o);
}

static const struct decision_counter *counter(const struct decisions *d, const char *profile, const char *rule,
					      enum decision_verdict v)
{
	for (size_t i = 0; i < d->n_counters; i++)
		if (d->counters[i].verdict == v && !strcmp(d->counters[i].profile, profile) &&
		    !strcmp(d->counters[i].rule, rule))
			return &d->counters[i];
	return NULL;
}

static void test_counts(void)
{
	struct decisions d;
	json_t *q, *g, *summary;
	const struct decision_counter *c;

	if (!EXPECT_OK(decisions_init(&d, T0 - 3600 * USEC_PER_SEC), "decisions: init"))
		return;
	for (int i = 0; i < 3; i++)
		feed(&d, event("would-deny", "00000001", "/usr/bin/wget", T0 + i * USEC_PER_SEC), T0);
	feed(&d, event("would-deny", "00000001", "/usr/bin/nc", T0 + 10 * USEC_PER_SEC), T0);
	feed(&d, event("audit", "00000002", "/usr/bin/curl", T0), T0);
	feed(&d, event("deny", NULL, "/bin/sh", T0), T0);
	/* A summary: 1000 decisions the kernel aggregated into one record. */
	summary = event("would-deny", "00000001", "/usr/bin/wget", T0 + 20 * USEC_PER_SEC);
	json_object_set_new(summary, "type", json_string("summary"));
	json_object_set_new(summary, "count", json_integer(1000));
	feed(&d, summary, T0);

	c = counter(&d, "web", "00000001", DV_WOULD_DENY);
	EXPECT_EQ(c ? c->count : 0, 1004, "decisions: events + summary counts per rule and verdict");
	c = counter(&d, "web", "default", DV_DENY);
	EXPECT_EQ(c ? c->count : 0, 1, "decisions: a default decision counts under its reason");
	EXPECT_EQ(d.records[0], 6, "decisions: events counted");
	EXPECT_EQ(d.records[1], 1, "decisions: summaries counted");
	EXPECT_EQ(d.n_groups, 3, "decisions: groups only for deny and would-deny, one per object");

	q = decisions_query(&d, "web", DV_WOULD_DENY, 0, 10);
	EXPECT_EQ(json_integer_value(json_object_get(q, "total")), 1004, "query: total would-denies");
	g = json_array_get(json_object_get(q, "groups"), 0);
	EXPECT_STREQ(json_string_value(json_object_get(g, "object")), "/usr/bin/wget", "query: largest group first");
	EXPECT_EQ(json_integer_value(json_object_get(g, "count")), 1003, "query: the group's count");
	EXPECT_STREQ(json_string_value(json_object_get(g, "first_seen")), "2025-11-25T01:42:37Z", "query: first seen");
	EXPECT_STREQ(json_string_value(json_object_get(g, "last_seen")), "2025-11-25T01:42:57Z", "query: last seen");
	EXPECT_STREQ(json_string_value(json_object_get(g, "rule_source")), "/tmp/web.json:1:60", "query: rule file:line:col");
	EXPECT_EQ(json_array_size(json_object_get(q, "rules")), 1, "query: one rule");
	json_decref(q);

	q = decisions_query(&d, "web", DV_WOULD_DENY, 0, 1);
	EXPECT_EQ(json_integer_value(json_object_get(q, "omitted")), 1, "query: a limit says how many were left out");
	json_decref(q);

	/* After the last would-deny: nothing, although the minute bucket is shared. */
	q = decisions_query(&d, "web", DV_WOULD_DENY, T0 + 21 * USEC_PER_SEC, 10);
	EXPECT_EQ(json_integer_value(json_object_get(q, "total")), 0, "query: nothing after the last decision");
	json_decref(q);
	q = decisions_query(&d, "other", DV_WOULD_DENY, 0, 10);
	EXPECT_EQ(json_integer_value(json_object_get(q, "total")), 0, "query: another profile has none");
	json_decref(q);

	decisions_profile_loaded(&d, "web", T0 + 30 * USEC_PER_SEC);
	EXPECT_EQ(decisions_profile_loaded_at(&d, "web"), T0 + 30 * USEC_PER_SEC, "profiles: load time kept");
	EXPECT_EQ(decisions_profile_loaded_at(&d, "db"), 0, "profiles: unknown profile: 0");
	decisions_free(&d);
}

static void test_buckets(void)
{
	struct decisions d;
	const struct decision_group *g;

	decisions_init(&d, T0);
	/* One decision a minute for two hours: the first hour moves to `older`. */
	for (int m = 0; m < 120; m++)
		feed(&d, event("would-deny", "00000001", "/usr/bin/wget", T0 + m * 60 * USEC_PER_SEC), T0);
	g = &d.groups[0];
	EXPECT_EQ(g->count, 120, "buckets: every decision counted");
	EXPECT_EQ(g->older, 60, "buckets: beyond the hour in `older`");
	EXPECT_EQ(decisions_group_count_since(g, T0 + 90 * 60 * USEC_PER_SEC), 30,
		  "buckets: exact per minute within the hour");
	EXPECT_EQ(decisions_group_count_since(g, T0), 120, "buckets: from the first decision: all");
	EXPECT_TRUE(decisions_group_count_since(g, T0 + 30 * 60 * USEC_PER_SEC) >= 90,
		    "buckets: further back: never under-counted");
	/* A late summary older than the buckets still counts. */
	feed(&d, event("would-deny", "00000001", "/usr/bin/wget", T0 - 3600 * USEC_PER_SEC), T0);
	EXPECT_EQ(g->count, 121, "buckets: a late record counts");
	EXPECT_EQ(g->first_usec, T0 - 3600 * USEC_PER_SEC, "buckets: a late record moves first seen back");
	decisions_free(&d);
}

static void test_bounds(void)
{
	struct decisions d;
	char path[64];
	uint64_t sum = 0;
	json_t *q;

	decisions_init(&d, T0);
	for (int i = 0; i < DECISIONS_MAX_GROUPS + 100; i++) {
		snprintf(path, sizeof(path), "/bin/p%d", i);
		feed(&d, event("would-deny", "00000001", path, T0), T0);
	}
	EXPECT_TRUE(d.n_groups <= DECISIONS_MAX_GROUPS, "bounds: groups stay within the bound");
	for (size_t i = 0; i < d.n_groups; i++)
		sum += d.groups[i].count;
	EXPECT_EQ(sum, DECISIONS_MAX_GROUPS + 100, "bounds: every decision is in some group");
	EXPECT_EQ(d.overflowed[1], 100 + DECISIONS_GROUP_RESERVE, "bounds: folded decisions counted");
	q = decisions_query(&d, "web", DV_WOULD_DENY, 0, DECISIONS_MAX_GROUPS);
	EXPECT_EQ(json_integer_value(json_object_get(q, "total")), DECISIONS_MAX_GROUPS + 100,
		  "bounds: the report's total is exact");
	EXPECT_STREQ(json_string_value(json_object_get(json_array_get(json_object_get(q, "groups"), 0), "object")),
		     DECISIONS_OTHER_OBJECTS, "bounds: the rest under (other objects)");
	json_decref(q);

	/* Counters: many rules. */
	for (int i = 0; i < DECISIONS_MAX_COUNTERS + 10; i++) {
		char rule[16];

		snprintf(rule, sizeof(rule), "%08x", i + 1);
		feed(&d, event("audit", rule, "/bin/x", T0), T0);
	}
	EXPECT_TRUE(d.n_counters <= DECISIONS_MAX_COUNTERS, "bounds: counters stay within the bound");
	EXPECT_TRUE(counter(&d, DECISIONS_OVERFLOW, DECISIONS_OVERFLOW, DV_AUDIT) != NULL &&
		    counter(&d, DECISIONS_OVERFLOW, DECISIONS_OVERFLOW, DV_AUDIT)->count == d.overflowed[0],
		    "bounds: counters beyond the bound under (overflow), counted");
	sum = 0;
	for (size_t i = 0; i < d.n_counters; i++)
		if (d.counters[i].verdict == DV_AUDIT)
			sum += d.counters[i].count;
	EXPECT_EQ(sum, DECISIONS_MAX_COUNTERS + 10, "bounds: every audit decision is in some counter");
	decisions_free(&d);
}

static long check_text(const char *text, char *err, size_t size)
{
	long n = prom_check(text, strlen(text), err, size);

	/* Each bad case must fail for its own reason, not for the missing final newline. */
	if (n < 0 && strstr(err, "end with a newline"))
		return 0;
	return n;
}

static void test_prometheus(void)
{
	struct decisions d;
	json_t *arr = json_array(), *o;
	char *text = NULL, err[512] = "";
	size_t len = 0;
	long n;

	decisions_init(&d, T0);
	o = event("would-deny", "00000001", "/usr/bin/wget", T0);
	/* A profile name with every character the format escapes. */
	json_object_set_new(o, "profile", json_string("we\"b\\x\ny"));
	feed(&d, o, T0);
	o = event("deny", "00000002", "/bin/nc", T0);
	/* A container's decision: counted by its runtime and QoS class; an unknown word counts as none. */
	json_object_set_new(o, "workload", json_pack("{s:s, s:s, s:s}", "runtime", "containerd", "qos", "burstable",
						     "container_id", "4c0f"));
	feed(&d, o, T0);
	o = event("deny", "00000002", "/bin/nc", T0);
	json_object_set_new(o, "workload", json_pack("{s:s}", "runtime", "rkt\"}"));
	feed(&d, o, T0);
	json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i}", "name", "enforcer_up", "type", "gauge",
					     "help", "line one\nback\\slash", "value", 1));
	decisions_metrics(&d, arr);
	/* Same name again after another: must still come out together. */
	json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i, s:{s:s}}", "name", "enforcer_rule_decisions_total",
					     "type", "counter", "help", "x", "value", 7, "labels", "profile", "late"));
	if (!EXPECT_OK(metrics_render_prometheus(arr, &text, &len), "prometheus: renders"))
		goto out;
	n = prom_check(text, len, err, sizeof(err));
	if (!EXPECT_TRUE(n > 0, "prometheus: passes the strict format check"))
		printf("    %s\n%s", err, text);
	EXPECT_EQ(n, 12, "prometheus: every sample rendered");
	EXPECT_CONTAINS(text, "enforcer_workload_decisions_total{qos=\"burstable\",runtime=\"containerd\",verdict=\"deny\"} 1\n",
			"prometheus: a container's decision by runtime and QoS");
	EXPECT_CONTAINS(text, "enforcer_workload_decisions_total{qos=\"none\",runtime=\"none\",verdict=\"deny\"} 1\n",
			"prometheus: an unknown runtime word is none (the label set stays bounded)");
	EXPECT_CONTAINS(text, "enforcer_workload_decisions_total{qos=\"none\",runtime=\"none\",verdict=\"would-deny\"} 1\n",
			"prometheus: no workload is none");
	EXPECT_TRUE(!strstr(text, "4c0f"), "prometheus: no container id among the labels");
	EXPECT_CONTAINS(text, "enforcer_rule_decisions_total{profile=\"we\\\"b\\\\x\\ny\",rule=\"00000001\","
			"verdict=\"would-deny\"} 1\n", "prometheus: label values escaped, labels in order");
	EXPECT_CONTAINS(text, "# HELP enforcer_up line one\\nback\\\\slash\n", "prometheus: help escaped");
	EXPECT_CONTAINS(text, "# TYPE enforcer_rule_decisions_total counter\n", "prometheus: TYPE line");
	EXPECT_TRUE(strstr(text, "profile=\"late\"") > strstr(text, "verdict=\"deny\"") &&
		    strstr(text, "profile=\"late\"") < strstr(text, "# HELP enforcer_audit_records_total"),
		    "prometheus: a name's samples together");
	/* The checker itself must catch what it is there for. */
	EXPECT_TRUE(check_text("# HELP a_total x\n# TYPE a_total counter\na_total 1\n# HELP b x\n# TYPE b gauge\nb 1\n"
			       "a_total{x=\"1\"} 2\n", err, sizeof(err)) < 0, "check: split samples caught");
	EXPECT_TRUE(check_text("# HELP a x\n# TYPE a counter\na 1\n", err, sizeof(err)) < 0,
		    "check: counter without _total caught");
	EXPECT_TRUE(check_text("# HELP a x\n# TYPE a gauge\na{l=\"\\q\"} 1\n", err, sizeof(err)) < 0,
		    "check: bad escape caught");
	EXPECT_TRUE(check_text("a 1\n", err, sizeof(err)) < 0, "check: sample without TYPE caught");
	EXPECT_TRUE(check_text("# HELP a x\n# TYPE a gauge\na 1\na 2\n", err, sizeof(err)) < 0,
		    "check: duplicate series caught");
out:
	free(text);
	json_decref(arr);
	decisions_free(&d);
}

static void test_listen_address(void)
{
	struct sockaddr_storage sa;
	socklen_t len;
	char err[512] = "";

	EXPECT_OK(metrics_http_parse("127.0.0.1:9464", false, &sa, &len, err, sizeof(err)), "listen: 127.0.0.1");
	EXPECT_EQ(ntohs(((struct sockaddr_in *)&sa)->sin_port), 9464, "listen: port");
	EXPECT_OK(metrics_http_parse("[::1]:9464", false, &sa, &len, err, sizeof(err)), "listen: [::1]");
	EXPECT_OK(metrics_http_parse("localhost:1", false, &sa, &len, err, sizeof(err)), "listen: localhost");
	EXPECT_EQ(metrics_http_parse("0.0.0.0:9464", false, &sa, &len, err, sizeof(err)), -EINVAL,
		  "listen: any address refused by default");
	EXPECT_CONTAINS(err, "--metrics-allow-remote", "listen: the message names the override");
	EXPECT_OK(metrics_http_parse("0.0.0.0:9464", true, &sa, &len, err, sizeof(err)), "listen: allowed when forced");
	EXPECT_EQ(metrics_http_parse("127.0.0.1", false, &sa, &len, err, sizeof(err)), -EINVAL, "listen: no port");
	EXPECT_EQ(metrics_http_parse("127.0.0.1:70000", false, &sa, &len, err, sizeof(err)), -EINVAL, "listen: bad port");
	EXPECT_EQ(metrics_http_parse("example.com:80", true, &sa, &len, err, sizeof(err)), -EINVAL,
		  "listen: names are not looked up");
}

/* A group names the first containers it came from, and says when there were more. */
static void test_group_workloads(void)
{
	struct decisions d;
	json_t *q, *g, *ws;

	decisions_init(&d, T0);
	feed(&d, event("would-deny", "00000001", "/usr/bin/wget", T0), T0); /* no container */
	for (int i = 0; i < 6; i++) {
		json_t *o = event("would-deny", "00000001", "/usr/bin/wget", T0);
		char pod[32];

		snprintf(pod, sizeof(pod), "web-%d", i % 5);
		json_object_set_new(o, "workload", json_pack("{s:s, s:s, s:s, s:s}", "runtime", "containerd", "namespace",
							     "prod", "pod", pod, "container", "app"));
		feed(&d, o, T0);
	}
	q = decisions_query(&d, "web", DV_WOULD_DENY, 0, 10);
	g = json_array_get(json_object_get(q, "groups"), 0);
	ws = json_object_get(g, "workloads");
	EXPECT_EQ(json_array_size(ws), 4, "report: a group names its first four containers");
	EXPECT_STREQ(json_string_value(json_array_get(ws, 0)), "prod/web-0/app", "report: as NAMESPACE/POD/CONTAINER");
	EXPECT_TRUE(json_is_true(json_object_get(g, "more_workloads")), "report: and says there were more (web-4)");
	json_decref(q);
	decisions_free(&d);
}

int main(void)
{
	test_time_args();
	test_group_workloads();
	test_counts();
	test_buckets();
	test_bounds();
	test_prometheus();
	test_listen_address();
	return unit_done();
}
