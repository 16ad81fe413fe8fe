/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What one profile allows that another does not (`policyc diff A B`),
 * compared on effective decisions, not text: two profiles that decide
 * every operation alike have no differences however their rules are
 * written, and every difference names the rule (or default) that decides
 * it on each side.
 *
 * How: the decisions of a path section, for one access class and one
 * executable, are constant on *regions*: a path's region is the most
 * specific path any rule of either profile that can apply there names
 * (an exact path, a subtree, or no rule at all). One path per region is
 * asked of the reference evaluator (explain.h), on both profiles. Network
 * decisions, for one op, socket family, protocol and executable, are
 * constant on the address prefixes of those rules (less the longer
 * prefixes inside them) times the port segments every port range of both
 * profiles cuts. Points whose verdicts differ are grouped by the pair of
 * deciding rules and merged into as few entries as exactly describe them.
 */
#ifndef ENFORCER_DIFF_H
#define ENFORCER_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "explain.h"
#include "policy.h"

enum policy_diff_kind {
	POLICY_DIFF_MODE,       /* audit vs enforce */
	POLICY_DIFF_BASELINE,   /* one baseline word opted out on one side only */
	POLICY_DIFF_FILELESS,   /* exec of files with no name (exec.fileless, else exec.default) */
	POLICY_DIFF_PATH,       /* exec, executable mappings, file access classes */
	POLICY_DIFF_NET,        /* socket operations */
};

/* A pseudo access class beside enum enf_class: mapping a file executable (mmap, mprotect). */
#define POLICY_DIFF_CLASS_MAP ENF_CLASS_COUNT

enum policy_diff_region_kind {
	POLICY_REGION_EXACT,      /* path: exactly this path */
	POLICY_REGION_SUBTREE,    /* path: below path, where no more specific rule decides */
	POLICY_REGION_ELSEWHERE,  /* path: where no rule of either profile applies */
	POLICY_REGION_PREFIX,     /* address: in this prefix, where no longer prefix decides */
	POLICY_REGION_NO_ADDR,    /* operations without an address (create; non-inet sockets) */
};

struct policy_diff_region {
	enum policy_diff_region_kind kind;
	char *path;                   /* EXACT, SUBTREE */
	uint8_t addr_family;          /* PREFIX: 4 or 6 */
	uint8_t prefix_len;
	uint8_t addr[16];
};

struct policy_diff_entry {
	enum policy_diff_kind kind;
	bool a_more;                  /* A is the more permissive side here (allow > audit > deny) */
	enum enf_section section;     /* FILELESS, PATH, NET */
	struct policy_verdict a, b;   /* FILELESS, PATH, NET: what decides on each side */
	enum enf_mode mode_a, mode_b; /* MODE */
	unsigned baseline_word;       /* BASELINE: index in enf_baseline_words */
	bool optout_a, optout_b;      /* BASELINE */
	uint32_t classes;             /* PATH: 1u << enum enf_class, 1u << POLICY_DIFF_CLASS_MAP */
	struct policy_diff_region *regions; /* PATH, NET; sorted */
	size_t n_regions;
	bool exe_other;               /* applies to executables no "from" of either profile names */
	const char **exes;            /* ... and to these named ones (pointers into the profiles) */
	size_t n_exes;
	bool exe_all;                 /* every executable: exe_other and every named one */
	uint32_t ops, families;       /* NET: enum enf_net_op, enum enf_net_family bits */
	uint32_t protos;              /* NET: 1u << enum enf_net_proto; PROTO_ANY = other protocols */
	struct policy_port_range *ports; /* NET: ascending, merged; port 0 = no port */
	size_t n_ports;
};

struct policy_diff {
	struct policy_diff_entry *entries;
	size_t n_entries;
	size_t n_a_more, n_b_more;
	const char **exes;            /* every executable a "from" of either profile names, sorted */
	size_t n_exes;
};

enum policy_diff_flags {
	POLICY_DIFF_IGNORE_MODE = 1u << 0,  /* compare decisions only, not audit vs enforce */
};

/*
 * 0 with *ret (possibly no entries), or -ENOMEM / -EINVAL. The result points
 * into both profiles (rules, "from" paths): free it before them.
 */
int policy_diff(const struct policy_profile *a, const struct policy_profile *b, unsigned flags,
		struct policy_diff **ret);
void policy_diff_free(struct policy_diff *d);

/* "read,write", "exec", "exec-mapping": the access classes of a PATH entry, malloc'ed. */
char *policy_diff_classes_text(uint32_t classes);
/* "/etc/shadow", "/srv/www" + "/ **" (a subtree), "(any path no rule names)", "10.0.0.0/8", "(no address)" */
char *policy_diff_region_text(const struct policy_diff_region *r);

/*
 * For people (diff_print.c): a header naming A and B, then per difference
 * one line "< WHAT: A ACTION, B ACTION" ('<' where A allows more, '>' where
 * B does) and the deciding rule or default of each side, indented; a last
 * line counts them. 0, -ENOMEM or -EIO.
 */
int policy_diff_print(FILE *out, const struct policy_diff *d, const struct policy_profile *a,
		      const struct policy_profile *b);
/* The same as one JSON document (docs/policy.md, "policyc diff"); NULL on ENOMEM. */
struct json_t *policy_diff_json(const struct policy_diff *d, const struct policy_profile *a,
				const struct policy_profile *b);

#endif /* ENFORCER_DIFF_H */
