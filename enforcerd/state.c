// SPDX-License-Identifier: GPL-2.0-only
/*
 * The persisted state (state.h): restore and save. One file, over 700 lines:
 * save writes exactly what restore reads (the files, their names, the order
 * that keeps a crash harmless), and restore reconciles state.json, the
 * pinned maps and the cgroup tree in one pass; apart, the two directions
 * would drift.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cgroup.h"
#include "live_edit.h"
#include "log.h"
#include "state.h"
#include "state_file.h"
#include "util.h"

#define STATE_FILE "state.json"

/* Maps whose keys carry a profile instance; entries of no current instance are garbage. */
static const struct {
	const char *map;
	size_t instance_off;
} instance_maps[] = {
	{ "path_trie",  offsetof(struct enf_trie_key, instance) },
	{ "path_trie_long", offsetof(struct enf_trie_long_key, instance) },
	{ "from_rules", offsetof(struct enf_from_key, instance) },
	{ "inodes",     offsetof(struct enf_inode_key, instance) },
	{ "net_rules",  offsetof(struct enf_net_key, instance) },
};

bool profile_is_orphan(const struct profile *p)
{
	return p->used && p->bundle && p->bundle->n_nodes == 0;
}

static void problem(struct state_store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct state_store *st, const char *fmt, ...)
{
	size_t n = strlen(st->problem);
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_error("state: %s", line);
	if (n < sizeof(st->problem) - 1)
		textf(st->problem + n, sizeof(st->problem) - n, "%s%s", n ? "; " : "", line);
}

static int mkdir_parents(const char *dir)
{
	char buf[PATH_MAX];

	textf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int state_open(struct state_store *st, const char *dir, struct origins *origins, char *msg, size_t size)
{
	int r;

	memset(st, 0, sizeof(*st));
	st->origins = origins;
	st->dir = strdup(dir);
	if (!st->dir)
		return -ENOMEM;
	r = mkdir_parents(dir);
	if (r < 0)
		textf(msg, size, "cannot create the state directory %s: %s", dir, strerror(-r));
	return r;
}

void state_close(struct state_store *st)
{
	free(st->dir);
	memset(st, 0, sizeof(*st));
}

static void path_in(const struct state_store *st, const char *name, char *buf, size_t size)
{
	textf(buf, size, "%s/%s", st->dir, name);
}

/*
 * Rename a file aside with a suffix; returns the new name in buf. Never
 * over an earlier one: two files kept aside within the same second get
 * distinct names (RENAME_NOREPLACE), so nothing kept is ever lost.
 */
static int keep_aside(const struct state_store *st, const char *name, const char *why, char *buf, size_t size)
{
	long long now = (long long)time(NULL);
	char from[PATH_MAX];

	path_in(st, name, from, sizeof(from));
	for (int n = 0; n < 1000; n++) {
		if (n == 0)
			textf(buf, size, "%s/%s.%s-%lld", st->dir, name, why, now);
		else
			textf(buf, size, "%s/%s.%s-%lld.%d", st->dir, name, why, now, n);
		if (renameat2(AT_FDCWD, from, AT_FDCWD, buf, RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

static int read_doc(struct state_store *st, struct state_doc *doc)
{
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX], err[1024], aside[PATH_MAX];
	size_t len;
	int r;

	memset(doc, 0, sizeof(*doc));
	path_in(st, STATE_FILE, path, sizeof(path));
	r = read_file_all(path, STATE_FILE_MAX, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r == 0)
		r = state_doc_parse(text, len, doc, err, sizeof(err));
	else
		textf(err, sizeof(err), "%s", strerror(-r));
	if (r == 0)
		return 0;
	if (keep_aside(st, STATE_FILE, "corrupt", aside, sizeof(aside)) == 0)
		problem(st, "%s is not a usable state file (%s); kept as %s. Enforcement pinned in the kernel "
			"stays in force; profiles it cannot name are listed as orphan-SLOT.", path, err, aside);
	else
		problem(st, "%s is not a usable state file (%s) and could not be kept aside: %m", path, err);
	return 0;
}

/* ---- the kernel's view --------------------------------------------------- */

struct kernel_view {
	bool has[ENF_MAX_PROFILES];
	struct enf_profile_val val[ENF_MAX_PROFILES];
	struct enf_attach_key *att_keys;
	struct enf_attach_val *att_vals;
	size_t n_att;
	uint32_t max_instance;
	uint64_t max_generation;
};

static void kernel_view_free(struct kernel_view *kv)
{
	free(kv->att_keys);
	free(kv->att_vals);
}

/*
 * Visit every key of a map; visit() returns true to delete the key. The
 * previous key is deleted only after the next one is known, so deleting
 * never restarts the walk.
 */
static int map_walk(int fd, bool (*visit)(const void *key, void *ctx), void *ctx)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		return -errno;
	{
		unsigned char a[info.key_size], b[info.key_size];
		unsigned char *prev = NULL, *next = a;
		bool del_prev = false;

		while (bpf_map_get_next_key(fd, prev, next) == 0) {
			if (prev && del_prev)
				(void)bpf_map_delete_elem(fd, prev);
			del_prev = visit(next, ctx);
			prev = next;
			next = next == a ? b : a;
		}
		if (prev && del_prev)
			(void)bpf_map_delete_elem(fd, prev);
	}
	return 0;
}

struct instance_walk {
	size_t off;
	uint32_t max;
	const uint32_t *live;   /* sorted; NULL: only find the maximum */
	size_t n_live;
	uint64_t removed;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool visit_instance(const void *key, void *ctx)
{
	struct instance_walk *w = ctx;
	uint32_t inst;

	memcpy(&inst, (const char *)key + w->off, sizeof(inst));
	if (inst > w->max)
		w->max = inst;
	if (!w->live || bsearch(&inst, w->live, w->n_live, sizeof(inst), cmp_u32))
		return false;
	w->removed++;
	return true;
}

/* The largest instance id in any instance-keyed map (garbage included). */
static uint32_t max_instance_in_maps(const struct engine *e)
{
	uint32_t max = 0;

	for (size_t i = 0; i < ARRAY_SIZE(instance_maps); i++) {
		struct instance_walk w = { .off = instance_maps[i].instance_off };
		int fd = engine_map_fd(e, instance_maps[i].map);

		if (fd >= 0 && map_walk(fd, visit_instance, &w) == 0 && w.max > max)
			max = w.max;
	}
	return max;
}

/* Remove entries of instances no profile uses: left by a daemon that died mid-update. */
static void gc_instances(struct profiles *ps)
{
	uint32_t live[ENF_MAX_PROFILES];
	size_t n = 0;
	uint64_t removed = 0;

	for (size_t i = 0; i < ENF_MAX_PROFILES; i++)
		if (ps->slots[i].used)
			live[n++] = ps->slots[i].instance;
	qsort(live, n, sizeof(live[0]), cmp_u32);
	for (size_t i = 0; i < ARRAY_SIZE(instance_maps); i++) {
		struct instance_walk w = { .off = instance_maps[i].instance_off, .live = live, .n_live = n };
		int fd = engine_map_fd(ps->engine, instance_maps[i].map);

		if (fd >= 0 && map_walk(fd, visit_instance, &w) == 0)
			removed += w.removed;
	}
	if (removed)
		log_info("removed %llu map entries of profile versions no longer in use",
			 (unsigned long long)removed);
}

struct profiles_walk {
	struct kernel_view *kv;
	int fd;
};

static bool visit_profile(const void *key, void *ctx)
{
	struct profiles_walk *w = ctx;
	__u32 slot;
	struct enf_profile_val v;

	memcpy(&slot, key, sizeof(slot));
	if (slot >= ENF_MAX_PROFILES || bpf_map_lookup_elem(w->fd, &slot, &v) < 0)
		return false;
	w->kv->has[slot] = true;
	w->kv->val[slot] = v;
	if (v.instance > w->kv->max_instance)
		w->kv->max_instance = v.instance;
	if (v.generation > w->kv->max_generation)
		w->kv->max_generation = v.generation;
	return false;
}

struct attach_walk {
	struct kernel_view *kv;
	int fd;
	size_t cap;
};

static bool visit_attachment(const void *key, void *ctx)
{
	struct attach_walk *w = ctx;
	struct kernel_view *kv = w->kv;
	struct enf_attach_val v;

	if (bpf_map_lookup_elem(w->fd, key, &v) < 0)
		return false;
	if (kv->n_att == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		void *k = realloc(kv->att_keys, cap * sizeof(*kv->att_keys));
		void *vv = k ? realloc(kv->att_vals, cap * sizeof(*kv->att_vals)) : NULL;

		if (k)
			kv->att_keys = k;
		if (!vv)
			return false;
		kv->att_vals = vv;
		w->cap = cap;
	}
	memcpy(&kv->att_keys[kv->n_att], key, sizeof(*kv->att_keys));
	kv->att_vals[kv->n_att++] = v;
	return false;
}

static int read_kernel(const struct engine *e, struct kernel_view *kv)
{
	struct profiles_walk pw = { .kv = kv, .fd = e->profiles_fd };
	struct attach_walk aw = { .kv = kv, .fd = e->attachments_fd };
	int r;

	memset(kv, 0, sizeof(*kv));
	r = map_walk(e->profiles_fd, visit_profile, &pw);
	if (r == 0)
		r = map_walk(e->attachments_fd, visit_attachment, &aw);
	return r;
}

/* ---- bundles and their documents ----------------------------------------- */

static struct bundle *stub_bundle(const char *name, const struct enf_profile_val *kval, const char *why)
{
	struct bundle *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	textf(b->name, sizeof(b->name), "%s", name);
	b->mode = kval ? (enum enf_mode)kval->mode : ENF_MODE_ENFORCE;
	if (kval) {
		memcpy(b->defaults, kval->defaults, sizeof(b->defaults));
		b->flags = kval->flags;
		b->fileless_exec = kval->fileless_exec;
		b->baseline_optout = kval->baseline_optout;
	}
	b->source_file = strdup(why);
	if (!b->source_file) {
		free(b);
		return NULL;
	}
	return b;
}

/* The stored document beside a bundle: {"format", "source_file", "fileless_exec", "positions", "profile"}. */
static int write_source(const struct state_store *st, const struct bundle *b, const char *name)
{
	_cleanup_free_ char *doc = bundle_to_source(b), *text = NULL;
	char path[PATH_MAX];
	json_t *pos = json_array(), *o;

	if (!doc || !pos) {
		json_decref(pos);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < b->n_rules; i++)
		if (b->rules[i].line)
			json_array_append_new(pos, json_pack("[I, i, i]", (json_int_t)b->rules[i].id,
							     (int)b->rules[i].line, (int)b->rules[i].column));
	o = json_pack("{s:i, s:s, s:i, s:o, s:s}", "format", 1, "source_file", b->source_file ? b->source_file : "",
		      "fileless_exec", (int)b->fileless_exec, "positions", pos, "profile", doc);
	text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	json_decref(o);
	if (!text)
		return -ENOMEM;
	path_in(st, name, path, sizeof(path));
	return write_file_atomic(path, text, strlen(text), 0600);
}

static int read_source(const struct state_store *st, const char *name, struct bundle **ret, char *err, size_t err_size)
{
	_cleanup_free_ char *text = NULL;
	struct rule_pos *pos = NULL;
	char path[PATH_MAX];
	const char *source_file, *doc;
	int format, fileless;
	json_t *root, *positions;
	json_error_t je;
	size_t len, i;
	json_t *v;
	int r;

	path_in(st, name, path, sizeof(path));
	r = read_file_all(path, STATE_FILE_MAX, &text, &len);
	if (r < 0) {
		textf(err, err_size, "%s: %s", path, strerror(-r));
		return r;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root || json_unpack_ex(root, &je, JSON_STRICT, "{s:i, s:s, s:i, s:o, s:s}", "format", &format,
				    "source_file", &source_file, "fileless_exec", &fileless, "positions", &positions,
				    "profile", &doc) < 0 || format != 1 || !json_is_array(positions)) {
		textf(err, err_size, "%s: not a stored profile document (%s)", path, je.text);
		json_decref(root);
		return -EINVAL;
	}
	pos = calloc(json_array_size(positions) + 1, sizeof(*pos));
	if (!pos) {
		json_decref(root);
		return -ENOMEM;
	}
	json_array_foreach(positions, i, v) {
		json_int_t id = 0;
		int line = 0, col = 0;

		json_unpack(v, "[I, i, i]", &id, &line, &col);
		pos[i] = (struct rule_pos){ .id = (uint32_t)id, .line = (uint32_t)line, .column = (uint32_t)col };
	}
	r = live_recompile(doc, source_file, pos, json_array_size(positions), (uint8_t)fileless, ret, err, err_size);
	free(pos);
	json_decref(root);
	return r;
}

/* The bundle of a stored profile; the document rebuilds it when the bundle cannot be read. */
static struct bundle *load_profile_bundle(struct state_store *st, const struct state_profile *sp)
{
	_cleanup_free_ char *data = NULL;
	struct bundle *b = NULL;
	char path[PATH_MAX], err[1024], err2[1024] = "", aside[PATH_MAX];
	size_t len;
	int r;

	path_in(st, sp->bundle, path, sizeof(path));
	r = read_file_all(path, BUNDLE_MAX_SIZE, &data, &len);
	if (r == 0)
		r = bundle_parse(data, len, &b, err, sizeof(err));
	else
		textf(err, sizeof(err), "%s", strerror(-r));
	if (r == 0 && strcmp(b->name, sp->name) != 0) {
		textf(err, sizeof(err), "it holds profile '%s'", b->name);
		bundle_free(b);
		b = NULL;
		r = -EINVAL;
	}
	if (r == 0)
		return b;
	if (sp->source && read_source(st, sp->source, &b, err2, sizeof(err2)) == 0 && strcmp(b->name, sp->name) == 0) {
		/*
		 * Stored again in this build's format (a version's files are
		 * otherwise written once), so the next start reads the bundle
		 * and the rebuild is logged once, not at every start.
		 */
		b->mode = sp->mode;
		r = bundle_write_file(b, path);
		if (r == 0)
			log_info("profile '%s': rebuilt from %s and stored again (the bundle %s: %s)", sp->name,
				 sp->source, path, err);
		else
			log_warn("profile '%s': rebuilt from %s (the bundle %s: %s), but it cannot be stored again: %s; "
				 "it is rebuilt at every start until it can", sp->name, sp->source, path, err, strerror(-r));
		return b;
	}
	bundle_free(b);
	if (keep_aside(st, sp->bundle, "unreadable", aside, sizeof(aside)) < 0)
		textf(aside, sizeof(aside), "%s (could not be renamed)", path);
	problem(st, "profile '%s': its bundle %s cannot be used (%s)%s%s; kept as %s", sp->name, path, err,
		err2[0] ? "; nor its document: " : "", err2, aside);
	return NULL;
}

/* ---- restore -------------------------------------------------------------- */

/*
 * Put a bundle into a given slot: a placeholder entry under the bundle's
 * name makes profiles_load() take the replace path in that slot, so the
 * kernel sees one switch (or the first publish) and nothing else.
 */
static int install_at(struct profiles *ps, uint32_t slot, struct bundle *b, const struct kernel_view *kv,
		      char *msg, size_t size)
{
	struct profile *p = &ps->slots[slot], *out;
	bool replaced;
	int r;

	p->bundle = stub_bundle(b->name, kv->has[slot] ? &kv->val[slot] : NULL, "(placeholder)");
	if (!p->bundle)
		return -ENOMEM;
	p->used = true;
	p->slot = slot;
	p->instance = kv->has[slot] ? kv->val[slot].instance : 0;
	p->generation = kv->has[slot] ? kv->val[slot].generation : 0;
	p->mode = b->mode;
	r = profiles_load(ps, b, &out, &replaced, msg, size);
	if (r < 0) {
		bundle_free(p->bundle);
		memset(p, 0, sizeof(*p));
	}
	return r;
}

static void adopt_at(struct profiles *ps, uint32_t slot, struct bundle *b, const struct enf_profile_val *kval)
{
	ps->slots[slot] = (struct profile){
		.used = true, .slot = slot, .instance = kval->instance, .generation = kval->generation,
		.mode = (enum enf_mode)kval->mode, .bundle = b,
		.kernel_flags = kval->flags, /* what the instance holds; later switches keep it */
		.from_exes = kval->from_exes,
	};
}

static const struct state_attachment *doc_attachment_by_id(const struct state_doc *d, uint64_t id)
{
	for (size_t i = 0; i < d->n_attachments; i++)
		if (id && d->attachments[i].cgroup_id == id)
			return &d->attachments[i];
	return NULL;
}

/* Find a cgroup's path from its id by walking the tree (for attachments the state does not name). */
static bool find_cgroup(const char *dir, uint64_t id, int depth, char *out, size_t size)
{
	struct dirent *de;
	uint64_t have;
	DIR *d;
	bool found = false;

	if (depth > 64)
		return false;
	if (cgroup_id_of(dir, &have) == 0 && have == id) {
		textf(out, size, "%s", dir);
		return true;
	}
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		textf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		found = find_cgroup(sub, id, depth + 1, out, size);
	}
	closedir(d);
	return found;
}

static const char *slot_name(const struct profiles *ps, uint32_t slot)
{
	return slot < ENF_MAX_PROFILES && ps->slots[slot].used ? ps->slots[slot].bundle->name : NULL;
}

static void restore_profiles(struct state_store *st, struct profiles *ps, const struct state_doc *doc,
			     const struct kernel_view *kv)
{
	char msg[1024];

	for (size_t i = 0; i < doc->n_profiles; i++) {
		const struct state_profile *sp = &doc->profiles[i];
		const struct enf_profile_val *kval = kv->has[sp->slot] ? &kv->val[sp->slot] : NULL;
		struct bundle *b = load_profile_bundle(st, sp);

		if (!b) {
			/* Keep what the kernel enforces for it, under its name. */
			if (kval && (b = stub_bundle(sp->name, kval, "(bundle lost: see enforcerctl status)")))
				adopt_at(ps, sp->slot, b, kval);
			continue;
		}
		b->mode = sp->mode;
		/* An instance an older build wrote lacks what moves are decided by: written again. */
		if (kval && kval->instance == sp->instance && kval->mode == sp->mode && (kval->flags & ENF_PROFILE_MOVE_MARKS)) {
			adopt_at(ps, sp->slot, b, kval);
			continue;
		}
		/* The kernel holds another version (an edit that was not acknowledged) or nothing. */
		if (install_at(ps, sp->slot, b, kv, msg, sizeof(msg)) < 0) {
			problem(st, "profile '%s' could not be restored: %s", sp->name, msg);
			bundle_free(b);
			if (kval && (b = stub_bundle(sp->name, kval, "(restore failed: see enforcerctl status)")))
				adopt_at(ps, sp->slot, b, kval);
		}
	}
}

/* Who owns what (origin.h): /etc/enforcer's objects stay its own across restarts. */
static void restore_origins(struct state_store *st, const struct state_doc *doc)
{
	int r = 0;

	if (!st->origins)
		return;
	for (size_t i = 0; i < doc->n_profiles && r == 0; i++)
		if (doc->profiles[i].declared)
			r = origin_set(st->origins, ORIGIN_PROFILE, doc->profiles[i].name, doc->profiles[i].declared, NULL);
	for (size_t i = 0; i < doc->n_attachments && r == 0; i++)
		if (!doc->attachments[i].via && (doc->attachments[i].declared || doc->attachments[i].unit))
			r = origin_set(st->origins, ORIGIN_PATH, doc->attachments[i].cgroup, doc->attachments[i].declared,
				       doc->attachments[i].unit);
	for (size_t i = 0; i < doc->n_selectors && r == 0; i++)
		if (doc->selectors[i].declared)
			r = origin_set(st->origins, ORIGIN_SELECTOR, doc->selectors[i].glob, doc->selectors[i].declared, NULL);
	if (r < 0)
		problem(st, "out of memory restoring which objects /etc/enforcer declares");
}

/* Kernel profiles the state does not name: kept as orphans if anything is attached to them. */
static void restore_orphans(struct profiles *ps, const struct kernel_view *kv)
{
	for (uint32_t slot = 0; slot < ENF_MAX_PROFILES; slot++) {
		bool referenced = false;
		char name[ENF_PROFILE_NAME_MAX];
		struct bundle *b;

		if (!kv->has[slot] || ps->slots[slot].used)
			continue;
		for (size_t k = 0; k < kv->n_att && !referenced; k++)
			referenced = kv->att_vals[k].slot == slot;
		if (!referenced) {
			/* A load that was never acknowledged: nothing enforces it. */
			(void)bpf_map_delete_elem(ps->engine->profiles_fd, &slot);
			continue;
		}
		textf(name, sizeof(name), "orphan-%u", slot);
		b = stub_bundle(name, &kv->val[slot], "(not in the state directory: unload it or reload the profile)");
		if (!b)
			continue;
		adopt_at(ps, slot, b, &kv->val[slot]);
		log_warn("kept the kernel's profile in slot %u as '%s': the state directory does not name it", slot, name);
	}
}

static void restore_attachments(struct state_store *st, struct profiles *ps, struct selectors *sel,
				const struct state_doc *doc, const struct kernel_view *kv)
{
	bool *done = calloc(doc->n_attachments + 1, sizeof(*done));
	char msg[1024];

	if (!done)
		return;
	/* What the kernel holds stays as it is; only the registry learns it. */
	for (size_t k = 0; k < kv->n_att; k++) {
		uint64_t id = kv->att_keys[k].cgroup_id;
		uint32_t slot = kv->att_vals[k].slot;
		const struct state_attachment *sa = doc_attachment_by_id(doc, id);
		char path[PATH_MAX] = "";
		char *canon;

		if (!slot_name(ps, slot)) {
			(void)bpf_map_delete_elem(ps->engine->attachments_fd, &kv->att_keys[k]);
			log_warn("removed the attachment of cgroup id %llu: no profile in slot %u",
				 (unsigned long long)id, slot);
			continue;
		}
		if (sa) {
			uint64_t now;

			/* The state's path may hold a cgroup created again since: the id decides. */
			textf(path, sizeof(path), "%s", sa->cgroup);
			if (cgroup_id_of(path, &now) < 0 || now != id) {
				path[0] = 0;
				sa = NULL; /* the path is attached below, by what exists there now */
			}
		} else if (!find_cgroup(sel->root, id, 0, path, sizeof(path))) {
			path[0] = 0;
		}
		if (!path[0]) {
			/* The cgroup is gone: its id is never reused. */
			(void)bpf_map_delete_elem(ps->engine->attachments_fd, &kv->att_keys[k]);
			continue;
		}
		canon = strdup(path);
		if (!canon || profiles_adopt_attachment(ps, canon, id, kv->att_vals[k].level, slot) < 0) {
			free(canon);
			continue;
		}
		/* A profile written at this start (not the kernel's instance) has no view of these tasks yet. */
		if ((!kv->has[slot] || kv->val[slot].instance != ps->slots[slot].instance) &&
		    profiles_add_views(ps, &ps->att[ps->n_att - 1], msg, sizeof(msg)) < 0)
			log_warn("%s", msg);
		if (sa) {
			done[sa - doc->attachments] = true;
			if (sa->via)
				ps->att[ps->n_att - 1].via = strdup(sa->via);
		}
	}
	/* What the state names and the kernel lacks: attach now, or when the cgroup appears. */
	for (size_t i = 0; i < doc->n_attachments; i++) {
		const struct state_attachment *sa = &doc->attachments[i];
		const struct attachment *a;

		if (done[i] || !profiles_find(ps, sa->profile))
			continue;
		if (sa->via)
			continue; /* the selector is restored below and applies itself */
		if (selectors_attach_path(sel, sa->profile, sa->cgroup, &a, msg, sizeof(msg)) == 0)
			continue;
		if (access(sa->cgroup, F_OK) < 0 && selectors_wait_for(sel, sa->profile, sa->cgroup, msg, sizeof(msg)) == 0)
			log_info("%s does not exist now: profile '%s' is attached when it is created", sa->cgroup, sa->profile);
		else
			problem(st, "attachment of '%s' to %s could not be restored: %s", sa->profile, sa->cgroup, msg);
	}
	/*
	 * Explicit attachments the kernel held are followed too (their paths
	 * may be missing from the pinned map: a build without it, a migration),
	 * and paths a dead daemon left there that nothing names now go.
	 */
	for (size_t i = 0; i < ps->n_att; i++) {
		const struct attachment *a = &ps->att[i];

		if (!a->via && !profiles_followed(ps, a->cgroup) &&
		    profiles_follow_path(ps, a->cgroup, a->slot, msg, sizeof(msg)) < 0)
			log_warn("%s", msg);
	}
	if (profiles_sync_paths(ps) < 0)
		log_warn("cannot bring the kernel's followed cgroup paths in line with the state");
	free(done);
}

int state_restore(struct state_store *st, struct profiles *ps, struct selectors *sel, char *msg, size_t size)
{
	struct state_doc doc;
	struct kernel_view kv;
	uint32_t max_inst;
	int r;

	r = read_doc(st, &doc);
	if (r < 0) {
		textf(msg, size, "cannot read the state in %s: %s", st->dir, strerror(-r));
		return r;
	}
	r = read_kernel(ps->engine, &kv);
	if (r < 0) {
		textf(msg, size, "cannot read the pinned maps: %s", strerror(-r));
		state_doc_free(&doc);
		return r;
	}
	/* Fresh ids must not collide with anything a dead daemon left in the maps. */
	max_inst = max_instance_in_maps(ps->engine);
	if (kv.max_instance > max_inst)
		max_inst = kv.max_instance;
	ps->next_instance = doc.next_instance > max_inst ? doc.next_instance : max_inst + 1;
	ps->next_generation = doc.next_generation > kv.max_generation ? doc.next_generation : kv.max_generation + 1;
	if (ps->next_instance == 0)
		ps->next_instance = 1;
	if (ps->next_generation == 0)
		ps->next_generation = 1;

	restore_origins(st, &doc);
	restore_profiles(st, ps, &doc, &kv);
	restore_orphans(ps, &kv);
	restore_attachments(st, ps, sel, &doc, &kv);
	for (size_t i = 0; i < doc.n_selectors; i++) {
		unsigned n;
		char err[1024];

		if (selectors_add(sel, doc.selectors[i].profile, doc.selectors[i].glob, &n, err, sizeof(err)) < 0)
			problem(st, "selector '%s' could not be restored: %s", doc.selectors[i].glob, err);
	}
	/* Watches for pending attachments (selectors set up their own as they are added). */
	if (sel->n_pend || ps->n_paths)
		selectors_rescan(sel);
	r = profiles_sync_levels(ps);
	if (r < 0)
		log_warn("cannot write the cgroup level mask: %s", strerror(-r));
	gc_instances(ps);
	kernel_view_free(&kv);
	state_doc_free(&doc);
	(void)state_save(st, ps, sel);
	return 0;
}

/* ---- save ------------------------------------------------------------------ */

static bool referenced(const struct state_doc *d, const char *name)
{
	for (size_t i = 0; i < d->n_profiles; i++)
		if (strcmp(d->profiles[i].bundle, name) == 0 ||
		    (d->profiles[i].source && strcmp(d->profiles[i].source, name) == 0))
			return true;
	return false;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Files of versions no longer named, and temporaries of interrupted writes. */
static void sweep(const struct state_store *st, const struct state_doc *d)
{
	struct dirent *de;
	DIR *dir = opendir(st->dir);

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		const char *n = de->d_name;

		if (de->d_type != DT_REG || strcmp(n, STATE_FILE) == 0)
			continue;
		if (strstr(n, ".tmp.") || ((ends_with(n, ".pol") || ends_with(n, ".json")) && !referenced(d, n)))
			(void)unlinkat(dirfd(dir), n, 0);
	}
	closedir(dir);
}

static int save_profile_files(const struct state_store *st, const struct profile *p, char *bundle_name,
			      char *source_name, size_t size)
{
	char path[PATH_MAX];
	int r;

	textf(bundle_name, size, "%s-%u.pol", p->bundle->name, p->instance);
	textf(source_name, size, "%s-%u.json", p->bundle->name, p->instance);
	/* A version's files never change once written: write each once. */
	path_in(st, bundle_name, path, sizeof(path));
	if (access(path, F_OK) < 0) {
		r = bundle_write_file(p->bundle, path);
		if (r < 0)
			return r;
	}
	path_in(st, source_name, path, sizeof(path));
	if (access(path, F_OK) < 0 && write_source(st, p->bundle, source_name) < 0)
		source_name[0] = 0; /* the bundle alone is enough */
	return 0;
}

int state_save(struct state_store *st, const struct profiles *ps, const struct selectors *sel)
{
	struct state_doc d = { .abi = ENF_ABI_VERSION, .next_instance = ps->next_instance,
			       .next_generation = ps->next_generation };
	struct origins none = {}, *org = st->origins ? st->origins : &none;
	_cleanup_free_ char *text = NULL;
	char path[PATH_MAX];
	int r = 0;

	origins_prune(org, ps, sel);

	for (size_t i = 0; i < ENF_MAX_PROFILES && r == 0; i++) {
		const struct profile *p = &ps->slots[i];
		char bname[ENF_PROFILE_NAME_MAX + 32], sname[ENF_PROFILE_NAME_MAX + 32];
		struct state_profile sp;

		if (!p->used || profile_is_orphan(p))
			continue;
		r = save_profile_files(st, p, bname, sname, sizeof(bname));
		if (r < 0)
			break;
		sp = (struct state_profile){ .name = (char *)p->bundle->name, .slot = p->slot, .instance = p->instance,
					     .generation = p->generation, .mode = p->mode, .bundle = bname,
					     .source = sname[0] ? sname : NULL,
					     .declared = (char *)origin_declared(org, ORIGIN_PROFILE, p->bundle->name) };
		r = state_doc_add_profile(&d, &sp);
	}
	for (size_t i = 0; i < ps->n_att && r == 0; i++) {
		const struct attachment *a = &ps->att[i];
		const struct profile *p = &ps->slots[a->slot];
		const struct origin_entry *o = a->via ? NULL : origin_find(org, ORIGIN_PATH, a->cgroup);
		struct state_attachment sa = { .profile = p->used ? (char *)p->bundle->name : NULL,
					       .cgroup = a->cgroup, .cgroup_id = a->cgroup_id, .via = a->via,
					       .declared = o ? o->declared : NULL, .unit = o ? o->unit : NULL };

		if (!p->used || profile_is_orphan(p))
			continue;
		r = state_doc_add_attachment(&d, &sa);
	}
	for (size_t i = 0; i < sel->n_pend && r == 0; i++) {
		const struct origin_entry *o = origin_find(org, ORIGIN_PATH, sel->pend[i].cgroup);
		struct state_attachment sa = { .profile = sel->pend[i].profile, .cgroup = sel->pend[i].cgroup,
					       .declared = o ? o->declared : NULL, .unit = o ? o->unit : NULL };

		r = state_doc_add_attachment(&d, &sa);
	}
	for (size_t i = 0; i < sel->n_sel && r == 0; i++) {
		struct state_selector ss = { .profile = sel->sel[i].profile, .glob = sel->sel[i].glob,
					     .declared = (char *)origin_declared(org, ORIGIN_SELECTOR, sel->sel[i].glob) };

		r = state_doc_add_selector(&d, &ss);
	}
	if (r == 0) {
		text = state_doc_format(&d);
		r = text ? 0 : -ENOMEM;
	}
	if (r == 0) {
		path_in(st, STATE_FILE, path, sizeof(path));
		r = write_file_atomic(path, text, strlen(text), 0600);
	}
	if (r == 0) {
		st->saves++;
		sweep(st, &d);
	} else {
		st->save_errors++;
		textf(st->last_error, sizeof(st->last_error), "cannot write the state in %s: %s", st->dir, strerror(-r));
		log_error("%s", st->last_error);
	}
	state_doc_free(&d);
	return r;
}

int state_remove_all(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		const char *n = de->d_name;

		if (de->d_type != DT_REG)
			continue;
		if ((strcmp(n, STATE_FILE) == 0 || ends_with(n, ".pol") || ends_with(n, ".json") || ends_with(n, ".jsonl") || strstr(n, ".tmp.")) &&
		    unlinkat(dirfd(d), n, 0) < 0)
			r = -errno;
	}
	closedir(d);
	return r;
}
