// SPDX-License-Identifier: GPL-2.0-only
/* enforcerctl learn: its verbs, their table and help. */
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
#include "enforcerctl.h"
#include "print.h"
#include "protocol.h"
#include "support.h"
#include "time_arg.h"
#include "util.h"
#include "vocab.h"

/* ---- learn --------------------------------------------------------------- */

#define LEARN_PROFILE_USAGE "learn profile|stop PROFILE [--subtree-threshold K] [--mode audit|enforce] " \
	"[--name NAME] [-o FILE]"

/* learn profile / learn stop: the profile to stdout or -o FILE, warnings to stderr. */
static int learn_generate(struct ctl *ctl, const char *verb, int argc, char **argv)
{
	const char *name = NULL, *out = NULL, *mode = NULL, *pname = NULL;
	enum enf_mode m;
	long threshold = -1;
	json_t *req, *reply = NULL;
	const char *text, *warnings;
	int r;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (i + 1 < argc && (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0)) {
			out = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--mode") == 0) {
			mode = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--name") == 0) {
			pname = argv[++i];
		} else if (i + 1 < argc && strcmp(a, "--subtree-threshold") == 0) {
			if (number_arg(argv[++i], 0, 1000000, &threshold) < 0)
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
	if (mode && (enf_mode_from_word(mode, &m) < 0 || m == ENF_MODE_LEARN))
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

static int learn_start(struct ctl *ctl, int argc, char **argv)
{
	if (argc != 3 || strcmp(argv[1], "--cgroup") != 0)
		return usage_error("usage: enforcerctl learn start PROFILE --cgroup CGROUP");
	return ask(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "learn-start", "profile", argv[0],
				  "cgroup", argv[2]), -1, human_learn_start);
}

static int learn_status(struct ctl *ctl, int argc, char **argv)
{
	json_t *req;

	if (argc > 1)
		return usage_error("usage: enforcerctl learn status [PROFILE]");
	req = json_pack("{s:s}", "cmd", "learn-status");
	if (argc == 1)
		json_object_set_new(req, "profile", json_string(argv[0]));
	return ask(ctl, req, -1, human_learn_status);
}

static int learn_profile_cmd(struct ctl *ctl, int argc, char **argv)
{
	return learn_generate(ctl, "profile", argc, argv);
}

static int learn_stop(struct ctl *ctl, int argc, char **argv)
{
	return learn_generate(ctl, "stop", argc, argv);
}

const char learn_help[] =
	"  learn start PROFILE --cgroup CGROUP\n"
	"                                 record what CGROUP's tasks do (nothing is denied)\n"
	"  learn status [PROFILE]         observations so far, by kind\n"
	"  learn profile PROFILE [--subtree-threshold K] [--mode audit|enforce] [--name N] [-o FILE]\n"
	"                                 the allow-list profile they make (docs/learn.md)\n"
	"  learn stop PROFILE [same options] that profile, then end learning (a profile made\n"
	"                                 by 'learn start' is unloaded)\n";

static const struct cmd learn_cmds[] = {
	{ "start",   learn_start },
	{ "status",  learn_status },
	{ "profile", learn_profile_cmd },
	{ "stop",    learn_stop },
	{ NULL, NULL },
};

int cmd_learn(struct ctl *ctl, int argc, char **argv)
{
	const char *verb = argc > 0 ? argv[0] : "";
	int r = cmd_select(ctl, learn_cmds, argc, argv);

	if (r < 0)
		r = usage_error("learn: expected start, status, profile or stop%s%s", verb[0] ? ", got " : "", verb);
	return r;
}
