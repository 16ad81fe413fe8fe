// SPDX-License-Identifier: GPL-2.0-only
/* The confinement baseline's words (baseline.h). */
#include <errno.h>
#include <string.h>

#include "baseline.h"

/* Index i is bit 1u << i; the static assert below keeps the two in step with the ABI. */
const char *const enf_baseline_words[] = { "mount", "userns", "ptrace", "helpers", "modules", "unix-abstract",
					     "io-uring", "device-nodes", "xattrs", "lockdown", "ptrace-read",
					     "tty-inject", "signal", "console", NULL };
static const char *const baseline_what[] = {
	"mount, umount (and removing or renaming a name mounted on in another namespace), move_mount, pivot_root, fsopen, fsconfig, fsmount, fspick, open_tree clones, mount_setattr, swapon, swapoff, freezing or shutting down a filesystem, administering it (btrfs subvolumes, send, disk quotas, /sys/fs knobs), /dev/mapper/control",
	"creating a user namespace, entering another namespace (setns)",
	"ptrace attach outside the profile's domain: PTRACE_ATTACH, /proc/PID/mem, process_vm_writev, pidfd_getfd",
	"writing sysctls, module parameters, /sys/power, sysrq-trigger, uevent_helper, binfmt_misc, release_agent; request-key upcalls",
	"loading kernel modules (or having modprobe load them) and kexec images",
	"abstract unix sockets outside the profile's domain",
	"creating io_uring instances",
	"creating block and character device nodes",
	"setting or removing extended attributes but user.* data: file capabilities, ACLs, security.*, trusted.*, user.overlay.*",
	"what kernel lockdown refuses root: I/O ports, /dev/mem, /dev/port, MSRs, PCI config, /proc/kcore, kprobes, tracefs",
	"reading processes outside the profile's domain: /proc/PID/fd (reopening what they hold), environ, maps, ns; perf as root",
	"typing into a terminal that others read: TIOCSTI, TIOCLINUX",
	"signals to processes outside the profile's domain (signal 0 aside)",
	"opening the console's devices (input devices, uinput, uhid, tty0-63, /dev/console, vcs): its keys read or typed, its screen",
};
_Static_assert(sizeof(enf_baseline_words) / sizeof(enf_baseline_words[0]) - 1 == 14 &&
	       ENF_BASELINE_ALL == (1u << 14) - 1 && ENF_BASELINE_MOUNT == 1u << 0 && ENF_BASELINE_USERNS == 1u << 1 &&
	       ENF_BASELINE_PTRACE == 1u << 2 && ENF_BASELINE_HELPERS == 1u << 3 && ENF_BASELINE_MODULES == 1u << 4 &&
	       ENF_BASELINE_UNIX_ABSTRACT == 1u << 5 && ENF_BASELINE_IO_URING == 1u << 6 &&
	       ENF_BASELINE_DEVICE_NODES == 1u << 7 && ENF_BASELINE_XATTRS == 1u << 8 &&
	       ENF_BASELINE_LOCKDOWN == 1u << 9 && ENF_BASELINE_PTRACE_READ == 1u << 10 &&
	       ENF_BASELINE_TTY_INJECT == 1u << 11 && ENF_BASELINE_SIGNAL == 1u << 12 &&
	       ENF_BASELINE_CONSOLE == 1u << 13,
	       "enf_baseline_words[i] is ENF_BASELINE_* bit i");

const char *enf_baseline_what(unsigned i)
{
	return i < sizeof(baseline_what) / sizeof(baseline_what[0]) ? baseline_what[i] : "?";
}

const char *enf_baseline_word(uint32_t bit)
{
	for (unsigned i = 0; enf_baseline_words[i]; i++)
		if (bit == 1u << i)
			return enf_baseline_words[i];
	return NULL;
}

int enf_baseline_from_word(const char *w, uint32_t *ret_bit)
{
	for (unsigned i = 0; enf_baseline_words[i]; i++)
		if (strcmp(w, enf_baseline_words[i]) == 0) {
			*ret_bit = 1u << i;
			return 0;
		}
	return -EINVAL;
}
