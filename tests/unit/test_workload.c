// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/workload.c: names from each runtime's annotations, the pod UID
 * cross-check, hostile values, config.json ownership, and workload
 * selectors (parse errors, canonical form, matching, judgements).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "workload.h"

#define ID "4c0f1a3e5b2d4f6a8c9e0b1d2f3a4c5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c"
#define UID "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
#define UID_ "0a1b2c3d_4e5f_6a7b_8c9d_0e1f2a3b4c5d"
#define OTHER_UID "ffffffff-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
#define CONTAINERD_PATH "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice/cri-containerd-" ID ".scope"
#define CRIO_PATH "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice/crio-" ID ".scope"
#define PODMAN_PATH "/machine.slice/libpod-" ID ".scope"

static struct workload at(const char *path)
{
	struct workload w = { 0 };

	if (workload_id_from_cgroup(path, &w.id) < 0)
		fprintf(stderr, "bad fixture path %s\n", path);
	return w;
}

static json_t *annotations(const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);

	if (!j)
		fprintf(stderr, "bad fixture JSON: %s\n", e.text);
	return j;
}

static void test_annotate(void)
{
	struct workload w = at(CONTAINERD_PATH);
	char msg[512] = "";
	json_t *a = annotations("{\"io.kubernetes.cri.container-name\":\"app\",\"io.kubernetes.cri.sandbox-name\":\"web-1\","
				"\"io.kubernetes.cri.sandbox-namespace\":\"prod\",\"io.kubernetes.cri.sandbox-uid\":\"" UID "\","
				"\"io.kubernetes.cri.image-name\":\"docker.io/library/nginx:1.25\","
				"\"io.kubernetes.cri.container-type\":\"container\"}");

	EXPECT_OK(workload_annotate(&w, a, msg, sizeof(msg)), "containerd: annotations read");
	EXPECT_STREQ(w.container, "app", "containerd: container name");
	EXPECT_STREQ(w.pod, "web-1", "containerd: pod name");
	EXPECT_STREQ(w.namespace, "prod", "containerd: namespace");
	EXPECT_STREQ(w.image, "docker.io/library/nginx:1.25", "containerd: image");
	EXPECT_TRUE(w.annotated && !w.sandbox, "containerd: annotated, not a sandbox");
	json_decref(a);

	w = at(CRIO_PATH);
	a = annotations("{\"io.kubernetes.container.name\":\"app\",\"io.kubernetes.pod.name\":\"web-1\","
			"\"io.kubernetes.pod.namespace\":\"prod\",\"io.kubernetes.pod.uid\":\"" UID "\","
			"\"io.kubernetes.cri-o.ImageName\":\"quay.io/x/y:2\",\"io.kubernetes.cri-o.ContainerType\":\"container\","
			"\"io.kubernetes.cri.sandbox-namespace\":\"kube-system\"}");
	EXPECT_OK(workload_annotate(&w, a, msg, sizeof(msg)), "CRI-O: annotations read");
	EXPECT_STREQ(w.namespace, "prod", "CRI-O: its own keys, not containerd's (a pod-supplied key is not read)");
	EXPECT_STREQ(w.image, "quay.io/x/y:2", "CRI-O: image");
	json_decref(a);

	w = at(CRIO_PATH);
	a = annotations("{\"io.kubernetes.pod.name\":\"web-1\",\"io.kubernetes.pod.namespace\":\"prod\","
			"\"io.kubernetes.pod.uid\":\"" OTHER_UID "\"}");
	EXPECT_EQ(workload_annotate(&w, a, msg, sizeof(msg)), -EPERM, "a pod UID that disagrees with the path: refused");
	EXPECT_CONTAINS(msg, "pod UID", "... and the message says which");
	EXPECT_TRUE(!w.annotated && !w.namespace[0], "... and nothing is taken from them");
	json_decref(a);

	w = at(PODMAN_PATH);
	a = annotations("{\"io.kubernetes.cri-o.ContainerType\":\"sandbox\",\"io.kubernetes.pod.name\":\"web\","
			"\"io.kubernetes.pod.namespace\":\"prod\"}");
	EXPECT_OK(workload_annotate(&w, a, msg, sizeof(msg)), "podman pod infra: read");
	EXPECT_TRUE(w.sandbox, "podman pod infra: a sandbox");
	json_decref(a);

	w = at(PODMAN_PATH);
	a = annotations("{\"io.kubernetes.container.name\":\"a\\u0001b\",\"io.kubernetes.pod.name\":\"\","
			"\"io.kubernetes.pod.namespace\":7}");
	EXPECT_OK(workload_annotate(&w, a, msg, sizeof(msg)), "hostile values: not an error");
	EXPECT_TRUE(!w.container[0] && !w.pod[0] && !w.namespace[0] && !w.annotated,
		    "hostile values: a control character, an empty string and a number are not used");
	json_decref(a);

	char longname[WORKLOAD_NAME_MAX + 40], text[WORKLOAD_NAME_MAX + 200];
	memset(longname, 'a', WORKLOAD_NAME_MAX + 1);
	longname[WORKLOAD_NAME_MAX + 1] = 0;
	snprintf(text, sizeof(text), "{\"io.kubernetes.container.name\":\"%s\"}", longname);
	w = at(PODMAN_PATH);
	a = annotations(text);
	EXPECT_OK(workload_annotate(&w, a, msg, sizeof(msg)), "an over-long name: not an error");
	EXPECT_TRUE(!w.container[0], "an over-long name is not used (not cut: a cut name could match another's glob)");
	json_decref(a);

	w = at("/system.slice/nginx.service");
	EXPECT_TRUE(workload_to_json(&w) == NULL, "not a container: no workload object");
}

static void test_read_config(void)
{
	char dir[] = "/tmp/enf-workload-XXXXXX", path[256], msg[512] = "";
	struct workload w = at(PODMAN_PATH);
	FILE *f;

	if (!mkdtemp(dir)) {
		unit_report(false, "mkdtemp", "%s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	fputs("{\"ociVersion\":\"1.0.2\",\"annotations\":{\"io.kubernetes.container.name\":\"app\","
	      "\"io.kubernetes.pod.namespace\":\"prod\"}}", f);
	fclose(f);
	chmod(path, 0644);
	if (geteuid() == 0) {
		EXPECT_OK(workload_read_config(&w, path, msg, sizeof(msg)), "config.json of root's, 0644: read");
		EXPECT_STREQ(w.namespace, "prod", "config.json: namespace");
		chmod(path, 0666);
		w = at(PODMAN_PATH);
		EXPECT_EQ(workload_read_config(&w, path, msg, sizeof(msg)), -EPERM, "config.json writable by others: refused");
		EXPECT_TRUE(!w.annotated, "... and not used");
	} else {
		EXPECT_EQ(workload_read_config(&w, path, msg, sizeof(msg)), -EPERM, "config.json not root's: refused");
	}
	EXPECT_CONTAINS(msg, "only root can write", "... the message says why");
	unlink(path);
	EXPECT_EQ(workload_read_config(&w, path, msg, sizeof(msg)), -ENOENT, "no config.json: -ENOENT");
	rmdir(dir);

	/* podman: libpod's record in containers/storage's containers.json */
	snprintf(path, sizeof(path), "/tmp/enf-containers-%d.json", (int)getpid());
	f = fopen(path, "w");
	fputs("[{\"id\":\"" ID "\",\"names\":[\"app\"],\"metadata\":\"{\\\"image-name\\\":\\\"localhost/enf-test:1\\\","
	      "\\\"name\\\":\\\"app\\\"}\"},{\"id\":\"other\",\"metadata\":\"{\\\"name\\\":\\\"x\\\"}\"}]", f);
	fclose(f);
	chmod(path, 0600);
	w = at(PODMAN_PATH);
	snprintf(w.container, sizeof(w.container), "from-annotations");
	EXPECT_OK(workload_read_podman_names(&w, path, msg, sizeof(msg)), "podman: containers.json read");
	EXPECT_STREQ(w.container, "from-annotations", "podman: a name the annotations gave stands");
	EXPECT_STREQ(w.image, "localhost/enf-test:1", "podman: the image from libpod's record");
	w = at(PODMAN_PATH);
	EXPECT_OK(workload_read_podman_names(&w, path, msg, sizeof(msg)), "podman: containers.json read again");
	EXPECT_STREQ(w.container, "app", "podman: the container's name from libpod's record");
	w = at("/machine.slice/libpod-9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d2c1b0a.scope");
	EXPECT_OK(workload_read_podman_names(&w, path, msg, sizeof(msg)), "podman: an id not in the file");
	EXPECT_TRUE(!w.container[0] && !w.annotated, "podman: ... gives no name");
	unlink(path);

	char paths[3][4096];
	struct workload_id id;
	workload_id_from_cgroup("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope", &id);
	EXPECT_EQ(workload_config_paths(&id, paths, 3), 0, "rootless: no bundle path is trusted");
	workload_id_from_cgroup(CONTAINERD_PATH, &id);
	EXPECT_EQ(workload_config_paths(&id, paths, 3), 1, "containerd: one bundle path");
	EXPECT_STREQ(paths[0], "/run/containerd/io.containerd.runtime.v2.task/k8s.io/" ID "/config.json",
		     "containerd: its task directory in namespace k8s.io");
}

static void parse_fails(const char *spec, const char *why, const char *name)
{
	struct workload_selector s;
	char msg[512] = "";

	EXPECT_EQ(workload_selector_parse(spec, &s, msg, sizeof(msg)), -EINVAL, name);
	EXPECT_CONTAINS(msg, why, name);
}

static void test_selectors(void)
{
	struct workload_selector s;
	char msg[512], text[1024];
	struct workload w = at(CONTAINERD_PATH);

	EXPECT_OK(workload_selector_parse("image=*nginx*,namespace=prod", &s, msg, sizeof(msg)), "parse");
	EXPECT_OK(workload_selector_format(&s, text, sizeof(text)), "format");
	EXPECT_STREQ(text, "namespace=prod,image=*nginx*", "canonical: keys in a fixed order");
	snprintf(w.namespace, sizeof(w.namespace), "prod");
	snprintf(w.image, sizeof(w.image), "docker.io/library/nginx:1.25");
	EXPECT_TRUE(workload_selector_match(&s, &w), "matches: '*' crosses '/' in images");
	workload_selector_explain(&s, &w, text, sizeof(text));
	EXPECT_STREQ(text, "matches", "explain: matches");
	snprintf(w.namespace, sizeof(w.namespace), "dev");
	EXPECT_TRUE(!workload_selector_match(&s, &w), "another namespace: no match");
	workload_selector_explain(&s, &w, text, sizeof(text));
	EXPECT_CONTAINS(text, "namespace 'dev' does not match 'prod'", "explain: which key failed");
	w.namespace[0] = 0;
	EXPECT_TRUE(!workload_selector_match(&s, &w), "unknown namespace: no match, not even for a glob");
	workload_selector_free(&s);

	EXPECT_OK(workload_selector_parse("runtime=containerd", &s, msg, sizeof(msg)), "runtime only");
	EXPECT_TRUE(workload_selector_match(&s, &w), "runtime only: matches any containerd container");
	w.sandbox = true;
	EXPECT_TRUE(!workload_selector_match(&s, &w), "a pod sandbox is never matched");
	w.sandbox = false;
	w.id.monitor = true;
	EXPECT_TRUE(!workload_selector_match(&s, &w), "a runtime monitor is never matched");
	workload_selector_free(&s);
	struct workload rootless = at("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope");
	struct workload rootful = at(PODMAN_PATH);
	snprintf(rootless.namespace, sizeof(rootless.namespace), "prod");
	snprintf(rootful.namespace, sizeof(rootful.namespace), "prod");
	EXPECT_OK(workload_selector_parse("namespace=prod", &s, msg, sizeof(msg)), "namespace=prod");
	EXPECT_TRUE(workload_selector_match(&s, &rootful), "root podman's container of prod matches (control)");
	EXPECT_TRUE(!workload_selector_match(&s, &rootless), "a rootless container is never matched (its user names it)");
	workload_selector_explain(&s, &rootless, text, sizeof(text));
	EXPECT_CONTAINS(text, "rootless container", "explain: a rootless container");
	workload_selector_free(&s);
	struct workload none = at("/system.slice/x.service");
	EXPECT_OK(workload_selector_parse("pod=*", &s, msg, sizeof(msg)), "pod=*");
	EXPECT_TRUE(!workload_selector_match(&s, &none), "not a container: never matched");
	workload_selector_free(&s);

	parse_fails("", "empty", "empty spec");
	parse_fails("namespace", "has no '='", "no '='");
	parse_fails("color=red", "unknown key 'color'", "unknown key");
	parse_fails("pod=a,pod=b", "given twice", "a key twice");
	parse_fails("pod=", "empty value", "empty value");
	parse_fails("pod=a b", "a blank", "a blank in a value");
	parse_fails("pod=a=b", "'='", "'=' in a value");
	parse_fails("runtime=rkt", "runtime 'rkt'", "unknown runtime");
	parse_fails("pod=a,", "has no '='", "a trailing comma");
	char big[1000];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	memcpy(big, "pod=", 4);
	parse_fails(big, "longer than", "over-long");
	EXPECT_STREQ(workload_key_name(WORKLOAD_KEY_IMAGE), "image", "key words");
}

int main(void)
{
	test_annotate();
	test_read_config();
	test_selectors();
	return unit_done();
}
