// SPDX-License-Identifier: GPL-2.0-only
/*
 * The profile's domain: a confined task cannot take control of a process
 * its profile does not govern. ptrace(PTRACE_ATTACH/SEIZE), writing
 * /proc/PID/mem, process_vm_writev() and pidfd_getfd() all let the caller
 * run code or use descriptors in the target, and the target runs outside
 * the caller's cgroup, so outside its profile (PID 1, a shell of the
 * host). All four ask ptrace_may_access() with PTRACE_MODE_ATTACH, which
 * calls this hook.
 *
 *  - Attach access is allowed only to a task governed by the same profile
 *    (slot); an unconfined target, one under another profile, or one of
 *    the service manager's or an OCI runtime's tasks in the cgroup (not
 *    governed: cgroup.bpf.h) is refused (baseline, reason "domain").
 *  - When the profile has rules limited to an executable ('from'), the
 *    target must also run the caller's executable (mm->exe_file): 'from'
 *    grants rights to one binary, and controlling another process of the
 *    domain that runs a privileged binary would borrow its rights.
 *  - PTRACE_MODE_READ (ps, /proc/PID/stat, /proc/PID/environ of a
 *    process of the same user) is not restricted: it reads, it does not
 *    inject.
 *  - The profile may opt out (baseline "ptrace": "allow",
 *    ENF_BASELINE_PTRACE): then allowed, and logged as an audit verdict.
 *    Audit mode: a would-deny. Learn mode confines nothing.
 *
 * The daemon is protected in every mode by self-protection's check, which
 * this program runs first, whatever the profile's mode or opt-outs
 * (self.bpf.h): any ptrace of it is refused, PTRACE_MODE_READ included.
 */
#include "common.bpf.h"
#include "cgroup.bpf.h"
#include "verdict.bpf.h"
#include "self.bpf.h"

#ifndef PTRACE_MODE_ATTACH
#define PTRACE_MODE_ATTACH 0x02
#endif

/* The inode of what task t runs (its mm's exe_file), NULL for a kernel thread. */
static __always_inline struct inode *task_exe_inode(struct task_struct *t)
{
	return BPF_CORE_READ(t, mm, exe_file, f_inode);
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(enf_ptrace, struct task_struct *child, unsigned int mode, int ret)
{
	struct decision d = { .hook = ENF_HOOK_BASE_PTRACE, .action = ENF_ACT_DENY, .reason = ENF_REASON_DOMAIN };
	struct inode *mine;
	__u32 slot = 0;
	int status, r;

	if (ret != 0)
		return ret;
	if (is_daemon(child) && enf_self_refuse(ENF_HOOK_SELF_PTRACE))
		return -EPERM;
	if (!(mode & PTRACE_MODE_ATTACH))
		return 0;
	status = current_profile_status();
	if (status == 0)
		return 0;
	if (profile_of_status(status, &d, &ret) < 0)
		return ret;
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
		if (!(d.prof.flags & ENF_PROFILE_HAS_FROM))
			return 0;
		mine = task_exe_inode(bpf_get_current_task_btf());
		if (mine && mine == task_exe_inode(child))
			return 0;
	}
	if (d.prof.baseline_optout & ENF_BASELINE_PTRACE) {
		d.action = ENF_ACT_AUDIT;
		d.reason = ENF_REASON_BASELINE;
		return finish(&d, NULL, 0);
	}
	/* Which profile governs the target cannot be told: fail closed. */
	if (r < 0)
		return fail_closed(&d, ENF_REASON_UNRESOLVED, NULL, 0);
	return finish(&d, NULL, 0);
}
