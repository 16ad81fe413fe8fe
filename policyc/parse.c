// SPDX-License-Identifier: GPL-2.0-only
/*
 * Profile parser: JSON text -> struct policy_profile, with every check the
 * format defines (docs/policy.md). jansson does the JSON; a position index
 * (json_pos.c) gives each value its line:column, so every refusal reads
 *
 *   FILE:LINE:COLUMN: KEY.PATH: expected ..., found ...
 *
 * The first problem found stops the parse: later errors are often echoes of
 * the first one, and one precise message beats a page of guesses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "baseline.h"
#include "bundle.h"
#include "canonical.h"
#include "json_pos.h"
#include "path_check.h"

#define POLICY_RULES_MAX  262144u      /* rules per profile, all sections together */
#define POLICY_FILE_MAX   (64u << 20)  /* bytes of profile text */
#define KEY_PATH_MAX      256

struct ctx {
	const char *file;
	struct policy_error *err;
	/* Key path of the value being checked, e.g. "network.rules[3].ports[1]". */
	char path[KEY_PATH_MAX];
	size_t n_rules;
};

#define cleanup(f) __attribute__((cleanup(f)))
static void json_pos_freep(struct json_pos_node **n) { json_pos_free(*n); }
static void freep(void *p) { free(*(void **)p); }

/* ------------------------------------------------------------ messages -- */

static int vfail(struct ctx *c, int line, int column, const char *fmt, va_list ap)
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

/* An error about the value at `at` (or, for fail_key, about its key). */
static int fail(struct ctx *c, const struct json_pos_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, const struct json_pos_node *at, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(c, at ? at->line : 1, at ? at->column : 1, fmt, ap);
	va_end(ap);
	return r;
}

static int fail_key(struct ctx *c, const struct json_pos_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_key(struct ctx *c, const struct json_pos_node *at, const char *fmt, ...)
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

/* Key paths are printed, never parsed back: odd keys are quoted and cut. */
static size_t path_push_key(struct ctx *c, const char *key)
{
	size_t old = strlen(c->path);
	size_t room = sizeof(c->path) - old;

	if (is_identifier(key) && strlen(key) < 64) {
		snprintf(c->path + old, room, "%s%s", old ? "." : "", key);
	} else {
		char q[128];
		policy_quote(key, strlen(key), q, sizeof(q));
		snprintf(c->path + old, room, "[%s]", q);
	}
	return old;
}

static size_t path_push_index(struct ctx *c, size_t i)
{
	size_t old = strlen(c->path);

	snprintf(c->path + old, sizeof(c->path) - old, "[%zu]", i);
	return old;
}

static void path_pop(struct ctx *c, size_t old)
{
	c->path[old] = '\0';
}

/* "found ..." text for any JSON value. */
static void describe(const json_t *v, char *out, size_t size)
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

static int fail_type(struct ctx *c, const struct json_pos_node *at, const json_t *v, const char *expected)
{
	char found[128];

	describe(v, found, sizeof(found));
	return fail(c, at, "expected %s, found %s", expected, found);
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

/* ------------------------------------------------------- object checks -- */

static const char *const top_keys[] = { "name", "mode", "exec", "file", "network", "baseline", NULL };
static const char *const section_keys[] = { "default", "rules", NULL };
static const char *const exec_section_keys[] = { "default", "rules", "fileless", NULL };
static const char *const exec_rule_keys[] = { "action", "path", "from", NULL };
static const char *const file_rule_keys[] = { "action", "path", "access", "from", NULL };
static const char *const net_rule_keys[] = { "action", "op", "family", "proto", "addr", "ports", "from", NULL };

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
static int check_keys(struct ctx *c, json_t *obj, const struct json_pos_node *pn,
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
		path_push_key(c, key);
		list_words(allowed, list, sizeof(list));
		if (allowed == exec_rule_keys && strcmp(key, "access") == 0)
			return fail_key(c, kp, "unknown key: exec rules have no \"access\" (an exec rule is about executing the file); remove it");
		if (allowed != net_rule_keys && in_list(key, net_rule_keys))
			return fail_key(c, kp, "unknown key: \"%s\" is a key of network rules; %s take %s", key, kind, list);
		if (allowed == net_rule_keys && in_list(key, file_rule_keys))
			return fail_key(c, kp, "unknown key: \"%s\" is a key of exec and file rules; %s take %s", key, kind, list);
		s = suggest(key, allowed);
		if (s)
			return fail_key(c, kp, "unknown key: expected one of %s in %s; did you mean \"%s\"?", list, kind, s);
		return fail_key(c, kp, "unknown key: expected one of %s in %s", list, kind);
	}
	return 0;
}

/* A string from a fixed vocabulary; hints[] maps common wrong words to advice. */
struct hint {
	const char *word, *advice;
};

static int parse_word(struct ctx *c, json_t *v, const struct json_pos_node *pn,
		      const char *const *words, const struct hint *hints, const char *what,
		      const char **ret)
{
	char list[256], found[128];
	const char *s;

	list_words(words, list, sizeof(list));
	if (!json_is_string(v))
		return fail_type(c, pn, v, what);
	s = json_string_value(v);
	for (size_t i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0) {
			*ret = words[i];
			return 0;
		}
	describe(v, found, sizeof(found));
	for (size_t i = 0; hints && hints[i].word; i++)
		if (strcmp(s, hints[i].word) == 0)
			return fail(c, pn, "expected %s (%s), found %s: %s", what, list, found, hints[i].advice);
	const char *sug = suggest(s, words);
	if (sug)
		return fail(c, pn, "expected %s (%s), found %s; did you mean \"%s\"?", what, list, found, sug);
	return fail(c, pn, "expected %s (%s), found %s", what, list, found);
}

/* ------------------------------------------------------ profile fields -- */

static int parse_name(struct ctx *c, json_t *v, const struct json_pos_node *pn, char **ret)
{
	const char *s;
	size_t len;
	char found[128];

	if (!json_is_string(v))
		return fail_type(c, pn, v, "a profile name (a string)");
	s = json_string_value(v);
	len = json_string_length(v);
	describe(v, found, sizeof(found));
	if (len == 0 || len > ENF_PROFILE_NAME_MAX - 1)
		return fail(c, pn, "expected a profile name of 1 to %d characters (ENF_PROFILE_NAME_MAX - 1), found %s (%zu characters)",
			    ENF_PROFILE_NAME_MAX - 1, found, len);
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (!enf_profile_name_char(ch)) {
			unsigned char u = (unsigned char)ch;
			if (u >= 0x20 && u < 0x7f)
				return fail(c, pn, "expected a profile name of characters A-Z a-z 0-9 _ . -, found %s ('%c' at offset %zu)",
					    found, ch, i);
			return fail(c, pn, "expected a profile name of characters A-Z a-z 0-9 _ . -, found %s (byte 0x%02x at offset %zu)",
				    found, u, i);
		}
	}
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

static int parse_action(struct ctx *c, json_t *v, const struct json_pos_node *pn, bool rule,
			enum enf_action *ret)
{
	static const char *const rule_words[] = { "allow", "deny", "audit", NULL };
	static const char *const default_words[] = { "allow", "deny", NULL };
	static const struct hint hints[] = {
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
	*ret = strcmp(w, "allow") == 0 ? ENF_ACT_ALLOW : strcmp(w, "deny") == 0 ? ENF_ACT_DENY : ENF_ACT_AUDIT;
	return 0;
}

static int parse_path_value(struct ctx *c, json_t *v, const struct json_pos_node *pn,
			    unsigned flags, const char *what, char **ret_path, bool *ret_subtree)
{
	char why[768];
	bool subtree;
	int r;

	if (!json_is_string(v))
		return fail_type(c, pn, v, what);
	r = policy_path_check(json_string_value(v), json_string_length(v), flags, what,
			      ret_path, &subtree, why, sizeof(why));
	if (r == -EINVAL)
		return fail(c, pn, "%s", why);
	if (r < 0)
		return r;
	if (ret_subtree)
		*ret_subtree = subtree;
	return 0;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct from_entry {
	const char *s;
	size_t index;
};

static int cmp_from_entry(const void *a, const void *b)
{
	const struct from_entry *x = a, *y = b;
	int r = strcmp(x->s, y->s);

	if (r)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* "from": a set of executables, stored sorted so equal sets compare equal. */
static int parse_from(struct ctx *c, json_t *v, const struct json_pos_node *pn,
		      char ***ret_from, size_t *ret_n)
{
	cleanup(freep) struct from_entry *entries = NULL;
	char **from;
	size_t n, old;
	int r;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return fail_type(c, pn, v, "a non-empty array of executable paths");
	n = json_array_size(v);
	from = calloc(n, sizeof(*from));
	if (!from)
		return -ENOMEM;
	*ret_from = from;
	*ret_n = 0;
	for (size_t i = 0; i < n; i++) {
		old = path_push_index(c, i);
		r = parse_path_value(c, json_array_get(v, i), json_pos_element(pn, i), 0,
				     "an executable path", &from[i], NULL);
		if (r < 0)
			return r;
		path_pop(c, old);
		*ret_n = i + 1;
	}

	entries = calloc(n, sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		entries[i] = (struct from_entry){ from[i], i };
	qsort(entries, n, sizeof(*entries), cmp_from_entry);
	/* report the duplicate that comes first in the file */
	size_t dup = n, first = 0;
	for (size_t i = 1; i < n; i++)
		if (strcmp(entries[i].s, entries[i - 1].s) == 0 && entries[i].index < dup) {
			dup = entries[i].index;
			first = entries[i - 1].index;
		}
	if (dup < n) {
		char q[128];
		policy_quote(from[dup], strlen(from[dup]), q, sizeof(q));
		path_push_index(c, dup);
		return fail(c, json_pos_element(pn, dup),
			    "expected each executable once, found %s again (it is also [%zu])", q, first);
	}
	qsort(from, n, sizeof(*from), cmp_strp);
	return 0;
}

/*
 * An array of vocabulary words -> bits, each word once and no overlap.
 * `to_bits` maps a word to its bits or fails.
 */
static int parse_word_set(struct ctx *c, json_t *v, const struct json_pos_node *pn,
			  const char *const *words, const struct hint *hints,
			  int (*to_bits)(const char *, uint32_t *), const char *what_set,
			  const char *what_word, const char *alone_word, uint32_t *ret)
{
	uint32_t all = 0;
	size_t n;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return fail_type(c, pn, v, what_set);
	n = json_array_size(v);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(v, i);
		const struct json_pos_node *ep = json_pos_element(pn, i);
		const char *w;
		uint32_t bits = 0;
		size_t old = path_push_index(c, i);
		int r;

		r = parse_word(c, e, ep, words, hints, what_word, &w);
		if (r < 0)
			return r;
		if (to_bits(w, &bits) < 0)
			return -EINVAL; /* the vocabulary tables disagree: a bug, not input */
		if (alone_word && n > 1 && strcmp(w, alone_word) == 0)
			return fail(c, ep, "expected \"%s\" alone (it already includes every other word), found it with %zu others",
				    alone_word, n - 1);
		if (all & bits) {
			/* name the earlier element it repeats or overlaps */
			for (size_t j = 0; j < i; j++) {
				uint32_t b = 0;
				const char *ew = json_string_value(json_array_get(v, j));
				if (to_bits(ew, &b) == 0 && (b & bits))
					return fail(c, ep, strcmp(ew, w) == 0 ?
						    "expected each word once, found \"%s\" again (it is also [%zu])" :
						    "expected words that do not overlap, found \"%s\", already covered by [%zu] (\"%s\")",
						    w, j, ew);
			}
		}
		all |= bits;
		path_pop(c, old);
	}
	*ret = all;
	return 0;
}

static int access_bits(const char *w, uint32_t *ret)
{
	return policy_access_from_word(w, ret);
}

static int op_bits(const char *w, uint32_t *ret)
{
	return policy_net_op_from_word(w, ret);
}

static int family_bits(const char *w, uint32_t *ret)
{
	return policy_family_from_word(w, ret);
}

static int parse_access(struct ctx *c, json_t *v, const struct json_pos_node *pn, uint32_t *ret)
{
	static const char *const words[] = { "read", "write", "create", "delete", "rename", "link",
					     "setattr", "all", NULL };
	static const struct hint hints[] = {
		{ "exec", "executing is controlled by the \"exec\" section" },
		{ "execute", "executing is controlled by the \"exec\" section" },
		{ "append", "\"write\" includes append" },
		{ "truncate", "\"write\" includes truncate" },
		{ "open", "say what the open is for: \"read\" and/or \"write\"" },
		{ "chmod", "\"setattr\" includes chmod" },
		{ "chown", "\"setattr\" includes chown" },
		{ "unlink", "\"delete\" includes unlink" },
		{ "rmdir", "\"delete\" includes rmdir" },
		{ "mkdir", "\"create\" includes mkdir" },
		{ "mknod", "\"create\" includes mknod" },
		{ "symlink", "\"create\" includes symlink" },
		{ NULL, NULL },
	};

	return parse_word_set(c, v, pn, words, hints, access_bits,
			      "a non-empty array of access words", "an access word", "all", ret);
}

static int parse_ops(struct ctx *c, json_t *v, const struct json_pos_node *pn, uint32_t *ret)
{
	static const char *const words[] = { "create", "connect", "bind", "listen", "accept", "send", NULL };
	static const struct hint hints[] = {
		{ "socket", "write \"create\"" },
		{ "sendto", "write \"send\"" },
		{ "sendmsg", "write \"send\"" },
		{ NULL, NULL },
	};

	return parse_word_set(c, v, pn, words, hints, op_bits,
			      "a non-empty array of network operations", "a network operation", NULL, ret);
}

static int parse_families(struct ctx *c, json_t *v, const struct json_pos_node *pn, uint32_t *ret)
{
	static const char *const words[] = { "inet", "inet4", "inet6", "unix", "packet", "netlink", "any", NULL };
	static const struct hint hints[] = {
		{ "ipv4", "write \"inet4\"" },
		{ "ipv6", "write \"inet6\"" },
		{ "ip", "write \"inet\"" },
		{ "local", "write \"unix\"" },
		{ NULL, NULL },
	};
	const char *w;
	int r;

	if (json_is_string(v)) {
		r = parse_word(c, v, pn, words, hints, "a socket family", &w);
		if (r < 0)
			return r;
		return policy_family_from_word(w, ret);
	}
	if (!json_is_array(v) || json_array_size(v) == 0)
		return fail_type(c, pn, v, "a socket family or a non-empty array of them");
	return parse_word_set(c, v, pn, words, hints, family_bits,
			      "a socket family or a non-empty array of them", "a socket family", "any", ret);
}

static int parse_proto(struct ctx *c, json_t *v, const struct json_pos_node *pn, enum policy_net_proto *ret)
{
	static const char *const words[] = { "tcp", "udp", "icmp", "raw", "any", NULL };
	static const struct hint hints[] = {
		{ "icmpv6", "\"icmp\" covers ICMPv6 too" },
		{ "icmp6", "\"icmp\" covers ICMPv6 too" },
		{ "sctp", "only tcp, udp, icmp and raw are distinguished in v1; use \"any\"" },
		{ NULL, NULL },
	};
	const char *w;
	int r;

	r = parse_word(c, v, pn, words, hints, "a protocol", &w);
	if (r < 0)
		return r;
	return policy_proto_from_word(w, ret);
}

/* "10.0.0.0/8", "::1", ... into the rule. */
static int parse_addr(struct ctx *c, json_t *v, const struct json_pos_node *pn, struct policy_net_rule *nr)
{
	char buf[INET6_ADDRSTRLEN + 8], found[128], fixed[INET6_ADDRSTRLEN + 8];
	uint8_t a[16] = { 0 }, masked[16];
	const char *s, *slash;
	unsigned max, prefix;
	bool v6;

	if (!json_is_string(v))
		return fail_type(c, pn, v, "an IPv4 or IPv6 address or CIDR prefix (a string)");
	s = json_string_value(v);
	describe(v, found, sizeof(found));
	slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return fail(c, pn, "expected an IPv4 or IPv6 address with an optional /prefix, found %s", found);
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	v6 = strchr(buf, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, a) != 1)
		return fail(c, pn, "expected an IPv4 or IPv6 address with an optional /prefix, found %s (%s is not an %s address)",
			    found, buf, v6 ? "IPv6" : "IPv4");
	max = v6 ? 128 : 32;
	prefix = max;
	if (slash) {
		const char *p = slash + 1;
		size_t n = strlen(p);
		if (n == 0 || n > 3 || strspn(p, "0123456789") != n)
			return fail(c, pn, "expected a prefix length 0-%u after '/', found %s", max, found);
		prefix = (unsigned)atoi(p);
		if (prefix > max)
			return fail(c, pn, "expected a prefix length 0-%u for an %s address, found %s",
				    max, v6 ? "IPv6" : "IPv4", found);
	}
	memcpy(masked, a, sizeof(a));
	for (unsigned bit = prefix; bit < max; bit++)
		masked[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	if (memcmp(masked, a, sizeof(a)) != 0) {
		policy_addr_format(v6 ? 6 : 4, masked, (uint8_t)prefix, fixed, sizeof(fixed));
		return fail(c, pn, "%s has host bits set; did you mean %s?", s, fixed);
	}
	if (v6 && prefix >= 96) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(a, mapped, sizeof(mapped)) == 0) {
			/* mapped peers are matched as IPv4 (docs/policy.md), so say it that way */
			policy_addr_format(4, a + 12, (uint8_t)(prefix - 96), fixed, sizeof(fixed));
			return fail(c, pn, "expected an IPv6 address that is not IPv4-mapped, found %s: IPv4-mapped addresses are matched as IPv4; write %s",
				    found, fixed);
		}
	}
	nr->has_addr = true;
	nr->addr_family = v6 ? 6 : 4;
	nr->prefix_len = (uint8_t)prefix;
	memcpy(nr->addr, a, sizeof(nr->addr));
	return 0;
}

struct port_entry {
	struct policy_port_range r;
	size_t index;
};

static int cmp_port_entry(const void *a, const void *b)
{
	const struct port_entry *x = a, *y = b;

	if (x->r.lo != y->r.lo)
		return x->r.lo < y->r.lo ? -1 : 1;
	if (x->r.hi != y->r.hi)
		return x->r.hi < y->r.hi ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int cmp_port_range(const void *a, const void *b)
{
	const struct policy_port_range *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->hi > y->hi) - (x->hi < y->hi);
}

static int parse_ports(struct ctx *c, json_t *v, const struct json_pos_node *pn, struct policy_net_rule *nr)
{
	cleanup(freep) struct port_entry *e = NULL;
	size_t n;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return fail_type(c, pn, v, "a non-empty array of ports (1-65535) and ranges (\"lo-hi\")");
	n = json_array_size(v);
	nr->ports = calloc(n, sizeof(*nr->ports));
	e = calloc(n, sizeof(*e));
	if (!nr->ports || !e)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *p = json_array_get(v, i);
		const struct json_pos_node *ep = json_pos_element(pn, i);
		size_t old = path_push_index(c, i);
		char found[128];

		describe(p, found, sizeof(found));
		if (json_is_integer(p)) {
			json_int_t x = json_integer_value(p);
			if (x < 1 || x > 65535)
				return fail(c, ep, "expected a port 1-65535, found %s", found);
			e[i].r.lo = e[i].r.hi = (uint16_t)x;
		} else if (json_is_string(p)) {
			const char *s = json_string_value(p);
			size_t l1 = strspn(s, "0123456789");
			if (l1 == strlen(s) && l1 > 0 && l1 <= 5)
				return fail(c, ep, "expected a port range \"lo-hi\", found %s; write a single port as a number: %s",
					    found, s);
			if (l1 == 0 || l1 > 5 || s[l1] != '-')
				return fail(c, ep, "expected a port range \"lo-hi\" (e.g. \"8000-8099\"), found %s", found);
			const char *h = s + l1 + 1;
			size_t l2 = strspn(h, "0123456789");
			if (l2 == 0 || l2 > 5 || h[l2] != '\0')
				return fail(c, ep, "expected a port range \"lo-hi\" (e.g. \"8000-8099\"), found %s", found);
			long lo = atol(s), hi = atol(h);
			if (lo < 1 || hi > 65535 || lo > 65535 || hi < 1)
				return fail(c, ep, "expected a port range \"lo-hi\" with both ends 1-65535, found %s", found);
			if (lo > hi)
				return fail(c, ep, "expected a port range \"lo-hi\" with lo <= hi, found %s; did you mean \"%ld-%ld\"?",
					    found, hi, lo);
			e[i].r.lo = (uint16_t)lo;
			e[i].r.hi = (uint16_t)hi;
		} else {
			return fail(c, ep, "expected a port 1-65535 or a range \"lo-hi\", found %s", found);
		}
		e[i].index = i;
		nr->ports[i] = e[i].r;
		nr->n_ports = i + 1;
		path_pop(c, old);
	}

	/*
	 * Overlaps are mistakes (and make "the same rule" ambiguous): name both.
	 * Sweep in order of lo, remembering the range that reaches furthest.
	 */
	qsort(e, n, sizeof(*e), cmp_port_entry);
	size_t bad = n, other = 0, reach = 0;
	for (size_t i = 1; i < n; i++) {
		if (e[i].r.lo <= e[reach].r.hi) {
			size_t later = e[i].index > e[reach].index ? e[i].index : e[reach].index;
			size_t earlier = e[i].index > e[reach].index ? e[reach].index : e[i].index;
			if (later < bad) {
				bad = later;
				other = earlier;
			}
		}
		if (e[i].r.hi > e[reach].r.hi)
			reach = i;
	}
	if (bad < n) {
		char a[128], b[128];
		describe(json_array_get(v, bad), a, sizeof(a));
		describe(json_array_get(v, other), b, sizeof(b));
		path_push_index(c, bad);
		return fail(c, json_pos_element(pn, bad), "expected ports that do not overlap, found %s, which overlaps [%zu] (%s)",
			    a, other, b);
	}
	qsort(nr->ports, n, sizeof(*nr->ports), cmp_port_range);
	return 0;
}

/* -------------------------------------------------------------- rules -- */

static int count_rule(struct ctx *c, const struct json_pos_node *pn)
{
	if (++c->n_rules > POLICY_RULES_MAX)
		return fail(c, pn, "expected at most %u rules per profile (POLICY_RULES_MAX), found more",
			    POLICY_RULES_MAX);
	return 0;
}

static int missing(struct ctx *c, const struct json_pos_node *pn, const char *key, const char *expected)
{
	return fail(c, pn, "expected a \"%s\" key (%s), found none", key, expected);
}

static int parse_path_rule(struct ctx *c, json_t *v, const struct json_pos_node *pn,
			   enum enf_section section, struct policy_path_rule *r)
{
	bool exec = section == ENF_SECTION_EXEC;
	const char *key;
	json_t *m;
	int ret;

	if (!json_is_object(v))
		return fail_type(c, pn, v, "a rule (an object)");
	r->src.line = pn ? pn->line : 1;
	r->src.column = pn ? pn->column : 1;
	ret = check_keys(c, v, pn, exec ? exec_rule_keys : file_rule_keys, exec ? "exec rules" : "file rules");
	if (ret < 0)
		return ret;

	json_object_foreach(v, key, m) {
		const struct json_pos_node *mp = json_pos_member(pn, key);
		size_t old = path_push_key(c, key);

		if (strcmp(key, "action") == 0)
			ret = parse_action(c, m, mp, true, &r->action);
		else if (strcmp(key, "path") == 0)
			ret = parse_path_value(c, m, mp, POLICY_PATH_SUBTREE_OK, "a rule path", &r->path, &r->subtree);
		else if (strcmp(key, "access") == 0)
			ret = parse_access(c, m, mp, &r->access);
		else if (strcmp(key, "from") == 0)
			ret = parse_from(c, m, mp, &r->from, &r->n_from);
		if (ret < 0)
			return ret;
		path_pop(c, old);
	}

	if (!r->action)
		return missing(c, pn, "action", "\"allow\", \"deny\" or \"audit\"");
	if (!r->path)
		return missing(c, pn, "path", "an absolute path, or a subtree ending in \"/**\"");
	if (exec)
		r->access = 1u << ENF_CLASS_EXEC;
	else if (!r->access)
		return missing(c, pn, "access", "a non-empty array of read, write, create, delete, rename, link, setattr or all");
	return 0;
}

static bool has_ip_family(uint32_t families)
{
	return families & (POLICY_FAMILY_INET4 | POLICY_FAMILY_INET6);
}

/* The rule's "family" as written: "unix" or ["inet6", "unix"]; "any" when absent. */
static void families_text(const json_t *rule, char *out, size_t size)
{
	json_t *f = json_object_get(rule, "family"), *e;
	size_t i, o;

	if (!f) {
		snprintf(out, size, "\"any\"");
		return;
	}
	if (!json_is_array(f)) {
		describe(f, out, size);
		return;
	}
	o = (size_t)snprintf(out, size, "[");
	json_array_foreach(f, i, e) {
		if (o >= size)
			break;
		o += (size_t)snprintf(out + o, size - o, "%s\"%s\"", i ? ", " : "", json_string_value(e));
	}
	if (o < size)
		snprintf(out + o, size - o, "]");
}

static int parse_net_rule(struct ctx *c, json_t *v, const struct json_pos_node *pn, struct policy_net_rule *r)
{
	const char *key;
	json_t *m;
	char fam[128], val[128];
	int ret;

	if (!json_is_object(v))
		return fail_type(c, pn, v, "a rule (an object)");
	r->src.line = pn ? pn->line : 1;
	r->src.column = pn ? pn->column : 1;
	r->families = POLICY_FAMILY_ANY;
	r->proto = POLICY_PROTO_ANY;
	ret = check_keys(c, v, pn, net_rule_keys, "network rules");
	if (ret < 0)
		return ret;

	json_object_foreach(v, key, m) {
		const struct json_pos_node *mp = json_pos_member(pn, key);
		size_t old = path_push_key(c, key);

		if (strcmp(key, "action") == 0)
			ret = parse_action(c, m, mp, true, &r->action);
		else if (strcmp(key, "op") == 0)
			ret = parse_ops(c, m, mp, &r->ops);
		else if (strcmp(key, "family") == 0)
			ret = parse_families(c, m, mp, &r->families);
		else if (strcmp(key, "proto") == 0)
			ret = parse_proto(c, m, mp, &r->proto);
		else if (strcmp(key, "addr") == 0)
			ret = parse_addr(c, m, mp, r);
		else if (strcmp(key, "ports") == 0)
			ret = parse_ports(c, m, mp, r);
		else if (strcmp(key, "from") == 0)
			ret = parse_from(c, m, mp, &r->from, &r->n_from);
		if (ret < 0)
			return ret;
		path_pop(c, old);
	}

	if (!r->action)
		return missing(c, pn, "action", "\"allow\", \"deny\" or \"audit\"");
	if (!r->ops)
		return missing(c, pn, "op", "a non-empty array of create, connect, bind, listen, accept or send");

	/* Consistency: a rule that can never match is a mistake; name both keys. */
	families_text(v, fam, sizeof(fam));
	const struct json_pos_node *addr_pn = json_pos_member(pn, "addr");
	const struct json_pos_node *ports_pn = json_pos_member(pn, "ports");
	const struct json_pos_node *proto_pn = json_pos_member(pn, "proto");
	const struct json_pos_node *op_pn = json_pos_member(pn, "op");
	size_t old;

	if (r->has_addr) {
		describe(json_object_get(v, "addr"), val, sizeof(val));
		old = path_push_key(c, "addr");
		if (!has_ip_family(r->families))
			return fail(c, addr_pn, "\"addr\" conflicts with \"family\" %s: expected no \"addr\" (only inet4 and inet6 sockets have addresses), found %s",
				    fam, val);
		if (r->addr_family == 6 && !(r->families & POLICY_FAMILY_INET6))
			return fail(c, addr_pn, "\"addr\" conflicts with \"family\" %s: expected an IPv4 address, found %s (IPv6)",
				    fam, val);
		if (r->addr_family == 4 && !(r->families & POLICY_FAMILY_INET4))
			return fail(c, addr_pn, "\"addr\" conflicts with \"family\" %s: expected an IPv6 address, found %s (IPv4; for IPv4-mapped peers of IPv6 sockets use family \"inet\")",
				    fam, val);
		path_pop(c, old);
	}
	if (r->n_ports) {
		old = path_push_key(c, "ports");
		if (!has_ip_family(r->families))
			return fail(c, ports_pn, "\"ports\" conflicts with \"family\" %s: expected no \"ports\" (only inet4 and inet6 sockets have ports)",
				    fam);
		if (r->proto == POLICY_PROTO_ICMP || r->proto == POLICY_PROTO_RAW)
			return fail(c, ports_pn, "\"ports\" conflicts with \"proto\" \"%s\": expected no \"ports\" (%s sockets have no ports)",
				    policy_proto_word(r->proto), policy_proto_word(r->proto));
		path_pop(c, old);
	}
	if (r->proto != POLICY_PROTO_ANY && !has_ip_family(r->families)) {
		path_push_key(c, "proto");
		return fail(c, proto_pn, "\"proto\" conflicts with \"family\" %s: expected \"any\" (tcp, udp, icmp and raw are inet protocols), found \"%s\"",
			    fam, policy_proto_word(r->proto));
	}
	if ((r->ops & POLICY_NET_CREATE) && (r->has_addr || r->n_ports)) {
		path_push_key(c, "op");
		return fail(c, op_pn, "\"op\" \"create\" conflicts with \"%s\": creating a socket involves no address or port; put \"create\" in a rule of its own",
			    r->has_addr ? "addr" : "ports");
	}
	if (!policy_net_ops_fit_proto(r->ops, r->proto)) {
		path_push_key(c, "op");
		return fail(c, op_pn, "\"op\" \"%s\" conflicts with \"proto\" \"%s\": only stream (tcp) sockets listen and accept",
			    (r->ops & POLICY_NET_LISTEN) ? "listen" : "accept", policy_proto_word(r->proto));
	}
	return 0;
}

/* ----------------------------------------------- duplicates, conflicts -- */

static int cmp_from_sets(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return na < nb ? -1 : 1;
	for (size_t i = 0; i < na; i++) {
		int r = strcmp(a[i], b[i]);
		if (r)
			return r;
	}
	return 0;
}

/*
 * Duplicate and contradiction checks sort rule indices by their match so
 * equal matches are adjacent; qsort_r keeps the parser reentrant.
 */
static int path_match_cmp(const struct policy_path_rule *x, const struct policy_path_rule *y)
{
	int r = strcmp(x->path, y->path);

	if (r)
		return r;
	if (x->subtree != y->subtree)
		return x->subtree ? 1 : -1;
	return cmp_from_sets(x->from, x->n_from, y->from, y->n_from);
}

static int cmp_idx(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_path_idx(const void *a, const void *b, void *rules)
{
	const struct policy_path_rule *r0 = rules;
	int r = path_match_cmp(&r0[*(const size_t *)a], &r0[*(const size_t *)b]);

	return r ? r : cmp_idx(a, b);
}

/*
 * Ports ordered as sets of numbers, so [80, 81] and ["80-81"] are the same
 * match: walk both lists merging adjacent ranges (they are sorted and,
 * after parsing, never overlap).
 */
static int ports_cmp(const struct policy_net_rule *x, const struct policy_net_rule *y)
{
	size_t i = 0, j = 0;

	while (i < x->n_ports && j < y->n_ports) {
		uint32_t xlo = x->ports[i].lo, xhi = x->ports[i].hi;
		uint32_t ylo = y->ports[j].lo, yhi = y->ports[j].hi;
		while (i + 1 < x->n_ports && x->ports[i + 1].lo == xhi + 1)
			xhi = x->ports[++i].hi;
		while (j + 1 < y->n_ports && y->ports[j + 1].lo == yhi + 1)
			yhi = y->ports[++j].hi;
		if (xlo != ylo)
			return xlo < ylo ? -1 : 1;
		if (xhi != yhi)
			return xhi < yhi ? -1 : 1;
		i++;
		j++;
	}
	return (i < x->n_ports) - (j < y->n_ports);
}

static int net_match_cmp(const struct policy_net_rule *x, const struct policy_net_rule *y)
{
	int r;

	if (x->families != y->families)
		return x->families < y->families ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->has_addr != y->has_addr)
		return x->has_addr ? 1 : -1;
	if (x->has_addr) {
		if (x->addr_family != y->addr_family)
			return x->addr_family < y->addr_family ? -1 : 1;
		if (x->prefix_len != y->prefix_len)
			return x->prefix_len < y->prefix_len ? -1 : 1;
		r = memcmp(x->addr, y->addr, sizeof(x->addr));
		if (r)
			return r;
	}
	r = ports_cmp(x, y);
	if (r)
		return r;
	return cmp_from_sets(x->from, x->n_from, y->from, y->n_from);
}

static int cmp_net_idx(const void *a, const void *b, void *rules)
{
	const struct policy_net_rule *r0 = rules;
	int r = net_match_cmp(&r0[*(const size_t *)a], &r0[*(const size_t *)b]);

	return r ? r : cmp_idx(a, b);
}

static void words_of(uint32_t bits, bool net, char *out, size_t size)
{
	size_t o = 0;

	out[0] = '\0';
	for (unsigned b = 0; b < 32 && o < size; b++) {
		const char *w;
		if (!(bits & (1u << b)))
			continue;
		w = net ? policy_net_op_word(1u << b) : policy_access_word((enum enf_class)b);
		if (!w)
			continue;
		int n = snprintf(out + o, size - o, "%s\"%s\"", o ? ", " : "", w);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

/*
 * Report a duplicate or contradictory pair: at the later rule, naming the
 * earlier one by key path and position.
 */
static int fail_pair(struct ctx *c, enum enf_section s, size_t later, const struct policy_source *later_src,
		     enum enf_action later_action, size_t earlier, const struct policy_source *earlier_src,
		     enum enf_action earlier_action, const char *what_same, const char *overlap_kind,
		     const char *overlap)
{
	struct json_pos_node at = { .line = later_src->line, .column = later_src->column };

	snprintf(c->path, sizeof(c->path), "%s.rules[%zu]", policy_section_word(s), later);
	if (later_action == earlier_action)
		return fail(c, &at, "expected no duplicate rules, found a duplicate of %s.rules[%zu] (%s:%d:%d): same action \"%s\", %s and overlapping %s %s; remove one or merge them",
			    policy_section_word(s), earlier, c->file, earlier_src->line, earlier_src->column,
			    policy_action_word(later_action), what_same, overlap_kind, overlap);
	return fail(c, &at, "expected no contradictory rules, found action \"%s\" here but \"%s\" in %s.rules[%zu] (%s:%d:%d) for %s and overlapping %s %s; keep one",
		    policy_action_word(later_action), policy_action_word(earlier_action),
		    policy_section_word(s), earlier, c->file, earlier_src->line, earlier_src->column,
		    what_same, overlap_kind, overlap);
}

/*
 * Within a group of rules with the same match (sorted by position), the
 * first rule that overlaps an earlier one is the one to report. A group
 * needs at most one more member than there are access classes (or ops)
 * to contain an overlap, so the scan of each group is short.
 */
static void scan_group(const size_t *idx, size_t g, size_t e, const uint32_t *bits,
		       size_t *bad, size_t *other)
{
	for (size_t j = g + 1; j < e; j++)
		for (size_t i = g; i < j; i++)
			if (bits[idx[i]] & bits[idx[j]]) {
				if (idx[j] < *bad) {
					*bad = idx[j];
					*other = idx[i];
				}
				return;
			}
}

static int check_path_pairs(struct ctx *c, const struct policy_path_section *sec, enum enf_section s)
{
	cleanup(freep) size_t *idx = NULL;
	cleanup(freep) uint32_t *bits = NULL;
	size_t n = sec->n_rules, bad = n, other = 0;

	if (n < 2)
		return 0;
	idx = calloc(n, sizeof(*idx));
	bits = calloc(n, sizeof(*bits));
	if (!idx || !bits)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		idx[i] = i;
		bits[i] = sec->rules[i].access;
	}
	qsort_r(idx, n, sizeof(*idx), cmp_path_idx, sec->rules);
	for (size_t g = 0; g < n;) {
		size_t e = g + 1;
		while (e < n && path_match_cmp(&sec->rules[idx[g]], &sec->rules[idx[e]]) == 0)
			e++;
		scan_group(idx, g, e, bits, &bad, &other);
		g = e;
	}
	if (bad == n)
		return 0;

	const struct policy_path_rule *x = &sec->rules[bad], *y = &sec->rules[other];
	char what[256], ov[160], q[128];
	char *shown = NULL;
	if (asprintf(&shown, "%s%s", x->subtree && strcmp(x->path, "/") == 0 ? "" : x->path,
		     x->subtree ? "/**" : "") < 0)
		return -ENOMEM;
	policy_quote(shown, strlen(shown), q, sizeof(q));
	free(shown);
	snprintf(what, sizeof(what), "the same path %s%s", q, x->n_from ? " and \"from\"" : "");
	if (s == ENF_SECTION_EXEC)
		snprintf(ov, sizeof(ov), "\"exec\"");
	else
		words_of(x->access & y->access, false, ov, sizeof(ov));
	return fail_pair(c, s, bad, &x->src, x->action, other, &y->src, y->action, what, "access", ov);
}

static int check_net_pairs(struct ctx *c, const struct policy_net_section *sec)
{
	cleanup(freep) size_t *idx = NULL;
	cleanup(freep) uint32_t *bits = NULL;
	size_t n = sec->n_rules, bad = n, other = 0;

	if (n < 2)
		return 0;
	idx = calloc(n, sizeof(*idx));
	bits = calloc(n, sizeof(*bits));
	if (!idx || !bits)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		idx[i] = i;
		bits[i] = sec->rules[i].ops;
	}
	qsort_r(idx, n, sizeof(*idx), cmp_net_idx, sec->rules);
	for (size_t g = 0; g < n;) {
		size_t e = g + 1;
		while (e < n && net_match_cmp(&sec->rules[idx[g]], &sec->rules[idx[e]]) == 0)
			e++;
		scan_group(idx, g, e, bits, &bad, &other);
		g = e;
	}
	if (bad == n)
		return 0;

	const struct policy_net_rule *x = &sec->rules[bad], *y = &sec->rules[other];
	char ov[160];
	words_of(x->ops & y->ops, true, ov, sizeof(ov));
	return fail_pair(c, ENF_SECTION_NETWORK, bad, &x->src, x->action, other, &y->src, y->action,
			 "the same family, proto, addr, ports and from", "op", ov);
}

/* ----------------------------------------------------------- rule ids -- */

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
	cleanup(freep) uint32_t *slots = NULL;
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

/* ------------------------------------------------------------ sections -- */

static int parse_section_common(struct ctx *c, json_t *v, const struct json_pos_node *pn,
				const char *name, const char *const *keys, enum enf_action *ret_default,
				json_t **ret_rules, const struct json_pos_node **ret_rules_pn)
{
	json_t *d, *rules;
	size_t old;
	char kind[32];
	int r;

	if (!json_is_object(v))
		return fail_type(c, pn, v, "a section (an object with \"default\" and \"rules\")");
	if (json_object_size(v) == 0)
		return fail(c, pn, "expected a section with \"default\" (\"allow\" or \"deny\") and optional \"rules\", found an empty object (remove the section if it has nothing to say)");
	snprintf(kind, sizeof(kind), "the %s section", name);
	r = check_keys(c, v, pn, keys, kind);
	if (r < 0)
		return r;
	d = json_object_get(v, "default");
	if (!d)
		return missing(c, pn, "default", "\"allow\" for a deny-list or \"deny\" for an allow-list");
	old = path_push_key(c, "default");
	r = parse_action(c, d, json_pos_member(pn, "default"), false, ret_default);
	if (r < 0)
		return r;
	path_pop(c, old);

	rules = json_object_get(v, "rules");
	*ret_rules = NULL;
	*ret_rules_pn = json_pos_member(pn, "rules");
	if (!rules)
		return 0;
	old = path_push_key(c, "rules");
	if (!json_is_array(rules))
		return fail_type(c, *ret_rules_pn, rules, "an array of rules");
	if (json_array_size(rules) == 0)
		return fail(c, *ret_rules_pn, "expected a non-empty array of rules, found an empty array (omit \"rules\" when the default says it all)");
	path_pop(c, old);
	*ret_rules = rules;
	return 0;
}

static int parse_path_section(struct ctx *c, json_t *v, const struct json_pos_node *pn,
			      enum enf_section s, struct policy_path_section *sec)
{
	const struct json_pos_node *rpn;
	json_t *rules;
	int r;

	r = parse_section_common(c, v, pn, policy_section_word(s),
				 s == ENF_SECTION_EXEC ? exec_section_keys : section_keys,
				 &sec->default_action, &rules, &rpn);
	if (r < 0)
		return r;
	sec->present = true;
	if (s == ENF_SECTION_EXEC && json_object_get(v, "fileless")) {
		const struct json_pos_node *fpn = json_pos_member(pn, "fileless");
		size_t o = path_push_key(c, "fileless");

		/* Exec of a file with no name (memfd, deleted): no path rule can name it. */
		r = parse_action(c, json_object_get(v, "fileless"), fpn, true, &sec->fileless);
		if (r < 0)
			return r;
		path_pop(c, o);
	}
	if (!rules)
		return 0;
	size_t n = json_array_size(rules);
	size_t old = path_push_key(c, "rules");
	sec->rules = calloc(n, sizeof(*sec->rules));
	if (!sec->rules)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct json_pos_node *ep = json_pos_element(rpn, i);
		size_t o2 = path_push_index(c, i);

		r = count_rule(c, ep);
		if (r < 0)
			return r;
		sec->n_rules = i + 1;
		r = parse_path_rule(c, json_array_get(rules, i), ep, s, &sec->rules[i]);
		if (r < 0)
			return r;
		path_pop(c, o2);
	}
	path_pop(c, old);
	return 0;
}

static int parse_net_section(struct ctx *c, json_t *v, const struct json_pos_node *pn,
			     struct policy_net_section *sec)
{
	const struct json_pos_node *rpn;
	json_t *rules;
	int r;

	r = parse_section_common(c, v, pn, "network", section_keys, &sec->default_action, &rules, &rpn);
	if (r < 0)
		return r;
	sec->present = true;
	if (!rules)
		return 0;
	size_t n = json_array_size(rules);
	size_t old = path_push_key(c, "rules");
	sec->rules = calloc(n, sizeof(*sec->rules));
	if (!sec->rules)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct json_pos_node *ep = json_pos_element(rpn, i);
		size_t o2 = path_push_index(c, i);

		r = count_rule(c, ep);
		if (r < 0)
			return r;
		sec->n_rules = i + 1;
		r = parse_net_rule(c, json_array_get(rules, i), ep, &sec->rules[i]);
		if (r < 0)
			return r;
		path_pop(c, o2);
	}
	path_pop(c, old);
	return 0;
}

/*
 * "baseline": {"mount": "allow", ...}: which operations of the confinement
 * baseline the profile lets through (each one logged). Every word is
 * optional and "deny" by default (enf_baseline_words, common/bundle.c).
 */
static int parse_baseline(struct ctx *c, json_t *v, const struct json_pos_node *pn, uint8_t *ret)
{
	static const char *const words[] = { "deny", "allow", NULL };
	static const struct hint hints[] = {
		{ "audit", "an opted-out operation is always logged: write \"allow\"" },
		{ "enforce", "write \"deny\" (the default)" },
		{ NULL, NULL },
	};
	const char *key;
	json_t *m;
	int r;

	if (!json_is_object(v))
		return fail_type(c, pn, v, "the baseline's opt-outs (a JSON object such as {\"mount\": \"allow\"})");
	r = check_keys(c, v, pn, enf_baseline_words, "the baseline");
	if (r < 0)
		return r;
	json_object_foreach(v, key, m) {
		size_t old = path_push_key(c, key);
		uint32_t bit = 0;
		const char *w;

		r = parse_word(c, m, json_pos_member(pn, key), words, hints, "a baseline setting", &w);
		if (r < 0)
			return r;
		if (enf_baseline_from_word(key, &bit) < 0)
			return -EINVAL; /* check_keys() let only baseline words through */
		if (strcmp(w, "allow") == 0)
			*ret |= (uint8_t)bit;
		path_pop(c, old);
	}
	return 0;
}

static int parse_profile(struct ctx *c, json_t *root, const struct json_pos_node *pn, struct policy_profile *p)
{
	const char *key;
	json_t *v;
	int r;

	if (!json_is_object(root))
		return fail_type(c, pn, root, "a profile (a JSON object)");
	r = check_keys(c, root, pn, top_keys, "a profile");
	if (r < 0)
		return r;

	/* source order, so the first problem in the file is the one reported */
	json_object_foreach(root, key, v) {
		const struct json_pos_node *mp = json_pos_member(pn, key);
		size_t old = path_push_key(c, key);

		if (strcmp(key, "name") == 0) {
			r = parse_name(c, v, mp, &p->name);
		} else if (strcmp(key, "mode") == 0) {
			static const char *const words[] = { "audit", "enforce", NULL };
			static const struct hint hints[] = {
				{ "enforcing", "write \"enforce\"" },
				{ "permissive", "write \"audit\" (nothing is denied, would-denies are logged)" },
				{ "complain", "write \"audit\" (nothing is denied, would-denies are logged)" },
				{ NULL, NULL },
			};
			const char *w;
			r = parse_word(c, v, mp, words, hints, "a mode", &w);
			if (r == 0)
				p->mode = strcmp(w, "audit") == 0 ? ENF_MODE_AUDIT : ENF_MODE_ENFORCE;
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
		path_pop(c, old);
	}

	if (!p->name)
		return missing(c, pn, "name", "a profile name of 1 to 63 characters A-Z a-z 0-9 _ . -");
	if (!p->mode)
		return missing(c, pn, "mode", "\"audit\" or \"enforce\"");
	if (!p->exec.present && !p->file.present && !p->network.present)
		return fail(c, pn, "expected at least one of the sections \"exec\", \"file\", \"network\", found none");

	r = check_path_pairs(c, &p->exec, ENF_SECTION_EXEC);
	if (r == 0)
		r = check_path_pairs(c, &p->file, ENF_SECTION_FILE);
	if (r == 0)
		r = check_net_pairs(c, &p->network);
	if (r < 0)
		return r;
	return assign_ids(p);
}

/* ------------------------------------------------------ duplicate keys -- */

struct dup_key {
	const struct json_pos_node *second, *first;
	char path[KEY_PATH_MAX];
};

struct key_entry {
	const struct json_pos_node *node;
	size_t index;
};

static int cmp_key_entry(const void *a, const void *b)
{
	const struct key_entry *x = a, *y = b;
	int r = strcmp(x->node->key, y->node->key);

	if (r)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

static bool before(const struct json_pos_node *a, const struct json_pos_node *b)
{
	return a->key_line < b->key_line || (a->key_line == b->key_line && a->key_column < b->key_column);
}

/* The repeated key that comes first in the file, with its key path. */
static int find_dup_key(struct ctx *c, const struct json_pos_node *n, struct dup_key *best)
{
	bool object = n->n_children && n->children[0].key;

	if (object) {
		cleanup(freep) struct key_entry *e = calloc(n->n_children, sizeof(*e));
		if (!e)
			return -ENOMEM;
		for (size_t i = 0; i < n->n_children; i++)
			e[i] = (struct key_entry){ &n->children[i], i };
		qsort(e, n->n_children, sizeof(*e), cmp_key_entry);
		for (size_t i = 1; i < n->n_children; i++) {
			if (strcmp(e[i].node->key, e[i - 1].node->key) != 0)
				continue;
			if (!best->second || before(e[i].node, best->second)) {
				size_t old = path_push_key(c, e[i].node->key);
				best->second = e[i].node;
				best->first = e[i - 1].node;
				snprintf(best->path, sizeof(best->path), "%s", c->path);
				path_pop(c, old);
			}
		}
	}
	for (size_t i = 0; i < n->n_children; i++) {
		const struct json_pos_node *ch = &n->children[i];
		size_t old = object ? path_push_key(c, ch->key) : path_push_index(c, i);
		int r = find_dup_key(c, ch, best);
		path_pop(c, old);
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * jansson reports a duplicate key where its scanner stopped, without the
 * key path. When the rest of the text is still JSON, say it properly:
 * which key, where both copies are. Otherwise jansson's message stands.
 */
static int report_duplicate_key(struct ctx *c, const char *buf, size_t len)
{
	cleanup(json_pos_freep) struct json_pos_node *pos = NULL;
	struct dup_key d = { 0 };
	int r;

	if (json_pos_build(buf, len, &pos) < 0)
		return -ENOENT;
	r = find_dup_key(c, pos, &d);
	if (r < 0)
		return r;
	if (!d.second)
		return -ENOENT;
	snprintf(c->path, sizeof(c->path), "%s", d.path);
	return fail_key(c, d.second, "duplicate key: expected each key once in an object, found \"%s\" again (first at %s:%d:%d)",
			d.second->key, c->file, d.first->key_line, d.first->key_column);
}

/* ---------------------------------------------------------------- API -- */

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
	cleanup(json_decrefp) json_t *root = NULL;
	cleanup(json_pos_freep) struct json_pos_node *pos = NULL;
	cleanup(policy_profile_freep) struct policy_profile *p = NULL;
	struct policy_error scratch;
	struct ctx c = { 0 };
	json_error_t je;
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
	if (len > POLICY_FILE_MAX)
		return fail(&c, NULL, "expected a profile of at most %u MiB, found %zu bytes",
			    POLICY_FILE_MAX >> 20, len);

	/*
	 * JSON text never holds a raw NUL, yet jansson's stream silently drops
	 * one that follows a number (its unget of the NUL reads as "buffer
	 * empty"). Refuse it here so both passes see the same document.
	 */
	const char *nul = len ? memchr(buf, '\0', len) : NULL;
	if (nul) {
		int line = 1, column = 1;
		for (const char *q = buf; q < nul; q++) {
			if (*q == '\n') {
				line++;
				column = 1;
			} else if ((*q & 0xc0) != 0x80) {
				column++;
			}
		}
		snprintf(err->text, sizeof(err->text), "%s:%d:%d: invalid JSON: a NUL byte (JSON text cannot contain one)",
			 source_name, line, column);
		return -EINVAL;
	}

	root = json_loadb(buf ? buf : "", len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		if (json_error_code(&je) == json_error_out_of_memory) {
			snprintf(err->text, sizeof(err->text), "%s: out of memory while reading JSON", source_name);
			return -ENOMEM;
		}
		if (json_error_code(&je) == json_error_duplicate_key) {
			r = report_duplicate_key(&c, buf ? buf : "", len);
			if (r != -ENOENT)
				return r;
		}
		snprintf(err->text, sizeof(err->text), "%s:%d:%d: invalid JSON: %s", source_name,
			 je.line < 1 ? 1 : je.line, je.column < 1 ? 1 : je.column, je.text);
		return -EINVAL;
	}
	r = json_pos_build(buf, len, &pos);
	if (r == -EINVAL) {
		/* jansson accepted what the position pass did not: our bug, not the user's */
		snprintf(err->text, sizeof(err->text),
			 "%s: internal error: the position index disagrees with the JSON parser", source_name);
		return -EPROTO;
	}
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

	*ret_profile = p;
	p = NULL;
	return 0;
}

int policy_parse_file(const char *path, struct policy_profile **ret_profile, struct policy_error *err)
{
	cleanup(freep) char *buf = NULL;
	struct policy_error scratch;
	size_t len = 0, cap;
	struct stat st;
	int fd, r;

	if (!err)
		err = &scratch;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err->text, sizeof(err->text), "%s: cannot open: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto io_error;
	}
	if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		goto io_error;
	}
	/* size from fstat is only a hint (pipes, /proc); read to EOF, bounded */
	cap = st.st_size > 0 && (size_t)st.st_size <= POLICY_FILE_MAX ? (size_t)st.st_size + 1 : 65536;
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n;
		if (len == cap) {
			if (cap > POLICY_FILE_MAX) {
				close(fd);
				snprintf(err->text, sizeof(err->text),
					 "%s:1:1: (root): expected a profile of at most %u MiB, found more",
					 path, POLICY_FILE_MAX >> 20);
				return -EINVAL;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				close(fd);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto io_error;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return policy_parse_buffer(buf, len, path, ret_profile, err);

io_error:
	close(fd);
	snprintf(err->text, sizeof(err->text), "%s: cannot read: %s", path, strerror(-r));
	return r;
}
