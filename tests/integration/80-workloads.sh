#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# enforcer-test: timeout=400
#
# Containers by identity (docs/containers.md), with podman's layout laid out
# by hand (no runtime in the initramfs; tests/system/31 runs the real one):
# cgroups machine.slice/libpod-ID.scope and bundles in containers/storage.
#  - a workload selector attaches the container whose annotations match,
#    and not one of another namespace, a pod sandbox, one whose config.json
#    others may write, or a task outside any container (controls);
#  - events, list, which and the Prometheus metric carry the identity;
#  - the OCI hook (enforcerctl oci-hook) attaches a container whose bundle
#    the daemon could not read, from the annotations it passes, before
#    anything runs in it; refuses a process that is not in the container it
#    names; with the daemon stopped it refuses a container a selector names
#    and lets another start;
#  - removing the selector or the container leaves nothing attached.
. /enforcer/tests/integration/lib/lib.sh
. /enforcer/tests/integration/lib/lifecycle.sh

SCHEMA=/enforcer/docs/events.schema.json
STORE=/var/lib/containers/storage/overlay-containers
M=$CG/machine.slice
ID_PROD=1111111111111111111111111111111111111111111111111111111111111111
ID_DEV=2222222222222222222222222222222222222222222222222222222222222222
ID_LOOSE=3333333333333333333333333333333333333333333333333333333333333333
ID_INFRA=4444444444444444444444444444444444444444444444444444444444444444
ID_HOOKED=5555555555555555555555555555555555555555555555555555555555555555
ID_DOWN=6666666666666666666666666666666666666666666666666666666666666666
ID_DOWN_DEV=7777777777777777777777777777777777777777777777777777777777777777

# annotations NAMESPACE CONTAINER [TYPE]: podman kube play's keys (CRI-O's set)
annotations() {
	printf '{"io.kubernetes.pod.namespace":"%s","io.kubernetes.pod.name":"web","io.kubernetes.container.name":"%s","io.kubernetes.cri-o.ContainerType":"%s","io.kubernetes.cri-o.ImageName":"localhost/enf-test:1"}' \
		"$1" "$2" "${3:-container}"
}

# bundle ID MODE NAMESPACE CONTAINER [TYPE]: the config.json podman writes for container ID
bundle() {
	mkdir -p $STORE/$1/userdata
	printf '{"ociVersion":"1.0.2","annotations":%s}\n' "$(annotations "$3" "$4" "$5")" >$STORE/$1/userdata/config.json
	chmod "$2" $STORE/$1/userdata/config.json
}

# hook_state ID PID NAMESPACE CONTAINER: what a runtime writes on the hook's stdin
hook_state() {
	printf '{"ociVersion":"1.0.2","id":"%s","status":"creating","pid":%s,"bundle":"/nonexistent","annotations":%s}' \
		"$1" "$2" "$(annotations "$3" "$4")"
}

# wait_attached PATH: until list names it attached (the watch is asynchronous)
wait_attached() {
	i=0
	while [ $i -lt 50 ] && ! enforcerctl list | grep -q "attached $1 "; do sleep 0.1; i=$((i + 1)); done
}

install_program /usr/bin/wget
start_daemon
compile_and_load app '{"name":"app","mode":"enforce","exec":{"default":"allow","rules":[{"action":"deny","path":"/usr/bin/wget"}]}}'
bundle $ID_PROD 0644 prod app
bundle $ID_DEV 0644 dev app
bundle $ID_LOOSE 0666 prod app
bundle $ID_INFRA 0644 prod infra sandbox

out=$(enforcerctl attach app --workload 'container=app,namespace=prod' 2>&1)
expect_contains "a workload selector is added" "selector" "$out"
expect_contains "it is kept under its canonical name" "selector workload:namespace=prod,container=app -> app" "$(enforcerctl list)"
expect_exit "the same selector in another order is the same selector" 1 \
	enforcerctl attach app --workload 'namespace=prod,container=app'
expect_exit "an unknown key is refused" 1 enforcerctl attach app --workload 'colour=red'
expect_contains "... naming the key and the keys there are" "unknown key 'colour'" "$(cat /tmp/expect_exit.out)"
# --selector takes a selector's registry name, so workload:SPEC is the workload selector (as list shows it).
expect_exit "--selector workload:SPEC is the workload selector" 0 enforcerctl attach app --selector 'workload:pod=x'
expect_contains "... listed as one" "selector workload:pod=x -> app" "$(enforcerctl list)"
expect_exit "... and removed as one" 0 enforcerctl detach --workload 'pod=x'

for id in $ID_PROD $ID_DEV $ID_LOOSE $ID_INFRA; do mkdir -p $M/libpod-$id.scope/container; done
wait_attached $M/libpod-$ID_PROD.scope
expect_eq "prod/app: its denied exec is refused" EPERM "$(in_cgroup $M/libpod-$ID_PROD.scope/container enf-probe exec /usr/bin/wget)"
expect_eq "prod/app: another exec runs (control)" ok "$(in_cgroup $M/libpod-$ID_PROD.scope/container enf-probe exec /bin/true)"
expect_eq "dev/app: not matched (control)" ok "$(in_cgroup $M/libpod-$ID_DEV.scope/container enf-probe exec /usr/bin/wget)"
expect_eq "a config.json others may write: its names are not used" ok \
	"$(in_cgroup $M/libpod-$ID_LOOSE.scope/container enf-probe exec /usr/bin/wget)"
expect_contains "... and the daemon says why" "only root can write" "$(cat $DAEMON_LOG)"
expect_eq "a pod sandbox is never matched" ok "$(in_cgroup $M/libpod-$ID_INFRA.scope/container enf-probe exec /usr/bin/wget)"
expect_eq "the slice above is not matched" ok "$(in_cgroup $M enf-probe exec /usr/bin/wget)"

# ---- identity where it shows ---------------------------------------------------------
wait_for_log "libpod-$ID_PROD" || fail "no event from the prod container"
ev=$(grep "libpod-$ID_PROD" "$AUDIT_LOG" | grep '"verdict":"deny"' | tail -n 1)
expect_contains "the event names the runtime and container id" "\"runtime\":\"podman\",\"container_id\":\"$ID_PROD\"" "$ev"
expect_contains "... the container, pod and namespace" '"container":"app","pod":"web","namespace":"prod"' "$ev"
expect_contains "... and the image" '"image":"localhost/enf-test:1"' "$ev"
list=$(enforcerctl list)
expect_contains "list names the attachment's container" "container app of pod web in namespace prod (podman 111111111111" "$list"
w=$(enforcerctl which $M/libpod-$ID_PROD.scope/container)
expect_contains "which: what it is" "is container app of pod web in namespace prod" "$w"
expect_contains "which: what governs it, and why" "governed by profile app, attached to $M/libpod-$ID_PROD.scope by selector workload:namespace=prod,container=app" "$w"
w=$(enforcerctl which $M/libpod-$ID_DEV.scope)
expect_contains "which: why a selector does not match" "namespace 'dev' does not match 'prod'" "$w"
expect_contains "which: governed by nothing" "governed by no profile" "$w"
expect_contains "which: a sandbox is never matched" "pod sandbox, never matched" "$(enforcerctl which $M/libpod-$ID_INFRA.scope)"
expect_contains "metrics: decisions by runtime (bounded labels)" 'enforcer_workload_decisions_total{qos="none",runtime="podman",verdict="deny"}' \
	"$(enforcerctl stats --prometheus)"

# ---- the OCI hook: attached at createRuntime, from the annotations it passes -----------
# No bundle the daemon can find: the watch sees a container it cannot name.
mkdir -p $M/libpod-$ID_HOOKED.scope/container
sh -c 'echo $$ >"$1/cgroup.procs"; exec sleep 300' _ $M/libpod-$ID_HOOKED.scope/container &
hooked_pid=$!
sleep 1
expect_eq "a container the daemon cannot name is not attached by the watch" 0 \
	"$(enforcerctl list | grep -c "attached $M/libpod-$ID_HOOKED.scope ")"
out=$(hook_state $ID_HOOKED $hooked_pid prod app | enforcerctl --json oci-hook 2>&1)
rc=$?
expect_eq "the hook succeeds" 0 "$rc"
expect_contains "the daemon answers that profile app governs it" '"governed_by":{"profile":"app"' "$out"
expect_contains "... through the selector" '"via":"workload:namespace=prod,container=app"' "$out"
expect_contains "... attached at the container's own cgroup" "\"cgroup\":\"$M/libpod-$ID_HOOKED.scope\"" "$out"
expect_eq "the hooked container's process is governed at once" EPERM \
	"$(in_cgroup $M/libpod-$ID_HOOKED.scope/container enf-probe exec /usr/bin/wget)"
out=$(hook_state $ID_DEV $hooked_pid prod app | enforcerctl oci-hook 2>&1)
expect_eq "the hook refuses a process that is not in the container it names" 1 "$?"
expect_contains "... saying whose cgroup it is" "container 555555555555's cgroup, not 222222222222's" "$out"
sh -c 'exec sleep 300' &
outside_pid=$!
out=$(hook_state $ID_DEV $outside_pid prod app | enforcerctl oci-hook 2>&1)
expect_eq "the hook refuses a process outside any container's cgroup" 1 "$?"
expect_contains "... saying so" "no container runtime's cgroup" "$out"
out=$(echo 'not json' | enforcerctl oci-hook 2>&1)
expect_eq "the hook refuses a state that is not JSON" 1 "$?"
expect_contains "... saying what it expected" "is this run as an OCI hook" "$out"

# ---- the daemon stopped: a container a selector names does not start --------------------
stop_daemon
for id in $ID_DOWN $ID_DOWN_DEV; do mkdir -p $M/libpod-$id.scope/container; done
sh -c 'echo $$ >"$1/cgroup.procs"; exec sleep 300' _ $M/libpod-$ID_DOWN.scope/container &
down_pid=$!
sh -c 'echo $$ >"$1/cgroup.procs"; exec sleep 300' _ $M/libpod-$ID_DOWN_DEV.scope/container &
down_dev_pid=$!
sleep 0.3
out=$(hook_state $ID_DOWN $down_pid prod app | enforcerctl oci-hook --state-dir "$STATE_DIR" 2>&1)
expect_eq "daemon stopped: a container the selector names is refused" 1 "$?"
expect_contains "... naming the selector and the fix" "selector 'workload:namespace=prod,container=app' must confine it, and enforcerd cannot be asked" "$out"
expect_contains "... and what to do" "systemctl start enforcerd" "$out"
out=$(hook_state $ID_DOWN_DEV $down_dev_pid dev app | enforcerctl oci-hook --state-dir "$STATE_DIR" 2>&1)
expect_eq "daemon stopped: a container no selector names starts (control)" 0 "$?"
mkdir -p /tmp/etc-enforcer/attachments.d
echo 'app workload namespace=dev' >/tmp/etc-enforcer/attachments.d/dev.conf
out=$(hook_state $ID_DOWN_DEV $down_dev_pid dev app | enforcerctl oci-hook --state-dir "$STATE_DIR" --config-dir /tmp/etc-enforcer 2>&1)
expect_eq "daemon stopped: a declared selector counts too" 1 "$?"
expect_contains "... naming its file and line" "/tmp/etc-enforcer/attachments.d/dev.conf:1 (profile app) must confine it" "$out"
kill $down_pid $down_dev_pid 2>/dev/null
restart_daemon

# ---- nothing stale ------------------------------------------------------------------
expect_contains "the selector is restored after a restart" "selector workload:namespace=prod,container=app -> app" "$(enforcerctl list)"
kill $hooked_pid $outside_pid 2>/dev/null
wait $hooked_pid 2>/dev/null
rmdir $M/libpod-$ID_HOOKED.scope/container $M/libpod-$ID_HOOKED.scope
i=0
while [ $i -lt 50 ] && enforcerctl list | grep -q "libpod-$ID_HOOKED"; do sleep 0.1; i=$((i + 1)); done
expect_eq "a removed container leaves no attachment" 0 "$(enforcerctl list | grep -c "libpod-$ID_HOOKED")"
expect_exit "detach --workload removes the selector" 0 enforcerctl detach --workload 'namespace=prod,container=app'
expect_eq "... and what it attached" 0 "$(enforcerctl list | grep -c "libpod-")"
expect_eq "the prod container runs its exec again" ok "$(in_cgroup $M/libpod-$ID_PROD.scope/container enf-probe exec /usr/bin/wget)"

# ---- a DaemonSet: no selector attaches a container of the daemon's own pod ----------------
POD_UID=0a1b2c3d_4e5f_6a7b_8c9d_0e1f2a3b4c5d
OTHER_POD=ffffffff_4e5f_6a7b_8c9d_0e1f2a3b4c5d
ID_DAEMON=8888888888888888888888888888888888888888888888888888888888888888
ID_SIDECAR=9999999999999999999999999999999999999999999999999999999999999999
ID_NEIGHBOUR=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
TASKS=/run/containerd/io.containerd.runtime.v2.task/k8s.io
K=$CG/kubepods.slice/kubepods-besteffort.slice
for id in $ID_DAEMON $ID_SIDECAR $ID_NEIGHBOUR; do
	mkdir -p $TASKS/$id
	printf '{"annotations":{"io.kubernetes.cri.sandbox-namespace":"enforcer","io.kubernetes.cri.container-name":"c%s","io.kubernetes.cri.container-type":"container"}}\n' \
		"${id%%${id#???}}" >$TASKS/$id/config.json
done
mkdir -p $K/kubepods-besteffort-pod$POD_UID.slice/cri-containerd-$ID_DAEMON.scope \
	$K/kubepods-besteffort-pod$POD_UID.slice/cri-containerd-$ID_SIDECAR.scope \
	$K/kubepods-besteffort-pod$OTHER_POD.slice/cri-containerd-$ID_NEIGHBOUR.scope
stop_daemon
echo "--- restart in a pod" >>"$DAEMON_LOG"
in_cgroup $K/kubepods-besteffort-pod$POD_UID.slice/cri-containerd-$ID_DAEMON.scope \
	enforcerd --audit-log "$AUDIT_LOG" --state-dir "$STATE_DIR" >>"$DAEMON_LOG" 2>&1 &
DAEMON_PID=$!
wait_daemon || fail "enforcerd did not start in a pod's cgroup"
expect_exit "a selector for the daemon's namespace" 0 enforcerctl attach app --workload 'namespace=enforcer'
wait_attached $K/kubepods-besteffort-pod$OTHER_POD.slice/cri-containerd-$ID_NEIGHBOUR.scope
expect_eq "another pod's container of that namespace is attached" EPERM \
	"$(in_cgroup $K/kubepods-besteffort-pod$OTHER_POD.slice/cri-containerd-$ID_NEIGHBOUR.scope enf-probe exec /usr/bin/wget)"
expect_eq "the daemon's own pod's sidecar is not (it must reach the socket)" ok \
	"$(in_cgroup $K/kubepods-besteffort-pod$POD_UID.slice/cri-containerd-$ID_SIDECAR.scope enf-probe exec /usr/bin/wget)"
expect_eq "nor the daemon's own container" 0 "$(enforcerctl list | grep -c "attached .*cri-containerd-$ID_DAEMON")"

out=$(enf-schema-check $SCHEMA "$AUDIT_LOG" 2>&1)
expect_eq "every record, the workload objects too, is valid against the schema" 0 "$(echo "$out" | grep -c 'invalid record')"
expect_contains "... and some carry one" '"workload":{' "$(cat "$AUDIT_LOG")"
finish
