/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The profile's domain (domain.bpf.c says what it is and why): the check
 * that ptrace_access_check (domain.bpf.c) and task_kill (self.bpf.c) share.
 */
#ifndef ENF_DOMAIN_BPF_H
#define ENF_DOMAIN_BPF_H

/* Options of enf_domain_refuse(). */
#define ENF_DOMAIN_QUIET   (1u << 0) /* decided, counted, no event (PTRACE_MODE_NOAUDIT) */
#define ENF_DOMAIN_ANY_EXE (1u << 1) /* the profile's 'from' rules do not narrow the domain to the caller's executable */

/*
 * 0 when the current task may reach task `target` (an address): it is not
 * governed, it is in learn mode, or the target is in its profile's domain;
 * else -EPERM with an event of `hook` (reason domain), or an audit verdict
 * when the profile opts out with `optout_bit`. opts: ENF_DOMAIN_*.
 */
extern int enf_domain_refuse(__u64 target, __u32 hook, __u32 optout_bit, __u32 opts);

#endif /* ENF_DOMAIN_BPF_H */
