// SPDX-License-Identifier: GPL-2.0-only
/* The daemon without a kernel: see no_kernel.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "audit.h"
#include "health.h"
#include "no_kernel.h"
#include "selector_glob.h"

/* Map fds of the stand-in engine (never real descriptors: nothing here reads or closes them). */
#define NK_PROFILES_FD    (1 << 20)
#define NK_ATTACHMENTS_FD (NK_PROFILES_FD + 1)

struct no_kernel no_kernel = { .next_cgroup_id = 1000 };

void no_kernel_init(struct engine *e, struct profiles *ps, struct selectors *sel)
{
	memset(e, 0, sizeof(*e));
	e->profiles_fd = NK_PROFILES_FD;
	e->attachments_fd = NK_ATTACHMENTS_FD;
	e->path_trie_fd = e->settings_fd = e->stats_fd = e->events_fd = e->self_inodes_fd = -1;
	memset(ps, 0, sizeof(*ps));
	ps->engine = e;
	ps->next_instance = 1;
	ps->next_generation = 1;
	memset(sel, 0, sizeof(*sel));
	sel->ps = ps;
	sel->fd = -1;
	snprintf(sel->root, sizeof(sel->root), "/sys/fs/cgroup");
}

void no_kernel_free(struct profiles *ps, struct selectors *sel)
{
	for (size_t i = 0; i < ENF_MAX_PROFILES; i++)
		bundle_free(ps->slots[i].bundle);
	for (size_t i = 0; i < ps->n_att; i++) {
		free(ps->att[i].cgroup);
		free(ps->att[i].via);
	}
	free(ps->att);
	for (size_t i = 0; i < sel->n_sel; i++) {
		free(sel->sel[i].glob);
		free(sel->sel[i].profile);
	}
	free(sel->sel);
	for (size_t i = 0; i < sel->n_pend; i++) {
		free(sel->pend[i].cgroup);
		free(sel->pend[i].profile);
	}
	free(sel->pend);
	memset(ps->slots, 0, sizeof(ps->slots));
	ps->att = NULL;
	ps->n_att = ps->cap_att = 0;
	sel->sel = NULL;
	sel->pend = NULL;
	sel->n_sel = sel->n_pend = 0;
}

void no_kernel_reboot(void)
{
	memset(no_kernel.has, 0, sizeof(no_kernel.has));
	memset(no_kernel.val, 0, sizeof(no_kernel.val));
}

/* ---- libbpf's map calls, over the profiles map (every other map is empty) ---- */

static int bpf_fail(int e)
{
	errno = e;
	return -e;
}

int bpf_obj_get_info_by_fd(int fd, void *info, __u32 *info_len)
{
	struct bpf_map_info *mi = info;

	if ((fd != NK_PROFILES_FD && fd != NK_ATTACHMENTS_FD) || *info_len < sizeof(*mi))
		return bpf_fail(EBADF);
	memset(mi, 0, sizeof(*mi));
	mi->key_size = fd == NK_PROFILES_FD ? sizeof(__u32) : sizeof(struct enf_attach_key);
	mi->value_size = fd == NK_PROFILES_FD ? sizeof(struct enf_profile_val) : sizeof(struct enf_attach_val);
	return 0;
}

int bpf_map_get_next_key(int fd, const void *key, void *next_key)
{
	__u32 slot = 0;

	if (fd != NK_PROFILES_FD)
		return bpf_fail(fd == NK_ATTACHMENTS_FD ? ENOENT : EBADF);
	if (key) {
		memcpy(&slot, key, sizeof(slot));
		slot++;
	}
	for (; slot < ENF_MAX_PROFILES; slot++) {
		if (no_kernel.has[slot]) {
			memcpy(next_key, &slot, sizeof(slot));
			return 0;
		}
	}
	return bpf_fail(ENOENT);
}

int bpf_map_lookup_elem(int fd, const void *key, void *value)
{
	__u32 slot;

	if (fd != NK_PROFILES_FD)
		return bpf_fail(fd == NK_ATTACHMENTS_FD ? ENOENT : EBADF);
	memcpy(&slot, key, sizeof(slot));
	if (slot >= ENF_MAX_PROFILES || !no_kernel.has[slot])
		return bpf_fail(ENOENT);
	memcpy(value, &no_kernel.val[slot], sizeof(no_kernel.val[slot]));
	return 0;
}

int bpf_map_delete_elem(int fd, const void *key)
{
	__u32 slot;

	if (fd != NK_PROFILES_FD)
		return bpf_fail(fd == NK_ATTACHMENTS_FD ? ENOENT : EBADF);
	memcpy(&slot, key, sizeof(slot));
	if (slot >= ENF_MAX_PROFILES || !no_kernel.has[slot])
		return bpf_fail(ENOENT);
	no_kernel.has[slot] = false;
	no_kernel.changes++;
	return 0;
}

int engine_map_fd(const struct engine *e, const char *name)
{
	(void)e;
	(void)name;
	return -ENOENT;
}

int engine_stat(const struct engine *e, enum enf_stat which, uint64_t *ret)
{
	(void)e;
	(void)which;
	*ret = 0;
	return 0;
}

/* ---- the registry (profiles.c) ---- */

static void publish(const struct profile *p)
{
	no_kernel.has[p->slot] = true;
	no_kernel.val[p->slot] = (struct enf_profile_val){
		.generation = p->generation, .instance = p->instance, .mode = (__u8)p->mode,
		/* What the real path_rules_insert() adds: the instance is this build's. */
		.flags = p->bundle->flags | ENF_PROFILE_MOVE_MARKS, .fileless_exec = p->bundle->fileless_exec,
		.baseline_optout = p->bundle->baseline_optout,
	};
	memcpy(no_kernel.val[p->slot].defaults, p->bundle->defaults, sizeof(p->bundle->defaults));
	no_kernel.changes++;
}

static int no_profile(const char *name, char *msg, size_t size)
{
	snprintf(msg, size, "no profile named '%s' is loaded (see 'enforcerctl list')", name);
	return -ENOENT;
}

struct profile *profiles_find(struct profiles *ps, const char *name)
{
	for (size_t i = 0; i < ENF_MAX_PROFILES; i++)
		if (ps->slots[i].used && strcmp(ps->slots[i].bundle->name, name) == 0)
			return &ps->slots[i];
	return NULL;
}

struct attachment *profiles_find_attachment(struct profiles *ps, uint64_t cgroup_id)
{
	for (size_t i = 0; i < ps->n_att; i++)
		if (ps->att[i].cgroup_id == cgroup_id)
			return &ps->att[i];
	return NULL;
}

int profiles_load(struct profiles *ps, struct bundle *b, struct profile **ret_profile, bool *ret_replaced,
		  char *msg, size_t size)
{
	struct profile *p = profiles_find(ps, b->name);

	*ret_replaced = p != NULL;
	for (size_t i = 0; !p && i < ENF_MAX_PROFILES; i++) {
		if (!ps->slots[i].used) {
			p = &ps->slots[i];
			*p = (struct profile){ .used = true, .slot = (uint32_t)i };
		}
	}
	if (!p) {
		snprintf(msg, size, "all %d profile slots are in use: unload a profile first", ENF_MAX_PROFILES);
		return -ENOSPC;
	}
	bundle_free(p->bundle);
	p->bundle = b;
	p->mode = b->mode;
	p->instance = ps->next_instance++;
	p->generation = ps->next_generation++;
	publish(p);
	*ret_profile = p;
	return 0;
}

static void remove_attachment(struct profiles *ps, size_t i)
{
	free(ps->att[i].cgroup);
	free(ps->att[i].via);
	ps->att[i] = ps->att[--ps->n_att];
	no_kernel.changes++;
}

int profiles_unload(struct profiles *ps, const char *name, bool force, char *msg, size_t size)
{
	struct profile *p = profiles_find(ps, name);
	size_t attached = 0;

	if (!p)
		return no_profile(name, msg, size);
	for (size_t i = 0; i < ps->n_att; i++)
		attached += ps->att[i].slot == p->slot;
	if (attached && !force) {
		snprintf(msg, size, "profile '%s' is attached to %zu cgroup(s); detach them first, or unload with --force",
			 name, attached);
		return -EBUSY;
	}
	for (size_t i = ps->n_att; i-- > 0;)
		if (ps->att[i].slot == p->slot)
			remove_attachment(ps, i);
	no_kernel.has[p->slot] = false;
	bundle_free(p->bundle);
	*p = (struct profile){ 0 };
	no_kernel.changes++;
	return 0;
}

int profiles_set_mode(struct profiles *ps, const char *name, enum enf_mode mode, char *msg, size_t size)
{
	struct profile *p = profiles_find(ps, name);

	if (!p)
		return no_profile(name, msg, size);
	p->mode = mode;
	p->bundle->mode = mode;
	p->generation = ps->next_generation++;
	publish(p);
	return 0;
}

int profiles_detach(struct profiles *ps, const char *cgroup_path, char *msg, size_t size)
{
	for (size_t i = 0; i < ps->n_att; i++) {
		if (strcmp(ps->att[i].cgroup, cgroup_path) == 0) {
			remove_attachment(ps, i);
			return 0;
		}
	}
	snprintf(msg, size, "%s has no profile attached (see 'enforcerctl list')", cgroup_path);
	return -ENOENT;
}

bool profiles_attachment_holds(const struct profiles *ps, const struct attachment *a)
{
	(void)ps;
	(void)a;
	return true;
}

const struct followed_path *profiles_followed(const struct profiles *ps, const char *path)
{
	(void)ps;
	(void)path;
	return NULL;
}

/* No mount namespaces here: nothing to add. */
int profiles_add_views(struct profiles *ps, const struct attachment *a, char *msg, size_t size)
{
	(void)ps;
	(void)a;
	(void)msg;
	(void)size;
	return 0;
}

int profiles_adopt_attachment(struct profiles *ps, char *canonical, uint64_t cgroup_id, uint32_t level, uint32_t slot)
{
	if (ps->n_att == ps->cap_att) {
		size_t cap = ps->cap_att ? ps->cap_att * 2 : 16;
		struct attachment *n = realloc(ps->att, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ps->att = n;
		ps->cap_att = cap;
	}
	ps->att[ps->n_att++] = (struct attachment){ .cgroup = canonical, .cgroup_id = cgroup_id, .level = level,
						    .slot = slot };
	no_kernel.changes++;
	return 0;
}

int profiles_follow_path(struct profiles *ps, const char *path, uint32_t slot, char *msg, size_t size)
{
	(void)ps, (void)path, (void)slot, (void)msg, (void)size;
	return 0;
}

int profiles_sync_levels(struct profiles *ps)
{
	(void)ps;
	return 0;
}

int profiles_sync_paths(struct profiles *ps)
{
	(void)ps;
	return 0;
}

/* ---- selectors.c: attachment by path and by glob (globs match nothing) ---- */

int selectors_attach_path(struct selectors *s, const char *profile, const char *cgroup,
			  const struct attachment **ret_att, char *msg, size_t size)
{
	struct profile *p = profiles_find(s->ps, profile);
	struct attachment *a = NULL;
	char *canon;
	int r;

	if (!p)
		return no_profile(profile, msg, size);
	if (cgroup[0] != '/') {
		snprintf(msg, size, "%s is not a cgroup: expected an absolute path below %s", cgroup, s->root);
		return -EINVAL;
	}
	for (size_t i = 0; i < s->ps->n_att && !a; i++)
		if (strcmp(s->ps->att[i].cgroup, cgroup) == 0)
			a = &s->ps->att[i];
	if (a) {
		a->slot = p->slot; /* re-pointed */
		no_kernel.changes++;
	} else {
		canon = strdup(cgroup);
		r = canon ? profiles_adopt_attachment(s->ps, canon, no_kernel.next_cgroup_id++, 1, p->slot) : -ENOMEM;
		if (r < 0) {
			free(canon);
			return r;
		}
		a = &s->ps->att[s->ps->n_att - 1];
	}
	*ret_att = a;
	return 0;
}

int selectors_add(struct selectors *s, const char *profile, const char *glob, unsigned *ret_attached,
		  char *msg, size_t size)
{
	struct selector *n;

	if (!profiles_find(s->ps, profile))
		return no_profile(profile, msg, size);
	for (size_t i = 0; i < s->n_sel; i++) {
		if (strcmp(s->sel[i].glob, glob) == 0) {
			snprintf(msg, size, "selector '%s' exists already (profile '%s')", glob, s->sel[i].profile);
			return -EEXIST;
		}
	}
	n = realloc(s->sel, (s->n_sel + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	s->sel = n;
	n[s->n_sel] = (struct selector){ .glob = strdup(glob), .profile = strdup(profile) };
	if (!n[s->n_sel].glob || !n[s->n_sel].profile) {
		free(n[s->n_sel].glob);
		free(n[s->n_sel].profile);
		return -ENOMEM;
	}
	s->n_sel++;
	*ret_attached = 0;
	no_kernel.changes++;
	return 0;
}

static void remove_selector(struct selectors *s, size_t i)
{
	free(s->sel[i].glob);
	free(s->sel[i].profile);
	s->sel[i] = s->sel[--s->n_sel];
	no_kernel.changes++;
}

static void remove_pending(struct selectors *s, size_t i)
{
	free(s->pend[i].cgroup);
	free(s->pend[i].profile);
	s->pend[i] = s->pend[--s->n_pend];
	no_kernel.changes++;
}

int selectors_remove(struct selectors *s, const char *glob, unsigned *ret_detached, char *msg, size_t size)
{
	for (size_t i = 0; i < s->n_sel; i++) {
		if (strcmp(s->sel[i].glob, glob) == 0) {
			remove_selector(s, i);
			*ret_detached = 0;
			return 0;
		}
	}
	snprintf(msg, size, "no selector '%s' (see 'enforcerctl list')", glob);
	return -ENOENT;
}

void selectors_forget_profile(struct selectors *s, const char *profile)
{
	for (size_t i = s->n_sel; i-- > 0;)
		if (strcmp(s->sel[i].profile, profile) == 0)
			remove_selector(s, i);
	for (size_t i = s->n_pend; i-- > 0;)
		if (strcmp(s->pend[i].profile, profile) == 0)
			remove_pending(s, i);
}

size_t selectors_count_for(const struct selectors *s, const char *profile)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_sel; i++)
		n += strcmp(s->sel[i].profile, profile) == 0;
	for (size_t i = 0; i < s->n_pend; i++)
		n += strcmp(s->pend[i].profile, profile) == 0;
	return n;
}

int selectors_wait_for(struct selectors *s, const char *profile, const char *cgroup, char *msg, size_t size)
{
	struct pending_attachment *n;

	if (!profiles_find(s->ps, profile))
		return no_profile(profile, msg, size);
	n = realloc(s->pend, (s->n_pend + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	s->pend = n;
	n[s->n_pend] = (struct pending_attachment){ .cgroup = strdup(cgroup), .profile = strdup(profile) };
	if (!n[s->n_pend].cgroup || !n[s->n_pend].profile) {
		free(n[s->n_pend].cgroup);
		free(n[s->n_pend].profile);
		return -ENOMEM;
	}
	s->n_pend++;
	no_kernel.changes++;
	return 0;
}

int selectors_detach_pending(struct selectors *s, const char *cgroup)
{
	for (size_t i = 0; i < s->n_pend; i++) {
		if (strcmp(s->pend[i].cgroup, cgroup) == 0) {
			remove_pending(s, i);
			return 0;
		}
	}
	return -ENOENT;
}

int selectors_attach_or_wait(struct selectors *s, const char *profile, const char *path, bool *ret_holds,
			     char *msg, size_t size)
{
	const struct attachment *a;
	int r = selectors_attach_path(s, profile, path, &a, msg, size);

	*ret_holds = r == 0;
	return r;
}

int selectors_detach_path(struct selectors *s, const char *path, char *msg, size_t size)
{
	return selectors_detach_pending(s, path) == 0 ? 0 : profiles_detach(s->ps, path, msg, size);
}

int selectors_repoint(struct selectors *s, const char *glob, const char *profile, char *msg, size_t size)
{
	for (size_t i = 0; i < s->n_sel; i++) {
		char *p;

		if (strcmp(s->sel[i].glob, glob) != 0)
			continue;
		if (!profiles_find(s->ps, profile))
			return no_profile(profile, msg, size);
		p = strdup(profile);
		if (!p)
			return -ENOMEM;
		free(s->sel[i].profile);
		s->sel[i].profile = p;
		no_kernel.changes++;
		return 0;
	}
	snprintf(msg, size, "no selector '%s'", glob);
	return -ENOENT;
}

/* As selectors.c: selectors are normalised by selector_glob.c, below the stand-in's mount. */
int selectors_normalise(const struct selectors *s, const char *glob, char *out, size_t out_size,
			char *msg, size_t size)
{
	return selector_key_normalise(s->root, glob, out, out_size, msg, size);
}

int selectors_apply_now(struct selectors *s, const char *rel, char *msg, size_t size)
{
	(void)s, (void)rel, (void)msg, (void)size;
	return 0;
}

int selectors_check_not_daemon(const struct selectors *s, const char *cgroup, char *msg, size_t size)
{
	(void)s, (void)cgroup, (void)msg, (void)size;
	return 0;
}

void selectors_reconcile(struct selectors *s)
{
	(void)s;
}

void selectors_rescan(struct selectors *s)
{
	(void)s;
}

/* ---- audit.c, event_summary.c, health.c: no ring buffer, no counters ---- */

int audit_consume(struct audit *a)
{
	(void)a;
	return 0;
}

void audit_summarize(struct audit *a)
{
	(void)a;
}

/* What the kernel counted but did not deliver, and the BPF object's health: nothing here. */
void event_summary_metrics(const struct event_summary *s, const struct audit *a, json_t *arr)
{
	(void)s, (void)a, (void)arr;
}

void health_metrics(const struct engine *e, json_t *arr)
{
	(void)e, (void)arr;
}
