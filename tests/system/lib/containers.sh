# SPDX-License-Identifier: GPL-2.0-only
# Root podman in the system guest, for the container tests (issue #18).
# Bash; sourced after tests/system/lib/system.sh (pass, fail, expect_*).
#
# The guest has no registry and no network: images are made here from the
# guest's own binaries (make_local_image), and everything runs with
# --pull=never / imagePullPolicy: Never. podman's defaults are kept (crun,
# the systemd cgroup manager, cgroup v2, netavark), because those are what
# the daemon meets on a real host. What they give, on bookworm (podman 4.3,
# crun 1.8) and trixie (podman 5.4, crun 1.21) alike:
#   podman run --name N:   /sys/fs/cgroup/machine.slice/libpod-ID.scope/container
#   podman kube play:      /sys/fs/cgroup/machine.slice/machine-libpod_pod_POD.slice/libpod-ID.scope/container
#                          (the infra container too, with /catatonit -P as its process)
# crun puts the process in a child cgroup "container" of the systemd scope.
# config.json is /var/lib/containers/storage/overlay-containers/ID/userdata/config.json,
# that directory is the OCI bundle. Neither the container's name nor a pod's
# name or namespace is among its annotations: a kube play container has
# io.kubernetes.cri-o.SandboxID (the infra container's id) and the pod's
# metadata.annotations; metadata.namespace is dropped.

CONTAINER_IMAGE=localhost/enf-test:1

# Hooks podman reads by default (both versions; /etc/containers/oci/hooks.d
# is not read unless containers.conf names it).
OCI_HOOKS_DIR=/usr/share/containers/oci/hooks.d

# The programs of the images make_local_image builds: a shell and enough
# of coreutils to read, write and run things inside a container.
CONTAINER_PROGRAMS="sh cat cp echo false head id ln ls mkdir rm sleep stat touch true"

# containers_ready: podman is installed and configured the way the
# container tests assume (crun, systemd cgroups, cgroup v2). A guest
# without it is a broken image, so this fails the test rather than
# skipping it. 0 when ready.
containers_ready() {
	local info want='crun systemd v2'
	if ! command -v podman >/dev/null; then
		fail "podman is not installed (tests/vm/system-packages lists it: a stale image?)"
		return 1
	fi
	if ! info=$(podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}} {{.Host.CgroupsVersion}}' 2>&1); then
		fail "podman info failed: $info"
		return 1
	fi
	expect_eq "podman: runtime, cgroup manager, cgroup version" "$want" "$info"
	[ "$info" = "$want" ]
}

# make_local_image [NAME]: the image NAME (default $CONTAINER_IMAGE), made
# once per boot with podman import from a root of the guest's own
# programs ($CONTAINER_PROGRAMS) and their libraries; CMD sleep infinity.
# STOPSIGNAL is SIGKILL: sleep as PID 1 ignores SIGTERM, and every stop
# would wait out podman's 10 s grace. 0 when the image exists.
make_local_image() {
	local name=${1:-$CONTAINER_IMAGE} root p lib out
	podman image exists "$name" 2>/dev/null && return 0
	root=$(mktemp -d /tmp/enf-image.XXXXXX) || return 1
	mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev"
	chmod 1777 "$root/tmp"
	for p in $CONTAINER_PROGRAMS; do
		p=$(type -P "$p") || { fail "make_local_image: no $p in the guest"; rm -rf "$root"; return 1; }
		cp -L "$p" "$root/bin/"
		for lib in $(ldd "$p" | grep -o '/[^ ]*'); do
			mkdir -p "$root${lib%/*}"
			cp -Ln "$lib" "$root$lib"
		done
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' >"$root/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
	if out=$(tar -C "$root" -c . | podman import --quiet \
		--change 'CMD ["/bin/sleep","infinity"]' --change 'STOPSIGNAL=SIGKILL' - "$name" 2>&1); then
		pass "podman import: $name from the guest's $CONTAINER_PROGRAMS"
	else
		fail "podman import $name failed: $out"
	fi
	rm -rf "$root"
	podman image exists "$name"
}

# start_container NAME [OPTION...]: podman run -d of the local image as NAME
# with its CMD; OPTIONs go to podman run (--annotation, --network=none ...).
# 0 when it runs.
start_container() {
	local name=$1 out
	shift
	if ! out=$(podman run -d --pull=never --name "$name" "$@" "$CONTAINER_IMAGE" 2>&1); then
		fail "podman run --name $name failed: $out"
		return 1
	fi
}

# pod_manifest FILE NAMESPACE POD CONTAINER [ANNOTATION=VALUE...]: a
# Kubernetes Pod of one container of the local image for podman kube play,
# labelled app=POD.
pod_manifest() {
	local file=$1 ns=$2 pod=$3 ctr=$4 a
	shift 4
	{
		printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\n  namespace: %s\n' "$pod" "$ns"
		printf '  labels:\n    app: %s\n' "$pod"
		if [ $# -gt 0 ]; then
			printf '  annotations:\n'
			for a in "$@"; do printf '    %s: "%s"\n' "${a%%=*}" "${a#*=}"; done
		fi
		printf 'spec:\n  containers:\n  - name: %s\n    image: %s\n    imagePullPolicy: Never\n' "$ctr" "$CONTAINER_IMAGE"
	} >"$file"
}

# kube_play FILE [OPTION...]: podman kube play FILE; its output on failure.
# 0 when every container of it started.
kube_play() {
	local file=$1 out
	shift
	if ! out=$(podman kube play "$@" "$file" 2>&1); then
		fail "podman kube play $file failed: $out"
		return 1
	fi
}

# kube_down FILE: podman kube down FILE (stops and removes its pods).
kube_down() {
	local out
	if ! out=$(podman kube down "$1" 2>&1); then
		fail "podman kube down $1 failed: $out"
		return 1
	fi
}

# container_id NAME: the full id of container NAME.
container_id() {
	podman inspect --type container --format '{{.Id}}' "$1" 2>/dev/null
}

# container_main_pid NAME: the host PID of the container's first process
# (its entrypoint); non-zero exit when NAME is not running.
container_main_pid() {
	local pid
	pid=$(podman inspect --type container --format '{{.State.Pid}}' "$1" 2>/dev/null)
	[ -n "$pid" ] && [ "$pid" != 0 ] || return 1
	echo "$pid"
}

# container_cgroup NAME: the cgroup directory the container's processes
# run in (under /sys/fs/cgroup; the "container" child of the scope).
container_cgroup() {
	local pid path
	pid=$(container_main_pid "$1") || return 1
	path=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
	[ -n "$path" ] || return 1
	echo "/sys/fs/cgroup$path"
}

# container_scope NAME: the systemd scope of the container (libpod-ID.scope),
# the parent of container_cgroup.
container_scope() {
	local cg
	cg=$(container_cgroup "$1") || return 1
	case $cg in
	*.scope/container) echo "${cg%/container}" ;;
	*) echo "$cg" ;;
	esac
}

# container_config NAME: the path of the container's OCI config.json (its
# bundle is the directory).
container_config() {
	podman inspect --type container --format '{{.OCIConfigPath}}' "$1" 2>/dev/null
}

# oci_annotation NAME KEY: the value of annotation KEY in the container's
# config.json (what the runtime and its hooks see); non-zero exit when absent.
oci_annotation() {
	local cfg
	cfg=$(container_config "$1")
	[ -r "$cfg" ] || return 1
	perl -MJSON::PP -e 'local $/; my $a = decode_json(<STDIN>)->{annotations} // {};
		exists $a->{$ARGV[0]} or exit 1; print $a->{$ARGV[0]}, "\n"' "$2" <"$cfg"
}

# pod_id POD: the full id of pod POD.
pod_id() {
	podman pod inspect --format '{{.Id}}' "$1" 2>/dev/null
}

# pod_infra_id POD: the id of the pod's infra (pause) container.
pod_infra_id() {
	podman pod inspect --format '{{.InfraContainerID}}' "$1" 2>/dev/null
}

# pod_cgroup POD: the pod's slice under /sys/fs/cgroup.
pod_cgroup() {
	local path
	path=$(podman pod inspect --format '{{.CgroupPath}}' "$1" 2>/dev/null)
	[ -n "$path" ] || return 1
	echo "/sys/fs/cgroup/$path"
}

# containers_cleanup: every pod and container gone (tests share one boot).
containers_cleanup() {
	podman pod rm --all --force >/dev/null 2>&1
	podman rm --all --force --time 0 >/dev/null 2>&1
}
