// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "cgroup.h"
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
	};

	memcpy(val.defaults, p->bundle->defaults, sizeof(val.defaults));
	if (bpf_map_update_elem(ps->engine->profiles_fd, &p->slot, &val, BPF_ANY) < 0) {
		int r = -errno;

		snprintf(msg, size, "profile '%s': cannot switch to the new version: %s", p->bundle->name, strerror(-r));
		return r;
	}
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

	next = (struct profile){
		.used = true, .slot = p->slot, .instance = instance,
		.generation = ps->next_generation, .mode = b->mode, .bundle = b,
		.kernel_flags = kernel_flags,
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
	 * (lsm-progs/verdict.bpf.h), so removing its nodes cannot produce a mix.
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
