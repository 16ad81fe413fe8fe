// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <time.h>

#include "audit.h"
#include "control.h"
#include "health.h"
#include "metrics.h"
#include "metrics_prometheus.h"
#include "util.h"

/* Short, for the long list below. */
static void add(json_t *arr, const char *name, const char *type, const char *help, unsigned long long value,
		json_t *labels)
{
	metrics_add(arr, name, type, help, value, labels);
}

json_t *metrics_collect(const struct control *c)
{
	const struct profiles *ps = c->profiles;
	json_t *arr = json_array();
	size_t n_profiles = 0;

	if (!arr)
		return NULL;
	for (size_t i = 0; i < n_kernel_stat_names; i++) {
		const struct kernel_stat_name *k = &kernel_stat_names[i];
		uint64_t v = 0;

		if (engine_stat(c->engine, k->stat, &v) == 0)
			add(arr, k->metric, "counter", k->help, v, NULL);
	}
	add(arr, "enforcer_events_written_total", "counter", "records written to the audit log", c->audit->written, NULL);
	add(arr, "enforcer_summaries_written_total", "counter", "summary records written", c->audit->summary.written, NULL);
	add(arr, "enforcer_audit_write_errors_total", "counter", "records the audit destination did not take",
	    c->audit->write_errors, NULL);
	event_summary_metrics(&c->audit->summary, c->audit, arr);
	add(arr, "enforcer_events_follower_dropped_total", "counter", "events an 'events --follow' client was too slow for",
	    c->n.events_dropped, NULL);
	for (size_t i = 0; i < ENF_MAX_PROFILES; i++) {
		const struct profile *p = &ps->slots[i];
		size_t att = 0;

		if (!p->used)
			continue;
		n_profiles++;
		for (size_t k = 0; k < ps->n_att; k++)
			att += ps->att[k].slot == p->slot;
		add(arr, "enforcer_profile_generation", "gauge", "generation of the profile version in force",
		    p->generation, json_pack("{s:s, s:s}", "profile", p->bundle->name, "mode", enf_mode_name(p->mode)));
		add(arr, "enforcer_profile_attachments", "gauge", "cgroups the profile is attached to", att,
		    json_pack("{s:s}", "profile", p->bundle->name));
	}
	add(arr, "enforcer_profiles", "gauge", "profiles loaded", n_profiles, NULL);
	add(arr, "enforcer_attachments", "gauge", "cgroups with a profile attached", ps->n_att, NULL);
	add(arr, "enforcer_selectors", "gauge", "selectors", c->selectors->n_sel, NULL);
	add(arr, "enforcer_selector_attached_total", "counter", "cgroups attached by selectors", c->selectors->attached, NULL);
	add(arr, "enforcer_selector_detached_total", "counter", "selector attachments removed", c->selectors->detached, NULL);
	add(arr, "enforcer_selector_rescans_total", "counter", "full walks of the cgroup tree", c->selectors->rescans, NULL);
	if (c->selectors->workloads) {
		const struct workloads *w = c->selectors->workloads;

		add(arr, "enforcer_workload_bundle_reads_total", "counter",
		    "containers whose OCI bundle the daemon read for their names", w->reads, NULL);
		add(arr, "enforcer_workload_hook_starts_total", "counter",
		    "containers the OCI hook announced before their entrypoint (container-start)", w->hooked, NULL);
		add(arr, "enforcer_workload_names_refused_total", "counter",
		    "containers whose annotations were not used (a config.json others may write, a pod UID that "
		    "disagrees with the cgroup path)", w->refused, NULL);
	}
	add(arr, "enforcer_control_requests_total", "counter", "control requests answered", c->n.requests, NULL);
	add(arr, "enforcer_control_errors_total", "counter", "control requests refused or failed", c->n.errors, NULL);
	add(arr, "enforcer_control_denied_total", "counter", "control requests refused for lack of permission", c->n.denied, NULL);
	add(arr, "enforcer_control_malformed_total", "counter", "control requests that were not valid", c->n.malformed, NULL);
	add(arr, "enforcer_control_oversized_total", "counter", "control requests over the size limit or truncated", c->n.oversized, NULL);
	add(arr, "enforcer_control_confined_refused_total", "counter", "connections from confined cgroups refused", c->n.confined_refused, NULL);
	add(arr, "enforcer_state_saves_total", "counter", "state directory writes", c->state->saves, NULL);
	add(arr, "enforcer_state_save_errors_total", "counter", "state directory writes that failed", c->state->save_errors, NULL);
	if (c->config) {
		add(arr, "enforcer_config_reloads_total", "counter", "reads of the configuration directory (start-up and reloads)",
		    c->config->reloads, NULL);
		add(arr, "enforcer_config_reload_failures_total", "counter",
		    "configurations refused whole (errors, or a step the kernel refused)", c->config->failures, NULL);
		add(arr, "enforcer_config_last_reload_failed", "gauge",
		    "1 while the last configuration was refused: what is in force is not what the files say",
		    c->config->error[0] != 0, NULL);
	}
	add(arr, "enforcer_uptime_seconds", "gauge", "seconds since the daemon started",
	    (unsigned long long)(time(NULL) - c->info->started), NULL);
	health_metrics(c->engine, arr);
	if (c->decisions)
		decisions_metrics(c->decisions, arr);
	if (c->http) {
		add(arr, "enforcer_metrics_http_served_total", "counter", "metrics requests answered", c->http->served, NULL);
		add(arr, "enforcer_metrics_http_rejected_total", "counter",
		    "metrics requests refused (bad request line, method or path, oversized)", c->http->rejected, NULL);
		add(arr, "enforcer_metrics_http_timed_out_total", "counter", "metrics connections closed at the time limit",
		    c->http->timed_out, NULL);
		add(arr, "enforcer_metrics_http_busy_total", "counter", "metrics connections closed: all slots in use",
		    c->http->refused_busy, NULL);
	}
	return arr;
}

int metrics_prometheus_text(void *control, char **ret_text, size_t *ret_len)
{
	json_t *arr = metrics_collect(control);
	int r = arr ? metrics_render_prometheus(arr, ret_text, ret_len) : -ENOMEM;

	json_decref(arr);
	return r;
}
