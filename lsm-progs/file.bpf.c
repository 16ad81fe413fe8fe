// SPDX-License-Identifier: GPL-2.0-only
/*
 * File enforcement: which hook covers which access class of the policy.
 *
 *   read     file_open (FMODE_READ)
 *   write    file_open (FMODE_WRITE, O_APPEND, O_TRUNC), path_truncate
 *   create   path_mknod (also open(O_CREAT) of a new file), path_mkdir,
 *            path_symlink, the new name of path_link and of path_rename
 *   delete   path_unlink, path_rmdir, and the name a rename replaces
 *   rename   path_rename: the source, and the destination (which is also a
 *            create: a name appears there); moving a directory that holds
 *            guarded paths is refused (they would leave their rules)
 *   link     path_link: the existing file a new hard link would name
 *
 * A rename or link that passes those checks must also not give the object a
 * name under which it is less restricted (the refer rule, check_refer()).
 *   setattr  path_chmod, path_chown; file_ioctl's chattr (in baseline.bpf.c,
 *            which holds the one program every ioctl on the node passes)
 *
 * Every hook sees kernel-resolved dentries in a mount, never user strings.
 * Opens for exec (__FMODE_EXEC) are decided by the exec hooks, not as reads;
 * open(path, 3) (O_ACCMODE: a descriptor for ioctls) is read and write.
 * Before the rules, for tasks a profile governs, opening for writing and
 * truncating pass self-protection (self.bpf.h) and the baseline's check on
 * what the kernel runs as root (baseline.bpf.h): inline, since every open
 * on the node pays for each program on file_open.
 */
#include "common.bpf.h"
#include "verdict.bpf.h"
#include "self.bpf.h" /* self-protection of the engine's files, for tasks a profile governs */
#include "baseline.bpf.h" /* sysctls, release_agent, ...: what the kernel runs as root */
#include "domain.bpf.h" /* /proc/PID files of processes outside the profile's domain */

/*
 * The decision for an entry added to or removed from directory dir:
 * self-protection first (bpffs, the daemon's directories), then the
 * profile's rules for the entry.
 */
static __always_inline int decide_dir_change(int status, const struct path *dir, const struct dentry *dentry,
					     __u32 class_mask, enum enf_hook hook, __u32 opts)
{
	if (status == 0)
		return 0;
	if (self_dir_guarded(UNTRUSTED(const struct path, dir)->dentry) && enf_self_refuse(ENF_HOOK_SELF_DIR_CHANGE))
		return -EPERM;
	return decide_object(status, dentry, UNTRUSTED(const struct path, dir)->mnt, class_mask, hook, opts);
}

static __always_inline int check_dir_change(const struct path *dir, const struct dentry *dentry,
					    __u32 class_mask, enum enf_hook hook, __u32 opts)
{
	return decide_dir_change(current_profile_status(), dir, dentry, class_mask, hook, opts);
}

/*
 * The refer rule for object (old_dentry in old_mnt) getting the name
 * new_dentry in new_mnt: every class must be at least as restricted there
 * as here (enf_decide_refer()). The names reach the engine through the
 * task's scratch, like check_object()'s.
 */
static __always_inline int check_refer(int status, const struct dentry *old_dentry, const struct vfsmount *old_mnt,
				       const struct dentry *new_dentry, const struct vfsmount *new_mnt,
				       enum enf_hook hook)
{
	struct enf_task_ctx *tc;
	__u32 opts = 0;

	if (status == 0)
		return 0;
	tc = task_scratch();
	if (tc) {
		tc->refer.old_dentry = (__u64)(unsigned long)old_dentry;
		tc->refer.old_mnt = (__u64)(unsigned long)old_mnt;
		tc->refer.new_dentry = (__u64)(unsigned long)new_dentry;
		tc->refer.new_mnt = (__u64)(unsigned long)new_mnt;
	}
	if ((BPF_CORE_READ(old_dentry, d_inode, i_mode) & S_IFMT) == S_IFDIR)
		opts |= REFER_DIR;
	/* No scratch: the engine fails closed, with an event. */
	return lsm_verdict(enf_decide_refer(tc, DECIDE_HOW(hook, opts), status));
}

#ifndef PF_DUMPCORE
#define PF_DUMPCORE 0x00000200
#endif

/*
 * The core file of a task dumping core (PF_DUMPCORE: the kernel opens it
 * in the dying task, with its rights) under a profile with 'from' rules:
 * the dump holds what the task read, and a 'from' binary reads what the
 * rest of the domain may not, which may signal it into a dump (SIGABRT),
 * or set its limits and directory before exec'ing it. So no core file,
 * for any task of such a profile, nor the removal of an old one (the dump
 * unlinks it first, in the working directory the workload chose): hook
 * baseline:ptrace-read (a dump is a read of the process's memory), word
 * ptrace-read. Found by review. A core_pattern that pipes
 * (systemd-coredump) is not this open: the helper runs outside, and
 * reading what it stores is the profile's file rules'. A profile that is
 * gone fails closed in enf_baseline_refuse().
 */
static __always_inline bool core_file_refused(int status)
{
	struct enf_profile_val *prof;

	if (!(bpf_get_current_task_btf()->flags & PF_DUMPCORE) || status <= 0)
		return false;
	prof = profile_val_of(status);
	if (prof && !(prof->flags & ENF_PROFILE_HAS_FROM))
		return false;
	return enf_baseline_refuse(ENF_HOOK_BASE_PTRACE_READ, ENF_BASELINE_PTRACE_READ, status) != 0;
}

SEC("lsm/file_open")
int BPF_PROG(enf_file_open, struct file *file, int ret)
{
	unsigned int fmode, flags;
	struct file *f;
	__u32 mask;
	int status;

	if (ret != 0)
		return ret;
	fmode = file->f_mode;
	flags = file->f_flags;
	/*
	 * execve's opens (do_open_execat) carry __FMODE_EXEC in f_flags, not
	 * FMODE_EXEC in f_mode: they are decided as exec, at
	 * bprm_check_security and (the ELF interpreter) mmap_file. No open
	 * from user space carries it: open, openat2, open_by_handle_at and
	 * io_uring keep VALID_OPEN_FLAGS only, which lack it.
	 */
	if ((fmode & FMODE_EXEC) || (flags & __FMODE_EXEC))
		return 0;
	mask = file_access_classes(fmode, flags);
	if (!mask)
		return 0;
	status = current_profile_status();
	if (status == 0)
		return 0;
	/* The pointers below through an untrusted copy: see UNTRUSTED() (common.bpf.h). */
	f = UNTRUSTED(struct file, file);
	if (mask & CLASS_BIT(ENF_CLASS_WRITE)) {
		__u64 task, cgrp;

		if (write_refused(f->f_path.dentry, file->f_inode, ENF_HOOK_SELF_OPEN, status))
			return -EPERM;
		if (core_file_refused(status))
			return -EPERM;
		task = proc_task_of(f->f_path.dentry, file->f_inode);
		if (task && daemon_pid_task(task) && enf_self_refuse(ENF_HOOK_SELF_TASK_SET))
			return -EPERM;
		if (task && enf_task_set_refuse(task, status))
			return -EPERM;
		cgrp = cgroup_of_file(file->f_inode);
		if (cgrp && enf_cgroup_write_refuse(cgrp, status))
			return -EPERM;
	}
	if (device_open_refused(file->f_inode, status))
		return -EPERM;
	return decide_object(status, f->f_path.dentry, f->f_path.mnt, mask, ENF_HOOK_FILE_OPEN, CHECK_PATH_MEMO);
}

SEC("lsm/path_truncate")
int BPF_PROG(enf_path_truncate, const struct path *path, int ret)
{
	const struct path *p;
	int status;

	if (ret != 0)
		return ret;
	status = current_profile_status();
	if (status == 0)
		return 0;
	p = UNTRUSTED(const struct path, path);
	if (write_refused(p->dentry, p->dentry->d_inode, ENF_HOOK_SELF_OPEN, status))
		return -EPERM;
	return decide_object(status, p->dentry, p->mnt, CLASS_BIT(ENF_CLASS_WRITE), ENF_HOOK_PATH_TRUNCATE, 0);
}

/* mknod(2), and the file an open(O_CREAT) or a unix socket's bind makes; device nodes meet the baseline first. */
SEC("lsm/path_mknod")
int BPF_PROG(enf_path_mknod, const struct path *dir, struct dentry *dentry, umode_t mode,
	     unsigned int dev, int ret)
{
	int status;

	if (ret != 0)
		return ret;
	status = current_profile_status();
	if (status == 0)
		return 0;
	if (baseline_device_node(mode, dev) &&
	    enf_baseline_refuse(ENF_HOOK_BASE_DEVICE_NODE, ENF_BASELINE_DEVICE_NODES, status))
		return -EPERM;
	if (core_file_refused(status)) /* before an empty core file is made */
		return -EPERM;
	return decide_dir_change(status, dir, dentry, CLASS_BIT(ENF_CLASS_CREATE), ENF_HOOK_PATH_MKNOD, 0);
}

SEC("lsm/path_mkdir")
int BPF_PROG(enf_path_mkdir, const struct path *dir, struct dentry *dentry, umode_t mode, int ret)
{
	if (ret != 0)
		return ret;
	return check_dir_change(dir, dentry, CLASS_BIT(ENF_CLASS_CREATE), ENF_HOOK_PATH_MKDIR, 0);
}

SEC("lsm/path_symlink")
int BPF_PROG(enf_path_symlink, const struct path *dir, struct dentry *dentry, const char *old_name, int ret)
{
	if (ret != 0)
		return ret;
	return check_dir_change(dir, dentry, CLASS_BIT(ENF_CLASS_CREATE), ENF_HOOK_PATH_SYMLINK, 0);
}

SEC("lsm/path_unlink")
int BPF_PROG(enf_path_unlink, const struct path *dir, struct dentry *dentry, int ret)
{
	int status;

	if (ret != 0)
		return ret;
	status = current_profile_status();
	if (status == 0)
		return 0;
	/* A dump removes an old core file first, with the dying task's rights (core_file_refused()). */
	if (core_file_refused(status))
		return -EPERM;
	ret = mounted_name_refused(dentry, status);
	if (ret != 0)
		return ret;
	return decide_dir_change(status, dir, dentry, CLASS_BIT(ENF_CLASS_DELETE), ENF_HOOK_PATH_UNLINK, 0);
}

/*
 * Every directory inode freed on the node, of the filesystems where the
 * path memo keeps matches: removed, or dropped from the inode cache.
 * Until then its address is its own; from then on it may be another
 * directory's (slab reuse, the same number given again), which a
 * match kept without a walk must not take for it (dir_inodes_freed,
 * path_memos: maps.bpf.h). Counting the removals instead would miss a
 * directory removed while a descriptor below it held it, and freed later.
 */
SEC("lsm/inode_free_security")
int BPF_PROG(enf_dir_inode_freed, struct inode *inode)
{
	__u32 zero = 0;
	__u64 *freed;

	if ((inode->i_mode & S_IFMT) != S_IFDIR || !enf_dirs_move_only_by_rename(inode->i_sb->s_magic))
		return 0;
	freed = bpf_map_lookup_elem(&dir_inodes_freed, &zero);
	if (freed)
		__sync_fetch_and_add(freed, 1);
	return 0;
}

SEC("lsm/path_rmdir")
int BPF_PROG(enf_path_rmdir, const struct path *dir, struct dentry *dentry, int ret)
{
	int status;

	if (ret != 0)
		return ret;
	status = current_profile_status();
	if (status == 0)
		return 0;
	/*
	 * A protected directory that is empty (the socket's, once a clean stop
	 * removed the socket) removed and made again would be a new one that
	 * nobody protects, where a confined root binds its own socket (found by
	 * review).
	 */
	if (protected_kind(UNTRUSTED(struct dentry, dentry)->d_inode) && enf_self_refuse(ENF_HOOK_SELF_DIR_CHANGE))
		return -EPERM;
	ret = mounted_name_refused(dentry, status);
	if (ret != 0)
		return ret;
	return decide_dir_change(status, dir, dentry, CLASS_BIT(ENF_CLASS_DELETE), ENF_HOOK_PATH_RMDIR, 0);
}

SEC("lsm/path_rename")
int BPF_PROG(enf_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	__u32 dst_mask = CLASS_BIT(ENF_CLASS_RENAME) | CLASS_BIT(ENF_CLASS_CREATE);
	struct vfsmount *mnt;
	int status;

	if (ret != 0)
		return ret;
	status = current_profile_status();
	if (status == 0)
		return 0;
	/* The name moved, and the one replaced or exchanged (a negative dentry has no mount). */
	ret = mounted_name_refused(old_dentry, status);
	if (ret == 0)
		ret = mounted_name_refused(new_dentry, status);
	if (ret != 0)
		return ret;
	ret = decide_dir_change(status, old_dir, old_dentry, CLASS_BIT(ENF_CLASS_RENAME),
				ENF_HOOK_PATH_RENAME, CHECK_GUARD_MOVE);
	if (ret != 0)
		return ret;
	/*
	 * The destination gains a name; an exchanged one is moved too. One that
	 * is replaced is deleted (Landlock asks for its removal too): without
	 * delete, `mv /tmp/evil /srv/logs/app.log` would do what `rm` may not.
	 * Read as a number: 6.12's verifier takes d_inode, loaded through the
	 * hook's trusted pointer, for non-NULL and drops the test (every rename
	 * then asked delete, 72 on trixie).
	 */
	if (BPF_CORE_READ(new_dentry, d_inode) && !(flags & RENAME_EXCHANGE))
		dst_mask |= CLASS_BIT(ENF_CLASS_DELETE);
	ret = decide_dir_change(status, new_dir, new_dentry, dst_mask, ENF_HOOK_PATH_RENAME, CHECK_GUARD_MOVE);
	if (ret != 0)
		return ret;
	/* Both cross mounts never (EXDEV before this hook): old_dir->mnt == new_dir->mnt. */
	mnt = UNTRUSTED(const struct path, new_dir)->mnt;
	ret = check_refer(status, old_dentry, mnt, new_dentry, mnt, ENF_HOOK_PATH_RENAME);
	if (ret != 0 || !(flags & RENAME_EXCHANGE))
		return ret;
	return check_refer(status, new_dentry, mnt, old_dentry, mnt, ENF_HOOK_PATH_RENAME);
}

SEC("lsm/path_link")
int BPF_PROG(enf_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	struct vfsmount *mnt;
	int status;

	if (ret != 0)
		return ret;
	status = current_profile_status();
	if (status == 0)
		return 0;
	/*
	 * A new name for an engine file, or for a file in a protected
	 * directory, made outside it: the write guard looks at the opening
	 * name's directory, so opening the new name for writing would
	 * rewrite state.json or a bundle.
	 */
	if (self_write_guarded(old_dentry, old_dentry->d_inode) && enf_self_refuse(ENF_HOOK_SELF_LINK))
		return -EPERM;
	/* link(2) never crosses mounts: the old name lives in new_dir's mount. */
	mnt = UNTRUSTED(const struct path, new_dir)->mnt;
	ret = decide_object(status, old_dentry, mnt, CLASS_BIT(ENF_CLASS_LINK), ENF_HOOK_PATH_LINK, 0);
	if (ret != 0)
		return ret;
	ret = decide_dir_change(status, new_dir, new_dentry, CLASS_BIT(ENF_CLASS_CREATE), ENF_HOOK_PATH_LINK, 0);
	if (ret != 0)
		return ret;
	return check_refer(status, old_dentry, mnt, new_dentry, mnt, ENF_HOOK_PATH_LINK);
}

SEC("lsm/path_chmod")
int BPF_PROG(enf_path_chmod, const struct path *path, umode_t mode, int ret)
{
	if (ret != 0)
		return ret;
	return check_path(path, CLASS_BIT(ENF_CLASS_SETATTR), ENF_HOOK_PATH_CHMOD);
}

/* kuid_t/kgid_t are passed as plain integers; they are not read. */
SEC("lsm/path_chown")
int BPF_PROG(enf_path_chown, const struct path *path, unsigned long uid, unsigned long gid, int ret)
{
	if (ret != 0)
		return ret;
	return check_path(path, CLASS_BIT(ENF_CLASS_SETATTR), ENF_HOOK_PATH_CHOWN);
}
