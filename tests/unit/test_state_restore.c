// SPDX-License-Identifier: GPL-2.0-only
/*
 * Upgrade from the format-1 build: a state directory it wrote (state.json,
 * NAME-INSTANCE.pol in bundle format 1, NAME-INSTANCE.json documents) is
 * restored by this build's state_restore() (enforcer/state.c, as it is)
 * over the daemon without a kernel (no_kernel.h). Every profile comes back
 * with its rules, rebuilt from its document, the rebuild logged once per
 * profile; the bundles are stored again in format 2, byte for byte what
 * policyc compiles; the next start reads them and logs nothing. Both ways
 * a daemon meets such a directory: after a reboot (no pinned maps: each
 * profile is installed under a fresh instance) and after an upgrade in
 * place (the pinned maps hold the same versions: adopted, the same files).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle_fixture.h"
#include "no_kernel.h"
#include "state.h"
#include "state_file.h"
#include "unit.h"
#include "util.h"

static const char *const policies[] = { "policies/web-exec.json", "tests/unit/policies/allowlist.json" };
#define N_POLICIES ARRAY_SIZE(policies)

struct daemon {
	struct engine e;
	struct profiles ps;
	struct selectors sel;
	struct state_store st;
};

/* What policyc compiles for each policy, serialised: what every stored bundle must be in the end. */
static void *expected[N_POLICIES];
static size_t expected_len[N_POLICIES];
static char expected_name[N_POLICIES][ENF_PROFILE_NAME_MAX];

static bool daemon_start(struct daemon *d, const char *dir)
{
	char msg[512] = "";

	no_kernel_init(&d->e, &d->ps, &d->sel);
	if (!EXPECT_OK(state_open(&d->st, dir, NULL, msg, sizeof(msg)), "open the state directory")) {
		printf("    %s\n", msg);
		return false;
	}
	return true;
}

static void daemon_stop(struct daemon *d)
{
	no_kernel_free(&d->ps, &d->sel);
	state_close(&d->st);
}

static int for_each_bundle(const char *dir, int (*fn)(const char *path, void *ctx), void *ctx)
{
	struct dirent *de;
	DIR *dp = opendir(dir);
	char path[4200];
	int r = 0, n = 0;

	if (!dp)
		return -errno;
	while (r == 0 && (de = readdir(dp))) {
		size_t len = strlen(de->d_name);

		if (len < 4 || strcmp(de->d_name + len - 4, ".pol") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		r = fn(path, ctx);
		n++;
	}
	closedir(dp);
	return r < 0 ? r : n;
}

static int downgrade(const char *path, void *ctx)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	(void)ctx;
	r = read_file_all(path, BUNDLE_MAX_SIZE, &buf, &len);
	if (r < 0)
		return r;
	fixture_make_format1(buf, len);
	return write_file_atomic(path, buf, len, 0644);
}

/* What the format-1 build leaves in dir: every policy loaded, the state saved, the bundles in format 1. */
static bool make_old_state_dir(const char *dir)
{
	struct daemon d;
	bool ok = daemon_start(&d, dir);

	for (size_t i = 0; ok && i < N_POLICIES; i++) {
		struct bundle *b = fixture_compile(policies[i]);
		struct profile *p;
		bool replaced;
		char msg[512];

		ok = EXPECT_TRUE(b != NULL, "old state: compile a policy") &&
		     EXPECT_OK(profiles_load(&d.ps, b, &p, &replaced, msg, sizeof(msg)), "old state: load it");
	}
	ok = ok && EXPECT_OK(state_save(&d.st, &d.ps, &d.sel), "old state: saved");
	ok = ok && EXPECT_EQ(for_each_bundle(dir, downgrade, NULL), N_POLICIES, "old state: bundles written in format 1");
	daemon_stop(&d);
	return ok;
}

/* state_restore() with what it logs. */
static int restore_logged(struct daemon *d, char **ret_log)
{
	char path[] = "/tmp/test_state_restore.log.XXXXXX", msg[1024] = "";
	int fd = mkstemp(path), saved, r;
	size_t len;

	*ret_log = NULL;
	if (fd < 0)
		return -errno;
	fflush(stderr);
	saved = dup(2);
	dup2(fd, 2);
	close(fd);
	r = state_restore(&d->st, &d->ps, &d->sel, msg, sizeof(msg));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (read_file_all(path, 1 << 20, ret_log, &len) < 0)
		*ret_log = NULL;
	unlink(path);
	if (r < 0)
		printf("    state_restore: %s\n", msg);
	return r;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

struct bundle_check {
	size_t format2, canonical;
};

/* A stored bundle: this build reads it, and it is what policyc compiles for its profile. */
static int check_bundle(const char *path, void *ctx)
{
	struct bundle_check *c = ctx;
	_cleanup_free_ char *buf = NULL;
	struct bundle *b = NULL;
	char err[512];
	size_t len;

	if (read_file_all(path, BUNDLE_MAX_SIZE, &buf, &len) < 0)
		return 0;
	if (bundle_parse(buf, len, &b, err, sizeof(err)) == 0) {
		c->format2++;
		for (size_t i = 0; i < N_POLICIES; i++)
			if (strcmp(b->name, expected_name[i]) == 0 && len == expected_len[i] &&
			    memcmp(buf, expected[i], len) == 0)
				c->canonical++;
	} else {
		printf("    %s: %s\n", path, err);
	}
	bundle_free(b);
	return 0;
}

/* Does every profile hold the instance the old daemon gave its slot? */
static bool same_instances(const struct profiles *ps, const uint32_t *old)
{
	for (size_t i = 0; i < ENF_MAX_PROFILES; i++)
		if (ps->slots[i].used && ps->slots[i].instance != old[i])
			return false;
	return true;
}

static void upgrade(const char *how, bool reboot)
{
	char dir[] = "/tmp/test_state_restore.XXXXXX", name[256];
	_cleanup_free_ char *log1 = NULL, *log2 = NULL;
	struct bundle_check bc = { 0 };
	uint32_t old_instances[ENF_MAX_PROFILES];
	struct daemon d;

	if (!EXPECT_TRUE(mkdtemp(dir) != NULL, "temporary state directory"))
		return;
	no_kernel_reboot();
	if (!make_old_state_dir(dir))
		goto out;
	for (size_t i = 0; i < ENF_MAX_PROFILES; i++)
		old_instances[i] = no_kernel.has[i] ? no_kernel.val[i].instance : 0;
	if (reboot)
		no_kernel_reboot();

	/* The first start of this build. */
	if (!daemon_start(&d, dir))
		goto out;
	snprintf(name, sizeof(name), "%s: the new daemon restores the format-1 state directory", how);
	EXPECT_OK(restore_logged(&d, &log1), name);
	for (size_t i = 0; i < N_POLICIES; i++) {
		struct profile *p = profiles_find(&d.ps, expected_name[i]);

		snprintf(name, sizeof(name), "%s: profile '%s' is restored with its rules", how, expected_name[i]);
		EXPECT_TRUE(p && !profile_is_orphan(p) && p->bundle->n_rules > 0, name);
	}
	snprintf(name, sizeof(name), "%s: no problem recorded", how);
	if (!EXPECT_STREQ(d.st.problem, "", name))
		printf("    log:\n%s", log1 ? log1 : "");
	snprintf(name, sizeof(name), "%s: each rebuild from the document logged once", how);
	if (!EXPECT_EQ(count(log1, "rebuilt from"), N_POLICIES, name))
		printf("    log:\n%s", log1 ? log1 : "");
	snprintf(name, sizeof(name), "%s: ... naming the format-1 bundle it replaced", how);
	EXPECT_EQ(count(log1, "bundle format 1 / ABI"), N_POLICIES, name);
	snprintf(name, sizeof(name), "%s: ... and that it was stored again", how);
	EXPECT_EQ(count(log1, "and stored again (the bundle"), N_POLICIES, name);
	snprintf(name, sizeof(name), "%s: %s", how, reboot ? "each profile installed under a fresh instance" :
		 "each profile adopted from the pinned maps, same instance");
	EXPECT_TRUE(reboot ? !same_instances(&d.ps, old_instances) : same_instances(&d.ps, old_instances), name);
	daemon_stop(&d);

	snprintf(name, sizeof(name), "%s: one stored bundle per profile", how);
	EXPECT_EQ(for_each_bundle(dir, check_bundle, &bc), N_POLICIES, name);
	snprintf(name, sizeof(name), "%s: every stored bundle is format 2 now", how);
	EXPECT_EQ(bc.format2, N_POLICIES, name);
	snprintf(name, sizeof(name), "%s: ... byte for byte what policyc compiles", how);
	EXPECT_EQ(bc.canonical, N_POLICIES, name);

	/* The next start: nothing to rebuild, nothing lost. */
	if (!daemon_start(&d, dir))
		goto out;
	snprintf(name, sizeof(name), "%s: the next start restores", how);
	EXPECT_OK(restore_logged(&d, &log2), name);
	snprintf(name, sizeof(name), "%s: the next start rebuilds nothing (and says nothing of it)", how);
	if (!EXPECT_EQ(count(log2, "rebuilt from"), 0, name))
		printf("    log:\n%s", log2 ? log2 : "");
	for (size_t i = 0; i < N_POLICIES; i++) {
		struct profile *p = profiles_find(&d.ps, expected_name[i]);

		snprintf(name, sizeof(name), "%s: the next start still has profile '%s'", how, expected_name[i]);
		EXPECT_TRUE(p && !profile_is_orphan(p) && p->bundle->n_rules > 0, name);
	}
	daemon_stop(&d);
out:
	state_remove_all(dir);
	rmdir(dir);
}

int main(void)
{
	for (size_t i = 0; i < N_POLICIES; i++) {
		struct bundle *b = fixture_compile(policies[i]);

		if (!EXPECT_TRUE(b != NULL, "compile the expected bundles") ||
		    !EXPECT_OK(bundle_serialize(b, &expected[i], &expected_len[i]), "serialise the expected bundles"))
			return unit_done();
		snprintf(expected_name[i], sizeof(expected_name[i]), "%s", b->name);
		bundle_free(b);
	}
	upgrade("after a reboot", true);
	upgrade("in place", false);
	for (size_t i = 0; i < N_POLICIES; i++)
		free(expected[i]);
	return unit_done();
}
