// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the profile parser on arbitrary bytes, then the
 * evaluator and the canonical forms on whatever parses. Beyond the
 * sanitizers, it checks the parser's own promises: an input error always
 * comes with a positioned message, the position pass never disagrees with
 * jansson (-EPROTO), and a parsed profile has unique non-zero rule ids.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "explain.h"

#define FUZZ_NAME "fuzz.json"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_policy: invariant broken: %s\n", what);
		abort();
	}
}

static void explain_path(const struct policy_profile *p, enum enf_class cls, const char *path, const char *exe)
{
	struct policy_verdict v;
	int r = policy_explain_path(p, cls, path, exe, &v);

	if (r != 0)
		return;
	check(v.action >= ENF_ACT_ALLOW && v.action <= ENF_ACT_DENY, "verdict action in range");
	free(policy_verdict_describe(p, &v));
}

static void explain_rule_paths(const struct policy_profile *p, const struct policy_path_section *sec, bool exec)
{
	char buf[8192];

	for (size_t i = 0; i < sec->n_rules && i < 64; i++) {
		const struct policy_path_rule *r = &sec->rules[i];
		enum enf_class cls = exec ? ENF_CLASS_EXEC : (enum enf_class)(__builtin_ctz(r->access));
		const char *exe = r->n_from ? r->from[0] : NULL;
		struct policy_verdict v;

		check(r->id != 0, "rule id non-zero");
		free(policy_path_rule_canonical(r, exec ? ENF_SECTION_EXEC : ENF_SECTION_FILE, true));
		if (!r->subtree) {
			/* an exact rule always decides its own path, at the top specificity */
			check(policy_explain_path(p, cls, r->path, exe, &v) == 0, "explain accepts a rule's own path");
			check(v.path_rule && !v.path_rule->subtree && v.action >= r->action,
			      "an exact rule's path is decided by an exact rule at least as strong");
		}
		snprintf(buf, sizeof(buf), "%s/x", strcmp(r->path, "/") == 0 ? "" : r->path);
		explain_path(p, cls, buf, exe);
		explain_path(p, cls, r->path, NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_profile *p = NULL;
	struct policy_error err = { .text = "" };
	struct policy_verdict v;
	int r;

	r = policy_parse_buffer((const char *)data, size, FUZZ_NAME, &p, &err);
	check(r != -EPROTO, "the position pass agrees with jansson");
	if (r == -EINVAL) {
		check(p == NULL, "no profile on failure");
		check(strncmp(err.text, FUZZ_NAME ":", strlen(FUZZ_NAME) + 1) == 0, "errors start with FILE:");
		check(strlen(err.text) > strlen(FUZZ_NAME) + 4, "errors say something");
		return 0;
	}
	if (r < 0)
		return 0; /* ENOMEM */
	check(p != NULL && p->name != NULL, "profile returned");

	/* ids unique across the profile */
	size_t n = p->exec.n_rules + p->file.n_rules + p->network.n_rules, k = 0;
	uint32_t *ids = calloc(n ? n : 1, sizeof(*ids));
	check(ids != NULL, "alloc");
	for (size_t i = 0; i < p->exec.n_rules; i++)
		ids[k++] = p->exec.rules[i].id;
	for (size_t i = 0; i < p->file.n_rules; i++)
		ids[k++] = p->file.rules[i].id;
	for (size_t i = 0; i < p->network.n_rules; i++)
		ids[k++] = p->network.rules[i].id;
	for (size_t i = 0; i < n && n <= 512; i++)
		for (size_t j = i + 1; j < n; j++)
			check(ids[i] != ids[j], "rule ids unique");
	free(ids);

	explain_rule_paths(p, &p->exec, true);
	explain_rule_paths(p, &p->file, false);
	for (int c = 0; c < ENF_CLASS_COUNT; c++) {
		explain_path(p, (enum enf_class)c, "/", NULL);
		explain_path(p, (enum enf_class)c, "/etc/shadow", "/usr/sbin/nginx");
		explain_path(p, (enum enf_class)c, "/srv/www/index.html", NULL);
	}

	static const uint8_t v4[16] = { 169, 254, 169, 254 };
	static const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	for (uint32_t op = 1; op <= ENF_NET_SEND; op <<= 1) {
		if (policy_explain_net(p, op, ENF_NET_FAMILY_INET4, ENF_NET_PROTO_TCP, v4, 4, 80, NULL, &v) == 0)
			free(policy_verdict_describe(p, &v));
		if (policy_explain_net(p, op, ENF_NET_FAMILY_INET6, ENF_NET_PROTO_UDP, mapped, 6, 53, "/usr/bin/x", &v) == 0)
			free(policy_verdict_describe(p, &v));
		if (policy_explain_net(p, op, ENF_NET_FAMILY_INET6, ENF_NET_PROTO_ICMP, v6, 6, 0, NULL, &v) == 0)
			free(policy_verdict_describe(p, &v));
		if (policy_explain_net(p, op, ENF_NET_FAMILY_UNIX, ENF_NET_PROTO_ANY, NULL, 0, 0, NULL, &v) == 0)
			free(policy_verdict_describe(p, &v));
	}
	for (size_t i = 0; i < p->network.n_rules && i < 64; i++) {
		const struct policy_net_rule *nr = &p->network.rules[i];
		check(nr->id != 0 && nr->ops && nr->families, "network rule sane");
		free(policy_net_rule_canonical(nr, true));
		if (nr->has_addr) {
			uint32_t fam = nr->addr_family == 4 ? ENF_NET_FAMILY_INET4 : ENF_NET_FAMILY_INET6;
			uint16_t port = nr->n_ports ? nr->ports[0].lo : 443;
			uint32_t op = nr->ops & -nr->ops;
			enum enf_net_proto proto = nr->proto == ENF_NET_PROTO_ANY ? ENF_NET_PROTO_TCP : nr->proto;
			check(policy_explain_net(p, op, fam, proto, nr->addr, nr->addr_family, port,
						 nr->n_from ? nr->from[0] : NULL, &v) == 0, "explain accepts a rule's own address");
			/* this rule matches, so whatever decides is a rule at least as specific */
			check(v.net_rule != NULL && (int)v.net_rule->has_addr == 1 && v.net_rule->prefix_len >= nr->prefix_len,
			      "a matching rule is never overridden by a less specific one");
		}
	}
	policy_profile_free(p);
	return 0;
}
