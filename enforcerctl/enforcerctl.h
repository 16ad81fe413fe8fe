/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What enforcerctl's files share. enforcerctl.c reads the command line and
 * picks a command from its table; ask.c talks to the daemon; print.c prints
 * its answers for people; commands.c, rule.c, learn.c and run.c are the
 * commands (an object with verbs, like `rule add`, has its own table and
 * help beside them, after bpftool).
 */
#ifndef ENFORCERCTL_H
#define ENFORCERCTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define EXIT_REFUSED  1
#define EXIT_USAGE    2
#define EXIT_LOCAL    3
#define EXIT_RUN_SELF 125

struct ctl {
	const char *socket_path;
	bool json;
};

/* A command or an object's verb: ARGS are what follows its name; returns the exit status. */
struct cmd {
	const char *name;
	int (*fn)(struct ctl *ctl, int argc, char **argv);
};

extern const char *prog;

/* enforcerctl.c: the command line. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int number_arg(const char *text, long min, long max, long *ret);
int expect_args(int argc, int want_min, int want_max, const char *synopsis);
/* The verb named by argv[0] from CMDS (ended by a NULL name), run with the words after it; -1 if none. */
int cmd_select(struct ctl *ctl, const struct cmd *cmds, int argc, char **argv);

/* ask.c: requests and answers. */
int call_keep(const struct ctl *ctl, json_t *req, int fd, json_t **ret_reply, int *ret_sock);
int call(const struct ctl *ctl, json_t *req, int fd, json_t **ret_reply);
int reply_status(const struct ctl *ctl, json_t *reply);
int ask(const struct ctl *ctl, json_t *req, int fd, void (*human)(json_t *reply));
int ask_plain(struct ctl *ctl, int argc, const char *name, void (*human)(json_t *reply));
int ask_into_memfd(const struct ctl *ctl, json_t *req, char **ret_text, size_t *ret_len);

/* The commands (enforcerctl.c's table). */
int cmd_status(struct ctl *ctl, int argc, char **argv);
int cmd_list(struct ctl *ctl, int argc, char **argv);
int cmd_check(struct ctl *ctl, int argc, char **argv);
int cmd_load(struct ctl *ctl, int argc, char **argv);
int cmd_unload(struct ctl *ctl, int argc, char **argv);
int cmd_attach(struct ctl *ctl, int argc, char **argv);
int cmd_detach(struct ctl *ctl, int argc, char **argv);
int cmd_reload(struct ctl *ctl, int argc, char **argv);
int cmd_show(struct ctl *ctl, int argc, char **argv);
int cmd_stats(struct ctl *ctl, int argc, char **argv);
int cmd_shutdown(struct ctl *ctl, int argc, char **argv);
int cmd_events(struct ctl *ctl, int argc, char **argv);
int cmd_mode(struct ctl *ctl, int argc, char **argv);
int cmd_report(struct ctl *ctl, int argc, char **argv);
int cmd_promote(struct ctl *ctl, int argc, char **argv);
int cmd_learn(struct ctl *ctl, int argc, char **argv);
int cmd_rule(struct ctl *ctl, int argc, char **argv);
int cmd_run(struct ctl *ctl, int argc, char **argv);
int cmd_which(struct ctl *ctl, int argc, char **argv);
int cmd_oci_hook(struct ctl *ctl, int argc, char **argv);

/* The help of the objects with verbs, beside their tables (rule.c, learn.c). */
extern const char rule_help[], learn_help[];

#endif /* ENFORCERCTL_H */
