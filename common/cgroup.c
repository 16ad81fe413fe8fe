// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <dirent.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Mount point and root (within the file system) of the cgroup2 mount, from mountinfo. */
static int cgroup2_mount(char *mnt, size_t mnt_size, char *root, size_t root_size)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (r < 0 && fgets(line, sizeof(line), f)) {
		/* "id parent maj:min root mountpoint opts ... - cgroup2 src opts" */
		char *field[5], *save = NULL, *p = line;

		if (!strstr(line, " - cgroup2 "))
			continue;
		for (int i = 0; i < 5; i++, p = NULL)
			field[i] = strtok_r(p, " ", &save);
		if (!field[4])
			continue;
		snprintf(mnt, mnt_size, "%s", field[4]);
		snprintf(root, root_size, "%s", field[3]);
		r = 0;
	}
	fclose(f);
	return r;
}

int cgroup2_mount_root(char *buf, size_t size)
{
	char root[PATH_MAX];

	return cgroup2_mount(buf, size, root, sizeof(root));
}

int cgroup_kernel_path(const char *abs, char *out, size_t size, uint32_t *ret_level)
{
	char mnt[PATH_MAX], root[PATH_MAX];
	const char *rel;
	uint32_t level = 0;
	size_t n;
	int r, w;

	r = cgroup2_mount(mnt, sizeof(mnt), root, sizeof(root));
	if (r < 0)
		return r;
	n = strcmp(mnt, "/") == 0 ? 0 : strlen(mnt);
	if (strncmp(abs, mnt, n) != 0 || (abs[n] != '/' && abs[n] != 0))
		return -EINVAL;
	rel = abs + n;
	while (*rel == '/')
		rel++;
	/* root is "/" or "/a/b" (mountinfo escapes spaces as \040: such roots are not supported) */
	w = snprintf(out, size, "%s%s%s", strcmp(root, "/") == 0 ? "" : root, "/", rel);
	if (w < 0 || (size_t)w >= size)
		return -ENAMETOOLONG;
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = 0;
	for (const char *p = out; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			level++;
	*ret_level = level;
	return 0;
}

struct ns_scan {
	uint64_t own_ns;
	uint64_t seen[CGROUP_MAX_NAMESPACES];
	int *pids;
	size_t max, n;
	unsigned int depth;
};

static int mnt_ns_of(int pid, uint64_t *ret_ino)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", pid);
	if (stat(path, &st) < 0)
		return -errno;
	*ret_ino = st.st_ino;
	return 0;
}

static void scan_cgroup(struct ns_scan *s, int dirfd)
{
	_cleanup_close_ int procs = openat(dirfd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	size_t len;
	DIR *d;
	struct dirent *de;

	if (procs >= 0 && read_fd_all(procs, 1 << 20, &buf, &len) == 0) {
		for (char *line = buf, *next; line && *line && s->n < s->max; line = next) {
			int pid = atoi(line);
			uint64_t ns;
			size_t k;

			next = strchr(line, '\n');
			if (next)
				next++;
			if (pid <= 0 || mnt_ns_of(pid, &ns) < 0 || ns == s->own_ns)
				continue;
			for (k = 0; k < s->n && s->seen[k] != ns; k++)
				;
			if (k == s->n) {
				s->seen[s->n] = ns;
				s->pids[s->n++] = pid;
			}
		}
	}
	if (s->depth >= 64 || s->n >= s->max)
		return;
	d = fdopendir(dup(dirfd));
	if (!d)
		return;
	s->depth++;
	while ((de = readdir(d)) && s->n < s->max) {
		_cleanup_close_ int sub = -1;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sub >= 0)
			scan_cgroup(s, sub);
	}
	s->depth--;
	closedir(d);
}

int cgroup_foreign_mount_namespaces(const char *cgroup_dir, int *pids, size_t max, size_t *ret_n)
{
	struct ns_scan s = { .pids = pids, .max = max < CGROUP_MAX_NAMESPACES ? max : CGROUP_MAX_NAMESPACES };
	_cleanup_close_ int fd = -1;
	int r;

	r = mnt_ns_of(getpid(), &s.own_ns);
	if (r < 0)
		return r;
	fd = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	scan_cgroup(&s, fd);
	*ret_n = s.n;
	return 0;
}

const char *cgroup_relative(const char *root, const char *abs)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return abs[0] == '/' ? abs + 1 : NULL;
	if (strncmp(abs, root, n) != 0 || (abs[n] != '/' && abs[n] != 0))
		return NULL;
	return abs[n] ? abs + n + 1 : abs + n;
}

int cgroup_check_not_daemon(const char *daemon_cgroup, const char *cgroup, char *msg, size_t size)
{
	size_t n = strlen(cgroup);

	while (n > 1 && cgroup[n - 1] == '/')
		n--;
	if (!daemon_cgroup[0] || strncmp(daemon_cgroup, cgroup, n) != 0 ||
	    (daemon_cgroup[n] != 0 && daemon_cgroup[n] != '/'))
		return 0;
	snprintf(msg, size, "attaching %.*s would confine enforcerd itself (it runs in %s) and every admin shell "
		 "beside it, and the control socket refuses confined peers: attach a cgroup that does not contain "
		 "the daemon, or run enforcerd in a cgroup of its own", (int)n, cgroup, daemon_cgroup);
	return -EPERM;
}

int cgroup_of_pid(int pid, char *out, size_t size)
{
	char path[64], line[PATH_MAX + 8];
	_cleanup_fclose_ FILE *f = NULL;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/cgroup");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = 0;
		if (strlen(line + 3) >= size)
			return -ENAMETOOLONG;
		memcpy(out, line + 3, strlen(line + 3) + 1);
		return 0;
	}
	return -ENOENT;
}
