// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the learn observations reader, generate_from_stream()
 * (policyc/generate.c): what `policyc generate` and enforcerd's `learn
 * profile` / `learn stop` run on a session's learn-NAME.jsonl. (enforcerd's
 * resume in enforcer/learn.c only hashes the lines and looks for the
 * session marker; every observation is parsed here.)
 *
 * Invariant: beyond no crash, leak or sanitizer report:
 *  - a refusal names the input and has a message, and is never "the
 *    generated profile does not compile": every profile the generator
 *    hands out parses and compiles (generate_from_stream() checks it as
 *    policyc compile would);
 *  - the output does not depend on the order of the observations
 *    (generate.h promises it): the same lines in reverse give the same text.
 * The subtree threshold is taken from the input's length (0, 1, 2 or the
 * default 8), so every generalisation rule is reached without a header
 * byte that would spoil text seeds.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "generate.h"

#define IN_NAME "obs.jsonl"
#define GENERATOR_BUG "the generated profile does not compile"

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_observations: invariant broken: %s\n", what);
		abort();
	}
}

/* 0 with the profile text, or the error; text and err are the caller's to free / read. */
static int generate(const char *data, size_t size, const struct generate_options *o, char **ret_text,
		    char *err, size_t err_size)
{
	char *warnings = NULL;
	FILE *in;
	int r;

	*ret_text = NULL;
	err[0] = 0;
	in = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "re");
	if (!in)
		return -ENOMEM;
	r = generate_from_stream(in, IN_NAME, o, ret_text, &warnings, err, err_size);
	fclose(in);
	free(warnings);
	return r;
}

/* The lines of data in reverse order (a last line without '\n' gets one); NUL bytes are kept. */
static char *reversed(const char *data, size_t size, size_t *ret_len)
{
	char *out = malloc(size + 2), *w = out;
	size_t end = size;

	if (!out)
		return NULL;
	while (end > 0) {
		size_t start = end;

		if (data[end - 1] == '\n')
			start--;
		while (start > 0 && data[start - 1] != '\n')
			start--;
		memcpy(w, data + start, end - start);
		w += end - start;
		if (end - start == 0 || w[-1] != '\n')
			*w++ = '\n';
		end = start;
	}
	*ret_len = (size_t)(w - out);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned thresholds[] = { 0, 1, 2, GENERATE_DEFAULT_THRESHOLD };
	struct generate_options o = { .name = "fuzz", .mode = ENF_MODE_ENFORCE,
				      .subtree_threshold = thresholds[size % 4] };
	char err[1024], err2[1024], *text = NULL, *text2 = NULL, *rev;
	size_t rev_len = 0;
	int r;

	r = generate((const char *)data, size, &o, &text, err, sizeof(err));
	if (r == -ENOMEM)
		return 0;
	if (r < 0) {
		/* (the input's own text may say anything: the generator's message is the whole of err) */
		if (strncmp(err, GENERATOR_BUG, strlen(GENERATOR_BUG)) == 0)
			fprintf(stderr, "fuzz_observations: %s\n", err);
		check(strncmp(err, GENERATOR_BUG, strlen(GENERATOR_BUG)) != 0, "every generated profile compiles");
		check(strncmp(err, IN_NAME ":", strlen(IN_NAME) + 1) == 0 || r == -ENOMEM, "a refusal names the input");
		check(text == NULL, "no profile on failure");
		return 0;
	}
	check(text != NULL && text[0] == '{', "a profile on success");
	rev = reversed((const char *)data, size, &rev_len);
	if (rev && generate(rev, rev_len, &o, &text2, err2, sizeof(err2)) == 0) {
		if (strcmp(text, text2) != 0)
			fprintf(stderr, "fuzz_observations: in order:\n%s\nreversed:\n%s\n", text, text2);
		check(strcmp(text, text2) == 0, "the same observations in another order give the same profile");
	} else if (rev) {
		fprintf(stderr, "fuzz_observations: reversed, refused: %s\n", err2);
		check(false, "the same observations in another order are accepted");
	}
	free(rev);
	free(text);
	free(text2);
	return 0;
}
