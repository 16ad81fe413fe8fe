// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enforcer_abi.h"
#include "path_check.h"

#define QUOTE_MAX_CHARS 80

void policy_quote(const char *s, size_t len, char *out, size_t out_size)
{
	size_t o = 0;
	size_t shown = len > QUOTE_MAX_CHARS ? QUOTE_MAX_CHARS - 20 : len;

	if (out_size < 8) {
		if (out_size)
			out[0] = '\0';
		return;
	}
	out[o++] = '"';
	for (size_t i = 0; i < shown && o + 8 < out_size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, out_size - o, "\\u%04x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	if (shown < len && o + 5 < out_size) {
		/* keep the tail too: it is usually where the mistake is */
		memcpy(out + o, "...", 3);
		o += 3;
		for (size_t i = len - 17; i < len && o + 8 < out_size; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f)
				c = '?';
			out[o++] = (char)c;
		}
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* The normalised spelling of an absolute path, as the kernel would resolve it lexically. */
static char *normalise(const char *s, size_t len)
{
	char *out = malloc(len + 2);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && s[j] != '/')
			j++;
		size_t n = j - i;
		if (n == 0 || (n == 1 && s[i] == '.')) {
			/* nothing */
		} else if (n == 2 && s[i] == '.' && s[i + 1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--; /* the '/' before the dropped component */
		} else {
			out[o++] = '/';
			memcpy(out + o, s + i, n);
			o += n;
		}
		i = j + 1;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static int refuse(char *why, size_t why_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool has_wildcard(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return true;
	return false;
}

int policy_path_check(const char *s, size_t len, unsigned flags, const char *what,
		      char **ret_base, bool *ret_subtree, char *why, size_t why_size)
{
	char q[128], sq[128];
	bool subtree = false;
	size_t blen = len, depth = 0;
	const char *problem = NULL;
	char *base;

	policy_quote(s, len, q, sizeof(q));
	if (len > POLICY_PATH_MAX)
		return refuse(why, why_size,
			      "expected %s of at most %d bytes (the path length limit, PATH_MAX - 1), found %zu bytes: %s",
			      what, POLICY_PATH_MAX, len, q);
	if (memchr(s, '\0', len))
		return refuse(why, why_size, "expected %s, found a string containing a NUL byte: %s", what, q);
	if (len == 0 || s[0] != '/')
		return refuse(why, why_size, "expected %s, absolute (starting with '/'), found %s", what, q);

	if ((flags & POLICY_PATH_SUBTREE_OK) && len >= 3 && memcmp(s + len - 3, "/**", 3) == 0) {
		subtree = true;
		blen = len - 3; // 0 for "/**", the subtree of "/"
	}
	if (!(flags & POLICY_PATH_LITERAL) && has_wildcard(s, blen)) {
		if (!(flags & POLICY_PATH_SUBTREE_OK))
			return refuse(why, why_size,
				      "expected %s without wildcards, found %s: wildcards are not supported here",
				      what, q);
		if (len >= 2 && s[len - 2] == '*' && s[len - 1] == '*' && !subtree &&
		    !has_wildcard(s, len - 2)) {
			/* "/srv/www**": almost certainly meant the subtree */
			char *fix = NULL;
			if (asprintf(&fix, "%.*s/**", (int)(len - 2), s) < 0)
				return -ENOMEM;
			policy_quote(fix, strlen(fix), sq, sizeof(sq));
			free(fix);
			return refuse(why, why_size,
				      "expected %s, exact or a subtree ending in \"/**\", found %s: wildcards other than a trailing /** are not supported yet; did you mean %s?",
				      what, q, sq);
		}
		return refuse(why, why_size,
			      "expected %s, exact or a subtree ending in \"/**\", found %s: wildcards other than a trailing /** are not supported yet",
			      what, q);
	}

	// Normalisation of the base ("/" alone is the root; "//**" is not "/**").
	if (subtree && blen == 1) {
		problem = "empty component";
	} else if (!(blen == 0 || (blen == 1 && !subtree))) {
		for (size_t i = 1; i <= blen && !problem;) {
			size_t j = i;
			while (j < blen && s[j] != '/')
				j++;
			size_t n = j - i;
			if (n == 0)
				problem = j == blen ? "trailing '/'" : "empty component";
			else if (n == 1 && s[i] == '.')
				problem = "'.' component";
			else if (n == 2 && s[i] == '.' && s[i + 1] == '.')
				problem = "'..' component";
			i = j + 1;
		}
	}
	if (problem) {
		char *norm = normalise(s, blen);
		char *fix = NULL, *alt = NULL;
		int r;

		if (!norm)
			return -ENOMEM;
		if (subtree)
			r = asprintf(&fix, "%s/**", strcmp(norm, "/") == 0 ? "" : norm);
		else
			r = asprintf(&fix, "%s", norm);
		if (r >= 0 && !subtree && (flags & POLICY_PATH_SUBTREE_OK) &&
		    strcmp(problem, "trailing '/'") == 0)
			r = asprintf(&alt, " (or \"%s/**\" for everything below it)",
				     strcmp(norm, "/") == 0 ? "" : norm);
		free(norm);
		if (r < 0) {
			free(fix);
			return -ENOMEM;
		}
		policy_quote(fix, strlen(fix), sq, sizeof(sq));
		refuse(why, why_size, "expected %s in normalised form, found %s (%s); did you mean %s%s?",
		       what, q, problem, sq, alt ? alt : "");
		free(fix);
		free(alt);
		return -EINVAL;
	}

	/* Limits the kernel side walks with: component length and depth. */
	if (blen == 0)
		blen = 1; /* the root */
	for (size_t i = 1; i < blen;) {
		size_t j = i;
		while (j < blen && s[j] != '/')
			j++;
		depth++;
		if (j - i > ENF_NAME_MAX - 1)
			return refuse(why, why_size,
				      "expected %s with components of at most %d bytes (ENF_NAME_MAX - 1), found %s whose component %zu is %zu bytes",
				      what, ENF_NAME_MAX - 1, q, depth, j - i);
		i = j + 1;
	}
	/* a real path may be deeper than any rule: only rules are bounded */
	if (depth > ENF_RULE_DEPTH_MAX && !(flags & POLICY_PATH_LITERAL))
		return refuse(why, why_size,
			      "expected %s of at most %d components (ENF_RULE_DEPTH_MAX), found %s with %zu components",
			      what, ENF_RULE_DEPTH_MAX, q, depth);

	base = strndup(s, blen);
	if (!base)
		return -ENOMEM;
	*ret_base = base;
	*ret_subtree = subtree;
	return 0;
}
