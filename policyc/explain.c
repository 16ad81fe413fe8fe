// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reference evaluator (explain.h). Linear scans over the rules: clarity
 * over speed, since its job is to be obviously right.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "canonical.h"
#include "explain.h"
#include "path_check.h"
#include "util.h"

/* Specificity of a path match: exact beats every subtree; deeper subtrees beat shallower. */
#define SPEC_EXACT INT_MAX

static int depth_of(const char *path)
{
	int d = 0;

	if (strcmp(path, "/") == 0)
		return 0;
	for (const char *p = path; *p; p++)
		d += *p == '/';
	return d;
}

static bool path_matches(const struct policy_path_rule *r, const char *path, size_t plen, int *ret_spec)
{
	size_t rl = strlen(r->path);

	if (!r->subtree) {
		if (strcmp(r->path, path) != 0)
			return false;
		*ret_spec = SPEC_EXACT;
		return true;
	}
	// subtrees match strictly below their base: "/srv/www/**" not "/srv/www", "/**" not "/"
	if (rl == 1) {
		if (plen <= 1)
			return false;
	} else if (plen <= rl || memcmp(path, r->path, rl) != 0 || path[rl] != '/') {
		return false;
	}
	*ret_spec = depth_of(r->path);
	return true;
}

static bool from_matches(char *const *from, size_t n_from, const char *exe)
{
	if (n_from == 0)
		return true;
	if (!exe)
		return false;
	for (size_t i = 0; i < n_from; i++)
		if (strcmp(from[i], exe) == 0)
			return true;
	return false;
}

static bool valid_query_path(const char *path)
{
	char why[512], *base = NULL;
	bool subtree;
	int r;

	if (!path)
		return false;
	r = policy_path_check(path, strlen(path), POLICY_PATH_LITERAL, "a path", &base, &subtree, why, sizeof(why));
	free(base);
	return r == 0;
}

static void verdict_default(struct policy_verdict *v, enum enf_section s, bool present, enum enf_action def)
{
	*v = (struct policy_verdict){ .section = s };
	if (!present) {
		v->action = ENF_ACT_ALLOW;
		v->section_absent = true;
	} else {
		v->action = def;
		v->by_default = true;
	}
}

int policy_explain_path(const struct policy_profile *p, enum enf_class cls, const char *path,
			const char *exe, struct policy_verdict *ret)
{
	const struct policy_path_section *sec;
	const struct policy_path_rule *best = NULL;
	int best_spec = -1;
	enum enf_section s;
	size_t plen;

	if (!p || !ret || (unsigned)cls >= ENF_CLASS_COUNT || !valid_query_path(path) ||
	    (exe && !valid_query_path(exe)))
		return -EINVAL;
	s = cls == ENF_CLASS_EXEC ? ENF_SECTION_EXEC : ENF_SECTION_FILE;
	sec = cls == ENF_CLASS_EXEC ? &p->exec : &p->file;
	plen = strlen(path);

	for (size_t i = 0; sec->present && i < sec->n_rules; i++) {
		const struct policy_path_rule *r = &sec->rules[i];
		int spec;

		if (!(r->access & (1u << cls)) || !from_matches(r->from, r->n_from, exe) ||
		    !path_matches(r, path, plen, &spec))
			continue;
		/* most specific first; at equal specificity deny > audit > allow */
		if (!best || spec > best_spec || (spec == best_spec && r->action > best->action)) {
			best = r;
			best_spec = spec;
		}
	}
	verdict_default(ret, s, sec->present, sec->default_action);
	if (best) {
		ret->by_default = false;
		ret->action = best->action;
		ret->path_rule = best;
	}
	return 0;
}

int policy_explain_map(const struct policy_profile *p, const char *path, const char *exe,
		       struct policy_verdict *ret)
{
	struct policy_verdict w, c;
	int r = policy_explain_path(p, ENF_CLASS_EXEC, path, exe, ret);

	if (r < 0 || !ret->by_default || ret->action == ENF_ACT_ALLOW)
		return r;
	if (policy_explain_path(p, ENF_CLASS_WRITE, path, exe, &w) < 0 ||
	    policy_explain_path(p, ENF_CLASS_CREATE, path, exe, &c) < 0)
		return -EINVAL;
	if (w.action == ENF_ACT_DENY && c.action == ENF_ACT_DENY) {
		ret->action = ENF_ACT_ALLOW;
		ret->unwritable = true;
	}
	return 0;
}

static bool prefix_matches(const uint8_t *rule_addr, const uint8_t *addr, unsigned prefix_len)
{
	unsigned full = prefix_len / 8, rest = prefix_len % 8;

	if (memcmp(rule_addr, addr, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff00u >> rest);
		if ((rule_addr[full] & mask) != (addr[full] & mask))
			return false;
	}
	return true;
}

static bool port_matches(const struct policy_net_rule *r, uint16_t port)
{
	if (r->n_ports == 0)
		return true;
	for (size_t i = 0; i < r->n_ports; i++)
		if (port >= r->ports[i].lo && port <= r->ports[i].hi)
			return true;
	return false;
}

static bool one_bit(uint32_t v, uint32_t within)
{
	return v && !(v & (v - 1)) && (v & within) == v;
}

int policy_net_request_parse(const char *arg, struct policy_net_request *ret, char *why, size_t size)
{
	_cleanup_free_ char *s = strdup(arg);
	char *op, *proto, *rest, *end;
	struct policy_net_request req = { 0 };
	long port;

	_Static_assert(sizeof(req.addr_text) >= INET6_ADDRSTRLEN, "addr_text");
	if (!s)
		return -ENOMEM;
	op = s;
	proto = strchr(op, ':');
	if (!proto) {
		textf(why, size, "expected OP:PROTO[:ADDR:PORT]");
		return -EINVAL;
	}
	*proto++ = '\0';
	rest = strchr(proto, ':');
	if (rest)
		*rest++ = '\0';
	if (enf_net_op_from_word(op, &req.op) < 0) {
		textf(why, size, "expected an operation (create, connect, bind, listen, accept, send), found \"%s\"", op);
		return -EINVAL;
	}
	if (enf_net_proto_from_word(proto, &req.proto) < 0) {
		textf(why, size, "expected a protocol (tcp, udp, icmp, raw, any), found \"%s\"", proto);
		return -EINVAL;
	}
	if (rest) {
		char *addr = rest, *port_text;

		if (*addr == '[') {
			char *close = strchr(addr, ']');

			if (!close || close[1] != ':') {
				textf(why, size, "expected [IPV6]:PORT after the protocol");
				return -EINVAL;
			}
			*close = '\0';
			addr++;
			port_text = close + 2;
		} else {
			port_text = strrchr(addr, ':');
			if (!port_text) {
				textf(why, size, "expected ADDR:PORT after the protocol");
				return -EINVAL;
			}
			*port_text++ = '\0';
			if (strchr(addr, ':')) {
				textf(why, size, "an IPv6 address goes in brackets: %s:%s:[%s]:%s", op, proto, addr,
				      port_text);
				return -EINVAL;
			}
		}
		if (*addr) {
			if (inet_pton(AF_INET6, addr, req.addr) == 1) {
				req.addr_family = 6;
			} else if (inet_pton(AF_INET, addr, req.addr) == 1) {
				req.addr_family = 4;
			} else {
				textf(why, size, "expected an IPv4 or IPv6 address, found \"%s\"", addr);
				return -EINVAL;
			}
			req.has_addr = true;
			textf(req.addr_text, sizeof(req.addr_text), "%s", addr);
		}
		errno = 0;
		port = strtol(port_text, &end, 10);
		if (!*port_text || *end || errno || port < 0 || port > 65535) {
			textf(why, size, "expected a port 0-65535, found \"%s\"", port_text);
			return -EINVAL;
		}
		req.port = (uint16_t)port;
	}
	*ret = req;
	return 0;
}

int policy_explain_net(const struct policy_profile *p, uint32_t op, uint32_t family_bit,
		       enum enf_net_proto proto, const uint8_t addr[16], int addr_family,
		       uint16_t port, const char *exe, struct policy_verdict *ret)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const uint32_t all_ops = ENF_NET_CREATE | ENF_NET_CONNECT | ENF_NET_BIND |
				 ENF_NET_LISTEN | ENF_NET_ACCEPT | ENF_NET_SEND;
	const struct policy_net_section *sec;
	const struct policy_net_rule *best = NULL;
	const uint8_t *a = addr;
	int fam = addr_family, best_spec = INT_MIN;

	if (!p || !ret || !one_bit(op, all_ops) || !one_bit(family_bit, ENF_NET_FAMILY_ANY) ||
	    (unsigned)proto > ENF_NET_PROTO_RAW || (addr && fam != 4 && fam != 6) ||
	    (exe && !valid_query_path(exe)))
		return -EINVAL;
	if (addr && fam == 6 && memcmp(addr, mapped, sizeof(mapped)) == 0) {
		/* an IPv6 socket talking to an IPv4 peer: the peer is what rules name */
		a = addr + 12;
		fam = 4;
	}
	sec = &p->network;

	for (size_t i = 0; sec->present && i < sec->n_rules; i++) {
		const struct policy_net_rule *r = &sec->rules[i];
		int spec;

		if (!(r->ops & op) || !(r->families & family_bit) ||
		    (r->proto != ENF_NET_PROTO_ANY && r->proto != proto) ||
		    !from_matches(r->from, r->n_from, exe) || !port_matches(r, port))
			continue;
		if (r->has_addr && (!a || r->addr_family != fam || !prefix_matches(r->addr, a, r->prefix_len)))
			continue;
		/* longest prefix (no addr = -1, below /0), then ports over no ports */
		spec = (r->has_addr ? (int)r->prefix_len : -1) * 2 + (r->n_ports ? 1 : 0);
		if (!best || spec > best_spec || (spec == best_spec && r->action > best->action)) {
			best = r;
			best_spec = spec;
		}
	}
	verdict_default(ret, ENF_SECTION_NETWORK, sec->present, sec->default_action);
	if (best) {
		ret->by_default = false;
		ret->action = best->action;
		ret->net_rule = best;
	}
	return 0;
}

char *policy_verdict_describe(const struct policy_profile *p, const struct policy_verdict *v)
{
	const char *action = enf_action_name(v->action);
	const char *file = p->source_file ? p->source_file : "<input>";
	const struct policy_source *src;
	char *canon, *out = NULL;
	uint32_t id;

	if (v->section_absent) {
		if (asprintf(&out, "%s: the profile has no %s section (not decided by this profile)",
			     action, enf_section_name(v->section)) < 0)
			return NULL;
		return out;
	}
	if (v->unwritable)
		return strdup("allow: no exec rule names it and exec.default refuses it, but the profile denies "
			      "writing and creating it, so it maps executable (a shared library)");
	if (v->by_default || (!v->path_rule && !v->net_rule)) {
		if (asprintf(&out, "%s by default (%s.default)", action, enf_section_name(v->section)) < 0)
			return NULL;
		return out;
	}
	if (v->net_rule) {
		canon = policy_net_rule_canonical(v->net_rule, true);
		src = &v->net_rule->src;
		id = v->net_rule->id;
	} else {
		canon = policy_path_rule_canonical(v->path_rule, v->section, true);
		src = &v->path_rule->src;
		id = v->path_rule->id;
	}
	if (!canon)
		return NULL;
	if (asprintf(&out, "%s by rule 0x%08x (%s:%d:%d) %s", action, id, file, src->line, src->column, canon) < 0)
		out = NULL;
	free(canon);
	return out;
}

const char *policy_verdict_effect(const struct policy_profile *p, const struct policy_verdict *v)
{
	switch (v->action) {
	case ENF_ACT_DENY:
		return p->mode == ENF_MODE_ENFORCE ? "denied" : "allowed, and logged as a would-deny (audit mode)";
	case ENF_ACT_AUDIT:
		return "allowed and logged";
	default:
		return "allowed";
	}
}

int policy_verdict_json(const struct policy_profile *p, const struct policy_verdict *v, bool with_effect,
			json_t *obj)
{
	const char *decided_by = v->section_absent ? "no-section" : v->unwritable ? "unwritable" :
				 v->by_default || (!v->path_rule && !v->net_rule) ? "default" : "rule";
	char *desc = policy_verdict_describe(p, v), *canon = NULL;
	json_t *rule = json_null();
	int r = -ENOMEM;

	if (!desc)
		return -ENOMEM;
	if (!v->by_default && (v->path_rule || v->net_rule)) {
		const struct policy_source *src = v->net_rule ? &v->net_rule->src : &v->path_rule->src;
		char id[16];

		canon = v->net_rule ? policy_net_rule_canonical(v->net_rule, true) :
				      policy_path_rule_canonical(v->path_rule, v->section, true);
		if (!canon)
			goto out;
		snprintf(id, sizeof(id), "0x%08x", v->net_rule ? v->net_rule->id : v->path_rule->id);
		rule = json_pack("{s:s, s:s, s:i, s:i, s:s}", "id", id, "file",
				 p->source_file ? p->source_file : "<input>", "line", src->line, "column",
				 src->column, "text", canon);
	}
	if (rule && json_object_set_new(obj, "action", json_string(enf_action_name(v->action))) == 0 &&
	    json_object_set_new(obj, "decided_by", json_string(decided_by)) == 0 &&
	    json_object_set(obj, "rule", rule) == 0 &&
	    (!with_effect || json_object_set_new(obj, "effect", json_string(policy_verdict_effect(p, v))) == 0) &&
	    json_object_set_new(obj, "summary", json_string(desc)) == 0)
		r = 0;
	json_decref(rule);
out:
	free(canon);
	free(desc);
	return r;
}
