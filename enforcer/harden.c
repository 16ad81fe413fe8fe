// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "harden.h"
#include "util.h"

/* What the daemon keeps; harden.h says why. */
static const cap_value_t kept_caps[] = { CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE };

/*
 * The system calls the event loop makes once started: socket I/O on the
 * control socket, epoll, the ring buffer and map updates (bpf), the state
 * directory and audit log (open, write, fsync, rename, unlink), the cgroup
 * tree (getdents, name_to_handle_at, inotify), rule paths in a confined
 * task's mount namespace (openat2 below /proc/PID/root), memory and time. Names this
 * libseccomp does not know are skipped.
 */
static const char *const allowed_syscalls[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "close", "close_range", "lseek",
	"fstat", "newfstatat", "stat", "lstat", "statx", "statfs", "fstatfs",
	"open", "openat", "openat2", "access", "faccessat", "faccessat2", "getdents", "getdents64",
	"readlink", "readlinkat", "getcwd", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat",
	"rename", "renameat", "renameat2", "fsync", "fdatasync", "fcntl", "dup", "dup3",
	"name_to_handle_at", "inotify_add_watch", "inotify_rm_watch",
	"open_by_handle_at", /* cgroup id -> path for events (cgroup_names.c) */
	"connect",           /* reconnecting the syslog socket made at start-up (audit_syslog.c) */
	"epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl",
	"accept", "accept4", "recvmsg", "recvfrom", "sendmsg", "sendto", "getsockopt", "shutdown",
	"bpf", "mmap", "munmap", "mprotect", "mremap", "madvise", "brk", "futex",
	"clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
	"rt_sigprocmask", "rt_sigreturn", "rt_sigaction", "sigaltstack", "restart_syscall",
	"exit", "exit_group", "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid",
	"getrandom", "sched_yield", "uname", "sysinfo", "prlimit64", "getrlimit", "tgkill",
};

/* Keep the capabilities of want[] (those the process has), drop every other one everywhere. */
static int drop_capabilities(const cap_value_t *want_kept, size_t n_want, char *msg, size_t size)
{
	cap_value_t keep[ARRAY_SIZE(kept_caps) + 1];
	cap_t cur = cap_get_proc(), want = cap_init();
	int n = 0, bits = (int)cap_max_bits(), r = 0;

	if (!cur || !want) {
		r = -errno;
		snprintf(msg, size, "cannot read the capabilities: %s", strerror(-r));
		goto out;
	}
	for (size_t i = 0; i < n_want && i < ARRAY_SIZE(keep); i++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (want_kept[i] < bits && cap_get_flag(cur, want_kept[i], CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			keep[n++] = want_kept[i];
	}
	/* The bounding set first, while CAP_SETPCAP is still effective. */
	for (int c = 0; c < bits; c++) {
		bool kept = false;

		for (int k = 0; k < n; k++)
			kept |= keep[k] == c;
		if (!kept && CAP_IS_SUPPORTED(c) && cap_drop_bound(c) < 0 && errno != EINVAL) {
			r = -errno;
			snprintf(msg, size, "cannot drop capability %d from the bounding set: %s", c, strerror(-r));
			goto out;
		}
	}
	(void)cap_reset_ambient();
	if (n && (cap_set_flag(want, CAP_PERMITTED, n, keep, CAP_SET) < 0 ||
		  cap_set_flag(want, CAP_EFFECTIVE, n, keep, CAP_SET) < 0)) {
		r = -errno;
		snprintf(msg, size, "cannot build the capability set: %s", strerror(-r));
		goto out;
	}
	if (cap_set_proc(want) < 0) {
		r = -errno;
		snprintf(msg, size, "cannot drop capabilities: %s", strerror(-r));
	}
out:
	cap_free(cur);
	cap_free(want);
	return r;
}

static int install_seccomp(char *msg, size_t size)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int r;

	if (!ctx) {
		snprintf(msg, size, "cannot create the seccomp filter");
		return -ENOMEM;
	}
	for (size_t i = 0; i < ARRAY_SIZE(allowed_syscalls); i++) {
		int nr = seccomp_syscall_resolve_name(allowed_syscalls[i]);

		if (nr == __NR_SCMP_ERROR)
			continue;
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (r < 0 && r != -EEXIST) {
			snprintf(msg, size, "cannot allow %s in the seccomp filter: %s", allowed_syscalls[i], strerror(-r));
			seccomp_release(ctx);
			return r;
		}
	}
	r = seccomp_load(ctx);
	if (r < 0)
		snprintf(msg, size, "cannot load the seccomp filter: %s", strerror(-r));
	seccomp_release(ctx);
	return r;
}

/* Capabilities down to keep[], then no_new_privs and not dumpable. */
static int drop_privileges(const cap_value_t *keep, size_t n, char *msg, size_t size)
{
	int r = drop_capabilities(keep, n, msg, size);

	if (r < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		r = -errno;
		snprintf(msg, size, "cannot set no_new_privs: %s", strerror(-r));
	}
	return r;
}

int harden_apply(char *msg, size_t size)
{
	int r = drop_privileges(kept_caps, ARRAY_SIZE(kept_caps), msg, size);

	return r < 0 ? r : install_seccomp(msg, size);
}

int harden_helper(char *msg, size_t size)
{
	return drop_privileges(NULL, 0, msg, size);
}
