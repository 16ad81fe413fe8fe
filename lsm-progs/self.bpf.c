// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-protection: confined tasks (any task a profile governs, the same
 * lookup as every other hook) cannot turn the engine off or take it over.
 * These programs sit beside the policy programs on their hooks; every
 * program must allow for an operation to go ahead. On the hooks where
 * the baseline or the domain has a program too (sb_mount, sb_umount,
 * move_mount: baseline.bpf.c; ptrace_access_check: domain.bpf.c;
 * unix_stream_connect: unix.bpf.c; task_kill: here, with the domain's
 * check after self-protection's), that one program runs the check of
 * self.bpf.h, on its own and before anything the profile's mode or
 * opt-outs could relax.
 *
 *  - bpf(): none at all for confined tasks. Simpler and sturdier than
 *    telling the engine's objects from others (ids, pinned paths, fds
 *    passed around): a confined workload has no business with BPF.
 *  - bpffs: no write access at all (no unlink, rename, mkdir, create; pins
 *    cannot be removed or replaced), no unmount of it, no mount over it,
 *    no reconfiguring it.
 *  - the daemon (settings.daemon_tgid, and the live task that marked
 *    itself in self_daemon): no signal but 0, no ptrace in any mode (that
 *    covers /proc/PID/mem, process_vm_*, pidfd_getfd), and no signal at
 *    all through file ownership (F_SETOWN + O_ASYNC, F_SETSIG): that one
 *    is sent from whatever context the I/O completes in, so current is not
 *    the sender, and it is refused whoever set it up.
 *  - cgroup2: no write access to the cgroup.* files, the task's own
 *    cgroup's included (writing cgroup.procs or cgroup.threads moves tasks,
 *    out of the domain or into it; so do cgroup.subtree_control, cgroup.kill,
 *    cgroup.freeze, cgroup.type, ... change what the engine relies on), no
 *    clone3(CLONE_INTO_CGROUP) at all, no unmount, no mount over, no
 *    reconfiguring (its root's options: nsdelegate, memory_recursiveprot).
 *  - the daemon's files (self_inodes: state directory, socket directory,
 *    audit log): no entries added, removed or renamed in those directories,
 *    no file in them opened for writing or truncated, no new hard link to
 *    one of them (made elsewhere, it would be opened for writing there),
 *    the audit log not written, truncated, unlinked, renamed or linked; no
 *    mount over them.
 *  - the control socket: no connect() (the daemon refuses such peers too).
 *  - no file locks on bpffs or protected inodes (the daemon's single-
 *    instance lock is an flock() of its pin directory).
 *
 * None of this sits on inode_permission, the hottest hook of the kernel
 * (every component of every path lookup of every task on the node passes
 * there): each write path has a hook of its own that only the operation
 * itself pays for.
 *  - Opening for writing and truncating: from the file programs on
 *    file_open and path_truncate (write_refused(), self.bpf.h).
 *  - Adding, removing or renaming entries (bpffs, protected directories):
 *    from the file programs on path_mknod/mkdir/symlink/link/unlink/rmdir/
 *    rename (self_dir_guarded()), which see open(O_CREAT) too.
 *  - clone3(CLONE_INTO_CGROUP): task_alloc, before the child exists.
 *  - A file open for writing that another process hands over (SCM_RIGHTS,
 *    pidfd_getfd): file_receive.
 * One program per hook for the file hooks: every open on the node pays for
 * each program attached there. What inode_permission caught besides, and
 * these do not: a write descriptor to a cgroup.* file that the task held
 * before its cgroup came under a profile (docs/bypasses.md).
 *
 * Audit mode does not apply: a workload being profiled in audit mode must
 * not be able to switch enforcement off for everyone else. Unconfined root
 * is not restricted here: it can load BPF itself, so a rule against it
 * would be theatre (docs/operations.md).
 */
#include "common.bpf.h"
#include "cgroup.bpf.h"
#include "verdict.bpf.h"
#include "self.bpf.h"
#include "domain.bpf.h"

/*
 * Refuse the operation if the current task is confined: 0 when it is not
 * (or is the daemon), else -EPERM with an event naming the hook.
 */
static __always_inline int refuse_if_confined(enum enf_hook hook)
{
	struct decision d = { .hook = hook, .action = ENF_ACT_DENY, .reason = ENF_REASON_SELF };
	struct enf_profile_val *prof;
	struct enf_config *cfg = engine_settings();
	int status;

	if (!cfg || !(cfg->self_flags & ENF_SELF_PROTECT))
		return 0;
	if (is_daemon_task(cfg, bpf_get_current_task_btf()))
		return 0;
	status = current_profile_status();
	if (status == 0)
		return 0;
	/* status < 0: whether it is confined cannot be told; refuse (fail closed). */
	if (status > 0) {
		d.slot = (__u32)status - 1;
		prof = bpf_map_lookup_elem(&profiles, &d.slot);
		if (prof)
			d.prof = *prof;
	}
	d.prof.mode = ENF_MODE_ENFORCE; /* never merely logged: see above */
	stat_inc(ENF_STAT_SELF_DENIED);
	return finish(&d, NULL, 0);
}

SEC("lsm/bpf")
int BPF_PROG(enf_self_bpf, int cmd, union bpf_attr *attr, unsigned int size, int ret)
{
	if (ret != 0)
		return ret;
	return refuse_if_confined(ENF_HOOK_SELF_BPF);
}

/*
 * Signals: none to the daemon from a confined task (self-protection), and,
 * the baseline's, none to a task outside the sender's profile's domain
 * (domain.bpf.c: an unconfined process, PID 1, a process of another
 * profile), word "signal": a confined root could otherwise stop or kill
 * whatever runs on the node (sshd, the audit daemon, another workload),
 * and suspend a watchdog. Within the domain any executable may signal any
 * other: a signal runs no code in the target, so 'from' rules, which
 * narrow ptrace to the caller's executable, do not narrow signals (pg_ctl
 * signals the postmaster; a shell continues a job). Signal 0 delivers
 * nothing and is left alone (pid files are checked with it). With a cred,
 * the sender is not current (a USB URB's completion, in interrupt
 * context): not decided here. The cred is tested as a number read from the
 * context: 6.12's verifier takes the hook's pointer for non-NULL and drops
 * the test, which left every signal undecided (73 on trixie). The kernel's
 * own signals (a child's exit, a terminal's ^C, SIGPIPE) do not ask this
 * hook.
 */
SEC("lsm/task_kill")
int BPF_PROG(enf_self_task_kill, struct task_struct *p, struct kernel_siginfo *info, int sig,
	     const struct cred *cred, int ret)
{
	int status;

	if (ret != 0)
		return ret;
	if (sig == 0)
		return 0;
	if (is_daemon(p))
		return refuse_if_confined(ENF_HOOK_SELF_KILL);
	if (hook_arg_number(ctx, 3) != 0)
		return 0;
	status = current_profile_status();
	if (status == 0)
		return 0;
	return lsm_verdict(enf_domain_refuse(hook_arg_number(ctx, 0), ENF_HOOK_BASE_SIGNAL, ENF_BASELINE_SIGNAL,
					     ENF_DOMAIN_ANY_EXE, status));
}

/*
 * A signal that file ownership sends (F_SETOWN to the daemon's pid, O_ASYNC
 * or F_SETSIG, SIGURG): send_sigio() runs where the I/O completes, often in
 * softirq context, so current is not whoever arranged it, and task_kill is
 * not asked. enforcerd never sets itself as a file's owner, so no such
 * signal to it is legitimate: all are refused, whoever set them up. To any
 * other task, the signal is decided as its arranger's own would be, when a
 * governed task arranged it (enf_sigio_refuse(), domain.bpf.c). The
 * event's task fields name whatever task the I/O completed in.
 */
SEC("lsm/file_send_sigiotask")
int BPF_PROG(enf_self_sigio, struct task_struct *tsk, struct fown_struct *fown, int sig, int ret)
{
	struct decision d = { .hook = ENF_HOOK_SELF_SIGIO, .action = ENF_ACT_DENY, .reason = ENF_REASON_SELF };
	struct enf_config *cfg;

	if (ret != 0)
		return ret;
	cfg = engine_settings();
	if (!cfg)
		return 0;
	if (!(cfg->self_flags & ENF_SELF_PROTECT) || !is_daemon_task(cfg, tsk))
		return lsm_verdict(enf_sigio_refuse(hook_arg_number(ctx, 0), hook_arg_number(ctx, 1)));
	d.prof.mode = ENF_MODE_ENFORCE;
	if (enf_in_interrupt())
		d.event_flags |= ENF_EVENT_IN_INTERRUPT; /* see enf_in_interrupt() */
	stat_inc(ENF_STAT_SELF_DENIED);
	return finish(&d, NULL, 0);
}

/* For the programs of other hooks (self.bpf.h): one call, verified once, for the refusal and its event. */
__noinline int enf_self_refuse(__u32 hook)
{
	return refuse_if_confined(hook);
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* clone3() placing the child in a cgroup of the caller's choice: a way out of the profile. */
SEC("lsm/task_alloc")
int BPF_PROG(enf_self_task_alloc, struct task_struct *task, unsigned long clone_flags, int ret)
{
	if (ret != 0)
		return ret;
	if (!(clone_flags & CLONE_INTO_CGROUP))
		return 0;
	return refuse_if_confined(ENF_HOOK_SELF_CLONE_INTO);
}

/*
 * A descriptor handed over by another process (SCM_RIGHTS, pidfd_getfd),
 * which a deputy outside the profile may have opened for the task: the
 * checks at open time were the deputy's, so the task's are made here, in
 * the order file_open makes them. A write descriptor of an engine file is
 * refused (self-protection), one of a file that makes the kernel run
 * something as root (a sysctl such as kernel/core_pattern, binfmt_misc,
 * ...) as the baseline refuses opening it (baseline.bpf.h), and then the
 * profile decides the file's read and write like an open of it (hook
 * file_receive), as AppArmor revalidates a passed descriptor. Pipes,
 * sockets, memfds and anonymous inodes (kernel-internal mounts) have no
 * name a rule could give: not decided, as their creation is not, but for
 * an io_uring ring, whose creation the baseline refuses. An
 * O_PATH descriptor reads and writes nothing; reopening it through
 * /proc/self/fd is an open, decided there. This program carries the
 * profile's decision too: one program per hook (see above).
 */
SEC("lsm/file_receive")
int BPF_PROG(enf_self_file_receive, struct file *file, int ret)
{
	struct dentry *dentry = UNTRUSTED(struct file, file)->f_path.dentry;
	struct inode *inode = file->f_inode;
	__u32 mask;
	int status;

	if (ret != 0)
		return ret;
	mask = file_access_classes(file->f_mode, file->f_flags);
	if (!mask)
		return 0;
	status = current_profile_status();
	if (status == 0)
		return 0;
	/* file_open's guards: engine files, every file in a protected directory, the helper files, the console's devices, /dev/mapper/control. */
	if ((mask & CLASS_BIT(ENF_CLASS_WRITE)) && write_refused(dentry, inode, ENF_HOOK_SELF_RECEIVE, status))
		return -EPERM;
	if (device_open_refused(inode, status))
		return -EPERM;
	if (UNTRUSTED(struct file, file)->f_path.mnt->mnt_flags & MNT_INTERNAL) {
		/*
		 * A ring another process made (its SQPOLL thread submits outside
		 * the cgroup, and MSG_RING installs files no hook decides): as
		 * making one (found by review).
		 */
		if (io_uring_name(&dentry->d_name) &&
		    enf_baseline_refuse(ENF_HOOK_BASE_IO_URING, ENF_BASELINE_IO_URING, status))
			return -EPERM;
		return 0;
	}
	return decide_object(status, dentry, UNTRUSTED(struct file, file)->f_path.mnt, mask, ENF_HOOK_FILE_RECEIVE, 0);
}

/*
 * Reconfiguring bpffs or cgroup2 (fsconfig's FSCONFIG_CMD_RECONFIGURE,
 * mount(2)'s remount: reconfigure_super() asks here), whatever the
 * baseline's opt-out: the baseline refuses both before (fspick and fsconfig
 * at their capability check, mount(2) at sb_mount), and this hook is not
 * the baseline's, since on 6.1 the kernel's own automounts (debugfs's
 * tracing directory, in any task that looks it up) reconfigure here too.
 */
SEC("lsm/sb_remount")
int BPF_PROG(enf_self_remount, struct super_block *sb, void *mnt_opts, int ret)
{
	if (ret != 0)
		return ret;
	return engine_fs(sb) && enf_self_refuse(ENF_HOOK_SELF_MOUNT) ? -EPERM : 0;
}

/*
 * A lock on the pin directory (or any bpffs or protected inode) held by a
 * confined task would keep every later enforcerd from starting: the daemon
 * takes flock() on its pin directory as its single-instance lock
 * (enforcerd/engine.c). flock() and fcntl() locks both ask here.
 */
SEC("lsm/file_lock")
int BPF_PROG(enf_self_file_lock, struct file *file, unsigned int cmd, int ret)
{
	struct inode *inode;

	if (ret != 0)
		return ret;
	inode = file->f_inode;
	if (UNTRUSTED(struct inode, inode)->i_sb->s_magic != BPF_FS_MAGIC) {
		__u32 kind = protected_kind(inode);

		/* A lock on a directory above the daemon's (ENF_SELF_ANCESTOR) keeps it from nothing. */
		if (!kind || kind == ENF_SELF_ANCESTOR)
			return 0;
	}
	return refuse_if_confined(ENF_HOOK_SELF_LOCK);
}

SEC("lsm/inode_unlink")
int BPF_PROG(enf_self_unlink, struct inode *dir, struct dentry *dentry, int ret)
{
	if (ret != 0)
		return ret;
	if (!protected_kind(dentry->d_inode))
		return 0;
	return refuse_if_confined(ENF_HOOK_SELF_UNLINK);
}

SEC("lsm/inode_rename")
int BPF_PROG(enf_self_rename, struct inode *old_dir, struct dentry *old_dentry, struct inode *new_dir,
	     struct dentry *new_dentry, int ret)
{
	if (ret != 0)
		return ret;
	if (!protected_kind(old_dentry->d_inode) && !protected_kind(new_dentry->d_inode))
		return 0;
	return refuse_if_confined(ENF_HOOK_SELF_RENAME);
}
