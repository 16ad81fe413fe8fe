/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live rule edits: `enforcerctl rule add` and `rule del`.
 *
 * The merge happens in the daemon, which holds the bundle in force. A
 * bundle keeps every rule's canonical text, section and action, so it can
 * be turned back into a profile document (bundle_to_source()); the edit is
 * applied to that document, which the policy parser validates in full
 * (duplicates, contradictions, limits) and the compiler compiles into a new
 * bundle. The caller then switches to it exactly like a replace: one
 * atomic update of the profile's entry. Rule ids are content hashes, so
 * every rule keeps its id; rules from the original file keep their
 * FILE:LINE:COLUMN, an added rule has line 0 ("live edit").
 */
#ifndef ENFORCER_LIVE_EDIT_H
#define ENFORCER_LIVE_EDIT_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"

/* The profile document a bundle was compiled from, in canonical form. NULL on ENOMEM. */
char *bundle_to_source(const struct bundle *b);

/*
 * A new bundle = old + the rule (JSON text of one rule object) in section
 * ("exec", "file", "network"). 0 with *ret_bundle and *ret_rule_id, or
 * -errno with a message for the user in err (positions refer to the rule
 * text: "rule:1:12: ...").
 */
int live_rule_add(const struct bundle *old, const char *section, const char *rule_text,
		  struct bundle **ret_bundle, uint32_t *ret_rule_id, char *err, size_t err_size);

/* A new bundle = old without rule `id`. 0 or -errno with err. */
int live_rule_del(const struct bundle *old, uint32_t id, struct bundle **ret_bundle,
		  char *err, size_t err_size);

/* Where a rule was written, kept beside a bundle's canonical document. */
struct rule_pos {
	uint32_t id, line, column;
};

/*
 * Compile a canonical document again (after an ABI change made the stored
 * bundle unreadable): same rules, same ids; positions and the source file
 * name are put back. 0 or -errno with err.
 */
int live_recompile(const char *doc, const char *source_file, const struct rule_pos *pos, size_t n_pos,
		   uint8_t fileless_exec, struct bundle **ret_bundle, char *err, size_t err_size);

#endif /* ENFORCER_LIVE_EDIT_H */
