// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exec enforcement. bprm_check_security runs once per binary handler pass:
 * for a script it runs on the script and again on its interpreter, and it
 * sees bprm->file, the file the kernel opened, so symlinks, /proc/self/fd
 * and execveat(fd) all arrive here as the real object.
 *
 * A file with no name in any mounted file system (memfd, an unlinked or
 * O_TMPFILE file, anything on an internal mount) is "fileless": no path
 * rule can name it, so the profile's exec.fileless setting (or the exec
 * default) decides, and the event says so.
 */
#include "common.bpf.h"
#include "verdict.bpf.h"

static __always_inline bool is_fileless(struct file *file)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	int mnt_flags = BPF_CORE_READ(file, f_path.mnt, mnt_flags);

	return BPF_CORE_READ(inode, __i_nlink) == 0 || (mnt_flags & MNT_INTERNAL);
}

SEC("lsm/bprm_check_security")
int BPF_PROG(enf_bprm_check, struct linux_binprm *bprm, int ret)
{
	struct file *file;

	if (ret != 0)
		return ret; /* an earlier LSM's denial stands */
	file = bprm->file;
	if (is_fileless(file)) {
		__u64 dentry = as_scalar(BPF_CORE_READ(file, f_path.dentry));
		__u64 mnt = as_scalar(BPF_CORE_READ(file, f_path.mnt));
		int r = enf_decide_fileless(dentry, mnt);

		if (r == ENF_DECIDE_LEARN) {
			r = enf_learn_object(dentry, mnt, CLASS_BIT(ENF_CLASS_EXEC) | ENF_LEARN_FILELESS,
					     ENF_HOOK_BPRM_CHECK);
			if (r == -EAGAIN) /* left learn mode meanwhile: see check_object() */
				r = enf_decide_fileless(dentry, mnt);
		}
		return lsm_verdict(r);
	}
	return check_path(&file->f_path, CLASS_BIT(ENF_CLASS_EXEC), ENF_HOOK_BPRM_CHECK);
}

/*
 * prctl(PR_SET_MM) can replace a task's recorded executable (exe_file),
 * which 'from' rules trust: confined tasks may not use it.
 */
SEC("lsm/task_prctl")
int BPF_PROG(enf_task_prctl, int option, unsigned long arg2, unsigned long arg3,
	     unsigned long arg4, unsigned long arg5, int ret)
{
	struct decision d = { .hook = ENF_HOOK_TASK_PRCTL, .reason = ENF_REASON_SELF,
			      .action = ENF_ACT_DENY };
	int r;

	if (ret != 0)
		return ret;
	if (option != PR_SET_MM)
		return 0;
	r = governing_profile(&d, &ret);
	if (r <= 0)
		return ret;
	d.action = ENF_ACT_DENY;
	d.prof.mode = ENF_MODE_ENFORCE; /* identity protection is not subject to audit mode */
	return finish(&d, NULL, 0);
}
