// SPDX-License-Identifier: GPL-2.0-only
/*
 * The parser's diagnostics (parse_internal.h): every refusal as
 * FILE:LINE:COLUMN: KEY.PATH: expected ..., found ..., the key path of the
 * value being checked, how a found value is shown, and "did you mean" for
 * unknown keys and words.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parse_internal.h"
#include "path_check.h"
#include "util.h"

static int vfail(struct parse_ctx *c, int line, int column, const char *fmt, va_list ap)
{
	size_t size = sizeof(c->err->text);
	int n;

	if (line < 1)
		line = 1;
	if (column < 1)
		column = 1;
	n = snprintf(c->err->text, size, "%s:%d:%d: %s: ", c->file, line, column,
		     c->path[0] ? c->path : "(root)");
	if (n >= 0 && (size_t)n < size)
		vsnprintf(c->err->text + n, size - (size_t)n, fmt, ap);
	return -EINVAL;
}

int parse_fail(struct parse_ctx *c, const struct json_pos_node *at, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(c, at ? at->line : 1, at ? at->column : 1, fmt, ap);
	va_end(ap);
	return r;
}

int parse_fail_key(struct parse_ctx *c, const struct json_pos_node *at, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(c, at ? at->key_line : 1, at ? at->key_column : 1, fmt, ap);
	va_end(ap);
	return r;
}

static bool is_identifier(const char *k)
{
	if (!*k)
		return false;
	for (const char *p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

/*
 * Appends the pieces to c->path, cut short as snprintf() would cut them.
 * Every key and element of a profile pushes here (10,000 rules: 50,000
 * pushes), and snprintf() was a tenth of policyc's instructions.
 */
static void path_append(struct parse_ctx *c, size_t at, const char *const *pieces, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(pieces[i]), room = sizeof(c->path) - 1 - at;

		if (len > room)
			len = room;
		memcpy(c->path + at, pieces[i], len);
		at += len;
	}
	c->path[at] = '\0';
}

/* Key paths are printed, never parsed back: odd keys are quoted and cut. */
size_t parse_path_push_key(struct parse_ctx *c, const char *key)
{
	size_t old = strlen(c->path);

	if (is_identifier(key) && strlen(key) < 64) {
		path_append(c, old, (const char *const[]){ old ? "." : "", key }, 2);
	} else {
		char q[128];
		policy_quote(key, strlen(key), q, sizeof(q));
		path_append(c, old, (const char *const[]){ "[", q, "]" }, 3);
	}
	return old;
}

size_t parse_path_push_index(struct parse_ctx *c, size_t i)
{
	size_t old = strlen(c->path);
	char digits[24] = "";

	path_append(c, old, (const char *const[]){ "[", decimal_before(digits + sizeof(digits) - 1, i), "]" }, 3);
	return old;
}

void parse_path_pop(struct parse_ctx *c, size_t old)
{
	c->path[old] = '\0';
}

/* "found ..." text for any JSON value. */
void parse_describe(const json_t *v, char *out, size_t size)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		snprintf(out, size, json_object_size(v) ? "an object" : "an empty object");
		break;
	case JSON_ARRAY:
		snprintf(out, size, json_array_size(v) ? "an array" : "an empty array");
		break;
	case JSON_STRING:
		policy_quote(json_string_value(v), json_string_length(v), out, size);
		break;
	case JSON_INTEGER:
		snprintf(out, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(out, size, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(out, size, "true");
		break;
	case JSON_FALSE:
		snprintf(out, size, "false");
		break;
	case JSON_NULL:
	default:
		snprintf(out, size, "null");
		break;
	}
}

int parse_fail_type(struct parse_ctx *c, const struct json_pos_node *at, const json_t *v, const char *expected)
{
	char found[128];

	parse_describe(v, found, sizeof(found));
	return parse_fail(c, at, "expected %s, found %s", expected, found);
}

/* Levenshtein distance, for "did you mean" on near misses. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[65];

	if (la > 64 || lb > 64)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The closest of `words` to `s` when it is a plausible typo, else NULL. */
static const char *suggest(const char *s, const char *const *words)
{
	const char *best = NULL;
	size_t best_d = 3;

	for (size_t i = 0; words[i]; i++) {
		size_t d = strcasecmp(s, words[i]) == 0 ? 0 : edit_distance(s, words[i]);
		if (d < best_d && d < strlen(words[i])) {
			best = words[i];
			best_d = d;
		}
	}
	return best;
}

/* "a", "a or b", "a, b or c", each word quoted */
static void list_words(const char *const *words, char *out, size_t size)
{
	size_t n = 0, o = 0;

	while (words[n])
		n++;
	out[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int w = snprintf(out + o, size - o, "%s\"%s\"", sep, words[i]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

const char *const parse_top_keys[] = { "name", "mode", "exec", "file", "network", "baseline", NULL };
const char *const parse_section_keys[] = { "default", "rules", NULL };
const char *const parse_exec_section_keys[] = { "default", "rules", "fileless", NULL };
const char *const parse_exec_rule_keys[] = { "action", "path", "from", NULL };
const char *const parse_file_rule_keys[] = { "action", "path", "access", "from", NULL };
const char *const parse_net_rule_keys[] = { "action", "op", "family", "proto", "addr", "ports", "from", NULL };

static bool in_list(const char *k, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(k, list[i]) == 0)
			return true;
	return false;
}

/*
 * Strict unpacking: every key must be known. A key that belongs to another
 * kind of rule gets a hint about where it goes, a near miss a "did you mean".
 */
int parse_check_keys(struct parse_ctx *c, json_t *obj, const struct json_pos_node *pn,
		     const char *const *allowed, const char *kind)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		const struct json_pos_node *kp;
		const char *s;
		char list[256];

		if (in_list(key, allowed))
			continue;
		kp = json_pos_member(pn, key);
		parse_path_push_key(c, key);
		list_words(allowed, list, sizeof(list));
		if (allowed == parse_exec_rule_keys && strcmp(key, "access") == 0)
			return parse_fail_key(c, kp, "unknown key: exec rules have no \"access\" (an exec rule is about executing the file); remove it");
		if (allowed != parse_net_rule_keys && in_list(key, parse_net_rule_keys))
			return parse_fail_key(c, kp, "unknown key: \"%s\" is a key of network rules; %s take %s", key, kind, list);
		if (allowed == parse_net_rule_keys && in_list(key, parse_file_rule_keys))
			return parse_fail_key(c, kp, "unknown key: \"%s\" is a key of exec and file rules; %s take %s", key, kind, list);
		s = suggest(key, allowed);
		if (s)
			return parse_fail_key(c, kp, "unknown key: expected one of %s in %s; did you mean \"%s\"?", list, kind, s);
		return parse_fail_key(c, kp, "unknown key: expected one of %s in %s", list, kind);
	}
	return 0;
}

int parse_word(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn,
	       const char *const *words, const struct parse_hint *hints, const char *what,
	       const char **ret)
{
	char list[256], found[128];
	const char *s;

	if (!json_is_string(v))
		return parse_fail_type(c, pn, v, what);
	s = json_string_value(v);
	for (size_t i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0) {
			*ret = words[i];
			return 0;
		}
	list_words(words, list, sizeof(list)); /* for the error only: most of a large profile's parse time otherwise */
	parse_describe(v, found, sizeof(found));
	for (size_t i = 0; hints && hints[i].word; i++)
		if (strcmp(s, hints[i].word) == 0)
			return parse_fail(c, pn, "expected %s (%s), found %s: %s", what, list, found, hints[i].advice);
	const char *sug = suggest(s, words);
	if (sug)
		return parse_fail(c, pn, "expected %s (%s), found %s; did you mean \"%s\"?", what, list, found, sug);
	return parse_fail(c, pn, "expected %s (%s), found %s", what, list, found);
}

/*
 * An array of vocabulary words -> bits, each word once and no overlap.
 * `to_bits` maps a word to its bits or fails.
 */
int parse_word_set(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn,
		   const char *const *words, const struct parse_hint *hints,
		   int (*to_bits)(const char *, uint32_t *), const char *what_set,
		   const char *what_word, const char *alone_word, uint32_t *ret)
{
	uint32_t all = 0;
	size_t n;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return parse_fail_type(c, pn, v, what_set);
	n = json_array_size(v);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(v, i);
		const struct json_pos_node *ep = json_pos_element(pn, i);
		const char *w;
		uint32_t bits = 0;
		size_t old = parse_path_push_index(c, i);
		int r;

		r = parse_word(c, e, ep, words, hints, what_word, &w);
		if (r < 0)
			return r;
		if (to_bits(w, &bits) < 0)
			return -EINVAL; /* the vocabulary tables disagree: a bug, not input */
		if (alone_word && n > 1 && strcmp(w, alone_word) == 0)
			return parse_fail(c, ep, "expected \"%s\" alone (it already includes every other word), found it with %zu others",
					  alone_word, n - 1);
		if (all & bits) {
			/* name the earlier element it repeats or overlaps */
			for (size_t j = 0; j < i; j++) {
				uint32_t b = 0;
				const char *ew = json_string_value(json_array_get(v, j));
				if (to_bits(ew, &b) == 0 && (b & bits))
					return parse_fail(c, ep, strcmp(ew, w) == 0 ?
							  "expected each word once, found \"%s\" again (it is also [%zu])" :
							  "expected words that do not overlap, found \"%s\", already covered by [%zu] (\"%s\")",
							  w, j, ew);
			}
		}
		all |= bits;
		parse_path_pop(c, old);
	}
	*ret = all;
	return 0;
}

int parse_missing(struct parse_ctx *c, const struct json_pos_node *pn, const char *key, const char *expected)
{
	return parse_fail(c, pn, "expected a \"%s\" key (%s), found none", key, expected);
}
