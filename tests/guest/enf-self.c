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
 *   bpf-poke PIN OFF VALUE   set the u32 at OFF in entry 0 of a pinned array map
 *                            (the state test fakes pinned state of another ABI)
 *   bpf-clear PIN...         delete every entry of pinned maps (the kernel's
 *                            policy is gone, as after a reboot; programs stay)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

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
