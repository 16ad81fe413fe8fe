// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-probe: performs one operation inside the guest and prints its outcome
 * as one word: "ok" or the errno name (EPERM, EACCES, ...). Integration
 * tests compare that word, so a denial is told apart from any other failure.
 *
 *   enf-probe exec PATH [ARGS...]   execv PATH in a child; "ok" once it has run
 *   enf-probe open PATH r|w|a|t     open for read, write, append or truncate
 *   (no arguments)                  print "ran NAME" and exit 0: copies of this
 *                                   binary serve as stand-in programs
 *
 * Exit status: 0 when the operation succeeded, 1 when it failed with errno,
 * 2 on usage errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *errno_name(int e)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { EACCES, "EACCES" }, { ENOENT, "ENOENT" },
		{ ENOEXEC, "ENOEXEC" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { ELOOP, "ELOOP" }, { EINVAL, "EINVAL" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { EXDEV, "EXDEV" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	return "EOTHER";
}

static int report(int err)
{
	if (err == 0) {
		printf("ok\n");
		return 0;
	}
	printf("%s\n", errno_name(err));
	return 1;
}

static int do_exec(char **argv)
{
	int pipefd[2], err = 0, status;
	pid_t pid;

	/* The child reports execv's errno through a close-on-exec pipe. */
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return report(errno);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return report(errno);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull >= 0)
			dup2(devnull, STDOUT_FILENO);
		execv(argv[0], argv);
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &err, sizeof(err)) != sizeof(err))
		err = 0;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	return report(err);
}

static int do_open(const char *path, const char *how)
{
	int flags, fd;

	switch (how[0]) {
	case 'r': flags = O_RDONLY; break;
	case 'w': flags = O_WRONLY; break;
	case 'a': flags = O_WRONLY | O_APPEND; break;
	case 't': flags = O_WRONLY | O_TRUNC; break;
	default:
		fprintf(stderr, "enf-probe: open: mode must be r, w, a or t\n");
		return 2;
	}
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return report(errno);
	close(fd);
	return report(0);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		const char *name = strrchr(argv[0], '/');

		printf("ran %s\n", name ? name + 1 : argv[0]);
		return 0;
	}
	if (strcmp(argv[1], "exec") == 0 && argc >= 3)
		return do_exec(argv + 2);
	if (strcmp(argv[1], "open") == 0 && argc == 4)
		return do_open(argv[2], argv[3]);
	fprintf(stderr, "usage: enf-probe exec PATH [ARGS...] | open PATH r|w|a|t\n");
	return 2;
}
