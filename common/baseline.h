/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef ENFORCER_BASELINE_H
#define ENFORCER_BASELINE_H

#include <stdint.h>

#include "enforcer_abi.h"

/*
 * The confinement baseline's words (docs/policy.md "baseline"), one table
 * for the parser, the canonical document, dump and explain: word i is the
 * opt-out bit 1u << i (ENF_BASELINE_*). NULL-terminated.
 */
extern const char *const enf_baseline_words[];
/* What word i refuses, in a few words, for dump and explain. */
const char *enf_baseline_what(unsigned i);
/* The word of one ENF_BASELINE_* bit; NULL for anything else. */
const char *enf_baseline_word(uint32_t bit);
/* A word -> its ENF_BASELINE_* bit: 0, or -EINVAL for an unknown word. */
int enf_baseline_from_word(const char *w, uint32_t *ret_bit);

#endif /* ENFORCER_BASELINE_H */
