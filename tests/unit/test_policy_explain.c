// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reference evaluator: the precedence rules of docs/policy.md, one
 * case each, plus the one-line descriptions `policyc explain` prints.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "explain.h"
#include "unit.h"

static struct policy_profile *load(const char *json, const char *name)
{
	struct policy_profile *p = NULL;
	struct policy_error err = { .text = "" };
	int r = policy_parse_buffer(json, strlen(json), "t.json", &p, &err);

	if (!unit_report(r == 0, name, "parse failed (%d): %s", r, err.text))
		return NULL;
	return p;
}

/* Path verdict: action, and which rule (by index in its section, -1 = default). */
static void path_is(const struct policy_profile *p, enum enf_class cls, const char *path, const char *exe,
		    enum enf_action want, int want_rule, const char *name)
{
	struct policy_verdict v;
	const struct policy_path_section *sec = cls == ENF_CLASS_EXEC ? &p->exec : &p->file;
	int r = policy_explain_path(p, cls, path, exe, &v);
	int got_rule = v.path_rule ? (int)(v.path_rule - sec->rules) : -1;

	if (r != 0) {
		unit_report(false, name, "policy_explain_path returned %d", r);
		return;
	}
	unit_report(v.action == want && got_rule == want_rule && v.by_default == (want_rule < 0), name,
		    "got %s by rule %d (default %d), expected %s by rule %d", enf_action_name(v.action),
		    got_rule, v.by_default, enf_action_name(want), want_rule);
}

static void net_is(const struct policy_profile *p, uint32_t op, uint32_t fam, enum enf_net_proto proto,
		   const char *addr, uint16_t port, const char *exe, enum enf_action want, int want_rule,
		   const char *name)
{
	struct policy_verdict v;
	uint8_t a[16] = { 0 };
	int af = 0, r;

	if (addr) {
		if (inet_pton(AF_INET6, addr, a) == 1)
			af = 6;
		else if (inet_pton(AF_INET, addr, a) == 1)
			af = 4;
	}
	r = policy_explain_net(p, op, fam, proto, addr ? a : NULL, af, port, exe, &v);
	int got_rule = v.net_rule ? (int)(v.net_rule - p->network.rules) : -1;
	if (r != 0) {
		unit_report(false, name, "policy_explain_net returned %d", r);
		return;
	}
	unit_report(v.action == want && got_rule == want_rule && v.by_default == (want_rule < 0), name,
		    "got %s by rule %d, expected %s by rule %d", enf_action_name(v.action), got_rule,
		    enf_action_name(want), want_rule);
}

#define HDR "{\"name\":\"t\",\"mode\":\"enforce\","
#define R(action, path, access) "{\"action\":\"" action "\",\"path\":\"" path "\",\"access\":[" access "]}"
#define RF(action, path, access, from) \
	"{\"action\":\"" action "\",\"path\":\"" path "\",\"access\":[" access "],\"from\":[" from "]}"

static void test_path_precedence(void)
{
	struct policy_profile *p = load(HDR "\"file\":{\"default\":\"allow\",\"rules\":["
		R("deny", "/srv/**", "\"read\"") ","                  /* 0 */
		R("allow", "/srv/www/**", "\"read\"") ","             /* 1 */
		R("deny", "/srv/www/secret", "\"read\"") ","          /* 2 */
		R("audit", "/srv/www/logs/**", "\"read\"") ","        /* 3 */
		R("allow", "/srv/www/logs/**", "\"write\"") ","       /* 4 */
		R("audit", "/data/**", "\"read\"") ","                /* 5 */
		R("deny", "/data/**", "\"write\"") ","                /* 6 */
		R("deny", "/**", "\"delete\"") ","                    /* 7 */
		R("allow", "/tmp/**", "\"delete\"") "]}}",           /* 8 */
		"precedence: profile");
	if (!p)
		return;
	path_is(p, ENF_CLASS_READ, "/srv/www/secret", NULL, ENF_ACT_DENY, 2, "path: exact beats subtree");
	path_is(p, ENF_CLASS_READ, "/srv/www/index.html", NULL, ENF_ACT_ALLOW, 1, "path: longer subtree beats shorter");
	path_is(p, ENF_CLASS_READ, "/srv/other", NULL, ENF_ACT_DENY, 0, "path: shorter subtree when the longer does not match");
	path_is(p, ENF_CLASS_READ, "/srv/www", NULL, ENF_ACT_DENY, 0, "path: a subtree does not match its own base");
	path_is(p, ENF_CLASS_READ, "/srv", NULL, ENF_ACT_ALLOW, -1, "path: base of the outer subtree falls to the default");
	path_is(p, ENF_CLASS_READ, "/srv/www/logs/a/b/c", NULL, ENF_ACT_AUDIT, 3, "path: deepest subtree, audit");
	path_is(p, ENF_CLASS_WRITE, "/srv/www/logs/x", NULL, ENF_ACT_ALLOW, 4, "path: rules apply to their access only");
	path_is(p, ENF_CLASS_WRITE, "/srv/www/secret", NULL, ENF_ACT_ALLOW, -1, "path: no rule for this access: default");
	path_is(p, ENF_CLASS_READ, "/data/x", NULL, ENF_ACT_AUDIT, 5, "path: audit rule");
	path_is(p, ENF_CLASS_WRITE, "/data/x", NULL, ENF_ACT_DENY, 6, "path: same path, other access");
	path_is(p, ENF_CLASS_DELETE, "/tmp/x", NULL, ENF_ACT_ALLOW, 8, "path: /tmp/** beats /**");
	path_is(p, ENF_CLASS_DELETE, "/etc/passwd", NULL, ENF_ACT_DENY, 7, "path: /** matches everything");
	path_is(p, ENF_CLASS_DELETE, "/", NULL, ENF_ACT_ALLOW, -1, "path: /** does not match /");
	path_is(p, ENF_CLASS_RENAME, "/srv/www/secret", NULL, ENF_ACT_ALLOW, -1, "path: untouched class: default");
	path_is(p, ENF_CLASS_READ, "/srv/wwwx/y", NULL, ENF_ACT_DENY, 0, "path: /srv/www/** does not match /srv/wwwx");
	policy_profile_free(p);

	/* deny > audit > allow at equal specificity (only possible with from sets or via subtree vs subtree) */
	p = load(HDR "\"file\":{\"default\":\"deny\",\"rules\":["
		 RF("allow", "/etc/shadow", "\"read\"", "\"/usr/bin/passwd\"") ","   /* 0 */
		 R("audit", "/etc/shadow", "\"read\"") ","                           /* 1 */
		 RF("deny", "/etc/shadow", "\"read\"", "\"/usr/bin/evil\"") ","      /* 2 */
		 RF("allow", "/var/**", "\"read\"", "\"/usr/bin/a\"") ","            /* 3 */
		 R("allow", "/var/log/**", "\"read\"") ","                           /* 4 */
		 RF("deny", "/var/log/**", "\"read\"", "\"/usr/bin/a\"") ","         /* 5 */
		 RF("allow", "/opt/app", "\"write\"", "\"/usr/bin/a\",\"/usr/bin/b\"") "]}}",
		 "from: profile");
	if (!p)
		return;
	path_is(p, ENF_CLASS_READ, "/etc/shadow", "/usr/bin/passwd", ENF_ACT_AUDIT, 1,
		"tie: audit beats allow at equal specificity (from rule vs plain rule)");
	path_is(p, ENF_CLASS_READ, "/etc/shadow", "/usr/bin/evil", ENF_ACT_DENY, 2, "tie: deny beats audit");
	path_is(p, ENF_CLASS_READ, "/etc/shadow", NULL, ENF_ACT_AUDIT, 1, "from: unknown executable, from rules skipped");
	path_is(p, ENF_CLASS_READ, "/etc/shadow", "/usr/bin/other", ENF_ACT_AUDIT, 1, "from: other executable");
	path_is(p, ENF_CLASS_READ, "/var/log/syslog", "/usr/bin/a", ENF_ACT_DENY, 5, "from: specific from rule, deny wins tie");
	path_is(p, ENF_CLASS_READ, "/var/log/syslog", "/usr/bin/b", ENF_ACT_ALLOW, 4, "from: not the listed exe");
	path_is(p, ENF_CLASS_READ, "/var/lib/x", "/usr/bin/a", ENF_ACT_ALLOW, 3, "from: shallower from rule applies");
	path_is(p, ENF_CLASS_READ, "/var/lib/x", "/usr/bin/b", ENF_ACT_DENY, -1, "from: otherwise the default");
	path_is(p, ENF_CLASS_WRITE, "/opt/app", "/usr/bin/b", ENF_ACT_ALLOW, 6, "from: any exe of the set");
	path_is(p, ENF_CLASS_WRITE, "/opt/app", "/usr/bin/c", ENF_ACT_DENY, -1, "from: default deny for others");
	policy_profile_free(p);
}

static void test_exec_and_sections(void)
{
	struct policy_profile *p = load(HDR "\"exec\":{\"default\":\"deny\",\"rules\":["
		"{\"action\":\"allow\",\"path\":\"/usr/bin/**\"},"
		"{\"action\":\"deny\",\"path\":\"/usr/bin/curl\"},"
		"{\"action\":\"allow\",\"path\":\"/usr/bin/curl\",\"from\":[\"/opt/ci/runner\"]}]}}",
		"exec: profile");
	struct policy_verdict v;

	if (!p)
		return;
	path_is(p, ENF_CLASS_EXEC, "/usr/bin/ls", NULL, ENF_ACT_ALLOW, 0, "exec: allow-list subtree");
	path_is(p, ENF_CLASS_EXEC, "/usr/bin/curl", NULL, ENF_ACT_DENY, 1, "exec: exact deny");
	path_is(p, ENF_CLASS_EXEC, "/usr/bin/curl", "/opt/ci/runner", ENF_ACT_DENY, 1,
		"exec: a from-scoped allow does not beat a deny at the same specificity");
	path_is(p, ENF_CLASS_EXEC, "/bin/sh", NULL, ENF_ACT_DENY, -1, "exec: default deny");
	EXPECT_OK(policy_explain_path(p, ENF_CLASS_READ, "/etc/shadow", NULL, &v), "absent: file query");
	EXPECT_TRUE(v.section_absent && v.action == ENF_ACT_ALLOW && !v.by_default && !v.path_rule,
		    "absent: no file section, allowed and not decided here");
	EXPECT_EQ(v.section, ENF_SECTION_FILE, "absent: section named");
	char *d = policy_verdict_describe(p, &v);
	EXPECT_STREQ(d, "allow: the profile has no file section (not decided by this profile)", "describe: absent section");
	free(d);
	uint8_t a[16] = { 10, 0, 0, 1 };
	EXPECT_OK(policy_explain_net(p, ENF_NET_CONNECT, ENF_NET_FAMILY_INET4, ENF_NET_PROTO_TCP, a, 4, 80, NULL, &v),
		  "absent: network query");
	EXPECT_TRUE(v.section_absent && v.action == ENF_ACT_ALLOW, "absent: no network section");

	/* invalid requests */
	EXPECT_EQ(policy_explain_path(p, ENF_CLASS_EXEC, "usr/bin/ls", NULL, &v), -EINVAL, "request: relative path");
	EXPECT_EQ(policy_explain_path(p, ENF_CLASS_EXEC, "/usr//bin/ls", NULL, &v), -EINVAL, "request: path not normalised");
	EXPECT_EQ(policy_explain_path(p, ENF_CLASS_EXEC, "/usr/bin/", NULL, &v), -EINVAL, "request: trailing slash");
	EXPECT_EQ(policy_explain_path(p, ENF_CLASS_COUNT, "/usr/bin/ls", NULL, &v), -EINVAL, "request: class out of range");
	EXPECT_EQ(policy_explain_path(p, ENF_CLASS_EXEC, "/usr/bin/ls", "runner", &v), -EINVAL, "request: relative exe");
	EXPECT_EQ(policy_explain_path(p, ENF_CLASS_EXEC, NULL, NULL, &v), -EINVAL, "request: NULL path");
	EXPECT_OK(policy_explain_path(p, ENF_CLASS_EXEC, "/usr/bin/*", NULL, &v), "request: '*' is an ordinary character in a real path");
	EXPECT_EQ(policy_explain_net(p, ENF_NET_CONNECT | ENF_NET_BIND, ENF_NET_FAMILY_INET4, ENF_NET_PROTO_TCP, a, 4, 80,
				     NULL, &v), -EINVAL, "request: two ops");
	EXPECT_EQ(policy_explain_net(p, ENF_NET_CONNECT, ENF_NET_FAMILY_ANY, ENF_NET_PROTO_TCP, a, 4, 80, NULL, &v), -EINVAL,
		  "request: several families");
	EXPECT_EQ(policy_explain_net(p, ENF_NET_CONNECT, ENF_NET_FAMILY_INET4, ENF_NET_PROTO_TCP, a, 5, 80, NULL, &v), -EINVAL,
		  "request: bad address family");

	/* a real path may be deeper than any rule */
	char deep[1024] = "";
	for (int i = 0; i < 100; i++)
		strcat(deep, "/d");
	EXPECT_OK(policy_explain_path(p, ENF_CLASS_EXEC, deep, NULL, &v), "request: 100 components are fine");
	policy_profile_free(p);
}

static void test_network(void)
{
#define N(x) "{\"action\":" x "}"
	struct policy_profile *p = load(HDR "\"network\":{\"default\":\"allow\",\"rules\":["
		N("\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/8\"") ","                                 /* 0 */
		N("\"allow\",\"op\":[\"connect\"],\"addr\":\"10.1.0.0/16\"") ","                               /* 1 */
		N("\"audit\",\"op\":[\"connect\"],\"addr\":\"10.1.0.0/16\",\"ports\":[443]") ","               /* 2 */
		N("\"deny\",\"op\":[\"connect\"],\"addr\":\"0.0.0.0/0\",\"proto\":\"udp\"") ","                /* 3 */
		N("\"deny\",\"op\":[\"connect\"],\"proto\":\"udp\",\"ports\":[53]") ","                        /* 4 */
		N("\"allow\",\"op\":[\"connect\"],\"proto\":\"udp\",\"ports\":[\"50-60\"],\"addr\":\"1.1.1.1\"") "," /* 5 */
		N("\"deny\",\"op\":[\"connect\",\"send\"],\"family\":\"inet6\",\"addr\":\"2001:db8::/32\"") ","   /* 6 */
		N("\"allow\",\"op\":[\"connect\"],\"family\":\"inet6\",\"addr\":\"2001:db8:1::/48\"") ","       /* 7 */
		N("\"deny\",\"op\":[\"bind\"],\"ports\":[\"1-1023\"]") ","                                     /* 8 */
		N("\"allow\",\"op\":[\"bind\"],\"ports\":[80],\"from\":[\"/usr/sbin/nginx\"]") ","              /* 9 */
		N("\"deny\",\"op\":[\"create\"],\"family\":\"packet\"") ","                                    /* 10 */
		N("\"deny\",\"op\":[\"connect\"],\"family\":\"unix\"") ","                                     /* 11 */
		N("\"allow\",\"op\":[\"connect\"],\"family\":\"unix\",\"from\":[\"/usr/bin/ssh\"]") ","         /* 12 */
		N("\"deny\",\"op\":[\"send\"],\"addr\":\"192.0.2.0/24\",\"family\":\"inet\"") "]}}",          /* 13 */
		"network: profile");
	const uint32_t I4 = ENF_NET_FAMILY_INET4, I6 = ENF_NET_FAMILY_INET6;

	if (!p)
		return;
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_TCP, "10.2.3.4", 80, NULL, ENF_ACT_DENY, 0, "net: /8 matches");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_TCP, "10.1.3.4", 80, NULL, ENF_ACT_ALLOW, 1, "net: longest prefix wins");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_TCP, "10.1.3.4", 443, NULL, ENF_ACT_AUDIT, 2, "net: ports beat no ports at equal prefix");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_TCP, "11.0.0.1", 80, NULL, ENF_ACT_ALLOW, -1, "net: no match: default");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_UDP, "8.8.8.8", 53, NULL, ENF_ACT_DENY, 3,
	       "net: /0 beats a rule without addr (prefix -1), even with ports");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_UDP, "1.1.1.1", 55, NULL, ENF_ACT_ALLOW, 5, "net: /32 with a port range");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_UDP, "1.1.1.1", 61, NULL, ENF_ACT_DENY, 3, "net: outside the range");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_TCP, "1.1.1.1", 55, NULL, ENF_ACT_ALLOW, -1, "net: proto must match");
	net_is(p, ENF_NET_CONNECT, I6, ENF_NET_PROTO_TCP, "::ffff:10.1.2.3", 80, NULL, ENF_ACT_ALLOW, 1,
	       "net: IPv4-mapped IPv6 is matched as IPv4");
	net_is(p, ENF_NET_CONNECT, I6, ENF_NET_PROTO_TCP, "2001:db8:5::1", 80, NULL, ENF_ACT_DENY, 6, "net: IPv6 prefix");
	net_is(p, ENF_NET_CONNECT, I6, ENF_NET_PROTO_TCP, "2001:db8:1::1", 80, NULL, ENF_ACT_ALLOW, 7, "net: longer IPv6 prefix");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_TCP, "::ffff:0a00:0001", 80, NULL, ENF_ACT_DENY, 0,
	       "net: mapped address on an inet4 query still matches as IPv4");
	net_is(p, ENF_NET_SEND, I4, ENF_NET_PROTO_UDP, "192.0.2.9", 9, NULL, ENF_ACT_DENY, 13, "net: send");
	net_is(p, ENF_NET_SEND, I6, ENF_NET_PROTO_UDP, "::ffff:192.0.2.9", 9, NULL, ENF_ACT_DENY, 13,
	       "net: send from an IPv6 socket to a mapped peer");
	net_is(p, ENF_NET_BIND, I4, ENF_NET_PROTO_TCP, "0.0.0.0", 80, NULL, ENF_ACT_DENY, 8, "net: bind low port");
	net_is(p, ENF_NET_BIND, I4, ENF_NET_PROTO_TCP, "0.0.0.0", 80, "/usr/sbin/nginx", ENF_ACT_DENY, 8,
	       "net: a from rule with ports ties with the range rule: deny wins");
	net_is(p, ENF_NET_BIND, I4, ENF_NET_PROTO_TCP, "0.0.0.0", 8080, NULL, ENF_ACT_ALLOW, -1, "net: high port: default");
	net_is(p, ENF_NET_CREATE, ENF_NET_FAMILY_PACKET, ENF_NET_PROTO_ANY, NULL, 0, NULL, ENF_ACT_DENY, 10, "net: create packet");
	net_is(p, ENF_NET_CREATE, I4, ENF_NET_PROTO_TCP, NULL, 0, NULL, ENF_ACT_ALLOW, -1, "net: create inet4: default");
	net_is(p, ENF_NET_CONNECT, ENF_NET_FAMILY_UNIX, ENF_NET_PROTO_ANY, NULL, 0, NULL, ENF_ACT_DENY, 11, "net: unix connect");
	net_is(p, ENF_NET_CONNECT, ENF_NET_FAMILY_UNIX, ENF_NET_PROTO_ANY, NULL, 0, "/usr/bin/ssh", ENF_ACT_DENY, 11,
	       "net: from-scoped allow ties with deny: deny wins");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_TCP, NULL, 0, NULL, ENF_ACT_ALLOW, -1, "net: addr rules need an address");
	policy_profile_free(p);

	/* ports over no ports for rules without addr; from rules stay scoped */
	p = load(HDR "\"network\":{\"default\":\"deny\",\"rules\":["
		 N("\"audit\",\"op\":[\"connect\"]") ","
		 N("\"allow\",\"op\":[\"connect\"],\"ports\":[443]") ","
		 N("\"allow\",\"op\":[\"connect\"],\"ports\":[22],\"from\":[\"/usr/bin/ssh\"]") "]}}",
		 "network: allow-list");
	if (!p)
		return;
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_TCP, "1.2.3.4", 443, NULL, ENF_ACT_ALLOW, 1, "net: ports beat no ports");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_TCP, "1.2.3.4", 80, NULL, ENF_ACT_AUDIT, 0, "net: catch-all audit");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_TCP, "1.2.3.4", 22, "/usr/bin/ssh", ENF_ACT_ALLOW, 2, "net: from rule");
	net_is(p, ENF_NET_CONNECT, I4, ENF_NET_PROTO_TCP, "1.2.3.4", 22, "/usr/bin/nc", ENF_ACT_AUDIT, 0, "net: from rule, other exe");
	net_is(p, ENF_NET_BIND, I4, ENF_NET_PROTO_TCP, "1.2.3.4", 22, NULL, ENF_ACT_DENY, -1, "net: default deny");
	policy_profile_free(p);
#undef N
}

static void test_describe(void)
{
	struct policy_profile *p = load("{\"name\":\"web\",\"mode\":\"audit\",\n"
		"\"exec\":{\"default\":\"allow\",\"rules\":[\n"
		"  {\"action\":\"deny\",\"path\":\"/usr/bin/curl\"}]},\n"
		"\"file\":{\"default\":\"deny\",\"rules\":[\n"
		"  {\"action\":\"audit\",\"path\":\"/srv/**\",\"access\":[\"read\",\"write\"],\"from\":[\"/b\",\"/a\"]}]},\n"
		"\"network\":{\"default\":\"allow\",\"rules\":[\n"
		"  {\"action\":\"deny\",\"op\":[\"send\",\"connect\"],\"family\":[\"inet6\",\"inet4\"],\"proto\":\"tcp\",\"addr\":\"169.254.169.254\",\"ports\":[\"8000-8099\",80]}]}}",
		"describe: profile");
	struct policy_verdict v;
	char *d, want[512];

	if (!p)
		return;
	EXPECT_OK(policy_explain_path(p, ENF_CLASS_EXEC, "/usr/bin/curl", NULL, &v), "describe: exec query");
	d = policy_verdict_describe(p, &v);
	snprintf(want, sizeof(want), "deny by rule 0x%08x (t.json:3:3) {\"action\":\"deny\",\"path\":\"/usr/bin/curl\"}", p->exec.rules[0].id);
	EXPECT_STREQ(d, want, "describe: exec rule");
	EXPECT_STREQ(policy_verdict_effect(p, &v), "allowed, and logged as a would-deny (audit mode)", "effect: deny in audit mode");
	free(d);

	EXPECT_OK(policy_explain_path(p, ENF_CLASS_EXEC, "/usr/bin/wget", NULL, &v), "describe: exec default query");
	d = policy_verdict_describe(p, &v);
	EXPECT_STREQ(d, "allow by default (exec.default)", "describe: default");
	EXPECT_STREQ(policy_verdict_effect(p, &v), "allowed", "effect: allow");
	free(d);

	EXPECT_OK(policy_explain_path(p, ENF_CLASS_WRITE, "/srv/x", "/a", &v), "describe: file query");
	d = policy_verdict_describe(p, &v);
	snprintf(want, sizeof(want),
		 "audit by rule 0x%08x (t.json:5:3) {\"action\":\"audit\",\"path\":\"/srv/**\",\"access\":[\"read\",\"write\"],\"from\":[\"/a\",\"/b\"]}",
		 p->file.rules[0].id);
	EXPECT_STREQ(d, want, "describe: file rule in canonical form");
	EXPECT_STREQ(policy_verdict_effect(p, &v), "allowed and logged", "effect: audit");
	free(d);

	EXPECT_OK(policy_explain_path(p, ENF_CLASS_WRITE, "/srv/x", "/c", &v), "describe: file default query");
	d = policy_verdict_describe(p, &v);
	EXPECT_STREQ(d, "deny by default (file.default)", "describe: file default");
	free(d);

	uint8_t a[16] = { 169, 254, 169, 254 };
	EXPECT_OK(policy_explain_net(p, ENF_NET_CONNECT, ENF_NET_FAMILY_INET4, ENF_NET_PROTO_TCP, a, 4, 8080, NULL, &v),
		  "describe: net query");
	d = policy_verdict_describe(p, &v);
	snprintf(want, sizeof(want),
		 "deny by rule 0x%08x (t.json:7:3) {\"action\":\"deny\",\"op\":[\"connect\",\"send\"],\"family\":[\"inet\"],\"proto\":\"tcp\",\"addr\":\"169.254.169.254/32\",\"ports\":[80,\"8000-8099\"]}",
		 p->network.rules[0].id);
	EXPECT_STREQ(d, want, "describe: network rule in canonical form");
	free(d);
	p->mode = ENF_MODE_ENFORCE;
	EXPECT_STREQ(policy_verdict_effect(p, &v), "denied", "effect: deny in enforce mode");
	policy_profile_free(p);
}

/* Executable mappings: exec, except that a file the profile denies writing and creating maps. */
static void test_map(void)
{
	struct policy_profile *p = load(HDR "\"exec\":{\"default\":\"deny\",\"rules\":["
		"{\"action\":\"allow\",\"path\":\"/srv/data/plugins/**\"},"
		"{\"action\":\"deny\",\"path\":\"/usr/lib/libbad.so\"}]},"
		"\"file\":{\"default\":\"allow\",\"rules\":["
		R("deny", "/**", "\"write\",\"create\"") ","
		R("allow", "/srv/data/**", "\"write\",\"create\"") ","
		R("allow", "/usr/lib/writable.so", "\"create\"") "]}}", "map: profile");
	struct policy_profile *q = load(HDR "\"exec\":{\"default\":\"deny\"}}", "map: exec-only profile");
	struct policy_verdict v;
	char *d;

	if (!p || !q)
		return;
	EXPECT_OK(policy_explain_map(p, "/usr/lib/libc.so.6", NULL, &v), "map: system library");
	EXPECT_TRUE(v.action == ENF_ACT_ALLOW && v.unwritable, "map: unwritable library maps without a rule");
	d = policy_verdict_describe(p, &v);
	EXPECT_TRUE(d && strstr(d, "denies writing and creating"), "describe: unwritable mapping");
	free(d);
	EXPECT_OK(policy_explain_path(p, ENF_CLASS_EXEC, "/usr/lib/libc.so.6", NULL, &v), "map: exec of it");
	EXPECT_TRUE(v.action == ENF_ACT_DENY && !v.unwritable, "map: exec of the same library stays denied");
	EXPECT_OK(policy_explain_map(p, "/srv/data/libx.so", NULL, &v), "map: dropped library");
	EXPECT_TRUE(v.action == ENF_ACT_DENY && v.by_default && !v.unwritable, "map: a writable file does not map");
	EXPECT_OK(policy_explain_map(p, "/usr/lib/writable.so", NULL, &v), "map: creatable file");
	EXPECT_TRUE(v.action == ENF_ACT_DENY && !v.unwritable, "map: a file the workload may create does not map");
	EXPECT_OK(policy_explain_map(p, "/srv/data/plugins/p.so", NULL, &v), "map: exec-allowed plugin");
	EXPECT_TRUE(v.action == ENF_ACT_ALLOW && !v.by_default && !v.unwritable, "map: an exec allow rule maps");
	EXPECT_OK(policy_explain_map(p, "/usr/lib/libbad.so", NULL, &v), "map: exec-denied library");
	EXPECT_TRUE(v.action == ENF_ACT_DENY && v.path_rule, "map: an exec deny rule denies the mapping too");
	EXPECT_OK(policy_explain_map(q, "/usr/lib/libc.so.6", NULL, &v), "map: no file section");
	EXPECT_TRUE(v.action == ENF_ACT_DENY && !v.unwritable, "map: no file section: everything is writable, no allowance");
	EXPECT_EQ(policy_explain_map(p, "usr/lib", NULL, &v), -EINVAL, "map: relative path");
	policy_profile_free(p);
	policy_profile_free(q);
}

int main(void)
{
	test_path_precedence();
	test_exec_and_sections();
	test_network();
	test_describe();
	test_map();
	return unit_done();
}
