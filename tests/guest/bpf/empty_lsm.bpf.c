// SPDX-License-Identifier: GPL-2.0-only
/*
 * An LSM program that does nothing, on file_open: the benchmark's measure
 * of what the kernel charges any BPF-LSM program on a hook (the trampoline,
 * RCU and migration bookkeeping around the call), whatever the program
 * does. enf-empty-lsm attaches it.
 *
 * hold_hook allows, on whichever hook enf-empty-lsm --hold points it at
 * before loading (it reads no argument, so it verifies on any hook).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("lsm/file_open")
int BPF_PROG(empty_file_open, struct file *file, int ret)
{
	return ret;
}

SEC("lsm/file_open")
int BPF_PROG(hold_hook)
{
	return 0;
}
