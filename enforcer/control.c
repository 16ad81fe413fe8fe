// SPDX-License-Identifier: GPL-2.0-only
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
#include "live_edit.h"
#include "log.h"
#include "metrics.h"
#include "metrics_prometheus.h"
#include "protocol.h"
#include "rollout.h"
#include "selector_glob.h"
#include "time_arg.h"
#include "util.h"

#define ERRMSG_MAX 1024

/* Who may run a command. */
enum access_level { ACCESS_READ, ACCESS_ADMIN };

struct request {
	struct control *c;
	struct control_client *client;
	json_t *msg;
	int fd;                /* passed fd, or -1 */
	char err[ERRMSG_MAX];
};

typedef json_t *(*command_fn)(struct request *rq, int *ret_errno);

/* The text may end in half a UTF-8 character (cut at ERRMSG_MAX) or hold a file name's bytes: never lose the answer for it. */
static json_t *reply_error(int err, const char *text)
{
	return json_pack("{s:b, s:o, s:i}", "ok", 0, "error", json_kstring(text, ERRMSG_MAX), "errno", err < 0 ? -err : err);
}

/*
 * Unpack the request strictly: unknown keys are errors, so a typo in a
 * client never silently does something else.
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
	const char *cmd;
	size_t n = 0;
	json_t *o;

	if ((*ret_errno = unpack(rq, "{s:s}", "cmd", &cmd)) < 0)
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
	const char *cmd, *format = "json";
	_cleanup_free_ char *text = NULL;
	json_t *metrics;
	size_t len = 0;

	if ((*ret_errno = unpack(rq, "{s:s, s?s}", "cmd", &cmd, "format", &format)) < 0)
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
	const char *cmd, *name;
	json_int_t since = 0, limit = ROLLOUT_REPORT_LIMIT_DEFAULT;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s?I, s?I}", "cmd", &cmd, "profile", &name, "since_usec", &since,
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
	const char *cmd, *name;
	json_int_t window = ROLLOUT_WINDOW_DEFAULT_USEC;
	int force = 0;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s?I, s?b}", "cmd", &cmd, "profile", &name, "window_usec", &window,
				 "force", &force)) < 0 || refuse_declared(rq, ORIGIN_PROFILE, name, ret_errno) < 0)
		return NULL;
	return rollout_promote(rq->c, name, window, force, rq->err, sizeof(rq->err), ret_errno);
}

static json_t *cmd_list(struct request *rq, int *ret_errno)
{
	const struct control *c = rq->c;
	json_t *arr, *sel, *pend;
	const char *cmd;

	if ((*ret_errno = unpack(rq, "{s:s}", "cmd", &cmd)) < 0)
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
	const char *cmd, *name;
	const struct bundle *b;
	struct profile *p;
	json_t *o, *rules, *defaults, *baseline;

	if ((*ret_errno = unpack(rq, "{s:s, s:s}", "cmd", &cmd, "profile", &name)) < 0)
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
	const char *cmd;
	bool replaced;
	int r;

	if ((*ret_errno = unpack(rq, "{s:s}", "cmd", &cmd)) < 0)
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
	const char *cmd, *name;
	int force = 0;
	size_t nsel;
	bool orphan;
	struct profile *p;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s?b}", "cmd", &cmd, "profile", &name, "force", &force)) < 0 ||
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
	const char *cmd, *name, *mode;
	enum enf_mode m;
	struct profile *p;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s:s}", "cmd", &cmd, "profile", &name, "mode", &mode)) < 0 ||
	    refuse_declared(rq, ORIGIN_PROFILE, name, ret_errno) < 0)
		return NULL;
	if (strcmp(mode, "audit") == 0) {
		m = ENF_MODE_AUDIT;
	} else if (strcmp(mode, "enforce") == 0) {
		m = ENF_MODE_ENFORCE;
	} else if (strcmp(mode, "learn") == 0) {
		m = ENF_MODE_LEARN;
	} else {
		snprintf(rq->err, sizeof(rq->err), "unknown mode '%s': expected 'audit', 'enforce' or 'learn'", mode);
		*ret_errno = -EINVAL;
		return NULL;
	}
	*ret_errno = profiles_set_mode(rq->c->profiles, name, m, rq->err, sizeof(rq->err));
	if (*ret_errno < 0)
		return NULL;
	p = profiles_find(rq->c->profiles, name);
	/* The bundle records the mode too: keep it in step, so replaying the state restores this mode. */
	p->bundle->mode = m;
	if (m == ENF_MODE_LEARN && (*ret_errno = learn_begin(rq->c->learn, p, false, rq->err, sizeof(rq->err))) < 0)
		return NULL;
	log_info("profile '%s' is now in %s mode (generation %llu)", name, mode, (unsigned long long)p->generation);
	return json_pack("{s:b, s:o}", "ok", 1, "profile", profile_json(rq->c, p));
}

/* attach and detach name a cgroup, a selector or a unit, exactly one. */
static int one_of(struct request *rq, const char *cmd, const char *cgroup, const char *selector, const char *unit)
{
	if (!!cgroup + !!selector + !!unit == 1)
		return 0;
	snprintf(rq->err, sizeof(rq->err), "malformed request: '%s' needs either \"cgroup\", \"selector\" or \"unit\" (exactly one)", cmd);
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
	const char *cmd, *name, *cgroup = NULL, *selector = NULL, *unit = NULL;
	char key[PATH_MAX], glob[SELECTOR_GLOB_MAX];
	const struct attachment *a;
	unsigned n = 0;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s?s, s?s, s?s}", "cmd", &cmd, "profile", &name, "cgroup", &cgroup,
				 "selector", &selector, "unit", &unit)) < 0)
		return NULL;
	if ((*ret_errno = one_of(rq, "attach", cgroup, selector, unit)) < 0)
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
	const char *cmd, *cgroup = NULL, *selector = NULL, *unit = NULL;
	char key[PATH_MAX], glob[SELECTOR_GLOB_MAX];
	unsigned n = 0;

	if ((*ret_errno = unpack(rq, "{s:s, s?s, s?s, s?s}", "cmd", &cmd, "cgroup", &cgroup, "selector", &selector,
				 "unit", &unit)) < 0)
		return NULL;
	if ((*ret_errno = one_of(rq, "detach", cgroup, selector, unit)) < 0)
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
	const char *cmd;
	json_t *changes = NULL;

	if ((*ret_errno = unpack(rq, "{s:s}", "cmd", &cmd)) < 0)
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
	const char *cmd, *name, *section, *rule;
	struct bundle *nb = NULL;
	struct profile *p;
	uint32_t id;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s:s, s:s}", "cmd", &cmd, "profile", &name, "section", &section,
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
	const char *cmd, *name, *id_text;
	struct bundle *nb = NULL;
	struct profile *p;
	unsigned long id;
	char *end;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s:s}", "cmd", &cmd, "profile", &name, "rule_id", &id_text)) < 0 ||
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
	const char *cmd, *profile = NULL;
	int follow = 0, count = 50;
	json_t *arr;
	size_t have;

	if ((*ret_errno = unpack(rq, "{s:s, s?b, s?i, s?s}", "cmd", &cmd, "follow", &follow, "count", &count,
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
	const char *cmd;
	int remove = 0;

	if ((*ret_errno = unpack(rq, "{s:s, s?b}", "cmd", &cmd, "remove_enforcement", &remove)) < 0)
		return NULL;
	rq->c->shutdown = true;
	rq->c->remove_enforcement = remove;
	log_info("shutdown requested by uid %u%s", (unsigned)rq->client->uid,
		 remove ? ", removing all enforcement" : "; enforcement stays in force");
	return json_pack("{s:b, s:b}", "ok", 1, "remove_enforcement", remove);
}

/* ---- learn (enforcer/learn.c, docs/learn.md) ---- */

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
	const char *cmd, *name, *cgroup;
	_cleanup_free_ char *canon = NULL;
	const struct attachment *a;
	struct attachment *att;
	struct bundle *b = NULL;
	struct profile *p;
	bool replaced;
	char ignore[256];
	uint64_t id;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s:s}", "cmd", &cmd, "profile", &name, "cgroup", &cgroup)) < 0)
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
	if ((*ret_errno = learn_synthesize(name, &b, rq->err, sizeof(rq->err))) < 0)
		return NULL;
	if ((*ret_errno = profiles_load(rq->c->profiles, b, &p, &replaced, rq->err, sizeof(rq->err))) < 0) {
		bundle_free(b);
		return NULL;
	}
	/* The session exists before any task can be governed: nothing it does is missed. */
	if ((*ret_errno = learn_begin(rq->c->learn, p, true, rq->err, sizeof(rq->err))) < 0 ||
	    (*ret_errno = selectors_attach_path(rq->c->selectors, name, cgroup, &a, rq->err, sizeof(rq->err))) < 0) {
		if (learn_find(rq->c->learn, name))
			learn_end(rq->c->learn, learn_find(rq->c->learn, name));
		profiles_unload(rq->c->profiles, name, true, ignore, sizeof(ignore));
		return NULL;
	}
	log_info("learning: profile '%s' attached to %s", name, a->cgroup);
	return json_pack("{s:b, s:s, s:s}", "ok", 1, "profile", name, "cgroup", a->cgroup);
}

static json_t *cmd_learn_status(struct request *rq, int *ret_errno)
{
	const char *cmd, *name = NULL;
	json_t *list;

	if ((*ret_errno = unpack(rq, "{s:s, s?s}", "cmd", &cmd, "profile", &name)) < 0)
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
	const char *cmd, *name, *out_name = NULL, *mode = "audit";
	int threshold = GENERATE_DEFAULT_THRESHOLD;
	struct generate_options o;
	struct learn_session *s;
	_cleanup_free_ char *text = NULL, *warnings = NULL;
	json_t *reply;
	bool synthesized;

	if ((*ret_errno = unpack(rq, "{s:s, s:s, s?s, s?s, s?i}", "cmd", &cmd, "profile", &name, "name", &out_name,
				 "mode", &mode, "subtree_threshold", &threshold)) < 0)
		return NULL;
	if (!(s = find_session(rq, name, ret_errno)))
		return NULL;
	if ((strcmp(mode, "audit") != 0 && strcmp(mode, "enforce") != 0) || threshold < 0) {
		snprintf(rq->err, sizeof(rq->err), "the generated profile's mode is 'audit' or 'enforce' (got '%s'), "
			 "and the subtree threshold is 0 or more (got %d)", mode, threshold);
		*ret_errno = -EINVAL;
		return NULL;
	}
	o = (struct generate_options){ .name = out_name ? out_name : name, .subtree_threshold = (unsigned)threshold,
				       .mode = strcmp(mode, "enforce") == 0 ? ENF_MODE_ENFORCE : ENF_MODE_AUDIT };
	/* Records still in the ring buffer belong to the session. */
	audit_consume(rq->c->audit);
	if ((*ret_errno = learn_profile(rq->c->learn, s, &o, &text, &warnings, rq->err, sizeof(rq->err))) < 0)
		return NULL;
	reply = json_pack("{s:b, s:s, s:o}", "ok", 1, "profile_text", text, "session", learn_session_json(s));
	if (warnings)
		json_object_set_new(reply, "warnings", json_string(warnings));
	if (!stop)
		return reply;
	synthesized = s->synthesized;
	learn_end(rq->c->learn, s);
	if (synthesized) {
		if ((*ret_errno = profiles_unload(rq->c->profiles, name, true, rq->err, sizeof(rq->err))) < 0) {
			json_decref(reply);
			return NULL;
		}
		log_info("learning: stopped; profile '%s' unloaded", name);
	} else {
		struct profile *p = profiles_find(rq->c->profiles, name);

		/* Back to a mode that changes nothing for the workload: audit. */
		if (p && p->mode == ENF_MODE_LEARN &&
		    profiles_set_mode(rq->c->profiles, name, ENF_MODE_AUDIT, rq->err, sizeof(rq->err)) == 0)
			p->bundle->mode = ENF_MODE_AUDIT;
		log_info("learning: stopped; profile '%s' is in %s mode", name, p ? enf_mode_name(p->mode) : "no");
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

static const struct command {
	const char *name;
	enum access_level access;
	bool changes_state;    /* persisted before the answer */
	command_fn fn;
} commands[] = {
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
};

static json_t *dispatch(struct request *rq)
{
	const char *name = json_string_value(json_object_get(rq->msg, "cmd"));
	struct control *c = rq->c;
	json_t *reply;
	int err = 0;

	if (rq->client->confined) {
		c->n.denied++;
		return reply_error(-EPERM, "permission denied: requests from a cgroup a profile governs are refused; "
				   "run enforcerctl from an unconfined cgroup");
	}
	if (!name) {
		c->n.malformed++;
		return reply_error(-EINVAL, "malformed request: no \"cmd\" string");
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		const struct command *cmd = &commands[i];

		if (strcmp(cmd->name, name) != 0)
			continue;
		if (cmd->access == ACCESS_ADMIN ? !rq->client->admin : !rq->client->reader) {
			c->n.denied++;
			snprintf(rq->err, sizeof(rq->err), "permission denied: '%s' needs %s (you are uid %u)",
				 name, cmd->access == ACCESS_ADMIN ? "root" : "root or the enforcer read group",
				 (unsigned)rq->client->uid);
			return reply_error(-EPERM, rq->err);
		}
		reply = cmd->fn(rq, &err);
		if (!reply)
			return reply_error(err ? err : -EIO, rq->err[0] ? rq->err : strerror(err ? -err : EIO));
		if (cmd->changes_state) {
			int r = state_save(c->state, c->profiles, c->selectors);

			/* In force but not persisted: say so; the next successful save catches up. */
			json_object_set_new(reply, "persisted", json_boolean(r == 0));
			if (r < 0)
				json_object_set_new(reply, "warning", json_kstring(c->state->last_error, sizeof(c->state->last_error)));
		}
		return reply;
	}
	c->n.malformed++;
	snprintf(rq->err, sizeof(rq->err), "unknown command '%.64s' (see 'enforcerctl --help')", name);
	return reply_error(-EINVAL, rq->err);
}

int control_open(struct control *c, const char *path, gid_t read_gid, int epoll_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = CONTROL_TAG_LISTEN };
	_cleanup_free_ char *dir = NULL;
	int probe = -1;

	c->listen_fd = -1;
	for (size_t i = 0; i < CONTROL_MAX_CLIENTS; i++)
		c->clients[i].fd = -1;
	c->epoll_fd = epoll_fd;
	c->read_gid = read_gid;
	if (strlen(path) >= sizeof(sa.sun_path))
		return log_error_errno(-ENAMETOOLONG, "socket path too long: %s", path);
	c->path = strdup(path);
	dir = strdup(path);
	if (!c->path || !dir)
		return -ENOMEM;
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = 0;
	if (dir[0] && mkdir(dir, 0755) < 0 && errno != EEXIST)
		return log_error_errno(-errno, "cannot create %s: %m", dir);

	/* Refuse to steal the socket of a daemon that is still running. */
	if (proto_connect(path, &probe) == 0) {
		close(probe);
		return log_error_errno(-EADDRINUSE, "another enforcerd is already serving %s; stop it first", path);
	}
	unlink(path);
	strcpy(sa.sun_path, path);
	c->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->listen_fd < 0)
		return log_error_errno(-errno, "cannot create the control socket: %m");
	if (bind(c->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return log_error_errno(-errno, "cannot bind %s: %m", path);
	/* Anyone may connect; every request is authorised by peer credentials. */
	if (chmod(path, 0666) < 0)
		return log_error_errno(-errno, "cannot chmod %s: %m", path);
	if (listen(c->listen_fd, 16) < 0)
		return log_error_errno(-errno, "cannot listen on %s: %m", path);
	if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c->listen_fd, &ev) < 0)
		return log_error_errno(-errno, "epoll: %m");
	return 0;
}

unsigned long long control_socket_ino(const struct control *c)
{
	struct stat st;

	if (c->listen_fd < 0 || fstat(c->listen_fd, &st) < 0)
		return 0;
	return (unsigned long long)st.st_ino;
}

static void client_close(struct control *c, int i)
{
	if (c->clients[i].fd < 0)
		return;
	epoll_ctl(c->epoll_fd, EPOLL_CTL_DEL, c->clients[i].fd, NULL);
	close(c->clients[i].fd);
	free(c->clients[i].filter_profile);
	c->clients[i] = (struct control_client){ .fd = -1 };
}

void control_close(struct control *c)
{
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		client_close(c, i);
	if (c->listen_fd >= 0) {
		close(c->listen_fd);
		if (c->path)
			unlink(c->path);
	}
	for (size_t i = 0; i < CONTROL_RECENT_EVENTS; i++)
		json_decref(c->recent[i]);
	free(c->path);
	memset(c->recent, 0, sizeof(c->recent));
	c->path = NULL;
	c->listen_fd = -1;
}

static bool in_group(gid_t gid, pid_t pid, gid_t want)
{
	char path[64], line[512];
	FILE *f;
	bool found = gid == want;

	if (found || want == (gid_t)-1)
		return found;
	/* Supplementary groups of the peer, from its /proc status. */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		for (char *tok = strtok(line + 7, " \t\n"); tok && !found; tok = strtok(NULL, " \t\n"))
			found = (gid_t)strtoul(tok, NULL, 10) == want;
	}
	fclose(f);
	return found;
}

/*
 * Is the peer in a cgroup some attachment governs (the attached cgroup or
 * below)? Read from /proc at accept time; the kernel's check on connect()
 * is the one that cannot race (lsm-progs/self.bpf.c).
 */
static bool peer_confined(const struct control *c, pid_t pid)
{
	char path[64], line[4096], full[8192];
	const struct profiles *ps = c->profiles;
	bool confined = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return ps->n_att > 0; /* cannot tell: refuse while anything is confined */
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(full, sizeof(full), "%s%s", c->selectors->root, strcmp(line + 3, "/") ? line + 3 : "");
		for (size_t i = 0; i < ps->n_att && !confined; i++) {
			size_t n = strlen(ps->att[i].cgroup);

			confined = strncmp(full, ps->att[i].cgroup, n) == 0 && (full[n] == 0 || full[n] == '/');
		}
	}
	fclose(f);
	return confined;
}

void control_accept(struct control *c)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct epoll_event ev = { .events = EPOLLIN };
	int fd, slot = -1;

	fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (int i = 0; i < CONTROL_MAX_CLIENTS && slot < 0; i++)
		if (c->clients[i].fd < 0)
			slot = i;
	if (slot < 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		json_t *r = reply_error(-EBUSY, "enforcerd is serving too many clients; retry");

		c->n.refused_busy++;
		proto_send(fd, r, -1);
		json_decref(r);
		close(fd);
		return;
	}
	c->n.accepted++;
	c->clients[slot] = (struct control_client){
		.fd = fd, .uid = cred.uid, .gid = cred.gid, .pid = cred.pid,
		.admin = cred.uid == 0,
		.reader = cred.uid == 0 || in_group(cred.gid, cred.pid, c->read_gid),
		.confined = peer_confined(c, cred.pid),
		.last_active = time(NULL),
	};
	if (c->clients[slot].confined) {
		c->n.confined_refused++;
		log_warn("control: refusing pid %d (uid %u): it runs in a confined cgroup", (int)cred.pid, (unsigned)cred.uid);
	}
	ev.data.u64 = CONTROL_TAG_CLIENT + (unsigned)slot;
	if (epoll_ctl(c->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		client_close(c, slot);
}

void control_handle(struct control *c, int i)
{
	struct request rq = { .c = c, .fd = -1 };
	json_t *reply;
	int r;

	if (i < 0 || i >= CONTROL_MAX_CLIENTS || c->clients[i].fd < 0)
		return;
	rq.client = &c->clients[i];
	c->clients[i].last_active = time(NULL);
	r = proto_recv(c->clients[i].fd, &rq.msg, &rq.fd);
	if (r == -EAGAIN)
		return;
	if (r == -ECONNRESET || r == -ECONNREFUSED || r == -EPIPE) {
		client_close(c, i);
		return;
	}
	c->n.requests++;
	if (r == -EMSGSIZE) {
		c->n.oversized++;
		reply = reply_error(r, "request too large or truncated: at most 64 KiB per request");
	} else if (r < 0) {
		c->n.malformed++;
		reply = reply_error(r, "malformed request: not a JSON object");
	} else {
		reply = dispatch(&rq);
	}
	if (reply) {
		if (!json_is_true(json_object_get(reply, "ok")))
			c->n.errors++;
		if (proto_send(c->clients[i].fd, reply, -1) == -EMSGSIZE) {
			json_t *e = reply_error(-EMSGSIZE, "the answer is larger than 64 KiB; ask for less "
						"(e.g. 'events --count N')");
			proto_send(c->clients[i].fd, e, -1);
			json_decref(e);
		}
		json_decref(reply);
	}
	json_decref(rq.msg);
	if (rq.fd >= 0)
		close(rq.fd);
	if (r < 0 && r != -EMSGSIZE && r != -EBADMSG)
		client_close(c, i);
}

void control_sweep_idle(struct control *c)
{
	time_t now = time(NULL);

	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->clients[i].fd >= 0 && !c->clients[i].follower &&
		    now - c->clients[i].last_active > CONTROL_IDLE_SECONDS)
			client_close(c, i);
}

void control_on_event(void *ctx, json_t *event)
{
	struct control *c = ctx;
	size_t k = c->recent_next;
	json_t *msg = NULL;

	if (c->decisions)
		decisions_record(c->decisions, event, time_now_usec());
	json_decref(c->recent[k]);
	c->recent[k] = json_incref(event);
	c->recent_next = (k + 1) % CONTROL_RECENT_EVENTS;
	c->events_seen++;
	for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
		struct control_client *cl = &c->clients[i];

		if (cl->fd < 0 || !cl->follower)
			continue;
		if (cl->filter_profile &&
		    strcmp(json_string_value(json_object_get(event, "profile")) ?: "", cl->filter_profile) != 0)
			continue;
		if (!msg)
			msg = json_pack("{s:O}", "event", event);
		/* Non-blocking: a slow follower loses events, the daemon never waits. */
		if (msg && proto_send(cl->fd, msg, -1) < 0) {
			cl->dropped++;
			c->n.events_dropped++;
		}
	}
	json_decref(msg);
}
