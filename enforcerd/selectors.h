/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Attachment by selector: a glob over cgroup paths (selector_glob.h) that
 * the daemon applies to the cgroups that exist when it is added and to
 * every cgroup created later. New cgroups are seen through inotify on the
 * cgroup2 directories that could lead to a match (IN_CREATE on cgroupfs is
 * raised by mkdir(2)); a queue overflow triggers a full rescan.
 *
 * Also here: attachments by path whose cgroup does not exist now (removed,
 * as `systemctl restart` does, or restored after a reboot before systemd
 * created it): pending. The kernel attaches a cgroup created at such a path
 * inside mkdir (lsm-progs/cgroup_mkdir.bpf.c); the daemon then learns it
 * (the watches, or selectors_reconcile()) and its registry names the new id.
 *
 * Precedence: an explicit attachment of a cgroup beats any selector; among
 * selectors, the one added first wins. Attachments a selector made are
 * removed when the selector is, and when their cgroup is removed.
 *
 * The window of selectors: a process placed in a new cgroup that a glob
 * matches runs under its parent's governing profile (or none) until the
 * daemon has seen the cgroup and written one map entry; docs/operations.md
 * has the measured figure. Attachments by path have no such window.
 */
#ifndef ENFORCER_SELECTORS_H
#define ENFORCER_SELECTORS_H

#include <stdbool.h>
#include <stdint.h>

#include "profiles.h"
#include "workload.h"
#include "workloads.h"

#define SELECTORS_MAX 256

struct selector {
	/*
	 * Relative to the cgroup2 mount; or for a workload selector
	 * WORKLOAD_SELECTOR_PREFIX and its canonical text, which no glob
	 * can be: the name by which attachments, the state file and the
	 * control plane know it.
	 */
	char *glob;
	struct workload_selector *workload; /* NULL for a glob */
	char *profile;
	uint64_t matched;  /* cgroups attached through it */
};

struct pending_attachment {
	char *cgroup;      /* absolute path */
	char *profile;
};

struct cgroup_watch {
	int wd;
	char *rel;         /* relative to the mount, "" for the root */
};

struct selectors {
	struct profiles *ps;
	struct workloads *workloads; /* container identities, for workload selectors */
	char root[4096];   /* cgroup2 mount */
	int fd;            /* inotify */
	struct selector *sel;
	size_t n_sel;
	struct pending_attachment *pend;
	size_t n_pend;
	struct cgroup_watch *w;
	size_t n_w, cap_w;
	char daemon_cgroup[4096]; /* where enforcerd runs: never attached, nor its ancestors */
	/* The Kubernetes pod enforcerd runs in (a DaemonSet), "" if none: no selector attaches its containers. */
	char daemon_pod_uid[WORKLOAD_POD_UID_LEN + 1];
	bool dirty;        /* the registry changed: persist it */
	/*
	 * Some directory could not be watched (the uid's inotify watches or
	 * instances used up: fs.inotify.max_user_watches is per user, and a
	 * confined root is the same user as the daemon). Until a rescan watches
	 * everything again, selectors_tick() rescans the tree every second, so
	 * a cgroup created meanwhile is attached within a second, not never.
	 */
	bool blind;
	bool blind_logged; /* the warning of this episode was given */
	uint64_t attached, detached, rescans, overflows, errors;
	uint64_t followed;  /* pending cgroups created again that the kernel had attached in mkdir */
	uint64_t late;      /* ... that the daemon attached after mkdir (the path was not followed) */
};

int selectors_init(struct selectors *s, struct profiles *ps, struct workloads *wl, char *msg, size_t size);
void selectors_free(struct selectors *s);
int selectors_fd(const struct selectors *s);

/*
 * Add a selector and apply it to the cgroups that exist now. glob may be
 * relative to the cgroup2 mount or absolute below it. *ret_attached counts
 * the cgroups it attached. 0 or -errno with msg.
 */
int selectors_add(struct selectors *s, const char *profile, const char *glob, unsigned *ret_attached,
		  char *msg, size_t size);

/* Remove a selector and detach what it attached. 0 or -errno with msg. */
int selectors_remove(struct selectors *s, const char *glob, unsigned *ret_detached, char *msg, size_t size);

/* Remove every selector and pending attachment of a profile (it is being unloaded). */
void selectors_forget_profile(struct selectors *s, const char *profile);

/* How many selectors and pending attachments name the profile. */
size_t selectors_count_for(const struct selectors *s, const char *profile);

/* An attachment by path whose cgroup does not exist yet. 0 or -errno. */
int selectors_add_pending(struct selectors *s, const char *profile, const char *cgroup);

/*
 * Attach a profile to a cgroup by path (enforcerctl attach, a restored
 * attachment): as profiles_attach(), and the path is followed, so that a
 * cgroup created there again is attached by the kernel. 0 or -errno with msg.
 */
int selectors_attach_path(struct selectors *s, const char *profile, const char *cgroup,
			  const struct attachment **ret_att, char *msg, size_t size);

/* An attachment by path whose cgroup does not exist now: pending and followed. 0 or -errno with msg. */
int selectors_wait_for(struct selectors *s, const char *profile, const char *cgroup, char *msg, size_t size);

/*
 * Point a selector at another profile: each cgroup it attached switches in
 * one update of its entry, never detached in between. 0 or -errno with msg.
 */
int selectors_repoint(struct selectors *s, const char *glob, const char *profile, char *msg, size_t size);

/*
 * Point a pending attachment at another profile; the kernel's entry for its
 * path is replaced in one update. 0, -ENOENT (no such pending path) or -errno with msg.
 */
int selectors_repoint_pending(struct selectors *s, const char *cgroup, const char *profile, char *msg, size_t size);

/*
 * Attach a profile to a path whether its cgroup exists now (attached,
 * *ret_holds true) or not (pending and followed; a pending attachment of
 * the path is re-pointed). path is absolute and canonical. 0 or -errno with msg.
 */
int selectors_attach_or_wait(struct selectors *s, const char *profile, const char *path, bool *ret_holds,
			     char *msg, size_t size);

/* Detach a path, attached or pending. 0, -ENOENT (nothing there), or -errno with msg. */
int selectors_detach_path(struct selectors *s, const char *path, char *msg, size_t size);

/* Detach a pending attachment by its path. 0 or -ENOENT. */
int selectors_detach_pending(struct selectors *s, const char *cgroup);

/*
 * Make the registry true now: drain the watches, then check every
 * attachment's cgroup under its id; a removed or replaced cgroup's stale id
 * leaves the kernel, and an existing pending cgroup is attached. Called
 * before a command reads or changes attachments.
 */
void selectors_reconcile(struct selectors *s);

/* Drain inotify; apply selectors to new cgroups, drop what removed ones had. */
void selectors_handle(struct selectors *s);

/* Walk the whole cgroup tree: watches and matches. */
void selectors_rescan(struct selectors *s);

/* Once a second: while some directory cannot be watched (blind), rescan. */
void selectors_tick(struct selectors *s);

/*
 * Would attaching this cgroup (absolute, canonical) confine the daemon? It
 * is the daemon's cgroup or an ancestor: the daemon and every admin shell
 * beside it would be confined, and the control plane refuses confined
 * peers. 0, or -EPERM with msg.
 */
int selectors_check_not_daemon(const struct selectors *s, const char *cgroup, char *msg, size_t size);

/*
 * A container is starting (the OCI hook): apply what applies to its cgroup
 * now, before its entrypoint runs, instead of when the watch sees it.
 * rel is the container's own cgroup, relative to the mount. 0 (also when
 * nothing applies: then its ancestors' attachments decide), or -errno with
 * msg when one that applies could not be made.
 */
int selectors_apply_now(struct selectors *s, const char *rel, char *msg, size_t size);

/*
 * Normalise a user's glob (absolute below the mount -> relative), or a
 * workload selector (WORKLOAD_SELECTOR_PREFIX "SPEC" -> its canonical
 * text). 0 or -EINVAL with msg.
 */
int selectors_normalise(const struct selectors *s, const char *glob, char *out, size_t out_size,
			char *msg, size_t size);

#endif /* ENFORCER_SELECTORS_H */
