// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-flood: many denied operations from several processes, counted
 * exactly, for the event flood test (tests/integration/61-event-flood.sh).
 *
 *   enf-flood --procs N --ops TOTAL [--nice N] [--ready FILE] PATH
 *
 * Forks N processes that together open(PATH, O_RDONLY) TOTAL times (as
 * evenly as TOTAL divides), each in a tight loop, and prints one line:
 *   ops=TOTAL eperm=N ok=N other=N seconds=S
 * eperm counts opens that failed with EPERM; ok those that succeeded;
 * other any other outcome. Exit 0 when the counts add up to TOTAL, else 1.
 * --ready FILE is created once every process is running (the test starts
 * its measurements then). --nice N: the processes run at that niceness.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct counts {
	unsigned long eperm, ok, other;
};

static void flood(const char *path, unsigned long ops, struct counts *c)
{
	for (unsigned long i = 0; i < ops; i++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			c->ok++;
			close(fd);
		} else if (errno == EPERM) {
			c->eperm++;
		} else {
			c->other++;
		}
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long procs = 0, total = 0;
	int niceness = 0;
	const char *ready = NULL, *path = NULL;
	struct counts sum = { 0 };
	int pipes[64][2];
	double t0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--procs") == 0 && i + 1 < argc)
			procs = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc)
			total = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--nice") == 0 && i + 1 < argc)
			niceness = atoi(argv[++i]);
		else if (strcmp(argv[i], "--ready") == 0 && i + 1 < argc)
			ready = argv[++i];
		else if (argv[i][0] != '-' && !path)
			path = argv[i];
		else
			goto usage;
	}
	if (!path || procs == 0 || procs > 64 || total == 0)
		goto usage;

	t0 = now_s();
	for (unsigned long p = 0; p < procs; p++) {
		unsigned long share = total / procs + (p < total % procs);
		pid_t pid;

		if (pipe(pipes[p]) < 0) {
			perror("enf-flood: pipe");
			return 1;
		}
		pid = fork();
		if (pid < 0) {
			perror("enf-flood: fork");
			return 1;
		}
		if (pid == 0) {
			struct counts c = { 0 };

			close(pipes[p][0]);
			errno = 0;
			if (niceness && nice(niceness) == -1 && errno) {
				perror("enf-flood: nice");
				_exit(1);
			}
			flood(path, share, &c);
			if (write(pipes[p][1], &c, sizeof(c)) != sizeof(c))
				_exit(1);
			_exit(0);
		}
		close(pipes[p][1]);
	}
	if (ready)
		close(open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	for (unsigned long p = 0; p < procs; p++) {
		struct counts c;

		if (read(pipes[p][0], &c, sizeof(c)) != sizeof(c)) {
			fprintf(stderr, "enf-flood: process %lu did not report\n", p);
			return 1;
		}
		sum.eperm += c.eperm;
		sum.ok += c.ok;
		sum.other += c.other;
	}
	while (wait(NULL) > 0)
		;
	printf("ops=%lu eperm=%lu ok=%lu other=%lu seconds=%.1f\n", total, sum.eperm, sum.ok, sum.other,
	       now_s() - t0);
	return sum.eperm + sum.ok + sum.other == total ? 0 : 1;
usage:
	fprintf(stderr, "usage: enf-flood --procs N(1-64) --ops TOTAL [--nice N] [--ready FILE] PATH\n");
	return 2;
}
