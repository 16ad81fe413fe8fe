// SPDX-License-Identifier: GPL-2.0-only
/*
 * policy_compile_net(): prefix entries, pushdown, precedence order, limits,
 * IPv4-mapped addresses, determinism; and, above all, agreement with the
 * reference evaluator: a model of the kernel's lookup (longest prefix over
 * the compiled entries, first matching record, lsm-progs/net.bpf.h) must
 * decide every query exactly as policy_explain_net() does, on hand-written
 * and on generated profiles.
 *
 * The model is C standing in for BPF, so it is held to the kernel by a
 * table the kernel decides too (test_shared_table()): the cases of
 * tests/integration/24-explain-agrees.sh, each with the action it must
 * come to, decided here by the model and explain and in a guest by the
 * real hooks and explain.
 *
 * One file, over 700 lines: the model, the generator of profiles and the
 * hand-written cases all serve the one agreement check; apart, a case
 * could pass against a model the others no longer use.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "canonical.h"
#include "compile.h"
#include "explain.h"
#include "policy.h"
#include "unit.h"
#include "util.h"

static struct policy_profile *parse_text(const char *json, struct policy_error *err)
{
	struct policy_profile *p = NULL;

	memset(err, 0, sizeof(*err));
	if (policy_parse_buffer(json, strlen(json), "t.json", &p, err) < 0)
		return NULL;
	return p;
}

static struct bundle *compile_text(const char *json, struct policy_error *err)
{
	struct policy_profile *p = parse_text(json, err);
	struct bundle *b = NULL;

	if (!p)
		return NULL;
	if (policy_compile(p, &b, err) < 0)
		b = NULL;
	policy_profile_free(p);
	return b;
}

/* The entry stored for "10.0.0.0/8" or "2001:db8::/32" (IPv4 mapped), or NULL. */
static const struct bundle_file_net *entry_of(const struct bundle *b, const char *cidr)
{
	char want[64], got[64];

	snprintf(want, sizeof(want), "%s", cidr);
	for (uint32_t i = 0; i < b->n_net; i++) {
		bundle_format_addr(b->net[i].addr, b->net[i].prefix_len, got, sizeof(got));
		if (strcmp(got, want) == 0)
			return &b->net[i];
	}
	return NULL;
}

static const struct policy_net_rule *rule_at_line(const struct policy_profile *p, int line)
{
	for (size_t i = 0; i < p->network.n_rules; i++)
		if (p->network.rules[i].src.line == line)
			return &p->network.rules[i];
	return NULL;
}

/* ------------------------------------------------- the kernel, modelled -- */

static bool covers(const struct bundle_file_net *e, const uint8_t addr[16])
{
	unsigned full = e->prefix_len / 8, rest = e->prefix_len % 8;

	if (memcmp(e->addr, addr, full) != 0)
		return false;
	return !rest || ((e->addr[full] ^ addr[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

/*
 * What net.bpf.h decides: LPM over {instance, addr} (a lookup without an
 * address has prefix length 32, so only the instance's ::/0 entry can
 * answer it), then the first record matching op, family, proto, port and
 * 'from' (net_scan_step()). A second spelling of the BPF matcher, which
 * the host cannot run: the shared table (test_shared_table()) is what
 * keeps the two equal, so a change to net_scan_step() or to the lookup
 * belongs here and in a case of that table.
 */
static enum enf_action kernel_decide(const struct bundle *b, uint32_t op, uint32_t family_bit, uint8_t proto,
				     const uint8_t *addr16, uint16_t port, uint32_t exe_id, uint32_t *ret_rule)
{
	const struct bundle_file_net *best = NULL;

	*ret_rule = 0;
	for (uint32_t i = 0; i < b->n_net; i++) {
		const struct bundle_file_net *e = &b->net[i];

		if (addr16 ? !covers(e, addr16) : e->prefix_len != 0)
			continue;
		if (!best || e->prefix_len > best->prefix_len)
			best = e;
	}
	for (uint32_t i = 0; best && i < best->val.count; i++) {
		const struct enf_net_rule *r = &best->val.rules[i];

		if (!(r->ops & op) || !(r->families & family_bit) || (r->proto && r->proto != proto) ||
		    port < r->port_lo || port > r->port_hi || (r->exe_id && r->exe_id != exe_id))
			continue;
		*ret_rule = r->rule_id;
		return (enum enf_action)r->action;
	}
	return (enum enf_action)b->defaults[ENF_SECTION_NETWORK];
}

/* The exe_id the kernel resolves for a task running `exe`: its trie node's, 0 when none. */
static uint32_t exe_id_in(const struct bundle *b, const char *exe)
{
	uint32_t node = 0;
	char buf[4096], *save = NULL;

	if (!exe)
		return 0;
	snprintf(buf, sizeof(buf), "%s", exe);
	for (char *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		uint32_t found = 0;

		for (uint32_t i = 1; i < b->n_nodes && !found; i++)
			if (b->nodes[i].parent == node && strcmp(b->nodes[i].name, c) == 0)
				found = i;
		if (!found)
			return 0;
		node = found;
	}
	return b->nodes[node].val.exe_id;
}

struct query {
	const char *exe;      /* the task's executable; NULL: unknown */
	uint32_t op, family_bit;
	uint8_t proto;
	bool has_addr;
	int addr_family;      /* 4 or 6, as the socket would pass it */
	uint8_t addr[16];     /* 4 bytes used for family 4 */
	uint16_t port;
};

static void query_text(const struct query *q, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "-";

	if (q->has_addr)
		inet_ntop(q->addr_family == 4 ? AF_INET : AF_INET6, q->addr, a, sizeof(a));
	snprintf(buf, size, "op %#x family %#x proto %u addr %s port %u exe %s", q->op, q->family_bit, q->proto, a,
		 q->port, q->exe ? q->exe : "-");
}

/* Kernel model and evaluator agree on one query: 1 yes, 0 no (reported). */
static bool agree(const struct policy_profile *p, const struct bundle *b, const struct query *q, const char *what)
{
	struct policy_verdict v;
	uint8_t stored[16] = { 0 };
	enum enf_action k;
	uint32_t rule;
	char text[256];

	if (q->has_addr) {
		if (q->addr_family == 4) {
			stored[10] = stored[11] = 0xff;
			memcpy(stored + 12, q->addr, 4);
		} else {
			memcpy(stored, q->addr, 16);
		}
	}
	k = kernel_decide(b, q->op, q->family_bit, q->proto, q->has_addr ? stored : NULL, q->port,
			  exe_id_in(b, q->exe), &rule);
	if (policy_explain_net(p, q->op, q->family_bit, (enum enf_net_proto)q->proto, q->has_addr ? q->addr : NULL,
			       q->addr_family, q->port, q->exe, &v) < 0) {
		query_text(q, text, sizeof(text));
		return unit_report(false, what, "explain refused the query %s", text);
	}
	if (k == v.action && rule == (v.net_rule ? v.net_rule->id : 0))
		return true;
	query_text(q, text, sizeof(text));
	return unit_report(false, what, "%s: kernel %s (rule %08x), explain %s (rule %08x)", text,
			   enf_action_name(k), rule, enf_action_name(v.action), v.net_rule ? v.net_rule->id : 0);
}

/* ------------------------------------ the table the kernel decides -- */

#define SHARED_PROFILE "tests/integration/24-explain-agrees.json"
#define SHARED_CASES   "tests/integration/24-explain-agrees.cases"

/*
 * One case of the shared table: "WANT REQUEST" (the comment cut), REQUEST
 * in policyc explain's words. Decided by explain and, for --net, by the
 * model too: both must give WANT. 1 when it held, 0 when not (reported).
 */
static bool shared_case(const struct policy_profile *p, const struct bundle *b, char *line, unsigned *n_net)
{
	char *save = NULL, *want = strtok_r(line, " \t", &save), *w, *file = NULL, *exec = NULL, *net = NULL;
	char *family = NULL, *from = NULL, name[256], why[256];
	struct policy_verdict v;
	int r;

	snprintf(name, sizeof(name), "table: %s", want);
	while ((w = strtok_r(NULL, " \t", &save))) {
		char *arg = strtok_r(NULL, " \t", &save), **slot = NULL;

		if (strcmp(w, "--file") == 0)
			slot = &file;
		else if (strcmp(w, "--exec") == 0)
			slot = &exec;
		else if (strcmp(w, "--net") == 0)
			slot = &net;
		else if (strcmp(w, "--family") == 0)
			slot = &family;
		else if (strcmp(w, "--from") == 0)
			slot = &from;
		if (!slot || !arg)
			return unit_report(false, name, "'%s' is not a request word with its argument", w);
		*slot = arg;
		snprintf(name + strlen(name), sizeof(name) - strlen(name), " %s %s", w, arg);
	}
	if (exec) {
		r = policy_explain_path(p, ENF_CLASS_EXEC, exec, from, &v);
	} else if (file) {
		char *colon = strrchr(file, ':');
		uint32_t bits;

		if (!colon || enf_access_from_word(colon + 1, &bits) < 0 || __builtin_popcount(bits) != 1)
			return unit_report(false, name, "--file wants PATH:ACCESS");
		*colon = '\0';
		r = policy_explain_path(p, (enum enf_class)__builtin_ctz(bits), file, from, &v);
		*colon = ':';
	} else if (net) {
		struct policy_net_request req;
		struct query q = { .exe = from };

		if (policy_net_request_parse(net, &req, why, sizeof(why)) < 0)
			return unit_report(false, name, "--net: %s", why);
		q.op = req.op;
		q.proto = (uint8_t)req.proto;
		q.has_addr = req.has_addr;
		q.addr_family = req.addr_family;
		memcpy(q.addr, req.addr, sizeof(q.addr));
		q.port = req.port;
		if (family && (enf_net_family_from_word(family, &q.family_bit) < 0 ||
			       __builtin_popcount(q.family_bit) != 1))
			return unit_report(false, name, "--family %s is not one family", family);
		if (!family)
			q.family_bit = req.addr_family == 4 ? ENF_NET_FAMILY_INET4 : ENF_NET_FAMILY_INET6;
		(*n_net)++;
		if (!agree(p, b, &q, name))
			return false;
		r = policy_explain_net(p, q.op, q.family_bit, req.proto, req.has_addr ? req.addr : NULL,
				       req.addr_family, req.port, from, &v);
	} else {
		return unit_report(false, name, "no --exec, --file or --net");
	}
	if (r < 0)
		return unit_report(false, name, "explain refused the request (%d)", r);
	return unit_report(strcmp(enf_action_name(v.action), want) == 0, name, "explain (and so the model) says %s",
			   enf_action_name(v.action));
}

/*
 * The precedence corners that tests/integration/24-explain-agrees.sh
 * decides with the real kernel in a guest, each with the action it must
 * come to: here explain and the kernel model (kernel_decide()) must come
 * to it too. That ties the model to the kernel: a change to the BPF
 * matcher that the model does not follow makes one of the two tests fail
 * on the same case, and the generated profiles below rely on the model.
 */
static void test_shared_table(void)
{
	_cleanup_free_ char *text = NULL;
	struct policy_profile *p = NULL;
	struct bundle *b = NULL;
	struct policy_error err = { 0 };
	unsigned n = 0, n_net = 0, n_ok = 0;
	char *save = NULL;
	size_t len;

	if (!EXPECT_OK(policy_parse_file(SHARED_PROFILE, &p, &err), "table: parse " SHARED_PROFILE) ||
	    !EXPECT_OK(policy_compile(p, &b, &err), "table: compile " SHARED_PROFILE) ||
	    !EXPECT_OK(read_file_all(SHARED_CASES, 1 << 20, &text, &len), "table: read " SHARED_CASES)) {
		printf("  %s\n", err.text);
		goto out;
	}
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#');

		if (hash)
			*hash = '\0';
		if (strspn(line, " \t") == strlen(line))
			continue;
		n++;
		n_ok += shared_case(p, b, line, &n_net);
	}
	EXPECT_TRUE(n >= 25 && n_net >= 15, "table: every case read (25 or more, 15 of them network)");
	EXPECT_EQ(n_ok, n, "table: every case as the table says");
out:
	bundle_free(b);
	policy_profile_free(p);
}

/* ------------------------------------------------------ hand-written -- */

#define HDR "{\"name\":\"n\",\"mode\":\"enforce\",\"network\":{"

static void test_pushdown_and_order(void)
{
	static const char *json =
		HDR "\"default\":\"allow\",\"rules\":[\n"
		"{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/8\"},\n"                     /* 2 */
		"{\"action\":\"allow\",\"op\":[\"connect\"],\"addr\":\"10.1.0.0/16\",\"ports\":[443]},\n"    /* 3 */
		"{\"action\":\"audit\",\"op\":[\"connect\"],\"addr\":\"10.1.0.0/16\",\"proto\":\"udp\"},\n"   /* 4 */
		"{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.1.0.0/16\"},\n"                     /* 5 */
		"{\"action\":\"deny\",\"op\":[\"bind\"],\"ports\":[\"1-1023\",2000]},\n"                     /* 6 */
		"{\"action\":\"deny\",\"op\":[\"create\"],\"family\":\"packet\"},\n"                         /* 7 */
		"{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"::/0\"}\n"                              /* 8 */
		"]}}";
	struct policy_error err;
	struct policy_profile *p = parse_text(json, &err);
	struct bundle *b = compile_text(json, &err);
	const struct bundle_file_net *e16, *e8, *v4root, *v6root;

	if (!EXPECT_TRUE(p && b, "compile pushdown profile") ) {
		printf("  %s\n", err.text);
		goto out;
	}
	EXPECT_EQ(b->n_net, 4, "entries: ::/0, 0.0.0.0/0, 10.0.0.0/8, 10.1.0.0/16");
	e16 = entry_of(b, "10.1.0.0/16");
	e8 = entry_of(b, "10.0.0.0/8");
	v4root = entry_of(b, "0.0.0.0/0");
	v6root = entry_of(b, "::/0");
	if (!EXPECT_TRUE(e16 && e8 && v4root && v6root, "every entry is there"))
		goto out;
	EXPECT_EQ(e16->prefix_len, 96 + 16, "IPv4 prefixes are stored mapped");
	EXPECT_EQ(v4root->prefix_len, 96, "the IPv4 root is ::ffff:0:0/96");

	/* /16 entry: ports rule, then deny > audit at /16, then the inherited /8, then the bind rule (2 ranges). */
	if (EXPECT_EQ(e16->val.count, 6, "10.1/16 carries its 3 rules, the /8 one and both bind ranges")) {
		EXPECT_EQ(e16->val.rules[0].rule_id, rule_at_line(p, 3)->id, "ports beat no ports at equal prefix");
		EXPECT_EQ(e16->val.rules[0].port_lo, 443, "port range carried");
		EXPECT_EQ(e16->val.rules[1].rule_id, rule_at_line(p, 5)->id, "deny before audit at equal specificity");
		EXPECT_EQ(e16->val.rules[2].rule_id, rule_at_line(p, 4)->id, "audit after deny");
		EXPECT_EQ(e16->val.rules[3].rule_id, rule_at_line(p, 2)->id, "inherited /8 after /16");
		EXPECT_EQ(e16->val.rules[4].rule_id, rule_at_line(p, 6)->id, "rule without addr last");
		EXPECT_TRUE(e16->val.rules[4].port_lo == 1 && e16->val.rules[4].port_hi == 1023 &&
			    e16->val.rules[5].port_lo == 2000 && e16->val.rules[5].port_hi == 2000,
			    "one record per port range");
	}
	EXPECT_EQ(e8->val.count, 3, "10/8 does not inherit from the longer /16");
	/* Only the rules that can meet an address: not create-only, not packet. */
	EXPECT_EQ(v4root->val.count, 2, "IPv4 root: the bind ranges only");
	for (uint32_t i = 0; i < v4root->val.count; i++)
		EXPECT_TRUE(v4root->val.rules[i].rule_id != rule_at_line(p, 8)->id, "no IPv6 rule in the IPv4 root");
	/* ::/0: the IPv6 /0 rule first, then the rules without addr (ports first). */
	if (EXPECT_EQ(v6root->val.count, 4, "::/0: the IPv6 rule, the bind ranges and the packet rule")) {
		EXPECT_EQ(v6root->val.rules[0].rule_id, rule_at_line(p, 8)->id, "addr ::/0 before no addr");
		EXPECT_EQ(v6root->val.rules[0].families, ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6,
			  "a rule with an address only ever matches inet sockets");
		EXPECT_EQ(v6root->val.rules[3].rule_id, rule_at_line(p, 7)->id, "packet rule sits at ::/0");
	}
	EXPECT_EQ(b->defaults[ENF_SECTION_NETWORK], ENF_ACT_ALLOW, "network default carried");
	EXPECT_TRUE(bundle_rule_by_id(b, rule_at_line(p, 3)->id) &&
		    bundle_rule_by_id(b, rule_at_line(p, 3)->id)->section == ENF_SECTION_NETWORK,
		    "network rules are in the rule table");
out:
	bundle_free(b);
	policy_profile_free(p);
}

static void test_mapped_and_families(void)
{
	static const char *json =
		HDR "\"default\":\"deny\",\"rules\":[\n"
		"{\"action\":\"deny\",\"op\":[\"connect\",\"send\"],\"addr\":\"169.254.169.254/32\"},\n"
		"{\"action\":\"allow\",\"op\":[\"connect\",\"send\"],\"addr\":\"::/0\"},\n"
		"{\"action\":\"allow\",\"op\":[\"connect\"],\"addr\":\"0.0.0.0/0\",\"ports\":[80]},\n"
		"{\"action\":\"allow\",\"op\":[\"create\"]},\n"
		"{\"action\":\"allow\",\"op\":[\"connect\"],\"family\":\"unix\"}\n"
		"]}}";
	static const struct { const char *addr; int fam; uint32_t fbit; uint32_t op; uint16_t port; enum enf_action want; } q[] = {
		{ "169.254.169.254", 4, ENF_NET_FAMILY_INET4, ENF_NET_CONNECT, 80, ENF_ACT_DENY },
		{ "::ffff:169.254.169.254", 6, ENF_NET_FAMILY_INET6, ENF_NET_CONNECT, 80, ENF_ACT_DENY },
		{ "::ffff:169.254.169.254", 6, ENF_NET_FAMILY_INET6, ENF_NET_SEND, 53, ENF_ACT_DENY },
		{ "::ffff:10.0.0.1", 6, ENF_NET_FAMILY_INET6, ENF_NET_CONNECT, 80, ENF_ACT_ALLOW },
		/* the IPv6 ::/0 allow must not reach a mapped IPv4 peer */
		{ "::ffff:10.0.0.1", 6, ENF_NET_FAMILY_INET6, ENF_NET_CONNECT, 81, ENF_ACT_DENY },
		{ "10.0.0.1", 4, ENF_NET_FAMILY_INET4, ENF_NET_CONNECT, 81, ENF_ACT_DENY },
		{ "2001:db8::1", 6, ENF_NET_FAMILY_INET6, ENF_NET_CONNECT, 81, ENF_ACT_ALLOW },
		{ "::ffff:0:0", 6, ENF_NET_FAMILY_INET6, ENF_NET_CONNECT, 80, ENF_ACT_ALLOW },
	};
	struct policy_error err;
	struct policy_profile *p = parse_text(json, &err);
	struct bundle *b = compile_text(json, &err);

	if (!EXPECT_TRUE(p && b, "compile mapped profile"))
		goto out;
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		struct query qq = { .op = q[i].op, .family_bit = q[i].fbit, .proto = ENF_NET_PROTO_TCP,
				    .has_addr = true, .addr_family = q[i].fam, .port = q[i].port };
		uint8_t stored[16] = { 0 };
		uint32_t rule;
		char name[128];

		inet_pton(q[i].fam == 4 ? AF_INET : AF_INET6, q[i].addr, qq.addr);
		if (q[i].fam == 4) {
			stored[10] = stored[11] = 0xff;
			memcpy(stored + 12, qq.addr, 4);
		} else {
			memcpy(stored, qq.addr, 16);
		}
		snprintf(name, sizeof(name), "mapped: %s port %u is %s", q[i].addr, q[i].port, enf_action_name(q[i].want));
		EXPECT_EQ(kernel_decide(b, qq.op, qq.family_bit, qq.proto, stored, qq.port, 0, &rule), q[i].want, name);
		snprintf(name, sizeof(name), "mapped: %s port %u: kernel model agrees with explain", q[i].addr, q[i].port);
		if (agree(p, b, &qq, name))
			unit_report(true, name, "%s", "");
	}
	{
		struct query create = { .op = ENF_NET_CREATE, .family_bit = ENF_NET_FAMILY_PACKET };
		struct query unix_c = { .op = ENF_NET_CONNECT, .family_bit = ENF_NET_FAMILY_UNIX };
		struct query unix_b = { .op = ENF_NET_BIND, .family_bit = ENF_NET_FAMILY_UNIX };
		uint32_t rule;

		EXPECT_EQ(kernel_decide(b, create.op, create.family_bit, 0, NULL, 0, 0, &rule), ENF_ACT_ALLOW,
			  "create of any family allowed by the create rule");
		EXPECT_EQ(kernel_decide(b, unix_c.op, unix_c.family_bit, 0, NULL, 0, 0, &rule), ENF_ACT_ALLOW,
			  "unix connect allowed by family");
		EXPECT_EQ(kernel_decide(b, unix_b.op, unix_b.family_bit, 0, NULL, 0, 0, &rule), ENF_ACT_DENY,
			  "unix bind: the addr ::/0 rule does not match an operation without an address");
		if (agree(p, b, &unix_b, "unix bind agrees with explain"))
			unit_report(true, "unix bind agrees with explain", "%s", "");
	}
out:
	bundle_free(b);
	policy_profile_free(p);
}

static void test_limits_and_refusals(void)
{
	char json[16384];
	size_t o;
	struct policy_error err;
	struct bundle *b;

	/* 32 records at one prefix fit; the 33rd (a port range of a rule) is refused. */
	o = (size_t)snprintf(json, sizeof(json), HDR "\"default\":\"allow\",\"rules\":[");
	for (int i = 0; i < 31; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o, "{\"action\":\"deny\",\"op\":[\"connect\"],\"ports\":[%d]},",
				      1000 + i);
	snprintf(json + o, sizeof(json) - o, "{\"action\":\"deny\",\"op\":[\"bind\"],\"ports\":[1]}]}}");
	b = compile_text(json, &err);
	EXPECT_TRUE(b != NULL, "32 records at one prefix compile");
	if (!b)
		printf("  %s\n", err.text);
	bundle_free(b);
	snprintf(json + o, sizeof(json) - o, "{\"action\":\"deny\",\"op\":[\"bind\"],\"ports\":[1,3]}]}}");
	b = compile_text(json, &err);
	EXPECT_TRUE(b == NULL, "33 records at one prefix are refused");
	EXPECT_CONTAINS(err.text, "ENF_NET_RULES_PER_PREFIX", "the limit is named");
	EXPECT_CONTAINS(err.text, "more than 32 rules apply to addresses in", "the prefix is named");
	EXPECT_CONTAINS(err.text, "t.json:1:", "the rule's position is given");
	bundle_free(b);

	/* Rules that cannot meet an address do not count at address prefixes. */
	o = (size_t)snprintf(json, sizeof(json), HDR "\"default\":\"allow\",\"rules\":[");
	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o, "{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.%d.0/24\"},", i);
	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o, "{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"2001:db8:%x::/48\"},", i);
	snprintf(json + o, sizeof(json) - o, "{\"action\":\"deny\",\"op\":[\"create\"],\"family\":\"packet\"}]}}");
	b = compile_text(json, &err);
	EXPECT_TRUE(b != NULL && b->n_net == 42, "40 prefixes and the two roots; rules spread over prefixes compile");
	bundle_free(b);

	/* 'from' multiplies records: 16 executables x 2 port ranges = 32 fit, one more range does not. */
	o = (size_t)snprintf(json, sizeof(json), HDR "\"default\":\"allow\",\"rules\":[{\"action\":\"deny\","
			     "\"op\":[\"connect\"],\"ports\":[1,3],\"from\":[");
	for (int i = 0; i < 16; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o, "%s\"/usr/bin/x%d\"", i ? "," : "", i);
	snprintf(json + o, sizeof(json) - o, "]}]}}");
	b = compile_text(json, &err);
	EXPECT_TRUE(b != NULL, "16 'from' executables x 2 port ranges compile");
	bundle_free(b);
	json[strlen(json) - strlen("]}]}}")] = 0;
	strcat(json, ",\"/usr/bin/x16\"]}]}}");
	b = compile_text(json, &err);
	EXPECT_TRUE(b == NULL, "17 'from' executables x 2 port ranges are refused");
	EXPECT_CONTAINS(err.text, "'from' executable counts once", "the message says what counts");
	bundle_free(b);
}

static void test_from(void)
{
	static const char *json =
		HDR "\"default\":\"allow\",\"rules\":[\n"
		"{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/8\",\"ports\":[80,\"8000-8099\"],"
		"\"from\":[\"/usr/bin/curl\",\"/usr/bin/wget\"]},\n"
		"{\"action\":\"allow\",\"op\":[\"connect\"],\"addr\":\"10.0.0.0/8\"}\n"
		"]}}";
	struct policy_error err;
	struct policy_profile *p = parse_text(json, &err);
	struct bundle *b = compile_text(json, &err);
	const struct bundle_file_net *e;
	uint32_t curl, wget;

	if (!EXPECT_TRUE(p && b, "compile network 'from'"))
		goto out;
	EXPECT_TRUE(b->flags & ENF_PROFILE_HAS_FROM, "network 'from' flags the profile");
	curl = exe_id_in(b, "/usr/bin/curl");
	wget = exe_id_in(b, "/usr/bin/wget");
	EXPECT_TRUE(curl && wget && curl != wget, "each 'from' executable has its own exe_id in the path trie");
	e = entry_of(b, "10.0.0.0/8");
	if (e && EXPECT_EQ(e->val.count, 5, "2 executables x 2 port ranges, then the allow")) {
		EXPECT_TRUE(e->val.rules[0].exe_id == curl && e->val.rules[1].exe_id == curl &&
			    e->val.rules[2].exe_id == wget && e->val.rules[3].exe_id == wget,
			    "records per executable, in 'from' order");
		EXPECT_TRUE(e->val.rules[1].port_lo == 8000 && e->val.rules[3].port_hi == 8099, "and per port range");
		EXPECT_EQ(e->val.rules[4].exe_id, 0, "the rule without 'from' is for any executable");
	}
	for (int i = 0; i < 3; i++) {
		static const char *const exes[] = { "/usr/bin/curl", "/usr/bin/wget", "/usr/bin/python3" };
		struct query q = { .exe = exes[i], .op = ENF_NET_CONNECT, .family_bit = ENF_NET_FAMILY_INET4,
				   .proto = ENF_NET_PROTO_TCP, .has_addr = true, .addr_family = 4, .port = 8080,
				   .addr = { 10, 1, 2, 3 } };
		char name[128];

		snprintf(name, sizeof(name), "'from' %s agrees with explain", exes[i]);
		if (agree(p, b, &q, name))
			unit_report(true, name, "%s", "");
	}
out:
	bundle_free(b);
	policy_profile_free(p);
}

static void test_sections_and_determinism(void)
{
	static const char *json =
		HDR "\"default\":\"deny\",\"rules\":[\n"
		"{\"action\":\"allow\",\"op\":[\"connect\"],\"addr\":\"192.168.0.0/16\",\"ports\":[\"8000-8099\",443]},\n"
		"{\"action\":\"allow\",\"op\":[\"connect\"],\"addr\":\"fd00::/8\"},\n"
		"{\"action\":\"audit\",\"op\":[\"send\"],\"proto\":\"udp\",\"ports\":[53]}\n"
		"]}}";
	struct policy_error err;
	struct bundle *b1 = compile_text(json, &err), *b2 = compile_text(json, &err), *back = NULL, *none;
	_cleanup_free_ void *s1 = NULL, *s2 = NULL;
	size_t l1 = 0, l2 = 0;
	char msg[256];

	if (!EXPECT_TRUE(b1 && b2, "compile twice"))
		goto out;
	EXPECT_OK(bundle_serialize(b1, &s1, &l1), "serialize 1");
	EXPECT_OK(bundle_serialize(b2, &s2, &l2), "serialize 2");
	EXPECT_TRUE(l1 == l2 && memcmp(s1, s2, l1) == 0, "the same profile compiles to the same bytes");
	if (EXPECT_OK(bundle_parse(s1, l1, &back, msg, sizeof(msg)), "parse back")) {
		EXPECT_EQ(back->n_net, b1->n_net, "entries survive the round trip");
		EXPECT_TRUE(back->n_net && memcmp(back->net, b1->net, b1->n_net * sizeof(*b1->net)) == 0,
			    "entries are byte-identical after the round trip");
	}
	for (uint32_t i = 1; i < b1->n_net; i++)
		if (!EXPECT_TRUE(b1->net[i - 1].prefix_len < b1->net[i].prefix_len ||
				 (b1->net[i - 1].prefix_len == b1->net[i].prefix_len &&
				  memcmp(b1->net[i - 1].addr, b1->net[i].addr, 16) < 0), "entries sorted, no duplicates"))
			break;
	EXPECT_EQ(b1->defaults[ENF_SECTION_NETWORK], ENF_ACT_DENY, "default deny carried");

	none = compile_text("{\"name\":\"x\",\"mode\":\"enforce\",\"exec\":{\"default\":\"allow\"}}", &err);
	if (EXPECT_TRUE(none != NULL, "profile without a network section")) {
		EXPECT_EQ(none->n_net, 0, "no network section: no entries");
		EXPECT_EQ(none->defaults[ENF_SECTION_NETWORK], ENF_ACT_ALLOW, "no network section: allowed");
	}
	bundle_free(none);
	none = compile_text(HDR "\"default\":\"deny\"}}", &err);
	if (EXPECT_TRUE(none != NULL, "network section without rules")) {
		EXPECT_EQ(none->n_net, 2, "no rules: the two roots, empty");
		EXPECT_EQ(none->net[0].val.count + none->net[1].val.count, 0, "roots without rules");
	}
	bundle_free(none);
out:
	bundle_free(back);
	bundle_free(b1);
	bundle_free(b2);
}

/* ------------------------------------------- generated: differential -- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (uint32_t)(rng_state % n) : 0;
}

/* A small pool, so generated rules overlap and nest. */
static const char *const v4_pool[] = { "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32", "0.0.0.0/0",
				       "169.254.169.254/32", "127.0.0.0/8", "192.168.0.0/16", "128.0.0.0/1" };
static const char *const v6_pool[] = { "::/0", "2001:db8::/32", "2001:db8:1::/48", "::1/128", "fd00::/8",
				       "::/64", "::ffff:0:0/95", "2001:db8:1::5/128" };
static const char *const op_words[] = { "create", "connect", "bind", "listen", "accept", "send" };
static const char *const fam_words[] = { "inet4", "inet6", "unix", "packet", "netlink", "inet", "any" };
static const char *const proto_words[] = { "any", "tcp", "udp", "icmp", "raw" };
static const char *const action_words[] = { "allow", "deny", "audit" };

static size_t gen_rule(char *out, size_t size)
{
	size_t o = 0;
	int kind = (int)rnd(3); /* 0: no addr, 1: IPv4, 2: IPv6 */
	bool ports = rnd(2);
	bool any_op_create;
	uint32_t ops = 0;

	o += (size_t)snprintf(out + o, size - o, "{\"action\":\"%s\",\"op\":[", action_words[rnd(3)]);
	while (!ops)
		for (int i = 0; i < 6; i++)
			ops |= rnd(4) == 0 ? 1u << i : 0;
	if (kind || ports)
		ops &= ~1u; /* the parser refuses create with addr or ports */
	if (!ops)
		ops = 2;
	any_op_create = ops & 1;
	for (int i = 0, first = 1; i < 6; i++)
		if (ops & (1u << i)) {
			o += (size_t)snprintf(out + o, size - o, "%s\"%s\"", first ? "" : ",", op_words[i]);
			first = 0;
		}
	o += (size_t)snprintf(out + o, size - o, "]");
	if (kind == 1)
		o += (size_t)snprintf(out + o, size - o, ",\"family\":\"%s\",\"addr\":\"%s\"",
				      rnd(2) ? "inet" : "inet4", v4_pool[rnd(sizeof(v4_pool) / sizeof(v4_pool[0]))]);
	else if (kind == 2)
		o += (size_t)snprintf(out + o, size - o, ",\"family\":\"%s\",\"addr\":\"%s\"",
				      rnd(2) ? "inet" : "inet6", v6_pool[rnd(sizeof(v6_pool) / sizeof(v6_pool[0]))]);
	else if (!ports && rnd(2))
		o += (size_t)snprintf(out + o, size - o, ",\"family\":\"%s\"", fam_words[rnd(7)]);
	if (ports) {
		uint32_t lo = 1 + rnd(100), hi = lo + rnd(3) * rnd(50);

		o += (size_t)snprintf(out + o, size - o, ",\"ports\":[%u,\"%u-%u\"]", 200 + rnd(50), lo, hi);
	} else if (!any_op_create && kind == 0 && rnd(3) == 0) {
		o += (size_t)snprintf(out + o, size - o, ",\"proto\":\"%s\",\"family\":\"inet\"", proto_words[rnd(5)]);
	} else if (kind && rnd(3) == 0) {
		o += (size_t)snprintf(out + o, size - o, ",\"proto\":\"%s\"", proto_words[1 + rnd(2)]);
	}
	if (rnd(4) == 0)
		o += (size_t)snprintf(out + o, size - o, ",\"from\":[%s]",
				      rnd(2) ? "\"/usr/bin/a\"" : rnd(2) ? "\"/usr/bin/b\"" : "\"/usr/bin/a\",\"/usr/bin/b\"");
	o += (size_t)snprintf(out + o, size - o, "}");
	return o;
}

static void random_query(struct query *q)
{
	static const uint16_t ports[] = { 0, 1, 22, 53, 80, 99, 100, 150, 200, 225, 249, 250, 443, 65535 };
	const char *const pool4[] = { "10.1.2.3", "10.1.2.4", "10.1.3.1", "10.2.0.1", "169.254.169.254", "127.0.0.1",
				      "192.168.1.1", "0.0.0.0", "200.1.1.1", "9.255.255.255" };
	const char *const pool6[] = { "2001:db8::1", "2001:db8:1::5", "2001:db8:1::6", "::1", "fd00::1", "::",
				      "::2", "2001:db9::1", "fe80::1" };

	static const char *const exes[] = { NULL, "/usr/bin/a", "/usr/bin/b", "/usr/bin/c" };

	memset(q, 0, sizeof(*q));
	q->exe = exes[rnd(4)];
	q->op = 1u << rnd(6);
	q->family_bit = 1u << rnd(5);
	q->proto = (uint8_t)rnd(5);
	if (q->op == ENF_NET_CREATE || !(q->family_bit & (ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6))) {
		if (!(q->family_bit & (ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6)))
			q->proto = 0;
		return;
	}
	q->has_addr = true;
	q->port = ports[rnd(sizeof(ports) / sizeof(ports[0]))];
	if (q->family_bit == ENF_NET_FAMILY_INET4 || rnd(3) == 0) {
		/* IPv4 peer: from an IPv4 socket, or mapped from an IPv6 one */
		uint8_t a4[4];

		inet_pton(AF_INET, pool4[rnd(sizeof(pool4) / sizeof(pool4[0]))], a4);
		if (q->family_bit == ENF_NET_FAMILY_INET4) {
			q->addr_family = 4;
			memcpy(q->addr, a4, 4);
		} else {
			q->addr_family = 6;
			q->addr[10] = q->addr[11] = 0xff;
			memcpy(q->addr + 12, a4, 4);
		}
	} else {
		q->addr_family = 6;
		inet_pton(AF_INET6, pool6[rnd(sizeof(pool6) / sizeof(pool6[0]))], q->addr);
	}
}

static void test_differential(void)
{
	int profiles = 0, queries = 0, disagreements = 0, refused = 0;

	for (int n = 0; n < 400; n++) {
		char json[16384];
		size_t o = (size_t)snprintf(json, sizeof(json), HDR "\"default\":\"%s\",\"rules\":[",
					    rnd(2) ? "allow" : "deny");
		int rules = 1 + (int)rnd(12);
		struct policy_error err;
		struct policy_profile *p;
		struct bundle *b = NULL;

		for (int i = 0; i < rules; i++) {
			o += i ? (size_t)snprintf(json + o, sizeof(json) - o, ",\n") : 0;
			o += gen_rule(json + o, sizeof(json) - o);
		}
		snprintf(json + o, sizeof(json) - o, "]}}");
		p = parse_text(json, &err);
		if (!p) {
			refused++; /* duplicates or contradictions the parser refuses: fine */
			continue;
		}
		if (policy_compile(p, &b, &err) < 0) {
			unit_report(false, "generated profile compiles", "%s\n%s", err.text, json);
			policy_profile_free(p);
			continue;
		}
		profiles++;
		for (int i = 0; i < 300; i++) {
			struct query q;

			random_query(&q);
			queries++;
			if (!agree(p, b, &q, "generated: kernel model agrees with explain")) {
				printf("  profile: %s\n", json);
				disagreements++;
				break;
			}
		}
		bundle_free(b);
		policy_profile_free(p);
		if (disagreements > 3)
			break;
	}
	printf("  differential: %d profiles (%d refused by the parser), %d queries, %d disagreements\n",
	       profiles, refused, queries, disagreements);
	EXPECT_TRUE(profiles >= 100, "enough generated profiles were valid");
	EXPECT_EQ(disagreements, 0, "kernel model and explain agree on every generated query");
}

int main(void)
{
	test_shared_table();
	test_pushdown_and_order();
	test_mapped_and_families();
	test_limits_and_refusals();
	test_sections_and_determinism();
	test_from();
	test_differential();
	return unit_done();
}
