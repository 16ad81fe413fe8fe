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
 * the caller's executable (mm->exe_file) under the same name: 'from'
 * grants rights to one binary, and controlling another process of the
 * domain that runs a privileged binary would borrow its rights. The same
 * name is the same dentry and mount, not the same inode: a hard link of
 * the binary is another name, which no 'from' names and whose exec is not
 * a secure one, so a process run from it must not reach the binary's
 * processes (found by review; 73). A task's own threads never
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

/* Whether tasks a and b run their executable under the same name (dentry and mount): false for a kernel thread. */
static __always_inline bool same_exe_name(struct task_struct *a, struct task_struct *b)
{
	struct file *fa = BPF_CORE_READ(a, mm, exe_file), *fb = BPF_CORE_READ(b, mm, exe_file);
	struct dentry *da;

	if (!fa || !fb)
		return false;
	da = BPF_CORE_READ(fa, f_path.dentry);
	return da && da == BPF_CORE_READ(fb, f_path.dentry) && BPF_CORE_READ(fa, f_path.mnt) == BPF_CORE_READ(fb, f_path.mnt);
}

/*
 * Whether the current task may reach task `target` (an address) under the
 * baseline's domain rule (above), for hook and its opt-out bit: 0, or
 * -EPERM with the event; opts: ENF_DOMAIN_* (domain.bpf.h). A global
 * function, verified once for each program that calls it
 * (ptrace_access_check here, task_kill and file_send_sigiotask in
 * self.bpf.c), for a task governed as status says: the current task, or
 * the one that arranged a signal through file ownership (below).
 */
__noinline int enf_domain_refuse(__u64 target, __u32 hook, __u32 optout_bit, __u32 opts, int status)
{
	struct decision d = { .hook = hook, .action = ENF_ACT_DENY, .reason = ENF_REASON_DOMAIN };
	struct task_struct *child = (struct task_struct *)(unsigned long)target;
	__u32 slot = 0;
	int r, ret = 0;

	if (status == 0)
		return 0;
	/* Before any event, the fail-closed ones of profile_of_status() included. */
	if (opts & ENF_DOMAIN_IN_INTERRUPT)
		d.event_flags |= ENF_EVENT_IN_INTERRUPT;
	if (profile_of_status(status, &d, &ret) < 0)
		return ret ? -EPERM : 0;
	if (d.prof.mode == ENF_MODE_LEARN)
		return 0;
	r = task_profile_slot(child, &slot);
	/*
	 * A task of the service manager or an OCI runtime in the cgroup (a
	 * unit's executor, `podman exec`'s crun before its exec) is not
	 * governed (cgroup.bpf.h): taking it over would run code outside the
	 * profile, so it is outside the domain whatever its cgroup. Told by
	 * the executable alone, which also keeps out a user manager under the
	 * profile (governed, the workload's: its user may not ptrace or signal
	 * it either, which is stricter than needed).
	 */
	if (r > 0 && slot == d.slot && !service_manager_inode(task_exe_inode(child))) {
		if (!(d.prof.flags & ENF_PROFILE_HAS_FROM) || (opts & ENF_DOMAIN_ANY_EXE))
			return 0;
		if (same_exe_name(bpf_get_current_task_btf(), child))
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
	int status;

	if (ret != 0)
		return ret;
	if (is_daemon(child) && enf_self_refuse(ENF_HOOK_SELF_PTRACE))
		return -EPERM;
	status = current_profile_status();
	if (status == 0)
		return 0;
	return lsm_verdict(enf_domain_refuse(hook_arg_number(ctx, 0),
					     attach ? ENF_HOOK_BASE_PTRACE : ENF_HOOK_BASE_PTRACE_READ,
					     attach ? ENF_BASELINE_PTRACE : ENF_BASELINE_PTRACE_READ,
					     mode & PTRACE_MODE_NOAUDIT ? ENF_DOMAIN_QUIET : 0, status));
}

/*
 * Signals through file ownership. A file's owner gets SIGIO, or the signal
 * F_SETSIG chose (SIGKILL included), whenever I/O on the file is ready, and
 * a socket's owner SIGURG for urgent data. The owner is set by F_SETOWN,
 * F_SETOWN_EX, FIOSETOWN or SIOCSPGRP to any process or process group; by
 * O_ASYNC on a terminal that has none (its foreground process group: the
 * shell's job outside, under `enforcerctl run`); by a lease or dnotify (the
 * caller). The kernel sends the signal from wherever the I/O completes,
 * often softirq context: current is not whoever arranged it, and task_kill
 * is not asked. file_send_sigiotask is, with the target and the owner; the
 * arranger is known only earlier, at the fcntl or ioctl that sets the
 * owner or arms the signal (F_SETOWN, F_SETOWN_EX, FIOSETOWN, SIOCSPGRP,
 * F_SETSIG, F_SETFL with O_ASYNC, FIOASYNC, F_SETLEASE, F_NOTIFY: every way
 * to an owner passes one of them), and at file_set_fowner, which the
 * kernel calls when the owner is set (a hook that cannot refuse). Arming a
 * file whose owner someone else set (a descriptor handed over by a process
 * outside) chooses the signal that owner gets, and whether it gets one.
 *
 * So each of those, made by a governed task, records the file in
 * sigio_arranged with the task's status, and file_send_sigiotask decides a
 * signal of a recorded file as task_kill decides the arranger's own:
 * refused to a task outside its profile's domain (hook baseline:sigio,
 * reason domain, word signal). A file arranged under two profiles (a
 * descriptor handed from one to the other) keeps both, the first and the
 * last other, and the signal must be within both domains: the last
 * arranger does not make the first one's arrangement its own. An owner set
 * by a task no profile governs leaves the record as it is: the signal a
 * confined task chose (F_SETSIG SIGKILL on a terminal it shares with the
 * shell outside) stays decided when someone outside later makes the
 * terminal's foreground group the owner. F_SETFL counts only where it turns
 * O_ASYNC on: a service that sets O_NONBLOCK on a descriptor it was handed,
 * with the flags it read back, arranges nothing.
 *
 * The record goes when the file is freed (file_free_security, after the
 * last fput has taken the file off every list that signals: fasync, leases,
 * dnotify). Not earlier: a file whose count reached 0 can still be on them
 * while its fput waits (in eventpoll_release(), behind a mutex the task can
 * hold). A profile may be the first arranger of 4,096 files alive at once
 * (sigio_per_profile), the node of 262,144: past either, the fcntl or ioctl
 * is refused (reason unresolved), before any owner is set, unless the
 * profile opts out of the signal word. So one workload that keeps files
 * open cannot make every other profile's arrangements fail. file_set_fowner
 * then only completes the record its syscall made.
 */
#ifndef F_SETFL
#define F_SETFL      4
#endif
#ifndef F_SETOWN
#define F_SETOWN     8
#endif
#ifndef F_SETSIG
#define F_SETSIG     10
#endif
#ifndef F_SETOWN_EX
#define F_SETOWN_EX  15
#endif
#ifndef F_SETLEASE
#define F_SETLEASE   1024
#endif
#ifndef F_NOTIFY
#define F_NOTIFY     1026
#endif
#ifndef F_UNLCK
#define F_UNLCK      2
#endif
#ifndef FASYNC
#define FASYNC       020000
#endif

/* 6.1 embeds the owner in struct file; 6.12 allocates it and points back (fown_struct.file). */
struct file___owner_embedded {
	struct fown_struct f_owner;
} __attribute__((preserve_access_index));

/* The file (an address) whose owner fown (an address) is. */
static __always_inline __u64 file_of_fown(__u64 fown)
{
	if (bpf_core_field_exists(struct fown_struct, file))
		return (__u64)(unsigned long)BPF_CORE_READ((struct fown_struct *)(unsigned long)fown, file);
	return fown - bpf_core_field_offset(struct file___owner_embedded, f_owner);
}

/* The count of records first made under status's profile, or NULL (a status that names none). */
static __always_inline __u32 *sigio_count_of(int status)
{
	__u32 slot = (__u32)status - 1;

	return status > 0 ? bpf_map_lookup_elem(&sigio_per_profile, &slot) : NULL;
}

/*
 * Add status (a governed task's) to the record of file: 0, or -ENOSPC when
 * the map or the profile's share of it is full. A status the record holds
 * changes nothing; another takes the second place, the first arranger's
 * stays.
 */
static __always_inline int sigio_record(__u64 file, int status)
{
	struct enf_sigio_arrangers *rec = bpf_map_lookup_elem(&sigio_arranged, &file), fresh = {};
	__u32 *count;

	if (!rec) {
		count = sigio_count_of(status);
		if (count && *count >= ENF_SIGIO_PER_PROFILE)
			return -ENOSPC;
		fresh.status[0] = status;
		if (bpf_map_update_elem(&sigio_arranged, &file, &fresh, BPF_NOEXIST) == 0) {
			__u32 zero = 0;
			__u64 *total = bpf_map_lookup_elem(&sigio_records, &zero);

			if (total)
				__sync_fetch_and_add(total, 1);
			if (count)
				__sync_fetch_and_add(count, 1);
			return 0;
		}
		/* Another CPU made the record between the lookup and the update: add to it. */
		rec = bpf_map_lookup_elem(&sigio_arranged, &file);
		if (!rec)
			return -ENOSPC;
	}
	if (rec->status[0] != status)
		rec->status[1] = status;
	return 0;
}

__noinline int enf_sigio_arrange(__u64 file, __u32 how)
{
	struct decision d = { .hook = ENF_HOOK_BASE_SIGIO, .action = ENF_ACT_DENY, .reason = ENF_REASON_UNRESOLVED };
	int status = current_profile_status(), ret = 0;

	if (status == 0 || sigio_record(file, status) == 0)
		return 0;
	stat_inc(ENF_STAT_UNRESOLVED);
	if (how == ENF_SIGIO_OWNER)
		return 0; /* cannot be refused; the fcntl or ioctl before it was (above) */
	if (profile_of_status(status, &d, &ret) < 0)
		return ret ? -EPERM : 0;
	if (d.prof.mode == ENF_MODE_LEARN || (d.prof.baseline_optout & ENF_BASELINE_SIGNAL))
		return 0;
	return fail_closed(&d, ENF_REASON_UNRESOLVED, NULL, 0) ? -EPERM : 0;
}

__noinline int enf_sigio_refuse(__u64 target, __u64 fown)
{
	__u64 file = file_of_fown(fown);
	struct enf_sigio_arrangers *rec = bpf_map_lookup_elem(&sigio_arranged, &file);
	int first, second;
	__u32 opts = ENF_DOMAIN_ANY_EXE;

	if (!rec)
		return 0;
	first = rec->status[0];
	second = rec->status[1];
	/* Often sent from softirq: the event must not use the interrupted task's scratch (event.bpf.c). */
	if (enf_in_interrupt())
		opts |= ENF_DOMAIN_IN_INTERRUPT;
	if (first && enf_domain_refuse(target, ENF_HOOK_BASE_SIGIO, ENF_BASELINE_SIGNAL, opts, first))
		return -EPERM;
	if (second && second != first && enf_domain_refuse(target, ENF_HOOK_BASE_SIGIO, ENF_BASELINE_SIGNAL, opts, second))
		return -EPERM;
	return 0;
}

/*
 * The file is gone from every list that could signal (above): so is its
 * record, and its counts. This runs for every file freed on the node, so
 * it asks the count of records first (most nodes have none: a few loads),
 * and takes the key from the typed pointer rather than by a helper call.
 */
SEC("lsm/file_free_security")
int BPF_PROG(enf_sigio_forget, struct file *file)
{
	struct enf_sigio_arrangers *rec;
	__u64 key, *total;
	__u32 zero = 0, *count;

	total = bpf_map_lookup_elem(&sigio_records, &zero);
	if (!total || !*total)
		return 0;
	key = (__u64)(unsigned long)file;
	rec = bpf_map_lookup_elem(&sigio_arranged, &key);
	if (!rec)
		return 0;
	count = sigio_count_of(rec->status[0]);
	if (bpf_map_delete_elem(&sigio_arranged, &key) != 0)
		return 0;
	__sync_fetch_and_add(total, -1); /* no fetch: the one atomic every BPF target has */
	if (count && *count)
		__sync_fetch_and_add(count, -1);
	return 0;
}

SEC("lsm/file_set_fowner")
int BPF_PROG(enf_sigio_owner, struct file *file)
{
	enf_sigio_arrange(hook_arg_number(ctx, 0), ENF_SIGIO_OWNER);
	return 0;
}

/* What sets a file's owner or arms its signal (above): every other fcntl returns at the compares. */
static __always_inline bool fcntl_arranges_sigio(unsigned int cmd, unsigned long arg, unsigned int f_flags)
{
	switch (cmd) {
	case F_SETOWN:
		return arg != 0; /* 0 removes the owner */
	case F_SETOWN_EX:
	case F_SETSIG:
		return true;
	case F_SETFL:
		return (arg & FASYNC) && !(f_flags & FASYNC);
	case F_SETLEASE:
		return arg != F_UNLCK;
	case F_NOTIFY:
		return arg != 0;
	default:
		return false;
	}
}

SEC("lsm/file_fcntl")
int BPF_PROG(enf_sigio_fcntl, struct file *file, unsigned int cmd, unsigned long arg, int ret)
{
	if (ret != 0)
		return ret;
	if (!fcntl_arranges_sigio(cmd, arg, file->f_flags))
		return 0;
	return lsm_verdict(enf_sigio_arrange(hook_arg_number(ctx, 0), ENF_SIGIO_ARM));
}

/*
 * What reaches another process without a signal or ptrace, and ends in
 * one or starves it: neither task_kill nor ptrace_access_check is asked.
 *  - prlimit(2) of its resource limits: RLIMIT_CPU makes the kernel
 *    SIGKILL it once it has used that much CPU (posix-cpu-timers, forced:
 *    even a namespace's init), RLIMIT_FSIZE 0 kills it at its next write
 *    (SIGXFSZ), RLIMIT_NOFILE 0 stops its accepts. The kernel asks for the
 *    same uid, or CAP_SYS_RESOURCE (check_prlimit_permission()): a
 *    confined root has both, nobody has the first for nobody's processes.
 *  - setpriority(2), sched_setscheduler(2)/sched_setattr(2)/
 *    sched_setaffinity(2), ioprio_set(2), /proc/PID/timerslack_ns:
 *    nice 19, SCHED_IDLE, one busy CPU, the idle I/O class.
 *  - /proc/PID/oom_score_adj (and oom_adj, autogroup, coredump_filter,
 *    clear_refs, ...) opened for writing: a score of 1000 makes the
 *    node's next out-of-memory kill that process, raising it needs no
 *    capability, and the workload can run the node out of memory.
 * So each is decided as a signal would be, word signal (hook
 * baseline:task-set): within the profile's domain only. The caller's own
 * thread group is; enforcerd is refused by self-protection, whatever the
 * profile's opt-outs.
 */
/*
 * The decision for another process's settings (above) by a task governed
 * as status says: 0 for its own thread group, else the domain check. task
 * is an address; enforcerd is the callers' (self-protection, first).
 */
__noinline int enf_task_set_refuse(__u64 task, int status)
{
	if (!task || status == 0 ||
	    BPF_CORE_READ((struct task_struct *)(unsigned long)task, tgid) == bpf_get_current_task_btf()->tgid)
		return 0;
	return enf_domain_refuse(task, ENF_HOOK_BASE_TASK_SET, ENF_BASELINE_SIGNAL, ENF_DOMAIN_ANY_EXE, status);
}

static __always_inline int task_set_refuse(struct task_struct *p, __u64 target)
{
	if (is_daemon(p) && enf_self_refuse(ENF_HOOK_SELF_TASK_SET))
		return -EPERM;
	return lsm_verdict(enf_task_set_refuse(target, current_profile_status()));
}

SEC("lsm/task_setrlimit")
int BPF_PROG(enf_task_setrlimit, struct task_struct *p, unsigned int resource, struct rlimit *new_rlim, int ret)
{
	if (ret != 0)
		return ret;
	return task_set_refuse(p, hook_arg_number(ctx, 0));
}

SEC("lsm/task_setnice")
int BPF_PROG(enf_task_setnice, struct task_struct *p, int nice, int ret)
{
	if (ret != 0)
		return ret;
	return task_set_refuse(p, hook_arg_number(ctx, 0));
}

SEC("lsm/task_setscheduler")
int BPF_PROG(enf_task_setscheduler, struct task_struct *p, int ret)
{
	if (ret != 0)
		return ret;
	return task_set_refuse(p, hook_arg_number(ctx, 0));
}

SEC("lsm/task_setioprio")
int BPF_PROG(enf_task_setioprio, struct task_struct *p, int ioprio, int ret)
{
	if (ret != 0)
		return ret;
	return task_set_refuse(p, hook_arg_number(ctx, 0));
}
