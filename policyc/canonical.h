/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The canonical one-line JSON form of a rule, which is what users see in
 * `policyc explain`, what bundles store as a rule's text, and what rule ids
 * are computed from; and the checks on words that the profile format adds
 * to the vocabulary (common/vocab.h, included here: the words themselves).
 */
#ifndef ENFORCER_CANONICAL_H
#define ENFORCER_CANONICAL_H

#include <netinet/in.h> /* INET6_ADDRSTRLEN */
#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "vocab.h"

/*
 * Whether every op of ops can happen on a socket of proto: only stream
 * sockets listen and accept (a rule naming listen with udp is refused; the
 * kernel's hook still sees the listen() a udp socket is asked for, which
 * then fails with EOPNOTSUPP).
 */
bool policy_net_ops_fit_proto(uint32_t ops, enum enf_net_proto proto);

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

/* "10.0.0.0/8", "::1/128"; addr holds 4 or 16 bytes as family says; cut short to out_size */
#define POLICY_ADDR_TEXT_MAX (INET6_ADDRSTRLEN + 4) /* "/128" and the NUL: INET6_ADDRSTRLEN counts a NUL */
void policy_addr_format(uint8_t family, const uint8_t *addr, uint8_t prefix_len,
			char *out, size_t out_size);

/* 32-bit FNV-1a of "<section>:<canonical match>" (docs/policy.md, "Rule ids"); may be 0. */
uint32_t policy_rule_hash(enum enf_section section, const char *canonical_match);

#endif /* ENFORCER_CANONICAL_H */
