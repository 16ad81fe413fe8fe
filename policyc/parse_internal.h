/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The profile parser's parts, for each other (users of the parser include
 * policy.h). policy_parse_buffer() (parse.c) loads the document
 * (parse_document.c), walks the profile and its sections (parse.c) and
 * each rule (parse_path_rules.c, parse_net_rules.c), then refuses rules
 * that duplicate or contradict each other (parse_conflicts.c). Every
 * refusal is made by the diagnostics (parse_diag.c):
 *
 *   FILE:LINE:COLUMN: KEY.PATH: expected ..., found ...
 *
 * The first problem found stops the parse. Functions return 0 or -errno;
 * -EINVAL means the message in c->err is the user's to read.
 */
#ifndef ENFORCER_PARSE_INTERNAL_H
#define ENFORCER_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "json_pos.h"
#include "policy.h"

#define POLICY_RULES_MAX  262144u      /* rules per profile, all sections together */
#define POLICY_FILE_MAX   (64u << 20)  /* bytes of profile text */
#define KEY_PATH_MAX      256

struct parse_ctx {
	const char *file;
	struct policy_error *err;
	/* Key path of the value being checked, e.g. "network.rules[3].ports[1]". */
	char path[KEY_PATH_MAX];
	size_t n_rules;
};

/* ---- diagnostics (parse_diag.c) ---- */

/* A refusal about the value at `at` (parse_fail_key: about its key); -EINVAL. */
int parse_fail(struct parse_ctx *c, const struct json_pos_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int parse_fail_key(struct parse_ctx *c, const struct json_pos_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "expected EXPECTED, found <v as parse_describe() shows it>" */
int parse_fail_type(struct parse_ctx *c, const struct json_pos_node *at, const json_t *v, const char *expected);
/* "expected a "KEY" key (EXPECTED), found none" */
int parse_missing(struct parse_ctx *c, const struct json_pos_node *pn, const char *key, const char *expected);

/* Key paths: push returns what pop restores. Printed, never parsed back: odd keys are quoted and cut. */
size_t parse_path_push_key(struct parse_ctx *c, const char *key);
size_t parse_path_push_index(struct parse_ctx *c, size_t i);
void parse_path_pop(struct parse_ctx *c, size_t old);

/* "found ..." text for any JSON value. */
void parse_describe(const json_t *v, char *out, size_t size);

/* The keys each kind of object takes (NULL-terminated). */
extern const char *const parse_top_keys[];
extern const char *const parse_section_keys[];
extern const char *const parse_exec_section_keys[];
extern const char *const parse_exec_rule_keys[];
extern const char *const parse_file_rule_keys[];
extern const char *const parse_net_rule_keys[];

/*
 * Strict unpacking: every key of obj must be in allowed (one of the lists
 * above, or another NULL-terminated list). kind names the object ("exec
 * rules") in the message.
 */
int parse_check_keys(struct parse_ctx *c, json_t *obj, const struct json_pos_node *pn,
		     const char *const *allowed, const char *kind);

/* A string from a fixed vocabulary; hints[] maps common wrong words to advice. */
struct parse_hint {
	const char *word, *advice;
};
int parse_word(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn,
	       const char *const *words, const struct parse_hint *hints, const char *what,
	       const char **ret);
/*
 * An array of vocabulary words -> bits, each word once and no overlap.
 * `to_bits` maps a word to its bits or fails; alone_word (or NULL) may not
 * stand beside others.
 */
int parse_word_set(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn,
		   const char *const *words, const struct parse_hint *hints,
		   int (*to_bits)(const char *, uint32_t *), const char *what_set,
		   const char *what_word, const char *alone_word, uint32_t *ret);

/* ---- the profile (parse.c) ---- */

/* "allow", "deny", "audit" (rule) or "allow", "deny" (default). */
int parse_action(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, bool rule,
		 enum enf_action *ret);

/* ---- rules (parse_path_rules.c, parse_net_rules.c) ---- */

/* "from": a set of executables, stored sorted so equal sets compare equal. */
int parse_from(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, char ***ret_from, size_t *ret_n);
int parse_path_rule(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, enum enf_section section,
		    struct policy_path_rule *r);
int parse_net_rule(struct parse_ctx *c, json_t *v, const struct json_pos_node *pn, struct policy_net_rule *r);

/* ---- duplicates and contradictions (parse_conflicts.c) ---- */

int parse_check_path_pairs(struct parse_ctx *c, const struct policy_path_section *sec, enum enf_section s);
int parse_check_net_pairs(struct parse_ctx *c, const struct policy_net_section *sec);

/* ---- the document (parse_document.c) ---- */

/*
 * buf as JSON (*ret_root) and the position of each of its values
 * (*ret_pos), or the refusal in c->err: larger than POLICY_FILE_MAX, a NUL
 * byte, not JSON, a duplicate key. 0 or -errno (-EPROTO: jansson and the
 * position index disagree, our bug).
 */
int parse_document_load(struct parse_ctx *c, const char *buf, size_t len, json_t **ret_root,
			struct json_pos_node **ret_pos);

#endif /* ENFORCER_PARSE_INTERNAL_H */
