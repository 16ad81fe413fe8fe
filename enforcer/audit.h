/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Audit events: records from the BPF ring buffer written as one JSON
 * object per line to the audit log. The file is reopened on SIGHUP so
 * logrotate can move it.
 */
#ifndef ENFORCER_AUDIT_H
#define ENFORCER_AUDIT_H

#include <jansson.h>
#include <stdio.h>

#include "profiles.h"

struct ring_buffer;

struct audit {
	struct ring_buffer *rb;
	const struct profiles *profiles;
	char *log_path;     /* "-" for stdout */
	FILE *log;
	long long realtime_offset_ns; /* CLOCK_REALTIME - CLOCK_MONOTONIC at start */
	unsigned long long written;
	/* Every event also goes here (the control socket's `events`); the object is borrowed. */
	void (*on_event)(void *ctx, json_t *event);
	void *on_event_ctx;
	/* Learn records (verdict ENF_VERDICT_LEARN) go here, not to the log: enforcer/learn.c. */
	void (*on_learn)(void *ctx, const struct enf_event *ev);
	void *on_learn_ctx;
};

/* A kernel string (bytes) as a JSON string; bytes that are not UTF-8 as "\\xNN". */
json_t *json_kstring(const char *s, size_t max);

int audit_open(struct audit *a, const char *log_path, int events_map_fd, const struct profiles *ps);
void audit_close(struct audit *a);
int audit_reopen(struct audit *a);
int audit_fd(const struct audit *a);   /* epoll this */
int audit_consume(struct audit *a);    /* drain what is ready */

#endif /* ENFORCER_AUDIT_H */
