// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "engine.h"
#include "enforcer.skel.h"
#include "log.h"
#include "support.h"

static bool libbpf_verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* libbpf's own lines are for --verbose; users get one explained message. */
	(void)level;
	if (!libbpf_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int engine_start(struct engine *e, bool verbose, char *msg, size_t size)
{
	struct support_report sr;
	__u32 zero = 0;
	struct enf_config cfg = { .abi_version = ENF_ABI_VERSION };
	int r;

	memset(e, 0, sizeof(*e));
	libbpf_verbose = verbose;
	libbpf_set_print(libbpf_print);

	support_probe(&sr);
	r = support_check(&sr, msg, size);
	if (r < 0)
		return r;

	e->skel = enforcer_bpf__open();
	if (!e->skel) {
		r = -errno;
		snprintf(msg, size, "cannot open the embedded BPF object: %s", strerror(-r));
		return r;
	}
	r = enforcer_bpf__load(e->skel);
	if (r < 0) {
		support_explain_load(&sr, -r, msg, size);
		goto fail;
	}
	e->attachments_fd = bpf_map__fd(e->skel->maps.attachments);
	e->profiles_fd = bpf_map__fd(e->skel->maps.profiles);
	e->path_trie_fd = bpf_map__fd(e->skel->maps.path_trie);
	e->settings_fd = bpf_map__fd(e->skel->maps.settings);
	e->stats_fd = bpf_map__fd(e->skel->maps.stats);
	e->events_fd = bpf_map__fd(e->skel->maps.events);
	if (bpf_map_update_elem(e->settings_fd, &zero, &cfg, BPF_ANY) < 0) {
		r = -errno;
		snprintf(msg, size, "cannot initialise the settings map: %s", strerror(-r));
		goto fail;
	}
	r = enforcer_bpf__attach(e->skel);
	if (r < 0) {
		snprintf(msg, size, "the BPF-LSM programs loaded but could not be attached: %s. "
			 "Check that \"bpf\" is in /sys/kernel/security/lsm.", strerror(-r));
		goto fail;
	}
	return 0;
fail:
	engine_stop(e);
	return r;
}

void engine_stop(struct engine *e)
{
	enforcer_bpf__destroy(e->skel); /* accepts NULL */
	e->skel = NULL;
}

int engine_stat(const struct engine *e, enum enf_stat which, uint64_t *ret)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key = which;
	uint64_t sum = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	{
		uint64_t vals[ncpu];

		if (bpf_map_lookup_elem(e->stats_fd, &key, vals) < 0)
			return -errno;
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
	}
	*ret = sum;
	return 0;
}
