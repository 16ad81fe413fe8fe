// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-probe: performs one operation inside the guest and prints its outcome
 * as one word: "ok" or the errno name (EPERM, EACCES, ...). Integration
 * tests compare that word, so a denial is told apart from any other failure.
 *
 *   enf-probe exec PATH [ARGS...]   execv PATH in a child; "ok" once it has run
 *   enf-probe execfd PATH           open PATH O_RDONLY, execveat(fd, "", AT_EMPTY_PATH)
 *   enf-probe execpath PATH         open PATH O_PATH, execv /proc/self/fd/N
 *   enf-probe execmemfd PATH        copy PATH into a memfd, execveat the memfd
 *   enf-probe open PATH r|w|a|t     open for read, write, append or truncate
 *   enf-probe create PATH           open(O_CREAT|O_EXCL) a new file
 *   enf-probe mkdir|rmdir|unlink PATH
 *   enf-probe rename OLD NEW        rename(2)
 *   enf-probe link OLD NEW          link(2)
 *   enf-probe symlink TARGET NEW    symlink(2)
 *   enf-probe chmod PATH            chmod 0640
 *   enf-probe truncate PATH         truncate(2) to 0
 *   enf-probe prctl-exe PATH        prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, fd of PATH)
 *   enf-probe exchange A B          renameat2(RENAME_EXCHANGE)
 *   enf-probe opentree DIR NAME     open_tree(DIR, OPEN_TREE_CLONE), then openat(tree, NAME)
 *                                   for read: NAME in a detached copy of DIR's mount
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
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
/* Not in every libc's headers: the numbers are the same on every architecture since 5.2. */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#define ENF_OPEN_TREE_CLONE 1
#define ENF_AT_RECURSIVE    0x8000

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

/*
 * Run an exec in a child and report its errno through a close-on-exec pipe.
 * fd >= 0: execveat(fd, "", AT_EMPTY_PATH); otherwise execv(argv[0]).
 */
static int run_exec(int fd, char **argv)
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
		if (fd >= 0) {
			static char *const envp[] = { NULL };

			syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		} else {
			execv(argv[0], argv);
		}
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

static int do_exec(char **argv)
{
	return run_exec(-1, argv);
}

static int do_execfd(const char *path)
{
	char *argv[] = { (char *)path, NULL };
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return report(errno);
	return run_exec(fd, argv);
}

static int do_execpath(const char *path)
{
	char proc[64];
	char *argv[] = { proc, NULL };
	int fd = open(path, O_PATH); /* no O_CLOEXEC: the /proc link must survive into execv */

	if (fd < 0)
		return report(errno);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	return run_exec(-1, argv);
}

static int do_execmemfd(const char *path)
{
	char buf[65536], *argv[] = { "memfd-payload", NULL };
	int in = open(path, O_RDONLY | O_CLOEXEC), mfd;
	ssize_t n;

	if (in < 0)
		return report(errno);
	mfd = (int)syscall(SYS_memfd_create, "payload", 0);
	if (mfd < 0)
		return report(errno);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, (size_t)n) != n)
			return report(errno);
	close(in);
	return run_exec(mfd, argv);
}

static int do_prctl_exe(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return report(errno);
	/* PR_SET_MM_EXE_FILE = 13 */
	if (prctl(PR_SET_MM, 13, (unsigned long)fd, 0, 0) < 0)
		return report(errno);
	return report(0);
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

/*
 * A name relative to a detached copy of DIR's mount tree: the copy's root
 * is DIR, so a path walk that stops at a mount tree's root would see NAME
 * as "/NAME".
 */
static int do_opentree(const char *dir, const char *name)
{
	int tree = (int)syscall(SYS_open_tree, AT_FDCWD, dir, ENF_OPEN_TREE_CLONE | ENF_AT_RECURSIVE | O_CLOEXEC);
	int fd, err;

	if (tree < 0) {
		fprintf(stderr, "enf-probe: open_tree %s: %s\n", dir, strerror(errno));
		return report(errno);
	}
	fd = openat(tree, name, O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	close(tree);
	return report(err);
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
	if (argc == 3) {
		const char *op = argv[1], *p = argv[2];

		if (strcmp(op, "execfd") == 0)
			return do_execfd(p);
		if (strcmp(op, "execpath") == 0)
			return do_execpath(p);
		if (strcmp(op, "execmemfd") == 0)
			return do_execmemfd(p);
		if (strcmp(op, "prctl-exe") == 0)
			return do_prctl_exe(p);
		if (strcmp(op, "create") == 0) {
			int fd = open(p, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);

			if (fd >= 0)
				close(fd);
			return report(fd < 0 ? errno : 0);
		}
		if (strcmp(op, "mkdir") == 0)
			return report(mkdir(p, 0755) < 0 ? errno : 0);
		if (strcmp(op, "rmdir") == 0)
			return report(rmdir(p) < 0 ? errno : 0);
		if (strcmp(op, "unlink") == 0)
			return report(unlink(p) < 0 ? errno : 0);
		if (strcmp(op, "chmod") == 0)
			return report(chmod(p, 0640) < 0 ? errno : 0);
		if (strcmp(op, "truncate") == 0)
			return report(truncate(p, 0) < 0 ? errno : 0);
	}
	if (argc == 4) {
		const char *op = argv[1], *a = argv[2], *b = argv[3];

		if (strcmp(op, "rename") == 0)
			return report(rename(a, b) < 0 ? errno : 0);
		if (strcmp(op, "link") == 0)
			return report(link(a, b) < 0 ? errno : 0);
		if (strcmp(op, "symlink") == 0)
			return report(symlink(a, b) < 0 ? errno : 0);
		if (strcmp(op, "exchange") == 0)
			return report(syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) < 0 ? errno : 0);
		if (strcmp(op, "opentree") == 0)
			return do_opentree(a, b);
	}
	fprintf(stderr, "usage: enf-probe exec PATH [ARGS...] | execfd|execpath|execmemfd PATH | open PATH r|w|a|t\n"
		"       | create|mkdir|rmdir|unlink|chmod|truncate|prctl-exe PATH | rename|link|symlink|exchange A B\n"
		"       | opentree DIR NAME\n");
	return 2;
}
