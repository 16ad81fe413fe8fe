/* SPDX-License-Identifier: GPL-2.0-only */
/* The BPF side of the daemon: load and attach the LSM programs, expose map fds. */
#ifndef ENFORCER_ENGINE_H
#define ENFORCER_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "enforcer_abi.h"

struct enforcer_bpf;

struct engine {
	struct enforcer_bpf *skel;
	int attachments_fd;
	int profiles_fd;
	int path_trie_fd;
	int settings_fd;
	int stats_fd;
	int events_fd;
};

/*
 * Open, load and attach. On failure returns -errno and writes one message
 * for the user into msg (never a raw libbpf line).
 */
int engine_start(struct engine *e, bool verbose, char *msg, size_t size);
void engine_stop(struct engine *e);

/* Sum a per-CPU counter. */
int engine_stat(const struct engine *e, enum enf_stat which, uint64_t *ret);

#endif /* ENFORCER_ENGINE_H */
