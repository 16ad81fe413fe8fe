// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "cgroup.h"
#include "util.h"

int cgroup_id_of(const char *path, uint64_t *ret_id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh.handle_bytes = sizeof(uint64_t) };
	int mount_id;

	/* On cgroup2 the file handle is the kernfs node id, which is the cgroup id. */
	if (name_to_handle_at(AT_FDCWD, path, &h.fh, &mount_id, 0) < 0)
		return -errno;
	memcpy(ret_id, h.fh.f_handle, sizeof(*ret_id));
	return 0;
}

static bool on_cgroup2(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC;
}

int cgroup_resolve(const char *path, char **ret_canonical, uint64_t *ret_id, uint32_t *ret_level,
		   char *msg, size_t size)
{
	_cleanup_free_ char *canon = NULL;
	uint32_t level = 0;
	char up[PATH_MAX];
	int r;

	canon = realpath(path, NULL);
	if (!canon) {
		r = -errno;
		if (r == -ENOENT)
			snprintf(msg, size, "no such cgroup: %s (create it with mkdir under the cgroup2 mount, or check the path)", path);
		else
			snprintf(msg, size, "cannot resolve cgroup path %s: %s", path, strerror(-r));
		return r;
	}
	if (!on_cgroup2(canon)) {
		snprintf(msg, size, "%s is not a cgroup v2 directory: give a directory under the cgroup2 mount "
			 "(usually /sys/fs/cgroup; cgroup v1 is not supported)", canon);
		return -ENOTDIR;
	}
	r = cgroup_id_of(canon, ret_id);
	if (r < 0) {
		snprintf(msg, size, "cannot read the cgroup id of %s: %s", canon, strerror(-r));
		return r;
	}
	/* Depth below the mount: climb while the parent is still cgroup2. */
	snprintf(up, sizeof(up), "%s", canon);
	for (;;) {
		char *slash = strrchr(up, '/');

		if (!slash || slash == up)
			break;
		*slash = 0;
		if (!on_cgroup2(up))
			break;
		level++;
	}
	*ret_level = level;
	*ret_canonical = TAKE_PTR(canon);
	return 0;
}

int cgroup2_mount_root(char *buf, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (r < 0 && fgets(line, sizeof(line), f)) {
		/* "... mountpoint opts ... - cgroup2 src opts": field 5 is the mount point. */
		char *sep = strstr(line, " - cgroup2 "), *mnt = line;

		if (!sep)
			continue;
		for (int i = 0; i < 4 && mnt; i++)
			mnt = strchr(mnt, ' ') ? strchr(mnt, ' ') + 1 : NULL;
		if (mnt && strchr(mnt, ' ')) {
			*strchr(mnt, ' ') = 0;
			snprintf(buf, size, "%s", mnt);
			r = 0;
		}
	}
	fclose(f);
	return r;
}
