// SPDX-License-Identifier: GPL-2.0-only
/*
 * The two forms of `policyc diff` output (diff.h): lines for people, one
 * per difference, marked '<' where A allows more and '>' where B does,
 * each followed by the deciding rule on both sides; and one JSON document
 * with the same content for scripts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "baseline.h"
#include "canonical.h"
#include "diff.h"

/* "deny by rule 0x... (b.json:12:7) {...}"; exec.fileless has its own words. */
static char *side_text(const struct policy_profile *p, const struct policy_diff_entry *en,
		       const struct policy_verdict *v)
{
	char *s = NULL;

	if (en->kind == POLICY_DIFF_FILELESS && !v->by_default && !v->section_absent) {
		if (asprintf(&s, "%s by exec.fileless", enf_action_name(v->action)) < 0)
			return NULL;
		return s;
	}
	return policy_verdict_describe(p, v);
}

/* Words of a bit set, comma-separated, through a word function; "" when none. */
static void words(char *buf, size_t size, uint32_t bits, unsigned n, const char *(*word)(uint32_t bit))
{
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		if (bits & (1u << i))
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? "," : "", word(1u << i));
}

static const char *family_word(uint32_t bit)
{
	return bit == ENF_NET_FAMILY_OTHER ? "other" : enf_net_family_name(bit);
}

static const char *proto_word(uint32_t bit)
{
	enum enf_net_proto p = (enum enf_net_proto)__builtin_ctz(bit);

	return p == ENF_NET_PROTO_ANY ? "other" : enf_net_proto_name(p);
}

static void families_text(char *buf, size_t size, uint32_t fam)
{
	const uint32_t inet = ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6;

	if ((fam & inet) == inet) {
		words(buf, size, fam & ~inet, 6, family_word);
		char rest[64];
		snprintf(rest, sizeof(rest), "%s", buf);
		snprintf(buf, size, "inet%s%s", rest[0] ? "," : "", rest);
	} else {
		words(buf, size, fam, 6, family_word);
	}
}

static bool ports_all(const struct policy_diff_entry *en)
{
	return en->n_ports == 1 && en->ports[0].lo == 0 && en->ports[0].hi == 65535;
}

static bool ports_none(const struct policy_diff_entry *en)
{
	return en->n_ports == 1 && en->ports[0].lo == 0 && en->ports[0].hi == 0;
}

static void port_text(char *buf, size_t size, const struct policy_port_range *pr)
{
	if (pr->lo == pr->hi)
		snprintf(buf, size, "%u", pr->lo);
	else
		snprintf(buf, size, "%u-%u", pr->lo, pr->hi);
}

/* The executables an entry applies to, for people: "" (all), "from X", "from any executable but X". */
static void exes_text(FILE *out, const struct policy_diff *d, const struct policy_diff_entry *en)
{
	if (en->exe_all)
		return;
	if (!en->exe_other) {
		fprintf(out, " (from");
		for (size_t i = 0; i < en->n_exes; i++)
			fprintf(out, "%s %s", i ? "," : "", en->exes[i]);
		fprintf(out, ")");
		return;
	}
	fprintf(out, " (from any executable but");
	for (size_t i = 0, k = 0; i < d->n_exes; i++) {
		bool in = false;
		for (size_t j = 0; j < en->n_exes && !in; j++)
			in = strcmp(en->exes[j], d->exes[i]) == 0;
		if (!in)
			fprintf(out, "%s %s", k++ ? "," : "", d->exes[i]);
	}
	fprintf(out, ")");
}

static int print_what(FILE *out, const struct policy_diff *d, const struct policy_diff_entry *en)
{
	char buf[256];

	switch (en->kind) {
	case POLICY_DIFF_MODE:
		fprintf(out, "mode");
		return 0;
	case POLICY_DIFF_BASELINE:
		fprintf(out, "baseline %s (%s)", enf_baseline_words[en->baseline_word],
			enf_baseline_what(en->baseline_word));
		return 0;
	case POLICY_DIFF_FILELESS:
		fprintf(out, "exec of a file with no name (fileless)");
		return 0;
	case POLICY_DIFF_PATH: {
		/* "exec", "exec mapping", "file read,write" */
		char *cls = en->section == ENF_SECTION_FILE ? policy_diff_classes_text(en->classes) : NULL;
		if (en->section == ENF_SECTION_FILE && !cls)
			return -ENOMEM;
		fprintf(out, "%s%s%s", enf_section_name(en->section), cls ? " " : "",
			cls ? cls : en->classes & (1u << POLICY_DIFF_CLASS_MAP) ? " mapping" : "");
		free(cls);
		break;
	}
	case POLICY_DIFF_NET:
		words(buf, sizeof(buf), en->ops, 6, enf_net_op_name);
		fprintf(out, "network %s", buf);
		if (en->protos != (1u << (ENF_NET_PROTO_RAW + 1)) - 1) {
			words(buf, sizeof(buf), en->protos, ENF_NET_PROTO_RAW + 1, proto_word);
			fprintf(out, " %s", buf);
		}
		break;
	}
	for (size_t i = 0; i < en->n_regions; i++) {
		char *r = policy_diff_region_text(&en->regions[i]);
		if (!r)
			return -ENOMEM;
		fprintf(out, "%s%s", i ? ", " : " ", r);
		free(r);
	}
	if (en->kind == POLICY_DIFF_NET) {
		if (!ports_all(en) && !ports_none(en)) {
			fprintf(out, " port%s", en->n_ports > 1 || en->ports[0].lo != en->ports[0].hi ? "s" : "");
			for (size_t i = 0; i < en->n_ports; i++) {
				port_text(buf, sizeof(buf), &en->ports[i]);
				fprintf(out, "%s%s", i ? "," : " ", buf);
			}
		}
		if (en->families != ENF_NET_FAMILY_ANY) {
			families_text(buf, sizeof(buf), en->families);
			fprintf(out, " family %s", buf);
		}
	}
	exes_text(out, d, en);
	return 0;
}

int policy_diff_print(FILE *out, const struct policy_diff *d, const struct policy_profile *a,
		      const struct policy_profile *b)
{
	fprintf(out, "A: %s (profile \"%s\", %s)\n", a->source_file, a->name, enf_mode_name(a->mode));
	fprintf(out, "B: %s (profile \"%s\", %s)\n", b->source_file, b->name, enf_mode_name(b->mode));
	for (size_t i = 0; i < d->n_entries; i++) {
		const struct policy_diff_entry *en = &d->entries[i];
		char *sa, *sb;

		fprintf(out, "%c ", en->a_more ? '<' : '>');
		if (print_what(out, d, en) < 0)
			return -ENOMEM;
		switch (en->kind) {
		case POLICY_DIFF_MODE:
			fprintf(out, ": A %s, B %s (audit mode denies nothing)\n", enf_mode_name(en->mode_a),
				enf_mode_name(en->mode_b));
			continue;
		case POLICY_DIFF_BASELINE:
			fprintf(out, ": A %s, B %s\n",
				en->optout_a ? "allows it (opted out, logged)" : "refuses it (the confinement baseline)",
				en->optout_b ? "allows it (opted out, logged)" : "refuses it (the confinement baseline)");
			continue;
		default:
			break;
		}
		fprintf(out, ": A %s, B %s\n", enf_action_name(en->a.action), enf_action_name(en->b.action));
		sa = side_text(a, en, &en->a);
		sb = side_text(b, en, &en->b);
		if (!sa || !sb) {
			free(sa);
			free(sb);
			return -ENOMEM;
		}
		fprintf(out, "    A: %s\n    B: %s\n", sa, sb);
		free(sa);
		free(sb);
	}
	if (d->n_entries == 0)
		fprintf(out, "no differences: A and B decide every operation alike\n");
	else
		fprintf(out, "%zu difference%s: %zu where A allows more (<), %zu where B allows more (>)\n",
			d->n_entries, d->n_entries == 1 ? "" : "s", d->n_a_more, d->n_b_more);
	return ferror(out) ? -EIO : 0;
}

/* ------------------------------------------------------------------ JSON -- */

static json_t *word_array(uint32_t bits, unsigned n, const char *(*word)(uint32_t bit))
{
	json_t *arr = json_array();

	for (unsigned i = 0; arr && i < n; i++)
		if ((bits & (1u << i)) && json_array_append_new(arr, json_string(word(1u << i))) < 0) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

static const char *class_word(uint32_t bit)
{
	unsigned k = (unsigned)__builtin_ctz(bit);

	return k == POLICY_DIFF_CLASS_MAP ? "exec-mapping" : enf_class_name((enum enf_class)k);
}

static json_t *side_json(const struct policy_profile *p, const struct policy_diff_entry *en,
			 const struct policy_verdict *v)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (en->kind == POLICY_DIFF_FILELESS && !v->by_default && !v->section_absent) {
		char *s = side_text(p, en, v);
		if (!s || json_object_set_new(o, "action", json_string(enf_action_name(v->action))) < 0 ||
		    json_object_set_new(o, "decided_by", json_string("fileless")) < 0 ||
		    json_object_set_new(o, "rule", json_null()) < 0 ||
		    json_object_set_new(o, "summary", json_string(s)) < 0) {
			free(s);
			json_decref(o);
			return NULL;
		}
		free(s);
		return o;
	}
	if (policy_verdict_json(p, v, false, o) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *entry_json(const struct policy_diff *d, const struct policy_diff_entry *en,
			  const struct policy_profile *a, const struct policy_profile *b)
{
	static const char *const kinds[] = {
		[POLICY_DIFF_MODE] = "mode", [POLICY_DIFF_BASELINE] = "baseline", [POLICY_DIFF_FILELESS] = "fileless",
		[POLICY_DIFF_PATH] = "path", [POLICY_DIFF_NET] = "network",
	};
	json_t *o = json_pack("{s:s, s:s}", "more_permissive", en->a_more ? "a" : "b", "kind", kinds[en->kind]);
	json_t *arr;
	bool oom = !o;

	if (oom)
		return NULL;
	switch (en->kind) {
	case POLICY_DIFF_MODE:
		oom |= json_object_set_new(o, "a", json_string(enf_mode_name(en->mode_a))) < 0;
		oom |= json_object_set_new(o, "b", json_string(enf_mode_name(en->mode_b))) < 0;
		goto done;
	case POLICY_DIFF_BASELINE:
		oom |= json_object_set_new(o, "word", json_string(enf_baseline_words[en->baseline_word])) < 0;
		oom |= json_object_set_new(o, "a", json_string(en->optout_a ? "allow" : "deny")) < 0;
		oom |= json_object_set_new(o, "b", json_string(en->optout_b ? "allow" : "deny")) < 0;
		goto done;
	default:
		break;
	}
	oom |= json_object_set_new(o, "section", json_string(enf_section_name(en->section))) < 0;
	if (en->kind == POLICY_DIFF_PATH) {
		oom |= json_object_set_new(o, "access", word_array(en->classes, POLICY_DIFF_CLASS_MAP + 1, class_word)) < 0;
		arr = json_array();
		for (size_t i = 0; arr && i < en->n_regions; i++) {
			const struct policy_diff_region *r = &en->regions[i];
			const char *match = r->kind == POLICY_REGION_EXACT ? "exact" :
					    r->kind == POLICY_REGION_SUBTREE ? "subtree" : "elsewhere";
			char *text = policy_diff_region_text(r);
			oom |= !text || json_array_append_new(arr, json_pack("{s:s?, s:s, s:s}", "path",
							r->kind == POLICY_REGION_ELSEWHERE ? NULL : r->path,
							"match", match, "text", text)) < 0;
			free(text);
		}
		oom |= json_object_set_new(o, "paths", arr) < 0;
	}
	if (en->kind == POLICY_DIFF_NET) {
		char buf[32];
		oom |= json_object_set_new(o, "op", word_array(en->ops, 6, enf_net_op_name)) < 0;
		oom |= json_object_set_new(o, "family", word_array(en->families, 6, family_word)) < 0;
		oom |= json_object_set_new(o, "proto", word_array(en->protos, ENF_NET_PROTO_RAW + 1, proto_word)) < 0;
		arr = json_array();
		for (size_t i = 0; arr && i < en->n_regions; i++) {
			char *text = policy_diff_region_text(&en->regions[i]);
			oom |= !text || json_array_append_new(arr, en->regions[i].kind == POLICY_REGION_NO_ADDR ?
							      json_null() : json_string(text)) < 0;
			free(text);
		}
		oom |= json_object_set_new(o, "addr", arr) < 0;
		arr = json_array();
		for (size_t i = 0; arr && i < en->n_ports; i++) {
			port_text(buf, sizeof(buf), &en->ports[i]);
			oom |= json_array_append_new(arr, json_string(buf)) < 0;
		}
		oom |= json_object_set_new(o, "ports", arr) < 0;
	}
	if (en->kind != POLICY_DIFF_FILELESS) {
		arr = json_array();
		for (size_t i = 0; arr && i < en->n_exes; i++)
			oom |= json_array_append_new(arr, json_string(en->exes[i])) < 0;
		oom |= json_object_set_new(o, "from", json_pack("{s:b, s:b, s:o}", "any", en->exe_all, "others",
								 en->exe_other, "executables", arr)) < 0;
	}
	oom |= json_object_set_new(o, "a", side_json(a, en, &en->a)) < 0;
	oom |= json_object_set_new(o, "b", side_json(b, en, &en->b)) < 0;
done:
	(void)d;
	if (oom) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *policy_diff_json(const struct policy_diff *d, const struct policy_profile *a, const struct policy_profile *b)
{
	json_t *arr = json_array(), *o;

	for (size_t i = 0; arr && i < d->n_entries; i++) {
		json_t *e = entry_json(d, &d->entries[i], a, b);
		if (!e || json_array_append_new(arr, e) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	if (!arr)
		return NULL;
	o = json_pack("{s:{s:s, s:s, s:s}, s:{s:s, s:s, s:s}, s:b, s:I, s:I, s:o}",
		      "a", "file", a->source_file, "profile", a->name, "mode", enf_mode_name(a->mode),
		      "b", "file", b->source_file, "profile", b->name, "mode", enf_mode_name(b->mode),
		      "same", d->n_entries == 0, "a_more", (json_int_t)d->n_a_more, "b_more", (json_int_t)d->n_b_more,
		      "differences", arr);
	return o;
}
