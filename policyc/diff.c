// SPDX-License-Identifier: GPL-2.0-only
/*
 * policyc diff (diff.h): every operation class is cut into the regions on
 * which both profiles' decisions are constant, one representative of each
 * region is asked of the reference evaluator on both sides, and the points
 * where the verdicts differ are merged into entries.
 *
 * One file, over 1,000 lines: the path and network cuts, the merging of
 * points into cells and the entries built from them share the context and
 * the region table; each step's output is the next one's only input.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "canonical.h"
#include "diff.h"
#include "explain.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A point's coordinates. Paths use CLASS, EXE, REGION; sockets all six
 * (D_CLASS holds the op's bit number there).
 */
enum { D_CLASS, D_EXE, D_REGION, D_FAMILY, D_PROTO, D_PORT, NDIM };

struct point {
	unsigned group;
	unsigned v[NDIM];
};

struct points {
	struct point *v;
	size_t n, cap;
};

/* The pair of verdicts (action and what decided it) a group of points shares. */
struct group {
	struct policy_verdict a, b;
};

struct diff_ctx {
	const struct policy_profile *a, *b;
	const char **exes;          /* every "from" executable of both profiles, sorted, unique */
	size_t n_exes;              /* point exe index i > 0 is exes[i - 1]; 0 is any other */
	struct policy_diff_region *regions;
	size_t n_regions, cap_regions;
	struct policy_port_range *segs; /* the port segments every rule's ranges cut 0-65535 into */
	size_t n_segs;
	struct group *groups;
	size_t n_groups, cap_groups;
	struct points path_points, net_points;
	char fresh[64];             /* a file name no rule path uses: "a path no rule names" */
	struct policy_diff *out;
	size_t cap_entries;
};

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 16;
	void *n;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	n = realloc(*v, c * size);
	if (!n)
		return -ENOMEM;
	*v = n;
	*cap = c;
	return 0;
}

/* ------------------------------------------------------------ regions -- */

static int region_cmp(const struct policy_diff_region *x, const struct policy_diff_region *y)
{
	static const int order[] = {
		[POLICY_REGION_NO_ADDR] = 0, [POLICY_REGION_PREFIX] = 1, [POLICY_REGION_EXACT] = 2,
		[POLICY_REGION_SUBTREE] = 2, [POLICY_REGION_ELSEWHERE] = 3,
	};
	int c;

	if (order[x->kind] != order[y->kind])
		return order[x->kind] - order[y->kind];
	switch (x->kind) {
	case POLICY_REGION_EXACT:
	case POLICY_REGION_SUBTREE:
		c = strcmp(x->path, y->path);
		return c ? c : (int)x->kind - (int)y->kind; /* the exact path before its subtree */
	case POLICY_REGION_PREFIX:
		if (x->addr_family != y->addr_family)
			return x->addr_family - y->addr_family;
		c = memcmp(x->addr, y->addr, 16);
		return c ? c : x->prefix_len - y->prefix_len;
	default:
		return 0;
	}
}

static int region_intern(struct diff_ctx *c, const struct policy_diff_region *r, unsigned *ret)
{
	for (size_t i = 0; i < c->n_regions; i++)
		if (region_cmp(&c->regions[i], r) == 0) {
			*ret = (unsigned)i;
			return 0;
		}
	if (grow((void **)&c->regions, &c->cap_regions, c->n_regions + 1, sizeof(*c->regions)) < 0)
		return -ENOMEM;
	c->regions[c->n_regions] = *r;
	if (r->path && !(c->regions[c->n_regions].path = strdup(r->path)))
		return -ENOMEM;
	*ret = (unsigned)c->n_regions++;
	return 0;
}

/* ------------------------------------------------------------- groups -- */

static bool verdict_same(const struct policy_verdict *x, const struct policy_verdict *y)
{
	return x->action == y->action && x->path_rule == y->path_rule && x->net_rule == y->net_rule &&
	       x->by_default == y->by_default && x->section_absent == y->section_absent &&
	       x->unwritable == y->unwritable && x->section == y->section;
}

static int add_point(struct diff_ctx *c, struct points *pts, const struct policy_verdict *va,
		     const struct policy_verdict *vb, const unsigned v[NDIM])
{
	size_t g;

	for (g = 0; g < c->n_groups; g++)
		if (verdict_same(&c->groups[g].a, va) && verdict_same(&c->groups[g].b, vb))
			break;
	if (g == c->n_groups) {
		if (grow((void **)&c->groups, &c->cap_groups, g + 1, sizeof(*c->groups)) < 0)
			return -ENOMEM;
		c->groups[g] = (struct group){ .a = *va, .b = *vb };
		c->n_groups++;
	}
	if (grow((void **)&pts->v, &pts->cap, pts->n + 1, sizeof(*pts->v)) < 0)
		return -ENOMEM;
	pts->v[pts->n].group = (unsigned)g;
	memcpy(pts->v[pts->n].v, v, sizeof(pts->v[pts->n].v));
	pts->n++;
	return 0;
}

/* --------------------------------------------------------- executables -- */

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int add_exes(struct diff_ctx *c, char *const *from, size_t n, size_t *cap)
{
	for (size_t i = 0; i < n; i++) {
		if (grow((void **)&c->exes, cap, c->n_exes + 1, sizeof(*c->exes)) < 0)
			return -ENOMEM;
		c->exes[c->n_exes++] = from[i];
	}
	return 0;
}

static int collect_exes(struct diff_ctx *c)
{
	const struct policy_profile *ps[2] = { c->a, c->b };
	size_t cap = 0, k = 0;

	for (int i = 0; i < 2; i++) {
		for (size_t j = 0; j < ps[i]->exec.n_rules; j++)
			if (add_exes(c, ps[i]->exec.rules[j].from, ps[i]->exec.rules[j].n_from, &cap) < 0)
				return -ENOMEM;
		for (size_t j = 0; j < ps[i]->file.n_rules; j++)
			if (add_exes(c, ps[i]->file.rules[j].from, ps[i]->file.rules[j].n_from, &cap) < 0)
				return -ENOMEM;
		for (size_t j = 0; j < ps[i]->network.n_rules; j++)
			if (add_exes(c, ps[i]->network.rules[j].from, ps[i]->network.rules[j].n_from, &cap) < 0)
				return -ENOMEM;
	}
	if (c->n_exes)
		qsort(c->exes, c->n_exes, sizeof(*c->exes), str_cmp);
	for (size_t i = 0; i < c->n_exes; i++)
		if (k == 0 || strcmp(c->exes[k - 1], c->exes[i]) != 0)
			c->exes[k++] = c->exes[i];
	c->n_exes = k;
	return 0;
}

static const char *exe_of(const struct diff_ctx *c, unsigned e)
{
	return e == 0 ? NULL : c->exes[e - 1];
}

static bool from_applies(char *const *from, size_t n, const char *exe)
{
	if (n == 0)
		return true;
	for (size_t i = 0; exe && i < n; i++)
		if (strcmp(from[i], exe) == 0)
			return true;
	return false;
}

/* -------------------------------------------------------------- paths -- */

/* A name for "a path no rule names": a file name no rule or "from" path of either profile uses. */
static bool name_used_in(const char *path, const char *name)
{
	size_t nl = strlen(name);

	for (const char *p = path; (p = strchr(p, '/')); p++)
		if (strncmp(p + 1, name, nl) == 0 && (p[1 + nl] == '/' || p[1 + nl] == '\0'))
			return true;
	return false;
}

static bool name_used(const struct diff_ctx *c, const char *name)
{
	const struct policy_profile *ps[2] = { c->a, c->b };

	for (int i = 0; i < 2; i++) {
		const struct policy_path_section *secs[2] = { &ps[i]->exec, &ps[i]->file };
		for (int s = 0; s < 2; s++)
			for (size_t j = 0; j < secs[s]->n_rules; j++)
				if (name_used_in(secs[s]->rules[j].path, name))
					return true;
	}
	for (size_t i = 0; i < c->n_exes; i++)
		if (name_used_in(c->exes[i], name))
			return true;
	return false;
}

static void choose_fresh(struct diff_ctx *c)
{
	snprintf(c->fresh, sizeof(c->fresh), "policyc-diff-other");
	for (unsigned i = 1; name_used(c, c->fresh); i++)
		snprintf(c->fresh, sizeof(c->fresh), "policyc-diff-other-%u", i);
}

/* The rules of both profiles that can apply to one access class (mask) and executable. */
struct rule_set {
	const struct policy_path_rule **v;
	size_t n, cap;
};

static int rules_applying(const struct policy_path_section *sec, uint32_t mask, const char *exe,
			  struct rule_set *rs)
{
	for (size_t i = 0; sec->present && i < sec->n_rules; i++) {
		const struct policy_path_rule *r = &sec->rules[i];
		if (!(r->access & mask) || !from_applies(r->from, r->n_from, exe))
			continue;
		if (grow((void **)&rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v)) < 0)
			return -ENOMEM;
		rs->v[rs->n++] = r;
	}
	return 0;
}

static int path_depth(const char *p)
{
	int d = 0;

	if (strcmp(p, "/") == 0)
		return 0;
	for (; *p; p++)
		d += *p == '/';
	return d;
}

static bool strictly_below(const char *base, const char *path)
{
	size_t bl = strlen(base);

	if (strcmp(base, "/") == 0)
		return path[0] == '/' && path[1] != '\0';
	return strncmp(path, base, bl) == 0 && path[bl] == '/';
}

/* The region of a path: the most specific rule path of the set that matches it. */
static void path_region(const struct rule_set *rs, const char *path, struct policy_diff_region *ret)
{
	char *best = NULL;
	int best_depth = -1;

	*ret = (struct policy_diff_region){ .kind = POLICY_REGION_ELSEWHERE };
	for (size_t i = 0; i < rs->n; i++) {
		const struct policy_path_rule *r = rs->v[i];
		if (!r->subtree && strcmp(r->path, path) == 0) {
			*ret = (struct policy_diff_region){ .kind = POLICY_REGION_EXACT, .path = r->path };
			return;
		}
		if (r->subtree && strictly_below(r->path, path) && path_depth(r->path) > best_depth) {
			best = r->path;
			best_depth = path_depth(r->path);
		}
	}
	if (best)
		*ret = (struct policy_diff_region){ .kind = POLICY_REGION_SUBTREE, .path = best };
}

static char *below(const char *base, const char *name)
{
	char *s = NULL;

	if (asprintf(&s, "%s/%s", strcmp(base, "/") == 0 ? "" : base, name) < 0)
		return NULL;
	return s;
}

/* Verdicts of one class at one path: 1 when they differ (and are worth an entry), 0 when not. */
static int path_verdicts(const struct diff_ctx *c, unsigned cls, const char *path, const char *exe,
			 struct policy_verdict *va, struct policy_verdict *vb)
{
	struct policy_verdict ea, eb;

	if (cls != POLICY_DIFF_CLASS_MAP) {
		if (policy_explain_path(c->a, (enum enf_class)cls, path, exe, va) < 0 ||
		    policy_explain_path(c->b, (enum enf_class)cls, path, exe, vb) < 0)
			return -EINVAL;
		return va->action != vb->action;
	}
	if (policy_explain_map(c->a, path, exe, va) < 0 || policy_explain_map(c->b, path, exe, vb) < 0 ||
	    policy_explain_path(c->a, ENF_CLASS_EXEC, path, exe, &ea) < 0 ||
	    policy_explain_path(c->b, ENF_CLASS_EXEC, path, exe, &eb) < 0)
		return -EINVAL;
	/* a mapping that differs exactly as the exec does says nothing the exec entry does not */
	return va->action != vb->action && !(va->action == ea.action && vb->action == eb.action);
}

static int diff_path_class(struct diff_ctx *c, unsigned cls, unsigned e)
{
	const char *exe = exe_of(c, e);
	struct rule_set rs = { 0 };
	unsigned *seen = NULL;
	size_t n_seen = 0, n_queries;
	int r = 0;

	if (cls == POLICY_DIFF_CLASS_MAP) {
		const uint32_t wc = (1u << ENF_CLASS_WRITE) | (1u << ENF_CLASS_CREATE);
		if (rules_applying(&c->a->exec, 1u << ENF_CLASS_EXEC, exe, &rs) < 0 ||
		    rules_applying(&c->b->exec, 1u << ENF_CLASS_EXEC, exe, &rs) < 0 ||
		    rules_applying(&c->a->file, wc, exe, &rs) < 0 || rules_applying(&c->b->file, wc, exe, &rs) < 0)
			goto oom;
	} else {
		const struct policy_path_section *sa = cls == ENF_CLASS_EXEC ? &c->a->exec : &c->a->file;
		const struct policy_path_section *sb = cls == ENF_CLASS_EXEC ? &c->b->exec : &c->b->file;
		if (rules_applying(sa, 1u << cls, exe, &rs) < 0 || rules_applying(sb, 1u << cls, exe, &rs) < 0)
			goto oom;
	}
	/* One query per rule path, one below each subtree, and one below "/" that no rule names. */
	n_queries = 2 * rs.n + 1;
	seen = calloc(n_queries, sizeof(*seen));
	if (!seen)
		goto oom;
	for (size_t q = 0; q < n_queries; q++) {
		const struct policy_path_rule *rule = q < 2 * rs.n ? rs.v[q / 2] : NULL;
		struct policy_verdict va, vb;
		struct policy_diff_region reg;
		unsigned v[NDIM] = { 0 }, idx;
		char *path;
		bool dup = false;

		if (rule && q % 2 == 1 && !rule->subtree)
			continue;
		path = !rule ? below("/", c->fresh) : q % 2 == 0 ? strdup(rule->path) : below(rule->path, c->fresh);
		if (!path)
			goto oom;
		path_region(&rs, path, &reg);
		r = region_intern(c, &reg, &idx);
		for (size_t i = 0; r == 0 && i < n_seen; i++)
			dup |= seen[i] == idx;
		if (r == 0 && !dup) {
			seen[n_seen++] = idx;
			r = path_verdicts(c, cls, path, exe, &va, &vb);
			if (r > 0) {
				v[D_CLASS] = cls;
				v[D_EXE] = e;
				v[D_REGION] = idx;
				r = add_point(c, &c->path_points, &va, &vb, v);
			}
		}
		free(path);
		if (r < 0)
			goto out;
	}
	r = 0;
	goto out;
oom:
	r = -ENOMEM;
out:
	free(seen);
	free(rs.v);
	return r;
}

/* ------------------------------------------------------------ network -- */

struct prefix {
	uint8_t af, len;
	uint8_t addr[16];
};

static bool prefix_covers(const uint8_t *p, unsigned plen, const uint8_t *a)
{
	unsigned full = plen / 8, rest = plen % 8;

	if (memcmp(p, a, full) != 0)
		return false;
	return !rest || ((p[full] ^ a[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

/*
 * An address in cur/len (cur's bits past len are 0) that no longer prefix of
 * the list covers: the base of the first sub-prefix holding none of them.
 * The search only descends into halves that hold a listed prefix, so it
 * visits at most (number of prefixes) x (address bits) nodes.
 */
static bool uncovered(const struct prefix *list, size_t n, uint8_t af, uint8_t *cur, unsigned len,
		      unsigned own_len)
{
	unsigned bits = af == 4 ? 32 : 128;
	bool inside = false;

	for (size_t i = 0; i < n; i++) {
		if (list[i].af != af || list[i].len < len || !prefix_covers(cur, len, list[i].addr))
			continue;
		if (list[i].len == len) {
			if (len == own_len)
				continue; /* the region's own prefix */
			return false;
		}
		inside = true;
	}
	if (!inside)
		return true;
	if (len == bits)
		return false;
	if (uncovered(list, n, af, cur, len + 1, own_len))
		return true;
	cur[len / 8] |= (uint8_t)(0x80u >> (len % 8));
	if (uncovered(list, n, af, cur, len + 1, own_len))
		return true;
	cur[len / 8] &= (uint8_t)~(0x80u >> (len % 8));
	return false;
}

static int collect_segments(struct diff_ctx *c)
{
	const struct policy_profile *ps[2] = { c->a, c->b };
	uint32_t *cut = NULL;
	size_t n = 0, cap = 0, k = 0;
	int r = -ENOMEM;

	/* cut points: each segment runs from one to just before the next */
	for (int i = 0; i < 2; i++)
		for (size_t j = 0; j < ps[i]->network.n_rules; j++) {
			const struct policy_net_rule *nr = &ps[i]->network.rules[j];
			for (size_t p = 0; p < nr->n_ports; p++) {
				if (grow((void **)&cut, &cap, n + 2, sizeof(*cut)) < 0)
					goto out;
				cut[n++] = nr->ports[p].lo;
				cut[n++] = (uint32_t)nr->ports[p].hi + 1;
			}
		}
	if (grow((void **)&cut, &cap, n + 3, sizeof(*cut)) < 0)
		goto out;
	cut[n++] = 0;
	cut[n++] = 1;
	cut[n++] = 65536;
	for (size_t i = 1; i < n; i++) /* insertion sort: a few hundred cuts at most */
		for (size_t j = i; j > 0 && cut[j - 1] > cut[j]; j--) {
			uint32_t t = cut[j];
			cut[j] = cut[j - 1];
			cut[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++)
		if (k == 0 || cut[k - 1] != cut[i])
			cut[k++] = cut[i];
	c->segs = calloc(k - 1, sizeof(*c->segs));
	if (!c->segs)
		goto out;
	for (size_t i = 0; i + 1 < k; i++)
		c->segs[i] = (struct policy_port_range){ .lo = (uint16_t)cut[i], .hi = (uint16_t)(cut[i + 1] - 1) };
	c->n_segs = k - 1;
	r = 0;
out:
	free(cut);
	return r;
}

static bool net_rule_applies(const struct policy_net_rule *r, uint32_t op, uint32_t fam,
			     enum enf_net_proto proto, const char *exe)
{
	return (r->ops & op) && (r->families & fam) && (r->proto == ENF_NET_PROTO_ANY || r->proto == proto) &&
	       from_applies(r->from, r->n_from, exe);
}

/* The prefixes of family af that rules applying to (op, fam, proto, exe) name, and af's /0. */
static int prefixes_applying(const struct diff_ctx *c, uint32_t op, uint32_t fam, enum enf_net_proto proto,
			     const char *exe, uint8_t af, struct prefix **ret, size_t *ret_n)
{
	const struct policy_profile *ps[2] = { c->a, c->b };
	struct prefix *v = NULL;
	size_t n = 0, cap = 0;

	if (grow((void **)&v, &cap, 1, sizeof(*v)) < 0)
		return -ENOMEM;
	v[n++] = (struct prefix){ .af = af, .len = 0 };
	for (int i = 0; i < 2; i++)
		for (size_t j = 0; ps[i]->network.present && j < ps[i]->network.n_rules; j++) {
			const struct policy_net_rule *r = &ps[i]->network.rules[j];
			bool dup = false;
			if (!r->has_addr || r->addr_family != af || !net_rule_applies(r, op, fam, proto, exe))
				continue;
			for (size_t k = 0; k < n && !dup; k++)
				dup = v[k].len == r->prefix_len && memcmp(v[k].addr, r->addr, 16) == 0;
			if (dup)
				continue;
			if (grow((void **)&v, &cap, n + 1, sizeof(*v)) < 0) {
				free(v);
				return -ENOMEM;
			}
			v[n] = (struct prefix){ .af = af, .len = r->prefix_len };
			memcpy(v[n].addr, r->addr, 16);
			n++;
		}
	*ret = v;
	*ret_n = n;
	return 0;
}

static int net_point(struct diff_ctx *c, unsigned op_bit, unsigned fam_bit, enum enf_net_proto proto,
		     unsigned e, const uint8_t *addr, uint8_t af, unsigned region, bool ports)
{
	const char *exe = exe_of(c, e);
	unsigned v[NDIM] = { op_bit, e, region, fam_bit, proto, 0 };

	for (size_t s = 0; s < (ports ? c->n_segs : 1); s++) {
		struct policy_verdict va, vb;
		uint16_t port = ports ? c->segs[s].lo : 0;
		int r;

		if (policy_explain_net(c->a, 1u << op_bit, 1u << fam_bit, proto, addr, af, port, exe, &va) < 0 ||
		    policy_explain_net(c->b, 1u << op_bit, 1u << fam_bit, proto, addr, af, port, exe, &vb) < 0)
			return -EINVAL;
		if (va.action == vb.action)
			continue;
		v[D_PORT] = ports ? (unsigned)s : 0; /* segment 0 is port 0 */
		if ((r = add_point(c, &c->net_points, &va, &vb, v)) < 0)
			return r;
	}
	return 0;
}

static int diff_net_combo(struct diff_ctx *c, unsigned op_bit, unsigned fam_bit, enum enf_net_proto proto,
			  unsigned e)
{
	const uint32_t inet = ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6;
	const uint32_t fam = 1u << fam_bit, op = 1u << op_bit;
	struct policy_diff_region none = { .kind = POLICY_REGION_NO_ADDR };
	unsigned idx;
	int r;

	if (!(fam & inet) || op == ENF_NET_CREATE) {
		if ((r = region_intern(c, &none, &idx)) < 0)
			return r;
		return net_point(c, op_bit, fam_bit, proto, e, NULL, 0, idx, false);
	}
	/* an IPv6 socket talks to IPv4 peers too (mapped), decided as IPv4 */
	for (uint8_t af = 4; af <= 6; af += 2) {
		struct prefix *pre = NULL;
		size_t n = 0;

		if (af == 6 && fam != ENF_NET_FAMILY_INET6)
			continue;
		if ((r = prefixes_applying(c, op, fam, proto, exe_of(c, e), af, &pre, &n)) < 0)
			return r;
		for (size_t i = 0; i < n && r == 0; i++) {
			struct policy_diff_region reg = { .kind = POLICY_REGION_PREFIX, .addr_family = af,
							  .prefix_len = pre[i].len };
			uint8_t rep[16];

			memcpy(rep, pre[i].addr, 16);
			if (!uncovered(pre, n, af, rep, pre[i].len, pre[i].len))
				continue; /* longer prefixes cover all of it */
			memcpy(reg.addr, pre[i].addr, 16);
			if ((r = region_intern(c, &reg, &idx)) == 0)
				r = net_point(c, op_bit, fam_bit, proto, e, rep, af, idx,
					      proto != ENF_NET_PROTO_ICMP && proto != ENF_NET_PROTO_RAW);
		}
		free(pre);
		if (r < 0)
			return r;
	}
	return 0;
}

static int diff_net(struct diff_ctx *c)
{
	const uint32_t inet = ENF_NET_FAMILY_INET4 | ENF_NET_FAMILY_INET6;
	static const enum enf_net_proto inet_protos[] = {
		ENF_NET_PROTO_TCP, ENF_NET_PROTO_UDP, ENF_NET_PROTO_ICMP, ENF_NET_PROTO_RAW,
		ENF_NET_PROTO_ANY, /* protocols without a word (SCTP, ...) */
	};
	static const enum enf_net_proto other_protos[] = { ENF_NET_PROTO_ANY };
	int r;

	if (!c->a->network.present && !c->b->network.present)
		return 0;
	if ((r = collect_segments(c)) < 0)
		return r;
	for (unsigned e = 0; e <= c->n_exes; e++)
		for (unsigned op = 0; op < 6; op++)
			for (unsigned fam = 0; fam < 6; fam++) {
				bool is_inet = (1u << fam) & inet;
				const enum enf_net_proto *protos = is_inet ? inet_protos : other_protos;
				size_t np = is_inet ? N(inet_protos) : N(other_protos);
				for (size_t p = 0; p < np; p++)
					if ((r = diff_net_combo(c, op, fam, protos[p], e)) < 0)
						return r;
			}
	return 0;
}

/* -------------------------------------------------------------- cells -- */

/*
 * A cell is a set of points: a group and, per coordinate, a set of values
 * (bitsets); it stands for every combination of them. Cells that are equal
 * but for one coordinate merge into one, which stays exact.
 */
struct cells {
	size_t n;
	size_t words[NDIM], off[NDIM], stride; /* in uint64_t */
	unsigned *group;
	uint64_t *bits;
};

struct sort_ctx {
	const struct cells *cs;
	int skip;
};

static uint64_t *cell_bits(const struct cells *cs, size_t i)
{
	return cs->bits + i * cs->stride;
}

static int cell_cmp_skip(const struct cells *cs, size_t x, size_t y, int skip)
{
	const uint64_t *bx = cell_bits(cs, x), *by = cell_bits(cs, y);

	if (cs->group[x] != cs->group[y])
		return cs->group[x] < cs->group[y] ? -1 : 1;
	for (int d = 0; d < NDIM; d++) {
		if (d == skip)
			continue;
		for (size_t w = 0; w < cs->words[d]; w++)
			if (bx[cs->off[d] + w] != by[cs->off[d] + w])
				return bx[cs->off[d] + w] < by[cs->off[d] + w] ? -1 : 1;
	}
	return 0;
}

static int order_cmp(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *s = arg;

	return cell_cmp_skip(s->cs, *(const size_t *)x, *(const size_t *)y, s->skip);
}

/* Merge along coordinate d; true when anything merged. */
static int merge_dim(struct cells *cs, int d, bool *ret_changed)
{
	size_t *order = malloc(cs->n * sizeof(*order)), k = 0;
	unsigned *group;
	uint64_t *bits;
	struct sort_ctx s = { cs, d };

	if (!order)
		return -ENOMEM;
	group = malloc(cs->n * sizeof(*group));
	bits = calloc(cs->n ? cs->n : 1, cs->stride * sizeof(*bits));
	if (!group || !bits) {
		free(order);
		free(group);
		free(bits);
		return -ENOMEM;
	}
	for (size_t i = 0; i < cs->n; i++)
		order[i] = i;
	qsort_r(order, cs->n, sizeof(*order), order_cmp, &s);
	for (size_t i = 0; i < cs->n; i++) {
		const uint64_t *src = cell_bits(cs, order[i]);
		if (k > 0 && cell_cmp_skip(cs, order[i - 1], order[i], d) == 0) {
			for (size_t w = 0; w < cs->words[d]; w++)
				bits[(k - 1) * cs->stride + cs->off[d] + w] |= src[cs->off[d] + w];
			*ret_changed = true;
			continue;
		}
		group[k] = cs->group[order[i]];
		memcpy(bits + k * cs->stride, src, cs->stride * sizeof(*bits));
		k++;
	}
	free(order);
	free(cs->group);
	free(cs->bits);
	cs->group = group;
	cs->bits = bits;
	cs->n = k;
	return 0;
}

static int cells_build(const struct points *pts, const size_t card[NDIM], const int *merge_order, size_t n_order,
		       struct cells *cs)
{
	bool changed = true;

	*cs = (struct cells){ .n = pts->n };
	for (int d = 0; d < NDIM; d++) {
		cs->words[d] = (card[d] + 63) / 64;
		cs->off[d] = cs->stride;
		cs->stride += cs->words[d];
	}
	cs->group = malloc((pts->n ? pts->n : 1) * sizeof(*cs->group));
	cs->bits = calloc(pts->n ? pts->n : 1, cs->stride * sizeof(*cs->bits));
	if (!cs->group || !cs->bits)
		return -ENOMEM;
	for (size_t i = 0; i < pts->n; i++) {
		uint64_t *b = cell_bits(cs, i);
		cs->group[i] = pts->v[i].group;
		for (int d = 0; d < NDIM; d++)
			if (cs->words[d])
				b[cs->off[d] + pts->v[i].v[d] / 64] |= 1ull << (pts->v[i].v[d] % 64);
	}
	/* merging along one coordinate can make cells equal along another: repeat until stable */
	for (int pass = 0; changed && pass < 8; pass++) {
		changed = false;
		for (size_t i = 0; i < n_order; i++)
			if (merge_dim(cs, merge_order[i], &changed) < 0)
				return -ENOMEM;
	}
	return 0;
}

static void cells_free(struct cells *cs)
{
	free(cs->group);
	free(cs->bits);
}

static bool cell_has(const struct cells *cs, size_t i, int d, size_t v)
{
	return cell_bits(cs, i)[cs->off[d] + v / 64] >> (v % 64) & 1;
}

/* ------------------------------------------------------------ entries -- */

static struct policy_diff_entry *new_entry(struct diff_ctx *c, enum policy_diff_kind kind)
{
	struct policy_diff *d = c->out;

	if (grow((void **)&d->entries, &c->cap_entries, d->n_entries + 1, sizeof(*d->entries)) < 0)
		return NULL;
	d->entries[d->n_entries] = (struct policy_diff_entry){ .kind = kind };
	return &d->entries[d->n_entries++];
}

static int region_qcmp(const void *x, const void *y)
{
	return region_cmp(x, y);
}

static int entry_fill_common(struct diff_ctx *c, struct policy_diff_entry *en, const struct cells *cs, size_t i)
{
	const struct group *g = &c->groups[cs->group[i]];
	size_t nr = 0, ne = 0;

	en->a = g->a;
	en->b = g->b;
	en->section = g->a.section;
	en->a_more = g->a.action < g->b.action; /* allow < audit < deny */
	for (size_t r = 0; r < c->n_regions; r++)
		nr += cell_has(cs, i, D_REGION, r);
	for (size_t e = 1; e <= c->n_exes; e++)
		ne += cell_has(cs, i, D_EXE, e);
	en->regions = calloc(nr ? nr : 1, sizeof(*en->regions));
	en->exes = calloc(ne ? ne : 1, sizeof(*en->exes));
	if (!en->regions || !en->exes)
		return -ENOMEM;
	for (size_t r = 0; r < c->n_regions; r++) {
		if (!cell_has(cs, i, D_REGION, r))
			continue;
		en->regions[en->n_regions] = c->regions[r];
		if (c->regions[r].path && !(en->regions[en->n_regions].path = strdup(c->regions[r].path)))
			return -ENOMEM;
		en->n_regions++;
	}
	qsort(en->regions, en->n_regions, sizeof(*en->regions), region_qcmp);
	en->exe_other = cell_has(cs, i, D_EXE, 0);
	for (size_t e = 1; e <= c->n_exes; e++)
		if (cell_has(cs, i, D_EXE, e))
			en->exes[en->n_exes++] = c->exes[e - 1];
	en->exe_all = en->exe_other && en->n_exes == c->n_exes;
	return 0;
}

static int emit_path_entries(struct diff_ctx *c)
{
	/* access classes merge first ("read,write"), then executables, then regions */
	static const int order[] = { D_CLASS, D_EXE, D_REGION };
	size_t card[NDIM] = { [D_CLASS] = ENF_CLASS_COUNT + 1, [D_EXE] = c->n_exes + 1, [D_REGION] = c->n_regions };
	struct cells cs;
	int r = cells_build(&c->path_points, card, order, N(order), &cs);

	for (size_t i = 0; r == 0 && i < cs.n; i++) {
		struct policy_diff_entry *en = new_entry(c, POLICY_DIFF_PATH);
		if (!en) {
			r = -ENOMEM;
			break;
		}
		for (unsigned k = 0; k <= ENF_CLASS_COUNT; k++)
			if (cell_has(&cs, i, D_CLASS, k))
				en->classes |= 1u << k;
		r = entry_fill_common(c, en, &cs, i);
	}
	cells_free(&cs);
	return r;
}

static int emit_net_entries(struct diff_ctx *c)
{
	/* port segments merge first (into ranges), then protocols, families, ops, executables, regions */
	static const int order[] = { D_PORT, D_PROTO, D_FAMILY, D_CLASS, D_EXE, D_REGION };
	size_t card[NDIM] = { [D_CLASS] = 6, [D_EXE] = c->n_exes + 1, [D_REGION] = c->n_regions, [D_FAMILY] = 6,
			      [D_PROTO] = ENF_NET_PROTO_RAW + 1, [D_PORT] = c->n_segs ? c->n_segs : 1 };
	struct cells cs;
	int r = cells_build(&c->net_points, card, order, N(order), &cs);

	for (size_t i = 0; r == 0 && i < cs.n; i++) {
		struct policy_diff_entry *en = new_entry(c, POLICY_DIFF_NET);
		if (!en) {
			r = -ENOMEM;
			break;
		}
		for (unsigned k = 0; k < 6; k++) {
			if (cell_has(&cs, i, D_CLASS, k))
				en->ops |= 1u << k;
			if (cell_has(&cs, i, D_FAMILY, k))
				en->families |= 1u << k;
		}
		for (unsigned k = 0; k <= ENF_NET_PROTO_RAW; k++)
			if (cell_has(&cs, i, D_PROTO, k))
				en->protos |= 1u << k;
		en->ports = calloc(c->n_segs ? c->n_segs : 1, sizeof(*en->ports));
		if (!en->ports) {
			r = -ENOMEM;
			break;
		}
		for (size_t s = 0; s < c->n_segs; s++) {
			if (!cell_has(&cs, i, D_PORT, s))
				continue;
			if (en->n_ports && (uint32_t)en->ports[en->n_ports - 1].hi + 1 == c->segs[s].lo)
				en->ports[en->n_ports - 1].hi = c->segs[s].hi;
			else
				en->ports[en->n_ports++] = c->segs[s];
		}
		r = entry_fill_common(c, en, &cs, i);
	}
	cells_free(&cs);
	return r;
}

/* ------------------------------------------------- mode, baseline, fileless -- */

static void fileless_verdict(const struct policy_profile *p, struct policy_verdict *v)
{
	*v = (struct policy_verdict){ .section = ENF_SECTION_EXEC };
	if (!p->exec.present) {
		v->action = ENF_ACT_ALLOW;
		v->section_absent = true;
	} else if (p->exec.fileless != ENF_ACT_NONE) {
		v->action = p->exec.fileless; /* by exec.fileless: neither a rule nor the default */
	} else {
		v->action = p->exec.default_action;
		v->by_default = true;
	}
}

static int diff_settings(struct diff_ctx *c, unsigned flags)
{
	struct policy_verdict fa, fb;
	struct policy_diff_entry *en;

	if (!(flags & POLICY_DIFF_IGNORE_MODE) && c->a->mode != c->b->mode) {
		if (!(en = new_entry(c, POLICY_DIFF_MODE)))
			return -ENOMEM;
		en->mode_a = c->a->mode;
		en->mode_b = c->b->mode;
		en->a_more = c->a->mode == ENF_MODE_AUDIT; /* audit denies nothing */
	}
	for (unsigned i = 0; enf_baseline_words[i]; i++) {
		bool oa = c->a->baseline_optout & (1u << i), ob = c->b->baseline_optout & (1u << i);
		if (oa == ob)
			continue;
		if (!(en = new_entry(c, POLICY_DIFF_BASELINE)))
			return -ENOMEM;
		en->baseline_word = i;
		en->optout_a = oa;
		en->optout_b = ob;
		en->a_more = oa;
	}
	fileless_verdict(c->a, &fa);
	fileless_verdict(c->b, &fb);
	if (fa.action != fb.action) {
		if (!(en = new_entry(c, POLICY_DIFF_FILELESS)))
			return -ENOMEM;
		en->section = ENF_SECTION_EXEC;
		en->a = fa;
		en->b = fb;
		en->a_more = fa.action < fb.action;
	}
	return 0;
}

/* --------------------------------------------------------------- main -- */

static int lowest_bit(uint32_t v)
{
	return v ? __builtin_ctz(v) : 32;
}

static int entry_cmp(const void *x, const void *y)
{
	const struct policy_diff_entry *a = x, *b = y;
	int c;

	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	switch (a->kind) {
	case POLICY_DIFF_BASELINE:
		return (int)a->baseline_word - (int)b->baseline_word;
	case POLICY_DIFF_PATH:
		/* exec, then mappings, then file classes in vocabulary order */
		c = (lowest_bit(a->classes) == POLICY_DIFF_CLASS_MAP ? 1 : lowest_bit(a->classes) * 2) -
		    (lowest_bit(b->classes) == POLICY_DIFF_CLASS_MAP ? 1 : lowest_bit(b->classes) * 2);
		if (c)
			return c;
		break;
	case POLICY_DIFF_NET:
		if ((c = lowest_bit(a->ops) - lowest_bit(b->ops)))
			return c;
		break;
	default:
		return 0;
	}
	if (a->n_regions && b->n_regions && (c = region_cmp(&a->regions[0], &b->regions[0])))
		return c;
	if (a->exe_other != b->exe_other)
		return a->exe_other ? -1 : 1;
	if (a->n_exes && b->n_exes && (c = strcmp(a->exes[0], b->exes[0])))
		return c;
	if (a->kind == POLICY_DIFF_NET) {
		if ((c = lowest_bit(a->protos) - lowest_bit(b->protos)))
			return c;
		if ((c = lowest_bit(a->families) - lowest_bit(b->families)))
			return c;
		if (a->n_ports && b->n_ports && (c = (int)a->ports[0].lo - (int)b->ports[0].lo))
			return c;
	}
	return lowest_bit(a->classes) - lowest_bit(b->classes);
}

int policy_diff(const struct policy_profile *a, const struct policy_profile *b, unsigned flags,
		struct policy_diff **ret)
{
	struct diff_ctx c = { .a = a, .b = b };
	int r;

	if (!a || !b || !ret)
		return -EINVAL;
	c.out = calloc(1, sizeof(*c.out));
	if (!c.out)
		return -ENOMEM;
	if ((r = collect_exes(&c)) < 0 || (r = diff_settings(&c, flags)) < 0)
		goto out;
	choose_fresh(&c);
	for (unsigned e = 0; e <= c.n_exes; e++)
		for (unsigned cls = 0; cls <= POLICY_DIFF_CLASS_MAP; cls++) {
			bool exec_side = cls == ENF_CLASS_EXEC || cls == POLICY_DIFF_CLASS_MAP;
			if (exec_side ? !a->exec.present && !b->exec.present : !a->file.present && !b->file.present)
				continue;
			if ((r = diff_path_class(&c, cls, e)) < 0)
				goto out;
		}
	if ((r = diff_net(&c)) < 0 || (r = emit_path_entries(&c)) < 0 || (r = emit_net_entries(&c)) < 0)
		goto out;
	qsort(c.out->entries, c.out->n_entries, sizeof(*c.out->entries), entry_cmp);
	c.out->exes = c.exes;
	c.out->n_exes = c.n_exes;
	c.exes = NULL;
	for (size_t i = 0; i < c.out->n_entries; i++) {
		if (c.out->entries[i].a_more)
			c.out->n_a_more++;
		else
			c.out->n_b_more++;
	}
out:
	for (size_t i = 0; i < c.n_regions; i++)
		free(c.regions[i].path);
	free(c.regions);
	free(c.exes);
	free(c.segs);
	free(c.groups);
	free(c.path_points.v);
	free(c.net_points.v);
	if (r < 0) {
		policy_diff_free(c.out);
		return r;
	}
	*ret = c.out;
	return 0;
}

void policy_diff_free(struct policy_diff *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_entries; i++) {
		struct policy_diff_entry *en = &d->entries[i];
		for (size_t r = 0; r < en->n_regions; r++)
			free(en->regions[r].path);
		free(en->regions);
		free(en->exes);
		free(en->ports);
	}
	free(d->entries);
	free(d->exes);
	free(d);
}

char *policy_diff_classes_text(uint32_t classes)
{
	char buf[128] = "";

	for (unsigned k = 0; k <= POLICY_DIFF_CLASS_MAP; k++)
		if (classes & (1u << k))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", buf[0] ? "," : "",
				 k == POLICY_DIFF_CLASS_MAP ? "exec-mapping" : enf_class_name((enum enf_class)k));
	return strdup(buf);
}

char *policy_diff_region_text(const struct policy_diff_region *r)
{
	char buf[INET6_ADDRSTRLEN + 8], *s = NULL;

	switch (r->kind) {
	case POLICY_REGION_EXACT:
		return strdup(r->path);
	case POLICY_REGION_SUBTREE:
		if (asprintf(&s, "%s/**", strcmp(r->path, "/") == 0 ? "" : r->path) < 0)
			return NULL;
		return s;
	case POLICY_REGION_ELSEWHERE:
		return strdup("(any path no rule names)");
	case POLICY_REGION_PREFIX:
		policy_addr_format(r->addr_family, r->addr, r->prefix_len, buf, sizeof(buf));
		return strdup(buf);
	default:
		return strdup("(no address)");
	}
}
