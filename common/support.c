// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "support.h"
#include "util.h"

#define LSM_LIST_PATH  "/sys/kernel/security/lsm"
#define LOCKDOWN_PATH  "/sys/kernel/security/lockdown"
#define BTF_PATH       "/sys/kernel/btf/vmlinux"
#define BTF_MAX_SIZE   (256u << 20)

static int read_small(const char *path, char *buf, size_t size)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = read_file_all(path, 4096, &data, &len);

	if (r < 0)
		return r;
	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == ' '))
		data[--len] = 0;
	snprintf(buf, size, "%s", data);
	return 0;
}

static bool list_contains(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
			return true;
	return false;
}

/*
 * Whether the kernel's BTF names FUNC: its string table holds every
 * function's name between NULs. Without libbpf, which enforcerctl does not
 * link; false when the BTF cannot be read.
 */
static bool btf_names(const char *func)
{
	_cleanup_free_ char *data = NULL, *want = NULL;
	size_t len;

	if (read_file_all(BTF_PATH, BTF_MAX_SIZE, &data, &len) < 0 || asprintf(&want, "%c%s%c", 0, func, 0) < 0)
		return false;
	return memmem(data, len, want, strlen(func) + 2) != NULL;
}

void support_probe(struct support_report *r)
{
	char lockdown[128];

	memset(r, 0, sizeof(*r));
	if (access(LSM_LIST_PATH, R_OK) < 0)
		(void)mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	r->securityfs = read_small(LSM_LIST_PATH, r->lsm_list, sizeof(r->lsm_list)) == 0;
	r->bpf_lsm_active = r->securityfs && list_contains(r->lsm_list, "bpf");
	r->btf = access(BTF_PATH, R_OK) == 0;
	/* The file reads like "none [integrity] confidentiality": the bracketed word is current. */
	if (read_small(LOCKDOWN_PATH, lockdown, sizeof(lockdown)) == 0) {
		char *open = strchr(lockdown, '['), *close = open ? strchr(open, ']') : NULL;

		if (open && close) {
			*close = 0;
			snprintf(r->lockdown, sizeof(r->lockdown), "%s", open + 1);
		}
	}
}

int support_check(const struct support_report *r, char *msg, size_t size)
{
	if (!r->securityfs) {
		snprintf(msg, size,
			 "cannot read %s: securityfs is not mounted and could not be mounted. "
			 "Mount it (mount -t securityfs securityfs /sys/kernel/security) and retry; "
			 "a kernel built without CONFIG_SECURITYFS cannot run enforcer.", LSM_LIST_PATH);
		return -EOPNOTSUPP;
	}
	if (!r->bpf_lsm_active) {
		snprintf(msg, size,
			 "BPF LSM is not active: the kernel's LSM list is \"%s\" and does not contain \"bpf\". "
			 "Add it on the kernel command line (lsm=%s,bpf) and reboot; the kernel must be "
			 "built with CONFIG_BPF_LSM=y.", r->lsm_list, r->lsm_list);
		return -EOPNOTSUPP;
	}
	if (!r->btf) {
		snprintf(msg, size,
			 "this kernel has no BTF (%s is missing), which BPF-LSM programs need. "
			 "Use a kernel built with CONFIG_DEBUG_INFO_BTF=y (Debian's kernels are).", BTF_PATH);
		return -EOPNOTSUPP;
	}
	return 0;
}

void support_explain_load(const struct support_report *r, int err, char *msg, size_t size)
{
	if (err == EPERM && r->lockdown[0] && strcmp(r->lockdown, "none") != 0) {
		snprintf(msg, size,
			 "the kernel refused to load the BPF-LSM programs (EPERM) because it runs in lockdown "
			 "mode \"%s\", which forbids BPF programs attached through trampolines (LSM, fentry). "
			 "enforcer cannot enforce on this boot. Lockdown cannot be lowered at run time: boot "
			 "without it (remove lockdown= from the kernel command line; if Secure Boot turns it "
			 "on, disable Secure Boot or use a kernel built without "
			 "CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT/CONFIG_LOCK_DOWN_KERNEL_FORCE_*). "
			 "To test enforcer here, use the guest kernels of 'make check'.", r->lockdown);
	} else if (err == EPERM) {
		snprintf(msg, size,
			 "the kernel refused to load the BPF-LSM programs (EPERM). Run enforcerd as root "
			 "(it needs CAP_BPF, CAP_SYS_ADMIN and CAP_PERFMON), and check that no security "
			 "policy (lockdown, SELinux, a seccomp filter) forbids bpf().");
	} else if (err == EINVAL || err == EACCES) {
		snprintf(msg, size,
			 "the kernel's verifier rejected the BPF-LSM programs (%s). This kernel is not one "
			 "enforcer supports; run enforcerd with --verbose for the verifier log and report it.",
			 strerror(err));
	} else {
		snprintf(msg, size, "loading the BPF-LSM programs failed: %s. Run enforcerd with --verbose "
			 "for the loader's log.", strerror(err));
	}
}

/* Those that decide setxattr before 6.10 (SELinux, Smack; IMA and EVM from 6.9) are not on the list. */
bool support_xattr_hooks_end_at_bpf(const char *lsm_list)
{
	static const char *const leave_alone[] = { "capability", "lockdown", "yama", "loadpin", "safesetid",
						   "landlock", "apparmor", "tomoyo", "integrity", NULL };
	_cleanup_free_ char *list = strdup(lsm_list);
	bool after = false;
	char *save = NULL;

	if (!list)
		return false;
	for (char *w = strtok_r(list, ",\n", &save); w; w = strtok_r(NULL, ",\n", &save)) {
		bool known = false;

		if (strcmp(w, "bpf") == 0) {
			after = true;
			continue;
		}
		for (size_t i = 0; after && leave_alone[i]; i++)
			known |= strcmp(w, leave_alone[i]) == 0;
		if (after && !known)
			return false;
	}
	return after;
}

bool support_xattr_cap_check_skipped(const struct support_report *r)
{
	return r->bpf_lsm_active && r->btf && support_xattr_hooks_end_at_bpf(r->lsm_list) &&
	       !btf_names("bpf_lsm_inode_xattr_skipcap");
}
