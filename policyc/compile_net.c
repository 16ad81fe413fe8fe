// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compile a profile's network section into net_rules entries (bundle.h
 * struct bundle_file_net): one entry per distinct address prefix that a
 * rule names, plus the two roots every lookup can fall back to, ::/0 and
 * 0.0.0.0/0 (stored as ::ffff:0:0/96).
 *
 * The kernel does one longest-prefix lookup and takes the first matching
 * rule of the entry it lands on, so each entry carries every rule that can
 * apply to an address in its prefix, inherited ones from shorter prefixes
 * included ("pushdown"), sorted by the precedence of docs/policy.md:
 *   1. the longest address prefix (a rule without addr is below /0),
 *   2. a rule with ports before one without,
 *   3. deny > audit > allow,
 *   4. at a full tie, the rule written first (what the reference
 *      evaluator, policy_explain_net(), reports).
 * The first match in that order is what the evaluator picks as the best.
 *
 * A rule with 'from' becomes one record per executable (and port range),
 * carrying the executable's exe_id (numbered in the path trie by
 * compile.c); 'from' adds no specificity, so those records sit where the
 * rule would without it, and the kernel skips them for other executables.
 *
 * Why the IPv4 root always exists: IPv4 addresses are looked up mapped,
 * and without an entry at ::ffff:0:0/96 such a lookup could land on an
 * IPv6 prefix that covers it (::/0, ::/64) and meet IPv6 rules. With it,
 * IPv4 lookups never leave the IPv4 entries, and pushdown never crosses
 * families. IPv6 rules inside the mapped range are refused by the parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "compile.h"
#include "util.h"

#define INET_FAMILIES (ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6)

/* A prefix as the kernel stores it: 128-bit, IPv4 mapped. */
struct net_prefix {
	uint8_t family;      /* 4 or 6 */
	uint8_t len;         /* in the family's own bits: 0..32 or 0..128 */
	uint8_t addr[16];    /* stored form, host bits zero */
};

static unsigned stored_len(const struct net_prefix *x)
{
	return x->family == 4 ? 96u + x->len : x->len;
}

static void prefix_of_rule(const struct policy_net_rule *r, struct net_prefix *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->family = r->addr_family;
	ret->len = r->prefix_len;
	if (r->addr_family == 4) {
		ret->addr[10] = 0xff;
		ret->addr[11] = 0xff;
		memcpy(ret->addr + 12, r->addr, 4);
	} else {
		memcpy(ret->addr, r->addr, 16);
	}
}

static int prefix_cmp(const struct net_prefix *x, const struct net_prefix *y)
{
	unsigned lx = stored_len(x), ly = stored_len(y);
	int r;

	if (lx != ly)
		return lx < ly ? -1 : 1;
	r = memcmp(x->addr, y->addr, sizeof(x->addr));
	return r < 0 ? -1 : r > 0;
}

/*
 * Can a rule without an address apply to a lookup that lands on an
 * address entry? Only inet operations other than create carry an address.
 */
static bool applies_to_addresses(const struct policy_net_rule *r)
{
	return (r->families & INET_FAMILIES) && (r->ops & ~(uint32_t)ENF_NET_CREATE);
}

struct ranked {
	const struct policy_net_rule *rule;
	size_t index;        /* position in the profile: the last tie-break */
	const uint32_t *exe_ids; /* of rule->from, in order; NULL without 'from' */
};

/* Precedence, most important first (see the top of this file). */
static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int sx = (x->rule->has_addr ? (int)x->rule->prefix_len : -1) * 2 + (x->rule->n_ports ? 1 : 0);
	int sy = (y->rule->has_addr ? (int)y->rule->prefix_len : -1) * 2 + (y->rule->n_ports ? 1 : 0);

	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->rule->action != y->rule->action)
		return x->rule->action > y->rule->action ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Append a rule's kernel records (one per executable in 'from' and port range) to an entry. */
static int emit_rule(struct enf_net_val *val, const struct ranked *rk)
{
	const struct policy_net_rule *r = rk->rule;
	size_t n = r->n_ports ? r->n_ports : 1, n_exe = r->n_from ? r->n_from : 1;
	uint32_t ops = r->ops, families = r->families;

	/*
	 * A rule with an address never matches an operation without one: keep
	 * that true in the kernel, where such rules can share the ::/0 entry
	 * with create and non-inet lookups.
	 */
	if (r->has_addr) {
		ops &= ~(uint32_t)ENF_NET_CREATE;
		families &= INET_FAMILIES;
	}
	for (size_t e = 0; e < n_exe; e++) {
		for (size_t i = 0; i < n; i++) {
			struct enf_net_rule *k;

			if (val->count >= ENF_NET_RULES_PER_PREFIX)
				return -E2BIG;
			k = &val->rules[val->count++];
			*k = (struct enf_net_rule){
				.rule_id = r->id,
				.exe_id = rk->exe_ids ? rk->exe_ids[e] : 0,
				.port_lo = r->n_ports ? r->ports[i].lo : 0,
				.port_hi = r->n_ports ? r->ports[i].hi : 65535,
				.ops = (__u8)ops,
				.families = (__u8)families,
				.proto = (__u8)r->proto,
				.action = (__u8)r->action,
			};
		}
	}
	return 0;
}

static int net_prefix_cmp_qsort(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

/* The distinct prefixes: the two roots and every rule's, sorted, no duplicates. */
static int collect_prefixes(const struct policy_net_section *sec, struct net_prefix **ret, size_t *ret_n)
{
	struct net_prefix *px = calloc(sec->n_rules + 2, sizeof(*px));
	size_t n = 0, out = 0;

	if (!px)
		return -ENOMEM;
	px[n++] = (struct net_prefix){ .family = 6, .len = 0 };
	px[n] = (struct net_prefix){ .family = 4, .len = 0 };
	px[n].addr[10] = px[n].addr[11] = 0xff;
	n++;
	for (size_t i = 0; i < sec->n_rules; i++)
		if (sec->rules[i].has_addr)
			prefix_of_rule(&sec->rules[i], &px[n++]);
	qsort(px, n, sizeof(*px), net_prefix_cmp_qsort);
	for (size_t i = 0; i < n; i++)
		if (out == 0 || prefix_cmp(&px[out - 1], &px[i]) != 0)
			px[out++] = px[i];
	*ret = px;
	*ret_n = out;
	return 0;
}

/* Where prefix x is in the sorted, distinct px[]: its index, or -1. */
static long prefix_find(const struct net_prefix *px, size_t n, const struct net_prefix *x)
{
	const struct net_prefix *hit = bsearch(x, px, n, sizeof(*px), net_prefix_cmp_qsort);

	return hit && hit->family == x->family ? hit - px : -1;
}

/* x cut to its first len bits (in the family's own bits). */
static void prefix_cut(const struct net_prefix *x, unsigned len, struct net_prefix *ret)
{
	unsigned bits;

	*ret = *x;
	ret->len = (uint8_t)len;
	bits = stored_len(ret);
	for (unsigned i = bits / 8; i < sizeof(ret->addr); i++)
		ret->addr[i] = i == bits / 8 && bits % 8 ? (uint8_t)(ret->addr[i] & (0xff00u >> (bits % 8))) : 0;
}

/*
 * Which rules name which prefix: the rules with an address, grouped by the
 * index of their prefix in px[] (rules of px[i] are idx[start[i] ..
 * start[i + 1]), in profile order), and the rules without one.
 */
struct rule_index {
	size_t *start;       /* n_px + 1 */
	size_t *idx;         /* rules with an address */
	size_t *no_addr;     /* rules without */
	size_t n_no_addr;
	bool has_len[2][129]; /* [IPv4][length]: some prefix of px[] has that family and length */
};

static void rule_index_free(struct rule_index *ri)
{
	free(ri->start);
	free(ri->idx);
	free(ri->no_addr);
}

static int rule_index_build(const struct policy_net_section *sec, const struct net_prefix *px, size_t n_px,
			    struct rule_index *ri)
{
	_cleanup_free_ long *at = calloc(sec->n_rules ? sec->n_rules : 1, sizeof(*at));
	_cleanup_free_ size_t *fill = calloc(n_px + 1, sizeof(*fill));

	ri->start = calloc(n_px + 1, sizeof(*ri->start));
	ri->idx = calloc(sec->n_rules ? sec->n_rules : 1, sizeof(*ri->idx));
	ri->no_addr = calloc(sec->n_rules ? sec->n_rules : 1, sizeof(*ri->no_addr));
	ri->n_no_addr = 0;
	if (!at || !fill || !ri->start || !ri->idx || !ri->no_addr)
		return -ENOMEM;
	/* A counting sort by prefix keeps each group in profile order. */
	for (size_t i = 0; i < sec->n_rules; i++) {
		struct net_prefix rp;

		if (!sec->rules[i].has_addr) {
			ri->no_addr[ri->n_no_addr++] = i;
			continue;
		}
		prefix_of_rule(&sec->rules[i], &rp);
		at[i] = prefix_find(px, n_px, &rp);
		if (at[i] < 0)
			return -EINVAL; /* collect_prefixes() took every rule's prefix */
		ri->start[at[i] + 1]++;
	}
	for (size_t i = 0; i < n_px; i++) {
		ri->start[i + 1] += ri->start[i];
		ri->has_len[px[i].family == 4][px[i].len] = true;
	}
	for (size_t i = 0; i < sec->n_rules; i++)
		if (sec->rules[i].has_addr)
			ri->idx[ri->start[at[i]] + fill[at[i]]++] = i;
	return 0;
}

/*
 * Fill one entry: every rule that can apply at prefix px[at_i], in
 * precedence order. Those are the rules without an address that apply
 * there, and the rules of every prefix containing it, which are the
 * prefix itself cut to each shorter length: at most 129 lookups instead
 * of a test of every rule, which made large profiles quadratic.
 */
static int fill_entry(const struct policy_net_section *sec, uint32_t *const *exe_ids, const struct net_prefix *px,
		      size_t n_px, size_t at_i, const struct rule_index *ri, struct ranked *scratch,
		      struct enf_net_val *val, const struct policy_net_rule **ret_overflow)
{
	const struct net_prefix *at = &px[at_i];
	bool is_v6_root = at->family == 6 && at->len == 0;
	size_t n = 0;

	for (size_t k = 0; k < ri->n_no_addr; k++) {
		size_t i = ri->no_addr[k];

		if (!is_v6_root && !applies_to_addresses(&sec->rules[i]))
			continue;
		scratch[n++] = (struct ranked){ .rule = &sec->rules[i], .index = i, .exe_ids = exe_ids[i] };
	}
	for (unsigned len = 0; len <= at->len; len++) {
		struct net_prefix cut;
		long j;

		/* No prefix that long: nothing to find (most lengths, in most profiles). */
		if (len != at->len && !ri->has_len[at->family == 4][len])
			continue;
		prefix_cut(at, len, &cut);
		j = len == at->len ? (long)at_i : prefix_find(px, n_px, &cut);
		if (j < 0)
			continue;
		for (size_t k = ri->start[j]; k < ri->start[j + 1]; k++) {
			size_t i = ri->idx[k];

			scratch[n++] = (struct ranked){ .rule = &sec->rules[i], .index = i, .exe_ids = exe_ids[i] };
		}
	}
	qsort(scratch, n, sizeof(*scratch), ranked_cmp);
	memset(val, 0, sizeof(*val));
	for (size_t i = 0; i < n; i++) {
		if (emit_rule(val, &scratch[i]) < 0) {
			*ret_overflow = scratch[i].rule;
			return -E2BIG;
		}
	}
	return 0;
}

/* One entry per prefix, in collect_prefixes()'s order: deterministic. */
static int fill_entries(const struct policy_net_section *sec, uint32_t *const *exe_ids, const struct net_prefix *px,
			size_t n_px, struct ranked *scratch, struct bundle *b, struct policy_error *err)
{
	struct rule_index ri = {};
	int r;

	r = rule_index_build(sec, px, n_px, &ri);
	for (size_t i = 0; r == 0 && i < n_px; i++) {
		struct bundle_file_net *e = &b->net[b->n_net];
		const struct policy_net_rule *overflow = NULL;
		char where[64];

		memset(e, 0, sizeof(*e));
		e->prefix_len = (uint8_t)stored_len(&px[i]);
		memcpy(e->addr, px[i].addr, sizeof(e->addr));
		r = fill_entry(sec, exe_ids, px, n_px, i, &ri, scratch, &e->val, &overflow);
		if (r == -E2BIG) {
			bundle_format_addr(e->addr, e->prefix_len, where, sizeof(where));
			r = compile_error(err, &overflow->src,
					  "network.rules: more than %d rules apply to addresses in %s (each port range "
					  "and 'from' executable counts once; rules without \"addr\" count at every "
					  "prefix); the limit is "
					  "ENF_NET_RULES_PER_PREFIX: merge rules, or give rules an \"addr\" or a "
					  "narrower \"family\"/\"op\"",
					  ENF_NET_RULES_PER_PREFIX, where);
			break;
		}
		if (r == 0)
			b->n_net++;
	}
	rule_index_free(&ri);
	return r;
}

static void free_exe_ids(uint32_t **exe_ids, size_t n)
{
	for (size_t i = 0; exe_ids && i < n; i++)
		free(exe_ids[i]);
	free(exe_ids);
}

/* exe_ids[i]: the exe_id of each executable in rule i's 'from' (NULL without one). */
static int resolve_from(const struct policy_net_section *sec, policy_exe_id_fn exe_id, void *ctx,
			uint32_t **exe_ids, struct policy_error *err)
{
	for (size_t i = 0; i < sec->n_rules; i++) {
		const struct policy_net_rule *rule = &sec->rules[i];

		if (!rule->n_from)
			continue;
		exe_ids[i] = calloc(rule->n_from, sizeof(**exe_ids));
		if (!exe_ids[i])
			return -ENOMEM;
		for (size_t f = 0; f < rule->n_from; f++) {
			int r = exe_id(ctx, rule->from[f], &exe_ids[i][f]);

			if (r == -E2BIG)
				return compile_error(err, &rule->src, "network.rules[%zu].from[%zu]: more than %u distinct "
						     "path nodes in one profile", i, f, ENF_MAX_TRIE_NODES);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int policy_compile_net(const struct policy_profile *p, struct bundle *b, policy_exe_id_fn exe_id, void *ctx,
		       struct policy_error *err)
{
	const struct policy_net_section *sec = &p->network;
	_cleanup_free_ struct net_prefix *px = NULL;
	_cleanup_free_ struct ranked *scratch = NULL;
	uint32_t **exe_ids = NULL;
	size_t n_px = 0;
	int r;

	b->defaults[ENF_SECTION_NETWORK] = sec->present ? sec->default_action : ENF_ACT_ALLOW;
	if (!sec->present)
		return 0;

	for (size_t i = 0; i < sec->n_rules; i++) {
		const struct policy_net_rule *rule = &sec->rules[i];
		struct bundle_rule *br = &b->rules[b->n_rules];

		if (rule->n_from)
			b->flags |= ENF_PROFILE_HAS_FROM;
		*br = (struct bundle_rule){
			.id = rule->id, .section = ENF_SECTION_NETWORK, .action = rule->action,
			.line = (uint32_t)rule->src.line, .column = (uint32_t)rule->src.column,
			.text = policy_net_rule_canonical(rule, true),
		};
		if (!br->text)
			return -ENOMEM;
		b->n_rules++;
	}

	r = collect_prefixes(sec, &px, &n_px);
	if (r < 0)
		return r;
	if (n_px > ENF_MAX_NET_PREFIXES)
		return compile_error(err, NULL, "%s: network: %zu distinct address prefixes, more than the limit of %u; "
				     "merge rules into shorter prefixes", p->source_file ? p->source_file : "(profile)",
				     n_px, ENF_MAX_NET_PREFIXES);
	scratch = calloc(sec->n_rules ? sec->n_rules : 1, sizeof(*scratch));
	exe_ids = calloc(sec->n_rules ? sec->n_rules : 1, sizeof(*exe_ids));
	b->net = calloc(n_px, sizeof(*b->net));
	if (!scratch || !exe_ids || !b->net) {
		free(exe_ids);
		return -ENOMEM;
	}
	r = resolve_from(sec, exe_id, ctx, exe_ids, err);
	if (r == 0)
		r = fill_entries(sec, exe_ids, px, n_px, scratch, b, err);
	free_exe_ids(exe_ids, sec->n_rules);
	return r;
}
