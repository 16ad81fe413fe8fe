/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Minimal assertions for host unit tests, after the kernel's test_progs.h:
 * each check is an expression that prints "PASS name" or "FAIL name: why"
 * and returns whether it held. tests/run-all.sh counts those lines.
 *
 *   int main(void) { ...; if (!EXPECT_OK(err, "parse web.json")) goto out; ... return unit_done(); }
 */
#ifndef ENFORCER_UNIT_H
#define ENFORCER_UNIT_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;

static inline bool unit_report(bool ok, const char *name, const char *fmt_why, ...)
	__attribute__((format(printf, 3, 4)));

#include <stdarg.h>
static inline bool unit_report(bool ok, const char *name, const char *fmt_why, ...)
{
	if (ok) {
		unit_passed++;
		printf("PASS %s\n", name);
	} else {
		va_list ap;
		unit_failed++;
		printf("FAIL %s: ", name);
		va_start(ap, fmt_why);
		vprintf(fmt_why, ap);
		va_end(ap);
		printf("\n");
	}
	fflush(stdout);
	return ok;
}

#define EXPECT_TRUE(cond, name) \
	unit_report(!!(cond), (name), "expected true: %s (%s:%d)", #cond, __FILE__, __LINE__)

#define EXPECT_OK(err, name) ({ \
	long __e = (long)(err); \
	unit_report(__e == 0, (name), "expected 0, got %ld (%s:%d)", __e, __FILE__, __LINE__); })

#define EXPECT_EQ(a, b, name) ({ \
	long long __a = (long long)(a), __b = (long long)(b); \
	unit_report(__a == __b, (name), "%s == %lld, expected %lld (%s:%d)", #a, __a, __b, __FILE__, __LINE__); })

#define EXPECT_STREQ(a, b, name) ({ \
	const char *__a = (a), *__b = (b); \
	unit_report(__a && __b && strcmp(__a, __b) == 0, (name), "got \"%s\", expected \"%s\" (%s:%d)", \
		    __a ? __a : "(null)", __b ? __b : "(null)", __FILE__, __LINE__); })

/* Substring match, for error messages whose exact wording may evolve. */
#define EXPECT_CONTAINS(hay, needle, name) ({ \
	const char *__h = (hay), *__n = (needle); \
	unit_report(__h && __n && strstr(__h, __n) != NULL, (name), "\"%s\" does not contain \"%s\" (%s:%d)", \
		    __h ? __h : "(null)", __n ? __n : "(null)", __FILE__, __LINE__); })

/* Call last: prints the summary line and gives main()'s exit status. */
static inline int unit_done(void)
{
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif /* ENFORCER_UNIT_H */
