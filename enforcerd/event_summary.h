/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * "summary" records: what the kernel counted but did not deliver as events.
 *
 * lsm-progs/event.bpf.c keeps, per (cgroup, profile, rule, hook, verdict,
 * reason), cumulative totals of records delivered, aggregated (over the
 * rate limit) and dropped (ring buffer full). Those totals only grow; this
 * module remembers the totals it last saw and reports the difference, so
 * neither side ever resets a counter another may be adding to. A summary
 * is written for a key whenever some of its operations were not delivered
 * since the last look ("count" = aggregated + dropped), and one with
 * "untracked": true when records were lost for keys the full map could
 * not hold. Looks happen once a second, on `enforcerctl stats`, and at
 * shutdown.
 */
#ifndef ENFORCER_EVENT_SUMMARY_H
#define ENFORCER_EVENT_SUMMARY_H

#include <jansson.h>
#include <stdint.h>
#include <time.h>

#include "enforcer_abi.h"

struct engine;
struct audit;

struct rate_seen {
	struct enf_rate_key key;
	struct enf_rate_val seen;     /* totals at the last look */
};

struct event_summary {
	const struct engine *engine;
	int rates_fd;                 /* -1: this engine has no event accounting */
	struct rate_seen *seen;       /* sorted by key */
	size_t n, cap;
	uint64_t lost_untracked_seen;
	long long last_ns;            /* CLOCK_REALTIME of the last look */
	unsigned long long written;   /* summary records */
};

void event_summary_init(struct event_summary *s, const struct engine *e);
void event_summary_free(struct event_summary *s);

/* Look now and emit summaries through audit_emit(). 0 or -errno. */
int event_summary_poll(struct event_summary *s, struct audit *a);

/*
 * The per-key totals as metric objects ({"name","type","help","value","labels"},
 * see metrics.h), appended to arr: enforcer_event_records_total by outcome.
 */
void event_summary_metrics(const struct event_summary *s, const struct audit *a, json_t *arr);

/* Pure helpers, unit-tested on the host. */
int rate_key_cmp(const struct enf_rate_key *a, const struct enf_rate_key *b);
/* Index of key in seen[0..n) or where it would go; *found says which. */
size_t rate_seen_find(const struct rate_seen *seen, size_t n, const struct enf_rate_key *key, int *found);

#endif /* ENFORCER_EVENT_SUMMARY_H */
