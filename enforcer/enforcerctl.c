// SPDX-License-Identifier: GPL-2.0-only
/*
 * enforcerctl: the admin CLI. Grammar `enforcerctl [OPTIONS] COMMAND [ARGS]`
 * from one command table, after bpftool; every command that prints takes
 * --json.
 *
 * Exit status: 0 success; 1 the daemon refused the request (the message
 * says why); 2 usage error; 3 the daemon cannot be reached or another local
 * failure. `run` exits with the command's status (128+N for a signal), or
 * 125 when enforcerctl failed before the command ran.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "cgroup.h"
#include "protocol.h"
#include "support.h"
#include "time_arg.h"
#include "util.h"

#define EXIT_REFUSED  1
#define EXIT_USAGE    2
#define EXIT_LOCAL    3
#define EXIT_RUN_SELF 125

struct ctl {
	const char *socket_path;
	bool json;
};

static const char *prog = "enforcerctl";

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: enforcerctl [--socket PATH] [--json] COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  status                         daemon state and counters\n"
		"  stats [--prometheus]           every counter and gauge, with its meaning;\n"
		"                                 --prometheus: the text exposition format 0.0.4\n"
		"  check                          can this kernel enforce? (runs locally)\n"
		"  list                           loaded profiles, their cgroups and selectors\n"
		"  show PROFILE                   one profile: mode, generation, defaults, rules\n"
		"  load BUNDLE                    load or atomically replace a compiled profile\n"
		"  unload PROFILE [--force]       unload (--force detaches it first)\n"
		"  attach PROFILE CGROUP          enforce PROFILE on a cgroup v2 directory and below\n"
		"  attach PROFILE --selector GLOB ... on every cgroup matching GLOB, now and later\n"
		"                                 (relative to the cgroup2 mount; * ? [..] within a\n"
		"                                 component, ** for any number of components)\n"
		"  attach PROFILE --unit UNIT     ... on a systemd unit's cgroup, from its first\n"
		"                                 instruction, across restarts (the unit need not run)\n"
		"  detach CGROUP | --selector GLOB | --unit UNIT\n"
		"                                 remove an attachment or a selector\n"
		"  reload                         re-read the configuration directory (/etc/enforcer)\n"
		"                                 and apply it, or refuse it whole saying why\n"
		"  mode PROFILE audit|enforce|learn switch a profile's mode atomically\n"
		"  report PROFILE [--since T] [--limit N]\n"
		"                                 would-deny decisions grouped by rule and object,\n"
		"                                 with counts and first/last seen; T is a duration\n"
		"                                 back from now (30s, 10m, 2h) or an RFC 3339 time\n"
		"  promote PROFILE [--window D] [--force]\n"
		"                                 audit -> enforce, refused if the profile produced\n"
		"                                 would-denies within D (default 1h, at most since\n"
		"                                 its current version was loaded); --force anyway\n"
		"  rule add PROFILE SECTION RULE  add one rule (JSON, as in the profile; SECTION is\n"
		"                                 exec, file or network); one atomic switch\n"
		"  rule del PROFILE RULE_ID       delete a rule by its id (see 'show'); one switch\n"
		"  events [--follow] [--count N] [--profile P]\n"
		"                                 recent audit events; --follow streams new ones\n"
		"  run --profile PROFILE -- CMD [ARGS...]\n"
		"                                 run CMD in a fresh cgroup under PROFILE\n"
		"  learn start PROFILE --cgroup CGROUP\n"
		"                                 record what CGROUP's tasks do (nothing is denied)\n"
		"  learn status [PROFILE]         observations so far, by kind\n"
		"  learn profile PROFILE [--subtree-threshold K] [--mode audit|enforce] [--name N] [-o FILE]\n"
		"                                 the allow-list profile they make (docs/learn.md)\n"
		"  learn stop PROFILE [same options] that profile, then end learning (a profile made\n"
		"                                 by 'learn start' is unloaded)\n"
		"  shutdown [--remove-enforcement] stop the daemon; enforcement stays in force\n"
		"                                 unless --remove-enforcement (then everything goes)\n"
		"  batch [FILE]                   the commands in FILE (or stdin), one per line, each\n"
		"                                 its own request, in one process\n"
		"\n"
		"Options:\n"
		"  --socket PATH   control socket (default %s)\n"
		"  --json          print results as JSON\n"
		"  -h, --help      show this help\n"
		"\n"
		"Exit status: 0 ok, 1 refused by the daemon, 2 usage error, 3 daemon unreachable\n"
		"or local failure; run: the command's status, 125 if it could not be started.\n",
		ENF_SOCKET_DEFAULT);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'enforcerctl --help'.\n");
	return EXIT_USAGE;
}

/*
 * Send one request and wait for the answer on a new connection, which
 * *ret_sock keeps open when not NULL (events --follow). Returns 0 with
 * *ret_reply set (ok or not), or an exit status after printing why the
 * daemon could not be asked.
 */
static int call_keep(const struct ctl *ctl, json_t *req, int fd, json_t **ret_reply, int *ret_sock)
{
	_cleanup_close_ int sock = -1;
	int r;

	r = proto_connect(ctl->socket_path, &sock);
	if (r < 0) {
		fprintf(stderr, "%s: cannot reach enforcerd at %s: %s. Is enforcerd running? "
			"(start it with 'systemctl start enforcerd', or pass --socket)\n",
			prog, ctl->socket_path, strerror(-r));
		json_decref(req);
		return EXIT_LOCAL;
	}
	r = proto_send(sock, req, fd);
	json_decref(req);
	if (r < 0) {
		fprintf(stderr, "%s: cannot send the request to enforcerd: %s\n", prog, strerror(-r));
		return EXIT_LOCAL;
	}
	r = proto_recv(sock, ret_reply, NULL);
	if (r < 0) {
		fprintf(stderr, "%s: no valid answer from enforcerd: %s\n", prog, strerror(-r));
		return EXIT_LOCAL;
	}
	if (ret_sock)
		*ret_sock = TAKE_FD(sock);
	return 0;
}

static int call(const struct ctl *ctl, json_t *req, int fd, json_t **ret_reply)
{
	return call_keep(ctl, req, fd, ret_reply, NULL);
}

/* Print the reply's error (if any) and map it to an exit status. */
static int reply_status(const struct ctl *ctl, json_t *reply)
{
	if (json_is_true(json_object_get(reply, "ok")))
		return 0;
	if (ctl->json) {
		json_dumpf(reply, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	fprintf(stderr, "%s: %s\n", prog, json_string_value(json_object_get(reply, "error")) ?: "request failed");
	return EXIT_REFUSED;
}

/* Ask, then either print JSON or let `human` print; returns the exit status. */
static int ask(const struct ctl *ctl, json_t *req, int fd, void (*human)(json_t *reply))
{
	json_t *reply = NULL;
	int r = call(ctl, req, fd, &reply);

	if (r)
		return r;
	r = reply_status(ctl, reply);
	if (r == 0) {
		if (ctl->json) {
			json_dumpf(reply, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			putchar('\n');
		} else if (human) {
			human(reply);
		}
	}
	json_decref(reply);
	return r;
}

static const char *str_of(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static long long int_of(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void print_profile_line(json_t *p)
{
	json_t *att = json_object_get(p, "attached");
	size_t i;
	json_t *v;

	printf("%s  mode=%s generation=%lld rules=%lld source=%s%s\n",
	       json_string_value(json_object_get(p, "name")),
	       json_string_value(json_object_get(p, "mode")),
	       (long long)json_integer_value(json_object_get(p, "generation")),
	       (long long)json_integer_value(json_object_get(p, "rules")),
	       json_string_value(json_object_get(p, "source")),
	       json_object_get(p, "declared") ? " (/etc)" : " (live)");
	if (json_object_get(p, "declared"))
		printf("    declared in %s\n", str_of(p, "declared"));
	if (!json_object_get(p, "attachments")) {
		json_array_foreach(att, i, v)
			printf("    attached %s\n", json_string_value(v));
		return;
	}
	/* Whether each attachment holds now: a cgroup removed and not yet created again waits for it. */
	json_array_foreach(json_object_get(p, "attachments"), i, v) {
		const char *path = str_of(v, "cgroup");
		const char *follows = json_is_true(json_object_get(v, "follows_path")) ? "" : "; path not followed";
		bool via = json_is_string(json_object_get(v, "via"));
		char origin[4400] = "";

		if (json_object_get(v, "unit"))
			snprintf(origin, sizeof(origin), "; unit %s", str_of(v, "unit"));
		if (json_object_get(v, "declared"))
			snprintf(origin + strlen(origin), sizeof(origin) - strlen(origin), "; declared in %s",
				 str_of(v, "declared"));
		if (json_is_true(json_object_get(v, "holds")))
			printf("    attached %s (cgroup id %lld, holds%s%s%s%s)\n", path, int_of(v, "cgroup_id"),
			       via ? "; selector " : "", str_of(v, "via"), via ? "" : follows, origin);
		else if (json_object_get(v, "cgroup_id"))
			printf("    waiting %s (cgroup id %lld does not hold now%s%s)\n", path, int_of(v, "cgroup_id"),
			       follows, origin);
		else
			printf("    waiting %s (no such cgroup now: attached when it is created%s%s)\n", path, follows, origin);
	}
}

static void human_list(json_t *reply)
{
	json_t *arr = json_object_get(reply, "profiles"), *p;
	size_t i;

	if (json_array_size(arr) == 0)
		printf("no profiles loaded\n");
	json_array_foreach(arr, i, p)
		print_profile_line(p);
	json_array_foreach(json_object_get(reply, "selectors"), i, p)
		printf("selector %s -> %s (%lld cgroups so far%s%s)\n", str_of(p, "glob"), str_of(p, "profile"),
		       int_of(p, "matched"), json_object_get(p, "declared") ? "; declared in " : "; live",
		       str_of(p, "declared"));
	json_array_foreach(json_object_get(reply, "pending"), i, p)
		printf("waiting %s -> %s (pending: %s%s%s%s%s)\n", str_of(p, "cgroup"), str_of(p, "profile"),
		       json_is_true(json_object_get(p, "follows_path")) ?
		       "the kernel attaches the cgroup inside mkdir when it is created" :
		       "the daemon attaches the cgroup when it sees it created",
		       json_object_get(p, "unit") ? "; unit " : "", str_of(p, "unit"),
		       json_object_get(p, "declared") ? "; declared in " : "", str_of(p, "declared"));
}

static void human_show(json_t *reply)
{
	json_t *p = json_object_get(reply, "profile"), *d = json_object_get(p, "defaults"), *r;
	size_t i;

	print_profile_line(p);
	json_array_foreach(json_object_get(p, "selectors"), i, r)
		printf("    selector %s\n", json_string_value(r));
	printf("    instance %lld, slot %lld; defaults: exec %s, file %s, network %s\n", int_of(p, "instance"),
	       int_of(p, "slot"), str_of(d, "exec"), str_of(d, "file"), str_of(d, "network"));
	if (json_array_size(json_object_get(p, "baseline_allow")) == 0)
		printf("    baseline: all refused\n");
	json_array_foreach(json_object_get(p, "baseline_allow"), i, r)
		printf("    baseline: %s allowed (logged)\n", json_string_value(r));
	json_array_foreach(json_object_get(p, "rule_list"), i, r)
		printf("    rule %s %-7s %-5s %s  (%s)\n", str_of(r, "id"), str_of(r, "section"), str_of(r, "action"),
		       str_of(r, "text"), str_of(r, "source"));
}

static void human_stats(json_t *reply)
{
	json_t *m, *labels, *v;
	const char *k;
	size_t i;

	json_array_foreach(json_object_get(reply, "metrics"), i, m) {
		char name[512];
		int n = snprintf(name, sizeof(name), "%s", str_of(m, "name"));
		bool first = true;

		labels = json_object_get(m, "labels");
		json_object_foreach(labels, k, v) {
			if (n > 0 && (size_t)n < sizeof(name))
				n += snprintf(name + n, sizeof(name) - (size_t)n, "%s%s=%s", first ? "{" : ",",
					      k, json_string_value(v));
			first = false;
		}
		if (labels && n > 0 && (size_t)n < sizeof(name) - 1)
			snprintf(name + n, sizeof(name) - (size_t)n, "}");
		printf("%-60s %lld\n", name, int_of(m, "value"));
	}
}

static void human_rule(json_t *reply)
{
	json_t *p = json_object_get(reply, "profile");

	printf("profile '%s': rule %s done (generation %lld, %lld rules)\n", str_of(p, "name"),
	       str_of(reply, "rule_id"), int_of(p, "generation"), int_of(p, "rules"));
}

static void human_status(json_t *reply)
{
	json_t *stats = json_object_get(reply, "stats"), *config = json_object_get(reply, "config"), *v;
	const char *k;

	printf("enforcerd: running (pid %lld), protocol %lld, ABI %lld%s\n", int_of(reply, "pid"),
	       int_of(reply, "protocol"), int_of(reply, "abi"),
	       json_is_true(json_object_get(reply, "adopted")) ? ", adopted pinned enforcement" : "");
	printf("profiles: %lld  attachments: %lld  selectors: %lld  audit log: %s\n",
	       int_of(reply, "profiles"), int_of(reply, "attachments"), int_of(reply, "selectors"),
	       str_of(reply, "audit_log"));
	if (json_object_get(reply, "attachments_holding"))
		printf("attachments holding: %lld  waiting for their cgroup: %lld  cgroups created again: %lld "
		       "attached in mkdir, %lld after it\n", int_of(reply, "attachments_holding"),
		       int_of(reply, "attachments_waiting"), int_of(reply, "cgroups_followed"),
		       int_of(reply, "cgroups_attached_late"));
	printf("pins: %s  state: %s\n", str_of(reply, "pin_dir"), str_of(reply, "state_dir"));
	printf("self-protection: %s  hardening: %s\n",
	       json_is_true(json_object_get(reply, "self_protection")) ? "on" : "off", str_of(reply, "hardening"));
	if (json_is_object(config)) {
		printf("configuration: %s declares %lld profile(s), %lld attachment(s), %lld selector(s); %s\n",
		       str_of(config, "dir"), int_of(config, "profiles"), int_of(config, "attachments"),
		       int_of(config, "selectors"),
		       json_is_true(json_object_get(config, "in_sync")) ? "in force as written" :
		       "the live state DIFFERS from the files (below)");
		if (json_object_get(config, "last_applied"))
			printf("  last applied %s (%lld reload(s), %lld refused)\n", str_of(config, "last_applied"),
			       int_of(config, "reloads"), int_of(config, "failures"));
		if (json_object_get(config, "last_reload_error"))
			printf("  LAST RELOAD REFUSED (what was in force before stays): %s\n",
			       str_of(config, "last_reload_error"));
		if (json_object_get(config, "changed_on_disk"))
			printf("  changed on disk since then, not applied: %s (run 'enforcerctl reload')\n",
			       str_of(config, "changed_on_disk"));
		printf("  objects declared there are /etc's: live edits of them are refused; others are live\n");
	}
	if (json_object_get(reply, "state_problem"))
		printf("STATE PROBLEM: %s\n", str_of(reply, "state_problem"));
	if (json_object_get(reply, "state_error"))
		printf("STATE NOT SAVED: %s\n", str_of(reply, "state_error"));
	json_object_foreach(stats, k, v)
		printf("  %-28s %lld\n", k, (long long)json_integer_value(v));
}

static void human_load(json_t *reply)
{
	json_t *p = json_object_get(reply, "profile");

	printf("%s profile '%s' (generation %lld, %lld rules, mode %s)\n",
	       json_is_true(json_object_get(reply, "replaced")) ? "replaced" : "loaded",
	       json_string_value(json_object_get(p, "name")),
	       (long long)json_integer_value(json_object_get(p, "generation")),
	       (long long)json_integer_value(json_object_get(p, "rules")),
	       json_string_value(json_object_get(p, "mode")));
}

static void human_attach(json_t *reply)
{
	if (json_object_get(reply, "selector"))
		printf("selector %s added (%lld cgroups attached now)\n", str_of(reply, "selector"),
		       int_of(reply, "attached_now"));
	else if (json_object_get(reply, "unit"))
		printf("attached unit %s: %s (%s)\n", str_of(reply, "unit"), str_of(reply, "cgroup"),
		       json_is_true(json_object_get(reply, "holds")) ? "running: attached now" :
		       "not running: attached when systemd creates its cgroup, before its first process runs");
	else
		printf("attached %s\n", json_string_value(json_object_get(reply, "cgroup")));
}

static void human_reload(json_t *reply)
{
	json_t *v;
	size_t i;

	if (json_array_size(json_object_get(reply, "changes")) == 0)
		printf("%s applied: nothing changed\n", str_of(reply, "config_dir"));
	else
		printf("%s applied:\n", str_of(reply, "config_dir"));
	json_array_foreach(json_object_get(reply, "changes"), i, v)
		printf("  %s\n", json_string_value(v));
}

static void human_mode(json_t *reply)
{
	json_t *p = json_object_get(reply, "profile");

	printf("profile '%s' is in %s mode (generation %lld)\n",
	       json_string_value(json_object_get(p, "name")),
	       json_string_value(json_object_get(p, "mode")),
	       (long long)json_integer_value(json_object_get(p, "generation")));
}

static int expect_args(int argc, int want_min, int want_max, const char *synopsis)
{
	if (argc < want_min || argc > want_max)
		return usage_error("usage: enforcerctl %s", synopsis);
	return 0;
}

/* A command that takes no arguments and prints the daemon's answer. */
static int ask_plain(struct ctl *ctl, int argc, const char *name, void (*human)(json_t *reply))
{
	if (expect_args(argc, 0, 0, name))
		return EXIT_USAGE;
	return ask(ctl, json_pack("{s:s}", "cmd", name), -1, human);
}

static int cmd_status(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	return ask_plain(ctl, argc, "status", human_status);
}

static int cmd_list(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	return ask_plain(ctl, argc, "list", human_list);
}

static int cmd_check(struct ctl *ctl, int argc, char **argv)
{
	struct support_report sr;
	char msg[1024];
	int r;

	(void)argv;
	if (expect_args(argc, 0, 0, "check"))
		return EXIT_USAGE;
	support_probe(&sr);
	r = support_check(&sr, msg, sizeof(msg));
	if (r == 0 && sr.lockdown[0] && strcmp(sr.lockdown, "none") != 0) {
		/* The load itself is the last rung; under lockdown it is refused. */
		support_explain_load(&sr, EPERM, msg, sizeof(msg));
		r = -EPERM;
	}
	if (ctl->json) {
		json_t *o = json_pack("{s:b, s:b, s:b, s:s, s:s, s:b, s:s}",
				      "securityfs", sr.securityfs, "bpf_lsm_active", sr.bpf_lsm_active,
				      "btf", sr.btf, "lsm", sr.lsm_list, "lockdown", sr.lockdown,
				      "ok", r == 0, "message", r == 0 ? "" : msg);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else {
		printf("securityfs        %s\n", sr.securityfs ? "yes" : "no");
		printf("active LSMs       %s\n", sr.lsm_list[0] ? sr.lsm_list : "(unknown)");
		printf("bpf LSM active    %s\n", sr.bpf_lsm_active ? "yes" : "no");
		printf("kernel BTF        %s\n", sr.btf ? "yes" : "no");
		printf("lockdown          %s%s\n", sr.lockdown[0] ? sr.lockdown : "(unknown)",
		       sr.lockdown[0] && strcmp(sr.lockdown, "none") ? " (BPF-LSM programs will be refused)" : "");
		if (r < 0)
			printf("\n%s\n", msg);
	}
	return r < 0 ? EXIT_REFUSED : 0;
}

static int cmd_load(struct ctl *ctl, int argc, char **argv)
{
	_cleanup_close_ int fd = -1;

	if (expect_args(argc, 1, 1, "load BUNDLE   (a file from 'policyc compile')"))
		return EXIT_USAGE;
	fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, argv[0], strerror(errno));
		return EXIT_LOCAL;
	}
	return ask(ctl, json_pack("{s:s}", "cmd", "load"), fd, human_load);
}

static int cmd_unload(struct ctl *ctl, int argc, char **argv)
{
	bool force = false;
	const char *name = NULL;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = true;
		else if (!name && argv[i][0] != '-')
			name = argv[i];
		else
			return usage_error("unload: unexpected argument '%s'\nusage: enforcerctl unload PROFILE [--force]", argv[i]);
	}
	if (!name)
		return usage_error("usage: enforcerctl unload PROFILE [--force]");
	return ask(ctl, json_pack("{s:s, s:s, s:b}", "cmd", "unload", "profile", name, "force", force), -1, NULL);
}

static int cmd_attach(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 3 && (strcmp(argv[1], "--selector") == 0 || strcmp(argv[1], "--unit") == 0))
		return ask(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "attach", "profile", argv[0], argv[1] + 2, argv[2]),
			   -1, human_attach);
	if (expect_args(argc, 2, 2, "attach PROFILE CGROUP | attach PROFILE --selector GLOB | attach PROFILE --unit UNIT"))
		return EXIT_USAGE;
	return ask(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "attach", "profile", argv[0], "cgroup", argv[1]),
		   -1, human_attach);
}

static int cmd_detach(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[0], "--selector") == 0 || strcmp(argv[0], "--unit") == 0))
		return ask(ctl, json_pack("{s:s, s:s}", "cmd", "detach", argv[0] + 2, argv[1]), -1, NULL);
	if (expect_args(argc, 1, 1, "detach CGROUP | detach --selector GLOB | detach --unit UNIT"))
		return EXIT_USAGE;
	return ask(ctl, json_pack("{s:s, s:s}", "cmd", "detach", "cgroup", argv[0]), -1, NULL);
}

static int cmd_reload(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	return ask_plain(ctl, argc, "reload", human_reload);
}

static int cmd_show(struct ctl *ctl, int argc, char **argv)
{
	if (expect_args(argc, 1, 1, "show PROFILE"))
		return EXIT_USAGE;
	return ask(ctl, json_pack("{s:s, s:s}", "cmd", "show", "profile", argv[0]), -1, human_show);
}

/*
 * A request whose answer may be larger than one packet: the daemon writes
 * it into a memfd passed along. Returns 0 with the answer's bytes in
 * *ret_text (NUL-terminated), or an exit status after printing why.
 */
static int ask_into_memfd(const struct ctl *ctl, json_t *req, char **ret_text, size_t *ret_len)
{
	_cleanup_close_ int fd = memfd_create("enforcerctl-answer", MFD_CLOEXEC);
	json_t *reply = NULL;
	int r;

	if (fd < 0) {
		fprintf(stderr, "%s: memfd_create: %s\n", prog, strerror(errno));
		json_decref(req);
		return EXIT_LOCAL;
	}
	r = call(ctl, req, fd, &reply);
	if (r)
		return r;
	r = reply_status(ctl, reply);
	json_decref(reply);
	if (r)
		return r;
	if (lseek(fd, 0, SEEK_SET) < 0 || (r = read_fd_all(fd, 256u << 20, ret_text, ret_len)) < 0) {
		fprintf(stderr, "%s: cannot read the answer back: %s\n", prog, strerror(errno));
		return EXIT_LOCAL;
	}
	return 0;
}

static int cmd_stats(struct ctl *ctl, int argc, char **argv)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r;

	if (argc == 1 && strcmp(argv[0], "--prometheus") == 0) {
		r = ask_into_memfd(ctl, json_pack("{s:s, s:s}", "cmd", "stats", "format", "prometheus"), &text, &len);
		if (r == 0)
			fwrite(text, 1, len, stdout);
		return r;
	}
	if (argc)
		return usage_error("stats: unexpected argument '%s'\nusage: enforcerctl stats [--prometheus]", argv[0]);
	return ask_plain(ctl, argc, "stats", human_stats);
}

static int cmd_rule(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "add") == 0) {
		if (expect_args(argc, 4, 4, "rule add PROFILE exec|file|network 'RULE-JSON'"))
			return EXIT_USAGE;
		return ask(ctl, json_pack("{s:s, s:s, s:s, s:s}", "cmd", "rule-add", "profile", argv[1],
					  "section", argv[2], "rule", argv[3]), -1, human_rule);
	}
	if (argc >= 1 && strcmp(argv[0], "del") == 0) {
		if (expect_args(argc, 3, 3, "rule del PROFILE RULE_ID"))
			return EXIT_USAGE;
		return ask(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "rule-del", "profile", argv[1], "rule_id", argv[2]),
			   -1, human_rule);
	}
	return usage_error("usage: enforcerctl rule add PROFILE SECTION 'RULE-JSON' | rule del PROFILE RULE_ID");
}

static int cmd_shutdown(struct ctl *ctl, int argc, char **argv)
{
	bool remove = argc == 1 && strcmp(argv[0], "--remove-enforcement") == 0;

	if (argc > 1 || (argc == 1 && !remove))
		return usage_error("usage: enforcerctl shutdown [--remove-enforcement]");
	return ask(ctl, json_pack("{s:s, s:b}", "cmd", "shutdown", "remove_enforcement", remove), -1, NULL);
}

/* ---- events ------------------------------------------------------------- */

static void print_event(const struct ctl *ctl, json_t *ev)
{
	if (ctl->json) {
		json_dumpf(ev, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		printf("%s %-10s %-12s gen=%lld %s pid=%lld comm=%s %s\n", str_of(ev, "time"), str_of(ev, "verdict"),
		       str_of(ev, "profile"), int_of(ev, "generation"), str_of(ev, "hook"), int_of(ev, "pid"),
		       str_of(ev, "comm"), str_of(ev, "path"));
	}
	fflush(stdout);
}

static int cmd_events(struct ctl *ctl, int argc, char **argv)
{
	_cleanup_close_ int sock = -1;
	bool follow = false;
	const char *profile = NULL;
	long count = 50;
	json_t *req, *reply = NULL, *ev;
	size_t i;
	int r;

	for (int a = 0; a < argc; a++) {
		if (strcmp(argv[a], "--follow") == 0 || strcmp(argv[a], "-f") == 0)
			follow = true;
		else if (strcmp(argv[a], "--count") == 0 && a + 1 < argc)
			count = strtol(argv[++a], NULL, 10);
		else if (strcmp(argv[a], "--profile") == 0 && a + 1 < argc)
			profile = argv[++a];
		else
			return usage_error("usage: enforcerctl events [--follow] [--count N] [--profile PROFILE]");
	}
	req = json_pack("{s:s, s:b, s:i}", "cmd", "events", "follow", follow, "count", (int)count);
	if (profile)
		json_object_set_new(req, "profile", json_string(profile));
	r = call_keep(ctl, req, -1, &reply, &sock);
	if (r)
		return r;
	r = reply_status(ctl, reply);
	if (r == 0)
		json_array_foreach(json_object_get(reply, "events"), i, ev)
			print_event(ctl, ev);
	json_decref(reply);
	if (r || !follow)
		return r;
	/* Until the daemon goes away; SIGINT and SIGTERM end it as they would any tool. */
	for (;;) {
		json_t *msg = NULL;

		if (proto_recv(sock, &msg, NULL) < 0)
			break;
		ev = json_object_get(msg, "event");
		if (ev)
			print_event(ctl, ev);
		json_decref(msg);
	}
	return 0;
}

static int cmd_mode(struct ctl *ctl, int argc, char **argv)
{
	if (expect_args(argc, 2, 2, "mode PROFILE audit|enforce|learn"))
		return EXIT_USAGE;
	if (strcmp(argv[1], "audit") != 0 && strcmp(argv[1], "enforce") != 0 && strcmp(argv[1], "learn") != 0)
		return usage_error("mode: expected 'audit', 'enforce' or 'learn', got '%s'", argv[1]);
	return ask(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "mode", "profile", argv[0], "mode", argv[1]),
		   -1, human_mode);
}

/* ---- learn --------------------------------------------------------------- */

#define LEARN_PROFILE_USAGE "learn profile|stop PROFILE [--subtree-threshold K] [--mode audit|enforce] " \
	"[--name NAME] [-o FILE]"

static void human_learn_session(json_t *s)
{
	printf("%s: %lld observations (exec %lld, file %lld, net %lld)%s%s\n", str_of(s, "profile"),
	       int_of(s, "observations"), int_of(s, "exec"), int_of(s, "file"), int_of(s, "net"),
	       int_of(s, "overflow") ? ", INCOMPLETE: some were over the limit" : "",
	       json_is_true(json_object_get(s, "synthesized")) ? "" : " (an existing profile, learning)");
}

static void human_learn_status(json_t *reply)
{
	json_t *list = json_object_get(reply, "sessions"), *s;
	size_t i;

	if (!list) {
		human_learn_session(json_object_get(reply, "session"));
		return;
	}
	if (json_array_size(list) == 0)
		printf("no profile is learning\n");
	json_array_foreach(list, i, s)
		human_learn_session(s);
}

static void human_learn_start(json_t *reply)
{
	printf("profile '%s' is learning on %s; nothing is denied there until it is replaced\n",
	       str_of(reply, "profile"), str_of(reply, "cgroup"));
}

/* learn profile / learn stop: the profile to stdout or -o FILE, warnings to stderr. */
static int learn_generate(struct ctl *ctl, const char *verb, int argc, char **argv)
{
	const char *name = NULL, *out = NULL, *mode = NULL, *pname = NULL;
	long threshold = -1;
	json_t *req, *reply = NULL;
	const char *text, *warnings;
	int r;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		char *end;

		if (i + 1 < argc && (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)) {
			out = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--mode") == 0) {
			mode = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--name") == 0) {
			pname = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--subtree-threshold") == 0) {
			errno = 0;
			threshold = strtol(argv[++i], &end, 10);
			if (errno || *end || !argv[i][0] || threshold < 0 || threshold > 1000000)
				return usage_error("learn %s: --subtree-threshold must be a number 0-1000000 (0: never "
						   "generalise), got '%s'", verb, argv[i]);
		} else if (a[0] == '-' || name) {
			return usage_error("learn %s: unexpected argument '%s'\nusage: enforcerctl %s", verb, a,
					   LEARN_PROFILE_USAGE);
		} else {
			name = a;
		}
	}
	if (!name)
		return usage_error("usage: enforcerctl %s", LEARN_PROFILE_USAGE);
	if (mode && strcmp(mode, "audit") != 0 && strcmp(mode, "enforce") != 0)
		return usage_error("learn %s: --mode must be audit or enforce, got '%s'", verb, mode);
	req = json_pack("{s:s, s:s}", "cmd", strcmp(verb, "stop") == 0 ? "learn-stop" : "learn-profile",
			"profile", name);
	if (mode)
		json_object_set_new(req, "mode", json_string(mode));
	if (pname)
		json_object_set_new(req, "name", json_string(pname));
	if (threshold >= 0)
		json_object_set_new(req, "subtree_threshold", json_integer(threshold));
	r = call(ctl, req, -1, &reply);
	if (r)
		return r;
	r = reply_status(ctl, reply);
	if (r) {
		json_decref(reply);
		return r;
	}
	text = str_of(reply, "profile_text");
	warnings = json_string_value(json_object_get(reply, "warnings"));
	if (warnings)
		fprintf(stderr, "%s", warnings);
	if (ctl->json) {
		json_dumpf(reply, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else if (out) {
		r = write_file_atomic(out, text, strlen(text), 0644);
		if (r < 0) {
			fprintf(stderr, "%s: cannot write %s: %s (the profile is printed instead)\n", prog, out,
				strerror(-r));
			fputs(text, stdout);
			r = EXIT_LOCAL;
		}
	} else {
		fputs(text, stdout);
	}
	json_decref(reply);
	return r;
}

static int cmd_learn(struct ctl *ctl, int argc, char **argv)
{
	const char *verb = argc > 0 ? argv[0] : "";

	if (strcmp(verb, "start") == 0) {
		if (argc != 4 || strcmp(argv[2], "--cgroup") != 0)
			return usage_error("usage: enforcerctl learn start PROFILE --cgroup CGROUP");
		return ask(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "learn-start", "profile", argv[1],
					  "cgroup", argv[3]), -1, human_learn_start);
	}
	if (strcmp(verb, "status") == 0) {
		json_t *req = json_pack("{s:s}", "cmd", "learn-status");

		if (argc > 2)
			return usage_error("usage: enforcerctl learn status [PROFILE]");
		if (argc == 2)
			json_object_set_new(req, "profile", json_string(argv[1]));
		return ask(ctl, req, -1, human_learn_status);
	}
	if (strcmp(verb, "profile") == 0 || strcmp(verb, "stop") == 0)
		return learn_generate(ctl, verb, argc - 1, argv + 1);
	return usage_error("learn: expected start, status, profile or stop%s%s", verb[0] ? ", got " : "", verb);
}

/* ---- report and promote: the audit-then-enforce rollout --------------------- */

static void human_report(json_t *rep)
{
	json_t *g, *groups = json_object_get(rep, "groups");
	long long total = int_of(rep, "total");
	size_t i;

	if (total == 0) {
		printf("profile '%s' (%s mode): no would-deny decisions since %s (observed since %s)\n",
		       str_of(rep, "profile"), str_of(rep, "mode"), str_of(rep, "since"), str_of(rep, "observed_since"));
		return;
	}
	printf("profile '%s' (%s mode): %lld would-deny decision(s) since %s in %lld group(s) (observed since %s)\n\n",
	       str_of(rep, "profile"), str_of(rep, "mode"), total, str_of(rep, "since"), int_of(rep, "groups_total"),
	       str_of(rep, "observed_since"));
	printf("%-10s %-28s %8s  %-20s  %-20s  %s\n", "RULE", "SOURCE", "COUNT", "FIRST SEEN", "LAST SEEN", "OBJECT");
	json_array_foreach(groups, i, g)
		printf("%-10s %-28s %8lld  %-20s  %-20s  %s\n", str_of(g, "rule"),
		       *str_of(g, "rule_source") ? str_of(g, "rule_source") : "-", int_of(g, "count"),
		       str_of(g, "first_seen"), str_of(g, "last_seen"), str_of(g, "object"));
	if (int_of(rep, "omitted"))
		printf("... and %lld more group(s) (--limit N, or --json)\n", int_of(rep, "omitted"));
}

static int cmd_report(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] = "usage: enforcerctl report PROFILE [--since T] [--limit N]";
	_cleanup_free_ char *text = NULL;
	const char *name = NULL;
	int64_t since = 0;
	long limit = 200;
	json_error_t jerr;
	json_t *rep, *req;
	size_t len = 0;
	char err[512];
	int r;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
			if (since_parse(argv[++i], time_now_usec(), &since, err, sizeof(err)) < 0)
				return usage_error("report: %s", err);
		} else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
			char *end;

			errno = 0;
			limit = strtol(argv[++i], &end, 10);
			if (errno || *end || end == argv[i] || limit < 1 || limit > 2048)
				return usage_error("report: --limit takes a number of groups 1-2048, not '%s'", argv[i]);
		} else if (!name && argv[i][0] != '-') {
			name = argv[i];
		} else {
			return usage_error("report: unexpected argument '%s'\n%s", argv[i], synopsis);
		}
	}
	if (!name)
		return usage_error("%s", synopsis);
	req = json_pack("{s:s, s:s, s:I, s:I}", "cmd", "report", "profile", name, "since_usec", (json_int_t)since,
			"limit", (json_int_t)limit);
	r = ask_into_memfd(ctl, req, &text, &len);
	if (r)
		return r;
	rep = json_loadb(text, len, 0, &jerr);
	if (!rep) {
		fprintf(stderr, "%s: the daemon's report is not valid JSON: %s\n", prog, jerr.text);
		return EXIT_LOCAL;
	}
	if (ctl->json) {
		json_dumpf(rep, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		human_report(rep);
	}
	json_decref(rep);
	return 0;
}

static void human_promote(json_t *reply)
{
	if (json_is_true(json_object_get(reply, "already")))
		printf("profile '%s' is already in enforce mode\n", str_of(reply, "profile"));
	else if (json_is_true(json_object_get(reply, "forced")))
		printf("profile '%s' promoted to enforce with --force despite %lld would-deny decision(s) since %s "
		       "(generation %lld)\n", str_of(reply, "profile"), int_of(reply, "would_deny"),
		       str_of(reply, "checked_since"), int_of(reply, "generation"));
	else
		printf("profile '%s' promoted to enforce: no would-deny decision since %s (generation %lld)\n",
		       str_of(reply, "profile"), str_of(reply, "checked_since"), int_of(reply, "generation"));
}

static int cmd_promote(struct ctl *ctl, int argc, char **argv)
{
	static const char synopsis[] = "usage: enforcerctl promote PROFILE [--window DURATION] [--force]";
	int64_t window = 3600LL * USEC_PER_SEC;
	const char *name = NULL;
	bool force = false;
	char err[512];

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--window") == 0 && i + 1 < argc) {
			if (duration_parse(argv[++i], &window, err, sizeof(err)) < 0 || window == 0)
				return usage_error("promote: --window: %s", window ? err : "must be longer than 0s");
		} else if (strcmp(argv[i], "--force") == 0) {
			force = true;
		} else if (!name && argv[i][0] != '-') {
			name = argv[i];
		} else {
			return usage_error("promote: unexpected argument '%s'\n%s", argv[i], synopsis);
		}
	}
	if (!name)
		return usage_error("%s", synopsis);
	return ask(ctl, json_pack("{s:s, s:s, s:I, s:b}", "cmd", "promote", "profile", name, "window_usec",
				  (json_int_t)window, "force", force), -1, human_promote);
}

/* ---- run ---------------------------------------------------------------- */

static pid_t run_child = -1;

static void forward_signal(int sig)
{
	if (run_child > 0)
		kill(run_child, sig);
}

static int write_str(const char *path, const char *s)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return write_all(fd, s, strlen(s));
}

static bool cgroup_populated(const char *cg)
{
	char path[4200], buf[256];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/cgroup.events", cg);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = 0;
	return strstr(buf, "populated 1") != NULL;
}

/* Kill what is left in the cgroup, wait until it is empty, then detach and remove it. */
static void run_cleanup(const struct ctl *ctl, const char *cg)
{
	char path[4200];
	json_t *reply = NULL;

	snprintf(path, sizeof(path), "%s/cgroup.kill", cg);
	if (cgroup_populated(cg))
		(void)write_str(path, "1");
	for (int i = 0; i < 500 && cgroup_populated(cg); i++)
		usleep(10000);
	/* Detach only once no process is left that could run unconfined. */
	if (call(ctl, json_pack("{s:s, s:s}", "cmd", "detach", "cgroup", cg), -1, &reply) == 0) {
		if (!json_is_true(json_object_get(reply, "ok")))
			fprintf(stderr, "%s: warning: %s\n", prog, json_string_value(json_object_get(reply, "error")));
		json_decref(reply);
	}
	if (rmdir(cg) < 0)
		fprintf(stderr, "%s: warning: cannot remove %s: %s\n", prog, cg, strerror(errno));
}

static int cmd_run(struct ctl *ctl, int argc, char **argv)
{
	const char *profile = NULL;
	char root[4096], parent[4200], cg[4300], procs[4400];
	json_t *reply = NULL;
	int i, r, status;
	struct sigaction sa = { .sa_handler = forward_signal };

	for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
			profile = argv[++i];
		else
			return usage_error("run: unexpected argument '%s'\nusage: enforcerctl run --profile PROFILE -- CMD [ARGS...]", argv[i]) + EXIT_RUN_SELF - EXIT_USAGE;
	}
	if (!profile || i >= argc - 1) {
		usage_error("usage: enforcerctl run --profile PROFILE -- CMD [ARGS...]");
		return EXIT_RUN_SELF;
	}
	argv += i + 1;

	r = cgroup2_mount_root(root, sizeof(root));
	if (r < 0) {
		fprintf(stderr, "%s: run: no cgroup2 file system is mounted (mount -t cgroup2 none /sys/fs/cgroup)\n", prog);
		return EXIT_RUN_SELF;
	}
	snprintf(parent, sizeof(parent), "%s/enforcer.run", root);
	if (mkdir(parent, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "%s: run: cannot create %s: %s\n", prog, parent, strerror(errno));
		return EXIT_RUN_SELF;
	}
	for (int n = 0;; n++) {
		snprintf(cg, sizeof(cg), "%s/run-%d-%d", parent, (int)getpid(), n);
		if (mkdir(cg, 0755) == 0)
			break;
		if (errno != EEXIST || n > 100) {
			fprintf(stderr, "%s: run: cannot create cgroup %s: %s\n", prog, cg, strerror(errno));
			return EXIT_RUN_SELF;
		}
	}

	/* The profile is in force on the cgroup before any process enters it. */
	r = call(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "attach", "profile", profile, "cgroup", cg), -1, &reply);
	if (r == 0)
		r = reply_status(ctl, reply);
	json_decref(reply);
	if (r) {
		rmdir(cg);
		return EXIT_RUN_SELF;
	}

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	fflush(NULL);
	run_child = fork();
	if (run_child < 0) {
		fprintf(stderr, "%s: run: fork: %s\n", prog, strerror(errno));
		run_cleanup(ctl, cg);
		return EXIT_RUN_SELF;
	}
	if (run_child == 0) {
		r = write_str(procs, "0");
		if (r < 0) {
			fprintf(stderr, "%s: run: cannot enter %s: %s\n", prog, cg, strerror(-r));
			_exit(EXIT_RUN_SELF);
		}
		execvp(argv[0], argv);
		r = errno;
		fprintf(stderr, "%s: run: cannot execute %s: %s\n", prog, argv[0], strerror(r));
		_exit(r == ENOENT ? 127 : 126);
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (waitpid(run_child, &status, 0) < 0) {
		if (errno != EINTR) {
			status = EXIT_RUN_SELF << 8;
			break;
		}
	}
	run_cleanup(ctl, cg);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return EXIT_RUN_SELF;
}

static int cmd_batch(struct ctl *ctl, int argc, char **argv);

static const struct command {
	const char *name;
	int (*fn)(struct ctl *ctl, int argc, char **argv);
} commands[] = {
	{ "status",   cmd_status },
	{ "stats",    cmd_stats },
	{ "check",    cmd_check },
	{ "list",     cmd_list },
	{ "show",     cmd_show },
	{ "load",     cmd_load },
	{ "unload",   cmd_unload },
	{ "attach",   cmd_attach },
	{ "detach",   cmd_detach },
	{ "mode",     cmd_mode },
	{ "report",   cmd_report },
	{ "promote",  cmd_promote },
	{ "rule",     cmd_rule },
	{ "events",   cmd_events },
	{ "run",      cmd_run },
	{ "reload",   cmd_reload },
	{ "shutdown", cmd_shutdown },
	{ "learn",    cmd_learn },
	{ "batch",    cmd_batch },
};

/* ---- batch ---------------------------------------------------------------- */

/*
 * Split a line into words: blanks separate, '...' is literal, "..." takes
 * \" and \\. Returns the count, or -1 for an unterminated quote or too many words.
 */
static int split_words(char *line, char **words, int max)
{
	int n = 0;
	char *in = line, *out = line;

	for (;;) {
		char quote = 0;

		while (*in == ' ' || *in == '\t')
			in++;
		if (!*in || *in == '#')
			return n;
		if (n == max)
			return -1;
		words[n++] = out;
		while (*in && (quote || (*in != ' ' && *in != '\t'))) {
			if (!quote && (*in == '\'' || *in == '"')) {
				quote = *in++;
			} else if (quote && *in == quote) {
				quote = 0;
				in++;
			} else if (quote == '"' && *in == '\\' && (in[1] == '"' || in[1] == '\\')) {
				*out++ = in[1];
				in += 2;
			} else {
				*out++ = *in++;
			}
		}
		if (quote)
			return -1;
		if (*in)
			in++;
		*out++ = 0;
	}
}

/*
 * Commands from a file (or stdin), one per line, in this tool's grammar:
 * each is its own request, answered and printed in turn; one process for
 * many edits. Exit status: the worst of the commands'.
 */
static int cmd_batch(struct ctl *ctl, int argc, char **argv)
{
	FILE *in = stdin;
	char line[65536];
	int worst = 0, lineno = 0;

	if (argc > 1)
		return usage_error("usage: enforcerctl batch [FILE]   (one command per line)");
	if (argc == 1 && strcmp(argv[0], "-") != 0 && !(in = fopen(argv[0], "re"))) {
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, argv[0], strerror(errno));
		return EXIT_LOCAL;
	}
	while (fgets(line, sizeof(line), in)) {
		char *words[64];
		int n, r = -1;

		lineno++;
		line[strcspn(line, "\n")] = 0;
		n = split_words(line, words, 63);
		if (n == 0)
			continue;
		if (n < 0) {
			r = usage_error("batch line %d: unterminated quote or too many words", lineno);
		} else if (strcmp(words[0], "batch") == 0 || strcmp(words[0], "run") == 0 ||
			   strcmp(words[0], "events") == 0) {
			r = usage_error("batch line %d: '%s' cannot run in a batch", lineno, words[0]);
		} else {
			words[n] = NULL;
			for (size_t c = 0; c < ARRAY_SIZE(commands) && r < 0; c++)
				if (strcmp(commands[c].name, words[0]) == 0)
					r = commands[c].fn(ctl, n - 1, words + 1);
			if (r < 0)
				r = usage_error("batch line %d: unknown command '%s'", lineno, words[0]);
		}
		fflush(stdout);
		if (r > worst)
			worst = r;
	}
	if (in != stdin)
		fclose(in);
	return worst;
}

int main(int argc, char **argv)
{
	struct ctl ctl = { .socket_path = ENF_SOCKET_DEFAULT };
	char *args[argc + 1];
	int n = 0, i;
	const char *name;

	/* Global options may stand anywhere before a "--" (run's command follows it). */
	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0) {
			ctl.json = true;
		} else if (strcmp(argv[i], "--socket") == 0) {
			if (++i >= argc)
				return usage_error("--socket needs a path");
			ctl.socket_path = argv[i];
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else {
			args[n++] = argv[i];
		}
	}
	for (; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;

	if (n == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = args[0];
	for (size_t c = 0; c < ARRAY_SIZE(commands); c++)
		if (strcmp(commands[c].name, name) == 0)
			return commands[c].fn(&ctl, n - 1, args + 1);
	return usage_error("unknown command '%s'", name);
}
