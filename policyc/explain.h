/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The reference evaluator: what a profile decides for one operation,
 * computed straight from the AST with the precedence rules of
 * docs/policy.md. It shares no code with the compiler or the BPF side on
 * purpose: tests compare the kernel's decisions against this one, and
 * `policyc explain` shows users which rule decides and why.
 */
#ifndef ENFORCER_EXPLAIN_H
#define ENFORCER_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "policy.h"

struct policy_verdict {
	enum enf_action action;                   /* ALLOW, AUDIT or DENY */
	const struct policy_path_rule *path_rule; /* the deciding rule, or NULL */
	const struct policy_net_rule *net_rule;   /* the deciding rule, or NULL */
	bool by_default;                          /* no rule matched: the section default decided */
	bool section_absent;                      /* no such section: allowed, not decided here */
	bool unwritable;                          /* a mapping the exec default refused, allowed: write and create are denied */
	enum enf_section section;                 /* the section consulted */
};

/*
 * Path operations. `path` must be absolute and normalised (any depth);
 * `exe` is the executable of the acting process, NULL when unknown, in
 * which case rules with "from" never apply. 0, or -EINVAL for a malformed
 * request (class out of range, path not normalised).
 */
int policy_explain_path(const struct policy_profile *p, enum enf_class cls, const char *path,
			const char *exe, struct policy_verdict *ret);

/*
 * An executable mapping of `path` (mmap or mprotect with PROT_EXEC), as
 * the kernel decides it (lsm-progs/exec.bpf.c, CHECK_MAPPING): the exec
 * verdict, except that where only the exec default refuses it, a file the
 * profile denies both writing and creating is allowed (`unwritable`).
 * 0 or -EINVAL, as policy_explain_path().
 */
int policy_explain_map(const struct policy_profile *p, const char *path, const char *exe,
		       struct policy_verdict *ret);

/*
 * Socket operations. `op` is one ENF_NET_* bit, `family_bit` one
 * ENF_NET_FAMILY_* bit (the socket's family), `addr` the address involved
 * (4 bytes used when addr_family is 4, 16 when 6) or NULL when there is
 * none (socket creation); `port` 0 when there is none. IPv4-mapped IPv6
 * addresses are matched as IPv4. 0 or -EINVAL.
 */
int policy_explain_net(const struct policy_profile *p, uint32_t op, uint32_t family_bit,
		       enum enf_net_proto proto, const uint8_t addr[16], int addr_family,
		       uint16_t port, const char *exe, struct policy_verdict *ret);

/* A socket operation as `policyc explain --net` and test tables name it. */
struct policy_net_request {
	uint32_t op;                  /* one ENF_NET_* bit */
	enum enf_net_proto proto;
	bool has_addr;
	int addr_family;              /* 4 or 6 when has_addr */
	uint8_t addr[16];             /* 4 bytes used for family 4 */
	uint16_t port;
	char addr_text[46];           /* the address as written (INET6_ADDRSTRLEN) */
};

/*
 * "OP:PROTO[:ADDR:PORT]": "connect:tcp:10.0.0.1:443",
 * "connect:tcp:[::1]:443", "create:tcp". 0, or -EINVAL with why (what
 * was expected and found), -ENOMEM.
 */
int policy_net_request_parse(const char *arg, struct policy_net_request *ret, char *why, size_t size);

/*
 * One line for people:
 *   "deny by rule 0x1a2b3c4d (web.json:7:9) {canonical rule}"
 *   "allow by default (exec.default)"
 *   "allow: the profile has no network section (not decided by this profile)"
 * malloc'ed; NULL on ENOMEM.
 */
char *policy_verdict_describe(const struct policy_profile *p, const struct policy_verdict *v);

/* What happens given the profile's mode: "denied", "allowed and logged", ... */
const char *policy_verdict_effect(const struct policy_profile *p, const struct policy_verdict *v);

/*
 * The verdict as JSON members set on obj: "action", "decided_by"
 * (no-section, unwritable, default or rule), "rule" (id, file, line,
 * column, canonical text; null when no rule decided), "effect" when
 * with_effect (policy_verdict_effect()), and "summary" (the line above).
 * 0 or -ENOMEM.
 */
struct json_t;
int policy_verdict_json(const struct policy_profile *p, const struct policy_verdict *v, bool with_effect,
			struct json_t *obj);

#endif /* ENFORCER_EXPLAIN_H */
