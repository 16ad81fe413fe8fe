// SPDX-License-Identifier: GPL-2.0-only
/*
 * The confinement baseline (docs/policy.md "baseline"): what every profile
 * refuses to the tasks it governs unless it opts out (enf_profile_val.
 * baseline_optout, ENF_BASELINE_*), because each lets a confined task
 * change what its path rules name, or act through something no profile
 * confines:
 *
 *  - mounts (ENF_BASELINE_MOUNT): every mount(2) form (new, bind, remount,
 *    move, propagation: sb_mount), umount (sb_umount), move_mount(2) of
 *    open_tree/fsmount trees, pivot_root, and the mount syscalls without a
 *    hook (fsopen, fsconfig, fsmount, fspick, open_tree's clone,
 *    mount_setattr: at their CAP_SYS_ADMIN check, capable). Rules name
 *    paths; a task that can change the topology can give any object any
 *    name, and one that can clear a mount's read-only or noexec flag, or
 *    change a superblock's options, undoes what they were set to protect.
 *    And a filesystem's administration by ioctl (file_ioctl:
 *    ioctl_requests.h): subvolumes and snapshots, btrfs send, devices.
 *  - io_uring (ENF_BASELINE_IO_URING): creating a ring (enf_base_io_uring).
 *  - device nodes (ENF_BASELINE_DEVICE_NODES): mknod of a block or
 *    character device, checked in the file program on path_mknod.
 *  - user namespaces (ENF_BASELINE_USERNS): userns_create, and entering
 *    any existing namespace (setns, at its capability check). A user
 *    namespace hands an unprivileged task CAP_SYS_ADMIN over new mount
 *    namespaces, and a large part of the kernel's attack surface.
 *  - kernel code (ENF_BASELINE_MODULES): modules (init_module,
 *    finit_module) and kexec images, refused at kernel_read_file /
 *    kernel_load_data before the kernel parses anything, and modules the
 *    kernel would have modprobe load for the task (kernel_module_request).
 *    Firmware is left alone: drivers request it on behalf of whatever task
 *    touched them.
 *  - what the kernel runs as root (ENF_BASELINE_HELPERS): writes checked
 *    inline in the file programs (baseline.bpf.h), which call
 *    enf_baseline_refuse(), and request_key(2)'s upcall (key_alloc, here).
 *  - extended attributes (ENF_BASELINE_XATTRS): setting or removing any
 *    but user.* data (file capabilities, ACLs, labels), which no path
 *    hook sees (inode_setxattr, inode_removexattr, inode_set_acl,
 *    inode_remove_acl), and XFS's by handle (file_ioctl).
 *  - kernel lockdown (ENF_BASELINE_LOCKDOWN): what the kernel's lockdown
 *    refuses root, for the governed task alone (locked_down).
 *  - terminal input (ENF_BASELINE_TTY_INJECT): TIOCSTI and TIOCLINUX
 *    (file_ioctl, file_ioctl_compat), input that whoever reads the
 *    terminal next runs as typed.
 *
 * A profile in audit mode logs would-deny and allows; one in learn mode
 * allows (learn confines nothing); an opted-out operation is allowed and
 * logged as an audit verdict (reason baseline), so each use stays visible.
 *
 * The programs on sb_mount, sb_umount and move_mount also run
 * self-protection's check (self.bpf.h), first and on its own: neither
 * audit mode nor an opt-out here relaxes it, and where both refuse,
 * self-protection reports it. One program per hook: each program is
 * verified, loaded and attached on its own, which is most of the daemon's
 * start-up time.
 */
#include "common.bpf.h"
#include "verdict.bpf.h"
#include "cgroup.bpf.h"
#include "baseline.bpf.h"
#include "self.bpf.h"
#include "domain.bpf.h"
#include "ioctl_requests.h"

/*
 * The baseline's verdict on one operation (hook), which the profile can let
 * through with optout_bit, for the profile status names
 * (current_profile_status()): 0 to allow, -EPERM to refuse. A global
 * function: verified once, called from every baseline check.
 */
__noinline int enf_baseline_refuse(__u32 hook, __u32 optout_bit, int status)
{
	struct decision d = { .hook = hook, .action = ENF_ACT_DENY, .reason = ENF_REASON_BASELINE };
	int r = 0;

	if (status == 0)
		return 0;
	/* The profile cannot be had: fail closed, with an event (unresolved, no-instance). */
	if (profile_of_status(status, &d, &r) < 0)
		return r ? -EPERM : 0;
	if (d.prof.mode == ENF_MODE_LEARN)
		return 0;
	if (d.prof.baseline_optout & optout_bit)
		d.action = ENF_ACT_AUDIT;
	return finish(&d, NULL, 0) ? -EPERM : 0;
}

/*
 * A cgroup2 controller file of cgroup cgrp (an address: cgroup_of_file(),
 * baseline.bpf.h) opened for writing by a task governed as status says.
 * A cgroup's limits are its processes': memory.max under their usage makes
 * the kernel's memory controller kill one of them, no signal asked (a
 * confined root writing 0 to enforcerd.service's memory.max kills the
 * daemon); cpu.max, cpu.idle, io.max and cpuset.cpus starve them. So only
 * a cgroup the caller's own profile governs (its own, or one below it),
 * word signal, hook baseline:task-set. cgroup.* files are self-protection's
 * (self.bpf.h), whatever the cgroup.
 */
__noinline int enf_cgroup_write_refuse(__u64 cgrp, int status)
{
	if (status <= 0 || cgroup_profile_status(cgrp) == status)
		return 0;
	return enf_baseline_refuse(ENF_HOOK_BASE_TASK_SET, ENF_BASELINE_SIGNAL, status);
}

static __always_inline int baseline_check(enum enf_hook hook, __u32 optout_bit)
{
	int status = current_profile_status();

	if (status == 0)
		return 0;
	return lsm_verdict(enf_baseline_refuse(hook, optout_bit, status));
}

#define X86_64_NR_REQUEST_KEY 249
#define IA32_NR_REQUEST_KEY   287
#define X86_64_NR_SETNS       308
#define IA32_NR_SETNS         346 /* no x86-64 syscall has this number */
#define X86_64_NR_PERF_EVENT_OPEN 298
#define IA32_NR_PERF_EVENT_OPEN   336
#define X86_64_NR_SENDTO      44
#define X86_64_NR_SENDMSG     46
#define X86_64_NR_SENDMMSG    307
#define IA32_NR_SOCKETCALL    102 /* x86-64's getuid */
#define IA32_NR_SENDMMSG      345
#define IA32_NR_SENDTO        369
#define IA32_NR_SENDMSG       370
#define X86_64_NR_SWAPON      167
#define X86_64_NR_SWAPOFF     168
#define IA32_NR_SWAPON        87  /* x86-64's unlink: told apart by current_syscall_ia32() */
#define IA32_NR_SWAPOFF       115 /* x86-64's getgroups */
/* From 424 on, one number for x86-64, x32 and ia32. */
#define NR_OPEN_TREE          428
#define NR_MOVE_MOUNT         429
#define NR_FSPICK             433 /* fsopen 430, fsconfig 431 and fsmount 432 between */
#define NR_MOUNT_SETATTR      442
#define X32_SYSCALL_BIT       0x40000000
#define NR_UNKNOWN            (-2) /* not x86: the number is not read */

/*
 * The number of the syscall the current task is in, from its saved
 * registers (x86: orig_ax; -1, masked, outside a syscall). Only the low 32
 * bits: x86-64 runs the syscall they name (do_syscall_64() takes an int) and
 * saves rax whole, so a number with bit 32 set would otherwise pass for
 * another one; x32's bit is cleared. Elsewhere NR_UNKNOWN, which each
 * caller takes as every syscall it asks about: fail closed.
 */
static __always_inline int current_syscall_nr(void)
{
#if defined(__TARGET_ARCH_x86)
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

	return (int)BPF_CORE_READ(regs, orig_ax) & ~X32_SYSCALL_BIT;
#else
	return NR_UNKNOWN;
#endif
}

#define TS_COMPAT 0x0002 /* arch/x86/include/asm/thread_info.h: a 32-bit syscall is running */

/*
 * Whether the syscall current_syscall_nr() names is a 32-bit one (int 0x80,
 * sysenter), for numbers the two tables give different syscalls: the
 * kernel's own in_ia32_syscall(). Not x86: true, and the caller takes
 * every syscall (fail closed).
 */
static __always_inline bool current_syscall_ia32(void)
{
#if defined(__TARGET_ARCH_x86)
	return BPF_CORE_READ(bpf_get_current_task_btf(), thread_info.status) & TS_COMPAT;
#else
	return true;
#endif
}

/*
 * Whether syscall number nr (current_syscall_nr()) is the syscall x86-64
 * numbers x64 and ia32 numbers ia32: each table gives the other's number
 * to some other syscall, so which table applies is asked only for those.
 */
static __always_inline bool syscall_is(int nr, int x64, int ia32)
{
	if (nr != x64 && nr != ia32)
		return false;
	return current_syscall_ia32() == (nr == ia32);
}

SEC("lsm/sb_mount")
int BPF_PROG(enf_mount, const char *dev_name, const struct path *path, const char *type,
	     unsigned long flags, void *data, int ret)
{
	if (ret != 0)
		return ret;
	if (covers_engine(path) && enf_self_refuse(ENF_HOOK_SELF_MOUNT))
		return -EPERM;
	return baseline_check(ENF_HOOK_BASE_MOUNT, ENF_BASELINE_MOUNT);
}

SEC("lsm/sb_umount")
int BPF_PROG(enf_umount, struct vfsmount *mnt, int flags, int ret)
{
	if (ret != 0)
		return ret;
	if (self_umount_guarded(mnt) && enf_self_refuse(ENF_HOOK_SELF_UMOUNT))
		return -EPERM;
	return baseline_check(ENF_HOOK_BASE_UMOUNT, ENF_BASELINE_MOUNT);
}

SEC("lsm/move_mount")
int BPF_PROG(enf_move_mount, const struct path *from_path, const struct path *to_path, int ret)
{
	if (ret != 0)
		return ret;
	if (covers_engine(to_path) && enf_self_refuse(ENF_HOOK_SELF_MOUNT))
		return -EPERM;
	return baseline_check(ENF_HOOK_BASE_MOVE_MOUNT, ENF_BASELINE_MOUNT);
}

SEC("lsm/sb_pivotroot")
int BPF_PROG(enf_base_pivotroot, const struct path *old_path, const struct path *new_path, int ret)
{
	if (ret != 0)
		return ret;
	return baseline_check(ENF_HOOK_BASE_PIVOT_ROOT, ENF_BASELINE_MOUNT);
}

/*
 * Disk quotas administered, the mount word's as btrfs's qgroups are
 * (file_ioctl, below): quotactl(2) and quotactl_fd(2) turn a filesystem's
 * quota enforcement off or on (Q_QUOTAOFF lets every tenant of ext4 or
 * XFS fill it), set a user's or group's limits (another service's limit
 * set to nothing fails its writes) and grace times, and remove XFS's quota
 * records. They ask CAP_SYS_ADMIN and then this hook, whose command is the
 * request without its type. What reads or syncs stays allowed (the
 * kernel lets a user read its own usage); any other command, one a later
 * kernel adds among them, is refused. The hook runs only on a filesystem
 * with quota support.
 */
#define Q_SYNC          0x800001
#define Q_GETFMT        0x800004
#define Q_GETINFO       0x800005
#define Q_GETQUOTA      0x800007
#define Q_GETNEXTQUOTA  0x800009
#define Q_XGETQUOTA     0x5803 /* XQM_CMD(3): ('X' << 8) + 3 */
#define Q_XGETQSTAT     0x5805
#define Q_XQUOTASYNC    0x5807
#define Q_XGETQSTATV    0x5808
#define Q_XGETNEXTQUOTA 0x5809

SEC("lsm/quotactl")
int BPF_PROG(enf_base_quotactl, int cmd, int type, int id, const struct super_block *sb, int ret)
{
	if (ret != 0)
		return ret;
	switch (cmd) {
	case Q_SYNC:
	case Q_GETFMT:
	case Q_GETINFO:
	case Q_GETQUOTA:
	case Q_GETNEXTQUOTA:
	case Q_XGETQUOTA:
	case Q_XGETQSTAT:
	case Q_XQUOTASYNC:
	case Q_XGETQSTATV:
	case Q_XGETNEXTQUOTA:
		return 0;
	}
	return baseline_check(ENF_HOOK_BASE_FS_ADMIN, ENF_BASELINE_MOUNT);
}

/*
 * The mount syscalls without an LSM hook of their own:
 *  - mount_setattr(2) changes the flags of mounts the task sees: it clears
 *    MOUNT_ATTR_RDONLY, NOSUID, NOEXEC or NODEV from a mount made to
 *    protect something (a read-only bind mount, systemd's ProtectSystem=,
 *    a container's read-only paths), and changes propagation;
 *  - fsopen(2) and fsconfig(2)'s FSCONFIG_CMD_CREATE apply options to an
 *    existing superblock without asking sb_mount or sb_remount: cgroup2's
 *    root options for the whole node (nsdelegate, memory_recursiveprot),
 *    a read-only btrfs made writable, tracefs's owner on 6.12;
 *  - fspick(2) and FSCONFIG_CMD_RECONFIGURE change a live superblock's
 *    options (read-only to read-write and back);
 *  - fsmount(2) and open_tree(2)'s OPEN_TREE_CLONE make detached trees.
 * And swapon(2) and swapoff(2), the mount word's too: a swap file of the
 * task's choosing is where the kernel then writes every process's memory,
 * for the task to read back past every rule (and swapoff of the node's swap
 * can exhaust its memory).
 * And setns(2), which no hook sees either: entering another process's user
 * namespace gives a task the capabilities userns_create refuses it (a
 * same-user rootless container's, for nobody), and another mount namespace
 * gives every rule path another meaning (the engine names paths in the
 * task's own namespace). That one is the userns word's.
 * Each checks CAP_SYS_ADMIN (may_mount(), mount_capable(), the superblock's
 * or the namespace's owner) before it acts, so refusing CAP_SYS_ADMIN to a
 * governed task in those syscalls refuses them and nothing else; a context
 * made outside and passed in is refused at fsconfig. move_mount has its hook
 * (above).
 * And CAP_SYS_TTY_CONFIG, whatever the syscall (the tty-inject word's):
 * vhangup(2) hangs up the task's terminal and signals its session leader
 * (SIGHUP, SIGCONT: the shell that ran `enforcerctl run` in it) from the
 * kernel, past task_kill; the VT keyboard ioctls (KDSKBENT, KDSKBSENT,
 * KDSETKEYCODE) remap the keys every console user types, so that Enter
 * types a command line. A process that does not own the VT asks it for any
 * VT ioctl: it is refused, and the ioctls that need no permission still work.
 * And perf's privilege, the ptrace-read word's: CAP_PERFMON, and
 * CAP_SYS_ADMIN in perf_event_open(2) (perfmon_capable() takes either).
 * With it an event for another process skips ptrace's read check
 * (perf_check_permission()), and one for a whole CPU samples every
 * process's user stack and registers: a governed root gets perf as an
 * unprivileged user does, self-monitoring within perf_event_paranoid.
 * capable runs for every capability check of every task on the node: all
 * but these return at the first compares, CAP_SYS_ADMIN, CAP_SETUID and
 * CAP_SETGID at the syscall's number (credentials sent, below).
 */
#define CAP_SETGID         6
#define CAP_SETUID         7
#define CAP_SYS_ADMIN      21
#define CAP_SYS_TTY_CONFIG 26
#define CAP_PERFMON        38

/*
 * A send that carries credentials other than the sender's own
 * (SCM_CREDENTIALS naming another pid, uid or gid): scm_check_creds() asks
 * CAP_SYS_ADMIN for the pid, CAP_SETUID and CAP_SETGID for the ids, and
 * asks nothing when they are the sender's. The receiver takes the sender
 * for whoever is named: PID 1 kills the unit whose main pid sends
 * WATCHDOG=trigger to /run/systemd/notify (a confined root naming
 * enforcerd's pid kills the daemon), journald files the lines under that
 * unit. Refused to a governed task, the signal word's: what it makes
 * another process do to a third. The same capabilities elsewhere in these
 * syscalls (netlink's storage families asking CAP_SYS_ADMIN) are refused
 * with them: node administration a workload does not do.
 */
static __always_inline bool sending(int nr)
{
	return syscall_is(nr, X86_64_NR_SENDMSG, IA32_NR_SENDMSG) || syscall_is(nr, X86_64_NR_SENDTO, IA32_NR_SENDTO) ||
	       syscall_is(nr, X86_64_NR_SENDMMSG, IA32_NR_SENDMMSG) || syscall_is(nr, -1, IA32_NR_SOCKETCALL);
}

SEC("lsm/capable")
int BPF_PROG(enf_base_capable, const struct cred *cred, struct user_namespace *ns, int cap, unsigned int opts,
	     int ret)
{
	int nr;

	if (ret != 0)
		return ret;
	if (cap == CAP_SYS_TTY_CONFIG)
		return baseline_check(ENF_HOOK_BASE_TTY_INJECT, ENF_BASELINE_TTY_INJECT);
	if (cap == CAP_PERFMON)
		return baseline_check(ENF_HOOK_BASE_PERF, ENF_BASELINE_PTRACE_READ);
	if (cap != CAP_SYS_ADMIN && cap != CAP_SETUID && cap != CAP_SETGID)
		return 0;
	nr = current_syscall_nr();
	if (sending(nr))
		return baseline_check(ENF_HOOK_BASE_FORGED_SENDER, ENF_BASELINE_SIGNAL);
	if (cap != CAP_SYS_ADMIN)
		return 0;
	if (nr == X86_64_NR_SETNS || nr == IA32_NR_SETNS)
		return baseline_check(ENF_HOOK_BASE_SETNS, ENF_BASELINE_USERNS);
	if (nr == NR_MOUNT_SETATTR)
		return baseline_check(ENF_HOOK_BASE_MOUNT_SETATTR, ENF_BASELINE_MOUNT);
	if ((nr >= NR_OPEN_TREE && nr <= NR_FSPICK && nr != NR_MOVE_MOUNT) || nr == NR_UNKNOWN)
		return baseline_check(ENF_HOOK_BASE_MOUNT_API, ENF_BASELINE_MOUNT);
	if (syscall_is(nr, X86_64_NR_SWAPON, IA32_NR_SWAPON) || syscall_is(nr, X86_64_NR_SWAPOFF, IA32_NR_SWAPOFF))
		return baseline_check(ENF_HOOK_BASE_SWAP, ENF_BASELINE_MOUNT);
	if (syscall_is(nr, X86_64_NR_PERF_EVENT_OPEN, IA32_NR_PERF_EVENT_OPEN))
		return baseline_check(ENF_HOOK_BASE_PERF, ENF_BASELINE_PTRACE_READ);
	return 0;
}

SEC("lsm/userns_create")
int BPF_PROG(enf_base_userns, const struct cred *cred, int ret)
{
	if (ret != 0)
		return ret;
	return baseline_check(ENF_HOOK_BASE_USERNS, ENF_BASELINE_USERNS);
}

/*
 * io_uring_setup(): the ring's file is a "secure" anonymous inode on 6.1
 * (anon_inode_getfile_secure()) and 6.12 (anon_inode_create_getfile()),
 * so its creation asks here, by name. A ring takes files no hook decides:
 * another ring can install its descriptors in this one (IORING_OP_MSG_RING
 * with IORING_MSG_SEND_FD), past file_receive and every file rule. No
 * kernel before 6.16 (uring_allowed) has a hook made for this. The other
 * secure anonymous inodes (userfaultfd, ...) pass. A ring made elsewhere
 * and handed over is refused at file_receive (self.bpf.c).
 */
SEC("lsm/inode_init_security_anon")
int BPF_PROG(enf_base_io_uring, struct inode *inode, const struct qstr *name, const struct inode *context_inode,
	     int ret)
{
	if (ret != 0)
		return ret;
	if (!io_uring_name(name))
		return 0;
	return baseline_check(ENF_HOOK_BASE_IO_URING, ENF_BASELINE_IO_URING);
}

/* Modules and kexec images, read from a file (finit_module, kexec_file_load). */
SEC("lsm/kernel_read_file")
int BPF_PROG(enf_base_read_file, struct file *file, enum kernel_read_file_id id, bool contents, int ret)
{
	if (ret != 0)
		return ret;
	if (id == READING_FIRMWARE)
		return 0;
	return baseline_check(ENF_HOOK_BASE_KERNEL_LOAD, ENF_BASELINE_MODULES);
}

/* ...or from a buffer (init_module, kexec_load). */
SEC("lsm/kernel_load_data")
int BPF_PROG(enf_base_load_data, enum kernel_load_data_id id, bool contents, int ret)
{
	if (ret != 0)
		return ret;
	if (id == LOADING_FIRMWARE)
		return 0;
	return baseline_check(ENF_HOOK_BASE_KERNEL_LOAD, ENF_BASELINE_MODULES);
}

/*
 * Modules by name, through modprobe: the kernel asks for a module when a task
 * wants something none has registered (a socket family: net-pf-N, for any
 * user; an interface that does not exist: netdev-NAME, then NAME itself,
 * any installed module, for root; a filesystem type, a crypto algorithm,
 * a line discipline, ...). modprobe runs as root in the root cgroup, where
 * no profile governs, and loads what it finds, which is how an exploit
 * gets the vulnerable module it needs. The hook runs in the asking task,
 * before the helper starts; a refused request is a module not found (the
 * socket's EAFNOSUPPORT, the interface's ENODEV).
 */
SEC("lsm/kernel_module_request")
int BPF_PROG(enf_base_module_request, char *kmod_name, int ret)
{
	if (ret != 0)
		return ret;
	return baseline_check(ENF_HOOK_BASE_MODULE_REQUEST, ENF_BASELINE_MODULES);
}

/*
 * What the kernel's lockdown refuses root in its confidentiality mode, for
 * the governed task: each reaches the disk, a device or kernel memory past
 * every file rule. Integrity: raw I/O ports (iopl, ioperm: a disk
 * controller's ports read any sector), /dev/mem and /dev/port, MSR writes,
 * PCI configuration writes and resource mappings (a device's DMA), ACPI
 * tables, writable debugfs files, serial port reconfiguration.
 * Confidentiality: /proc/kcore (all memory, the page cache with it, so
 * every file's contents), kprobes and tracefs (probes read any memory),
 * perf's kernel registers. The kernel asks in the task, before the
 * operation acts.
 *
 * Not these, whose check is not an operation of the task, or is another
 * word's:
 *  - LOCKDOWN_HIBERNATION: every read of /sys/power/state or /sys/power/disk
 *    asks (hibernation_available()), by any user; writing them is the
 *    helpers word's.
 *  - LOCKDOWN_MODULE_SIGNATURE, LOCKDOWN_KEXEC, LOCKDOWN_MODULE_PARAMETERS:
 *    module loads and kexec are the modules word's, whose opt-out would not
 *    be enough otherwise.
 *  - LOCKDOWN_DBG_WRITE_KERNEL, LOCKDOWN_DBG_READ_KERNEL: kgdb and kdb ask
 *    in whatever task trapped, and keep the answer for everyone.
 *  - LOCKDOWN_XFRM_SECRET: it redacts IPsec keys from the netlink messages
 *    a task's request builds, which other, unconfined listeners (the IKE
 *    daemon) receive too.
 * The reasons are numbered by the running kernel's enum (CO-RE), which
 * grows between versions.
 */
#define LOCKDOWN_BIT(r) (1ull << bpf_core_enum_value(enum lockdown_reason, r))

SEC("lsm/locked_down")
int BPF_PROG(enf_base_lockdown, enum lockdown_reason what, int ret)
{
	__u64 not_ours = LOCKDOWN_BIT(LOCKDOWN_NONE) | LOCKDOWN_BIT(LOCKDOWN_HIBERNATION) |
			 LOCKDOWN_BIT(LOCKDOWN_MODULE_SIGNATURE) | LOCKDOWN_BIT(LOCKDOWN_KEXEC) |
			 LOCKDOWN_BIT(LOCKDOWN_MODULE_PARAMETERS) | LOCKDOWN_BIT(LOCKDOWN_DBG_WRITE_KERNEL) |
			 LOCKDOWN_BIT(LOCKDOWN_DBG_READ_KERNEL) | LOCKDOWN_BIT(LOCKDOWN_XFRM_SECRET);

	if (ret != 0)
		return ret;
	if ((unsigned int)what >= bpf_core_enum_value(enum lockdown_reason, LOCKDOWN_CONFIDENTIALITY_MAX) ||
	    (unsigned int)what >= 64 || (not_ours >> what) & 1)
		return 0;
	return baseline_check(ENF_HOOK_BASE_LOCKDOWN, ENF_BASELINE_LOCKDOWN);
}

/*
 * What an ioctl request is to the engine (ioctl_requests.h): the request's
 * number only, never its argument, which is in user memory the task can
 * rewrite after any check.
 *  - A file's attributes set through its descriptor, whatever it was opened
 *    for (chattr's immutable and append-only need only the owner or
 *    CAP_FOWNER, and CAP_LINUX_IMMUTABLE): the file rules' setattr on the
 *    descriptor's path, write too for verity, which makes the file read-only
 *    for good. A confined root whose rules refuse chmod made a file it may
 *    read immutable and cleared a log's append-only flag (found by review).
 *    Neither kernel has a hook of its own for them (6.17's
 *    inode_file_setattr is the first).
 *  - A filesystem's administration (subvolumes, snapshots, send, devices,
 *    quotas, its label): the mount word, as freezing it is.
 *  - A filesystem stopped for the node (frozen, thawed, shut down): the
 *    mount word, as remounting it read-only would be.
 *  - Input typed into a terminal: the tty-inject word.
 *  - XFS's attributes by handle: the xattrs word, as setxattr(2) is.
 */
enum ioctl_kind {
	IOCTL_OTHER,
	IOCTL_SETATTR,
	IOCTL_WRITE_SETATTR,
	IOCTL_FS_ADMIN,
	IOCTL_FS_STOP,
	IOCTL_TTY_INJECT,
	IOCTL_XATTR,
};

static __always_inline enum ioctl_kind ioctl_kind(unsigned int cmd)
{
#define IOCTL_CASE(request, kind) case request: return IOCTL_##kind;
	switch (IOC_REQUEST(cmd)) {
	ENF_IOCTL_REQUESTS(IOCTL_CASE)
	}
#undef IOCTL_CASE
	return IOCTL_OTHER;
}

static __always_inline int ioctl_request_check(struct file *file, unsigned int cmd)
{
	__u32 classes = CLASS_BIT(ENF_CLASS_SETATTR);

	/* One decision on the path per program: each copy of it costs every start its verification. */
	switch (ioctl_kind(cmd)) {
	case IOCTL_WRITE_SETATTR:
		classes |= CLASS_BIT(ENF_CLASS_WRITE);
		break;
	case IOCTL_SETATTR:
		break;
	case IOCTL_FS_ADMIN:
		return baseline_check(ENF_HOOK_BASE_FS_ADMIN, ENF_BASELINE_MOUNT);
	case IOCTL_FS_STOP:
		return baseline_check(ENF_HOOK_BASE_FS_STOP, ENF_BASELINE_MOUNT);
	case IOCTL_TTY_INJECT:
		return baseline_check(ENF_HOOK_BASE_TTY_INJECT, ENF_BASELINE_TTY_INJECT);
	case IOCTL_XATTR:
		return baseline_check(ENF_HOOK_BASE_XATTR, ENF_BASELINE_XATTRS);
	case IOCTL_OTHER:
		return 0;
	}
	return check_path(&file->f_path, classes, ENF_HOOK_FILE_IOCTL);
}

/*
 * FIOASYNC, FIOSETOWN and SIOCSPGRP arrange a file's signals: its arranger
 * is recorded (domain.bpf.c). Then the requests ioctl_kind() knows. This
 * runs for every ioctl of every task on the node: all others return at
 * the switch's compares. A 32-bit task's ioctl asks file_ioctl_compat
 * where the kernel has it (6.8, and stable kernels with the backport:
 * Debian's 6.1), else file_ioctl, with the same requests.
 */
SEC("lsm/file_ioctl")
int BPF_PROG(enf_base_ioctl, struct file *file, unsigned int cmd, unsigned long arg, int ret)
{
	if (ret != 0)
		return ret;
	if (ioctl_arranges_sigio(cmd))
		return lsm_verdict(enf_sigio_arrange(hook_arg_number(ctx, 0), ENF_SIGIO_ARM));
	return ioctl_request_check(file, cmd);
}

SEC("lsm/file_ioctl_compat")
int BPF_PROG(enf_base_ioctl_compat, struct file *file, unsigned int cmd, unsigned long arg, int ret)
{
	if (ret != 0)
		return ret;
	if (ioctl_arranges_sigio(cmd))
		return lsm_verdict(enf_sigio_arrange(hook_arg_number(ctx, 0), ENF_SIGIO_ARM));
	return ioctl_request_check(file, cmd);
}

/*
 * request_key(2) for a key nobody holds has the kernel construct it: it runs
 * /sbin/request-key as root in the root cgroup, where no profile governs,
 * and that runs the handler /etc/request-key.conf names for the key's type
 * and description, with the type, the description and the callout text the
 * task chose (keyutils' key.dns_resolver looks up any name: DNS past the
 * profile's network rules). Each construction first allocates the
 * authorisation key of type ".request_key_auth" (request_key_auth_new(), in
 * the asking task, before the helper starts), and nothing else allocates
 * one; refusing it fails the request with EPERM.
 *
 * Only inside request_key(2) itself: the kernel's own requests for keys
 * (NFSv4 id mapping, CIFS SPNEGO and reconnects, DNS for referrals) run in
 * whatever task touched the file system, and refusing those would break a
 * confined workload's storage. x86: 249, or 287 from a 32-bit task, where
 * 64-bit 287 is timerfd_gettime, which allocates no key.
 */

SEC("lsm/key_alloc")
int BPF_PROG(enf_base_key_upcall, struct key *key, const struct cred *cred, unsigned long flags, int ret)
{
	static const char auth[] = ".request_key_auth";
	char got[sizeof(auth) + 1] = {}; /* a longer name reads one byte more */
	int nr;

	if (ret != 0)
		return ret;
	/* got[] keeps its NUL, which name_is() compares too. */
	if (bpf_probe_read_kernel_str(got, sizeof(got), BPF_CORE_READ(key, type, name)) != sizeof(auth) ||
	    !name_is(got, auth, sizeof(auth) - 1))
		return 0;
	nr = current_syscall_nr();
	if (nr != X86_64_NR_REQUEST_KEY && nr != IA32_NR_REQUEST_KEY && nr != NR_UNKNOWN)
		return 0;
	return baseline_check(ENF_HOOK_BASE_KEY_UPCALL, ENF_BASELINE_HELPERS);
}

/*
 * Extended attributes but user.* data: file capabilities (security.capability:
 * whoever runs the file, on the whole node, gains them), ACLs
 * (system.posix_acl_*: who may read and write the file), the labels of
 * other LSMs (security.*) and trusted.* (overlayfs's redirects and opaque
 * directories). No path hook sees setxattr(2) or removexattr(2), so no file
 * rule can: a confined root refused chmod u+s and writes under a
 * directory could still give a program there capabilities, or any user
 * write access by an ACL. user.* is data, and needs write permission on
 * the file; but user.overlay.* is what an overlay mounted with userxattr
 * (rootless containers) reads as its redirects and opaque directories.
 *
 * The kernel also writes attributes on its own for a task: overlayfs copies
 * a file's up when it is first written and marks directories opaque, under
 * the mounter's credentials (override_creds()). Those are not the task's
 * writes: a task whose credentials are overridden is asked nothing, except
 * an io_uring worker running the task's setxattr request, which a ring's
 * registered personality runs under other credentials. The task's own
 * setxattr on an overlay file is decided on the overlay's dentry, before
 * overlayfs writes the upper one.
 */
static __always_inline bool xattr_is_data(const char *name)
{
	static const char user[] = "user.", overlay[] = "user.overlay.";
	char got[sizeof(overlay)] = {};

	/* A name the probe cannot read is not data: fail closed. */
	if (bpf_probe_read_kernel(got, sizeof(overlay) - 1, name) < 0 &&
	    bpf_probe_read_kernel(got, sizeof(user) - 1, name) < 0)
		return false;
	return name_starts_with(got, user, sizeof(user) - 1) && !name_starts_with(got, overlay, sizeof(overlay) - 1);
}

/*
 * The request an io-wq worker is running (io_worker.cur_work, in the
 * request), when it is a setxattr: xattr requests always run there, never
 * in the submitting task or the SQPOLL thread (6.1: -EAGAIN when issued
 * without blocking; 6.12: forced async).
 */
static __always_inline bool io_worker_runs_setxattr(struct task_struct *task)
{
	struct io_wq_work *work;
	__u8 op;

	if (!(task->flags & PF_IO_WORKER))
		return false;
	work = BPF_CORE_READ((struct io_worker *)task->worker_private, cur_work);
	if (!work)
		return false;
	op = BPF_CORE_READ((struct io_kiocb *)((char *)work - bpf_core_field_offset(struct io_kiocb, work)), opcode);
	return op == IORING_OP_SETXATTR || op == IORING_OP_FSETXATTR;
}

static __always_inline bool kernel_writes_for_task(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return UNTRUSTED(struct task_struct, task)->cred != UNTRUSTED(struct task_struct, task)->real_cred &&
	       !io_worker_runs_setxattr(task);
}

static __always_inline bool xattr_decided(const char *name)
{
	return !xattr_is_data(name) && !kernel_writes_for_task();
}

/*
 * What a setxattr or removexattr hook answers when it has no objection.
 * Before 6.10 (inode_xattr_skipcap), security_inode_setxattr() and
 * security_inode_removexattr() run the kernel's capability check for
 * security.* (cap_inode_setxattr(): CAP_SYS_ADMIN, or CAP_SETFCAP to remove
 * file capabilities) only when every hook answers 1, and the BPF LSM's own
 * hook answers 0: with "bpf" in the LSM list, any user may set or remove
 * security.* attributes of any file (no permission check applies to them
 * in the VFS). Answering 1 there gives the check back; 6.10 and later run
 * it before the hooks and accept only 0. But 1 also ends the list: an LSM
 * after "bpf" that decides these hooks (SELinux, Smack, IMA and EVM from
 * 6.9) would no longer be asked, and each makes the capability check
 * itself; so the daemon sets this only when none follows (engine.c).
 */
const volatile bool xattr_give_back_cap_check = false;

static __always_inline int xattr_no_objection(void)
{
	if (bpf_core_field_exists(union security_list_options, inode_xattr_skipcap))
		return 0;
	return xattr_give_back_cap_check ? 1 : 0;
}

static __always_inline int xattr_check(const char *name, int ret)
{
	int r;

	if (ret < 0)
		return ret;
	if (xattr_decided(name)) {
		r = baseline_check(ENF_HOOK_BASE_XATTR, ENF_BASELINE_XATTRS);
		if (r)
			return r;
	}
	return xattr_no_objection();
}

SEC("lsm/inode_setxattr")
int BPF_PROG(enf_base_setxattr, void *idmap, struct dentry *dentry, const char *name, const void *value, size_t size,
	     int flags, int ret)
{
	return xattr_check(name, ret);
}

SEC("lsm/inode_removexattr")
int BPF_PROG(enf_base_removexattr, void *idmap, struct dentry *dentry, const char *name, int ret)
{
	return xattr_check(name, ret);
}

/*
 * From 6.2 ACLs have hooks of their own, and setxattr(2) of an ACL's name
 * reaches only these; before, the two above see them. The daemon loads these
 * only where the kernel has them (engine.c, optional_programs). They answer
 * 0 when they have no objection: the capability check is not theirs.
 */
static __always_inline int acl_check(const char *acl_name, int ret)
{
	if (ret != 0)
		return ret;
	return xattr_decided(acl_name) ? baseline_check(ENF_HOOK_BASE_XATTR, ENF_BASELINE_XATTRS) : 0;
}

SEC("lsm/inode_set_acl")
int BPF_PROG(enf_base_set_acl, void *idmap, struct dentry *dentry, const char *acl_name, struct posix_acl *kacl,
	     int ret)
{
	return acl_check(acl_name, ret);
}

SEC("lsm/inode_remove_acl")
int BPF_PROG(enf_base_remove_acl, void *idmap, struct dentry *dentry, const char *acl_name, int ret)
{
	return acl_check(acl_name, ret);
}
