// SPDX-License-Identifier: GPL-2.0-only
/*
 * policyc diff (policyc/diff.c): hand-made cases for each kind of
 * difference, then a property test over generated profile pairs. For
 * random operations, the two profiles' verdicts (the reference evaluator)
 * differ exactly when some entry of the diff covers the operation, and
 * that entry names the same actions and deciding rules. The region an
 * operation falls in is computed here independently: the most specific
 * path (or longest prefix) any rule of either profile that can apply to it
 * names.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "diff.h"
#include "explain.h"
#include "unit.h"

static struct policy_profile *load(const char *json, const char *name)
{
	struct policy_profile *p = NULL;
	struct policy_error err = { .text = "" };
	int r = policy_parse_buffer(json, strlen(json), name, &p, &err);

	if (r != 0)
		unit_report(false, name, "parse failed (%d): %s\n%s", r, err.text, json);
	return p;
}

static struct policy_diff *diff_of(const struct policy_profile *a, const struct policy_profile *b, unsigned flags)
{
	struct policy_diff *d = NULL;
	int r = policy_diff(a, b, flags, &d);

	if (r != 0)
		unit_report(false, "policy_diff", "returned %d", r);
	return d;
}

/* The printed form, for substring checks. */
static char *printed(const struct policy_diff *d, const struct policy_profile *a, const struct policy_profile *b)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	policy_diff_print(f, d, a, b);
	fclose(f);
	return buf;
}

#define HDR(name, mode) "{\"name\":\"" name "\",\"mode\":\"" mode "\","

static void test_cases(void)
{
	struct policy_profile *a, *b, *c;
	struct policy_diff *d;
	char *text;

	a = load(HDR("a", "enforce") "\"exec\":{\"default\":\"deny\",\"rules\":["
		 "{\"action\":\"allow\",\"path\":\"/usr/sbin/nginx\"},{\"action\":\"allow\",\"path\":\"/usr/lib/**\"}]},"
		 "\"file\":{\"default\":\"deny\",\"rules\":["
		 "{\"action\":\"allow\",\"path\":\"/etc/**\",\"access\":[\"read\"]},"
		 "{\"action\":\"allow\",\"path\":\"/var/log/nginx/**\",\"access\":[\"write\",\"create\"]}]},"
		 "\"network\":{\"default\":\"deny\",\"rules\":["
		 "{\"action\":\"allow\",\"op\":[\"bind\",\"listen\",\"accept\"],\"proto\":\"tcp\",\"ports\":[80,443]},"
		 "{\"action\":\"allow\",\"op\":[\"connect\"],\"proto\":\"tcp\"}]}}", "a.json");
	/* the same decisions written differently: rules split, reordered, "access" spelled out */
	c = load(HDR("c", "enforce") "\"exec\":{\"default\":\"deny\",\"rules\":["
		 "{\"action\":\"allow\",\"path\":\"/usr/lib/**\"},{\"action\":\"allow\",\"path\":\"/usr/sbin/nginx\"}]},"
		 "\"file\":{\"default\":\"deny\",\"rules\":["
		 "{\"action\":\"allow\",\"path\":\"/var/log/nginx/**\",\"access\":[\"create\"]},"
		 "{\"action\":\"allow\",\"path\":\"/var/log/nginx/**\",\"access\":[\"write\"],\"from\":[\"/usr/sbin/nginx\"]},"
		 "{\"action\":\"allow\",\"path\":\"/var/log/nginx/**\",\"access\":[\"write\"]},"
		 "{\"action\":\"allow\",\"path\":\"/etc/**\",\"access\":[\"read\"]},"
		 "{\"action\":\"deny\",\"path\":\"/etc/x/**\",\"access\":[\"write\"]}]},"
		 "\"network\":{\"default\":\"deny\",\"rules\":["
		 "{\"action\":\"allow\",\"op\":[\"connect\"],\"proto\":\"tcp\"},"
		 "{\"action\":\"allow\",\"op\":[\"bind\",\"listen\",\"accept\"],\"proto\":\"tcp\",\"ports\":[443]},"
		 "{\"action\":\"allow\",\"op\":[\"bind\",\"listen\",\"accept\"],\"proto\":\"tcp\",\"ports\":[80]}]}}",
		 "c.json");
	b = load(HDR("b", "audit") "\"exec\":{\"default\":\"deny\",\"fileless\":\"allow\",\"rules\":["
		 "{\"action\":\"allow\",\"path\":\"/usr/sbin/nginx\"}]},"
		 "\"file\":{\"default\":\"deny\",\"rules\":["
		 "{\"action\":\"allow\",\"path\":\"/etc/**\",\"access\":[\"read\"]},"
		 "{\"action\":\"deny\",\"path\":\"/etc/shadow\",\"access\":[\"read\"]},"
		 "{\"action\":\"allow\",\"path\":\"/var/log/nginx/**\",\"access\":[\"write\",\"create\"]}]},"
		 "\"network\":{\"default\":\"deny\",\"rules\":["
		 "{\"action\":\"allow\",\"op\":[\"bind\",\"listen\",\"accept\"],\"proto\":\"tcp\",\"ports\":[80,443,8080]},"
		 "{\"action\":\"allow\",\"op\":[\"connect\"],\"proto\":\"tcp\"},"
		 "{\"action\":\"deny\",\"op\":[\"connect\"],\"addr\":\"169.254.169.254\"}]},"
		 "\"baseline\":{\"mount\":\"allow\"}}", "b.json");
	if (!a || !b || !c)
		goto out;

	d = diff_of(a, a, 0);
	EXPECT_TRUE(d && d->n_entries == 0, "diff: a profile against itself has no differences");
	policy_diff_free(d);
	d = diff_of(a, c, 0);
	EXPECT_TRUE(d && d->n_entries == 0, "diff: the same decisions written differently have no differences");
	if (d && d->n_entries) {
		text = printed(d, a, c);
		printf("%s", text ? text : "");
		free(text);
	}
	policy_diff_free(d);

	d = diff_of(a, b, 0);
	if (!d)
		goto out;
	text = printed(d, a, b);
	EXPECT_CONTAINS(text, "> mode: A enforce, B audit", "diff: mode (audit is the more permissive)");
	EXPECT_CONTAINS(text, "> baseline mount", "diff: a baseline opt-out on one side");
	EXPECT_CONTAINS(text, "> exec of a file with no name (fileless): A deny, B allow\n"
			"    A: deny by default (exec.default)\n    B: allow by exec.fileless",
			"diff: exec.fileless against exec.default");
	EXPECT_CONTAINS(text, "< exec /usr/lib/**: A allow, B deny\n    A: allow by rule",
			"diff: an exec subtree only A allows, with A's rule");
	EXPECT_CONTAINS(text, "B: deny by default (exec.default)", "diff: B's side is its default");
	EXPECT_CONTAINS(text, "< file read /etc/shadow: A allow, B deny", "diff: a file B denies by a more specific rule");
	EXPECT_CONTAINS(text, "(b.json:", "diff: rules are named with file:line:column");
	EXPECT_CONTAINS(text, "< network connect tcp 169.254.169.254/32 family inet: A allow, B deny",
			"diff: the metadata address B denies (IPv4 and mapped IPv6 sockets in one line)");
	EXPECT_CONTAINS(text, "> network bind,listen,accept tcp 0.0.0.0/0 port 8080 family inet: A deny, B allow",
			"diff: a port only B allows");
	EXPECT_TRUE(text && !strstr(text, "port 80 ") && !strstr(text, "port 443"),
		    "diff: ports both allow are not differences");
	EXPECT_TRUE(text && !strstr(text, "/var/log/nginx"), "diff: rules both have are not differences");
	EXPECT_TRUE(d->n_a_more + d->n_b_more == d->n_entries, "diff: every entry has a more permissive side");
	free(text);
	policy_diff_free(d);

	d = diff_of(a, b, POLICY_DIFF_IGNORE_MODE);
	text = d ? printed(d, a, b) : NULL;
	EXPECT_TRUE(text && !strstr(text, "mode:"), "diff: --ignore-mode leaves the mode out");
	free(text);
	policy_diff_free(d);
out:
	policy_profile_free(a);
	policy_profile_free(b);
	policy_profile_free(c);
}

/* A rule limited with "from": the entry says which executables it applies to. */
static void test_from(void)
{
	struct policy_profile *a = load(HDR("a", "enforce") "\"file\":{\"default\":\"allow\",\"rules\":["
					"{\"action\":\"deny\",\"path\":\"/srv/**\",\"access\":[\"write\"]}]}}", "a.json");
	struct policy_profile *b = load(HDR("b", "enforce") "\"file\":{\"default\":\"allow\",\"rules\":["
					"{\"action\":\"deny\",\"path\":\"/srv/**\",\"access\":[\"write\"]},"
					"{\"action\":\"allow\",\"path\":\"/srv/**\",\"access\":[\"write\"],"
					"\"from\":[\"/usr/bin/app\"]}]}}", "b.json");
	struct policy_diff *d = a && b ? diff_of(a, b, 0) : NULL;
	char *text;

	/* at equal specificity deny beats allow, from or not: the from rule changes nothing */
	EXPECT_TRUE(d && d->n_entries == 0, "diff: a from rule that loses every tie is no difference");
	policy_diff_free(d);
	policy_profile_free(b);
	b = load(HDR("b", "enforce") "\"file\":{\"default\":\"allow\",\"rules\":["
		 "{\"action\":\"deny\",\"path\":\"/srv/**\",\"access\":[\"write\"]},"
		 "{\"action\":\"allow\",\"path\":\"/srv/www/**\",\"access\":[\"write\"],\"from\":[\"/usr/bin/app\"]}]}}",
		 "b.json");
	d = a && b ? diff_of(a, b, 0) : NULL;
	text = d ? printed(d, a, b) : NULL;
	EXPECT_CONTAINS(text, "> file write /srv/www/** (from /usr/bin/app): A deny, B allow",
			"diff: a from rule's difference names the executable");
	EXPECT_TRUE(d && d->n_entries == 1, "diff: only that executable differs");
	policy_diff_free(d);
	free(text);
	policy_profile_free(a);
	policy_profile_free(b);
}

/* Mappings: a library B lets the workload write no longer maps under B's exec default. */
static void test_mapping(void)
{
	struct policy_profile *a = load(HDR("a", "enforce") "\"exec\":{\"default\":\"deny\",\"rules\":["
					"{\"action\":\"allow\",\"path\":\"/usr/bin/app\"}]},"
					"\"file\":{\"default\":\"deny\",\"rules\":["
					"{\"action\":\"allow\",\"path\":\"/srv/**\",\"access\":[\"read\"]}]}}", "a.json");
	struct policy_profile *b = load(HDR("b", "enforce") "\"exec\":{\"default\":\"deny\",\"rules\":["
					"{\"action\":\"allow\",\"path\":\"/usr/bin/app\"}]},"
					"\"file\":{\"default\":\"deny\",\"rules\":["
					"{\"action\":\"allow\",\"path\":\"/srv/**\",\"access\":[\"read\",\"write\",\"create\"]}]}}",
					"b.json");
	struct policy_diff *d = a && b ? diff_of(a, b, 0) : NULL;
	char *text = d ? printed(d, a, b) : NULL;

	EXPECT_CONTAINS(text, "< exec mapping /srv/**: A allow, B deny\n    A: allow: no exec rule names it",
			"diff: a mapping A allows (unwritable) and B refuses (writable)");
	EXPECT_CONTAINS(text, "> file write,create /srv/**: A deny, B allow", "diff: the write that causes it");
	EXPECT_TRUE(text && !strstr(text, "exec /srv"), "diff: exec itself is the same on both sides");
	policy_diff_free(d);
	free(text);
	policy_profile_free(a);
	policy_profile_free(b);
}

/* ------------------------------------------------------- property test -- */

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;

static unsigned rnd(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

#define NA(a) (sizeof(a) / sizeof((a)[0]))

static const char *const comps[] = { "a", "b", "c", "z" }; /* rules use a-c; "z" only queries */
static const char *const from_exes[] = { "/bin/x", "/bin/y" };
static const char *const query_exes[] = { NULL, "/bin/x", "/bin/y", "/bin/z" };
static const char *const actions[] = { "allow", "audit", "deny" };
static const char *const accesses[] = { "read", "write", "create", "delete", "rename", "link", "setattr" };
static const char *const prefixes[] = { "10.0.0.0/8", "10.1.0.0/16", "10.1.2.3/32", "0.0.0.0/0", "10.128.0.0/9",
					"10.0.0.0/16", "10.0.0.0/9", "2001:db8::/48",
					"::1/128", "2001:db8::/32", "2001:db8:1::/48", "::/0" };
static const char *const port_sets[] = { "[80]", "[80,443]", "[\"1-1023\"]", "[\"1000-2000\",8080]", "[443]" };
static const char *const ops[] = { "create", "connect", "bind", "listen", "accept", "send" };
static const char *const rule_families[] = { "inet", "inet4", "inet6", "unix", "netlink" };
static const char *const rule_protos[] = { "tcp", "udp", "icmp", "raw" };
static const char *const query_addrs[] = { "10.0.5.5", "10.0.0.0", "10.1.2.3", "10.1.2.4", "10.1.9.9", "10.200.0.1", "10.128.5.5",
					   "192.0.2.1", "::1", "::2", "2001:db8::5", "2001:db8:1::5", "2001:db9::1" };
static const uint16_t query_ports[] = { 0, 1, 22, 80, 443, 999, 1000, 1500, 2000, 2001, 8080, 65535 };

static void rand_path(char *buf, size_t size, unsigned max_depth, unsigned n_comps)
{
	unsigned depth = 1 + rnd(max_depth);

	buf[0] = '\0';
	for (unsigned i = 0; i < depth; i++)
		snprintf(buf + strlen(buf), size - strlen(buf), "/%s", comps[rnd(n_comps)]);
}

static void append(char **s, size_t *len, size_t *cap, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void append(char **s, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (*len + (size_t)n + 1 > *cap) {
		*cap = (*len + (size_t)n + 1) * 2;
		*s = realloc(*s, *cap);
		if (!*s)
			abort();
	}
	va_start(ap, fmt);
	vsnprintf(*s + *len, *cap - *len, fmt, ap);
	va_end(ap);
	*len += (size_t)n;
}

static void rand_from(char **s, size_t *len, size_t *cap)
{
	unsigned k = rnd(10);

	if (k == 0)
		append(s, len, cap, ",\"from\":[\"%s\"]", from_exes[0]);
	else if (k == 1)
		append(s, len, cap, ",\"from\":[\"%s\"]", from_exes[1]);
	else if (k == 2)
		append(s, len, cap, ",\"from\":[\"%s\",\"%s\"]", from_exes[0], from_exes[1]);
}

static void rand_path_rules(char **s, size_t *len, size_t *cap, bool file)
{
	unsigned n = 1 + rnd(6);

	append(s, len, cap, "\"%s\":{\"default\":\"%s\",", file ? "file" : "exec", rnd(2) ? "allow" : "deny");
	if (!file && rnd(3) == 0)
		append(s, len, cap, "\"fileless\":\"%s\",", actions[rnd(3)]);
	append(s, len, cap, "\"rules\":[");
	for (unsigned i = 0; i < n; i++) {
		char path[64];
		rand_path(path, sizeof(path), 3, 3);
		append(s, len, cap, "%s{\"action\":\"%s\",\"path\":\"%s%s\"", i ? "," : "", actions[rnd(3)],
		       rnd(20) == 0 ? "" : path, rnd(3) == 0 ? "/**" : "");
		if (file) {
			unsigned first = rnd(NA(accesses)), second = rnd(NA(accesses));
			if (first == second)
				append(s, len, cap, ",\"access\":[\"%s\"]", accesses[first]);
			else
				append(s, len, cap, ",\"access\":[\"%s\",\"%s\"]", accesses[first], accesses[second]);
		}
		rand_from(s, len, cap);
		append(s, len, cap, "}");
	}
	append(s, len, cap, "]}");
}

static void rand_net_rules(char **s, size_t *len, size_t *cap)
{
	unsigned n = 1 + rnd(6);

	append(s, len, cap, "\"network\":{\"default\":\"%s\",\"rules\":[", rnd(2) ? "allow" : "deny");
	for (unsigned i = 0; i < n; i++) {
		append(s, len, cap, "%s{\"action\":\"%s\"", i ? "," : "", actions[rnd(3)]);
		if (rnd(6) == 0) {
			append(s, len, cap, ",\"op\":[\"create\"]");
			if (rnd(2))
				append(s, len, cap, ",\"family\":\"%s\"", rule_families[rnd(NA(rule_families))]);
		} else {
			bool first = true, stream_ops = false, has_proto = false, v4 = true, v6 = true;
			const char *proto = NULL, *fam = NULL;
			append(s, len, cap, ",\"op\":[");
			for (unsigned o = 1; o < NA(ops); o++)
				if (rnd(3) == 0 || (o == NA(ops) - 1 && first)) {
					append(s, len, cap, "%s\"%s\"", first ? "" : ",", ops[o]);
					first = false;
					stream_ops |= o == 3 || o == 4;
				}
			append(s, len, cap, "]");
			if (rnd(3) == 0) {
				fam = rule_families[rnd(NA(rule_families))];
				append(s, len, cap, ",\"family\":\"%s\"", fam);
				v4 = strcmp(fam, "inet6") != 0;
				v6 = strcmp(fam, "inet4") != 0;
				if (strcmp(fam, "unix") == 0 || strcmp(fam, "netlink") == 0) {
					rand_from(s, len, cap);
					append(s, len, cap, "}");
					continue;
				}
			}
			if (rnd(2)) {
				proto = stream_ops ? "tcp" : rule_protos[rnd(NA(rule_protos))];
				append(s, len, cap, ",\"proto\":\"%s\"", proto);
				has_proto = true;
			}
			if (rnd(2)) {
				const char *pfx = prefixes[rnd(NA(prefixes))];
				bool is6 = strchr(pfx, ':') != NULL;
				if ((is6 && v6) || (!is6 && v4))
					append(s, len, cap, ",\"addr\":\"%s\"", pfx);
			}
			if (rnd(2) && (!has_proto || strcmp(proto, "tcp") == 0 || strcmp(proto, "udp") == 0))
				append(s, len, cap, ",\"ports\":%s", port_sets[rnd(NA(port_sets))]);
		}
		rand_from(s, len, cap);
		append(s, len, cap, "}");
	}
	append(s, len, cap, "]}");
}

/* A random valid profile; generation retries until one parses (duplicates and contradictions do not). */
static struct policy_profile *rand_profile(const char *name)
{
	for (;;) {
		char *s = NULL;
		size_t len = 0, cap = 0;
		bool any = false;
		struct policy_profile *p = NULL;
		struct policy_error err;

		append(&s, &len, &cap, "{\"name\":\"%s\",\"mode\":\"enforce\"", name);
		if (rnd(4)) {
			append(&s, &len, &cap, ",");
			rand_path_rules(&s, &len, &cap, false);
			any = true;
		}
		if (rnd(4)) {
			append(&s, &len, &cap, ",");
			rand_path_rules(&s, &len, &cap, true);
			any = true;
		}
		if (rnd(4) || !any) {
			append(&s, &len, &cap, ",");
			rand_net_rules(&s, &len, &cap);
		}
		append(&s, &len, &cap, "}");
		if (policy_parse_buffer(s, len, name, &p, &err) == 0) {
			free(s);
			return p;
		}
		free(s);
	}
}

static bool strictly_under(const char *base, const char *path)
{
	size_t bl = strlen(base);

	if (strcmp(base, "/") == 0)
		return path[1] != '\0';
	return strncmp(path, base, bl) == 0 && path[bl] == '/';
}

static int depth(const char *p)
{
	int d = 0;

	if (strcmp(p, "/") == 0)
		return 0;
	for (; *p; p++)
		d += *p == '/';
	return d;
}

static bool from_ok(char *const *from, size_t n, const char *exe)
{
	if (!n)
		return true;
	for (size_t i = 0; exe && i < n; i++)
		if (strcmp(from[i], exe) == 0)
			return true;
	return false;
}

/* The region of a path for one class and executable, over both profiles' rules. */
static void region_of(const struct policy_profile *const ps[2], unsigned cls, const char *path, const char *exe,
		      struct policy_diff_region *ret)
{
	int best = -1;

	*ret = (struct policy_diff_region){ .kind = POLICY_REGION_ELSEWHERE };
	for (int i = 0; i < 2; i++) {
		const struct policy_path_section *secs[2] = { &ps[i]->exec, &ps[i]->file };
		for (int s = 0; s < 2; s++) {
			uint32_t mask = cls == POLICY_DIFF_CLASS_MAP ?
				(s == 0 ? 1u << ENF_CLASS_EXEC : (1u << ENF_CLASS_WRITE) | (1u << ENF_CLASS_CREATE)) :
				((cls == ENF_CLASS_EXEC) == (s == 0) ? 1u << cls : 0);
			for (size_t j = 0; secs[s]->present && j < secs[s]->n_rules; j++) {
				const struct policy_path_rule *r = &secs[s]->rules[j];
				if (!(r->access & mask) || !from_ok(r->from, r->n_from, exe))
					continue;
				if (!r->subtree && strcmp(r->path, path) == 0) {
					*ret = (struct policy_diff_region){ .kind = POLICY_REGION_EXACT, .path = r->path };
					best = 1000;
				} else if (r->subtree && strictly_under(r->path, path) && depth(r->path) > best) {
					*ret = (struct policy_diff_region){ .kind = POLICY_REGION_SUBTREE, .path = r->path };
					best = depth(r->path);
				}
			}
		}
	}
}

static bool same_region(const struct policy_diff_region *x, const struct policy_diff_region *y)
{
	if (x->kind != y->kind)
		return false;
	if (x->kind == POLICY_REGION_EXACT || x->kind == POLICY_REGION_SUBTREE)
		return strcmp(x->path, y->path) == 0;
	if (x->kind == POLICY_REGION_PREFIX)
		return x->addr_family == y->addr_family && x->prefix_len == y->prefix_len &&
		       memcmp(x->addr, y->addr, 16) == 0;
	return true;
}

static bool exe_covered(const struct policy_diff *d, const struct policy_diff_entry *en, const char *exe)
{
	for (size_t i = 0; exe && i < d->n_exes; i++)
		if (strcmp(d->exes[i], exe) == 0) {
			for (size_t j = 0; j < en->n_exes; j++)
				if (strcmp(en->exes[j], exe) == 0)
					return true;
			return false;
		}
	return en->exe_other;
}

static bool region_listed(const struct policy_diff_entry *en, const struct policy_diff_region *r)
{
	for (size_t i = 0; i < en->n_regions; i++)
		if (same_region(&en->regions[i], r))
			return true;
	return false;
}

static bool same_decider(const struct policy_verdict *x, const struct policy_verdict *y)
{
	return x->action == y->action && x->path_rule == y->path_rule && x->net_rule == y->net_rule &&
	       x->by_default == y->by_default && x->unwritable == y->unwritable &&
	       x->section_absent == y->section_absent;
}

struct prop_stats {
	unsigned queries, differing, failures;
};

static void check_point(const struct policy_diff *d, const struct policy_verdict *va, const struct policy_verdict *vb,
			bool differ, const struct policy_diff_entry *const *cover, size_t n_cover, struct prop_stats *st,
			const char *what)
{
	bool ok;

	st->queries++;
	st->differing += differ;
	if (differ)
		ok = n_cover == 1 && same_decider(&cover[0]->a, va) && same_decider(&cover[0]->b, vb);
	else
		ok = n_cover == 0;
	if (!ok && st->failures++ < 5)
		printf("    %s: verdicts %s/%s (%s), %zu covering entries of %zu\n", what, enf_action_name(va->action),
		       enf_action_name(vb->action), differ ? "differ" : "same", n_cover, d->n_entries);
}

static void prop_paths(const struct policy_profile *const ps[2], const struct policy_diff *d, struct prop_stats *st)
{
	for (unsigned q = 0; q < 400; q++) {
		const struct policy_diff_entry *cover[8];
		struct policy_verdict va, vb, ea, eb;
		struct policy_diff_region reg;
		unsigned cls = rnd(POLICY_DIFF_CLASS_MAP + 1);
		const char *exe = query_exes[rnd(NA(query_exes))];
		size_t n_cover = 0;
		char path[64], what[160];
		bool differ;

		rand_path(path, sizeof(path), 4, NA(comps));
		if (cls == POLICY_DIFF_CLASS_MAP) {
			policy_explain_map(ps[0], path, exe, &va);
			policy_explain_map(ps[1], path, exe, &vb);
			policy_explain_path(ps[0], ENF_CLASS_EXEC, path, exe, &ea);
			policy_explain_path(ps[1], ENF_CLASS_EXEC, path, exe, &eb);
			differ = va.action != vb.action && !(va.action == ea.action && vb.action == eb.action);
		} else {
			policy_explain_path(ps[0], (enum enf_class)cls, path, exe, &va);
			policy_explain_path(ps[1], (enum enf_class)cls, path, exe, &vb);
			differ = va.action != vb.action;
		}
		region_of(ps, cls, path, exe, &reg);
		for (size_t i = 0; i < d->n_entries; i++) {
			const struct policy_diff_entry *en = &d->entries[i];
			if (en->kind == POLICY_DIFF_PATH && (en->classes & (1u << cls)) && exe_covered(d, en, exe) &&
			    region_listed(en, &reg) && n_cover < NA(cover))
				cover[n_cover++] = en;
		}
		snprintf(what, sizeof(what), "class %u %s from %s", cls, path, exe ? exe : "(other)");
		check_point(d, &va, &vb, differ, cover, n_cover, st, what);
	}
}

static void prop_net(const struct policy_profile *const ps[2], const struct policy_diff *d, struct prop_stats *st)
{
	for (unsigned q = 0; q < 400; q++) {
		const struct policy_diff_entry *cover[8];
		struct policy_verdict va, vb;
		struct policy_diff_region reg = { .kind = POLICY_REGION_NO_ADDR };
		unsigned op_bit = rnd(6), fam_bit = rnd(6);
		bool inet = fam_bit <= 1;
		enum enf_net_proto proto = inet ? (enum enf_net_proto)rnd(ENF_NET_PROTO_RAW + 1) : ENF_NET_PROTO_ANY;
		const char *exe = query_exes[rnd(NA(query_exes))];
		uint8_t addr[16] = { 0 };
		int af = 0, best = -1;
		uint16_t port = 0;
		size_t n_cover = 0;
		char what[160];

		if (inet && op_bit != 0) {
			do {
				const char *text = query_addrs[rnd(NA(query_addrs))];
				af = strchr(text, ':') ? 6 : 4;
				inet_pton(af == 6 ? AF_INET6 : AF_INET, text, addr);
			} while (af == 6 && fam_bit == 0);
			if (proto != ENF_NET_PROTO_ICMP && proto != ENF_NET_PROTO_RAW)
				port = query_ports[rnd(NA(query_ports))];
			reg = (struct policy_diff_region){ .kind = POLICY_REGION_PREFIX, .addr_family = (uint8_t)af };
			for (int i = 0; i < 2; i++)
				for (size_t j = 0; ps[i]->network.present && j < ps[i]->network.n_rules; j++) {
					const struct policy_net_rule *r = &ps[i]->network.rules[j];
					unsigned full = r->prefix_len / 8, rest = r->prefix_len % 8;
					if (!(r->ops & (1u << op_bit)) || !(r->families & (1u << fam_bit)) ||
					    (r->proto != ENF_NET_PROTO_ANY && r->proto != proto) ||
					    !from_ok(r->from, r->n_from, exe) || !r->has_addr || r->addr_family != af ||
					    memcmp(r->addr, addr, full) != 0 ||
					    (rest && ((r->addr[full] ^ addr[full]) & (0xff00u >> rest))) ||
					    r->prefix_len <= best)
						continue;
					best = r->prefix_len;
					reg.prefix_len = r->prefix_len;
					memcpy(reg.addr, r->addr, 16);
				}
		}
		policy_explain_net(ps[0], 1u << op_bit, 1u << fam_bit, proto, af ? addr : NULL, af, port, exe, &va);
		policy_explain_net(ps[1], 1u << op_bit, 1u << fam_bit, proto, af ? addr : NULL, af, port, exe, &vb);
		for (size_t i = 0; i < d->n_entries; i++) {
			const struct policy_diff_entry *en = &d->entries[i];
			bool port_in = false;
			if (en->kind != POLICY_DIFF_NET || !(en->ops & (1u << op_bit)) ||
			    !(en->families & (1u << fam_bit)) || !(en->protos & (1u << proto)) ||
			    !exe_covered(d, en, exe) || !region_listed(en, &reg))
				continue;
			for (size_t k = 0; k < en->n_ports; k++)
				port_in |= port >= en->ports[k].lo && port <= en->ports[k].hi;
			if (port_in && n_cover < NA(cover))
				cover[n_cover++] = en;
		}
		snprintf(what, sizeof(what), "op %u family %u proto %u af %d port %u from %s", op_bit, fam_bit, proto, af,
			 port, exe ? exe : "(other)");
		check_point(d, &va, &vb, va.action != vb.action, cover, n_cover, st, what);
	}
}

static void test_property(void)
{
	struct prop_stats st = { 0 };
	unsigned pairs = 300, entries = 0;

	for (unsigned i = 0; i < pairs; i++) {
		const struct policy_profile *ps[2];
		struct policy_profile *a = rand_profile("a.json"), *b = rand_profile("b.json");
		struct policy_diff *d = NULL, *self = NULL;
		unsigned before = st.failures;

		ps[0] = a;
		ps[1] = b;
		if (policy_diff(a, b, 0, &d) != 0 || policy_diff(a, a, 0, &self) != 0) {
			st.failures++;
		} else {
			entries += (unsigned)d->n_entries;
			if (self->n_entries != 0 && st.failures++ < 5)
				printf("    pair %u: a profile against itself has %zu differences\n", i, self->n_entries);
			prop_paths(ps, d, &st);
			prop_net(ps, d, &st);
		}
		if (st.failures > before && before < 5) {
			char *text = d ? printed(d, a, b) : NULL;
			printf("    pair %u failed; its diff:\n%s", i, text ? text : "(none)\n");
			free(text);
		}
		policy_diff_free(d);
		policy_diff_free(self);
		policy_profile_free(a);
		policy_profile_free(b);
	}
	printf("    %u profile pairs, %u entries, %u queries, %u with differing verdicts\n", pairs, entries, st.queries,
	       st.differing);
	unit_report(st.failures == 0, "diff: a random operation's verdicts differ exactly where one entry covers it, "
		    "naming both deciding rules", "%u of %u queries wrong", st.failures, st.queries);
	unit_report(st.differing > st.queries / 10 && st.differing < st.queries,
		    "diff: the property test saw both differing and equal verdicts", "%u of %u differ", st.differing,
		    st.queries);
}

int main(void)
{
	test_cases();
	test_from();
	test_mapping();
	test_property();
	return unit_done();
}
