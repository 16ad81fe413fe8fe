// SPDX-License-Identifier: GPL-2.0-only
/* Which executables are the service manager's (service_manager.h). */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "service_manager.h"
#include "util.h"

#define DELETED_SUFFIX " (deleted)"

int service_manager_spec_valid(const char *spec, char *err, size_t errlen)
{
	const char *p = spec;

	if (!strcmp(spec, "auto") || !strcmp(spec, "none"))
		return 0;
	for (size_t n = 1;; n++) {
		size_t len = strcspn(p, ":");

		if (p[0] != '/' || len == 1 || len >= PATH_MAX || n > SERVICE_MANAGER_MAX) {
			snprintf(err, errlen, "--service-manager '%s': expected auto, none or up to %d absolute paths "
				 "separated by ':'", spec, SERVICE_MANAGER_MAX);
			return -EINVAL;
		}
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* Whether the magic link at path (a /proc/1/... entry) names a file called name, deleted or not. */
static bool link_names(const char *path, const char *name)
{
	char target[PATH_MAX];
	ssize_t len = readlink(path, target, sizeof(target) - 1);
	size_t suffix = strlen(DELETED_SUFFIX);
	const char *base;

	if (len <= 0)
		return false;
	target[len] = 0;
	/* An upgrade replaced the file while the manager runs the old one: the old inode is what runs. */
	if ((size_t)len > suffix && !strcmp(target + len - suffix, DELETED_SUFFIX))
		target[len - suffix] = 0;
	base = strrchr(target, '/');
	return base && !strcmp(base + 1, name);
}

static size_t add_path(char paths[][PATH_MAX], size_t n, size_t max, const char *path)
{
	if (n >= max)
		return n;
	snprintf(paths[n], PATH_MAX, "%s", path);
	return n + 1;
}

/*
 * PID 1 when it is systemd: its executable, and systemd-executor as PID 1
 * holds it open (it execs that descriptor, so an upgrade that replaced the
 * file on disk changes nothing until PID 1 re-executes) or, before 255
 * had none, as installed.
 */
static size_t systemd_paths(char paths[][PATH_MAX], size_t max)
{
	_cleanup_closedir_ DIR *fds = NULL;
	struct dirent *de;
	size_t n = 0;
	bool executor = false;

	if (!link_names("/proc/1/exe", "systemd"))
		return 0;
	n = add_path(paths, n, max, "/proc/1/exe");
	fds = opendir("/proc/1/fd");
	while (fds && (de = readdir(fds))) {
		char path[sizeof("/proc/1/fd/") + sizeof(de->d_name)];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/1/fd/%s", de->d_name);
		if (link_names(path, "systemd-executor")) {
			n = add_path(paths, n, max, path);
			executor = true;
		}
	}
	if (!executor) {
		if (access("/usr/lib/systemd/systemd-executor", F_OK) == 0)
			n = add_path(paths, n, max, "/usr/lib/systemd/systemd-executor");
	}
	return n;
}

/*
 * The OCI runtimes whose process prepares a container in its cgroup after
 * the OCI hook attached it (mounts, pivot_root, then exec of the
 * entrypoint), as PID 1 sees them: the daemon may run in a container of
 * its own (a DaemonSet) whose /usr is not the host's. crun's container
 * process is crun itself until that exec. runc's is a copy of runc in a
 * memfd (its CVE-2019-5736 defence) that no file's identity names, so a
 * container run by runc must not be attached before its entrypoint
 * (docs/containers.md).
 */
static size_t runtime_paths(char paths[][PATH_MAX], size_t n, size_t max)
{
	static const char *const runtimes[] = { "/usr/bin/crun", "/usr/local/bin/crun", "/usr/sbin/runc",
						"/usr/bin/runc" };

	for (size_t i = 0; i < ARRAY_SIZE(runtimes); i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "/proc/1/root%s", runtimes[i]);
		if (access(path, X_OK) == 0)
			n = add_path(paths, n, max, path);
	}
	return n;
}

size_t service_manager_paths(const char *spec, char paths[][PATH_MAX], enum enf_self_kind kinds[], size_t max)
{
	const char *p = spec;
	size_t n = 0, systemd;

	if (!strcmp(spec, "none"))
		return 0;
	if (!strcmp(spec, "auto")) {
		systemd = systemd_paths(paths, max);
		n = runtime_paths(paths, systemd, max);
		for (size_t i = 0; i < n; i++)
			kinds[i] = i >= systemd ? ENF_SELF_RUNTIME : ENF_SELF_MANAGER;
		return n;
	}
	while (*p && n < max) {
		size_t len = strcspn(p, ":");

		kinds[n] = ENF_SELF_MANAGER;
		snprintf(paths[n++], PATH_MAX, "%.*s", (int)len, p);
		if (!p[len])
			break;
		p += len + 1;
	}
	return n;
}

bool service_manager_moved(const char *spec, struct service_manager_seen *seen)
{
	struct stat st;
	bool moved;

	if (strcmp(spec, "auto") || stat("/proc/1/exe", &st) < 0)
		return false;
	moved = seen->known && (st.st_dev != seen->dev || st.st_ino != seen->ino);
	*seen = (struct service_manager_seen){ .known = true, .dev = st.st_dev, .ino = st.st_ino };
	return moved;
}
