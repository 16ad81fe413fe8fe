// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "cgroup.h"
#include "inode_id.h"
#include "log.h"
#include "profiles.h"
#include "profiles_net.h"
#include "profiles_path.h"
#include "util.h"

void profiles_init(struct profiles *ps, struct engine *e)
{
	memset(ps, 0, sizeof(*ps));
	ps->engine = e;
	ps->next_instance = 1;
	ps->next_generation = 1;
}

void profiles_free(struct profiles *ps)
{
	for (size_t i = 0; i < ENF_MAX_PROFILES; i++) {
		bundle_free(ps->slots[i].bundle);
		bundle_free(ps->slots[i].prev_bundle);
	}
	for (size_t i = 0; i < ps->n_att; i++) {
		free(ps->att[i].cgroup);
		free(ps->att[i].via);
	}
	free(ps->att);
	for (size_t i = 0; i < ps->n_paths; i++)
		free(ps->paths[i].cgroup);
	free(ps->paths);
	memset(ps, 0, sizeof(*ps));
}

struct profile *profiles_find(struct profiles *ps, const char *name)
{
	for (size_t i = 0; i < ENF_MAX_PROFILES; i++)
		if (ps->slots[i].used && strcmp(ps->slots[i].bundle->name, name) == 0)
			return &ps->slots[i];
	return NULL;
}

/* The one atomic switch: publish a profile's whole state. */
static int publish(struct profiles *ps, const struct profile *p, char *msg, size_t size)
{
	struct enf_profile_val val = {
		.generation = p->generation,
		.instance = p->instance,
		.mode = (__u8)p->mode,
		.flags = p->kernel_flags,
		.fileless_exec = p->bundle->fileless_exec,
		.baseline_optout = p->bundle->baseline_optout,
		.from_exes = p->from_exes,
	};

	memcpy(val.defaults, p->bundle->defaults, sizeof(val.defaults));
	if (bpf_map_update_elem(ps->engine->profiles_fd, &p->slot, &val, BPF_ANY) < 0) {
		int r = -errno;

		snprintf(msg, size, "profile '%s': cannot switch to the new version: %s", p->bundle->name, strerror(-r));
		return r;
	}
	return 0;
}

/*
 * Rules name paths as the confined tasks see them. Where the tasks of
 * cgroup_dir (or its descendants) live in another mount namespace than the
 * daemon (a container), the identities of b's restricted paths are resolved
 * there too and added to instance; *flags gains ENF_PROFILE_HAS_INODES when
 * any was. Best effort, like the identities at load: a rule still holds by
 * its path, and what fails is logged. Tasks that enter a new namespace
 * later are covered at the profile's next load or attach.
 */
static void namespace_identities(struct profiles *ps, const struct bundle *b, uint32_t instance,
				 const char *cgroup_dir, uint8_t *flags)
{
	int pids[CGROUP_MAX_NAMESPACES];
	size_t n = 0;
	int r;

	r = cgroup_foreign_mount_namespaces(cgroup_dir, pids, ARRAY_SIZE(pids), &n);
	if (r < 0) {
		log_warn("profile '%s': cannot list the mount namespaces of %s's tasks: %s; its rules hold "
			 "there by path only", b->name, cgroup_dir, strerror(-r));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct ns_view *v = NULL;
		uint32_t count = 0;
		char msg[512];

		if (ns_view_open(pids[i], &v) < 0)
			continue; /* it exited meanwhile */
		if (path_identities_add_view(ps->engine, b, instance, v, &count, msg, sizeof(msg)) < 0)
			log_warn("%s (in the mount namespace of pid %d)", msg, pids[i]);
		ns_view_free(v);
		if (count)
			*flags |= ENF_PROFILE_HAS_INODES;
	}
}

/*
 * The identities in the mount namespaces of cgroup_dir's tasks, added to
 * p's instance, and p published again when they are its first. 0 or
 * -errno with msg (the publish failed: p is as it was).
 */
static int add_views(struct profiles *ps, struct profile *p, const char *cgroup_dir, char *msg, size_t size)
{
	uint8_t flags = p->kernel_flags;
	struct profile next = *p;
	int r;

	namespace_identities(ps, p->bundle, p->instance, cgroup_dir, &flags);
	if (flags == p->kernel_flags)
		return 0;
	next.kernel_flags = flags;
	r = publish(ps, &next, msg, size);
	if (r < 0)
		return r;
	p->kernel_flags = flags;
	return 0;
}

int profiles_load(struct profiles *ps, struct bundle *b, struct profile **ret_profile,
		  bool *ret_replaced, char *msg, size_t size)
{
	struct profile *p = profiles_find(ps, b->name), next;
	uint32_t instance = ps->next_instance;
	uint8_t kernel_flags = 0;
	int r;

	if (!p) {
		for (size_t i = 0; i < ENF_MAX_PROFILES && !p; i++)
			if (!ps->slots[i].used)
				p = &ps->slots[i];
		if (!p) {
			snprintf(msg, size, "cannot load '%s': %d profiles are loaded, the maximum; unload one first",
				 b->name, ENF_MAX_PROFILES);
			return -ENOSPC;
		}
		p->slot = (uint32_t)(p - ps->slots);
		*ret_replaced = false;
	} else {
		*ret_replaced = true;
	}

	r = path_rules_insert(ps->engine, b, instance, &kernel_flags, msg, size);
	if (r < 0)
		return r;
	r = net_rules_insert(ps->engine, b, instance, msg, size);
	if (r < 0) {
		path_rules_remove(ps->engine, b, instance);
		return r;
	}
	for (size_t i = 0; *ret_replaced && i < ps->n_att; i++)
		if (ps->att[i].slot == p->slot)
			namespace_identities(ps, b, instance, ps->att[i].cgroup, &kernel_flags);

	next = (struct profile){
		.used = true, .slot = p->slot, .instance = instance,
		.generation = ps->next_generation, .mode = b->mode, .bundle = b,
		.kernel_flags = kernel_flags,
		.from_exes = path_from_exes(b),
		.prev_bundle = p->used ? p->bundle : NULL,
		.prev_instance = p->used ? p->instance : 0,
	};
	r = publish(ps, &next, msg, size);
	if (r < 0) {
		path_rules_remove(ps->engine, b, instance);
		net_rules_remove(ps->engine, b, instance);
		return r;
	}
	ps->next_instance++;
	ps->next_generation++;
	/*
	 * The old instance is unreachable from now on. A hook that read the old
	 * instance just before the switch re-checks it after matching and retries
	 * (profile_recheck(), lsm-progs/verdict.bpf.h), so removing its nodes
	 * cannot produce a mix.
	 */
	if (p->used) {
		path_rules_remove(ps->engine, p->bundle, p->instance);
		net_rules_remove(ps->engine, p->bundle, p->instance);
		bundle_free(p->prev_bundle);
	}
	*p = next;
	*ret_profile = p;
	return 0;
}

static int settings_update(struct profiles *ps)
{
	struct enf_config old = ps->engine->config;
	int r;

	/* Only the level fields are the registry's; the rest of the settings is the engine's. */
	ps->engine->config.levels_mask = 0;
	ps->engine->config.deep_levels = 0;
	for (size_t i = 0; i < ps->n_att; i++) {
		if (ps->att[i].level < 64)
			ps->engine->config.levels_mask |= 1ULL << ps->att[i].level;
		else
			ps->engine->config.deep_levels = 1;
	}
	/* A followed path's cgroup may be created at any moment, attached by the kernel: its level is live. */
	for (size_t i = 0; i < ps->n_paths; i++) {
		if (ps->paths[i].level < 64)
			ps->engine->config.levels_mask |= 1ULL << ps->paths[i].level;
		else
			ps->engine->config.deep_levels = 1;
	}
	r = engine_write_config(ps->engine);
	if (r < 0)
		ps->engine->config = old;
	return r;
}

/* Room for one more attachment in the registry. 0, -ENOSPC or -ENOMEM. */
static int attachment_room(struct profiles *ps)
{
	if (ps->n_att >= ENF_MAX_ATTACHMENTS)
		return -ENOSPC;
	if (ps->n_att == ps->cap_att) {
		size_t cap = ps->cap_att ? ps->cap_att * 2 : 16;
		struct attachment *n = realloc(ps->att, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ps->att = n;
		ps->cap_att = cap;
	}
	return 0;
}

struct attachment *profiles_find_attachment(struct profiles *ps, uint64_t cgroup_id)
{
	for (size_t i = 0; i < ps->n_att; i++)
		if (ps->att[i].cgroup_id == cgroup_id)
			return &ps->att[i];
	return NULL;
}

static int detach_at(struct profiles *ps, size_t i, char *msg, size_t size)
{
	struct enf_attach_key key = { .cgroup_id = ps->att[i].cgroup_id };
	int r;

	if (bpf_map_delete_elem(ps->engine->attachments_fd, &key) < 0 && errno != ENOENT) {
		r = -errno;
		snprintf(msg, size, "cannot detach %s: %s", ps->att[i].cgroup, strerror(-r));
		return r;
	}
	if (!ps->att[i].via)
		profiles_unfollow_path(ps, ps->att[i].cgroup);
	free(ps->att[i].cgroup);
	free(ps->att[i].via);
	ps->att[i] = ps->att[--ps->n_att];
	/* Clearing a level bit after the entry is gone is safe; the reverse order is not. */
	r = settings_update(ps);
	if (r < 0)
		log_warn("cannot update the cgroup level mask: %s", strerror(-r));
	return 0;
}

int profiles_unload(struct profiles *ps, const char *name, bool force, char *msg, size_t size)
{
	struct profile *p = profiles_find(ps, name);
	size_t attached = 0;
	const char *first = NULL;
	int r;

	if (!p) {
		snprintf(msg, size, "no profile named '%s' is loaded (see 'enforcerctl list')", name);
		return -ENOENT;
	}
	for (size_t i = 0; i < ps->n_att; i++) {
		if (ps->att[i].slot == p->slot) {
			attached++;
			first = first ? first : ps->att[i].cgroup;
		}
	}
	if (attached && !force) {
		snprintf(msg, size, "profile '%s' is attached to %zu cgroup(s) (first: %s); detach them "
			 "first, or unload with --force to detach and unload", name, attached, first);
		return -EBUSY;
	}
	for (size_t i = ps->n_att; i-- > 0;) {
		if (ps->att[i].slot == p->slot) {
			r = detach_at(ps, i, msg, size);
			if (r < 0)
				return r;
		}
	}
	for (size_t i = ps->n_paths; i-- > 0;)
		if (ps->paths[i].slot == p->slot)
			profiles_unfollow_path(ps, ps->paths[i].cgroup);
	if (bpf_map_delete_elem(ps->engine->profiles_fd, &p->slot) < 0 && errno != ENOENT) {
		r = -errno;
		snprintf(msg, size, "cannot remove profile '%s': %s", name, strerror(-r));
		return r;
	}
	path_rules_remove(ps->engine, p->bundle, p->instance);
	net_rules_remove(ps->engine, p->bundle, p->instance);
	bundle_free(p->bundle);
	bundle_free(p->prev_bundle);
	memset(p, 0, sizeof(*p));
	return 0;
}

int profiles_set_mode(struct profiles *ps, const char *name, enum enf_mode mode, char *msg, size_t size)
{
	struct profile *p = profiles_find(ps, name), next;
	int r;

	if (!p) {
		snprintf(msg, size, "no profile named '%s' is loaded (see 'enforcerctl list')", name);
		return -ENOENT;
	}
	next = *p;
	next.mode = mode;
	next.generation = ps->next_generation;
	r = publish(ps, &next, msg, size);
	if (r < 0)
		return r;
	ps->next_generation++;
	*p = next;
	/* The bundle records the mode too: the persisted state replays it. */
	p->bundle->mode = mode;
	return 0;
}

int profiles_attach(struct profiles *ps, const char *name, const char *cgroup_path,
		    const struct attachment **ret_att, char *msg, size_t size)
{
	struct profile *p = profiles_find(ps, name);
	_cleanup_free_ char *canon = NULL;
	struct enf_attach_key key;
	struct enf_attach_val val;
	struct attachment *a;
	bool created = false;
	uint32_t old_slot = 0;
	uint64_t id;
	uint32_t level;
	int r;

	if (!p) {
		snprintf(msg, size, "no profile named '%s' is loaded (load it with 'enforcerctl load FILE.pol')", name);
		return -ENOENT;
	}
	r = cgroup_resolve(cgroup_path, &canon, &id, &level, msg, size);
	if (r < 0)
		return r;

	a = profiles_find_attachment(ps, id);
	if (!a) {
		r = attachment_room(ps);
		if (r == -ENOSPC)
			snprintf(msg, size, "cannot attach %s: %d cgroups have profiles attached, the maximum",
				 canon, ENF_MAX_ATTACHMENTS);
		if (r < 0)
			return r;
		a = &ps->att[ps->n_att++];
		*a = (struct attachment){ .cgroup = TAKE_PTR(canon), .cgroup_id = id, .level = level, .slot = p->slot };
		created = true;
	} else {
		old_slot = a->slot;
		a->slot = p->slot;
	}

	/* Before the entry: the cgroup's tasks never run under the profile without them. */
	r = add_views(ps, p, a->cgroup, msg, size);
	if (r < 0)
		goto undo;

	/* The level bit goes in before the entry, so the entry is never skipped. */
	r = settings_update(ps);
	if (r < 0) {
		snprintf(msg, size, "cannot update the cgroup level mask: %s", strerror(-r));
		goto undo;
	}
	key = (struct enf_attach_key){ .cgroup_id = id };
	val = (struct enf_attach_val){ .slot = p->slot, .level = level };
	if (bpf_map_update_elem(ps->engine->attachments_fd, &key, &val, BPF_ANY) < 0) {
		r = -errno;
		snprintf(msg, size, "cannot attach %s: %s", a->cgroup, strerror(-r));
		goto undo;
	}
	/*
	 * Tasks of the cgroup may have cached "no profile" (or the old one)
	 * while the entry was being written: a new attach_gen retires that.
	 * Until it is written the attachment does not hold, so it is undone.
	 */
	r = engine_write_config(ps->engine);
	if (r < 0) {
		snprintf(msg, size, "cannot attach %s: cannot write the settings: %s", a->cgroup, strerror(-r));
		if (created)
			(void)bpf_map_delete_elem(ps->engine->attachments_fd, &key);
		else
			(void)bpf_map_update_elem(ps->engine->attachments_fd, &key,
						  &(struct enf_attach_val){ .slot = old_slot, .level = level }, BPF_ANY);
		goto undo;
	}
	*ret_att = a;
	return 0;
undo:
	/* The kernel entry was not written: restore the registry to match it. */
	if (created) {
		free(a->cgroup);
		ps->n_att--;
		(void)settings_update(ps);
	} else {
		a->slot = old_slot;
	}
	return r;
}

int profiles_detach(struct profiles *ps, const char *cgroup_path, char *msg, size_t size)
{
	_cleanup_free_ char *canon = NULL;
	uint64_t id;
	uint32_t level;
	int r;

	r = cgroup_resolve(cgroup_path, &canon, &id, &level, msg, size);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ps->n_att; i++)
		if (ps->att[i].cgroup_id == id)
			return detach_at(ps, i, msg, size);
	snprintf(msg, size, "%s has no profile attached (see 'enforcerctl list')", canon);
	return -ENOENT;
}

int profiles_detach_id(struct profiles *ps, uint64_t cgroup_id, char *msg, size_t size)
{
	for (size_t i = 0; i < ps->n_att; i++)
		if (ps->att[i].cgroup_id == cgroup_id)
			return detach_at(ps, i, msg, size);
	snprintf(msg, size, "cgroup id %llu has no profile attached", (unsigned long long)cgroup_id);
	return -ENOENT;
}

int profiles_adopt_attachment(struct profiles *ps, char *canonical, uint64_t cgroup_id, uint32_t level,
			      uint32_t slot)
{
	int r = attachment_room(ps);

	if (r < 0)
		return r;
	ps->att[ps->n_att++] = (struct attachment){
		.cgroup = canonical, .cgroup_id = cgroup_id, .level = level, .slot = slot,
	};
	return 0;
}

int profiles_add_views(struct profiles *ps, const struct attachment *a, char *msg, size_t size)
{
	if (a->slot >= ENF_MAX_PROFILES || !ps->slots[a->slot].used)
		return 0;
	return add_views(ps, &ps->slots[a->slot], a->cgroup, msg, size);
}

static struct followed_path *followed_at(const struct profiles *ps, const char *path)
{
	for (size_t i = 0; i < ps->n_paths; i++)
		if (strcmp(ps->paths[i].cgroup, path) == 0)
			return &ps->paths[i];
	return NULL;
}

const struct followed_path *profiles_followed(const struct profiles *ps, const char *path)
{
	return followed_at(ps, path);
}

/* The map key of a path; one character short of the key, see lsm-progs/cgroup_mkdir.bpf.c. */
static int path_key(const char *path, struct enf_cgroup_path_key *key, uint32_t *ret_level)
{
	memset(key, 0, sizeof(*key));
	return cgroup_kernel_path(path, key->path, sizeof(key->path) - 1, ret_level);
}

int profiles_follow_path(struct profiles *ps, const char *path, uint32_t slot, char *msg, size_t size)
{
	int fd = engine_map_fd(ps->engine, "cgroup_paths");
	struct enf_cgroup_path_key key;
	struct followed_path *f, old = {};
	bool created = false;
	uint32_t level;
	int r;

	if (fd < 0) {
		snprintf(msg, size, "%s: the BPF object has no cgroup_paths map", path);
		return fd;
	}
	r = path_key(path, &key, &level);
	if (r < 0) {
		if (r == -ENAMETOOLONG)
			snprintf(msg, size, "%s: its path from the cgroup2 root is longer than %d characters, so the "
				 "kernel cannot attach it when it is created again; the daemon attaches it when it sees "
				 "the cgroup, after mkdir. Use a shorter path to close that window.", path,
				 ENF_CGROUP_PATH_MAX - 2);
		else
			snprintf(msg, size, "%s: cannot name it for the kernel: %s", path, strerror(-r));
		return r;
	}
	f = followed_at(ps, path);
	if (!f) {
		struct followed_path *n = realloc(ps->paths, (ps->n_paths + 1) * sizeof(*n));
		char *copy = strdup(path);

		if (!n || !copy) {
			if (n)
				ps->paths = n;
			free(copy);
			return -ENOMEM;
		}
		ps->paths = n;
		f = &ps->paths[ps->n_paths++];
		*f = (struct followed_path){ .cgroup = copy };
		created = true;
	} else {
		old = *f;
	}
	f->slot = slot;
	f->level = level;
	/* The level bit first: the kernel's entry must never be skipped by the walk. */
	r = settings_update(ps);
	if (r == 0 && bpf_map_update_elem(fd, &key, &(struct enf_attach_val){ .slot = slot, .level = level }, BPF_ANY) < 0)
		r = -errno;
	if (r < 0) {
		snprintf(msg, size, "%s: cannot record its path for the kernel: %s", path, strerror(-r));
		if (created) {
			free(f->cgroup);
			ps->n_paths--;
		} else {
			*f = old;
		}
		(void)settings_update(ps);
	}
	return r;
}

void profiles_unfollow_path(struct profiles *ps, const char *path)
{
	struct followed_path *f = followed_at(ps, path);
	int fd = engine_map_fd(ps->engine, "cgroup_paths");
	struct enf_cgroup_path_key key;
	uint32_t level;

	if (!f)
		return;
	if (fd >= 0 && path_key(path, &key, &level) == 0 && bpf_map_delete_elem(fd, &key) < 0 && errno != ENOENT)
		log_warn("cannot remove the path %s from the kernel: %m (a cgroup created there is attached)", path);
	free(f->cgroup);
	*f = ps->paths[--ps->n_paths];
	/* The entry is gone first: clearing the level bit after it is safe. */
	(void)settings_update(ps);
}

int profiles_sync_paths(struct profiles *ps)
{
	int fd = engine_map_fd(ps->engine, "cgroup_paths");
	struct enf_cgroup_path_key key, next, *stale = NULL;
	size_t n_stale = 0;
	bool first = true;
	int r = 0;

	if (fd < 0)
		return fd;
	/* The registry's first, so that no path it follows is ever missing; then what it does not name. */
	for (size_t i = 0; i < ps->n_paths; i++) {
		const struct followed_path *f = &ps->paths[i];
		uint32_t level;

		if (path_key(f->cgroup, &key, &level) == 0 &&
		    bpf_map_update_elem(fd, &key, &(struct enf_attach_val){ .slot = f->slot, .level = level }, BPF_ANY) < 0)
			r = r ?: -errno;
	}
	while (bpf_map_get_next_key(fd, first ? NULL : &key, &next) == 0) {
		bool known = false;

		first = false;
		key = next;
		for (size_t i = 0; i < ps->n_paths && !known; i++) {
			struct enf_cgroup_path_key k;
			uint32_t level;

			known = path_key(ps->paths[i].cgroup, &k, &level) == 0 && memcmp(&k, &key, sizeof(k)) == 0;
		}
		if (known)
			continue;
		struct enf_cgroup_path_key *n = realloc(stale, (n_stale + 1) * sizeof(*n));

		if (!n) {
			r = -ENOMEM;
			break;
		}
		stale = n;
		stale[n_stale++] = key;
	}
	for (size_t i = 0; i < n_stale; i++)
		(void)bpf_map_delete_elem(fd, &stale[i]);
	free(stale);
	return r;
}

int profiles_forget_removed(struct profiles *ps, uint64_t cgroup_id)
{
	struct enf_attach_key key = { .cgroup_id = cgroup_id };

	for (size_t i = 0; i < ps->n_att; i++) {
		if (ps->att[i].cgroup_id != cgroup_id)
			continue;
		if (bpf_map_delete_elem(ps->engine->attachments_fd, &key) < 0 && errno != ENOENT)
			return -errno;
		free(ps->att[i].cgroup);
		free(ps->att[i].via);
		ps->att[i] = ps->att[--ps->n_att];
		(void)settings_update(ps);
		return 0;
	}
	return -ENOENT;
}

bool profiles_attachment_holds(const struct profiles *ps, const struct attachment *a)
{
	struct enf_attach_key key = { .cgroup_id = a->cgroup_id };
	struct enf_attach_val val;
	uint64_t id;

	return cgroup_id_of(a->cgroup, &id) == 0 && id == a->cgroup_id &&
	       bpf_map_lookup_elem(ps->engine->attachments_fd, &key, &val) == 0 && val.slot == a->slot;
}

int profiles_sync_levels(struct profiles *ps)
{
	return settings_update(ps);
}

const struct bundle *profiles_bundle_for(const struct profiles *ps, uint32_t slot, uint32_t instance)
{
	const struct profile *p;

	if (slot >= ENF_MAX_PROFILES)
		return NULL;
	p = &ps->slots[slot];
	if (!p->used)
		return NULL;
	if (p->instance == instance)
		return p->bundle;
	if (p->prev_instance == instance)
		return p->prev_bundle;
	return NULL;
}
