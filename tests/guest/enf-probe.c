// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-probe: performs one operation inside the guest and prints its outcome
 * as one word: "ok" or the errno name (EPERM, EACCES, ...). Integration
 * tests compare that word, so a denial is told apart from any other failure.
 *
 *   enf-probe exec PATH [ARGS...]   execv PATH in a child; "ok" once it has run
 *   enf-probe execfd PATH           open PATH O_RDONLY, execveat(fd, "", AT_EMPTY_PATH)
 *   enf-probe execpath PATH         open PATH O_PATH, execv /proc/self/fd/N
 *   enf-probe execgone PATH         open PATH O_PATH, unlink PATH, execveat(fd, "", AT_EMPTY_PATH)
 *   enf-probe execmemfd PATH        copy PATH into a memfd, execveat the memfd
 *   enf-probe open PATH r|w|a|t|3   open for read, write, append or truncate;
 *                                   3: open(PATH, 3), neither read nor write (ioctls)
 *   enf-probe open-exec PATH r|w|a|t|3 PROG [ARGS...]
 *                                   that open, its word printed, then execv PROG ARGS
 *                                   in this same process (what a task decides after
 *                                   it exec'd another program)
 *   enf-probe mmapx PATH            open PATH O_RDONLY, mmap it PROT_READ|PROT_EXEC
 *   enf-probe mprotectx PATH        mmap PATH PROT_READ, then mprotect it PROT_READ|PROT_EXEC
 *   enf-probe jit                   an anonymous mapping made executable, as a JIT does: mmap
 *                                   PROT_READ|PROT_WRITE|PROT_EXEC, and mprotect of another
 *   enf-probe mmapr PATH            mmap PATH PROT_READ only (control: no exec)
 *   enf-probe setinterp SRC DST INTERP
 *                                   copy ELF SRC to DST (mode 755) with its PT_INTERP
 *                                   replaced by INTERP (no longer than the original)
 *   enf-probe memfd-run PATH LOADER [ARGS...]
 *                                   copy PATH into a memfd, run LOADER /proc/self/fd/N
 *                                   ARGS... in a child: "ok" when it exits 0, else "exitN"
 *   enf-probe create PATH           open(O_CREAT|O_EXCL) a new file
 *   enf-probe mkdir|rmdir|unlink PATH
 *   enf-probe rename OLD NEW        rename(2)
 *   enf-probe link OLD NEW          link(2)
 *   enf-probe symlink TARGET NEW    symlink(2)
 *   enf-probe chmod PATH            chmod 0640
 *   enf-probe ioctl PATH REQUEST... open PATH for reading only and ask each ioctl REQUEST (a
 *                                   number, 0x... for hex) with a zeroed 8 KiB argument: one
 *                                   word per request, on one line
 *   enf-probe chattr PATH flags|fsx +i|-i|+a|-a
 *                                   open PATH for reading only and set or clear its
 *                                   immutable or append-only flag, as chattr(1) does:
 *                                   FS_IOC_GETFLAGS/SETFLAGS (flags) or
 *                                   FS_IOC_FSGETXATTR/FSSETXATTR (fsx)
 *   enf-probe truncate PATH         truncate(2) to 0
 *   enf-probe prctl-exe PATH        prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, fd of PATH)
 *   enf-probe prctl-argstart        prctl(PR_SET_MM, PR_SET_MM_ARG_START) to where it is (as
 *                                   process-title code moves the argument area)
 *   enf-probe dgram PATH TEXT       send TEXT in one datagram to the unix socket PATH (sd_notify)
 *   enf-probe exchange A B          renameat2(RENAME_EXCHANGE)
 *   enf-probe opentree DIR NAME     open_tree(DIR, OPEN_TREE_CLONE), then openat(tree, NAME)
 *                                   for read: NAME in a detached copy of DIR's mount
 *   enf-probe mknod PATH b|c MAJOR MINOR
 *                                   mknod(2) a block or character device node, mode 0600
 *   enf-probe handle-save PATH FILE name_to_handle_at(PATH) into FILE (no open: a lookup)
 *   enf-probe handle DIR FILE r|path|reopen|exec|link NEW
 *                                   open_by_handle_at(DIR's mount, the handle in FILE):
 *                                   r: O_RDONLY and read; path: O_PATH only; reopen: O_PATH,
 *                                   then open /proc/self/fd/N for read; exec: O_PATH, then
 *                                   execveat(fd, "", AT_EMPTY_PATH); link: O_PATH, then
 *                                   linkat(fd, "", NEW, AT_EMPTY_PATH). A handle whose dentry
 *                                   left the cache opens as a disconnected dentry: no path
 *   enf-probe drop PATH             create (or truncate) PATH, mode 0755, and write the
 *                                   --payload into it: a downloaded binary
 *   enf-probe memfd-exec PATH [ARGS...]
 *                                   copy PATH into a memfd and execveat it in this process
 *                                   (a fileless exec), with ARGS; its output is this output
 *   enf-probe at-secure             print the AT_SECURE this exec got (getauxval): 1 when
 *                                   the kernel made it a secure exec (the loader ignores
 *                                   LD_PRELOAD and the like), else 0
 *   enf-probe traced-open PROG PATH a child asks to be traced (PTRACE_TRACEME) and execs
 *                                   PROG; stopped at PROG's first instruction, this tracer
 *                                   makes it open PATH for read (a syscall instruction and
 *                                   the path written into it): that open's word, or
 *                                   exec-WORD when the exec failed (a tracer taking over
 *                                   a program it watched exec)
 *   enf-probe notify-exec PROG [ARGS...]
 *                                   install a seccomp filter with a user-notification
 *                                   listener (on getppid only) and execv PROG ARGS in this
 *                                   process: PROG's own output, or exec-WORD when the exec
 *                                   failed (a supervisor could answer PROG's system calls)
 *   enf-probe filters-exec N PROG [ARGS...]
 *                                   install N seccomp filters that allow everything (as a
 *                                   hardened systemd unit has tens) and execv PROG ARGS:
 *                                   PROG's own output, or exec-WORD
 *   enf-probe rename-race DIR A B NAME SECONDS
 *                                   a child renames DIR/A to DIR/B and back as fast as it
 *                                   can while this process opens DIR/A/NAME and DIR/B/NAME
 *                                   for reading, in turn, for SECONDS: "ok N" when N opens
 *                                   succeeded, else the word of the last failure that was
 *                                   not ENOENT (the name was elsewhere at that moment)
 *   enf-probe read-crash PATH       read PATH into memory, then abort(): a core dump that
 *                                   holds what the program read; the read's word first
 *   (no arguments)                  print "ran NAME" and exit 0: copies of this
 *                                   binary serve as stand-in programs
 *
 * Before the operation: --payload FILE, --cgroup DIR, --as UID:GID (enf-enter.h).
 *
 * Exit status: 0 when the operation succeeded, 1 when it failed with errno,
 * 2 on usage errors.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/fs.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "enf-enter.h"

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
	const char *name = strerrorname_np(e);

	return name ? name : "EOTHER";
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

/* Opens of a file while its directory changes name (a walk that reads a name as it is written). */
static int do_rename_race(const char *dir, const char *a, const char *b, const char *name, const char *seconds)
{
	char pa[2048], pb[2048], fa[4200], fb[4200];
	long n_ok = 0, tries = 0;
	int last = ENOENT;
	time_t end;
	pid_t pid;

	snprintf(pa, sizeof(pa), "%s/%s", dir, a);
	snprintf(pb, sizeof(pb), "%s/%s", dir, b);
	snprintf(fa, sizeof(fa), "%s/%s", pa, name);
	snprintf(fb, sizeof(fb), "%s/%s", pb, name);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return report(errno);
	if (pid == 0) {
		for (;;) {
			if (rename(pa, pb) < 0 || rename(pb, pa) < 0)
				_exit(1);
		}
	}
	end = time(NULL) + atoi(seconds);
	while (time(NULL) < end) {
		for (int i = 0; i < 1000; i++) {
			int fd = open(i & 1 ? fb : fa, O_RDONLY | O_CLOEXEC);

			tries++;
			if (fd >= 0) {
				n_ok++;
				close(fd);
			} else if (errno != ENOENT) {
				last = errno;
			}
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	/* Put the directory back under its first name for whoever looks next. */
	if (access(pa, F_OK) < 0)
		rename(pb, pa);
	fprintf(stderr, "rename-race: %ld of %ld opens succeeded\n", n_ok, tries);
	if (n_ok) {
		printf("ok %ld\n", n_ok);
		return 0;
	}
	return report(last);
}

/*
 * chattr(1) from a descriptor opened for reading: the kernel asks only for
 * the file's owner (or CAP_FOWNER) and, for these two flags,
 * CAP_LINUX_IMMUTABLE, whatever the descriptor was opened for.
 */
static int do_chattr(const char *path, const char *how, const char *change)
{
	bool set = change[0] == '+', immutable = change[1] == 'i';
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), r, err;

	if (fd < 0)
		return report(errno);
	if (strcmp(how, "flags") == 0) {
		int flag = immutable ? FS_IMMUTABLE_FL : FS_APPEND_FL, flags; /* the kernel reads an int */

		r = ioctl(fd, FS_IOC_GETFLAGS, &flags);
		if (r == 0) {
			flags = set ? flags | flag : flags & ~flag;
			r = ioctl(fd, FS_IOC_SETFLAGS, &flags);
		}
	} else {
		unsigned int flag = immutable ? FS_XFLAG_IMMUTABLE : FS_XFLAG_APPEND;
		struct fsxattr fa;

		r = ioctl(fd, FS_IOC_FSGETXATTR, &fa);
		if (r == 0) {
			fa.fsx_xflags = set ? fa.fsx_xflags | flag : fa.fsx_xflags & ~flag;
			r = ioctl(fd, FS_IOC_FSSETXATTR, &fa);
		}
	}
	err = r < 0 ? errno : 0;
	close(fd);
	return report(err);
}

/*
 * Requests by their numbers: the engine decides by the number alone, before
 * the filesystem's handler. One process for many, as a test asks dozens.
 */
static int do_ioctl(const char *path, char **requests, int n)
{
	static char arg[8192];
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), failed = 0;

	if (fd < 0)
		return report(errno);
	for (int i = 0; i < n; i++) {
		int err = ioctl(fd, strtoul(requests[i], NULL, 0), arg) < 0 ? errno : 0;

		printf("%s%s", i ? " " : "", err ? errno_name(err) : "ok");
		failed |= err != 0;
	}
	printf("\n");
	close(fd);
	return failed;
}

/* A binary run by its descriptor after its name was removed: a file with no links. */
static int do_execgone(const char *path)
{
	char *argv[] = { (char *)path, NULL };
	int fd = open(path, O_PATH | O_CLOEXEC);

	if (fd < 0)
		return report(errno);
	if (unlink(path) < 0) {
		int err = errno;

		close(fd);
		printf("unlink-");
		return report(err);
	}
	return run_exec(fd, argv);
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

/* A memfd holding a copy of path (memfd_create flags), or -errno. */
static int memfd_copy_of(const char *path, unsigned int flags)
{
	char buf[65536];
	int in = open(path, O_RDONLY | O_CLOEXEC), mfd;
	ssize_t n;

	if (in < 0)
		return -errno;
	mfd = (int)syscall(SYS_memfd_create, "payload", flags);
	if (mfd < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, (size_t)n) != n)
			return -errno;
	close(in);
	return mfd;
}

static int do_execmemfd(const char *path)
{
	char *argv[] = { "memfd-payload", NULL };
	int mfd = memfd_copy_of(path, 0);

	if (mfd < 0)
		return report(-mfd);
	return run_exec(mfd, argv);
}

static int do_memfd_exec(const char *path, char **args)
{
	char *argv[16] = { "memfd-payload" };
	int mfd = memfd_copy_of(path, MFD_CLOEXEC), nargs = 1;

	if (mfd < 0)
		return report(-mfd);
	for (int i = 0; args[i] && nargs < 15; i++)
		argv[nargs++] = args[i];
	argv[nargs] = NULL;
	fflush(stdout);
	syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
	return report(errno);
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

static int do_prctl_argstart(void)
{
	unsigned long arg_start = 0;
	char buf[4096], *p;
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n;

	if (!f)
		return report(errno);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* arg_start is field 48; the fields after comm (field 2, in parentheses) have no spaces. */
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 48; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%lu", &arg_start) != 1)
		return report(EINVAL);
	/* PR_SET_MM_ARG_START = 8 */
	if (prctl(PR_SET_MM, 8, arg_start, 0, 0) < 0)
		return report(errno);
	return report(0);
}

static int do_dgram(const char *path, const char *text)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r;

	if (fd < 0)
		return report(errno);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	r = sendto(fd, text, strlen(text), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? errno : 0;
	close(fd);
	return report(r);
}

/* Map the first page of path; exec_how: 'x' mapped PROT_EXEC, 'p' mprotect to it, 'r' never. */
static int do_map(const char *path, char exec_how)
{
	int prot = exec_how == 'x' ? PROT_READ | PROT_EXEC : PROT_READ;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *p;

	if (fd < 0)
		return report(errno);
	p = mmap(NULL, 4096, prot, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return report(errno);
	if (exec_how == 'p' && mprotect(p, 4096, PROT_READ | PROT_EXEC) < 0)
		return report(errno);
	return report(0);
}

/* What a JIT does: executable memory with no file behind it (mmap_file and file_mprotect with no file). */
static int do_jit(void)
{
	void *rwx = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (rwx == MAP_FAILED || rw == MAP_FAILED)
		return report(errno);
	if (mprotect(rw, 4096, PROT_READ | PROT_EXEC) < 0)
		return report(errno);
	return report(0);
}

/* A program whose ELF interpreter is INTERP: execve maps INTERP without bprm_check_security. */
static int do_setinterp(const char *src, const char *dst, const char *interp)
{
	static char buf[16 << 20];
	int in = open(src, O_RDONLY | O_CLOEXEC), out;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	ssize_t n;

	if (in < 0)
		return report(errno);
	n = read(in, buf, sizeof(buf));
	close(in);
	if (n < (ssize_t)sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_phoff + (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > (size_t)n)
		return report(EINVAL);
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(buf + eh->e_phoff) + i;

		if (ph->p_type != PT_INTERP)
			continue;
		if (strlen(interp) + 1 > ph->p_filesz || ph->p_offset + ph->p_filesz > (size_t)n)
			return report(ENAMETOOLONG);
		memset(buf + ph->p_offset, 0, ph->p_filesz);
		memcpy(buf + ph->p_offset, interp, strlen(interp));
		out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
		if (out < 0)
			return report(errno);
		if (write(out, buf, (size_t)n) != n)
			return report(errno);
		close(out);
		return report(0);
	}
	return report(ENOEXEC);
}

/*
 * A fileless program through the dynamic loader: the loader opens
 * /proc/self/fd/N (the memfd) and maps it itself, so no execve names it.
 */
static int do_memfd_run(const char *path, char **loader_argv)
{
	char proc[64];
	int mfd = memfd_copy_of(path, 0), status, nargs = 0; /* no cloexec: the loader opens it by /proc */
	char *argv[16];
	pid_t pid;

	if (mfd < 0)
		return report(-mfd);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", mfd);
	argv[nargs++] = loader_argv[0];
	argv[nargs++] = proc;
	for (int i = 1; loader_argv[i] && nargs < 15; i++)
		argv[nargs++] = loader_argv[i];
	argv[nargs] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return report(errno);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		if (devnull >= 0) {
			dup2(devnull, STDOUT_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		execv(argv[0], argv);
		_exit(126);
	}
	waitpid(pid, &status, 0);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return report(0);
	printf("exit%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 1;
}

static int do_open(const char *path, const char *how)
{
	int flags, fd;

	switch (how[0]) {
	case 'r': flags = O_RDONLY; break;
	case 'w': flags = O_WRONLY; break;
	case 'a': flags = O_WRONLY | O_APPEND; break;
	case 't': flags = O_WRONLY | O_TRUNC; break;
	case '3': flags = O_ACCMODE; break; /* neither FMODE_READ nor FMODE_WRITE */
	default:
		fprintf(stderr, "enf-probe: open: mode must be r, w, a, t or 3\n");
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

/* The handle as name_to_handle_at() wrote it: struct file_handle and its bytes. */
#define HANDLE_BYTES 128
struct saved_handle {
	struct file_handle h;
	unsigned char bytes[HANDLE_BYTES];
};

static int do_handle_save(const char *path, const char *out)
{
	struct saved_handle sh = { .h.handle_bytes = HANDLE_BYTES };
	int mount_id, fd;
	ssize_t n;

	if (name_to_handle_at(AT_FDCWD, path, &sh.h, &mount_id, 0) < 0)
		return report(errno);
	fd = open(out, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return report(errno);
	n = write(fd, &sh, sizeof(sh));
	close(fd);
	return report(n == (ssize_t)sizeof(sh) ? 0 : EIO);
}

static int do_handle(const char *dir, const char *in, const char *how, const char *new_name)
{
	struct saved_handle sh;
	char proc[64], byte;
	char *argv[] = { proc, NULL };
	int mfd, fd, rfd, err = 0;
	bool read_it = strcmp(how, "r") == 0;
	ssize_t n;

	fd = open(in, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return report(errno);
	n = read(fd, &sh, sizeof(sh));
	close(fd);
	if (n != (ssize_t)sizeof(sh)) {
		fprintf(stderr, "enf-probe: %s: not a saved handle\n", in);
		return 2;
	}
	mfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return report(errno);
	fd = open_by_handle_at(mfd, &sh.h, read_it ? O_RDONLY | O_CLOEXEC : O_PATH);
	if (fd < 0)
		return report(errno);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (read_it) {
		if (read(fd, &byte, 1) < 0)
			err = errno;
	} else if (strcmp(how, "reopen") == 0) {
		rfd = open(proc, O_RDONLY | O_CLOEXEC);
		if (rfd < 0)
			err = errno;
		else
			close(rfd);
	} else if (strcmp(how, "exec") == 0) {
		return run_exec(fd, argv);
	} else if (strcmp(how, "link") == 0 && new_name) {
		if (linkat(fd, "", AT_FDCWD, new_name, AT_EMPTY_PATH) < 0)
			err = errno;
	} else if (strcmp(how, "path") != 0) {
		fprintf(stderr, "enf-probe: handle: r, path, reopen, exec or link NEW\n");
		return 2;
	}
	close(fd);
	close(mfd);
	return report(err);
}

static int do_drop(const char *path)
{
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0755);
	ssize_t n;

	if (fd < 0)
		return report(errno);
	n = write(fd, enter_payload, enter_payload_len);
	if (n < 0 || (size_t)n != enter_payload_len) {
		int e = n < 0 ? errno : EIO;
		close(fd);
		return report(e);
	}
	return report(close(fd) < 0 ? errno : 0);
}

/* Write len bytes of buf at addr in the stopped tracee pid, a word at a time (text pages too). */
static int poke_bytes(pid_t pid, unsigned long addr, const void *buf, size_t len)
{
	for (size_t off = 0; off < len; off += sizeof(long)) {
		long word = 0;

		memcpy(&word, (const char *)buf + off, len - off < sizeof(long) ? len - off : sizeof(long));
		if (len - off < sizeof(long)) {
			long old;

			errno = 0;
			old = ptrace(PTRACE_PEEKDATA, pid, (void *)(addr + off), NULL);
			if (errno)
				return -errno;
			memcpy(&old, &word, len - off);
			word = old;
		}
		if (ptrace(PTRACE_POKEDATA, pid, (void *)(addr + off), (void *)word) < 0)
			return -errno;
	}
	return 0;
}

static int do_traced_open(const char *prog, const char *path)
{
	static const unsigned char syscall_insn[] = { 0x0f, 0x05 };
	struct user_regs_struct regs;
	int status, e;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return report(errno);
	if (pid == 0) {
		char *args[] = { (char *)prog, NULL };

		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			_exit(100);
		raise(SIGSTOP);
		execv(prog, args);
		_exit(errno < 100 ? 100 + errno : 100);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status))
		return report(ECHILD);
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL)) < 0 ||
	    ptrace(PTRACE_CONT, pid, NULL, NULL) < 0)
		return report(errno);
	if (waitpid(pid, &status, 0) < 0)
		return report(errno);
	if (WIFEXITED(status)) { /* the exec failed: its errno, told apart from the open's */
		printf("exec-%s\n", errno_name(WEXITSTATUS(status) > 100 ? WEXITSTATUS(status) - 100 : EIO));
		return 1;
	}
	if (!WIFSTOPPED(status) || status >> 8 != (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) {
		kill(pid, SIGKILL);
		return report(EIO);
	}
	/*
	 * Stopped in execve, which still has to return 0 into rax: one step
	 * first (x86 reports it at the syscall's exit, before PROG's first
	 * instruction), then the path below the stack and a syscall at rip.
	 */
	e = ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) < 0 || waitpid(pid, &status, 0) < 0 ? -errno : 0;
	if (!e)
		e = ptrace(PTRACE_GETREGS, pid, NULL, &regs) < 0 ? -errno : 0;
	if (!e)
		e = poke_bytes(pid, regs.rsp - 4096, path, strlen(path) + 1);
	if (!e)
		e = poke_bytes(pid, regs.rip, syscall_insn, sizeof(syscall_insn));
	if (!e) {
		regs.rax = SYS_open;
		regs.rdi = regs.rsp - 4096;
		regs.rsi = O_RDONLY;
		regs.rdx = 0;
		e = ptrace(PTRACE_SETREGS, pid, NULL, &regs) < 0 ? -errno : 0;
	}
	if (!e && (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL) < 0 || waitpid(pid, &status, 0) < 0))
		e = -errno;
	if (!e)
		e = ptrace(PTRACE_GETREGS, pid, NULL, &regs) < 0 ? -errno : 0;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (e) {
		fprintf(stderr, "enf-probe: traced-open: the tracer's own step failed: %s\n", strerror(-e));
		return report(EIO);
	}
	return report((long)regs.rax < 0 ? (int)-(long)regs.rax : 0);
}

/*
 * Install prog n times (flags: SECCOMP_FILTER_FLAG_*), no new privileges
 * first, then execv argv in this process: its output, or exec-WORD when
 * the exec failed.
 */
static int exec_under_filters(const struct sock_fprog *prog, unsigned int flags, int n, char **argv)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return report(errno);
	for (int i = 0; i < n; i++)
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog) < 0)
			return report(errno);
	fflush(stdout);
	execv(argv[0], argv);
	printf("exec-%s\n", errno_name(errno));
	return 1;
}

/* A listener on getppid only: the listener descriptor is kept, nobody answers it. */
static int do_notify_exec(char **argv)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };

	return exec_under_filters(&prog, SECCOMP_FILTER_FLAG_NEW_LISTENER, 1, argv);
}

static int do_filters_exec(const char *count, char **argv)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	int n = atoi(count);

	if (n < 1 || n > 1000)
		return report(EINVAL);
	return exec_under_filters(&prog, 0, n, argv);
}

int main(int argc, char **argv)
{
	enter_options(&argc, &argv);
	if (argc == 2 && strcmp(argv[1], "jit") == 0)
		return do_jit();
	if (argc == 2 && strcmp(argv[1], "prctl-argstart") == 0)
		return do_prctl_argstart();
	if (argc < 2) {
		const char *name = strrchr(argv[0], '/');

		printf("ran %s\n", name ? name + 1 : argv[0]);
		return 0;
	}
	if (strcmp(argv[1], "at-secure") == 0 && argc == 2) {
		printf("%lu\n", getauxval(AT_SECURE));
		return 0;
	}
	if (strcmp(argv[1], "exec") == 0 && argc >= 3)
		return do_exec(argv + 2);
	if (strcmp(argv[1], "open") == 0 && argc == 4)
		return do_open(argv[2], argv[3]);
	if (strcmp(argv[1], "open-exec") == 0 && argc >= 5) {
		if (do_open(argv[2], argv[3]) == 2)
			return 2;
		fflush(stdout);
		execv(argv[4], argv + 4);
		fprintf(stderr, "enf-probe: execv %s: %s\n", argv[4], strerror(errno));
		return report(errno);
	}
	if (strcmp(argv[1], "filters-exec") == 0 && argc >= 4)
		return do_filters_exec(argv[2], argv + 3);
	if (strcmp(argv[1], "notify-exec") == 0 && argc >= 3)
		return do_notify_exec(argv + 2);
	if (strcmp(argv[1], "read-crash") == 0 && argc == 3) {
		static char held[4096];
		int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, held, sizeof(held) - 1);

		report(n < 0 ? errno : 0);
		fflush(stdout);
		abort();
	}
	if (strcmp(argv[1], "rename-race") == 0 && argc == 7)
		return do_rename_race(argv[2], argv[3], argv[4], argv[5], argv[6]);
	if (strcmp(argv[1], "traced-open") == 0 && argc == 4)
		return do_traced_open(argv[2], argv[3]);
	if (strcmp(argv[1], "memfd-exec") == 0 && argc >= 3)
		return do_memfd_exec(argv[2], argv + 3);
	if (strcmp(argv[1], "memfd-run") == 0 && argc >= 4)
		return do_memfd_run(argv[2], argv + 3);
	if (argc == 3) {
		const char *op = argv[1], *p = argv[2];

		if (strcmp(op, "execfd") == 0)
			return do_execfd(p);
		if (strcmp(op, "execpath") == 0)
			return do_execpath(p);
		if (strcmp(op, "execgone") == 0)
			return do_execgone(p);
		if (strcmp(op, "execmemfd") == 0)
			return do_execmemfd(p);
		if (strcmp(op, "prctl-exe") == 0)
			return do_prctl_exe(p);
		if (strcmp(op, "mmapx") == 0)
			return do_map(p, 'x');
		if (strcmp(op, "mprotectx") == 0)
			return do_map(p, 'p');
		if (strcmp(op, "mmapr") == 0)
			return do_map(p, 'r');
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
		if (strcmp(op, "drop") == 0 && enter_payload)
			return do_drop(p);
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
		if (strcmp(op, "dgram") == 0)
			return do_dgram(a, b);
		if (strcmp(op, "handle-save") == 0)
			return do_handle_save(a, b);
	}
	if (argc == 6 && strcmp(argv[1], "mknod") == 0 && (argv[3][0] == 'b' || argv[3][0] == 'c') && !argv[3][1]) {
		mode_t type = argv[3][0] == 'b' ? S_IFBLK : S_IFCHR;
		dev_t dev = makedev(strtoul(argv[4], NULL, 10), strtoul(argv[5], NULL, 10));

		return report(mknod(argv[2], type | 0600, dev) < 0 ? errno : 0);
	}
	if (argc >= 4 && strcmp(argv[1], "ioctl") == 0)
		return do_ioctl(argv[2], argv + 3, argc - 3);
	if (argc == 5 && strcmp(argv[1], "chattr") == 0 && (!strcmp(argv[3], "flags") || !strcmp(argv[3], "fsx")) &&
	    (argv[4][0] == '+' || argv[4][0] == '-') && (argv[4][1] == 'i' || argv[4][1] == 'a') && !argv[4][2])
		return do_chattr(argv[2], argv[3], argv[4]);
	if ((argc == 5 || argc == 6) && strcmp(argv[1], "handle") == 0)
		return do_handle(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : NULL);
	if (argc == 5 && strcmp(argv[1], "setinterp") == 0)
		return do_setinterp(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: enf-probe exec PATH [ARGS...] | execfd|execpath|execmemfd PATH | open PATH r|w|a|t|3\n"
		"       | create|mkdir|rmdir|unlink|chmod|truncate|prctl-exe|mmapx|mprotectx|mmapr PATH\n"
		"       | rename|link|symlink|exchange A B | ioctl PATH REQUEST... | memfd-run PATH LOADER [ARGS...] | setinterp SRC DST INTERP\n"
		"       | opentree DIR NAME | dgram PATH TEXT | prctl-argstart\n"
		"       | handle-save PATH FILE | handle DIR FILE r|path|reopen|exec|link NEW\n"
		"       | mknod PATH b|c MAJOR MINOR | chattr PATH flags|fsx +i|-i|+a|-a\n");
	return 2;
}
