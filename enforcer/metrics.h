/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every counter and gauge the daemon exports, collected in one place as a
 * list of {"name", "type", "help", "value", "labels"} objects. `enforcerctl
 * stats` prints it; another output format (Prometheus text) is a renderer
 * of this same list, so a metric is defined once.
 */
#ifndef ENFORCER_METRICS_H
#define ENFORCER_METRICS_H

#include <jansson.h>
#include <stddef.h>

#include "enforcer_abi.h"

struct control;

/* One kernel counter: its index in the stats map, its status key, its metric. */
struct kernel_stat_name {
	enum enf_stat stat;
	const char *status, *metric, *help;
};
extern const struct kernel_stat_name kernel_stat_names[];
extern const size_t n_kernel_stat_names;

/* A JSON array of metric objects; NULL on ENOMEM. */
json_t *metrics_collect(const struct control *c);

/* The same list as Prometheus text (the --metrics-listen renderer; control is a struct control). */
int metrics_prometheus_text(void *control, char **ret_text, size_t *ret_len);

#endif /* ENFORCER_METRICS_H */
