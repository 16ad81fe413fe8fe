// SPDX-License-Identifier: GPL-2.0-only
/*
 * Network rules of a profile (parse_internal.h): operations, families,
 * protocol, address prefix, ports, and the combinations of them that could
 * never match, each refused naming both keys.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "parse_internal.h"
#include "path_check.h"
#include "util.h"

static int parse_ops(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, uint32_t *ret)
{
	static const char *const words[] = { "create", "connect", "bind", "listen", "accept", "send", NULL };
	static const struct parse_hint hints[] = {
		{ "socket", "write \"create\"" },
		{ "sendto", "write \"send\"" },
		{ "sendmsg", "write \"send\"" },
		{ NULL, NULL },
	};

	return parse_word_set(c, v, pn, words, hints, enf_net_op_from_word,
			      "a non-empty array of network operations", "a network operation", NULL, ret);
}

static int parse_families(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, uint32_t *ret)
{
	static const char *const words[] = { "inet", "inet4", "inet6", "unix", "packet", "netlink", "any", NULL };
	static const struct parse_hint hints[] = {
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
		return enf_net_family_from_word(w, ret);
	}
	if (!json_is_array(v) || json_array_size(v) == 0)
		return parse_fail_type(c, pn, v, "a socket family or a non-empty array of them");
	return parse_word_set(c, v, pn, words, hints, enf_net_family_from_word,
			      "a socket family or a non-empty array of them", "a socket family", "any", ret);
}

static int parse_proto(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, enum enf_net_proto *ret)
{
	static const char *const words[] = { "tcp", "udp", "icmp", "raw", "any", NULL };
	static const struct parse_hint hints[] = {
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
	return enf_net_proto_from_word(w, ret);
}

/* "10.0.0.0/8", "::1", ... into the rule. */
static int parse_addr(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, struct policy_net_rule *nr)
{
	char buf[INET6_ADDRSTRLEN + 8], found[128], fixed[INET6_ADDRSTRLEN + 8];
	uint8_t a[16] = { 0 }, masked[16];
	const char *s, *slash;
	unsigned max, prefix;
	bool v6;

	if (!json_is_string(v))
		return parse_fail_type(c, pn, v, "an IPv4 or IPv6 address or CIDR prefix (a string)");
	s = json_string_value(v);
	parse_describe(v, found, sizeof(found));
	slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return parse_fail(c, pn, "expected an IPv4 or IPv6 address with an optional /prefix, found %s", found);
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	v6 = strchr(buf, ':') != NULL;
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, a) != 1)
		return parse_fail(c, pn, "expected an IPv4 or IPv6 address with an optional /prefix, found %s (%s is not an %s address)",
				  found, buf, v6 ? "IPv6" : "IPv4");
	max = v6 ? 128 : 32;
	prefix = max;
	if (slash) {
		const char *p = slash + 1;
		size_t n = strlen(p);
		if (n == 0 || n > 3 || strspn(p, "0123456789") != n)
			return parse_fail(c, pn, "expected a prefix length 0-%u after '/', found %s", max, found);
		prefix = (unsigned)atoi(p);
		if (prefix > max)
			return parse_fail(c, pn, "expected a prefix length 0-%u for an %s address, found %s",
					  max, v6 ? "IPv6" : "IPv4", found);
	}
	memcpy(masked, a, sizeof(a));
	for (unsigned bit = prefix; bit < max; bit++)
		masked[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	if (memcmp(masked, a, sizeof(a)) != 0) {
		policy_addr_format(v6 ? 6 : 4, masked, (uint8_t)prefix, fixed, sizeof(fixed));
		return parse_fail(c, pn, "%s has host bits set; did you mean %s?", s, fixed);
	}
	if (v6 && prefix >= 96) {
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (memcmp(a, mapped, sizeof(mapped)) == 0) {
			/* mapped peers are matched as IPv4 (docs/policy.md), so say it that way */
			policy_addr_format(4, a + 12, (uint8_t)(prefix - 96), fixed, sizeof(fixed));
			return parse_fail(c, pn, "expected an IPv6 address that is not IPv4-mapped, found %s: IPv4-mapped addresses are matched as IPv4; write %s",
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

static int parse_ports(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, struct policy_net_rule *nr)
{
	_cleanup_free_ struct port_entry *e = NULL;
	size_t n;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return parse_fail_type(c, pn, v, "a non-empty array of ports (1-65535) and ranges (\"lo-hi\")");
	n = json_array_size(v);
	nr->ports = calloc(n, sizeof(*nr->ports));
	e = calloc(n, sizeof(*e));
	if (!nr->ports || !e)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *p = json_array_get(v, i);
		const struct json_pos_node *ep = json_pos_element(pn, i);
		size_t old = parse_path_push_index(c, i);
		char found[128];

		parse_describe(p, found, sizeof(found));
		if (json_is_integer(p)) {
			json_int_t x = json_integer_value(p);
			if (x < 1 || x > 65535)
				return parse_fail(c, ep, "expected a port 1-65535, found %s", found);
			e[i].r.lo = e[i].r.hi = (uint16_t)x;
		} else if (json_is_string(p)) {
			const char *s = json_string_value(p);
			size_t l1 = strspn(s, "0123456789");
			if (l1 == strlen(s) && l1 > 0 && l1 <= 5)
				return parse_fail(c, ep, "expected a port range \"lo-hi\", found %s; write a single port as a number: %s",
						  found, s);
			if (l1 == 0 || l1 > 5 || s[l1] != '-')
				return parse_fail(c, ep, "expected a port range \"lo-hi\" (e.g. \"8000-8099\"), found %s", found);
			const char *h = s + l1 + 1;
			size_t l2 = strspn(h, "0123456789");
			if (l2 == 0 || l2 > 5 || h[l2] != '\0')
				return parse_fail(c, ep, "expected a port range \"lo-hi\" (e.g. \"8000-8099\"), found %s", found);
			long lo = atol(s), hi = atol(h);
			if (lo < 1 || hi > 65535 || lo > 65535 || hi < 1)
				return parse_fail(c, ep, "expected a port range \"lo-hi\" with both ends 1-65535, found %s", found);
			if (lo > hi)
				return parse_fail(c, ep, "expected a port range \"lo-hi\" with lo <= hi, found %s; did you mean \"%ld-%ld\"?",
						  found, hi, lo);
			e[i].r.lo = (uint16_t)lo;
			e[i].r.hi = (uint16_t)hi;
		} else {
			return parse_fail(c, ep, "expected a port 1-65535 or a range \"lo-hi\", found %s", found);
		}
		e[i].index = i;
		nr->ports[i] = e[i].r;
		nr->n_ports = i + 1;
		parse_path_pop(c, old);
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
		parse_describe(json_array_get(v, bad), a, sizeof(a));
		parse_describe(json_array_get(v, other), b, sizeof(b));
		parse_path_push_index(c, bad);
		return parse_fail(c, json_pos_element(pn, bad), "expected ports that do not overlap, found %s, which overlaps [%zu] (%s)",
				  a, other, b);
	}
	qsort(nr->ports, n, sizeof(*nr->ports), cmp_port_range);
	return 0;
}

static bool has_ip_family(uint32_t families)
{
	return families & (ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6);
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
		parse_describe(f, out, size);
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

int parse_net_rule(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, struct policy_net_rule *r)
{
	const char *key;
	json_t *m;
	char fam[128], val[128];
	int ret;

	if (!json_is_object(v))
		return parse_fail_type(c, pn, v, "a rule (an object)");
	r->src.line = pn ? pn->line : 1;
	r->src.column = pn ? pn->column : 1;
	r->families = ENF_NET_FAMILY_ANY;
	r->proto = ENF_NET_PROTO_ANY;
	ret = parse_check_keys(c, v, pn, parse_net_rule_keys, "network rules");
	if (ret < 0)
		return ret;

	json_object_foreach(v, key, m) {
		const struct json_pos_node *mp = json_pos_member(pn, key);
		size_t old = parse_path_push_key(c, key);

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
		parse_path_pop(c, old);
	}

	if (!r->action)
		return parse_missing(c, pn, "action", "\"allow\", \"deny\" or \"audit\"");
	if (!r->ops)
		return parse_missing(c, pn, "op", "a non-empty array of create, connect, bind, listen, accept or send");

	/* Consistency: a rule that can never match is a mistake; name both keys. */
	families_text(v, fam, sizeof(fam));
	const struct json_pos_node *addr_pn = json_pos_member(pn, "addr");
	const struct json_pos_node *ports_pn = json_pos_member(pn, "ports");
	const struct json_pos_node *proto_pn = json_pos_member(pn, "proto");
	const struct json_pos_node *op_pn = json_pos_member(pn, "op");
	size_t old;

	if (r->has_addr) {
		parse_describe(json_object_get(v, "addr"), val, sizeof(val));
		old = parse_path_push_key(c, "addr");
		if (!has_ip_family(r->families))
			return parse_fail(c, addr_pn, "\"addr\" conflicts with \"family\" %s: expected no \"addr\" (only inet4 and inet6 sockets have addresses), found %s",
					  fam, val);
		if (r->addr_family == 6 && !(r->families & ENF_NET_FAMILY_INET6))
			return parse_fail(c, addr_pn, "\"addr\" conflicts with \"family\" %s: expected an IPv4 address, found %s (IPv6)",
					  fam, val);
		if (r->addr_family == 4 && !(r->families & ENF_NET_FAMILY_INET4))
			return parse_fail(c, addr_pn, "\"addr\" conflicts with \"family\" %s: expected an IPv6 address, found %s (IPv4; for IPv4-mapped peers of IPv6 sockets use family \"inet\")",
					  fam, val);
		parse_path_pop(c, old);
	}
	if (r->n_ports) {
		old = parse_path_push_key(c, "ports");
		if (!has_ip_family(r->families))
			return parse_fail(c, ports_pn, "\"ports\" conflicts with \"family\" %s: expected no \"ports\" (only inet4 and inet6 sockets have ports)",
					  fam);
		if (r->proto == ENF_NET_PROTO_ICMP || r->proto == ENF_NET_PROTO_RAW)
			return parse_fail(c, ports_pn, "\"ports\" conflicts with \"proto\" \"%s\": expected no \"ports\" (%s sockets have no ports)",
					  enf_net_proto_name(r->proto), enf_net_proto_name(r->proto));
		parse_path_pop(c, old);
	}
	if (r->proto != ENF_NET_PROTO_ANY && !has_ip_family(r->families)) {
		parse_path_push_key(c, "proto");
		return parse_fail(c, proto_pn, "\"proto\" conflicts with \"family\" %s: expected \"any\" (tcp, udp, icmp and raw are inet protocols), found \"%s\"",
				  fam, enf_net_proto_name(r->proto));
	}
	if ((r->ops & ENF_NET_CREATE) && (r->has_addr || r->n_ports)) {
		parse_path_push_key(c, "op");
		return parse_fail(c, op_pn, "\"op\" \"create\" conflicts with \"%s\": creating a socket involves no address or port; put \"create\" in a rule of its own",
				  r->has_addr ? "addr" : "ports");
	}
	if (!policy_net_ops_fit_proto(r->ops, r->proto)) {
		parse_path_push_key(c, "op");
		return parse_fail(c, op_pn, "\"op\" \"%s\" conflicts with \"proto\" \"%s\": only stream (tcp) sockets listen and accept",
				  (r->ops & ENF_NET_LISTEN) ? "listen" : "accept", enf_net_proto_name(r->proto));
	}
	return 0;
}
