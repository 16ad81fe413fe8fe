// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inode_id.h"
#include "util.h"

struct mount_dev {
	uint64_t mnt_id;
	uint64_t dev; /* kernel encoding */
};

struct mount_devs {
	struct mount_dev *v;
	size_t n;
};

static uint64_t kernel_dev(unsigned int maj, unsigned int min)
{
	return ((uint64_t)maj << 20) | min;
}

void mount_devs_free(struct mount_devs *m)
{
	if (!m)
		return;
	free(m->v);
	free(m);
}

static inline void mount_devs_freep(struct mount_devs **m)
{
	mount_devs_free(*m);
}

static int mount_devs_read_from(const char *mountinfo, struct mount_devs **ret)
{
	_cleanup_fclose_ FILE *f = fopen(mountinfo, "re");
	struct mount_devs *m _cleanup_(mount_devs_freep) = NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0, len = 0;

	if (!f)
		return -errno;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	while (getline(&line, &len, f) >= 0) {
		uint64_t id, parent;
		unsigned int maj, min;

		/* "ID PARENT MAJOR:MINOR ROOT MOUNTPOINT ...": the device is the superblock's. */
		if (sscanf(line, "%" SCNu64 " %" SCNu64 " %u:%u", &id, &parent, &maj, &min) != 4)
			continue;
		if (m->n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct mount_dev *nv = realloc(m->v, ncap * sizeof(*nv));

			if (!nv)
				return -ENOMEM;
			m->v = nv;
			cap = ncap;
		}
		m->v[m->n++] = (struct mount_dev){ .mnt_id = id, .dev = kernel_dev(maj, min) };
	}
	*ret = TAKE_PTR(m);
	return 0;
}

int mount_devs_read(struct mount_devs **ret)
{
	return mount_devs_read_from("/proc/self/mountinfo", ret);
}

static int mount_dev_of(const struct mount_devs *m, uint64_t mnt_id, uint64_t *ret_dev)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].mnt_id == mnt_id) {
			*ret_dev = m->v[i].dev;
			return 0;
		}
	}
	return -ENOENT;
}

int inode_identity(struct mount_devs *m, const char *path, uint64_t *ret_dev, uint64_t *ret_ino)
{
	struct mount_devs *fresh _cleanup_(mount_devs_freep) = NULL;
	struct statx stx;
	int r;

	if (statx(AT_FDCWD, path, 0, STATX_INO | STATX_MNT_ID, &stx) < 0)
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID)) {
		/* Before Linux 5.8 there is no mount id: st_dev is the best there is. */
		*ret_dev = kernel_dev(stx.stx_dev_major, stx.stx_dev_minor);
		*ret_ino = stx.stx_ino;
		return 0;
	}
	if (!m || mount_dev_of(m, stx.stx_mnt_id, ret_dev) < 0) {
		r = mount_devs_read(&fresh);
		if (r < 0)
			return r;
		r = mount_dev_of(fresh, stx.stx_mnt_id, ret_dev);
		if (r < 0)
			return r; /* unmounted meanwhile: no identity to give */
	}
	*ret_ino = stx.stx_ino;
	return 0;
}

struct ns_view {
	int root_fd;              /* /proc/PID/root: that task's root directory */
	struct mount_devs *mounts; /* /proc/PID/mountinfo */
};

void ns_view_free(struct ns_view *v)
{
	if (!v)
		return;
	if (v->root_fd >= 0)
		close(v->root_fd);
	mount_devs_free(v->mounts);
	free(v);
}

int inode_identity_in(int pid, const char *path, uint64_t *ret_dev, uint64_t *ret_ino)
{
	struct mount_devs *m _cleanup_(mount_devs_freep) = NULL;
	char mountinfo[64];
	int r;

	snprintf(mountinfo, sizeof(mountinfo), "/proc/%d/mountinfo", pid);
	r = mount_devs_read_from(mountinfo, &m);
	if (r < 0)
		return r;
	/* Mount ids are unique system-wide: one not in pid's mounts is in none inode_identity() reads. */
	return inode_identity(m, path, ret_dev, ret_ino);
}

static inline void ns_view_freep(struct ns_view **v)
{
	ns_view_free(*v);
}

int ns_view_open(int pid, struct ns_view **ret)
{
	struct ns_view *v _cleanup_(ns_view_freep) = NULL;
	char path[64];
	int r;

	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	v->root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->root_fd < 0)
		return -errno;
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
	r = mount_devs_read_from(path, &v->mounts);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(v);
	return 0;
}

int ns_view_identity(const struct ns_view *v, const char *path, uint64_t *ret_dev, uint64_t *ret_ino)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		/* As the view's tasks resolve it: ".." and absolute symlinks stop at their root. */
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	_cleanup_close_ int fd = -1;
	struct statx stx;

	while (*path == '/')
		path++;
	fd = (int)syscall(SYS_openat2, v->root_fd, *path ? path : ".", &how, sizeof(how));
	if (fd < 0)
		return -errno;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &stx) < 0)
		return -errno;
	if (!(stx.stx_mask & STATX_MNT_ID))
		return -EOPNOTSUPP;
	*ret_ino = stx.stx_ino;
	return mount_dev_of(v->mounts, stx.stx_mnt_id, ret_dev);
}
