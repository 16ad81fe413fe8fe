// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every command of the control protocol (control_internal.h), one handler
 * each, and at the end the table that says who may run it and whether it is
 * persisted. One file, over 700 lines: the handlers share the request
 * helpers (strict unpack, refusals of what /etc declares, the profile's JSON)
 * and the table must see them all, so a reader checking what a command can
 * change reads it and its grant in one place.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "baseline.h"
#include "cgroup.h"
#include "config_apply.h"
#include "control.h"
#include "control_internal.h"
#include "live_edit.h"
#include "log.h"
#include "metrics.h"
#include "metrics_prometheus.h"
#include "protocol.h"
#include "rollout.h"
#include "selector_glob.h"
#include "time_arg.h"
#include "util.h"



/* The text may end in half a UTF-8 character (cut at ERRMSG_MAX) or hold a file name's bytes: never lose the answer for it. */
json_t *control_reply_error(int err, const char *text)
{
	return json_pack("{s:b, s:o, s:i}", "ok", 0, "error", json_kstring(text, ERRMSG_MAX), "errno", err < 0 ? -err : err);
}

/*
 * Unpack the request's arguments strictly (dispatch took "cmd"): unknown
 * keys are errors, so a typo in a client never silently does something else.
 */
static int unpack(struct request *rq, const char *fmt, ...)
{
	json_error_t jerr;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = json_vunpack_ex(rq->msg, &jerr, JSON_STRICT, fmt, ap);
	va_end(ap);
	if (r < 0) {
		snprintf(rq->err, sizeof(rq->err), "malformed request: %s", jerr.text);
		rq->c->n.malformed++;
		return -EINVAL;
	}
	return 0;
}

static struct profile *find_profile(struct request *rq, const char *name, int *ret_errno)
{
	struct profile *p = profiles_find(rq->c->profiles, name);

	if (!p) {
		snprintf(rq->err, sizeof(rq->err), "no profile named '%s' is loaded (see 'enforcerctl list')", name);
		*ret_errno = -ENOENT;
	}
	return p;
}

/*
 * Live edits of what /etc/enforcer declares are refused (origin.h): the
 * next reload or restart would silently undo them. 0, or -EBUSY with the
 * file to edit instead.
 */
static int refuse_declared(struct request *rq, enum origin_kind kind, const char *key, int *ret_errno)
{
	const char *where = origin_declared(rq->c->origins, kind, key);

	if (!where)
		return 0;
	snprintf(rq->err, sizeof(rq->err), "%s %s%s%s is declared in %s: a live change would be undone by the next "
		 "reload or restart. Edit that file, then run 'enforcerctl reload' (or 'systemctl reload enforcerd')",
		 origin_kind_name(kind), kind == ORIGIN_PROFILE ? "'" : "", key, kind == ORIGIN_PROFILE ? "'" : "", where);
	return *ret_errno = -EBUSY;
}

/* The workload identity of an attached cgroup (absolute), when it is a container's. */
static void add_workload(json_t *e, const struct control *c, const char *abs)
{
	const char *rel = cgroup_relative(c->selectors->root, abs);
	struct workload w;
	json_t *wj;

	if (rel && c->selectors->workloads && workloads_get(c->selectors->workloads, rel, &w) == 0 &&
	    (wj = workload_to_json(&w)))
		json_object_set_new(e, "workload", wj);
}

/* Where an object comes from, for list and show: "declared" FILE[:LINE] and "unit", when there are. */
static void add_origin(json_t *o, const struct control *c, enum origin_kind kind, const char *key)
{
	const struct origin_entry *e = origin_find(c->origins, kind, key);

	if (!o)
		return;
	json_object_set_new(o, "source_of_truth", json_string(e && e->declared ? "/etc" : "live"));
	if (e && e->declared)
		json_object_set_new(o, "declared", json_string(e->declared));
	if (e && e->unit)
		json_object_set_new(o, "unit", json_string(e->unit));
}

static json_t *profile_json(const struct control *c, const struct profile *p)
{
	const struct profiles *ps = c->profiles;
	json_t *att = json_array(), *sel = json_array(), *o;

	json_t *holds = json_array(), *waiting = json_array(), *e;

	/*
	 * "attached" names only attachments that hold now (callers reconcile
	 * first: selectors_reconcile()); one that does not, and one whose
	 * cgroup does not exist, is in "waiting" and never shown as holding.
	 */
	for (size_t i = 0; i < ps->n_att; i++) {
		const struct attachment *a = &ps->att[i];
		bool h;

		if (a->slot != p->slot)
			continue;
		h = profiles_attachment_holds(ps, a);
		json_array_append_new(h ? att : waiting, json_string(a->cgroup));
		e = json_pack("{s:s, s:I, s:b, s:b, s:s?}", "cgroup", a->cgroup, "cgroup_id", (json_int_t)a->cgroup_id,
			      "holds", h, "follows_path", profiles_followed(ps, a->cgroup) != NULL, "via", a->via);
		add_workload(e, c, a->cgroup);
		if (!a->via)
			add_origin(e, c, ORIGIN_PATH, a->cgroup);
		json_array_append_new(holds, e);
	}
	for (size_t i = 0; i < c->selectors->n_pend; i++) {
		if (strcmp(c->selectors->pend[i].profile, p->bundle->name) != 0)
			continue;
		json_array_append_new(waiting, json_string(c->selectors->pend[i].cgroup));
		e = json_pack("{s:s, s:b, s:b}", "cgroup", c->selectors->pend[i].cgroup, "holds", 0, "follows_path",
			      profiles_followed(ps, c->selectors->pend[i].cgroup) != NULL);
		add_origin(e, c, ORIGIN_PATH, c->selectors->pend[i].cgroup);
		json_array_append_new(holds, e);
	}
	for (size_t i = 0; i < c->selectors->n_sel; i++)
		if (strcmp(c->selectors->sel[i].profile, p->bundle->name) == 0)
			json_array_append_new(sel, json_string(c->selectors->sel[i].glob));
	o = json_pack("{s:s, s:s, s:I, s:i, s:i, s:s, s:o, s:o}",
		      "name", p->bundle->name,
		      "mode", enf_mode_name(p->mode),
		      "generation", (json_int_t)p->generation,
		      "rules", (int)p->bundle->n_rules,
		      "path_nodes", (int)p->bundle->n_nodes,
		      "source", p->bundle->source_file ? p->bundle->source_file : "",
		      "attached", att,
		      "selectors", sel);
	if (o) {
		json_object_set_new(o, "waiting", waiting);
		json_object_set_new(o, "attachments", holds);
	} else {
		json_decref(waiting);
		json_decref(holds);
	}
	if (o && profile_is_orphan(p))
		json_object_set_new(o, "orphan", json_true());
	add_origin(o, c, ORIGIN_PROFILE, p->bundle->name);
	return o;
}

static json_t *kernel_stats(const struct control *c)
{
	json_t *stats = json_object();

	for (size_t i = 0; i < n_kernel_stat_names; i++) {
		const struct kernel_stat_name *k = &kernel_stat_names[i];
		uint64_t v = 0;

		if (engine_stat(c->engine, k->stat, &v) == 0)
			json_object_set_new(stats, k->status, json_integer((json_int_t)v));
	}
	json_object_set_new(stats, "events_written", json_integer((json_int_t)c->audit->written));
	json_object_set_new(stats, "summaries_written", json_integer((json_int_t)c->audit->summary.written));
	json_object_set_new(stats, "audit_write_errors", json_integer((json_int_t)c->audit->write_errors));
	return stats;
}

/* /etc/enforcer: what it declares, the last reload, and whether its files changed since. */
static json_t *config_json(const struct control *c)
{
	const struct config_status *st = c->config;
	_cleanup_free_ char *changed = NULL;
	size_t n[3] = {};
	char when[64];
	json_t *o;

	if (!st)
		return json_null();
	for (size_t i = 0; i < c->origins->n; i++)
		n[c->origins->v[i].kind] += c->origins->v[i].declared != NULL;
	o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "dir", st->dir, "profiles", (json_int_t)n[ORIGIN_PROFILE],
		      "attachments", (json_int_t)n[ORIGIN_PATH], "selectors", (json_int_t)n[ORIGIN_SELECTOR],
		      "reloads", (json_int_t)st->reloads, "failures", (json_int_t)st->failures);
	if (!o)
		return NULL;
	if (st->last_success) {
		rfc3339_format((int64_t)st->last_success * USEC_PER_SEC, when, sizeof(when));
		json_object_set_new(o, "last_applied", json_string(when));
	}
	if (st->error[0])
		json_object_set_new(o, "last_reload_error", json_kstring(st->error, sizeof(st->error)));
	if (st->ever_applied && config_changes_on_disk(&st->applied, &changed) == 0 && changed)
		json_object_set_new(o, "changed_on_disk", json_kstring(changed, strlen(changed)));
	/* The live state is what /etc says unless the last reload failed or the files changed since. */
	json_object_set_new(o, "in_sync", json_boolean(st->ever_applied && !st->error[0] && !changed));
	return o;
}

void control_status_line(const struct control *c, char *buf, size_t size)
{
	size_t np = 0, holding = 0, declared = 0;

	for (size_t i = 0; i < ENF_MAX_PROFILES; i++)
		np += c->profiles->slots[i].used;
	for (size_t i = 0; i < c->profiles->n_att; i++)
		holding += profiles_attachment_holds(c->profiles, &c->profiles->att[i]);
	for (size_t i = 0; c->origins && i < c->origins->n; i++)
		declared += c->origins->v[i].declared != NULL;
	snprintf(buf, size, "Enforcing: %zu profile(s), %zu cgroup(s) attached, %zu waiting, %zu selector(s); "
		 "%zu object(s) from %s%s%.300s", np, holding, c->selectors->n_pend + c->profiles->n_att - holding,
		 c->selectors->n_sel, declared, c->config ? c->config->dir : "/etc/enforcer",
		 c->config && c->config->error[0] ? "; LAST RELOAD FAILED: " : "",
		 c->config && c->config->error[0] ? c->config->error : "");
}

static json_t *cmd_status(struct request *rq, int *ret_errno)
{
	const struct control *c = rq->c;
	size_t n = 0;
	json_t *o;

	if ((*ret_errno = unpack(rq, "{}")) < 0)
		return NULL;
	selectors_reconcile(c->selectors);
	for (size_t i = 0; i < ENF_MAX_PROFILES; i++)
		n += c->profiles->slots[i].used;
	o = json_pack("{s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:s, s:s, s:s, s:b, s:b, s:s, s:o}",
		      "ok", 1, "protocol", ENF_PROTOCOL_VERSION, "abi", ENF_ABI_VERSION, "pid", (int)getpid(),
		      "profiles", (int)n, "attachments", (int)c->profiles->n_att,
		      "selectors", (int)c->selectors->n_sel,
		      "audit_log", c->audit->log_path, "pin_dir", c->info->pin_dir, "state_dir", c->state->dir,
		      "adopted", c->info->adopted, "self_protection", c->info->self_protection,
		      "hardening", c->info->hardening, "stats", kernel_stats(c));
	if (o) {
		size_t holding = 0;

		for (size_t i = 0; i < c->profiles->n_att; i++)
			holding += profiles_attachment_holds(c->profiles, &c->profiles->att[i]);
		json_object_set_new(o, "attachments_holding", json_integer((json_int_t)holding));
		json_object_set_new(o, "attachments_waiting",
				    json_integer((json_int_t)(c->selectors->n_pend + c->profiles->n_att - holding)));
		json_object_set_new(o, "cgroups_followed", json_integer((json_int_t)c->selectors->followed));
		json_object_set_new(o, "cgroups_attached_late", json_integer((json_int_t)c->selectors->late));
	}
	if (o && c->state->problem[0])
		json_object_set_new(o, "state_problem", json_kstring(c->state->problem, sizeof(c->state->problem)));
	if (o && c->state->last_error[0])
		json_object_set_new(o, "state_error", json_kstring(c->state->last_error, sizeof(c->state->last_error)));
	if (o)
		json_object_set_new(o, "config", config_json(c));
	return o;
}

/*
 * Answers that may exceed one packet (ENF_MSG_MAX) go into a file the
 * client passed (enforcerctl passes a memfd). Only a regular file: a pipe
 * could block the daemon.
 */
static int write_to_passed_fd(struct request *rq, const char *text, size_t len, int *ret_errno)
{
	struct stat st;
	int r;

	if (fstat(rq->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(rq->err, sizeof(rq->err), "the passed file descriptor must be a regular file (a memfd)");
		return *ret_errno = -EINVAL;
	}
	r = write_all(rq->fd, text, len);
	if (r < 0) {
		snprintf(rq->err, sizeof(rq->err), "cannot write the answer into the passed file: %s", strerror(-r));
		*ret_errno = r;
	}
	return r;
}

/* The whole answer into the passed file, a short {"ok", "in_fd"} as the reply; without a file, inline. */
static json_t *reply_large(struct request *rq, json_t *reply, int *ret_errno)
{
	_cleanup_free_ char *text = NULL;

	if (!reply || rq->fd < 0)
		return reply;
	text = json_dumps(reply, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(reply);
	if (!text) {
		*ret_errno = -ENOMEM;
		return NULL;
	}
	if (write_to_passed_fd(rq, text, strlen(text), ret_errno) < 0)
		return NULL;
	return json_pack("{s:b, s:b}", "ok", 1, "in_fd", 1);
}

static json_t *cmd_stats(struct request *rq, int *ret_errno)
{
	const char *format = "json";
	_cleanup_free_ char *text = NULL;
	json_t *metrics;
	size_t len = 0;

	if ((*ret_errno = unpack(rq, "{s?s}", "format", &format)) < 0)
		return NULL;
	audit_summarize(rq->c->audit); /* the per-key totals as of now, and their summaries logged */
	if (strcmp(format, "json") == 0)
		return reply_large(rq, json_pack("{s:b, s:o}", "ok", 1, "metrics", metrics_collect(rq->c)), ret_errno);
	if (strcmp(format, "prometheus") != 0) {
		snprintf(rq->err, sizeof(rq->err), "unknown stats format '%s': expected 'json' or 'prometheus'", format);
		*ret_errno = -EINVAL;
		return NULL;
	}
	metrics = metrics_collect(rq->c);
	*ret_errno = metrics ? metrics_render_prometheus(metrics, &text, &len) : -ENOMEM;
	json_decref(metrics);
	if (*ret_errno < 0)
		return NULL;
	if (rq->fd < 0)
		return json_pack("{s:b, s:s%}", "ok", 1, "text", text, len);
	if (write_to_passed_fd(rq, text, len, ret_errno) < 0)
		return NULL;
	return json_pack("{s:b, s:b}", "ok", 1, "in_fd", 1);
}

static json_t *cmd_report(struct request *rq, int *ret_errno)
{
	const char *name;
	json_int_t since = 0, limit = ROLLOUT_REPORT_LIMIT_DEFAULT;

	if ((*ret_errno = unpack(rq, "{s:s, s?I, s?I}", "profile", &name, "since_usec", &since,
				 "limit", &limit)) < 0)
		return NULL;
	if (since < 0 || limit < 0 || limit > ROLLOUT_REPORT_LIMIT_MAX) {
		snprintf(rq->err, sizeof(rq->err), "since_usec must be >= 0 and limit 0..%d", ROLLOUT_REPORT_LIMIT_MAX);
		*ret_errno = -EINVAL;
		return NULL;
	}
	return reply_large(rq, rollout_report(rq->c, name, since, (size_t)limit, rq->err, sizeof(rq->err), ret_errno),
			   ret_errno);
}

static json_t *cmd_promote(struct request *rq, int *ret_errno)
{
	const char *name;
	json_int_t window = ROLLOUT_WINDOW_DEFAULT_USEC;
	int force = 0;

	if ((*ret_errno = unpack(rq, "{s:s, s?I, s?b}", "profile", &name, "window_usec", &window,
				 "force", &force)) < 0 || refuse_declared(rq, ORIGIN_PROFILE, name, ret_errno) < 0)
		return NULL;
	return rollout_promote(rq->c, name, window, force, rq->err, sizeof(rq->err), ret_errno);
}

static json_t *cmd_list(struct request *rq, int *ret_errno)
{
	const struct control *c = rq->c;
	json_t *arr, *sel, *pend;

	if ((*ret_errno = unpack(rq, "{}")) < 0)
		return NULL;
	selectors_reconcile(c->selectors);
	arr = json_array();
	for (size_t i = 0; i < ENF_MAX_PROFILES; i++)
		if (c->profiles->slots[i].used)
			json_array_append_new(arr, profile_json(c, &c->profiles->slots[i]));
	sel = json_array();
	for (size_t i = 0; i < c->selectors->n_sel; i++) {
		json_t *o = json_pack("{s:s, s:s, s:I}", "glob", c->selectors->sel[i].glob,
				      "profile", c->selectors->sel[i].profile,
				      "matched", (json_int_t)c->selectors->sel[i].matched);

		add_origin(o, c, ORIGIN_SELECTOR, c->selectors->sel[i].glob);
		json_array_append_new(sel, o);
	}
	pend = json_array();
	for (size_t i = 0; i < c->selectors->n_pend; i++) {
		json_t *o = json_pack("{s:s, s:s, s:b}", "cgroup", c->selectors->pend[i].cgroup,
				      "profile", c->selectors->pend[i].profile, "follows_path",
				      profiles_followed(c->profiles, c->selectors->pend[i].cgroup) != NULL);

		add_origin(o, c, ORIGIN_PATH, c->selectors->pend[i].cgroup);
		json_array_append_new(pend, o);
	}
	return json_pack("{s:b, s:o, s:o, s:o}", "ok", 1, "profiles", arr, "selectors", sel, "pending", pend);
}

static json_t *cmd_show(struct request *rq, int *ret_errno)
{
	const char *name;
	const struct bundle *b;
	struct profile *p;
	json_t *o, *rules, *defaults, *baseline;

	if ((*ret_errno = unpack(rq, "{s:s}", "profile", &name)) < 0)
		return NULL;
	selectors_reconcile(rq->c->selectors);
	p = find_profile(rq, name, ret_errno);
	if (!p)
		return NULL;
	b = p->bundle;
	rules = json_array();
	for (uint32_t i = 0; i < b->n_rules; i++) {
		const struct bundle_rule *r = &b->rules[i];
		char id[16], where[4200];

		snprintf(id, sizeof(id), "%08x", r->id);
		if (r->line)
			snprintf(where, sizeof(where), "%s:%u:%u", b->source_file, r->line, r->column);
		else
			snprintf(where, sizeof(where), "live edit");
		json_array_append_new(rules, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", id,
						       "section", r->section == ENF_SECTION_EXEC ? "exec" :
						       r->section == ENF_SECTION_FILE ? "file" : "network",
						       "action", enf_action_name(r->action), "source", where,
						       "text", r->text ? r->text : ""));
	}
	defaults = json_pack("{s:s, s:s, s:s}", "exec", enf_action_name(b->defaults[ENF_SECTION_EXEC]),
			     "file", enf_action_name(b->defaults[ENF_SECTION_FILE]),
			     "network", enf_action_name(b->defaults[ENF_SECTION_NETWORK]));
	/* What the profile lets through the confinement baseline (each use logged). */
	baseline = json_array();
	for (unsigned i = 0; baseline && enf_baseline_words[i]; i++)
		if (b->baseline_optout & (1u << i))
			json_array_append_new(baseline, json_string(enf_baseline_words[i]));
	o = profile_json(rq->c, p);
	json_object_set_new(o, "baseline_allow", baseline ? baseline : json_array());
	json_object_set_new(o, "instance", json_integer(p->instance));
	json_object_set_new(o, "slot", json_integer(p->slot));
	json_object_set_new(o, "defaults", defaults);
	json_object_set_new(o, "rule_list", rules);
	return json_pack("{s:b, s:o}", "ok", 1, "profile", o);
}

static json_t *cmd_load(struct request *rq, int *ret_errno)
{
	struct bundle *b = NULL;
	struct stat st;
	struct profile *p;
	bool replaced;
	int r;

	if ((*ret_errno = unpack(rq, "{}")) < 0)
		return NULL;
	if (rq->fd < 0) {
		snprintf(rq->err, sizeof(rq->err), "'load' needs the compiled profile passed as a file descriptor");
		*ret_errno = -EINVAL;
		return NULL;
	}
	/* A pipe or a device could be read forever: only a regular file of bounded size. */
	if (fstat(rq->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)BUNDLE_MAX_SIZE) {
		snprintf(rq->err, sizeof(rq->err), "'load' takes a regular file of at most %u MiB (the output of "
			 "'policyc compile'), not a pipe or a device", BUNDLE_MAX_SIZE >> 20);
		*ret_errno = -EINVAL;
		return NULL;
	}
	r = bundle_read_fd(rq->fd, &b, rq->err, sizeof(rq->err));
	if (r < 0) {
		*ret_errno = r;
		return NULL;
	}
	if (refuse_declared(rq, ORIGIN_PROFILE, b->name, ret_errno) < 0) {
		bundle_free(b);
		return NULL;
	}
	r = profiles_load(rq->c->profiles, b, &p, &replaced, rq->err, sizeof(rq->err));
	if (r < 0) {
		bundle_free(b);
		*ret_errno = r;
		return NULL;
	}
	decisions_profile_loaded(rq->c->decisions, p->bundle->name, time_now_usec());
	log_info("%s profile '%s' (generation %llu, %u rules, mode %s)", replaced ? "replaced" : "loaded",
		 p->bundle->name, (unsigned long long)p->generation, p->bundle->n_rules, enf_mode_name(p->mode));
	return json_pack("{s:b, s:b, s:o}", "ok", 1, "replaced", replaced,
			 "profile", profile_json(rq->c, p));
}

static json_t *cmd_unload(struct request *rq, int *ret_errno)
{
	const char *name;
	int force = 0;
	size_t nsel;
	bool orphan;
	struct profile *p;

	if ((*ret_errno = unpack(rq, "{s:s, s?b}", "profile", &name, "force", &force)) < 0 ||
	    refuse_declared(rq, ORIGIN_PROFILE, name, ret_errno) < 0)
		return NULL;
	p = find_profile(rq, name, ret_errno);
	if (!p)
		return NULL;
	orphan = profile_is_orphan(p);
	nsel = selectors_count_for(rq->c->selectors, name);
	if (nsel && !force) {
		snprintf(rq->err, sizeof(rq->err), "profile '%s' has %zu selector(s) or pending attachment(s); detach "
			 "them first, or unload with --force", name, nsel);
		*ret_errno = -EBUSY;
		return NULL;
	}
	if (nsel)
		selectors_forget_profile(rq->c->selectors, name);
	*ret_errno = profiles_unload(rq->c->profiles, name, force, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	if (orphan)
		log_info("unloaded '%s'; its leftover map entries are removed at the next start", name);
	if (learn_find(rq->c->learn, name))
		learn_end(rq->c->learn, learn_find(rq->c->learn, name));
	log_info("unloaded profile '%s'", name);
	return json_pack("{s:b}", "ok", 1);
}

static json_t *cmd_mode(struct request *rq, int *ret_errno)
{
	const char *name, *mode;
	enum enf_mode m;
	struct profile *p;

	if ((*ret_errno = unpack(rq, "{s:s, s:s}", "profile", &name, "mode", &mode)) < 0 ||
	    refuse_declared(rq, ORIGIN_PROFILE, name, ret_errno) < 0)
		return NULL;
	if (enf_mode_from_word(mode, &m) < 0) {
		snprintf(rq->err, sizeof(rq->err), "unknown mode '%s': expected 'audit', 'enforce' or 'learn'", mode);
		*ret_errno = -EINVAL;
		return NULL;
	}
	*ret_errno = profiles_set_mode(rq->c->profiles, name, m, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	p = profiles_find(rq->c->profiles, name);
	if (m == ENF_MODE_LEARN && (*ret_errno = learn_begin(rq->c->learn, p, false, rq->err, sizeof(rq->err))) < 0)
		return NULL;
	log_info("profile '%s' is now in %s mode (generation %llu)", name, mode, (unsigned long long)p->generation);
	return json_pack("{s:b, s:o}", "ok", 1, "profile", profile_json(rq->c, p));
}

/* attach and detach name a cgroup, a selector or a unit, exactly one. */
static int one_of(struct request *rq, const char *cgroup, const char *selector, const char *unit)
{
	if (!!cgroup + !!selector + !!unit == 1)
		return 0;
	snprintf(rq->err, sizeof(rq->err), "malformed request: '%s' needs either \"cgroup\", \"selector\" or \"unit\" (exactly one)", rq->cmd);
	rq->c->n.malformed++;
	return -EINVAL;
}

/* A path as the registry keys it: canonical when it exists, else without trailing slashes. */
static void path_key(const char *cgroup, char *out, size_t size)
{
	_cleanup_free_ char *canon = realpath(cgroup, NULL);
	size_t n;

	snprintf(out, size, "%s", canon ? canon : cgroup);
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = 0;
}

/* attach PROFILE --unit NAME: by the path of the unit's cgroup, now or when systemd creates it. */
static json_t *attach_unit(struct request *rq, const char *name, const char *unit, int *ret_errno)
{
	struct control *c = rq->c;
	struct unit_info info;
	bool holds;

	if ((*ret_errno = units_resolve(c->units, c->selectors->root, unit, &info, rq->err, sizeof(rq->err))) < 0 ||
	    refuse_declared(rq, ORIGIN_PATH, info.cgroup, ret_errno) < 0 ||
	    (*ret_errno = selectors_check_not_daemon(c->selectors, info.cgroup, rq->err, sizeof(rq->err))) < 0)
		return NULL;
	if (!profiles_find(c->profiles, name)) {
		find_profile(rq, name, ret_errno);
		return NULL;
	}
	selectors_reconcile(c->selectors);
	*ret_errno = selectors_attach_or_wait(c->selectors, name, info.cgroup, &holds, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	if (origin_set(c->origins, ORIGIN_PATH, info.cgroup, NULL, info.id) < 0)
		log_warn("out of memory recording that %s is unit %s", info.cgroup, info.id);
	log_info("attached profile '%s' to unit %s (%s, %s)", name, info.id, info.cgroup,
		 holds ? "running" : "attached when systemd creates it");
	return json_pack("{s:b, s:s, s:s, s:b, s:b, s:b}", "ok", 1, "unit", info.id, "cgroup", info.cgroup,
			 "running", info.running, "holds", holds,
			 "follows_path", profiles_followed(c->profiles, info.cgroup) != NULL);
}

static json_t *cmd_attach(struct request *rq, int *ret_errno)
{
	const char *name, *cgroup = NULL, *selector = NULL, *unit = NULL;
	char key[PATH_MAX], glob[SELECTOR_GLOB_MAX];
	const struct attachment *a;
	unsigned n = 0;

	if ((*ret_errno = unpack(rq, "{s:s, s?s, s?s, s?s}", "profile", &name, "cgroup", &cgroup,
				 "selector", &selector, "unit", &unit)) < 0)
		return NULL;
	if ((*ret_errno = one_of(rq, cgroup, selector, unit)) < 0)
		return NULL;
	if (unit)
		return attach_unit(rq, name, unit, ret_errno);
	if (selector) {
		if (selectors_normalise(rq->c->selectors, selector, glob, sizeof(glob), rq->err, sizeof(rq->err)) == 0 &&
		    refuse_declared(rq, ORIGIN_SELECTOR, glob, ret_errno) < 0)
			return NULL;
		*ret_errno = selectors_add(rq->c->selectors, name, selector, &n, rq->err, sizeof(rq->err));
		if (*ret_errno < 0)
			return NULL;
		log_info("selector '%s' attaches profile '%s' (%u cgroup(s) now)", selector, name, n);
		return json_pack("{s:b, s:s, s:i}", "ok", 1, "selector", selector, "attached_now", (int)n);
	}
	path_key(cgroup, key, sizeof(key));
	if (refuse_declared(rq, ORIGIN_PATH, key, ret_errno) < 0 ||
	    (access(key, F_OK) == 0 && (*ret_errno = selectors_check_not_daemon(rq->c->selectors, key, rq->err, sizeof(rq->err))) < 0))
		return NULL;
	selectors_reconcile(rq->c->selectors);
	*ret_errno = selectors_attach_path(rq->c->selectors, name, cgroup, &a, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	log_info("attached profile '%s' to %s", name, a->cgroup);
	return json_pack("{s:b, s:s, s:I, s:i, s:b}", "ok", 1, "cgroup", a->cgroup,
			 "cgroup_id", (json_int_t)a->cgroup_id, "level", (int)a->level,
			 "follows_path", profiles_followed(rq->c->profiles, a->cgroup) != NULL);
}

static json_t *cmd_detach(struct request *rq, int *ret_errno)
{
	const char *cgroup = NULL, *selector = NULL, *unit = NULL;
	char key[PATH_MAX], glob[SELECTOR_GLOB_MAX];
	unsigned n = 0;

	if ((*ret_errno = unpack(rq, "{s?s, s?s, s?s}", "cgroup", &cgroup, "selector", &selector,
				 "unit", &unit)) < 0)
		return NULL;
	if ((*ret_errno = one_of(rq, cgroup, selector, unit)) < 0)
		return NULL;
	if (selector) {
		if (selectors_normalise(rq->c->selectors, selector, glob, sizeof(glob), rq->err, sizeof(rq->err)) == 0 &&
		    refuse_declared(rq, ORIGIN_SELECTOR, glob, ret_errno) < 0)
			return NULL;
		*ret_errno = selectors_remove(rq->c->selectors, selector, &n, rq->err, sizeof(rq->err));
		if (*ret_errno < 0)
			return NULL;
		log_info("removed selector '%s' (%u cgroup(s) detached)", selector, n);
		return json_pack("{s:b, s:i}", "ok", 1, "detached", (int)n);
	}
	if (unit) {
		/* The path it was attached at; systemd is asked only if no attachment names the unit. */
		const struct origin_entry *e = origin_find_unit(rq->c->origins, unit);
		struct unit_info info;

		if (e) {
			snprintf(key, sizeof(key), "%s", e->key);
		} else {
			*ret_errno = units_resolve(rq->c->units, rq->c->selectors->root, unit, &info, rq->err, sizeof(rq->err));
			if (*ret_errno < 0)
				return NULL;
			snprintf(key, sizeof(key), "%s", info.cgroup);
		}
	} else {
		path_key(cgroup, key, sizeof(key));
	}
	if (refuse_declared(rq, ORIGIN_PATH, key, ret_errno) < 0)
		return NULL;
	selectors_reconcile(rq->c->selectors);
	*ret_errno = selectors_detach_path(rq->c->selectors, key, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	origin_forget(rq->c->origins, ORIGIN_PATH, key);
	log_info("detached %s%s%s", key, unit ? ", unit " : "", unit ? unit : "");
	return json_pack("{s:b, s:s}", "ok", 1, "cgroup", key);
}

/* reload: read /etc/enforcer again and apply it, or refuse it whole (config_apply.h). */
static json_t *cmd_reload(struct request *rq, int *ret_errno)
{
	json_t *changes = NULL;

	if ((*ret_errno = unpack(rq, "{}")) < 0)
		return NULL;
	if (!rq->c->config) {
		snprintf(rq->err, sizeof(rq->err), "this daemon has no configuration directory");
		*ret_errno = -EINVAL;
		return NULL;
	}
	*ret_errno = config_reload(rq->c, true, &changes, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	return json_pack("{s:b, s:s, s:o}", "ok", 1, "config_dir", rq->c->config->dir, "changes", changes);
}

/* Switch a profile to an edited bundle: the same single switch as a replace. */
static json_t *switch_to(struct request *rq, struct bundle *nb, const char *what, uint32_t rule_id, int *ret_errno)
{
	struct profile *p;
	bool replaced;
	char id[16];
	int r;

	r = profiles_load(rq->c->profiles, nb, &p, &replaced, rq->err, sizeof(rq->err));
	if (r < 0) {
		bundle_free(nb);
		*ret_errno = r;
		return NULL;
	}
	decisions_profile_loaded(rq->c->decisions, p->bundle->name, time_now_usec());
	snprintf(id, sizeof(id), "%08x", rule_id);
	log_info("profile '%s': rule %s %s (generation %llu)", p->bundle->name, id, what,
		 (unsigned long long)p->generation);
	return json_pack("{s:b, s:s, s:o}", "ok", 1, "rule_id", id, "profile", profile_json(rq->c, p));
}

static json_t *cmd_rule_add(struct request *rq, int *ret_errno)
{
	const char *name, *section, *rule;
	struct bundle *nb = NULL;
	struct profile *p;
	uint32_t id;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s:s}", "profile", &name, "section", &section,
				 "rule", &rule)) < 0 || refuse_declared(rq, ORIGIN_PROFILE, name, ret_errno) < 0)
		return NULL;
	p = find_profile(rq, name, ret_errno);
	if (!p)
		return NULL;
	if (profile_is_orphan(p)) {
		snprintf(rq->err, sizeof(rq->err), "profile '%s' was adopted without its rules; load it again first", name);
		*ret_errno = -EINVAL;
		return NULL;
	}
	*ret_errno = live_rule_add(p->bundle, section, rule, &nb, &id, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	nb->mode = p->mode;
	return switch_to(rq, nb, "added", id, ret_errno);
}

static json_t *cmd_rule_del(struct request *rq, int *ret_errno)
{
	const char *name, *id_text;
	struct bundle *nb = NULL;
	struct profile *p;
	unsigned long id;
	char *end;

	if ((*ret_errno = unpack(rq, "{s:s, s:s}", "profile", &name, "rule_id", &id_text)) < 0 ||
	    refuse_declared(rq, ORIGIN_PROFILE, name, ret_errno) < 0)
		return NULL;
	errno = 0;
	id = strtoul(id_text, &end, 16);
	if (errno || end == id_text || *end || id == 0 || id > UINT32_MAX) {
		snprintf(rq->err, sizeof(rq->err), "'%s' is not a rule id: expected 8 hex digits as in 'enforcerctl show'",
			 id_text);
		*ret_errno = -EINVAL;
		return NULL;
	}
	p = find_profile(rq, name, ret_errno);
	if (!p)
		return NULL;
	*ret_errno = live_rule_del(p->bundle, (uint32_t)id, &nb, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	nb->mode = p->mode;
	return switch_to(rq, nb, "deleted", (uint32_t)id, ret_errno);
}

static json_t *cmd_events(struct request *rq, int *ret_errno)
{
	struct control *c = rq->c;
	const char *profile = NULL;
	int follow = 0, count = 50;
	json_t *arr;
	size_t have;

	if ((*ret_errno = unpack(rq, "{s?b, s?i, s?s}", "follow", &follow, "count", &count,
				 "profile", &profile)) < 0)
		return NULL;
	if (count < 0 || count > CONTROL_RECENT_EVENTS) {
		snprintf(rq->err, sizeof(rq->err), "count must be 0..%d", CONTROL_RECENT_EVENTS);
		*ret_errno = -EINVAL;
		return NULL;
	}
	arr = json_array();
	have = c->events_seen < CONTROL_RECENT_EVENTS ? c->events_seen : CONTROL_RECENT_EVENTS;
	for (size_t k = 0, taken = 0; k < have && taken < (size_t)count; k++) {
		/* Newest last: walk back from the newest, then reverse by inserting at the front. */
		json_t *ev = c->recent[(c->recent_next + CONTROL_RECENT_EVENTS - 1 - k) % CONTROL_RECENT_EVENTS];

		if (!ev || (profile && strcmp(json_string_value(json_object_get(ev, "profile")) ?: "", profile) != 0))
			continue;
		json_array_insert(arr, 0, ev);
		taken++;
	}
	if (follow) {
		rq->client->follower = true;
		free(rq->client->filter_profile);
		rq->client->filter_profile = profile ? strdup(profile) : NULL;
	}
	return json_pack("{s:b, s:o, s:b}", "ok", 1, "events", arr, "following", follow);
}

static json_t *cmd_shutdown(struct request *rq, int *ret_errno)
{
	int remove = 0;

	if ((*ret_errno = unpack(rq, "{s?b}", "remove_enforcement", &remove)) < 0)
		return NULL;
	rq->c->shutdown = true;
	rq->c->remove_enforcement = remove;
	log_info("shutdown requested by uid %u%s", (unsigned)rq->client->uid,
		 remove ? ", removing all enforcement" : "; enforcement stays in force");
	return json_pack("{s:b, s:b}", "ok", 1, "remove_enforcement", remove);
}

/* ---- learn (enforcerd/learn.c, docs/learn.md) ---- */

static struct learn_session *find_session(struct request *rq, const char *name, int *ret_errno)
{
	struct learn_session *s = learn_find(rq->c->learn, name);

	if (!s) {
		snprintf(rq->err, sizeof(rq->err), "profile '%s' is not learning (start with 'enforcerctl learn start "
			 "%s --cgroup PATH', or 'enforcerctl mode %s learn')", name, name, name);
		*ret_errno = -ENOENT;
	}
	return s;
}

static json_t *cmd_learn_start(struct request *rq, int *ret_errno)
{
	const char *name, *cgroup;
	_cleanup_free_ char *canon = NULL;
	const struct attachment *a;
	struct attachment *att;
	uint64_t id;

	if ((*ret_errno = unpack(rq, "{s:s, s:s}", "profile", &name, "cgroup", &cgroup)) < 0)
		return NULL;
	if (profiles_find(rq->c->profiles, name)) {
		snprintf(rq->err, sizeof(rq->err), "a profile named '%s' is loaded already: pick another name, or "
			 "learn under it with 'enforcerctl mode %s learn'", name, name);
		*ret_errno = -EEXIST;
		return NULL;
	}
	canon = realpath(cgroup, NULL);
	if (canon && ((*ret_errno = selectors_check_not_daemon(rq->c->selectors, canon, rq->err, sizeof(rq->err))) < 0 ||
		      refuse_declared(rq, ORIGIN_PATH, canon, ret_errno) < 0))
		return NULL;
	/* Re-pointing an enforced cgroup at a profile that allows everything, and unloading it at stop, would drop its protection. */
	if (canon && cgroup_id_of(canon, &id) == 0 && (att = profiles_find_attachment(rq->c->profiles, id))) {
		snprintf(rq->err, sizeof(rq->err), "%s is attached to profile '%s' already: learn under that profile "
			 "('enforcerctl mode %s learn'), or detach it first", canon,
			 rq->c->profiles->slots[att->slot].bundle->name, rq->c->profiles->slots[att->slot].bundle->name);
		*ret_errno = -EBUSY;
		return NULL;
	}
	if ((*ret_errno = learn_start(rq->c->learn, rq->c->selectors, name, cgroup, &a, rq->err, sizeof(rq->err))) < 0)
		return NULL;
	log_info("learning: profile '%s' attached to %s", name, a->cgroup);
	return json_pack("{s:b, s:s, s:s}", "ok", 1, "profile", name, "cgroup", a->cgroup);
}

static json_t *cmd_learn_status(struct request *rq, int *ret_errno)
{
	const char *name = NULL;
	json_t *list;

	if ((*ret_errno = unpack(rq, "{s?s}", "profile", &name)) < 0)
		return NULL;
	if (name) {
		struct learn_session *s = find_session(rq, name, ret_errno);

		return s ? json_pack("{s:b, s:o}", "ok", 1, "session", learn_session_json(s)) : NULL;
	}
	list = json_array();
	for (size_t i = 0; i < LEARN_MAX_SESSIONS; i++)
		if (rq->c->learn->s[i].used)
			json_array_append_new(list, learn_session_json(&rq->c->learn->s[i]));
	return json_pack("{s:b, s:o}", "ok", 1, "sessions", list);
}

/* learn-profile and learn-stop: the generated profile (and for stop, the end of the session). */
static json_t *learn_generate(struct request *rq, int *ret_errno, bool stop)
{
	const char *name, *out_name = NULL, *mode = "audit";
	int threshold = GENERATE_DEFAULT_THRESHOLD;
	struct generate_options o;
	enum enf_mode gen_mode;
	struct learn_session *s;
	_cleanup_free_ char *text = NULL, *warnings = NULL;
	json_t *reply;

	if ((*ret_errno = unpack(rq, "{s:s, s?s, s?s, s?i}", "profile", &name, "name", &out_name,
				 "mode", &mode, "subtree_threshold", &threshold)) < 0)
		return NULL;
	if (!(s = find_session(rq, name, ret_errno)))
		return NULL;
	if (enf_mode_from_word(mode, &gen_mode) < 0 || gen_mode == ENF_MODE_LEARN || threshold < 0) {
		snprintf(rq->err, sizeof(rq->err), "the generated profile's mode is 'audit' or 'enforce' (got '%s'), "
			 "and the subtree threshold is 0 or more (got %d)", mode, threshold);
		*ret_errno = -EINVAL;
		return NULL;
	}
	o = (struct generate_options){ .name = out_name ? out_name : name, .subtree_threshold = (unsigned)threshold,
				       .mode = gen_mode };
	/* Records still in the ring buffer belong to the session. */
	audit_consume(rq->c->audit);
	if ((*ret_errno = learn_profile(rq->c->learn, s, &o, &text, &warnings, rq->err, sizeof(rq->err))) < 0)
		return NULL;
	reply = json_pack("{s:b, s:s, s:o}", "ok", 1, "profile_text", text, "session", learn_session_json(s));
	if (warnings)
		json_object_set_new(reply, "warnings", json_string(warnings));
	if (!stop)
		return reply;
	if ((*ret_errno = learn_stop(rq->c->learn, s, rq->err, sizeof(rq->err))) < 0) {
		json_decref(reply);
		return NULL;
	}
	return reply;
}

static json_t *cmd_learn_profile(struct request *rq, int *ret_errno)
{
	return learn_generate(rq, ret_errno, false);
}

static json_t *cmd_learn_stop(struct request *rq, int *ret_errno)
{
	return learn_generate(rq, ret_errno, true);
}

/* The cgroup (absolute, and relative to the mount) a request names by "pid" or "cgroup". 0 or -errno with rq->err. */
static int request_cgroup(struct request *rq, json_int_t pid, const char *cgroup, char *abs, size_t abs_size,
			  const char **ret_rel)
{
	const char *root = rq->c->selectors->root;
	char kpath[PATH_MAX];
	int r;

	if (cgroup) {
		path_key(cgroup, abs, abs_size);
	} else {
		if (pid <= 0 || pid > INT_MAX) {
			snprintf(rq->err, sizeof(rq->err), "pid %lld: not a process id", (long long)pid);
			return -EINVAL;
		}
		r = cgroup_of_pid((int)pid, kpath, sizeof(kpath));
		if (r < 0) {
			snprintf(rq->err, sizeof(rq->err), "pid %lld: its cgroup cannot be read (%s): is it running, in "
				 "the daemon's pid namespace?", (long long)pid, strerror(-r));
			return r;
		}
		if ((size_t)snprintf(abs, abs_size, "%s%s", strcmp(root, "/") ? root : "", strcmp(kpath, "/") ? kpath : "") >=
		    abs_size) {
			snprintf(rq->err, sizeof(rq->err), "pid %lld: its cgroup's path is too long", (long long)pid);
			return -ENAMETOOLONG;
		}
	}
	*ret_rel = cgroup_relative(root, abs);
	if (!*ret_rel) {
		snprintf(rq->err, sizeof(rq->err), "%.512s is not below the cgroup2 mount %.256s", abs, root);
		return -EINVAL;
	}
	return 0;
}

static json_t *governed_json(const struct profiles *ps, const struct attachment *a)
{
	if (!a)
		return json_null();
	return json_pack("{s:s, s:s, s:s?}", "profile", ps->slots[a->slot].bundle->name, "cgroup", a->cgroup, "via",
			 a->via);
}

/*
 * which: what a cgroup or process is (its workload identity), which profile
 * governs it and why, and how each selector judges it.
 */
static json_t *cmd_which(struct request *rq, int *ret_errno)
{
	const char *cgroup = NULL, *rel;
	json_int_t pid = 0;
	char abs[PATH_MAX], why[512];
	struct selectors *sel = rq->c->selectors;
	struct workload w = { 0 };
	json_t *o, *sels, *wj;

	if ((*ret_errno = unpack(rq, "{s?I, s?s}", "pid", &pid, "cgroup", &cgroup)) < 0)
		return NULL;
	if (!cgroup == !pid) {
		snprintf(rq->err, sizeof(rq->err), "give one of pid and cgroup");
		*ret_errno = -EINVAL;
		return NULL;
	}
	if ((*ret_errno = request_cgroup(rq, pid, cgroup, abs, sizeof(abs), &rel)) < 0)
		return NULL;
	selectors_reconcile(sel);
	if (sel->workloads && workloads_get(sel->workloads, rel, &w) < 0)
		w = (struct workload){ 0 };
	sels = json_array();
	for (size_t i = 0; i < sel->n_sel; i++) {
		const struct selector *s = &sel->sel[i];

		if (s->workload) {
			/* Judged on the container's own cgroup: its sub-cgroups are governed through it. */
			workload_selector_explain(s->workload, &w, why, sizeof(why));
		} else {
			snprintf(why, sizeof(why), "%s", selector_glob_match(s->glob, rel) ? "matches" : "path does not match");
		}
		json_array_append_new(sels, json_pack("{s:s, s:s, s:s}", "selector", s->glob, "profile", s->profile,
						      "judgement", why));
	}
	wj = workload_to_json(&w);
	o = json_pack("{s:b, s:s, s:o, s:o, s:o}", "ok", 1, "cgroup", abs, "workload", wj ? wj : json_null(),
		      "governed_by", governed_json(rq->c->profiles, control_governing(rq->c->profiles, abs)), "selectors", sels);
	return o;
}

/*
 * container-start, from the OCI hook (enforcerctl oci-hook) at
 * createRuntime: the container's process exists in its cgroup and has not
 * run its entrypoint. Learn its identity from the annotations the runtime
 * passed, apply what applies to its cgroup now, and answer which profile
 * governs it; an error makes the hook refuse the container.
 */
static json_t *cmd_container_start(struct request *rq, int *ret_errno)
{
	const char *id, *rel;
	json_int_t pid;
	json_t *annotations = NULL, *wj;
	char abs[PATH_MAX], own[PATH_MAX];
	struct selectors *sel = rq->c->selectors;
	const struct attachment *a;
	struct workload w;

	if ((*ret_errno = unpack(rq, "{s:I, s:s, s?o}", "pid", &pid, "id", &id, "annotations", &annotations)) < 0)
		return NULL;
	if ((*ret_errno = request_cgroup(rq, pid, NULL, abs, sizeof(abs), &rel)) < 0)
		return NULL;
	if ((*ret_errno = workloads_learn(sel->workloads, rel, id, annotations, &w, rq->err, sizeof(rq->err))) < 0)
		return NULL;
	/* The container's own cgroup: the process may sit in a sub-cgroup of it (crun's "container"). */
	snprintf(own, sizeof(own), "%.*s", (int)w.id.container_len, rel);
	selectors_reconcile(sel);
	if ((*ret_errno = selectors_apply_now(sel, own, rq->err, sizeof(rq->err))) < 0)
		return NULL;
	a = control_governing(rq->c->profiles, abs);
	if (a)
		log_info("container %.12s (%s) starts under profile '%s' (%s%s)", id, own,
			 rq->c->profiles->slots[a->slot].bundle->name, a->via ? "selector " : "attachment of ",
			 a->via ? a->via : a->cgroup);
	wj = workload_to_json(&w);
	return json_pack("{s:b, s:s, s:o, s:o}", "ok", 1, "cgroup", abs, "workload", wj ? wj : json_null(),
			 "governed_by", governed_json(rq->c->profiles, a));
}

const struct control_command control_commands[] = {
	{ "status",   ACCESS_READ,  false, cmd_status },
	{ "stats",    ACCESS_READ,  false, cmd_stats },
	{ "list",     ACCESS_READ,  false, cmd_list },
	{ "show",     ACCESS_READ,  false, cmd_show },
	{ "events",   ACCESS_READ,  false, cmd_events },
	{ "report",   ACCESS_READ,  false, cmd_report },
	{ "load",     ACCESS_ADMIN, true,  cmd_load },
	{ "unload",   ACCESS_ADMIN, true,  cmd_unload },
	{ "mode",     ACCESS_ADMIN, true,  cmd_mode },
	{ "promote",  ACCESS_ADMIN, true,  cmd_promote },
	{ "attach",   ACCESS_ADMIN, true,  cmd_attach },
	{ "detach",   ACCESS_ADMIN, true,  cmd_detach },
	{ "rule-add", ACCESS_ADMIN, true,  cmd_rule_add },
	{ "rule-del", ACCESS_ADMIN, true,  cmd_rule_del },
	{ "shutdown", ACCESS_ADMIN, false, cmd_shutdown },
	{ "reload",   ACCESS_ADMIN, false, cmd_reload },   /* saves the state itself */
	{ "learn-start",   ACCESS_ADMIN, true,  cmd_learn_start },
	{ "learn-status",  ACCESS_READ,  false, cmd_learn_status },
	{ "learn-profile", ACCESS_READ,  false, cmd_learn_profile },
	{ "learn-stop",    ACCESS_ADMIN, true,  cmd_learn_stop },
	{ "which",         ACCESS_READ,  false, cmd_which },
	{ "container-start", ACCESS_ADMIN, true, cmd_container_start },
};
const size_t n_control_commands = ARRAY_SIZE(control_commands);
