// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exec and file rules of a profile (parse_internal.h): the rule path, the
 * access words, and "from" (the executables a rule is limited to, which
 * network rules take too).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "parse_internal.h"
#include "path_check.h"
#include "util.h"

static int parse_path_value(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn,
			    unsigned flags, const char *what, char **ret_path, bool *ret_subtree)
{
	char why[768];
	bool subtree;
	int r;

	if (!json_is_string(v))
		return parse_fail_type(c, pn, v, what);
	r = policy_path_check(json_string_value(v), json_string_length(v), flags, what,
			      ret_path, &subtree, why, sizeof(why));
	if (r == -EINVAL)
		return parse_fail(c, pn, "%s", why);
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
int parse_from(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn,
	       char ***ret_from, size_t *ret_n)
{
	_cleanup_free_ struct from_entry *entries = NULL;
	char **from;
	size_t n, old;
	int r;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return parse_fail_type(c, pn, v, "a non-empty array of executable paths");
	n = json_array_size(v);
	from = calloc(n, sizeof(*from));
	if (!from)
		return -ENOMEM;
	*ret_from = from;
	*ret_n = 0;
	for (size_t i = 0; i < n; i++) {
		old = parse_path_push_index(c, i);
		r = parse_path_value(c, json_array_get(v, i), json_pos_element(pn, i), 0,
				     "an executable path", &from[i], NULL);
		if (r < 0)
			return r;
		parse_path_pop(c, old);
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
		parse_path_push_index(c, dup);
		return parse_fail(c, json_pos_element(pn, dup),
				  "expected each executable once, found %s again (it is also [%zu])", q, first);
	}
	qsort(from, n, sizeof(*from), cmp_strp);
	return 0;
}

static int parse_access(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, uint32_t *ret)
{
	static const char *const words[] = { "read", "write", "create", "delete", "rename", "link",
					     "setattr", "all", NULL };
	static const struct parse_hint hints[] = {
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

	return parse_word_set(c, v, pn, words, hints, enf_access_from_word,
			      "a non-empty array of access words", "an access word", "all", ret);
}

int parse_path_rule(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn,
		    enum enf_section section, struct policy_path_rule *r)
{
	bool exec = section == ENF_SECTION_EXEC;
	const char *key;
	json_t *m;
	int ret;

	if (!json_is_object(v))
		return parse_fail_type(c, pn, v, "a rule (an object)");
	r->src.line = pn ? pn->line : 1;
	r->src.column = pn ? pn->column : 1;
	ret = parse_check_keys(c, v, pn, exec ? parse_exec_rule_keys : parse_file_rule_keys, exec ? "exec rules" : "file rules");
	if (ret < 0)
		return ret;

	json_object_foreach(v, key, m) {
		const struct json_pos_node *mp = json_pos_member(pn, key);
		size_t old = parse_path_push_key(c, key);

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
		parse_path_pop(c, old);
	}

	if (!r->action)
		return parse_missing(c, pn, "action", "\"allow\", \"deny\" or \"audit\"");
	if (!r->path)
		return parse_missing(c, pn, "path", "an absolute path, or a subtree ending in \"/**\"");
	if (exec)
		r->access = 1u << ENF_CLASS_EXEC;
	else if (!r->access)
		return parse_missing(c, pn, "access", "a non-empty array of read, write, create, delete, rename, link, setattr or all");
	return 0;
}
