// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writing a bundle's path rules into the kernel: the trie (path_trie and
 * path_trie_long), the 'from'-limited actions (from_rules) and the inode
 * identities (inodes).
 *
 * Inode identities are resolved here, at load time, in the daemon's mount
 * namespace, and again in the mount namespace of each attached cgroup's
 * tasks where it differs (a container's: path_identities_add_view()):
 * every node that a deny or audit rule names is resolved and,
 * if it exists, its identity (superblock device, inode: inode_id.h) carries
 * the node's restrictions, so the rule
 * also holds for the same object under another name: a hard link, a bind
 * mount, or a symlinked rule path (followed to what the kernel will see).
 * Objects created after the load are covered by their path only.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "inode_filter.h"
#include "inode_id.h"
#include "log.h"
#include "profiles_path.h"
#include "util.h"

static int from_rules_fd(const struct engine *e)
{
	return engine_map_fd(e, "from_rules");
}

static int inodes_fd(const struct engine *e)
{
	return engine_map_fd(e, "inodes");
}

/* A short key is the first bytes of a long one, NUL padding included. */
_Static_assert(offsetof(struct enf_trie_long_key, name) == offsetof(struct enf_trie_key, name),
	       "trie keys share their layout");

/*
 * Node i's key, and the map it lives in: path_trie when its name is short
 * (the map reads only the first sizeof(struct enf_trie_key) bytes of the
 * key), path_trie_long otherwise. The same test as trie_edge() in
 * lsm-progs/path.bpf.h. The map's fd, or -errno.
 */
static int trie_key_of(const struct engine *e, const struct bundle *b, uint32_t i, uint32_t instance,
		       struct enf_trie_long_key *key)
{
	memset(key, 0, sizeof(*key));
	key->instance = instance;
	key->parent = b->nodes[i].parent == BUNDLE_NO_PARENT ? ENF_TRIE_ROOT_PARENT : b->nodes[i].parent;
	snprintf(key->name, sizeof(key->name), "%s", b->nodes[i].name);
	if (strlen(key->name) <= ENF_SHORT_NAME_LEN)
		return e->path_trie_fd;
	return engine_map_fd(e, "path_trie_long");
}

/* Remove the first n nodes of an instance (all of them when n == b->n_nodes). */
static void trie_remove(const struct engine *e, const struct bundle *b, uint32_t instance, uint32_t n)
{
	struct enf_trie_long_key key;

	for (uint32_t i = 0; i < n; i++) {
		int fd = trie_key_of(e, b, i, instance, &key);

		if (bpf_map_delete_elem(fd, &key) < 0 && errno != ENOENT)
			log_warn("cannot remove path node %u of instance %u: %m", i, instance);
	}
}

static void from_remove(const struct engine *e, const struct bundle *b, uint32_t instance, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct enf_from_key key = { .instance = instance, .node = b->from[i].node, .exe_id = b->from[i].exe_id };

		if (bpf_map_delete_elem(from_rules_fd(e), &key) < 0 && errno != ENOENT)
			log_warn("cannot remove 'from' entry %u of instance %u: %m", i, instance);
	}
}

static void inodes_remove(const struct engine *e, uint32_t instance)
{
	_cleanup_free_ struct enf_inode_filter *kept = calloc(1, sizeof(*kept));
	struct enf_inode_key cur, next;
	bool have_cur = false;
	int r;

	/*
	 * Keys are not kept: the instance's entries are found by walking the
	 * map. Only `next` is ever deleted, so the cursor stays valid; every
	 * entry the cursor passes stays, and the same walk marks its bit.
	 */
	while (bpf_map_get_next_key(inodes_fd(e), have_cur ? &cur : NULL, &next) == 0) {
		if (next.instance == instance) {
			if (bpf_map_delete_elem(inodes_fd(e), &next) == 0 || errno == ENOENT)
				continue;
			log_warn("cannot remove an inode entry of instance %u: %m", instance);
		}
		if (kept)
			inode_filter_mark(kept, next.ino);
		cur = next;
		have_cur = true;
	}
	/*
	 * Only now may the removed identities' bits go: until here their
	 * entries could be found. A walk cut short has not marked them all.
	 */
	if (errno != ENOENT)
		r = -errno;
	else
		r = kept ? inode_filter_write(engine_map_fd(e, "inode_filter"), kept) : -ENOMEM;
	if (r < 0)
		log_warn("cannot rewrite the inode filter after removing instance %u: %s (it keeps their bits: "
			 "lookups cost more, nothing is missed)", instance, strerror(-r));
}

static int map_full_error(const struct bundle *b, const char *what, int r, char *msg, size_t size)
{
	if (r == -E2BIG || r == -ENOMEM)
		snprintf(msg, size, "profile '%s': the kernel %s map is full (%u entries over all profiles); "
			 "unload profiles or split this one", b->name, what, ENF_MAX_TRIE_NODES);
	else
		snprintf(msg, size, "profile '%s': cannot write a %s entry: %s", b->name, what, strerror(-r));
	return r;
}

/* The path a node stands for, to resolve its identity. */
static void node_path(const struct bundle *b, uint32_t i, char *buf, size_t size)
{
	const char *parts[ENF_RULE_DEPTH_MAX + 1];
	size_t n = 0, off = 0;

	for (; i != 0 && i < b->n_nodes && n < ARRAY_SIZE(parts); i = b->nodes[i].parent)
		parts[n++] = b->nodes[i].name;
	if (n == 0)
		snprintf(buf, size, "/");
	while (n-- > 0 && off < size)
		off += (size_t)snprintf(buf + off, size - off, "/%s", parts[n]);
}

static bool restricts(const struct enf_node_val *v)
{
	for (int c = 0; c < ENF_CLASS_COUNT; c++)
		if (v->exact[c] >= ENF_ACT_AUDIT || v->subtree[c] >= ENF_ACT_AUDIT)
			return true;
	return false;
}

static void merge_actions(struct enf_actions *into, const struct enf_node_val *v)
{
	for (int c = 0; c < ENF_CLASS_COUNT; c++) {
		if (v->exact[c] > into->exact[c]) {
			into->exact[c] = v->exact[c];
			into->exact_rule[c] = v->exact_rule[c];
		}
		if (v->subtree[c] > into->subtree[c]) {
			into->subtree[c] = v->subtree[c];
			into->subtree_rule[c] = v->subtree_rule[c];
		}
	}
}

/*
 * What node i's rules amount to where its path is matched: per class, its own
 * action, else the nearest ancestor's subtree action. An identity carries
 * this, not only the node's own rules, because a walk keeps only the first
 * identity it meets (lsm-progs/path.bpf.h): a rule deeper in a denied
 * subtree must not hide the subtree's restriction under another name.
 */
static struct enf_node_val effective_node(const struct bundle *b, uint32_t i)
{
	struct enf_node_val eff = b->nodes[i].val;

	for (int c = 0; c < ENF_CLASS_COUNT; c++) {
		uint32_t n = i, steps = 0;

		while ((eff.exact[c] == ENF_ACT_NONE || eff.subtree[c] == ENF_ACT_NONE) && n != 0 &&
		       steps++ <= ENF_RULE_DEPTH_MAX) {
			const struct enf_node_val *up;

			n = b->nodes[n].parent;
			if (n >= b->n_nodes)
				break;
			up = &b->nodes[n].val;
			if (eff.exact[c] == ENF_ACT_NONE && up->subtree[c] != ENF_ACT_NONE) {
				eff.exact[c] = up->subtree[c];
				eff.exact_rule[c] = up->subtree_rule[c];
			}
			if (eff.subtree[c] == ENF_ACT_NONE && up->subtree[c] != ENF_ACT_NONE) {
				eff.subtree[c] = up->subtree[c];
				eff.subtree_rule[c] = up->subtree_rule[c];
			}
		}
	}
	return eff;
}

/*
 * Which nodes a 'from' entry names (ENF_NODE_FROM): the daemon sets the
 * flag from the entries it writes, so a bundle compiled before the flag
 * existed has it too, and no bundle can claim it for a node without one.
 */
static int from_nodes(const struct bundle *b, bool **ret_named)
{
	bool *named = calloc(b->n_nodes ? b->n_nodes : 1, sizeof(*named));

	if (!named)
		return -ENOMEM;
	for (uint32_t i = 0; i < b->n_from; i++)
		named[b->from[i].node] = true; /* bundle_parse() checked node < n_nodes */
	*ret_named = named;
	return 0;
}

/*
 * Which nodes have rules their identity does not carry at or below them
 * (ENF_IDENT_RULES_BELOW): a node with an action of its own marks every
 * ancestor; one with a 'from' entry (identities carry none) itself too.
 * Parents precede children in a bundle: one pass from the last node.
 */
static int nodes_with_rules_below(const struct bundle *b, bool **ret_below)
{
	bool *below;
	uint32_t parent;
	int r;

	r = from_nodes(b, &below);
	if (r < 0)
		return r;
	for (uint32_t i = b->n_nodes; i-- > 1;) {
		const struct enf_node_val *v = &b->nodes[i].val;
		bool rule = false;

		for (int c = 0; c < ENF_CLASS_COUNT; c++)
			rule |= v->exact[c] != ENF_ACT_NONE || v->subtree[c] != ENF_ACT_NONE;
		parent = b->nodes[i].parent;
		if ((rule || below[i]) && parent < i)
			below[parent] = true;
	}
	*ret_below = below;
	return 0;
}

/* Node i's identity (dev, ino) carrying v, merged with what other rule paths naming the same object gave it. 0 or -errno. */
static int identity_insert(const struct engine *e, const struct enf_node_val *v, uint32_t instance, uint32_t i,
			   bool rules_below, uint64_t dev, uint64_t ino)
{
	struct enf_inode_key key = { .instance = instance, .dev = dev, .ino = ino };
	struct enf_inode_val val;

	/* Two rule paths may name one object (a symlink and its target): merge. */
	if (bpf_map_lookup_elem(inodes_fd(e), &key, &val) < 0)
		val = (struct enf_inode_val){ .node = i };
	if (rules_below)
		val.flags |= ENF_IDENT_RULES_BELOW;
	merge_actions(&val.actions, v);
	if (bpf_map_update_elem(inodes_fd(e), &key, &val, BPF_ANY) < 0)
		return -errno;
	return 0;
}

/*
 * Identities of every node a deny or audit rule names, resolved by
 * identity_of() (in the daemon's namespace, or another's); *ret_count is
 * how many. Best effort per path (an object that is not there yet is
 * covered by its path), strict per map: -errno when the map refused one.
 * All are resolved first, so that the filter gets their bits in one write
 * before any entry can be found.
 */
static int identities_insert(const struct engine *e, const struct bundle *b, uint32_t instance,
			     int (*identity_of)(void *ctx, const char *path, uint64_t *dev, uint64_t *ino),
			     void *ctx, uint32_t *ret_count)
{
	_cleanup_free_ uint64_t *devs = NULL, *inos = NULL;
	_cleanup_free_ uint32_t *nodes = NULL;
	_cleanup_free_ bool *below = NULL;
	char path[8192];
	uint32_t count = 0, max = 0;
	int r;

	for (uint32_t i = 0; i < b->n_nodes; i++)
		max += restricts(&b->nodes[i].val);
	if (max == 0) {
		*ret_count = 0;
		return 0;
	}
	devs = calloc(max, sizeof(*devs));
	inos = calloc(max, sizeof(*inos));
	nodes = calloc(max, sizeof(*nodes));
	if (!devs || !inos || !nodes || nodes_with_rules_below(b, &below) < 0)
		return -ENOMEM;
	for (uint32_t i = 0; i < b->n_nodes; i++) {
		if (!restricts(&b->nodes[i].val))
			continue;
		node_path(b, i, path, sizeof(path));
		if (identity_of(ctx, path, &devs[count], &inos[count]) < 0)
			continue; /* not there (yet): its path rule still applies */
		nodes[count++] = i;
	}
	r = inode_filter_add(engine_map_fd(e, "inode_filter"), inos, count);
	if (r < 0)
		return r;
	for (uint32_t k = 0; k < count; k++) {
		struct enf_node_val eff = effective_node(b, nodes[k]);

		r = identity_insert(e, &eff, instance, nodes[k], below[nodes[k]], devs[k], inos[k]);
		if (r < 0)
			return r;
	}
	*ret_count = count;
	return 0;
}

static int identity_here(void *ctx, const char *path, uint64_t *dev, uint64_t *ino)
{
	return inode_identity(ctx, path, dev, ino);
}

static int identity_in_view(void *ctx, const char *path, uint64_t *dev, uint64_t *ino)
{
	return ns_view_identity(ctx, path, dev, ino);
}

/* The identities in the daemon's own namespace, at load; on failure none of the instance's are left. */
static int inodes_insert(const struct engine *e, const struct bundle *b, uint32_t instance,
			 uint32_t *ret_count, char *msg, size_t size)
{
	struct mount_devs *mounts = NULL;
	int r;

	(void)mount_devs_read(&mounts); /* without it, each identity reads the mounts itself */
	r = identities_insert(e, b, instance, identity_here, mounts, ret_count);
	mount_devs_free(mounts);
	if (r < 0) {
		inodes_remove(e, instance);
		return map_full_error(b, "inode", r, msg, size);
	}
	return 0;
}

int path_identities_add_view(const struct engine *e, const struct bundle *b, uint32_t instance,
			     const struct ns_view *view, uint32_t *ret_count, char *msg, size_t size)
{
	int r = identities_insert(e, b, instance, identity_in_view, (void *)view, ret_count);

	/* What was added stays: identities only ever restrict, and the instance's removal takes them. */
	return r < 0 ? map_full_error(b, "inode", r, msg, size) : 0;
}

uint32_t path_from_exes(const struct bundle *b)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < b->n_from; i++)
		if (b->from[i].exe_id > n)
			n = b->from[i].exe_id;
	return n;
}

int path_rules_insert(const struct engine *e, const struct bundle *b, uint32_t instance,
		      uint8_t *ret_flags, char *msg, size_t size)
{
	_cleanup_free_ bool *from_named = NULL;
	struct enf_trie_long_key key;
	uint32_t n_inodes = 0;
	int r;

	r = from_nodes(b, &from_named);
	if (r < 0) {
		snprintf(msg, size, "profile '%s': %s", b->name, strerror(-r));
		return r;
	}
	for (uint32_t i = 0; i < b->n_nodes; i++) {
		int fd = trie_key_of(e, b, i, instance, &key);
		struct enf_node_val val = b->nodes[i].val;

		/* policyc's flag as compiled, the daemon's as it knows; no other bit reaches the kernel. */
		val.flags = (val.flags & ENF_NODE_GUARDED) | (from_named[i] ? ENF_NODE_FROM : 0);
		if (bpf_map_update_elem(fd, &key, &val, BPF_NOEXIST) < 0) {
			r = -errno;
			trie_remove(e, b, instance, i);
			return map_full_error(b, "path", r, msg, size);
		}
	}
	for (uint32_t i = 0; i < b->n_from; i++) {
		struct enf_from_key fkey = { .instance = instance, .node = b->from[i].node, .exe_id = b->from[i].exe_id };

		if (bpf_map_update_elem(from_rules_fd(e), &fkey, &b->from[i].actions, BPF_NOEXIST) < 0) {
			r = -errno;
			from_remove(e, b, instance, i);
			trie_remove(e, b, instance, b->n_nodes);
			return map_full_error(b, "'from'", r, msg, size);
		}
	}
	r = inodes_insert(e, b, instance, &n_inodes, msg, size);
	if (r < 0) {
		from_remove(e, b, instance, b->n_from);
		trie_remove(e, b, instance, b->n_nodes);
		return r;
	}
	*ret_flags = (b->flags & ENF_PROFILE_HAS_FROM) | (n_inodes ? ENF_PROFILE_HAS_INODES : 0) | ENF_PROFILE_MOVE_MARKS;
	return 0;
}

void path_rules_remove(const struct engine *e, const struct bundle *b, uint32_t instance)
{
	inodes_remove(e, instance);
	from_remove(e, b, instance, b->n_from);
	trie_remove(e, b, instance, b->n_nodes);
}
