/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon without a kernel: in-memory stand-ins for the modules that
 * touch BPF maps, the cgroup tree or the ring buffer (engine.c, profiles*.c,
 * selectors.c, audit.c, event_summary.c, health.c and libbpf's map calls),
 * so that the modules above them (control.c, state.c, learn.c, rollout.c,
 * metrics.c) run on the host as they are, in unit tests and fuzz targets. The seam is the link:
 * no production file knows about this one. A daemon change that calls a
 * new function of those modules fails to link here until a stand-in is
 * added, which is the point: it is seen.
 *
 * What the stand-ins keep:
 *  - the registry (struct profiles): load, replace, unload, mode, attach and
 *    detach change it as the real functions would, with their refusals
 *    (no such profile, attached, no free slot); a "cgroup" is any absolute
 *    path, its id assigned here;
 *  - the kernel's `profiles` map (no_kernel.profiles): what each slot
 *    publishes; it survives a daemon restart, and no_kernel_reboot()
 *    empties it;
 *  - selectors and pending attachments (struct selectors), without globbing
 *    (a glob matches no cgroup; it is normalised by selector_glob.c);
 *  - no_kernel.changes: how many calls changed the registry, the kernel or
 *    the selectors (what the control fuzzer checks a reader never causes).
 * Every other map is empty and every counter 0.
 */
#ifndef ENFORCER_TESTS_NO_KERNEL_H
#define ENFORCER_TESTS_NO_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

#include "profiles.h"
#include "selectors.h"

struct no_kernel {
	bool has[ENF_MAX_PROFILES];                  /* the pinned profiles map */
	struct enf_profile_val val[ENF_MAX_PROFILES];
	uint64_t next_cgroup_id;
	unsigned long long changes;
};

extern struct no_kernel no_kernel;

/* An engine whose map fds lead here; a registry and selectors over it, empty. */
void no_kernel_init(struct engine *e, struct profiles *ps, struct selectors *sel);

/* Free what the registry and selectors hold (a daemon stopping; the kernel keeps its maps). */
void no_kernel_free(struct profiles *ps, struct selectors *sel);

/* The machine restarts: the pinned maps are gone. */
void no_kernel_reboot(void);

#endif /* ENFORCER_TESTS_NO_KERNEL_H */
