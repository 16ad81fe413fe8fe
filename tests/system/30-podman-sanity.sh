#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The containers the daemon is to recognise (issue #18), as root podman
# makes them in this guest, before any enforcer is involved: an image
# made offline, a container that runs (and one whose failure is reported),
# the cgroups and OCI files of `podman run --name` and of a `podman kube
# play` pod, and a createRuntime hook of hooks.d run by crun with the
# container's process already in its cgroup and not yet its entrypoint
# (where `enforcerctl oci-hook` attaches), whose refusal stops the start.
# Every later container test builds on what this one checks.
# enforcer-test: timeout=900

. /enforcer/tests/system/lib/system.sh
. /enforcer/tests/system/lib/containers.sh

# The hooks' programs and what they record. Not both in /run: Debian's
# initramfs mounts /run noexec, and crun reports a hook it cannot execute
# as "exit code: 1", like one that refused.
hook_bin=/usr/local/libexec/enf-podman-sanity
hook_dir=/run/enf-podman-sanity
finish_cleanup() {
	containers_cleanup
	rm -f "$OCI_HOOKS_DIR"/90-enf-sanity-*.json
	rm -rf "$hook_bin" "$hook_dir"
}

containers_ready || finish
make_local_image || finish
id1=$(podman image inspect --format '{{.Id}}' "$CONTAINER_IMAGE")
make_local_image
expect_eq "make_local_image a second time: the same image" "$id1" \
	"$(podman image inspect --format '{{.Id}}' "$CONTAINER_IMAGE")"

# ---- a container runs, and its failures are reported ----------------------------
expect_exit "podman run --rm $CONTAINER_IMAGE /bin/true" 0 \
	podman run --rm --pull=never "$CONTAINER_IMAGE" /bin/true
expect_exit "podman run --rm $CONTAINER_IMAGE /bin/false: the failure reaches podman" 1 \
	podman run --rm --pull=never "$CONTAINER_IMAGE" /bin/false
out=$(podman run --rm --pull=never "$CONTAINER_IMAGE" /bin/sh -c \
	'echo written >/tmp/f && cat /tmp/f && cat /etc/passwd | head -n1' 2>&1)
expect_eq "inside a container: write, read back, read /etc" "written
root:x:0:0:root:/root:/bin/sh" "$out"

# ---- a hook that records what it sees, one that refuses ----------------------------
# The recorder keeps the OCI state from stdin and, for state.pid, its
# cgroup and its program at the moment the hook runs.
mkdir -p "$OCI_HOOKS_DIR" "$hook_bin" "$hook_dir"
cat >"$hook_bin/record" <<EOF
#!/bin/bash
state=\$(cat)
id=\$(printf '%s' "\$state" | sed -n 's/.*"id": *"\\([0-9a-f]*\\)".*/\\1/p')
pid=\$(printf '%s' "\$state" | sed -n 's/.*"pid": *\\([0-9]*\\).*/\\1/p')
{
	echo "state=\$state"
	echo "cgroup=\$(sed -n 's/^0:://p' /proc/\$pid/cgroup)"
	echo "comm=\$(cat /proc/\$pid/comm)"
} >"$hook_dir/\$1-\$id"
EOF
cat >"$hook_bin/refuse" <<'EOF'
#!/bin/bash
cat >/dev/null
echo "enf-sanity: refused by the test hook" >&2
exit 1
EOF
chmod 755 "$hook_bin/record" "$hook_bin/refuse"
printf '{"version":"1.0.0","hook":{"path":"%s","args":["record","createRuntime"]},"when":{"always":true},"stages":["createRuntime"]}\n' \
	"$hook_bin/record" >"$OCI_HOOKS_DIR/90-enf-sanity-record.json"
printf '{"version":"1.0.0","hook":{"path":"%s"},"when":{"annotations":{"^enf\\\\.sanity\\\\.refuse$":"^yes$"}},"stages":["createRuntime"]}\n' \
	"$hook_bin/refuse" >"$OCI_HOOKS_DIR/90-enf-sanity-refuse.json"

# ---- podman run --name --------------------------------------------------------------
if start_container app; then
	id=$(container_id app)
	pid=$(container_main_pid app)
	expect_eq "app: its process is the entrypoint" /bin/sleep "$(readlink "/proc/$pid/exe")"
	expect_eq "app: cgroup" "/sys/fs/cgroup/machine.slice/libpod-$id.scope/container" "$(container_cgroup app)"
	expect_eq "app: systemd scope" "/sys/fs/cgroup/machine.slice/libpod-$id.scope" "$(container_scope app)"
	expect_eq "app: config.json" "/var/lib/containers/storage/overlay-containers/$id/userdata/config.json" \
		"$(container_config app)"
	expect_eq "app: annotation io.container.manager" libpod "$(oci_annotation app io.container.manager)"
	rec=$(cat "$hook_dir/createRuntime-$id" 2>&1)
	expect_contains "app: the createRuntime hook ran with the OCI state on stdin" "\"id\":\"$id\"" "$rec"
	expect_contains "app: the state's bundle is config.json's directory" \
		"\"bundle\":\"/var/lib/containers/storage/overlay-containers/$id/userdata\"" "$rec"
	expect_contains "app: at createRuntime, state.pid is in the container's cgroup" \
		"cgroup=/machine.slice/libpod-$id.scope/container" "$rec"
	expect_contains "app: at createRuntime, state.pid is still crun (no entrypoint yet)" "comm=crun" "$rec"
fi

# A refusing createRuntime hook: the container does not start, podman
# says which hook failed (not what it printed) and exits 126.
out=$(podman run --rm --pull=never --annotation enf.sanity.refuse=yes "$CONTAINER_IMAGE" /bin/true 2>&1)
rc=$?
expect_eq "podman run with a refusing hook: exit status" 126 "$rc"
expect_contains "podman run with a refusing hook: crun names the hook" \
	"error executing hook \`$hook_bin/refuse\` (exit code: 1)" "$out"
if podman create --pull=never --name refused --annotation enf.sanity.refuse=yes "$CONTAINER_IMAGE" >/dev/null 2>&1; then
	out=$(podman start refused 2>&1)
	rc=$?
	expect_eq "podman start with a refusing hook: exit status" 125 "$rc"
	expect_contains "podman start with a refusing hook: crun names the hook" \
		"error executing hook \`$hook_bin/refuse\` (exit code: 1)" "$out"
	expect_eq "podman start with a refusing hook: the container stays created" created \
		"$(podman inspect --format '{{.State.Status}}' refused 2>&1)"
else
	fail "podman create --name refused failed"
fi

# ---- podman kube play -----------------------------------------------------------------
pod_manifest "$ENFORCER_TMP/web.yaml" prod web app enf.note=hello
if kube_play "$ENFORCER_TMP/web.yaml"; then
	pod=$(pod_id web)
	infra=$(pod_infra_id web)
	id=$(container_id web-app)
	slice=/sys/fs/cgroup/machine.slice/machine-libpod_pod_$pod.slice
	expect_eq "kube play: the pod's slice" "$slice" "$(pod_cgroup web)"
	expect_eq "kube play: the container is named POD-CONTAINER" "$id" "$(podman ps -q --no-trunc --filter pod=web --filter name=web-app)"
	expect_eq "kube play: web-app's cgroup" "$slice/libpod-$id.scope/container" "$(container_cgroup web-app)"
	expect_eq "kube play: the infra container's cgroup" "$slice/libpod-$infra.scope/container" \
		"$(container_cgroup "$infra")"
	ipid=$(container_main_pid "$infra")
	expect_eq "kube play: the infra container runs catatonit" /catatonit "$(readlink "/proc/$ipid/exe")"
	expect_eq "kube play: web-app's io.kubernetes.cri-o.SandboxID is the infra container" "$infra" \
		"$(oci_annotation web-app io.kubernetes.cri-o.SandboxID)"
	expect_eq "kube play: the pod's annotations reach web-app's config.json" hello \
		"$(oci_annotation web-app enf.note)"
	expect_eq "kube play: the pod's labels are web-app's (podman's, not config.json's)" web \
		"$(podman inspect --format '{{index .Config.Labels "app"}}' web-app)"
	cfg=$(container_config web-app)
	expect_eq "kube play: metadata.namespace is not in config.json" 0 "$(grep -c prod "$cfg")"
	rec=$(cat "$hook_dir/createRuntime-$infra" "$hook_dir/createRuntime-$id" 2>&1)
	expect_contains "kube play: the createRuntime hook ran for the infra container" \
		"cgroup=/machine.slice/machine-libpod_pod_$pod.slice/libpod-$infra.scope/container" "$rec"
	expect_contains "kube play: the createRuntime hook ran for web-app" \
		"cgroup=/machine.slice/machine-libpod_pod_$pod.slice/libpod-$id.scope/container" "$rec"
	if kube_down "$ENFORCER_TMP/web.yaml"; then
		# systemd removes the slice once its last scope has gone.
		for _ in $(seq 100); do
			[ -d "$slice" ] || break
			sleep 0.1
		done
		expect_eq "kube down: the pod's slice is gone" absent "$([ -d "$slice" ] && echo present || echo absent)"
	fi
fi
finish
