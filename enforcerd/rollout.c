// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "decisions.h"
#include "log.h"
#include "rollout.h"
#include "time_arg.h"

static json_t *time_json(int64_t usec)
{
	char buf[64];

	rfc3339_format(usec, buf, sizeof(buf));
	return json_string(buf);
}

json_t *rollout_report(struct control *c, const char *name, int64_t since_usec, size_t limit,
		       char *err, size_t size, int *ret_errno)
{
	struct profile *p = profiles_find(c->profiles, name);
	json_t *q, *o;

	q = decisions_query(c->decisions, name, DV_WOULD_DENY, since_usec, limit);
	if (!q) {
		*ret_errno = -ENOMEM;
		return NULL;
	}
	/* An unloaded profile may still have a history worth reporting; an unknown name is a typo. */
	if (!p && json_integer_value(json_object_get(q, "total")) == 0) {
		json_decref(q);
		snprintf(err, size, "no profile named '%s' is loaded and none was seen since enforcerd started "
			 "(see 'enforcerctl list')", name);
		*ret_errno = -ENOENT;
		return NULL;
	}
	o = json_pack("{s:b, s:s, s:s, s:s, s:o, s:o}", "ok", 1, "profile", name,
		      "mode", p ? enf_mode_name(p->mode) : "(not loaded)", "verdict", "would-deny",
		      "since", time_json(since_usec > c->decisions->started_usec ? since_usec :
					 c->decisions->started_usec),
		      "observed_since", time_json(c->decisions->started_usec));
	if (o)
		json_object_update(o, q);
	json_decref(q);
	return o;
}

/* "rule 00000001 (web.json:3:5) 12x, ..." for the top rules. */
static void top_rules(json_t *rules, char *buf, size_t size)
{
	size_t i, n = 0;
	json_t *r;

	buf[0] = 0;
	json_array_foreach(rules, i, r) {
		const char *src = json_string_value(json_object_get(r, "rule_source"));

		if (i == 3) {
			snprintf(buf + n, size - n, ", and %zu more", json_array_size(rules) - 3);
			break;
		}
		n += (size_t)snprintf(buf + n, size - n, "%srule %s%s%s%s %lldx", i ? ", " : "",
				      json_string_value(json_object_get(r, "rule")), src && *src ? " (" : "",
				      src ?: "", src && *src ? ")" : "",
				      (long long)json_integer_value(json_object_get(r, "count")));
		if (n >= size)
			break;
	}
}

json_t *rollout_promote(struct control *c, const char *name, int64_t window_usec, bool force,
			char *err, size_t size, int *ret_errno)
{
	struct profile *p = profiles_find(c->profiles, name);
	int64_t now = time_now_usec(), from = now - window_usec, loaded;
	char from_text[64], rules[1024];
	uint64_t total;
	json_t *q;
	int r;

	if (!p) {
		snprintf(err, size, "no profile named '%s' is loaded (see 'enforcerctl list')", name);
		*ret_errno = -ENOENT;
		return NULL;
	}
	if (window_usec <= 0) {
		snprintf(err, size, "the window must be positive (e.g. 10m, 1h)");
		*ret_errno = -EINVAL;
		return NULL;
	}
	if (p->mode == ENF_MODE_ENFORCE)
		return json_pack("{s:b, s:s, s:s, s:I, s:b}", "ok", 1, "profile", name, "mode", "enforce",
				 "generation", (json_int_t)p->generation, "already", 1);
	if (p->mode != ENF_MODE_AUDIT) {
		snprintf(err, size, "profile '%s' is in %s mode: promote switches audit to enforce "
			 "(use 'enforcerctl mode %s audit' first)", name, enf_mode_name(p->mode), name);
		*ret_errno = -EINVAL;
		return NULL;
	}
	loaded = decisions_profile_loaded_at(c->decisions, name);
	if (loaded > from)
		from = loaded;
	if (c->decisions->started_usec > from)
		from = c->decisions->started_usec;
	q = decisions_query(c->decisions, name, DV_WOULD_DENY, from, 0);
	if (!q) {
		*ret_errno = -ENOMEM;
		return NULL;
	}
	total = (uint64_t)json_integer_value(json_object_get(q, "total"));
	top_rules(json_object_get(q, "rules"), rules, sizeof(rules));
	json_decref(q);
	rfc3339_format(from, from_text, sizeof(from_text));
	if (total && !force) {
		snprintf(err, size, "not promoting '%s': it produced %llu would-deny decision(s) since %s: %s. "
			 "See 'enforcerctl report %s'; fix the profile and load it again, or promote anyway "
			 "with --force", name, (unsigned long long)total, from_text, rules, name);
		*ret_errno = -EBUSY;
		return NULL;
	}
	r = profiles_set_mode(c->profiles, name, ENF_MODE_ENFORCE, err, size);
	if (r < 0) {
		*ret_errno = r;
		return NULL;
	}
	if (total)
		log_warn("profile '%s' promoted to enforce with --force despite %llu would-deny decision(s) since %s: %s "
			 "(generation %llu)", name, (unsigned long long)total, from_text, rules,
			 (unsigned long long)p->generation);
	else
		log_info("profile '%s' promoted to enforce: no would-deny decision since %s (generation %llu)", name,
			 from_text, (unsigned long long)p->generation);
	return json_pack("{s:b, s:s, s:s, s:I, s:I, s:b, s:s}", "ok", 1, "profile", name, "mode", "enforce",
			 "generation", (json_int_t)p->generation, "would_deny", (json_int_t)total,
			 "forced", total > 0, "checked_since", from_text);
}
