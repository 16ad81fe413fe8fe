// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exec enforcement. bprm_check_security runs once per binary handler pass:
 * for a script it runs on the script and again on its interpreter, and it
 * sees bprm->file, the file the kernel opened, so symlinks, /proc/self/fd
 * and execveat(fd) all arrive here as the real object.
 */
#include "common.bpf.h"
#include "cgroup.bpf.h"
#include "path.bpf.h"
#include "verdict.bpf.h"

SEC("lsm/bprm_check_security")
int BPF_PROG(enf_bprm_check, struct linux_binprm *bprm, int ret)
{
	if (ret != 0)
		return ret; /* an earlier LSM's denial stands */
	return check_path(&bprm->file->f_path, ENF_CLASS_EXEC, ENF_HOOK_BPRM_CHECK);
}
