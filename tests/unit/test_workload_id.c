// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/workload_id.c: the cgroup paths each runtime and kubelet driver
 * really make (as /proc/PID/cgroup shows them) give the runtime, container
 * id, pod UID and QoS class; paths of no container give none, without an
 * error; malformed ids, UIDs and paths are refused; a name below a
 * container or in a user's delegated subtree cannot claim another identity.
 */
#include <errno.h>
#include <string.h>

#include "unit.h"
#include "workload_id.h"

#define ID "4c0f1a3e5b2d4f6a8c9e0b1d2f3a4c5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c"
#define ID2 "9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d2c1b0a"
#define ID63 "4c0f1a3e5b2d4f6a8c9e0b1d2f3a4c5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1"
#define ID65 ID "d"
#define IDUPPER "4C0F1A3E5B2D4F6A8C9E0B1D2F3A4C5E6F7A8B9C0D1E2F3A4B5C6D7E8F9A0B1C"
#define PODID "71b289d2028f1c5a5557efaee6f352615311e199997f0ec2fa5b579876eb9e07"
#define UID "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
#define UID_ "0a1b2c3d_4e5f_6a7b_8c9d_0e1f2a3b4c5d"
#define STATIC_UID "6c2f9d0e8b7a41c3a5e4d3c2b1a09f8e"
#define SD_BURSTABLE "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice"
#define SD_BESTEFFORT "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" UID_ ".slice"
#define SD_GUARANTEED "/kubepods.slice/kubepods-pod" UID_ ".slice"

struct want {
	int rc;
	enum workload_runtime runtime;
	enum workload_driver driver;
	bool monitor, rootless;
	const char *container_id, *pod_uid;
	enum workload_qos qos;
};

static void expect_id(const char *what, int rc, const struct workload_id *got, const struct want *w)
{
	char name[160];

	snprintf(name, sizeof(name), "%s: returns %d", what, w->rc);
	if (!EXPECT_EQ(rc, w->rc, name) || rc < 0)
		return;
	snprintf(name, sizeof(name), "%s: runtime %s, driver %s, qos %s%s%s", what, workload_runtime_name(w->runtime),
		 workload_driver_name(w->driver), workload_qos_name(w->qos), w->monitor ? ", monitor" : "",
		 w->rootless ? ", rootless" : "");
	unit_report(got->runtime == w->runtime && got->driver == w->driver && got->qos == w->qos &&
			    got->monitor == w->monitor && got->rootless == w->rootless,
		    name, "got runtime %s, driver %s, qos %s, monitor %d, rootless %d", workload_runtime_name(got->runtime),
		    workload_driver_name(got->driver), workload_qos_name(got->qos), got->monitor, got->rootless);
	snprintf(name, sizeof(name), "%s: container id", what);
	EXPECT_STREQ(got->container_id, w->container_id ? w->container_id : "", name);
	snprintf(name, sizeof(name), "%s: pod UID", what);
	EXPECT_STREQ(got->pod_uid, w->pod_uid ? w->pod_uid : "", name);
}

static void check(const char *what, const char *path, struct want w)
{
	struct workload_id got;
	int rc;

	memset(&got, 0x5a, sizeof(got));
	rc = workload_id_from_cgroup(path, &got);
	expect_id(what, rc, &got, &w);
	if (rc == 0 && got.runtime != WORKLOAD_RUNTIME_NONE) {
		/* container_len ends the component that names the id: the container's own cgroup */
		const char *p = path + (*path == '/');
		size_t n = got.container_len;
		char name[200];
		bool ok = n >= WORKLOAD_CONTAINER_ID_LEN && n <= strlen(p) && (p[n] == 0 || p[n] == '/') &&
			  memmem(p + n - (n > WORKLOAD_CONTAINER_ID_LEN + 6 ? WORKLOAD_CONTAINER_ID_LEN + 6 : n),
				 n > WORKLOAD_CONTAINER_ID_LEN + 6 ? WORKLOAD_CONTAINER_ID_LEN + 6 : n, got.container_id,
				 WORKLOAD_CONTAINER_ID_LEN);

		snprintf(name, sizeof(name), "%s: container_len ends the container's component", what);
		unit_report(ok, name, "container_len %zu of '%s'", n, p);
	}
}

#define CONTAINERD(uid, q) { 0, WORKLOAD_RUNTIME_CONTAINERD, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, uid, q }
#define NOTHING { 0, WORKLOAD_RUNTIME_NONE, WORKLOAD_DRIVER_NONE, false, false, NULL, NULL, WORKLOAD_QOS_NONE }
#define REFUSED(e) { .rc = (e) }

static void test_kubernetes_systemd(void)
{
	check("containerd, burstable (systemd)", SD_BURSTABLE "/cri-containerd-" ID ".scope",
	      (struct want)CONTAINERD(UID, WORKLOAD_QOS_BURSTABLE));
	check("containerd, guaranteed: no QoS level", SD_GUARANTEED "/cri-containerd-" ID ".scope",
	      (struct want)CONTAINERD(UID, WORKLOAD_QOS_GUARANTEED));
	check("without the leading '/'", SD_BURSTABLE "/cri-containerd-" ID ".scope" + 1,
	      (struct want)CONTAINERD(UID, WORKLOAD_QOS_BURSTABLE));
	check("CRI-O, besteffort", SD_BESTEFFORT "/crio-" ID ".scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_CRIO, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, UID,
			     WORKLOAD_QOS_BESTEFFORT });
	check("CRI-O's conmon is the monitor", SD_BESTEFFORT "/crio-conmon-" ID ".scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_CRIO, WORKLOAD_DRIVER_SYSTEMD, true, false, ID, UID,
			     WORKLOAD_QOS_BESTEFFORT });
	check("CRI-O's payload subgroup is the container", SD_BESTEFFORT "/crio-" ID ".scope/container",
	      (struct want){ 0, WORKLOAD_RUNTIME_CRIO, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, UID,
			     WORKLOAD_QOS_BESTEFFORT });
	check("cri-dockerd: docker scope in the pod", SD_BURSTABLE "/docker-" ID ".scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_DOCKER, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, UID,
			     WORKLOAD_QOS_BURSTABLE });
	check("static pod: 32-hex UID", "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" STATIC_UID
	      ".slice/cri-containerd-" ID ".scope", (struct want)CONTAINERD(STATIC_UID, WORKLOAD_QOS_BURSTABLE));
	check("the pod's own cgroup: pod, no container", SD_BURSTABLE,
	      (struct want){ 0, WORKLOAD_RUNTIME_NONE, WORKLOAD_DRIVER_SYSTEMD, false, false, NULL, UID,
			     WORKLOAD_QOS_BURSTABLE });
	check("a pod child that is no container: the pod", SD_BURSTABLE "/other.scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_NONE, WORKLOAD_DRIVER_SYSTEMD, false, false, NULL, UID,
			     WORKLOAD_QOS_BURSTABLE });
	check("kind (--cgroup-root /kubelet)", "/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
	      "kubelet-kubepods-besteffort-pod" UID_ ".slice/cri-containerd-" ID ".scope",
	      (struct want)CONTAINERD(UID, WORKLOAD_QOS_BESTEFFORT));
	check("the QoS level alone: nothing", "/kubepods.slice/kubepods-burstable.slice", (struct want)NOTHING);
	check("kubepods.slice alone: nothing", "/kubepods.slice", (struct want)NOTHING);
}

static void test_kubernetes_cgroupfs(void)
{
	check("cgroupfs, burstable: bare id, runtime not named", "/kubepods/burstable/pod" UID "/" ID,
	      (struct want){ 0, WORKLOAD_RUNTIME_CRI, WORKLOAD_DRIVER_CGROUPFS, false, false, ID, UID,
			     WORKLOAD_QOS_BURSTABLE });
	check("cgroupfs, guaranteed", "/kubepods/pod" UID "/" ID,
	      (struct want){ 0, WORKLOAD_RUNTIME_CRI, WORKLOAD_DRIVER_CGROUPFS, false, false, ID, UID,
			     WORKLOAD_QOS_GUARANTEED });
	check("cgroupfs, CRI-O", "/kubepods/besteffort/pod" UID "/crio-" ID,
	      (struct want){ 0, WORKLOAD_RUNTIME_CRIO, WORKLOAD_DRIVER_CGROUPFS, false, false, ID, UID,
			     WORKLOAD_QOS_BESTEFFORT });
	check("cgroupfs, CRI-O conmon", "/kubepods/besteffort/pod" UID "/crio-conmon-" ID,
	      (struct want){ 0, WORKLOAD_RUNTIME_CRIO, WORKLOAD_DRIVER_CGROUPFS, true, false, ID, UID,
			     WORKLOAD_QOS_BESTEFFORT });
	check("cgroupfs, static pod", "/kubepods/burstable/pod" STATIC_UID "/" ID,
	      (struct want){ 0, WORKLOAD_RUNTIME_CRI, WORKLOAD_DRIVER_CGROUPFS, false, false, ID, STATIC_UID,
			     WORKLOAD_QOS_BURSTABLE });
	check("cgroupfs, the pod alone", "/kubepods/burstable/pod" UID,
	      (struct want){ 0, WORKLOAD_RUNTIME_NONE, WORKLOAD_DRIVER_CGROUPFS, false, false, NULL, UID,
			     WORKLOAD_QOS_BURSTABLE });
	check("cgroupfs, a 63-hex child is not a container (the pod)", "/kubepods/burstable/pod" UID "/" ID63,
	      (struct want){ 0, WORKLOAD_RUNTIME_NONE, WORKLOAD_DRIVER_CGROUPFS, false, false, NULL, UID,
			     WORKLOAD_QOS_BURSTABLE });
	check("cgroupfs, kubepods/burstable alone: nothing", "/kubepods/burstable", (struct want)NOTHING);
}

static void test_standalone(void)
{
	check("docker (systemd)", "/system.slice/docker-" ID ".scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_DOCKER, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, NULL, 0 });
	check("docker (cgroupfs)", "/docker/" ID,
	      (struct want){ 0, WORKLOAD_RUNTIME_DOCKER, WORKLOAD_DRIVER_CGROUPFS, false, false, ID, NULL, 0 });
	check("podman (root, machine.slice)", "/machine.slice/libpod-" ID ".scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_PODMAN, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, NULL, 0 });
	check("podman's conmon", "/machine.slice/libpod-conmon-" ID ".scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_PODMAN, WORKLOAD_DRIVER_SYSTEMD, true, false, ID, NULL, 0 });
	check("podman pod (root)", "/machine.slice/machine-libpod_pod_" PODID ".slice/libpod-" ID ".scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_PODMAN, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, NULL, 0 });
	check("podman with crun's payload subgroup", "/machine.slice/libpod-" ID ".scope/container",
	      (struct want){ 0, WORKLOAD_RUNTIME_PODMAN, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, NULL, 0 });
	check("rootless podman", "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID ".scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_PODMAN, WORKLOAD_DRIVER_SYSTEMD, false, true, ID, NULL, 0 });
	check("rootless podman pod", "/user.slice/user-1000.slice/user@1000.service/user.slice/user-libpod_pod_" PODID
	      ".slice/libpod-" ID ".scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_PODMAN, WORKLOAD_DRIVER_SYSTEMD, false, true, ID, NULL, 0 });
	check("podman (cgroupfs)", "/libpod_parent/libpod-" ID,
	      (struct want){ 0, WORKLOAD_RUNTIME_PODMAN, WORKLOAD_DRIVER_CGROUPFS, false, false, ID, NULL, 0 });

	check("the root", "/", (struct want)NOTHING);
	check("the empty path (the root)", "", (struct want)NOTHING);
	check("a service", "/system.slice/nginx.service", (struct want)NOTHING);
	check("containerd itself", "/system.slice/containerd.service", (struct want)NOTHING);
	check("a login session", "/user.slice/user-1000.slice/session-3.scope", (struct want)NOTHING);
	check("init.scope", "/init.scope", (struct want)NOTHING);
	check("docker's cgroupfs root alone", "/docker", (struct want)NOTHING);
	check("docker cgroupfs, a non-id child", "/docker/buildkit", (struct want)NOTHING);
	check("a plain cgroup named like an id", "/" ID, (struct want)NOTHING);
	check("podman cgroupfs conmon (no id)", "/libpod_parent/conmon", (struct want)NOTHING);
	check("another runtime's name in docker's cgroupfs root: nothing", "/docker/crio-" ID, (struct want)NOTHING);
	check("a bare id in podman's cgroupfs root: nothing", "/libpod_parent/" ID, (struct want)NOTHING);
}

static void test_claims(void)
{
	check("a name below a container does not rename it",
	      SD_BURSTABLE "/cri-containerd-" ID ".scope/cri-containerd-" ID2 ".scope",
	      (struct want)CONTAINERD(UID, WORKLOAD_QOS_BURSTABLE));
	check("a malformed name below a container does not hide it", SD_BURSTABLE "/cri-containerd-" ID ".scope/docker-x.scope",
	      (struct want)CONTAINERD(UID, WORKLOAD_QOS_BURSTABLE));
	check("a kubepods tree in a user's delegated subtree is no pod",
	      "/user.slice/user-1000.slice/user@1000.service/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" ID
	      ".scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_CONTAINERD, WORKLOAD_DRIVER_SYSTEMD, false, true, ID, NULL, 0 });
	check("a pod slice whose parent is not its slice is no pod",
	      "/kubepods.slice/kubepods-besteffort-pod" UID_ ".slice/cri-containerd-" ID ".scope",
	      (struct want){ 0, WORKLOAD_RUNTIME_CONTAINERD, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, NULL, 0 });
	check("a slice below the pod slice: no pod", SD_BURSTABLE "/kubepods-burstable-pod" UID_ "-x.slice/cri-containerd-" ID
	      ".scope", (struct want){ 0, WORKLOAD_RUNTIME_CONTAINERD, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, NULL, 0 });
	check("cgroupfs kubepods not at the root is no pod", "/system.slice/kubepods/burstable/pod" UID "/" ID,
	      (struct want)NOTHING);
}

static void test_malformed(void)
{
	char buf[8192];

	check("an id of 63 hex", SD_BURSTABLE "/cri-containerd-" ID63 ".scope", (struct want)REFUSED(-EINVAL));
	check("an id of 65 hex", "/system.slice/docker-" ID65 ".scope", (struct want)REFUSED(-EINVAL));
	check("an id in upper case", "/machine.slice/libpod-" IDUPPER ".scope", (struct want)REFUSED(-EINVAL));
	check("an id that is not hex", "/machine.slice/libpod-" ID63 "g.scope", (struct want)REFUSED(-EINVAL));
	check("an empty id", "/system.slice/docker-.scope", (struct want)REFUSED(-EINVAL));
	check("a conmon with a short id", "/machine.slice/libpod-conmon-abc.scope", (struct want)REFUSED(-EINVAL));
	check("cgroupfs CRI-O, 63 hex", "/kubepods/burstable/pod" UID "/crio-" ID63, (struct want)REFUSED(-EINVAL));
	check("pod UID with '-' in a systemd name",
	      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID ".slice/cri-containerd-" ID ".scope",
	      (struct want)REFUSED(-EINVAL));
	check("pod UID with '_' in a cgroupfs name", "/kubepods/burstable/pod" UID_ "/" ID, (struct want)REFUSED(-EINVAL));
	check("pod UID with a dash misplaced", "/kubepods/pod0a1b2c3d4-e5f-6a7b-8c9d-0e1f2a3b4c5d/" ID,
	      (struct want)REFUSED(-EINVAL));
	check("pod UID one short", "/kubepods.slice/kubepods-pod0a1b2c3d_4e5f_6a7b_8c9d_0e1f2a3b4c5.slice",
	      (struct want)REFUSED(-EINVAL));
	check("pod UID in upper case", "/kubepods/pod0A1B2C3D-4E5F-6A7B-8C9D-0E1F2A3B4C5D", (struct want)REFUSED(-EINVAL));
	check("pod UID empty", "/kubepods/burstable/pod", (struct want)REFUSED(-EINVAL));
	check("'..' in the path", "/kubepods.slice/../system.slice/docker-" ID ".scope", (struct want)REFUSED(-EINVAL));
	check("'..' below a container", "/system.slice/docker-" ID ".scope/../../x", (struct want)REFUSED(-EINVAL));
	check("'.' in the path", "/system.slice/./docker-" ID ".scope", (struct want)REFUSED(-EINVAL));
	check("an empty component", "/system.slice//docker-" ID ".scope", (struct want)REFUSED(-EINVAL));
	check("a trailing '/'", "/system.slice/docker-" ID ".scope/", (struct want)REFUSED(-EINVAL));
	check("NULL", NULL, (struct want)REFUSED(-EINVAL));

	memset(buf, 'a', 300);
	memcpy(buf, "/system.slice/", 14);
	buf[300] = 0;
	check("a component longer than NAME_MAX", buf, (struct want)REFUSED(-ENAMETOOLONG));
	for (size_t i = 0; i + 2 < sizeof(buf); i += 2)
		memcpy(buf + i, "/a", 2);
	buf[sizeof(buf) - 2] = 0;
	check("a path longer than PATH_MAX", buf, (struct want)REFUSED(-ENAMETOOLONG));
	/* what a container makes below itself is its own: a deep tree there does not lose its identity */
	snprintf(buf, sizeof(buf), "%s", SD_BURSTABLE "/cri-containerd-" ID ".scope");
	size_t end = strlen(buf);

	while (end + 3 < sizeof(buf)) {
		memcpy(buf + end, "/a", 2);
		end += 2;
	}
	buf[end] = 0;
	check("a container with a path past PATH_MAX below it", buf, (struct want)CONTAINERD(UID, WORKLOAD_QOS_BURSTABLE));

	struct workload_id got, before;

	memset(&got, 0x5a, sizeof(got));
	before = got;
	workload_id_from_cgroup("/system.slice/docker-" ID63 ".scope", &got);
	EXPECT_TRUE(memcmp(&got, &before, sizeof(got)) == 0, "refused: the result is untouched");
}

static void test_proc_cgroup(void)
{
	struct workload_id got;
	int rc;

	rc = workload_id_from_proc_cgroup("0::" SD_BURSTABLE "/cri-containerd-" ID ".scope\n", &got);
	expect_id("/proc/PID/cgroup, v2", rc, &got, &(struct want)CONTAINERD(UID, WORKLOAD_QOS_BURSTABLE));
	rc = workload_id_from_proc_cgroup("12:pids:/system.slice/x.service\n1:name=systemd:/\n0::/system.slice/docker-" ID
					  ".scope\n", &got);
	expect_id("/proc/PID/cgroup, hybrid: the v2 line", rc, &got,
		  &(struct want){ 0, WORKLOAD_RUNTIME_DOCKER, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, NULL, 0 });
	rc = workload_id_from_proc_cgroup("0::/machine.slice/libpod-" ID ".scope (deleted)\n", &got);
	expect_id("/proc/PID/cgroup, a removed cgroup", rc, &got,
		  &(struct want){ 0, WORKLOAD_RUNTIME_PODMAN, WORKLOAD_DRIVER_SYSTEMD, false, false, ID, NULL, 0 });
	rc = workload_id_from_proc_cgroup("0::/\n", &got);
	expect_id("/proc/PID/cgroup in a cgroup namespace: nothing", rc, &got, &(struct want)NOTHING);
	EXPECT_EQ(workload_id_from_proc_cgroup("4:memory:/docker/" ID "\n", &got), -ENOENT,
		  "/proc/PID/cgroup, v1 only: -ENOENT");
	EXPECT_EQ(workload_id_from_proc_cgroup("0::/system.slice/docker-" ID63 ".scope\n", &got), -EINVAL,
		  "/proc/PID/cgroup, a malformed id: -EINVAL");
}

static void test_words(void)
{
	char name[96];

	for (int r = WORKLOAD_RUNTIME_NONE; r <= WORKLOAD_RUNTIME_CRI; r++) {
		enum workload_runtime back = -1;

		snprintf(name, sizeof(name), "runtime %d <-> \"%s\"", r, workload_runtime_name(r));
		EXPECT_TRUE(workload_runtime_name(r) && workload_runtime_from_word(workload_runtime_name(r), &back) == 0 &&
			    (int)back == r, name);
	}
	for (int q = WORKLOAD_QOS_NONE; q <= WORKLOAD_QOS_BESTEFFORT; q++) {
		enum workload_qos back = -1;

		snprintf(name, sizeof(name), "qos %d <-> \"%s\"", q, workload_qos_name(q));
		EXPECT_TRUE(workload_qos_name(q) && workload_qos_from_word(workload_qos_name(q), &back) == 0 && (int)back == q,
			    name);
	}
	EXPECT_TRUE(workload_runtime_name(WORKLOAD_RUNTIME_CRI + 1) == NULL, "a runtime without a word: NULL");
	EXPECT_TRUE(workload_driver_name(WORKLOAD_DRIVER_CGROUPFS + 1) == NULL, "a driver without a word: NULL");
	enum workload_runtime r;
	EXPECT_EQ(workload_runtime_from_word("crio", &r), -EINVAL, "\"crio\" is no runtime word (\"cri-o\" is)");
	EXPECT_STREQ(workload_qos_name(WORKLOAD_QOS_BESTEFFORT), "besteffort", "QoS words are kubelet's levels");
}

int main(void)
{
	test_kubernetes_systemd();
	test_kubernetes_cgroupfs();
	test_standalone();
	test_claims();
	test_malformed();
	test_proc_cgroup();
	test_words();
	return unit_done();
}
