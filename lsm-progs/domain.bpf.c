// SPDX-License-Identifier: GPL-2.0-only
/*
 * The profile's domain: a confined task can neither take control of a
 * process its profile does not govern, nor read it. Both are asked of
 * ptrace_may_access(), which calls this hook with the mode:
 *
 *  - PTRACE_MODE_ATTACH: ptrace(PTRACE_ATTACH/SEIZE), writing
 *    /proc/PID/mem, process_vm_writev() and pidfd_getfd() let the caller
 *    run code or use descriptors in the target (hook baseline:ptrace,
 *    opt-out ENF_BASELINE_PTRACE).
 *  - PTRACE_MODE_READ: /proc/PID/fd/N, environ, maps, exe, cwd, root,
 *    ns, io, fdinfo, kcmp(), get_robust_list() (hook
 *    baseline:ptrace-read, opt-out ENF_BASELINE_PTRACE_READ). Reading is
 *    a way out too: /proc/PID/fd/N reopens what it names, so the write end
 *    of the pipe an unconfined shell reads its commands from, or a memfd
 *    another process runs, is the task's to write. AppArmor's ptrace read
 *    rule refuses the same between profiles.
 *
 * Either is allowed only to a task governed by the same profile (slot); an
 * unconfined target, one under another profile, or one of the service
 * manager's or an OCI runtime's tasks in the cgroup (not governed:
 * cgroup.bpf.h) is refused (baseline, reason "domain"). When the profile
 * has rules limited to an executable ('from'), the target must also run
 * the caller's executable (mm->exe_file): 'from' grants rights to one
 * binary, and controlling another process of the domain that runs a
 * privileged binary would borrow its rights. A task's own threads never
 * reach the hook (same thread group), so /proc/self is never refused.
 *
 * Where the kernel asks without wanting a log (PTRACE_MODE_NOAUDIT: the
 * fields of /proc/PID/stat that ps reads for every process), the answer is
 * the same but no event is sent: ps would otherwise log one per process.
 * The profile may opt out of either word: then allowed, and logged as an
 * audit verdict. Audit mode: a would-deny. Learn mode confines nothing.
 *
 * The daemon is protected in every mode by self-protection's check, which
 * this program runs first, whatever the profile's mode or opt-outs
 * (self.bpf.h): any ptrace of it is refused, PTRACE_MODE_READ included.
 */
#include "common.bpf.h"
#include "cgroup.bpf.h"
#include "verdict.bpf.h"
#include "self.bpf.h"
#include "domain.bpf.h"

#ifndef PTRACE_MODE_ATTACH
#define PTRACE_MODE_ATTACH 0x02
#endif
#ifndef PTRACE_MODE_NOAUDIT
#define PTRACE_MODE_NOAUDIT 0x04
#endif

/* The inode of what task t runs (its mm's exe_file), NULL for a kernel thread. */
static __always_inline struct inode *task_exe_inode(struct task_struct *t)
{
	return BPF_CORE_READ(t, mm, exe_file, f_inode);
}

/*
 * Whether the current task may reach task `target` (an address) under the
 * baseline's domain rule (above), for hook and its opt-out bit: 0, or
 * -EPERM with the event; opts: ENF_DOMAIN_* (domain.bpf.h). A global
 * function, verified once for each program that calls it
 * (ptrace_access_check here, task_kill in self.bpf.c).
 */
__noinline int enf_domain_refuse(__u64 target, __u32 hook, __u32 optout_bit, __u32 opts)
{
	struct decision d = { .hook = hook, .action = ENF_ACT_DENY, .reason = ENF_REASON_DOMAIN };
	struct task_struct *child = (struct task_struct *)(unsigned long)target;
	struct inode *mine;
	__u32 slot = 0;
	int status, r, ret = 0;

	status = current_profile_status();
	if (status == 0)
		return 0;
	if (profile_of_status(status, &d, &ret) < 0)
		return ret ? -EPERM : 0;
	if (d.prof.mode == ENF_MODE_LEARN)
		return 0;
	r = task_profile_slot(child, &slot);
	/*
	 * A task of the service manager or an OCI runtime in the cgroup (a
	 * unit's executor, `podman exec`'s crun before its exec) is not
	 * governed (cgroup.bpf.h): taking it over would run code outside the
	 * profile, so it is outside the domain whatever its cgroup.
	 */
	if (r > 0 && slot == d.slot && !service_manager_inode(task_exe_inode(child))) {
		if (!(d.prof.flags & ENF_PROFILE_HAS_FROM) || (opts & ENF_DOMAIN_ANY_EXE))
			return 0;
		mine = task_exe_inode(bpf_get_current_task_btf());
		if (mine && mine == task_exe_inode(child))
			return 0;
	}
	/* Asked quietly (PTRACE_MODE_NOAUDIT): the same answer, counted, no event. */
	if (opts & ENF_DOMAIN_QUIET) {
		if ((d.prof.baseline_optout & optout_bit) || d.prof.mode == ENF_MODE_AUDIT)
			return 0;
		stat_inc(ENF_STAT_DECISIONS);
		stat_inc(ENF_STAT_DENIED);
		return -EPERM;
	}
	if (d.prof.baseline_optout & optout_bit) {
		d.action = ENF_ACT_AUDIT;
		d.reason = ENF_REASON_BASELINE;
		return finish(&d, NULL, 0) ? -EPERM : 0;
	}
	/* Which profile governs the target cannot be told: fail closed. */
	if (r < 0)
		return fail_closed(&d, ENF_REASON_UNRESOLVED, NULL, 0) ? -EPERM : 0;
	return finish(&d, NULL, 0) ? -EPERM : 0;
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(enf_ptrace, struct task_struct *child, unsigned int mode, int ret)
{
	bool attach = mode & PTRACE_MODE_ATTACH;

	if (ret != 0)
		return ret;
	if (is_daemon(child) && enf_self_refuse(ENF_HOOK_SELF_PTRACE))
		return -EPERM;
	return lsm_verdict(enf_domain_refuse(hook_arg_number(ctx, 0),
					     attach ? ENF_HOOK_BASE_PTRACE : ENF_HOOK_BASE_PTRACE_READ,
					     attach ? ENF_BASELINE_PTRACE : ENF_BASELINE_PTRACE_READ,
					     mode & PTRACE_MODE_NOAUDIT ? ENF_DOMAIN_QUIET : 0));
}
