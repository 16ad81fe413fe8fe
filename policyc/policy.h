/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The parsed form of a v1 profile (docs/policy.md). policy_parse_*() produce
 * it from JSON after full validation; everything downstream (the compiler in
 * compile.c, the reference evaluator in explain.c) trusts it: paths are
 * absolute and normalised, sets are non-empty, ranges are ordered.
 */
#ifndef ENFORCER_POLICY_H
#define ENFORCER_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enforcer_abi.h"

/* Where a rule came from, for error messages and for events. */
struct policy_source {
	const char *file;   /* shared by every rule of one profile */
	int line;           /* 1-based */
	int column;         /* 1-based */
};

/*
 * A rule on a path. `path` is normalised and absolute; for a subtree rule
 * (written "/srv/www" + "/ **" without the space) `path` is "/srv/www" and
 * `subtree` is true; the subtree of "/" has path "/".
 */
struct policy_path_rule {
	uint32_t id;              /* stable, unique within the profile, never 0 */
	enum enf_action action;
	char *path;
	bool subtree;
	uint32_t access;          /* exec rules: 1u << ENF_CLASS_EXEC */
	char **from;              /* executables the rule is limited to; NULL/0 = any */
	size_t n_from;
	struct policy_source src;
};

struct policy_port_range {
	uint16_t lo, hi;          /* inclusive, lo <= hi */
};

struct policy_net_rule {
	uint32_t id;
	enum enf_action action;
	uint32_t ops;             /* enum enf_net_op bits, non-zero */
	uint32_t families;        /* enum enf_net_family bits, non-zero */
	enum enf_net_proto proto;
	bool has_addr;
	uint8_t addr_family;      /* 4 or 6 */
	uint8_t prefix_len;       /* 0..32 or 0..128 */
	uint8_t addr[16];         /* network byte order, host bits zeroed */
	struct policy_port_range *ports; /* NULL/0 = any port */
	size_t n_ports;
	char **from;
	size_t n_from;
	struct policy_source src;
};

struct policy_path_section {
	bool present;
	enum enf_action default_action; /* ENF_ACT_ALLOW or ENF_ACT_DENY */
	enum enf_action fileless;       /* exec only: ENF_ACT_NONE (the default decides), or a rule action */
	struct policy_path_rule *rules;
	size_t n_rules;
};

struct policy_net_section {
	bool present;
	enum enf_action default_action;
	struct policy_net_rule *rules;
	size_t n_rules;
};

struct policy_profile {
	char *name;               /* [a-zA-Z0-9_.-]{1,63} */
	enum enf_mode mode;
	char *source_file;        /* as given to the parser */
	struct policy_path_section exec;
	struct policy_path_section file;
	struct policy_net_section network;
	uint16_t baseline_optout; /* ENF_BASELINE_*: the "baseline" words set to "allow" */
};

/* A message ready for the user: "web.json:14:9: network.rules[3].ports[1]: ..." */
struct policy_error {
	char text[1024];
};

/*
 * Parse and validate. 0 on success with *ret_profile set; -EINVAL for input
 * the user must fix (err explains), other -errno for internal failures.
 */
int policy_parse_file(const char *path, struct policy_profile **ret_profile,
		      struct policy_error *err);
int policy_parse_buffer(const char *buf, size_t len, const char *source_name,
			struct policy_profile **ret_profile, struct policy_error *err);
void policy_profile_free(struct policy_profile *profile);

#endif /* ENFORCER_POLICY_H */
