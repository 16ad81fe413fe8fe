// SPDX-License-Identifier: GPL-2.0-only
/*
 * enforcerd: loads the BPF-LSM programs (or adopts those an earlier
 * instance pinned), restores the persisted policy, serves the control
 * socket, applies selectors to new cgroups and writes audit events. One
 * thread, one epoll loop: control requests, ring-buffer events, cgroup
 * events and signals are handled in turn, so the registry needs no locking.
 *
 * Enforcement does not depend on this process: maps and links are pinned,
 * so a crash, a SIGKILL or an upgrade leaves every profile in force, and a
 * clean stop does too. Only `enforcerd --cleanup` or `enforcerctl shutdown
 * --remove-enforcement` removes it.
 *
 * As a systemd service (Type=notify, notify.h): READY=1 only once every
 * program is attached and both the persisted state and /etc/enforcer
 * (config.h) are applied, so a unit ordered after enforcerd.service is
 * confined from its first instruction. SIGHUP and `enforcerctl reload`
 * re-read /etc/enforcer (and reopen the audit log); SIGUSR1 only reopens
 * the audit log (logrotate).
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "audit.h"
#include "config_apply.h"
#include "learn.h"
#include "control.h"
#include "decisions.h"
#include "engine.h"
#include "harden.h"
#include "inode_id.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "notify.h"
#include "origin.h"
#include "profiles.h"
#include "protocol.h"
#include "selectors.h"
#include "service_manager.h"
#include "state.h"
#include "time_arg.h"
#include "units.h"
#include "util.h"

#define AUDIT_LOG_DEFAULT "/var/log/enforcer/audit.log"
#define TAG_SIGNAL 2
#define TAG_EVENTS 3
#define TAG_CGROUPS 4

/* Exit statuses (also in --help). */
#define EXIT_CANNOT_ENFORCE 1
#define EXIT_USAGE          2
#define EXIT_FAILURE_OTHER  3
#define EXIT_PINNED_ABI     4

enum harden_mode { HARDEN_ON, HARDEN_OFF, HARDEN_STRICT };

struct options {
	const char *socket_path;
	const char *audit_log;
	const char *read_group;
	const char *pin_dir;
	const char *state_dir;
	const char *config_dir;
	const char *systemctl;
	const char *service_manager; /* service_manager.h */
	const char *metrics_listen;
	bool metrics_allow_remote;
	bool verbose;
	bool cleanup;
	bool migrate;
	bool reload;
	bool verifier_stats;
	bool self_protect;
	enum harden_mode harden;
	unsigned event_rate;   /* records per second per (cgroup, rule); 0: no limit */
};

#define EVENT_RATE_DEFAULT 20

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: enforcerd [OPTIONS]\n"
		"\n"
		"Loads the enforcer BPF-LSM programs and enforces the profiles that\n"
		"enforcerctl loads and attaches to cgroups. Maps and program links are\n"
		"pinned: enforcement stays in force when the daemon stops, crashes or is\n"
		"upgraded, and a new daemon adopts it without a gap.\n"
		"\n"
		"Options:\n"
		"  -s, --socket PATH      control socket (default %s)\n"
		"  -a, --audit-log PATH   audit log, JSON lines (docs/events.md); '-' for stdout,\n"
		"                         'syslog' or 'syslog:SOCKET' for syslog (default %s)\n"
		"      --event-rate N     events delivered per second per cgroup and rule; beyond\n"
		"                         that they are counted in summary records (default %d;\n"
		"                         0: no limit)\n"
		"  -g, --read-group NAME  members may run read-only commands (status, list, show,\n"
		"                         events, stats)\n"
		"  -p, --pin-dir DIR      bpffs directory for maps and links (default %s)\n"
		"  -d, --state-dir DIR    persisted profiles and attachments (default %s)\n"
		"  -c, --config-dir DIR   declared profiles and attachments, applied at start and\n"
		"                         on reload (docs/configuration.md; default %s; a missing\n"
		"                         directory declares nothing)\n"
		"      --systemctl PATH   the systemctl that resolves --unit attachments (default %s)\n"
		"      --service-manager auto|none|PATH[:PATH...]\n"
		"                         executables whose tasks prepare a unit in its confined\n"
		"                         cgroup before the service's first exec, which the\n"
		"                         profile decides (default auto: PID 1 if it is systemd,\n"
		"                         and its systemd-executor)\n"
		"      --cleanup          remove all enforcement: unpin everything, delete the\n"
		"                         persisted state, and exit (refused while a daemon runs;\n"
		"                         use 'enforcerctl shutdown --remove-enforcement' then)\n"
		"      --migrate          pinned state of another ABI version: rebuild the policy\n"
		"                         from the state directory, then detach the old programs\n"
		"      --reload           load and attach the programs even when the pinned ones\n"
		"                         are this build's (by default they are adopted as they are)\n"
		"      --harden=MODE      on (default): drop capabilities and install a seccomp\n"
		"                         filter after start-up, log loudly if that fails;\n"
		"                         strict: exit if it fails; off: do neither\n"
		"      --no-self-protect  do not protect the engine from confined tasks\n"
		"      --metrics-listen ADDR:PORT\n"
		"                         serve Prometheus metrics at http://ADDR:PORT/metrics\n"
		"                         (off by default; loopback addresses only, e.g.\n"
		"                         127.0.0.1:9464 or [::1]:9464)\n"
		"      --metrics-allow-remote  let --metrics-listen take a non-loopback address\n"
		"      --verifier-stats   log what verifying each program cost (time, instructions;\n"
		"                         start-up time is mostly this); not with --verbose\n"
		"  -v, --verbose          show the BPF loader's log\n"
		"  -h, --help             show this help\n"
		"\n"
		"Exit status: 0 clean shutdown, 1 this kernel cannot enforce (the message says\n"
		"why and what to change), 2 usage error, 3 other start-up failure (among them:\n"
		"another enforcerd runs on the same pin directory), 4 the pinned state has\n"
		"another ABI version (see --migrate and --cleanup).\n"
		"\n"
		"Signals: SIGHUP re-reads the configuration directory and reopens the audit log\n"
		"(as 'enforcerctl reload' does); SIGUSR1 only reopens the audit log; SIGTERM stops\n"
		"the daemon, leaving enforcement in force.\n",
		ENF_SOCKET_DEFAULT, AUDIT_LOG_DEFAULT, EVENT_RATE_DEFAULT, ENF_PIN_DIR_DEFAULT, STATE_DIR_DEFAULT,
		CONFIG_DIR_DEFAULT, UNITS_SYSTEMCTL_DEFAULT);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_CLEANUP = 256, OPT_MIGRATE, OPT_RELOAD, OPT_HARDEN, OPT_NO_SELF, OPT_METRICS, OPT_METRICS_REMOTE, OPT_EVENT_RATE,
	       OPT_VERIFIER_STATS, OPT_SYSTEMCTL, OPT_SERVICE_MANAGER };
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "audit-log", required_argument, NULL, 'a' },
		{ "read-group", required_argument, NULL, 'g' },
		{ "pin-dir", required_argument, NULL, 'p' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ "config-dir", required_argument, NULL, 'c' },
		{ "systemctl", required_argument, NULL, OPT_SYSTEMCTL },
		{ "service-manager", required_argument, NULL, OPT_SERVICE_MANAGER },
		{ "cleanup", no_argument, NULL, OPT_CLEANUP },
		{ "migrate", no_argument, NULL, OPT_MIGRATE },
		{ "reload", no_argument, NULL, OPT_RELOAD },
		{ "verifier-stats", no_argument, NULL, OPT_VERIFIER_STATS },
		{ "harden", required_argument, NULL, OPT_HARDEN },
		{ "no-self-protect", no_argument, NULL, OPT_NO_SELF },
		{ "metrics-listen", required_argument, NULL, OPT_METRICS },
		{ "metrics-allow-remote", no_argument, NULL, OPT_METRICS_REMOTE },
		{ "event-rate", required_argument, NULL, OPT_EVENT_RATE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	*o = (struct options){ .socket_path = ENF_SOCKET_DEFAULT, .audit_log = AUDIT_LOG_DEFAULT,
			       .pin_dir = ENF_PIN_DIR_DEFAULT, .state_dir = STATE_DIR_DEFAULT,
			       .config_dir = CONFIG_DIR_DEFAULT, .systemctl = UNITS_SYSTEMCTL_DEFAULT,
			       .service_manager = "auto",
			       .self_protect = true, .harden = HARDEN_ON, .event_rate = EVENT_RATE_DEFAULT };
	while ((c = getopt_long(argc, argv, "s:a:g:p:d:c:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->socket_path = optarg; break;
		case 'a': o->audit_log = optarg; break;
		case 'g': o->read_group = optarg; break;
		case 'p': o->pin_dir = optarg; break;
		case 'd': o->state_dir = optarg; break;
		case 'c': o->config_dir = optarg; break;
		case OPT_SYSTEMCTL: o->systemctl = optarg; break;
		case OPT_SERVICE_MANAGER: o->service_manager = optarg; break;
		case 'v': o->verbose = true; break;
		case OPT_CLEANUP: o->cleanup = true; break;
		case OPT_MIGRATE: o->migrate = true; break;
		case OPT_RELOAD: o->reload = true; break;
		case OPT_VERIFIER_STATS: o->verifier_stats = true; break;
		case OPT_NO_SELF: o->self_protect = false; break;
		case OPT_METRICS: o->metrics_listen = optarg; break;
		case OPT_METRICS_REMOTE: o->metrics_allow_remote = true; break;
		case OPT_EVENT_RATE: {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || optarg[0] == '-' || v > 1000000) {
				fprintf(stderr, "enforcerd: --event-rate takes a number of events per second "
					"from 0 (no limit) to 1000000, not '%s'\n", optarg);
				return -EINVAL;
			}
			o->event_rate = (unsigned)v;
			break;
		}
		case OPT_HARDEN:
			if (strcmp(optarg, "on") == 0) {
				o->harden = HARDEN_ON;
			} else if (strcmp(optarg, "off") == 0) {
				o->harden = HARDEN_OFF;
			} else if (strcmp(optarg, "strict") == 0) {
				o->harden = HARDEN_STRICT;
			} else {
				fprintf(stderr, "enforcerd: --harden takes on, off or strict, not '%s'\n", optarg);
				return -EINVAL;
			}
			break;
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
	if (o->metrics_listen) {
		struct sockaddr_storage sa;
		socklen_t len;
		char err[512];

		/* Checked here too, so a typo is a usage error before anything is loaded. */
		if (metrics_http_parse(o->metrics_listen, o->metrics_allow_remote, &sa, &len, err, sizeof(err)) < 0) {
			fprintf(stderr, "enforcerd: %s\n", err);
			return -EINVAL;
		}
	}
	if (o->service_manager) {
		char err[512];

		if (service_manager_spec_valid(o->service_manager, err, sizeof(err)) < 0) {
			fprintf(stderr, "enforcerd: %s\n", err);
			return -EINVAL;
		}
	}
	if (o->pin_dir[0] != '/' || o->state_dir[0] != '/' || o->config_dir[0] != '/' || o->systemctl[0] != '/') {
		fprintf(stderr, "enforcerd: --pin-dir, --state-dir, --config-dir and --systemctl must be absolute paths\n");
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

/* `enforcerd --cleanup`: everything goes, but never from under a running daemon. */
static int cleanup(const struct options *o)
{
	char msg[1024];
	int sock = -1, r;

	if (proto_connect(o->socket_path, &sock) == 0) {
		close(sock);
		fprintf(stderr, "enforcerd: a daemon is serving %s; stop it and remove enforcement with "
			"'enforcerctl shutdown --remove-enforcement' instead\n", o->socket_path);
		return EXIT_FAILURE_OTHER;
	}
	r = engine_remove_pins(o->pin_dir, msg, sizeof(msg));
	if (r < 0) {
		fprintf(stderr, "enforcerd: %s\n", msg);
		return EXIT_FAILURE_OTHER;
	}
	r = state_remove_all(o->state_dir);
	if (r < 0) {
		fprintf(stderr, "enforcerd: cannot remove the state in %s: %s\n", o->state_dir, strerror(-r));
		return EXIT_FAILURE_OTHER;
	}
	printf("enforcerd: removed all enforcement: pins under %s, state in %s\n", o->pin_dir, o->state_dir);
	return 0;
}

static int protected_key(const char *path, struct enf_self_inode_key *key)
{
	uint64_t dev, ino;
	/* PID 1's executables are named by its /proc links (service_manager.c): its mounts, not ours. */
	int r = !strncmp(path, "/proc/1/", 8) ? inode_identity_in(1, path, &dev, &ino)
					      : inode_identity(NULL, path, &dev, &ino);

	if (r < 0)
		return r;
	*key = (struct enf_self_inode_key){ .dev = dev, .ino = ino };
	return 0;
}

/*
 * What confined tasks may not change: the state directory, the socket's
 * directory, the configuration directory (and its profiles/ and
 * attachments.d/, those that exist) and the audit log (plus, by file system type, bpffs and the
 * cgroup.* files; see lsm-progs/self.bpf.c); and the service manager's
 * executables, whose tasks are the manager's (service_manager.h). The new
 * set is written before entries of an earlier daemon, log file or manager
 * go, so nothing is unprotected in between; inodes of an earlier boot mean
 * nothing and are removed.
 */
static void protect_files(struct engine *e, const struct options *o)
{
	_cleanup_free_ char *sockdir = strdup(o->socket_path);
	char conf_profiles[PATH_MAX], conf_att[PATH_MAX];
	char managers[SERVICE_MANAGER_MAX][PATH_MAX];
	struct { const char *path; enum enf_self_kind kind; } want[6 + SERVICE_MANAGER_MAX];
	struct enf_self_inode_key keys[ARRAY_SIZE(want)], key, next;
	size_t n = 0, k = 0, nmanagers;
	bool more;

	if (e->self_inodes_fd < 0)
		return;
	want[n++] = (typeof(want[0])){ o->state_dir, ENF_SELF_DIR };
	if (sockdir && strrchr(sockdir, '/') && strrchr(sockdir, '/') != sockdir) {
		*strrchr(sockdir, '/') = 0;
		want[n++] = (typeof(want[0])){ sockdir, ENF_SELF_DIR };
	}
	if (audit_log_is_file(o->audit_log))
		want[n++] = (typeof(want[0])){ o->audit_log, ENF_SELF_FILE };
	/* What decides the policy at the next reload is as much the engine's as the state. */
	snprintf(conf_profiles, sizeof(conf_profiles), "%s/profiles", o->config_dir);
	snprintf(conf_att, sizeof(conf_att), "%s/attachments.d", o->config_dir);
	want[n++] = (typeof(want[0])){ o->config_dir, ENF_SELF_DIR };
	want[n++] = (typeof(want[0])){ conf_profiles, ENF_SELF_DIR };
	want[n++] = (typeof(want[0])){ conf_att, ENF_SELF_DIR };
	nmanagers = service_manager_paths(o->service_manager, managers, SERVICE_MANAGER_MAX);
	for (size_t i = 0; i < nmanagers; i++)
		want[n++] = (typeof(want[0])){ managers[i], ENF_SELF_MANAGER };
	for (size_t i = 0; i < n; i++) {
		struct enf_self_inode_val val = { .kind = want[i].kind };

		if (protected_key(want[i].path, &keys[k]) < 0) {
			if (want[i].kind == ENF_SELF_MANAGER)
				log_warn("service manager executable %s: %m; its tasks in confined cgroups are "
					 "decided by the profile", want[i].path);
			continue;
		}
		if (bpf_map_update_elem(e->self_inodes_fd, &keys[k], &val, BPF_ANY) < 0) {
			log_warn("cannot protect %s from confined tasks: %m", want[i].path);
			continue;
		}
		if (want[i].kind == ENF_SELF_MANAGER)
			log_info("service manager executable: %s (inode %" PRIu64 ":%" PRIu64 ")", want[i].path,
				 (uint64_t)keys[k].dev, (uint64_t)keys[k].ino);
		k++;
	}
	if (!strcmp(o->service_manager, "auto") && !nmanagers)
		log_info("PID 1 is not systemd: no service manager tasks; units' setup steps are decided by the profile");
	/* Then the stale ones (the previous key is deleted once the next is known). */
	more = bpf_map_get_next_key(e->self_inodes_fd, NULL, &next) == 0;
	while (more) {
		bool stale = true;

		key = next;
		more = bpf_map_get_next_key(e->self_inodes_fd, &key, &next) == 0;
		for (size_t i = 0; i < k; i++)
			stale &= memcmp(&keys[i], &key, sizeof(key)) != 0;
		if (stale)
			(void)bpf_map_delete_elem(e->self_inodes_fd, &key);
	}
}

/* The kernel's event budget (lsm-progs/event.bpf.c): rate records per second per key. */
static int write_event_limits(struct engine *e, unsigned rate)
{
	struct enf_event_limits lim = { .burst = rate, .window_ms = 1000 };
	int fd = engine_map_fd(e, "event_limits");
	__u32 zero = 0;

	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &zero, &lim, BPF_ANY) < 0)
		return -errno;
	return 0;
}

static void epoll_add(int epfd, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	if (fd >= 0)
		epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int main(int argc, char **argv)
{
	static struct profiles profiles; /* large: keep it off the stack */
	static struct control control;
	static struct decisions decisions;
	static struct metrics_http http = { .listen_fd = -1 };
	struct options opt;
	struct engine engine = {};
	struct engine_options eopt;
	struct audit audit = {};
	struct selectors selectors = { .fd = -1 };
	struct state_store state = {};
	struct service_manager_seen pid1 = {};
	struct learn learn = {};
	static struct origins origins;
	static struct config_status config;
	static struct unit_resolver units = { .fd = -1 };
	static struct notify notify = { .fd = -1 };
	json_t *changes = NULL;
	struct daemon_info info = { .started = time(NULL) };
	_cleanup_close_ int epfd = -1, sigfd = -1;
	gid_t read_gid = (gid_t)-1;
	sigset_t mask;
	char msg[2048];
	int r, status = EXIT_FAILURE_OTHER;
	bool running = true;
	time_t last_summary = time(NULL);

	if (parse_args(argc, argv, &opt) < 0)
		return EXIT_USAGE;
	if (opt.cleanup)
		return cleanup(&opt);
	if (opt.read_group) {
		struct group *g = getgrnam(opt.read_group);

		if (!g) {
			fprintf(stderr, "enforcerd: no such group '%s' (--read-group)\n", opt.read_group);
			return EXIT_USAGE;
		}
		read_gid = g->gr_gid;
	}

	if (notify_open(&notify, msg, sizeof(msg)) < 0)
		log_warn("%s", msg);
	config.dir = strdup(opt.config_dir);
	if (!config.dir)
		return EXIT_FAILURE_OTHER;
	/* Before anything is loaded: the helper must hold no BPF object (units.h). */
	signal(SIGCHLD, SIG_IGN);   /* a helper that dies is reaped; the filter allows no wait() */
	if (units_start(&units, opt.systemctl, msg, sizeof(msg)) < 0)
		log_warn("%s; units cannot be attached", msg);
	(void)notify_status(&notify, NULL, "Loading the BPF-LSM programs (the kernel verifies each one)");

	eopt = (struct engine_options){ .pin_dir = opt.pin_dir, .verbose = opt.verbose, .migrate = opt.migrate,
				      .reload = opt.reload, .verifier_stats = opt.verifier_stats };
	r = engine_start(&engine, &eopt, msg, sizeof(msg));
	if (r < 0)
		(void)notify_status(&notify, NULL, msg);
	if (r == -EPROTO) {
		fprintf(stderr, "enforcerd: %s\n", msg);
		return EXIT_PINNED_ABI;
	}
	if (r == -EBUSY) {
		fprintf(stderr, "enforcerd: %s\n", msg);
		return EXIT_FAILURE_OTHER;
	}
	if (r < 0) {
		fprintf(stderr, "enforcerd: cannot enforce on this kernel: %s\n", msg);
		return EXIT_CANNOT_ENFORCE;
	}
	info.pin_dir = opt.pin_dir;
	info.adopted = engine.adopted;
	info.self_protection = opt.self_protect;
	snprintf(info.hardening, sizeof(info.hardening), "off");
	if (engine.adopted)
		log_info("adopted the enforcement pinned in %s by an earlier enforcerd%s", opt.pin_dir,
			 engine.reused_programs ? " (its programs are this build's: kept as they are)" :
			 " (this build's programs replaced its programs without a gap)");

	profiles_init(&profiles, &engine);
	if (state_open(&state, opt.state_dir, &origins, msg, sizeof(msg)) < 0) {
		log_error("%s", msg);
		goto out;
	}
	if (selectors_init(&selectors, &profiles, msg, sizeof(msg)) < 0) {
		log_error("%s", msg);
		goto out;
	}
	if (audit_log_is_file(opt.audit_log) && (r = make_parent_dir(opt.audit_log)) < 0) {
		log_error_errno(r, "cannot create the directory of %s: %m", opt.audit_log);
		goto out;
	}
	if (audit_open(&audit, opt.audit_log, &engine, &profiles) < 0)
		goto out;
	if (learn_init(&learn, opt.state_dir, &profiles, &engine) < 0)
		goto out;
	r = write_event_limits(&engine, opt.event_rate);
	if (r < 0) {
		log_error_errno(r, "cannot set the event rate limit: %m");
		goto out;
	}
	if (decisions_init(&decisions, time_now_usec()) < 0) {
		log_error("out of memory for the decision store");
		goto out;
	}
	control = (struct control){ .listen_fd = -1, .profiles = &profiles, .engine = &engine, .audit = &audit,
				    .selectors = &selectors, .state = &state, .learn = &learn, .info = &info,
				    .decisions = &decisions, .origins = &origins, .units = &units, .config = &config,
				    .notify = &notify };
	audit.on_event = control_on_event;
	audit.on_event_ctx = &control;
	audit.on_learn = learn_on_record;
	audit.on_learn_ctx = &learn;

	/* The registry and the kernel agree with the persisted state before anyone can ask. */
	r = state_restore(&state, &profiles, &selectors, msg, sizeof(msg));
	if (r < 0) {
		log_error("%s", msg);
		goto out;
	}
	learn_resume(&learn);
	/*
	 * Then what /etc declares, before anyone is told the daemon is ready. A
	 * configuration with errors is refused whole: the persisted state stays
	 * in force and status says why (enforcement must not lapse for a typo).
	 */
	(void)notify_status(&notify, NULL, "Applying the configuration");
	if (config_reload(&control, false, &changes, msg, sizeof(msg)) < 0)
		log_error("%s not applied (the persisted state is in force): %s", opt.config_dir, msg);
	json_decref(changes);
	if (engine.migrated_from) {
		r = engine_drop_migrated(&engine);
		if (r < 0)
			log_warn("cannot remove the old pinned state %s: %s", engine.migrated_from, strerror(-r));
		else
			log_info("migrated: the programs of the old ABI are detached");
	}

	epfd = epoll_create1(EPOLL_CLOEXEC);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (epfd < 0 || sigfd < 0) {
		log_error_errno(-errno, "cannot set up the event loop: %m");
		goto out;
	}
	epoll_add(epfd, sigfd, TAG_SIGNAL);
	epoll_add(epfd, audit_fd(&audit), TAG_EVENTS);
	epoll_add(epfd, selectors_fd(&selectors), TAG_CGROUPS);

	if (control_open(&control, opt.socket_path, read_gid, epfd) < 0)
		goto out;
	/* Before hardening: socket(), bind() and listen() are not in the seccomp allow-list. */
	if (opt.metrics_listen) {
		http.render = metrics_prometheus_text;
		http.render_ctx = &control;
		if (metrics_http_open(&http, opt.metrics_listen, opt.metrics_allow_remote, epfd, msg, sizeof(msg)) < 0) {
			log_error("%s", msg);
			goto out;
		}
		control.http = &http;
		log_info("serving metrics at http://%s/metrics", opt.metrics_listen);
	}
	engine.config.control_sock_ino = control_socket_ino(&control);
	engine.config.self_flags = opt.self_protect ? ENF_SELF_PROTECT : 0;
	r = engine_write_config(&engine);
	if (r < 0)
		log_warn("cannot write the self-protection settings: %s", strerror(-r));
	protect_files(&engine, &opt);

	if (opt.harden != HARDEN_OFF) {
		r = harden_apply(msg, sizeof(msg));
		if (r < 0 && opt.harden == HARDEN_STRICT) {
			log_error("cannot harden the daemon: %s (--harden=strict)", msg);
			goto out;
		}
		if (r < 0) {
			log_error("NOT HARDENED: %s; the daemon runs with all its privileges", msg);
			snprintf(info.hardening, sizeof(info.hardening), "failed: %.200s", msg);
		} else {
			snprintf(info.hardening, sizeof(info.hardening), "capabilities and seccomp");
		}
	}

	log_info("ready: %s, control socket %s, audit log %s, state %s, configuration %s",
		 engine.adopted ? "adopted the pinned programs" : "BPF-LSM programs attached",
		 opt.socket_path, opt.audit_log, opt.state_dir, opt.config_dir);
	control_status_line(&control, msg, sizeof(msg));
	(void)notify_status(&notify, "READY=1", msg);
	(void)service_manager_moved(opt.service_manager, &pid1);
	while (running) {
		struct epoll_event events[16];
		int n = epoll_wait(epfd, events, 16, 1000);

		if (n < 0 && errno != EINTR) {
			log_error_errno(-errno, "epoll_wait: %m");
			break;
		}
		if (service_manager_moved(opt.service_manager, &pid1)) {
			log_info("PID 1 runs another executable now; the service manager's identities are written again");
			protect_files(&engine, &opt);
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = events[i].data.u64;

			if (tag == TAG_SIGNAL) {
				struct signalfd_siginfo si;

				while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGHUP || si.ssi_signo == SIGUSR1) {
						audit_reopen(&audit);
						if (si.ssi_signo == SIGHUP && config_reload(&control, true, &changes, msg, sizeof(msg)) == 0)
							json_decref(changes);
						protect_files(&engine, &opt);
					} else {
						log_info("received %s, shutting down; enforcement stays in force",
							 strsignal((int)si.ssi_signo));
						running = false;
					}
				}
			} else if (tag == TAG_EVENTS) {
				audit_consume(&audit);
			} else if (tag == TAG_CGROUPS) {
				selectors_handle(&selectors);
			} else if (tag == METRICS_TAG_LISTEN) {
				metrics_http_accept(&http);
			} else if (tag >= METRICS_TAG_CLIENT && tag < METRICS_TAG_CLIENT + METRICS_HTTP_MAX_CLIENTS) {
				/* Events first, so a scrape right after a decision counts it. */
				audit_consume(&audit);
				metrics_http_handle(&http, (int)(tag - METRICS_TAG_CLIENT));
			} else if (tag == CONTROL_TAG_LISTEN) {
				control_accept(&control);
			} else if (tag >= CONTROL_TAG_CLIENT) {
				/* Events first, so a client that asks right after a denial sees it logged. */
				audit_consume(&audit);
				control_handle(&control, (int)(tag - CONTROL_TAG_CLIENT));
			}
		}
		if (selectors.dirty) {
			selectors.dirty = false;
			(void)state_save(&state, &profiles, &selectors);
		}
		/* What the rate limit held back, once a second: counts, not a storm. */
		if (time(NULL) != last_summary) {
			last_summary = time(NULL);
			audit_summarize(&audit);
		}
		control_sweep_idle(&control);
		metrics_http_sweep(&http);
		if (control.shutdown)
			running = false;
	}
	(void)notify_status(&notify, "STOPPING=1", control.remove_enforcement ? "Stopping and removing all enforcement" :
			    "Stopping; enforcement stays in force (pinned)");
	audit_summarize(&audit);
	status = 0;
	if (control.remove_enforcement) {
		r = engine_remove_pins(opt.pin_dir, msg, sizeof(msg));
		if (r < 0) {
			log_error("%s", msg);
			status = EXIT_FAILURE_OTHER;
		}
		r = state_remove_all(opt.state_dir);
		if (r < 0)
			log_error("cannot remove the state in %s: %s", opt.state_dir, strerror(-r));
		log_info("removed all enforcement (pins and state); the programs detach as the daemon exits");
	} else {
		/* The daemon is gone: nothing to shield from signals any more. */
		engine.config.daemon_tgid = 0;
		(void)engine_write_config(&engine);
	}
out:
	metrics_http_close(&http);
	control_close(&control);
	audit_close(&audit);
	learn_free(&learn);
	selectors_free(&selectors);
	profiles_free(&profiles);
	state_close(&state);
	decisions_free(&decisions);
	engine_stop(&engine);
	units_stop(&units);
	origins_free(&origins);
	config_status_free(&config);
	notify_close(&notify);
	return status;
}
