/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's registry of loaded profiles and cgroup attachments. It writes
 * the maps that hold them (profiles, attachments, and the rule maps through
 * profiles_path.c and profiles_net.c); the one other writer of those is
 * state.c, which deletes entries no restored profile owns while restoring.
 *
 * Every change is one atomic switch in the kernel: a profile's rules live
 * under an instance id; a new version is written under a fresh instance
 * while the old one stays in force, then the profile's entry in `profiles`
 * (a hash map: replaced as a whole) is switched to it, and only then is the
 * old instance removed. A failed load removes what it wrote and leaves the
 * old version in force.
 */
#ifndef ENFORCER_PROFILES_H
#define ENFORCER_PROFILES_H

#include <stdbool.h>
#include <stdint.h>

#include "bundle.h"
#include "engine.h"

struct profile {
	bool used;
	uint32_t slot;
	uint32_t instance;
	uint64_t generation;
	enum enf_mode mode;
	uint8_t kernel_flags;  /* ENF_PROFILE_* as published: what the instance holds */
	uint32_t from_exes;    /* enf_profile_val.from_exes as published: the instance's, not a stub bundle's */
	struct bundle *bundle;
	/* The version just replaced: events it decided may still be in the ring buffer. */
	struct bundle *prev_bundle;
	uint32_t prev_instance;
};

struct attachment {
	char *cgroup;          /* canonical path */
	uint64_t cgroup_id;
	uint32_t level;
	uint32_t slot;
	char *via;             /* the selector glob that made it; NULL: attached explicitly */
};

/*
 * A path the kernel attaches when a cgroup is created there
 * (lsm-progs/cgroup_mkdir.bpf.c): one per explicit attachment, whether its
 * cgroup exists now or not. The registry of the cgroup_paths map.
 */
struct followed_path {
	char *cgroup;          /* absolute path */
	uint32_t slot;
	uint32_t level;        /* the kernel's depth of the path */
};

struct profiles {
	struct engine *engine;
	struct profile slots[ENF_MAX_PROFILES];
	struct attachment *att;
	size_t n_att, cap_att;
	struct followed_path *paths;
	size_t n_paths;
	uint32_t next_instance;
	uint64_t next_generation;
};

void profiles_init(struct profiles *ps, struct engine *e);
void profiles_free(struct profiles *ps);

struct profile *profiles_find(struct profiles *ps, const char *name);
struct attachment *profiles_find_attachment(struct profiles *ps, uint64_t cgroup_id);

/*
 * Load or replace a profile from a bundle (ownership passes to the registry
 * on success). *ret_replaced tells which. 0 or -errno with msg.
 */
int profiles_load(struct profiles *ps, struct bundle *b, struct profile **ret_profile,
		  bool *ret_replaced, char *msg, size_t size);

/* Unload; refused while attached unless force (then it detaches first). */
int profiles_unload(struct profiles *ps, const char *name, bool force, char *msg, size_t size);

/* A new generation in MODE; the bundle records it too (the persisted state replays it). */
int profiles_set_mode(struct profiles *ps, const char *name, enum enf_mode mode, char *msg, size_t size);

/* Attach (or re-point) a cgroup to a profile; detach a cgroup. */
int profiles_attach(struct profiles *ps, const char *name, const char *cgroup_path,
		    const struct attachment **ret_att, char *msg, size_t size);
int profiles_detach(struct profiles *ps, const char *cgroup_path, char *msg, size_t size);
/* Detach by cgroup id, for a cgroup that may be gone. 0, -ENOENT, or -errno with msg. */
int profiles_detach_id(struct profiles *ps, uint64_t cgroup_id, char *msg, size_t size);

/*
 * Registry-only: record an attachment the kernel already holds (adopted
 * from pinned state); takes canonical. 0 or -errno.
 */
int profiles_adopt_attachment(struct profiles *ps, char *canonical, uint64_t cgroup_id, uint32_t level,
			      uint32_t slot);

/*
 * The identities in the mount namespaces of a's tasks, added to its
 * profile's instance (published again when they are its first): for an
 * instance written after its attachment was adopted (state.c, at start:
 * profiles come back before their attachments). 0 or -errno with msg.
 */
int profiles_add_views(struct profiles *ps, const struct attachment *a, char *msg, size_t size);

/*
 * Have the kernel attach profile slot to a cgroup created at path (absolute)
 * from now on, inside mkdir; replaces what the path had. 0, or -errno with
 * msg: -ENAMETOOLONG when the kernel's path does not fit a key
 * (ENF_CGROUP_PATH_MAX); then only the daemon attaches it, after mkdir.
 */
int profiles_follow_path(struct profiles *ps, const char *path, uint32_t slot, char *msg, size_t size);

/* Forget a followed path (detach, unload). */
void profiles_unfollow_path(struct profiles *ps, const char *path);

/* The followed path, or NULL. */
const struct followed_path *profiles_followed(const struct profiles *ps, const char *path);

/*
 * Make the cgroup_paths map hold exactly the registry's paths (after a
 * restore: the pinned map may hold paths of a dead daemon, or be new). 0 or -errno.
 */
int profiles_sync_paths(struct profiles *ps);

/*
 * The cgroup of an attachment is gone: remove its kernel entry (its id is
 * never reused) and the registry's, but not its followed path. 0 or -errno.
 */
int profiles_forget_removed(struct profiles *ps, uint64_t cgroup_id);

/*
 * Does the kernel hold the attachment now: its cgroup exists under the
 * recorded id and the attachments map has that id with its slot?
 */
bool profiles_attachment_holds(const struct profiles *ps, const struct attachment *a);

/* Rewrite the cgroup level mask from the registry's attachments. 0 or -errno. */
int profiles_sync_levels(struct profiles *ps);

/* For events: the bundle that decided (current or just replaced instance). */
const struct bundle *profiles_bundle_for(const struct profiles *ps, uint32_t slot, uint32_t instance);

#endif /* ENFORCER_PROFILES_H */
