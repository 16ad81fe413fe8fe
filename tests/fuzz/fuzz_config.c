// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the /etc/enforcer configuration reader, config_read()
 * (enforcer/config.c): the profiles and attachment lines enforcerd reads at
 * start and on every reload.
 *
 * An input is the files of a configuration directory. Without a line
 * starting "=== " it is all attachments.d/50-fuzz.conf, beside two profiles
 * (profiles/web.json, profiles/db.json); a line "=== PATH" starts a file of
 * its own, PATH being profiles/NAME.json or attachments.d/NAME.conf (NAME
 * of A-Z a-z 0-9 _ . -; other paths are left out), which replaces a fixed
 * one of the same name. Units resolve as systemd would place them by
 * default (system.slice/UNIT, a slice at the top); the daemon runs in
 * system.slice/enforcerd.service.
 *
 * Invariant: beyond no crash, leak or sanitizer report:
 *  - a refusal names a file or directory of the configuration and leaves
 *    nothing behind (never half-read);
 *  - what is accepted holds together: every profile is named after its
 *    file, with a valid profile name; every attachment names a declared
 *    profile, says where it was declared, and no (kind, target) is declared
 *    twice; a cgroup target is absolute, normalised, below the cgroup2
 *    mount, and neither the daemon's cgroup nor one above it;
 *  - read again, the directory gives the same configuration, and nothing
 *    has changed on disk since it was read.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "config.h"

#define ROOT "/sys/fs/cgroup"
#define DAEMON ROOT "/system.slice/enforcerd.service"

static const struct {
	const char *path, *text;
} fixed[] = {
	{ "profiles/web.json",
	  "{\"name\": \"web\", \"mode\": \"enforce\", \"exec\": {\"default\": \"allow\", \"rules\": ["
	  "{\"action\": \"deny\", \"path\": \"/usr/bin/wget\"}]}}\n" },
	{ "profiles/db.json",
	  "{\"name\": \"db\", \"mode\": \"audit\", \"file\": {\"default\": \"allow\", \"rules\": ["
	  "{\"action\": \"deny\", \"path\": \"/etc/shadow\", \"access\": [\"read\"]}]}}\n" },
};

static char base[64], dir[128];

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_config: invariant broken: %s\n", what);
		abort();
	}
}

/* Where systemd puts a unit by default: system.slice/UNIT; a slice at the top. */
static int resolve_unit(void *ctx, const char *unit, struct unit_info *ret, char *msg, size_t size)
{
	size_t n = strlen(unit);

	(void)ctx;
	if (n >= sizeof(ret->id) || n + sizeof(ROOT "/system.slice/") >= sizeof(ret->cgroup)) {
		snprintf(msg, size, "unit %s: no such unit", unit);
		return -ENOENT;
	}
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->id, sizeof(ret->id), "%s", unit);
	if (n > 6 && strcmp(unit + n - 6, ".slice") == 0)
		snprintf(ret->cgroup, sizeof(ret->cgroup), ROOT "/%s", unit);
	else
		snprintf(ret->cgroup, sizeof(ret->cgroup), ROOT "/system.slice/%s", unit);
	return 0;
}

static const struct config_env env = {
	.cgroup_root = ROOT, .daemon_cgroup = DAEMON, .resolve_unit = resolve_unit,
};

static bool valid_rel_path(const char *p, size_t n)
{
	const char *name;
	size_t len;

	if (n > 14 && strncmp(p, "profiles/", 9) == 0 && strncmp(p + n - 5, ".json", 5) == 0) {
		name = p + 9;
		len = n - 14;
	} else if (n > 19 && strncmp(p, "attachments.d/", 14) == 0 && strncmp(p + n - 5, ".conf", 5) == 0) {
		name = p + 14;
		len = n - 19;
	} else {
		return false;
	}
	if (len > 64 || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!enf_profile_name_char(name[i]))
			return false;
	return true;
}

static void write_file(const char *rel, size_t rel_len, const uint8_t *text, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%.*s", dir, (int)rel_len, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	check(fd >= 0, "create a file of the configuration");
	check(len == 0 || write(fd, text, len) == (ssize_t)len, "write a file of the configuration");
	close(fd);
}

/* Empty a subdirectory of the configuration. */
static void clear(const char *sub)
{
	char path[256];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	d = opendir(path);
	check(d != NULL, "open a directory of the configuration");
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
}

/* The configuration directory the input describes. */
static void make_dir(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;

	clear("profiles");
	clear("attachments.d");
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		write_file(fixed[i].path, strlen(fixed[i].path), (const uint8_t *)fixed[i].text, strlen(fixed[i].text));
	if (size < 4 || memcmp(data, "=== ", 4) != 0) {
		const uint8_t *first = memmem(data, size, "\n=== ", 5);
		size_t n = first ? (size_t)(first + 1 - data) : size;

		write_file("attachments.d/50-fuzz.conf", 26, data, n);
		p = data + n;
	}
	while (p < end) {
		/* p is at "=== PATH\n" */
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p)), *next;
		const char *rel = (const char *)p + 4;
		size_t rel_len = nl ? (size_t)(nl - p) - 4 : (size_t)(end - p) - 4;
		const uint8_t *body = nl ? nl + 1 : end;

		next = memmem(body, (size_t)(end - body), "\n=== ", 5);
		next = next ? next + 1 : end;
		if (p + 4 <= end && valid_rel_path(rel, rel_len))
			write_file(rel, rel_len, body, (size_t)(next - body));
		p = next;
	}
}

static bool same_config(const struct config *a, const struct config *b)
{
	if (a->n_profiles != b->n_profiles || a->n_att != b->n_att)
		return false;
	for (size_t i = 0; i < a->n_profiles; i++)
		if (strcmp(a->profiles[i].file, b->profiles[i].file) != 0 ||
		    strcmp(a->profiles[i].bundle->name, b->profiles[i].bundle->name) != 0)
			return false;
	for (size_t i = 0; i < a->n_att; i++) {
		const struct config_attachment *x = &a->att[i], *y = &b->att[i];

		if (x->kind != y->kind || strcmp(x->profile, y->profile) != 0 || strcmp(x->key, y->key) != 0 ||
		    strcmp(x->where, y->where) != 0 || !x->unit != !y->unit || (x->unit && strcmp(x->unit, y->unit) != 0))
			return false;
	}
	return true;
}

/* Absolute, no "//", "." or "..", no trailing '/', below the mount and not the mount itself. */
static bool normalised_cgroup(const char *p)
{
	size_t n = strlen(p);

	if (strncmp(p, ROOT "/", sizeof(ROOT)) != 0 || n <= sizeof(ROOT) || p[n - 1] == '/' || strstr(p, "//") ||
	    strstr(p, "/./") || strstr(p, "/../") || (n >= 2 && strcmp(p + n - 2, "/.") == 0) ||
	    (n >= 3 && strcmp(p + n - 3, "/..") == 0))
		return false;
	return true;
}

/* The daemon's cgroup or one above it: attaching it would confine enforcerd. */
static bool holds_daemon(const char *p)
{
	size_t n = strlen(p);

	return strncmp(DAEMON, p, n) == 0 && (DAEMON[n] == 0 || DAEMON[n] == '/');
}

static void check_accepted(const struct config *c)
{
	for (size_t i = 0; i < c->n_profiles; i++) {
		const struct config_profile *p = &c->profiles[i];
		const char *file = strrchr(p->file, '/');
		size_t n = strlen(p->bundle->name);

		check(enf_profile_name_valid(p->bundle->name), "a declared profile has a valid name");
		check(file && strncmp(file + 1, p->bundle->name, n) == 0 && strcmp(file + 1 + n, ".json") == 0,
		      "a profile is named after its file");
		check(config_find_profile(c, p->bundle->name) == p, "profile names are unique");
	}
	for (size_t i = 0; i < c->n_att; i++) {
		const struct config_attachment *a = &c->att[i];

		check(config_find_profile(c, a->profile) != NULL, "an attachment names a declared profile");
		check(a->where && strncmp(a->where, dir, strlen(dir)) == 0, "an attachment says where it was declared");
		check(config_find_attachment(c, a->kind, a->key) == a, "no target is declared twice");
		if (a->kind != CONFIG_SELECTOR) {
			check(normalised_cgroup(a->key), "a cgroup target is absolute, normalised, below the mount");
			check(!holds_daemon(a->key), "no attachment confines the daemon");
		}
		check((a->kind == CONFIG_UNIT) == (a->unit != NULL), "a unit attachment, and only one, names its unit");
	}
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	(void)remove(path);
	return 0;
}

/* The temporary directory goes with the process (libFuzzer leaves by exit()). */
static void remove_dir(void)
{
	nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[256];

	(void)argc;
	(void)argv;
	snprintf(base, sizeof(base), "%s/fuzz_config.XXXXXX", access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	check(mkdtemp(base) != NULL, "temporary directory");
	atexit(remove_dir);
	snprintf(dir, sizeof(dir), "%s/enforcer", base);
	check(mkdir(dir, 0755) == 0, "configuration directory");
	snprintf(path, sizeof(path), "%s/profiles", dir);
	check(mkdir(path, 0755) == 0, "profiles/");
	snprintf(path, sizeof(path), "%s/attachments.d", dir);
	check(mkdir(path, 0755) == 0, "attachments.d/");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct config zero;
	struct config c, again;
	char err[2048] = "", err2[2048] = "", *changes = NULL;
	int r;

	make_dir(data, size);
	r = config_read(dir, &env, &c, err, sizeof(err));
	if (r == -ENOMEM)
		return 0;
	if (r < 0) {
		check(memcmp(&c, &zero, sizeof(c)) == 0, "a refusal leaves nothing behind");
		check(strncmp(err, dir, strlen(dir)) == 0, "a refusal names a file of the configuration");
		return 0;
	}
	check_accepted(&c);
	r = config_read(dir, &env, &again, err2, sizeof(err2));
	check(r == 0 && same_config(&c, &again), "read again, the directory gives the same configuration");
	check(config_changes_on_disk(&c, &changes) == 0 && changes == NULL, "nothing changed on disk since it was read");
	config_free(&c);
	config_free(&again);
	return 0;
}
