// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "compile.h"
#include "config.h"
#include "json_pos.h"
#include "policy.h"
#include "selector_glob.h"
#include "workload.h"
#include "util.h"

#define PROFILES_DIR    "profiles"
#define ATTACHMENTS_DIR "attachments.d"

const char *config_kind_name(enum config_kind kind)
{
	return kind == CONFIG_UNIT ? "unit" : kind == CONFIG_CGROUP ? "cgroup" : "selector";
}

static int fail(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, size, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void config_free(struct config *c)
{
	for (size_t i = 0; i < c->n_profiles; i++) {
		free(c->profiles[i].file);
		bundle_free(c->profiles[i].bundle);
	}
	for (size_t i = 0; i < c->n_att; i++) {
		free(c->att[i].profile);
		free(c->att[i].key);
		free(c->att[i].unit);
		free(c->att[i].where);
	}
	for (size_t i = 0; i < c->n_stamps; i++)
		free(c->stamps[i].path);
	free(c->profiles);
	free(c->att);
	free(c->stamps);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

const struct config_profile *config_find_profile(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->n_profiles; i++)
		if (c->profiles[i].bundle && strcmp(c->profiles[i].bundle->name, name) == 0)
			return &c->profiles[i];
	return NULL;
}

const struct config_attachment *config_find_attachment(const struct config *c, enum config_kind kind, const char *key)
{
	bool path = kind != CONFIG_SELECTOR;

	for (size_t i = 0; i < c->n_att; i++)
		if ((c->att[i].kind != CONFIG_SELECTOR) == path && strcmp(c->att[i].key, key) == 0)
			return &c->att[i];
	return NULL;
}

/* ---- files ------------------------------------------------------------------- */

/* Remember what a path was (absent: ino 0), to tell later whether it changed. */
static int stamp(struct config *c, const char *path, bool dir)
{
	struct config_stamp *n = realloc(c->stamps, (c->n_stamps + 1) * sizeof(*n));
	struct stat st;

	if (!n)
		return -ENOMEM;
	c->stamps = n;
	n = &c->stamps[c->n_stamps];
	memset(n, 0, sizeof(*n));
	n->dir = dir;
	if (stat(path, &st) == 0) {
		n->dev = st.st_dev;
		n->ino = st.st_ino;
		n->size = st.st_size;
		n->mtime = st.st_mtim;
	}
	n->path = strdup(path);
	if (!n->path)
		return -ENOMEM;
	c->n_stamps++;
	return 0;
}

/* Whoever can write the configuration decides what is enforced: root's, and only root's to write. */
static int check_owner(const char *path, const struct stat *st, char *err, size_t size)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return fail(err, size, "%s: owned by uid %u; the files of the enforcer configuration must be root's "
			    "(chown root %s)", path, (unsigned)st->st_uid, path);
	if (st->st_mode & 022)
		return fail(err, size, "%s: writable by group or others (mode %04o); whoever can write it decides what "
			    "is enforced (chmod go-w %s)", path, (unsigned)(st->st_mode & 07777), path);
	return 0;
}

/* A directory of the configuration: 0 (absent: *ret_present false), or -errno with err. */
static int check_dir(struct config *c, const char *path, bool *ret_present, char *err, size_t size)
{
	struct stat st;
	int r = stamp(c, path, true);

	*ret_present = false;
	if (r < 0)
		return r;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		r = -errno;
		snprintf(err, size, "%s: %s", path, strerror(-r));
		return r;
	}
	if (!S_ISDIR(st.st_mode))
		return fail(err, size, "%s: not a directory", path);
	r = check_owner(path, &st, err, size);
	if (r < 0)
		return r;
	*ret_present = true;
	return 0;
}

static const char *wanted_suffix;

static int suffix_filter(const struct dirent *de)
{
	size_t n = strlen(de->d_name), m = strlen(wanted_suffix);

	return de->d_name[0] != '.' && n > m && strcmp(de->d_name + n - m, wanted_suffix) == 0;
}

/* The files NAME.suffix of a directory, in name order (C locale): 0 with the names and their count, or -errno. */
static int list_files(const char *dir, const char *suffix, struct dirent ***ret_names, int *ret_n, char *err, size_t size)
{
	int n;

	wanted_suffix = suffix;
	n = scandir(dir, ret_names, suffix_filter, alphasort);
	if (n < 0) {
		int r = -errno;

		snprintf(err, size, "%s: cannot list: %s", dir, strerror(-r));
		return r;
	}
	*ret_n = n;
	return 0;
}

static void free_names(struct dirent **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Read one file of the configuration (following a symlink, e.g. into /usr/share/enforcer/profiles). */
static int read_config_file(struct config *c, const char *path, size_t max, char **ret_text, size_t *ret_len,
			    char *err, size_t size)
{
	struct stat st;
	int r;

	if (stat(path, &st) < 0) {
		r = -errno;
		snprintf(err, size, "%s: %s", path, strerror(-r));
		return r;
	}
	if (!S_ISREG(st.st_mode))
		return fail(err, size, "%s: not a regular file", path);
	r = check_owner(path, &st, err, size);
	if (r == 0)
		r = stamp(c, path, false);
	if (r < 0)
		return r;
	r = read_file_all(path, max, ret_text, ret_len);
	if (r < 0) {
		snprintf(err, size, "%s: cannot read: %s", path, strerror(-r));
		return r;
	}
	if (memchr(*ret_text, 0, *ret_len)) {
		free(*ret_text);
		*ret_text = NULL;
		return fail(err, size, "%s: a NUL byte in the text: not a text file", path);
	}
	return 0;
}

/* ---- profiles ---------------------------------------------------------------- */

static int read_profile(struct config *c, const char *path, const char *stem, char *err, size_t size)
{
	_cleanup_free_ char *text = NULL;
	struct policy_profile *pp = NULL;
	struct policy_error perr = {};
	struct bundle *b = NULL;
	struct config_profile *n;
	size_t len;
	int r;

	r = read_config_file(c, path, BUNDLE_MAX_SIZE, &text, &len, err, size);
	if (r < 0)
		return r;
	r = policy_parse_buffer(text, len, path, &pp, &perr);
	if (r == 0)
		r = policy_compile(pp, &b, &perr);
	policy_profile_free(pp);
	if (r < 0) {
		snprintf(err, size, "%s", perr.text[0] ? perr.text : strerror(-r));
		return r;
	}
	if (strcmp(b->name, stem) != 0) {
		struct json_pos_node *root = NULL;
		const struct json_pos_node *at;
		int line = 1, col = 1;

		/* Point at the name's value: that, or the file's name, is what to change. */
		if (json_pos_build(text, len, &root) == 0 && (at = json_pos_member(root, "name"))) {
			line = at->line;
			col = at->column;
		}
		json_pos_free(root);
		r = fail(err, size, "%s:%d:%d: name: the file declares profile \"%s\", but a profile's file is named "
			 "after it: rename the file to %s.json, or the profile to \"%s\"", path, line, col, b->name,
			 b->name, stem);
		bundle_free(b);
		return r;
	}
	n = realloc(c->profiles, (c->n_profiles + 1) * sizeof(*n));
	if (!n) {
		bundle_free(b);
		return -ENOMEM;
	}
	c->profiles = n;
	n[c->n_profiles] = (struct config_profile){ .file = strdup(path), .bundle = b };
	if (!n[c->n_profiles].file) {
		bundle_free(b);
		return -ENOMEM;
	}
	c->n_profiles++;
	return 0;
}

static int read_profiles(struct config *c, char *err, size_t size)
{
	struct dirent **names = NULL;
	char dir[PATH_MAX];
	bool present;
	int n = 0, r;

	snprintf(dir, sizeof(dir), "%s/%s", c->dir, PROFILES_DIR);
	r = check_dir(c, dir, &present, err, size);
	if (r < 0 || !present)
		return r;
	r = list_files(dir, ".json", &names, &n, err, size);
	if (r < 0)
		return r;
	if (n > ENF_MAX_PROFILES) {
		free_names(names, n);
		return fail(err, size, "%s: %d profiles, more than the %d the engine holds", dir, n, ENF_MAX_PROFILES);
	}
	for (int i = 0; i < n && r == 0; i++) {
		char path[PATH_MAX + 256], stem[256];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(names[i]->d_name) - 5), names[i]->d_name);
		r = read_profile(c, path, stem, err, size);
	}
	free_names(names, n);
	return r;
}

/* ---- attachments ------------------------------------------------------------- */

struct token {
	const char *s;
	size_t len;
	int col;
};

/* Columns count characters (UTF-8 lead bytes), as policyc's positions do. */
static int column_of(const char *line, const char *at)
{
	int col = 1;

	for (const char *p = line; p < at; p++)
		col += ((unsigned char)*p & 0xc0) != 0x80;
	return col;
}

/* Up to max blank-separated words of a line; '#' starting a word starts a comment. */
static size_t split_line(const char *line, size_t len, struct token *t, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		size_t start;

		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= len || line[i] == '#')
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			i++;
		t[n++] = (struct token){ .s = line + start, .len = i - start, .col = column_of(line, line + start) };
	}
	return n;
}

/* An absolute cgroup path below the mount, without "//", "." or ".." and without a trailing '/'. */
static int normalise_cgroup(const char *root, const char *in, char *out, size_t size, char *why, size_t why_size)
{
	size_t used = 0;
	const char *rel;

	if (in[0] != '/') {
		textf(why, why_size, "'%s' is not an absolute path: give the cgroup's directory, e.g. "
			 "%s/system.slice/app.service", in, root);
		return -EINVAL;
	}
	out[0] = 0;
	for (const char *p = in; *p;) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n)
			break;
		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.')) {
			textf(why, why_size, "'%s': the path has a '.' or '..' component; write it without", in);
			return -EINVAL;
		}
		if (used + n + 2 > size) {
			textf(why, why_size, "'%.100s...': the path is too long", in);
			return -ENAMETOOLONG;
		}
		out[used++] = '/';
		memcpy(out + used, p, n);
		used += n;
		out[used] = 0;
		p += n;
	}
	rel = cgroup_relative(root, out[0] ? out : "/");
	if (!rel) {
		textf(why, why_size, "'%s' is not below the cgroup2 mount %s", in, root);
		return -EINVAL;
	}
	if (!rel[0]) {
		textf(why, why_size, "'%s' is the cgroup2 root: it holds every process, enforcerd included; "
			 "attach a cgroup below it", in);
		return -EINVAL;
	}
	return 0;
}

static int add_attachment(struct config *c, const char *profile, enum config_kind kind, const char *key,
			  const char *unit, const char *file, int line)
{
	struct config_attachment *n = realloc(c->att, (c->n_att + 1) * sizeof(*n));
	char where[PATH_MAX + 32];

	if (!n)
		return -ENOMEM;
	c->att = n;
	textf(where, sizeof(where), "%s:%d", file, line);
	n = &c->att[c->n_att];
	*n = (struct config_attachment){ .profile = strdup(profile), .kind = kind, .key = strdup(key),
					 .unit = unit ? strdup(unit) : NULL, .where = strdup(where) };
	if (!n->profile || !n->key || !n->where || (unit && !n->unit)) {
		free(n->profile);
		free(n->key);
		free(n->unit);
		free(n->where);
		return -ENOMEM;
	}
	c->n_att++;
	return 0;
}

static int read_attachment_line(struct config *c, const struct config_env *env, const char *file, int lineno,
				const char *line, size_t len, char *err, size_t size)
{
	static const char synopsis[] = "'PROFILE unit NAME.service', 'PROFILE cgroup /sys/fs/cgroup/PATH', "
				       "'PROFILE selector GLOB' or 'PROFILE workload KEY=GLOB[,KEY=GLOB...]'";
	char profile[ENF_PROFILE_NAME_MAX + 1], target[CONFIG_LINE_MAX], key[PATH_MAX], why[1024];
	const struct config_attachment *dup;
	const char *unit = NULL;
	struct unit_info info;
	enum config_kind kind;
	struct token t[4];
	size_t n = split_line(line, len, t, 4);
	int r;

	if (n == 0)
		return 0;
	if (n < 3)
		return fail(err, size, "%s:%d:%d: expected %s, found %zu word%s", file, lineno,
			    n ? t[n - 1].col + (int)t[n - 1].len : 1, synopsis, n, n == 1 ? "" : "s");
	if (n > 3)
		return fail(err, size, "%s:%d:%d: unexpected '%.*s' after the target: one attachment per line, "
			    "%s (a '#' starts a comment)", file, lineno, t[3].col, (int)t[3].len, t[3].s, synopsis);
	if (t[1].len == 4 && strncmp(t[1].s, "unit", 4) == 0)
		kind = CONFIG_UNIT;
	else if (t[1].len == 6 && strncmp(t[1].s, "cgroup", 6) == 0)
		kind = CONFIG_CGROUP;
	else if (t[1].len == 8 && strncmp(t[1].s, "selector", 8) == 0)
		kind = CONFIG_SELECTOR;
	else if (t[1].len == 8 && strncmp(t[1].s, "workload", 8) == 0)
		kind = CONFIG_WORKLOAD;
	else
		return fail(err, size, "%s:%d:%d: expected 'unit', 'cgroup', 'selector' or 'workload', found '%.*s'", file, lineno,
			    t[1].col, (int)t[1].len, t[1].s);
	snprintf(profile, sizeof(profile), "%.*s", (int)(t[0].len < ENF_PROFILE_NAME_MAX ? t[0].len : ENF_PROFILE_NAME_MAX), t[0].s);
	if (t[0].len >= ENF_PROFILE_NAME_MAX || !config_find_profile(c, profile))
		return fail(err, size, "%s:%d:%d: no profile \"%.*s\" is declared: attachments name profiles of "
			    "%s/%s (add %.*s.json there)", file, lineno, t[0].col, (int)t[0].len, t[0].s, c->dir,
			    PROFILES_DIR, (int)t[0].len, t[0].s);
	snprintf(target, sizeof(target), "%.*s", (int)t[2].len, t[2].s);

	switch (kind) {
	case CONFIG_UNIT:
		r = unit_name_check(target, why, sizeof(why));
		if (r == 0 && !env->resolve_unit) {
			textf(why, sizeof(why), "unit %s: systemd is not running on this system; attach the cgroup "
				 "by its path instead", target);
			r = -EOPNOTSUPP;
		}
		if (r == 0)
			r = env->resolve_unit(env->ctx, target, &info, why, sizeof(why));
		if (r == 0) {
			snprintf(key, sizeof(key), "%s", info.cgroup);
			unit = info.id;
		}
		break;
	case CONFIG_CGROUP:
		r = normalise_cgroup(env->cgroup_root, target, key, sizeof(key), why, sizeof(why));
		break;
	case CONFIG_WORKLOAD: {
		char spec[CONFIG_LINE_MAX + sizeof(WORKLOAD_SELECTOR_PREFIX)];

		snprintf(spec, sizeof(spec), "%s%s", WORKLOAD_SELECTOR_PREFIX, target);
		r = selector_key_normalise(env->cgroup_root, spec, key, sizeof(key), why, sizeof(why));
		/* One registry of selectors: a workload selector is one, under its prefixed name. */
		kind = CONFIG_SELECTOR;
		break;
	}
	default:
		r = selector_glob_normalise(env->cgroup_root, target, key, sizeof(key), why, sizeof(why));
		break;
	}
	if (r == 0 && kind != CONFIG_SELECTOR)
		r = cgroup_check_not_daemon(env->daemon_cgroup, key, why, sizeof(why));
	if (r < 0) {
		textf(err, size, "%s:%d:%d: %s", file, lineno, t[2].col, why);
		return r;
	}
	dup = config_find_attachment(c, kind, key);
	if (dup)
		return fail(err, size, "%s:%d:%d: %s%s%s is attached already, at %s (to profile \"%s\"); one "
			    "declaration per cgroup and per selector", file, lineno, t[2].col, target,
			    strcmp(target, key) ? " = " : "", strcmp(target, key) ? key : "", dup->where, dup->profile);
	r = add_attachment(c, profile, kind, key, unit, file, lineno);
	if (r == -ENOMEM)
		snprintf(err, size, "out of memory");
	return r;
}

static int read_attachment_file(struct config *c, const struct config_env *env, const char *path, char *err, size_t size)
{
	_cleanup_free_ char *text = NULL;
	size_t len, off = 0;
	int r, lineno = 0;

	r = read_config_file(c, path, CONFIG_FILE_MAX, &text, &len, err, size);
	if (r < 0)
		return r == -EFBIG ? fail(err, size, "%s: larger than %u KiB", path, CONFIG_FILE_MAX >> 10) : r;
	while (off < len) {
		size_t n = strcspn(text + off, "\n");

		lineno++;
		if (n > CONFIG_LINE_MAX)
			return fail(err, size, "%s:%d:1: a line of %zu bytes, more than %d", path, lineno, n, CONFIG_LINE_MAX);
		r = read_attachment_line(c, env, path, lineno, text + off, n, err, size);
		if (r < 0)
			return r;
		off += n + 1;
	}
	return 0;
}

static int read_attachments(struct config *c, const struct config_env *env, char *err, size_t size)
{
	struct dirent **names = NULL;
	char dir[PATH_MAX];
	bool present;
	int n = 0, r;

	snprintf(dir, sizeof(dir), "%s/%s", c->dir, ATTACHMENTS_DIR);
	r = check_dir(c, dir, &present, err, size);
	if (r < 0 || !present)
		return r;
	r = list_files(dir, ".conf", &names, &n, err, size);
	if (r < 0)
		return r;
	for (int i = 0; i < n && r == 0; i++) {
		char path[PATH_MAX + 256];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		r = read_attachment_file(c, env, path, err, size);
	}
	free_names(names, n);
	if (r == 0 && c->n_att > ENF_MAX_ATTACHMENTS)
		r = fail(err, size, "%s: %zu attachments, more than the %d the engine holds", dir, c->n_att,
			 ENF_MAX_ATTACHMENTS);
	return r;
}

int config_read(const char *dir, const struct config_env *env, struct config *ret, char *err, size_t size)
{
	struct config c = {};
	bool present;
	int r;

	memset(ret, 0, sizeof(*ret));
	c.dir = strdup(dir);
	if (!c.dir)
		return -ENOMEM;
	r = check_dir(&c, dir, &present, err, size);
	if (r == 0 && present)
		r = read_profiles(&c, err, size);
	if (r == 0 && present)
		r = read_attachments(&c, env, err, size);
	if (r < 0) {
		if (r == -ENOMEM && !err[0])
			snprintf(err, size, "out of memory reading %s", dir);
		config_free(&c);
		return r;
	}
	*ret = c;
	return 0;
}

/* ---- changes on disk --------------------------------------------------------- */

static int append(char **text, size_t *len, const char *path, const char *what)
{
	int n = snprintf(NULL, 0, "%s%s (%s)", *len ? ", " : "", path, what);
	char *t = realloc(*text, *len + (size_t)n + 1);

	if (!t)
		return -ENOMEM;
	snprintf(t + *len, (size_t)n + 1, "%s%s (%s)", *len ? ", " : "", path, what);
	*text = t;
	*len += (size_t)n;
	return 0;
}

int config_changes_on_disk(const struct config *c, char **ret_text)
{
	char *text = NULL;
	size_t len = 0;
	int r = 0;

	for (size_t i = 0; i < c->n_stamps && r == 0; i++) {
		const struct config_stamp *s = &c->stamps[i];
		struct stat st;
		bool now = stat(s->path, &st) == 0;

		if (!now && !s->ino)
			continue;
		if (!now)
			r = append(&text, &len, s->path, "removed");
		else if (!s->ino)
			r = append(&text, &len, s->path, "created");
		else if (st.st_dev != s->dev || st.st_ino != s->ino || st.st_size != s->size ||
			 st.st_mtim.tv_sec != s->mtime.tv_sec || st.st_mtim.tv_nsec != s->mtime.tv_nsec)
			r = append(&text, &len, s->path, s->dir ? "files added or removed" : "modified");
	}
	if (r < 0) {
		free(text);
		return r;
	}
	*ret_text = text;
	return 0;
}
