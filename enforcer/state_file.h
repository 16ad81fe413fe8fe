/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's desired state as persisted in STATE_DIR/state.json: what
 * is loaded (each profile's slot, instance, generation, mode and bundle
 * file), where it is attached (by cgroup path, and by selector), and the
 * counters that keep instance ids and generations increasing across
 * restarts. Parsing is strict: an unknown key, a wrong type or a value out
 * of range is an error with its key path, so a damaged file is noticed and
 * never half-applied.
 *
 *   {"format": 1, "abi": 2, "next_instance": 9, "next_generation": 31,
 *    "profiles": [{"name": "web", "slot": 0, "instance": 8, "generation": 30,
 *                  "mode": "enforce", "bundle": "web-8.pol", "source": "web-8.json"}],
 *    "attachments": [{"profile": "web", "cgroup": "/sys/fs/cgroup/web", "cgroup_id": 4242}],
 *    "selectors": [{"profile": "web", "glob": "system.slice/nginx*.service"}]}
 *
 * Attachments made by a selector carry "via": GLOB. What /etc/enforcer
 * declares carries "declared": FILE (a profile) or FILE:LINE (an attachment
 * or selector), and an attachment made for a systemd unit "unit": NAME
 * (origin.h); objects without "declared" were made live.
 */
#ifndef ENFORCER_STATE_FILE_H
#define ENFORCER_STATE_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "enforcer_abi.h"

#define STATE_FORMAT_VERSION 1
#define STATE_FILE_MAX (16u << 20)

struct state_profile {
	char *name;
	uint32_t slot;
	uint32_t instance;
	uint64_t generation;
	enum enf_mode mode;
	char *bundle;       /* file name inside the state directory */
	char *source;       /* canonical document beside it (may be NULL) */
	char *declared;     /* the /etc/enforcer file that declares it; NULL: loaded live */
};

struct state_attachment {
	char *profile;
	char *cgroup;       /* canonical path */
	uint64_t cgroup_id; /* 0: unknown (the cgroup did not exist when last written) */
	char *via;          /* selector glob that made it, or NULL */
	char *declared;     /* FILE:LINE in /etc/enforcer, or NULL */
	char *unit;         /* the systemd unit it was made for, or NULL */
};

struct state_selector {
	char *profile;
	char *glob;
	char *declared;     /* FILE:LINE in /etc/enforcer, or NULL */
};

struct state_doc {
	unsigned abi;
	uint32_t next_instance;
	uint64_t next_generation;
	struct state_profile *profiles;
	size_t n_profiles;
	struct state_attachment *attachments;
	size_t n_attachments;
	struct state_selector *selectors;
	size_t n_selectors;
};

void state_doc_free(struct state_doc *d);

/* 0, or -EINVAL with the problem in err ("profiles[2].slot: expected 0..1023, found 5000"). */
int state_doc_parse(const char *text, size_t len, struct state_doc *ret, char *err, size_t err_size);

/* malloc'ed JSON text, or NULL on ENOMEM. */
char *state_doc_format(const struct state_doc *d);

/* Append helpers (strings are copied). 0 or -ENOMEM. */
int state_doc_add_profile(struct state_doc *d, const struct state_profile *p);
int state_doc_add_attachment(struct state_doc *d, const struct state_attachment *a);
int state_doc_add_selector(struct state_doc *d, const struct state_selector *s);

#endif /* ENFORCER_STATE_FILE_H */
