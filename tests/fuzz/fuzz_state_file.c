// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the state file reader (enforcer/state_file.c), which
 * enforcerd runs on STATE_DIR/state.json at every start.
 *
 * Invariant: beyond no crash, leak or sanitizer report, a refusal has a
 * message and leaves nothing behind (never half-read), and an accepted
 * document is what the daemon would write for it: formatting it and
 * reading that back gives the same document, field by field, and the same
 * text again (what is restored after the next save is what was read).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_file.h"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_state_file: invariant broken: %s\n", what);
		abort();
	}
}

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void check_same(const struct state_doc *a, const struct state_doc *b)
{
	check(a->abi == b->abi && a->next_instance == b->next_instance && a->next_generation == b->next_generation,
	      "counters survive a save");
	check(a->n_profiles == b->n_profiles && a->n_attachments == b->n_attachments && a->n_selectors == b->n_selectors,
	      "every entry survives a save");
	for (size_t i = 0; i < a->n_profiles; i++) {
		const struct state_profile *x = &a->profiles[i], *y = &b->profiles[i];

		check(same_str(x->name, y->name) && x->slot == y->slot && x->instance == y->instance &&
		      x->generation == y->generation && x->mode == y->mode && same_str(x->bundle, y->bundle) &&
		      same_str(x->source, y->source), "a profile survives a save");
	}
	for (size_t i = 0; i < a->n_attachments; i++) {
		const struct state_attachment *x = &a->attachments[i], *y = &b->attachments[i];

		check(same_str(x->profile, y->profile) && same_str(x->cgroup, y->cgroup) && x->cgroup_id == y->cgroup_id &&
		      same_str(x->via, y->via), "an attachment survives a save");
	}
	for (size_t i = 0; i < a->n_selectors; i++)
		check(same_str(a->selectors[i].profile, b->selectors[i].profile) &&
		      same_str(a->selectors[i].glob, b->selectors[i].glob), "a selector survives a save");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct state_doc zero;
	struct state_doc d, d2;
	char err[1024] = "", err2[1024] = "";
	char *text, *text2;
	int r;

	r = state_doc_parse((const char *)data, size, &d, err, sizeof(err));
	if (r == -ENOMEM)
		return 0;
	if (r < 0) {
		check(r == -EINVAL, "a refusal is -EINVAL");
		check(err[0] != 0, "a refusal has a message");
		check(memcmp(&d, &zero, sizeof(d)) == 0, "a refusal leaves nothing behind");
		return 0;
	}
	text = state_doc_format(&d);
	if (!text) {
		state_doc_free(&d);
		return 0;
	}
	r = state_doc_parse(text, strlen(text), &d2, err2, sizeof(err2));
	if (r != 0)
		fprintf(stderr, "fuzz_state_file: the daemon's own text is refused: %s\n%s\n", err2, text);
	check(r == 0, "what the daemon writes for an accepted document is accepted");
	check_same(&d, &d2);
	text2 = state_doc_format(&d2);
	check(text2 && strcmp(text, text2) == 0, "formatting is a fixed point");
	free(text);
	free(text2);
	state_doc_free(&d);
	state_doc_free(&d2);
	return 0;
}
