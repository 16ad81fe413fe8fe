// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cgroup_names.h"
#include "util.h"

/* Kernfs file handles: type FILEID_KERNFS, the 64-bit node id as the handle. */
#define FILEID_KERNFS 0xfe

int cgroup_names_open(struct cgroup_names *n)
{
	int r;

	memset(n, 0, sizeof(*n));
	n->root_fd = -1;
	r = cgroup2_mount_root(n->root, sizeof(n->root));
	if (r < 0)
		return r;
	/* A real open, not O_PATH: open_by_handle_at refuses O_PATH mount fds. */
	n->root_fd = open(n->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return n->root_fd < 0 ? -errno : 0;
}

void cgroup_names_close(struct cgroup_names *n)
{
	for (size_t i = 0; i < CGROUP_NAMES_CACHE; i++)
		free(n->cache[i].path);
	if (n->root_fd >= 0)
		close(n->root_fd);
	memset(n, 0, sizeof(*n));
	n->root_fd = -1;
}

/* The path by handle, relative to the mount; NULL when the cgroup is gone or unreachable. */
static char *resolve(const struct cgroup_names *n, uint64_t id)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h = { .fh = { .handle_bytes = sizeof(uint64_t), .handle_type = FILEID_KERNFS } };
	_cleanup_close_ int fd = -1;
	char link[64], target[4096];
	size_t rootlen = strlen(n->root);
	ssize_t len;

	/* The id follows the header directly: f_handle is a flexible array. */
	_Static_assert(offsetof(typeof(h), id) == sizeof(struct file_handle), "handle layout");
	h.id = id;
	fd = open_by_handle_at(n->root_fd, &h.fh, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, target, sizeof(target) - 1);
	if (len < 0)
		return NULL;
	target[len] = 0;
	if (strncmp(target, n->root, rootlen) != 0 || (target[rootlen] != '/' && target[rootlen] != 0))
		return NULL; /* outside our view of the hierarchy (another namespace) */
	return strdup(target[rootlen] ? target + rootlen : "/");
}

const char *cgroup_names_get(struct cgroup_names *n, uint64_t id)
{
	size_t slot = (size_t)(id * 0x9e3779b97f4a7c15ULL >> 32) % CGROUP_NAMES_CACHE;

	if (n->root_fd < 0 || id == 0)
		return NULL;
	n->lookups++;
	if (n->cache[slot].id == id)
		return n->cache[slot].path;
	n->misses++;
	free(n->cache[slot].path);
	n->cache[slot].id = id;
	n->cache[slot].path = resolve(n, id);
	return n->cache[slot].path;
}
