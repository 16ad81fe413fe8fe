/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The project's words for the ABI's values (include/enforcer_abi.h), each
 * spelled here once and read both ways: what profiles, policyc, the
 * control protocol, the state file, bundle dumps and audit events say.
 *
 *   enf_X_name(value)      the word; "?" for a value without one, except
 *                          where NULL is said (sets of bits: the caller
 *                          tells "no word" from a word)
 *   enf_X_from_word(w, &v) 0, or -EINVAL for a word that is not one
 *
 * The confinement baseline's words are in baseline.h (one bit each, in
 * their own table); which words a profile accepts where, and the hints for
 * near misses, are the parser's (policyc/parse_*.c).
 */
#ifndef ENFORCER_VOCAB_H
#define ENFORCER_VOCAB_H

#include <stdint.h>

#include "enforcer_abi.h"

/* "audit", "enforce", "learn" */
const char *enf_mode_name(enum enf_mode m);
int enf_mode_from_word(const char *w, enum enf_mode *ret);

/* "exec", "file", "network" */
const char *enf_section_name(enum enf_section s);
int enf_section_from_word(const char *w, enum enf_section *ret);

/* "allow", "audit", "deny"; "none" for ENF_ACT_NONE, which no word gives back */
const char *enf_action_name(enum enf_action a);
int enf_action_from_word(const char *w, enum enf_action *ret);

/* "exec", "read", "write", "create", "delete", "rename", "link", "setattr" */
#define ENF_ACCESS_ALL (((1u << ENF_CLASS_COUNT) - 1) & ~(1u << ENF_CLASS_EXEC)) /* "all": every file access */
const char *enf_class_name(enum enf_class c);
/* A file access word, or "all": its bits (1u << enum enf_class). "exec" is not one: the exec section owns it. */
int enf_access_from_word(const char *w, uint32_t *ret_bits);

/* One ENF_NET_* bit -> "create", "connect", "bind", "listen", "accept", "send"; NULL otherwise. */
const char *enf_net_op_name(uint32_t op_bit);
int enf_net_op_from_word(const char *w, uint32_t *ret_bit);

/*
 * One ENF_NET_FAMILY_* bit -> "inet4", "inet6", "unix", "packet",
 * "netlink"; NULL otherwise (ENF_NET_FAMILY_OTHER has no word). Words ->
 * bits also takes "inet" (inet4 and inet6) and "any" (ENF_NET_FAMILY_ANY).
 */
const char *enf_net_family_name(uint32_t family_bit);
int enf_net_family_from_word(const char *w, uint32_t *ret_bits);

/* "any", "tcp", "udp", "icmp", "raw" */
const char *enf_net_proto_name(enum enf_net_proto p);
int enf_net_proto_from_word(const char *w, enum enf_net_proto *ret);

#endif /* ENFORCER_VOCAB_H */
