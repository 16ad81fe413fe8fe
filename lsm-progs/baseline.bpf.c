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
 *    open_tree/fsmount trees, pivot_root, a superblock reconfigured
 *    without mount(2) (fspick + fsconfig: sb_remount) and the flags of a
 *    mount changed by mount_setattr(2) (capable). Rules name paths; a task
 *    that can change the topology can give any object any name, and one
 *    that can clear a mount's read-only or noexec flag undoes what the
 *    mount was made to protect.
 *  - io_uring (ENF_BASELINE_IO_URING): creating a ring (enf_base_io_uring).
 *  - device nodes (ENF_BASELINE_DEVICE_NODES): mknod of a block or
 *    character device, checked in the file program on path_mknod.
 *  - user namespaces (ENF_BASELINE_USERNS): userns_create. A new user
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
 *    inode_remove_acl).
 *
 * A profile in audit mode logs would-deny and allows; one in learn mode
 * allows (learn confines nothing); an opted-out operation is allowed and
 * logged as an audit verdict (reason baseline), so each use stays visible.
 *
 * The programs on sb_mount, sb_umount, sb_remount and move_mount also run
 * self-protection's check (self.bpf.h), first and on its own: neither
 * audit mode nor an opt-out here relaxes it, and where both refuse,
 * self-protection reports it. One program per hook: each program is
 * verified, loaded and attached on its own, which is most of the daemon's
 * start-up time.
 */
#include "common.bpf.h"
#include "verdict.bpf.h"
#include "baseline.bpf.h"
#include "self.bpf.h"

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

static __always_inline int baseline_check(enum enf_hook hook, __u32 optout_bit)
{
	int status = current_profile_status();

	if (status == 0)
		return 0;
	return lsm_verdict(enf_baseline_refuse(hook, optout_bit, status));
}

#define X86_64_NR_REQUEST_KEY 249
#define IA32_NR_REQUEST_KEY   287
#define NR_MOUNT_SETATTR      442 /* from 424 on, one number on every architecture */
#define X32_SYSCALL_BIT       0x40000000

/*
 * The current task is in the syscall numbered x86_64_nr (ia32_nr from a
 * 32-bit task), told by its number in the task's saved registers. Only
 * orig_ax's low 32 bits: x86-64 runs the syscall they name
 * (do_syscall_64() takes an int) and saves rax whole, so a number with bit
 * 32 set would otherwise pass for another one. x32 numbers carry
 * X32_SYSCALL_BIT. Elsewhere every syscall is taken to be the one asked
 * about, so each check that asks refuses more, never less: fail closed.
 */
static __always_inline bool in_syscall(int x86_64_nr, int ia32_nr)
{
#if defined(__TARGET_ARCH_x86)
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	int nr = (int)BPF_CORE_READ(regs, orig_ax);

	return (nr & ~X32_SYSCALL_BIT) == x86_64_nr || nr == ia32_nr;
#else
	return true;
#endif
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
 * A remount without mount(2): fspick(2) and fsconfig(FSCONFIG_CMD_RECONFIGURE)
 * change a live superblock's options (read-only to read-write and back, a
 * tmpfs's size, ...), and fsopen(2) of a filesystem with one superblock per
 * node that takes each mount's options (devtmpfs) does the same. Both reach
 * reconfigure_super(), which asks here; no other hook sees them. mount(2)'s
 * remount was decided before, at sb_mount, and under the opt-out is logged
 * by both programs. Reconfiguring bpffs or cgroup2 is self-protection's,
 * as mounting over them is.
 */
SEC("lsm/sb_remount")
int BPF_PROG(enf_base_remount, struct super_block *sb, void *mnt_opts, int ret)
{
	if (ret != 0)
		return ret;
	if (engine_fs(sb) && enf_self_refuse(ENF_HOOK_SELF_MOUNT))
		return -EPERM;
	return baseline_check(ENF_HOOK_BASE_REMOUNT, ENF_BASELINE_MOUNT);
}

/*
 * mount_setattr(2) changes the flags of mounts the task sees: it clears
 * MOUNT_ATTR_RDONLY, NOSUID, NOEXEC or NODEV from a mount made to protect
 * something (a read-only bind mount, systemd's ProtectSystem=, a
 * container's read-only paths), and changes propagation. It has no LSM
 * hook. Its permission check is may_mount()'s CAP_SYS_ADMIN, made before
 * it reads its arguments, so refusing CAP_SYS_ADMIN to a governed task in
 * that syscall refuses the syscall and nothing else. capable runs for every
 * capability check of every task on the node: all but CAP_SYS_ADMIN return
 * at the first compare, the rest at the syscall's number.
 */
#define CAP_SYS_ADMIN 21

SEC("lsm/capable")
int BPF_PROG(enf_base_mount_setattr, const struct cred *cred, struct user_namespace *ns, int cap, unsigned int opts,
	     int ret)
{
	if (ret != 0)
		return ret;
	if (cap != CAP_SYS_ADMIN || !in_syscall(NR_MOUNT_SETATTR, NR_MOUNT_SETATTR))
		return 0;
	return baseline_check(ENF_HOOK_BASE_MOUNT_SETATTR, ENF_BASELINE_MOUNT);
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
 * secure anonymous inodes (userfaultfd, ...) pass.
 */
SEC("lsm/inode_init_security_anon")
int BPF_PROG(enf_base_io_uring, struct inode *inode, const struct qstr *name, const struct inode *context_inode,
	     int ret)
{
	static const char ring[] = "[io_uring]";
	char got[sizeof(ring)] = {};

	if (ret != 0)
		return ret;
	/* Exactly the name's bytes: got[] keeps its NUL, which name_is() compares too. */
	if (BPF_CORE_READ(name, len) != sizeof(ring) - 1 ||
	    bpf_probe_read_kernel(got, sizeof(ring) - 1, BPF_CORE_READ(name, name)) < 0 ||
	    !name_is(got, ring, sizeof(ring) - 1))
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

	if (ret != 0)
		return ret;
	/* got[] keeps its NUL, which name_is() compares too. */
	if (bpf_probe_read_kernel_str(got, sizeof(got), BPF_CORE_READ(key, type, name)) != sizeof(auth) ||
	    !name_is(got, auth, sizeof(auth) - 1) ||
	    !in_syscall(X86_64_NR_REQUEST_KEY, IA32_NR_REQUEST_KEY))
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

	return task->cred != task->real_cred && !io_worker_runs_setxattr(task);
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
