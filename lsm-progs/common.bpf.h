/* SPDX-License-Identifier: GPL-2.0-only */
/* What every BPF file of the engine includes first. */
#ifndef ENF_COMMON_BPF_H
#define ENF_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* vmlinux.h carries types, not macros. */
#define EPERM   1
#define ENOENT  2
#define ENOMEM  12
#define EACCES  13
#define EINVAL  22
#define E2BIG   7
#define ENAMETOOLONG 36
#define EFAULT  14
#define EAGAIN  11
#define EXDEV   18
#define ESTALE  116
#define ENOSPC  28

/* Kernel constants (stable ABI values) that vmlinux.h does not carry. */
#define FMODE_READ     0x1
#define FMODE_WRITE    0x2
#define FMODE_EXEC     0x20
#define __FMODE_EXEC   0x20       /* in f_flags: the open is execve's (do_open_execat) */
#define O_ACCMODE      00000003
#define PROT_EXEC      0x4
#define VM_EXEC        0x00000004
#define O_TRUNC        00001000
#define O_APPEND       00002000
#define MNT_INTERNAL   0x4000
#define S_IFMT         00170000
#define S_IFREG        0100000
#define S_IFDIR        0040000
#define S_IFBLK        0060000
#define S_IFCHR        0020000
#define PF_IO_WORKER   0x00000010 /* task_struct.flags: an io_uring worker (include/linux/sched.h) */
#define PR_SET_MM      35
#define RENAME_EXCHANGE (1 << 1)

#define CLASS_BIT(c) (1u << (c))

#include "enforcer_abi.h"
#include "maps.bpf.h"

/*
 * p, a trusted kernel pointer of type `type`, as a pointer the verifier
 * does not trust, on kernels where it searches BTF for every pointer loaded
 * through a trusted one (trusted_loads_searched, maps.bpf.h); p itself
 * elsewhere. There a load through the trusted pointer is one plain
 * instruction, and through this copy a fault-safe direct load (PROBE_MEM,
 * about eight); what is loaded further down the chain is PROBE_MEM either
 * way. A few such loads per decision. The branch the flag rules out is
 * never verified, and on 6.1 (no bpf_rdonly_cast(), no search) the call
 * is dead code the kernel removes before it resolves calls. Only for
 * reading: the copy may be loaded through, compared and passed on as a
 * number, not given to a helper or kfunc that wants a trusted pointer.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;
#define UNTRUSTED(type, p)                                                                         \
	(trusted_loads_searched ? (type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)) : \
				  (type *)(p))

/*
 * The kernel object of type `type` at address a (a number) as a pointer
 * to load through: only where rdonly_cast_usable (maps.bpf.h) says the
 * kernel has bpf_rdonly_cast(), in a branch that flag rules out
 * elsewhere. Loads through it are fault-safe (a fault reads 0); it may
 * not be given to a helper or kfunc.
 */
#define KERNEL_OBJECT(type, a) ((type *)bpf_rdonly_cast((void *)(unsigned long)(a), bpf_core_type_id_kernel(type)))

/*
 * The file access classes an open file stands for, from its f_mode and
 * f_flags: what file_open decides, and file_receive for a descriptor
 * handed over. O_TRUNC and O_APPEND count as write; open(path, 3) gives
 * neither mode bit but a descriptor for ioctls that may read or change
 * the file, so it counts as both.
 */
static __always_inline __u32 file_access_classes(unsigned int fmode, unsigned int flags)
{
	__u32 mask = 0;

	if (fmode & FMODE_READ)
		mask |= CLASS_BIT(ENF_CLASS_READ);
	if ((fmode & FMODE_WRITE) || (flags & (O_TRUNC | O_APPEND)))
		mask |= CLASS_BIT(ENF_CLASS_WRITE);
	if ((flags & O_ACCMODE) == O_ACCMODE)
		mask |= CLASS_BIT(ENF_CLASS_READ) | CLASS_BIT(ENF_CLASS_WRITE);
	return mask;
}

/*
 * Not inlined: 6.12's verifier inlines every lookup of a per-CPU array,
 * and each inlining copies the whole program and its per-instruction data
 * (do_misc_fixups()). Inlined here, the counters were three in four of the
 * programs' lookups, and their inlining a sixth of the time 6.12 took to
 * load them (icount). One lookup per program costs a bpf-to-bpf call per
 * count instead.
 */
static __noinline void stat_inc(enum enf_stat which)
{
	__u32 key = which;
	__u64 *v = bpf_map_lookup_elem(&stats, &key);

	if (v)
		*v += 1; /* per-CPU slot: no atomics needed */
}

/*
 * Argument i of the program's hook as a number, read from the context. For
 * two things a typed argument cannot do: be passed to a global function,
 * which takes no kernel pointer on 6.1 (the verifier keeps a pointer's
 * type through any cast); and be tested for NULL, which 6.12's verifier
 * takes a hook's pointer argument never to be, and drops the test (every
 * signal went undecided on trixie when task_kill tested its cred so). 0 if
 * the read fails.
 */
static __always_inline __u64 hook_arg_number(unsigned long long *ctx, int i)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &ctx[i]);
	return v;
}

#endif /* ENF_COMMON_BPF_H */
