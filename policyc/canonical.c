// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "util.h"

bool policy_net_ops_fit_proto(uint32_t ops, enum enf_net_proto proto)
{
	return !(ops & (ENF_NET_LISTEN | ENF_NET_ACCEPT)) ||
	       (proto != ENF_NET_PROTO_UDP && proto != ENF_NET_PROTO_ICMP && proto != ENF_NET_PROTO_RAW);
}

void policy_addr_format(uint8_t family, const uint8_t *addr, uint8_t prefix_len,
			char *out, size_t out_size)
{
	char a[POLICY_ADDR_TEXT_MAX] = "?", digits[4] = "", *p = a;
	size_t len;

	/* IPv4 by hand, as inet_ntop() writes it: glibc's goes through sprintf(), a tenth of compiling 10,000 rules. */
	if (family == 4) {
		for (int i = 0; i < 4; i++) {
			if (i)
				*p++ = '.';
			p = stpcpy(p, decimal_before(digits + 3, addr[i]));
		}
	} else {
		inet_ntop(AF_INET6, addr, a, INET6_ADDRSTRLEN);
		p = a + strlen(a);
	}
	*p++ = '/';
	p = stpcpy(p, decimal_before(digits + 3, prefix_len));
	if (!out_size)
		return;
	len = (size_t)(p - a) < out_size ? (size_t)(p - a) : out_size - 1;
	memcpy(out, a, len);
	out[len] = '\0';
}

/*
 * The canonical text is written here byte for byte as jansson's
 * json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER) writes the same object
 * (test_policy_parse holds the two together): building a json_t per rule and
 * dumping it was a third of policyc's time for 10,000 rules. Rule ids hash
 * this text, so a byte changed here changes every id users have seen.
 */
struct text {
	char *buf;
	size_t len, cap;
	bool failed;      /* out of memory, or a string jansson would refuse (not UTF-8) */
	bool first;       /* no member or element yet in the innermost object or array */
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->failed)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 128;
		char *b;

		while (t->len + n + 1 > cap)
			cap *= 2;
		b = realloc(t->buf, cap);
		if (!b) {
			t->failed = true;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

static void put_c(struct text *t, const char *s)
{
	put(t, s, strlen(s));
}

/* The length of the UTF-8 character at s (at most n bytes), 0 when jansson's utf8_iterate() refuses it. */
static size_t utf8_char_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* s inside a JSON string: '"', '\\' and control characters escaped, nothing else (no JSON_ESCAPE_SLASH, no JSON_ENSURE_ASCII). */
static void put_string_body(struct text *t, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, run = 0;

	if (!s) { /* a word the vocabulary does not name: a bug, failed as jansson's json_string(NULL) was */
		t->failed = true;
		return;
	}
	n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t len = utf8_char_len(p + i, n - i);
		char esc[8];

		if (!len) {
			t->failed = true;
			return;
		}
		if (p[i] >= 0x20 && p[i] != '"' && p[i] != '\\') {
			i += len;
			run += len;
			continue;
		}
		put(t, (const char *)p + i - run, run);
		run = 0;
		switch (p[i]) {
		case '"': put_c(t, "\\\""); break;
		case '\\': put_c(t, "\\\\"); break;
		case '\b': put_c(t, "\\b"); break;
		case '\f': put_c(t, "\\f"); break;
		case '\n': put_c(t, "\\n"); break;
		case '\r': put_c(t, "\\r"); break;
		case '\t': put_c(t, "\\t"); break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04X", p[i]);
			put_c(t, esc);
		}
		i++;
	}
	put(t, (const char *)p + n - run, run);
}

static void put_string(struct text *t, const char *s)
{
	put(t, "\"", 1);
	put_string_body(t, s);
	put(t, "\"", 1);
}

/* Opens an object or array: '{' or '['. */
static void open_(struct text *t, const char *bracket)
{
	put_c(t, bracket);
	t->first = true;
}

/* Closes one; the next member or element of the enclosing one needs its comma. */
static void close_(struct text *t, const char *bracket)
{
	put_c(t, bracket);
	t->first = false;
}

static void separate(struct text *t)
{
	if (!t->first)
		put(t, ",", 1);
	t->first = false;
}

static void key(struct text *t, const char *k)
{
	separate(t);
	put_string(t, k);
	put(t, ":", 1);
}

static void element_string(struct text *t, const char *s)
{
	separate(t);
	put_string(t, s);
}

static void member_string(struct text *t, const char *k, const char *s)
{
	key(t, k);
	put_string(t, s);
}

static void member_from(struct text *t, char *const *from, size_t n)
{
	key(t, "from");
	open_(t, "[");
	for (size_t i = 0; i < n; i++)
		element_string(t, from[i]);
	close_(t, "]");
}

static char *finish(struct text *t)
{
	close_(t, "}");
	if (t->failed) {
		free(t->buf);
		return NULL;
	}
	return t->buf;
}

char *policy_path_rule_canonical(const struct policy_path_rule *r, enum enf_section section,
				 bool include_action)
{
	struct text t = {};

	open_(&t, "{");
	if (include_action)
		member_string(&t, "action", enf_action_name(r->action));
	key(&t, "path");
	put(&t, "\"", 1);
	if (!r->subtree) {
		put_string_body(&t, r->path);
	} else {
		/* a subtree: the path, then slash and two stars (the root alone gives just those) */
		if (strcmp(r->path, "/") != 0)
			put_string_body(&t, r->path);
		put_c(&t, "/**");
	}
	put(&t, "\"", 1);
	if (section == ENF_SECTION_FILE) {
		key(&t, "access");
		open_(&t, "[");
		if ((r->access & ENF_ACCESS_ALL) == ENF_ACCESS_ALL) {
			element_string(&t, "all");
		} else {
			for (int c = ENF_CLASS_READ; c < ENF_CLASS_COUNT; c++)
				if (r->access & (1u << c))
					element_string(&t, enf_class_name((enum enf_class)c));
		}
		close_(&t, "]");
	}
	if (r->n_from)
		member_from(&t, r->from, r->n_from);
	return finish(&t);
}

char *policy_net_rule_canonical(const struct policy_net_rule *r, bool include_action)
{
	struct text t = {};
	char buf[INET6_ADDRSTRLEN + 8];

	open_(&t, "{");
	if (include_action)
		member_string(&t, "action", enf_action_name(r->action));
	key(&t, "op");
	open_(&t, "[");
	for (unsigned b = 0; b < 32; b++)
		if ((r->ops & (1u << b)) && enf_net_op_name(1u << b))
			element_string(&t, enf_net_op_name(1u << b));
	close_(&t, "]");
	if ((r->families & ENF_NET_FAMILY_ANY) != ENF_NET_FAMILY_ANY) {
		uint32_t f = r->families;

		key(&t, "family");
		open_(&t, "[");
		if ((f & (ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6)) ==
		    (ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6)) {
			element_string(&t, "inet");
			f &= ~(uint32_t)(ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6);
		}
		for (unsigned b = 0; b < 32; b++)
			if ((f & (1u << b)) && enf_net_family_name(1u << b))
				element_string(&t, enf_net_family_name(1u << b));
		close_(&t, "]");
	}
	if (r->proto != ENF_NET_PROTO_ANY)
		member_string(&t, "proto", enf_net_proto_name(r->proto));
	if (r->has_addr) {
		policy_addr_format(r->addr_family, r->addr, r->prefix_len, buf, sizeof(buf));
		member_string(&t, "addr", buf);
	}
	if (r->n_ports) {
		key(&t, "ports");
		open_(&t, "[");
		for (size_t i = 0; i < r->n_ports; i++) {
			char lo[8] = "", hi[8] = "";

			separate(&t);
			if (r->ports[i].lo == r->ports[i].hi) {
				put_c(&t, decimal_before(lo + 7, r->ports[i].lo));
			} else {
				put_c(&t, "\"");
				put_c(&t, decimal_before(lo + 7, r->ports[i].lo));
				put_c(&t, "-");
				put_c(&t, decimal_before(hi + 7, r->ports[i].hi));
				put_c(&t, "\"");
			}
		}
		close_(&t, "]");
	}
	if (r->n_from)
		member_from(&t, r->from, r->n_from);
	return finish(&t);
}

uint32_t policy_rule_hash(enum enf_section section, const char *canonical_match)
{
	uint32_t h = fnv1a32_str(FNV1A32_OFFSET, enf_section_name(section));

	h = fnv1a32_str(h, ":");
	return fnv1a32_str(h, canonical_match);
}
