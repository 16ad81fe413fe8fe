// SPDX-License-Identifier: GPL-2.0-only
/*
 * Workload identity from the cgroup names the kubelet and the container
 * runtimes choose. The conventions, from their sources:
 *
 *  - systemd slices nest by name: "a-b.slice" is the child of "a.slice",
 *    '-' separating the levels (systemd.slice(5)). Kubelet's systemd driver
 *    (pkg/kubelet/cm/cgroup_manager_linux.go, CgroupName.ToSystemd) joins
 *    its cgroup name {"kubepods", "burstable", "pod<UID>"} with '-' after
 *    escapeSystemdCgroupName() turned each '-' of a part into '_':
 *    kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<UID
 *    with '_'>.slice. Guaranteed pods have no QoS level
 *    (kubepods.slice/kubepods-pod<UID>.slice; qos_container_manager_linux.go,
 *    pod_container_manager_linux.go: prefix "pod"). A --cgroup-root adds
 *    levels in front ("kubelet.slice/kubelet-kubepods.slice/..." on kind).
 *  - kubelet's cgroupfs driver (ToCgroupfs) joins the same parts with '/':
 *    /kubepods/burstable/pod<UID>, /kubepods/pod<UID>.
 *  - Pod UIDs are 8-4-4-4-12 hex from the API server; a static pod's is
 *    the hex of an md5 (pkg/kubelet/config/common.go, applyDefaults): 32
 *    hex, no dashes.
 *  - runc's systemd driver (docs/systemd.md) turns cgroupsPath
 *    "slice:prefix:name" into the unit "<prefix>-<name>.scope" below that
 *    slice. containerd's CRI (getCgroupsPath) uses prefix "cri-containerd"
 *    under a .slice parent, else parent/<id> (cgroupfs: the bare id).
 *    CRI-O (internal/config/cgmgr: CrioPrefix "crio") makes
 *    crio-<id>.scope, and crio-conmon-<id>.scope for the conmon that
 *    watches it (cgroupfs: crio-<id>, crio-conmon-<id>). Docker (moby
 *    daemon/oci_linux.go) uses "system.slice:docker:<id>" with systemd
 *    (docker-<id>.scope), /docker/<id> with cgroupfs; cri-dockerd's pod
 *    containers are docker-<id>.scope in the pod slice. Podman
 *    (libpod) makes libpod-<id>.scope under machine.slice (root) or the
 *    user's user.slice below user@UID.service (rootless), a pod's
 *    containers under machine-libpod_pod_<podid>.slice, its conmon in
 *    libpod-conmon-<id>.scope; with cgroupfs /libpod_parent/libpod-<id>.
 *  - crun and CRI-O may move the payload one level down
 *    (crio-<id>.scope/container): the container's descendants are the
 *    container.
 *
 * Container ids are 64 lowercase hex digits with every runtime here.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "util.h"
#include "workload_id.h"

struct comp {
	const char *s;
	size_t n;
};

/*
 * The component after *cur (the path's part not read yet) into *c; 1, 0 at
 * the end, -ENAMETOOLONG past NAME_MAX or when the part read from base
 * passes PATH_MAX. Empty, "." and ".." components were refused before.
 */
static int next_comp(const char **cur, const char *base, struct comp *c)
{
	const char *s = *cur, *slash;

	if (!*s)
		return 0;
	slash = strchr(s, '/');
	c->s = s;
	c->n = slash ? (size_t)(slash - s) : strlen(s);
	if (c->n > NAME_MAX || (size_t)(s + c->n - base) > PATH_MAX)
		return -ENAMETOOLONG;
	*cur = slash ? slash + 1 : s + c->n;
	return 1;
}

/* No empty, "." or ".." component anywhere: the kernel never writes one, so the path did not come from it. */
static bool components_sane(const char *p)
{
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

static bool comp_is(const struct comp *c, const char *word)
{
	return c->n == strlen(word) && memcmp(c->s, word, c->n) == 0;
}

/* Strip suffix from c if it ends with it. */
static bool comp_strip(struct comp *c, const char *suffix)
{
	size_t k = strlen(suffix);

	if (c->n <= k || memcmp(c->s + c->n - k, suffix, k) != 0)
		return false;
	c->n -= k;
	return true;
}

static bool comp_skip(struct comp *c, const char *prefix)
{
	size_t k = strlen(prefix);

	if (c->n < k || memcmp(c->s, prefix, k) != 0)
		return false;
	c->s += k;
	c->n -= k;
	return true;
}

static bool lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* A pod UID as its cgroup name spells it (sep: '_' with systemd, '-' with cgroupfs) into out, with '-'. */
static int pod_uid_parse(const struct comp *c, char sep, char out[WORKLOAD_POD_UID_LEN + 1])
{
	if (c->n == 32 && lower_hex(c->s, 32)) {
		memcpy(out, c->s, 32);
		out[32] = 0;
		return 0;
	}
	if (c->n != WORKLOAD_POD_UID_LEN)
		return -EINVAL;
	for (size_t i = 0; i < c->n; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? c->s[i] != sep : !lower_hex(c->s + i, 1))
			return -EINVAL;
		out[i] = dash ? '-' : c->s[i];
	}
	out[c->n] = 0;
	return 0;
}

/* The runtimes' prefixes, a monitor's before its container's (the longer first). */
static const struct {
	const char *prefix;
	enum workload_runtime runtime;
	bool monitor;
} container_prefixes[] = {
	{ "cri-containerd-", WORKLOAD_RUNTIME_CONTAINERD, false },
	{ "crio-conmon-", WORKLOAD_RUNTIME_CRIO, true },
	{ "crio-", WORKLOAD_RUNTIME_CRIO, false },
	{ "docker-", WORKLOAD_RUNTIME_DOCKER, false },
	{ "libpod-conmon-", WORKLOAD_RUNTIME_PODMAN, true },
	{ "libpod-", WORKLOAD_RUNTIME_PODMAN, false },
};

/*
 * Is name a container's cgroup: "<prefix><id>.scope" (systemd) or
 * "<prefix><id>" (cgroupfs), or with bare_runtime set a bare "<id>"? 1 with
 * w's runtime, monitor and container_id set, 0 if not, -EINVAL when it has
 * a runtime's prefix (and suffix) but not a well-formed id.
 */
static int container_match(struct comp name, const char *base, enum workload_driver driver,
			   enum workload_runtime bare_runtime, struct workload_id *w)
{
	size_t end = (size_t)(name.s + name.n - base);

	if (driver == WORKLOAD_DRIVER_SYSTEMD && !comp_strip(&name, ".scope"))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(container_prefixes); i++) {
		struct comp id = name;

		if (!comp_skip(&id, container_prefixes[i].prefix))
			continue;
		if (id.n != WORKLOAD_CONTAINER_ID_LEN || !lower_hex(id.s, id.n))
			return -EINVAL;
		w->runtime = container_prefixes[i].runtime;
		w->monitor = container_prefixes[i].monitor;
		memcpy(w->container_id, id.s, id.n);
		w->container_id[id.n] = 0;
		w->container_len = end;
		return 1;
	}
	/* A bare name is an id only when it is one: other children of a pod are not containers. */
	if (driver == WORKLOAD_DRIVER_CGROUPFS && bare_runtime != WORKLOAD_RUNTIME_NONE &&
	    name.n == WORKLOAD_CONTAINER_ID_LEN && lower_hex(name.s, name.n)) {
		w->runtime = bare_runtime;
		memcpy(w->container_id, name.s, name.n);
		w->container_id[name.n] = 0;
		w->container_len = end;
		return 1;
	}
	return 0;
}

/* A pod's container (or the pod alone) after the pod's cgroup: the next component, if any, may be one. */
static int pod_child(const char *cur, const char *base, enum workload_driver driver, struct workload_id *w)
{
	struct comp c;
	int r;

	w->driver = driver;
	r = next_comp(&cur, base, &c);
	if (r <= 0)
		return r;
	r = container_match(c, base, driver, WORKLOAD_RUNTIME_CRI, w);
	return r < 0 ? r : 0;
}

/* qos from the word of its level; false for a word that is none. */
static bool qos_level(const struct comp *c, enum workload_qos *qos)
{
	if (comp_is(c, "burstable"))
		*qos = WORKLOAD_QOS_BURSTABLE;
	else if (comp_is(c, "besteffort"))
		*qos = WORKLOAD_QOS_BESTEFFORT;
	else
		return false;
	return true;
}

/*
 * Kubelet's systemd layout: a chain of slices from the root, each named
 * after its parent (so a delegated subtree, below a .service, never
 * passes), one level of which is "kubepods", then an optional QoS level,
 * then "pod<UID>". 1 with w's pod filled (and its container), 0 if the path
 * is not one, -errno.
 */
static int kubepods_systemd(const char *path, struct workload_id *w)
{
	enum { BEFORE, KUBEPODS, QOS } state = BEFORE;
	const char *cur = path;
	struct comp c, stem = { 0 };
	int r;

	while ((r = next_comp(&cur, path, &c)) > 0) {
		struct comp name = c, piece;

		if (!comp_strip(&name, ".slice"))
			return 0;
		/* systemd.slice(5): "<parent's name>-<part>.slice", one level per slice */
		if (stem.s) {
			if (name.n <= stem.n + 1 || memcmp(name.s, stem.s, stem.n) != 0 || name.s[stem.n] != '-')
				return 0;
			piece = (struct comp){ name.s + stem.n + 1, name.n - stem.n - 1 };
		} else {
			piece = name;
		}
		stem = name;
		/* below kubepods, "pod..." is a pod whatever follows: a UID with '-' in it is malformed, not a level */
		if (state == BEFORE || !comp_skip(&piece, "pod")) {
			if (memchr(piece.s, '-', piece.n))
				return 0;
			if (state == BEFORE && comp_is(&piece, "kubepods"))
				state = KUBEPODS;
			else if (state == KUBEPODS && qos_level(&piece, &w->qos))
				state = QOS;
			else if (state != BEFORE)
				return 0;
			continue;
		}
		r = pod_uid_parse(&piece, '_', w->pod_uid);
		if (r < 0)
			return r;
		if (state == KUBEPODS)
			w->qos = WORKLOAD_QOS_GUARANTEED;
		/* the pod is the chain's last slice: its children are the containers */
		const char *after = cur;
		struct comp next;

		r = next_comp(&after, path, &next);
		if (r < 0)
			return r;
		if (r > 0 && comp_strip(&next, ".slice"))
			return 0;
		r = pod_child(cur, path, WORKLOAD_DRIVER_SYSTEMD, w);
		return r < 0 ? r : 1;
	}
	return r;
}

/* Kubelet's cgroupfs layout at the root: kubepods[/burstable|/besteffort]/pod<UID>[/<container>]. */
static int kubepods_cgroupfs(const char *path, struct workload_id *w)
{
	const char *cur = path;
	struct comp c;
	int r;

	r = next_comp(&cur, path, &c);
	if (r <= 0 || !comp_is(&c, "kubepods"))
		return r < 0 ? r : 0;
	r = next_comp(&cur, path, &c);
	if (r <= 0)
		return r;
	if (qos_level(&c, &w->qos)) {
		r = next_comp(&cur, path, &c);
		if (r <= 0)
			return r;
	} else {
		w->qos = WORKLOAD_QOS_GUARANTEED;
	}
	if (!comp_skip(&c, "pod"))
		return 0;
	r = pod_uid_parse(&c, '-', w->pod_uid);
	if (r < 0)
		return r;
	r = pod_child(cur, path, WORKLOAD_DRIVER_CGROUPFS, w);
	return r < 0 ? r : 1;
}

/* "user@<digits>.service": systemd's per-user manager, whose subtree is delegated to that user. */
static bool user_manager(struct comp c)
{
	if (!comp_skip(&c, "user@") || !comp_strip(&c, ".service") || c.n == 0)
		return false;
	for (size_t i = 0; i < c.n; i++)
		if (c.s[i] < '0' || c.s[i] > '9')
			return false;
	return true;
}

/*
 * Outside Kubernetes: the first container scope anywhere (docker in
 * system.slice, podman in machine.slice or a user's slice), or docker's
 * and podman's cgroupfs roots. 0 (w filled or not) or -errno.
 */
static int standalone(const char *path, struct workload_id *w)
{
	const char *cur = path;
	struct comp c, first = { 0 };
	enum workload_runtime want;
	bool rootless = false;
	int r, depth = 0;

	while ((r = next_comp(&cur, path, &c)) > 0) {
		if (depth++ == 0)
			first = c;
		if (user_manager(c))
			rootless = true;
		r = container_match(c, path, WORKLOAD_DRIVER_SYSTEMD, WORKLOAD_RUNTIME_NONE, w);
		if (r != 0) {
			w->driver = WORKLOAD_DRIVER_SYSTEMD;
			w->rootless = rootless;
			return r < 0 ? r : 0;
		}
		/* docker's /docker/<id>, podman's /libpod_parent/.../libpod-<id>; no other runtime's names there */
		if (depth == 2 && comp_is(&first, "docker"))
			want = WORKLOAD_RUNTIME_DOCKER;
		else if (depth >= 2 && comp_is(&first, "libpod_parent"))
			want = WORKLOAD_RUNTIME_PODMAN;
		else
			continue;
		r = container_match(c, path, WORKLOAD_DRIVER_CGROUPFS, want == WORKLOAD_RUNTIME_DOCKER ? want : 0, w);
		if (r > 0 && w->runtime != want) {
			*w = (struct workload_id){ 0 };
			r = 0;
		}
		if (r != 0) {
			w->driver = WORKLOAD_DRIVER_CGROUPFS;
			return r < 0 ? r : 0;
		}
	}
	return r;
}

int workload_id_from_cgroup(const char *path, struct workload_id *ret)
{
	struct workload_id w = { 0 };
	int r;

	if (!path || !ret)
		return -EINVAL;
	if (*path == '/')
		path++;
	if (*path && !components_sane(path))
		return -EINVAL;
	r = kubepods_systemd(path, &w);
	if (r == 0) {
		w = (struct workload_id){ 0 };
		r = kubepods_cgroupfs(path, &w);
	}
	if (r == 0) {
		w = (struct workload_id){ 0 };
		r = standalone(path, &w);
	}
	if (r < 0)
		return r;
	if (w.runtime == WORKLOAD_RUNTIME_NONE && !w.pod_uid[0])
		w = (struct workload_id){ 0 };
	*ret = w;
	return 0;
}

int workload_id_from_proc_cgroup(const char *text, struct workload_id *ret)
{
	static const char deleted[] = " (deleted)";
	char path[PATH_MAX + 2];
	const char *line = text;

	if (!text || !ret)
		return -EINVAL;
	/* one line per hierarchy, "ID:CONTROLLERS:PATH"; cgroup v2's is "0::PATH" */
	while (line && strncmp(line, "0::", 3) != 0) {
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	if (!line)
		return -ENOENT;
	line += 3;
	size_t n = strcspn(line, "\n");
	if (n >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, line, n);
	path[n] = 0;
	/* the kernel marks a removed cgroup; its name is still the workload's */
	if (n >= sizeof(deleted) - 1 && strcmp(path + n - (sizeof(deleted) - 1), deleted) == 0)
		path[n - (sizeof(deleted) - 1)] = 0;
	return workload_id_from_cgroup(path, ret);
}

static const char *const runtime_words[] = {
	[WORKLOAD_RUNTIME_NONE] = "none",	  [WORKLOAD_RUNTIME_CONTAINERD] = "containerd",
	[WORKLOAD_RUNTIME_CRIO] = "cri-o",	  [WORKLOAD_RUNTIME_DOCKER] = "docker",
	[WORKLOAD_RUNTIME_PODMAN] = "podman", [WORKLOAD_RUNTIME_CRI] = "cri",
};
static const char *const qos_words[] = {
	[WORKLOAD_QOS_NONE] = "none",
	[WORKLOAD_QOS_GUARANTEED] = "guaranteed",
	[WORKLOAD_QOS_BURSTABLE] = "burstable",
	[WORKLOAD_QOS_BESTEFFORT] = "besteffort",
};
static const char *const driver_words[] = {
	[WORKLOAD_DRIVER_NONE] = "none",
	[WORKLOAD_DRIVER_SYSTEMD] = "systemd",
	[WORKLOAD_DRIVER_CGROUPFS] = "cgroupfs",
};

const char *workload_runtime_name(enum workload_runtime r)
{
	return (unsigned)r < ARRAY_SIZE(runtime_words) ? runtime_words[r] : NULL;
}

const char *workload_qos_name(enum workload_qos q)
{
	return (unsigned)q < ARRAY_SIZE(qos_words) ? qos_words[q] : NULL;
}

const char *workload_driver_name(enum workload_driver d)
{
	return (unsigned)d < ARRAY_SIZE(driver_words) ? driver_words[d] : NULL;
}

static int word_index(const char *const *words, size_t n, const char *word)
{
	for (size_t i = 0; word && i < n; i++)
		if (strcmp(words[i], word) == 0)
			return (int)i;
	return -EINVAL;
}

int workload_runtime_from_word(const char *word, enum workload_runtime *ret)
{
	int i = word_index(runtime_words, ARRAY_SIZE(runtime_words), word);

	if (i < 0)
		return i;
	*ret = (enum workload_runtime)i;
	return 0;
}

int workload_qos_from_word(const char *word, enum workload_qos *ret)
{
	int i = word_index(qos_words, ARRAY_SIZE(qos_words), word);

	if (i < 0)
		return i;
	*ret = (enum workload_qos)i;
	return 0;
}
