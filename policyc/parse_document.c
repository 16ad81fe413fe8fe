// SPDX-License-Identifier: GPL-2.0-only
/*
 * From a profile's bytes to a JSON document with the position of every
 * value (parse_internal.h): the file read, the size limit, the NUL byte
 * jansson would drop, jansson itself, and a duplicate key said with its
 * key path and both places.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "parse_internal.h"
#include "util.h"

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
static int find_dup_key(struct parse_ctx *c, const struct json_pos_node *n, struct dup_key *best)
{
	bool object = n->n_children && n->children[0].key;

	if (object) {
		_cleanup_free_ struct key_entry *e = calloc(n->n_children, sizeof(*e));
		if (!e)
			return -ENOMEM;
		for (size_t i = 0; i < n->n_children; i++)
			e[i] = (struct key_entry){ &n->children[i], i };
		qsort(e, n->n_children, sizeof(*e), cmp_key_entry);
		for (size_t i = 1; i < n->n_children; i++) {
			if (strcmp(e[i].node->key, e[i - 1].node->key) != 0)
				continue;
			if (!best->second || before(e[i].node, best->second)) {
				size_t old = parse_path_push_key(c, e[i].node->key);
				best->second = e[i].node;
				best->first = e[i - 1].node;
				snprintf(best->path, sizeof(best->path), "%s", c->path);
				parse_path_pop(c, old);
			}
		}
	}
	for (size_t i = 0; i < n->n_children; i++) {
		const struct json_pos_node *ch = &n->children[i];
		size_t old = object ? parse_path_push_key(c, ch->key) : parse_path_push_index(c, i);
		int r = find_dup_key(c, ch, best);
		parse_path_pop(c, old);
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
static int report_duplicate_key(struct parse_ctx *c, const char *buf, size_t len)
{
	_cleanup_(json_pos_freep) struct json_pos_node *pos = NULL;
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
	return parse_fail_key(c, d.second, "duplicate key: expected each key once in an object, found \"%s\" again (first at %s:%d:%d)",
			      d.second->key, c->file, d.first->key_line, d.first->key_column);
}

int parse_document_load(struct parse_ctx *c, const char *buf, size_t len, json_t **ret_root,
			struct json_pos_node **ret_pos)
{
	json_error_t je;
	int r;

	if (len > POLICY_FILE_MAX)
		return parse_fail(c, NULL, "expected a profile of at most %u MiB, found %zu bytes",
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
		snprintf(c->err->text, sizeof(c->err->text), "%s:%d:%d: invalid JSON: a NUL byte (JSON text cannot contain one)",
			 c->file, line, column);
		return -EINVAL;
	}

	*ret_root = json_loadb(buf ? buf : "", len, JSON_REJECT_DUPLICATES, &je);
	if (!*ret_root) {
		if (json_error_code(&je) == json_error_out_of_memory) {
			snprintf(c->err->text, sizeof(c->err->text), "%s: out of memory while reading JSON", c->file);
			return -ENOMEM;
		}
		if (json_error_code(&je) == json_error_duplicate_key) {
			r = report_duplicate_key(c, buf ? buf : "", len);
			if (r != -ENOENT)
				return r;
		}
		snprintf(c->err->text, sizeof(c->err->text), "%s:%d:%d: invalid JSON: %s", c->file,
			 je.line < 1 ? 1 : je.line, je.column < 1 ? 1 : je.column, je.text);
		return -EINVAL;
	}
	r = json_pos_build(buf, len, ret_pos);
	if (r == -EINVAL) {
		/* jansson accepted what the position pass did not: our bug, not the user's */
		snprintf(c->err->text, sizeof(c->err->text),
			 "%s: internal error: the position index disagrees with the JSON parser", c->file);
		return -EPROTO;
	}
	return r;
}

int policy_parse_file(const char *path, struct policy_profile **ret_profile, struct policy_error *err)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	struct policy_error scratch;
	size_t len = 0;
	int r;

	if (!err)
		err = &scratch;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		snprintf(err->text, sizeof(err->text), "%s: cannot open: %s", path, strerror(-r));
		return r;
	}
	/*
	 * Up to twice the limit is read, so that parse_document_load() names
	 * the size of a file somewhat over it; a larger one is not read to its
	 * end. A directory fails the read (EISDIR).
	 */
	r = read_fd_all(fd, 2 * (size_t)POLICY_FILE_MAX - 1, &buf, &len);
	if (r == -EFBIG) {
		snprintf(err->text, sizeof(err->text), "%s:1:1: (root): expected a profile of at most %u MiB, found more",
			 path, POLICY_FILE_MAX >> 20);
		return -EINVAL;
	}
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		snprintf(err->text, sizeof(err->text), "%s: cannot read: %s", path, strerror(-r));
		return r;
	}
	return policy_parse_buffer(buf, len, path, ret_profile, err);
}
