/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Audit events: records from the BPF ring buffer written as one JSON
 * object per line to the audit log (a file, stdout, or syslog), with
 * "summary" records for what the kernel counted but did not deliver
 * (event_summary.h). The format is docs/events.md. A file is reopened and
 * syslog reconnected on SIGHUP so logrotate can move the log.
 */
#ifndef ENFORCER_AUDIT_H
#define ENFORCER_AUDIT_H

#include <jansson.h>
#include <stdio.h>

#include "audit_syslog.h"
#include "cgroup_names.h"
#include "event_summary.h"
#include "workloads.h"
#include "json_text.h"
#include "profiles.h"

struct ring_buffer;

struct audit {
	struct ring_buffer *rb;
	const struct profiles *profiles;
	char *log_path;     /* "-" for stdout, "syslog[:SOCKET]" for syslog */
	FILE *log;          /* NULL when logging to syslog */
	bool to_syslog;
	struct audit_syslog syslog;
	struct cgroup_names cgroups;
	struct workloads *workloads; /* container identities for events; NULL: none told */
	struct event_summary summary;
	unsigned long long write_errors; /* records a destination did not take */
	long long realtime_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC at start */
	unsigned long long written;
	/* Every event also goes here (the control socket's `events`); the object is borrowed. */
	void (*on_event)(void *ctx, json_t *event);
	void *on_event_ctx;
	/* Learn records (verdict ENF_VERDICT_LEARN) go here, not to the log: enforcerd/learn.c. */
	void (*on_learn)(void *ctx, const struct enf_event *ev);
	void *on_learn_ctx;
};

/* Is this --audit-log value a file (not stdout, not syslog)? */
bool audit_log_is_file(const char *log_path);

int audit_open(struct audit *a, const char *log_path, const struct engine *e, const struct profiles *ps);
void audit_close(struct audit *a);
int audit_reopen(struct audit *a);
int audit_fd(const struct audit *a);   /* epoll this */
int audit_consume(struct audit *a);    /* drain what is ready */
/* Drain the ring buffer, then write summaries of what was counted but not delivered. */
void audit_summarize(struct audit *a);

/* Hand one record to the callback and every destination (the object is borrowed). */
void audit_emit(struct audit *a, json_t *o);

/*
 * What an event and a summary share: "profile", "hook", "verdict",
 * "reason", "cgroup_id", "cgroup", and for rules "rule_id", "rule"
 * (FILE:LINE:COLUMN) and "rule_text". instance 0: the profile's current
 * version.
 */
void audit_decision_fields(struct audit *a, json_t *o, __u32 slot, __u32 instance, __u32 rule_id,
			   __u32 hook, __u32 verdict, __u32 reason, __u64 cgroup_id);

/* RFC 3339 UTC with microseconds, from CLOCK_REALTIME nanoseconds. */
void audit_format_time(long long ns, char *buf, size_t size);

#endif /* ENFORCER_AUDIT_H */
