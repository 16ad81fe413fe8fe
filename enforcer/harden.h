/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon confines itself once it has started (engine loaded and
 * attached, pins made, socket bound, state restored):
 *
 *  - capabilities: everything is dropped (effective, permitted,
 *    inheritable, ambient, bounding set) except CAP_DAC_READ_SEARCH, for
 *    resolving cgroup and rule paths below directories root does not own,
 *    and CAP_SYS_PTRACE, for resolving rule paths in the mount namespace of
 *    a confined cgroup's tasks through /proc/PID/root when they run as
 *    another user (profiles.c). The filter below allows none of ptrace(),
 *    process_vm_*() or pidfd_getfd(): what the capability opens is /proc.
 *    bpf() on the map fds it holds needs no capability (measured on 6.1 and
 *    6.12 with kernel.unprivileged_bpf_disabled=2): loading, pinning and
 *    attaching are done before; the rest of its work is on files root owns
 *    (state, socket, pins), for which uid 0 needs no capability.
 *  - no_new_privs and not dumpable;
 *  - a seccomp allow-list (libseccomp) of the system calls the event loop
 *    makes; anything else fails with EPERM instead of running.
 *
 * harden_apply() returns 0, or -errno with what failed in msg; the daemon
 * logs that loudly, or exits with --harden=strict.
 */
#ifndef ENFORCER_HARDEN_H
#define ENFORCER_HARDEN_H

#include <stddef.h>

int harden_apply(char *msg, size_t size);

/*
 * For a helper process the daemon forks before hardening itself (units.h):
 * every capability dropped (the bounding set too), no_new_privs, not
 * dumpable; no seccomp filter, since it runs programs. 0 or -errno with msg.
 */
int harden_helper(char *msg, size_t size);

#endif /* ENFORCER_HARDEN_H */
