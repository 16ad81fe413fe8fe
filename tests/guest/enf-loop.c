// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-loop: a workload for the lifecycle tests. Runs its operations round
 * robin, as fast as it can, until a stop file appears (or a time limit),
 * and counts each operation's outcomes. Faster and steadier than a shell
 * loop under TCG, and it never stops to think: a gap in enforcement while
 * the daemon restarts or an edit is switched in would show up as a count.
 *
 *   enf-loop --out FILE [--stop FILE] [--seconds N] [--ready FILE] [--mark FILE] [--pause-us N] OP...
 *     OP = exec:PATH    fork, execv PATH, wait; "ok" when it ran
 *          open:PATH:r|w open the file
 *
 * FILE gets one line per operation, written at the end (and on SIGTERM):
 *   OP ok=N eperm=N other=N
 * --until-denied stops at the first denial and adds "first-denial-at=T" (the
 * boot-time clock, as /proc/uptime) to the first operation's line: how long
 * a new cgroup ran unconfined before a selector reached it.
 * --mark FILE: outcomes of the rounds that start once FILE exists are also
 * counted apart ("marked-ok=N marked-eperm=N marked-other=N"): a test
 * creates FILE when an edit has returned, and every later operation must
 * see the edit.
 * --ready FILE is created once every operation has run once. --pause-us N
 * sleeps between rounds, so a workload on one emulated CPU leaves time for
 * the edits it races with.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_OPS 16

struct op {
	const char *text;
	char kind;          /* 'x' exec, 'r' open read, 'w' open write */
	const char *path;
	unsigned long ok, eperm, other;
	unsigned long m_ok, m_eperm, m_other;   /* after the mark */
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int run_exec(const char *path)
{
	int pipefd[2], err = 0, status;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return errno;
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (pid == 0) {
		char *argv[] = { (char *)path, NULL };
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull >= 0)
			dup2(devnull, STDOUT_FILENO);
		execv(path, argv);
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return err;
}

static int run_open(const char *path, char how)
{
	int fd = open(path, (how == 'w' ? O_WRONLY : O_RDONLY) | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static void write_counts(const char *out, struct op *ops, int n, double first_denial, bool mark)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	f = fopen(tmp, "w");
	if (!f)
		return;
	for (int i = 0; i < n; i++) {
		fprintf(f, "%s ok=%lu eperm=%lu other=%lu", ops[i].text, ops[i].ok, ops[i].eperm, ops[i].other);
		if (mark)
			fprintf(f, " marked-ok=%lu marked-eperm=%lu marked-other=%lu", ops[i].m_ok, ops[i].m_eperm,
				ops[i].m_other);
		if (i == 0 && first_denial)
			fprintf(f, " first-denial-at=%.3f", first_denial);
		fprintf(f, "\n");
	}
	fclose(f);
	rename(tmp, out);
}

int main(int argc, char **argv)
{
	const char *out = NULL, *stop_file = NULL, *ready = NULL, *mark = NULL;
	bool marked = false;
	struct op ops[MAX_OPS];
	int n = 0, seconds = 0, pause_us = 0;
	bool until_denied = false;
	double first_denial = 0;
	struct sigaction sa = { .sa_handler = on_term };
	time_t start = time(NULL);
	unsigned long rounds = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--stop") == 0 && i + 1 < argc) {
			stop_file = argv[++i];
		} else if (strcmp(argv[i], "--mark") == 0 && i + 1 < argc) {
			mark = argv[++i];
		} else if (strcmp(argv[i], "--ready") == 0 && i + 1 < argc) {
			ready = argv[++i];
		} else if (strcmp(argv[i], "--until-denied") == 0) {
			until_denied = true;
		} else if (strcmp(argv[i], "--pause-us") == 0 && i + 1 < argc) {
			pause_us = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			seconds = atoi(argv[++i]);
		} else if (n < MAX_OPS && strncmp(argv[i], "exec:", 5) == 0) {
			ops[n++] = (struct op){ .text = argv[i], .kind = 'x', .path = argv[i] + 5 };
		} else if (n < MAX_OPS && strncmp(argv[i], "open:", 5) == 0 && strlen(argv[i]) > 7 &&
			   argv[i][strlen(argv[i]) - 2] == ':') {
			char *p = strdup(argv[i] + 5);

			p[strlen(p) - 2] = 0;
			ops[n++] = (struct op){ .text = argv[i], .kind = argv[i][strlen(argv[i]) - 1], .path = p };
		} else {
			fprintf(stderr, "usage: enf-loop --out FILE [--stop FILE] [--seconds N] [--ready FILE] [--mark FILE] [--pause-us N] "
				"exec:PATH|open:PATH:r|w ...\n");
			return 2;
		}
	}
	if (!out || n == 0) {
		fprintf(stderr, "enf-loop: --out and at least one operation are required\n");
		return 2;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop) {
		if (mark && !marked)
			marked = access(mark, F_OK) == 0;
		for (int i = 0; i < n && !stop; i++) {
			int err = ops[i].kind == 'x' ? run_exec(ops[i].path) : run_open(ops[i].path, ops[i].kind);

			if (err == 0) {
				ops[i].ok++;
				ops[i].m_ok += marked;
			} else if (err == EPERM || err == EACCES) {
				ops[i].eperm++;
				ops[i].m_eperm += marked;
				if (until_denied && !first_denial) {
					struct timespec ts;

					clock_gettime(CLOCK_BOOTTIME, &ts);
					first_denial = (double)ts.tv_sec + ts.tv_nsec / 1e9;
					stop = 1;
				}
			} else {
				ops[i].other++;
				ops[i].m_other += marked;
			}
		}
		if (++rounds == 1 && ready)
			close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
		if (stop_file && access(stop_file, F_OK) == 0)
			break;
		if (seconds && time(NULL) - start >= seconds)
			break;
		if (pause_us)
			usleep((useconds_t)pause_us);
	}
	write_counts(out, ops, n, first_denial, mark != NULL);
	return 0;
}
