/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One kernel symbol's address from /proc/kallsyms, for the one address the
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

#endif /* ENFORCER_KALLSYMS_H */
