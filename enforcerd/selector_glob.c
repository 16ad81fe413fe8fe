// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "selector_glob.h"
#include "workload.h"

#define MAX_COMPONENTS 256

struct parts {
	const char *s[MAX_COMPONENTS];
	size_t len[MAX_COMPONENTS];
	size_t n;
	char buf[4096];
};

/* Split at '/'; empty components are skipped. -E2BIG if too long or too deep. */
static int split(const char *text, struct parts *p)
{
	size_t n = strlen(text);
	char *save, *tok;

	p->n = 0;
	if (n >= sizeof(p->buf))
		return -E2BIG;
	memcpy(p->buf, text, n + 1);
	for (tok = strtok_r(p->buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (p->n == MAX_COMPONENTS)
			return -E2BIG;
		p->s[p->n] = tok;
		p->len[p->n++] = strlen(tok);
	}
	return 0;
}

static bool is_stars(const struct parts *g, size_t i)
{
	return strcmp(g->s[i], "**") == 0;
}

static bool match_from(const struct parts *g, size_t gi, const struct parts *p, size_t pi, bool prefix)
{
	if (prefix && pi == p->n)
		return true;
	if (gi == g->n)
		return pi == p->n;
	if (is_stars(g, gi)) {
		if (prefix)
			return true;
		for (size_t k = pi; k <= p->n; k++)
			if (match_from(g, gi + 1, p, k, false))
				return true;
		return false;
	}
	if (pi == p->n || fnmatch(g->s[gi], p->s[pi], 0) != 0)
		return false;
	return match_from(g, gi + 1, p, pi + 1, prefix);
}

static bool match(const char *glob, const char *path, bool prefix)
{
	struct parts g, p;

	if (split(glob, &g) < 0 || split(path, &p) < 0)
		return false;
	return match_from(&g, 0, &p, 0, prefix);
}

bool selector_glob_match(const char *glob, const char *path)
{
	return match(glob, path, false);
}

bool selector_glob_may_match_below(const char *glob, const char *path)
{
	return match(glob, path, true);
}

int selector_glob_check(const char *glob, char *err, size_t err_size)
{
	struct parts g;
	size_t stars = 0;

	if (!glob[0]) {
		snprintf(err, err_size, "an empty selector matches nothing; give a glob such as 'system.slice/*.service'");
		return -EINVAL;
	}
	if (strncmp(glob, WORKLOAD_SELECTOR_PREFIX, sizeof(WORKLOAD_SELECTOR_PREFIX) - 1) == 0) {
		snprintf(err, err_size, "a glob cannot begin with '%s': that names a workload selector (PROFILE workload "
			 "SPEC, or enforcerctl attach PROFILE --workload SPEC)", WORKLOAD_SELECTOR_PREFIX);
		return -EINVAL;
	}
	if (strlen(glob) >= SELECTOR_GLOB_MAX || split(glob, &g) < 0) {
		snprintf(err, err_size, "selector longer than %d characters or deeper than %d components",
			 SELECTOR_GLOB_MAX - 1, MAX_COMPONENTS);
		return -EINVAL;
	}
	if (g.n == 0) {
		snprintf(err, err_size, "selector '%s' names the cgroup root; attach the root cgroup by path instead", glob);
		return -EINVAL;
	}
	for (size_t i = 0; i < g.n; i++) {
		if (strcmp(g.s[i], ".") == 0 || strcmp(g.s[i], "..") == 0) {
			snprintf(err, err_size, "selector '%s': '.' and '..' components are not allowed", glob);
			return -EINVAL;
		}
		if (is_stars(&g, i)) {
			stars++;
		} else if (strstr(g.s[i], "**")) {
			snprintf(err, err_size, "selector '%s': '**' must be a whole component (a/**/b), found '%s'",
				 glob, g.s[i]);
			return -EINVAL;
		}
	}
	if (stars > SELECTOR_GLOB_MAX_STARS) {
		snprintf(err, err_size, "selector '%s' has %zu '**' components, at most %d", glob, stars,
			 SELECTOR_GLOB_MAX_STARS);
		return -EINVAL;
	}
	return 0;
}

int selector_glob_normalise(const char *root, const char *glob, char *out, size_t out_size, char *msg, size_t size)
{
	const char *rel = glob;

	if (glob[0] == '/') {
		rel = cgroup_relative(root, glob);
		if (!rel) {
			snprintf(msg, size, "selector '%s' is not below the cgroup2 mount %s; give it relative to the "
				 "mount (e.g. 'system.slice/*.service')", glob, root);
			return -EINVAL;
		}
	}
	while (*rel == '/')
		rel++;
	if (selector_glob_check(rel, msg, size) < 0)
		return -EINVAL;
	snprintf(out, out_size, "%s", rel);
	return 0;
}

int selector_key_normalise(const char *root, const char *text, char *out, size_t out_size, char *msg, size_t size)
{
	static const size_t plen = sizeof(WORKLOAD_SELECTOR_PREFIX) - 1;
	struct workload_selector ws;
	char why[512];
	int r;

	if (strncmp(text, WORKLOAD_SELECTOR_PREFIX, plen) != 0)
		return selector_glob_normalise(root, text, out, out_size, msg, size);
	r = workload_selector_parse(text + plen, &ws, why, sizeof(why));
	if (r < 0) {
		snprintf(msg, size, "workload selector '%s': %s", text + plen, why);
		return r;
	}
	r = out_size > plen ? workload_selector_format(&ws, out + plen, out_size - plen) : -ENAMETOOLONG;
	workload_selector_free(&ws);
	if (r < 0) {
		snprintf(msg, size, "workload selector '%s': too long", text + plen);
		return -EINVAL;
	}
	memcpy(out, WORKLOAD_SELECTOR_PREFIX, plen);
	return 0;
}
