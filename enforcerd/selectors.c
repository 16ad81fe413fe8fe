// SPDX-License-Identifier: GPL-2.0-only
/*
 * Selectors, pending attachments and the inotify watches over the cgroup
 * tree (selectors.h). One file, over 700 lines: the three are one structure
 * (a watch exists because a selector or a pending path needs it, and goes
 * when neither does), and every function here keeps that invariant.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "cgroup.h"
#include "log.h"
#include "selector_glob.h"
#include "selectors.h"
#include "util.h"

#define WATCH_MASK (IN_CREATE | IN_MOVED_TO | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR)

/* Copies of two strings: both, or neither and -ENOMEM. */
static int dup_both(const char *a, const char *b, char **ret_a, char **ret_b)
{
	char *x = strdup(a), *y = strdup(b);

	if (!x || !y) {
		free(x);
		free(y);
		return -ENOMEM;
	}
	*ret_a = x;
	*ret_b = y;
	return 0;
}

/* dir + "/" + name ("" name: dir itself); false (and "") if it does not fit. */
static bool join(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s%s%s", dir, dir[0] && name[0] ? "/" : "", name);

	if (n < 0 || (size_t)n >= size) {
		buf[0] = 0;
		return false;
	}
	return true;
}

/* The daemon's own cgroup, absolute. */
static void daemon_cgroup(struct selectors *s)
{
	struct workload_id id;
	char rel[PATH_MAX];

	s->daemon_cgroup[0] = 0;
	s->daemon_pod_uid[0] = 0;
	if (cgroup_of_pid(0, rel, sizeof(rel)) < 0)
		return;
	join(s->daemon_cgroup, sizeof(s->daemon_cgroup), strcmp(s->root, "/") ? s->root : "",
	     strcmp(rel, "/") ? rel + 1 : "");
	if (workload_id_from_cgroup(rel, &id) == 0)
		memcpy(s->daemon_pod_uid, id.pod_uid, sizeof(s->daemon_pod_uid));
}

/*
 * Is path a container of the daemon's own pod? A selector never attaches
 * one: its sidecar (the DaemonSet's config reload) talks to the daemon,
 * whose socket refuses confined peers.
 */
static bool in_daemon_pod(const struct selectors *s, const char *path)
{
	const char *rel = cgroup_relative(s->root, path);
	struct workload_id id;

	return s->daemon_pod_uid[0] && rel && workload_id_from_cgroup(rel, &id) == 0 &&
	       strcmp(id.pod_uid, s->daemon_pod_uid) == 0;
}

int selectors_check_not_daemon(const struct selectors *s, const char *cgroup, char *msg, size_t size)
{
	return cgroup_check_not_daemon(s->daemon_cgroup, cgroup, msg, size);
}

int selectors_init(struct selectors *s, struct profiles *ps, struct workloads *wl, char *msg, size_t size)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->ps = ps;
	s->workloads = wl;
	s->fd = -1;
	r = cgroup2_mount_root(s->root, sizeof(s->root));
	if (r < 0) {
		snprintf(msg, size, "no cgroup2 file system is mounted (mount -t cgroup2 none /sys/fs/cgroup)");
		return r;
	}
	daemon_cgroup(s);
	s->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->fd < 0) {
		/*
		 * Not fatal: the uid's inotify instances (fs.inotify.
		 * max_user_instances) may be held by a confined root, who is the
		 * same user. Selectors then work by rescanning (selectors_tick()).
		 */
		log_warn("selectors: cannot watch the cgroup tree: inotify: %m (fs.inotify.max_user_instances: the "
			 "user's instances are used up); it is rescanned every second instead, and a cgroup a selector "
			 "matches is attached within a second of its creation, not at once");
		s->blind = true;
		s->blind_logged = true;
	}
	return 0;
}

static void free_selector(struct selector *sel)
{
	free(sel->glob);
	free(sel->profile);
	if (sel->workload) {
		workload_selector_free(sel->workload);
		free(sel->workload);
	}
}

static void drop_watches(struct selectors *s)
{
	for (size_t i = 0; i < s->n_w; i++) {
		inotify_rm_watch(s->fd, s->w[i].wd);
		free(s->w[i].rel);
	}
	s->n_w = 0;
}

void selectors_free(struct selectors *s)
{
	drop_watches(s);
	free(s->w);
	for (size_t i = 0; i < s->n_sel; i++)
		free_selector(&s->sel[i]);
	free(s->sel);
	for (size_t i = 0; i < s->n_pend; i++) {
		free(s->pend[i].cgroup);
		free(s->pend[i].profile);
	}
	free(s->pend);
	if (s->fd >= 0)
		close(s->fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

int selectors_fd(const struct selectors *s)
{
	return s->fd;
}

static void full_path(const struct selectors *s, const char *rel, char *buf, size_t size)
{
	join(buf, size, strcmp(s->root, "/") == 0 ? "" : s->root, rel);
	if (!buf[0] && !rel[0])
		snprintf(buf, size, "/");
}

/* The relative path of an absolute one below the mount, or NULL. */
static const char *relative_to_root(const struct selectors *s, const char *abs)
{
	return cgroup_relative(s->root, abs);
}

int selectors_normalise(const struct selectors *s, const char *glob, char *out, size_t out_size,
			char *msg, size_t size)
{
	return selector_key_normalise(s->root, glob, out, out_size, msg, size);
}

/*
 * Does selector sel apply to the cgroup rel? A workload selector applies to
 * a container's own cgroup (not its sub-cgroups, which its attachment
 * governs already) whose identity it matches.
 */
static bool selector_applies(struct selectors *s, const struct selector *sel, const char *rel)
{
	struct workload w;

	if (!sel->workload)
		return selector_glob_match(sel->glob, rel);
	if (!s->workloads || workloads_get(s->workloads, rel, &w) < 0)
		return false;
	return w.id.runtime != WORKLOAD_RUNTIME_NONE && w.id.container_len == strlen(rel) &&
	       workload_selector_match(sel->workload, &w);
}

/* Could sel apply to rel or a cgroup below it? Containers nest anywhere, but not inside containers. */
static bool selector_may_apply_below(const struct selector *sel, const char *rel)
{
	struct workload_id id;

	if (!sel->workload)
		return selector_glob_may_match_below(sel->glob, rel);
	if (workload_id_from_cgroup(rel, &id) < 0)
		return false;
	return id.runtime == WORKLOAD_RUNTIME_NONE || id.container_len >= strlen(rel);
}

/* rel is the path abs (absolute) or one of its ancestors. */
static bool leads_to(const struct selectors *s, const char *rel, const char *abs)
{
	const char *p = relative_to_root(s, abs);
	size_t n = strlen(rel);

	return p && (n == 0 || (strncmp(p, rel, n) == 0 && (p[n] == 0 || p[n] == '/')));
}

static bool wanted(const struct selectors *s, const char *rel)
{
	for (size_t i = 0; i < s->n_sel; i++)
		if (selector_may_apply_below(&s->sel[i], rel))
			return true;
	/* Pending attachments, and followed paths (whose cgroup may be removed and created again). */
	for (size_t i = 0; i < s->n_pend; i++)
		if (leads_to(s, rel, s->pend[i].cgroup))
			return true;
	for (size_t i = 0; i < s->ps->n_paths; i++)
		if (leads_to(s, rel, s->ps->paths[i].cgroup))
			return true;
	return false;
}

static struct cgroup_watch *watch_by_wd(struct selectors *s, int wd)
{
	for (size_t i = 0; i < s->n_w; i++)
		if (s->w[i].wd == wd)
			return &s->w[i];
	return NULL;
}

static void watch_dir(struct selectors *s, const char *rel)
{
	char path[PATH_MAX];
	int wd;

	if (s->fd < 0) {
		s->blind = true; /* no inotify instance: selectors_tick() rescans */
		return;
	}
	full_path(s, rel, path, sizeof(path));
	wd = inotify_add_watch(s->fd, path, WATCH_MASK);
	if (wd < 0) {
		if (errno != ENOENT) {
			if (!s->blind && !s->blind_logged)
				log_warn("selectors: cannot watch %s: %m (fs.inotify.max_user_watches: the user's watches "
					 "may be used up); the cgroup tree is rescanned every second until it can be "
					 "watched again, and a cgroup created meanwhile is attached within a second, not "
					 "at once", path);
			s->blind = true;
		}
		s->errors++;
		return;
	}
	if (watch_by_wd(s, wd))
		return; /* inotify returns the same wd for the same directory */
	if (s->n_w == s->cap_w) {
		size_t cap = s->cap_w ? s->cap_w * 2 : 64;
		struct cgroup_watch *n = realloc(s->w, cap * sizeof(*n));

		if (!n) {
			inotify_rm_watch(s->fd, wd);
			return;
		}
		s->w = n;
		s->cap_w = cap;
	}
	s->w[s->n_w].wd = wd;
	s->w[s->n_w].rel = strdup(rel);
	if (!s->w[s->n_w].rel) {
		inotify_rm_watch(s->fd, wd);
		return;
	}
	s->n_w++;
}

static void attach_one(struct selectors *s, const char *path, const char *profile, const char *via)
{
	const struct attachment *ca;
	struct attachment *a;
	char msg[1024];
	uint64_t id;

	if (cgroup_id_of(path, &id) < 0)
		return; /* gone again */
	if (selectors_check_not_daemon(s, path, msg, sizeof(msg)) < 0) {
		log_warn("selector '%s': not applied: %s", via ? via : path, msg);
		return;
	}
	if (via && in_daemon_pod(s, path))
		return; /* the daemon's own pod (in_daemon_pod()) */
	a = profiles_find_attachment(s->ps, id);
	if (a && (!a->via || !via))
		return; /* an explicit attachment stands, and a pending one is already applied */
	if (a) {
		/* The selector added first wins. */
		for (size_t i = 0; i < s->n_sel; i++) {
			if (strcmp(s->sel[i].glob, a->via) == 0)
				return;
			if (strcmp(s->sel[i].glob, via) == 0)
				break;
		}
	}
	if (!via) {
		/* A pending attachment: was it the kernel's, at mkdir (lsm-progs/cgroup_mkdir.bpf.c)? */
		const struct profile *p = profiles_find(s->ps, profile);
		struct enf_attach_key key = { .cgroup_id = id };
		struct enf_attach_val val;

		if (p && bpf_map_lookup_elem(s->ps->engine->attachments_fd, &key, &val) == 0 && val.slot == p->slot) {
			s->followed++;
		} else {
			s->late++;
			log_warn("%s was created again and attached by the daemon after mkdir, not by the kernel in it: "
				 "tasks moved in meanwhile ran under its parent's profile (its path is not followed, see "
				 "the earlier message about it, or the kernel could not add the entry)", path);
		}
	}
	if (profiles_attach(s->ps, profile, path, &ca, msg, sizeof(msg)) < 0) {
		log_warn("selector '%s': %s", via ? via : path, msg);
		s->errors++;
		return;
	}
	a = profiles_find_attachment(s->ps, id);
	if (a) {
		free(a->via);
		a->via = via ? strdup(via) : NULL;
	}
	s->attached++;
	s->dirty = true;
	log_info("attached profile '%s' to %s%s%s%s", profile, path, via ? " (selector " : "", via ? via : "",
		 via ? ")" : "");
}

static void remove_pending_at(struct selectors *s, size_t i)
{
	free(s->pend[i].cgroup);
	free(s->pend[i].profile);
	s->pend[i] = s->pend[--s->n_pend];
}

/* A cgroup that exists now: apply what applies to it. */
static void apply(struct selectors *s, const char *rel)
{
	char path[PATH_MAX];

	full_path(s, rel, path, sizeof(path));
	for (size_t i = 0; i < s->n_pend; i++) {
		if (strcmp(s->pend[i].cgroup, path) == 0) {
			attach_one(s, path, s->pend[i].profile, NULL);
			remove_pending_at(s, i);
			break;
		}
	}
	for (size_t i = 0; i < s->n_sel; i++) {
		if (selector_applies(s, &s->sel[i], rel)) {
			uint64_t before = s->attached;

			attach_one(s, path, s->sel[i].profile, s->sel[i].glob);
			if (s->attached != before)
				s->sel[i].matched++;
			break;
		}
	}
}

/* Watch and apply rel and everything below it, depth first. */
static void scan(struct selectors *s, const char *rel, int depth)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (depth > 256 || !wanted(s, rel))
		return;
	/* Watch before listing: a child created meanwhile is then seen one way or the other. */
	watch_dir(s, rel);
	apply(s, rel);
	full_path(s, rel, path, sizeof(path));
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (join(sub, sizeof(sub), rel, de->d_name))
			scan(s, sub, depth + 1);
	}
	closedir(d);
}

/* Walk the whole tree, when anything could match: watches and matches, over the watches held. */
static void walk_tree(struct selectors *s)
{
	if (s->n_sel == 0 && s->n_pend == 0 && s->ps->n_paths == 0)
		return;
	s->rescans++;
	scan(s, "", 0);
}

void selectors_rescan(struct selectors *s)
{
	drop_watches(s);
	walk_tree(s);
}

void selectors_tick(struct selectors *s)
{
	if (!s->blind) {
		if (s->blind_logged && s->fd >= 0) {
			log_info("selectors: the cgroup tree is watched again");
			s->blind_logged = false;
		}
		return;
	}
	s->blind_logged = true;
	s->blind = s->fd < 0; /* with no inotify instance, every second */
	/*
	 * Not selectors_rescan(): the watches it drops first would go to
	 * whoever used the user's watches up. inotify_add_watch() answers an
	 * existing watch with its descriptor.
	 */
	walk_tree(s);
}

/*
 * The cgroup of attachment i is gone (or replaced by a new one under the
 * same path). Its kernel entry goes: the id is never reused. An explicit
 * attachment waits for the path (pending; the kernel attaches a cgroup
 * created there: lsm-progs/cgroup_mkdir.bpf.c); what a selector attached
 * goes, and the selector applies again to a new cgroup.
 */
static void attachment_gone(struct selectors *s, size_t i)
{
	struct attachment *a = &s->ps->att[i];
	const struct profile *p = &s->ps->slots[a->slot];
	_cleanup_free_ char *path = NULL;
	char msg[256];

	if (a->via) {
		if (profiles_detach_id(s->ps, a->cgroup_id, msg, sizeof(msg)) == 0) {
			s->detached++;
			s->dirty = true;
		}
		return;
	}
	path = strdup(a->cgroup);
	if (!path || !p->used)
		return;
	if (profiles_forget_removed(s->ps, a->cgroup_id) < 0)
		return;
	s->dirty = true;
	if (selectors_add_pending(s, p->bundle->name, path) < 0) {
		log_warn("%s was removed; its attachment to '%s' cannot be kept waiting (no memory): attach it again",
			 path, p->bundle->name);
		profiles_unfollow_path(s->ps, path);
	}
}

/* A cgroup was removed: what was attached there waits for it or goes (its id is never reused). */
static void removed(struct selectors *s, const char *rel)
{
	char path[PATH_MAX];
	size_t n;

	full_path(s, rel, path, sizeof(path));
	if (s->workloads)
		workloads_removed(s->workloads, rel);
	n = strlen(path);
	for (size_t i = s->ps->n_att; i-- > 0;) {
		struct attachment *a = &s->ps->att[i];
		uint64_t id;

		if (strncmp(a->cgroup, path, n) != 0 || (a->cgroup[n] != 0 && a->cgroup[n] != '/'))
			continue;
		if (cgroup_id_of(a->cgroup, &id) == 0 && id == a->cgroup_id)
			continue; /* still there (an event for a name removed and created again since) */
		attachment_gone(s, i);
	}
}

void selectors_handle(struct selectors *s)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (;;) {
		ssize_t n = read(s->fd, buf, sizeof(buf));

		if (n <= 0)
			return;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			struct cgroup_watch *w = watch_by_wd(s, ev->wd);

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				s->overflows++;
				selectors_rescan(s);
				return;
			}
			if (!w || !(ev->mask & IN_ISDIR) || !ev->len) {
				if (w && (ev->mask & IN_IGNORED)) {
					free(w->rel);
					*w = s->w[--s->n_w];
				}
				continue;
			}
			char rel[PATH_MAX];

			if (!join(rel, sizeof(rel), w->rel, ev->name))
				continue;
			if (ev->mask & (IN_CREATE | IN_MOVED_TO))
				scan(s, rel, 0);
			else if (ev->mask & (IN_DELETE | IN_MOVED_FROM))
				removed(s, rel);
		}
	}
}

int selectors_add(struct selectors *s, const char *profile, const char *glob, unsigned *ret_attached,
		  char *msg, size_t size)
{
	char rel[SELECTOR_GLOB_MAX];
	struct selector *n;
	uint64_t before;
	int r;

	r = selectors_normalise(s, glob, rel, sizeof(rel), msg, size);
	if (r < 0)
		return r;
	if (!profiles_find(s->ps, profile)) {
		snprintf(msg, size, "no profile named '%s' is loaded (load it with 'enforcerctl load FILE.pol')", profile);
		return -ENOENT;
	}
	for (size_t i = 0; i < s->n_sel; i++) {
		if (strcmp(s->sel[i].glob, rel) == 0) {
			snprintf(msg, size, "selector '%s' already attaches profile '%s'; detach it first "
				 "(enforcerctl detach --selector '%s')", rel, s->sel[i].profile, rel);
			return -EEXIST;
		}
	}
	if (s->n_sel >= SELECTORS_MAX) {
		snprintf(msg, size, "%d selectors exist, the maximum", SELECTORS_MAX);
		return -ENOSPC;
	}
	n = realloc(s->sel, (s->n_sel + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	s->sel = n;
	n[s->n_sel] = (struct selector){};
	if (strncmp(rel, WORKLOAD_SELECTOR_PREFIX, sizeof(WORKLOAD_SELECTOR_PREFIX) - 1) == 0) {
		struct workload_selector *ws = calloc(1, sizeof(*ws));

		if (!ws)
			return -ENOMEM;
		r = workload_selector_parse(rel + sizeof(WORKLOAD_SELECTOR_PREFIX) - 1, ws, msg, size);
		if (r < 0) {
			free(ws);
			return r;
		}
		n[s->n_sel].workload = ws;
	}
	if (dup_both(rel, profile, &n[s->n_sel].glob, &n[s->n_sel].profile) < 0) {
		free_selector(&n[s->n_sel]);
		return -ENOMEM;
	}
	s->n_sel++;
	s->dirty = true;
	before = s->attached;
	selectors_rescan(s);
	*ret_attached = (unsigned)(s->attached - before);
	return 0;
}

static void detach_via(struct selectors *s, const char *glob, unsigned *ret_detached)
{
	for (size_t i = s->ps->n_att; i-- > 0;) {
		char msg[256];

		if (!s->ps->att[i].via || strcmp(s->ps->att[i].via, glob) != 0)
			continue;
		if (profiles_detach_id(s->ps, s->ps->att[i].cgroup_id, msg, sizeof(msg)) == 0) {
			s->detached++;
			(*ret_detached)++;
		} else {
			log_warn("%s", msg);
		}
	}
}

static void remove_selector_at(struct selectors *s, size_t i, unsigned *ret_detached)
{
	detach_via(s, s->sel[i].glob, ret_detached);
	free_selector(&s->sel[i]);
	/* Keep the order: it decides between selectors. */
	memmove(&s->sel[i], &s->sel[i + 1], (s->n_sel - i - 1) * sizeof(*s->sel));
	s->n_sel--;
	s->dirty = true;
}

int selectors_remove(struct selectors *s, const char *glob, unsigned *ret_detached, char *msg, size_t size)
{
	char rel[SELECTOR_GLOB_MAX];
	int r;

	*ret_detached = 0;
	r = selectors_normalise(s, glob, rel, sizeof(rel), msg, size);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_sel; i++) {
		if (strcmp(s->sel[i].glob, rel) == 0) {
			remove_selector_at(s, i, ret_detached);
			/* A cgroup the removed selector held may match a later one. */
			selectors_rescan(s);
			return 0;
		}
	}
	snprintf(msg, size, "no selector '%s' (see 'enforcerctl list')", rel);
	return -ENOENT;
}

void selectors_forget_profile(struct selectors *s, const char *profile)
{
	unsigned n = 0;

	for (size_t i = s->n_sel; i-- > 0;)
		if (strcmp(s->sel[i].profile, profile) == 0)
			remove_selector_at(s, i, &n);
	for (size_t i = s->n_pend; i-- > 0;)
		if (strcmp(s->pend[i].profile, profile) == 0)
			remove_pending_at(s, i);
	selectors_rescan(s);
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

int selectors_add_pending(struct selectors *s, const char *profile, const char *cgroup)
{
	struct pending_attachment *n;

	if (!relative_to_root(s, cgroup))
		return -EINVAL;
	n = realloc(s->pend, (s->n_pend + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	s->pend = n;
	if (dup_both(cgroup, profile, &n[s->n_pend].cgroup, &n[s->n_pend].profile) < 0)
		return -ENOMEM;
	s->n_pend++;
	return 0;
}

/* Watch path (absolute) and the directories above it: its removal and creation are seen. */
static void watch_ancestors(struct selectors *s, const char *path)
{
	const char *rel = relative_to_root(s, path);
	char buf[PATH_MAX];

	if (!rel)
		return;
	snprintf(buf, sizeof(buf), "%s", rel);
	watch_dir(s, "");
	for (char *p = buf; (p = strchr(p, '/')); p++) {
		*p = 0;
		watch_dir(s, buf);
		*p = '/';
	}
	watch_dir(s, buf);
}

int selectors_attach_path(struct selectors *s, const char *profile, const char *cgroup,
			  const struct attachment **ret_att, char *msg, size_t size)
{
	const struct attachment *a;
	struct attachment *wa;
	char warn[1024];
	int r;

	r = profiles_attach(s->ps, profile, cgroup, &a, msg, size);
	if (r < 0)
		return r;
	/* Explicit now, whatever made it before: selectors no longer touch it. */
	wa = profiles_find_attachment(s->ps, a->cgroup_id);
	if (wa) {
		free(wa->via);
		wa->via = NULL;
	}
	/* A pending attachment of the same path is this one now. */
	for (size_t i = 0; i < s->n_pend; i++) {
		if (strcmp(s->pend[i].cgroup, a->cgroup) == 0) {
			remove_pending_at(s, i);
			break;
		}
	}
	if (profiles_follow_path(s->ps, a->cgroup, a->slot, warn, sizeof(warn)) < 0)
		log_warn("attachment of '%s': %s", profile, warn);
	watch_ancestors(s, a->cgroup);
	*ret_att = a;
	return 0;
}

int selectors_repoint(struct selectors *s, const char *glob, const char *profile, char *msg, size_t size)
{
	struct selector *sel = NULL;
	char *name;

	for (size_t i = 0; i < s->n_sel && !sel; i++)
		if (strcmp(s->sel[i].glob, glob) == 0)
			sel = &s->sel[i];
	if (!sel) {
		snprintf(msg, size, "no selector '%s'", glob);
		return -ENOENT;
	}
	if (!profiles_find(s->ps, profile)) {
		snprintf(msg, size, "no profile named '%s' is loaded", profile);
		return -ENOENT;
	}
	name = strdup(profile);
	if (!name)
		return -ENOMEM;
	for (size_t i = 0; i < s->ps->n_att; i++) {
		const struct attachment *a = &s->ps->att[i], *ca;
		int r;

		if (!a->via || strcmp(a->via, glob) != 0)
			continue;
		/* Re-points the existing entry in place (its via, the selector's, is kept). */
		r = profiles_attach(s->ps, profile, a->cgroup, &ca, msg, size);
		if (r < 0) {
			free(name);
			return r;
		}
	}
	free(sel->profile);
	sel->profile = name;
	s->dirty = true;
	return 0;
}

int selectors_repoint_pending(struct selectors *s, const char *cgroup, const char *profile, char *msg, size_t size)
{
	const struct profile *p = profiles_find(s->ps, profile);

	for (size_t i = 0; i < s->n_pend; i++) {
		char *name;
		int r;

		if (strcmp(s->pend[i].cgroup, cgroup) != 0)
			continue;
		if (!p) {
			snprintf(msg, size, "no profile named '%s' is loaded", profile);
			return -ENOENT;
		}
		name = strdup(profile);
		if (!name)
			return -ENOMEM;
		r = profiles_follow_path(s->ps, cgroup, p->slot, msg, size);
		if (r < 0 && r != -ENAMETOOLONG) {
			free(name);
			return r;
		}
		free(s->pend[i].profile);
		s->pend[i].profile = name;
		s->dirty = true;
		return 0;
	}
	snprintf(msg, size, "%s has no pending attachment", cgroup);
	return -ENOENT;
}

int selectors_attach_or_wait(struct selectors *s, const char *profile, const char *path, bool *ret_holds,
			     char *msg, size_t size)
{
	const struct attachment *a;

	*ret_holds = access(path, F_OK) == 0;
	if (*ret_holds)
		return selectors_attach_path(s, profile, path, &a, msg, size);
	if (selectors_repoint_pending(s, path, profile, msg, size) == 0)
		return 0;
	return selectors_wait_for(s, profile, path, msg, size);
}

int selectors_detach_path(struct selectors *s, const char *path, char *msg, size_t size)
{
	for (size_t i = 0; i < s->ps->n_att; i++)
		if (!s->ps->att[i].via && strcmp(s->ps->att[i].cgroup, path) == 0)
			return profiles_detach_id(s->ps, s->ps->att[i].cgroup_id, msg, size);
	if (selectors_detach_pending(s, path) == 0)
		return 0;
	snprintf(msg, size, "%s has no profile attached (see 'enforcerctl list')", path);
	return -ENOENT;
}

int selectors_detach_pending(struct selectors *s, const char *cgroup)
{
	char norm[PATH_MAX];
	size_t n;

	snprintf(norm, sizeof(norm), "%s", cgroup);
	n = strlen(norm);
	while (n > 1 && norm[n - 1] == '/')
		norm[--n] = 0;
	for (size_t i = 0; i < s->n_pend; i++) {
		if (strcmp(s->pend[i].cgroup, norm) == 0) {
			profiles_unfollow_path(s->ps, norm);
			remove_pending_at(s, i);
			s->dirty = true;
			return 0;
		}
	}
	return -ENOENT;
}

int selectors_wait_for(struct selectors *s, const char *profile, const char *cgroup, char *msg, size_t size)
{
	const struct profile *p = profiles_find(s->ps, profile);
	int r;

	if (!p) {
		snprintf(msg, size, "no profile named '%s' is loaded", profile);
		return -ENOENT;
	}
	r = selectors_add_pending(s, profile, cgroup);
	if (r < 0) {
		snprintf(msg, size, "%s is not below the cgroup2 mount %s", cgroup, s->root);
		return r;
	}
	r = profiles_follow_path(s->ps, cgroup, p->slot, msg, size);
	if (r < 0)
		log_warn("attachment of '%s': %s", profile, msg);
	watch_ancestors(s, cgroup);
	return 0;
}

void selectors_reconcile(struct selectors *s)
{
	char msg[1024];

	/* What the watches saw first (a mkdir queued its event before it returned). */
	selectors_handle(s);
	for (size_t i = s->ps->n_att; i-- > 0;) {
		struct attachment *a = &s->ps->att[i];
		uint64_t id;

		if (cgroup_id_of(a->cgroup, &id) == 0 && id == a->cgroup_id) {
			const struct profile *p = &s->ps->slots[a->slot];
			const struct attachment *ca;

			if (profiles_attachment_holds(s->ps, a) || !p->used)
				continue;
			/* The kernel lost the entry (cleared maps): write it again. */
			if (profiles_attach(s->ps, p->bundle->name, a->cgroup, &ca, msg, sizeof(msg)) < 0)
				log_warn("%s", msg);
			continue;
		}
		attachment_gone(s, i);
	}
	/* Cgroups that exist now: pending ones, and new cgroups where a selector's attachment was. */
	for (size_t i = s->n_pend; i-- > 0;) {
		const char *rel = relative_to_root(s, s->pend[i].cgroup);

		if (rel && access(s->pend[i].cgroup, F_OK) == 0) {
			char copy[PATH_MAX];

			snprintf(copy, sizeof(copy), "%s", rel);
			apply(s, copy);
		}
	}
}

int selectors_apply_now(struct selectors *s, const char *rel, char *msg, size_t size)
{
	char path[PATH_MAX];
	uint64_t id;

	full_path(s, rel, path, sizeof(path));
	if (cgroup_id_of(path, &id) < 0) {
		snprintf(msg, size, "%s: no such cgroup", path);
		return -ENOENT;
	}
	/* Watch what leads to it and below it, and apply what applies, whether or not the watch saw it yet. */
	scan(s, rel, 0);
	apply(s, rel);
	if (profiles_find_attachment(s->ps, id))
		return 0;
	for (size_t i = 0; i < s->n_sel; i++) {
		if (selector_applies(s, &s->sel[i], rel)) {
			snprintf(msg, size, "%s: selector '%s' applies (profile '%s'), and attaching it failed (the "
				 "daemon's log says why)", path, s->sel[i].glob, s->sel[i].profile);
			return -EIO;
		}
	}
	return 0;
}
