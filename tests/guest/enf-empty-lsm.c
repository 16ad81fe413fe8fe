// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-empty-lsm PIN: attach an LSM program that does nothing to file_open
 * (bpf/empty_lsm.bpf.c) and pin its link at PIN, on bpffs; removing PIN
 * detaches it. tests/bench/bench.sh times the open+close loop with it to
 * tell the kernel's share of an unconfined task's cost from the engine's.
 * Prints "prog_id=N link_id=N" on success; exit status 1 on failure.
 */
#include <stdio.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include "empty_lsm.skel.h"

int main(int argc, char **argv)
{
	struct bpf_prog_info pinfo = {};
	struct bpf_link_info linfo = {};
	__u32 plen = sizeof(pinfo), llen = sizeof(linfo);
	struct empty_lsm_bpf *skel;
	struct bpf_link *link;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: enf-empty-lsm PIN (a path on bpffs)\n");
		return 2;
	}
	skel = empty_lsm_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "enf-empty-lsm: loading the program failed (is bpf in the LSM list?)\n");
		return 1;
	}
	link = bpf_program__attach_lsm(skel->progs.empty_file_open);
	err = libbpf_get_error(link);
	if (!err)
		err = bpf_link__pin(link, argv[1]);
	if (!err)
		err = bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.empty_file_open), &pinfo, &plen);
	if (!err)
		err = bpf_obj_get_info_by_fd(bpf_link__fd(link), &linfo, &llen);
	if (err) {
		fprintf(stderr, "enf-empty-lsm: attaching to file_open and pinning at %s failed: %d\n", argv[1], err);
		/* A pin left behind would keep the program attached through the configurations timed next. */
		if (!libbpf_get_error(link))
			(void)bpf_link__unpin(link);
		empty_lsm_bpf__destroy(skel);
		return 1;
	}
	printf("prog_id=%u link_id=%u\n", pinfo.id, linfo.id);
	/* The pin keeps the link, and with it the program, attached after exit. */
	empty_lsm_bpf__destroy(skel);
	return 0;
}
