// SPDX-License-Identifier: GPL-2.0-only
/*
 * enforcerd: loads the BPF-LSM programs, holds the policy maps, serves the
 * control socket and writes audit events. One thread, one epoll loop:
 * control requests, ring-buffer events and signals are handled in turn, so
 * the registry needs no locking.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "control.h"
#include "engine.h"
#include "log.h"
#include "profiles.h"
#include "protocol.h"
#include "util.h"

#define AUDIT_LOG_DEFAULT "/var/log/enforcer/audit.log"
#define TAG_SIGNAL 2
#define TAG_EVENTS 3

struct options {
	const char *socket_path;
	const char *audit_log;
	const char *read_group;
	bool verbose;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: enforcerd [OPTIONS]\n"
		"\n"
		"Loads the enforcer BPF-LSM programs and enforces the profiles that\n"
		"enforcerctl loads and attaches to cgroups.\n"
		"\n"
		"Options:\n"
		"  -s, --socket PATH      control socket (default %s)\n"
		"  -a, --audit-log PATH   audit log, JSON lines; '-' for stdout (default %s)\n"
		"  -g, --read-group NAME  members may run read-only commands (status, list)\n"
		"  -v, --verbose          show the BPF loader's log\n"
		"  -h, --help             show this help\n"
		"\n"
		"Exit status: 0 clean shutdown, 1 this kernel cannot enforce (the message says\n"
		"why and what to change), 2 usage error, 3 other start-up failure.\n",
		ENF_SOCKET_DEFAULT, AUDIT_LOG_DEFAULT);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "audit-log", required_argument, NULL, 'a' },
		{ "read-group", required_argument, NULL, 'g' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	*o = (struct options){ .socket_path = ENF_SOCKET_DEFAULT, .audit_log = AUDIT_LOG_DEFAULT };
	while ((c = getopt_long(argc, argv, "s:a:g:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->socket_path = optarg; break;
		case 'a': o->audit_log = optarg; break;
		case 'g': o->read_group = optarg; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		default:
			fprintf(stderr, "Try 'enforcerd --help'.\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "enforcerd: unexpected argument '%s'. Try 'enforcerd --help'.\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static int make_parent_dir(const char *path)
{
	_cleanup_free_ char *dir = strdup(path);
	char *slash;

	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = 0;
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	static struct profiles profiles; /* large: keep it off the stack */
	struct options opt;
	struct engine engine = {};
	struct audit audit = {};
	struct control control = { .listen_fd = -1 };
	struct epoll_event ev;
	_cleanup_close_ int epfd = -1, sigfd = -1;
	gid_t read_gid = (gid_t)-1;
	sigset_t mask;
	char msg[2048];
	int r, status = 3;
	bool running = true;

	if (parse_args(argc, argv, &opt) < 0)
		return 2;
	if (opt.read_group) {
		struct group *g = getgrnam(opt.read_group);

		if (!g) {
			fprintf(stderr, "enforcerd: no such group '%s' (--read-group)\n", opt.read_group);
			return 2;
		}
		read_gid = g->gr_gid;
	}

	r = engine_start(&engine, opt.verbose, msg, sizeof(msg));
	if (r < 0) {
		fprintf(stderr, "enforcerd: cannot enforce on this kernel: %s\n", msg);
		return 1;
	}
	profiles_init(&profiles, &engine);

	if (strcmp(opt.audit_log, "-") != 0 && (r = make_parent_dir(opt.audit_log)) < 0) {
		log_error_errno(r, "cannot create the directory of %s: %m", opt.audit_log);
		goto out;
	}
	if (audit_open(&audit, opt.audit_log, engine.events_fd, &profiles) < 0)
		goto out;

	epfd = epoll_create1(EPOLL_CLOEXEC);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (epfd < 0 || sigfd < 0) {
		log_error_errno(-errno, "cannot set up the event loop: %m");
		goto out;
	}
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = TAG_SIGNAL };
	epoll_ctl(epfd, EPOLL_CTL_ADD, sigfd, &ev);
	ev = (struct epoll_event){ .events = EPOLLIN, .data.u64 = TAG_EVENTS };
	epoll_ctl(epfd, EPOLL_CTL_ADD, audit_fd(&audit), &ev);

	if (control_open(&control, opt.socket_path, read_gid, epfd, &profiles, &engine, &audit) < 0)
		goto out;

	log_info("ready: BPF-LSM programs attached, control socket %s, audit log %s",
		 opt.socket_path, opt.audit_log);
	while (running) {
		struct epoll_event events[16];
		int n = epoll_wait(epfd, events, 16, 1000);

		if (n < 0 && errno != EINTR) {
			log_error_errno(-errno, "epoll_wait: %m");
			break;
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = events[i].data.u64;

			if (tag == TAG_SIGNAL) {
				struct signalfd_siginfo si;

				while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP) {
						audit_reopen(&audit);
					} else {
						log_info("received %s, shutting down", strsignal((int)si.ssi_signo));
						running = false;
					}
				}
			} else if (tag == TAG_EVENTS) {
				audit_consume(&audit);
			} else if (tag == CONTROL_TAG_LISTEN) {
				control_accept(&control);
			} else if (tag >= CONTROL_TAG_CLIENT) {
				/* Events first, so a client that asks right after a denial sees it logged. */
				audit_consume(&audit);
				control_handle(&control, (int)(tag - CONTROL_TAG_CLIENT));
			}
		}
		control_sweep_idle(&control);
	}
	audit_consume(&audit);
	status = 0;
out:
	control_close(&control);
	audit_close(&audit);
	profiles_free(&profiles);
	engine_stop(&engine);
	return status;
}
