/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Is enforcement in place, as an outside observer would check it: `bpf`
 * in the kernel's active LSM list, a pinned and attached link for every
 * program of this build, every map pinned, the daemon answering. Exported
 * as gauges (enforcer_up, enforcer_bpf_lsm_active, enforcer_programs_*,
 * enforcer_pins_*) so an alert can fire on "attached < expected".
 */
#ifndef ENFORCER_HEALTH_H
#define ENFORCER_HEALTH_H

#include <jansson.h>

struct engine;

/* Append the health gauges (metric objects as in metrics.h) to arr. */
void health_metrics(const struct engine *e, json_t *arr);

#endif /* ENFORCER_HEALTH_H */
