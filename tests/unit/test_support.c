// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/support.c: which LSM lists let the xattr programs answer 1 on
 * kernels before 6.10 (lsm-progs/baseline.bpf.c, xattr_no_objection()).
 * An answer of 1 ends the hook's list, so it is only safe when no LSM after
 * "bpf" may decide setxattr.
 */
#include <stdbool.h>

#include "support.h"
#include "unit.h"

int main(void)
{
	static const struct {
		const char *list;
		bool ends;
		const char *why;
	} cases[] = {
		{ "lockdown,capability,landlock,bpf", true, "bpf last (the test guests)" },
		{ "lockdown,capability,landlock,bpf\n", true, "with the file's newline" },
		{ "lockdown,capability,landlock,yama,apparmor,tomoyo,bpf", true, "Debian's default order, bpf added last" },
		{ "capability,bpf,apparmor,landlock,integrity", true, "only LSMs without setxattr hooks after bpf" },
		{ "lockdown,capability,bpf,selinux", false, "SELinux after bpf decides setxattr" },
		{ "capability,bpf,smack", false, "Smack after bpf" },
		{ "capability,bpf,ima,evm", false, "IMA and EVM as LSMs (6.9) after bpf" },
		{ "capability,bpf,newlsm", false, "an LSM this build does not know, after bpf" },
		{ "selinux,capability,bpf", true, "SELinux before bpf has been asked already" },
		{ "lockdown,capability,apparmor", false, "no bpf at all" },
		{ "", false, "an empty list" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		EXPECT_TRUE(support_xattr_hooks_end_at_bpf(cases[i].list) == cases[i].ends, cases[i].why);
	return unit_done();
}
