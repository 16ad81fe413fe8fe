// SPDX-License-Identifier: GPL-2.0-only
/*
 * policyc: check, explain and compile enforcer profiles.
 *
 *   policyc COMMAND [ARGS]
 *
 * Exit status: 0 ok; 1 the input is invalid (a profile error, or a verdict
 * request that names no valid operation); 2 usage error; 3 internal failure
 * (I/O, out of memory). Scripts can tell "fix your profile" from "fix your
 * command line" from "something is broken here".
 *
 * One file, over 700 lines: the command line of each command (check,
 * explain, compile, dump, diff, generate), beside the usage text they share;
 * the work is in the library files.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "baseline.h"
#include "bundle.h"
#include "canonical.h"
#include "compile.h"
#include "diff.h"
#include "explain.h"
#include "generate.h"
#include "path_check.h"
#include "policy.h"
#include "util.h"

#define POLICYC_VERSION "0.1"

enum exit_code {
	EXIT_OK = 0,
	EXIT_INVALID = 1,
	EXIT_USAGE = 2,
	EXIT_INTERNAL = 3,
};

static const char usage_text[] =
	"usage: policyc check FILE... [--json]\n"
	"       policyc explain FILE (--exec PATH | --map PATH | --file PATH:ACCESS | --net OP:PROTO[:ADDR:PORT]\n"
	"                       | --baseline WORD)\n"
	"                       [--family FAMILY] [--from EXE] [--json]\n"
	"       policyc compile FILE -o OUT\n"
	"       policyc dump BUNDLE\n"
	"       policyc diff A B [--json] [--ignore-mode]\n"
	"       policyc generate OBSERVATIONS [--name NAME] [--mode audit|enforce]\n"
	"                        [--subtree-threshold K] [-o OUT]\n"
	"       policyc --help | --version\n";

static const char help_text[] =
	"\n"
	"Commands:\n"
	"  check FILE...      validate profiles; prints \"FILE: ok (N rules)\" per valid file,\n"
	"                     errors as FILE:LINE:COLUMN: KEY.PATH: message on stderr\n"
	"  explain FILE ...   show which rule (or default) decides one operation, and why\n"
	"      --exec PATH            executing PATH\n"
	"      --map PATH             mapping PATH executable (mmap, mprotect with PROT_EXEC): exec,\n"
	"                             but files the profile denies writing and creating map\n"
	"      --file PATH:ACCESS     ACCESS is read, write, create, delete, rename, link or setattr\n"
	"      --net OP:PROTO:ADDR:PORT\n"
	"                             OP is create, connect, bind, listen, accept or send; PROTO is\n"
	"                             tcp, udp, icmp, raw or any; an IPv6 ADDR goes in brackets:\n"
	"                             connect:tcp:[::1]:443. \"create:tcp\" has no address or port\n"
	"      --family FAMILY        socket family (inet4, inet6, unix, packet, netlink); default:\n"
	"                             that of ADDR; required when there is no ADDR\n"
	"      --baseline WORD        an operation of the confinement baseline: mount, userns, ptrace,\n"
	"                             helpers, modules, unix-abstract, io-uring, device-nodes, xattrs,\n"
	"                             lockdown, ptrace-read, tty-inject, signal or console\n"
	"                             (docs/policy.md \"baseline\")\n"
	"      --from EXE             the acting executable (rules with \"from\" need it)\n"
	"      --json                 print the verdict as JSON\n"
	"  compile FILE -o OUT  compile a profile into a bundle enforcerd loads\n"
	"  dump BUNDLE          print a compiled bundle\n"
	"  diff A B           what one profile allows that the other does not, compared on\n"
	"                     decisions (not text), rule by rule: '<' lines where A allows more,\n"
	"                     '>' where B does, each with the deciding rule or default of both.\n"
	"                     Exit status as diff(1): 0 same, 1 different, 2 trouble\n"
	"      --json                 print the differences as JSON\n"
	"      --ignore-mode          compare decisions only, not audit against enforce\n"
	"  generate OBSERVATIONS  an allow-list profile (every section \"default\": \"deny\") from\n"
	"                     learn observations (JSON lines, - for stdin; docs/learn.md)\n"
	"      --name NAME            the profile's name (default: learned)\n"
	"      --mode MODE            audit (default) or enforce\n"
	"      --subtree-threshold K  K or more files of one directory become DIR/** (default 8;\n"
	"                             0: never). Broad directories never do (docs/learn.md)\n"
	"      -o OUT                 write the profile to OUT instead of stdout\n"
	"\n"
	"Exit status:\n"
	"  0  success (for explain: a verdict was printed, whatever it is)\n"
	"  1  invalid input: a profile error or a bad verdict request\n"
	"  2  usage error: unknown command or option, missing or extra arguments\n"
	"  3  internal failure: I/O error, out of memory\n"
	"\n"
	"The profile format is described in docs/policy.md.\n";

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "policyc: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage_text);
	return EXIT_USAGE;
}

static int request_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int request_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "policyc: explain: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return EXIT_INVALID;
}

/* -EINVAL is the user's to fix; anything else is ours or the system's. */
static int exit_for(int r)
{
	return r == -EINVAL ? EXIT_INVALID : EXIT_INTERNAL;
}

static size_t rule_count(const struct policy_profile *p)
{
	return p->exec.n_rules + p->file.n_rules + p->network.n_rules;
}

/* Load a profile, printing the error; returns an exit code. */
static int load_profile(const char *file, struct policy_profile **ret)
{
	struct policy_error err;
	int r;

	r = policy_parse_file(file, ret, &err);
	if (r < 0) {
		if (err.text[0])
			fprintf(stderr, "%s\n", err.text);
		else
			fprintf(stderr, "%s: %s\n", file, strerror(-r));
		return exit_for(r);
	}
	return EXIT_OK;
}

/* ---------------------------------------------------------------- check -- */

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	json_t *out = NULL;
	bool json = false;
	int c, worst = EXIT_OK;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			printf("%s", usage_text);
			return EXIT_OK;
		default:
			return usage_error("check: unknown option");
		}
	}
	if (optind >= argc)
		return usage_error("check: no FILE given");
	if (json && !(out = json_array()))
		return EXIT_INTERNAL;

	for (int i = optind; i < argc; i++) {
		struct policy_profile *p = NULL;
		struct policy_error err;
		int r = policy_parse_file(argv[i], &p, &err);
		int code = r < 0 ? exit_for(r) : EXIT_OK;

		if (code > worst)
			worst = code;
		if (json) {
			json_t *o = r == 0 ?
				json_pack("{s:s, s:b, s:s, s:I}", "file", argv[i], "ok", 1, "name", p->name,
					  "rules", (json_int_t)rule_count(p)) :
				json_pack("{s:s, s:b, s:s}", "file", argv[i], "ok", 0, "error",
					  err.text[0] ? err.text : strerror(-r));
			if (!o || json_array_append_new(out, o) < 0)
				worst = EXIT_INTERNAL;
		} else if (r == 0) {
			printf("%s: ok (%zu rules)\n", argv[i], rule_count(p));
		} else {
			fprintf(stderr, "%s\n", err.text[0] ? err.text : strerror(-r));
		}
		policy_profile_free(p);
	}
	if (json) {
		if (json_dumpf(out, stdout, JSON_INDENT(2)) < 0)
			worst = EXIT_INTERNAL;
		printf("\n");
		json_decref(out);
	}
	return worst;
}

/* -------------------------------------------------------------- explain -- */

static int check_request_path(const char *what, const char *path)
{
	char why[768], *base = NULL;
	bool subtree;
	int r;

	r = policy_path_check(path, strlen(path), POLICY_PATH_LITERAL, what, &base, &subtree, why, sizeof(why));
	free(base);
	if (r == -EINVAL)
		return request_error("%s", why);
	if (r < 0)
		return EXIT_INTERNAL;
	return EXIT_OK;
}

/* --net ARG (policy_net_request_parse()); a refusal is the user's to fix. */
static int parse_net_request(const char *arg, struct policy_net_request *req)
{
	char why[256];
	int r = policy_net_request_parse(arg, req, why, sizeof(why));

	if (r == -EINVAL)
		return request_error("--net %s: %s", arg, why);
	return r < 0 ? EXIT_INTERNAL : EXIT_OK;
}

static const char *class_word(enum enf_class c)
{
	return enf_class_name(c);
}

/*
 * --baseline WORD: the baseline refuses the operation unless the profile
 * opts out, whatever its rules say; an opt-out is allowed and logged.
 */
static int explain_baseline(const struct policy_profile *p, const char *word, bool json)
{
	uint32_t bit = 0;
	unsigned i = 0;
	enum enf_action action;
	const char *effect;
	char summary[512];
	json_t *o;
	int code;

	if (enf_baseline_from_word(word, &bit) < 0)
		return EXIT_INTERNAL; /* checked before the profile was read */
	while (bit != 1u << i)
		i++;
	action = p->baseline_optout & bit ? ENF_ACT_AUDIT : ENF_ACT_DENY;
	effect = action == ENF_ACT_AUDIT ? "allowed and logged (reason baseline)" :
		 p->mode == ENF_MODE_ENFORCE ? "denied" : "allowed, and logged as a would-deny (audit mode)";
	if (action == ENF_ACT_AUDIT)
		snprintf(summary, sizeof(summary), "baseline %s (%s): %s opts out with \"baseline\": {\"%s\": \"allow\"}",
			 word, enf_baseline_what(i), p->source_file, word);
	else
		snprintf(summary, sizeof(summary), "baseline %s (%s): refused by the confinement baseline, whatever the "
			 "rules say; to let it through, add \"baseline\": {\"%s\": \"allow\"} to %s",
			 word, enf_baseline_what(i), word, p->source_file);
	if (!json) {
		printf("%s\neffect: %s\n", summary, effect);
		return EXIT_OK;
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s}, s:s, s:s, s:n, s:s, s:s}", "profile", p->name, "file", p->source_file,
		      "mode", enf_mode_name(p->mode), "section", "baseline",
		      "request", "baseline", word, "action", enf_action_name(action),
		      "decided_by", action == ENF_ACT_AUDIT ? "baseline-opt-out" : "baseline", "rule",
		      "effect", effect, "summary", summary);
	if (!o)
		return EXIT_INTERNAL;
	code = json_dumpf(o, stdout, JSON_INDENT(2)) < 0 ? EXIT_INTERNAL : EXIT_OK;
	printf("\n");
	json_decref(o);
	return code;
}

static int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "exec", required_argument, NULL, 'x' },
		{ "map", required_argument, NULL, 'm' },
		{ "file", required_argument, NULL, 'f' },
		{ "net", required_argument, NULL, 'n' },
		{ "family", required_argument, NULL, 'F' },
		{ "from", required_argument, NULL, 'e' },
		{ "baseline", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *exec_arg = NULL, *map_arg = NULL, *file_arg = NULL, *net_arg = NULL, *family_arg = NULL, *from = NULL;
	const char *baseline_arg = NULL;
	struct policy_profile *p = NULL;
	struct policy_verdict v;
	struct policy_net_request net;
	enum enf_class cls = ENF_CLASS_EXEC;
	char *path = NULL, *desc = NULL;
	uint32_t family_bit = 0;
	bool json = false;
	int c, n_ops, code, r;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'x': exec_arg = optarg; break;
		case 'm': map_arg = optarg; break;
		case 'f': file_arg = optarg; break;
		case 'n': net_arg = optarg; break;
		case 'F': family_arg = optarg; break;
		case 'e': from = optarg; break;
		case 'b': baseline_arg = optarg; break;
		case 'j': json = true; break;
		case 'h':
			printf("%s", usage_text);
			return EXIT_OK;
		default:
			return usage_error("explain: unknown option or missing argument");
		}
	}
	if (optind >= argc)
		return usage_error("explain: no FILE given");
	if (optind + 1 < argc)
		return usage_error("explain: one FILE at a time, found extra argument \"%s\"", argv[optind + 1]);
	n_ops = !!exec_arg + !!map_arg + !!file_arg + !!net_arg + !!baseline_arg;
	if (n_ops != 1)
		return usage_error("explain: expected exactly one of --exec, --map, --file, --net, --baseline, found %d", n_ops);
	if (family_arg && !net_arg)
		return usage_error("explain: --family applies to --net only");

	if (baseline_arg) {
		uint32_t bit;

		if (from || family_arg)
			return usage_error("explain: --baseline takes no --from or --family: the baseline applies to every executable");
		if (enf_baseline_from_word(baseline_arg, &bit) < 0) {
			char list[256] = "";

			for (unsigned i = 0; enf_baseline_words[i]; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
					 enf_baseline_words[i]);
			return request_error("--baseline %s: expected one of %s", baseline_arg, list);
		}
		code = load_profile(argv[optind], &p);
		if (code == EXIT_OK)
			code = explain_baseline(p, baseline_arg, json);
		policy_profile_free(p);
		return code;
	}

	/* Validate the request before reading the profile: cheap errors first. */
	if (from && (code = check_request_path("an executable path (--from)", from)) != EXIT_OK)
		return code;
	if (exec_arg) {
		if ((code = check_request_path("a path (--exec)", exec_arg)) != EXIT_OK)
			return code;
		path = strdup(exec_arg);
	} else if (map_arg) {
		if ((code = check_request_path("a path (--map)", map_arg)) != EXIT_OK)
			return code;
		path = strdup(map_arg);
	} else if (file_arg) {
		const char *colon = strrchr(file_arg, ':');
		uint32_t bits;
		if (!colon)
			return request_error("--file %s: expected PATH:ACCESS, e.g. /etc/shadow:read", file_arg);
		if (enf_access_from_word(colon + 1, &bits) < 0 || __builtin_popcount(bits) != 1)
			return request_error("--file %s: expected one access (read, write, create, delete, rename, link, setattr), found \"%s\"",
					     file_arg, colon + 1);
		cls = (enum enf_class)__builtin_ctz(bits);
		path = strndup(file_arg, (size_t)(colon - file_arg));
		if (path && (code = check_request_path("a path (--file)", path)) != EXIT_OK) {
			free(path);
			return code;
		}
	} else {
		if ((code = parse_net_request(net_arg, &net)) != EXIT_OK)
			return code;
		if (family_arg) {
			if (enf_net_family_from_word(family_arg, &family_bit) < 0 || __builtin_popcount(family_bit) != 1)
				return request_error("--family %s: expected one socket family (inet4, inet6, unix, packet, netlink)",
						     family_arg);
		} else if (net.has_addr) {
			family_bit = net.addr_family == 4 ? ENF_NET_FAMILY_INET4 : ENF_NET_FAMILY_INET6;
		} else {
			return usage_error("explain: --net %s has no address: give --family", net_arg);
		}
		if (net.has_addr && net.addr_family == 6 && family_bit == ENF_NET_FAMILY_INET4)
			return request_error("--net %s: an IPv6 address on an inet4 socket is not a possible operation", net_arg);
	}
	if ((exec_arg || map_arg || file_arg) && !path)
		return EXIT_INTERNAL;

	code = load_profile(argv[optind], &p);
	if (code != EXIT_OK)
		goto out;
	if (net_arg)
		r = policy_explain_net(p, net.op, family_bit, net.proto, net.has_addr ? net.addr : NULL,
				       net.addr_family, net.port, from, &v);
	else if (map_arg)
		r = policy_explain_map(p, path, from, &v);
	else
		r = policy_explain_path(p, cls, path, from, &v);
	if (r < 0) {
		code = r == -EINVAL ? request_error("the request is not valid for this profile") : EXIT_INTERNAL;
		goto out;
	}
	desc = policy_verdict_describe(p, &v);
	if (!desc) {
		code = EXIT_INTERNAL;
		goto out;
	}

	if (!json) {
		printf("%s\n", desc);
		printf("effect: %s\n", policy_verdict_effect(p, &v));
		code = EXIT_OK;
		goto out;
	}

	json_t *o = json_object(), *req = json_object();
	if (!o || !req) {
		json_decref(o);
		json_decref(req);
		code = EXIT_INTERNAL;
		goto out;
	}
	if (net_arg) {
		json_object_set_new(req, "op", json_string(enf_net_op_name(net.op)));
		json_object_set_new(req, "proto", json_string(enf_net_proto_name(net.proto)));
		json_object_set_new(req, "family", json_string(enf_net_family_name(family_bit)));
		if (net.has_addr)
			json_object_set_new(req, "addr", json_string(net.addr_text));
		json_object_set_new(req, "port", json_integer(net.port));
	} else {
		json_object_set_new(req, "class", json_string(class_word(cls)));
		json_object_set_new(req, "path", json_string(path));
		if (map_arg)
			json_object_set_new(req, "mapping", json_true());
	}
	json_object_set_new(req, "from", from ? json_string(from) : json_null());
	json_object_set_new(o, "profile", json_string(p->name));
	json_object_set_new(o, "file", json_string(p->source_file));
	json_object_set_new(o, "mode", json_string(enf_mode_name(p->mode)));
	json_object_set_new(o, "section", json_string(enf_section_name(v.section)));
	json_object_set_new(o, "request", req);
	if (policy_verdict_json(p, &v, true, o) < 0) {
		json_decref(o);
		code = EXIT_INTERNAL;
		goto out;
	}
	code = json_dumpf(o, stdout, JSON_INDENT(2)) < 0 ? EXIT_INTERNAL : EXIT_OK;
	printf("\n");
	json_decref(o);
out:
	free(desc);
	free(path);
	policy_profile_free(p);
	return code;
}

/* -------------------------------------------------------- compile, dump -- */

static int cmd_compile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct policy_profile *p = NULL;
	struct bundle *b = NULL;
	struct policy_error err = { .text = "" };
	const char *out = NULL;
	int c, r, code;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("%s", usage_text);
			return EXIT_OK;
		default:
			return usage_error("compile: unknown option or missing argument");
		}
	}
	if (optind >= argc)
		return usage_error("compile: no FILE given");
	if (optind + 1 < argc)
		return usage_error("compile: one FILE at a time, found extra argument \"%s\"", argv[optind + 1]);
	if (!out)
		return usage_error("compile: no output given (-o OUT)");

	code = load_profile(argv[optind], &p);
	if (code != EXIT_OK)
		return code;
	r = policy_compile(p, &b, &err);
	if (r < 0) {
		fprintf(stderr, "%s\n", err.text[0] ? err.text : strerror(-r));
		code = exit_for(r);
		goto done;
	}
	r = bundle_write_file(b, out);
	if (r < 0) {
		fprintf(stderr, "policyc: compile: cannot write %s: %s\n", out, strerror(-r));
		code = EXIT_INTERNAL;
		goto done;
	}
	printf("%s: %zu rules compiled into %s\n", argv[optind], rule_count(p), out);
	code = EXIT_OK;
done:
	bundle_free(b);
	policy_profile_free(p);
	return code;
}

static int cmd_dump(int argc, char **argv)
{
	struct bundle *b = NULL;
	char err[512] = "";
	int fd, r;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("%s", usage_text);
		return EXIT_OK;
	}
	if (argc != 2)
		return usage_error(argc < 2 ? "dump: no BUNDLE given" : "dump: one BUNDLE at a time");
	if (argv[1][0] == '-' && argv[1][1])
		return usage_error("dump: unknown option \"%s\"", argv[1]);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "policyc: dump: cannot open %s: %s\n", argv[1], strerror(errno));
		return EXIT_INTERNAL;
	}
	r = bundle_read_fd(fd, &b, err, sizeof(err));
	close(fd);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], err[0] ? err : strerror(-r));
		/* a damaged or foreign file is the input's fault, not ours */
		return r == -EINVAL || r == -EPROTO ? EXIT_INVALID : EXIT_INTERNAL;
	}
	bundle_dump(b, stdout);
	bundle_free(b);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INTERNAL;
}

/* ----------------------------------------------------------------- diff -- */

/* Exit status of diff, as diff(1)'s: scripts test "same?" with it. */
enum diff_exit {
	DIFF_SAME = 0,
	DIFF_DIFFERENT = 1,
	DIFF_TROUBLE = 2,
};

static int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "ignore-mode", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct policy_profile *a = NULL, *b = NULL;
	struct policy_diff *d = NULL;
	unsigned flags = 0;
	bool json = false;
	int c, r, code = DIFF_TROUBLE;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'm':
			flags |= POLICY_DIFF_IGNORE_MODE;
			break;
		case 'h':
			printf("%s", usage_text);
			return DIFF_SAME;
		default:
			usage_error("diff: unknown option");
			return DIFF_TROUBLE;
		}
	}
	if (argc - optind != 2) {
		usage_error("diff: expected two profiles A and B, found %d argument%s", argc - optind,
			    argc - optind == 1 ? "" : "s");
		return DIFF_TROUBLE;
	}
	if (load_profile(argv[optind], &a) != EXIT_OK || load_profile(argv[optind + 1], &b) != EXIT_OK)
		goto out;
	r = policy_diff(a, b, flags, &d);
	if (r < 0) {
		fprintf(stderr, "policyc: diff: %s\n", strerror(-r));
		goto out;
	}
	if (json) {
		json_t *o = policy_diff_json(d, a, b);
		r = !o || json_dumpf(o, stdout, JSON_INDENT(2)) < 0 ? -ENOMEM : 0;
		printf("\n");
		json_decref(o);
	} else {
		r = policy_diff_print(stdout, d, a, b);
	}
	if (r < 0) {
		fprintf(stderr, "policyc: diff: %s\n", strerror(-r));
		goto out;
	}
	code = d->n_entries ? DIFF_DIFFERENT : DIFF_SAME;
out:
	policy_diff_free(d);
	policy_profile_free(a);
	policy_profile_free(b);
	return code;
}

/* ------------------------------------------------------------- generate -- */

static int cmd_generate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "mode", required_argument, NULL, 'm' },
		{ "subtree-threshold", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct generate_options o = { .name = "learned", .mode = ENF_MODE_AUDIT,
				      .subtree_threshold = GENERATE_DEFAULT_THRESHOLD };
	char *text = NULL, *warnings = NULL, err[1536] = "", *end;
	const char *out = NULL, *in_name;
	FILE *in;
	unsigned long k;
	int c, r, code = EXIT_OK;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.name = optarg;
			break;
		case 'm':
			/* A generated profile is audited or enforced; learn is a daemon's state, not a profile's. */
			if (enf_mode_from_word(optarg, &o.mode) < 0 || o.mode == ENF_MODE_LEARN)
				return usage_error("generate: --mode must be audit or enforce, found \"%s\"", optarg);
			break;
		case 't':
			errno = 0;
			k = strtoul(optarg, &end, 10);
			if (errno || !optarg[0] || *end || optarg[0] == '-' || k > 1000000)
				return usage_error("generate: --subtree-threshold must be a number 0-1000000 "
						   "(0: never generalise), found \"%s\"", optarg);
			o.subtree_threshold = (unsigned)k;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			printf("%s", usage_text);
			return EXIT_OK;
		default:
			return usage_error("generate: unknown option or missing argument");
		}
	}
	if (optind >= argc)
		return usage_error("generate: no OBSERVATIONS file given (- for stdin)");
	if (optind + 1 < argc)
		return usage_error("generate: one OBSERVATIONS file at a time, found extra argument \"%s\"",
				   argv[optind + 1]);
	in_name = argv[optind];
	in = strcmp(in_name, "-") == 0 ? stdin : fopen(in_name, "re");
	if (!in) {
		fprintf(stderr, "policyc: generate: cannot open %s: %s\n", in_name, strerror(errno));
		return EXIT_INTERNAL;
	}
	r = generate_from_stream(in, in_name, &o, &text, &warnings, err, sizeof(err));
	if (in != stdin)
		fclose(in);
	if (r < 0) {
		fprintf(stderr, "policyc: generate: %s\n", err[0] ? err : strerror(-r));
		return r == -EINVAL || r == -E2BIG ? EXIT_INVALID : EXIT_INTERNAL;
	}
	if (warnings)
		fprintf(stderr, "%s", warnings);
	if (out) {
		r = write_file_atomic(out, text, strlen(text), 0644);
		if (r < 0) {
			fprintf(stderr, "policyc: generate: cannot write %s: %s\n", out, strerror(-r));
			code = EXIT_INTERNAL;
		}
	} else {
		fputs(text, stdout);
	}
	free(text);
	free(warnings);
	return code;
}

/* ----------------------------------------------------------------- main -- */

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
	{ "check", cmd_check },
	{ "explain", cmd_explain },
	{ "compile", cmd_compile },
	{ "dump", cmd_dump },
	{ "generate", cmd_generate },
	{ "diff", cmd_diff },
};

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage_error("no command given");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		printf("%s%s", usage_text, help_text);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("policyc %s (profile format v1, ABI %d)\n", POLICYC_VERSION, ENF_ABI_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			int code = commands[i].run(argc - 1, argv + 1);
			if (fflush(stdout) != 0 && code == EXIT_OK)
				code = EXIT_INTERNAL;
			return code;
		}
	return usage_error("unknown command \"%s\"", argv[1]);
}
