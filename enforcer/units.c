// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harden.h"
#include "log.h"
#include "units.h"
#include "util.h"

#define SHOW_MAX 16384

/* Unit types whose units have a cgroup of their own that processes run in. */
static const char *const cgroup_types[] = { "service", "socket", "mount", "swap", "scope", "slice" };

int unit_name_check(const char *name, char *msg, size_t size)
{
	const char *dot = strrchr(name, '.'), *at = strchr(name, '@');
	size_t n = strlen(name);
	bool typed = false;

	if (n == 0 || n >= UNIT_NAME_MAX ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:-_.\\@") != n) {
		snprintf(msg, size, "'%.300s' is not a unit name: at most %d of the characters A-Z a-z 0-9 : - _ . \\ @ "
			 "(e.g. nginx.service)", name, UNIT_NAME_MAX - 1);
		return -EINVAL;
	}
	for (size_t i = 0; dot && i < ARRAY_SIZE(cgroup_types); i++)
		typed |= strcmp(dot + 1, cgroup_types[i]) == 0;
	if (!dot || dot == name || !typed) {
		snprintf(msg, size, "'%s': name a unit with a cgroup of its own, ending in .service, .socket, .mount, "
			 ".swap, .scope or .slice", name);
		return -EINVAL;
	}
	if (at && at + 1 == dot) {
		snprintf(msg, size, "'%s' is a template: name one of its instances (e.g. %.*s@INSTANCE%s)", name,
			 (int)(at - name), name, dot);
		return -EINVAL;
	}
	return 0;
}

/*
 * systemd's cg_escape(): a cgroup directory named like a kernel file
 * ("cgroup.procs", "memory.max", a name starting with '_' or '.') gets a
 * '_' in front, so a unit named "memory.service" lives in "_memory.service".
 */
static void cg_escape(const char *name, char *out, size_t size)
{
	static const char *const controllers[] = {
		"cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices", "pids", "bpf-firewall", "bpf-devices",
		"bpf-foreign", "bpf-socket-bind", "bpf-restrict-network-interfaces",
	};
	const char *dot = strrchr(name, '.');
	bool prefix = name[0] == '_' || name[0] == '.' || strncmp(name, "cgroup.", 7) == 0 ||
		      strcmp(name, "notify_on_release") == 0 || strcmp(name, "release_agent") == 0 ||
		      strcmp(name, "tasks") == 0;

	for (size_t i = 0; !prefix && dot && i < ARRAY_SIZE(controllers); i++)
		prefix = strlen(controllers[i]) == (size_t)(dot - name) && strncmp(name, controllers[i], (size_t)(dot - name)) == 0;
	snprintf(out, size, "%s%s", prefix ? "_" : "", name);
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "". 0 or -EINVAL. */
static int slice_path(const char *slice, char *out, size_t size)
{
	size_t n = strlen(slice), base, used = 0;

	out[0] = 0;
	if (n < 7 || strcmp(slice + n - 6, ".slice") != 0)
		return -EINVAL;
	base = n - 6;
	if (base == 1 && slice[0] == '-')
		return 0;
	if (slice[0] == '-' || slice[base - 1] == '-')
		return -EINVAL;
	for (size_t i = 0; i <= base; i++) {
		char part[UNIT_NAME_MAX + 8], esc[UNIT_NAME_MAX + 16];
		int w;

		if (i < base && slice[i] != '-')
			continue;
		if (i < base && slice[i + 1] == '-')
			return -EINVAL;
		snprintf(part, sizeof(part), "%.*s.slice", (int)i, slice);
		cg_escape(part, esc, sizeof(esc));
		w = snprintf(out + used, size - used, "/%s", esc);
		if (w < 0 || (size_t)w >= size - used)
			return -ENAMETOOLONG;
		used += (size_t)w;
	}
	return 0;
}

/* The value of "KEY=value" in systemctl show's output, copied into out ("" if absent). */
static void show_value(const char *show, const char *key, char *out, size_t size)
{
	size_t k = strlen(key);

	out[0] = 0;
	for (const char *line = show; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, k) == 0 && line[k] == '=') {
			const char *v = line + k + 1;

			snprintf(out, size, "%.*s", (int)strcspn(v, "\n"), v);
			return;
		}
	}
}

int unit_info_parse(const char *show, const char *root, const char *unit, struct unit_info *ret,
		    char *msg, size_t size)
{
	char id[UNIT_NAME_MAX], load[64], error[512], slice[UNIT_NAME_MAX], cg[PATH_MAX], dir[PATH_MAX], esc[UNIT_NAME_MAX + 8];
	const char *dot;
	int r;

	show_value(show, "Id", id, sizeof(id));
	show_value(show, "LoadState", load, sizeof(load));
	show_value(show, "LoadError", error, sizeof(error));
	show_value(show, "Slice", slice, sizeof(slice));
	show_value(show, "ControlGroup", cg, sizeof(cg));
	if (strcmp(load, "not-found") == 0) {
		snprintf(msg, size, "unit %s does not exist (systemd: %s); check the name with 'systemctl status %s'",
			 unit, error[0] ? error : "not found", unit);
		return -ENOENT;
	}
	if (strcmp(load, "loaded") != 0) {
		snprintf(msg, size, "unit %s cannot be attached: systemd reports it %s%s%s", unit,
			 load[0] ? load : "in no load state", error[0] ? ": " : "", error);
		return -EINVAL;
	}
	if (!id[0])
		snprintf(id, sizeof(id), "%s", unit);
	/* An alias (sshd.service -> ssh.service) names the unit; its cgroup has the unit's name. */
	r = unit_name_check(id, msg, size);
	if (r < 0)
		return r;
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->id, sizeof(ret->id), "%s", id);
	if (cg[0] == '/') {
		ret->running = true;
		r = snprintf(ret->cgroup, sizeof(ret->cgroup), "%s%s", strcmp(root, "/") ? root : "",
			     strcmp(cg, "/") ? cg : "");
		return r > 0 && (size_t)r < sizeof(ret->cgroup) ? 0 : -ENAMETOOLONG;
	}
	/* Not running: where systemd will create it, from its slice. */
	dot = strrchr(id, '.');
	if (strcmp(dot, ".slice") == 0) {
		r = slice_path(id, dir, sizeof(dir));
		if (r == 0 && !dir[0]) {
			snprintf(msg, size, "unit %s is the root slice: it holds every process, enforcerd included; "
				 "attach a unit or slice below it", id);
			return -EINVAL;
		}
		esc[0] = 0;
	} else {
		r = slice[0] ? slice_path(slice, dir, sizeof(dir)) : -EINVAL;
		cg_escape(id, esc, sizeof(esc));
	}
	if (r < 0) {
		snprintf(msg, size, "unit %s: systemd names no usable slice for it (Slice=%s)", id, slice);
		return -EINVAL;
	}
	r = snprintf(ret->cgroup, sizeof(ret->cgroup), "%s%s%s%s", strcmp(root, "/") ? root : "", dir,
		     esc[0] ? "/" : "", esc);
	return r > 0 && (size_t)r < sizeof(ret->cgroup) ? 0 : -ENAMETOOLONG;
}

/* ---- the helper process ------------------------------------------------- */

/* Run systemctl show for one unit; its output (stdout and stderr) into out. Returns its exit status or -errno. */
static int run_show(const char *systemctl, const char *unit, char *out, size_t size)
{
	char *const argv[] = { (char *)"systemctl", (char *)"show", (char *)"--no-pager",
			       (char *)"--property=Id,LoadState,LoadError,Slice,ControlGroup", (char *)"--",
			       (char *)unit, NULL };
	char *const envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *)"LC_ALL=C",
			       (char *)"SYSTEMD_COLORS=0", (char *)"SYSTEMD_PAGER=", NULL };
	struct timespec t0, now;
	size_t used = 0;
	int pipefd[2], wst = 0;
	bool timed_out = false;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -errno;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);

		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execve(systemctl, argv, envp);
		dprintf(2, "cannot run %s: %s", systemctl, strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		long left;
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (UNITS_TIMEOUT_SECONDS - 5) * 1000L - ((now.tv_sec - t0.tv_sec) * 1000L + (now.tv_nsec - t0.tv_nsec) / 1000000L);
		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			kill(pid, SIGKILL);
			snprintf(out, size, "systemctl did not answer within %d s", UNITS_TIMEOUT_SECONDS - 5);
			used = strlen(out);
			timed_out = true;
			break;
		}
		n = read(pipefd[0], out + used, size - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
		if (used == size - 1)
			break;
	}
	out[used] = 0;
	close(pipefd[0]);
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	if (timed_out)
		return -ETIMEDOUT;
	return WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + (WIFSIGNALED(wst) ? WTERMSIG(wst) : 0);
}

static void __attribute__((noreturn)) helper_main(int fd, const char *systemctl)
{
	char req[UNIT_NAME_MAX + 1], out[SHOW_MAX], reply[SHOW_MAX + 64];
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		ssize_t n = recv(fd, req, sizeof(req) - 1, 0);
		int st;

		if (n <= 0)
			_exit(0);   /* the daemon is gone */
		req[n] = 0;
		st = run_show(systemctl, req, out, sizeof(out));
		if (st == 0)
			snprintf(reply, sizeof(reply), "O\n%s", out);
		else if (st == -ETIMEDOUT)
			snprintf(reply, sizeof(reply), "T\n%s", out);
		else if (st < 0)
			snprintf(reply, sizeof(reply), "E\ncannot run %s: %s", systemctl, strerror(-st));
		else
			snprintf(reply, sizeof(reply), "E\n%s show %s failed (exit status %d): %.4000s", systemctl, req, st, out);
		if (send(fd, reply, strlen(reply), MSG_NOSIGNAL) < 0)
			_exit(0);
	}
}

int units_start(struct unit_resolver *u, const char *systemctl, char *msg, size_t size)
{
	struct timeval tv = { .tv_sec = UNITS_TIMEOUT_SECONDS };
	int sv[2];
	pid_t pid;

	memset(u, 0, sizeof(*u));
	u->fd = -1;
	snprintf(u->systemctl, sizeof(u->systemctl), "%s", systemctl);
	if (access("/run/systemd/system", F_OK) < 0)
		return 0;   /* not booted with systemd (sd_booted(3)) */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		int r = -errno;

		snprintf(msg, size, "cannot create the socket of the unit resolver: %s", strerror(-r));
		return r;
	}
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		close(sv[0]);
		close(sv[1]);
		snprintf(msg, size, "cannot fork the unit resolver: %s", strerror(-r));
		return r;
	}
	if (pid == 0) {
		char why[512];

		/* Nothing of the daemon's but stdio (for messages) and its end of the pair. */
		if (dup2(sv[1], 3) < 0 || fcntl(3, F_SETFD, FD_CLOEXEC) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "enforcerd-units");
		if (getppid() == 1)
			_exit(0);   /* the daemon died before PDEATHSIG was set */
		if (harden_helper(why, sizeof(why)) < 0) {
			log_error("unit resolver: %s", why);
			_exit(1);
		}
		helper_main(3, systemctl);
	}
	close(sv[1]);
	u->pid = pid;
	u->fd = sv[0];
	/* A hung systemctl must not hang the daemon: the helper gives up first, this is the backstop. */
	(void)setsockopt(u->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

void units_stop(struct unit_resolver *u)
{
	if (u->fd >= 0)
		close(u->fd);   /* the helper sees EOF and exits */
	u->fd = -1;
	u->pid = 0;
}

int units_resolve(struct unit_resolver *u, const char *root, const char *unit, struct unit_info *ret,
		  char *msg, size_t size)
{
	_cleanup_free_ char *reply = NULL;
	ssize_t n;
	int r;

	r = unit_name_check(unit, msg, size);
	if (r < 0)
		return r;
	if (u->pid == 0 || u->fd < 0) {
		snprintf(msg, size, "unit %s: systemd is not running on this system (PID 1 is not systemd: no "
			 "/run/systemd/system when enforcerd started); attach the cgroup by its path instead", unit);
		return -EOPNOTSUPP;
	}
	reply = malloc(SHOW_MAX + 64);
	if (!reply)
		return -ENOMEM;
	/* An answer left over from a request that timed out is not this one's. */
	while (recv(u->fd, reply, SHOW_MAX + 63, MSG_DONTWAIT) > 0)
		;
	if (send(u->fd, unit, strlen(unit), MSG_NOSIGNAL) < 0) {
		r = -errno;
		snprintf(msg, size, "unit %s: the unit resolver is gone (%s); restart enforcerd", unit, strerror(-r));
		return -EPIPE;
	}
	n = recv(u->fd, reply, SHOW_MAX + 63, 0);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		snprintf(msg, size, "unit %s: systemd did not answer within %d s", unit, UNITS_TIMEOUT_SECONDS);
		return -ETIMEDOUT;
	}
	if (n <= 0) {
		snprintf(msg, size, "unit %s: the unit resolver is gone; restart enforcerd", unit);
		return -EPIPE;
	}
	reply[n] = 0;
	if (reply[0] == 'T') {
		snprintf(msg, size, "unit %s: %s", unit, reply + 2);
		return -ETIMEDOUT;
	}
	if (reply[0] != 'O') {
		snprintf(msg, size, "unit %s: cannot ask systemd: %s", unit, reply + 2);
		return -EIO;
	}
	return unit_info_parse(reply + 2, root, unit, ret, msg, size);
}
