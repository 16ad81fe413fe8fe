// SPDX-License-Identifier: GPL-2.0-only
/* enforcerctl rule: its verbs, their table and help. */
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

/* The verbs get the words after their own name. */
static int rule_add(struct ctl *ctl, int argc, char **argv)
{
	if (expect_args(argc, 3, 3, "rule add PROFILE exec|file|network 'RULE-JSON'"))
		return EXIT_USAGE;
	return ask(ctl, json_pack("{s:s, s:s, s:s, s:s}", "cmd", "rule-add", "profile", argv[0],
				  "section", argv[1], "rule", argv[2]), -1, human_rule);
}

static int rule_del(struct ctl *ctl, int argc, char **argv)
{
	if (expect_args(argc, 2, 2, "rule del PROFILE RULE_ID"))
		return EXIT_USAGE;
	return ask(ctl, json_pack("{s:s, s:s, s:s}", "cmd", "rule-del", "profile", argv[0], "rule_id", argv[1]),
		   -1, human_rule);
}

const char rule_help[] =
	"  rule add PROFILE SECTION RULE  add one rule (JSON, as in the profile; SECTION is\n"
	"                                 exec, file or network); one atomic switch\n"
	"  rule del PROFILE RULE_ID       delete a rule by its id (see 'show'); one switch\n";

static const struct cmd rule_cmds[] = {
	{ "add", rule_add },
	{ "del", rule_del },
	{ NULL, NULL },
};

int cmd_rule(struct ctl *ctl, int argc, char **argv)
{
	int r = cmd_select(ctl, rule_cmds, argc, argv);

	if (r < 0)
		r = usage_error("usage: enforcerctl rule add PROFILE SECTION 'RULE-JSON' | rule del PROFILE RULE_ID");
	return r;
}
