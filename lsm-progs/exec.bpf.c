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
#include "baseline.bpf.h" /* enf_baseline_refuse(): a steered exec of a 'from' binary */

static __always_inline bool is_fileless(struct file *file)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	int mnt_flags = BPF_CORE_READ(file, f_path.mnt, mnt_flags);

	return BPF_CORE_READ(inode, __i_nlink) == 0 || (mnt_flags & MNT_INTERNAL);
}

/*
 * A fileless file's exec or executable mapping: exec.fileless decides (or
 * the exec default); in learn mode it is recorded as a fileless exec. One
 * unlinked after it was opened (then run by execveat(fd, AT_EMPTY_PATH),
 * or mapped) may be decided by the name it had too (enf_decide_fileless()):
 * its dentry keeps that name and parent. A memfd or another internal file
 * never had one.
 */
static __always_inline int decide_fileless_exec(int status, struct file *file, enum enf_hook hook)
{
	__u64 dentry = as_scalar(BPF_CORE_READ(file, f_path.dentry));
	__u64 mnt = as_scalar(BPF_CORE_READ(file, f_path.mnt));
	__u32 had_name = !(BPF_CORE_READ(file, f_path.mnt, mnt_flags) & MNT_INTERNAL);
	struct file *f;
	int r;

	r = enf_decide_fileless(dentry, mnt, hook, had_name);
	if (r == ENF_DECIDE_LEARN) {
		r = enf_learn_object(dentry, mnt, CLASS_BIT(ENF_CLASS_EXEC) | ENF_LEARN_FILELESS, hook);
		if (r == -EAGAIN) /* left learn mode meanwhile: see decide_object() */
			r = enf_decide_fileless(dentry, mnt, hook, had_name);
	}
	if (r == ENF_DECIDE_BY_NAME) {
		f = UNTRUSTED(struct file, file);
		return decide_object(status, f->f_path.dentry, f->f_path.mnt, CLASS_BIT(ENF_CLASS_EXEC), hook, 0);
	}
	return lsm_verdict(r);
}

/*
 * The service manager's executables (cgroup.bpf.h): its own task in a
 * confined cgroup may exec them (systemd 255+ execs systemd-executor there
 * before the service), no other confined task may, in any mode: a workload
 * running one would be taken for the manager. A global function (file: an
 * address) so that its decision is not on bprm_check's own stack, which
 * every call chain of the program adds to (6.1's 512 bytes).
 */
__noinline int enf_manager_exec_refuse(int status, __u64 file)
{
	struct decision d = { .hook = ENF_HOOK_BPRM_CHECK, .reason = ENF_REASON_SELF, .action = ENF_ACT_DENY };
	struct file *f = (struct file *)(unsigned long)file;
	struct enf_task_ctx *tc;
	int ret = 0;

	if (status & ENF_STATUS_MANAGER)
		return 0;
	if (profile_of_status(status, &d, &ret) <= 0)
		return ret;
	d.action = ENF_ACT_DENY;
	d.prof.mode = ENF_MODE_ENFORCE; /* identity protection is not subject to audit mode */
	/* The event names the file; the decision does not depend on it. */
	tc = task_scratch();
	if (tc && path_walk(tc, as_scalar(BPF_CORE_READ(f, f_path.dentry)), as_scalar(BPF_CORE_READ(f, f_path.mnt)),
				0, 0) == 0)
		return finish(&d, tc, tc->walk.depth);
	return finish(&d, NULL, 0);
}

#ifndef LSM_UNSAFE_SHARE
#define LSM_UNSAFE_SHARE  1
#endif
#ifndef LSM_UNSAFE_PTRACE
#define LSM_UNSAFE_PTRACE 2
#endif
/*
 * Filters walked for a user-notification listener; a longer chain is taken
 * as having one. The kernel's budget of 32,768 instructions over a chain
 * (4 added per filter) allows about 6,500; systemd alone loads three per
 * hardening setting of a unit (one per x86 ABI).
 */
#define SECCOMP_FILTERS_WALKED 8192

struct seccomp_walk {
	__u64 filter;  /* the next to look at (an address), 0 at the end */
	bool listener;
};

static int seccomp_walk_step(__u32 i, void *data)
{
	struct seccomp_walk *w = data;
	struct seccomp_filter *f = (struct seccomp_filter *)(unsigned long)w->filter;

	if (!f)
		return 1;
	if (BPF_CORE_READ(f, notif)) {
		w->listener = true;
		return 1;
	}
	w->filter = (__u64)(unsigned long)BPF_CORE_READ(f, prev);
	return 0;
}

/*
 * A binary some 'from' names (below) exec'd while another process can
 * steer it from its first instruction, found by review:
 *  - traced: the tracer stays attached across the exec (the kernel only
 *    notes LSM_UNSAFE_PTRACE, which drops set-user-ID bits), stops the new
 *    program before its first instruction, and writes its memory and
 *    registers without asking any LSM (ptrace_access_vm()). Attached
 *    before the exec, by PTRACE_TRACEME or to another program of the
 *    domain, it would run its code as the binary. A tracer no profile
 *    governs (a debugger from outside) is not the workload's, so only a
 *    governed one counts. bprm->unsafe was taken under cred_guard_mutex,
 *    which an attach waits for: a tracer that attaches later meets the
 *    running binary at ptrace_access_check.
 *  - under a seccomp filter with a user-notification listener: filters
 *    outlive exec, and whoever holds the listener answers the binary's
 *    system calls (the loader's open of its libc answered with a
 *    descriptor of the workload's library) and adds descriptors to it.
 *    Who holds it cannot be told here, so any such filter counts (LXD and
 *    Incus containers intercept system calls that way: docs/policy.md).
 *  - sharing its working directory and root with another process
 *    (CLONE_FS, LSM_UNSAFE_SHARE), which may chdir or chroot it.
 * So the exec is refused (hook baseline:ptrace, word ptrace; 22), as an
 * attach to the running binary would be. 1 when so, else 0; the refusal
 * and its event are enf_baseline_refuse()'s, whose stack the deepest call
 * chain of bprm_check (6.1's 512 bytes) has room for.
 */
__noinline int enf_exec_steered(__u32 unsafe)
{
	struct task_struct *task = bpf_get_current_task_btf(), *tracer;
	struct seccomp_walk w = {};
	__u32 slot = 0;

	if (unsafe & LSM_UNSAFE_SHARE)
		return 1;
	if (unsafe & LSM_UNSAFE_PTRACE) {
		/* While traced, parent is the tracer (real_parent the process that forked it). */
		tracer = BPF_CORE_READ(task, parent);
		if (!tracer || task_profile_slot(tracer, &slot) != 0)
			return 1;
	}
	w.filter = (__u64)(unsigned long)BPF_CORE_READ(task, seccomp.filter);
	bpf_loop(SECCOMP_FILTERS_WALKED, seccomp_walk_step, &w, 0);
	return w.listener || w.filter != 0;
}

/*
 * An executable that some 'from' rule of the profile names gets rights no
 * other program in the cgroup has, so the workload must not be able to
 * run its own code inside it through the dynamic loader: LD_PRELOAD,
 * LD_LIBRARY_PATH or LD_AUDIT naming a library it wrote, whose code would
 * then run as that executable (mm->exe_file) with its rights. Its exec is
 * made a secure one (AT_SECURE), as a set-user-ID program's is, and the
 * loader then ignores those variables (glibc: LD_PRELOAD only from the
 * standard directories, and only set-user-ID libraries). AppArmor scrubs
 * the environment the same way when a program changes profile. A walk that
 * fails makes it secure too. What the program itself loads by its own
 * configuration (a module path) is decided as any executable mapping.
 * 0, or -EPERM when the binary may not be exec'd here (steered: above).
 */
static __always_inline int secure_from_exec(struct linux_binprm *bprm, struct file *file, bool fileless, int status)
{
	struct enf_profile_val *prof = profile_val_of(status);
	struct file *f = UNTRUSTED(struct file, file);

	if (!prof || !(prof->flags & ENF_PROFILE_HAS_FROM))
		return 0;
	/*
	 * A file with no name (unlinked, replaced by an upgrade, a memfd) is
	 * secure outright: the walk of an unlinked file still finds its old
	 * name, which a 'from' may name (enf_exe_id() does the same walk once
	 * it runs).
	 */
	if (!fileless &&
	    !enf_file_exe_id(task_scratch(), prof->instance, as_scalar(f->f_path.dentry), as_scalar(f->f_path.mnt)))
		return 0;
	if (enf_exec_steered(bprm->unsafe) && enf_baseline_refuse(ENF_HOOK_BASE_PTRACE, ENF_BASELINE_PTRACE, status))
		return -EPERM;
	bpf_bprm_opts_set(bprm, BPF_F_BPRM_SECUREEXEC);
	return 0;
}

SEC("lsm/bprm_check_security")
int BPF_PROG(enf_bprm_check, struct linux_binprm *bprm, int ret)
{
	struct file *file, *f;
	int status;

	if (ret != 0)
		return ret; /* an earlier LSM's denial stands */
	status = current_exec_status();
	if (status == 0)
		return 0;
	file = bprm->file;
	if (status > 0 && service_manager_inode(file->f_inode))
		return lsm_verdict(enf_manager_exec_refuse(status, as_scalar(file)));
	if (status > 0)
		status &= ~ENF_STATUS_MANAGER;
	/*
	 * Two calls of secure_from_exec(), not one after a shared tail: a flag
	 * kept across the decision takes a stack slot, and 6.1 then refuses
	 * the program (combined stack 544 bytes of 512).
	 */
	if (is_fileless(file)) {
		ret = decide_fileless_exec(status, file, ENF_HOOK_BPRM_CHECK);
		if (ret == 0)
			ret = secure_from_exec(bprm, file, true, status);
		return ret;
	}
	f = UNTRUSTED(struct file, file);
	ret = decide_object(status, f->f_path.dentry, f->f_path.mnt, CLASS_BIT(ENF_CLASS_EXEC), ENF_HOOK_BPRM_CHECK, 0);
	if (ret == 0)
		ret = secure_from_exec(bprm, file, false, status);
	return ret;
}

/*
 * Executable mappings. Code runs from a file without any execve naming it:
 * the dynamic loader maps the program it is asked to run
 * ("ld.so /path/prog"), its libraries (LD_PRELOAD, LD_LIBRARY_PATH,
 * dlopen) and anything else a process maps with PROT_EXEC or later
 * mprotect()s to it. So a file mapping that gains PROT_EXEC is decided as
 * the exec class of that file, with one allowance (CHECK_MAPPING): where
 * only the exec default would refuse it, a file the profile lets the
 * workload neither write nor create maps, so an allow-list runs its
 * programs' shared libraries without naming each.
 *
 * During execve binfmt_elf maps the program (decided already, at
 * bprm_check_security) and its ELF interpreter (never seen there) through
 * mmap_file: the program is the task's new exe_file by then, and is
 * skipped; the interpreter is decided like any mapping.
 *
 * Anonymous memory is not a file: W+X anonymous mappings (JITs) stay
 * allowed (docs/policy.md).
 */
static __always_inline int check_mapping(int status, struct file *file, enum enf_hook hook)
{
	struct task_struct *task;
	struct file *f;

	/* The task's own executable: what it runs already, decided when it was exec'd. */
	task = bpf_get_current_task_btf();
	if ((__u64)(unsigned long)BPF_CORE_READ(task, mm, exe_file) == (__u64)(unsigned long)file)
		return 0;
	if (is_fileless(file))
		return decide_fileless_exec(status, file, hook);
	f = UNTRUSTED(struct file, file);
	return decide_object(status, f->f_path.dentry, f->f_path.mnt, CLASS_BIT(ENF_CLASS_EXEC), hook, CHECK_MAPPING);
}

/* prot, not reqprot: READ_IMPLIES_EXEC adds PROT_EXEC to what was asked. */
SEC("lsm/mmap_file")
int BPF_PROG(enf_mmap_file, struct file *file, unsigned long reqprot, unsigned long prot,
	     unsigned long flags, int ret)
{
	int status;

	if (ret != 0)
		return ret;
	if (!(prot & PROT_EXEC))
		return 0;
	status = current_profile_status();
	if (status == 0)
		return 0;
	/*
	 * An anonymous mapping (a JIT's) has no file: tested as a number
	 * (hook_arg_number(), a helper call), after the status, where every
	 * ungoverned task's mapping has returned.
	 */
	if (!hook_arg_number(ctx, 0))
		return 0;
	return check_mapping(status, file, ENF_HOOK_MMAP_FILE);
}

/* Only a file mapping that becomes executable; one that already is was decided when it did. */
SEC("lsm/file_mprotect")
int BPF_PROG(enf_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot, unsigned long prot,
	     int ret)
{
	struct file *file;
	int status;

	if (ret != 0)
		return ret;
	if (!(prot & PROT_EXEC))
		return 0;
	status = current_profile_status();
	if (status == 0)
		return 0;
	file = UNTRUSTED(struct vm_area_struct, vma)->vm_file;
	if (!file || (vma->vm_flags & VM_EXEC))
		return 0;
	return check_mapping(status, file, ENF_HOOK_FILE_MPROTECT);
}

#ifndef PR_SET_MM_EXE_FILE
#define PR_SET_MM_EXE_FILE 13
#endif
#ifndef PR_SET_MM_MAP
#define PR_SET_MM_MAP 14
#endif

/*
 * prctl(PR_SET_MM) can replace a task's recorded executable (exe_file),
 * which 'from' rules and the service manager's identity trust: confined
 * tasks may not do that (PR_SET_MM_EXE_FILE, and PR_SET_MM_MAP, which can
 * carry an exe_fd). The other sub-options only move what /proc shows
 * (argument and environment areas, brk...), as process-title code does.
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
	if (option != PR_SET_MM || (arg2 != PR_SET_MM_EXE_FILE && arg2 != PR_SET_MM_MAP))
		return 0;
	r = governing_profile(&d, &ret);
	if (r <= 0)
		return ret;
	d.action = ENF_ACT_DENY;
	d.prof.mode = ENF_MODE_ENFORCE; /* identity protection is not subject to audit mode */
	return finish(&d, NULL, 0);
}
