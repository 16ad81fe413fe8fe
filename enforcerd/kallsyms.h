/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel symbols' addresses from /proc/kallsyms, for the addresses the
 * programs need that BTF cannot give (a global variable: vmlinux BTF has
 * only per-CPU ones). libbpf resolves a typeless __ksym by parsing every
 * line of kallsyms with sscanf(), about 87,000 on Debian's kernels: 1 s of
 * a start under TCG. This reads in large chunks, looks for the name with
 * memmem() and stops at it.
 */
#ifndef ENFORCER_KALLSYMS_H
#define ENFORCER_KALLSYMS_H

#include <stdint.h>

/*
 * The address of NAME, a symbol of the kernel proper (not of a module),
 * from the kallsyms listing at PATH. 0 or -errno: -ENOENT when the listing
 * has no such symbol, -EPERM when it lists it at 0 (kptr_restrict hides
 * addresses from this process), -EINVAL for a line it cannot read.
 */
int kallsyms_find(const char *path, const char *name, uint64_t *addr);

/*
 * The addresses of the n NAMES (8 at most) in one pass over the listing:
 * addrs[i] and results[i], which is kallsyms_find()'s answer for
 * names[i]. 0, or -errno when the listing could not be read or a name is
 * not one (results are then not set).
 */
int kallsyms_find_each(const char *path, const char *const *names, uint64_t *addrs, int *results, size_t n);

#endif /* ENFORCER_KALLSYMS_H */
