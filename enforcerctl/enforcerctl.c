// SPDX-License-Identifier: GPL-2.0-only
/*
 * enforcerctl: the admin CLI. Grammar `enforcerctl [OPTIONS] COMMAND [ARGS]`
 * from the command table below, after bpftool; an object with verbs (`rule`,
 * `learn`) has its own table and help beside it (rule.c, learn.c). Every
 * command that prints takes --json.
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
#include "enforcerctl.h"
#include "print.h"
#include "protocol.h"
#include "support.h"
#include "time_arg.h"
#include "util.h"
#include "vocab.h"

const char *prog = "enforcerctl";

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
		"  attach PROFILE --workload SPEC ... on every container whose identity matches SPEC,\n"
		"                                 KEY=GLOB[,KEY=GLOB...], keys runtime, namespace,\n"
		"                                 pod, container, image (docs/containers.md)\n"
		"  detach CGROUP | --selector GLOB | --unit UNIT | --workload SPEC\n"
		"                                 remove an attachment or a selector\n"
		"  which CGROUP | --pid PID       what a cgroup or process is (its container, pod,\n"
		"                                 namespace), which profile governs it, and why\n"
		"  oci-hook [--config-dir DIR] [--state-dir DIR]\n"
		"                                 the OCI runtime hook (createRuntime; reads the\n"
		"                                 container's state on standard input)\n"
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
		"%s"
		"  events [--follow] [--count N] [--profile P]\n"
		"                                 recent audit events; --follow streams new ones\n"
		"  run --profile PROFILE -- CMD [ARGS...]\n"
		"                                 run CMD in a fresh cgroup under PROFILE\n"
		"%s"
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
		rule_help, learn_help, ENF_SOCKET_DEFAULT);
}

int usage_error(const char *fmt, ...)
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
 * A whole decimal number MIN..MAX (no sign games, no trailing text, no
 * overflow). 0, or -EINVAL: the caller names the option and the range.
 */
int number_arg(const char *text, long min, long max, long *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int expect_args(int argc, int want_min, int want_max, const char *synopsis)
{
	if (argc < want_min || argc > want_max)
		return usage_error("usage: enforcerctl %s", synopsis);
	return 0;
}

int cmd_select(struct ctl *ctl, const struct cmd *cmds, int argc, char **argv)
{
	if (argc < 1)
		return -1;
	for (const struct cmd *c = cmds; c->name; c++)
		if (strcmp(c->name, argv[0]) == 0)
			return c->fn(ctl, argc - 1, argv + 1);
	return -1;
}

static int cmd_batch(struct ctl *ctl, int argc, char **argv);

static const struct cmd commands[] = {
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
	{ "which",    cmd_which },
	{ "oci-hook", cmd_oci_hook },
	{ NULL, NULL },
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
			r = cmd_select(ctl, commands, n, words);
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
	int n = 0, i, r;

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
	r = cmd_select(&ctl, commands, n, args);
	if (r < 0)
		r = usage_error("unknown command '%s'", args[0]);
	return r;
}
