// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the bundle reader (common/bundle.c), which enforcerd
 * runs on every `enforcerctl load` and stored bundle, and policyc on
 * `dump`.
 *
 * Invariant: beyond no crash, leak or sanitizer report, a bundle that
 * bundle_parse() accepts re-serialises to exactly the bytes it was read
 * from. Everything the kernel is given (defaults, mode, flags, nodes,
 * 'from' and network entries) and everything that names a decision (rule
 * ids, sections, actions, positions, texts) is in those bytes, so what is
 * enforced is what was written, and nothing in the file is ignored.
 * Its name is a profile name (the daemon makes file names of it, and the
 * state file must read it back). A refusal always comes with a message.
 *
 * Each input is parsed twice: as it is (what the header checks and the
 * CRC see), and with its CRC set right, so the mutations reach the
 * checks behind the CRC instead of dying at it. What an accepted bundle
 * feeds next also runs: dump, rule lookup by id, and its canonical
 * document (bundle_to_source(), what the daemon stores beside it).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "bundle.h"
#include "live_edit.h"

static FILE *devnull;

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_bundle: invariant broken: %s\n", what);
		abort();
	}
}

static void accepted(const struct bundle *b, const uint8_t *data, size_t size)
{
	void *again = NULL;
	size_t len = 0;
	char *doc;

	check(bundle_serialize(b, &again, &len) == 0, "an accepted bundle serialises");
	check(len == size && memcmp(again, data, size) == 0, "an accepted bundle serialises to the bytes it was read from");
	/* The daemon makes file names of it, and its state file must read it back. */
	check(enf_profile_name_valid(b->name), "an accepted bundle's name is a profile name");
	free(again);
	for (uint32_t i = 0; i < b->n_rules; i++)
		check(bundle_rule_by_id(b, b->rules[i].id) == &b->rules[i], "every rule is found by its id");
	bundle_dump(b, devnull);
	doc = bundle_to_source(b);
	free(doc);
}

static void parse(const uint8_t *data, size_t size)
{
	struct bundle *b = NULL;
	char err[512] = "";
	int r;

	r = bundle_parse(data, size, &b, err, sizeof(err));
	if (r == -ENOMEM)
		return;
	if (r < 0) {
		check(b == NULL, "no bundle on failure");
		check(err[0] != 0, "a refusal has a message");
		return;
	}
	check(b != NULL, "a bundle on success");
	accepted(b, data, size);
	bundle_free(b);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "we");
	return devnull ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle_file_header h;
	uint8_t *fixed;

	parse(data, size);
	if (size < sizeof(h))
		return 0;
	/* The same bytes with the CRC the format asks for (bundle.h: the whole file, crc32 as 0). */
	fixed = malloc(size);
	if (!fixed)
		return 0;
	memcpy(fixed, data, size);
	memcpy(&h, fixed, sizeof(h));
	h.crc32 = 0;
	memcpy(fixed, &h, sizeof(h));
	h.crc32 = (uint32_t)crc32(0L, (const Bytef *)fixed, (uInt)size);
	memcpy(fixed, &h, sizeof(h));
	if (memcmp(fixed, data, size) != 0)
		parse(fixed, size);
	free(fixed);
	return 0;
}
