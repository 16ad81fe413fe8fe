// SPDX-License-Identifier: GPL-2.0-only
/*
 * enf-bench: tight timed loops for tests/bench/bench.sh. Each mode runs one
 * operation N times between two CLOCK_MONOTONIC reads and prints one line
 * "ns_per_op=X ops=N failed=F" (F: operations that failed, e.g. denied).
 * Process start-up, the listener and warm-up stay outside the timed loop.
 *
 *   enf-bench openclose PATH N        open(O_RDONLY) + close
 *   enf-bench openalt PATH PATH2 N    the same, PATH and PATH2 in turn: no open is of the
 *                                     name the one before it opened (a task's kept match,
 *                                     lsm-progs/decide.bpf.c, never applies)
 *   enf-bench stat PATH N             stat(2)
 *   enf-bench forkexec PATH N         fork, execv PATH (this binary: "exit"), wait
 *   enf-bench connect PORT N          TCP connect to 127.0.0.1:PORT + close, against
 *                                     a listener this program forks first
 *   enf-bench liveedit CGROUP PATH deny|allow CMD [ARGS...]
 *                                     a child joins CGROUP and waits; CMD runs here;
 *                                     from CMD's exit, the child opens PATH until the
 *                                     verdict is the expected one: prints "ns=X tries=T"
 *   enf-bench exit                    exit 0 at once (the exec target)
 *
 * Exit status: 0 done, 1 an operation failed unexpectedly, 2 usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int report(uint64_t t0, uint64_t t1, long n, long failed)
{
	printf("ns_per_op=%llu ops=%ld failed=%ld\n",
	       (unsigned long long)((t1 - t0) / (uint64_t)n), n, failed);
	return 0;
}

static long parse_count(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n <= 0) {
		fprintf(stderr, "enf-bench: bad count '%s'\n", s);
		exit(2);
	}
	return n;
}

/*
 * Opens of path and path2 in turn (openclose: the same path twice). A
 * denied open (EPERM/EACCES) is counted, not fatal: the audit loop wants
 * denials.
 */
static int bench_openclose(const char *path, const char *path2, long n)
{
	const char *paths[2] = { path, path2 };
	long failed = 0;
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		int fd = open(paths[i & 1], O_RDONLY);

		if (fd < 0) {
			if (errno != EPERM && errno != EACCES) {
				fprintf(stderr, "enf-bench: open %s: %s\n", paths[i & 1], strerror(errno));
				return 1;
			}
			failed++;
			continue;
		}
		close(fd);
	}
	return report(t0, now_ns(), n, failed);
}

static int bench_stat(const char *path, long n)
{
	struct stat st;
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++)
		if (stat(path, &st) < 0) {
			fprintf(stderr, "enf-bench: stat %s: %s\n", path, strerror(errno));
			return 1;
		}
	return report(t0, now_ns(), n, 0);
}

static int bench_forkexec(const char *path, long n)
{
	uint64_t t0 = now_ns();

	for (long i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("enf-bench: fork");
			return 1;
		}
		if (pid == 0) {
			execl(path, path, "exit", (char *)NULL);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "enf-bench: exec %s failed (status 0x%x)\n", path, status);
			return 1;
		}
	}
	return report(t0, now_ns(), n, 0);
}

static int bench_connect(const char *port_s, long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port_s)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, ls, status;
	pid_t pid;
	uint64_t t0;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 128) < 0) {
		perror("enf-bench: listener");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("enf-bench: fork");
		return 1;
	}
	if (pid == 0) {
		for (;;) {
			int c = accept(ls, NULL, NULL);

			if (c >= 0)
				close(c);
		}
	}
	close(ls);
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("enf-bench: connect");
			kill(pid, SIGKILL);
			return 1;
		}
		close(s);
	}
	report(t0, now_ns(), n, 0);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 0;
}

static int join_cgroup(const char *cgroup)
{
	char file[4096];
	FILE *f;

	snprintf(file, sizeof(file), "%s/cgroup.procs", cgroup);
	f = fopen(file, "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f);
}

/*
 * The CLI runs outside the confined cgroup (self-protection keeps confined
 * tasks away from the control socket); the prober runs inside it. Both read
 * the same monotonic clock, so the child reports its own end time.
 */
static int bench_liveedit(const char *cgroup, const char *path, const char *want, char **cmd)
{
	int go[2], back[2], status, want_deny = strcmp(want, "deny") == 0;
	uint64_t t_end = 0, t0;
	long tries = 0;
	pid_t prober, cli;
	char c;

	if (pipe(go) < 0 || pipe(back) < 0) {
		perror("enf-bench: pipe");
		return 1;
	}
	prober = fork();
	if (prober == 0) {
		uint64_t deadline;

		if (join_cgroup(cgroup) < 0) {
			perror("enf-bench: join cgroup");
			_exit(1);
		}
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		deadline = now_ns() + 10000000000ull;
		for (;;) {
			int fd = open(path, O_RDONLY), denied = fd < 0 && (errno == EPERM || errno == EACCES);
			uint64_t t;

			if (fd >= 0)
				close(fd);
			tries++;
			t = now_ns();
			if (denied == want_deny || t > deadline) {
				uint64_t msg[2] = { denied == want_deny ? t : 0, (uint64_t)tries };

				_exit(write(back[1], msg, sizeof(msg)) == sizeof(msg) ? 0 : 1);
			}
		}
	}
	cli = fork();
	if (cli == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (waitpid(cli, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "enf-bench: %s failed (status 0x%x)\n", cmd[0], status);
		kill(prober, SIGKILL);
		return 1;
	}
	t0 = now_ns();
	if (write(go[1], "g", 1) != 1) {
		perror("enf-bench: pipe");
		return 1;
	}
	{
		uint64_t msg[2];

		if (read(back[0], msg, sizeof(msg)) != sizeof(msg))
			return 1;
		t_end = msg[0];
		tries = (long)msg[1];
	}
	waitpid(prober, &status, 0);
	if (t_end == 0) {
		fprintf(stderr, "enf-bench: %s never became %s within 10 s\n", path, want);
		return 1;
	}
	printf("ns=%llu tries=%ld\n", (unsigned long long)(t_end - t0), tries);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: enf-bench openclose|stat|forkexec PATH N | openalt PATH PATH2 N | connect PORT N |\n"
			"       liveedit CGROUP PATH deny|allow CMD [ARGS...] | exit\n");
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && strcmp(argv[1], "exit") == 0)
		return 0;
	if (argc >= 6 && strcmp(argv[1], "liveedit") == 0)
		return bench_liveedit(argv[2], argv[3], argv[4], argv + 5);
	if (argc == 5 && strcmp(argv[1], "openalt") == 0)
		return bench_openclose(argv[2], argv[3], parse_count(argv[4]));
	if (argc != 4)
		return usage();
	if (strcmp(argv[1], "openclose") == 0)
		return bench_openclose(argv[2], argv[2], parse_count(argv[3]));
	if (strcmp(argv[1], "stat") == 0)
		return bench_stat(argv[2], parse_count(argv[3]));
	if (strcmp(argv[1], "forkexec") == 0)
		return bench_forkexec(argv[2], parse_count(argv[3]));
	if (strcmp(argv[1], "connect") == 0)
		return bench_connect(argv[2], parse_count(argv[3]));
	return usage();
}
