/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A strict checker of the Prometheus text exposition format 0.0.4, shared
 * by the host unit test (tests/unit/test_metrics.c) and the guest helper
 * that scrapes the daemon (tests/guest/enf-metrics.c). Beyond the format
 * it holds this project's conventions: a HELP and a TYPE line for every
 * metric, TYPE before its samples, counters end in _total and are not
 * negative.
 *
 * prom_check(text, len, err, size): number of samples, or -1 with the
 * first problem ("line N: ...") in err.
 */
#ifndef ENFORCER_PROM_CHECK_H
#define ENFORCER_PROM_CHECK_H

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROM_CHECK_MAX_NAMES 512

struct prom_name {
	char name[128];
	char type[16];
	bool help, samples_done;
};

static inline bool prom_name_char(char c, bool first, bool colon)
{
	return isalpha((unsigned char)c) || c == '_' || (colon && c == ':') || (!first && isdigit((unsigned char)c));
}

/* A metric or label name at *p; its length, 0 if none. */
static inline size_t prom_name_len(const char *p, bool colon)
{
	size_t n = 0;

	while (prom_name_char(p[n], n == 0, colon))
		n++;
	return n;
}

static inline struct prom_name *prom_lookup(struct prom_name *names, size_t *n, const char *name, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen(names[i].name) == len && strncmp(names[i].name, name, len) == 0)
			return &names[i];
	if (*n == PROM_CHECK_MAX_NAMES || len >= sizeof(names[0].name))
		return NULL;
	memset(&names[*n], 0, sizeof(names[0]));
	memcpy(names[*n].name, name, len);
	return &names[(*n)++];
}

static inline long prom_check(const char *text, size_t len, char *err, size_t size)
{
	static struct prom_name names[PROM_CHECK_MAX_NAMES];
	size_t n_names = 0, lineno = 0;
	const char *p = text, *end = text + len;
	struct prom_name *current = NULL;
	long samples = 0;
	/* Series seen, for duplicates: a bounded list of whole "name{labels}" strings. */
	static char seen[8192][256];
	size_t n_seen = 0;

#define PROM_FAIL(...) do { int __o = snprintf(err, size, "line %zu: ", lineno); \
		snprintf(err + __o, size - (size_t)__o, __VA_ARGS__); return -1; } while (0)

	if (len == 0 || text[len - 1] != '\n') {
		snprintf(err, size, "the exposition must end with a newline");
		return -1;
	}
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = (size_t)(eol - p), nl;
		char line[8192];

		lineno++;
		if (ll >= sizeof(line))
			PROM_FAIL("line longer than %zu bytes", sizeof(line) - 1);
		memcpy(line, p, ll);
		line[ll] = 0;
		p = eol + 1;
		if (ll == 0)
			continue;
		if (memchr(line, 0, ll))
			PROM_FAIL("NUL byte");
		if (line[0] == '#') {
			char kw[8] = "";
			struct prom_name *m;
			const char *q = line + 1;

			while (*q == ' ')
				q++;
			if (strncmp(q, "HELP ", 5) && strncmp(q, "TYPE ", 5))
				continue; /* a plain comment */
			memcpy(kw, q, 4);
			q += 5;
			nl = prom_name_len(q, true);
			if (!nl || (q[nl] != ' ' && q[nl] != 0))
				PROM_FAIL("%.200s without a valid metric name", kw);
			m = prom_lookup(names, &n_names, q, nl);
			if (!m)
				PROM_FAIL("too many metric names");
			if (m->samples_done || (current == m))
				PROM_FAIL("%.200s for %.200s after its samples", kw, m->name);
			q += nl;
			if (*q == ' ')
				q++;
			if (strcmp(kw, "HELP") == 0) {
				if (m->help)
					PROM_FAIL("second HELP for %.200s", m->name);
				m->help = true;
				for (; *q; q++)
					if (*q == '\\' && q[1] != '\\' && q[1] != 'n')
						PROM_FAIL("HELP of %.200s: bad escape \\%c", m->name, q[1]);
					else if (*q == '\\')
						q++;
			} else {
				if (m->type[0])
					PROM_FAIL("second TYPE for %.200s", m->name);
				if (strcmp(q, "counter") && strcmp(q, "gauge") && strcmp(q, "histogram") &&
				    strcmp(q, "summary") && strcmp(q, "untyped"))
					PROM_FAIL("TYPE of %.200s: unknown type '%.200s'", m->name, q);
				snprintf(m->type, sizeof(m->type), "%s", q);
				if (strcmp(q, "counter") == 0 && (nl < 6 || strcmp(m->name + nl - 6, "_total") != 0))
					PROM_FAIL("counter %.200s does not end in _total", m->name);
			}
			continue;
		}
		{
			const char *q = line;
			struct prom_name *m;
			char labels[32][128], series[256];
			size_t n_labels = 0;
			double v;
			char *vend;

			nl = prom_name_len(q, true);
			if (!nl)
				PROM_FAIL("a sample must start with a metric name");
			m = prom_lookup(names, &n_names, q, nl);
			if (!m)
				PROM_FAIL("too many metric names");
			if (!m->type[0] || !m->help)
				PROM_FAIL("sample of %.200s before its HELP and TYPE", m->name);
			if (m->samples_done)
				PROM_FAIL("samples of %.200s are not together", m->name);
			if (current && current != m)
				current->samples_done = true;
			current = m;
			q += nl;
			if (*q == '{') {
				q++;
				while (*q != '}') {
					size_t ln = prom_name_len(q, false);

					if (!ln || q[ln] != '=' || q[ln + 1] != '"')
						PROM_FAIL("bad label in %.200s", line);
					if (ln >= sizeof(labels[0]) || n_labels == 32)
						PROM_FAIL("label name too long or too many labels");
					if (q[0] == '_' && q[1] == '_')
						PROM_FAIL("label names starting with __ are reserved");
					memcpy(labels[n_labels], q, ln);
					labels[n_labels][ln] = 0;
					for (size_t k = 0; k < n_labels; k++)
						if (strcmp(labels[k], labels[n_labels]) == 0)
							PROM_FAIL("label %.200s twice", labels[k]);
					n_labels++;
					q += ln + 2;
					while (*q && *q != '"') {
						if (*q == '\\') {
							if (q[1] != '\\' && q[1] != '"' && q[1] != 'n')
								PROM_FAIL("bad escape in a label value");
							q++;
						}
						q++;
					}
					if (*q != '"')
						PROM_FAIL("unterminated label value");
					q++;
					if (*q == ',')
						q++;
					else if (*q != '}')
						PROM_FAIL("expected , or } after a label value");
				}
				q++;
			}
			if (*q != ' ')
				PROM_FAIL("expected a space before the value");
			if ((size_t)(q - line) >= sizeof(series))
				PROM_FAIL("series name too long to check for duplicates");
			memcpy(series, line, (size_t)(q - line));
			series[q - line] = 0;
			for (size_t k = 0; k < n_seen; k++)
				if (strcmp(seen[k], series) == 0)
					PROM_FAIL("series %.200s twice", series);
			if (n_seen < sizeof(seen) / sizeof(seen[0]))
				memcpy(seen[n_seen++], series, sizeof(series));
			q++;
			if (strncmp(q, "+Inf", 4) == 0 || strncmp(q, "-Inf", 4) == 0 || strncmp(q, "NaN", 3) == 0) {
				v = 0;
				vend = (char *)q + (q[0] == 'N' ? 3 : 4);
			} else {
				v = strtod(q, &vend);
				if (vend == q)
					PROM_FAIL("value of %.200s is not a number", series);
			}
			if (*vend == ' ') {
				char *tend;

				(void)strtoll(vend + 1, &tend, 10);
				if (tend == vend + 1 || *tend)
					PROM_FAIL("bad timestamp after %.200s", series);
			} else if (*vend) {
				PROM_FAIL("trailing text after the value of %.200s", series);
			}
			if (strcmp(m->type, "counter") == 0 && v < 0)
				PROM_FAIL("counter %.200s is negative", series);
			samples++;
		}
	}
#undef PROM_FAIL
	for (size_t i = 0; i < n_names; i++)
		if (names[i].type[0] == 0 || !names[i].help) {
			snprintf(err, size, "%s lacks its HELP or TYPE line", names[i].name);
			return -1;
		}
	return samples;
}

#endif /* ENFORCER_PROM_CHECK_H */
