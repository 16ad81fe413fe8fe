// SPDX-License-Identifier: GPL-2.0-only
/*
 * Profile parser: JSON text -> struct policy_profile, with every check the
 * format defines (docs/policy.md). This file walks the profile: its name,
 * mode, sections and baseline, then gives each rule its id; the document,
 * the rules, the checks across rules and the messages are the other
 * parse_*.c files (parse_internal.h says which does what). jansson does the
 * JSON; a position index (json_pos.c) gives each value its line:column, so
 * every refusal reads
 *
 *   FILE:LINE:COLUMN: KEY.PATH: expected ..., found ...
 *
 * The first problem found stops the parse: later errors are often echoes of
 * the first one, and one precise message beats a page of guesses.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "bundle.h"
#include "canonical.h"
#include "parse_internal.h"
#include "util.h"

static int parse_name(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, char **ret)
{
	const char *s;
	size_t len;
	char found[128];

	if (!json_is_string(v))
		return parse_fail_type(c, pn, v, "a profile name (a string)");
	s = json_string_value(v);
	len = json_string_length(v);
	parse_describe(v, found, sizeof(found));
	if (len == 0 || len > ENF_PROFILE_NAME_MAX - 1)
		return parse_fail(c, pn, "expected a profile name of 1 to %d characters (ENF_PROFILE_NAME_MAX - 1), found %s (%zu characters)",
				  ENF_PROFILE_NAME_MAX - 1, found, len);
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (!enf_profile_name_char(ch)) {
			unsigned char u = (unsigned char)ch;
			if (u >= 0x20 && u < 0x7f)
				return parse_fail(c, pn, "expected a profile name of characters A-Z a-z 0-9 _ . -, found %s ('%c' at offset %zu)",
						  found, ch, i);
			return parse_fail(c, pn, "expected a profile name of characters A-Z a-z 0-9 _ . -, found %s (byte 0x%02x at offset %zu)",
					  found, u, i);
		}
	}
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

int parse_action(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, bool rule,
		 enum enf_action *ret)
{
	static const char *const rule_words[] = { "allow", "deny", "audit", NULL };
	static const char *const default_words[] = { "allow", "deny", NULL };
	static const struct parse_hint hints[] = {
		{ "block", "write \"deny\"" },
		{ "reject", "write \"deny\"" },
		{ "permit", "write \"allow\"" },
		{ "log", "write \"audit\" (allowed and logged)" },
		{ "audit", "a section default is \"allow\" or \"deny\"; \"audit\" is for rules" },
		{ NULL, NULL },
	};
	const char *w;
	int r;

	r = parse_word(c, v, pn, rule ? rule_words : default_words, hints,
		       rule ? "an action" : "a default action", &w);
	if (r < 0)
		return r;
	return enf_action_from_word(w, ret);
}

static int count_rule(struct parse_ctx *c, const struct json_pos_node *pn)
{
	if (++c->n_rules > POLICY_RULES_MAX)
		return parse_fail(c, pn, "expected at most %u rules per profile (POLICY_RULES_MAX), found more",
				  POLICY_RULES_MAX);
	return 0;
}

struct id_set {
	uint32_t *slots; /* 0 = empty: ids are never 0 */
	size_t mask;
};

static bool id_set_add(struct id_set *s, uint32_t id)
{
	size_t i = (id * 2654435761u) & s->mask;

	while (s->slots[i]) {
		if (s->slots[i] == id)
			return false;
		i = (i + 1) & s->mask;
	}
	s->slots[i] = id;
	return true;
}

/*
 * id = FNV-1a("<section>:<canonical match>"), never 0; on a collision, +1
 * until free, in the fixed order exec, file, network, then rule order.
 */
static int assign_ids(struct policy_profile *p)
{
	_cleanup_free_ uint32_t *slots = NULL;
	struct id_set set;
	size_t cap = 16;

	while (cap < 2 * (p->exec.n_rules + p->file.n_rules + p->network.n_rules))
		cap *= 2;
	slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	set = (struct id_set){ slots, cap - 1 };

	for (int s = 0; s < ENF_SECTION_COUNT; s++) {
		size_t n = s == ENF_SECTION_EXEC ? p->exec.n_rules :
			   s == ENF_SECTION_FILE ? p->file.n_rules : p->network.n_rules;
		for (size_t i = 0; i < n; i++) {
			char *canon;
			uint32_t id;

			if (s == ENF_SECTION_NETWORK)
				canon = policy_net_rule_canonical(&p->network.rules[i], false);
			else
				canon = policy_path_rule_canonical(s == ENF_SECTION_EXEC ? &p->exec.rules[i] :
								   &p->file.rules[i], (enum enf_section)s, false);
			if (!canon)
				return -ENOMEM;
			id = policy_rule_hash((enum enf_section)s, canon);
			free(canon);
			for (;;) {
				if (id == 0)
					id = 1;
				if (id_set_add(&set, id))
					break;
				id++;
			}
			if (s == ENF_SECTION_NETWORK)
				p->network.rules[i].id = id;
			else if (s == ENF_SECTION_EXEC)
				p->exec.rules[i].id = id;
			else
				p->file.rules[i].id = id;
		}
	}
	return 0;
}

static int parse_section_common(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn,
				const char *name, const char *const *keys, enum enf_action *ret_default,
				json_t **ret_rules, const struct json_pos_node **ret_rules_pn)
{
	json_t *d, *rules;
	size_t old;
	char kind[32];
	int r;

	if (!json_is_object(v))
		return parse_fail_type(c, pn, v, "a section (an object with \"default\" and \"rules\")");
	if (json_object_size(v) == 0)
		return parse_fail(c, pn, "expected a section with \"default\" (\"allow\" or \"deny\") and optional \"rules\", found an empty object (remove the section if it has nothing to say)");
	snprintf(kind, sizeof(kind), "the %s section", name);
	r = parse_check_keys(c, v, pn, keys, kind);
	if (r < 0)
		return r;
	d = json_object_get(v, "default");
	if (!d)
		return parse_missing(c, pn, "default", "\"allow\" for a deny-list or \"deny\" for an allow-list");
	old = parse_path_push_key(c, "default");
	r = parse_action(c, d, json_pos_member(pn, "default"), false, ret_default);
	if (r < 0)
		return r;
	parse_path_pop(c, old);

	rules = json_object_get(v, "rules");
	*ret_rules = NULL;
	*ret_rules_pn = json_pos_member(pn, "rules");
	if (!rules)
		return 0;
	old = parse_path_push_key(c, "rules");
	if (!json_is_array(rules))
		return parse_fail_type(c, *ret_rules_pn, rules, "an array of rules");
	if (json_array_size(rules) == 0)
		return parse_fail(c, *ret_rules_pn, "expected a non-empty array of rules, found an empty array (omit \"rules\" when the default says it all)");
	parse_path_pop(c, old);
	*ret_rules = rules;
	return 0;
}

static int parse_path_section(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn,
			      enum enf_section s, struct policy_path_section *sec)
{
	const struct json_pos_node *rpn;
	json_t *rules;
	int r;

	r = parse_section_common(c, v, pn, enf_section_name(s),
				 s == ENF_SECTION_EXEC ? parse_exec_section_keys : parse_section_keys,
				 &sec->default_action, &rules, &rpn);
	if (r < 0)
		return r;
	sec->present = true;
	if (s == ENF_SECTION_EXEC && json_object_get(v, "fileless")) {
		const struct json_pos_node *fpn = json_pos_member(pn, "fileless");
		size_t o = parse_path_push_key(c, "fileless");

		/* Exec of a file with no name (memfd, deleted): no path rule can name it. */
		r = parse_action(c, json_object_get(v, "fileless"), fpn, true, &sec->fileless);
		if (r < 0)
			return r;
		parse_path_pop(c, o);
	}
	if (!rules)
		return 0;
	size_t n = json_array_size(rules);
	size_t old = parse_path_push_key(c, "rules");
	sec->rules = calloc(n, sizeof(*sec->rules));
	if (!sec->rules)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct json_pos_node *ep = json_pos_element(rpn, i);
		size_t o2 = parse_path_push_index(c, i);

		r = count_rule(c, ep);
		if (r < 0)
			return r;
		sec->n_rules = i + 1;
		r = parse_path_rule(c, json_array_get(rules, i), ep, s, &sec->rules[i]);
		if (r < 0)
			return r;
		parse_path_pop(c, o2);
	}
	parse_path_pop(c, old);
	return 0;
}

static int parse_net_section(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn,
			     struct policy_net_section *sec)
{
	const struct json_pos_node *rpn;
	json_t *rules;
	int r;

	r = parse_section_common(c, v, pn, "network", parse_section_keys, &sec->default_action, &rules, &rpn);
	if (r < 0)
		return r;
	sec->present = true;
	if (!rules)
		return 0;
	size_t n = json_array_size(rules);
	size_t old = parse_path_push_key(c, "rules");
	sec->rules = calloc(n, sizeof(*sec->rules));
	if (!sec->rules)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct json_pos_node *ep = json_pos_element(rpn, i);
		size_t o2 = parse_path_push_index(c, i);

		r = count_rule(c, ep);
		if (r < 0)
			return r;
		sec->n_rules = i + 1;
		r = parse_net_rule(c, json_array_get(rules, i), ep, &sec->rules[i]);
		if (r < 0)
			return r;
		parse_path_pop(c, o2);
	}
	parse_path_pop(c, old);
	return 0;
}

/*
 * "baseline": {"mount": "allow", ...}: which operations of the confinement
 * baseline the profile lets through (each one logged). Every word is
 * optional and "deny" by default (enf_baseline_words, common/baseline.c).
 */
static int parse_baseline(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, uint16_t *ret)
{
	static const char *const words[] = { "deny", "allow", NULL };
	static const struct parse_hint hints[] = {
		{ "audit", "an opted-out operation is always logged: write \"allow\"" },
		{ "enforce", "write \"deny\" (the default)" },
		{ NULL, NULL },
	};
	const char *key;
	json_t *m;
	int r;

	if (!json_is_object(v))
		return parse_fail_type(c, pn, v, "the baseline's opt-outs (a JSON object such as {\"mount\": \"allow\"})");
	r = parse_check_keys(c, v, pn, enf_baseline_words, "the baseline");
	if (r < 0)
		return r;
	json_object_foreach(v, key, m) {
		size_t old = parse_path_push_key(c, key);
		uint32_t bit = 0;
		const char *w;

		r = parse_word(c, m, json_pos_member(pn, key), words, hints, "a baseline setting", &w);
		if (r < 0)
			return r;
		if (enf_baseline_from_word(key, &bit) < 0)
			return -EINVAL; /* parse_check_keys() let only baseline words through */
		if (strcmp(w, "allow") == 0)
			*ret |= (uint16_t)bit;
		parse_path_pop(c, old);
	}
	return 0;
}

static int parse_profile(struct parse_ctx *c, json_t *root, const struct json_pos_node *pn, struct policy_profile *p)
{
	const char *key;
	json_t *v;
	int r;

	if (!json_is_object(root))
		return parse_fail_type(c, pn, root, "a profile (a JSON object)");
	r = parse_check_keys(c, root, pn, parse_top_keys, "a profile");
	if (r < 0)
		return r;

	/* source order, so the first problem in the file is the one reported */
	json_object_foreach(root, key, v) {
		const struct json_pos_node *mp = json_pos_member(pn, key);
		size_t old = parse_path_push_key(c, key);

		if (strcmp(key, "name") == 0) {
			r = parse_name(c, v, mp, &p->name);
		} else if (strcmp(key, "mode") == 0) {
			static const char *const words[] = { "audit", "enforce", NULL };
			static const struct parse_hint hints[] = {
				{ "enforcing", "write \"enforce\"" },
				{ "permissive", "write \"audit\" (nothing is denied, would-denies are logged)" },
				{ "complain", "write \"audit\" (nothing is denied, would-denies are logged)" },
				{ NULL, NULL },
			};
			const char *w;
			r = parse_word(c, v, mp, words, hints, "a mode", &w);
			if (r == 0)
				r = enf_mode_from_word(w, &p->mode);
		} else if (strcmp(key, "exec") == 0) {
			r = parse_path_section(c, v, mp, ENF_SECTION_EXEC, &p->exec);
		} else if (strcmp(key, "file") == 0) {
			r = parse_path_section(c, v, mp, ENF_SECTION_FILE, &p->file);
		} else if (strcmp(key, "network") == 0) {
			r = parse_net_section(c, v, mp, &p->network);
		} else if (strcmp(key, "baseline") == 0) {
			r = parse_baseline(c, v, mp, &p->baseline_optout);
		}
		if (r < 0)
			return r;
		parse_path_pop(c, old);
	}

	if (!p->name)
		return parse_missing(c, pn, "name", "a profile name of 1 to 63 characters A-Z a-z 0-9 _ . -");
	if (!p->mode)
		return parse_missing(c, pn, "mode", "\"audit\" or \"enforce\"");
	if (!p->exec.present && !p->file.present && !p->network.present)
		return parse_fail(c, pn, "expected at least one of the sections \"exec\", \"file\", \"network\", found none");

	r = parse_check_path_pairs(c, &p->exec, ENF_SECTION_EXEC);
	if (r == 0)
		r = parse_check_path_pairs(c, &p->file, ENF_SECTION_FILE);
	if (r == 0)
		r = parse_check_net_pairs(c, &p->network);
	if (r < 0)
		return r;
	return assign_ids(p);
}

static void free_from(char **from, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(from[i]);
	free(from);
}

void policy_profile_free(struct policy_profile *p)
{
	if (!p)
		return;
	struct policy_path_section *secs[] = { &p->exec, &p->file };
	for (size_t s = 0; s < 2; s++) {
		for (size_t i = 0; i < secs[s]->n_rules; i++) {
			free(secs[s]->rules[i].path);
			free_from(secs[s]->rules[i].from, secs[s]->rules[i].n_from);
		}
		free(secs[s]->rules);
	}
	for (size_t i = 0; i < p->network.n_rules; i++) {
		free(p->network.rules[i].ports);
		free_from(p->network.rules[i].from, p->network.rules[i].n_from);
	}
	free(p->network.rules);
	free(p->name);
	free(p->source_file);
	free(p);
}

static void policy_profile_freep(struct policy_profile **p)
{
	policy_profile_free(*p);
}

int policy_parse_buffer(const char *buf, size_t len, const char *source_name,
			struct policy_profile **ret_profile, struct policy_error *err)
{
	_cleanup_(json_decrefp) json_t *root = NULL;
	_cleanup_(json_pos_freep) struct json_pos_node *pos = NULL;
	_cleanup_(policy_profile_freep) struct policy_profile *p = NULL;
	struct policy_error scratch;
	struct parse_ctx c = { 0 };
	int r;

	if (!err)
		err = &scratch;
	err->text[0] = '\0';
	if (!source_name)
		source_name = "<input>";
	if (!ret_profile || (!buf && len)) {
		snprintf(err->text, sizeof(err->text), "%s: internal error: invalid arguments", source_name);
		return -EINVAL;
	}
	c.file = source_name;
	c.err = err;
	r = parse_document_load(&c, buf, len, &root, &pos);
	if (r < 0)
		return r;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->source_file = strdup(source_name);
	if (!p->source_file)
		return -ENOMEM;
	c.file = p->source_file;
	r = parse_profile(&c, root, pos, p);
	if (r < 0)
		return r;

	/* every rule's source names the profile's own copy of the file name */
	for (size_t i = 0; i < p->exec.n_rules; i++)
		p->exec.rules[i].src.file = p->source_file;
	for (size_t i = 0; i < p->file.n_rules; i++)
		p->file.rules[i].src.file = p->source_file;
	for (size_t i = 0; i < p->network.n_rules; i++)
		p->network.rules[i].src.file = p->source_file;

	*ret_profile = TAKE_PTR(p);
	return 0;
}
