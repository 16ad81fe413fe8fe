/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Can this kernel enforce? A ladder of checks, each with its own message
 * naming the cause and the fix, after systemd's lsm-util: BPF LSM active,
 * BTF present, lockdown, and finally whether an LSM program actually loads
 * (only the daemon can tell that; it reports through support_explain_load()).
 */
#ifndef ENFORCER_SUPPORT_H
#define ENFORCER_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

struct support_report {
	bool securityfs;        /* /sys/kernel/security/lsm readable */
	bool bpf_lsm_active;    /* "bpf" in the active LSM list */
	bool btf;               /* /sys/kernel/btf/vmlinux present */
	char lsm_list[256];
	char lockdown[32];      /* "none", "integrity", "confidentiality" or "" if unknown */
};

/* Fill the report (mounting securityfs if it is not mounted yet). Never fails. */
void support_probe(struct support_report *r);

/* 0 when the static rungs pass; otherwise -EOPNOTSUPP and one message in msg. */
int support_check(const struct support_report *r, char *msg, size_t size);

/*
 * Whether no LSM after "bpf" in LSM_LIST (/sys/kernel/security/lsm) may
 * decide inode_setxattr or inode_removexattr on kernels before 6.10, so
 * that a BPF program's answer there is the last (lsm-progs/baseline.bpf.c,
 * xattr_no_objection()). An LSM it does not know counts as one that may.
 */
bool support_xattr_hooks_end_at_bpf(const char *lsm_list);

/*
 * Before 6.10, with "bpf" in the LSM list and no LSM after it that makes
 * the check itself, the kernel skips its capability check for setting and
 * removing security.* extended attributes, for every user, unless a BPF
 * program on the hook answers 1, as enforcerd's do (lsm-progs/
 * baseline.bpf.c, xattr_no_objection()). Reads the kernel's BTF (megabytes):
 * for `enforcerctl check`, not every start.
 */
bool support_xattr_cap_check_skipped(const struct support_report *r);

/* The message for a failed program load (errno as positive value). */
void support_explain_load(const struct support_report *r, int err, char *msg, size_t size);

#endif /* ENFORCER_SUPPORT_H */
