/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The metric list of metrics_collect() in the Prometheus text exposition
 * format 0.0.4: one HELP and one TYPE line per metric name, then all its
 * samples together (the format requires a name's samples to be contiguous,
 * so samples are grouped by name in order of first appearance), label
 * values and help text escaped, labels in name order.
 */
#ifndef ENFORCER_METRICS_PROMETHEUS_H
#define ENFORCER_METRICS_PROMETHEUS_H

#include <jansson.h>
#include <stddef.h>

#define PROMETHEUS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/*
 * Append one metric object {"name", "type", "help", "value", "labels"} to
 * the list (labels: an object of strings, stolen; NULL for none). Every
 * part of the daemon that exports a number adds it through here.
 */
void metrics_add(json_t *arr, const char *name, const char *type, const char *help, unsigned long long value,
		 json_t *labels);

/* The exposition text (malloc'd, NUL-terminated, length in *ret_len). 0 or -ENOMEM. */
int metrics_render_prometheus(json_t *metrics, char **ret_text, size_t *ret_len);

#endif /* ENFORCER_METRICS_PROMETHEUS_H */
