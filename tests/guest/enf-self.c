// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-self: one attempt on the engine (or, as a control, on something
 * else), printed as one word: "ok" or the errno name. The self-protection
 * test runs each from a confined root shell and from an unconfined one.
 *
 *   bpf-obj-get PATH         bpf(BPF_OBJ_GET) of a pin
 *   bpf-next-id              bpf(BPF_MAP_GET_NEXT_ID): enumerate maps
 *   kill PID SIG             kill(2)
 *   ptrace PID               PTRACE_ATTACH, then detach
 *   proc-mem PID             open /proc/PID/mem for reading
 *   pidfd-getfd PID FD       pidfd_open + pidfd_getfd
 *   clone-into DIR           clone3(CLONE_INTO_CGROUP) into a cgroup
 *   write PATH TEXT          open(O_WRONLY|O_TRUNC|O_CREAT) and write
 *   unlink PATH | rmdir PATH | mkdir PATH | rename FROM TO
 *   mount-tmpfs DIR | umount DIR
 *   connect SOCKET           connect a SOCK_SEQPACKET unix socket
 *   victim OUT               a process to take over: prints the address of a flag
 *                            and polls it; once set, writes its /proc/self/cgroup
 *                            to OUT and exits (60 s at most)
 *   ptrace-poke PID ADDR     PTRACE_ATTACH, set the byte at ADDR, detach
 *   mem-write PID ADDR       set the byte at ADDR through /proc/PID/mem
 *   vm-write PID ADDR        set the byte at ADDR with process_vm_writev()
 *   sigio PID SIG            a pipe owned by PID (F_SETOWN, F_SETSIG SIG, O_ASYNC),
 *                            then a write to it: the kernel signals PID
 *   sigio-tcp PID SIG        the same through a TCP connection over loopback: the
 *                            received segment is processed, and PID signalled, in a
 *                            softirq (in this process's send, at local_bh_enable)
 *   sigio-split CGROUP OWNER ARM PID SIG
 *                            the same, each of the owner (F_SETOWN) and the arming
 *                            (F_SETSIG, O_ASYNC) done "out" (this process, outside)
 *                            or "in" (a child in CGROUP, which then writes)
 *   sigio-handoff CGA CGB PID SIG setfl|setsig
 *                            a process in CGA makes a pipe owned by PID with signal SIG
 *                            (O_ASYNC) and hands it to a process in CGB, which sets
 *                            O_NONBLOCK with the flags it reads back (setfl) or arms
 *                            SIGIO itself (setsig); then the first writes to it
 *   sigio-tty CGROUP         O_ASYNC on a terminal whose foreground process group
 *                            is a session outside, from a process in CGROUP ("-":
 *                            outside), then input: "delivered" when the session's
 *                            leader died of the SIGIO, else "refused"
 *   sigio-flood N [SECONDS]  open /dev/null N times, each owned by this process
 *                            (F_SETOWN), all kept open: "COUNT ok" or "COUNT ERRNO";
 *                            then keeps them SECONDS more
 *   sigio-owner-after CGROUP PID SIG
 *                            a child in CGROUP arms a pipe (F_SETSIG SIG, O_ASYNC) with
 *                            no owner; this process, outside, then makes PID the owner
 *                            (F_SETOWN); the child writes
 *   as-pid PID CGROUP OP...  fork a child that gets pid PID (ns_last_pid), moves
 *                            itself into CGROUP and runs enf-self OP...
 *   flock PATH               flock(LOCK_EX | LOCK_NB) of PATH opened read-only
 *   link FROM TO             link(2)
 *   bpf-poke PIN OFF VALUE   set the u32 at OFF in entry 0 of a pinned array map
 *                            (the state test fakes pinned state of another ABI)
 *   bpf-clear PIN...         delete every entry of pinned maps (the kernel's
 *                            policy is gone, as after a reboot; programs stay)
 *   bpf-age-profiles PIN     make every profile of the pinned profiles map look
 *                            written by a build before ENF_PROFILE_MOVE_MARKS
 *                            (the flag and from_exes cleared): "N ok"
 */
#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/sched.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "enforcer_abi.h"
#include "enf-enter.h"

static int result(int err)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { EACCES, "EACCES" }, { ENOENT, "ENOENT" }, { EINVAL, "EINVAL" },
		{ EBUSY, "EBUSY" }, { ESRCH, "ESRCH" }, { EBADF, "EBADF" }, { ENOSYS, "ENOSYS" },
		{ EEXIST, "EEXIST" }, { ENOTDIR, "ENOTDIR" }, { ECONNREFUSED, "ECONNREFUSED" },
	};

	if (err == 0) {
		printf("ok\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].e == err) {
			printf("%s\n", names[i].name);
			return 1;
		}
	}
	printf("E%d\n", err);
	return 1;
}

static int check(long r)
{
	return result(r < 0 ? errno : 0);
}

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int clone_into(const char *dir)
{
	struct clone_args args = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD };
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long pid;

	if (fd < 0)
		return result(errno);
	args.cgroup = (uint64_t)fd;
	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return check(pid);
}

static volatile unsigned char victim_flag;

static int victim(const char *out)
{
	char buf[256];
	ssize_t n;
	int in, fd;

	printf("%#lx\n", (unsigned long)&victim_flag);
	for (int i = 0; i < 6000 && !victim_flag; i++)
		usleep(10000);
	if (!victim_flag)
		return 1;
	/* Taken over: this runs wherever the victim runs, outside the attacker's cgroup. */
	in = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (in < 0 || fd < 0)
		return 1;
	n = read(in, buf, sizeof(buf));
	if (n > 0 && write(fd, buf, (size_t)n) != n)
		return 1;
	return 0;
}

static int ptrace_poke(pid_t pid, unsigned long addr)
{
	long word;
	int err = 0;

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) < 0)
		return result(errno);
	waitpid(pid, NULL, __WALL);
	errno = 0;
	word = ptrace(PTRACE_PEEKDATA, pid, (void *)addr, NULL);
	if (errno)
		err = errno;
	else if (ptrace(PTRACE_POKEDATA, pid, (void *)addr, (void *)(word | 1)) < 0)
		err = errno;
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return result(err);
}

static int mem_write(const char *pid, unsigned long addr)
{
	unsigned char one = 1;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/mem", pid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return result(errno);
	return check(pwrite(fd, &one, 1, (off_t)addr) == 1 ? 0 : -1);
}

static int vm_write(pid_t pid, unsigned long addr)
{
	unsigned char one = 1;
	struct iovec local = { .iov_base = &one, .iov_len = 1 };
	struct iovec remote = { .iov_base = (void *)addr, .iov_len = 1 };

	return check(process_vm_writev(pid, &local, 1, &remote, 1, 0) == 1 ? 0 : -1);
}

static int sigio(pid_t pid, int sig)
{
	int p[2];

	if (pipe(p) < 0)
		return result(errno);
	if (fcntl(p[0], F_SETOWN, pid) < 0 || fcntl(p[0], F_SETSIG, sig) < 0 ||
	    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_ASYNC) < 0)
		return result(errno);
	return check(write(p[1], "x", 1));
}

/* Move the calling process into cgroup dir ("-": stay where it is): 0 or an errno. */
static int join_cgroup(const char *dir)
{
	if (strcmp(dir, "-") == 0)
		return 0;
	return enter_cgroup(dir) < 0 ? errno : 0;
}

/* Arm the signal of fd: SIG on I/O (F_SETSIG), O_ASYNC. */
static int arm_sigio(int fd, int sig)
{
	if (fcntl(fd, F_SETSIG, sig) < 0 || fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC) < 0)
		return -1;
	return 0;
}

static int sigio_tcp(pid_t pid, int sig)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l, c, r;

	l = socket(AF_INET, SOCK_STREAM, 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (r = accept(l, NULL, NULL)) < 0)
		return result(errno);
	if (fcntl(r, F_SETOWN, pid) < 0 || arm_sigio(r, sig) < 0)
		return result(errno);
	return check(write(c, "x", 1));
}

/* What a child exited with: its errno, or EINTR when a signal ended it. */
static int child_result(pid_t child)
{
	int status = 0;

	if (waitpid(child, &status, 0) < 0)
		return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

/*
 * A pipe whose signal goes to pid: the owner set (F_SETOWN) and the signal
 * armed (arm_sigio()) each outside, by this process before the fork, or in
 * cgroup dir, by the child; the child then writes to the pipe. The parts
 * done outside are a descriptor a process outside prepared and handed in.
 */
static int sigio_split(const char *dir, const char *owner, const char *arm, pid_t pid, int sig)
{
	bool owner_in = strcmp(owner, "in") == 0, arm_in = strcmp(arm, "in") == 0;
	int p[2];
	pid_t child;

	if (pipe(p) < 0)
		return result(errno);
	if (!owner_in && fcntl(p[0], F_SETOWN, pid) < 0)
		return result(errno);
	if (!arm_in && arm_sigio(p[0], sig) < 0)
		return result(errno);
	child = fork();
	if (child < 0)
		return result(errno);
	if (child == 0) {
		int err = join_cgroup(dir);

		if (!err && owner_in && fcntl(p[0], F_SETOWN, pid) < 0)
			err = errno;
		if (!err && arm_in && arm_sigio(p[0], sig) < 0)
			err = errno;
		if (!err && write(p[1], "x", 1) != 1)
			err = errno;
		_exit(err);
	}
	return result(child_result(child));
}

static int send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte = 'f';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1 || !(c = CMSG_FIRSTHDR(&msg)) || c->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/*
 * A descriptor arranged under one profile and handed to a service of
 * another: a process in cga makes a pipe whose signal sig goes to pid, and
 * sends it to a process in cgb, which either sets O_NONBLOCK with the flags
 * it reads back (O_ASYNC among them: as services do with descriptors they
 * are handed) or arms SIGIO itself (F_SETSIG 0); then the first writes.
 * Prints the first's result: ok, or the errno of its step.
 */
static int sigio_handoff(const char *cga, const char *cgb, pid_t pid, int sig, const char *how)
{
	int sv[2], err;
	pid_t b, a;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return result(errno);
	b = fork();
	if (b < 0)
		return result(errno);
	if (b == 0) {
		int fd;

		err = join_cgroup(cgb);
		if (!err && (fd = recv_fd(sv[1])) < 0)
			err = errno ? errno : EIO;
		if (!err && strcmp(how, "setsig") == 0 && fcntl(fd, F_SETSIG, 0) < 0)
			err = errno;
		if (!err && strcmp(how, "setfl") == 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
			err = errno;
		if (write(sv[1], "d", 1) != 1 && !err)
			err = errno;
		_exit(err);
	}
	a = fork();
	if (a < 0)
		return result(errno);
	if (a == 0) {
		int p[2];
		char c;

		err = join_cgroup(cga);
		if (!err && pipe(p) < 0)
			err = errno;
		if (!err && (fcntl(p[0], F_SETOWN, pid) < 0 || arm_sigio(p[0], sig) < 0))
			err = errno;
		if (!err && send_fd(sv[0], p[0]) < 0)
			err = errno;
		if (!err && read(sv[0], &c, 1) != 1)
			err = EIO;
		if (!err && write(p[1], "x", 1) != 1)
			err = errno;
		_exit(err);
	}
	err = child_result(a);
	if (child_result(b) && !err)
		err = EIO;
	return result(err);
}

/*
 * O_ASYNC on a terminal without an owner makes its foreground process group
 * the owner (__tty_fasync()): under `enforcerctl run`, the job of the shell
 * outside. A victim makes a pseudo terminal its controlling one (a session
 * of its own, in the foreground); a child in cgroup dir opens it and sets
 * O_ASYNC, and stays; this process then types a line into it.
 */
static int sigio_tty(const char *dir)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), ready[2], status = 0, err = 0;
	bool delivered = false;
	pid_t victim, arranger;
	char name[64], c = 0;

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    ptsname_r(master, name, sizeof(name)) != 0 || pipe(ready) < 0)
		return result(errno);
	victim = fork();
	if (victim < 0)
		return result(errno);
	if (victim == 0) {
		if (setsid() < 0 || open(name, O_RDWR) < 0) /* a session leader's first terminal: its controlling one */
			_exit(errno);
		if (write(ready[1], "v", 1) != 1)
			_exit(errno);
		for (;;)
			pause();
	}
	if (read(ready[0], &c, 1) != 1 || c != 'v') {
		kill(victim, SIGKILL);
		return result(child_result(victim));
	}
	arranger = fork();
	if (arranger < 0)
		return result(errno);
	if (arranger == 0) {
		int fd = -1;

		err = join_cgroup(dir);
		if (!err && (fd = open(name, O_RDWR | O_NOCTTY)) < 0)
			err = errno;
		if (!err && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC) < 0)
			err = errno;
		c = err ? (char)err : 'a';
		if (write(ready[1], &c, 1) != 1 || err)
			_exit(err ? err : EIO);
		for (;;)
			pause();
	}
	if (read(ready[0], &c, 1) != 1 || c != 'a') {
		err = child_result(arranger);
	} else {
		if (write(master, "x\n", 2) != 2)
			err = errno;
		for (int i = 0; i < 20 && !err && !delivered; i++) {
			usleep(50000);
			if (waitpid(victim, &status, WNOHANG) == victim) {
				delivered = WIFSIGNALED(status) && WTERMSIG(status) == SIGIO;
				victim = 0;
				break;
			}
		}
		kill(arranger, SIGKILL);
		waitpid(arranger, NULL, 0);
	}
	if (victim) {
		kill(victim, SIGKILL);
		waitpid(victim, NULL, 0);
	}
	if (err)
		return result(err);
	printf("%s\n", delivered ? "delivered" : "refused");
	return 0;
}

/* n files with an owner each (this process), kept open: how many, and how the next one failed. */
static int sigio_flood(int n, int hold)
{
	struct rlimit rl = { .rlim_cur = (rlim_t)n + 64, .rlim_max = (rlim_t)n + 64 };
	int i, err = 0;

	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return result(errno);
	for (i = 0; i < n; i++) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd < 0 || fcntl(fd, F_SETOWN, getpid()) < 0) {
			err = errno;
			break;
		}
	}
	printf("%d ", i);
	result(err);
	if (hold > 0)
		sleep((unsigned)hold);
	return err ? 1 : 0;
}

/*
 * The arming is the confined task's, the owner someone's outside, set after
 * it: a child in cgroup dir arms a pipe with no owner and waits; this
 * process makes pid the owner; the child writes. The child's result.
 */
static int sigio_owner_after(const char *dir, pid_t pid, int sig)
{
	int p[2], go[2], done[2], err = 0;
	char c = 0;
	pid_t child;

	if (pipe(p) < 0 || pipe(go) < 0 || pipe(done) < 0)
		return result(errno);
	child = fork();
	if (child < 0)
		return result(errno);
	if (child == 0) {
		err = join_cgroup(dir);
		if (!err && arm_sigio(p[0], sig) < 0)
			err = errno;
		c = err ? 'e' : 'a';
		if (write(done[1], &c, 1) != 1 || err)
			_exit(err ? err : EIO);
		if (read(go[0], &c, 1) != 1)
			_exit(EIO);
		if (write(p[1], "x", 1) != 1)
			_exit(errno);
		_exit(0);
	}
	if (read(done[0], &c, 1) != 1 || c != 'a')
		return result(child_result(child));
	if (fcntl(p[0], F_SETOWN, pid) < 0)
		err = errno;
	if (write(go[1], "g", 1) != 1 && !err)
		err = errno;
	if (err) {
		kill(child, SIGKILL);
		child_result(child);
		return result(err);
	}
	return result(child_result(child));
}

/* A child with pid `want`, moved into cgroup dir, running enf-self argv... there. */
static int as_pid(pid_t want, const char *dir, char **argv)
{
	char num[32];
	int status = 0;

	for (int attempt = 0; attempt < 20; attempt++) {
		pid_t pid;
		int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);

		if (fd < 0)
			return result(errno);
		snprintf(num, sizeof(num), "%d", want - 1);
		if (write(fd, num, strlen(num)) < 0)
			return result(errno);
		close(fd);
		pid = fork();
		if (pid < 0)
			return result(errno);
		if (pid == 0) {
			if (getpid() != want)
				_exit(111);
			if (enter_cgroup(dir) < 0)
				_exit(112);
			execv("/proc/self/exe", argv);
			_exit(113);
		}
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 111)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	printf("could not get pid %d\n", want);
	return 1;
}

int main(int argc, char **argv)
{
	union bpf_attr attr;
	const char *op = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&attr, 0, sizeof(attr));
	if (strcmp(op, "bpf-obj-get") == 0 && argc == 3) {
		attr.pathname = (uint64_t)(uintptr_t)argv[2];
		return check(sys_bpf(BPF_OBJ_GET, &attr));
	}
	if (strcmp(op, "bpf-poke") == 0 && argc == 5) {
		unsigned char value[4096] = {};
		uint32_t key = 0, v = (uint32_t)strtoul(argv[4], NULL, 0);
		size_t off = strtoul(argv[3], NULL, 0);
		long fd;

		attr.pathname = (uint64_t)(uintptr_t)argv[2];
		fd = sys_bpf(BPF_OBJ_GET, &attr);
		if (fd < 0 || off + sizeof(v) > sizeof(value))
			return result(fd < 0 ? errno : EINVAL);
		memset(&attr, 0, sizeof(attr));
		attr.map_fd = (uint32_t)fd;
		attr.key = (uint64_t)(uintptr_t)&key;
		attr.value = (uint64_t)(uintptr_t)value;
		if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr) < 0)
			return result(errno);
		memcpy(value + off, &v, sizeof(v));
		return check(sys_bpf(BPF_MAP_UPDATE_ELEM, &attr));
	}
	if (strcmp(op, "bpf-clear") == 0 && argc >= 3) {
		for (int i = 2; i < argc; i++) {
			unsigned char key[1024];
			long fd;

			memset(&attr, 0, sizeof(attr));
			attr.pathname = (uint64_t)(uintptr_t)argv[i];
			fd = sys_bpf(BPF_OBJ_GET, &attr);
			if (fd < 0)
				return result(errno);
			for (;;) {
				memset(&attr, 0, sizeof(attr));
				attr.map_fd = (uint32_t)fd;
				attr.next_key = (uint64_t)(uintptr_t)key;
				if (sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr) < 0)
					break;
				attr.key = (uint64_t)(uintptr_t)key;
				attr.next_key = 0;
				if (sys_bpf(BPF_MAP_DELETE_ELEM, &attr) < 0)
					return result(errno);
			}
			close((int)fd);
		}
		return result(0);
	}
	if (strcmp(op, "bpf-age-profiles") == 0 && argc == 3) {
		uint32_t key, next, *prev = NULL;
		struct enf_profile_val val;
		int n = 0;
		long fd;

		attr.pathname = (uint64_t)(uintptr_t)argv[2];
		fd = sys_bpf(BPF_OBJ_GET, &attr);
		if (fd < 0)
			return result(errno);
		for (;; prev = &key) {
			memset(&attr, 0, sizeof(attr));
			attr.map_fd = (uint32_t)fd;
			attr.key = (uint64_t)(uintptr_t)prev;
			attr.next_key = (uint64_t)(uintptr_t)&next;
			if (sys_bpf(BPF_MAP_GET_NEXT_KEY, &attr) < 0)
				break;
			key = next;
			attr.key = (uint64_t)(uintptr_t)&key;
			attr.value = (uint64_t)(uintptr_t)&val;
			if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &attr) < 0)
				return result(errno);
			val.flags &= (uint8_t)~ENF_PROFILE_MOVE_MARKS;
			val.from_exes = 0;
			if (sys_bpf(BPF_MAP_UPDATE_ELEM, &attr) < 0)
				return result(errno);
			n++;
		}
		printf("%d ", n);
		return result(0);
	}
	if (strcmp(op, "victim") == 0 && argc == 3)
		return victim(argv[2]);
	if (strcmp(op, "ptrace-poke") == 0 && argc == 4)
		return ptrace_poke(atoi(argv[2]), strtoul(argv[3], NULL, 0));
	if (strcmp(op, "mem-write") == 0 && argc == 4)
		return mem_write(argv[2], strtoul(argv[3], NULL, 0));
	if (strcmp(op, "vm-write") == 0 && argc == 4)
		return vm_write(atoi(argv[2]), strtoul(argv[3], NULL, 0));
	if (strcmp(op, "sigio") == 0 && argc == 4)
		return sigio(atoi(argv[2]), atoi(argv[3]));
	if (strcmp(op, "sigio-tcp") == 0 && argc == 4)
		return sigio_tcp(atoi(argv[2]), atoi(argv[3]));
	if (strcmp(op, "sigio-split") == 0 && argc == 7)
		return sigio_split(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]));
	if (strcmp(op, "sigio-handoff") == 0 && argc == 7)
		return sigio_handoff(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]), argv[6]);
	if (strcmp(op, "sigio-tty") == 0 && argc == 3)
		return sigio_tty(argv[2]);
	if (strcmp(op, "sigio-flood") == 0 && (argc == 3 || argc == 4))
		return sigio_flood(atoi(argv[2]), argc == 4 ? atoi(argv[3]) : 0);
	if (strcmp(op, "sigio-owner-after") == 0 && argc == 5)
		return sigio_owner_after(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (strcmp(op, "as-pid") == 0 && argc >= 5) {
		const char *dir = argv[3];

		argv[3] = argv[0]; /* the child runs: enf-self OP... */
		return as_pid(atoi(argv[2]), dir, argv + 3);
	}
	if (strcmp(op, "flock") == 0 && argc == 3) {
		int fd = open(argv[2], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return result(errno);
		return check(flock(fd, LOCK_EX | LOCK_NB));
	}
	if (strcmp(op, "link") == 0 && argc == 4)
		return check(link(argv[2], argv[3]));
	if (strcmp(op, "bpf-next-id") == 0 && argc == 2)
		return check(sys_bpf(BPF_MAP_GET_NEXT_ID, &attr));
	if (strcmp(op, "kill") == 0 && argc == 4)
		return check(kill(atoi(argv[2]), atoi(argv[3])));
	if (strcmp(op, "ptrace") == 0 && argc == 3) {
		pid_t pid = atoi(argv[2]);
		long r = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
		int err = errno;

		if (r == 0) {
			waitpid(pid, NULL, __WALL);
			ptrace(PTRACE_DETACH, pid, NULL, NULL);
		}
		return result(r < 0 ? err : 0);
	}
	if (strcmp(op, "proc-mem") == 0 && argc == 3) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%s/mem", argv[2]);
		return check(open(path, O_RDONLY | O_CLOEXEC));
	}
	if (strcmp(op, "pidfd-getfd") == 0 && argc == 4) {
		long pidfd = syscall(__NR_pidfd_open, atoi(argv[2]), 0);

		if (pidfd < 0)
			return result(errno);
		return check(syscall(__NR_pidfd_getfd, (int)pidfd, atoi(argv[3]), 0));
	}
	if (strcmp(op, "clone-into") == 0 && argc == 3)
		return clone_into(argv[2]);
	if (strcmp(op, "write") == 0 && argc == 4) {
		int fd = open(argv[2], O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0)
			return result(errno);
		return check(write(fd, argv[3], strlen(argv[3])));
	}
	if (strcmp(op, "unlink") == 0 && argc == 3)
		return check(unlink(argv[2]));
	if (strcmp(op, "rmdir") == 0 && argc == 3)
		return check(rmdir(argv[2]));
	if (strcmp(op, "mkdir") == 0 && argc == 3)
		return check(mkdir(argv[2], 0700));
	if (strcmp(op, "rename") == 0 && argc == 4)
		return check(rename(argv[2], argv[3]));
	if (strcmp(op, "mount-tmpfs") == 0 && argc == 3)
		return check(mount("tmpfs", argv[2], "tmpfs", 0, NULL));
	if (strcmp(op, "umount") == 0 && argc == 3)
		return check(umount2(argv[2], MNT_DETACH));
	if (strcmp(op, "connect") == 0 && argc == 3) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[2]);
		return check(connect(s, (struct sockaddr *)&sa, sizeof(sa)));
	}
	fprintf(stderr, "usage: enf-self OP ARGS (see the source)\n");
	return 2;
}
