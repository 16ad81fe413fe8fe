// SPDX-License-Identifier: GPL-2.0-only
/*
 * /etc/enforcer parsing (enforcerd/config.c) and systemd unit resolution
 * (enforcerd/units.c), on the host:
 *  - a unit's cgroup path from systemctl's properties: running (its
 *    ControlGroup), not running (from its slice: default, nested, a slice
 *    unit itself), escaped names, aliases; refused: no such unit, masked,
 *    the root slice, templates, types without a cgroup;
 *  - a configuration read whole, each kind of attachment, ignored files;
 *  - every error refused with FILE:LINE:COLUMN pointing at what to change;
 *  - changes on disk after a read are noticed;
 *  - the layout of the Kubernetes DaemonSet: /etc/enforcer's profiles/ and
 *    attachments.d/ as links into a kubelet ConfigMap volume.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "units.h"
#include "unit.h"

#define ROOT "/sys/fs/cgroup"

static void test_unit_names(void)
{
	char msg[512];

	EXPECT_OK(unit_name_check("nginx.service", msg, sizeof(msg)), "unit name: nginx.service");
	EXPECT_OK(unit_name_check("getty@tty1.service", msg, sizeof(msg)), "unit name: an instance");
	EXPECT_OK(unit_name_check("a-b.slice", msg, sizeof(msg)), "unit name: a slice");
	EXPECT_EQ(unit_name_check("getty@.service", msg, sizeof(msg)), -EINVAL, "unit name: a template is refused");
	EXPECT_CONTAINS(msg, "name one of its instances", "unit name: the template message says what to do");
	EXPECT_EQ(unit_name_check("multi-user.target", msg, sizeof(msg)), -EINVAL, "unit name: a target has no cgroup");
	EXPECT_EQ(unit_name_check("nginx", msg, sizeof(msg)), -EINVAL, "unit name: no type");
	EXPECT_EQ(unit_name_check("ng inx.service", msg, sizeof(msg)), -EINVAL, "unit name: a blank");
	EXPECT_EQ(unit_name_check("--help.service;x", msg, sizeof(msg)), -EINVAL, "unit name: other characters");
	EXPECT_EQ(unit_name_check("", msg, sizeof(msg)), -EINVAL, "unit name: empty");
}

static void expect_path(const char *show, const char *unit, const char *want, const char *name)
{
	struct unit_info info;
	char msg[512] = "";
	int r = unit_info_parse(show, ROOT, unit, &info, msg, sizeof(msg));

	if (!EXPECT_OK(r, name))
		printf("    %s\n", msg);
	else
		EXPECT_STREQ(info.cgroup, want, name);
}

static void test_unit_paths(void)
{
	struct unit_info info;
	char msg[512];

	expect_path("Id=nginx.service\nLoadState=loaded\nSlice=system.slice\nControlGroup=/system.slice/nginx.service\n",
		    "nginx.service", ROOT "/system.slice/nginx.service", "unit path: running: its ControlGroup");
	expect_path("Id=nginx.service\nLoadState=loaded\nSlice=system.slice\nControlGroup=\n",
		    "nginx.service", ROOT "/system.slice/nginx.service", "unit path: not running: the default slice");
	expect_path("ControlGroup=\nSlice=app-web-front.slice\nLoadState=loaded\nId=x.service\n",
		    "x.service", ROOT "/app.slice/app-web.slice/app-web-front.slice/x.service",
		    "unit path: a nested slice, properties in any order");
	expect_path("Id=app-web.slice\nLoadState=loaded\nSlice=app.slice\nControlGroup=\n", "app-web.slice",
		    ROOT "/app.slice/app-web.slice", "unit path: a slice unit is its own path");
	expect_path("Id=getty@tty1.service\nLoadState=loaded\nSlice=system-getty.slice\n", "getty@tty1.service",
		    ROOT "/system.slice/system-getty.slice/getty@tty1.service", "unit path: a template instance");
	expect_path("Id=memory.service\nLoadState=loaded\nSlice=system.slice\n", "memory.service",
		    ROOT "/system.slice/_memory.service", "unit path: a name like a controller file is escaped");
	expect_path("Id=ssh.service\nLoadState=loaded\nSlice=system.slice\n", "sshd.service",
		    ROOT "/system.slice/ssh.service", "unit path: an alias resolves to the unit");
	expect_path("Id=x.service\nLoadState=loaded\nSlice=-.slice\n", "x.service", ROOT "/x.service",
		    "unit path: a unit in the root slice");

	EXPECT_EQ(unit_info_parse("Id=ngnix.service\nLoadState=not-found\nLoadError=org.freedesktop.systemd1.NoSuchUnit "
				  "\"Unit ngnix.service not found.\"\n", ROOT, "ngnix.service", &info, msg, sizeof(msg)),
		  -ENOENT, "unit path: no such unit");
	EXPECT_CONTAINS(msg, "does not exist", "unit path: no such unit, said so");
	EXPECT_CONTAINS(msg, "Unit ngnix.service not found.", "unit path: with systemd's words");
	EXPECT_EQ(unit_info_parse("Id=x.service\nLoadState=masked\n", ROOT, "x.service", &info, msg, sizeof(msg)),
		  -EINVAL, "unit path: masked is refused");
	EXPECT_CONTAINS(msg, "masked", "unit path: masked, said so");
	EXPECT_EQ(unit_info_parse("Id=-.slice\nLoadState=loaded\n", ROOT, "-.slice", &info, msg, sizeof(msg)),
		  -EINVAL, "unit path: the root slice is refused");
	EXPECT_EQ(unit_info_parse("Id=x.service\nLoadState=loaded\nSlice=a--b.slice\n", ROOT, "x.service", &info, msg,
				  sizeof(msg)), -EINVAL, "unit path: a malformed slice is refused");
}

/* ---- configuration directories ------------------------------------------------ */

static char dir[256];

static void put(const char *rel, const char *text, int mode)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, (mode_t)mode);
}

static void rm(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	unlink(path);
}

static int fake_units(void *ctx, const char *unit, struct unit_info *ret, char *msg, size_t size)
{
	(void)ctx;
	if (strcmp(unit, "nginx.service") == 0)
		return unit_info_parse("Id=nginx.service\nLoadState=loaded\nSlice=system.slice\n", ROOT, unit, ret, msg, size);
	return unit_info_parse("LoadState=not-found\n", ROOT, unit, ret, msg, size);
}

static const struct config_env env = { .cgroup_root = ROOT, .daemon_cgroup = ROOT "/system.slice/enforcerd.service",
				       .resolve_unit = fake_units };

#define WEB "{\"name\": \"web\", \"mode\": \"enforce\",\n \"exec\": {\"default\": \"allow\", \"rules\": [{\"action\": \"deny\", \"path\": \"/usr/bin/wget\"}]}}\n"

/* Read the directory; expect an error containing want (NULL: success). */
static void expect_read(const char *want, const char *name)
{
	struct config c;
	char err[2048] = "";
	int r = config_read(dir, &env, &c, err, sizeof(err));

	if (!want) {
		if (!EXPECT_OK(r, name))
			printf("    %s\n", err);
		else
			config_free(&c);
		return;
	}
	EXPECT_TRUE(r < 0, name);
	if (!EXPECT_CONTAINS(err, want, name))
		printf("    (error was: %s)\n", err);
	if (r == 0)
		config_free(&c);
}

static void test_config(void)
{
	char err[2048] = "", path[512], want[1200];
	struct config c;
	char *changed = NULL;

	snprintf(dir, sizeof(dir), "/tmp/enforcer-test-config-%d", (int)getpid());
	mkdir(dir, 0755);
	chmod(dir, 0755);
	EXPECT_OK(config_read(dir, &env, &c, err, sizeof(err)), "config: an empty directory declares nothing");
	EXPECT_EQ(c.n_profiles + c.n_att, 0, "config: nothing declared");
	config_free(&c);
	EXPECT_OK(config_read("/nonexistent/enforcer", &env, &c, err, sizeof(err)), "config: a missing directory is no error");
	config_free(&c);

	snprintf(path, sizeof(path), "%s/profiles", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/attachments.d", dir);
	mkdir(path, 0755);
	put("profiles/web.json", WEB, 0644);
	put("profiles/web.json.dpkg-dist", "not json", 0644);
	put("profiles/old.json~", "not json", 0644);
	put("attachments.d/10-web.conf",
	    "# the web tier\n"
	    "web unit nginx.service\n"
	    "\n"
	    "web\tcgroup  /sys/fs/cgroup//system.slice/app.service/   # trailing comment\n"
	    "web selector /sys/fs/cgroup/kubepods.slice/**/cri-*.scope\n"
	    "web workload image=*nginx*,namespace=prod\n", 0644);
	put("attachments.d/README", "this is not read", 0644);
	if (!EXPECT_OK(config_read(dir, &env, &c, err, sizeof(err)), "config: a valid directory reads"))
		printf("    %s\n", err);
	EXPECT_EQ(c.n_profiles, 1, "config: one profile (backups and .dpkg-dist ignored)");
	EXPECT_EQ(c.n_att, 4, "config: four attachments");
	if (c.n_att == 4) {
		EXPECT_STREQ(c.att[3].key, "workload:namespace=prod,image=*nginx*",
			     "config: a workload selector is a selector under its canonical, prefixed name");
		EXPECT_EQ(c.att[3].kind, CONFIG_SELECTOR, "config: ... of kind selector");
		EXPECT_STREQ(c.att[0].key, ROOT "/system.slice/nginx.service", "config: a unit resolves to its path");
		EXPECT_STREQ(c.att[0].unit, "nginx.service", "config: and keeps its name");
		EXPECT_CONTAINS(c.att[0].where, "10-web.conf:2", "config: where it is declared");
		EXPECT_STREQ(c.att[1].key, ROOT "/system.slice/app.service", "config: a cgroup path is normalised");
		EXPECT_STREQ(c.att[2].key, "kubepods.slice/**/cri-*.scope", "config: a selector is kept relative");
	}
	EXPECT_TRUE(c.n_profiles == 1 && c.profiles[0].bundle && strcmp(c.profiles[0].bundle->source_file, c.profiles[0].file) == 0,
		    "config: the profile's rules point into its file");
	EXPECT_OK(config_changes_on_disk(&c, &changed), "config: changes on disk");
	EXPECT_TRUE(changed == NULL, "config: nothing changed right after the read");
	free(changed);
	changed = NULL;
	sleep(1);   /* a new mtime even on file systems with one-second stamps */
	put("profiles/web.json", WEB " ", 0644);
	EXPECT_OK(config_changes_on_disk(&c, &changed), "config: changes on disk after an edit");
	EXPECT_CONTAINS(changed, "web.json (modified)", "config: the edited file is named");
	free(changed);
	changed = NULL;
	put("profiles/db.json", "{\"name\": \"db\", \"mode\": \"audit\", \"exec\": {\"default\": \"allow\"}}", 0644);
	EXPECT_OK(config_changes_on_disk(&c, &changed), "config: changes on disk after a new file");
	EXPECT_CONTAINS(changed, "profiles (files added or removed)", "config: a new file is noticed");
	free(changed);
	rm("profiles/db.json");
	config_free(&c);

	/* Errors: each names FILE:LINE:COLUMN. */
	snprintf(want, sizeof(want), "%s/profiles/web.json:2:10: mode", dir);
	put("profiles/web.json", "{\"name\": \"web\",\n \"mode\": \"enforc\", \"exec\": {\"default\": \"allow\"}}\n", 0644);
	expect_read(want, "config error: a profile error carries policyc's position");
	snprintf(want, sizeof(want), "%s/profiles/web.json:1:10: name: the file declares profile \"www\"", dir);
	put("profiles/web.json", "{\"name\": \"www\", \"mode\": \"audit\", \"exec\": {\"default\": \"allow\"}}\n", 0644);
	expect_read(want, "config error: a profile named unlike its file, at the name");
	put("profiles/web.json", WEB, 0644);
	expect_read(NULL, "config: fixed again");

#define ATT(text, want_tail, name) do { \
		put("attachments.d/10-web.conf", text, 0644); \
		snprintf(want, sizeof(want), "%s/attachments.d/10-web.conf:%s", dir, want_tail); \
		expect_read(want, name); \
	} while (0)
	ATT("web unti nginx.service\n", "1:5: expected 'unit', 'cgroup', 'selector' or 'workload', found 'unti'",
	    "config error: an unknown kind, at the word");
	ATT("\n\n  wbe unit nginx.service\n", "3:3: no profile \"wbe\" is declared", "config error: an undeclared profile, at its name");
	ATT("web unit nginx.service extra\n", "1:24: unexpected 'extra'", "config error: a fourth word");
	ATT("web unit\n", "1:9: expected 'PROFILE unit NAME.service'", "config error: a missing target");
	ATT("web unit ngnix.service\n", "1:10: unit ngnix.service does not exist", "config error: no such unit, at the target");
	ATT("web unit getty@.service\n", "1:10: 'getty@.service' is a template", "config error: a template unit");
	ATT("web cgroup system.slice/x.service\n", "1:12: 'system.slice/x.service' is not an absolute path",
	    "config error: a relative cgroup path");
	ATT("web cgroup /sys/fs/cgroup\n", "1:12: '/sys/fs/cgroup' is the cgroup2 root", "config error: the cgroup2 root");
	ATT("web cgroup /tmp/x\n", "1:12: '/tmp/x' is not below the cgroup2 mount", "config error: not a cgroup path");
	ATT("web cgroup /sys/fs/cgroup/a/../b\n", "1:12: '/sys/fs/cgroup/a/../b': the path has a '.' or '..'",
	    "config error: a '..' component");
	ATT("web cgroup /sys/fs/cgroup/system.slice\n", "1:12: attaching /sys/fs/cgroup/system.slice would confine enforcerd",
	    "config error: the daemon's own cgroup's ancestor");
	ATT("web selector a/x**/b\n", "1:14: selector 'a/x**/b': '**' must be a whole component", "config error: a bad glob, at the glob");
	ATT("web unit nginx.service\nweb cgroup /sys/fs/cgroup/system.slice/nginx.service\n",
	    "2:12: /sys/fs/cgroup/system.slice/nginx.service is attached already, at",
	    "config error: the same cgroup twice (unit and path)");
	ATT("web workload namespace=prod,colour=red\n", "1:14: workload selector 'namespace=prod,colour=red': column 16: unknown key 'colour'",
	    "config error: a workload selector's unknown key, with its column");
	ATT("web workload pod=a,namespace=b\nweb workload namespace=b,pod=a\n", "2:14: namespace=b,pod=a = workload:namespace=b,pod=a is attached already",
	    "config error: the same workload selector twice, in another order");
	ATT("web selector workload:pod=a\n", "1:14: a glob cannot begin with 'workload:'",
	    "config error: a glob posing as a workload selector");
	ATT("web selector x/*\nweb selector /sys/fs/cgroup/x/*\n", "2:14: /sys/fs/cgroup/x/* = x/* is attached already",
	    "config error: the same selector twice");
	put("attachments.d/10-web.conf", "web unit nginx.service\n", 0664);
	snprintf(want, sizeof(want), "%s/attachments.d/10-web.conf: writable by group or others (mode 0664)", dir);
	expect_read(want, "config error: a group-writable file is refused");
	put("attachments.d/10-web.conf", "web unit nginx.service\n", 0644);
	chmod(dir, 0777);
	snprintf(want, sizeof(want), "%s: writable by group or others (mode 0777)", dir);
	expect_read(want, "config error: a world-writable directory is refused");
	chmod(dir, 0755);
	put("attachments.d/20-more.conf", "web unit nginx.service\n", 0644);
	snprintf(want, sizeof(want), "%s/attachments.d/20-more.conf:1:10: nginx.service = %s/system.slice/nginx.service "
		 "is attached already, at %s/attachments.d/10-web.conf:1", dir, ROOT, dir);
	expect_read(want, "config error: the same unit in two files names both");
	rm("attachments.d/20-more.conf");
	{
		struct config_env no_systemd = env;

		no_systemd.resolve_unit = NULL;
		if (config_read(dir, &no_systemd, &c, err, sizeof(err)) == 0)
			config_free(&c);
		EXPECT_CONTAINS(err, "systemd is not running", "config error: units without systemd");
	}
	expect_read(NULL, "config: valid again at the end");

	rm("profiles/web.json");
	rm("profiles/web.json.dpkg-dist");
	rm("profiles/old.json~");
	rm("attachments.d/10-web.conf");
	rm("attachments.d/README");
	snprintf(path, sizeof(path), "%s/profiles", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/attachments.d", dir);
	rmdir(path);
	rmdir(dir);
}

/*
 * The Kubernetes DaemonSet's layout (packaging/kubernetes, scripts/make-image.sh).
 * The kubelet's ConfigMap volume is a directory of mode 0777 holding a
 * timestamped directory (0755) with the files, the link ..data to it and a
 * link per key; /etc/enforcer/profiles and attachments.d both link to
 * configmap/..data and each reads its own suffix. The kubelet applies a
 * change by writing a new timestamped directory and renaming a new link
 * over ..data: a change on disk. Control: the volume's own directory as
 * profiles/ is refused (writable by others), which is why the links go
 * through ..data.
 */
static void test_configmap_layout(void)
{
	char err[2048] = "", path[512], *changed = NULL;
	struct config c;

	snprintf(dir, sizeof(dir), "/tmp/enforcer-test-configmap-%d", (int)getpid());
	mkdir(dir, 0755);
	chmod(dir, 0755);
	snprintf(path, sizeof(path), "%s/configmap", dir);
	mkdir(path, 0777);
	chmod(path, 0777);
	snprintf(path, sizeof(path), "%s/configmap/..2026_01_01_00_00_00.1", dir);
	mkdir(path, 0755);
	chmod(path, 0755);
	put("configmap/..2026_01_01_00_00_00.1/web.json", WEB, 0444);
	put("configmap/..2026_01_01_00_00_00.1/web.conf", "web selector kubepods.slice/**/cri-containerd-*.scope\n", 0444);
	snprintf(path, sizeof(path), "%s/configmap/..data", dir);
	EXPECT_OK(symlink("..2026_01_01_00_00_00.1", path) ? -errno : 0, "configmap: ..data links to the files");
	snprintf(path, sizeof(path), "%s/configmap/web.json", dir);
	EXPECT_OK(symlink("..data/web.json", path) ? -errno : 0, "configmap: the link of the key web.json");
	snprintf(path, sizeof(path), "%s/configmap/web.conf", dir);
	EXPECT_OK(symlink("..data/web.conf", path) ? -errno : 0, "configmap: the link of the key web.conf");
	snprintf(path, sizeof(path), "%s/profiles", dir);
	EXPECT_OK(symlink("configmap/..data", path) ? -errno : 0, "configmap: profiles/ links to ..data");
	snprintf(path, sizeof(path), "%s/attachments.d", dir);
	EXPECT_OK(symlink("configmap/..data", path) ? -errno : 0, "configmap: attachments.d/ links to ..data");

	if (EXPECT_OK(config_read(dir, &env, &c, err, sizeof(err)), "configmap: the layout reads")) {
		EXPECT_EQ(c.n_profiles, 1, "configmap: profiles/ reads the .json key");
		EXPECT_EQ(c.n_att, 1, "configmap: attachments.d/ reads the .conf key");
		EXPECT_OK(config_changes_on_disk(&c, &changed), "configmap: changes on disk, before the update");
		EXPECT_TRUE(changed == NULL, "configmap: nothing changed yet");
		free(changed);
		changed = NULL;

		/* The kubelet's update, as its AtomicWriter makes it. */
		snprintf(path, sizeof(path), "%s/configmap/..2026_01_01_00_01_00.2", dir);
		mkdir(path, 0755);
		chmod(path, 0755);
		put("configmap/..2026_01_01_00_01_00.2/web.json", WEB, 0444);
		put("configmap/..2026_01_01_00_01_00.2/web.conf", "web selector kubepods.slice/**/crio-*.scope\n", 0444);
		snprintf(path, sizeof(path), "%s/configmap/..data_tmp", dir);
		EXPECT_OK(symlink("..2026_01_01_00_01_00.2", path) ? -errno : 0, "configmap: the new ..data");
		{
			char to[512];

			snprintf(to, sizeof(to), "%s/configmap/..data", dir);
			EXPECT_OK(rename(path, to) ? -errno : 0, "configmap: renamed over the old one");
		}
		rm("configmap/..2026_01_01_00_00_00.1/web.json");
		rm("configmap/..2026_01_01_00_00_00.1/web.conf");
		snprintf(path, sizeof(path), "%s/configmap/..2026_01_01_00_00_00.1", dir);
		rmdir(path);
		EXPECT_OK(config_changes_on_disk(&c, &changed), "configmap: changes on disk, after the update");
		EXPECT_TRUE(changed != NULL, "configmap: the update is a change on disk");
		free(changed);
		config_free(&c);
		if (EXPECT_OK(config_read(dir, &env, &c, err, sizeof(err)), "configmap: the update reads")) {
			EXPECT_EQ(c.n_att, 1, "configmap: one attachment after the update");
			EXPECT_CONTAINS(c.n_att ? c.att[0].key : "", "crio-", "configmap: the updated attachment is read");
			config_free(&c);
		}
	} else {
		printf("    %s\n", err);
	}

	/* Control: the volume's directory itself, mode 0777, as profiles/. */
	rm("profiles");
	snprintf(path, sizeof(path), "%s/profiles", dir);
	EXPECT_OK(symlink("configmap", path) ? -errno : 0, "configmap: profiles/ links to the volume's directory");
	expect_read("writable by group or others (mode 0777)", "configmap control: the volume's own directory is refused");

	rm("profiles");
	rm("attachments.d");
	rm("configmap/web.json");
	rm("configmap/web.conf");
	rm("configmap/..data");
	rm("configmap/..2026_01_01_00_01_00.2/web.json");
	rm("configmap/..2026_01_01_00_01_00.2/web.conf");
	snprintf(path, sizeof(path), "%s/configmap/..2026_01_01_00_01_00.2", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/configmap", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	test_unit_names();
	test_unit_paths();
	test_config();
	test_configmap_layout();
	return unit_done();
}
