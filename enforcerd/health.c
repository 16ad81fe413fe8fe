// SPDX-License-Identifier: GPL-2.0-only
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "engine.h"
#include "enforcer.skel.h"
#include "health.h"
#include "metrics_prometheus.h"
#include "util.h"

/* Read at every scrape: the list cannot change while booted, but securityfs may be unmounted. */
static bool bpf_lsm_active(void)
{
	char buf[512] = "", *tok, *save = NULL;
	FILE *f = fopen("/sys/kernel/security/lsm", "re");
	bool found = false;

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	for (tok = strtok_r(buf, ",", &save); tok && !found; tok = strtok_r(NULL, ",", &save))
		found = strcmp(tok, "bpf") == 0;
	return found;
}

/*
 * A program is attached when its link is pinned and the link still points
 * at a program (a detached link reports prog_id 0). Where the link cannot
 * be opened to ask, the pin alone speaks for it: a pinned link holds its
 * attachment until it is detached or unpinned.
 */
static bool link_attached(const char *path)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	struct stat st;
	_cleanup_close_ int fd = -1;

	if (stat(path, &st) < 0)
		return false;
	fd = bpf_obj_get(path);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		return true;
	return info.prog_id != 0;
}

void health_metrics(const struct engine *e, json_t *arr)
{
	unsigned long long progs = 0, attached = 0, maps = 0, pins = 0;
	struct bpf_program *prog;
	struct bpf_map *map;
	char path[4096];
	struct stat st;

	metrics_add(arr, "enforcer_up", "gauge", "1 while the daemon answers", 1, NULL);
	metrics_add(arr, "enforcer_bpf_lsm_active", "gauge", "1 when \"bpf\" is in /sys/kernel/security/lsm",
		    bpf_lsm_active(), NULL);
	if (!e->skel)
		return;
	engine_for_each_loaded_program(prog, e) {
		progs++;
		snprintf(path, sizeof(path), "%s/links/%s", e->pin_dir, bpf_program__name(prog));
		attached += link_attached(path);
		pins += stat(path, &st) == 0;
	}
	bpf_object__for_each_map(map, e->skel->obj) {
		if (bpf_map__is_internal(map))
			continue;
		maps++;
		snprintf(path, sizeof(path), "%s/maps/%s", e->pin_dir, bpf_map__name(map));
		pins += stat(path, &st) == 0;
	}
	metrics_add(arr, "enforcer_programs_expected", "gauge", "BPF-LSM programs of this build for hooks this kernel has", progs, NULL);
	metrics_add(arr, "enforcer_programs_attached", "gauge", "programs of this build whose pinned link is attached",
		    attached, NULL);
	metrics_add(arr, "enforcer_pins_expected", "gauge", "pins this build keeps (one link per program, one per map)",
		    progs + maps, NULL);
	metrics_add(arr, "enforcer_pins_present", "gauge", "of those, present under the pin directory", pins, NULL);
}
