// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-baseline: one attempt at what the confinement baseline refuses (or,
 * as a control, the same from outside the cgroup), printed as one word:
 * "ok" or the errno name. Used by tests/integration/70-baseline.sh, 88 and
 * the system guests (lib/holds.sh).
 *
 *   bind SRC DST              mount(SRC, DST, MS_BIND)
 *   tmpfs DIR                 mount a tmpfs on DIR
 *   remount-ro DIR            mount(MS_REMOUNT|MS_BIND|MS_RDONLY) of DIR
 *   umount DIR                umount2(DIR, 0)
 *   move-mount SRC DST        open_tree(SRC, OPEN_TREE_CLONE) + move_mount to DST
 *   move-mount-attached SRC DST
 *                             move_mount(2) of the mount at SRC (attached) to DST
 *   userns                    unshare(CLONE_NEWUSER)
 *   setns PID TYPE            setns(2) into /proc/PID/ns/TYPE (user, mnt, net, ...)
 *   setns-fd FD               setns(2) into the namespace file inherited as descriptor FD
 *   swapon FILE [ia32]        swapon(2) of FILE; ia32: the 32-bit syscall (int 0x80)
 *   swapoff FILE              swapoff(2) of FILE
 *   kill PID SIG              kill(2) of PID with signal number SIG
 *   send-as SOCKET PID|self UID GID TEXT
 *                             a datagram with TEXT to the unix socket at SOCKET, carrying
 *                             SCM_CREDENTIALS that name PID (self: the sender's), UID and GID
 *   inotify-hog DIR N SECONDS  inotify watches on N new directories under DIR until the user's
 *                             watches run out (ENOSPC); prints how many it holds, then holds
 *                             them for SECONDS
 *   task-set rlimit-cpu|nice|sched|ioprio|affinity PID
 *                             another process's limits or priority: prlimit(2) of RLIMIT_CPU
 *                             to 1 s (it is killed once it has used that), setpriority(2)
 *                             to nice 19, sched_setscheduler(2) to SCHED_IDLE, ioprio_set(2)
 *                             to the idle class, sched_setaffinity(2) to CPU 0
 *   ioctl32 PATH REQUEST      open PATH for reading and ask ioctl REQUEST (0x... for hex) as a
 *                             32-bit task does (int 0x80: compat_sys_ioctl, decided at
 *                             file_ioctl_compat), a zeroed page below 4 GiB its argument
 *   quotactl PATH sync|getinfo|getquota|setquota|setinfo|quotaoff|quotaon
 *                             a user-quota request to PATH's filesystem: quotactl(2) when
 *                             PATH is a block device, else quotactl_fd(2) on PATH; getquota
 *                             and setquota (block limits of 1 GiB) for uid 65534, setinfo a
 *                             block grace of an hour, quotaon the journalled format (ext4's
 *                             quota feature: its hidden quota files)
 *   fs-stop freeze|thaw|shutdown DIR
 *                             FIFREEZE, FITHAW, or the shutdown ioctl (FS_IOC_SHUTDOWN,
 *                             flag NOLOGFLUSH), on DIR's filesystem
 *   sigio-stop PID            a pipe owned by PID (F_SETOWN) whose signal is SIGSTOP (F_SETSIG,
 *                             O_ASYNC), then a write to it: "ok" when PID is then stopped,
 *                             EPERM when it is not (the kernel sends it in silence)
 *   perf PID CPU              perf_event_open(2) of a software clock sampling user stacks, for
 *                             PID (-1: every process) on CPU (-1: every CPU)
 *   io-uring                  io_uring_setup() of a small ring
 *   ring-exec PROG [ARGS...]  the same ring as descriptor 3, then execv PROG ARGS (a process
 *                             that holds a ring made where it ran before)
 *   iopl                      iopl(3): every I/O port (kernel lockdown refuses it root)
 *   tiocsti CGROUP|- UID [ia32]  a terminal shared with a reader outside: see do_tiocsti()
 *   tioclinux TTY             TIOCLINUX's TIOCL_GETSHIFTSTATE on TTY (a virtual console)
 *   vhangup CGROUP|-          vhangup(2) of a terminal shared with a reader outside: see do_vhangup()
 *   kdskbent TTY              KDSKBENT on TTY (a virtual console): key 30 of the plain map set to
 *                             what KDGKBENT reads there, so nothing changes but the asking
 *   tty-ioctls                a new pseudo terminal's number and window size (TIOCGPTN, TIOCGWINSZ)
 *   ioperm                    ioperm() of port 0x80
 *   write PATH TEXT           open(O_WRONLY) and write TEXT
 *   init-module-junk          init_module() of a junk buffer
 *   finit-module FILE         finit_module() of FILE
 *   kexec-file FILE           kexec_file_load() of FILE (no initrd)
 *   pivot-root ROOT NEW OLD   chroot(ROOT), then pivot_root(NEW, OLD)
 *   fsmount DIR               fsopen("tmpfs") + fsmount, attached at DIR by move_mount
 *   fsopen-create FSTYPE      fsopen(FSTYPE) + fsconfig(CMD_CREATE), nothing mounted: for
 *                             cgroup2, the node's cgroup2 root takes the (no) options
 *   reconfigure DIR ro|rw     fspick(DIR) + fsconfig(FLAG, CMD_RECONFIGURE): a remount
 *                             of the superblock without mount(2)
 *   mount-setattr DIR ro|rw   mount_setattr(2) of DIR's mount: set or clear
 *                             MOUNT_ATTR_RDONLY (the mount's flag, not the superblock's)
 *   mount-setattr-hi DIR ro|rw
 *                             the same, its number passed with bit 32 set: x86-64 runs
 *                             the low 32 bits, the saved orig_ax keeps all 64
 *   request-key TYPE DESC CALLOUT|-
 *                             request_key(2) into the process keyring: with CALLOUT, a
 *                             key nobody holds is constructed by /sbin/request-key
 *                             (run by the kernel as root); "-": a search only
 *   request-key-hi TYPE DESC CALLOUT
 *                             the same request_key(2), its number passed with bit 32 set:
 *                             x86-64 runs the low 32 bits, the saved orig_ax keeps all 64
 *   held-key TYPE DESC        add_key(2) of DESC into the process keyring, then
 *                             request_key(2) of it with a callout: found, nothing built
 *   setxattr PATH NAME VALUE  lsetxattr(2); VALUE "fcap" is a file capability (v2,
 *                             cap_net_raw effective and permitted), "acl" an access ACL
 *                             that gives uid 65534 read and write, else the bytes given
 *   removexattr PATH NAME     lremovexattr(2)
 *   getxattr PATH NAME        lgetxattr(2): "ok" when the attribute is there
 *   io-uring-setxattr PATH NAME VALUE
 *                             the same as setxattr, as an io_uring request run under a
 *                             personality the ring registered before the task's
 *                             credentials changed (an io-wq worker then runs it with
 *                             overridden credentials)
 *
 * Before the operation: --cgroup DIR, --as UID:GID (enf-enter.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/types.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/kd.h>
#include <linux/perf_event.h>
#include <linux/quota.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <unistd.h>

#include "enf-enter.h"

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#ifndef SYS_fspick
#define SYS_fspick 433
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#define IA32_NR_IOCTL 54
#define IA32_NR_SWAPON 87
#define FSCONFIG_SET_FLAG 0
#define FSCONFIG_CMD_CREATE 6
#define FSCONFIG_CMD_RECONFIGURE 7
#ifndef KEXEC_FILE_NO_INITRAMFS
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif

static int report(int err)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { EACCES, "EACCES" }, { ENOENT, "ENOENT" }, { EINVAL, "EINVAL" },
		{ EBUSY, "EBUSY" }, { ENOEXEC, "ENOEXEC" }, { ENOSYS, "ENOSYS" }, { EBADMSG, "EBADMSG" },
		{ ENOKEY, "ENOKEY" }, { EKEYREJECTED, "EKEYREJECTED" }, { EFAULT, "EFAULT" },
		{ EKEYEXPIRED, "EKEYEXPIRED" }, { EDQUOT, "EDQUOT" }, { ENODATA, "ENODATA" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EROFS, "EROFS" }, { EAGAIN, "EAGAIN" }, { EIO, "EIO" },
		{ ENXIO, "ENXIO" }, { ENODEV, "ENODEV" }, { ENOTTY, "ENOTTY" }, { EEXIST, "EEXIST" },
	};

	if (err == 0) {
		printf("ok\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == err) {
			printf("%s\n", names[i].name);
			return 1;
		}
	printf("EOTHER(%d)\n", err);
	return 1;
}

/* A syscall by its 32-bit number (int 0x80), as an ia32 program makes it: -errno on failure. */
static long ia32_syscall3(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

/* A copy of s below 4 GiB, where a 32-bit syscall's pointer can reach it; NULL with errno. */
static char *low_copy(const char *s)
{
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (low == MAP_FAILED)
		return NULL;
	snprintf(low, 4096, "%s", s);
	return low;
}

static int do_ioctl32(const char *path, const char *request)
{
	unsigned long req = strtoul(request, NULL, 0);
	char *low = low_copy("");
	int fd;
	long r;

	if (!low)
		return report(errno);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return report(errno);
	r = ia32_syscall3(IA32_NR_IOCTL, fd, (long)req, (long)low);
	close(fd);
	return report(r < 0 ? (int)-r : 0);
}

static int do_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return report(errno);
	if (write(fd, text, strlen(text)) < 0)
		err = errno;
	close(fd);
	return report(err);
}

/*
 * The values setxattr writes, in the kernel's own formats (the structs of
 * linux/capability.h and linux/posix_acl_xattr.h, little-endian as on x86).
 */
static int do_setxattr(const char *path, const char *name, const char *value)
{
	const __u32 fcap[5] = { 0x02000000u | 1u /* VFS_CAP_REVISION_2 | EFFECTIVE */, 1u << 13 /* CAP_NET_RAW */ };
	/* version 2, then {tag, perm, id}: USER_OBJ rw, USER 65534 rw, GROUP_OBJ r, MASK rw, OTHER r */
	const __u16 acl_entries[] = { 1, 6, 0, 0, 2, 6, 65534, 0, 4, 4, 0, 0, 0x10, 6, 0, 0, 0x20, 4, 0, 0 };
	char acl[4 + sizeof(acl_entries)];
	const void *v = value;
	size_t size = strlen(value);

	if (strcmp(value, "fcap") == 0) {
		v = fcap;
		size = sizeof(fcap);
	} else if (strcmp(value, "acl") == 0) {
		const __u32 version = 2;

		memcpy(acl, &version, 4);
		memcpy(acl + 4, acl_entries, sizeof(acl_entries));
		v = acl;
		size = sizeof(acl);
	}
	return report(lsetxattr(path, name, v, size, 0) < 0 ? errno : 0);
}

/*
 * One IORING_OP_SETXATTR under a registered personality. The personality
 * holds the credentials of the moment it was registered; PR_SET_KEEPCAPS then
 * gives the task new ones (the same ids, another struct cred), so the
 * worker that runs the request overrides its credentials with the
 * personality's, as a ring's other user would.
 */
static int do_io_uring_setxattr(const char *path, const char *name, const char *value)
{
	struct io_uring_params p = {};
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqe;
	unsigned *sq_tail, *sq_array, *cq_head, *cq_tail;
	char *sq, *cq;
	int fd, personality, r;

	fd = (int)syscall(SYS_io_uring_setup, 4, &p);
	if (fd < 0)
		return report(errno);
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe), PROT_READ | PROT_WRITE, MAP_SHARED,
		  fd, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		return report(errno);
	personality = (int)syscall(SYS_io_uring_register, fd, IORING_REGISTER_PERSONALITY, NULL, 0);
	if (personality < 0)
		return report(errno);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return report(errno);
	memset(&sqes[0], 0, sizeof(sqes[0]));
	sqes[0].opcode = IORING_OP_SETXATTR;
	sqes[0].addr = (unsigned long)name;
	sqes[0].addr2 = (unsigned long)value;
	sqes[0].len = (unsigned)strlen(value);
	sqes[0].addr3 = (unsigned long)path;
	sqes[0].personality = (__u16)personality;
	sq_tail = (unsigned *)(sq + p.sq_off.tail);
	sq_array = (unsigned *)(sq + p.sq_off.array);
	sq_array[*sq_tail & (p.sq_entries - 1)] = 0;
	__atomic_store_n(sq_tail, *sq_tail + 1, __ATOMIC_RELEASE);
	r = (int)syscall(SYS_io_uring_enter, fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
	if (r < 0)
		return report(errno);
	cq_head = (unsigned *)(cq + p.cq_off.head);
	cq_tail = (unsigned *)(cq + p.cq_off.tail);
	if (*cq_head == __atomic_load_n(cq_tail, __ATOMIC_ACQUIRE))
		return report(EBUSY);
	cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) + (*cq_head & (p.cq_entries - 1));
	return report(cqe->res < 0 ? -cqe->res : 0);
}

static int do_move_mount(const char *src, const char *dst)
{
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return report(errno);
	if (syscall(SYS_move_mount, fd, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		err = errno;
	close(fd);
	return report(err);
}

/* fsopen(TYPE) + fsconfig(CMD_CREATE): the context's descriptor, or -errno. */
static int fs_created(const char *type)
{
	int fs = (int)syscall(SYS_fsopen, type, 1 /* FSOPEN_CLOEXEC */), err;

	if (fs < 0)
		return -errno;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		err = errno;
		close(fs);
		return -err;
	}
	return fs;
}

static int do_fsmount(const char *dst)
{
	int fs = fs_created("tmpfs"), mnt = -1, err = 0;

	if (fs < 0)
		return report(-fs);
	if ((mnt = (int)syscall(SYS_fsmount, fs, 1 /* FSMOUNT_CLOEXEC */, 0)) < 0 ||
	    syscall(SYS_move_mount, mnt, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		err = errno;
	if (mnt >= 0)
		close(mnt);
	close(fs);
	return report(err);
}

static int do_swapon(const char *file, bool ia32)
{
	char *low;
	long r;

	if (!ia32)
		return report(syscall(SYS_swapon, file, 0) < 0 ? errno : 0);
	low = low_copy(file);
	if (!low)
		return report(errno);
	r = ia32_syscall3(IA32_NR_SWAPON, (long)low, 0, 0);
	return report(r < 0 ? (int)-r : 0);
}

static int do_perf(const char *pid, const char *cpu)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.sample_period = 100000,
		.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_STACK_USER,
		.sample_stack_user = 4096,
		.disabled = 1,
		.exclude_kernel = 1,
	};
	long fd = syscall(SYS_perf_event_open, &attr, atoi(pid), atoi(cpu), -1, PERF_FLAG_FD_CLOEXEC);

	if (fd < 0)
		return report(errno);
	close((int)fd);
	return report(0);
}

static int do_setns_fd(const char *fd)
{
	return report(setns(atoi(fd), 0) < 0 ? errno : 0);
}

static int do_setns(const char *pid, const char *type)
{
	char path[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%s/ns/%s", pid, type);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return report(errno);
	if (setns(fd, 0) < 0)
		err = errno;
	close(fd);
	return report(err);
}

static int do_fsopen_create(const char *type)
{
	int fs = fs_created(type);

	if (fs < 0)
		return report(-fs);
	close(fs);
	return report(0);
}

/* FLAG: "ro" or "rw", a flag fsconfig() takes for every filesystem. */
static int do_reconfigure(const char *dir, const char *flag)
{
	int fd = (int)syscall(SYS_fspick, AT_FDCWD, dir, 1 /* FSPICK_CLOEXEC */), err = 0;

	if (fd < 0)
		return report(errno);
	if (syscall(SYS_fsconfig, fd, FSCONFIG_SET_FLAG, flag, NULL, 0) < 0 ||
	    syscall(SYS_fsconfig, fd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0) < 0)
		err = errno;
	close(fd);
	return report(err);
}

/*
 * mount_setattr(2) of DIR's mount alone: MOUNT_ATTR_RDONLY set ("ro") or
 * cleared ("rw"). The number is passed with high (bit 32) or'ed in.
 */
static int do_mount_setattr(const char *dir, const char *how, long high)
{
	struct {
		__u64 attr_set, attr_clr, propagation, userns_fd;
	} attr = { 0 };

	if (strcmp(how, "ro") == 0)
		attr.attr_set = 0x00000001; /* MOUNT_ATTR_RDONLY */
	else if (strcmp(how, "rw") == 0)
		attr.attr_clr = 0x00000001;
	else
		return report(EINVAL);
	return report(syscall(high | SYS_mount_setattr, AT_FDCWD, dir, 0, &attr, sizeof(attr)) < 0 ? errno : 0);
}

static int do_finit(const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return report(errno);
	if (syscall(SYS_finit_module, fd, "", 0) < 0)
		err = errno;
	close(fd);
	return report(err);
}

/* io_uring_setup() of a small ring: ok, or the errno name. */
static int do_io_uring(void)
{
	struct io_uring_params params;
	long fd;

	memset(&params, 0, sizeof(params));
	fd = syscall(SYS_io_uring_setup, 4, &params);
	if (fd < 0)
		return report(errno);
	close((int)fd);
	return report(0);
}

/* A ring as descriptor 3 (the kernel makes it close-on-exec; dup2() clears that), then exec. */
static int do_ring_exec(char **argv)
{
	struct io_uring_params params;
	long fd;

	memset(&params, 0, sizeof(params));
	fd = syscall(SYS_io_uring_setup, 4, &params);
	/* The ring may be 3 already: dup2() then leaves its close-on-exec flag. */
	if (fd < 0 || dup2((int)fd, 3) < 0 || fcntl(3, F_SETFD, 0) < 0)
		return report(errno);
	execv(argv[0], argv);
	return report(errno);
}

static int do_kexec_file(const char *file)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return report(errno);
	if (syscall(SYS_kexec_file_load, fd, -1, 1UL, "", (unsigned long)KEXEC_FILE_NO_INITRAMFS) < 0)
		err = errno;
	close(fd);
	return report(err);
}

/*
 * Stopping DIR's filesystem for the node. The tests ask it of filesystems
 * that cannot be frozen or shut down (tmpfs), so the kernel's answer
 * outside the cgroup comes after its capability check and stops nothing.
 */
static int do_fs_stop(const char *how, const char *dir)
{
	unsigned long cmd = strcmp(how, "freeze") == 0 ? 0xC0045877UL /* FIFREEZE */ :
			    strcmp(how, "thaw") == 0   ? 0xC0045878UL /* FITHAW */ :
							 0x8004587DUL; /* FS_IOC_SHUTDOWN */
	uint32_t flags = 2; /* FS_SHUTDOWN_FLAGS_NOLOGFLUSH */
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return report(errno);
	if (ioctl(fd, cmd, &flags) < 0)
		err = errno;
	close(fd);
	return report(err);
}

#ifndef SYS_quotactl_fd
#define SYS_quotactl_fd 443 /* every architecture's number (5.14) */
#endif

/* One user-quota request (see the usage above). */
static int do_quotactl(const char *path, const char *what)
{
	static const struct {
		const char *name;
		int cmd;
	} cmds[] = {
		{ "sync", Q_SYNC },	    { "getinfo", Q_GETINFO }, { "getquota", Q_GETQUOTA }, { "setquota", Q_SETQUOTA },
		{ "setinfo", Q_SETINFO },   { "quotaoff", Q_QUOTAOFF }, { "quotaon", Q_QUOTAON },
	};
	struct if_dqblk blk = { .dqb_bhardlimit = 1 << 20, .dqb_bsoftlimit = 1 << 20, .dqb_valid = QIF_BLIMITS };
	struct if_dqinfo info = { .dqi_bgrace = 3600, .dqi_valid = IIF_BGRACE };
	int cmd = -1, id = 65534, fd, err = 0;
	void *addr = NULL;
	struct stat st;
	long r;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(what, cmds[i].name) == 0)
			cmd = cmds[i].cmd;
	if (cmd < 0)
		return report(EINVAL);
	if (cmd == Q_GETQUOTA || cmd == Q_SETQUOTA)
		addr = &blk;
	else if (cmd == Q_GETINFO || cmd == Q_SETINFO)
		addr = &info;
	else if (cmd == Q_QUOTAON)
		id = QFMT_VFS_V1;
	else
		id = 0;
	if (stat(path, &st) < 0)
		return report(errno);
	if (S_ISBLK(st.st_mode))
		return report(syscall(SYS_quotactl, QCMD(cmd, USRQUOTA), path, id, addr) < 0 ? errno : 0);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return report(errno);
	r = syscall(SYS_quotactl_fd, fd, QCMD(cmd, USRQUOTA), id, addr);
	if (r < 0)
		err = errno;
	close(fd);
	return report(err);
}

/* A datagram whose credentials name whoever the caller says (see the usage above). */
static int do_send_as(const char *path, const char *pid, const char *uid, const char *gid, const char *text)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ucred cred = {
		.pid = strcmp(pid, "self") == 0 ? getpid() : (pid_t)atoi(pid),
		.uid = (uid_t)atoi(uid),
		.gid = (gid_t)atoi(gid),
	};
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} control = {};
	struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };
	struct msghdr msg = {
		.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return report(errno);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(cred));
	memcpy(CMSG_DATA(cm), &cred, sizeof(cred));
	if (sendmsg(fd, &msg, 0) < 0)
		err = errno;
	close(fd);
	return report(err);
}

/* Use up the user's inotify watches (see the usage above). */
static int do_inotify_hog(const char *dir, int n, int seconds)
{
	int fd = inotify_init1(IN_CLOEXEC), held = 0, err = 0;
	char path[4096];

	if (fd < 0)
		return report(errno);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%d", dir, i);
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			err = errno;
			break;
		}
		if (inotify_add_watch(fd, path, IN_CREATE) < 0) {
			err = errno;
			break;
		}
		held++;
	}
	printf("%d %s\n", held, err == ENOSPC ? "ENOSPC" : err ? strerror(err) : "ok");
	fflush(stdout);
	sleep((unsigned int)seconds);
	close(fd);
	return 0;
}

/* Another process's limits or priority (see the usage above). */
static int do_task_set(const char *how, const char *pid_text)
{
	pid_t pid = (pid_t)atoi(pid_text);
	long r;

	if (strcmp(how, "rlimit-cpu") == 0) {
		struct rlimit one = { .rlim_cur = 1, .rlim_max = 1 };

		r = syscall(SYS_prlimit64, pid, RLIMIT_CPU, &one, NULL);
	} else if (strcmp(how, "nice") == 0) {
		r = setpriority(PRIO_PROCESS, (id_t)pid, 19);
	} else if (strcmp(how, "sched") == 0) {
		struct sched_param param = { .sched_priority = 0 };

		r = sched_setscheduler(pid, SCHED_IDLE, &param);
	} else if (strcmp(how, "ioprio") == 0) {
		r = syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, pid, 3 << 13 /* IOPRIO_CLASS_IDLE */);
	} else if (strcmp(how, "affinity") == 0) {
		cpu_set_t cpus;

		CPU_ZERO(&cpus);
		CPU_SET(0, &cpus);
		r = sched_setaffinity(pid, sizeof(cpus), &cpus);
	} else {
		return report(EINVAL);
	}
	return report(r < 0 ? errno : 0);
}

/* The state letter of process pid (/proc/PID/stat), or 0. */
static char process_state(pid_t pid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	paren = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
	return paren && paren[1] == ' ' ? paren[2] : 0;
}

/*
 * A signal through file ownership: the kernel sends it from wherever the
 * I/O completes and tells the arranger nothing, so whether it went through
 * is read from the target: SIGSTOP leaves it stopped.
 */
static int do_sigio_stop(const char *pid_arg)
{
	pid_t pid = (pid_t)atoi(pid_arg);
	int p[2];

	if (pipe(p) < 0)
		return report(errno);
	if (fcntl(p[0], F_SETOWN, pid) < 0 || fcntl(p[0], F_SETSIG, SIGSTOP) < 0 ||
	    fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_ASYNC) < 0 || write(p[1], "x", 1) != 1)
		return report(errno);
	for (int i = 0; i < 20; i++) {
		if (process_state(pid) == 'T')
			return report(0);
		usleep(20000);
	}
	return report(EPERM);
}

/*
 * A pseudo terminal shared with a reader outside: this process opens it and
 * keeps *reader, a descriptor of it that does not wait; a child makes it its
 * controlling terminal (a new session; SIGHUP ignored, which vhangup()
 * sends the session leader), moves into CGROUP ("-": stays) and gets 0 back
 * with *tty set. The parent gets the child's pid, or -errno.
 */
static pid_t terminal_child(const char *cgroup, int *reader, int *tty)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC); /* open to the end: the process exits */
	char name[64];
	pid_t child;

	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)) != 0)
		return -errno;
	*reader = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (*reader < 0)
		return -errno;
	child = fork();
	if (child != 0)
		return child < 0 ? -errno : child;
	signal(SIGHUP, SIG_IGN);
	if (setsid() < 0)
		_exit(errno);
	*tty = open(name, O_RDWR); /* a session leader's first terminal becomes its controlling one */
	if (*tty < 0)
		_exit(errno);
	if (strcmp(cgroup, "-") != 0) {
		char procs[4200];
		int fd;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgroup);
		fd = open(procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(errno);
		close(fd);
	}
	return 0;
}

/* What the child of terminal_child() exited with: 0, or the errno it failed with. */
static int child_errno(pid_t child)
{
	int status;

	if (waitpid(child, &status, 0) < 0)
		return errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : EINTR;
}

/*
 * A terminal shared with a reader outside the cgroup, as when `enforcerctl
 * run` starts a command in the caller's terminal: this process opens a
 * pseudo terminal and stays outside; a child makes it its controlling
 * terminal (a new session), moves into CGROUP ("-": stays), becomes UID and
 * pushes "id\n" into the terminal's input (TIOCSTI), as if typed. ok when
 * this process then reads that line from the terminal, as the caller's
 * shell would once the command exits; the child's errno when its ioctl
 * failed; EAGAIN when it claimed success and nothing arrived. With ia32,
 * the ioctl is the 32-bit one (int 0x80: compat_sys_ioctl, which kernels
 * with the file_ioctl_compat hook decide there), its argument below 4 GiB.
 */
static int do_tiocsti(const char *cgroup, const char *uid_arg, bool ia32)
{
	static const char line[] = "id\n";
	uid_t uid = (uid_t)strtoul(uid_arg, NULL, 10);
	int reader = -1, tty = -1, err;
	char got[16] = { 0 };
	pid_t child = terminal_child(cgroup, &reader, &tty);

	if (child < 0)
		return report((int)-child);
	if (child == 0) {
		if (uid != 0 && (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0))
			_exit(errno);
		if (ia32) {
			char *low = low_copy("");

			if (!low)
				_exit(errno);
			for (size_t i = 0; i < sizeof(line) - 1; i++) {
				long r;

				low[0] = line[i];
				r = ia32_syscall3(IA32_NR_IOCTL, tty, TIOCSTI, (long)low);
				if (r < 0)
					_exit((int)-r);
			}
			_exit(0);
		}
		for (size_t i = 0; i < sizeof(line) - 1; i++)
			if (ioctl(tty, TIOCSTI, &line[i]) < 0)
				_exit(errno);
		_exit(0);
	}
	err = child_errno(child);
	if (err)
		return report(err);
	if (read(reader, got, sizeof(got) - 1) != (ssize_t)sizeof(line) - 1 || strcmp(got, line) != 0)
		return report(EAGAIN);
	return report(0);
}

/*
 * vhangup(2) hangs up the caller's terminal and signals its session from
 * the kernel (SIGHUP, SIGCONT). As do_tiocsti(): this process opens a
 * pseudo terminal and stays outside; a child makes it its controlling
 * terminal, moves into CGROUP ("-": stays) and calls vhangup(). ok when
 * this process's descriptor of the terminal is then hung up (a write
 * fails with EIO); the child's errno when vhangup() failed.
 */
static int do_vhangup(const char *cgroup)
{
	int reader = -1, tty = -1, err;
	pid_t child = terminal_child(cgroup, &reader, &tty);

	if (child < 0)
		return report((int)-child);
	if (child == 0)
		_exit(vhangup() < 0 ? errno : 0);
	err = child_errno(child);
	if (err)
		return report(err);
	if (write(reader, "x", 1) == 1)
		return report(EAGAIN); /* claimed, and the terminal still works */
	return report(errno == EIO ? 0 : errno);
}

static int do_kdskbent(const char *tty)
{
	struct kbentry e = { .kb_table = 0, .kb_index = 30 };
	int fd = open(tty, O_RDONLY | O_NOCTTY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return report(errno);
	if (ioctl(fd, KDGKBENT, &e) < 0 || ioctl(fd, KDSKBENT, &e) < 0)
		r = errno;
	close(fd);
	return report(r);
}

/* TIOCLINUX's harmless subcode: the ioctl is refused whole, whatever the subcode. */
static int do_tioclinux(const char *tty)
{
	char sub[2] = { 6 /* TIOCL_GETSHIFTSTATE */, 0 };
	int fd = open(tty, O_RDONLY | O_NOCTTY | O_CLOEXEC), r;

	if (fd < 0)
		return report(errno);
	r = ioctl(fd, TIOCLINUX, sub) < 0 ? errno : 0;
	close(fd);
	return report(r);
}

static int do_tty_ioctls(void)
{
	struct winsize ws;
	unsigned int n;
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return report(errno);
	if (ioctl(fd, TIOCGPTN, &n) < 0 || ioctl(fd, TIOCGWINSZ, &ws) < 0)
		r = errno;
	close(fd);
	return report(r);
}

int main(int argc, char **argv)
{
	static char junk[4096] = "this is not an ELF module";

	setvbuf(stdout, NULL, _IOLBF, 0);
	enter_options(&argc, &argv);
	if (argc == 2 && strcmp(argv[1], "userns") == 0)
		return report(unshare(CLONE_NEWUSER) < 0 ? errno : 0);
	if (argc == 2 && strcmp(argv[1], "io-uring") == 0)
		return do_io_uring();
	if (argc >= 3 && strcmp(argv[1], "ring-exec") == 0)
		return do_ring_exec(argv + 2);
	if (argc == 2 && strcmp(argv[1], "tty-ioctls") == 0)
		return do_tty_ioctls();
	if (argc == 3 && strcmp(argv[1], "tioclinux") == 0)
		return do_tioclinux(argv[2]);
	if (argc == 3 && strcmp(argv[1], "vhangup") == 0)
		return do_vhangup(argv[2]);
	if (argc == 3 && strcmp(argv[1], "kdskbent") == 0)
		return do_kdskbent(argv[2]);
	if (argc == 3 && strcmp(argv[1], "setns-fd") == 0)
		return do_setns_fd(argv[2]);
	if ((argc == 3 || (argc == 4 && strcmp(argv[3], "ia32") == 0)) && strcmp(argv[1], "swapon") == 0)
		return do_swapon(argv[2], argc == 4);
	if (argc == 4 && strcmp(argv[1], "perf") == 0)
		return do_perf(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "ioctl32") == 0)
		return do_ioctl32(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "fs-stop") == 0)
		return do_fs_stop(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "quotactl") == 0)
		return do_quotactl(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "sigio-stop") == 0)
		return do_sigio_stop(argv[2]);
	if (argc == 7 && strcmp(argv[1], "send-as") == 0)
		return do_send_as(argv[2], argv[3], argv[4], argv[5], argv[6]);
	if (argc == 5 && strcmp(argv[1], "inotify-hog") == 0)
		return do_inotify_hog(argv[2], atoi(argv[3]), atoi(argv[4]));
	if (argc == 4 && strcmp(argv[1], "task-set") == 0)
		return do_task_set(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "kill") == 0)
		return report(kill((pid_t)atoi(argv[2]), atoi(argv[3])) < 0 ? errno : 0);
	if (argc == 3 && strcmp(argv[1], "swapoff") == 0)
		return report(syscall(SYS_swapoff, argv[2]) < 0 ? errno : 0);
	if (argc == 2 && strcmp(argv[1], "iopl") == 0)
		return report(syscall(SYS_iopl, 3) < 0 ? errno : 0);
	if (argc == 2 && strcmp(argv[1], "ioperm") == 0)
		return report(syscall(SYS_ioperm, 0x80, 1, 1) < 0 ? errno : 0);
	if (argc == 2 && strcmp(argv[1], "init-module-junk") == 0)
		return report(syscall(SYS_init_module, junk, sizeof(junk), "") < 0 ? errno : 0);
	if ((argc == 4 || (argc == 5 && strcmp(argv[4], "ia32") == 0)) && strcmp(argv[1], "tiocsti") == 0)
		return do_tiocsti(argv[2], argv[3], argc == 5);
	if (argc == 3) {
		const char *op = argv[1], *p = argv[2];

		if (strcmp(op, "tmpfs") == 0)
			return report(mount("none", p, "tmpfs", 0, "size=64k") < 0 ? errno : 0);
		if (strcmp(op, "remount-ro") == 0)
			return report(mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0 ? errno : 0);
		if (strcmp(op, "umount") == 0)
			return report(umount2(p, 0) < 0 ? errno : 0);
		if (strcmp(op, "fsmount") == 0)
			return do_fsmount(p);
		if (strcmp(op, "fsopen-create") == 0)
			return do_fsopen_create(p);
		if (strcmp(op, "finit-module") == 0)
			return do_finit(p);
		if (strcmp(op, "kexec-file") == 0)
			return do_kexec_file(p);
	}
	if (argc == 4) {
		const char *op = argv[1], *a = argv[2], *b = argv[3];

		if (strcmp(op, "bind") == 0)
			return report(mount(a, b, NULL, MS_BIND, NULL) < 0 ? errno : 0);
		if (strcmp(op, "move-mount") == 0)
			return do_move_mount(a, b);
		if (strcmp(op, "move-mount-attached") == 0)
			return report(syscall(SYS_move_mount, AT_FDCWD, a, AT_FDCWD, b, 0) < 0 ? errno : 0);
		if (strcmp(op, "write") == 0)
			return do_write(a, b);
		if (strcmp(op, "removexattr") == 0)
			return report(lremovexattr(a, b) < 0 ? errno : 0);
		if (strcmp(op, "getxattr") == 0)
			return report(lgetxattr(a, b, NULL, 0) < 0 ? errno : 0);
		if (strcmp(op, "setns") == 0)
			return do_setns(a, b);
		if (strcmp(op, "reconfigure") == 0)
			return do_reconfigure(a, b);
		if (strcmp(op, "mount-setattr") == 0)
			return do_mount_setattr(a, b, 0);
		if (strcmp(op, "mount-setattr-hi") == 0)
			return do_mount_setattr(a, b, 1L << 32);
	}
	if (argc == 5 && strcmp(argv[1], "setxattr") == 0)
		return do_setxattr(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "io-uring-setxattr") == 0)
		return do_io_uring_setxattr(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "request-key") == 0) {
		const char *callout = strcmp(argv[4], "-") == 0 ? NULL : argv[4];

		return report(syscall(SYS_request_key, argv[2], argv[3], callout, KEY_SPEC_PROCESS_KEYRING) < 0 ? errno : 0);
	}
	if (argc == 5 && strcmp(argv[1], "request-key-hi") == 0)
		return report(syscall((1L << 32) | SYS_request_key, argv[2], argv[3], argv[4], KEY_SPEC_PROCESS_KEYRING) < 0
				      ? errno : 0);
	if (argc == 4 && strcmp(argv[1], "held-key") == 0) {
		if (syscall(SYS_add_key, argv[2], argv[3], "data", 4, KEY_SPEC_PROCESS_KEYRING) < 0)
			return report(errno);
		return report(syscall(SYS_request_key, argv[2], argv[3], "callout", KEY_SPEC_PROCESS_KEYRING) < 0 ? errno : 0);
	}
	if (argc == 5 && strcmp(argv[1], "pivot-root") == 0) {
		/* Rooted in a mount (the guest's rootfs cannot be pivoted). */
		if (chroot(argv[2]) < 0 || chdir("/") < 0)
			return report(errno);
		return report(syscall(SYS_pivot_root, argv[3], argv[4]) < 0 ? errno : 0);
	}
	fprintf(stderr, "usage: enf-baseline userns | io-uring | init-module-junk | iopl | ioperm | tty-ioctls\n"
		"       | tiocsti CGROUP|- UID [ia32] | tioclinux TTY | vhangup CGROUP|-\n"
		"       | kdskbent TTY\n"
		"       | tmpfs|remount-ro|umount|fsmount|finit-module|kexec-file PATH | fsopen-create FSTYPE\n"
		"       | bind|move-mount|move-mount-attached SRC DST | write PATH TEXT | pivot-root ROOT NEW OLD\n"
		"       | reconfigure|mount-setattr|mount-setattr-hi DIR ro|rw | setns PID TYPE | setns-fd FD\n"
		"       | swapon FILE [ia32] | swapoff FILE | kill PID SIG | perf PID CPU | ioctl32 PATH REQUEST\n"
		"       | quotactl PATH sync|getinfo|getquota|setquota|setinfo|quotaoff|quotaon\n"
		"       | task-set rlimit-cpu|nice|sched|ioprio|affinity PID | inotify-hog DIR N SECONDS\n"
		"       | send-as SOCKET PID|self UID GID TEXT\n"
		"       | request-key TYPE DESC CALLOUT|- | request-key-hi TYPE DESC CALLOUT | held-key TYPE DESC\n"
		"       | setxattr|io-uring-setxattr PATH NAME VALUE | removexattr|getxattr PATH NAME\n");
	return 2;
}
