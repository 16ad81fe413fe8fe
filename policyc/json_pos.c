// SPDX-License-Identifier: GPL-2.0-only
/*
 * The position pass (see json_pos.h). It only ever runs on text jansson has
 * accepted, but it still checks every byte it relies on and fails rather
 * than read past the buffer: the input is untrusted and the two parsers
 * must never silently disagree.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_pos.h"

/* jansson refuses deeper documents (JSON_PARSER_MAX_DEPTH); so do we. */
#define JSON_POS_MAX_DEPTH 2048

struct scanner {
	const unsigned char *s;
	size_t len, i;
	int line;
	int col; /* characters consumed on the current line */
};

static void advance(struct scanner *sc)
{
	unsigned char c = sc->s[sc->i++];

	if (c == '\n') {
		sc->line++;
		sc->col = 0;
	} else if ((c & 0xc0) != 0x80) {
		/* count characters, not bytes: continuation bytes don't move the column */
		sc->col++;
	}
}

static bool at_end(const struct scanner *sc)
{
	return sc->i >= sc->len;
}

static int peek(const struct scanner *sc)
{
	return at_end(sc) ? -1 : sc->s[sc->i];
}

static void skip_ws(struct scanner *sc)
{
	while (!at_end(sc)) {
		unsigned char c = sc->s[sc->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		advance(sc);
	}
}

static void mark(const struct scanner *sc, int *line, int *column)
{
	*line = sc->line;
	*column = sc->col + 1;
}

static int hex4(struct scanner *sc, uint32_t *ret)
{
	uint32_t v = 0;

	for (int k = 0; k < 4; k++) {
		int c = peek(sc);
		if (c >= '0' && c <= '9')
			v = v * 16 + (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (uint32_t)(c - 'A' + 10);
		else
			return -EINVAL;
		advance(sc);
	}
	*ret = v;
	return 0;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Scan a string starting at its opening quote. With ret_decoded, decode it
 * the way jansson does, so keys can be compared with json_object keys.
 */
static int scan_string(struct scanner *sc, char **ret_decoded)
{
	size_t start;
	char *out = NULL;
	size_t n = 0;

	if (peek(sc) != '"')
		return -EINVAL;
	advance(sc);
	start = sc->i;
	if (ret_decoded) {
		/* decoding never grows the text: \uXXXX (6 bytes) yields at most 4 */
		size_t end = start;
		while (end < sc->len && sc->s[end] != '"')
			end += (sc->s[end] == '\\') ? 2 : 1;
		out = malloc(end - start + 1);
		if (!out)
			return -ENOMEM;
	}

	for (;;) {
		int c = peek(sc);
		if (c < 0)
			goto bad;
		if (c == '"') {
			advance(sc);
			break;
		}
		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			if (out)
				out[n++] = (char)c;
			advance(sc);
			continue;
		}
		advance(sc);
		c = peek(sc);
		if (c < 0)
			goto bad;
		advance(sc);
		char e;
		switch (c) {
		case '"': e = '"'; break;
		case '\\': e = '\\'; break;
		case '/': e = '/'; break;
		case 'b': e = '\b'; break;
		case 'f': e = '\f'; break;
		case 'n': e = '\n'; break;
		case 'r': e = '\r'; break;
		case 't': e = '\t'; break;
		case 'u': {
			uint32_t cp, lo;
			if (hex4(sc, &cp) < 0)
				goto bad;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (peek(sc) != '\\')
					goto bad;
				advance(sc);
				if (peek(sc) != 'u')
					goto bad;
				advance(sc);
				if (hex4(sc, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				goto bad;
			}
			if (out)
				n += utf8_encode(cp, out + n);
			continue;
		}
		default:
			goto bad;
		}
		if (out)
			out[n++] = e;
	}
	if (out) {
		out[n] = '\0';
		*ret_decoded = out;
	}
	return 0;
bad:
	free(out);
	return -EINVAL;
}

static void node_clear(struct json_pos_node *node)
{
	for (size_t k = 0; k < node->n_children; k++)
		node_clear(&node->children[k]);
	free(node->children);
	free(node->key);
}

static int append_child(struct json_pos_node *parent, size_t *cap, struct json_pos_node *child)
{
	if (parent->n_children == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct json_pos_node *nc = reallocarray(parent->children, ncap, sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		parent->children = nc;
		*cap = ncap;
	}
	parent->children[parent->n_children++] = *child;
	return 0;
}

static int scan_value(struct scanner *sc, struct json_pos_node *node, int depth);

static int scan_container(struct scanner *sc, struct json_pos_node *node, int depth, bool object)
{
	int close = object ? '}' : ']';
	size_t cap = 0;
	int r;

	if (depth >= JSON_POS_MAX_DEPTH)
		return -EINVAL;
	advance(sc); /* '{' or '[' */
	skip_ws(sc);
	if (peek(sc) == close) {
		advance(sc);
		return 0;
	}
	for (;;) {
		struct json_pos_node child = { 0 };

		skip_ws(sc);
		if (object) {
			mark(sc, &child.key_line, &child.key_column);
			r = scan_string(sc, &child.key);
			if (r < 0)
				return r;
			skip_ws(sc);
			if (peek(sc) != ':') {
				free(child.key);
				return -EINVAL;
			}
			advance(sc);
		}
		r = scan_value(sc, &child, depth + 1);
		if (!object) {
			child.key_line = child.line;
			child.key_column = child.column;
		}
		if (r == 0)
			r = append_child(node, &cap, &child);
		if (r < 0) {
			node_clear(&child);
			return r;
		}
		skip_ws(sc);
		if (peek(sc) == ',') {
			advance(sc);
			continue;
		}
		if (peek(sc) == close) {
			advance(sc);
			return 0;
		}
		return -EINVAL;
	}
}

static int scan_value(struct scanner *sc, struct json_pos_node *node, int depth)
{
	int c;

	skip_ws(sc);
	mark(sc, &node->line, &node->column);
	c = peek(sc);
	switch (c) {
	case '{':
		return scan_container(sc, node, depth, true);
	case '[':
		return scan_container(sc, node, depth, false);
	case '"':
		return scan_string(sc, NULL);
	case -1:
		return -EINVAL;
	default:
		/* numbers, true, false, null: jansson has checked their spelling */
		if (c == 0 || !strchr("-0123456789tfn", c))
			return -EINVAL;
		while (!at_end(sc) && !strchr(",]} \t\r\n", sc->s[sc->i]))
			advance(sc);
		return 0;
	}
}

int json_pos_build(const char *buf, size_t len, struct json_pos_node **ret_root)
{
	struct scanner sc = { .s = (const unsigned char *)buf, .len = len, .line = 1 };
	struct json_pos_node *root;
	int r;

	root = calloc(1, sizeof(*root));
	if (!root)
		return -ENOMEM;
	r = scan_value(&sc, root, 0);
	if (r == 0) {
		root->key_line = root->line;
		root->key_column = root->column;
		skip_ws(&sc);
		if (!at_end(&sc))
			r = -EINVAL;
	}
	if (r < 0) {
		json_pos_free(root);
		return r;
	}
	*ret_root = root;
	return 0;
}

void json_pos_free(struct json_pos_node *root)
{
	if (!root)
		return;
	node_clear(root);
	free(root);
}

const struct json_pos_node *json_pos_member(const struct json_pos_node *node, const char *key)
{
	if (!node || !key)
		return NULL;
	/* objects are small here, and lookups happen per schema key or per error */
	for (size_t k = 0; k < node->n_children; k++)
		if (node->children[k].key && strcmp(node->children[k].key, key) == 0)
			return &node->children[k];
	return NULL;
}

const struct json_pos_node *json_pos_element(const struct json_pos_node *node, size_t index)
{
	if (!node || index >= node->n_children)
		return NULL;
	return &node->children[index];
}
