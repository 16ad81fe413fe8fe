/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The profile vocabulary (one table per enum, shared by the parser, the
 * evaluator, the CLI and the compiler so a word is spelled in one place) and
 * the canonical one-line JSON form of a rule, which is what users see in
 * `policyc explain`, what bundles store as a rule's text, and what rule ids
 * are computed from.
 */
#ifndef ENFORCER_CANONICAL_H
#define ENFORCER_CANONICAL_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"

/* "exec", "file", "network" */
const char *policy_section_word(enum enf_section s);
/* "allow", "audit", "deny"; "none" for ENF_ACT_NONE */
const char *policy_action_word(enum enf_action a);
/* "exec", "read", "write", ..., "setattr"; NULL when out of range */
const char *policy_access_word(enum enf_class c);
/* one bit of enum policy_net_op -> "connect" etc.; NULL otherwise */
const char *policy_net_op_word(uint32_t op_bit);
/* one bit of enum policy_net_family -> "inet4" etc.; NULL otherwise */
const char *policy_family_word(uint32_t family_bit);
/* "any", "tcp", "udp", "icmp", "raw" */
const char *policy_proto_word(enum policy_net_proto p);

/* Words -> values. 0 on success, -EINVAL for an unknown word. */
int policy_access_from_word(const char *w, uint32_t *ret_bits);   /* includes "all" */
int policy_net_op_from_word(const char *w, uint32_t *ret_bit);
int policy_family_from_word(const char *w, uint32_t *ret_bits);   /* includes "inet", "any" */
int policy_proto_from_word(const char *w, enum policy_net_proto *ret);

/*
 * Whether every op of ops can happen on a socket of proto: only stream
 * sockets listen and accept (a rule naming listen with udp is refused; the
 * kernel's hook still sees the listen() a udp socket is asked for, which
 * then fails with EOPNOTSUPP).
 */
bool policy_net_ops_fit_proto(uint32_t ops, enum policy_net_proto proto);

/*
 * One line of canonical JSON, keys in a fixed order, defaults omitted, sets
 * sorted ("access", "op", "family" in vocabulary order; "ports" and "from"
 * ascending). With include_action false, the rule's match only: that is
 * what a rule id hashes, so an "audit" rule promoted to "deny" keeps its id.
 * malloc'ed; NULL on ENOMEM.
 */
char *policy_path_rule_canonical(const struct policy_path_rule *r, enum enf_section section,
				 bool include_action);
char *policy_net_rule_canonical(const struct policy_net_rule *r, bool include_action);

/* "10.0.0.0/8", "::1/128"; addr holds 4 or 16 bytes as family says */
void policy_addr_format(uint8_t family, const uint8_t *addr, uint8_t prefix_len,
			char *out, size_t out_size);

/* 32-bit FNV-1a of "<section>:<canonical match>" (docs/policy.md, "Rule ids"); may be 0. */
uint32_t policy_rule_hash(enum enf_section section, const char *canonical_match);

#endif /* ENFORCER_CANONICAL_H */
