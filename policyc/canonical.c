// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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
		set(o, "action", json_string(enf_action_name(r->action)), &oom);
	if (r->subtree) {
		if (asprintf(&path, "%s/**", strcmp(r->path, "/") == 0 ? "" : r->path) < 0)
			path = NULL, oom = true;
	}
	set(o, "path", path ? json_string(path) : json_string(r->path), &oom);
	free(path);
	if (section == ENF_SECTION_FILE) {
		json_t *acc = json_array();
		if ((r->access & ENF_ACCESS_ALL) == ENF_ACCESS_ALL) {
			push(acc, json_string("all"), &oom);
		} else {
			for (int c = ENF_CLASS_READ; c < ENF_CLASS_COUNT; c++)
				if (r->access & (1u << c))
					push(acc, json_string(enf_class_name((enum enf_class)c)), &oom);
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
		set(o, "action", json_string(enf_action_name(r->action)), &oom);
	a = json_array();
	for (unsigned b = 0; b < 32; b++)
		if ((r->ops & (1u << b)) && enf_net_op_name(1u << b))
			push(a, json_string(enf_net_op_name(1u << b)), &oom);
	set(o, "op", a, &oom);
	if ((r->families & ENF_NET_FAMILY_ANY) != ENF_NET_FAMILY_ANY) {
		uint32_t f = r->families;
		a = json_array();
		if ((f & (ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6)) ==
		    (ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6)) {
			push(a, json_string("inet"), &oom);
			f &= ~(uint32_t)(ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6);
		}
		for (unsigned b = 0; b < 32; b++)
			if ((f & (1u << b)) && enf_net_family_name(1u << b))
				push(a, json_string(enf_net_family_name(1u << b)), &oom);
		set(o, "family", a, &oom);
	}
	if (r->proto != ENF_NET_PROTO_ANY)
		set(o, "proto", json_string(enf_net_proto_name(r->proto)), &oom);
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
	uint32_t h = fnv1a32_str(FNV1A32_OFFSET, enf_section_name(section));

	h = fnv1a32_str(h, ":");
	return fnv1a32_str(h, canonical_match);
}
