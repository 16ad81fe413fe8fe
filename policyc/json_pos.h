/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Source positions for JSON values. jansson reports line:column only for
 * syntax errors; once a document has parsed, its values carry no position.
 * Every later error ("network.rules[3].ports[1]: expected a port ...") must
 * still point into the file, so a second, light pass over the same bytes
 * records where each value (and each object member's key) starts, in a tree
 * that mirrors the document. The parser walks it next to the json_t tree.
 *
 * Lines are 1-based and count '\n'; columns are 1-based and count Unicode
 * characters (UTF-8 lead bytes), exactly as jansson does for its own errors,
 * so every message from one file uses one convention.
 */
#ifndef ENFORCER_JSON_POS_H
#define ENFORCER_JSON_POS_H

#include <stddef.h>

struct json_pos_node {
	int line, column;          /* first character of the value */
	int key_line, key_column;  /* object members: the key's opening quote; else = value */
	char *key;                 /* object members: the decoded key; else NULL */
	struct json_pos_node *children; /* members or elements, in source order */
	size_t n_children;
};

/*
 * Index a document jansson has already accepted. 0 on success; -EINVAL if
 * the text is not JSON after all (the caller treats that as its own bug),
 * -ENOMEM.
 */
int json_pos_build(const char *buf, size_t len, struct json_pos_node **ret_root);
void json_pos_free(struct json_pos_node *root);

/* For _cleanup_() (util.h). */
static inline void json_pos_freep(struct json_pos_node **root)
{
	json_pos_free(*root);
}

/* Children by key or index; NULL when absent or when `node` is NULL. */
const struct json_pos_node *json_pos_member(const struct json_pos_node *node, const char *key);
const struct json_pos_node *json_pos_element(const struct json_pos_node *node, size_t index);

#endif /* ENFORCER_JSON_POS_H */
