#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Kubernetes manifests (packaging/kubernetes/, docs/kubernetes.md):
#   - every document of every manifest validates offline against the
#     Kubernetes API's published schemas (tests/host/kubernetes/validate.mjs:
#     kubernetes-models' JSON schemas, and the official JavaScript client's
#     decoding for fields the API does not have), the ServiceMonitor against
#     the Prometheus Operator's;
#   - kustomization.yaml names every manifest but servicemonitor.yaml, and
#     nothing else;
#   - every profile in the ConfigMap passes policyc check, and its
#     attachments name profiles it declares;
#   - what the DaemonSet promises in docs/kubernetes.md holds (capabilities,
#     host PID namespace, no API token, the mounts);
# then copies broken on purpose must be refused: an unknown field, a wrong
# type, a missing required field, an unknown kind, a ServiceMonitor of the
# wrong type, a profile policyc refuses, a manifest left out of
# kustomization.yaml. Prints PASS/FAIL lines.
#
# The validator's packages are pinned by tests/host/kubernetes/package-lock.json
# and installed (with Debian's nodejs) by scripts/install-deps.sh into
# .cache/kubernetes-validate; nothing here uses the network.
set -u
cd "$(dirname "$0")/../.."
. tests/host/lib/check.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export LC_ALL=C.UTF-8

dir=packaging/kubernetes
cache=.cache/kubernetes-validate
lock=tests/host/kubernetes/package-lock.json

command -v node >/dev/null
check "kubernetes: node is installed" $? "missing: run scripts/install-deps.sh (Debian's nodejs)"
want=$(sha256sum "$lock" | cut -d' ' -f1)
have=$(cat "$cache/node_modules/.enforcer-lock-sha256" 2>/dev/null)
[[ $have == "$want" ]]
check "kubernetes: the validator's packages are installed as $lock pins them" $? \
	"$cache/node_modules is missing or was installed from another lock: run scripts/install-deps.sh"
[[ $failed -eq 0 ]] || finish
[[ -x build/bin/policyc ]] || check "kubernetes: build/bin/policyc is built" 1 "run make"
[[ $failed -eq 0 ]] || finish

# ESM resolves packages from the script's directory upwards: the script and
# a link to the installed packages side by side.
mkdir -p "$T/v"
cp tests/host/kubernetes/validate.mjs "$T/v/"
ln -s "$(pwd)/$cache/node_modules" "$T/v/node_modules"
validate() { node "$T/v/validate.mjs" "$@" 2>&1; }

# All manifests in one run (node starts once); then each file's verdict.
manifests=()
for f in "$dir"/*.yaml; do
	[[ ${f##*/} == kustomization.yaml ]] || manifests+=("$f")
done
out=$(validate "${manifests[@]}")
rc=$?
check "kubernetes: the validator accepts the ${#manifests[@]} manifests (exit status 0)" $rc "$(grep -v '^ok ' <<<"$out")"
for f in "${manifests[@]}"; do
	docs=$(grep -c "^ok $f: " <<<"$out")
	bad=$(grep "^error $f: " <<<"$out")
	check "kubernetes: ${f##*/} validates ($docs document(s): $(sed -n "s|^ok $f: ||p" <<<"$out" | paste -sd, -))" \
		$([[ -z $bad && $docs -gt 0 ]]; echo $?) "${bad:-no document validated}"
done

# ---- kustomization.yaml: every manifest but the ServiceMonitor, nothing else ----
# kustomize_drift DIR: the difference between DIR's kustomization resources
# and its manifests (but the ServiceMonitor); empty when they agree.
kustomize_drift() {
	local f
	diff <(sed -n '/^resources:/,/^[a-z]/s/^  - //p' "$1/kustomization.yaml" | sort) \
		<(for f in "$1"/*.yaml; do
			f=${f##*/}
			[[ $f == kustomization.yaml || $f == servicemonitor.yaml ]] || echo "$f"
		done | sort)
}
drift=$(kustomize_drift "$dir")
n=$(sed -n '/^resources:/,/^[a-z]/s/^  - //p' "$dir/kustomization.yaml" | wc -l)
check "kubernetes: kustomization.yaml lists every manifest but servicemonitor.yaml ($n)" \
	$([[ -z $drift && $n -gt 0 ]]; echo $?) "$drift"
grep -q '^apiVersion: kustomize.config.k8s.io/v1beta1$' "$dir/kustomization.yaml" &&
	grep -q '^kind: Kustomization$' "$dir/kustomization.yaml"
check "kubernetes: kustomization.yaml is a kustomize.config.k8s.io/v1beta1 Kustomization" $? "$(head -n 12 "$dir/kustomization.yaml")"

# ---- the ConfigMap's profiles and attachments -----------------------------------
# Each data key to a file of its own (node: the same YAML parser as the validator).
cat >"$T/v/keys.mjs" <<'EOF'
import { readFileSync, writeFileSync } from "node:fs";
import yaml from "js-yaml";
const [file, out] = process.argv.slice(2);
for (const doc of yaml.loadAll(readFileSync(file, "utf8")))
	if (doc?.kind === "ConfigMap")
		for (const [k, v] of Object.entries(doc.data ?? {}))
			writeFileSync(`${out}/${k}`, v);
EOF
mkdir -p "$T/cm"
node "$T/v/keys.mjs" "$dir/configmap.yaml" "$T/cm"
profiles=("$T"/cm/*.json)
[[ -f ${profiles[0]} ]]
check "kubernetes: the ConfigMap declares profiles (${profiles[*]##*/})" $? "no *.json key in $dir/configmap.yaml"
for p in "${profiles[@]}"; do
	[[ -f $p ]] || continue
	out=$(build/bin/policyc check "$p" 2>&1)
	check "kubernetes: ConfigMap profile ${p##*/} passes policyc check" $? "$out"
	name=$(jq -r .name "$p" 2>/dev/null)
	[[ $name == "$(basename "$p" .json)" ]]
	check "kubernetes: ConfigMap profile ${p##*/} declares \"name\": \"$(basename "$p" .json)\"" $? "it declares '$name'"
done
for a in "$T"/cm/*.conf; do
	[[ -f $a ]] || continue
	while read -r profile kind target rest; do
		[[ -z $profile || $profile == \#* ]] && continue
		[[ -f $T/cm/$profile.json && -n $kind && -n $target && ( -z $rest || $rest == \#* ) ]]
		check "kubernetes: ${a##*/}: '$profile $kind $target' names a declared profile" $? \
			"three words, and $profile.json a key of the ConfigMap"
	done <"$a"
done

# ---- what docs/kubernetes.md says of the DaemonSet ---------------------------------
ds=$dir/daemonset.yaml
cat >"$T/v/facts.mjs" <<'EOF'
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
const ds = yaml.loadAll(readFileSync(process.argv[2], "utf8")).find((d) => d?.kind === "DaemonSet");
const pod = ds.spec.template.spec;
const c = pod.containers.find((x) => x.name === "enforcerd");
const r = pod.containers.find((x) => x.name === "config-reload");
const vol = (n) => pod.volumes.find((v) => v.name === n);
const mounts = c.volumeMounts.map((m) => `${m.mountPath}=${vol(m.name).hostPath?.path ?? Object.keys(vol(m.name)).find((k) => k !== "name")}${m.readOnly ? ":ro" : ""}`);
console.log(JSON.stringify({
	hostPID: pod.hostPID, hostNetwork: pod.hostNetwork ?? false, token: pod.automountServiceAccountToken,
	privileged: c.securityContext.privileged, drop: c.securityContext.capabilities.drop,
	add: [...c.securityContext.capabilities.add].sort(), seccomp: c.securityContext.seccompProfile.type,
	reloadCaps: r.securityContext.capabilities, reloadSeccomp: r.securityContext.seccompProfile.type,
	command: c.command, args: c.args, mounts: mounts.sort(), memoryLimit: c.resources.limits?.memory ?? null,
}));
EOF
facts=$(node "$T/v/facts.mjs" "$ds" 2>&1)
fact() { jq -e "$1" <<<"$facts" >/dev/null 2>&1; }
fact '.hostPID == true and .hostNetwork == false'
check "kubernetes: the DaemonSet shares the host's PID namespace, not its network" $? "$facts"
fact '.token == false'
check "kubernetes: no service account token in the pod" $? "$facts"
fact '.privileged == false and .drop == ["ALL"]'
check "kubernetes: not privileged, every capability dropped but those added" $? "$facts"
unit_caps=$(sed -n 's/^CapabilityBoundingSet=//p' packaging/systemd/enforcerd.service | tr ' ' '\n' | sed 's/^CAP_//' | sort | jq -Rsc 'split("\n") | map(select(. != ""))')
fact ".add == $unit_caps"
check "kubernetes: the capabilities added are the systemd unit's bounding set ($unit_caps)" $? "$facts"
fact '.reloadCaps.drop == ["ALL"] and (.reloadCaps.add // []) == [] and .reloadSeccomp == "RuntimeDefault"'
check "kubernetes: config-reload holds no capability, under the runtime's seccomp profile" $? "$facts"
fact '.command[0:3] == ["/usr/bin/nsenter", "--cgroup=/proc/1/ns/cgroup", "--"] and .command[3] == "/usr/sbin/enforcerd"'
check "kubernetes: enforcerd runs in the host's cgroup namespace (nsenter)" $? "$facts"
fact '.memoryLimit == null'
check "kubernetes: enforcerd has no memory limit (BPF maps are charged to its memory cgroup)" $? "$facts"
for m in /sys/fs/bpf=/sys/fs/bpf /sys/fs/cgroup=/sys/fs/cgroup:ro /sys/kernel/security=/sys/kernel/security:ro \
	/var/lib/enforcer=/var/lib/enforcer /etc/enforcer/configmap=configMap:ro /run/enforcer=emptyDir; do
	fact ".mounts | index(\"$m\") != null"
	check "kubernetes: enforcerd mounts $m" $? "$(jq -c .mounts <<<"$facts")"
done
# Every option the DaemonSet passes is one enforcerd has.
help=$(build/bin/enforcerd --help)
for opt in $(jq -r '.args[]' <<<"$facts" | sed 's/=.*//'); do
	grep -q -- "$opt" <<<"$help"
	check "kubernetes: enforcerd knows $opt" $? "not in enforcerd --help"
done

# ---- broken on purpose: each must be refused ---------------------------------------
# Each broken copy is one file; one validator run over all of them, which
# must exit 1, and each file must be refused for its own reason.
declare -A why=()
broken() { why[$1]=$2; }
sed 's/^      hostPID: true$/      hostPID: "yes"/' "$ds" >"$T/wrong-type.yaml"
broken wrong-type "hostPID must be boolean"
sed 's/^            readOnlyRootFilesystem: true$/            readOnlyRootFileSystem: true/' "$ds" >"$T/unknown-field.yaml"
broken unknown-field "securityContext.readOnlyRootFileSystem: unknown field"
sed 's/^      automountServiceAccountToken: false$/      automountServiceAccountToken: false\n      hostPid: true/' "$ds" \
	>"$T/unknown-pod-field.yaml"
broken unknown-pod-field "spec.template.spec.hostPid: unknown field"
sed '/^  selector:$/,/^      app.kubernetes.io\/component: enforcerd$/d' "$ds" >"$T/no-selector.yaml"
broken no-selector "must have required property selector"
sed 's/^kind: DaemonSet$/kind: DaemonSett/' "$ds" >"$T/unknown-kind.yaml"
broken unknown-kind "apps/v1 has no kind DaemonSett"
sed 's/^      interval: 30s$/      interval: 30/' "$dir/servicemonitor.yaml" >"$T/sm-type.yaml"
broken sm-type "interval must be string"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: 1}\n' >"$T/cm-type.yaml"
broken cm-type "must be string"
copies=()
for k in "${!why[@]}"; do
	copies+=("$T/$k.yaml")
done
out=$(validate "${copies[@]}")
rc=$?
check "kubernetes control: the validator exits 1 on the ${#why[@]} broken copies" $([[ $rc -eq 1 ]]; echo $?) \
	"exit status $rc: $out"
for k in "${!why[@]}"; do
	grep "^error $T/$k.yaml: " <<<"$out" | grep -qF -- "${why[$k]}"
	check "kubernetes control: $k is refused (${why[$k]})" $? "no error line for $T/$k.yaml with '${why[$k]}' in: $out"
done
sed 's/"mode": "audit"/"mode": "audit", "mdoe": "x"/' "$T/cm/pod-baseline.json" >"$T/bad-profile.json"
out=$(build/bin/policyc check "$T/bad-profile.json" 2>&1)
check "kubernetes control: policyc refuses a ConfigMap profile with an unknown key" \
	$([[ $? -ne 0 && $out == *mdoe* ]]; echo $?) "$out"
# The kustomization check above, on a copy with a manifest more.
mkdir -p "$T/k" && cp "$dir"/*.yaml "$T/k/" && cp "$dir/service.yaml" "$T/k/extra.yaml"
drift=$(kustomize_drift "$T/k")
check "kubernetes control: a manifest left out of kustomization.yaml is noticed" \
	$([[ $drift == *extra.yaml* ]]; echo $?) "the check saw: ${drift:-no difference}"

finish
