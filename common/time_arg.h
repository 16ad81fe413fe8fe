/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Times on the command line and in audit records: durations ("90s", "10m",
 * "2h", "1d", or combined "1h30m") and RFC 3339 times
 * ("2026-11-25T01:42:37Z", fractional seconds and "+01:00" offsets too).
 * Times are microseconds since the epoch throughout, the resolution of the
 * audit log's "time" field.
 */
#ifndef ENFORCER_TIME_ARG_H
#define ENFORCER_TIME_ARG_H

#include <stddef.h>
#include <stdint.h>

#define USEC_PER_SEC 1000000LL

/* A duration in microseconds. 0 or -EINVAL with a message naming the fix. */
int duration_parse(const char *s, int64_t *ret_usec, char *err, size_t size);

/* An RFC 3339 time. 0 or -EINVAL (no message: callers know the context). */
int rfc3339_parse(const char *s, int64_t *ret_usec);

/*
 * "--since T": a duration back from now_usec, or an RFC 3339 time (not in
 * the future). 0 or -EINVAL with a message naming what was expected.
 */
int since_parse(const char *s, int64_t now_usec, int64_t *ret_usec, char *err, size_t size);

/* now, in microseconds since the epoch */
int64_t time_now_usec(void);

/* "2026-11-25T01:42:37Z" (UTC, seconds) into buf. */
void rfc3339_format(int64_t usec, char *buf, size_t size);

#endif /* ENFORCER_TIME_ARG_H */
