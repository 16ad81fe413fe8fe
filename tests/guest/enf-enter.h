/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Leading options of the guest probes (enf-probe, enf-net, enf-baseline), for tests of
 * what code running *inside* a confined workload can do, and the control
 * beside it: the probe is executed unconfined, then, before its one
 * operation, it
 *
 *   --payload FILE     reads FILE into memory (a "downloaded" binary for
 *                      enf-probe's drop; read before confinement, so the
 *                      profile's read rules do not decide it)
 *   --cgroup DIR       moves itself into cgroup DIR (writes its pid to
 *                      DIR/cgroup.procs), as a task of the workload
 *   --as UID:GID       becomes UID:GID with no supplementary groups (numbers:
 *                      looking names up would read /etc/passwd inside)
 *
 * in that order. Options not given are not done. The probe's own exec was
 * decided outside the cgroup, so what the profile decides is the operation.
 */
#ifndef ENF_ENTER_H
#define ENF_ENTER_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *enter_payload;
static size_t enter_payload_len;

static inline int enter_read_payload(const char *path)
{
	size_t cap = 1 << 16;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !(enter_payload = malloc(cap)))
		return -1;
	while ((n = read(fd, enter_payload + enter_payload_len, cap - enter_payload_len)) > 0) {
		enter_payload_len += (size_t)n;
		if (enter_payload_len == cap) {
			char *p = realloc(enter_payload, cap *= 2);
			if (!p)
				return -1;
			enter_payload = p;
		}
	}
	close(fd);
	return n < 0 ? -1 : 0;
}

static inline int enter_cgroup(const char *dir)
{
	char path[4096], pid[32];
	int fd, len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, pid, (size_t)len) != len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/*
 * Consume the leading options of argv (argv[0] is the program): on return
 * argv[1] is the operation. Exits 2 on a usage error, 125 when a step
 * failed (the probe never ran its operation).
 */
static inline void enter_options(int *argc, char ***argv)
{
	const char *payload = NULL, *cgroup = NULL, *as = NULL;

	while (*argc >= 3 && strncmp((*argv)[1], "--", 2) == 0) {
		const char *opt = (*argv)[1], *val = (*argv)[2];

		if (strcmp(opt, "--payload") == 0)
			payload = val;
		else if (strcmp(opt, "--cgroup") == 0)
			cgroup = val;
		else if (strcmp(opt, "--as") == 0)
			as = val;
		else
			break;
		(*argv)[2] = (*argv)[0];
		*argv += 2;
		*argc -= 2;
	}
	if (payload && enter_read_payload(payload) < 0) {
		fprintf(stderr, "--payload %s: %s\n", payload, strerror(errno));
		exit(125);
	}
	if (cgroup && enter_cgroup(cgroup) < 0) {
		fprintf(stderr, "--cgroup %s: %s\n", cgroup, strerror(errno));
		exit(125);
	}
	if (as) {
		unsigned uid, gid;
		if (sscanf(as, "%u:%u", &uid, &gid) != 2) {
			fprintf(stderr, "--as takes UID:GID (numbers), found %s\n", as);
			exit(2);
		}
		if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
			fprintf(stderr, "--as %s: %s\n", as, strerror(errno));
			exit(125);
		}
	}
}

#endif /* ENF_ENTER_H */
