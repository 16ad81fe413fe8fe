// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-asuser UID GID CMD [ARGS...]: run CMD as another user, with no
 * supplementary groups (busybox has no setpriv --reuid). For tests of what
 * a non-root user may ask the daemon.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	gid_t gid;

	if (argc < 4) {
		fprintf(stderr, "usage: enf-asuser UID GID CMD [ARGS...]\n");
		return 2;
	}
	gid = (gid_t)atoi(argv[2]);
	if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid((uid_t)atoi(argv[1])) < 0) {
		perror("enf-asuser");
		return 125;
	}
	execvp(argv[3], argv + 3);
	perror("enf-asuser: exec");
	return 127;
}
