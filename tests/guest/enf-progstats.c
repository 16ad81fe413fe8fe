// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-progstats: one line per loaded BPF program, "ID NAME RUN_CNT RUN_TIME_NS"
 * (the kernel's statistics: kernel.bpf_stats_enabled=1), for benchmarks in
 * guests that have no bpftool (the system guest). Two snapshots around a
 * load give each program's calls and time per call. Exit status 1 when the
 * programs cannot be listed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

int main(void)
{
	__u32 id = 0;
	int n = 0;

	while (bpf_prog_get_next_id(id, &id) == 0) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue; /* unloaded meanwhile */
		if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0) {
			printf("%u %s %llu %llu\n", id, info.name[0] ? info.name : "-",
			       (unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns);
			n++;
		}
		close(fd);
	}
	if (errno != ENOENT || n == 0) {
		fprintf(stderr, "enf-progstats: cannot list the BPF programs: %s\n", n ? strerror(errno) : "none");
		return 1;
	}
	return 0;
}
