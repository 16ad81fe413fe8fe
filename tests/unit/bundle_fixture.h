/* SPDX-License-Identifier: GPL-2.0-only */
/* Real bundles for tests: compiled from a policy file, and as the format-1 build wrote them. */
#ifndef ENFORCER_TESTS_BUNDLE_FIXTURE_H
#define ENFORCER_TESTS_BUNDLE_FIXTURE_H

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "bundle.h"
#include "compile.h"
#include "policy.h"

/* The bundle policyc compiles from path, or NULL (the reason printed). */
static inline struct bundle *fixture_compile(const char *path)
{
	struct policy_error err = { .text = "" };
	struct policy_profile *p = NULL;
	struct bundle *b = NULL;

	if (policy_parse_file(path, &p, &err) < 0 || policy_compile(p, &b, &err) < 0) {
		printf("    %s: %s\n", path, err.text);
		b = NULL;
	}
	policy_profile_free(p);
	return b;
}

/*
 * A serialised bundle turned into what the format-1 build wrote for it: the
 * same layout, format_version 1, and the CRC over the bytes after the header
 * only (format 2 changed nothing else).
 */
static inline void fixture_make_format1(void *buf, size_t len)
{
	struct bundle_file_header h;

	memcpy(&h, buf, sizeof(h));
	h.format_version = 1;
	h.crc32 = (__u32)crc32(0L, (const Bytef *)buf + sizeof(h), (uInt)(len - sizeof(h)));
	memcpy(buf, &h, sizeof(h));
}

#endif /* ENFORCER_TESTS_BUNDLE_FIXTURE_H */
