// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "config.h"
#include "engine.h"
#include "metrics_http.h"
#include "options.h"
#include "protocol.h"
#include "service_manager.h"
#include "state.h"
#include "units.h"

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
		"                         its systemd-executor, and crun and runc)\n"
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

int parse_args(int argc, char **argv, struct options *o)
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
