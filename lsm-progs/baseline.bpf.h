/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The confinement baseline's check on the file programs (file_open,
 * path_truncate) and on file_receive (a write descriptor handed over,
 * self.bpf.c): writing what the kernel runs as root, or what makes it
 * run something as root. Writing kernel/core_pattern ("|/tmp/h"),
 * kernel/modprobe, a cgroup v1 release_agent, sysfs uevent_helper or a
 * module parameter such as drbd's usermode_helper, then
 * triggering it, has the kernel run a program of the task's choice as root
 * in the root cgroup, where no profile governs it; binfmt_misc registers
 * interpreters for every exec on the node; /proc/sysrq-trigger crashes,
 * reboots or kills; /sys/power suspends the node or resumes it from an
 * image. Refused unless the profile opts out (ENF_BASELINE_
 * HELPERS); each of these is a write of a file on a pseudo filesystem, so
 * the check is the filesystem's magic (one load through the hook's typed
 * pointer) and, only on procfs, sysfs and cgroup v1, a few probe reads.
 *
 * Every sysctl under /proc/sys and every module parameter is refused, not
 * a list of known helpers: the list grows with the kernel (and module
 * sysctls), and a confined workload has no business changing kernel
 * settings for the whole node.
 * Reading them is untouched.
 */
#ifndef ENF_BASELINE_BPF_H
#define ENF_BASELINE_BPF_H

#include "common.bpf.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC   0x9fa0
#endif
#ifndef SYSFS_MAGIC
#define SYSFS_MAGIC        0x62656572
#endif
#ifndef BINFMTFS_MAGIC
#define BINFMTFS_MAGIC     0x42494e4d
#endif
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb /* cgroup v1 */
#endif

/*
 * The baseline's verdict (baseline.bpf.c): 0 to allow (no profile, learn
 * mode, audit mode, opted out), -EPERM to refuse, with its event.
 */
extern int enf_baseline_refuse(__u32 hook, __u32 optout_bit, int status);

/* A procfs inode's proc_inode (it embeds the inode). */
static __always_inline struct proc_inode *proc_inode_of(struct inode *inode)
{
	return (struct proc_inode *)((char *)inode - bpf_core_field_offset(struct proc_inode, vfs_inode));
}

/*
 * The task a /proc/PID (or /proc/PID/task/TID) file is of, as an address:
 * its proc_inode's pid's task; 0 for any other file, mem (ptrace's attach
 * check decides its open), or a task that has exited. dentry and inode are
 * typed pointers.
 */
static __always_inline __u64 proc_task_of(struct dentry *dentry, struct inode *inode)
{
	struct proc_inode *pi;
	struct hlist_node *first;
	struct pid *pid;
	char name[4] = {};

	if (!inode || UNTRUSTED(struct inode, inode)->i_sb->s_magic != PROC_SUPER_MAGIC)
		return 0;
	pi = proc_inode_of(inode);
	pid = BPF_CORE_READ(pi, pid);
	if (!pid)
		return 0;
	if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(dentry, d_name.name)) == 4 &&
	    name[0] == 'm' && name[1] == 'e' && name[2] == 'm')
		return 0;
	first = BPF_CORE_READ(pid, tasks[PIDTYPE_PID].first);
	if (!first)
		return 0;
	return (__u64)(unsigned long)first - bpf_core_field_offset(struct task_struct, pid_links);
}

/*
 * A cgroup2 controller file opened for writing (enf_cgroup_write_refuse(),
 * baseline.bpf.c): 0, or -EPERM when cgroup cgrp (an address) is outside
 * the caller's profile.
 */
extern int enf_cgroup_write_refuse(__u64 cgrp, int status);

/* s begins with want's first len bytes (s holds at least len). */
static __always_inline bool name_starts_with(const char *s, const char *want, int len)
{
	bool same = true;

	/* No early exit, so that clang unrolls it: a loop would index the stack by a variable. */
	for (int i = 0; i < len; i++)
		same &= s[i] == want[i];
	return same;
}

/* NUL-terminated name s equals want (len bytes and its NUL; s holds at least len + 1). */
static __always_inline bool name_is(const char *s, const char *want, int len)
{
	for (int i = 0; i <= len; i++)
		if (s[i] != want[i])
			return false;
	return true;
}

/* A name (a qstr) that is an io_uring ring's: its anonymous inode's, "[io_uring]". */
static __always_inline bool io_uring_name(const struct qstr *name)
{
	static const char ring[] = "[io_uring]";
	char got[sizeof(ring)] = {};

	/* Exactly the name's bytes: got[] keeps its NUL, which name_is() compares too. */
	return BPF_CORE_READ(name, len) == sizeof(ring) - 1 &&
	       bpf_probe_read_kernel(got, sizeof(ring) - 1, BPF_CORE_READ(name, name)) == 0 &&
	       name_is(got, ring, sizeof(ring) - 1);
}

/* procfs: any sysctl (its proc_inode has a sysctl table), or /proc/sysrq-trigger. */
static __always_inline bool proc_helper_file(struct inode *inode)
{
	struct proc_inode *pi = proc_inode_of(inode);
	struct proc_dir_entry *pde;
	char name[16] = {};

	if (BPF_CORE_READ(pi, sysctl))
		return true;
	pde = BPF_CORE_READ(pi, pde);
	if (!pde || bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(pde, name)) < 0)
		return false;
	/* Only the one at the top of /proc (proc_root is its own parent). */
	return name_is(name, "sysrq-trigger", 13) && BPF_CORE_READ(pde, parent, parent) == BPF_CORE_READ(pde, parent);
}

/* kernfs (sysfs, cgroup v1): the node's name is want. */
static __always_inline bool kernfs_name_is(struct kernfs_node *kn, const char *want, int len)
{
	char name[16] = {};

	if (!kn || bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(kn, name)) < 0)
		return false;
	return name_is(name, want, len);
}

/* The kernfs node of a sysfs or cgroup v1 inode. */
static __always_inline struct kernfs_node *kernfs_node_of(struct inode *inode)
{
	/* i_private is a void pointer to the verifier: read it, and what it points to, by probe. */
	return (struct kernfs_node *)BPF_CORE_READ(inode, i_private);
}

/* kernfs_node.parent until 6.15, which renamed it __parent (vmlinux.h's name). */
struct kernfs_node___parent {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kernfs_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___parent, parent))
		return BPF_CORE_READ((struct kernfs_node___parent *)kn, parent);
	return BPF_CORE_READ(kn, __parent);
}

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* The cgroup (an address) whose cgroup2 file inode (a typed pointer) is, 0 for any other file. */
static __always_inline __u64 cgroup_of_file(struct inode *inode)
{
	struct kernfs_node *kn, *dir;

	if (!inode || UNTRUSTED(struct inode, inode)->i_sb->s_magic != CGROUP2_SUPER_MAGIC)
		return 0;
	kn = kernfs_node_of(inode);
	if (!kn || !(dir = kernfs_parent(kn)))
		return 0;
	return (__u64)(unsigned long)BPF_CORE_READ(dir, priv);
}

/*
 * sysfs: uevent_helper; a file of /sys/power (suspend and hibernate the
 * node, or resume it from an image on a device the writer names: a kernel
 * of its choice, as kexec is); or a module's parameter, /sys/module/MODULE/
 * parameters/NAME. Parameters are the sysctls of modules, refused all
 * alike for the same reason; some name a program the kernel runs as root
 * (drbd's usermode_helper, nfsd's cltrack_prog, sunrpc's cache_getent).
 * Each counts only where it hangs from the root of sysfs, whose node has no
 * parent ("power" itself, "module" above "parameters"): a device's power
 * directory is not /sys/power.
 */
static __always_inline bool sysfs_helper_file(struct inode *inode)
{
	struct kernfs_node *kn = kernfs_node_of(inode), *dir, *up, *top, *root;

	if (kernfs_name_is(kn, "uevent_helper", 13))
		return true;
	if (!kn || !(dir = kernfs_parent(kn)) || !(up = kernfs_parent(dir)))
		return false;
	top = kernfs_parent(up);
	if (!top) /* up is the root: /sys/DIR/NAME */
		return kernfs_name_is(dir, "power", 5);
	if (!kernfs_name_is(dir, "parameters", 10))
		return false;
	root = kernfs_parent(top); /* up is MODULE, top "module" */
	return root && !kernfs_parent(root) && kernfs_name_is(top, "module", 6);
}

/*
 * sysfs: a file of /sys/fs/TYPE/, a filesystem type's knobs, administered
 * from there as by ioctl (the mount word's, baseline:fs-admin):
 * /sys/fs/ext4/DEV/trigger_fs_error raises an error, and with
 * errors=remount-ro (Debian's default for /) the root goes read-only, as
 * FS_IOC_SHUTDOWN would have it; /sys/fs/btrfs/UUID/label and features/ do
 * what their ioctls do; the rest tune the node's filesystems (found by
 * review). Only files, written: the knobs are read freely. Counted from
 * the root of sysfs, whose node has no parent; mounts on /sys/fs (cgroup2,
 * bpffs, pstore) are other filesystems, which the caller tells apart.
 */
#define SYSFS_FS_MAX_DEPTH 6

static __always_inline bool sysfs_fs_file(struct inode *inode)
{
	struct kernfs_node *kn = kernfs_node_of(inode), *up;

	for (int depth = 0; depth < SYSFS_FS_MAX_DEPTH && kn; depth++) {
		up = kernfs_parent(kn);
		if (!up)
			return false;
		if (!kernfs_parent(up)) /* kn is /sys/NAME, the file depth levels below it */
			return depth >= 2 && kernfs_name_is(kn, "fs", 2);
		kn = up;
	}
	return false;
}

/*
 * Writing inode (a typed kernel pointer) is refused as a helper write
 * (see above; baseline:helper-write) or as a filesystem's knob in sysfs
 * (baseline:fs-admin): the event sent. One read of the superblock's magic
 * picks the test that can apply.
 */
static __always_inline bool baseline_write_refused(struct inode *inode, int status)
{
	if (!inode)
		return false;
	switch (UNTRUSTED(struct inode, inode)->i_sb->s_magic) {
	case PROC_SUPER_MAGIC:
		if (!proc_helper_file(inode))
			return false;
		break;
	case BINFMTFS_MAGIC:
		break;
	case SYSFS_MAGIC:
		if (sysfs_helper_file(inode))
			break;
		return sysfs_fs_file(inode) && enf_baseline_refuse(ENF_HOOK_BASE_FS_ADMIN, ENF_BASELINE_MOUNT, status);
	case CGROUP_SUPER_MAGIC:
		if (!kernfs_name_is(kernfs_node_of(inode), "release_agent", 13))
			return false;
		break;
	default:
		return false;
	}
	return enf_baseline_refuse(ENF_HOOK_BASE_HELPER_WRITE, ENF_BASELINE_HELPERS, status);
}

/*
 * Making a node of this mode and device (path_mknod) makes a device node:
 * a new name for a device that rules name under /dev (the disk under a
 * denied file, memory), refused by the baseline (ENF_BASELINE_DEVICE_NODES).
 * A whiteout (character 0:0, a deletion in an overlay's upper layer) opens
 * nothing and is a file.
 */
static __always_inline bool baseline_device_node(umode_t mode, unsigned int dev)
{
	return (mode & S_IFMT) == S_IFBLK || ((mode & S_IFMT) == S_IFCHR && dev != 0);
}

/*
 * The console's keys and screen (ENF_BASELINE_CONSOLE), told by
 * device number whatever the node's name or where it lives:
 *  - input devices, character major 13 (under /dev/input: event, mouse,
 *    joystick): reading a keyboard's events gets every key typed at the
 *    console, a password at the login prompt included; writing them types;
 *  - uinput (misc 10:223) and uhid (misc 10:239): a keyboard of the task's
 *    making, which types into the console (a command into a logged-in
 *    shell, Alt-SysRq-B);
 *  - the virtual consoles, tty0 to tty63 (4:0-63), and /dev/console (5:1):
 *    a reader takes the lines typed there from getty and login;
 *  - their screens, vcs and vcsa (character major 7).
 * Not hidraw (its major is given out at boot) nor serial consoles (ttyS,
 * 4:64 on): file rules. A typed kernel pointer.
 */
#define TTY_MAJOR     4
#define TTYAUX_MAJOR  5
#define VCS_MAJOR     7
#define MISC_MAJOR    10
#define INPUT_MAJOR   13
#define UINPUT_MINOR  223
#define UHID_MINOR    239
#define DM_CONTROL_MINOR 236
#define MAX_NR_CONSOLES 63 /* tty1..tty63; tty0 is the current one */
#define MINORBITS     20 /* the kernel's dev_t: major << 20 | minor */

/* The kernel's dev_t of a character device, 0 for anything else. A typed kernel pointer. */
static __always_inline __u32 char_device(struct inode *inode)
{
	if (!inode || (inode->i_mode & S_IFMT) != S_IFCHR)
		return 0;
	return inode->i_rdev;
}

static __always_inline bool baseline_console_device(__u32 rdev)
{
	__u32 major = rdev >> MINORBITS, minor = rdev & ((1u << MINORBITS) - 1);

	switch (major) {
	case INPUT_MAJOR:
	case VCS_MAJOR:
		return true;
	case TTY_MAJOR:
		return minor <= MAX_NR_CONSOLES;
	case TTYAUX_MAJOR:
		return minor == 1;
	case MISC_MAJOR:
		return minor == UINPUT_MINOR || minor == UHID_MINOR;
	}
	return false;
}

/*
 * /dev/mapper/control (misc 10:236), the mount word's: with CAP_SYS_ADMIN
 * it suspends any device-mapper device (its filesystem frozen: the node's
 * root on LVM or dm-crypt) or loads another table into it (the root's
 * blocks remapped, or replaced by an error target). An open for reading is
 * enough for its ioctls.
 */
static __always_inline bool baseline_dm_control(__u32 rdev)
{
	return rdev == (MISC_MAJOR << MINORBITS | DM_CONTROL_MINOR);
}

/* Opening inode (a typed kernel pointer) is refused as a console or storage-control device: the event sent. */
static __always_inline bool device_open_refused(struct inode *inode, int status)
{
	__u32 rdev = char_device(inode);

	if (!rdev)
		return false;
	if (baseline_console_device(rdev))
		return enf_baseline_refuse(ENF_HOOK_BASE_CONSOLE, ENF_BASELINE_CONSOLE, status);
	return baseline_dm_control(rdev) && enf_baseline_refuse(ENF_HOOK_BASE_DM_CONTROL, ENF_BASELINE_MOUNT, status);
}

/*
 * A name that a mount namespace has a mount on (DCACHE_MOUNTED: set on the
 * dentry while any namespace mounts there). Removing it (unlink, rmdir, a
 * rename over it) detaches those mounts, and renaming it carries them to
 * the new name, with no sb_umount asked; the kernel refuses both (EBUSY)
 * only for a mount of the task's own namespace, and only after the path
 * hooks. So a unit's BindReadOnlyPaths= over a file, in the unit's own
 * namespace, went when a confined root in the host's renamed a file over
 * it (found by review). Refused as unmounting is, the mount word's (event
 * hook baseline:umount), dentry being a typed kernel pointer. Only the name
 * itself: a rename of a directory above it moves the mount too, unseen
 * here (docs/bypasses.md). The flag's value is the same in 6.1 and 6.12
 * (include/linux/dcache.h, a #define: nothing for CO-RE to relocate).
 */
#define DCACHE_MOUNTED 0x00010000

static __always_inline int mounted_name_refused(const struct dentry *dentry, int status)
{
	if (!(BPF_CORE_READ(dentry, d_flags) & DCACHE_MOUNTED))
		return 0;
	/* -EPERM or 0, in so many words: 6.12's verifier holds an LSM program's return to [-4095, 0]. */
	return enf_baseline_refuse(ENF_HOOK_BASE_UMOUNT, ENF_BASELINE_MOUNT, status) ? -EPERM : 0;
}

#endif /* ENF_BASELINE_BPF_H */
