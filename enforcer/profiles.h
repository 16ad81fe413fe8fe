/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's registry of loaded profiles and cgroup attachments, and the
 * only code that writes the policy maps.
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

struct profiles {
	struct engine *engine;
	struct profile slots[ENF_MAX_PROFILES];
	struct attachment *att;
	size_t n_att, cap_att;
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

/* Rewrite the cgroup level mask from the registry's attachments. 0 or -errno. */
int profiles_sync_levels(struct profiles *ps);

/* For events: the bundle that decided (current or just replaced instance). */
const struct bundle *profiles_bundle_for(const struct profiles *ps, uint32_t slot, uint32_t instance);

#endif /* ENFORCER_PROFILES_H */
