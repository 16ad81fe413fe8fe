/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The profile's domain (domain.bpf.c says what it is and why): the check
 * that ptrace_access_check (domain.bpf.c), task_kill and file_send_sigiotask
 * (self.bpf.c) share.
 */
#ifndef ENF_DOMAIN_BPF_H
#define ENF_DOMAIN_BPF_H

/* Options of enf_domain_refuse(). */
#define ENF_DOMAIN_QUIET   (1u << 0) /* decided, counted, no event (PTRACE_MODE_NOAUDIT) */
#define ENF_DOMAIN_ANY_EXE (1u << 1) /* the profile's 'from' rules do not narrow the domain to the caller's executable */
#define ENF_DOMAIN_IN_INTERRUPT (1u << 2) /* decided in an interrupt: the event takes nothing from the task's scratch */

/*
 * 0 when a task governed as status says (current_profile_status(): the
 * current task's, or the one that arranged a signal through file
 * ownership) may reach task `target` (an address): it is not governed, it
 * is in learn mode, or the target is in its profile's domain; else -EPERM
 * with an event of `hook` (reason domain), or an audit verdict when the
 * profile opts out with `optout_bit`. opts: ENF_DOMAIN_*. Callers ask the
 * status first, and return at 0 before reading anything of the target:
 * most tasks on a node are governed by nothing.
 */
extern int enf_domain_refuse(__u64 target, __u32 hook, __u32 optout_bit, __u32 opts, int status);

/*
 * Signals through file ownership (domain.bpf.c). enf_sigio_arrange(): the
 * current task set the owner of file (an address) (ENF_SIGIO_OWNER, from
 * file_set_fowner), or is about to set it or arm its signal with an fcntl
 * or ioctl (ENF_SIGIO_ARM); 0, or -EPERM when that must be refused.
 * enf_sigio_refuse(): whether the signal of the owner fown (an address) to
 * task target is refused, as its arranger's own signal would be.
 */
#define ENF_SIGIO_OWNER 0
#define ENF_SIGIO_ARM   1
extern int enf_sigio_arrange(__u64 file, __u32 how);
extern int enf_sigio_refuse(__u64 target, __u64 fown);

/*
 * Another process's limits, priorities or /proc/PID files, changed by a
 * task governed as status says: 0, or -EPERM when task (an address) is
 * outside the caller's thread group and the profile's domain (domain.bpf.c,
 * baseline:task-set). enforcerd is the caller's to refuse first.
 */
extern int enf_task_set_refuse(__u64 task, int status);

/* The ioctls that set a file's owner or arm its signal (asm-generic's numbers: x86, arm64, riscv). */
#define FIOASYNC  0x5452
#define FIOSETOWN 0x8901
#define SIOCSPGRP 0x8902

static __always_inline bool ioctl_arranges_sigio(unsigned int cmd)
{
	return cmd == FIOASYNC || cmd == FIOSETOWN || cmd == SIOCSPGRP;
}

#endif /* ENF_DOMAIN_BPF_H */
