// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_apply.h"
#include "control.h"
#include "log.h"
#include "notify.h"
#include "origin.h"
#include "time_arg.h"
#include "util.h"

#define CHANGES_SHOWN_MAX 200   /* in the answer to `reload`; the journal has them all */

/* One change made, and what undoes it. */
enum step_kind { STEP_PROFILE, STEP_PATH, STEP_SELECTOR };

struct step {
	enum step_kind kind;
	char *key;              /* profile name, cgroup path or glob */
	char *prev_profile;     /* PATH, SELECTOR: the profile it had (NULL: none) */
	struct bundle *prev;    /* PROFILE: the version replaced or unloaded (NULL: it was not loaded) */
};

struct apply {
	struct control *c;
	const struct config *cfg;
	struct step *steps;
	size_t n_steps;
	json_t *changes;
	size_t n_changes;
};

void config_status_free(struct config_status *s)
{
	config_free(&s->applied);
	free(s->dir);
	s->dir = NULL;
}

static void change(struct apply *ap, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void change(struct apply *ap, const char *fmt, ...)
{
	char line[2048];
	va_list ap_;

	va_start(ap_, fmt);
	vsnprintf(line, sizeof(line), fmt, ap_);
	va_end(ap_);
	log_info("reload: %s", line);
	if (ap->n_changes++ < CHANGES_SHOWN_MAX)
		json_array_append_new(ap->changes, json_string(line));
}

static int bundle_copy(const struct bundle *b, struct bundle **ret)
{
	_cleanup_free_ void *buf = NULL;
	char err[256];
	size_t len;
	int r = bundle_serialize(b, &buf, &len);

	return r < 0 ? r : bundle_parse(buf, len, ret, err, sizeof(err));
}

/* Is the version in force exactly what the file compiled to (rules, positions, source, mode)? */
static bool same_version(const struct profile *p, const struct bundle *b)
{
	_cleanup_free_ void *x = NULL, *y = NULL;
	size_t lx, ly;

	if (p->mode != b->mode || profile_is_orphan(p))
		return false;
	if (bundle_serialize(p->bundle, &x, &lx) < 0 || bundle_serialize(b, &y, &ly) < 0)
		return false;
	return lx == ly && memcmp(x, y, lx) == 0;
}

/* The profile of a path's explicit attachment, holding or pending; NULL if none. */
static const char *path_profile(const struct control *c, const char *path)
{
	const struct profiles *ps = c->profiles;

	for (size_t i = 0; i < ps->n_att; i++)
		if (!ps->att[i].via && strcmp(ps->att[i].cgroup, path) == 0)
			return ps->slots[ps->att[i].slot].bundle->name;
	for (size_t i = 0; i < c->selectors->n_pend; i++)
		if (strcmp(c->selectors->pend[i].cgroup, path) == 0)
			return c->selectors->pend[i].profile;
	return NULL;
}

static const char *selector_profile(const struct control *c, const char *glob)
{
	for (size_t i = 0; i < c->selectors->n_sel; i++)
		if (strcmp(c->selectors->sel[i].glob, glob) == 0)
			return c->selectors->sel[i].profile;
	return NULL;
}

/* ---- the three kinds of change (each also undoes one) ------------------------ */

/* Load or replace (b owned), or unload (b NULL). */
static int set_profile(struct control *c, const char *name, struct bundle *b, char *msg, size_t size)
{
	struct learn_session *ls = learn_find(c->learn, name);
	struct profile *p;
	bool replaced;
	int r;

	/* A learning profile replaced or unloaded: its session ends with it. */
	if (ls)
		learn_end(c->learn, ls);
	if (!b)
		return profiles_unload(c->profiles, name, true, msg, size);
	r = profiles_load(c->profiles, b, &p, &replaced, msg, size);
	if (r < 0) {
		bundle_free(b);
		return r;
	}
	decisions_profile_loaded(c->decisions, name, time_now_usec());
	return 0;
}

/* Attach the path to profile (NULL: detach it), whether its cgroup exists now or not. */
static int set_path(struct control *c, const char *path, const char *profile, char *msg, size_t size)
{
	bool holds;
	int r;

	if (profile)
		return selectors_attach_or_wait(c->selectors, profile, path, &holds, msg, size);
	r = selectors_detach_path(c->selectors, path, msg, size);
	return r == -ENOENT ? 0 : r;
}

static int set_selector(struct control *c, const char *glob, const char *profile, char *msg, size_t size)
{
	const char *cur = selector_profile(c, glob);
	unsigned n = 0;

	if (!profile)
		return cur ? selectors_remove(c->selectors, glob, &n, msg, size) : 0;
	if (!cur)
		return selectors_add(c->selectors, profile, glob, &n, msg, size);
	if (strcmp(cur, profile) == 0)
		return 0;
	return selectors_repoint(c->selectors, glob, profile, msg, size);
}

static int record(struct apply *ap, enum step_kind kind, const char *key, const char *prev_profile, struct bundle *prev)
{
	struct step *n = realloc(ap->steps, (ap->n_steps + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	ap->steps = n;
	n = &ap->steps[ap->n_steps];
	*n = (struct step){ .kind = kind, .key = strdup(key), .prev_profile = prev_profile ? strdup(prev_profile) : NULL,
			    .prev = prev };
	if (!n->key || (prev_profile && !n->prev_profile)) {
		free(n->key);
		free(n->prev_profile);
		return -ENOMEM;
	}
	ap->n_steps++;
	return 0;
}

/* Put back what the steps changed, newest first. */
static void undo(struct apply *ap)
{
	for (size_t i = ap->n_steps; i-- > 0;) {
		struct step *s = &ap->steps[i];
		char msg[1024];
		int r;

		if (s->kind == STEP_PROFILE)
			r = set_profile(ap->c, s->key, TAKE_PTR(s->prev), msg, sizeof(msg));
		else if (s->kind == STEP_PATH)
			r = set_path(ap->c, s->key, s->prev_profile, msg, sizeof(msg));
		else
			r = set_selector(ap->c, s->key, s->prev_profile, msg, sizeof(msg));
		if (r < 0)
			log_error("reload: cannot undo the change of %s: %s", s->key, msg);
	}
}

static void steps_free(struct apply *ap)
{
	for (size_t i = 0; i < ap->n_steps; i++) {
		free(ap->steps[i].key);
		free(ap->steps[i].prev_profile);
		bundle_free(ap->steps[i].prev);
	}
	free(ap->steps);
}

/* ---- the phases ----------------------------------------------------------------- */

static bool declared_now(const struct apply *ap, enum origin_kind kind, const char *key)
{
	return origin_declared(ap->c->origins, kind, key) != NULL;
}

static bool in_config(const struct apply *ap, enum origin_kind kind, const char *key)
{
	if (kind == ORIGIN_PROFILE)
		return config_find_profile(ap->cfg, key) != NULL;
	return config_find_attachment(ap->cfg, kind == ORIGIN_SELECTOR ? CONFIG_SELECTOR : CONFIG_CGROUP, key) != NULL;
}

/*
 * A profile /etc declared and no longer does is unloaded, which would
 * detach whatever still uses it; live users (not declared now, not in the
 * new configuration) make the reload fail instead, naming them.
 */
static int check_removed_profiles(const struct apply *ap, char *err, size_t size)
{
	const struct control *c = ap->c;
	const struct origins *o = c->origins;

	for (size_t i = 0; i < o->n; i++) {
		const struct origin_entry *e = &o->v[i];
		struct profile *p;
		char users[1024] = "";
		size_t n = 0;

		if (e->kind != ORIGIN_PROFILE || !e->declared || in_config(ap, ORIGIN_PROFILE, e->key) ||
		    !(p = profiles_find(c->profiles, e->key)))
			continue;
#define USER(fmt, ...) (n++ < 3 ? (void)snprintf(users + strlen(users), sizeof(users) - strlen(users), \
					     "%s" fmt, n > 1 ? ", " : "", __VA_ARGS__) : (void)0)
		for (size_t k = 0; k < c->profiles->n_att; k++) {
			const struct attachment *a = &c->profiles->att[k];

			if (a->slot == p->slot && !a->via && !declared_now(ap, ORIGIN_PATH, a->cgroup) &&
			    !in_config(ap, ORIGIN_PATH, a->cgroup))
				USER("%s", a->cgroup);
		}
		for (size_t k = 0; k < c->selectors->n_pend; k++)
			if (strcmp(c->selectors->pend[k].profile, e->key) == 0 &&
			    !declared_now(ap, ORIGIN_PATH, c->selectors->pend[k].cgroup) &&
			    !in_config(ap, ORIGIN_PATH, c->selectors->pend[k].cgroup))
				USER("%s", c->selectors->pend[k].cgroup);
		for (size_t k = 0; k < c->selectors->n_sel; k++)
			if (strcmp(c->selectors->sel[k].profile, e->key) == 0 &&
			    !declared_now(ap, ORIGIN_SELECTOR, c->selectors->sel[k].glob) &&
			    !in_config(ap, ORIGIN_SELECTOR, c->selectors->sel[k].glob))
				USER("selector %s", c->selectors->sel[k].glob);
#undef USER
		if (n) {
			snprintf(err, size, "%s is gone, so profile '%s' would be unloaded, but live attachments made with "
				 "enforcerctl use it: %s%s. Detach them first (enforcerctl detach ...), or declare the "
				 "profile again", e->declared, e->key, users, n > 3 ? ", ..." : "");
			return -EBUSY;
		}
	}
	return 0;
}

static int apply_profiles(struct apply *ap, char *err, size_t size)
{
	struct control *c = ap->c;

	for (size_t i = 0; i < ap->cfg->n_profiles; i++) {
		const struct config_profile *cp = &ap->cfg->profiles[i];
		const char *name = cp->bundle->name;
		struct profile *p = profiles_find(c->profiles, name);
		struct bundle *prev = NULL, *b = NULL;
		bool was_live = p && !declared_now(ap, ORIGIN_PROFILE, name);
		char msg[1024];
		int r;

		if (p && same_version(p, cp->bundle)) {
			if (was_live)
				change(ap, "profile '%s': loaded live before, now declared by %s (the same version: unchanged)",
				       name, cp->file);
			continue;
		}
		if ((p && (r = bundle_copy(p->bundle, &prev)) < 0) || (r = bundle_copy(cp->bundle, &b)) < 0) {
			bundle_free(prev);
			snprintf(err, size, "profile '%s' (%s): out of memory", name, cp->file);
			return r;
		}
		if (prev)
			prev->mode = p->mode;
		r = record(ap, STEP_PROFILE, name, NULL, prev);
		if (r < 0) {
			bundle_free(prev);
			bundle_free(b);
			return r;
		}
		r = set_profile(c, name, b, msg, sizeof(msg));
		if (r < 0) {
			ap->n_steps--;   /* nothing changed: nothing to undo */
			bundle_free(TAKE_PTR(ap->steps[ap->n_steps].prev));
			free(ap->steps[ap->n_steps].key);
			snprintf(err, size, "profile '%s' (%s): %s", name, cp->file, msg);
			return r;
		}
		p = profiles_find(c->profiles, name);
		change(ap, "profile '%s': %s %s (mode %s, generation %llu)%s", name, prev ? "replaced by" : "loaded from",
		       cp->file, enf_mode_name(p->mode), (unsigned long long)p->generation,
		       was_live ? "; it was loaded live before and is /etc's now" : "");
	}
	return 0;
}

static int apply_attachments(struct apply *ap, char *err, size_t size)
{
	struct control *c = ap->c;

	for (size_t i = 0; i < ap->cfg->n_att; i++) {
		const struct config_attachment *ca = &ap->cfg->att[i];
		bool sel = ca->kind == CONFIG_SELECTOR;
		enum origin_kind ok = sel ? ORIGIN_SELECTOR : ORIGIN_PATH;
		const char *cur = sel ? selector_profile(c, ca->key) : path_profile(c, ca->key);
		bool was_live = cur && !declared_now(ap, ok, ca->key);
		char msg[1024], what[PATH_MAX + 300];
		int r;

		if (ca->unit)
			snprintf(what, sizeof(what), "unit %s (%s)", ca->unit, ca->key);
		else
			snprintf(what, sizeof(what), "%s%s", sel ? "selector " : "", ca->key);
		if (cur && strcmp(cur, ca->profile) == 0) {
			if (was_live)
				change(ap, "%s -> '%s': made live before, now declared at %s", what, ca->profile, ca->where);
			continue;
		}
		r = record(ap, sel ? STEP_SELECTOR : STEP_PATH, ca->key, cur, NULL);
		if (r < 0)
			return r;
		r = sel ? set_selector(c, ca->key, ca->profile, msg, sizeof(msg))
			: set_path(c, ca->key, ca->profile, msg, sizeof(msg));
		if (r < 0) {
			snprintf(err, size, "%s: %s -> '%s': %s", ca->where, what, ca->profile, msg);
			return r;
		}
		if (cur)
			change(ap, "%s: '%s' -> '%s' (%s)%s", what, cur, ca->profile, ca->where,
			       was_live ? "; it was attached live before and is /etc's now" : "");
		else
			change(ap, "%s -> '%s' (%s)%s", what, ca->profile, ca->where,
			       sel || access(ca->key, F_OK) == 0 ? "" : "; the cgroup does not exist now: attached when it is created");
	}
	return 0;
}

/* What /etc declared before and no longer does: attachments and selectors, then profiles. */
static int apply_removals(struct apply *ap, char *err, size_t size)
{
	struct control *c = ap->c;
	const struct origins *o = c->origins;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < o->n; i++) {
			const struct origin_entry *e = &o->v[i];
			struct profile *p;
			struct bundle *prev = NULL;
			const char *cur;
			char msg[1024];
			int r;

			if (!e->declared || in_config(ap, e->kind, e->key) || (e->kind == ORIGIN_PROFILE) != (pass == 1))
				continue;
			if (e->kind == ORIGIN_PROFILE) {
				if (!(p = profiles_find(c->profiles, e->key)))
					continue;
				r = bundle_copy(p->bundle, &prev);
				if (r < 0)
					return r;
				prev->mode = p->mode;
				r = record(ap, STEP_PROFILE, e->key, NULL, prev);
				if (r < 0) {
					bundle_free(prev);
					return r;
				}
				r = set_profile(c, e->key, NULL, msg, sizeof(msg));
			} else {
				cur = e->kind == ORIGIN_SELECTOR ? selector_profile(c, e->key) : path_profile(c, e->key);
				if (!cur)
					continue;
				r = record(ap, e->kind == ORIGIN_SELECTOR ? STEP_SELECTOR : STEP_PATH, e->key, cur, NULL);
				if (r < 0)
					return r;
				r = e->kind == ORIGIN_SELECTOR ? set_selector(c, e->key, NULL, msg, sizeof(msg))
							       : set_path(c, e->key, NULL, msg, sizeof(msg));
			}
			if (r < 0) {
				snprintf(err, size, "cannot remove %s %s (no longer declared by %s): %s",
					 origin_kind_name(e->kind), e->key, e->declared, msg);
				return r;
			}
			change(ap, "%s %s%s%s: removed (%s no longer declares it)", origin_kind_name(e->kind), e->key,
			       e->unit ? " of unit " : "", e->unit ? e->unit : "", e->declared);
		}
	}
	return 0;
}

/* Afterwards every declared object is /etc's and nothing else is. */
static int commit_origins(struct apply *ap)
{
	struct origins *o = ap->c->origins;
	int r = 0;

	for (size_t i = o->n; i-- > 0;)
		if (o->v[i].declared && !in_config(ap, o->v[i].kind, o->v[i].key))
			origin_forget(o, o->v[i].kind, o->v[i].key);
	for (size_t i = 0; i < ap->cfg->n_profiles && r == 0; i++)
		r = origin_set(o, ORIGIN_PROFILE, ap->cfg->profiles[i].bundle->name, ap->cfg->profiles[i].file, NULL);
	for (size_t i = 0; i < ap->cfg->n_att && r == 0; i++) {
		const struct config_attachment *ca = &ap->cfg->att[i];

		r = origin_set(o, ca->kind == CONFIG_SELECTOR ? ORIGIN_SELECTOR : ORIGIN_PATH, ca->key, ca->where, ca->unit);
	}
	return r;
}

static int apply(struct control *c, const struct config *cfg, json_t *changes, char *err, size_t size)
{
	struct apply ap = { .c = c, .cfg = cfg, .changes = changes };
	int r;

	r = check_removed_profiles(&ap, err, size);
	if (r == 0)
		r = apply_profiles(&ap, err, size);
	if (r == 0)
		r = apply_attachments(&ap, err, size);
	if (r == 0)
		r = apply_removals(&ap, err, size);
	if (r < 0) {
		if (!err[0])
			snprintf(err, size, "%s", strerror(-r));
		if (ap.n_steps)
			log_warn("reload failed (%s): undoing its %zu change(s)", err, ap.n_steps);
		undo(&ap);
		json_array_clear(changes);
	} else {
		r = commit_origins(&ap);
		if (r < 0)
			snprintf(err, size, "out of memory recording what /etc declares");
		if (ap.n_changes > CHANGES_SHOWN_MAX)
			json_array_append_new(changes, json_sprintf("... and %zu more (see the daemon's log)",
								    ap.n_changes - CHANGES_SHOWN_MAX));
	}
	steps_free(&ap);
	return r;
}

/* ---- reload ---------------------------------------------------------------------- */

static int resolve_unit(void *ctx, const char *unit, struct unit_info *ret, char *msg, size_t size)
{
	struct control *c = ctx;

	return units_resolve(c->units, c->selectors->root, unit, ret, msg, size);
}

int config_reload(struct control *c, bool notify, json_t **ret_changes, char *err, size_t size)
{
	struct config_status *st = c->config;
	struct config_env env = { .cgroup_root = c->selectors->root, .daemon_cgroup = c->selectors->daemon_cgroup,
				  .resolve_unit = resolve_unit, .ctx = c };
	struct config cfg = {};
	json_t *changes = json_array();
	char line[512];
	int r;

	if (!changes)
		return -ENOMEM;
	err[0] = 0;
	if (notify)
		(void)notify_reloading(c->notify);
	st->reloads++;
	st->last_attempt = time(NULL);
	/* The registry must be true before it is compared with the configuration. */
	selectors_reconcile(c->selectors);
	r = config_read(st->dir, &env, &cfg, err, size);
	if (r == 0)
		r = apply(c, &cfg, changes, err, size);
	if (r == 0) {
		/* Kept for its stamps (changes on disk); the registry has its own copies of the bundles. */
		for (size_t i = 0; i < cfg.n_profiles; i++)
			bundle_free(TAKE_PTR(cfg.profiles[i].bundle));
		config_free(&st->applied);
		st->applied = cfg;
		st->ever_applied = true;
		st->last_success = st->last_attempt;
		st->error[0] = 0;
		log_info("reload: %s applied (%zu change(s))", st->dir, json_array_size(changes));
	} else {
		config_free(&cfg);
		st->failures++;
		snprintf(st->error, sizeof(st->error), "%s", err);
		log_error("reload refused, nothing changed: %s", err);
		json_decref(TAKE_PTR(changes));
	}
	(void)state_save(c->state, c->profiles, c->selectors);
	if (notify) {
		control_status_line(c, line, sizeof(line));
		(void)notify_status(c->notify, "READY=1", line);
	}
	*ret_changes = changes;
	return r;
}
