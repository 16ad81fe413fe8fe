// SPDX-License-Identifier: GPL-2.0-only
/*
 * policy_parse_*(): every key of the v1 format, every class of error, and
 * the exact position and key path reported. Full messages are asserted for
 * representative errors (the fixtures under policies/invalid/ carry theirs
 * in .expect files); substrings elsewhere, so wording can improve without
 * rewriting every test.
 *
 * One file, over 700 lines: one test per key and per class of error of the
 * one format, sharing the fixture helpers; a reader looking for what a key
 * accepts and refuses finds it in one place.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "baseline.h"
#include "canonical.h"
#include "policy.h"
#include "unit.h"
#include "util.h"

#define HDR "{\"name\":\"t\",\"mode\":\"audit\","

static struct policy_profile *parse(const char *json, struct policy_error *err, int *ret)
{
	struct policy_profile *p = NULL;

	*ret = policy_parse_buffer(json, strlen(json), "t.json", &p, err);
	return p;
}

/* Parses; the test passes if it does. */
static struct policy_profile *ok(const char *json, const char *name)
{
	struct policy_error err = { .text = "" };
	int r;
	struct policy_profile *p = parse(json, &err, &r);

	if (!unit_report(r == 0 && p, name, "expected success, got %d: %s", r, err.text)) {
		policy_profile_free(p);
		return NULL;
	}
	return p;
}

/* Fails with -EINVAL and a message containing `want`. */
static void bad(const char *json, const char *want, const char *name)
{
	struct policy_error err = { .text = "" };
	int r;
	struct policy_profile *p = parse(json, &err, &r);

	if (r != -EINVAL || p) {
		unit_report(false, name, "expected -EINVAL, got %d (%s)", r, err.text);
		policy_profile_free(p);
		return;
	}
	EXPECT_CONTAINS(err.text, want, name);
}

/* Fails with -EINVAL and exactly this message. */
static void bad_exact(const char *json, const char *want, const char *name)
{
	struct policy_error err = { .text = "" };
	int r;
	struct policy_profile *p = parse(json, &err, &r);

	if (r != -EINVAL || p) {
		unit_report(false, name, "expected -EINVAL, got %d (%s)", r, err.text);
		policy_profile_free(p);
		return;
	}
	EXPECT_STREQ(err.text, want, name);
}

static char *read_all(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	return buf;
}

/* Tests run from the repository root (tests/run-all.sh); allow running the binary from elsewhere too. */
static void find_source_root(const char *argv0)
{
	const char *env = getenv("ENFORCER_SRCDIR");
	char buf[4096];

	if (env && chdir(env) == 0)
		return;
	if (access("tests/unit/policies", F_OK) == 0)
		return;
	/* build/tests/unit/test_x -> repository root */
	snprintf(buf, sizeof(buf), "%s", argv0);
	for (int up = 0; up < 4; up++) {
		char *s = strrchr(buf, '/');
		if (!s)
			break;
		*s = '\0';
	}
	if (buf[0] && chdir(buf) != 0)
		fprintf(stderr, "cannot find the source tree; set ENFORCER_SRCDIR\n");
}

/* ------------------------------------------------------------- valid -- */

static void test_example_profile(void)
{
	struct policy_profile *p = ok(
		"{\n"
		"  \"name\": \"web\",\n"
		"  \"mode\": \"audit\",\n"
		"  \"exec\":    { \"default\": \"allow\", \"rules\": [ {\"action\": \"deny\", \"path\": \"/usr/bin/curl\"} ] },\n"
		"  \"file\":    { \"default\": \"allow\", \"rules\": [\n"
		"      {\"action\": \"deny\",  \"path\": \"/etc/shadow\", \"access\": [\"read\", \"write\"]},\n"
		"      {\"action\": \"allow\", \"path\": \"/srv/www/**\", \"access\": [\"read\"], \"from\": [\"/usr/sbin/nginx\"]} ] },\n"
		"  \"network\": { \"default\": \"allow\", \"rules\": [\n"
		"      {\"action\": \"deny\",  \"op\": [\"connect\", \"send\"], \"proto\": \"tcp\", \"addr\": \"169.254.169.254/32\", \"ports\": [80]},\n"
		"      {\"action\": \"allow\", \"op\": [\"bind\", \"listen\"], \"proto\": \"tcp\", \"ports\": [\"8000-8099\"]} ] }\n"
		"}\n", "example: parses");
	if (!p)
		return;
	EXPECT_STREQ(p->name, "web", "example: name");
	EXPECT_EQ(p->mode, ENF_MODE_AUDIT, "example: mode audit");
	EXPECT_STREQ(p->source_file, "t.json", "example: source file");
	EXPECT_TRUE(p->exec.present && p->file.present && p->network.present, "example: all sections present");
	EXPECT_EQ(p->exec.default_action, ENF_ACT_ALLOW, "example: exec default");
	EXPECT_EQ(p->exec.n_rules, 1, "example: 1 exec rule");
	EXPECT_STREQ(p->exec.rules[0].path, "/usr/bin/curl", "example: exec path");
	EXPECT_EQ(p->exec.rules[0].access, 1u << ENF_CLASS_EXEC, "example: exec rule access is EXEC");
	EXPECT_EQ(p->exec.rules[0].action, ENF_ACT_DENY, "example: exec action");
	EXPECT_EQ(p->exec.rules[0].src.line, 4, "example: exec rule line");
	EXPECT_EQ(p->exec.rules[0].src.column, 47, "example: exec rule column (opening brace)");
	EXPECT_STREQ(p->exec.rules[0].src.file, "t.json", "example: rule source file");

	EXPECT_EQ(p->file.n_rules, 2, "example: 2 file rules");
	EXPECT_EQ(p->file.rules[0].access, (1u << ENF_CLASS_READ) | (1u << ENF_CLASS_WRITE), "example: read+write bits");
	EXPECT_TRUE(!p->file.rules[0].subtree, "example: exact rule");
	EXPECT_STREQ(p->file.rules[1].path, "/srv/www", "example: subtree base");
	EXPECT_TRUE(p->file.rules[1].subtree, "example: subtree flag");
	EXPECT_EQ(p->file.rules[1].n_from, 1, "example: from count");
	EXPECT_STREQ(p->file.rules[1].from[0], "/usr/sbin/nginx", "example: from entry");
	EXPECT_EQ(p->file.rules[1].src.line, 7, "example: file rule 1 line");
	EXPECT_EQ(p->file.rules[1].src.column, 7, "example: file rule 1 column");

	EXPECT_EQ(p->network.n_rules, 2, "example: 2 network rules");
	const struct policy_net_rule *n0 = &p->network.rules[0], *n1 = &p->network.rules[1];
	EXPECT_EQ(n0->ops, ENF_NET_CONNECT | ENF_NET_SEND, "example: ops");
	EXPECT_EQ(n0->families, ENF_NET_FAMILY_ANY, "example: family defaults to any");
	EXPECT_EQ(n0->proto, ENF_NET_PROTO_TCP, "example: proto tcp");
	EXPECT_TRUE(n0->has_addr && n0->addr_family == 4 && n0->prefix_len == 32, "example: addr /32");
	EXPECT_TRUE(n0->addr[0] == 169 && n0->addr[1] == 254 && n0->addr[2] == 169 && n0->addr[3] == 254,
		    "example: addr bytes in network order");
	EXPECT_TRUE(n0->n_ports == 1 && n0->ports[0].lo == 80 && n0->ports[0].hi == 80, "example: port 80");
	EXPECT_TRUE(n1->n_ports == 1 && n1->ports[0].lo == 8000 && n1->ports[0].hi == 8099, "example: range");
	EXPECT_TRUE(!n1->has_addr, "example: no addr");
	EXPECT_EQ(n1->src.line, 10, "example: network rule 1 line");
	policy_profile_free(p);
}

static void test_every_key(void)
{
	struct policy_profile *p = ok(HDR
		"\"exec\":{\"default\":\"deny\",\"rules\":[{\"action\":\"audit\",\"path\":\"/**\",\"from\":[\"/bin/b\",\"/bin/a\"]}]},"
		"\"file\":{\"default\":\"deny\",\"rules\":["
		"{\"action\":\"allow\",\"path\":\"/tmp/**\",\"access\":[\"all\"]},"
		"{\"action\":\"deny\",\"path\":\"/x\",\"access\":[\"read\",\"write\",\"create\",\"delete\",\"rename\",\"link\",\"setattr\"]}]},"
		"\"network\":{\"default\":\"deny\",\"rules\":["
		"{\"action\":\"allow\",\"op\":[\"create\",\"connect\",\"bind\",\"listen\",\"accept\",\"send\"]},"
		"{\"action\":\"allow\",\"op\":[\"connect\"],\"family\":\"inet\",\"addr\":\"2001:db8::/32\",\"ports\":[\"1-1024\",8080]},"
		"{\"action\":\"deny\",\"op\":[\"connect\"],\"family\":[\"unix\",\"packet\",\"netlink\"]},"
		"{\"action\":\"deny\",\"op\":[\"connect\"],\"family\":\"any\",\"proto\":\"udp\",\"addr\":\"::1\"},"
		"{\"action\":\"deny\",\"op\":[\"send\"],\"family\":\"inet4\",\"proto\":\"icmp\",\"addr\":\"10.0.0.1\"},"
		"{\"action\":\"deny\",\"op\":[\"send\"],\"family\":[\"inet6\"],\"proto\":\"raw\"}]}}",
		"every key: parses");
	if (!p)
		return;
	EXPECT_EQ(p->exec.default_action, ENF_ACT_DENY, "every key: default deny");
	EXPECT_EQ(p->exec.rules[0].action, ENF_ACT_AUDIT, "every key: action audit");
	EXPECT_TRUE(p->exec.rules[0].subtree && strcmp(p->exec.rules[0].path, "/") == 0, "every key: /** is the subtree of /");
	EXPECT_STREQ(p->exec.rules[0].from[0], "/bin/a", "every key: from is sorted");
	EXPECT_EQ(p->file.rules[0].access, ENF_ACCESS_ALL, "every key: all");
	EXPECT_EQ(p->file.rules[1].access, ENF_ACCESS_ALL, "every key: seven words = all");
	const struct policy_net_rule *r = p->network.rules;
	EXPECT_EQ(r[0].ops, 0x3f, "every key: all six ops");
	EXPECT_EQ(r[1].families, ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6, "every key: inet = inet4|inet6");
	EXPECT_TRUE(r[1].addr_family == 6 && r[1].prefix_len == 32 && r[1].addr[0] == 0x20 && r[1].addr[1] == 0x01,
		    "every key: IPv6 prefix");
	EXPECT_TRUE(r[1].n_ports == 2 && r[1].ports[0].lo == 1 && r[1].ports[0].hi == 1024 && r[1].ports[1].lo == 8080,
		    "every key: ports sorted, ranges and numbers");
	EXPECT_EQ(r[2].families, ENF_NET_FAMILY_UNIX | ENF_NET_FAMILY_PACKET | ENF_NET_FAMILY_NETLINK, "every key: family array");
	EXPECT_TRUE(r[3].families == ENF_NET_FAMILY_ANY && r[3].proto == ENF_NET_PROTO_UDP, "every key: any, udp");
	EXPECT_TRUE(r[3].prefix_len == 128 && r[3].addr[15] == 1, "every key: bare IPv6 is /128");
	EXPECT_TRUE(r[4].prefix_len == 32 && r[4].proto == ENF_NET_PROTO_ICMP, "every key: bare IPv4 is /32, icmp");
	EXPECT_EQ(r[5].proto, ENF_NET_PROTO_RAW, "every key: raw");
	policy_profile_free(p);

	p = ok("{\"mode\":\"enforce\",\"file\":{\"default\":\"allow\"},\"name\":\"A-z_0.9\"}", "minimal: section with only a default");
	if (p) {
		EXPECT_EQ(p->mode, ENF_MODE_ENFORCE, "minimal: mode enforce");
		EXPECT_TRUE(!p->exec.present && p->file.present && !p->network.present, "minimal: only file present");
		EXPECT_EQ(p->file.n_rules, 0, "minimal: no rules");
	}
	policy_profile_free(p);

	char name63[128];
	snprintf(name63, sizeof(name63), "{\"name\":\"%063d\",\"mode\":\"audit\",\"exec\":{\"default\":\"allow\"}}", 0);
	p = ok(name63, "limits: 63-character name");
	policy_profile_free(p);
}

/* The documented id scheme, recomputed independently. */
static uint32_t fnv1a(const char *s)
{
	uint32_t h = 0x811c9dc5u;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x01000193u;
	}
	return h;
}

static void test_rule_ids(void)
{
	struct policy_profile *a, *b, *c;

	a = ok(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/usr/bin/curl\"}]}}", "ids: a");
	b = ok(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/usr/bin/wget\"},"
		   "{\"action\":\"audit\",\"path\":\"/usr/bin/curl\"}]}}", "ids: b");
	c = ok(HDR "\"file\":{\"default\":\"allow\",\"rules\":["
		   "{\"action\":\"deny\",\"path\":\"/etc/shadow\",\"access\":[\"write\",\"read\"]},"
		   "{\"action\":\"deny\",\"path\":\"/etc/shadow\",\"access\":[\"setattr\"],\"from\":[\"/z\",\"/a\"]}]},"
		   "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"send\",\"connect\"],\"ports\":[81,80]}]}}",
	       "ids: c");
	if (a && b) {
		EXPECT_EQ(a->exec.rules[0].id, fnv1a("exec:{\"path\":\"/usr/bin/curl\"}"),
			  "ids: FNV-1a of section and canonical match");
		EXPECT_EQ(a->exec.rules[0].id, b->exec.rules[1].id,
			  "ids: inserting a rule before it and changing its action keep the id");
		EXPECT_TRUE(b->exec.rules[0].id != b->exec.rules[1].id, "ids: different rules, different ids");
	}
	if (c) {
		EXPECT_EQ(c->file.rules[0].id, fnv1a("file:{\"path\":\"/etc/shadow\",\"access\":[\"read\",\"write\"]}"),
			  "ids: canonical access order");
		EXPECT_EQ(c->file.rules[1].id,
			  fnv1a("file:{\"path\":\"/etc/shadow\",\"access\":[\"setattr\"],\"from\":[\"/a\",\"/z\"]}"),
			  "ids: from sorted in the canonical form");
		EXPECT_EQ(c->network.rules[0].id, fnv1a("network:{\"op\":[\"connect\",\"send\"],\"ports\":[80,81]}"),
			  "ids: network canonical form");
		char *t = policy_net_rule_canonical(&c->network.rules[0], true);
		EXPECT_STREQ(t, "{\"action\":\"deny\",\"op\":[\"connect\",\"send\"],\"ports\":[80,81]}", "canonical: network rule");
		free(t);
		t = policy_path_rule_canonical(&c->file.rules[1], ENF_SECTION_FILE, true);
		EXPECT_STREQ(t, "{\"action\":\"deny\",\"path\":\"/etc/shadow\",\"access\":[\"setattr\"],\"from\":[\"/a\",\"/z\"]}",
			     "canonical: file rule");
		free(t);
	}
	policy_profile_free(a);
	policy_profile_free(b);
	policy_profile_free(c);

	/* "/c/433948" and "/c/1084066" collide under FNV-1a (found offline): the later one probes +1. */
	a = ok(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/c/433948\"},"
		   "{\"action\":\"deny\",\"path\":\"/c/1084066\"}]}}", "ids: collision");
	b = ok(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/c/1084066\"},"
		   "{\"action\":\"deny\",\"path\":\"/c/433948\"}]}}", "ids: collision, reversed");
	if (a && b) {
		EXPECT_EQ(fnv1a("exec:{\"path\":\"/c/433948\"}"), fnv1a("exec:{\"path\":\"/c/1084066\"}"),
			  "ids: the test pair really collides");
		EXPECT_EQ(a->exec.rules[0].id, 0x03d75105u, "ids: first keeps the hash");
		EXPECT_EQ(a->exec.rules[1].id, 0x03d75106u, "ids: second probes +1");
		EXPECT_EQ(b->exec.rules[0].id, 0x03d75105u, "ids: order of appearance decides the probe");
		EXPECT_EQ(b->exec.rules[1].id, 0x03d75106u, "ids: order of appearance decides the probe (2)");
	}
	policy_profile_free(a);
	policy_profile_free(b);
}

/* ------------------------------------------------------------ errors -- */

static void test_malformed_json(void)
{
	bad_exact("{\n  \"name\": \"t\",\n  \"mode\": \n}", "t.json:4:1: invalid JSON: unexpected token near '}'",
		  "json: malformed, with line:column");
	bad("", "t.json:1:1: invalid JSON: ", "json: empty input");
	bad("{\"name\":\"t\"} x", "invalid JSON: end of file expected", "json: trailing garbage");
	bad("\"just a string\"", "invalid JSON", "json: top level must be a container");
	bad("{\"name\":\"t\\u0000\"}", "invalid JSON", "json: NUL in a string");
	{
		/* jansson alone would skip a NUL after a number; the parser must not */
		static const char nul_json[] = "{\"name\":\"t\",\n\"x\":[443\0,1]}";
		struct policy_profile *p = NULL;
		struct policy_error err;
		int r = policy_parse_buffer(nul_json, sizeof(nul_json) - 1, "t.json", &p, &err);
		EXPECT_EQ(r, -EINVAL, "json: raw NUL byte refused");
		EXPECT_STREQ(err.text, "t.json:2:9: invalid JSON: a NUL byte (JSON text cannot contain one)", "json: raw NUL byte position");
	}
	bad("{\"name\":\"\xff\"}", "invalid JSON", "json: invalid UTF-8");
	bad_exact("[1]", "t.json:1:1: (root): expected a profile (a JSON object), found an array", "json: top-level array");
	bad_exact("{\"name\":\"t\",\n \"mode\":\"audit\",\n \"mode\":\"enforce\"}",
		  "t.json:3:2: mode: duplicate key: expected each key once in an object, found \"mode\" again (first at t.json:2:2)",
		  "json: duplicate key, with both positions");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"action\":\"allow\",\"access\":[\"read\"]}]}}",
	    "t.json:1:92: file.rules[0].action: duplicate key: expected each key once in an object, found \"action\" again (first at t.json:1:64)", "json: duplicate key inside a rule");
	bad("{\"a\":{\"b\":1,\"b\":2", "invalid JSON: duplicate object key", "json: duplicate key in broken JSON keeps jansson's message");
}

static void test_unknown_keys(void)
{
	bad_exact("{\"nmae\":\"t\"}",
		  "t.json:1:2: nmae: unknown key: expected one of \"name\", \"mode\", \"exec\", \"file\", \"network\" or \"baseline\" in a profile; did you mean \"name\"?",
		  "unknown: top-level key with suggestion");
	bad("{\"version\":1}", "version: unknown key: expected one of", "unknown: no suggestion for a far miss");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rule\":[]}}", "exec.rule: unknown key", "unknown: section key");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rule\":[]}}", "did you mean \"rules\"?", "unknown: section key suggestion");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"acess\":[\"read\"]}]}}",
	    "file.rules[0].acess: unknown key: expected one of \"action\", \"path\", \"access\" or \"from\" in file rules; did you mean \"access\"?",
	    "unknown: rule key with suggestion");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"read\"]}]}}",
	    "exec.rules[0].access: unknown key: exec rules have no \"access\"", "unknown: access in an exec rule");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"read\"],\"ports\":[1]}]}}",
	    "file.rules[0].ports: unknown key: \"ports\" is a key of network rules", "unknown: network key in a file rule");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"connect\"],\"path\":\"/a\"}]}}",
	    "network.rules[0].path: unknown key: \"path\" is a key of exec and file rules", "unknown: path in a network rule");
	bad("{\"we.ird\":1}", "[\"we.ird\"]: unknown key", "unknown: odd key names are quoted in the key path");
	bad(HDR "\"exec\":{\"Default\":\"allow\"}}", "did you mean \"default\"?", "unknown: case-only difference suggested");
}

/* "baseline": each word parses to its ENF_BASELINE_* bit; anything else is refused where it is written. */
static void test_baseline(void)
{
	static const struct { const char *word; uint32_t bit; } words[] = {
		{ "mount", ENF_BASELINE_MOUNT }, { "userns", ENF_BASELINE_USERNS }, { "ptrace", ENF_BASELINE_PTRACE },
		{ "helpers", ENF_BASELINE_HELPERS }, { "modules", ENF_BASELINE_MODULES },
		{ "unix-abstract", ENF_BASELINE_UNIX_ABSTRACT }, { "io-uring", ENF_BASELINE_IO_URING },
		{ "device-nodes", ENF_BASELINE_DEVICE_NODES }, { "xattrs", ENF_BASELINE_XATTRS },
		{ "lockdown", ENF_BASELINE_LOCKDOWN }, { "ptrace-read", ENF_BASELINE_PTRACE_READ },
		{ "tty-inject", ENF_BASELINE_TTY_INJECT }, { "signal", ENF_BASELINE_SIGNAL },
		{ "console", ENF_BASELINE_CONSOLE },
	};
	struct policy_profile *p;
	char buf[512], name[128];

	p = ok(HDR "\"exec\":{\"default\":\"allow\"}}", "baseline: absent");
	if (p)
		EXPECT_EQ(p->baseline_optout, 0, "baseline: absent means the whole baseline applies");
	policy_profile_free(p);
	p = ok(HDR "\"baseline\":{},\"exec\":{\"default\":\"allow\"}}", "baseline: empty object");
	if (p)
		EXPECT_EQ(p->baseline_optout, 0, "baseline: {} opts out of nothing");
	policy_profile_free(p);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		snprintf(buf, sizeof(buf), HDR "\"baseline\":{\"%s\":\"allow\"},\"exec\":{\"default\":\"allow\"}}", words[i].word);
		snprintf(name, sizeof(name), "baseline: \"%s\": \"allow\"", words[i].word);
		p = ok(buf, name);
		if (p)
			EXPECT_EQ(p->baseline_optout, words[i].bit, name);
		policy_profile_free(p);
		snprintf(buf, sizeof(buf), HDR "\"baseline\":{\"%s\":\"deny\"},\"exec\":{\"default\":\"allow\"}}", words[i].word);
		snprintf(name, sizeof(name), "baseline: \"%s\": \"deny\" is the default", words[i].word);
		p = ok(buf, name);
		if (p)
			EXPECT_EQ(p->baseline_optout, 0, name);
		policy_profile_free(p);
	}
	p = ok(HDR "\"baseline\":{\"mount\":\"allow\",\"userns\":\"deny\",\"modules\":\"allow\"},\"exec\":{\"default\":\"allow\"}}",
	       "baseline: several words");
	if (p)
		EXPECT_EQ(p->baseline_optout, ENF_BASELINE_MOUNT | ENF_BASELINE_MODULES, "baseline: several words, only the allows");
	policy_profile_free(p);

	bad_exact(HDR "\"baseline\":{\"mout\":\"allow\"},\"exec\":{\"default\":\"allow\"}}",
		  "t.json:1:40: baseline.mout: unknown key: expected one of \"mount\", \"userns\", \"ptrace\", \"helpers\", "
		  "\"modules\", \"unix-abstract\", \"io-uring\", \"device-nodes\", \"xattrs\", \"lockdown\", "
		  "\"ptrace-read\", \"tty-inject\", \"signal\" or \"console\" in the baseline; did you mean \"mount\"?",
		  "baseline: unknown word, with suggestion");
	bad(HDR "\"baseline\":{\"network\":\"allow\"},\"exec\":{\"default\":\"allow\"}}",
	    "baseline.network: unknown key: expected one of", "baseline: a far miss");
	bad_exact(HDR "\"baseline\":{\"mount\":\"alow\"},\"exec\":{\"default\":\"allow\"}}",
		  "t.json:1:48: baseline.mount: expected a baseline setting (\"deny\" or \"allow\"), found \"alow\"; did you mean \"allow\"?",
		  "baseline: unknown value, with suggestion");
	bad(HDR "\"baseline\":{\"mount\":\"audit\"},\"exec\":{\"default\":\"allow\"}}",
	    "an opted-out operation is always logged: write \"allow\"", "baseline: audit is not a setting");
	bad(HDR "\"baseline\":{\"mount\":true},\"exec\":{\"default\":\"allow\"}}",
	    "baseline.mount: expected a baseline setting, found true", "baseline: a boolean is not a setting");
	bad(HDR "\"baseline\":[\"mount\"],\"exec\":{\"default\":\"allow\"}}",
	    "baseline: expected the baseline's opt-outs (a JSON object", "baseline: an array is not an object");
	bad(HDR "\"baseline\":{\"mount\":\"allow\",\"mount\":\"deny\"},\"exec\":{\"default\":\"allow\"}}",
	    "duplicate", "baseline: a repeated word");
	bad(HDR "\"baseline\":{\"mount\":\"allow\"}}", "expected at least one of the sections",
	    "baseline: not a section");
}

static void test_wrong_types(void)
{
	bad_exact("{\"name\":7}", "t.json:1:9: name: expected a profile name (a string), found 7", "type: name number");
	bad("{\"name\":\"t\",\"mode\":[\"audit\"]}", "mode: expected a mode, found an array", "type: mode array");
	bad(HDR "\"exec\":\"allow\"}", "exec: expected a section (an object with \"default\" and \"rules\"), found \"allow\"", "type: section string");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":{}}}", "exec.rules: expected an array of rules, found an empty object", "type: rules object");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[\"/bin/sh\"]}}", "exec.rules[0]: expected a rule (an object), found \"/bin/sh\"", "type: rule string");
	bad(HDR "\"exec\":{\"default\":true}}", "exec.default: expected a default action, found true", "type: default bool");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":null,\"path\":\"/a\"}]}}", "exec.rules[0].action: expected an action, found null", "type: action null");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":[\"/a\"]}]}}", "exec.rules[0].path: expected a rule path, found an array", "type: path array");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":\"read\"}]}}",
	    "file.rules[0].access: expected a non-empty array of access words, found \"read\"", "type: access string");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[1]}]}}",
	    "file.rules[0].access[0]: expected an access word, found 1", "type: access element number");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"from\":\"/bin/sh\"}]}}",
	    "exec.rules[0].from: expected a non-empty array of executable paths, found \"/bin/sh\"", "type: from string");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"from\":[{}]}]}}",
	    "exec.rules[0].from[0]: expected an executable path, found an empty object", "type: from element");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":\"connect\"}]}}",
	    "network.rules[0].op: expected a non-empty array of network operations, found \"connect\"", "type: op string");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"connect\"],\"family\":4}]}}",
	    "network.rules[0].family: expected a socket family or a non-empty array of them, found 4", "type: family number");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"connect\"],\"proto\":6}]}}",
	    "network.rules[0].proto: expected a protocol, found 6", "type: proto number");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":167772160}]}}",
	    "network.rules[0].addr: expected an IPv4 or IPv6 address or CIDR prefix (a string), found 167772160", "type: addr number");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":80}]}}",
	    "network.rules[0].ports: expected a non-empty array of ports", "type: ports number");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[true]}]}}",
	    "network.rules[0].ports[0]: expected a port 1-65535 or a range \"lo-hi\", found true", "type: port bool");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[80.5]}]}}",
	    "network.rules[0].ports[0]: expected a port 1-65535 or a range \"lo-hi\", found 80.5", "type: port real");
}

static void test_bad_values(void)
{
	bad("{\"name\":\"\"}", "name: expected a profile name of 1 to 63 characters", "value: empty name");
	bad("{\"name\":\"0123456789012345678901234567890123456789012345678901234567890123\"}",
	    "(ENF_PROFILE_NAME_MAX - 1), found \"0123", "value: 64-character name");
	bad("{\"name\":\"web server\"}", "name: expected a profile name of characters A-Z a-z 0-9 _ . -, found \"web server\" (' ' at offset 3)",
	    "value: name with a space");
	bad("{\"name\":\"caf\xc3\xa9\"}", "(byte 0xc3 at offset 3)", "value: name with non-ASCII");
	bad("{\"name\":\"t\",\"mode\":\"enforcing\"}", "mode: expected a mode (\"audit\" or \"enforce\"), found \"enforcing\": write \"enforce\"",
	    "value: mode hint");
	bad("{\"name\":\"t\",\"mode\":\"enforc\"}", "did you mean \"enforce\"?", "value: mode suggestion");
	bad("{\"name\":\"t\",\"mode\":\"ENFORCE\"}", "did you mean \"enforce\"?", "value: mode in capitals");
	bad(HDR "\"exec\":{\"default\":\"audit\"}}", "exec.default: expected a default action (\"allow\" or \"deny\"), found \"audit\"",
	    "value: audit is not a default");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"block\",\"path\":\"/a\"}]}}",
	    "exec.rules[0].action: expected an action (\"allow\", \"deny\" or \"audit\"), found \"block\": write \"deny\"", "value: action hint");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"dney\",\"path\":\"/a\"}]}}", "did you mean \"deny\"?", "value: action typo");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"read\",\"exec\"]}]}}",
	    "file.rules[0].access[1]: expected an access word", "value: exec is not a file access");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"exec\"]}]}}",
	    "executing is controlled by the \"exec\" section", "value: exec access hint");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"chmod\"]}]}}",
	    "\"setattr\" includes chmod", "value: chmod hint");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"raed\"]}]}}",
	    "did you mean \"read\"?", "value: access typo");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"read\",\"all\"]}]}}",
	    "file.rules[0].access[1]: expected \"all\" alone", "value: all with others");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"read\",\"write\",\"read\"]}]}}",
	    "file.rules[0].access[2]: expected each word once, found \"read\" again (it is also [0])", "value: access twice");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[]}]}}",
	    "file.rules[0].access: expected a non-empty array of access words, found an empty array", "value: empty access");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"conect\"]}]}}",
	    "network.rules[0].op[0]: expected a network operation (\"create\", \"connect\", \"bind\", \"listen\", \"accept\" or \"send\"), found \"conect\"; did you mean \"connect\"?",
	    "value: op typo");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"sendto\"]}]}}", "write \"send\"", "value: op hint");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"bind\",\"bind\"]}]}}",
	    "network.rules[0].op[1]: expected each word once", "value: op twice");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[]}]}}",
	    "network.rules[0].op: expected a non-empty array", "value: empty op");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"bind\"],\"family\":[\"inet\",\"inet6\"]}]}}",
	    "network.rules[0].family[1]: expected words that do not overlap, found \"inet6\", already covered by [0] (\"inet\")",
	    "value: overlapping families");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"bind\"],\"family\":[\"unix\",\"any\"]}]}}",
	    "network.rules[0].family[1]: expected \"any\" alone", "value: any with others");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"bind\"],\"family\":\"ipv4\"}]}}",
	    "write \"inet4\"", "value: family hint");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"bind\"],\"family\":[]}]}}",
	    "network.rules[0].family: expected a socket family or a non-empty array of them, found an empty array", "value: empty family array");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"bind\"],\"proto\":\"icmpv6\"}]}}",
	    "\"icmp\" covers ICMPv6 too", "value: proto hint");
	bad(HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"bind\"],\"proto\":\"tpc\"}]}}",
	    "did you mean \"tcp\"?", "value: proto typo");
}

static void test_addresses(void)
{
#define NET(rule) HDR "\"network\":{\"default\":\"allow\",\"rules\":[" rule "]}}"
	bad_exact(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"169.254.169.254/16\"}"),
		  "t.json:1:107: network.rules[0].addr: 169.254.169.254/16 has host bits set; did you mean 169.254.0.0/16?",
		  "addr: host bits, exact message");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"2001:db8::1/32\"}"),
	    "2001:db8::1/32 has host bits set; did you mean 2001:db8::/32?", "addr: IPv6 host bits");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.0.256\"}"),
	    "network.rules[0].addr: expected an IPv4 or IPv6 address with an optional /prefix, found \"10.0.0.256\" (10.0.0.256 is not an IPv4 address)",
	    "addr: bad IPv4");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.0\"}"), "is not an IPv4 address", "addr: short IPv4");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"fe80::1%eth0\"}"), "is not an IPv6 address", "addr: scoped IPv6");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"example.com\"}"), "is not an IPv4 address", "addr: host name");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/33\"}"),
	    "expected a prefix length 0-32 for an IPv4 address, found \"10.0.0.0/33\"", "addr: IPv4 prefix too long");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"::/129\"}"),
	    "expected a prefix length 0-128 for an IPv6 address", "addr: IPv6 prefix too long");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/\"}"), "expected a prefix length 0-32 after '/'", "addr: empty prefix");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/+8\"}"), "expected a prefix length 0-32 after '/'", "addr: signed prefix");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/8/8\"}"), "expected a prefix length", "addr: two slashes");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"\"}"), "expected an IPv4 or IPv6 address", "addr: empty");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"::ffff:10.0.0.0/104\"}"),
	    "IPv4-mapped addresses are matched as IPv4; write 10.0.0.0/8", "addr: mapped IPv6 refused with the IPv4 form");
	struct policy_profile *p = ok(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"0.0.0.0/0\"},"
					  "{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"::/0\"}"), "addr: /0 prefixes");
	if (p)
		EXPECT_TRUE(p->network.rules[0].prefix_len == 0 && p->network.rules[1].addr_family == 6, "addr: /0 stored");
	policy_profile_free(p);
}

static void test_ports(void)
{
	bad_exact(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[80,70000]}"),
		  "t.json:1:112: network.rules[0].ports[1]: expected a port 1-65535, found 70000", "ports: out of range, exact");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[0]}"), "ports[0]: expected a port 1-65535, found 0", "ports: zero");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[-1]}"), "expected a port 1-65535, found -1", "ports: negative");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[\"80\"]}"),
	    "ports[0]: expected a port range \"lo-hi\", found \"80\"; write a single port as a number: 80", "ports: number as string");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[\"90-80\"]}"),
	    "expected a port range \"lo-hi\" with lo <= hi, found \"90-80\"; did you mean \"80-90\"?", "ports: reversed range");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[\"1-70000\"]}"),
	    "expected a port range \"lo-hi\" with both ends 1-65535, found \"1-70000\"", "ports: range end too big");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[\"0-10\"]}"), "with both ends 1-65535", "ports: range from zero");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[\"80 - 90\"]}"), "expected a port range \"lo-hi\" (e.g. \"8000-8099\")", "ports: spaces");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[\"http\"]}"), "expected a port range \"lo-hi\"", "ports: service name");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[\"8000-8099\",443,8080]}"),
	    "ports[2]: expected ports that do not overlap, found 8080, which overlaps [0] (\"8000-8099\")", "ports: overlap named");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[22,22]}"), "ports[1]: expected ports that do not overlap, found 22, which overlaps [0] (22)",
	    "ports: repeated");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[]}"), "ports: expected a non-empty array of ports", "ports: empty");
	struct policy_profile *p = ok(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[65535,1,\"2-3\"]}"), "ports: boundaries");
	if (p)
		EXPECT_TRUE(p->network.rules[0].n_ports == 3 && p->network.rules[0].ports[0].lo == 1 &&
			    p->network.rules[0].ports[2].hi == 65535, "ports: sorted");
	policy_profile_free(p);
}

#define FILE_RULE(path) HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"" path "\",\"access\":[\"read\"]}]}}"
#define FROM_RULE(from) HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"from\":[" from "]}]}}"

static void test_paths(void)
{
	bad_exact(FILE_RULE("/etc//shadow"),
		  "t.json:1:87: file.rules[0].path: expected a rule path in normalised form, found \"/etc//shadow\" (empty component); did you mean \"/etc/shadow\"?",
		  "path: empty component, exact");
	bad(FILE_RULE("etc/shadow"), "file.rules[0].path: expected a rule path, absolute (starting with '/'), found \"etc/shadow\"", "path: relative");
	bad(FILE_RULE(""), "expected a rule path, absolute (starting with '/'), found \"\"", "path: empty");
	bad(FILE_RULE("/etc/./shadow"), "('.' component); did you mean \"/etc/shadow\"?", "path: dot component");
	bad(FILE_RULE("/etc/../etc/shadow"), "('..' component); did you mean \"/etc/shadow\"?", "path: dot-dot component");
	bad(FILE_RULE("/../.."), "('..' component); did you mean \"/\"?", "path: dot-dot above the root");
	bad(FILE_RULE("/etc/"), "(trailing '/'); did you mean \"/etc\" (or \"/etc/**\" for everything below it)?", "path: trailing slash");
	bad(FILE_RULE("//"), "(empty component); did you mean \"/\"?", "path: double root");
	bad(FILE_RULE("//**"), "found \"//**\" (empty component); did you mean \"/**\"?", "path: double slash before /**");
	bad(FILE_RULE("/srv//www/**"), "did you mean \"/srv/www/**\"?", "path: subtree normalised suggestion");
	bad(FILE_RULE("/srv/www/./**"), "('.' component); did you mean \"/srv/www/**\"?", "path: dot before /**");
	bad(FILE_RULE("/srv/*.html"),
	    "file.rules[0].path: expected a rule path, exact or a subtree ending in \"/**\", found \"/srv/*.html\": wildcards other than a trailing /** are not supported yet",
	    "wildcard: star");
	bad(FILE_RULE("/srv/www**"), "not supported yet; did you mean \"/srv/www/**\"?", "wildcard: ** glued to a name");
	bad(FILE_RULE("/srv/**/index.html"), "wildcards other than a trailing /** are not supported yet", "wildcard: ** in the middle");
	bad(FILE_RULE("/srv/**/**"), "wildcards other than a trailing /** are not supported yet", "wildcard: two **");
	bad(FILE_RULE("/srv/*"), "wildcards other than a trailing /** are not supported yet", "wildcard: trailing single star");
	bad(FILE_RULE("/tmp/a?"), "wildcards other than a trailing /** are not supported yet", "wildcard: question mark");
	bad(FILE_RULE("/tmp/[ab]"), "wildcards other than a trailing /** are not supported yet", "wildcard: bracket");
	bad(FILE_RULE("**"), "absolute (starting with '/')", "wildcard: bare **");
	bad(FROM_RULE("\"/usr/bin/*\""), "exec.rules[0].from[0]: expected an executable path without wildcards, found \"/usr/bin/*\"",
	    "from: wildcard");
	bad(FROM_RULE("\"/usr/bin/**\""), "expected an executable path without wildcards", "from: subtree");
	bad(FROM_RULE("\"bash\""), "exec.rules[0].from[0]: expected an executable path, absolute", "from: relative");
	bad(FROM_RULE("\"/usr/bin//bash\""), "did you mean \"/usr/bin/bash\"?", "from: not normalised");
	bad(FROM_RULE("\"/bin/a\",\"/bin/b\",\"/bin/a\""), "exec.rules[0].from[2]: expected each executable once, found \"/bin/a\" again (it is also [0])",
	    "from: repeated");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"from\":[]}]}}",
	    "exec.rules[0].from: expected a non-empty array of executable paths, found an empty array", "from: empty");
	struct policy_profile *p = ok(FILE_RULE("/tmp/{a,b}"), "path: braces are ordinary characters");
	policy_profile_free(p);
	p = ok(FILE_RULE("/tmp/caf\xc3\xa9 au lait"), "path: UTF-8 and spaces");
	policy_profile_free(p);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void test_limits(void)
{
	char *big = malloc(270000 * 48);
	char comp[300];
	size_t o;

	if (!big)
		return;
	/* path length */
	o = (size_t)sprintf(big, HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"access\":[\"read\"],\"path\":\"");
	for (int i = 0; i < 410; i++)
		o += (size_t)sprintf(big + o, "/123456789");
	sprintf(big + o, "\"}]}}");
	bad(big, "file.rules[0].path: expected a rule path of at most 4095 bytes (the path length limit, PATH_MAX - 1), found 4100 bytes",
	    "limit: path length");

	/* component length: 255 is fine, 256 is not */
	memset(comp, 'a', 256);
	comp[255] = '\0';
	sprintf(big, FILE_RULE("/x/%s"), comp);
	struct policy_profile *p = ok(big, "limit: 255-byte component");
	policy_profile_free(p);
	comp[255] = 'a';
	comp[256] = '\0';
	sprintf(big, FILE_RULE("/x/%s"), comp);
	bad(big, "with components of at most 255 bytes (ENF_NAME_MAX - 1), found \"/x/aaaa", "limit: 256-byte component");
	bad(big, "whose component 2 is 256 bytes", "limit: component named");

	/* depth: 64 components fine, 65 not */
	o = (size_t)sprintf(big, HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"");
	for (int i = 0; i < 64; i++)
		o += (size_t)sprintf(big + o, "/d");
	sprintf(big + o, "\"}]}}");
	p = ok(big, "limit: 64 components");
	policy_profile_free(p);
	sprintf(big + o, "/d\"}]}}");
	bad(big, "of at most 64 components (ENF_RULE_DEPTH_MAX), found \"/d/d", "limit: 65 components");
	sprintf(big + o, "/**\"}]}}");
	p = ok(big, "limit: subtree of a 64-component path");
	policy_profile_free(p);

	/* rules per profile: 262144 fine, 262145 not (exec and file count together) */
	o = (size_t)sprintf(big, HDR "\"exec\":{\"default\":\"allow\",\"rules\":[");
	for (int i = 0; i < 262144; i++)
		o += (size_t)sprintf(big + o, "%s{\"action\":\"deny\",\"path\":\"/r/%d\"}", i ? "," : "", i);
	sprintf(big + o, "]}}");
	p = ok(big, "limit: 262144 rules");
	if (p) {
		/* ids stay unique even when many rules share a profile */
		uint32_t *ids = malloc(262144 * sizeof(*ids));
		bool uniq = ids != NULL, nonzero = true;
		for (size_t i = 0; ids && i < 262144; i++) {
			ids[i] = p->exec.rules[i].id;
			nonzero &= ids[i] != 0;
		}
		if (ids) {
			qsort(ids, 262144, sizeof(*ids), cmp_u32);
			for (size_t i = 1; i < 262144; i++)
				uniq &= ids[i] != ids[i - 1];
		}
		EXPECT_TRUE(uniq && nonzero, "limit: 262144 unique non-zero ids");
		free(ids);
	}
	policy_profile_free(p);
	sprintf(big + o, "]},\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"read\"]}]}}");
	bad(big, "file.rules[0]: expected at most 262144 rules per profile (POLICY_RULES_MAX), found more", "limit: 262145 rules");
	free(big);
}

static void test_sections(void)
{
	bad_exact("{\"name\":\"t\",\"mode\":\"audit\",\n\"exec\":{}}",
		  "t.json:2:8: exec: expected a section with \"default\" (\"allow\" or \"deny\") and optional \"rules\", found an empty object (remove the section if it has nothing to say)",
		  "section: empty object");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[]}}",
	    "file.rules: expected a non-empty array of rules, found an empty array", "section: empty rules");
	bad(HDR "\"file\":{\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"read\"]}]}}",
	    "file: expected a \"default\" key (\"allow\" for a deny-list or \"deny\" for an allow-list), found none", "section: missing default");
	bad("{\"name\":\"t\",\"mode\":\"audit\"}", "t.json:1:1: (root): expected at least one of the sections \"exec\", \"file\", \"network\", found none",
	    "section: none at all");
	bad("{\"mode\":\"audit\",\"exec\":{\"default\":\"allow\"}}", "t.json:1:1: (root): expected a \"name\" key", "missing: name");
	bad("{\"name\":\"t\",\"exec\":{\"default\":\"allow\"}}", "(root): expected a \"mode\" key (\"audit\" or \"enforce\"), found none", "missing: mode");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"path\":\"/a\"}]}}", "exec.rules[0]: expected a \"action\" key", "missing: action");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\"}]}}", "exec.rules[0]: expected a \"path\" key", "missing: path");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\"}]}}", "file.rules[0]: expected a \"access\" key",
	    "missing: access");
	bad(NET("{\"action\":\"deny\"}"), "network.rules[0]: expected a \"op\" key", "missing: op");
	bad_exact("{\"name\":\"t\",\"mode\":\"audit\",\"exec\":{\"default\":\"allow\",\"rules\":[\n  {\"action\":\"deny\"}]}}",
		  "t.json:2:3: exec.rules[0]: expected a \"path\" key (an absolute path, or a subtree ending in \"/**\"), found none",
		  "missing: reported at the rule's brace");
}

static void test_duplicates(void)
{
	bad_exact(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[\n"
		  "  {\"action\":\"deny\",\"path\":\"/usr/bin/curl\"},\n"
		  "  {\"action\":\"deny\",\"path\":\"/usr/bin/curl\"}]}}",
		  "t.json:3:3: exec.rules[1]: expected no duplicate rules, found a duplicate of exec.rules[0] (t.json:2:3): same action \"deny\", the same path \"/usr/bin/curl\" and overlapping access \"exec\"; remove one or merge them",
		  "duplicate: exec rule, exact message");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":["
	    "{\"action\":\"deny\",\"path\":\"/srv/**\",\"access\":[\"read\",\"write\"],\"from\":[\"/b\",\"/a\"]},"
	    "{\"action\":\"allow\",\"path\":\"/x\",\"access\":[\"read\"]},"
	    "{\"action\":\"deny\",\"path\":\"/srv/**\",\"access\":[\"write\",\"delete\"],\"from\":[\"/a\",\"/b\"]}]}}",
	    "file.rules[2]: expected no duplicate rules, found a duplicate of file.rules[0] (t.json:1:63): same action \"deny\", the same path \"/srv/**\" and \"from\" and overlapping access \"write\"",
	    "duplicate: overlapping access, from sets in any order");
	bad(HDR "\"file\":{\"default\":\"allow\",\"rules\":["
	    "{\"action\":\"deny\",\"path\":\"/etc/shadow\",\"access\":[\"all\"]},"
	    "{\"action\":\"allow\",\"path\":\"/etc/shadow\",\"access\":[\"read\"]}]}}",
	    "file.rules[1]: expected no contradictory rules, found action \"allow\" here but \"deny\" in file.rules[0] (t.json:1:63) for the same path \"/etc/shadow\" and overlapping access \"read\"; keep one",
	    "contradiction: all vs read");
	bad(HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"audit\",\"path\":\"/**\"},{\"action\":\"deny\",\"path\":\"/**\"}]}}",
	    "exec.rules[1]: expected no contradictory rules, found action \"deny\" here but \"audit\"", "contradiction: audit vs deny");
	struct policy_profile *p = ok(HDR "\"file\":{\"default\":\"allow\",\"rules\":["
		"{\"action\":\"deny\",\"path\":\"/etc/shadow\",\"access\":[\"write\"]},"
		"{\"action\":\"allow\",\"path\":\"/etc/shadow\",\"access\":[\"read\"]},"
		"{\"action\":\"allow\",\"path\":\"/etc/shadow\",\"access\":[\"write\"],\"from\":[\"/usr/bin/passwd\"]},"
		"{\"action\":\"allow\",\"path\":\"/etc/shadow/**\",\"access\":[\"write\"]},"
		"{\"action\":\"allow\",\"path\":\"/etc\",\"access\":[\"write\"]}]}}",
		"duplicate: disjoint access, other from set, subtree vs exact are distinct");
	policy_profile_free(p);

	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\",\"send\"],\"ports\":[80,81]},"
		"{\"action\":\"deny\",\"op\":[\"send\"],\"ports\":[\"80-81\"]}"),
	    "network.rules[1]: expected no duplicate rules, found a duplicate of network.rules[0] (t.json:1:66): same action \"deny\", the same family, proto, addr, ports and from and overlapping op \"send\"",
	    "duplicate: network ports compared as sets");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/8\"},"
		"{\"action\":\"allow\",\"op\":[\"connect\",\"bind\"],\"addr\":\"10.0.0.0/8\"}"),
	    "network.rules[1]: expected no contradictory rules, found action \"allow\" here but \"deny\" in network.rules[0]", "contradiction: network");
	p = ok(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/8\"},"
		   "{\"action\":\"allow\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/9\"},"
		   "{\"action\":\"allow\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/8\",\"proto\":\"tcp\"},"
		   "{\"action\":\"allow\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/8\",\"ports\":[1]},"
		   "{\"action\":\"allow\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/8\",\"family\":\"inet4\"},"
		   "{\"action\":\"allow\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/8\",\"from\":[\"/x\"]},"
		   "{\"action\":\"allow\",\"op\":[\"bind\"],\"addr\":\"10.0.0.0/8\"}"),
	       "duplicate: network matches that differ are distinct");
	policy_profile_free(p);
}

static void test_network_consistency(void)
{
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"family\":\"unix\",\"addr\":\"10.0.0.0/8\"}"),
	    "network.rules[0].addr: \"addr\" conflicts with \"family\" \"unix\": expected no \"addr\" (only inet4 and inet6 sockets have addresses), found \"10.0.0.0/8\"",
	    "consistency: addr with unix");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"family\":[\"netlink\",\"packet\"],\"ports\":[1]}"),
	    "network.rules[0].ports: \"ports\" conflicts with \"family\" [\"netlink\", \"packet\"]", "consistency: ports with netlink/packet");
	bad(NET("{\"action\":\"deny\",\"op\":[\"send\"],\"proto\":\"icmp\",\"ports\":[1]}"),
	    "network.rules[0].ports: \"ports\" conflicts with \"proto\" \"icmp\": expected no \"ports\" (icmp sockets have no ports)",
	    "consistency: ports with icmp");
	bad(NET("{\"action\":\"deny\",\"op\":[\"send\"],\"proto\":\"raw\",\"ports\":[1]}"), "\"ports\" conflicts with \"proto\" \"raw\"",
	    "consistency: ports with raw");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"family\":\"inet4\",\"addr\":\"::1\"}"),
	    "network.rules[0].addr: \"addr\" conflicts with \"family\" \"inet4\": expected an IPv4 address, found \"::1\" (IPv6)",
	    "consistency: IPv6 addr with inet4");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"family\":[\"inet6\",\"unix\"],\"addr\":\"10.0.0.1\"}"),
	    "\"addr\" conflicts with \"family\" [\"inet6\", \"unix\"]: expected an IPv6 address, found \"10.0.0.1\" (IPv4",
	    "consistency: IPv4 addr with inet6");
	bad(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"family\":\"unix\",\"proto\":\"tcp\"}"),
	    "network.rules[0].proto: \"proto\" conflicts with \"family\" \"unix\"", "consistency: proto with unix");
	bad(NET("{\"action\":\"deny\",\"op\":[\"create\",\"connect\"],\"addr\":\"10.0.0.0/8\"}"),
	    "network.rules[0].op: \"op\" \"create\" conflicts with \"addr\"", "consistency: create with addr");
	bad(NET("{\"action\":\"deny\",\"op\":[\"create\"],\"ports\":[53]}"), "\"op\" \"create\" conflicts with \"ports\"", "consistency: create with ports");
	bad(NET("{\"action\":\"deny\",\"op\":[\"listen\"],\"proto\":\"udp\"}"),
	    "network.rules[0].op: \"op\" \"listen\" conflicts with \"proto\" \"udp\"", "consistency: listen with udp");
	bad(NET("{\"action\":\"deny\",\"op\":[\"accept\"],\"proto\":\"icmp\"}"), "\"op\" \"accept\" conflicts with \"proto\" \"icmp\"",
	    "consistency: accept with icmp");
	struct policy_profile *p = ok(NET("{\"action\":\"deny\",\"op\":[\"connect\"],\"family\":[\"inet4\",\"unix\"],\"addr\":\"10.0.0.0/8\",\"ports\":[1]}"),
				      "consistency: addr fine when an inet family is included");
	policy_profile_free(p);
#undef NET
}

static void test_api(void)
{
	struct policy_profile *p = (struct policy_profile *)1;
	struct policy_error err;
	int r;

	r = policy_parse_file("/nonexistent/x.json", &p, &err);
	EXPECT_EQ(r, -ENOENT, "api: missing file is -ENOENT");
	EXPECT_CONTAINS(err.text, "/nonexistent/x.json: cannot open", "api: missing file message");
	EXPECT_TRUE(p == (struct policy_profile *)1, "api: ret untouched on failure");
	r = policy_parse_file("tests/unit", &p, &err);
	EXPECT_TRUE(r < 0 && r != -EINVAL, "api: a directory is an I/O error");
	r = policy_parse_buffer(NULL, 0, NULL, &p, &err);
	EXPECT_EQ(r, -EINVAL, "api: empty buffer is invalid input");
	EXPECT_CONTAINS(err.text, "<input>:1:1: invalid JSON", "api: default source name");
	policy_profile_free(NULL);
	EXPECT_TRUE(true, "api: free(NULL) is fine");
}

/* --------------------------------------------------- fixtures, schema -- */

static int parse_all_in(const char *dir, bool required)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d) {
		if (required)
			unit_report(false, dir, "cannot open %s", dir);
		return 0;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char path[1024], name[1100];
		struct policy_profile *p = NULL;
		struct policy_error err = { .text = "" };

		if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(name, sizeof(name), "fixture: %s is valid", path);
		int r = policy_parse_file(path, &p, &err);
		unit_report(r == 0, name, "%d: %s", r, err.text);
		policy_profile_free(p);
		n++;
	}
	closedir(d);
	return n;
}

static void test_fixtures(void)
{
	int n = parse_all_in("tests/unit/policies", true);
	EXPECT_TRUE(n >= 3, "fixture: valid fixtures found");
	parse_all_in("policies", false); /* example profiles, when the project ships some */

	DIR *d = opendir("tests/unit/policies/invalid");
	struct dirent *e;
	int bad_n = 0;

	if (!EXPECT_TRUE(d != NULL, "fixture: invalid/ exists"))
		return;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char path[1024], exp_path[1024], name[1100];
		struct policy_profile *p = NULL;
		struct policy_error err = { .text = "" };
		char *buf, *want;
		size_t len;

		if (l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "tests/unit/policies/invalid/%s", e->d_name);
		snprintf(exp_path, sizeof(exp_path), "tests/unit/policies/invalid/%.*s.expect", (int)(l - 5), e->d_name);
		snprintf(name, sizeof(name), "fixture: %s fails with its .expect message", e->d_name);
		buf = read_all(path, &len);
		want = read_all(exp_path, NULL);
		if (!buf || !want) {
			unit_report(false, name, "cannot read %s or %s", path, exp_path);
		} else {
			want[strcspn(want, "\n")] = '\0';
			int r = policy_parse_buffer(buf, len, e->d_name, &p, &err);
			unit_report(r == -EINVAL && strcmp(err.text, want) == 0, name, "r=%d\n  got:      %s\n  expected: %s", r, err.text, want);
		}
		policy_profile_free(p);
		free(buf);
		free(want);
		bad_n++;
	}
	closedir(d);
	EXPECT_TRUE(bad_n >= 5, "fixture: invalid fixtures found");
}

/* Every enum word the schema offers must be one the parser accepts. */
static void schema_enum_accepted(json_t *schema, const char *def, const char *fmt, const char *name)
{
	json_t *defs = json_object_get(schema, "$defs");
	json_t *d = json_object_get(defs, def);
	json_t *en = json_object_get(d, "enum");
	size_t i;
	json_t *w;
	char test[256], buf[1024];
	bool all_ok = json_array_size(en) > 0;
	char failed[1100] = "";

	json_array_foreach(en, i, w) {
		struct policy_profile *p = NULL;
		struct policy_error err;
		snprintf(buf, sizeof(buf), fmt, json_string_value(w));
		if (policy_parse_buffer(buf, strlen(buf), "schema.json", &p, &err) != 0) {
			all_ok = false;
			snprintf(failed, sizeof(failed), "%s", err.text);
		}
		policy_profile_free(p);
	}
	snprintf(test, sizeof(test), "schema: every $defs.%s enum word parses (%s)", def, name);
	unit_report(all_ok, test, "%s", failed[0] ? failed : "enum missing or empty");
}

static void test_schema(void)
{
	json_error_t je;
	json_t *s = json_load_file("docs/policy.schema.json", JSON_REJECT_DUPLICATES, &je);

	if (!unit_report(s != NULL, "schema: docs/policy.schema.json is JSON", "%d:%d: %s", je.line, je.column, je.text))
		return;
	EXPECT_STREQ(json_string_value(json_object_get(s, "$schema")), "https://json-schema.org/draft/2020-12/schema",
		     "schema: draft 2020-12");
	EXPECT_TRUE(json_is_false(json_object_get(s, "additionalProperties")), "schema: closed top level");
	schema_enum_accepted(s, "mode", "{\"name\":\"t\",\"mode\":\"%s\",\"exec\":{\"default\":\"allow\"}}", "mode");
	schema_enum_accepted(s, "default", HDR "\"exec\":{\"default\":\"%s\"}}", "default");
	schema_enum_accepted(s, "action", HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"%s\",\"path\":\"/a\"}]}}", "action");
	schema_enum_accepted(s, "access_word", HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"%s\"]}]}}", "access");
	schema_enum_accepted(s, "op", HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"%s\"]}]}}", "op");
	schema_enum_accepted(s, "family_word", HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"connect\"],\"family\":\"%s\"}]}}", "family");
	schema_enum_accepted(s, "baseline_setting", HDR "\"exec\":{\"default\":\"allow\"},\"baseline\":{\"mount\":\"%s\"}}", "baseline");
	schema_enum_accepted(s, "proto", HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"connect\"],\"proto\":\"%s\"}]}}", "proto");

	/* The schema's property lists are exactly the parser's keys. */
	struct {
		const char *def;
		const char *json_with_key;
	} objs[] = {
		{ "exec_rule", HDR "\"exec\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"%s\":0}]}}" },
		{ "file_rule", HDR "\"file\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"path\":\"/a\",\"access\":[\"read\"],\"%s\":0}]}}" },
		{ "network_rule", HDR "\"network\":{\"default\":\"allow\",\"rules\":[{\"action\":\"deny\",\"op\":[\"bind\"],\"%s\":0}]}}" },
		{ "baseline", HDR "\"exec\":{\"default\":\"allow\"},\"baseline\":{\"%s\":0}}" },
	};
	for (size_t k = 0; k < sizeof(objs) / sizeof(objs[0]); k++) {
		json_t *props = json_object_get(json_object_get(json_object_get(s, "$defs"), objs[k].def), "properties");
		const char *key;
		json_t *v;
		bool known = json_object_size(props) > 0;
		char name[128], buf[1024], why[1100] = "";

		json_object_foreach(props, key, v) {
			struct policy_profile *p = NULL;
			struct policy_error err;
			snprintf(buf, sizeof(buf), objs[k].json_with_key, key);
			/* a known key with a wrong value fails on the value, never as "unknown key" */
			if (policy_parse_buffer(buf, strlen(buf), "s.json", &p, &err) == 0 || strstr(err.text, "unknown key")) {
				known = false;
				snprintf(why, sizeof(why), "%s: %s", key, err.text);
			}
			policy_profile_free(p);
		}
		snprintf(name, sizeof(name), "schema: $defs.%s.properties are keys the parser knows", objs[k].def);
		unit_report(known, name, "%s", why);
	}

	/* ...and the other way round for the baseline, whose words grow with each hole closed. */
	json_t *baseline = json_object_get(json_object_get(json_object_get(s, "$defs"), "baseline"), "properties");
	char missing[256] = "";
	for (unsigned i = 0; enf_baseline_words[i]; i++)
		if (!json_object_get(baseline, enf_baseline_words[i]))
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), " %s", enf_baseline_words[i]);
	unit_report(!missing[0], "schema: $defs.baseline.properties has every baseline word", "missing:%s", missing);
	json_decref(s);
}

/*
 * canonical.c writes the canonical text by hand, as jansson would dump the
 * same object (rule ids hash it): jansson, loading the text and dumping it
 * again with the same flags, must give it back byte for byte, with every
 * string intact, for the characters JSON escapes and those it does not.
 */
static void expect_jansson_text(const char *t, const char *key, const char *want, const char *what)
{
	json_error_t err;
	json_t *o = t ? json_loads(t, 0, &err) : NULL;
	char *again = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	unit_report(again && strcmp(again, t) == 0, what, "text %s, jansson's %s", t ? t : "(null)",
		    again ? again : "(none)");
	EXPECT_STREQ(json_string_value(json_object_get(o, key)), want, what);
	free(again);
	json_decref(o);
}

static void test_canonical_text(void)
{
	static const char *const paths[] = {
		"/plain", "/q\"uote", "/back\\slash", "/nl\nx\ttab\rcr\bbs\ffeed", "/ctl\x01\x1f", "/del\x7f",
		"/utf8-\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80", "/",
	};
	char *from[] = { "/usr/bin/a\"b", "/usr/sbin/\xc3\xa9" };
	struct policy_port_range ports[] = { { 80, 80 }, { 8000, 8080 } };
	char want[128], *t;

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		for (int subtree = 0; subtree <= 1; subtree++) {
			struct policy_path_rule r = { .action = ENF_ACT_DENY, .path = (char *)paths[i], .subtree = subtree,
						      .access = ENF_ACCESS_ALL, .from = from, .n_from = 2 };

			snprintf(want, sizeof(want), "%s%s", subtree && strcmp(paths[i], "/") == 0 ? "" : paths[i],
				 subtree ? "/**" : "");
			t = policy_path_rule_canonical(&r, ENF_SECTION_FILE, true);
			expect_jansson_text(t, "path", want, "canonical: a file rule's text is jansson's");
			free(t);
			r.access = 1u << ENF_CLASS_READ | 1u << ENF_CLASS_CREATE;
			t = policy_path_rule_canonical(&r, ENF_SECTION_EXEC, false);
			expect_jansson_text(t, "path", want, "canonical: an exec rule's match is jansson's");
			free(t);
		}
	}
	struct policy_net_rule n = { .action = ENF_ACT_AUDIT, .ops = ENF_NET_CONNECT | ENF_NET_SEND,
				     .families = ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6, .proto = ENF_NET_PROTO_TCP,
				     .has_addr = true, .addr_family = 6, .prefix_len = 128, .addr = { [15] = 1 },
				     .ports = ports, .n_ports = 2, .from = from, .n_from = 2 };
	t = policy_net_rule_canonical(&n, true);
	EXPECT_STREQ(t, "{\"action\":\"audit\",\"op\":[\"connect\",\"send\"],\"family\":[\"inet\"],\"proto\":\"tcp\","
			"\"addr\":\"::1/128\",\"ports\":[80,\"8000-8080\"],\"from\":[\"/usr/bin/a\\\"b\",\"/usr/sbin/\xc3\xa9\"]}",
		     "canonical: a network rule with every key");
	expect_jansson_text(t, "addr", "::1/128", "canonical: a network rule's text is jansson's");
	free(t);

	/* Addresses written by hand: as inet_ntop() and "%u" write them, cut short as snprintf() cuts. */
	static const uint8_t v4[][4] = { { 0, 0, 0, 0 }, { 255, 255, 255, 255 }, { 10, 0, 9, 100 }, { 1, 22, 203, 4 } };
	for (size_t i = 0; i < ARRAY_SIZE(v4); i++) {
		for (unsigned len = 0; len <= 32; len += 8) {
			char a[INET_ADDRSTRLEN], got[POLICY_ADDR_TEXT_MAX];

			inet_ntop(AF_INET, v4[i], a, sizeof(a));
			snprintf(want, sizeof(want), "%s/%u", a, len);
			policy_addr_format(4, v4[i], (uint8_t)len, got, sizeof(got));
			EXPECT_STREQ(got, want, "addresses: IPv4 as inet_ntop() writes it");
		}
	}
	char cut[8];
	policy_addr_format(4, v4[1], 32, cut, sizeof(cut));
	EXPECT_STREQ(cut, "255.255", "addresses: cut short to the buffer");
	policy_addr_format(6, n.addr, 128, want, sizeof(want));
	EXPECT_STREQ(want, "::1/128", "addresses: IPv6");
	char digits[21] = "";
	EXPECT_STREQ(decimal_before(digits + 20, UINT64_MAX), "18446744073709551615", "decimal_before: the largest value");
	EXPECT_STREQ(decimal_before(digits + 20, 0), "0", "decimal_before: 0");

	/* Not UTF-8: jansson refused to make the string, so no text (the caller's ENOMEM), as before. */
	static const char *const bad[] = { "/\xff", "/\xc3", "/\xc0\xaf", "/\xed\xa0\x80", "/\xf4\x90\x80\x80" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct policy_path_rule r = { .action = ENF_ACT_DENY, .path = (char *)bad[i] };

		t = policy_path_rule_canonical(&r, ENF_SECTION_EXEC, true);
		unit_report(t == NULL, "canonical: no text for a path that is not UTF-8", "got %s", t ? t : "");
		free(t);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	find_source_root(argv[0]);
	test_example_profile();
	test_every_key();
	test_rule_ids();
	test_canonical_text();
	test_malformed_json();
	test_unknown_keys();
	test_baseline();
	test_wrong_types();
	test_bad_values();
	test_addresses();
	test_ports();
	test_paths();
	test_limits();
	test_sections();
	test_duplicates();
	test_network_consistency();
	test_api();
	test_fixtures();
	test_schema();
	return unit_done();
}
