// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compile a validated profile into a bundle: the path trie (one node per
 * distinct path prefix that some rule names) with, per node and access
 * class, the action for the exact path and for the subtree below it.
 *
 * Rules that meet at the same node and class are merged here by the
 * precedence of docs/policy.md (deny beats audit beats allow at equal
 * specificity), so the kernel only follows the trie: the more specific node
 * wins by construction of the walk.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical.h"
#include "compile.h"
#include "util.h"

/* (parent, name) -> node index, open addressing; the trie is built once. */
struct node_index {
	uint32_t *slots; /* node index + 1; 0 = empty */
	size_t cap;
};

static uint64_t edge_hash(uint32_t parent, const char *name)
{
	uint64_t h = 1469598103934665603ULL ^ parent;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return h ^ (h >> 29);
}

struct trie_builder {
	struct bundle *b;
	uint32_t cap_nodes;
	uint32_t cap_from;
	uint32_t n_exes;
	struct node_index idx;
};

static int index_grow(struct trie_builder *t)
{
	size_t cap = t->idx.cap ? t->idx.cap * 2 : 1024;
	uint32_t *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (uint32_t i = 1; i < t->b->n_nodes; i++) {
		const struct bundle_node *n = &t->b->nodes[i];
		size_t h = edge_hash(n->parent, n->name) & (cap - 1);

		while (slots[h])
			h = (h + 1) & (cap - 1);
		slots[h] = i + 1;
	}
	free(t->idx.slots);
	t->idx.slots = slots;
	t->idx.cap = cap;
	return 0;
}

/* The child of parent named name, created if absent. 0 or -errno. */
static int trie_child(struct trie_builder *t, uint32_t parent, const char *name, size_t name_len,
		      uint32_t *ret_node)
{
	struct bundle *b = t->b;
	char comp[ENF_NAME_MAX];
	size_t h;
	int r;

	if (name_len >= ENF_NAME_MAX)
		return -ENAMETOOLONG; /* the parser already refuses this */
	memcpy(comp, name, name_len);
	comp[name_len] = 0;

	if ((b->n_nodes + 1) * 2 > t->idx.cap) {
		r = index_grow(t);
		if (r < 0)
			return r;
	}
	h = edge_hash(parent, comp) & (t->idx.cap - 1);
	while (t->idx.slots[h]) {
		const struct bundle_node *n = &b->nodes[t->idx.slots[h] - 1];

		if (n->parent == parent && strcmp(n->name, comp) == 0) {
			*ret_node = t->idx.slots[h] - 1;
			return 0;
		}
		h = (h + 1) & (t->idx.cap - 1);
	}
	if (b->n_nodes >= ENF_MAX_TRIE_NODES)
		return -E2BIG;
	if (b->n_nodes == t->cap_nodes) {
		uint32_t cap = t->cap_nodes * 2;
		struct bundle_node *p = realloc(b->nodes, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		b->nodes = p;
		t->cap_nodes = cap;
	}
	b->nodes[b->n_nodes] = (struct bundle_node){ .parent = parent, .name = strdup(comp) };
	if (!b->nodes[b->n_nodes].name)
		return -ENOMEM;
	b->nodes[b->n_nodes].val.node = b->n_nodes;
	t->idx.slots[h] = b->n_nodes + 1;
	*ret_node = b->n_nodes++;
	return 0;
}

static int trie_node_for_path(struct trie_builder *t, const char *path, uint32_t *ret_node)
{
	uint32_t node = 0;
	const char *p = path;

	/* Normalised absolute path: "/" or "/a/b" with no empty components. */
	while (*p == '/' && p[1]) {
		const char *start = p + 1, *end = strchr(start, '/');
		size_t len = end ? (size_t)(end - start) : strlen(start);
		int r = trie_child(t, node, start, len, &node);

		if (r < 0)
			return r;
		p = start + len;
	}
	*ret_node = node;
	return 0;
}

static void merge_action(__u8 *action, __u32 *rule, enum enf_action a, uint32_t id)
{
	/* Equal specificity: the larger enum enf_action wins; ties keep the smaller id. */
	if (a > *action || (a == *action && id < *rule)) {
		*action = (__u8)a;
		*rule = id;
	}
}

int compile_error(struct policy_error *err, const struct policy_source *src, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!err)
		return -EINVAL;
	if (src && src->file)
		n = snprintf(err->text, sizeof(err->text), "%s:%d:%d: ", src->file, src->line, src->column);
	if (n < 0 || (size_t)n >= sizeof(err->text))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(err->text + n, sizeof(err->text) - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const char *section_name(enum enf_section s)
{
	return s == ENF_SECTION_EXEC ? "exec" : s == ENF_SECTION_FILE ? "file" : "network";
}

/* The exe_id of an executable named in some 'from', assigned on first use. */
static int exe_id_of(struct trie_builder *t, const char *exe, uint32_t *ret_exe_id)
{
	uint32_t node;
	int r = trie_node_for_path(t, exe, &node);

	if (r < 0)
		return r;
	if (!t->b->nodes[node].val.exe_id)
		t->b->nodes[node].val.exe_id = ++t->n_exes;
	*ret_exe_id = t->b->nodes[node].val.exe_id;
	return 0;
}

static int exe_id_cb(void *ctx, const char *exe, uint32_t *ret_exe_id)
{
	return exe_id_of(ctx, exe, ret_exe_id);
}

/* The 'from' entry for (node, exe_id), created if absent. */
static int from_entry(struct trie_builder *t, uint32_t node, uint32_t exe_id, struct enf_actions **ret)
{
	struct bundle *b = t->b;

	for (uint32_t i = 0; i < b->n_from; i++) {
		if (b->from[i].node == node && b->from[i].exe_id == exe_id) {
			*ret = &b->from[i].actions;
			return 0;
		}
	}
	if (b->n_from == t->cap_from) {
		uint32_t cap = t->cap_from ? t->cap_from * 2 : 16;
		struct bundle_file_from *p = realloc(b->from, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		b->from = p;
		t->cap_from = cap;
	}
	b->from[b->n_from] = (struct bundle_file_from){ .node = node, .exe_id = exe_id };
	*ret = &b->from[b->n_from++].actions;
	return 0;
}

static void apply_rule(__u8 *exact, __u32 *exact_rule, __u8 *subtree, __u32 *subtree_rule,
		       const struct policy_path_rule *rule)
{
	for (int c = 0; c < ENF_CLASS_COUNT; c++) {
		if (!(rule->access & (1u << c)))
			continue;
		if (rule->subtree)
			merge_action(&subtree[c], &subtree_rule[c], rule->action, rule->id);
		else
			merge_action(&exact[c], &exact_rule[c], rule->action, rule->id);
	}
}

static int compile_path_section(struct trie_builder *t, const struct policy_path_section *sec,
				enum enf_section section, struct policy_error *err)
{
	struct bundle *b = t->b;

	for (size_t i = 0; i < sec->n_rules; i++) {
		const struct policy_path_rule *rule = &sec->rules[i];
		struct bundle_rule *br = &b->rules[b->n_rules];
		struct enf_node_val *val;
		uint32_t node;
		int r;

		r = trie_node_for_path(t, rule->path, &node);
		if (r == -E2BIG)
			return compile_error(err, &rule->src, "%s.rules[%zu]: more than %u distinct path nodes in one profile",
					     section_name(section), i, ENF_MAX_TRIE_NODES);
		if (r < 0)
			return r;
		if (!rule->n_from) {
			val = &b->nodes[node].val;
			apply_rule(val->exact, val->exact_rule, val->subtree, val->subtree_rule, rule);
		}
		for (size_t f = 0; f < rule->n_from; f++) {
			struct enf_actions *fa;
			uint32_t exe_id;

			r = exe_id_of(t, rule->from[f], &exe_id);
			if (r == 0)
				r = from_entry(t, node, exe_id, &fa);
			if (r == -E2BIG)
				return compile_error(err, &rule->src, "%s.rules[%zu].from[%zu]: more than %u distinct path nodes in one profile",
						     section_name(section), i, f, ENF_MAX_TRIE_NODES);
			if (r < 0)
				return r;
			apply_rule(fa->exact, fa->exact_rule, fa->subtree, fa->subtree_rule, rule);
		}
		*br = (struct bundle_rule){
			.id = rule->id, .section = section, .action = rule->action,
			.line = (uint32_t)rule->src.line, .column = (uint32_t)rule->src.column,
			.text = policy_path_rule_canonical(rule, section, true),
		};
		if (!br->text)
			return -ENOMEM;
		b->n_rules++;
	}
	return 0;
}

static bool restricts(const __u8 *exact, const __u8 *subtree)
{
	for (int c = 0; c < ENF_CLASS_COUNT; c++)
		if (exact[c] >= ENF_ACT_AUDIT || subtree[c] >= ENF_ACT_AUDIT)
			return true;
	return false;
}

static bool has_rule(const __u8 *exact, const __u8 *subtree)
{
	for (int c = 0; c < ENF_CLASS_COUNT; c++)
		if (exact[c] != ENF_ACT_NONE || subtree[c] != ENF_ACT_NONE)
			return true;
	return false;
}

/*
 * Mark as guarded (no rename may carry it away or put something in its
 * place: lsm-progs/decide.bpf.c, CHECK_GUARD_MOVE) every node that a deny
 * or audit rule names, and every node with a rule of any action below it.
 * The refer rule compares only what a moved directory and its content
 * inherit at either name; rules deeper than the name would apply to the
 * moved content unseen: a denied directory moved onto /srv/r/shared, where
 * a rule allows reading /srv/r/shared/pub and all below it, would have its
 * pub/ read. Moving a restricted one away would take its paths out of
 * their rules. Parents precede children: one pass from the leaves.
 */
static void mark_guarded(struct bundle *b)
{
	for (uint32_t i = 0; i < b->n_from; i++) {
		struct bundle_node *n = &b->nodes[b->from[i].node];

		if (restricts(b->from[i].actions.exact, b->from[i].actions.subtree))
			n->val.flags |= ENF_NODE_GUARDED;
		if (n->parent != BUNDLE_NO_PARENT && has_rule(b->from[i].actions.exact, b->from[i].actions.subtree))
			b->nodes[n->parent].val.flags |= ENF_NODE_GUARDED;
	}
	for (uint32_t i = b->n_nodes; i-- > 1;) {
		struct bundle_node *n = &b->nodes[i];

		if (restricts(n->val.exact, n->val.subtree))
			n->val.flags |= ENF_NODE_GUARDED;
		if ((n->val.flags & ENF_NODE_GUARDED) || has_rule(n->val.exact, n->val.subtree))
			b->nodes[n->parent].val.flags |= ENF_NODE_GUARDED;
	}
}

static int rule_id_cmp(const void *a, const void *b)
{
	const struct bundle_rule *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int policy_compile(const struct policy_profile *p, struct bundle **ret_bundle, struct policy_error *err)
{
	struct trie_builder t = {};
	struct bundle *b;
	size_t n_rules = p->exec.n_rules + p->file.n_rules + p->network.n_rules;
	int r;

	if (strlen(p->name) >= ENF_PROFILE_NAME_MAX)
		return compile_error(err, NULL, "profile name longer than %d characters", ENF_PROFILE_NAME_MAX - 1);

	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	t.b = b;
	t.cap_nodes = 64;
	b->nodes = calloc(t.cap_nodes, sizeof(*b->nodes));
	b->rules = calloc(n_rules ? n_rules : 1, sizeof(*b->rules));
	b->source_file = strdup(p->source_file ? p->source_file : "");
	if (!b->nodes || !b->rules || !b->source_file) {
		r = -ENOMEM;
		goto fail;
	}
	b->nodes[0] = (struct bundle_node){ .parent = BUNDLE_NO_PARENT, .name = strdup("") };
	if (!b->nodes[0].name) {
		r = -ENOMEM;
		goto fail;
	}
	b->n_nodes = 1;
	snprintf(b->name, sizeof(b->name), "%s", p->name);
	b->mode = p->mode;
	/* An absent section decides nothing: everything it would cover is allowed. */
	b->defaults[ENF_SECTION_EXEC] = p->exec.present ? p->exec.default_action : ENF_ACT_ALLOW;
	b->defaults[ENF_SECTION_FILE] = p->file.present ? p->file.default_action : ENF_ACT_ALLOW;
	b->defaults[ENF_SECTION_NETWORK] = ENF_ACT_ALLOW;

	b->fileless_exec = p->exec.present ? p->exec.fileless : ENF_ACT_NONE;
	b->baseline_optout = p->baseline_optout;
	r = compile_path_section(&t, &p->exec, ENF_SECTION_EXEC, err);
	if (r == 0)
		r = compile_path_section(&t, &p->file, ENF_SECTION_FILE, err);
	if (r == 0)
		r = policy_compile_net(p, b, exe_id_cb, &t, err);
	if (r < 0)
		goto fail;
	mark_guarded(b);
	if (b->n_from)
		b->flags |= ENF_PROFILE_HAS_FROM;
	qsort(b->rules, b->n_rules, sizeof(*b->rules), rule_id_cmp);
	for (uint32_t i = 1; i < b->n_rules; i++) {
		if (b->rules[i].id == b->rules[i - 1].id) {
			r = compile_error(err, NULL, "internal error: rule id %08x assigned twice", b->rules[i].id);
			goto fail;
		}
	}
	free(t.idx.slots);
	*ret_bundle = b;
	return 0;
fail:
	free(t.idx.slots);
	bundle_free(b);
	return r;
}
