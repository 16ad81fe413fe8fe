// SPDX-License-Identifier: GPL-2.0-only
/*
 * Container names from OCI annotations, and workload selectors.
 *
 * The annotation keys, from the runtimes' sources:
 *  - containerd's CRI plugin (internal/cri/annotations): io.kubernetes.cri.
 *    container-name, sandbox-name, sandbox-namespace, sandbox-uid (1.6.11+),
 *    image-name, container-type ("sandbox" or "container").
 *  - CRI-O (pkg/annotations, and kubelet's labels it copies): io.kubernetes.
 *    container.name, pod.name, pod.namespace, pod.uid, and io.kubernetes.
 *    cri-o.ImageName, cri-o.ContainerType.
 *  - podman writes none of them itself (a pod's metadata.annotations are
 *    copied, metadata.namespace is dropped): a podman container's name and
 *    image are libpod's record in containers/storage's containers.json
 *    ("metadata": {"name", "image-name"}; volatile-containers.json beside
 *    it, or in the run root with transient_store, for a --rm container of
 *    podman 5), read when the
 *    annotations do not give them.
 * The runtime writes these from kubelet's own metadata, after the pod's
 * annotations, so a pod cannot name another namespace through them; a pod
 * UID that disagrees with the cgroup path is refused all the same.
 *
 * Bundles: containerd keeps config.json in its task directory per
 * namespace (k8s.io for CRI, moby for docker); CRI-O and podman in the
 * container's userdata directory of containers/storage (run root for
 * CRI-O, graph root for podman).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "workload.h"

#define CONFIG_JSON_MAX (4u << 20)
#define PODMAN_CONTAINERS_JSON "/var/lib/containers/storage/overlay-containers/containers.json"
#define PODMAN_VOLATILE_CONTAINERS_JSON "/var/lib/containers/storage/overlay-containers/volatile-containers.json"
#define PODMAN_TRANSIENT_CONTAINERS_JSON "/run/containers/storage/overlay-containers/volatile-containers.json"
#define PODMAN_CONTAINERS_JSON_MAX (64u << 20)

struct key_set {
	const char *container, *pod, *namespace, *pod_uid, *image, *type;
};

static const struct key_set containerd_keys = {
	"io.kubernetes.cri.container-name", "io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.sandbox-namespace",
	"io.kubernetes.cri.sandbox-uid",    "io.kubernetes.cri.image-name",   "io.kubernetes.cri.container-type",
};

static const struct key_set crio_keys = {
	"io.kubernetes.container.name", "io.kubernetes.pod.name",      "io.kubernetes.pod.namespace",
	"io.kubernetes.pod.uid",        "io.kubernetes.cri-o.ImageName", "io.kubernetes.cri-o.ContainerType",
};

static const char *const key_names[WORKLOAD_KEYS] = {
	[WORKLOAD_KEY_RUNTIME] = "runtime",     [WORKLOAD_KEY_NAMESPACE] = "namespace", [WORKLOAD_KEY_POD] = "pod",
	[WORKLOAD_KEY_CONTAINER] = "container", [WORKLOAD_KEY_IMAGE] = "image",
};

const char *workload_key_name(enum workload_key k)
{
	return k < WORKLOAD_KEYS ? key_names[k] : NULL;
}

/* A printable value within its bound, or NULL. */
static const char *usable(json_t *annotations, const char *key, size_t max)
{
	const char *v = key ? json_string_value(json_object_get(annotations, key)) : NULL;
	size_t n;

	if (!v)
		return NULL;
	n = strlen(v);
	if (n == 0 || n > max)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return NULL;
	return v;
}

static bool take(char *dst, size_t max, json_t *annotations, const char *key)
{
	const char *v = usable(annotations, key, max);

	if (!v)
		return false;
	memcpy(dst, v, strlen(v) + 1);
	return true;
}

/* The key sets to try for a runtime, most likely first. */
static size_t key_sets_for(enum workload_runtime r, const struct key_set **sets)
{
	switch (r) {
	case WORKLOAD_RUNTIME_CONTAINERD:
	case WORKLOAD_RUNTIME_DOCKER: /* cri-dockerd's pods carry no annotations of their own; containerd's if any */
		sets[0] = &containerd_keys;
		return 1;
	case WORKLOAD_RUNTIME_CRIO:
	case WORKLOAD_RUNTIME_PODMAN:
		sets[0] = &crio_keys;
		return 1;
	case WORKLOAD_RUNTIME_CRI:
		sets[0] = &containerd_keys;
		sets[1] = &crio_keys;
		return 2;
	default:
		return 0;
	}
}

int workload_annotate(struct workload *w, json_t *annotations, char *msg, size_t size)
{
	const struct key_set *sets[2];
	size_t n = key_sets_for(w->id.runtime, sets);

	if (!json_is_object(annotations))
		return 0;
	for (size_t i = 0; i < n; i++) {
		const struct key_set *k = sets[i];
		struct workload got = *w;
		const char *uid = usable(annotations, k->pod_uid, WORKLOAD_POD_UID_LEN);
		const char *type = usable(annotations, k->type, 32);
		bool any;

		if (uid && w->id.pod_uid[0] && strcmp(uid, w->id.pod_uid) != 0) {
			snprintf(msg, size,
				 "container %.12s: its annotations name pod UID %s, its cgroup path pod UID %s: names not used",
				 w->id.container_id, uid, w->id.pod_uid);
			return -EPERM;
		}
		any = take(got.container, WORKLOAD_NAME_MAX, annotations, k->container);
		any |= take(got.pod, WORKLOAD_NAME_MAX, annotations, k->pod);
		any |= take(got.namespace, WORKLOAD_NAME_MAX, annotations, k->namespace);
		any |= take(got.image, WORKLOAD_IMAGE_MAX, annotations, k->image);
		if (!any)
			continue;
		got.sandbox = type && strcmp(type, "sandbox") == 0;
		got.annotated = true;
		*w = got;
		return 0;
	}
	return 0;
}

size_t workload_config_paths(const struct workload_id *id, char (*paths)[4096], size_t max)
{
	static const char containerd_fmt[] = "/run/containerd/io.containerd.runtime.v2.task/%s/%s/config.json";
	static const char storage_fmt[] = "%s/overlay-containers/%s/userdata/config.json";
	size_t n = 0;

#define ADD(...)                                                     \
	do {                                                         \
		if (n < max)                                         \
			snprintf(paths[n++], 4096, __VA_ARGS__);     \
	} while (0)
	if (id->rootless || !id->container_id[0])
		return 0;
	switch (id->runtime) {
	case WORKLOAD_RUNTIME_CONTAINERD:
		ADD(containerd_fmt, "k8s.io", id->container_id);
		break;
	case WORKLOAD_RUNTIME_DOCKER:
		ADD(containerd_fmt, "moby", id->container_id);
		break;
	case WORKLOAD_RUNTIME_CRIO:
		ADD(storage_fmt, "/run/containers/storage", id->container_id);
		break;
	case WORKLOAD_RUNTIME_PODMAN:
		ADD(storage_fmt, "/var/lib/containers/storage", id->container_id);
		ADD(storage_fmt, "/run/containers/storage", id->container_id);
		break;
	case WORKLOAD_RUNTIME_CRI:
		ADD(containerd_fmt, "k8s.io", id->container_id);
		ADD(storage_fmt, "/run/containers/storage", id->container_id);
		break;
	default:
		break;
	}
#undef ADD
	return n;
}

/* A runtime's own JSON file: regular, root's, writable by no one else, at most max bytes. The parsed root, or NULL with r and msg. */
static json_t *load_runtime_json(const char *path, size_t max, int *ret, char *msg, size_t size)
{
	_cleanup_close_ int fd = -1;
	json_error_t jerr;
	struct stat st;
	json_t *root;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) < 0) {
		*ret = -errno;
		if (*ret != -ENOENT)
			snprintf(msg, size, "%s: %s", path, strerror(-*ret));
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
		snprintf(msg, size, "%s: not a regular file of root's that only root can write: its names are not used",
			 path);
		*ret = -EPERM;
		return NULL;
	}
	if ((size_t)st.st_size > max) {
		snprintf(msg, size, "%s: %lld bytes, more than the %zu read", path, (long long)st.st_size, max);
		*ret = -EFBIG;
		return NULL;
	}
	root = json_loadfd(fd, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(msg, size, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
		*ret = -EINVAL;
	}
	return root;
}

int workload_read_config(struct workload *w, const char *path, char *msg, size_t size)
{
	json_t *root;
	int r = 0;

	root = load_runtime_json(path, CONFIG_JSON_MAX, &r, msg, size);
	if (!root)
		return r;
	r = workload_annotate(w, json_object_get(root, "annotations"), msg, size);
	json_decref(root);
	return r;
}

int workload_read_podman_names(struct workload *w, const char *path, char *msg, size_t size)
{
	json_t *root, *c;
	size_t i;
	int r = 0;

	root = load_runtime_json(path, PODMAN_CONTAINERS_JSON_MAX, &r, msg, size);
	if (!root)
		return r;
	json_array_foreach(root, i, c) {
		json_t *meta_root = NULL;
		const char *meta;

		if (!json_is_string(json_object_get(c, "id")) ||
		    strcmp(json_string_value(json_object_get(c, "id")), w->id.container_id) != 0)
			continue;
		/* libpod keeps its own record in "metadata", a JSON text: "name", "image-name". */
		meta = json_string_value(json_object_get(c, "metadata"));
		if (meta)
			meta_root = json_loads(meta, JSON_REJECT_DUPLICATES, NULL);
		if (!w->container[0] && take(w->container, WORKLOAD_NAME_MAX, meta_root, "name"))
			w->annotated = true;
		if (!w->image[0] && take(w->image, WORKLOAD_IMAGE_MAX, meta_root, "image-name"))
			w->annotated = true;
		json_decref(meta_root);
		break;
	}
	json_decref(root);
	return 0;
}

int workload_identify(const char *cgroup_path, struct workload *w, char *msg, size_t size)
{
	char paths[3][4096];
	size_t n;
	int r;

	*w = (struct workload){ 0 };
	r = workload_id_from_cgroup(cgroup_path, &w->id);
	if (r < 0) {
		snprintf(msg, size, "%s: not a cgroup path any runtime writes (%s)", cgroup_path, strerror(-r));
		return r;
	}
	if (w->id.monitor)
		return 0;
	n = workload_config_paths(&w->id, paths, ARRAY_SIZE(paths));
	for (size_t i = 0; i < n; i++) {
		r = workload_read_config(w, paths[i], msg, size);
		if (r != -ENOENT)
			break;
	}
	if (r < 0 && r != -ENOENT)
		return r;
	return workload_podman_fill(w, msg, size);
}

int workload_podman_fill(struct workload *w, char *msg, size_t size)
{
	int r;

	if (w->id.runtime != WORKLOAD_RUNTIME_PODMAN || w->id.rootless)
		return 0;
	/*
	 * Containers run with --rm are "volatile" to containers/storage (podman
	 * 5): recorded beside containers.json, or in the run root with
	 * transient_store.
	 */
	static const char *const records[] = { PODMAN_CONTAINERS_JSON, PODMAN_VOLATILE_CONTAINERS_JSON,
					       PODMAN_TRANSIENT_CONTAINERS_JSON };

	for (size_t i = 0; i < ARRAY_SIZE(records) && !(w->container[0] && w->image[0]); i++) {
		r = workload_read_podman_names(w, records[i], msg, size);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

static void set_string(json_t *o, const char *key, const char *v)
{
	if (v && v[0])
		json_object_set_new(o, key, json_string(v));
}

json_t *workload_to_json(const struct workload *w)
{
	json_t *o;

	if (w->id.runtime == WORKLOAD_RUNTIME_NONE && !w->id.pod_uid[0])
		return NULL;
	o = json_object();
	if (!o)
		return NULL;
	if (w->id.runtime != WORKLOAD_RUNTIME_NONE)
		set_string(o, "runtime", workload_runtime_name(w->id.runtime));
	set_string(o, "container_id", w->id.container_id);
	set_string(o, "container", w->container);
	set_string(o, "pod", w->pod);
	set_string(o, "namespace", w->namespace);
	set_string(o, "pod_uid", w->id.pod_uid);
	if (w->id.qos != WORKLOAD_QOS_NONE)
		set_string(o, "qos", workload_qos_name(w->id.qos));
	set_string(o, "image", w->image);
	if (w->sandbox)
		json_object_set_new(o, "sandbox", json_true());
	if (w->id.monitor)
		json_object_set_new(o, "monitor", json_true());
	if (w->id.rootless)
		json_object_set_new(o, "rootless", json_true());
	return o;
}

/* The value of key k of w, "" when unknown. */
static const char *value_of(const struct workload *w, enum workload_key k)
{
	switch (k) {
	case WORKLOAD_KEY_RUNTIME:
		return w->id.runtime == WORKLOAD_RUNTIME_NONE ? "" : workload_runtime_name(w->id.runtime);
	case WORKLOAD_KEY_NAMESPACE:
		return w->namespace;
	case WORKLOAD_KEY_POD:
		return w->pod;
	case WORKLOAD_KEY_CONTAINER:
		return w->container;
	case WORKLOAD_KEY_IMAGE:
		return w->image;
	default:
		return "";
	}
}

void workload_selector_free(struct workload_selector *s)
{
	for (size_t k = 0; k < WORKLOAD_KEYS; k++) {
		free(s->glob[k]);
		s->glob[k] = NULL;
	}
}

static int parse_fail(struct workload_selector *s, char *msg, size_t size, size_t col, const char *fmt, const char *what,
		      int len)
{
	char why[256];

	snprintf(why, sizeof(why), fmt, len, what);
	snprintf(msg, size, "column %zu: %s (a workload selector is KEY=GLOB[,KEY=GLOB...], keys runtime, namespace, pod, "
		 "container, image, e.g. namespace=prod,container=app)", col, why);
	workload_selector_free(s);
	return -EINVAL;
}

int workload_selector_parse(const char *spec, struct workload_selector *ret, char *msg, size_t size)
{
	struct workload_selector s = { 0 };
	const char *p = spec;

	if (!spec || !*spec)
		return parse_fail(&s, msg, size, 1, "%.*sempty", "", 0);
	if (strlen(spec) > WORKLOAD_SELECTOR_MAX)
		return parse_fail(&s, msg, size, WORKLOAD_SELECTOR_MAX, "%.*slonger than 900 characters", "", 0);
	for (;;) {
		const char *eq = strchr(p, '='), *comma = strchr(p, ',');
		size_t col = (size_t)(p - spec) + 1, klen, vlen;
		enum workload_key k;
		char *v;

		if (!comma)
			comma = p + strlen(p);
		if (!eq || eq > comma)
			return parse_fail(&s, msg, size, col, "'%.*s' has no '='", p, (int)(comma - p));
		klen = (size_t)(eq - p);
		vlen = (size_t)(comma - eq - 1);
		for (k = 0; k < WORKLOAD_KEYS; k++)
			if (strlen(key_names[k]) == klen && strncmp(key_names[k], p, klen) == 0)
				break;
		if (k == WORKLOAD_KEYS)
			return parse_fail(&s, msg, size, col, "unknown key '%.*s'", p, (int)klen);
		if (s.glob[k])
			return parse_fail(&s, msg, size, col, "key '%.*s' given twice", p, (int)klen);
		if (vlen == 0)
			return parse_fail(&s, msg, size, col, "key '%.*s' has an empty value", p, (int)klen);
		for (size_t i = 0; i < vlen; i++)
			if ((unsigned char)eq[1 + i] <= 0x20 || eq[1 + i] == 0x7f || eq[1 + i] == '=')
				return parse_fail(&s, msg, size, col + klen + 1 + i,
						  "%.*sa blank, control character or '=' in a value", "", 0);
		if (k == WORKLOAD_KEY_RUNTIME) {
			char word[32];
			enum workload_runtime r;

			snprintf(word, sizeof(word), "%.*s", (int)vlen, eq + 1);
			if (vlen >= sizeof(word) || workload_runtime_from_word(word, &r) < 0 || r == WORKLOAD_RUNTIME_NONE)
				return parse_fail(&s, msg, size, col + klen + 1,
						  "runtime '%.*s' is none of containerd, cri-o, docker, podman, cri", eq + 1,
						  (int)vlen);
		}
		v = strndup(eq + 1, vlen);
		if (!v) {
			workload_selector_free(&s);
			return -ENOMEM;
		}
		s.glob[k] = v;
		if (!*comma)
			break;
		p = comma + 1;
	}
	*ret = s;
	return 0;
}

int workload_selector_format(const struct workload_selector *s, char *out, size_t size)
{
	size_t n = 0;

	if (size)
		out[0] = 0;
	for (size_t k = 0; k < WORKLOAD_KEYS; k++) {
		int w;

		if (!s->glob[k])
			continue;
		w = snprintf(out + n, size - n, "%s%s=%s", n ? "," : "", key_names[k], s->glob[k]);
		if (w < 0 || (size_t)w >= size - n)
			return -ENAMETOOLONG;
		n += (size_t)w;
	}
	return 0;
}

/*
 * A rootless container's cgroup is named by its user, who may create any
 * name in a delegated subtree: a workload selector attaching it would let
 * that user trade the profile governing the subtree for the selector's.
 */
static bool eligible(const struct workload *w)
{
	return w->id.runtime != WORKLOAD_RUNTIME_NONE && !w->id.monitor && !w->sandbox && !w->id.rootless;
}

bool workload_selector_match(const struct workload_selector *s, const struct workload *w)
{
	if (!eligible(w))
		return false;
	for (size_t k = 0; k < WORKLOAD_KEYS; k++) {
		const char *v;

		if (!s->glob[k])
			continue;
		v = value_of(w, (enum workload_key)k);
		if (!v[0] || fnmatch(s->glob[k], v, 0) != 0)
			return false;
	}
	return true;
}

void workload_selector_explain(const struct workload_selector *s, const struct workload *w, char *out, size_t size)
{
	if (w->id.runtime == WORKLOAD_RUNTIME_NONE) {
		snprintf(out, size, "not a container's cgroup");
		return;
	}
	if (w->id.monitor || w->sandbox || w->id.rootless) {
		snprintf(out, size, "%s, never matched",
			 w->id.rootless ? "a rootless container (its user names its cgroup)" :
			 w->id.monitor  ? "the runtime's monitor" : "the runtime's pod sandbox");
		return;
	}
	for (size_t k = 0; k < WORKLOAD_KEYS; k++) {
		const char *v;

		if (!s->glob[k])
			continue;
		v = value_of(w, (enum workload_key)k);
		if (!v[0]) {
			snprintf(out, size, "%s unknown (%s)", key_names[k],
				 w->annotated ? "not in the bundle's annotations" : "no bundle annotations found");
			return;
		}
		if (fnmatch(s->glob[k], v, 0) != 0) {
			snprintf(out, size, "%s '%s' does not match '%s'", key_names[k], v, s->glob[k]);
			return;
		}
	}
	snprintf(out, size, "matches");
}
