// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "time_arg.h"

/* Ten years: anything longer is a typo, and keeps the arithmetic far from overflow. */
#define DURATION_MAX_USEC (10LL * 366 * 86400 * USEC_PER_SEC)

int duration_parse(const char *s, int64_t *ret_usec, char *err, size_t size)
{
	int64_t total = 0;
	const char *p = s;

	if (!*p)
		goto bad;
	while (*p) {
		long long unit;
		char *end;
		long long n;

		if (!isdigit((unsigned char)*p))
			goto bad;
		errno = 0;
		n = strtoll(p, &end, 10);
		if (errno || n > DURATION_MAX_USEC / USEC_PER_SEC)
			goto bad;
		switch (*end) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		default: goto bad; /* a bare number is ambiguous: seconds? minutes? */
		}
		total += n * unit * USEC_PER_SEC;
		if (total > DURATION_MAX_USEC)
			goto bad;
		p = end + 1;
	}
	*ret_usec = total;
	return 0;
bad:
	snprintf(err, size, "'%s' is not a duration: expected a number with a unit s, m, h or d "
		 "(e.g. 30s, 10m, 2h, 1h30m), at most 10 years", s);
	return -EINVAL;
}

static int digits(const char **p, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -EINVAL;
		v = v * 10 + (**p - '0');
	}
	*ret = v;
	return 0;
}

int rfc3339_parse(const char *s, int64_t *ret_usec)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s;
	struct tm tm = {};
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	int64_t frac = 0, scale = USEC_PER_SEC;
	time_t t;

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d) ||
	    (*p != 'T' && *p != 't' && *p != ' ') || (p++, digits(&p, 2, &h)) || *p++ != ':' ||
	    digits(&p, 2, &mi) || *p++ != ':' || digits(&p, 2, &sec))
		return -EINVAL;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			if (scale > 1) {
				scale /= 10;
				frac += (*p - '0') * scale;
			}
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '+' ? 1 : -1;
		if (digits(&p, 2, &oh) || *p++ != ':' || digits(&p, 2, &om) || oh > 23 || om > 59)
			return -EINVAL;
	} else {
		return -EINVAL; /* no offset: local or UTC? refuse to guess */
	}
	if (*p || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	tm = (struct tm){ .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi,
			  .tm_sec = sec };
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	t -= sign * (oh * 3600 + om * 60);
	*ret_usec = (int64_t)t * USEC_PER_SEC + frac;
	return 0;
}

int since_parse(const char *s, int64_t now_usec, int64_t *ret_usec, char *err, size_t size)
{
	int64_t v;

	if (rfc3339_parse(s, &v) == 0) {
		if (v > now_usec) {
			snprintf(err, size, "--since '%s' is in the future", s);
			return -EINVAL;
		}
		*ret_usec = v;
		return 0;
	}
	if (duration_parse(s, &v, err, size) == 0) {
		*ret_usec = now_usec - v;
		return 0;
	}
	snprintf(err, size, "--since '%s' is neither a duration (30s, 10m, 2h, 1h30m) nor an RFC 3339 time "
		 "(2026-11-25T01:42:37Z, or with an offset such as +01:00)", s);
	return -EINVAL;
}

int64_t time_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

void rfc3339_format(int64_t usec, char *buf, size_t size)
{
	time_t t = (time_t)(usec / USEC_PER_SEC);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
