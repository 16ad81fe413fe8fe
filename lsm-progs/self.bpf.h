/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What self-protection guards (self.bpf.c), as checks the programs of other
 * hooks run inline: the file programs for tasks a profile governs, and the
 * one program of each hook self-protection shares with the baseline or the
 * domain (sb_mount, sb_umount, move_mount, ptrace_access_check,
 * unix_stream_connect: one program per hook, each verified and attached
 * once). They read through the hooks' typed kernel pointers with plain
 * loads, no helper call: a confined open for writing pays for two map
 * lookups here, nothing more. Only the refusal, with its event, is a call
 * (enf_self_refuse()).
 */
#ifndef ENF_SELF_BPF_H
#define ENF_SELF_BPF_H

#include "common.bpf.h"
#include "baseline.bpf.h" /* baseline_write_refused() */

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC        0xcafe4a11
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/*
 * Refuse for self-protection: -EPERM with an event naming hook when the
 * current task is confined, else 0 (the daemon, or no profile governs).
 */
extern int enf_self_refuse(__u32 hook);

/*
 * Task t is the running daemon: its pid is the one in the settings, and
 * it is the task that marked itself in self_daemon (the mark goes with the
 * task, the pid outlives a crash and may be reused). enforcerd is single-
 * threaded, so its one task is its thread group leader. The pid is
 * compared first: it costs nothing, and most tasks stop there.
 */
static __always_inline bool is_daemon_task(const struct enf_config *cfg, struct task_struct *t)
{
	return cfg->daemon_tgid && t->tgid == (int)cfg->daemon_tgid &&
	       bpf_task_storage_get(&self_daemon, t, NULL, 0);
}

static __always_inline bool is_daemon(struct task_struct *t)
{
	struct enf_config *cfg = engine_settings();

	return cfg && is_daemon_task(cfg, t);
}

/*
 * Task t (an address, read by probe) has the running daemon's pid. Where
 * no typed pointer finds its mark (/proc/PID files): a crashed daemon's
 * pid reused stays protected until the next start rewrites it.
 */
static __always_inline bool daemon_pid_task(__u64 t)
{
	struct enf_config *cfg = engine_settings();

	return cfg && cfg->daemon_tgid &&
	       BPF_CORE_READ((struct task_struct *)(unsigned long)t, tgid) == (int)cfg->daemon_tgid;
}

/* The kind of protected inode (enum enf_self_kind), 0 for any other. A typed kernel pointer. */
static __always_inline __u32 protected_kind(struct inode *inode)
{
	if (!inode)
		return 0;
	return self_inode_kind(UNTRUSTED(struct inode, inode)->i_sb->s_dev, inode->i_ino);
}

/* A cgroup2 control file whose name starts with "cgroup.". */
static __always_inline bool cgroup_core_file(struct inode *inode)
{
	struct kernfs_node *kn;
	char name[8] = {};

	if ((inode->i_mode & S_IFMT) != S_IFREG)
		return false;
	/* i_private is a void pointer to the verifier: read it, and the name, by probe. */
	kn = (struct kernfs_node *)BPF_CORE_READ(inode, i_private);
	if (!kn || bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(kn, name)) < 0)
		return false;
	return name[0] == 'c' && name[1] == 'g' && name[2] == 'r' && name[3] == 'o' &&
	       name[4] == 'u' && name[5] == 'p' && name[6] == '.';
}

/* What the engine lives on: bpffs, cgroup2's cgroup.* files, a protected inode. */
static __always_inline bool engine_file(struct inode *inode)
{
	unsigned long magic;

	if (!inode)
		return false;
	magic = UNTRUSTED(struct inode, inode)->i_sb->s_magic;
	return magic == BPF_FS_MAGIC || (magic == CGROUP2_SUPER_MAGIC && cgroup_core_file(inode)) ||
	       protected_kind(inode);
}

/*
 * Opening dentry (its inode) for writing, truncating it, or giving it a new
 * hard link: an engine file, or one in a protected directory.
 */
static __always_inline bool self_write_guarded(struct dentry *dentry, struct inode *inode)
{
	return engine_file(inode) || protected_kind(dentry->d_parent->d_inode) == ENF_SELF_DIR;
}

/*
 * The checks every write of an existing file meets before the profile's
 * rules, for a task the profile status names (status != 0): writing
 * dentry's inode (opened for writing, truncated, or received open for
 * writing) is refused by self-protection (an event of self_hook) or by
 * the baseline's helper files (baseline:helper-write, unless the profile
 * opts out) and its filesystem knobs in sysfs (baseline:fs-admin). True
 * when refused, the event sent.
 */
static __always_inline bool write_refused(struct dentry *dentry, struct inode *inode, __u32 self_hook, int status)
{
	/*
	 * The task's own cgroup's cgroup.procs is refused as well: a write there
	 * pulls any task it names into the cgroup, into the domain, where the
	 * baseline's signal and ptrace checks no longer keep the task from it.
	 * systemd-executor's write of itself there before a unit's first exec
	 * (systemd 255 and later) is the service manager's, which is not governed
	 * (cgroup.bpf.h).
	 */
	if (self_write_guarded(dentry, inode) && enf_self_refuse(self_hook))
		return true;
	return baseline_write_refused(inode, status);
}

/* An entry added to, removed from or renamed in directory dir: bpffs (pins) and protected directories. */
static __always_inline bool self_dir_guarded(struct dentry *dir)
{
	return dir->d_sb->s_magic == BPF_FS_MAGIC || protected_kind(dir->d_inode) == ENF_SELF_DIR;
}

static __always_inline bool engine_fs(struct super_block *sb)
{
	unsigned long magic = BPF_CORE_READ(sb, s_magic);

	return magic == BPF_FS_MAGIC || magic == CGROUP2_SUPER_MAGIC;
}

/* Mounting over bpffs, cgroup2 or a protected directory would hide them from the daemon. */
static __always_inline bool covers_engine(const struct path *path)
{
	struct dentry *d = path->dentry;

	return engine_fs(d->d_sb) || protected_kind(d->d_inode);
}

/* Unmounting bpffs or cgroup2. */
static __always_inline bool self_umount_guarded(struct vfsmount *mnt)
{
	return engine_fs(BPF_CORE_READ(mnt, mnt_sb));
}

/* The peer of a unix connect is the daemon's control socket. */
static __always_inline bool control_socket(struct sock *other)
{
	struct enf_config *cfg = engine_settings();
	unsigned long ino;

	if (!cfg || !cfg->control_sock_ino)
		return false;
	ino = BPF_CORE_READ(other, sk_socket, file, f_inode, i_ino);
	return ino == cfg->control_sock_ino;
}

#endif /* ENF_SELF_BPF_H */
