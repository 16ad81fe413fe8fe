// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rules of one section that duplicate or contradict each other
 * (parse_internal.h): the same match (path and "from", or family, proto,
 * addr, ports and "from") with overlapping access or ops. Refused at the
 * later rule, naming the earlier one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "parse_internal.h"
#include "path_check.h"
#include "util.h"

static int cmp_from_sets(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return na < nb ? -1 : 1;
	for (size_t i = 0; i < na; i++) {
		int r = strcmp(a[i], b[i]);
		if (r)
			return r;
	}
	return 0;
}

/*
 * Duplicate and contradiction checks sort rule indices by their match so
 * equal matches are adjacent (find_overlap()); qsort_r keeps the parser
 * reentrant.
 */
static int path_match_cmp(const struct policy_path_rule *x, const struct policy_path_rule *y)
{
	int r = strcmp(x->path, y->path);

	if (r)
		return r;
	if (x->subtree != y->subtree)
		return x->subtree ? 1 : -1;
	return cmp_from_sets(x->from, x->n_from, y->from, y->n_from);
}

static int path_rules_cmp(const void *rules, size_t a, size_t b)
{
	const struct policy_path_rule *r = rules;

	return path_match_cmp(&r[a], &r[b]);
}

static uint32_t path_rule_access(const void *rules, size_t i)
{
	return ((const struct policy_path_rule *)rules)[i].access;
}

/*
 * Ports ordered as sets of numbers, so [80, 81] and ["80-81"] are the same
 * match: walk both lists merging adjacent ranges (they are sorted and,
 * after parsing, never overlap).
 */
static int ports_cmp(const struct policy_net_rule *x, const struct policy_net_rule *y)
{
	size_t i = 0, j = 0;

	while (i < x->n_ports && j < y->n_ports) {
		uint32_t xlo = x->ports[i].lo, xhi = x->ports[i].hi;
		uint32_t ylo = y->ports[j].lo, yhi = y->ports[j].hi;
		while (i + 1 < x->n_ports && x->ports[i + 1].lo == xhi + 1)
			xhi = x->ports[++i].hi;
		while (j + 1 < y->n_ports && y->ports[j + 1].lo == yhi + 1)
			yhi = y->ports[++j].hi;
		if (xlo != ylo)
			return xlo < ylo ? -1 : 1;
		if (xhi != yhi)
			return xhi < yhi ? -1 : 1;
		i++;
		j++;
	}
	return (i < x->n_ports) - (j < y->n_ports);
}

static int net_match_cmp(const struct policy_net_rule *x, const struct policy_net_rule *y)
{
	int r;

	if (x->families != y->families)
		return x->families < y->families ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->has_addr != y->has_addr)
		return x->has_addr ? 1 : -1;
	if (x->has_addr) {
		if (x->addr_family != y->addr_family)
			return x->addr_family < y->addr_family ? -1 : 1;
		if (x->prefix_len != y->prefix_len)
			return x->prefix_len < y->prefix_len ? -1 : 1;
		r = memcmp(x->addr, y->addr, sizeof(x->addr));
		if (r)
			return r;
	}
	r = ports_cmp(x, y);
	if (r)
		return r;
	return cmp_from_sets(x->from, x->n_from, y->from, y->n_from);
}

static int net_rules_cmp(const void *rules, size_t a, size_t b)
{
	const struct policy_net_rule *r = rules;

	return net_match_cmp(&r[a], &r[b]);
}

static uint32_t net_rule_ops(const void *rules, size_t i)
{
	return ((const struct policy_net_rule *)rules)[i].ops;
}

static void words_of(uint32_t bits, bool net, char *out, size_t size)
{
	size_t o = 0;

	out[0] = '\0';
	for (unsigned b = 0; b < 32 && o < size; b++) {
		const char *w;
		if (!(bits & (1u << b)))
			continue;
		w = net ? enf_net_op_name(1u << b) : enf_class_name((enum enf_class)b);
		if (!w)
			continue;
		int n = snprintf(out + o, size - o, "%s\"%s\"", o ? ", " : "", w);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

/*
 * Report a duplicate or contradictory pair: at the later rule, naming the
 * earlier one by key path and position.
 */
static int fail_pair(struct parse_ctx *c, enum enf_section s, size_t later, const struct policy_source *later_src,
		     enum enf_action later_action, size_t earlier, const struct policy_source *earlier_src,
		     enum enf_action earlier_action, const char *what_same, const char *overlap_kind,
		     const char *overlap)
{
	struct json_pos_node at = { .line = later_src->line, .column = later_src->column };

	snprintf(c->path, sizeof(c->path), "%s.rules[%zu]", enf_section_name(s), later);
	if (later_action == earlier_action)
		return parse_fail(c, &at, "expected no duplicate rules, found a duplicate of %s.rules[%zu] (%s:%d:%d): same action \"%s\", %s and overlapping %s %s; remove one or merge them",
				  enf_section_name(s), earlier, c->file, earlier_src->line, earlier_src->column,
				  enf_action_name(later_action), what_same, overlap_kind, overlap);
	return parse_fail(c, &at, "expected no contradictory rules, found action \"%s\" here but \"%s\" in %s.rules[%zu] (%s:%d:%d) for %s and overlapping %s %s; keep one",
			  enf_action_name(later_action), enf_action_name(earlier_action),
			  enf_section_name(s), earlier, c->file, earlier_src->line, earlier_src->column,
			  what_same, overlap_kind, overlap);
}

/*
 * Within a group of rules with the same match (sorted by position), the
 * first rule that overlaps an earlier one is the one to report. A group
 * needs at most one more member than there are access classes (or ops)
 * to contain an overlap, so the scan of each group is short.
 */
static void scan_group(const size_t *idx, size_t g, size_t e, const uint32_t *bits,
		       size_t *bad, size_t *other)
{
	for (size_t j = g + 1; j < e; j++)
		for (size_t i = g; i < j; i++)
			if (bits[idx[i]] & bits[idx[j]]) {
				if (idx[j] < *bad) {
					*bad = idx[j];
					*other = idx[i];
				}
				return;
			}
}

/* One section's rules as find_overlap() sees them. */
struct rule_set {
	const void *rules;
	size_t n;
	int (*match_cmp)(const void *rules, size_t a, size_t b); /* orders rules by their match */
	uint32_t (*bits)(const void *rules, size_t i);           /* the access classes or ops a rule covers */
};

static int cmp_by_match(const void *a, const void *b, void *set)
{
	const struct rule_set *rs = set;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = rs->match_cmp(rs->rules, x, y);

	return r ? r : x < y ? -1 : x > y;
}

/*
 * The first rule in file order whose match equals an earlier rule's and
 * whose bits overlap it: *ret_bad (rs->n when none) and *ret_other, the
 * earlier one. 0 or -ENOMEM.
 */
static int find_overlap(const struct rule_set *rs, size_t *ret_bad, size_t *ret_other)
{
	_cleanup_free_ size_t *idx = NULL;
	_cleanup_free_ uint32_t *bits = NULL;
	size_t n = rs->n;

	*ret_bad = n;
	*ret_other = 0;
	if (n < 2)
		return 0;
	idx = calloc(n, sizeof(*idx));
	bits = calloc(n, sizeof(*bits));
	if (!idx || !bits)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		idx[i] = i;
		bits[i] = rs->bits(rs->rules, i);
	}
	qsort_r(idx, n, sizeof(*idx), cmp_by_match, (void *)rs);
	for (size_t g = 0; g < n;) {
		size_t e = g + 1;
		while (e < n && rs->match_cmp(rs->rules, idx[g], idx[e]) == 0)
			e++;
		scan_group(idx, g, e, bits, ret_bad, ret_other);
		g = e;
	}
	return 0;
}

int parse_check_path_pairs(struct parse_ctx *c, const struct policy_path_section *sec, enum enf_section s)
{
	const struct rule_set rs = { sec->rules, sec->n_rules, path_rules_cmp, path_rule_access };
	size_t bad, other;
	int r = find_overlap(&rs, &bad, &other);

	if (r < 0 || bad == sec->n_rules)
		return r;

	const struct policy_path_rule *x = &sec->rules[bad], *y = &sec->rules[other];
	char what[256], ov[160], q[128];
	char *shown = NULL;
	if (asprintf(&shown, "%s%s", x->subtree && strcmp(x->path, "/") == 0 ? "" : x->path,
		     x->subtree ? "/**" : "") < 0)
		return -ENOMEM;
	policy_quote(shown, strlen(shown), q, sizeof(q));
	free(shown);
	snprintf(what, sizeof(what), "the same path %s%s", q, x->n_from ? " and \"from\"" : "");
	if (s == ENF_SECTION_EXEC)
		snprintf(ov, sizeof(ov), "\"exec\"");
	else
		words_of(x->access & y->access, false, ov, sizeof(ov));
	return fail_pair(c, s, bad, &x->src, x->action, other, &y->src, y->action, what, "access", ov);
}

int parse_check_net_pairs(struct parse_ctx *c, const struct policy_net_section *sec)
{
	const struct rule_set rs = { sec->rules, sec->n_rules, net_rules_cmp, net_rule_ops };
	size_t bad, other;
	int r = find_overlap(&rs, &bad, &other);

	if (r < 0 || bad == sec->n_rules)
		return r;

	const struct policy_net_rule *x = &sec->rules[bad], *y = &sec->rules[other];
	char ov[160];
	words_of(x->ops & y->ops, true, ov, sizeof(ov));
	return fail_pair(c, ENF_SECTION_NETWORK, bad, &x->src, x->action, other, &y->src, y->action,
			 "the same family, proto, addr, ports and from", "op", ov);
}
