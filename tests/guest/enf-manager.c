// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-manager: a stand-in for systemd starting a unit, for
 * tests/integration/79-service-manager.sh. Like systemd's forked child
 * (or its systemd-executor, 255 on), it joins the unit's cgroup, builds the
 * unit's sandbox there, then execs the service:
 *
 *   enf-manager CGROUP [--via EXECUTOR] [--pidns-child] [--tmpfs DIR] [--ro DIR] -- PROG [ARGS...]
 *
 *   - forks, as PID 1 does (the manager is what an ungoverned manager task
 *     makes: lsm-progs/cgroup.bpf.h); the parent waits and exits with the
 *     child's status, the child writes its pid into CGROUP/cgroup.procs;
 *   - --via: execs EXECUTOR with the remaining arguments first (the
 *     executor joins nothing: it is in the cgroup already; CGROUP is "-");
 *   - --pidns-child: forks once more before the sandbox, the parent
 *     waiting and the child going on, as systemd 257 does for a unit's
 *     PrivatePIDs= ("(sd-pidns-child)"; in the executor);
 *   - unshare(CLONE_NEWNS), the whole tree made a slave (PrivateTmp=);
 *   - --tmpfs: a tmpfs on DIR (PrivateTmp=, a private /dev);
 *   - --ro: DIR bind-mounted on itself, then remounted read-only
 *     (ProtectSystem=, ReadOnlyPaths=);
 *   - execv PROG.
 * What fails is printed as one word, "STEP:ERRNO" (setup steps: cgroup,
 * via, unshare, slave, tmpfs, bind, ro; exec:ERRNO for the service), and
 * the exit status is 1; what the service prints follows otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

static int failed(const char *step)
{
	printf("%s:%s\n", step, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	fflush(stdout);
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: enf-manager CGROUP|- [--via EXECUTOR] [--pidns-child] [--tmpfs DIR] [--ro DIR] -- PROG [ARGS...]\n");
	return 2;
}

/* Fork; the parent waits for the child and exits as it did. Returns in the child only. */
static void fork_and_wait(void)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		_exit(failed("fork"));
	if (pid == 0)
		return;
	if (waitpid(pid, &status, 0) < 0)
		_exit(failed("wait"));
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
}

int main(int argc, char **argv)
{
	const char *via = NULL, *tmpfs = NULL, *ro = NULL;
	bool pidns_child = false;
	int i;

	if (argc < 4)
		return usage();
	for (i = 2; i < argc && strcmp(argv[i], "--"); i += 2) {
		if (!strcmp(argv[i], "--pidns-child")) {
			pidns_child = true;
			i--;
			continue;
		}
		if (i + 1 >= argc)
			return usage();
		if (!strcmp(argv[i], "--via"))
			via = argv[i + 1];
		else if (!strcmp(argv[i], "--tmpfs"))
			tmpfs = argv[i + 1];
		else if (!strcmp(argv[i], "--ro"))
			ro = argv[i + 1];
		else
			return usage();
	}
	if (i + 1 >= argc)
		return usage();
	if (strcmp(argv[1], "-")) {
		char procs[4096], pid[32];
		int fd, n;

		fork_and_wait();
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", argv[1]);
		n = snprintf(pid, sizeof(pid), "%d\n", getpid());
		fd = open(procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, pid, (size_t)n) != n)
			return failed("cgroup");
		close(fd);
	}
	if (via) {
		/* The executor gets the same arguments, minus the cgroup it is in already and --via. */
		char *args[argc + 1];
		int n = 0;

		args[n++] = (char *)via;
		args[n++] = "-";
		for (int j = 2; j < argc; j++) {
			if (!strcmp(argv[j], "--via") && j < i) {
				j++;
				continue;
			}
			args[n++] = argv[j];
		}
		args[n] = NULL;
		execv(via, args);
		return failed("via");
	}
	if (pidns_child)
		fork_and_wait();
	if (unshare(CLONE_NEWNS) < 0)
		return failed("unshare");
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return failed("slave");
	if (tmpfs && mount("tmpfs", tmpfs, "tmpfs", 0, "mode=0755") < 0)
		return failed("tmpfs");
	if (ro && mount(ro, ro, NULL, MS_BIND | MS_REC, NULL) < 0)
		return failed("bind");
	if (ro && mount(NULL, ro, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		return failed("ro");
	fflush(stdout);
	execv(argv[i + 1], argv + i + 1);
	return failed("exec");
}
