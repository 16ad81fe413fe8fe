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
#include <dirent.h>
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
#include "epoll_tags.h"
#include "harden.h"
#include "inode_id.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "notify.h"
#include "options.h"
#include "origin.h"
#include "profiles.h"
#include "protocol.h"
#include "selectors.h"
#include "workloads.h"
#include "service_manager.h"
#include "state.h"
#include "time_arg.h"
#include "units.h"
#include "util.h"


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

/* The directory path is in (a copy), or NULL when it is at the top, has none, or no memory. */
static char *parent_dir(const char *path)
{
	char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;

	if (!slash || slash == dir) {
		free(dir);
		return NULL;
	}
	*slash = 0;
	return dir;
}

/*
 * Whether dir holds nothing but the audit log (base) and its rotations
 * (base.1, base.2.gz, base-DATE, ...): then it is the log's own directory, and
 * protected as one, which keeps the rotated logs from being rewritten. A
 * log in a shared directory (/var/log) protects only itself: protecting
 * the directory would refuse every confined writer of its other files.
 */
static bool audit_dir_is_own(const char *dir, const char *base)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	size_t n = strlen(base);
	struct dirent *de;

	if (!d)
		return false;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		/* base, base.1, base.2.gz; base-20261214 under logrotate's dateext */
		if (strncmp(de->d_name, base, n) || (de->d_name[n] && de->d_name[n] != '.' && de->d_name[n] != '-'))
			return false;
	}
	return true;
}

struct protected_set {
	struct enf_self_inode_key key[ENF_MAX_SELF_INODES];
	enum enf_self_kind kind[ENF_MAX_SELF_INODES];
	size_t n;
};

/* Add key with kind; an inode met twice keeps the stronger kind (an ancestor is the weakest). False when full. */
static bool protected_add(struct protected_set *set, const struct enf_self_inode_key *key, enum enf_self_kind kind)
{
	for (size_t i = 0; i < set->n; i++) {
		if (memcmp(&set->key[i], key, sizeof(*key)))
			continue;
		if (set->kind[i] == ENF_SELF_ANCESTOR)
			set->kind[i] = kind;
		return true;
	}
	if (set->n >= ENF_MAX_SELF_INODES)
		return false;
	set->key[set->n] = *key;
	set->kind[set->n++] = kind;
	return true;
}

/*
 * Every directory above path, "/" excluded (it cannot be renamed), as
 * ENF_SELF_ANCESTOR: above where path leads, symlinks resolved, since the
 * kernel decides on the objects. A symlink on the way is itself a name
 * that can be replaced (/var/run -> /run): said once, at start. False when
 * the set is full.
 */
static bool protected_add_ancestors(struct protected_set *set, const char *path, bool report)
{
	_cleanup_free_ char *real = NULL, *up = strdup(path);
	struct enf_self_inode_key key;
	bool missing = false;
	char *slash;

	if (!up || path[0] != '/')
		return true;
	/* A path not made yet (no /etc/enforcer): from the deepest directory that exists, itself included. */
	while (!(real = realpath(up, NULL)) && (slash = strrchr(up, '/')) && slash != up) {
		*slash = 0;
		missing = true;
	}
	if (!real)
		return true;
	if (report && !missing && strcmp(real, path))
		log_warn("%s leads through a symbolic link (to %s): the link itself is not protected from confined "
			 "tasks, which could point it elsewhere for the next start; configure %s", path, real, real);
	if (missing && strcmp(real, "/") && protected_key(real, &key) == 0 && !protected_add(set, &key, ENF_SELF_ANCESTOR))
		return false;
	while ((slash = strrchr(real, '/')) && slash != real) {
		*slash = 0;
		if (protected_key(real, &key) == 0 && !protected_add(set, &key, ENF_SELF_ANCESTOR))
			return false;
	}
	return true;
}

/*
 * What confined tasks may not change: the state directory, the socket's
 * directory, the configuration directory (and its profiles/ and
 * attachments.d/, those that exist), the audit log and its directory when
 * the directory is the log's own (plus, by file system type, bpffs and the
 * cgroup.* files; see lsm-progs/self.bpf.c); the service manager's
 * executables, whose tasks are the manager's (service_manager.h); and every
 * directory above the daemon's own paths, which may not be renamed: the
 * daemon finds its files by name at every start and reload, so /etc
 * exchanged for a copy would hand it another /etc/enforcer (found by
 * review). The new set is written before entries of an earlier daemon,
 * log file or manager go, so nothing is unprotected in between; inodes of
 * an earlier boot mean nothing and are removed.
 */
static void protect_files(struct engine *e, const struct options *o, bool report)
{
	_cleanup_free_ char *sockdir = parent_dir(o->socket_path), *logdir = parent_dir(o->audit_log);
	char conf_profiles[PATH_MAX], conf_att[PATH_MAX];
	char managers[SERVICE_MANAGER_MAX][PATH_MAX];
	enum enf_self_kind kinds[SERVICE_MANAGER_MAX];
	struct { const char *path; enum enf_self_kind kind; } want[7 + SERVICE_MANAGER_MAX];
	struct protected_set set = {};
	struct enf_self_inode_key key, next;
	size_t n = 0, nmanagers;
	bool more, full = false;

	if (e->self_inodes_fd < 0)
		return;
	want[n++] = (typeof(want[0])){ o->state_dir, ENF_SELF_DIR };
	if (sockdir)
		want[n++] = (typeof(want[0])){ sockdir, ENF_SELF_DIR };
	if (audit_log_is_file(o->audit_log)) {
		want[n++] = (typeof(want[0])){ o->audit_log, ENF_SELF_FILE };
		if (logdir) {
			const char *base = strrchr(o->audit_log, '/') + 1;

			if (audit_dir_is_own(logdir, base))
				want[n++] = (typeof(want[0])){ logdir, ENF_SELF_DIR };
			else if (report)
				log_warn("audit log %s shares its directory with other files: the directory and the "
					 "rotated logs are not protected from confined tasks (give the log a directory "
					 "of its own)", o->audit_log);
		}
	}
	/* What decides the policy at the next reload is as much the engine's as the state. */
	snprintf(conf_profiles, sizeof(conf_profiles), "%s/profiles", o->config_dir);
	snprintf(conf_att, sizeof(conf_att), "%s/attachments.d", o->config_dir);
	want[n++] = (typeof(want[0])){ o->config_dir, ENF_SELF_DIR };
	want[n++] = (typeof(want[0])){ conf_profiles, ENF_SELF_DIR };
	want[n++] = (typeof(want[0])){ conf_att, ENF_SELF_DIR };
	nmanagers = service_manager_paths(o->service_manager, managers, kinds, SERVICE_MANAGER_MAX);
	for (size_t i = 0; i < nmanagers; i++)
		want[n++] = (typeof(want[0])){ managers[i], kinds[i] };
	/* The paths themselves first, their ancestors after: a full set loses ancestors, not them. */
	for (size_t i = 0; i < n; i++) {
		bool manager = service_manager_kind(want[i].kind);

		if (protected_key(want[i].path, &key) < 0) {
			if (report && manager)
				log_warn("service manager executable %s: %m; its tasks in confined cgroups are "
					 "decided by the profile", want[i].path);
			continue;
		}
		if (!protected_add(&set, &key, want[i].kind))
			full = true;
		if (report && manager)
			log_info("service manager executable: %s (inode %" PRIu64 ":%" PRIu64 "%s)", want[i].path,
				 (uint64_t)key.dev, (uint64_t)key.ino,
				 want[i].kind == ENF_SELF_RUNTIME ? ", an OCI runtime's" : "");
	}
	for (size_t i = 0; i < n; i++)
		if (!service_manager_kind(want[i].kind) && !protected_add_ancestors(&set, want[i].path, report))
			full = true;
	if (full)
		log_warn("more than %d inodes to protect from confined tasks: some are not (directories above the "
			 "daemon's first); shorten the configured paths", ENF_MAX_SELF_INODES);
	for (size_t i = 0; i < set.n; i++) {
		struct enf_self_inode_val val = { .kind = set.kind[i] };

		if (bpf_map_update_elem(e->self_inodes_fd, &set.key[i], &val, BPF_ANY) < 0 && report)
			log_warn("cannot protect inode %" PRIu64 ":%" PRIu64 " from confined tasks: %m",
				 (uint64_t)set.key[i].dev, (uint64_t)set.key[i].ino);
	}
	if (report && !strcmp(o->service_manager, "auto") && !nmanagers)
		log_info("PID 1 is not systemd: no service manager tasks; units' setup steps are decided by the profile");
	/* Then the stale ones (the previous key is deleted once the next is known). */
	more = bpf_map_get_next_key(e->self_inodes_fd, NULL, &next) == 0;
	while (more) {
		bool stale = true;

		key = next;
		more = bpf_map_get_next_key(e->self_inodes_fd, &key, &next) == 0;
		for (size_t i = 0; i < set.n; i++)
			stale &= memcmp(&set.key[i], &key, sizeof(key)) != 0;
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

/* Everything the daemon runs on: one object, so setup, loop and teardown share it. */
struct daemon {
	struct options opt;
	gid_t read_gid;
	struct profiles profiles;
	struct control control;
	struct decisions decisions;
	struct metrics_http http;
	struct engine engine;
	struct audit audit;
	struct selectors selectors;
	struct workloads workloads;
	struct state_store state;
	struct service_manager_seen pid1;
	struct learn learn;
	struct origins origins;
	struct config_status config;
	struct unit_resolver units;
	struct notify notify;
	struct daemon_info info;
	int epfd, sigfd;
	char msg[2048];
};

/*
 * The service manager's link, the unit helper and the BPF programs, loaded or
 * adopted. 0, or the exit status (nothing is undone: nothing else runs yet).
 */
static int daemon_start_engine(struct daemon *d)
{
	struct engine_options eopt;
	int r;

	if (notify_open(&d->notify, d->msg, sizeof(d->msg)) < 0)
		log_warn("%s", d->msg);
	d->config.dir = strdup(d->opt.config_dir);
	if (!d->config.dir)
		return EXIT_FAILURE_OTHER;
	/* Before anything is loaded: the helper must hold no BPF object (units.h). */
	signal(SIGCHLD, SIG_IGN);   /* a helper that dies is reaped; the filter allows no wait() */
	if (units_start(&d->units, d->opt.systemctl, d->msg, sizeof(d->msg)) < 0)
		log_warn("%s; units cannot be attached", d->msg);
	(void)notify_status(&d->notify, NULL, "Loading the BPF-LSM programs (the kernel verifies each one)");

	eopt = (struct engine_options){ .pin_dir = d->opt.pin_dir, .verbose = d->opt.verbose, .migrate = d->opt.migrate,
				      .reload = d->opt.reload, .verifier_stats = d->opt.verifier_stats,
				      .self_protect = d->opt.self_protect };
	r = engine_start(&d->engine, &eopt, d->msg, sizeof(d->msg));
	if (r < 0)
		(void)notify_status(&d->notify, NULL, d->msg);
	if (r == -EPROTO) {
		fprintf(stderr, "enforcerd: %s\n", d->msg);
		return EXIT_PINNED_ABI;
	}
	if (r == -EBUSY) {
		fprintf(stderr, "enforcerd: %s\n", d->msg);
		return EXIT_FAILURE_OTHER;
	}
	if (r < 0) {
		fprintf(stderr, "enforcerd: cannot enforce on this kernel: %s\n", d->msg);
		return EXIT_CANNOT_ENFORCE;
	}
	d->info.pin_dir = d->opt.pin_dir;
	d->info.adopted = d->engine.adopted;
	d->info.self_protection = d->opt.self_protect;
	snprintf(d->info.hardening, sizeof(d->info.hardening), "off");
	if (d->engine.adopted)
		log_info("adopted the enforcement pinned in %s by an earlier enforcerd%s", d->opt.pin_dir,
			 d->engine.reused_programs ? " (its programs are this build's: kept as they are)" :
			 " (this build's programs replaced its programs without a gap)");
	return 0;
}

/* The signals the loop reads, the event sources, the control socket and metrics endpoint. 0 or -errno. */
static int daemon_open_loop(struct daemon *d)
{
	sigset_t mask;

	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->epfd < 0 || d->sigfd < 0)
		return log_error_errno(-errno, "cannot set up the event loop: %m");
	epoll_add(d->epfd, d->sigfd, TAG_SIGNAL);
	epoll_add(d->epfd, audit_fd(&d->audit), TAG_EVENTS);
	epoll_add(d->epfd, selectors_fd(&d->selectors), TAG_CGROUPS);

	if (control_open(&d->control, d->opt.socket_path, d->read_gid, d->epfd) < 0)
		return -EIO;
	/* Before hardening: socket(), bind() and listen() are not in the seccomp allow-list. */
	if (d->opt.metrics_listen) {
		d->http.render = metrics_prometheus_text;
		d->http.render_ctx = &d->control;
		if (metrics_http_open(&d->http, d->opt.metrics_listen, d->opt.metrics_allow_remote, d->epfd,
				      d->msg, sizeof(d->msg)) < 0) {
			log_error("%s", d->msg);
			return -EIO;
		}
		d->control.http = &d->http;
		log_info("serving metrics at http://%s/metrics", d->opt.metrics_listen);
	}
	return 0;
}

/*
 * For tests only (tests/integration/53-self-protection.sh): hold the start
 * where the persisted policy is in force again but the daemon is not yet
 * ready, so that a test can show what a confined task meets then.
 */
static void test_pause_before_ready(void)
{
	const char *v = getenv("ENFORCERD_TEST_PAUSE_BEFORE_READY_MS");
	char *end;
	long ms;

	if (!v || !*v)
		return;
	errno = 0;
	ms = strtol(v, &end, 10);
	if (errno || *end || ms < 0 || ms > 60000) {
		log_warn("ENFORCERD_TEST_PAUSE_BEFORE_READY_MS=%s ignored: a number of milliseconds, 0 to 60000", v);
		return;
	}
	log_info("test pause: %ld ms before the control socket opens (ENFORCERD_TEST_PAUSE_BEFORE_READY_MS)", ms);
	(void)nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 }, NULL);
}

/*
 * After the engine: the registry, state, audit, learn and configuration,
 * then the loop's sources, self-protection and hardening. 0, or -errno
 * (logged) and the caller tears down.
 */
static int daemon_setup(struct daemon *d)
{
	json_t *changes = NULL;
	int r;

	profiles_init(&d->profiles, &d->engine);
	if (state_open(&d->state, d->opt.state_dir, &d->origins, d->msg, sizeof(d->msg)) < 0) {
		log_error("%s", d->msg);
		return -EIO;
	}
	if (selectors_init(&d->selectors, &d->profiles, &d->workloads, d->msg, sizeof(d->msg)) < 0) {
		log_error("%s", d->msg);
		return -EIO;
	}
	if (audit_log_is_file(d->opt.audit_log) && (r = make_parent_dir(d->opt.audit_log)) < 0)
		return log_error_errno(r, "cannot create the directory of %s: %m", d->opt.audit_log);
	if (audit_open(&d->audit, d->opt.audit_log, &d->engine, &d->profiles) < 0)
		return -EIO;
	d->audit.workloads = &d->workloads;
	if (learn_init(&d->learn, d->opt.state_dir, &d->profiles, &d->engine) < 0)
		return -EIO;
	r = write_event_limits(&d->engine, d->opt.event_rate);
	if (r < 0)
		return log_error_errno(r, "cannot set the event rate limit: %m");
	if (decisions_init(&d->decisions, time_now_usec()) < 0) {
		log_error("out of memory for the decision store");
		return -ENOMEM;
	}
	d->control = (struct control){ .listen_fd = -1, .profiles = &d->profiles, .engine = &d->engine,
				       .audit = &d->audit, .selectors = &d->selectors, .state = &d->state,
				       .learn = &d->learn, .info = &d->info, .decisions = &d->decisions,
				       .origins = &d->origins, .units = &d->units, .config = &d->config,
				       .notify = &d->notify };
	d->audit.on_event = control_on_event;
	d->audit.on_event_ctx = &d->control;
	d->audit.on_learn = learn_on_record;
	d->audit.on_learn_ctx = &d->learn;

	/*
	 * The daemon's files before the persisted attachments confine anyone
	 * again (self-protection is on from the engine's start). The socket's
	 * directory, made later by control_open(), is added below, where what
	 * was found is logged.
	 */
	protect_files(&d->engine, &d->opt, false);
	/* The registry and the kernel agree with the persisted state before anyone can ask. */
	r = state_restore(&d->state, &d->profiles, &d->selectors, d->msg, sizeof(d->msg));
	if (r < 0) {
		log_error("%s", d->msg);
		return r;
	}
	learn_resume(&d->learn);
	/*
	 * Then what /etc declares, before anyone is told the daemon is ready. A
	 * configuration with errors is refused whole: the persisted state stays
	 * in force and status says why (enforcement must not lapse for a typo).
	 */
	(void)notify_status(&d->notify, NULL, "Applying the configuration");
	if (config_reload(&d->control, false, &changes, d->msg, sizeof(d->msg)) < 0)
		log_error("%s not applied (the persisted state is in force): %s", d->opt.config_dir, d->msg);
	json_decref(changes);
	if (d->engine.migrated_from) {
		r = engine_drop_migrated(&d->engine);
		if (r < 0)
			log_warn("cannot remove the old pinned state %s: %s", d->engine.migrated_from, strerror(-r));
		else
			log_info("migrated: the programs of the old ABI are detached");
	}

	test_pause_before_ready();
	r = daemon_open_loop(d);
	if (r < 0)
		return r;
	d->engine.config.control_sock_ino = control_socket_ino(&d->control);
	r = engine_write_config(&d->engine);
	if (r < 0)
		log_warn("cannot write the control socket's identity to the settings: %s", strerror(-r));
	protect_files(&d->engine, &d->opt, true);

	if (d->opt.harden != HARDEN_OFF) {
		r = harden_apply(d->msg, sizeof(d->msg));
		if (r < 0 && d->opt.harden == HARDEN_STRICT) {
			log_error("cannot harden the daemon: %s (--harden=strict)", d->msg);
			return r;
		}
		if (r < 0) {
			log_error("NOT HARDENED: %s; the daemon runs with all its privileges", d->msg);
			snprintf(d->info.hardening, sizeof(d->info.hardening), "failed: %.200s", d->msg);
		} else {
			snprintf(d->info.hardening, sizeof(d->info.hardening), "capabilities and seccomp");
		}
	}

	log_info("ready: %s, control socket %s, audit log %s, state %s, configuration %s",
		 d->engine.adopted ? "adopted the pinned programs" : "BPF-LSM programs attached",
		 d->opt.socket_path, d->opt.audit_log, d->opt.state_dir, d->opt.config_dir);
	control_status_line(&d->control, d->msg, sizeof(d->msg));
	(void)notify_status(&d->notify, "READY=1", d->msg);
	return 0;
}

/* The signals: SIGHUP reloads, SIGUSR1 reopens the log, the others stop. false: stop. */
static bool daemon_signals(struct daemon *d)
{
	struct signalfd_siginfo si;
	json_t *changes = NULL;
	bool running = true;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP || si.ssi_signo == SIGUSR1) {
			audit_reopen(&d->audit);
			if (si.ssi_signo == SIGHUP && config_reload(&d->control, true, &changes, d->msg, sizeof(d->msg)) == 0)
				json_decref(changes);
			protect_files(&d->engine, &d->opt, true);
		} else {
			log_info("received %s, shutting down; enforcement stays in force", strsignal((int)si.ssi_signo));
			running = false;
		}
	}
	return running;
}

/* Reloads of /etc/enforcer so far, by signal or by a client: each may meet directories made since. */
static unsigned long long config_reloads(const struct daemon *d)
{
	return d->control.config ? d->control.config->reloads + d->control.config->failures : 0;
}

/* Until a signal or a client says stop (or epoll fails). */
static void daemon_loop(struct daemon *d)
{
	time_t last_summary = time(NULL);
	unsigned long long reloads = config_reloads(d);
	bool running = true;

	(void)service_manager_moved(d->opt.service_manager, &d->pid1);
	while (running) {
		struct epoll_event events[16];
		int n = epoll_wait(d->epfd, events, 16, 1000);

		if (n < 0 && errno != EINTR) {
			log_error_errno(-errno, "epoll_wait: %m");
			break;
		}
		if (service_manager_moved(d->opt.service_manager, &d->pid1)) {
			log_info("PID 1 runs another executable now; the service manager's identities are written again");
			protect_files(&d->engine, &d->opt, true);
		}
		for (int i = 0; i < n; i++) {
			uint64_t tag = events[i].data.u64;

			if (tag == TAG_SIGNAL) {
				if (!daemon_signals(d))
					running = false;
				reloads = config_reloads(d); /* SIGHUP protected what it read */
			} else if (tag == TAG_EVENTS) {
				audit_consume(&d->audit);
			} else if (tag == TAG_CGROUPS) {
				/*
				 * Events first: a removed cgroup takes its attachment and its
				 * container's identity with it, and the events its tasks raised
				 * before they left must still name them (a container whose
				 * entrypoint was refused is gone within milliseconds).
				 */
				audit_consume(&d->audit);
				selectors_handle(&d->selectors);
			} else if (tag == METRICS_TAG_LISTEN) {
				metrics_http_accept(&d->http);
			} else if (tag >= METRICS_TAG_CLIENT && tag < METRICS_TAG_CLIENT + METRICS_HTTP_MAX_CLIENTS) {
				/* Events first, so a scrape right after a decision counts it. */
				audit_consume(&d->audit);
				metrics_http_handle(&d->http, (int)(tag - METRICS_TAG_CLIENT));
			} else if (tag == CONTROL_TAG_LISTEN) {
				control_accept(&d->control);
			} else if (tag >= CONTROL_TAG_CLIENT) {
				/* Events first, so a client that asks right after a denial sees it logged. */
				audit_consume(&d->audit);
				control_handle(&d->control, (int)(tag - CONTROL_TAG_CLIENT));
			}
		}
		/* A client's reload ('enforcerctl reload') protects what it read, as SIGHUP's does. */
		if (config_reloads(d) != reloads) {
			reloads = config_reloads(d);
			protect_files(&d->engine, &d->opt, false);
		}
		if (d->selectors.dirty) {
			d->selectors.dirty = false;
			(void)state_save(&d->state, &d->profiles, &d->selectors);
		}
		/* What the rate limit held back, once a second: counts, not a storm. */
		if (time(NULL) != last_summary) {
			last_summary = time(NULL);
			audit_summarize(&d->audit);
			selectors_tick(&d->selectors);
		}
		control_sweep_idle(&d->control);
		metrics_http_sweep(&d->http);
		if (d->control.shutdown)
			running = false;
	}
}

/* A clean stop: enforcement stays pinned, or (shutdown --remove-enforcement) goes. The exit status. */
static int daemon_stop(struct daemon *d)
{
	int r, status = 0;

	(void)notify_status(&d->notify, "STOPPING=1", d->control.remove_enforcement ?
			    "Stopping and removing all enforcement" : "Stopping; enforcement stays in force (pinned)");
	audit_summarize(&d->audit);
	if (d->control.remove_enforcement) {
		r = engine_remove_pins(d->opt.pin_dir, d->msg, sizeof(d->msg));
		if (r < 0) {
			log_error("%s", d->msg);
			status = EXIT_FAILURE_OTHER;
		}
		r = state_remove_all(d->opt.state_dir);
		if (r < 0)
			log_error("cannot remove the state in %s: %s", d->opt.state_dir, strerror(-r));
		log_info("removed all enforcement (pins and state); the programs detach as the daemon exits");
	} else {
		/* The daemon is gone: nothing to shield from signals any more. */
		d->engine.config.daemon_tgid = 0;
		(void)engine_write_config(&d->engine);
	}
	return status;
}

static void daemon_teardown(struct daemon *d)
{
	metrics_http_close(&d->http);
	control_close(&d->control);
	audit_close(&d->audit);
	learn_free(&d->learn);
	selectors_free(&d->selectors);
	workloads_free(&d->workloads);
	profiles_free(&d->profiles);
	state_close(&d->state);
	decisions_free(&d->decisions);
	engine_stop(&d->engine);
	units_stop(&d->units);
	origins_free(&d->origins);
	config_status_free(&d->config);
	notify_close(&d->notify);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->epfd >= 0)
		close(d->epfd);
}

int main(int argc, char **argv)
{
	/* Large: static, off the stack. */
	static struct daemon d = { .read_gid = (gid_t)-1, .http = { .listen_fd = -1 }, .selectors = { .fd = -1 },
				   .units = { .fd = -1 }, .notify = { .fd = -1 }, .epfd = -1, .sigfd = -1 };
	int r, status = EXIT_FAILURE_OTHER;

	d.info.started = time(NULL);
	if (parse_args(argc, argv, &d.opt) < 0)
		return EXIT_USAGE;
	if (d.opt.cleanup)
		return cleanup(&d.opt);
	if (d.opt.read_group) {
		struct group *g = getgrnam(d.opt.read_group);

		if (!g) {
			fprintf(stderr, "enforcerd: no such group '%s' (--read-group)\n", d.opt.read_group);
			return EXIT_USAGE;
		}
		d.read_gid = g->gr_gid;
	}
	r = daemon_start_engine(&d);
	if (r != 0)
		return r;
	if (daemon_setup(&d) == 0) {
		daemon_loop(&d);
		status = daemon_stop(&d);
	}
	daemon_teardown(&d);
	return status;
}
