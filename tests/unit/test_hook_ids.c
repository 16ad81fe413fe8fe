// SPDX-License-Identifier: GPL-2.0-only
/*
 * enforcerd/hook_ids.c: the hooks' attach ids and the wanted names, from one
 * pass over a BTF made here (libbpf's writer) in place of the kernel's.
 */
#include <errno.h>
#include <stdio.h>

#include <bpf/btf.h>

#include "hook_ids.h"
#include "unit.h"

static int add_func(struct btf *btf, int proto, const char *name)
{
	return btf__add_func(btf, name, BTF_FUNC_GLOBAL, proto);
}

int main(void)
{
	struct btf *btf = btf__new_empty();
	struct hook_ids h = { 0 };
	struct btf_want wants[] = {
		{ .name = "vfs_set_acl", .kind = BTF_KIND_FUNC },
		{ .name = "task_struct__safe_rcu", .kind = BTF_KIND_STRUCT },
		{ .name = "security_file_ioctl_compat", .kind = BTF_KIND_FUNC },
		{ .name = "a_struct_not_a_func", .kind = BTF_KIND_FUNC },
	};
	int proto, file_open, bprm, later[300];
	char name[64];

	if (!EXPECT_TRUE(btf != NULL, "an empty BTF"))
		return unit_done();
	proto = btf__add_func_proto(btf, btf__add_int(btf, "int", 4, BTF_INT_SIGNED));
	file_open = add_func(btf, proto, "bpf_lsm_file_open");
	add_func(btf, proto, "security_file_open"); /* not a hook's attach point */
	bprm = add_func(btf, proto, "bpf_lsm_bprm_check_security");
	add_func(btf, proto, "vfs_set_acl");
	btf__add_struct(btf, "task_struct__safe_rcu", 0);
	btf__add_struct(btf, "a_struct_not_a_func", 0);
	btf__add_struct(btf, "bpf_lsm_not_a_func", 0); /* the prefix, but no function */
	/* More than the first allocation holds, and out of order. */
	for (int i = 299; i >= 0; i--) {
		snprintf(name, sizeof(name), "bpf_lsm_hook_%03d", i);
		later[i] = add_func(btf, proto, name);
	}

	if (!EXPECT_OK(hook_ids_scan(&h, btf, wants, sizeof(wants) / sizeof(wants[0])), "one pass over the BTF"))
		goto out;
	EXPECT_EQ((long)h.n, 302L, "every bpf_lsm_ function and nothing else is a hook");
	EXPECT_EQ(hook_ids_find(&h, "file_open"), file_open, "file_open's id");
	EXPECT_EQ(hook_ids_find(&h, "bprm_check_security"), bprm, "bprm_check_security's id");
	EXPECT_EQ(hook_ids_find(&h, "hook_000"), later[0], "the first of many");
	EXPECT_EQ(hook_ids_find(&h, "hook_299"), later[299], "the last of many");
	EXPECT_EQ(hook_ids_find(&h, "hook_150"), later[150], "one in the middle");
	EXPECT_EQ(hook_ids_find(&h, "inode_set_acl"), -ESRCH, "a hook the kernel lacks");
	EXPECT_EQ(hook_ids_find(&h, "not_a_func"), -ESRCH, "a struct with the prefix is no hook");
	EXPECT_EQ(hook_ids_find(&h, "bpf_lsm_file_open"), -ESRCH, "hooks are asked without the prefix");
	EXPECT_EQ(hook_ids_find(&h, ""), -ESRCH, "an empty name");
	EXPECT_TRUE(wants[0].found, "a wanted function that is there");
	EXPECT_TRUE(wants[1].found, "a wanted struct that is there");
	EXPECT_TRUE(!wants[2].found, "a wanted function that is not");
	EXPECT_TRUE(!wants[3].found, "a name that is there as another kind");

	/* Scanning again starts over: the answers of the first scan do not stay. */
	wants[2].name = "vfs_set_acl";
	wants[0].name = "absent_now";
	hook_ids_free(&h);
	if (EXPECT_OK(hook_ids_scan(&h, btf, wants, sizeof(wants) / sizeof(wants[0])), "a second scan")) {
		EXPECT_TRUE(!wants[0].found && wants[2].found, "its answers are its own");
		EXPECT_EQ((long)h.n, 302L, "the same hooks");
	}
	/* The names are the scan's own: they outlive the BTF they came from. */
	hook_ids_free(&h);
	{
		struct btf *gone = btf__new_empty();
		int p = gone ? btf__add_func_proto(gone, btf__add_int(gone, "int", 4, BTF_INT_SIGNED)) : -1;
		int id = p > 0 ? add_func(gone, p, "bpf_lsm_task_kill") : -1;

		if (EXPECT_TRUE(id > 0, "a second BTF") &&
		    EXPECT_OK(hook_ids_scan(&h, gone, NULL, 0), "a scan asking no other names")) {
			btf__free(gone);
			gone = NULL;
			EXPECT_EQ(hook_ids_find(&h, "task_kill"), id, "found after its BTF is freed");
		}
		btf__free(gone);
	}
out:
	hook_ids_free(&h);
	EXPECT_EQ((long)h.n, 0L, "freed");
	EXPECT_EQ(hook_ids_find(&h, "file_open"), -ESRCH, "nothing is found after free");
	btf__free(btf);
	return unit_done();
}
