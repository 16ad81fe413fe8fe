// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "canonical.h"
#include "util.h"

static const char *const section_words[ENF_SECTION_COUNT] = {
	[ENF_SECTION_EXEC] = "exec",
	[ENF_SECTION_FILE] = "file",
	[ENF_SECTION_NETWORK] = "network",
};

static const char *const action_words[] = {
	[ENF_ACT_NONE] = "none",
	[ENF_ACT_ALLOW] = "allow",
	[ENF_ACT_AUDIT] = "audit",
	[ENF_ACT_DENY] = "deny",
};

static const char *const access_words[ENF_CLASS_COUNT] = {
	[ENF_CLASS_EXEC] = "exec",
	[ENF_CLASS_READ] = "read",
	[ENF_CLASS_WRITE] = "write",
	[ENF_CLASS_CREATE] = "create",
	[ENF_CLASS_DELETE] = "delete",
	[ENF_CLASS_RENAME] = "rename",
	[ENF_CLASS_LINK] = "link",
	[ENF_CLASS_SETATTR] = "setattr",
};

/* Indexed by bit number. */
static const char *const op_words[] = { "create", "connect", "bind", "listen", "accept", "send" };
static const char *const family_words[] = { "inet4", "inet6", "unix", "packet", "netlink" };

static const char *const proto_words[] = {
	[POLICY_PROTO_ANY] = "any",
	[POLICY_PROTO_TCP] = "tcp",
	[POLICY_PROTO_UDP] = "udp",
	[POLICY_PROTO_ICMP] = "icmp",
	[POLICY_PROTO_RAW] = "raw",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *policy_section_word(enum enf_section s)
{
	return (unsigned)s < ENF_SECTION_COUNT ? section_words[s] : "?";
}

const char *policy_action_word(enum enf_action a)
{
	return (unsigned)a < N(action_words) ? action_words[a] : "?";
}

const char *policy_access_word(enum enf_class c)
{
	return (unsigned)c < ENF_CLASS_COUNT ? access_words[c] : NULL;
}

static int bit_index(uint32_t bit, size_t n)
{
	if (bit == 0 || (bit & (bit - 1)))
		return -1;
	int i = __builtin_ctz(bit);
	return (size_t)i < n ? i : -1;
}

const char *policy_net_op_word(uint32_t op_bit)
{
	int i = bit_index(op_bit, N(op_words));
	return i < 0 ? NULL : op_words[i];
}

const char *policy_family_word(uint32_t family_bit)
{
	int i = bit_index(family_bit, N(family_words));
	return i < 0 ? NULL : family_words[i];
}

const char *policy_proto_word(enum policy_net_proto p)
{
	return (unsigned)p < N(proto_words) ? proto_words[p] : "?";
}

int policy_access_from_word(const char *w, uint32_t *ret_bits)
{
	if (strcmp(w, "all") == 0) {
		*ret_bits = POLICY_ACCESS_ALL;
		return 0;
	}
	/* "exec" is a class, not a file access word: the exec section owns it */
	for (int c = ENF_CLASS_READ; c < ENF_CLASS_COUNT; c++)
		if (strcmp(w, access_words[c]) == 0) {
			*ret_bits = 1u << c;
			return 0;
		}
	return -EINVAL;
}

int policy_net_op_from_word(const char *w, uint32_t *ret_bit)
{
	for (size_t i = 0; i < N(op_words); i++)
		if (strcmp(w, op_words[i]) == 0) {
			*ret_bit = 1u << i;
			return 0;
		}
	return -EINVAL;
}

int policy_family_from_word(const char *w, uint32_t *ret_bits)
{
	if (strcmp(w, "any") == 0) {
		*ret_bits = POLICY_FAMILY_ANY;
		return 0;
	}
	if (strcmp(w, "inet") == 0) {
		*ret_bits = POLICY_FAMILY_INET4 | POLICY_FAMILY_INET6;
		return 0;
	}
	for (size_t i = 0; i < N(family_words); i++)
		if (strcmp(w, family_words[i]) == 0) {
			*ret_bits = 1u << i;
			return 0;
		}
	return -EINVAL;
}

int policy_proto_from_word(const char *w, enum policy_net_proto *ret)
{
	for (size_t i = 0; i < N(proto_words); i++)
		if (strcmp(w, proto_words[i]) == 0) {
			*ret = (enum policy_net_proto)i;
			return 0;
		}
	return -EINVAL;
}

bool policy_net_ops_fit_proto(uint32_t ops, enum policy_net_proto proto)
{
	return !(ops & (POLICY_NET_LISTEN | POLICY_NET_ACCEPT)) ||
	       (proto != POLICY_PROTO_UDP && proto != POLICY_PROTO_ICMP && proto != POLICY_PROTO_RAW);
}

void policy_addr_format(uint8_t family, const uint8_t *addr, uint8_t prefix_len,
			char *out, size_t out_size)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, a, sizeof(a));
	snprintf(out, out_size, "%s/%u", a, prefix_len);
}

/* jansson's setters fail only on ENOMEM; collect that in one flag. */
static void set(json_t *obj, const char *key, json_t *v, bool *oom)
{
	if (!v || json_object_set_new(obj, key, v) < 0)
		*oom = true;
}

static void push(json_t *arr, json_t *v, bool *oom)
{
	if (!v || json_array_append_new(arr, v) < 0)
		*oom = true;
}

static json_t *from_array(char *const *from, size_t n, bool *oom)
{
	json_t *a = json_array();

	if (!a) {
		*oom = true;
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		push(a, json_string(from[i]), oom);
	return a;
}

static char *finish(json_t *o, bool oom)
{
	char *s = NULL;

	if (o && !oom)
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

char *policy_path_rule_canonical(const struct policy_path_rule *r, enum enf_section section,
				 bool include_action)
{
	json_t *o = json_object();
	bool oom = !o;
	char *path = NULL;

	if (oom)
		return NULL;
	if (include_action)
		set(o, "action", json_string(policy_action_word(r->action)), &oom);
	if (r->subtree) {
		if (asprintf(&path, "%s/**", strcmp(r->path, "/") == 0 ? "" : r->path) < 0)
			path = NULL, oom = true;
	}
	set(o, "path", path ? json_string(path) : json_string(r->path), &oom);
	free(path);
	if (section == ENF_SECTION_FILE) {
		json_t *acc = json_array();
		if ((r->access & POLICY_ACCESS_ALL) == POLICY_ACCESS_ALL) {
			push(acc, json_string("all"), &oom);
		} else {
			for (int c = ENF_CLASS_READ; c < ENF_CLASS_COUNT; c++)
				if (r->access & (1u << c))
					push(acc, json_string(access_words[c]), &oom);
		}
		set(o, "access", acc, &oom);
	}
	if (r->n_from)
		set(o, "from", from_array(r->from, r->n_from, &oom), &oom);
	return finish(o, oom);
}

char *policy_net_rule_canonical(const struct policy_net_rule *r, bool include_action)
{
	json_t *o = json_object(), *a;
	bool oom = !o;

	if (oom)
		return NULL;
	if (include_action)
		set(o, "action", json_string(policy_action_word(r->action)), &oom);
	a = json_array();
	for (size_t i = 0; i < N(op_words); i++)
		if (r->ops & (1u << i))
			push(a, json_string(op_words[i]), &oom);
	set(o, "op", a, &oom);
	if ((r->families & POLICY_FAMILY_ANY) != POLICY_FAMILY_ANY) {
		uint32_t f = r->families;
		a = json_array();
		if ((f & (POLICY_FAMILY_INET4 | POLICY_FAMILY_INET6)) ==
		    (POLICY_FAMILY_INET4 | POLICY_FAMILY_INET6)) {
			push(a, json_string("inet"), &oom);
			f &= ~(uint32_t)(POLICY_FAMILY_INET4 | POLICY_FAMILY_INET6);
		}
		for (size_t i = 0; i < N(family_words); i++)
			if (f & (1u << i))
				push(a, json_string(family_words[i]), &oom);
		set(o, "family", a, &oom);
	}
	if (r->proto != POLICY_PROTO_ANY)
		set(o, "proto", json_string(policy_proto_word(r->proto)), &oom);
	if (r->has_addr) {
		char buf[INET6_ADDRSTRLEN + 8];
		policy_addr_format(r->addr_family, r->addr, r->prefix_len, buf, sizeof(buf));
		set(o, "addr", json_string(buf), &oom);
	}
	if (r->n_ports) {
		a = json_array();
		for (size_t i = 0; i < r->n_ports; i++) {
			if (r->ports[i].lo == r->ports[i].hi) {
				push(a, json_integer(r->ports[i].lo), &oom);
			} else {
				char buf[16];
				snprintf(buf, sizeof(buf), "%u-%u", r->ports[i].lo, r->ports[i].hi);
				push(a, json_string(buf), &oom);
			}
		}
		set(o, "ports", a, &oom);
	}
	if (r->n_from)
		set(o, "from", from_array(r->from, r->n_from, &oom), &oom);
	return finish(o, oom);
}

uint32_t policy_rule_hash(enum enf_section section, const char *canonical_match)
{
	uint32_t h = fnv1a32_str(FNV1A32_OFFSET, policy_section_word(section));

	h = fnv1a32_str(h, ":");
	return fnv1a32_str(h, canonical_match);
}
