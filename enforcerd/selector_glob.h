/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Selector globs over cgroup paths, relative to the cgroup2 mount:
 * "system.slice/nginx.service", "kubepods.slice/ ** /cri-containerd-*.scope"
 * (without the spaces). '*', '?' and '[...]' match within one path
 * component (fnmatch); a component that is exactly "**" matches any number
 * of components, none included.
 */
#ifndef ENFORCER_SELECTOR_GLOB_H
#define ENFORCER_SELECTOR_GLOB_H

#include <stdbool.h>
#include <stddef.h>

#define SELECTOR_GLOB_MAX        1024
#define SELECTOR_GLOB_MAX_STARS  4     /* "**" components per glob: bounds the matcher's work */

/* 0, or -EINVAL with the reason in err. */
int selector_glob_check(const char *glob, char *err, size_t err_size);

/*
 * A user's glob in the form selectors keep: absolute below the cgroup2
 * mount root -> relative; leading '/' dropped; checked. 0 or -EINVAL with msg.
 */
int selector_glob_normalise(const char *root, const char *glob, char *out, size_t out_size, char *msg, size_t size);

/*
 * A selector's name as selectors keep it: a glob as above, or a workload
 * selector, WORKLOAD_SELECTOR_PREFIX and its canonical text
 * (common/workload.h). 0 or -EINVAL with msg.
 */
int selector_key_normalise(const char *root, const char *text, char *out, size_t out_size, char *msg, size_t size);

/* Does the relative cgroup path (no leading '/'; "" is the root) match? */
bool selector_glob_match(const char *glob, const char *path);

/* Could path or a cgroup below it match? (Which directories need watching.) */
bool selector_glob_may_match_below(const char *glob, const char *path);

#endif /* ENFORCER_SELECTOR_GLOB_H */
