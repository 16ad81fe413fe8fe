// SPDX-License-Identifier: GPL-2.0-only
/* enforcerctl: the commands of one word (status, load, attach, events, report, ...). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "enforcerctl.h"
#include "print.h"
#include "protocol.h"
#include "support.h"
#include "time_arg.h"
#include "util.h"
#include "vocab.h"
#include "workload.h"

int cmd_status(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	return ask_plain(ctl, argc, "status", human_status);
}

int cmd_list(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	return ask_plain(ctl, argc, "list", human_list);
}

int cmd_check(struct ctl *ctl, int argc, char **argv)
{
	struct support_report sr;
	char msg[1024];
	bool xattr_skipped;
	int r;

	(void)argv;
	if (expect_args(argc, 0, 0, "check"))
		return EXIT_USAGE;
	support_probe(&sr);
	xattr_skipped = support_xattr_cap_check_skipped(&sr);
	r = support_check(&sr, msg, sizeof(msg));
	if (r == 0 && sr.lockdown[0] && strcmp(sr.lockdown, "none") != 0) {
		/* The load itself is the last rung; under lockdown it is refused. */
		support_explain_load(&sr, EPERM, msg, sizeof(msg));
		r = -EPERM;
	}
	if (ctl->json) {
		json_t *o = json_pack("{s:b, s:b, s:b, s:s, s:s, s:b, s:b, s:s}",
				      "securityfs", sr.securityfs, "bpf_lsm_active", sr.bpf_lsm_active,
				      "btf", sr.btf, "lsm", sr.lsm_list, "lockdown", sr.lockdown,
				      "xattr_cap_check_needs_enforcerd", xattr_skipped,
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
		if (xattr_skipped)
			printf("security.* xattrs unchecked by this kernel while enforcerd's programs are not attached: "
			       "before 6.10 the BPF LSM skips the capability check for every user (docs/bypasses.md)\n");
		if (r < 0)
			printf("\n%s\n", msg);
	}
	return r < 0 ? EXIT_REFUSED : 0;
}

int cmd_load(struct ctl *ctl, int argc, char **argv)
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

int cmd_unload(struct ctl *ctl, int argc, char **argv)
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

/* "--selector GLOB", "--unit UNIT" or "--workload SPEC" as the request's key and value; false if none of them. */
static bool target_option(const char *opt, const char *value, char *buf, size_t size, const char **ret_key,
			  const char **ret_value)
{
	if (strcmp(opt, "--selector") == 0 || strcmp(opt, "--unit") == 0) {
		*ret_key = opt + 2;
		*ret_value = value;
		return true;
	}
	if (strcmp(opt, "--workload") == 0) {
		/* A workload selector is a selector under its prefixed name (common/workload.h). */
		snprintf(buf, size, "%s%s", WORKLOAD_SELECTOR_PREFIX, value);
		*ret_key = "selector";
		*ret_value = buf;
		return true;
	}
	return false;
}

int cmd_attach(struct ctl *ctl, int argc, char **argv)
{
	char buf[WORKLOAD_SELECTOR_MAX + 64];
	const char *key, *value;

	if (argc == 3 && target_option(argv[1], argv[2], buf, sizeof(buf), &key, &value))
		return ask(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "attach", "profile", argv[0], key, value), -1,
			   human_attach);
	if (expect_args(argc, 2, 2, "attach PROFILE CGROUP | attach PROFILE --selector GLOB | attach PROFILE --unit UNIT"
			" | attach PROFILE --workload SPEC"))
		return EXIT_USAGE;
	return ask(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "attach", "profile", argv[0], "cgroup", argv[1]),
		   -1, human_attach);
}

int cmd_detach(struct ctl *ctl, int argc, char **argv)
{
	char buf[WORKLOAD_SELECTOR_MAX + 64];
	const char *key, *value;

	if (argc == 2 && target_option(argv[0], argv[1], buf, sizeof(buf), &key, &value))
		return ask(ctl, json_pack("{s:s, s:s}", "cmd", "detach", key, value), -1, NULL);
	if (expect_args(argc, 1, 1, "detach CGROUP | detach --selector GLOB | detach --unit UNIT | detach --workload SPEC"))
		return EXIT_USAGE;
	return ask(ctl, json_pack("{s:s, s:s}", "cmd", "detach", "cgroup", argv[0]), -1, NULL);
}

int cmd_which(struct ctl *ctl, int argc, char **argv)
{
	long pid;

	if (argc == 2 && strcmp(argv[0], "--pid") == 0) {
		if (number_arg(argv[1], 1, INT_MAX, &pid) < 0)
			return usage_error("which --pid: '%s' is not a process id (1..%d)", argv[1], INT_MAX);
		return ask(ctl, json_pack("{s:s, s:I}", "cmd", "which", "pid", (json_int_t)pid), -1, human_which);
	}
	if (expect_args(argc, 1, 1, "which CGROUP | which --pid PID"))
		return EXIT_USAGE;
	return ask(ctl, json_pack("{s:s, s:s}", "cmd", "which", "cgroup", argv[0]), -1, human_which);
}

int cmd_reload(struct ctl *ctl, int argc, char **argv)
{
	(void)argv;
	return ask_plain(ctl, argc, "reload", human_reload);
}

int cmd_show(struct ctl *ctl, int argc, char **argv)
{
	if (expect_args(argc, 1, 1, "show PROFILE"))
		return EXIT_USAGE;
	return ask(ctl, json_pack("{s:s, s:s}", "cmd", "show", "profile", argv[0]), -1, human_show);
}

int cmd_stats(struct ctl *ctl, int argc, char **argv)
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

int cmd_shutdown(struct ctl *ctl, int argc, char **argv)
{
	bool remove = argc == 1 && strcmp(argv[0], "--remove-enforcement") == 0;

	if (argc > 1 || (argc == 1 && !remove))
		return usage_error("usage: enforcerctl shutdown [--remove-enforcement]");
	return ask(ctl, json_pack("{s:s, s:b}", "cmd", "shutdown", "remove_enforcement", remove), -1, NULL);
}

int cmd_events(struct ctl *ctl, int argc, char **argv)
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
		else if (strcmp(argv[a], "--count") == 0 && a + 1 < argc) {
			if (number_arg(argv[++a], 0, ENF_EVENTS_RECENT, &count) < 0)
				return usage_error("events: --count takes a number of events 0-%d (the daemon keeps the "
						   "last %d), not '%s'", ENF_EVENTS_RECENT, ENF_EVENTS_RECENT, argv[a]);
		}
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

int cmd_mode(struct ctl *ctl, int argc, char **argv)
{
	enum enf_mode m;

	if (expect_args(argc, 2, 2, "mode PROFILE audit|enforce|learn"))
		return EXIT_USAGE;
	if (enf_mode_from_word(argv[1], &m) < 0)
		return usage_error("mode: expected 'audit', 'enforce' or 'learn', got '%s'", argv[1]);
	return ask(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "mode", "profile", argv[0], "mode", argv[1]),
		   -1, human_mode);
}

int cmd_report(struct ctl *ctl, int argc, char **argv)
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
			if (number_arg(argv[++i], 1, 2048, &limit) < 0)
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

int cmd_promote(struct ctl *ctl, int argc, char **argv)
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
