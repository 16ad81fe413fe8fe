// SPDX-License-Identifier: GPL-2.0-only
/* enforcerctl run: a command in a fresh cgroup under a profile. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "cgroup.h"
#include "enforcerctl.h"
#include "print.h"
#include "protocol.h"
#include "support.h"
#include "time_arg.h"
#include "util.h"
#include "vocab.h"

/* ---- run ---------------------------------------------------------------- */

static pid_t run_child = -1;

static void forward_signal(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

static int write_str(const char *path, const char *s)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return write_all(fd, s, strlen(s));
}

static bool cgroup_populated(const char *cg)
{
	char path[4200], buf[256];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/cgroup.events", cg);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = 0;
	return strstr(buf, "populated 1") != NULL;
}

/* Kill what is left in the cgroup, wait until it is empty, then detach and remove it. */
static void run_cleanup(const struct ctl *ctl, const char *cg)
{
	char path[4200];
	json_t *reply = NULL;

	snprintf(path, sizeof(path), "%s/cgroup.kill", cg);
	if (cgroup_populated(cg))
		(void)write_str(path, "1");
	for (int i = 0; i < 500 && cgroup_populated(cg); i++)
		usleep(10000);
	/* Detach only once no process is left that could run unconfined. */
	if (call(ctl, json_pack("{s:s, s:s}", "cmd", "detach", "cgroup", cg), -1, &reply) == 0) {
		if (!json_is_true(json_object_get(reply, "ok")))
			fprintf(stderr, "%s: warning: %s\n", prog, str_of(reply, "error"));
		json_decref(reply);
	}
	if (rmdir(cg) < 0)
		fprintf(stderr, "%s: warning: cannot remove %s: %s\n", prog, cg, strerror(errno));
}

int cmd_run(struct ctl *ctl, int argc, char **argv)
{
	const char *profile = NULL;
	char root[4096], parent[4200], cg[4300], procs[4400];
	json_t *reply = NULL;
	int i, r, status;
	struct sigaction sa = { .sa_handler = forward_signal };

	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			profile = argv[++i];
		else
			return usage_error("run: unexpected argument '%s'\nusage: enforcerctl run --profile PROFILE -- CMD [ARGS...]", argv[i]) + EXIT_RUN_SELF - EXIT_USAGE;
	}
	if (!profile || i >= argc - 1) {
		usage_error("usage: enforcerctl run --profile PROFILE -- CMD [ARGS...]");
		return EXIT_RUN_SELF;
	}
	argv += i + 1;

	r = cgroup2_mount_root(root, sizeof(root));
	if (r < 0) {
		fprintf(stderr, "%s: run: no cgroup2 file system is mounted (mount -t cgroup2 none /sys/fs/cgroup)\n", prog);
		return EXIT_RUN_SELF;
	}
	snprintf(parent, sizeof(parent), "%s/enforcer.run", root);
	if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "%s: run: cannot create %s: %s\n", prog, parent, strerror(errno));
		return EXIT_RUN_SELF;
	}
	for (int n = 0;; n++) {
		snprintf(cg, sizeof(cg), "%s/run-%d-%d", parent, (int)getpid(), n);
		if (mkdir(cg, 0755) == 0)
			break;
		if (errno != EEXIST || n > 100) {
			fprintf(stderr, "%s: run: cannot create cgroup %s: %s\n", prog, cg, strerror(errno));
			return EXIT_RUN_SELF;
		}
	}

	/* The profile is in force on the cgroup before any process enters it. */
	r = call(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "attach", "profile", profile, "cgroup", cg), -1, &reply);
	if (r == 0)
		r = reply_status(ctl, reply);
	json_decref(reply);
	if (r) {
		rmdir(cg);
		return EXIT_RUN_SELF;
	}

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	fflush(NULL);
	run_child = fork();
	if (run_child < 0) {
		fprintf(stderr, "%s: run: fork: %s\n", prog, strerror(errno));
		run_cleanup(ctl, cg);
		return EXIT_RUN_SELF;
	}
	if (run_child == 0) {
		r = write_str(procs, "0");
		if (r < 0) {
			fprintf(stderr, "%s: run: cannot enter %s: %s\n", prog, cg, strerror(-r));
			_exit(EXIT_RUN_SELF);
		}
		execvp(argv[0], argv);
		r = errno;
		fprintf(stderr, "%s: run: cannot execute %s: %s\n", prog, argv[0], strerror(r));
		_exit(r == ENOENT ? 127 : 126);
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (waitpid(run_child, &status, 0) < 0) {
		if (errno != EINTR) {
			status = EXIT_RUN_SELF << 8;
			break;
		}
	}
	run_cleanup(ctl, cg);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_RUN_SELF;
}
