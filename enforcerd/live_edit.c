// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "canonical.h"
#include "compile.h"
#include "live_edit.h"
#include "policy.h"
#include "util.h"

static int section_from_word(const char *w, enum enf_section *ret)
{
	for (int s = 0; s < ENF_SECTION_COUNT; s++) {
		if (strcmp(w, enf_section_name(s)) == 0) {
			*ret = s;
			return 0;
		}
	}
	return -EINVAL;
}

/* One rule's object from its canonical text, with its action. */
static json_t *rule_object(const struct bundle_rule *r)
{
	json_t *o = json_loads(r->text ? r->text : "", JSON_REJECT_DUPLICATES, NULL);

	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	if (!json_object_get(o, "action"))
		json_object_set_new(o, "action", json_string(enf_action_name(r->action)));
	return o;
}

/*
 * Rules in the order they were written (file position), live-added ones
 * after them in id order: the compiler then numbers trie nodes and settles
 * id collisions exactly as it did for the original file.
 */
static int written_order(const void *x, const void *y)
{
	const struct bundle_rule *a = *(const struct bundle_rule *const *)x, *b = *(const struct bundle_rule *const *)y;

	if ((a->line == 0) != (b->line == 0))
		return a->line == 0 ? 1 : -1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The document as a json object; skip_id (0: none) leaves one rule out. */
static json_t *source_object(const struct bundle *b, uint32_t skip_id)
{
	json_t *doc = json_object(), *sections[ENF_SECTION_COUNT] = {};
	const struct bundle_rule **order;
	bool any = false;

	if (!doc)
		return NULL;
	order = calloc(b->n_rules + 1, sizeof(*order));
	if (!order) {
		json_decref(doc);
		return NULL;
	}
	for (uint32_t i = 0; i < b->n_rules; i++)
		order[i] = &b->rules[i];
	qsort(order, b->n_rules, sizeof(*order), written_order);
	json_object_set_new(doc, "name", json_string(b->name));
	json_object_set_new(doc, "mode", json_string(enf_mode_name(b->mode)));
	if (b->baseline_optout) {
		json_t *base = json_object();

		if (!base)
			goto fail;
		for (unsigned i = 0; enf_baseline_words[i]; i++)
			if (b->baseline_optout & (1u << i))
				json_object_set_new(base, enf_baseline_words[i], json_string("allow"));
		json_object_set_new(doc, "baseline", base);
	}
	for (int s = 0; s < ENF_SECTION_COUNT; s++)
		sections[s] = json_array();
	for (uint32_t i = 0; i < b->n_rules; i++) {
		const struct bundle_rule *r = order[i];
		json_t *o;

		if (r->id == skip_id || (unsigned)r->section >= ENF_SECTION_COUNT)
			continue;
		o = rule_object(r);
		if (!o)
			goto fail;
		json_array_append_new(sections[r->section], o);
	}
	for (int s = 0; s < ENF_SECTION_COUNT; s++) {
		/* An absent section and one with default allow and no rules compile alike. */
		if (json_array_size(sections[s]) == 0 && b->defaults[s] != ENF_ACT_DENY)
			continue;
		json_t *sec = json_pack("{s:s}", "default", enf_action_name(b->defaults[s]));

		if (json_array_size(sections[s]))
			json_object_set(sec, "rules", sections[s]);
		json_object_set_new(doc, enf_section_name(s), sec);
		any = true;
	}
	if (!any)
		json_object_set_new(doc, "exec", json_pack("{s:s}", "default", "allow"));
	for (int s = 0; s < ENF_SECTION_COUNT; s++)
		json_decref(sections[s]);
	free(order);
	return doc;
fail:
	for (int s = 0; s < ENF_SECTION_COUNT; s++)
		json_decref(sections[s]);
	free(order);
	json_decref(doc);
	return NULL;
}

static char *dump_doc(json_t *doc)
{
	/* Indented: one rule per line, so an error position is readable. */
	return json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_COMPACT);
}

char *bundle_to_source(const struct bundle *b)
{
	json_t *doc = source_object(b, 0);
	char *text;

	if (!doc)
		return NULL;
	text = dump_doc(doc);
	json_decref(doc);
	return text;
}

static int compile_text(const char *text, const char *source_name, struct bundle **ret,
			char *err, size_t err_size)
{
	struct policy_profile *p = NULL;
	struct policy_error perr = {};
	int r;

	r = policy_parse_buffer(text, strlen(text), source_name, &p, &perr);
	if (r == 0)
		r = policy_compile(p, ret, &perr);
	if (r < 0)
		snprintf(err, err_size, "%s", perr.text[0] ? perr.text : strerror(-r));
	policy_profile_free(p);
	return r;
}

static const struct bundle_rule *rule_in(const struct bundle *b, uint32_t id)
{
	return b ? bundle_rule_by_id(b, id) : NULL;
}

/* Carry what the document does not express over from the bundle in force. */
static int fixup(struct bundle *nb, const struct bundle *old, const char *source_file,
		 const struct rule_pos *pos, size_t n_pos, uint8_t fileless_exec)
{
	char *src = strdup(source_file ? source_file : "");

	if (!src)
		return -ENOMEM;
	free(nb->source_file);
	nb->source_file = src;
	nb->fileless_exec = fileless_exec;
	for (uint32_t i = 0; i < nb->n_rules; i++) {
		struct bundle_rule *r = &nb->rules[i];
		const struct bundle_rule *o = rule_in(old, r->id);

		r->line = o ? o->line : 0;
		r->column = o ? o->column : 0;
		for (size_t k = 0; !o && k < n_pos; k++) {
			if (pos[k].id == r->id) {
				r->line = pos[k].line;
				r->column = pos[k].column;
			}
		}
	}
	return 0;
}

/* "rule:2:9: ..." from the validation document -> "rule:1:9: ...": the rule starts on line 2 there. */
static void rule_error(const char *text, char *err, size_t err_size)
{
	int line, col, n = 0;

	if (sscanf(text, "rule:%d:%d: %n", &line, &col, &n) == 2 && n > 0)
		snprintf(err, err_size, "rule:%d:%d: %s", line > 1 ? line - 1 : line, col, text + n);
	else
		snprintf(err, err_size, "%s", text);
}

int live_rule_add(const struct bundle *old, const char *section, const char *rule_text,
		  struct bundle **ret_bundle, uint32_t *ret_rule_id, char *err, size_t err_size)
{
	_cleanup_free_ char *probe = NULL, *merged = NULL;
	struct bundle *one = NULL, *nb = NULL;
	const struct bundle_rule *same;
	enum enf_section sec;
	json_t *doc = NULL, *sobj, *rules, *robj;
	char perr[1024];
	uint32_t id;
	int r;

	if (section_from_word(section, &sec) < 0) {
		snprintf(err, err_size, "unknown section '%s': expected exec, file or network", section);
		return -EINVAL;
	}
	/* One JSON object and nothing else: the text goes verbatim into the probe below. */
	robj = json_loads(rule_text, JSON_REJECT_DUPLICATES, NULL);
	r = json_is_object(robj) ? 0 : -EINVAL;
	json_decref(robj);
	if (r < 0) {
		snprintf(err, err_size, "the rule must be one JSON object, e.g. {\"action\":\"deny\",\"path\":\"/usr/bin/nc\"}");
		/* Let the parser name the position of a syntax error. */
		if (asprintf(&probe, "{\"name\":\"%s\",\"mode\":\"enforce\",\"%s\":{\"default\":\"allow\",\"rules\":[\n%s\n]}}",
			     old->name, section, rule_text) >= 0 &&
		    compile_text(probe, "rule", &one, perr, sizeof(perr)) < 0)
			rule_error(perr, err, err_size);
		bundle_free(one);
		return r;
	}
	/*
	 * Validate the rule alone first, in a document of its own with the
	 * rule's text verbatim on line 2: errors point into what the user typed.
	 */
	if (asprintf(&probe, "{\"name\":\"%s\",\"mode\":\"enforce\",\"%s\":{\"default\":\"allow\",\"rules\":[\n%s\n]}}",
		     old->name, section, rule_text) < 0)
		return -ENOMEM;
	r = compile_text(probe, "rule", &one, perr, sizeof(perr));
	if (r < 0) {
		rule_error(perr, err, err_size);
		return r;
	}
	if (one->n_rules != 1) {
		snprintf(err, err_size, "expected exactly one rule object, found %u", one->n_rules);
		r = -EINVAL;
		goto out;
	}
	id = one->rules[0].id;
	same = bundle_rule_by_id(old, id);
	if (same) {
		snprintf(err, err_size, "profile '%s' already has a rule with this match: %s (rule %08x, %s:%u:%u); "
			 "delete it first with 'enforcerctl rule del %s %08x'", old->name, same->text, id,
			 same->line ? old->source_file : "live edit", same->line, same->column, old->name, id);
		r = -EEXIST;
		goto out;
	}

	/* The merge: the document in force plus the rule in its canonical form. */
	doc = source_object(old, 0);
	robj = doc ? rule_object(&one->rules[0]) : NULL;
	if (!robj) {
		r = -ENOMEM;
		goto out;
	}
	sobj = json_object_get(doc, section);
	if (!sobj) {
		sobj = json_pack("{s:s}", "default", enf_action_name(old->defaults[sec]));
		json_object_set_new(doc, section, sobj);
	}
	rules = json_object_get(sobj, "rules");
	if (!rules) {
		rules = json_array();
		json_object_set_new(sobj, "rules", rules);
	}
	json_array_append_new(rules, robj);
	merged = dump_doc(doc);
	if (!merged) {
		r = -ENOMEM;
		goto out;
	}
	r = compile_text(merged, "profile with the added rule", &nb, err, err_size);
	if (r < 0)
		goto out;
	r = fixup(nb, old, old->source_file, NULL, 0, old->fileless_exec);
	if (r < 0)
		goto out;
	nb->mode = old->mode;
	*ret_bundle = nb;
	*ret_rule_id = id;
	nb = NULL;
out:
	json_decref(doc);
	bundle_free(one);
	bundle_free(nb);
	return r;
}

int live_rule_del(const struct bundle *old, uint32_t id, struct bundle **ret_bundle,
		  char *err, size_t err_size)
{
	_cleanup_free_ char *text = NULL;
	struct bundle *nb = NULL;
	json_t *doc;
	int r;

	if (!bundle_rule_by_id(old, id)) {
		snprintf(err, err_size, "profile '%s' has no rule %08x ('enforcerctl show %s' lists its rules)",
			 old->name, id, old->name);
		return -ENOENT;
	}
	doc = source_object(old, id);
	text = doc ? dump_doc(doc) : NULL;
	json_decref(doc);
	if (!text)
		return -ENOMEM;
	r = compile_text(text, "profile without the deleted rule", &nb, err, err_size);
	if (r == 0)
		r = fixup(nb, old, old->source_file, NULL, 0, old->fileless_exec);
	if (r < 0) {
		bundle_free(nb);
		return r;
	}
	nb->mode = old->mode;
	*ret_bundle = nb;
	return 0;
}

int live_recompile(const char *doc, const char *source_file, const struct rule_pos *pos, size_t n_pos,
		   uint8_t fileless_exec, struct bundle **ret_bundle, char *err, size_t err_size)
{
	struct bundle *nb = NULL;
	int r;

	r = compile_text(doc, source_file, &nb, err, err_size);
	if (r == 0)
		r = fixup(nb, NULL, source_file, pos, n_pos, fileless_exec);
	if (r < 0) {
		bundle_free(nb);
		return r;
	}
	*ret_bundle = nb;
	return 0;
}
